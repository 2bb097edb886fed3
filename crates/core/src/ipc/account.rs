//! Signing in to a Share Hub server, and what the UI knows about sync.
//!
//! The shell keeps one [`SyncStatus`] and sends it to the UI as the Tauri event
//! [`SYNC_STATUS_EVENT`] whenever it changes; [`SyncStatusGet`] answers the current one
//! (the UI asks once at start, then listens).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::near::invalid;
use super::IpcError;
use crate::wire::Role;
use crate::{LocalizedText, ResourceId, ResourceKind};

/// The Tauri event that carries every new [`SyncStatus`].
pub const SYNC_STATUS_EVENT: &str = "sync-status";

/// Who is signed in on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// The e-mail or phone number the person signed in with.
    pub login: String,
    pub role: Role,
}

/// Whether the server answered lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// Not tried yet.
    #[default]
    Unknown,
    Online,
    Offline,
}

/// How far a long sync (the first one) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    pub done: u64,
    /// `None` while the server does not say how many changes there are.
    pub total: Option<u64>,
}

/// Everything the always-visible sync status shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SyncStatus {
    /// The server this device syncs with; `None` in offline demo mode (no server set).
    pub server: Option<String>,
    pub account: Option<AccountSummary>,
    pub connection: Connection,
    /// Local changes waiting for the server.
    pub pending: u64,
    /// Local changes the server refused or bumped (see [`SyncAttentionList`]).
    pub needs_attention: u64,
    /// When the last sync finished (UTC; RFC 3339 in JSON).
    pub last_synced: Option<DateTime<Utc>>,
    /// Set while a sync is pulling.
    pub progress: Option<SyncProgress>,
    /// Why the last sync failed, until one works.
    pub last_error: Option<IpcError>,
    /// Shared resources on this device (0 on a new device before its first sync).
    pub local_resources: u64,
    /// Grows whenever the device's data changed (a sync brought changes, a local change,
    /// signing in or out): pages reload when it moves.
    pub data_version: u64,
    /// Grows with every change of the status: a status that arrives late (a command's
    /// answer overtaken by an event) never replaces a newer one.
    pub revision: u64,
}

impl SyncStatus {
    /// Takes `next` unless it is older than `self`.
    pub fn accept(&mut self, next: SyncStatus) {
        if next.revision >= self.revision {
            *self = next;
        }
    }

    /// A device with a server but no data yet, which cannot get any now: the UI shows what
    /// to do (check the connection, sign in).
    pub fn needs_first_sync(&self) -> bool {
        self.server.is_some()
            && self.local_resources == 0
            && (self.account.is_none() || self.connection == Connection::Offline)
    }
}

/// An instant from milliseconds since 1970 (the webview's `Date.now()`), for "2 min ago".
pub fn utc_from_unix_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub struct SyncStatusGet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInArgs {
    /// E-mail or phone number.
    pub login: String,
    pub password: String,
}

pub struct AccountSignIn;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterArgs {
    pub email: String,
    pub password: String,
}

pub struct AccountRegister;

/// Ends the session and removes the account's data from the device.
pub struct AccountSignOut;

/// What a local change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Retire,
    /// `booking.set_rules`.
    SetBookingRules,
    /// `reservation.request`.
    Book,
    CancelBooking,
    MoveBooking,
    CheckIn,
    /// The owner's approval or refusal of a request.
    DecideBooking,
}

impl ChangeAction {
    /// Whether the needs-attention list can edit the change's name and description
    /// (`SyncAttentionEdit`): only sharing and editing a resource have them.
    pub fn has_typed_text(self) -> bool {
        matches!(self, ChangeAction::Create | ChangeAction::Update)
    }
}

/// A local change the server refused or bumped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionItem {
    /// The outbox entry (for retry and discard).
    pub entry: Uuid,
    pub action: ChangeAction,
    pub resource: ResourceId,
    /// The resource's name, when the device knows it.
    pub name: Option<LocalizedText>,
    /// The description as the change has it (for editing); `None` for retiring.
    pub description: Option<LocalizedText>,
    /// Why, in the server's words.
    pub reason: String,
    pub made_at: DateTime<Utc>,
    /// For a booking change: the booking, the refusal's code and, when bumped, the other
    /// times offered (`ReservationTakeAlternative` books one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<super::BookingAttention>,
}

pub struct SyncAttentionList;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionEntryArgs {
    pub entry: Uuid,
}

/// Sends a refused change again.
pub struct SyncAttentionRetry;

/// Drops a refused change; the record shows the server's version again.
pub struct SyncAttentionDiscard;

/// A refused or bumped change, edited by the person and sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionEditArgs {
    pub entry: Uuid,
    pub name: String,
    pub description: String,
}

impl AttentionEditArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        check_typed("name", &self.name, MAX_NAME_CHARS)?;
        check_typed("description", &self.description, MAX_DESCRIPTION_CHARS)
    }
}

/// Sends a refused change again with the person's edits (only creating and updating have
/// something to edit).
pub struct SyncAttentionEdit;

/// Longest name and description a person can type when sharing something.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Sharing something new (the smallest editing the outbox supports): the shell fills the
/// rest (place from the neighborhood, free of charge, public, owner's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCreateArgs {
    pub kind: ResourceKind,
    pub name: String,
    pub description: String,
    /// A neighborhood (행정동) name, e.g. "망원1동" or "Mangwon 1".
    pub neighborhood: String,
}

impl ResourceCreateArgs {
    pub fn check(&self) -> Result<(), IpcError> {
        let fields = [
            ("name", &self.name, MAX_NAME_CHARS),
            ("description", &self.description, MAX_DESCRIPTION_CHARS),
            ("neighborhood", &self.neighborhood, MAX_NAME_CHARS),
        ];
        for (field, value, max) in fields {
            check_typed(field, value, max)?;
        }
        if self.kind == ResourceKind::BikeStation {
            return Err(IpcError::Invalid {
                field: "kind".into(),
                problem: "bike stations are run by the city".into(),
            });
        }
        Ok(())
    }
}

/// A text the person typed: not blank and at most `max` characters.
fn check_typed(field: &str, value: &str, max: usize) -> Result<(), IpcError> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

/// Records a new shared resource: shown at once, sent by sync.
pub struct ResourceCreate;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_needs_a_name_and_a_description_of_sane_length() {
        let edit = |name: &str, description: &str| AttentionEditArgs {
            entry: Uuid::nil(),
            name: name.into(),
            description: description.into(),
        };
        assert_eq!(edit("Drill", "Lent on weekends").check(), Ok(()));
        let field = |e: Result<(), IpcError>| match e {
            Err(IpcError::Invalid { field, problem }) => format!("{field}: {problem}"),
            other => format!("{other:?}"),
        };
        assert_eq!(field(edit("  ", "x").check()), "name: must not be empty");
        assert_eq!(
            field(edit("Drill", "").check()),
            "description: must not be empty"
        );
        assert_eq!(
            field(edit(&"가".repeat(MAX_NAME_CHARS + 1), "x").check()),
            "name: must be at most 100 characters"
        );
        // Characters, not bytes: a Korean name of the maximum length is fine.
        assert_eq!(edit(&"가".repeat(MAX_NAME_CHARS), "x").check(), Ok(()));
    }

    #[test]
    fn status_round_trips_with_rfc3339_instants() {
        let status = SyncStatus {
            server: Some("http://127.0.0.1:8787".into()),
            account: Some(AccountSummary {
                login: "resident@demo.sharehub.kr".into(),
                role: Role::Resident,
            }),
            connection: Connection::Online,
            pending: 1,
            needs_attention: 0,
            last_synced: DateTime::from_timestamp(1_795_000_000, 0),
            progress: Some(SyncProgress {
                done: 10,
                total: None,
            }),
            last_error: Some(IpcError::Offline),
            local_resources: 320,
            data_version: 3,
            revision: 9,
        };
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["last_synced"], "2026-11-18T11:06:40Z");
        assert_eq!(json["connection"], "online");
        assert_eq!(json["last_error"]["kind"], "offline");
        let back: SyncStatus = serde_json::from_value(json).unwrap();
        assert_eq!(back, status);
    }

    #[test]
    fn a_late_status_never_replaces_a_newer_one() {
        let mut shown = SyncStatus {
            revision: 5,
            pending: 0,
            ..SyncStatus::default()
        };
        shown.accept(SyncStatus {
            revision: 4,
            pending: 1,
            ..SyncStatus::default()
        });
        assert_eq!(shown.pending, 0);
        shown.accept(SyncStatus {
            revision: 6,
            pending: 2,
            ..SyncStatus::default()
        });
        assert_eq!((shown.revision, shown.pending), (6, 2));
    }

    #[test]
    fn a_new_device_without_a_way_to_sync_needs_the_empty_state() {
        let mut status = SyncStatus {
            server: Some("http://127.0.0.1:8787".into()),
            ..SyncStatus::default()
        };
        assert!(status.needs_first_sync(), "not signed in");
        status.account = Some(AccountSummary {
            login: "a@b.kr".into(),
            role: Role::Resident,
        });
        status.connection = Connection::Online;
        assert!(!status.needs_first_sync(), "signed in and online: syncing");
        status.connection = Connection::Offline;
        assert!(status.needs_first_sync(), "offline");
        status.local_resources = 1;
        assert!(!status.needs_first_sync(), "has data");
        assert!(
            !SyncStatus::default().needs_first_sync(),
            "offline demo mode"
        );
    }

    #[test]
    fn sharing_needs_every_field() {
        let ok = ResourceCreateArgs {
            kind: ResourceKind::Tool,
            name: "전동 드릴".into(),
            description: "주말에 빌려 드려요".into(),
            neighborhood: "망원1동".into(),
        };
        assert!(ok.check().is_ok());
        let empty = ResourceCreateArgs {
            name: "  ".into(),
            ..ok.clone()
        };
        assert!(matches!(empty.check(), Err(IpcError::Invalid { field, .. }) if field == "name"));
        let station = ResourceCreateArgs {
            kind: ResourceKind::BikeStation,
            ..ok
        };
        assert!(station.check().is_err());
    }
}
