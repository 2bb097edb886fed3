//! Which Seoul gu and 행정동 each resource lies in, and the areas that have resources.
//!
//! The codes come from the location alone (`sharehub_areas::locate`, KOSTAT 2013 codes),
//! never from the `district`/`neighborhood` display text.

use rusqlite::{params, Transaction};
use rusqlite_migration::HookResult;
use sharehub_core::ipc::AreaResourceCount;
use sharehub_core::GeoPoint;

use super::Store;
use crate::error::Result;

/// The `gu_code` and `dong_code` columns of a resource at some location: both `None`
/// outside Seoul.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct AreaCodes {
    pub gu: Option<String>,
    pub dong: Option<String>,
}

impl AreaCodes {
    pub(crate) fn of(location: GeoPoint) -> AreaCodes {
        match sharehub_areas::locate(location) {
            Some(found) => AreaCodes {
                gu: Some(found.gu.code),
                dong: found.dong.map(|d| d.code),
            },
            None => AreaCodes::default(),
        }
    }
}

/// Migration 0003's hook: fills the new columns of the rows that already exist.
pub(super) fn fill_area_codes(tx: &Transaction<'_>) -> HookResult {
    let located: Vec<(i64, AreaCodes)> = {
        let mut stmt = tx.prepare("SELECT rowid, lat, lon FROM resource")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                GeoPoint {
                    lat: r.get(1)?,
                    lon: r.get(2)?,
                },
            ))
        })?;
        rows.map(|row| row.map(|(rowid, at)| (rowid, AreaCodes::of(at))))
            .collect::<Result<_, _>>()?
    };
    let mut update =
        tx.prepare("UPDATE resource SET gu_code = ?2, dong_code = ?3 WHERE rowid = ?1")?;
    for (rowid, codes) in located {
        update.execute(params![rowid, codes.gu, codes.dong])?;
    }
    Ok(())
}

impl Store {
    /// The gu and 행정동 that have at least one resource, with how many, by code: each gu
    /// comes right before its dong. Names are the bundled boundaries' names.
    pub fn areas_with_resources(&self) -> Result<Vec<AreaResourceCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT gu_code, count(*) FROM resource WHERE gu_code IS NOT NULL GROUP BY gu_code
             UNION ALL
             SELECT dong_code, count(*) FROM resource WHERE dong_code IS NOT NULL
                 GROUP BY gu_code, dong_code",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
        let atlas = sharehub_areas::atlas();
        let mut areas = Vec::new();
        for row in rows {
            let (code, count) = row?;
            // A code the bundled boundaries no longer know (written by another build) is
            // left out rather than shown without a name.
            if let Some(area) = atlas.area(&code) {
                areas.push(AreaResourceCount {
                    code,
                    name: area.name.clone(),
                    count,
                });
            }
        }
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(areas)
    }
}
