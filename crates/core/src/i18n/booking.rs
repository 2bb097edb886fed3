//! Words of bookings that are built from data: why a booking was refused, where a booking
//! stands, lengths of time, the owner's rules, a series' dates.
//!
//! They are for residents of every age, so they say what happened and what to do in full
//! words ("2 hours", not "120 min"; "this time has already passed", not "too late").

use chrono::{Datelike, NaiveDate};

use super::{day_name, group_thousands, Msg};
use crate::booking::{BookingRefusal, BookingRules, BookingState, Quota, ReservationStatus};
use crate::resource::Day;
use crate::text::Language;

/// A length of time in the largest whole unit that fits: `2일` / `2 days`, `1시간 30분` /
/// `1 hour 30 minutes`, `45분` / `45 minutes`.
pub fn length_of_time(minutes: u32, language: Language) -> String {
    let (days, hours, rest) = (minutes / 1440, minutes / 60, minutes % 60);
    match language {
        Language::Ko => match () {
            _ if minutes >= 1440 && minutes.is_multiple_of(1440) => format!("{days}일"),
            _ if hours > 0 && rest > 0 => format!("{hours}시간 {rest}분"),
            _ if hours > 0 => format!("{hours}시간"),
            _ => format!("{rest}분"),
        },
        Language::En => {
            let unit = |n: u32, one: &str, many: &str| {
                if n == 1 {
                    format!("1 {one}")
                } else {
                    format!("{n} {many}")
                }
            };
            match () {
                _ if minutes >= 1440 && minutes.is_multiple_of(1440) => unit(days, "day", "days"),
                _ if hours > 0 && rest > 0 => format!(
                    "{} {}",
                    unit(hours, "hour", "hours"),
                    unit(rest, "minute", "minutes")
                ),
                _ if hours > 0 => unit(hours, "hour", "hours"),
                _ => unit(rest, "minute", "minutes"),
            }
        }
    }
}

fn days_words(days: u32, language: Language) -> String {
    match language {
        Language::Ko => format!("{days}일"),
        Language::En if days == 1 => "1 day".to_owned(),
        Language::En => format!("{days} days"),
    }
}

fn hours_words(hours: u32, language: Language) -> String {
    match language {
        Language::Ko => format!("{hours}시간"),
        Language::En if hours == 1 => "1 hour".to_owned(),
        Language::En => format!("{hours} hours"),
    }
}

fn bookings_words(count: u32, language: Language) -> String {
    match language {
        Language::Ko => format!("{count}건"),
        Language::En if count == 1 => "1 booking".to_owned(),
        Language::En => format!("{count} bookings"),
    }
}

fn day_of_date(date: NaiveDate) -> Day {
    Day::ALL[date.weekday().num_days_from_monday() as usize]
}

/// A local date as people write it: `12월 24일(목)` / `Thu 24 Dec`, with the year when
/// `with_year` (a period that crosses into another year).
pub fn date_words(date: NaiveDate, with_year: bool, language: Language) -> String {
    let day = day_name(language, day_of_date(date));
    match (language, with_year) {
        (Language::Ko, false) => format!("{}월 {}일({day})", date.month(), date.day()),
        (Language::Ko, true) => format!(
            "{}년 {}월 {}일({day})",
            date.year(),
            date.month(),
            date.day()
        ),
        (Language::En, false) => format!("{day} {}", date.format("%-d %b")),
        (Language::En, true) => format!("{day} {}", date.format("%-d %b %Y")),
    }
}

/// Why a booking (or a change to one) was refused, in plain words with the owner's
/// numbers, and what the person can do.
pub fn booking_refusal(refusal: &BookingRefusal, language: Language) -> String {
    use BookingRefusal as R;
    let ko = language == Language::Ko;
    match refusal {
        R::NotBookable => match language {
            Language::Ko => "이곳은 지금 예약을 받지 않아요.".to_owned(),
            Language::En => "This place is not taking bookings right now.".to_owned(),
        },
        R::EmptyInterval => match language {
            Language::Ko => "끝나는 시간은 시작 시간보다 뒤여야 해요.".to_owned(),
            Language::En => "The end time must be after the start time.".to_owned(),
        },
        R::TooLate { notice_minutes: 0 } => match language {
            Language::Ko => "이 시간은 이미 지났어요. 다른 시간을 골라 주세요.".to_owned(),
            Language::En => "This time has already passed. Please choose a later time.".to_owned(),
        },
        R::TooLate { notice_minutes } => {
            let notice = length_of_time(*notice_minutes, language);
            match language {
                Language::Ko => format!("시작 {notice} 전까지 예약해야 해요."),
                Language::En => {
                    format!("Bookings must be made at least {notice} before the start.")
                }
            }
        }
        R::TooFarAhead { book_ahead_days } => {
            let days = days_words(*book_ahead_days, language);
            match language {
                Language::Ko => format!("오늘부터 {days} 뒤까지만 예약할 수 있어요."),
                Language::En => format!("You can book at most {days} ahead."),
            }
        }
        R::OffStep { slot_minutes } => {
            let step = length_of_time(*slot_minutes, language);
            match language {
                Language::Ko => format!("예약은 {step} 단위로 해요. 시작과 끝 시간을 {step} 단위에 맞춰 골라 주세요."),
                Language::En => format!("Bookings go in steps of {step}. Please choose a start and an end on those steps."),
            }
        }
        R::TooShort { min_minutes } => {
            let least = length_of_time(*min_minutes, language);
            match language {
                Language::Ko => format!("최소 {least}은 예약해야 해요."),
                Language::En => format!("A booking must be at least {least}."),
            }
        }
        R::TooLong { max_minutes } => {
            let most = length_of_time(*max_minutes, language);
            match language {
                Language::Ko => format!("최대 {most}까지 예약할 수 있어요."),
                Language::En => format!("You can book at most {most}."),
            }
        }
        R::Closed => match language {
            Language::Ko => {
                "운영 시간이 아닌 때가 들어 있어요. 운영 시간 안에서 골라 주세요.".to_owned()
            }
            Language::En => {
                "Part of this time is outside the opening hours. Please choose a time when it is open."
                    .to_owned()
            }
        },
        R::Blocked { from, to, reason } => {
            let with_year = from.year() != to.year();
            let (first, last) = (
                date_words(*from, with_year, language),
                date_words(*to, with_year, language),
            );
            let sentence = match (language, from == to) {
                (Language::Ko, true) => format!("{first}에는 예약할 수 없어요."),
                (Language::Ko, false) => format!("{first}부터 {last}까지는 예약할 수 없어요."),
                (Language::En, true) => format!("It cannot be booked on {first}."),
                (Language::En, false) => {
                    format!("It cannot be booked from {first} to {last}.")
                }
            };
            if reason.trim().is_empty() {
                sentence
            } else {
                format!("{sentence} ({})", reason.trim())
            }
        }
        R::TooManyUnits { units: 1 } => match language {
            Language::Ko => "한 번에 1개만 예약할 수 있어요.".to_owned(),
            Language::En => "You can book only 1 at a time.".to_owned(),
        },
        R::TooManyUnits { units } => match language {
            Language::Ko => format!("한 번에 {units}개까지 예약할 수 있어요."),
            Language::En => format!("You can book at most {units} at a time."),
        },
        R::Taken => match language {
            Language::Ko => "이 시간은 이미 예약되어 있어요. 다른 시간을 골라 주세요.".to_owned(),
            Language::En => "This time is already booked. Please choose another time.".to_owned(),
        },
        R::PersonHoursPerWeek { hours_per_week }
        | R::OrganisationHoursPerWeek { hours_per_week } => {
            let hours = hours_words(*hours_per_week, language);
            let person = matches!(refusal, R::PersonHoursPerWeek { .. });
            match (ko, person) {
                (true, true) => format!(
                    "한 사람이 한 주(월요일~일요일)에 {hours}까지 예약할 수 있어요. 이번 주에는 더 예약할 수 없어요."
                ),
                (true, false) => format!(
                    "한 단체가 한 주(월요일~일요일)에 {hours}까지 예약할 수 있어요. 이번 주에는 더 예약할 수 없어요."
                ),
                (false, true) => format!(
                    "One person can book at most {hours} a week (Monday to Sunday), and you have reached that for this week."
                ),
                (false, false) => format!(
                    "An organisation can book at most {hours} a week (Monday to Sunday), and yours has reached that for this week."
                ),
            }
        }
        R::PersonActiveBookings { active_bookings }
        | R::OrganisationActiveBookings { active_bookings } => {
            let count = bookings_words(*active_bookings, language);
            let person = matches!(refusal, R::PersonActiveBookings { .. });
            match (ko, person) {
                (true, true) => format!(
                    "한 사람이 한 번에 {count}까지 예약해 둘 수 있어요. 예약 하나가 끝나거나 취소한 뒤에 다시 해 주세요."
                ),
                (true, false) => format!(
                    "한 단체가 한 번에 {count}까지 예약해 둘 수 있어요. 예약 하나가 끝나거나 취소된 뒤에 다시 해 주세요."
                ),
                (false, true) => format!(
                    "You can hold at most {count} at a time. Book again once one has ended or you cancel one."
                ),
                (false, false) => format!(
                    "An organisation can hold at most {count} at a time. Book again once one has ended or is cancelled."
                ),
            }
        }
        R::NotForYou => match language {
            Language::Ko => "이곳은 등록한 분이 정한 단체의 회원만, 그 단체 이름으로 예약할 수 있어요.".to_owned(),
            Language::En => "Only members of the groups the owner chose can book this, for their group.".to_owned(),
        },
        R::CancelDeadlinePassed {
            cancel_minutes_before: 0,
        } => match language {
            Language::Ko => "이미 시작한 예약은 취소하거나 옮길 수 없어요.".to_owned(),
            Language::En => "A booking that has started cannot be cancelled or moved.".to_owned(),
        },
        R::CancelDeadlinePassed {
            cancel_minutes_before,
        } => {
            let before = length_of_time(*cancel_minutes_before, language);
            match language {
                Language::Ko => format!("취소하거나 옮기는 것은 시작 {before} 전까지만 할 수 있어요."),
                Language::En => format!("A booking can be cancelled or moved only until {before} before it starts."),
            }
        }
        R::NotYours => match language {
            Language::Ko => "다른 분의 예약이라 바꿀 수 없어요.".to_owned(),
            Language::En => "This is someone else's booking, so you cannot change it.".to_owned(),
        },
        R::NotOwner => match language {
            Language::Ko => "이곳을 등록한 분만 할 수 있어요.".to_owned(),
            Language::En => "Only the person who shares this place can do that.".to_owned(),
        },
        R::NotActive => match language {
            Language::Ko => "이미 끝났거나 취소된 예약이에요.".to_owned(),
            Language::En => "This booking has already ended or was cancelled.".to_owned(),
        },
        R::NotPending => match language {
            Language::Ko => "이미 승인하거나 거절한 요청이에요.".to_owned(),
            Language::En => "This request has already been approved or declined.".to_owned(),
        },
        R::CheckInClosed => match language {
            Language::Ko => "지금은 도착 확인을 할 수 없어요. 시작 시간 즈음에 다시 해 주세요.".to_owned(),
            Language::En => "Check-in is not open now. Please try again close to the start time.".to_owned(),
        },
        R::NotFound => match language {
            Language::Ko => "그 예약이나 장소를 찾을 수 없어요. 지워졌을 수 있어요.".to_owned(),
            Language::En => "We could not find that booking or place. It may have been removed.".to_owned(),
        },
    }
}

/// The short label of a booking's state, for the badge on its card.
pub fn booking_state(state: BookingState, language: Language) -> &'static str {
    use BookingState as S;
    match (language, state) {
        (Language::Ko, S::Tentative) => "확정 전",
        (Language::En, S::Tentative) => "Not confirmed yet",
        (Language::Ko, S::Pending) => "승인 기다리는 중",
        (Language::En, S::Pending) => "Waiting for approval",
        (Language::Ko, S::Confirmed) => "확정",
        (Language::En, S::Confirmed) => "Confirmed",
        (Language::Ko, S::Declined) => "거절됨",
        (Language::En, S::Declined) => "Declined",
        (Language::Ko, S::Cancelled) => "취소됨",
        (Language::En, S::Cancelled) => "Cancelled",
        (Language::Ko, S::Released) => "자동 취소",
        (Language::En, S::Released) => "Released",
        (Language::Ko, S::Bumped) => "다른 시간 필요",
        (Language::En, S::Bumped) => "Needs another time",
        (Language::Ko, S::Refused) => "예약 안 됨",
        (Language::En, S::Refused) => "Not booked",
    }
}

/// One sentence under the badge saying what the state means for the person.
pub fn booking_state_explained(state: BookingState, language: Language) -> &'static str {
    use BookingState as S;
    match (language, state) {
        (Language::Ko, S::Tentative) => "온라인이 되면 확정돼요.",
        (Language::En, S::Tentative) => "It will be confirmed when you are online.",
        (Language::Ko, S::Pending) => {
            "등록한 분이 승인하면 확정돼요. 그동안 이 시간은 잡아 둘게요."
        }
        (Language::En, S::Pending) => {
            "It is confirmed once the owner approves. The time is kept for you meanwhile."
        }
        (Language::Ko, S::Confirmed) => "예약이 확정됐어요.",
        (Language::En, S::Confirmed) => "Your booking is confirmed.",
        (Language::Ko, S::Declined) => "등록한 분이 이 예약을 받지 않았어요.",
        (Language::En, S::Declined) => "The owner did not accept this booking.",
        (Language::Ko, S::Cancelled) => "취소한 예약이에요.",
        (Language::En, S::Cancelled) => "This booking was cancelled.",
        (Language::Ko, S::Released) => {
            "정해진 때까지 도착 확인이 없어서 다른 분이 쓸 수 있게 풀었어요."
        }
        (Language::En, S::Released) => {
            "There was no check-in in time, so the time was given back for others."
        }
        (Language::Ko, S::Bumped) => {
            "그 사이 다른 분이 이 시간을 먼저 예약했어요. 가까운 다른 시간을 골라 주세요."
        }
        (Language::En, S::Bumped) => {
            "Someone else booked this time first. Please choose one of the nearby times."
        }
        (Language::Ko, S::Refused) => {
            "이 예약은 받아들여지지 않았어요. 이유를 확인하고 다시 골라 주세요."
        }
        (Language::En, S::Refused) => "This booking was not accepted. See why, and choose again.",
    }
}

/// The label of a status the server sent.
pub fn reservation_status(status: ReservationStatus, language: Language) -> &'static str {
    booking_state(BookingState::from(status), language)
}

/// Units still free in a row of the day view: `2개 남음` / `2 left`.
pub fn units_left(units: u32, language: Language) -> String {
    match (language, units) {
        (Language::Ko, 0) => "남은 자리 없음".to_owned(),
        (Language::En, 0) => "None left".to_owned(),
        (Language::Ko, n) => format!("{n}개 남음"),
        (Language::En, n) => format!("{n} left"),
    }
}

/// A price in won: `5,000원` / `₩5,000`, or "free".
pub fn won(amount_krw: u64, language: Language) -> String {
    match (language, amount_krw) {
        (_, 0) => Msg::Free.text(language).to_owned(),
        (Language::Ko, amount) => format!("{}원", group_thousands(amount)),
        (Language::En, amount) => format!("₩{}", group_thousands(amount)),
    }
}

/// How often a series repeats: `매주` / `Every week`, `2주마다` / `Every 2 weeks`.
pub fn repeat_every(weeks: u32, language: Language) -> String {
    match (language, weeks) {
        (Language::Ko, 1) => "매주".to_owned(),
        (Language::En, 1) => "Every week".to_owned(),
        (Language::Ko, n) => format!("{n}주마다"),
        (Language::En, n) => format!("Every {n} weeks"),
    }
}

/// A series' preview in one line: `10번 중 8번 예약할 수 있어요` / `8 of 10 dates can be
/// booked`.
pub fn dates_bookable(bookable: usize, total: usize, language: Language) -> String {
    match language {
        Language::Ko if bookable == total => format!("{total}번 모두 예약할 수 있어요."),
        Language::Ko if bookable == 0 => format!("{total}번 모두 예약할 수 없어요."),
        Language::Ko => format!("{total}번 중 {bookable}번 예약할 수 있어요."),
        Language::En if bookable == total && total == 1 => "The date can be booked.".to_owned(),
        Language::En if bookable == total => format!("All {total} dates can be booked."),
        Language::En if bookable == 0 && total == 1 => "The date cannot be booked.".to_owned(),
        Language::En if bookable == 0 => format!("None of the {total} dates can be booked."),
        Language::En if bookable == 1 => format!("1 of {total} dates can be booked."),
        Language::En => format!("{bookable} of {total} dates can be booked."),
    }
}

fn quota_words(quota: &Quota, language: Language) -> Option<String> {
    let hours = quota.hours_per_week.map(|hours| {
        let hours = hours_words(hours, language);
        match language {
            Language::Ko => format!("한 주에 {hours}까지"),
            Language::En => format!("up to {hours} a week"),
        }
    });
    let active = quota.active_bookings.map(|count| {
        let count = bookings_words(count, language);
        match language {
            Language::Ko => format!("한 번에 {count}까지"),
            Language::En => format!("up to {count} at a time"),
        }
    });
    let parts: Vec<String> = [hours, active].into_iter().flatten().collect();
    if parts.is_empty() {
        return None;
    }
    let joined = parts.join(", ");
    Some(match language {
        Language::Ko => joined,
        Language::En => {
            let mut chars = joined.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => joined,
            }
        }
    })
}

/// The owner's rules as label and value, for the booking rules list on a resource's page.
/// Rules left at "none" (no notice, no quota, no check-in) are not listed.
pub fn booking_rule_lines(rules: &BookingRules, language: Language) -> Vec<(Msg, String)> {
    let mut lines = Vec::new();
    let (least, most, step) = (
        length_of_time(rules.min_minutes, language),
        length_of_time(rules.max_minutes, language),
        length_of_time(rules.slot_minutes, language),
    );
    lines.push((
        Msg::RuleLengthLabel,
        match (language, rules.min_minutes == rules.max_minutes) {
            (_, true) => least,
            (Language::Ko, false) => format!("{least}부터 {most}까지, {step} 단위"),
            (Language::En, false) => format!("{least} to {most}, in steps of {step}"),
        },
    ));
    let ahead = days_words(rules.book_ahead_days, language);
    lines.push((
        Msg::RuleBookAheadLabel,
        match language {
            Language::Ko => format!("{ahead} 뒤까지"),
            Language::En => format!("Up to {ahead} ahead"),
        },
    ));
    if rules.notice_minutes > 0 {
        let notice = length_of_time(rules.notice_minutes, language);
        lines.push((
            Msg::RuleNoticeLabel,
            match language {
                Language::Ko => format!("시작 {notice} 전까지"),
                Language::En => format!("{notice} before the start"),
            },
        ));
    }
    lines.push((
        Msg::RuleCancelLabel,
        match rules.cancel_minutes_before {
            0 => Msg::RuleCancelAnyTime.text(language).to_owned(),
            minutes => {
                let before = length_of_time(minutes, language);
                match language {
                    Language::Ko => format!("시작 {before} 전까지 취소할 수 있어요."),
                    Language::En => format!("You can cancel until {before} before the start."),
                }
            }
        },
    ));
    lines.push((
        Msg::RuleApprovalLabel,
        if rules.approval_required {
            Msg::RuleApprovalRequired
        } else {
            Msg::RuleConfirmedAtOnce
        }
        .text(language)
        .to_owned(),
    ));
    if let Some(check_in) = &rules.check_in {
        let (before, after) = (
            length_of_time(check_in.opens_before_minutes, language),
            length_of_time(check_in.grace_minutes, language),
        );
        lines.push((
            Msg::RuleCheckInLabel,
            match language {
                Language::Ko => format!(
                    "시작 {before} 전부터 {after} 뒤까지 도착 확인을 해 주세요. 안 하면 예약이 풀려요."
                ),
                Language::En => format!(
                    "Check in from {before} before to {after} after the start, or the booking is released."
                ),
            },
        ));
    }
    if let Some(words) = quota_words(&rules.per_person, language) {
        lines.push((Msg::RuleQuotaLabel, words));
    }
    if let Some(words) = quota_words(&rules.per_organisation, language) {
        lines.push((Msg::RuleOrganisationQuotaLabel, words));
    }
    if !rules.only_organisations.is_empty() {
        lines.push((
            Msg::RuleWhoLabel,
            Msg::OnlyForOrganisations.text(language).to_owned(),
        ));
    }
    lines
}

#[cfg(test)]
mod tests;
