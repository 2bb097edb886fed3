//! The app's state: the local store, opened once at start-up.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sharehub_core::demo::DemoFile;
use sharehub_core::ipc::IpcError;
use sharehub_core::text::Language;
use sharehub_local::Store;

use crate::error::to_ipc;

/// Overrides the app-data directory (tests give each run its own).
pub const DATA_DIR_ENV: &str = "SHAREHUB_DATA_DIR";

/// Seeds a new device from this demo file instead of the bundled one (benchmarks use a
/// city of 5,000 resources).
pub const SEED_FILE_ENV: &str = "SHAREHUB_SEED_FILE";

/// The Seoul demo data that seeds a new device until sync replaces it.
const DEMO_DATA: &str = include_str!("../../assets/demo/seoul.json");

pub struct AppState {
    /// The open store, or why it could not be opened (shown to the person).
    store: Result<Arc<Mutex<Store>>, IpcError>,
    system_language: Language,
}

pub fn data_dir(os_app_data_dir: Option<PathBuf>) -> Option<PathBuf> {
    std::env::var_os(DATA_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or(os_app_data_dir)
}

pub fn system_locale() -> Language {
    sys_locale::get_locale()
        .map(|locale| Language::from_locale(&locale))
        .unwrap_or_default()
}

impl AppState {
    /// Opens (creating on first start) the store in `data_dir`. A new device is seeded from
    /// the bundled demo data only in offline demo mode (`seed`: no server set); with a
    /// server its data comes from sync. Failure is kept and reported by every command, so
    /// the UI can say what went wrong.
    pub fn open(data_dir: Option<PathBuf>, system_language: Language, seed: Seeding) -> AppState {
        let store = open_store(data_dir, seed).map(|store| Arc::new(Mutex::new(store)));
        if let Err(error) = &store {
            eprintln!("Share Hub: the local data could not be opened: {error}");
        }
        AppState {
            store,
            system_language,
        }
    }

    /// Whether the store opened.
    pub fn is_open(&self) -> bool {
        self.store.is_ok()
    }

    /// Why the store did not open (for the sync status); `Internal` when it did.
    pub fn open_error(&self) -> IpcError {
        match &self.store {
            Err(error) => error.clone(),
            Ok(_) => IpcError::Internal {
                detail: "the local data could not be opened".into(),
            },
        }
    }

    pub fn system_language(&self) -> Language {
        self.system_language
    }

    /// Runs `f` with the store on a blocking thread, so the UI thread never waits on disk.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, sharehub_local::Error> + Send + 'static,
    {
        let store = self.store.clone()?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = store.lock().map_err(|_| IpcError::Internal {
                detail: "the local store was left in an unknown state by an earlier failure".into(),
            })?;
            f(&mut guard).map_err(to_ipc)
        })
        .await
        .map_err(|e| IpcError::Internal {
            detail: format!("background task failed: {e}"),
        })?
    }
}

/// Whether a new device gets the bundled demo data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeding {
    /// Offline demo mode: no server, the bundled demo data.
    DemoData,
    /// A server is set: the data comes from sync.
    FromSync,
}

/// The device database in the app-data folder.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("sharehub.db")
}

fn open_store(data_dir: Option<PathBuf>, seed: Seeding) -> Result<Store, IpcError> {
    let dir = data_dir.ok_or_else(|| IpcError::Internal {
        detail: "this system reports no folder for app data".into(),
    })?;
    std::fs::create_dir_all(&dir).map_err(|e| IpcError::Internal {
        detail: format!("cannot create the data folder {}: {e}", dir.display()),
    })?;
    let mut store = Store::open(&db_path(&dir)).map_err(to_ipc)?;
    // Parse the demo data only on a new device: later starts skip the work.
    if seed == Seeding::DemoData && store.count_resources().map_err(to_ipc)? == 0 {
        store.seed_if_empty(&demo_data()?).map_err(to_ipc)?;
    }
    Ok(store)
}

fn demo_data() -> Result<DemoFile, IpcError> {
    match std::env::var_os(SEED_FILE_ENV) {
        Some(path) => {
            let path = PathBuf::from(path);
            let text = std::fs::read_to_string(&path).map_err(|e| IpcError::Internal {
                detail: format!("cannot read the seed file {}: {e}", path.display()),
            })?;
            DemoFile::parse(&text)
        }
        None => DemoFile::parse(DEMO_DATA),
    }
    .map_err(|e| IpcError::Internal {
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_demo_data_is_valid() {
        let demo = DemoFile::parse(DEMO_DATA).unwrap();
        assert!(demo.resources.len() >= 300, "{}", demo.resources.len());
    }

    #[test]
    fn first_open_seeds_and_second_open_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let first = open_store(Some(dir.path().join("nested")), Seeding::DemoData).unwrap();
        let seeded = first.count_resources().unwrap();
        assert!(seeded >= 300);
        drop(first);
        let again = open_store(Some(dir.path().join("nested")), Seeding::DemoData).unwrap();
        assert_eq!(again.count_resources().unwrap(), seeded);
    }

    #[test]
    fn with_a_server_a_new_device_is_not_seeded() {
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(Some(dir.path().to_path_buf()), Seeding::FromSync).unwrap();
        assert_eq!(store.count_resources().unwrap(), 0);
    }

    #[test]
    fn unusable_data_dir_is_reported_not_panicked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "not a folder").unwrap();
        let state = AppState::open(Some(file), Language::En, Seeding::DemoData);
        let err = state.store.unwrap_err();
        assert!(
            matches!(err, IpcError::Internal { ref detail } if detail.contains("cannot create")),
            "{err:?}"
        );
    }
}
