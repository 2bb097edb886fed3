//! Demo data: the Seoul demo resources and one demo account per role.

use sharehub_core::demo::DemoFile;
use sharehub_core::wire::{AccountId, Role};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::storage::StoredAccount;

/// The password of every demo account (documented in README-server.md).
pub const DEMO_PASSWORD: &str = "sharehub-demo-2026";

/// The demo accounts: `<role>@demo.sharehub.kr`.
pub fn demo_login(role: Role) -> String {
    format!("{}@demo.sharehub.kr", role.as_str())
}

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub accounts_added: usize,
    pub resources_added: usize,
}

/// Adds the demo accounts and the demo file's resources (owned by the demo coordinator),
/// skipping whatever exists already: seeding twice changes nothing.
pub async fn seed_demo(state: &AppState, demo_json: &str) -> Result<SeedReport> {
    let demo = DemoFile::parse(demo_json).map_err(|e| Error::Config {
        detail: e.to_string(),
    })?;
    let mut accounts_added = 0;
    let mut coordinator = None;
    for role in Role::ALL {
        let login = demo_login(role);
        let account = match state.storage.account_by_login(&login).await? {
            Some(account) => account,
            None => {
                let account = StoredAccount {
                    id: AccountId(Uuid::now_v7()),
                    email: Some(login),
                    phone: None,
                    password_hash: state.hasher.hash(DEMO_PASSWORD.to_owned()).await?,
                    role,
                    created_at: state.clock.now(),
                };
                state.storage.create_account(&account).await?;
                accounts_added += 1;
                account
            }
        };
        if role == Role::Coordinator {
            coordinator = Some(account.id);
        }
    }
    let owner = coordinator.ok_or_else(|| Error::internal("no demo coordinator"))?;
    let resources_added = state.storage.seed_resources(owner, &demo.resources).await?;
    Ok(SeedReport {
        accounts_added,
        resources_added,
    })
}
