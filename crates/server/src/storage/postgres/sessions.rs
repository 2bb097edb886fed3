//! Sessions in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::{AccountId, SessionId};
use tokio_postgres::Row;

use super::accounts::read_account;
use super::PostgresStorage;
use crate::error::{Error, Result};
use crate::storage::{from_millis, millis, SessionStore, StoredAccount, StoredSession};

const SESSION_COLUMNS: &str = "s.id, s.account_id, s.token_hash, s.created_at, s.expires_at";

fn read_session(row: &Row) -> Result<StoredSession> {
    let hash: Vec<u8> = row.try_get(2)?;
    Ok(StoredSession {
        id: SessionId(row.try_get(0)?),
        account_id: AccountId(row.try_get(1)?),
        token_hash: hash
            .try_into()
            .map_err(|_| Error::corrupt("a session token hash is not 32 bytes"))?,
        created_at: from_millis(row.try_get(3)?)?,
        expires_at: from_millis(row.try_get(4)?)?,
    })
}

#[async_trait]
impl SessionStore for PostgresStorage {
    async fn create_session(&self, session: &StoredSession) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO session (id, account_id, token_hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &session.id.0,
                    &session.account_id.0,
                    &session.token_hash.as_slice(),
                    &millis(session.created_at),
                    &millis(session.expires_at),
                ],
            )
            .await?;
        Ok(())
    }

    async fn session_by_token_hash(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<(StoredSession, StoredAccount)>> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!(
                    "SELECT {SESSION_COLUMNS}, a.id, a.email, a.phone, a.password_hash, a.role, a.created_at
                     FROM session s JOIN account a ON a.id = s.account_id
                     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2"
                ),
                &[&token_hash.as_slice(), &millis(now)],
            )
            .await?;
        row.map(|row| Ok((read_session(&row)?, read_account(&row, 5)?)))
            .transpose()
    }

    async fn sessions_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSession>> {
        self.client()
            .await?
            .query(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM session s
                     WHERE s.account_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
                     ORDER BY s.created_at DESC, s.id DESC"
                ),
                &[&account.0, &millis(now)],
            )
            .await?
            .iter()
            .map(read_session)
            .collect()
    }

    async fn revoke_session(
        &self,
        account: AccountId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE session SET revoked_at = $3
                 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL AND expires_at > $3",
                &[&session.0, &account.0, &millis(now)],
            )
            .await?
            == 1)
    }
}
