//! The session token in the OS keyring (`keyring` crate): the macOS Keychain, the Windows
//! Credential Manager, and on Linux the kernel keyutils user keyring, which keeps the token
//! in kernel memory for the login session only: after logging out of every session (or a
//! reboot) the person signs in again. The token is never written to SQLite, plain files or the webview's storage.
//!
//! The entry's user name includes a hash of the app-data folder and the server URL, so
//! two app instances with their own data (parallel tests, two servers) never share a
//! token.

use serde::{Deserialize, Serialize};
use sharehub_core::ipc::{AccountSummary, IpcError};
use sharehub_core::wire::Role;

/// The keyring service the app's entries live under.
const SERVICE: &str = "kr.sharehub.app";

/// What is kept for the signed-in account. The token is the secret; the login and role
/// come along so the status shows who is signed in while offline.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSession {
    pub token: String,
    pub login: String,
    pub role: Role,
}

impl StoredSession {
    pub fn account(&self) -> AccountSummary {
        AccountSummary {
            login: self.login.clone(),
            role: self.role,
        }
    }
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("login", &self.login)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The keyring entry of one app-data folder and server.
#[derive(Debug, Clone)]
pub struct SessionKeyring {
    user: String,
}

impl SessionKeyring {
    pub fn new(data_dir: &std::path::Path, server: &str) -> SessionKeyring {
        let scope = format!("{}\n{server}", data_dir.display());
        SessionKeyring {
            user: format!("session-{:016x}", fnv1a(scope.as_bytes())),
        }
    }

    /// On Linux: the kernel's user keyring (`@u`), not the default session + persistent
    /// pair: containers and user namespaces refuse reading the session keyring and linking
    /// into the persistent one (then every save and read fails), while the user keyring
    /// works everywhere. It lives in kernel memory as long as the person is logged in, and
    /// is gone after a reboot.
    #[cfg(target_os = "linux")]
    fn entry(&self) -> Result<keyring::Entry, IpcError> {
        use linux_keyutils::{KeyRing, KeyRingIdentifier};
        let ring = KeyRing::from_special_id(KeyRingIdentifier::User, false).map_err(|e| {
            IpcError::Internal {
                detail: format!("the system keyring failed: {e:?}"),
            }
        })?;
        let credential = keyring::keyutils::KeyutilsCredential {
            session: ring,
            persistent: None,
            description: self.description(),
        };
        Ok(keyring::Entry::new_with_credential(Box::new(credential)))
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self) -> Result<keyring::Entry, IpcError> {
        keyring::Entry::new(SERVICE, &self.user).map_err(keyring_error)
    }

    /// The kept session, if any. A missing or unreadable entry is no session (an unreadable
    /// one is logged: the person simply signs in again).
    pub fn load(&self) -> Option<StoredSession> {
        let secret = match self
            .entry()
            .and_then(|e| e.get_password().map_err(keyring_error))
        {
            Ok(secret) => secret,
            Err(IpcError::NotFound { .. }) => return None,
            Err(error) => {
                eprintln!("Share Hub: cannot read the session from the keyring: {error}");
                return None;
            }
        };
        match serde_json::from_str(&secret) {
            Ok(session) => Some(session),
            Err(error) => {
                eprintln!("Share Hub: the keyring entry is not a session ({error}); ignoring it");
                None
            }
        }
    }

    /// Keeps `session`; `lifetime` is how long the server will honour it (on Linux the
    /// kernel drops the key then, so entries of abandoned data folders do not pile up).
    pub fn save(
        &self,
        session: &StoredSession,
        lifetime: Option<std::time::Duration>,
    ) -> Result<(), IpcError> {
        let secret = serde_json::to_string(session).map_err(|e| IpcError::Internal {
            detail: format!("cannot encode the session: {e}"),
        })?;
        self.entry()?.set_password(&secret).map_err(keyring_error)?;
        if let Some(lifetime) = lifetime {
            self.expire_after(lifetime);
        }
        Ok(())
    }

    #[cfg(target_os = "linux")]
    fn expire_after(&self, lifetime: std::time::Duration) {
        use linux_keyutils::{KeyRing, KeyRingIdentifier};
        let set = KeyRing::from_special_id(KeyRingIdentifier::User, false)
            .and_then(|ring| ring.search(&self.description()))
            .and_then(|key| key.set_timeout(lifetime.as_secs().max(1) as usize));
        if let Err(error) = set {
            eprintln!("Share Hub: the session key keeps no expiry: {error:?}");
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn expire_after(&self, _lifetime: std::time::Duration) {}

    #[cfg(target_os = "linux")]
    fn description(&self) -> String {
        format!("keyring-rs:{}@{SERVICE}", self.user)
    }

    /// Removes the entry (nothing to do when there is none).
    pub fn delete(&self) -> Result<(), IpcError> {
        match self.entry()?.delete_credential().map_err(keyring_error) {
            Ok(()) | Err(IpcError::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

fn keyring_error(error: keyring::Error) -> IpcError {
    match error {
        keyring::Error::NoEntry => IpcError::NotFound {
            what: "session in the keyring".into(),
        },
        other => IpcError::Internal {
            detail: format!("the system keyring failed: {other}"),
        },
    }
}

/// FNV-1a (64 bit): a small hash that stays the same across Rust versions, so the entry
/// is found again after an app update.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn entries_differ_by_data_folder_and_server() {
        let a = SessionKeyring::new("/tmp/a".as_ref(), "http://127.0.0.1:8787");
        let b = SessionKeyring::new("/tmp/b".as_ref(), "http://127.0.0.1:8787");
        let c = SessionKeyring::new("/tmp/a".as_ref(), "https://hub.example.kr");
        assert_ne!(a.user, b.user);
        assert_ne!(a.user, c.user);
        assert_eq!(
            a.user,
            SessionKeyring::new("/tmp/a".as_ref(), "http://127.0.0.1:8787").user
        );
    }

    #[test]
    fn the_token_is_not_in_debug_output() {
        let session = StoredSession {
            token: "secret-token".into(),
            login: "a@b.kr".into(),
            role: Role::Resident,
        };
        assert!(!format!("{session:?}").contains("secret-token"));
    }

    /// The real store (keyutils on Linux): save, load, delete.
    #[test]
    fn a_session_survives_a_round_trip_through_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = SessionKeyring::new(dir.path(), "http://127.0.0.1:1");
        let session = StoredSession {
            token: "t-123".into(),
            login: "a@b.kr".into(),
            role: Role::Organizer,
        };
        keyring
            .save(&session, Some(std::time::Duration::from_secs(60)))
            .unwrap();
        assert_eq!(keyring.load(), Some(session));
        keyring.delete().unwrap();
        assert_eq!(keyring.load(), None);
        keyring.delete().unwrap();
    }
}
