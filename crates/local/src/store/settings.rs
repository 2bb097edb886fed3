//! The person's settings, one row per key.

use rusqlite::{Connection, OptionalExtension};
use sharehub_core::text::Language;

use super::Store;
use crate::error::Result;

const LANGUAGE: &str = "language";

impl Store {
    /// The language the person chose, if they ever chose one.
    pub fn language(&self) -> Result<Option<Language>> {
        Ok(self.setting(LANGUAGE)?.as_deref().and_then(Language::parse))
    }

    pub fn set_language(&mut self, language: Language) -> Result<()> {
        self.write(|tx| put_setting(tx, LANGUAGE, language.tag()))
    }

    /// The value stored under `key`, if any.
    pub(super) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

/// Stores `value` under `key` (in the caller's write transaction).
pub(super) fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
