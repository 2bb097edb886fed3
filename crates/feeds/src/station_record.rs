//! Reading one station entry (a JSON object) field by field, noting every field that had
//! to be ignored.

use serde_json::{Map, Value};
use sharehub_core::GeoPoint;

use crate::lenient::{self, InvalidValue};
use crate::report::{Document, FieldProblem, IgnoredField, SkipReason};

/// One station entry being read. Fields that are optional, or that the station can be
/// shown without, become `None`; the reason goes into `ignored`.
pub(crate) struct StationRecord<'a> {
    pub object: &'a Map<String, Value>,
    pub document: Document,
    pub station_id: &'a str,
    pub ignored: &'a mut Vec<IgnoredField>,
}

/// Reads the station id of a list entry, or says why the entry is skipped.
pub(crate) fn station_id_of<'a>(
    entry: &'a Value,
    field: &str,
) -> Result<(&'a Map<String, Value>, String), SkipReason> {
    let object = entry.as_object().ok_or(SkipReason::NotAnObject)?;
    match object.get(field) {
        None | Some(Value::Null) => Err(SkipReason::MissingStationId { problem: None }),
        Some(value) => lenient::read_text(value)
            .map(|id| (object, id))
            .map_err(|problem| SkipReason::MissingStationId {
                problem: Some(problem),
            }),
    }
}

impl StationRecord<'_> {
    /// The raw value, treating JSON `null` as absent.
    pub fn value(&self, field: &str) -> Option<&Value> {
        self.object.get(field).filter(|value| !value.is_null())
    }

    /// An optional field: absent is fine, unreadable is noted.
    pub fn optional<T>(
        &mut self,
        field: &str,
        read: fn(&Value) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        let value = self.value(field)?;
        match read(value) {
            Ok(read) => Some(read),
            Err(problem) => {
                self.note(field, FieldProblem::Invalid { problem });
                None
            }
        }
    }

    /// A field the specification requires but the station can be shown without:
    /// absent or unreadable is noted.
    pub fn expected<T>(
        &mut self,
        field: &str,
        read: fn(&Value) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        if self.value(field).is_none() {
            self.note(field, FieldProblem::Missing);
            return None;
        }
        self.optional(field, read)
    }

    /// The first of several alternative fields that is present (GBFS 3.x renames),
    /// noted as missing under all the names when none is.
    pub fn expected_any<T>(
        &mut self,
        fields: &[&str],
        read: fn(&Value) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        match fields.iter().find(|field| self.value(field).is_some()) {
            Some(field) => self.optional(field, read),
            None => {
                self.note(&fields.join(" or "), FieldProblem::Missing);
                None
            }
        }
    }

    /// The station's position. `Ok(None)`: the feed gives no coordinates (an empty text or
    /// an exact `0`, both common placeholders; nothing real sits on the equator or the
    /// prime meridian to the last digit). Absent, unreadable or out of range: skipped.
    pub fn position(
        &self,
        lat_field: &str,
        lon_field: &str,
    ) -> Result<Option<GeoPoint>, SkipReason> {
        let coordinate = |field: &str| -> Result<Option<f64>, SkipReason> {
            let value = self.value(field).ok_or_else(|| SkipReason::MissingField {
                field: field.to_owned(),
            })?;
            if value.as_str().is_some_and(|text| text.trim().is_empty()) {
                return Ok(None);
            }
            let number =
                lenient::read_coordinate(value).map_err(|problem| SkipReason::InvalidField {
                    field: field.to_owned(),
                    problem,
                })?;
            Ok((number != 0.0).then_some(number))
        };
        let lat = coordinate(lat_field)?;
        let lon = coordinate(lon_field)?;
        let (Some(lat), Some(lon)) = (lat, lon) else {
            return Ok(None);
        };
        GeoPoint::new(lat, lon)
            .map(Some)
            .map_err(|_| SkipReason::CoordinatesOutOfRange { lat, lon })
    }

    pub fn note(&mut self, field: &str, problem: FieldProblem) {
        self.ignored.push(IgnoredField {
            document: self.document,
            station_id: Some(self.station_id.to_owned()),
            field: field.to_owned(),
            problem,
        });
    }
}
