use std::collections::HashSet;

use chrono::NaiveDate;

use super::*;
use crate::booking::{BookingRules, CheckInRule, Quota};

fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The position of each variant; a new variant does not compile here until it has a
/// sample below.
fn variant_index(refusal: &BookingRefusal) -> usize {
    use BookingRefusal as R;
    match refusal {
        R::NotBookable => 0,
        R::EmptyInterval => 1,
        R::TooLate { .. } => 2,
        R::TooFarAhead { .. } => 3,
        R::OffStep { .. } => 4,
        R::TooShort { .. } => 5,
        R::TooLong { .. } => 6,
        R::Closed => 7,
        R::Blocked { .. } => 8,
        R::TooManyUnits { .. } => 9,
        R::Taken => 10,
        R::PersonHoursPerWeek { .. } => 11,
        R::PersonActiveBookings { .. } => 12,
        R::OrganisationHoursPerWeek { .. } => 13,
        R::OrganisationActiveBookings { .. } => 14,
        R::NotForYou => 15,
        R::CancelDeadlinePassed { .. } => 16,
        R::NotYours => 17,
        R::NotOwner => 18,
        R::NotActive => 19,
        R::NotPending => 20,
        R::CheckInClosed => 21,
        R::NotFound => 22,
    }
}
const VARIANTS: usize = 23;

fn samples() -> Vec<BookingRefusal> {
    use BookingRefusal as R;
    vec![
        R::NotBookable,
        R::EmptyInterval,
        R::TooLate { notice_minutes: 0 },
        R::TooLate { notice_minutes: 30 },
        R::TooLate {
            notice_minutes: 1440,
        },
        R::TooFarAhead { book_ahead_days: 1 },
        R::TooFarAhead {
            book_ahead_days: 30,
        },
        R::OffStep { slot_minutes: 30 },
        R::OffStep { slot_minutes: 60 },
        R::TooShort { min_minutes: 60 },
        R::TooShort { min_minutes: 90 },
        R::TooLong { max_minutes: 120 },
        R::TooLong { max_minutes: 4320 },
        R::Closed,
        R::Blocked {
            from: date(2026, 12, 24),
            to: date(2026, 12, 24),
            reason: String::new(),
        },
        R::Blocked {
            from: date(2026, 12, 24),
            to: date(2026, 12, 25),
            reason: "repairs".into(),
        },
        R::Blocked {
            from: date(2026, 12, 31),
            to: date(2027, 1, 2),
            reason: String::new(),
        },
        R::TooManyUnits { units: 1 },
        R::TooManyUnits { units: 6 },
        R::Taken,
        R::PersonHoursPerWeek { hours_per_week: 1 },
        R::PersonHoursPerWeek { hours_per_week: 10 },
        R::PersonActiveBookings { active_bookings: 1 },
        R::PersonActiveBookings { active_bookings: 3 },
        R::OrganisationHoursPerWeek { hours_per_week: 10 },
        R::OrganisationActiveBookings { active_bookings: 3 },
        R::NotForYou,
        R::CancelDeadlinePassed {
            cancel_minutes_before: 0,
        },
        R::CancelDeadlinePassed {
            cancel_minutes_before: 1440,
        },
        R::NotYours,
        R::NotOwner,
        R::NotActive,
        R::NotPending,
        R::CheckInClosed,
        R::NotFound,
    ]
}

#[test]
fn every_refusal_has_its_own_plain_words_in_both_languages() {
    let samples = samples();
    let covered: HashSet<usize> = samples.iter().map(variant_index).collect();
    assert_eq!(covered.len(), VARIANTS, "a variant has no sample");
    for language in Language::ALL {
        let mut seen = HashSet::new();
        for refusal in &samples {
            let text = booking_refusal(refusal, language);
            assert!(!text.trim().is_empty(), "{refusal:?}");
            assert_eq!(
                has_hangul(&text),
                language == Language::Ko,
                "{refusal:?}: {text}"
            );
            assert!(
                !text.contains("min ") && !text.contains("_"),
                "{refusal:?}: {text}"
            );
            assert!(seen.insert(text.clone()), "two refusals read {text:?}");
        }
    }
}

#[test]
fn refusals_carry_the_owners_numbers() {
    use BookingRefusal as R;
    let (ko, en) = (Language::Ko, Language::En);
    let too_long = R::TooLong { max_minutes: 120 };
    assert_eq!(
        booking_refusal(&too_long, ko),
        "최대 2시간까지 예약할 수 있어요."
    );
    assert_eq!(
        booking_refusal(&too_long, en),
        "You can book at most 2 hours."
    );
    let loan = R::TooLong { max_minutes: 4320 };
    assert_eq!(booking_refusal(&loan, en), "You can book at most 3 days.");
    let passed = R::TooLate { notice_minutes: 0 };
    assert!(booking_refusal(&passed, en).starts_with("This time has already passed."));
    assert!(booking_refusal(&passed, ko).starts_with("이 시간은 이미 지났어요."));
    let notice = R::TooLate { notice_minutes: 90 };
    assert_eq!(
        booking_refusal(&notice, ko),
        "시작 1시간 30분 전까지 예약해야 해요."
    );
    assert_eq!(
        booking_refusal(&notice, en),
        "Bookings must be made at least 1 hour 30 minutes before the start."
    );
    let short = R::TooShort { min_minutes: 60 };
    assert_eq!(booking_refusal(&short, ko), "최소 1시간은 예약해야 해요.");
    let blocked = R::Blocked {
        from: date(2026, 12, 24),
        to: date(2026, 12, 25),
        reason: " 수리 ".into(),
    };
    assert_eq!(
        booking_refusal(&blocked, ko),
        "12월 24일(목)부터 12월 25일(금)까지는 예약할 수 없어요. (수리)"
    );
    assert_eq!(
        booking_refusal(&blocked, en),
        "It cannot be booked from Thu 24 Dec to Fri 25 Dec. (수리)"
    );
    let new_year = R::Blocked {
        from: date(2026, 12, 31),
        to: date(2027, 1, 1),
        reason: String::new(),
    };
    assert_eq!(
        booking_refusal(&new_year, en),
        "It cannot be booked from Thu 31 Dec 2026 to Fri 1 Jan 2027."
    );
    assert_eq!(
        booking_refusal(&R::PersonActiveBookings { active_bookings: 1 }, en),
        "You can hold at most 1 booking at a time. Book again once one has ended or you cancel one."
    );
    assert!(booking_refusal(&R::PersonHoursPerWeek { hours_per_week: 10 }, ko).contains("10시간"));
    assert!(booking_refusal(
        &R::CancelDeadlinePassed {
            cancel_minutes_before: 1440
        },
        en
    )
    .contains("until 1 day before"));
}

#[test]
fn lengths_of_time_use_the_largest_whole_unit() {
    #[rustfmt::skip]
    let cases = [
        (1, "1분", "1 minute"),
        (45, "45분", "45 minutes"),
        (60, "1시간", "1 hour"),
        (90, "1시간 30분", "1 hour 30 minutes"),
        (120, "2시간", "2 hours"),
        (1440, "1일", "1 day"),
        (1500, "25시간", "25 hours"),
        (2880, "2일", "2 days"),
    ];
    for (minutes, ko, en) in cases {
        assert_eq!(length_of_time(minutes, Language::Ko), ko);
        assert_eq!(length_of_time(minutes, Language::En), en);
    }
}

#[test]
fn every_state_has_a_label_and_an_explanation() {
    for language in Language::ALL {
        let mut labels = HashSet::new();
        let mut sentences = HashSet::new();
        for state in BookingState::ALL {
            let (label, sentence) = (
                booking_state(state, language),
                booking_state_explained(state, language),
            );
            assert!(!label.is_empty() && !sentence.is_empty(), "{state:?}");
            assert_eq!(has_hangul(label), language == Language::Ko, "{label}");
            assert_eq!(has_hangul(sentence), language == Language::Ko, "{sentence}");
            assert!(labels.insert(label), "{label}");
            assert!(sentences.insert(sentence), "{sentence}");
        }
        for status in ReservationStatus::ALL {
            assert_eq!(
                reservation_status(status, language),
                booking_state(BookingState::from(status), language)
            );
        }
    }
    assert_eq!(
        booking_state_explained(BookingState::Tentative, Language::Ko),
        "온라인이 되면 확정돼요."
    );
    assert_eq!(
        booking_state_explained(BookingState::Tentative, Language::En),
        "It will be confirmed when you are online."
    );
    assert_eq!(
        reservation_status(ReservationStatus::Pending, Language::En),
        "Waiting for approval"
    );
}

#[test]
fn counts_prices_and_series_read_naturally() {
    assert_eq!(units_left(0, Language::En), "None left");
    assert_eq!(units_left(2, Language::Ko), "2개 남음");
    assert_eq!(won(0, Language::Ko), "무료");
    assert_eq!(won(12_000, Language::Ko), "12,000원");
    assert_eq!(won(12_000, Language::En), "₩12,000");
    assert_eq!(repeat_every(1, Language::Ko), "매주");
    assert_eq!(repeat_every(2, Language::En), "Every 2 weeks");
    assert_eq!(
        dates_bookable(8, 10, Language::Ko),
        "10번 중 8번 예약할 수 있어요."
    );
    assert_eq!(
        dates_bookable(8, 10, Language::En),
        "8 of 10 dates can be booked."
    );
    assert_eq!(
        dates_bookable(10, 10, Language::En),
        "All 10 dates can be booked."
    );
    assert_eq!(
        dates_bookable(0, 4, Language::En),
        "None of the 4 dates can be booked."
    );
    assert_eq!(
        date_words(date(2026, 12, 6), false, Language::Ko),
        "12월 6일(일)"
    );
    assert_eq!(
        date_words(date(2027, 1, 2), true, Language::Ko),
        "2027년 1월 2일(토)"
    );
}

#[test]
fn rules_read_as_a_list_of_labels_and_values() {
    let lines = booking_rule_lines(&BookingRules::default(), Language::En);
    assert_eq!(
        lines,
        [
            (
                Msg::RuleLengthLabel,
                "30 minutes to 4 hours, in steps of 30 minutes".to_owned()
            ),
            (Msg::RuleBookAheadLabel, "Up to 30 days ahead".to_owned()),
            (
                Msg::RuleCancelLabel,
                "You can cancel any time before the start.".to_owned()
            ),
            (
                Msg::RuleApprovalLabel,
                "Bookings are confirmed at once.".to_owned()
            ),
        ]
    );
    let strict = BookingRules {
        min_minutes: 60,
        max_minutes: 60,
        slot_minutes: 60,
        notice_minutes: 1440,
        cancel_minutes_before: 120,
        approval_required: true,
        check_in: Some(CheckInRule {
            opens_before_minutes: 15,
            grace_minutes: 10,
        }),
        per_person: Quota {
            hours_per_week: Some(4),
            active_bookings: Some(2),
        },
        only_organisations: vec![uuid::Uuid::from_u128(1)],
        ..BookingRules::default()
    };
    let ko: Vec<String> = booking_rule_lines(&strict, Language::Ko)
        .into_iter()
        .map(|(label, value)| format!("{}: {value}", label.text(Language::Ko)))
        .collect();
    assert_eq!(
        ko,
        [
            "한 번에 쓸 수 있는 시간: 1시간",
            "미리 예약: 30일 뒤까지",
            "늦어도: 시작 1일 전까지",
            "취소: 시작 2시간 전까지 취소할 수 있어요.",
            "승인: 등록한 분이 승인하면 확정돼요.",
            "도착 확인: 시작 15분 전부터 10분 뒤까지 도착 확인을 해 주세요. 안 하면 예약이 풀려요.",
            "한 사람당: 한 주에 4시간까지, 한 번에 2건까지",
            "예약할 수 있는 분: 정해진 단체의 회원만 예약할 수 있어요.",
        ]
    );
    let en = booking_rule_lines(&strict, Language::En);
    assert_eq!(en[6].1, "Up to 4 hours a week, up to 2 bookings at a time");
    for (_, value) in &en {
        assert!(!has_hangul(value), "{value}");
    }
}
