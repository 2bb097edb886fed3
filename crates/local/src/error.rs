use sharehub_core::booking::ReservationId;
use sharehub_core::ResourceId;

/// Everything that can go wrong in the local store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not bring the database schema up to date: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("no shared resource with id {0}")]
    ResourceNotFound(ResourceId),
    #[error("no booking with id {0} on this device")]
    ReservationNotFound(ReservationId),
    #[error("stored row {id} cannot be read back: {detail}")]
    CorruptRow { id: String, detail: String },
    #[error("invalid {field}: {problem}")]
    Invalid { field: String, problem: String },
    /// The server could not be reached (no network, refused, timed out). Retrying can work.
    #[error("the Share Hub server cannot be reached: {detail}")]
    Offline { detail: String },
    /// The session token is missing, expired or revoked: sign in again; retrying cannot work.
    #[error("not signed in to Share Hub: {detail}")]
    Unauthorized { detail: String },
    /// The server answered with an error status. `transient` (5xx, 408, 429) means retrying
    /// later can work; otherwise the request itself was refused.
    #[error("the Share Hub server answered {status}: {detail}")]
    Server {
        status: u16,
        detail: String,
        transient: bool,
        /// The server's `Retry-After`, when it sent one.
        retry_after_secs: Option<u64>,
    },
    /// The server's answer could not be understood (a proxy page, a newer or broken server).
    #[error("the Share Hub server sent an answer this app cannot read: {detail}")]
    BadAnswer { detail: String },
    /// No account has signed in on this device, so local changes cannot be attributed.
    #[error("sign in to Share Hub first")]
    NotSignedIn,
    /// No outbox entry with this id, or not in the state the action needs.
    #[error("no local change {id} {needs}")]
    OutboxEntry { id: String, needs: &'static str },
}

impl Error {
    /// True when doing the same thing again later can succeed (network, server overload);
    /// false when something must change first (the data, the sign-in, the app).
    pub fn can_retry(&self) -> bool {
        match self {
            Error::Offline { .. } | Error::BadAnswer { .. } => true,
            Error::Server { transient, .. } => *transient,
            // A locked database (another writer past the busy timeout) clears by itself.
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            Error::Sqlite(_)
            | Error::Migration(_)
            | Error::ResourceNotFound(_)
            | Error::ReservationNotFound(_)
            | Error::CorruptRow { .. }
            | Error::Invalid { .. }
            | Error::Unauthorized { .. }
            | Error::NotSignedIn
            | Error::OutboxEntry { .. } => false,
        }
    }
}

/// A check of the IPC contract (`ResourceCreateArgs::check`, …) refusing what the app sent.
impl From<sharehub_core::ipc::IpcError> for Error {
    fn from(error: sharehub_core::ipc::IpcError) -> Error {
        match error {
            sharehub_core::ipc::IpcError::Invalid { field, problem } => {
                Error::Invalid { field, problem }
            }
            other => Error::Invalid {
                field: "request".into(),
                problem: other.to_string(),
            },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
