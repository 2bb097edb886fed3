//! Accounts in SQLite.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, Row};
use sharehub_core::wire::{AccountId, Role};

use super::{is_unique_violation, parse_uuid, SqliteStorage};
use crate::error::{Error, Result};
use crate::storage::{from_millis, millis, parse_role, AccountStore, StoredAccount};

pub(super) const ACCOUNT_COLUMNS: &str = "id, email, phone, password_hash, role, created_at";

pub(super) fn read_account(row: &Row<'_>, offset: usize) -> Result<StoredAccount> {
    let id: String = row.get(offset)?;
    let role: String = row.get(offset + 4)?;
    Ok(StoredAccount {
        id: AccountId(parse_uuid(&id)?),
        email: row.get(offset + 1)?,
        phone: row.get(offset + 2)?,
        password_hash: row.get(offset + 3)?,
        role: parse_role(&role)?,
        created_at: from_millis(row.get(offset + 5)?)?,
    })
}

#[async_trait]
impl AccountStore for SqliteStorage {
    async fn create_account(&self, account: &StoredAccount) -> Result<()> {
        let account = account.clone();
        self.write(move |tx| {
            let inserted = tx
                .prepare_cached(&format!(
                    "INSERT INTO account ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ))?
                .execute(params![
                    account.id.to_string(),
                    account.email,
                    account.phone,
                    account.password_hash,
                    account.role.as_str(),
                    millis(account.created_at),
                ]);
            match inserted {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => Err(Error::Conflict {
                    detail: "an account with this e-mail address or phone number already exists; log in instead".into(),
                }),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<StoredAccount>> {
        let login = login.to_owned();
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM account WHERE email = ?1 OR phone = ?1"
            ))?
            .query_row([login], |row| Ok(read_account(row, 0)))
            .optional()?
            .transpose()
        })
        .await
    }

    async fn account(&self, id: AccountId) -> Result<Option<StoredAccount>> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = ?1"
            ))?
            .query_row([id.to_string()], |row| Ok(read_account(row, 0)))
            .optional()?
            .transpose()
        })
        .await
    }

    async fn set_role(&self, id: AccountId, role: Role) -> Result<bool> {
        self.write(move |tx| {
            Ok(tx
                .prepare_cached("UPDATE account SET role = ?2 WHERE id = ?1")?
                .execute(params![id.to_string(), role.as_str()])?
                == 1)
        })
        .await
    }
}
