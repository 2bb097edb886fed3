//! Accounts: who can sign in, and with which role.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sharehub_core::wire::{AccountId, Role};

use crate::error::Result;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    pub id: AccountId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait AccountStore {
    /// Stores a new account; `Error::Conflict` when its e-mail or phone is taken.
    async fn create_account(&self, account: &StoredAccount) -> Result<()>;
    /// The account registered with this (normalized) e-mail address or phone number.
    async fn account_by_login(&self, login: &str) -> Result<Option<StoredAccount>>;
    async fn account(&self, id: AccountId) -> Result<Option<StoredAccount>>;
    /// Changes an account's role; false when there is no such account.
    async fn set_role(&self, id: AccountId, role: Role) -> Result<bool>;
}
