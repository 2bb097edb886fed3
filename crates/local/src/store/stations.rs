//! Live public-bike counts on the device: what `GET /v1/stations/status` last said, kept
//! with the instant the server read them, so the app can show them (and their age) offline.

use chrono::{DateTime, Utc};
use rusqlite::{params, Row};
use sharehub_core::wire::{StationLiveStatus, StationStatusList};

use super::settings::put_setting;
use super::{parse_id, Store};
use crate::error::{Error, Result};

/// The setting that keeps the `since_fetched` cursor of the next refresh.
const CURSOR: &str = "station_status_since";

fn instant(row: &Row<'_>, index: usize) -> Result<Option<DateTime<Utc>>> {
    let text: Option<String> = row.get(index)?;
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| Error::CorruptRow {
                id: format!("station_status.{index}"),
                detail: e.to_string(),
            })
    })
    .transpose()
}

impl Store {
    /// Stores a refresh (every row and the next cursor) in one transaction.
    pub fn save_station_status(&mut self, list: &StationStatusList) -> Result<()> {
        self.write(|tx| {
            let mut upsert = tx.prepare_cached(
                "INSERT OR REPLACE INTO station_status (resource_id, bikes_available,
                     docks_available, is_renting, is_returning, last_reported, feed_last_updated,
                     fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for s in &list.stations {
                upsert.execute(params![
                    s.id.to_string(),
                    s.bikes_available,
                    s.docks_available,
                    s.is_renting,
                    s.is_returning,
                    s.last_reported.map(|t| t.to_rfc3339()),
                    s.feed_last_updated.map(|t| t.to_rfc3339()),
                    s.fetched_at.to_rfc3339(),
                ])?;
            }
            if let Some(next) = list.next_since_fetched {
                put_setting(tx, CURSOR, &next.to_rfc3339())?;
            }
            Ok(())
        })
    }

    /// The cursor for the next refresh (`None`: fetch everything).
    pub fn station_status_cursor(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .setting(CURSOR)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|d| d.with_timezone(&Utc)))
    }

    /// Every station's last known counts.
    pub fn station_status(&self) -> Result<Vec<StationLiveStatus>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT resource_id, bikes_available, docks_available, is_renting, is_returning,
                    last_reported, feed_last_updated, fetched_at
             FROM station_status ORDER BY resource_id",
        )?;
        let rows = stmt.query_map([], |row| Ok(read_status(row)))?;
        rows.map(|r| r?).collect()
    }
}

/// A `station_status` row as the columns `station_status` selects.
fn read_status(row: &Row<'_>) -> Result<StationLiveStatus> {
    let id: String = row.get(0)?;
    Ok(StationLiveStatus {
        id: parse_id(&id)?,
        bikes_available: row.get(1)?,
        docks_available: row.get(2)?,
        is_renting: row.get(3)?,
        is_returning: row.get(4)?,
        last_reported: instant(row, 5)?,
        feed_last_updated: instant(row, 6)?,
        fetched_at: instant(row, 7)?.ok_or_else(|| Error::CorruptRow {
            id: id.clone(),
            detail: "no fetched_at".into(),
        })?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str, bikes: u32, fetched: &str) -> StationLiveStatus {
        StationLiveStatus {
            id: id.parse().unwrap(),
            bikes_available: Some(bikes),
            docks_available: None,
            is_renting: Some(true),
            is_returning: Some(true),
            last_reported: None,
            feed_last_updated: None,
            fetched_at: DateTime::parse_from_rfc3339(fetched)
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn refreshes_replace_counts_and_keep_the_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.station_status_cursor().unwrap(), None);
        let a = "0190a6c8-0000-7000-8000-0000000000a1";
        let b = "0190a6c8-0000-7000-8000-0000000000b2";
        let first = StationStatusList {
            stations: vec![
                status(a, 3, "2026-11-26T01:00:00Z"),
                status(b, 0, "2026-11-26T01:00:00Z"),
            ],
            next_since_fetched: Some(
                DateTime::parse_from_rfc3339("2026-11-26T01:00:00Z")
                    .unwrap()
                    .into(),
            ),
        };
        store.save_station_status(&first).unwrap();
        let second = StationStatusList {
            stations: vec![status(a, 7, "2026-11-26T01:01:00Z")],
            next_since_fetched: Some(
                DateTime::parse_from_rfc3339("2026-11-26T01:01:00Z")
                    .unwrap()
                    .into(),
            ),
        };
        store.save_station_status(&second).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        let all = store.station_status().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].bikes_available, Some(7));
        assert_eq!(all[1].bikes_available, Some(0));
        assert_eq!(
            store.station_status_cursor().unwrap(),
            second.next_since_fetched
        );
    }
}
