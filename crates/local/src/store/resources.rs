//! Shared resources in the local store.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use sharehub_core::demo::DemoFile;
use sharehub_core::ipc::{check_area_code, IpcError, PriceChoice, ResourcePage, ResourceQuery};
use sharehub_core::resource::Visibility;
use sharehub_core::text::Language;
use sharehub_core::{GeoPoint, LocalizedText, Resource, ResourceId, ResourceKind, ResourceSummary};

use super::areas::AreaCodes;
use super::{to_json, Store};
use crate::error::{Error, Result};

/// The columns [`read_summary`] reads, of `resource AS r`.
pub(super) const SUMMARY_COLUMNS: &str = "r.id, r.kind, r.name_ko, r.name_en, \
     r.district_ko, r.district_en, r.neighborhood_ko, r.neighborhood_en, r.lat, r.lon, \
     r.pricing, r.capacity";

const FULL_COLUMNS: &str = "id, kind, name_ko, name_en, district_ko, district_en, \
     neighborhood_ko, neighborhood_en, lat, lon, pricing, capacity, \
     description_ko, description_en, address_ko, address_en, owner_name_ko, owner_name_en, \
     schedule, visibility";

/// The filters the list and the near search share.
pub(super) struct Filters<'a> {
    pub kind: Option<ResourceKind>,
    pub text: Option<&'a str>,
    pub area: Option<&'a str>,
    pub price: PriceChoice,
    pub open_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `WHERE` conditions on `resource AS r` with their `?` parameters, in order. Only the
/// filters in use become SQL, so SQLite can use the area index, and each combination is
/// one cached statement.
#[derive(Debug, Default)]
pub(super) struct Conditions {
    sql: Vec<&'static str>,
    params: Vec<Value>,
}

impl<'a> Filters<'a> {
    /// The filters of the list (no price or near of its own).
    pub(super) fn of(query: &'a ResourceQuery) -> Filters<'a> {
        Filters {
            kind: query.kind,
            text: query.text.as_deref(),
            area: query.area.as_deref(),
            price: query.price,
            open_at: query.open_at,
        }
    }
}

impl Conditions {
    pub(super) fn for_filters(filters: &Filters<'_>) -> Result<Conditions> {
        let mut c = Conditions::default();
        if let Some(kind) = filters.kind {
            c.push("r.kind = ?", [Value::from(kind.as_str().to_owned())]);
        }
        match filters.price {
            PriceChoice::Any => {}
            PriceChoice::Free => c.push("json_extract(r.pricing, '$.type') = 'free'", []),
            PriceChoice::Paid => c.push("json_extract(r.pricing, '$.type') <> 'free'", []),
        }
        match parse_area(filters.area)? {
            Some(AreaFilter::Gu(gu)) => c.push("r.gu_code = ?", [Value::from(gu)]),
            Some(AreaFilter::Dong { gu, dong }) => c.push(
                "r.gu_code = ? AND r.dong_code = ?",
                [Value::from(gu), Value::from(dong)],
            ),
            None => {}
        }
        if let Some(instant) = filters.open_at {
            c.push(
                "sharehub_open_at(r.schedule, ?) = 1",
                [Value::from(instant.timestamp())],
            );
        }
        let text = filters.text.map(str::trim).filter(|t| !t.is_empty());
        if let Some(text) = text {
            c.push(
                "r.search_text LIKE ? ESCAPE '\\'",
                [Value::from(like_pattern(text))],
            );
        }
        Ok(c)
    }

    pub(super) fn push(&mut self, sql: &'static str, params: impl IntoIterator<Item = Value>) {
        self.sql.push(sql);
        self.params.extend(params);
    }

    /// No filter in use: every row matches.
    pub(super) fn is_empty(&self) -> bool {
        self.sql.is_empty()
    }

    pub(super) fn where_sql(&self) -> String {
        if self.sql.is_empty() {
            "1".to_owned()
        } else {
            self.sql.join(" AND ")
        }
    }

    pub(super) fn params(&self) -> &[Value] {
        &self.params
    }
}

enum AreaFilter {
    Gu(String),
    Dong { gu: String, dong: String },
}

fn parse_area(area: Option<&str>) -> Result<Option<AreaFilter>> {
    check_area_code(area).map_err(from_ipc)?;
    Ok(area.map(|code| match code.get(..5) {
        Some(gu) if code.len() == 7 => AreaFilter::Dong {
            gu: gu.to_owned(),
            dong: code.to_owned(),
        },
        _ => AreaFilter::Gu(code.to_owned()),
    }))
}

impl Store {
    /// Lists resources matching `query`, ordered by Korean name.
    pub fn list_resources(&self, query: &ResourceQuery) -> Result<Vec<ResourceSummary>> {
        let filters = Conditions::for_filters(&Filters::of(query))?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM resource AS r WHERE {} ORDER BY r.name_ko, r.id",
            filters.where_sql()
        ))?;
        let rows = stmt.query_map(params_from_iter(filters.params()), |row| {
            Ok(read_summary(row))
        })?;
        rows.map(|r| r?).collect()
    }

    /// The first `limit` resources matching `query` by name in `language` (then id), and
    /// how many match in all. Both read in one transaction, so they agree.
    pub fn list_resources_page(
        &self,
        query: &ResourceQuery,
        language: Language,
        limit: u32,
    ) -> Result<ResourcePage> {
        let filters = Conditions::for_filters(&Filters::of(query))?;
        let order = match language {
            Language::Ko => "r.name_ko, r.id",
            Language::En => "r.name_en, r.id",
        };
        let tx = self.conn.unchecked_transaction()?;
        let total: u64 = tx
            .prepare_cached(&format!(
                "SELECT count(*) FROM resource AS r WHERE {}",
                filters.where_sql()
            ))?
            .query_row(params_from_iter(filters.params()), |r| r.get(0))?;
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM resource AS r WHERE {} ORDER BY {order} LIMIT ?",
            filters.where_sql()
        ))?;
        let limit = Value::from(i64::from(limit));
        let rows = stmt
            .query_map(
                params_from_iter(filters.params().iter().chain([&limit])),
                |row| Ok(read_summary(row)),
            )?
            .map(|r| r?)
            .collect::<Result<Vec<_>>>()?;
        drop(stmt);
        tx.finish()?;
        Ok(ResourcePage { rows, total })
    }

    pub fn get_resource(&self, id: ResourceId) -> Result<Resource> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FULL_COLUMNS} FROM resource WHERE id = ?1"
        ))?;
        stmt.query_row([id.to_string()], |row| Ok(read_resource(row)))
            .optional()?
            .ok_or(Error::ResourceNotFound(id))?
    }

    pub fn count_resources(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM resource", [], |r| r.get(0))?)
    }

    /// Inserts or replaces resources, all in one transaction. Invalid resources are
    /// refused before anything is written.
    pub fn upsert_resources(&mut self, resources: &[Resource]) -> Result<()> {
        for resource in resources {
            if let Some(problem) = resource.problems().into_iter().next() {
                return Err(Error::Invalid {
                    field: problem.field,
                    problem: problem.problem,
                });
            }
        }
        self.write(|tx| insert_all(tx, resources))
    }

    /// Seeds an empty store from the demo file; does nothing when resources exist.
    /// Returns how many resources were added.
    pub fn seed_if_empty(&mut self, demo: &DemoFile) -> Result<usize> {
        self.write(|tx| {
            let existing: u64 = tx.query_row("SELECT count(*) FROM resource", [], |r| r.get(0))?;
            if existing > 0 {
                return Ok(0);
            }
            insert_all(tx, &demo.resources)?;
            Ok(demo.resources.len())
        })
    }
}

/// Inserts or replaces `resources` with the triggers off, boxes put right after
/// (`rtree::write_with_boxes`).
fn insert_all(tx: &rusqlite::Transaction<'_>, resources: &[Resource]) -> Result<()> {
    let ids = super::rtree::ids_json(resources.iter().map(|r| r.id.0));
    super::rtree::write_with_boxes(tx, &ids, || insert_rows(tx, resources))
}

fn insert_rows(tx: &rusqlite::Transaction<'_>, resources: &[Resource]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO resource (id, kind, name_ko, name_en, description_ko, description_en,
             lat, lon, address_ko, address_en, district_ko, district_en, neighborhood_ko,
             neighborhood_en, owner_name_ko, owner_name_en, pricing, capacity, schedule, visibility,
             gu_code, dong_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
             ?21, ?22)",
    )?;
    for r in resources {
        let area = AreaCodes::of(r.location);
        let pricing = to_json(&r.pricing)?;
        let schedule = r.schedule.as_ref().map(to_json).transpose()?;
        let visibility = to_json(&r.visibility)?;
        stmt.execute(params![
            r.id.to_string(),
            r.kind.as_str(),
            r.name.ko,
            r.name.en,
            r.description.ko,
            r.description.en,
            r.location.lat,
            r.location.lon,
            r.address.ko,
            r.address.en,
            r.district.ko,
            r.district.en,
            r.neighborhood.ko,
            r.neighborhood.en,
            r.owner_name.ko,
            r.owner_name.en,
            pricing,
            r.capacity,
            schedule,
            visibility,
            area.gu,
            area.dong,
        ])?;
    }
    Ok(())
}

/// A query the IPC contract refuses is refused by the store with the same field and words.
pub(super) fn from_ipc(error: IpcError) -> Error {
    match error {
        IpcError::Invalid { field, problem } => Error::Invalid { field, problem },
        other => Error::Invalid {
            field: "query".into(),
            problem: other.to_string(),
        },
    }
}

/// `%text%` for LIKE, with `%`, `_` and `\` in the person's text matched literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn corrupt(id: &str, detail: impl ToString) -> Error {
    Error::CorruptRow {
        id: id.to_owned(),
        detail: detail.to_string(),
    }
}

pub(super) fn read_summary(row: &Row<'_>) -> Result<ResourceSummary> {
    let id: String = row.get(0)?;
    let kind: String = row.get(1)?;
    let pricing: String = row.get(10)?;
    Ok(ResourceSummary {
        id: id.parse().map_err(|e| corrupt(&id, e))?,
        kind: ResourceKind::parse(&kind)
            .ok_or_else(|| corrupt(&id, format!("unknown kind {kind}")))?,
        name: LocalizedText::new(row.get::<_, String>(2)?, row.get::<_, String>(3)?),
        district: LocalizedText::new(row.get::<_, String>(4)?, row.get::<_, String>(5)?),
        neighborhood: LocalizedText::new(row.get::<_, String>(6)?, row.get::<_, String>(7)?),
        location: GeoPoint {
            lat: row.get(8)?,
            lon: row.get(9)?,
        },
        pricing: serde_json::from_str(&pricing).map_err(|e| corrupt(&id, e))?,
        capacity: row.get(11)?,
    })
}

fn read_resource(row: &Row<'_>) -> Result<Resource> {
    let summary = read_summary(row)?;
    let id = summary.id.to_string();
    let schedule: Option<String> = row.get(18)?;
    let visibility: String = row.get(19)?;
    Ok(Resource {
        id: summary.id,
        kind: summary.kind,
        name: summary.name,
        description: LocalizedText::new(row.get::<_, String>(12)?, row.get::<_, String>(13)?),
        location: summary.location,
        address: LocalizedText::new(row.get::<_, String>(14)?, row.get::<_, String>(15)?),
        district: summary.district,
        neighborhood: summary.neighborhood,
        owner_name: LocalizedText::new(row.get::<_, String>(16)?, row.get::<_, String>(17)?),
        pricing: summary.pricing,
        capacity: summary.capacity,
        schedule: schedule
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| corrupt(&id, e))?,
        visibility: serde_json::from_str::<Visibility>(&visibility).map_err(|e| corrupt(&id, e))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("Mang"), "%mang%");
        assert_eq!(like_pattern("100%_\\"), "%100\\%\\_\\\\%");
    }
}
