//! Bookings as an iCalendar file (RFC 5545), so a person can put them in the calendar on
//! their phone: one `VEVENT` per booking, times in UTC (the phone shows them in its own
//! zone), a cancelled booking kept with `STATUS:CANCELLED` and a higher `SEQUENCE` so an
//! imported copy is cancelled too rather than left standing.

use chrono::{DateTime, Utc};

use crate::GeoPoint;

/// The product that made the file, as calendars show it.
pub const ICS_PRODUCT_ID: &str = "-//Share Hub//Share Hub//KO";

/// Longest physical line, in octets, without its CRLF (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// One event of a calendar file.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    /// Stays the same for the life of the booking (the reservation id plus a domain), so
    /// a calendar updates the event instead of adding a second one.
    pub uid: String,
    /// Goes up with every change the person should see (moved, cancelled).
    pub sequence: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When this version of the event was made.
    pub stamp: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub cancelled: bool,
    pub geo: Option<GeoPoint>,
}

/// A whole `VCALENDAR` named `name`, with CRLF line ends and long lines folded.
pub fn ics_calendar(name: &str, events: &[CalendarEntry]) -> String {
    let mut file = String::new();
    let mut line = |text: String| push_folded(&mut file, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!("PRODID:{ICS_PRODUCT_ID}"));
    line("CALSCALE:GREGORIAN".into());
    if !name.trim().is_empty() {
        // NAME is RFC 7986; X-WR-CALNAME is what older calendar apps read.
        line(format!("NAME:{}", escape_text(name)));
        line(format!("X-WR-CALNAME:{}", escape_text(name)));
    }
    for event in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape_text(&event.uid)));
        line(format!("DTSTAMP:{}", utc_date_time(event.stamp)));
        line(format!("DTSTART:{}", utc_date_time(event.start)));
        line(format!("DTEND:{}", utc_date_time(event.end)));
        line(format!("SEQUENCE:{}", event.sequence));
        line(format!(
            "STATUS:{}",
            if event.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        for (property, value) in [
            ("SUMMARY", &event.summary),
            ("LOCATION", &event.location),
            ("DESCRIPTION", &event.description),
        ] {
            if !value.is_empty() {
                line(format!("{property}:{}", escape_text(value)));
            }
        }
        if let Some(geo) = event.geo.filter(|geo| geo.validate().is_ok()) {
            line(format!("GEO:{:.6};{:.6}", geo.lat, geo.lon));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    file
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc_date_time(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon and comma escaped, every line break (CRLF, LF or
/// CR) as `\n`, other control characters dropped (TEXT may not hold them).
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` with CRLF, folded so that no physical line is over 75 octets: each
/// continuation starts with a space (which counts), and a cut never falls inside a UTF-8
/// character (a Korean syllable is 3 octets).
fn push_folded(file: &mut String, line: &str) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= room {
            file.push_str(rest);
            file.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        file.push_str(head);
        file.push_str("\r\n ");
        rest = tail;
        room = MAX_LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests;
