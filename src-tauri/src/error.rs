//! The one place where local-store errors become IPC errors.

use sharehub_core::ipc::IpcError;

pub fn to_ipc(error: sharehub_local::Error) -> IpcError {
    use sharehub_local::Error as E;
    match error {
        E::ResourceNotFound(id) => IpcError::NotFound {
            what: format!("resource {id}"),
        },
        E::ReservationNotFound(id) => IpcError::NotFound {
            what: format!("booking {id}"),
        },
        E::Invalid { field, problem } => IpcError::Invalid { field, problem },
        E::Offline { .. } => IpcError::Offline,
        E::Unauthorized { .. } | E::NotSignedIn => IpcError::Unauthorized,
        other @ E::OutboxEntry { .. } => IpcError::NotFound {
            what: other.to_string(),
        },
        // The server refused the request itself: say so in its words (a taken e-mail, a
        // too-short password), so the person can fix it.
        E::Server {
            status: 409,
            detail,
            ..
        } => IpcError::Conflict { detail },
        E::Server {
            status: 400 | 422,
            detail,
            ..
        } => IpcError::Invalid {
            field: "request".into(),
            problem: detail,
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
