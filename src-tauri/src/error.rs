//! The one place where local-store errors become IPC errors.

use sharehub_core::ipc::IpcError;

pub fn to_ipc(error: sharehub_local::Error) -> IpcError {
    use sharehub_local::Error as E;
    match error {
        E::ResourceNotFound(id) => IpcError::NotFound {
            what: format!("resource {id}"),
        },
        E::Invalid { field, problem } => IpcError::Invalid { field, problem },
        E::Offline { .. } => IpcError::Offline,
        E::Unauthorized { .. } | E::NotSignedIn => IpcError::Unauthorized,
        other @ E::OutboxEntry { .. } => IpcError::NotFound {
            what: other.to_string(),
        },
        other @ (E::Sqlite(_)
        | E::Migration(_)
        | E::CorruptRow { .. }
        | E::Server { .. }
        | E::BadAnswer { .. }) => IpcError::Internal {
            detail: other.to_string(),
        },
    }
}
