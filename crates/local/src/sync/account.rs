//! Who is signed in on the device, and removing an account's data when they sign out or
//! another account signs in.

use sharehub_core::wire::AccountId;

use super::kinds;
use super::replica::{account_in, SyncStore, Tx};
use crate::error::Result;
use crate::store::rtree;

impl SyncStore {
    /// Records who signed in. A different account than before first gets a clean device:
    /// the previous account's data and unsent changes are removed (see [`Self::forget_account`]).
    /// Returns true when that happened.
    pub fn set_account(&mut self, account: AccountId) -> Result<bool> {
        self.write(|tx| {
            let previous = account_in(tx)?;
            let wiped = previous.is_some_and(|previous| previous != account);
            if wiped {
                forget_in(tx)?;
            }
            tx.execute(
                "UPDATE sync_state SET account_id = ?1 WHERE id = 1",
                [account.to_string()],
            )?;
            Ok(wiped)
        })
    }

    /// Signing out: removes everything that came from the server or was made by the account
    /// (records of every kind, the server copies, the outbox with unsent changes) and the
    /// cursor, so the next person on this device sees none of it. Data bundled with the app
    /// stays.
    pub fn forget_account(&mut self) -> Result<()> {
        self.write(forget_in)
    }
}

fn forget_in(tx: &Tx<'_>) -> Result<()> {
    let boxes_pending = rtree::boxes_pending(tx)?;
    for kind in kinds::all() {
        kind.forget(tx)?;
    }
    tx.execute_batch(
        "DELETE FROM server_copy;
         DELETE FROM outbox;
         UPDATE sync_state SET account_id = NULL, cursor = 0, full_pull = 0, boxes_pending = 0,
             catch_up_kinds = NULL, catch_up_cursor = 0, pulled_at = NULL
             WHERE id = 1;",
    )?;
    if boxes_pending {
        // A first sync stopped half-way: the rows that stay (bundled data) get their boxes.
        rtree::rebuild(tx)?;
    }
    Ok(())
}
