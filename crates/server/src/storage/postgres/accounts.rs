//! Accounts in PostgreSQL.

use async_trait::async_trait;
use sharehub_core::wire::{AccountId, Role};
use tokio_postgres::Row;

use super::PostgresStorage;
use crate::error::{Error, Result};
use crate::storage::{from_millis, millis, parse_role, AccountStore, StoredAccount};

pub(super) const ACCOUNT_COLUMNS: &str = "id, email, phone, password_hash, role, created_at";

pub(super) fn read_account(row: &Row, offset: usize) -> Result<StoredAccount> {
    let role: String = row.try_get(offset + 4)?;
    Ok(StoredAccount {
        id: AccountId(row.try_get(offset)?),
        email: row.try_get(offset + 1)?,
        phone: row.try_get(offset + 2)?,
        password_hash: row.try_get(offset + 3)?,
        role: parse_role(&role)?,
        created_at: from_millis(row.try_get(offset + 5)?)?,
    })
}

#[async_trait]
impl AccountStore for PostgresStorage {
    async fn create_account(&self, account: &StoredAccount) -> Result<()> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                &format!("INSERT INTO account ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"),
                &[
                    &account.id.0,
                    &account.email,
                    &account.phone,
                    &account.password_hash,
                    &account.role.as_str(),
                    &millis(account.created_at),
                ],
            )
            .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                Err(Error::Conflict {
                    detail: "an account with this e-mail address or phone number already exists; log in instead".into(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<StoredAccount>> {
        self.client()
            .await?
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE email = $1 OR phone = $1"),
                &[&login],
            )
            .await?
            .map(|row| read_account(&row, 0))
            .transpose()
    }

    async fn account(&self, id: AccountId) -> Result<Option<StoredAccount>> {
        self.client()
            .await?
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = $1"),
                &[&id.0],
            )
            .await?
            .map(|row| read_account(&row, 0))
            .transpose()
    }

    async fn set_role(&self, id: AccountId, role: Role) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE account SET role = $2 WHERE id = $1",
                &[&id.0, &role.as_str()],
            )
            .await?
            == 1)
    }
}
