//! The person's settings, one row per key.

use rusqlite::OptionalExtension;
use sharehub_core::text::Language;

use super::Store;
use crate::error::Result;

const LANGUAGE: &str = "language";

impl Store {
    /// The language the person chose, if they ever chose one.
    pub fn language(&self) -> Result<Option<Language>> {
        let tag: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM setting WHERE key = ?1",
                [LANGUAGE],
                |r| r.get(0),
            )
            .optional()?;
        Ok(tag.as_deref().and_then(Language::parse))
    }

    pub fn set_language(&mut self, language: Language) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [LANGUAGE, language.tag()],
            )?;
            Ok(())
        })
    }
}
