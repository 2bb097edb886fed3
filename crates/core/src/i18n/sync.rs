//! Words of the sync status and the account page that are built from data.

use chrono::{DateTime, Utc};

use super::{group_thousands, Msg};
use crate::ipc::{ChangeAction, Connection, SyncProgress};
use crate::text::Language;
use crate::wire::Role;

/// How long ago `then` was, as people say it: "just now", "2 min ago", "3 h ago",
/// "2 days ago" (a clock set back reads as "just now").
pub fn time_ago(language: Language, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds().max(0);
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    match language {
        Language::Ko => match () {
            _ if minutes < 1 => "방금".to_owned(),
            _ if hours < 1 => format!("{minutes}분 전"),
            _ if days < 1 => format!("{hours}시간 전"),
            _ => format!("{days}일 전"),
        },
        Language::En => match () {
            _ if minutes < 1 => "just now".to_owned(),
            _ if hours < 1 => format!("{minutes} min ago"),
            _ if days < 1 => format!("{hours} h ago"),
            _ if days == 1 => "1 day ago".to_owned(),
            _ => format!("{days} days ago"),
        },
    }
}

/// "last synced 2 min ago" / "2분 전 동기화".
pub fn last_synced(language: Language, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let ago = time_ago(language, then, now);
    match language {
        Language::Ko => format!("{ago} 동기화"),
        Language::En => format!("last synced {ago}"),
    }
}

/// Local changes waiting for the server: "1 waiting" / "1건 대기 중".
pub fn waiting(language: Language, n: u64) -> String {
    let n = group_thousands(n);
    match language {
        Language::Ko => format!("{n}건 대기 중"),
        Language::En => format!("{n} waiting"),
    }
}

/// Refused changes: "2 need attention" / "확인 필요 2건".
pub fn needs_attention(language: Language, n: u64) -> String {
    let count = group_thousands(n);
    match language {
        Language::Ko => format!("확인 필요 {count}건"),
        Language::En if n == 1 => "1 needs attention".to_owned(),
        Language::En => format!("{count} need attention"),
    }
}

/// A pull under way: "Downloading 1,200 of 3,000" or, with no total, "Downloading 1,200".
pub fn progress(language: Language, progress: SyncProgress) -> String {
    let done = group_thousands(progress.done);
    match (language, progress.total) {
        (Language::Ko, Some(total)) => {
            format!("{}개 중 {done}개 받는 중", group_thousands(total))
        }
        (Language::Ko, None) => format!("{done}개 받는 중"),
        (Language::En, Some(total)) => {
            format!("Downloading {done} of {}", group_thousands(total))
        }
        (Language::En, None) => format!("Downloading {done}"),
    }
}

pub fn connection(language: Language, connection: Connection) -> &'static str {
    match connection {
        Connection::Unknown => Msg::Connecting.text(language),
        Connection::Online => Msg::Online.text(language),
        Connection::Offline => Msg::Offline.text(language),
    }
}

pub fn role_name(language: Language, role: Role) -> &'static str {
    match (language, role) {
        (Language::Ko, Role::Resident) => "주민",
        (Language::En, Role::Resident) => "Resident",
        (Language::Ko, Role::Organizer) => "모임지기",
        (Language::En, Role::Organizer) => "Organizer",
        (Language::Ko, Role::Coordinator) => "코디네이터",
        (Language::En, Role::Coordinator) => "Coordinator",
        (Language::Ko, Role::Admin) => "관리자",
        (Language::En, Role::Admin) => "Administrator",
    }
}

/// "Signed in as a@b.kr (Resident)".
pub fn signed_in_as(language: Language, login: &str, role: Role) -> String {
    let role = role_name(language, role);
    match language {
        Language::Ko => format!("{login} ({role})로 로그인했어요"),
        Language::En => format!("Signed in as {login} ({role})"),
    }
}

/// What a refused change was: "New: 전동 드릴".
pub fn change_action(language: Language, action: ChangeAction) -> &'static str {
    match (language, action) {
        (Language::Ko, ChangeAction::Create) => "새로 등록",
        (Language::En, ChangeAction::Create) => "New",
        (Language::Ko, ChangeAction::Update) => "수정",
        (Language::En, ChangeAction::Update) => "Edit",
        (Language::Ko, ChangeAction::Retire) => "내리기",
        (Language::En, ChangeAction::Retire) => "Removal",
        (Language::Ko, ChangeAction::SetBookingRules) => "예약 규칙",
        (Language::En, ChangeAction::SetBookingRules) => "Booking rules",
        (Language::Ko, ChangeAction::Book) => "예약",
        (Language::En, ChangeAction::Book) => "Booking",
        (Language::Ko, ChangeAction::CancelBooking) => "예약 취소",
        (Language::En, ChangeAction::CancelBooking) => "Cancellation",
        (Language::Ko, ChangeAction::MoveBooking) => "예약 시간 변경",
        (Language::En, ChangeAction::MoveBooking) => "New time",
        (Language::Ko, ChangeAction::CheckIn) => "체크인",
        (Language::En, ChangeAction::CheckIn) => "Check-in",
        (Language::Ko, ChangeAction::DecideBooking) => "예약 승인·거절",
        (Language::En, ChangeAction::DecideBooking) => "Approval",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn time_ago_in_both_languages() {
        #[rustfmt::skip]
        let cases = [
            // seconds ago, Korean, English
            (-30, "방금", "just now"),         // a clock set back
            (0, "방금", "just now"),
            (59, "방금", "just now"),
            (60, "1분 전", "1 min ago"),
            (150, "2분 전", "2 min ago"),
            (3599, "59분 전", "59 min ago"),
            (3600, "1시간 전", "1 h ago"),
            (86_399, "23시간 전", "23 h ago"),
            (86_400, "1일 전", "1 day ago"),
            (3 * 86_400, "3일 전", "3 days ago"),
        ];
        for (ago, ko, en) in cases {
            assert_eq!(time_ago(Language::Ko, at(0), at(ago)), ko, "{ago} s");
            assert_eq!(time_ago(Language::En, at(0), at(ago)), en, "{ago} s");
        }
        assert_eq!(
            last_synced(Language::En, at(0), at(120)),
            "last synced 2 min ago"
        );
        assert_eq!(last_synced(Language::Ko, at(0), at(120)), "2분 전 동기화");
    }

    #[test]
    fn counts_and_progress_read_naturally() {
        assert_eq!(waiting(Language::En, 1), "1 waiting");
        assert_eq!(waiting(Language::Ko, 0), "0건 대기 중");
        assert_eq!(waiting(Language::En, 1200), "1,200 waiting");
        assert_eq!(needs_attention(Language::En, 1), "1 needs attention");
        assert_eq!(needs_attention(Language::En, 2), "2 need attention");
        assert_eq!(needs_attention(Language::Ko, 2), "확인 필요 2건");
        let half = SyncProgress {
            done: 1200,
            total: Some(3000),
        };
        assert_eq!(progress(Language::En, half), "Downloading 1,200 of 3,000");
        assert_eq!(progress(Language::Ko, half), "3,000개 중 1,200개 받는 중");
        let open = SyncProgress {
            done: 5,
            total: None,
        };
        assert_eq!(progress(Language::En, open), "Downloading 5");
        assert_eq!(
            signed_in_as(Language::En, "a@b.kr", Role::Resident),
            "Signed in as a@b.kr (Resident)"
        );
        assert_eq!(connection(Language::Ko, Connection::Offline), "오프라인");
        for role in Role::ALL {
            assert!(!role_name(Language::Ko, role).is_ascii());
            assert!(role_name(Language::En, role).is_ascii());
        }
    }
}
