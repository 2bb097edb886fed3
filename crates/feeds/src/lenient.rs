//! Lenient readers for the loosely typed values real feeds send.
//!
//! Published feeds disagree with their own specifications: booleans come as `0`/`1`,
//! counts as strings (`"15"`), GBFS 3.x timestamps as POSIX integers and GBFS 2.x ones as
//! RFC 3339 text. Each reader accepts every form that has one obvious meaning and
//! rejects the rest with an [`InvalidValue`] that says what was expected and what came.

use std::fmt;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A value that could not be read as the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidValue {
    /// What the reader accepts, e.g. `true/false or 0/1`.
    pub expected: String,
    /// The value as it came, as JSON text (cut to a readable length).
    pub found: String,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {}", self.expected, self.found)
    }
}

/// How many characters of a bad value an [`InvalidValue`] keeps.
const FOUND_MAX_CHARS: usize = 60;

impl InvalidValue {
    fn new(expected: &str, found: &Value) -> Self {
        let text = found.to_string();
        let found = if text.chars().count() > FOUND_MAX_CHARS {
            let cut: String = text.chars().take(FOUND_MAX_CHARS).collect();
            format!("{cut}…")
        } else {
            text
        };
        Self {
            expected: expected.to_owned(),
            found,
        }
    }
}

const EXPECTED_BOOL: &str = "true/false or 0/1";
const EXPECTED_COUNT: &str = "a whole number from 0 to 4294967295";
const EXPECTED_INSTANT: &str = "POSIX seconds or an RFC 3339 date-time";
const EXPECTED_COORDINATE: &str = "a finite decimal number";
const EXPECTED_TEXT: &str = "non-empty text";

/// Reads `true`/`false`, `0`/`1`, and the same as text (`"true"`, `"0"`, any case).
pub fn read_bool(value: &Value) -> Result<bool, InvalidValue> {
    let invalid = || InvalidValue::new(EXPECTED_BOOL, value);
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::Number(number) => match number.as_f64() {
            Some(0.0) => Ok(false),
            Some(1.0) => Ok(true),
            _ => Err(invalid()),
        },
        Value::String(text) => {
            let text = text.trim();
            if text == "1" || text.eq_ignore_ascii_case("true") {
                Ok(true)
            } else if text == "0" || text.eq_ignore_ascii_case("false") {
                Ok(false)
            } else {
                Err(invalid())
            }
        }
        _ => Err(invalid()),
    }
}

/// Reads a non-negative whole number: `15`, `15.0`, `"15"`, `" 15 "`.
pub fn read_count(value: &Value) -> Result<u32, InvalidValue> {
    let invalid = || InvalidValue::new(EXPECTED_COUNT, value);
    match value {
        Value::Number(number) => {
            if let Some(whole) = number.as_u64() {
                u32::try_from(whole).map_err(|_| invalid())
            } else {
                number.as_f64().and_then(whole_u32).ok_or_else(invalid)
            }
        }
        Value::String(text) => {
            let text = text.trim();
            text.parse::<u32>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(whole_u32))
                .ok_or_else(invalid)
        }
        _ => Err(invalid()),
    }
}

fn whole_u32(n: f64) -> Option<u32> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
        // In range and whole: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(n as u32)
    } else {
        None
    }
}

/// Integers at or above this are read as milliseconds: as seconds they would be after
/// the year 5000, and some feeds do send JavaScript `Date.now()` values.
pub const MILLISECONDS_FROM: i64 = 100_000_000_000;

/// Reads an instant: POSIX seconds (integer, decimal or digits as text; milliseconds when
/// at least [`MILLISECONDS_FROM`]) or RFC 3339 text with any offset, as UTC.
pub fn read_instant(value: &Value) -> Result<DateTime<Utc>, InvalidValue> {
    let invalid = || InvalidValue::new(EXPECTED_INSTANT, value);
    match value {
        Value::Number(number) => {
            if let Some(whole) = number.as_i64() {
                instant_from_posix(whole).ok_or_else(invalid)
            } else {
                number
                    .as_f64()
                    .and_then(instant_from_fractional_seconds)
                    .ok_or_else(invalid)
            }
        }
        Value::String(text) => {
            let text = text.trim();
            if let Ok(whole) = text.parse::<i64>() {
                return instant_from_posix(whole).ok_or_else(invalid);
            }
            DateTime::parse_from_rfc3339(text)
                .map(|instant| instant.with_timezone(&Utc))
                .map_err(|_| invalid())
        }
        _ => Err(invalid()),
    }
}

fn instant_from_posix(whole: i64) -> Option<DateTime<Utc>> {
    if whole.abs() >= MILLISECONDS_FROM {
        Utc.timestamp_millis_opt(whole).single()
    } else {
        Utc.timestamp_opt(whole, 0).single()
    }
}

fn instant_from_fractional_seconds(seconds: f64) -> Option<DateTime<Utc>> {
    if !seconds.is_finite() || seconds.abs() >= MILLISECONDS_FROM as f64 {
        return None;
    }
    // Bounded above, so both conversions are exact enough and cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    let whole = seconds.floor() as i64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let nanos = ((seconds - seconds.floor()) * 1e9)
        .round()
        .min(999_999_999.0) as u32;
    Utc.timestamp_opt(whole, nanos).single()
}

/// Reads a latitude or longitude: a number or a number as text (`"37.55564880"`).
/// The range is checked where a position is built.
pub fn read_coordinate(value: &Value) -> Result<f64, InvalidValue> {
    let invalid = || InvalidValue::new(EXPECTED_COORDINATE, value);
    let number = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    number.filter(|n| n.is_finite()).ok_or_else(invalid)
}

/// Reads an identifier or a label: text (trimmed, not empty) or an integer, which some
/// feeds send for `station_id`.
pub fn read_text(value: &Value) -> Result<String, InvalidValue> {
    let invalid = || InvalidValue::new(EXPECTED_TEXT, value);
    match value {
        Value::String(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(number.to_string()),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instant(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn bool_table() {
        let cases = [
            (json!(true), Some(true)),
            (json!(false), Some(false)),
            (json!(1), Some(true)),
            (json!(0), Some(false)),
            (json!(1.0), Some(true)),
            (json!("1"), Some(true)),
            (json!("0"), Some(false)),
            (json!("true"), Some(true)),
            (json!(" FALSE "), Some(false)),
            (json!(2), None),
            (json!(-1), None),
            (json!("yes"), None),
            (json!(""), None),
            (json!(null), None),
            (json!([true]), None),
        ];
        for (input, expected) in cases {
            assert_eq!(read_bool(&input).ok(), expected, "input {input}");
        }
    }

    #[test]
    fn count_table() {
        let cases = [
            (json!(0), Some(0)),
            (json!(15), Some(15)),
            (json!(15.0), Some(15)),
            (json!("15"), Some(15)),
            (json!(" 16 "), Some(16)),
            (json!("107"), Some(107)),
            (json!("3.0"), Some(3)),
            (json!(4_294_967_295_u64), Some(u32::MAX)),
            (json!(4_294_967_296_u64), None),
            (json!(-1), None),
            (json!("-1"), None),
            (json!(2.5), None),
            (json!("2.5"), None),
            (json!(""), None),
            (json!("many"), None),
            (json!(true), None),
            (json!(null), None),
        ];
        for (input, expected) in cases {
            assert_eq!(read_count(&input).ok(), expected, "input {input}");
        }
    }

    #[test]
    fn instant_table() {
        let cases = [
            (json!(1640887163), Some(instant("2021-12-30T17:59:23Z"))),
            (json!("1640887163"), Some(instant("2021-12-30T17:59:23Z"))),
            (json!(1640887163.5), Some(instant("2021-12-30T17:59:23.5Z"))),
            (
                json!(1640887163000_i64),
                Some(instant("2021-12-30T17:59:23Z")),
            ),
            (
                json!("2023-07-17T13:34:13+02:00"),
                Some(instant("2023-07-17T11:34:13Z")),
            ),
            (
                json!("2023-07-17T20:34:13+09:00"),
                Some(instant("2023-07-17T11:34:13Z")),
            ),
            (
                json!("2023-07-17T11:34:13Z"),
                Some(instant("2023-07-17T11:34:13Z")),
            ),
            (json!(0), Some(instant("1970-01-01T00:00:00Z"))),
            (json!("2023-07-17"), None),
            (json!("2023-07-17 13:34:13"), None),
            (json!("yesterday"), None),
            (json!(""), None),
            (json!(true), None),
            (json!(null), None),
            (json!(i64::MAX), None),
        ];
        for (input, expected) in cases {
            assert_eq!(read_instant(&input).ok(), expected, "input {input}");
        }
    }

    #[test]
    fn coordinate_table() {
        let cases = [
            (json!(37.5556488), Some(37.5556488)),
            (json!("37.55564880"), Some(37.5556488)),
            (json!("126.91062927"), Some(126.91062927)),
            (json!(127), Some(127.0)),
            (json!("0"), Some(0.0)),
            (json!("NaN"), None),
            (json!("inf"), None),
            (json!(""), None),
            (json!(null), None),
        ];
        for (input, expected) in cases {
            assert_eq!(read_coordinate(&input).ok(), expected, "input {input}");
        }
    }

    #[test]
    fn text_table() {
        let cases = [
            (json!("ST-4"), Some("ST-4")),
            (json!(" ST-4 "), Some("ST-4")),
            (json!(425), Some("425")),
            (json!(""), None),
            (json!("  "), None),
            (json!(4.5), None),
            (json!(null), None),
        ];
        for (input, expected) in cases {
            assert_eq!(read_text(&input).ok().as_deref(), expected, "input {input}");
        }
    }

    #[test]
    fn invalid_value_says_what_was_expected_and_found() {
        let problem = read_bool(&json!("maybe")).unwrap_err();
        assert_eq!(
            problem.to_string(),
            "expected true/false or 0/1, found \"maybe\""
        );
        let long = json!("x".repeat(200));
        assert!(read_count(&long).unwrap_err().found.ends_with('…'));
    }
}
