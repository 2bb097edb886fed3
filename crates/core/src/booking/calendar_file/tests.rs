use chrono::{DateTime, Utc};

use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn entry() -> CalendarEntry {
    CalendarEntry {
        uid: "0193a5d2-7c00-7000-8000-000000000001@sharehub.kr".into(),
        sequence: 0,
        start: utc("2026-12-04T01:00:00Z"),
        end: utc("2026-12-04T02:30:00Z"),
        stamp: utc("2026-12-01T09:15:07Z"),
        summary: "망원동 주민 회의실".into(),
        location: "서울 마포구 망원로 1".into(),
        description: String::new(),
        cancelled: false,
        geo: Some(GeoPoint {
            lat: 37.5563,
            lon: 126.9236,
        }),
    }
}

/// RFC 5545 unfolding: a CRLF followed by one space or tab joins the lines.
fn unfold(file: &str) -> Vec<String> {
    file.replace("\r\n ", "")
        .replace("\r\n\t", "")
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn property<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    lines
        .iter()
        .filter_map(|line| line.strip_prefix(&format!("{name}:")))
        .collect()
}

#[test]
fn a_calendar_has_its_header_and_one_uid_and_stamp_per_event() {
    let mut moved = entry();
    moved.uid = "second@sharehub.kr".into();
    moved.sequence = 2;
    let file = ics_calendar("셰어 허브 예약", &[entry(), moved]);
    let lines = unfold(&file);
    assert_eq!(
        &lines[..4],
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Share Hub//Share Hub//KO",
            "CALSCALE:GREGORIAN"
        ]
    );
    assert_eq!(property(&lines, "X-WR-CALNAME"), ["셰어 허브 예약"]);
    assert_eq!(lines[lines.len() - 2], "END:VCALENDAR");
    assert_eq!(lines.last().unwrap(), "", "the file ends with CRLF");
    let events: Vec<&[String]> = lines.split(|line| line == "BEGIN:VEVENT").skip(1).collect();
    assert_eq!(events.len(), 2);
    for event in &events {
        let event = &event[..event.iter().position(|l| l == "END:VEVENT").unwrap()];
        assert_eq!(property(event, "UID").len(), 1);
        assert_eq!(property(event, "DTSTAMP"), ["20261201T091507Z"]);
        assert_eq!(property(event, "DTSTART"), ["20261204T010000Z"]);
        assert_eq!(property(event, "DTEND"), ["20261204T023000Z"]);
        assert_eq!(property(event, "STATUS"), ["CONFIRMED"]);
        assert_eq!(property(event, "GEO"), ["37.556300;126.923600"]);
        assert_eq!(property(event, "SUMMARY"), ["망원동 주민 회의실"]);
        // An empty description is left out rather than written empty.
        assert!(property(event, "DESCRIPTION").is_empty());
    }
    assert_eq!(
        property(events[0], "UID"),
        ["0193a5d2-7c00-7000-8000-000000000001@sharehub.kr"]
    );
    assert_eq!(property(events[1], "SEQUENCE"), ["2"]);
}

#[test]
fn every_line_ends_with_crlf() {
    let mut event = entry();
    event.description = "첫 줄\n둘째 줄\r\n셋째 줄\r넷째".into();
    let file = ics_calendar("x", &[event]);
    assert!(file.ends_with("\r\n"));
    let bytes = file.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' {
            assert_eq!(bytes[i - 1], b'\r', "bare LF at {i}");
        }
        if byte == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}");
        }
    }
    let lines = unfold(&file);
    assert_eq!(
        property(&lines, "DESCRIPTION"),
        ["첫 줄\\n둘째 줄\\n셋째 줄\\n넷째"]
    );
}

#[test]
fn text_escapes_backslash_semicolon_comma_and_newlines() {
    assert_eq!(
        escape_text("a,b;c\\d\ne\u{7}f\tg"),
        "a\\,b\\;c\\\\d\\ne".to_owned() + "f\tg"
    );
    let mut event = entry();
    event.location = "망원로 1, 2층; 101호 \\ 뒷문".into();
    let lines = unfold(&ics_calendar("", &[event]));
    let location = property(&lines, "LOCATION");
    assert_eq!(location, ["망원로 1\\, 2층\\; 101호 \\\\ 뒷문"]);
    assert_eq!(unescape(location[0]), "망원로 1, 2층; 101호 \\ 뒷문");
    // No name, no name lines.
    assert!(property(&lines, "NAME").is_empty());
}

#[test]
fn long_korean_lines_fold_at_75_octets_between_characters() {
    let mut event = entry();
    // 200 syllables of 3 octets, a 4-octet emoji and ASCII: cuts must move back to a
    // character boundary at different offsets.
    event.summary = "가나다라마바사아자차카타파하".repeat(15) + "🚲 bike, 자전거; ok";
    event.description = "x".repeat(300);
    let file = ics_calendar(
        "망원동 공유 자전거와 회의실 예약 모음 — 아주 긴 이름도 잘 접혀야 해요",
        &[event.clone()],
    );
    let mut short_cuts = 0;
    for physical in file.split("\r\n") {
        assert!(
            physical.len() <= 75,
            "{} octets: {physical}",
            physical.len()
        );
        if physical.len() < 74 && physical.len() > 70 {
            short_cuts += 1;
        }
    }
    // Some lines were cut short of 75 so as not to split a syllable.
    assert!(short_cuts > 0);
    let lines = unfold(&file);
    assert_eq!(unescape(property(&lines, "SUMMARY")[0]), event.summary);
    assert_eq!(
        property(&lines, "DESCRIPTION"),
        [event.description.as_str()]
    );
    // The ASCII description folds at exactly 75, then 1 + 74.
    let physical: Vec<&str> = file.split("\r\n").collect();
    let start = physical
        .iter()
        .position(|line| line.starts_with("DESCRIPTION:"))
        .unwrap();
    assert_eq!(physical[start].len(), 75);
    assert_eq!(physical[start + 1].len(), 75);
    assert!(physical[start + 1].starts_with(' '));
}

#[test]
fn a_cancelled_booking_says_so_with_its_sequence() {
    let mut cancelled = entry();
    cancelled.cancelled = true;
    cancelled.sequence = 3;
    cancelled.geo = None;
    let lines = unfold(&ics_calendar("x", &[cancelled]));
    assert_eq!(property(&lines, "STATUS"), ["CANCELLED"]);
    assert_eq!(property(&lines, "SEQUENCE"), ["3"]);
    assert!(property(&lines, "GEO").is_empty());
    // An impossible position is left out rather than written.
    let mut lost = entry();
    lost.geo = Some(GeoPoint {
        lat: f64::NAN,
        lon: 0.0,
    });
    assert!(property(&unfold(&ics_calendar("x", &[lost])), "GEO").is_empty());
}
