//! Sessions in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use sharehub_core::wire::{AccountId, SessionId};

use super::accounts::read_account;
use super::{parse_uuid, SqliteStorage};
use crate::error::{Error, Result};
use crate::storage::{from_millis, millis, SessionStore, StoredAccount, StoredSession};

const SESSION_COLUMNS: &str = "s.id, s.account_id, s.token_hash, s.created_at, s.expires_at";

fn read_session(row: &Row<'_>) -> Result<StoredSession> {
    let id: String = row.get(0)?;
    let account_id: String = row.get(1)?;
    let hash: Vec<u8> = row.get(2)?;
    Ok(StoredSession {
        id: SessionId(parse_uuid(&id)?),
        account_id: AccountId(parse_uuid(&account_id)?),
        token_hash: hash
            .try_into()
            .map_err(|_| Error::corrupt("a session token hash is not 32 bytes"))?,
        created_at: from_millis(row.get(3)?)?,
        expires_at: from_millis(row.get(4)?)?,
    })
}

#[async_trait]
impl SessionStore for SqliteStorage {
    async fn create_session(&self, session: &StoredSession) -> Result<()> {
        let session = session.clone();
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO session (id, account_id, token_hash, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                session.id.to_string(),
                session.account_id.to_string(),
                session.token_hash.as_slice(),
                millis(session.created_at),
                millis(session.expires_at),
            ])?;
            Ok(())
        })
        .await
    }

    async fn session_by_token_hash(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<(StoredSession, StoredAccount)>> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS}, a.id, a.email, a.phone, a.password_hash, a.role, a.created_at
                 FROM session s JOIN account a ON a.id = s.account_id
                 WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2"
            ))?
            .query_row(params![token_hash.as_slice(), millis(now)], |row| {
                Ok(read_session(row).and_then(|s| Ok((s, read_account(row, 5)?))))
            })
            .optional()?
            .transpose()
        })
        .await
    }

    async fn sessions_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSession>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM session s
                 WHERE s.account_id = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
                 ORDER BY s.created_at DESC, s.id DESC"
            ))?;
            let rows = stmt.query_map(params![account.to_string(), millis(now)], |row| {
                Ok(read_session(row))
            })?;
            rows.map(|row| row?).collect()
        })
        .await
    }

    async fn revoke_session(
        &self,
        account: AccountId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        self.write(move |tx| {
            Ok(tx
                .prepare_cached(
                    "UPDATE session SET revoked_at = ?3
                     WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL AND expires_at > ?3",
                )?
                .execute(params![
                    session.to_string(),
                    account.to_string(),
                    millis(now)
                ])?
                == 1)
        })
        .await
    }
}
