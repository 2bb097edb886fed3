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
    #[error("stored row {id} cannot be read back: {detail}")]
    CorruptRow { id: String, detail: String },
    #[error("invalid {field}: {problem}")]
    Invalid { field: String, problem: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
