//! Sessions: signed-in devices, stored only as the SHA-256 of their tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::{AccountId, SessionId};

use super::StoredAccount;
use crate::error::Result;

/// A session as stored: only the SHA-256 of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub id: SessionId,
    pub account_id: AccountId,
    pub token_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[async_trait]
pub trait SessionStore {
    async fn create_session(&self, session: &StoredSession) -> Result<()>;
    /// The live (not expired, not revoked) session with this token hash, and its account.
    async fn session_by_token_hash(
        &self,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<(StoredSession, StoredAccount)>>;
    /// The account's live sessions, newest first.
    async fn sessions_of(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSession>>;
    /// Revokes one of the account's sessions; false when the account has no such live session.
    async fn revoke_session(
        &self,
        account: AccountId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool>;
}
