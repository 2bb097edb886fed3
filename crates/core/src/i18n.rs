//! Every word the app shows a person, in Korean and English.
//!
//! Plain texts are declared once in the `catalog!` table below: the macro takes exactly one
//! Korean and one English text per message, so a missing translation does not compile.
//! Texts built from data (prices, counts, kinds, errors) are functions further down that
//! match exhaustively on the language.

use crate::ipc::IpcError;
use crate::resource::{Day, Pricing};
use crate::text::Language;
use crate::ResourceKind;

macro_rules! catalog {
    ($($name:ident => $ko:literal, $en:literal;)*) => {
        /// A plain message the UI shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            pub fn text(self, language: Language) -> &'static str {
                match (self, language) {
                    $((Msg::$name, Language::Ko) => $ko, (Msg::$name, Language::En) => $en,)*
                }
            }
        }
    };
}

catalog! {
    AppName => "셰어 허브", "Share Hub";
    Tagline => "우리 동네에서 함께 쓰는 것들", "Things we share in our neighborhood";
    ListHeading => "공유 자원", "Shared resources";
    SearchLabel => "이름이나 동네로 찾기", "Search by name or neighborhood";
    SearchPlaceholder => "예: 망원, 회의실, 자전거", "e.g. Mangwon, meeting room, bike";
    KindLabel => "종류", "Kind";
    AllKinds => "모든 종류", "All kinds";
    Loading => "불러오는 중…", "Loading…";
    NoResults => "조건에 맞는 곳이 없어요. 다른 검색어나 종류로 찾아 보세요.", "Nothing matches. Try another word or kind.";
    BackToList => "← 목록으로", "← Back to the list";
    Description => "소개", "About";
    Address => "주소", "Address";
    Area => "동네", "Neighborhood";
    OfferedBy => "제공", "Offered by";
    Price => "요금", "Price";
    Capacity => "수용", "Capacity";
    Hours => "이용 시간", "Hours";
    AlwaysOpen => "언제나 이용할 수 있어요", "Open any time";
    Location => "위치 (위도, 경도)", "Location (latitude, longitude)";
    ExactSpotAfterBooking => "정확한 위치는 예약이 확정된 뒤에 알려 드려요.", "The exact spot is shown once your booking is confirmed.";
    SwitchLanguage => "English", "한국어";
    SwitchLanguageHint => "Switch to English", "한국어로 보기";
    ErrorTitle => "문제가 생겼어요", "Something went wrong";
    TryAgain => "다시 시도", "Try again";
    PageNotFound => "찾는 화면이 없어요.", "This page does not exist.";
    Free => "무료", "Free";
    TabList => "목록", "List";
    TabMap => "지도", "Map";
    AnyPrice => "요금 상관없이", "Any price";
    FreeOnly => "무료만", "Free only";
    PaidOnly => "유료만", "Paid only";
    NearLabel => "어디 근처에서 찾을까요?", "Near where?";
    NearPlaceholder => "동네나 대여소 이름 (예: 망원동)", "Neighborhood or station (e.g. Mangwon-dong)";
    NearHint => "지도에서 한 곳을 눌러도 돼요.", "You can also tap a spot on the map.";
    RadiusLabel => "거리", "Within";
    ClearNear => "위치 지우기", "Clear place";
    ChosenPoint => "지도에서 고른 곳", "Spot chosen on the map";
    MyPositionButton => "📍 내 위치 근처", "📍 Near me";
    MyPosition => "내 위치", "My location";
    FindingPosition => "위치를 찾는 중…", "Finding where you are…";
    PositionDenied => "위치 사용이 꺼져 있어요. 휴대폰 설정에서 셰어 허브의 위치 권한을 켜거나, 동네 이름을 입력해 주세요.", "Location is turned off for Share Hub. Allow it in your phone's settings, or type a neighborhood instead.";
    PositionUnsupported => "이 기기는 위치를 알 수 없어요. 지도에서 한 곳을 누르거나 동네 이름을 입력해 주세요.", "This device cannot tell where it is. Tap a spot on the map or type a neighborhood instead.";
    PositionFailed => "지금은 위치를 찾지 못했어요. 잠시 후 다시 해 보거나 동네 이름을 입력해 주세요.", "Your location could not be found just now. Try again in a moment, or type a neighborhood instead.";
    NoPlaceFound => "그런 이름의 동네나 대여소를 찾지 못했어요.", "No neighborhood or station with that name.";
    MapOffline => "지도 배경을 불러올 수 없어요 (오프라인). 동네 경계와 위치는 그대로 보여 드려요.", "The map background cannot load (offline). Neighborhood outlines and places are still shown.";
    OpenDetails => "자세히 보기", "See details";
    MapLabel => "공유 자원 지도", "Map of shared resources";
    MapKeptTiles => "오프라인: 이 기기에 저장해 둔 지도를 보여 드려요.", "Offline: showing the map kept on this device.";
    WhereItIs => "위치", "Where it is";
    AllAreas => "서울 전체", "All of Seoul";
    AnyTime => "시간 상관없이", "Any time";
    RightNow => "지금 현황", "Right now";
    OpenNow => "지금 이용 가능", "Open now";
    OpenAt => "시간 정하기", "At a time…";
    OpenAtLabel => "이용할 때 (서울 시간)", "When (Seoul time)";
    // sync & account
    Account => "계정", "Account";
    Connecting => "연결 확인 중", "Connecting";
    Online => "온라인", "Online";
    Offline => "오프라인", "Offline";
    NotSignedIn => "로그인하지 않았어요", "Not signed in";
    SignInHeading => "로그인", "Sign in";
    RegisterHeading => "새 계정 만들기", "Create an account";
    LoginLabel => "이메일 또는 전화번호", "E-mail or phone number";
    EmailLabel => "이메일", "E-mail";
    PasswordLabel => "비밀번호", "Password";
    PasswordHint => "10자 이상", "At least 10 characters";
    SignInButton => "로그인", "Sign in";
    RegisterButton => "계정 만들기", "Create account";
    SignOutButton => "로그아웃", "Sign out";
    SignOutWarning => "로그아웃하면 이 기기에서 계정의 데이터와 아직 보내지 못한 변경이 지워져요.", "Signing out removes your account's data and unsent changes from this device.";
    ServerLabel => "서버", "Server";
    OfflineDemoMode => "오프라인 체험 모드: 서버 없이 기기에 들어 있는 서울 예시 데이터를 보여 줘요.", "Offline demo mode: no server is set, so the app shows the Seoul demo data that comes with it.";
    NeedsAttentionHeading => "확인이 필요한 변경", "Changes that need your attention";
    NeedsAttentionExplained => "서버가 받지 않은 변경이에요. 서버 답변을 보고 고쳐서 다시 보내거나, 버릴 수 있어요. 버리면 서버에 있는 내용으로 돌아가요.", "The server did not accept these changes. Read its answer, then edit and send again, or discard: discarding goes back to what the server has.";
    NothingNeedsAttention => "확인할 변경이 없어요.", "No changes need your attention.";
    RetryButton => "다시 보내기", "Retry";
    DiscardButton => "버리기", "Discard";
    EditButton => "고치기", "Edit";
    EditAndSendButton => "고쳐서 다시 보내기", "Save and send again";
    CancelButton => "취소", "Cancel";
    ServerSaid => "서버 답변", "The server said";
    EmptyNoDataTitle => "이 기기에는 아직 공유 자원 정보가 없어요", "There is no shared-resource data on this device yet";
    EmptyNoDataOffline => "셰어 허브 서버에 연결할 수 없어요. 인터넷 연결을 확인해 주세요. 연결되면 자동으로 받아 와요.", "The Share Hub server cannot be reached. Check your internet connection: the data downloads by itself once you are connected.";
    EmptyNoDataSignIn => "로그인하면 공유 자원 정보를 받아 와요.", "Sign in to download the shared-resource data.";
    GoToSignIn => "로그인하러 가기", "Go to sign in";
    ShareHeading => "내 물건 함께 쓰기", "Share something of yours";
    ShareNameLabel => "이름", "Name";
    ShareDescriptionLabel => "소개", "Description";
    NeighborhoodField => "동네", "Neighborhood";
    ShareNeighborhoodLabel => "동네 (예: 망원1동)", "Neighborhood (e.g. Mangwon 1-dong)";
    ShareButton => "등록하기", "Share it";
    Shared => "등록했어요. 서버에 보내는 중이에요.", "Shared. It is on its way to the server.";
    Working => "처리 중…", "Working…";
    NeighborOwner => "이웃 주민", "A neighbor";
    WrongLogin => "이메일(전화번호)이나 비밀번호가 맞지 않아요.", "The e-mail (or phone number) or password is not right.";
    LoginTaken => "이미 그 이메일로 만든 계정이 있어요. 로그인해 주세요.", "There is already an account with that e-mail. Please sign in.";
    SyncProblem => "동기화 문제", "Sync problem";
    // booking
    Book => "예약하기", "Book";
    CancelBooking => "예약 취소", "Cancel booking";
    ConfirmCancelBooking => "이 예약을 취소할까요?", "Cancel this booking?";
    KeepBooking => "취소하지 않기", "Keep the booking";
    MoveBooking => "시간 바꾸기", "Move to another time";
    CheckIn => "도착 확인", "Check in";
    CheckedIn => "도착 확인했어요", "Checked in";
    BookingRequests => "예약 요청", "Requests";
    Approve => "승인", "Approve";
    Decline => "거절", "Decline";
    DeclineReasonLabel => "거절하는 이유 (예약한 분에게 보여요)", "Why (the person who asked will see this)";
    MyBookings => "내 예약", "My bookings";
    UpcomingBookings => "다가오는 예약", "Upcoming";
    PendingBookings => "승인 기다리는 예약", "Waiting for approval";
    PastBookings => "지난 예약", "Past";
    NoBookings => "예약이 없어요.", "No bookings.";
    AsOfLastSync => "마지막 동기화 기준", "as of the last sync";
    AvailabilityMayBeOld => "오프라인이라 마지막 동기화 때의 예약 현황이에요. 온라인이 되면 다시 확인해요.", "You are offline: this is how bookings stood at the last sync. It is checked again when you are online.";
    DateLabel => "날짜", "Date";
    DurationLabel => "사용 시간", "Duration";
    StartTimeLabel => "시작 시간", "Start time";
    EndTimeLabel => "끝나는 시간", "End time";
    UnitsLabel => "몇 개", "How many";
    NoteToOwnerLabel => "등록한 분에게 남길 말 (선택)", "Note to the owner (optional)";
    TotalPrice => "요금 합계", "Total price";
    FreeSlots => "예약할 수 있는 시간", "Free times";
    NoFreeSlots => "이 날은 예약할 수 있는 시간이 없어요.", "There are no free times on this day.";
    ClosedAllDay => "이 날은 쉬는 날이에요.", "Closed on this day.";
    SlotFree => "예약 가능", "Free";
    SlotTaken => "예약됨", "Booked";
    SlotClosed => "운영 안 함", "Closed";
    SlotUnavailable => "예약 불가", "Not available";
    Today => "오늘", "Today";
    Tomorrow => "내일", "Tomorrow";
    PreviousDay => "← 전날", "← Previous day";
    NextDay => "다음 날 →", "Next day →";
    DayView => "하루", "Day";
    WeekView => "일주일", "Week";
    BookingRulesHeading => "예약 규칙", "Booking rules";
    RuleLengthLabel => "한 번에 쓸 수 있는 시간", "Length of a booking";
    RuleBookAheadLabel => "미리 예약", "How far ahead";
    RuleNoticeLabel => "늦어도", "Book at the latest";
    RuleCancelLabel => "취소", "Cancelling";
    RuleApprovalLabel => "승인", "Approval";
    RuleCheckInLabel => "도착 확인", "Check-in";
    RuleQuotaLabel => "한 사람당", "Per person";
    RuleOrganisationQuotaLabel => "한 단체당", "Per organisation";
    RuleWhoLabel => "예약할 수 있는 분", "Who can book";
    RuleApprovalRequired => "등록한 분이 승인하면 확정돼요.", "The owner approves each booking.";
    RuleConfirmedAtOnce => "바로 확정돼요.", "Bookings are confirmed at once.";
    RuleCancelAnyTime => "시작 전까지 언제든 취소할 수 있어요.", "You can cancel any time before the start.";
    OnlyForOrganisations => "정해진 단체의 회원만 예약할 수 있어요.", "Only members of certain groups can book.";
    BookForOrganisation => "단체 이름으로 예약", "Book for my organisation";
    RepeatWeekly => "매주 반복", "Repeat weekly";
    RepeatEvery => "반복 간격", "Repeat every";
    RepeatOnDays => "반복할 요일", "On these days";
    RepeatUntilDate => "이 날짜까지", "Until this date";
    RepeatTimes => "반복 횟수", "Number of times";
    RepeatPreviewHeading => "예약할 날짜", "Dates to book";
    SkipConflictingDates => "겹치는 날짜는 빼고 예약하기", "Skip the conflicting dates";
    BookAllDates => "모든 날짜 예약하기", "Book all dates";
    BumpedHeading => "그 시간은 다른 분이 먼저 예약했어요", "Someone else booked that time first";
    NearbyFreeTimes => "가까운 다른 시간", "Nearby free times";
    ChooseAnotherTime => "다른 시간 고르기", "Choose another time";
    AddToCalendar => "내 달력에 넣기", "Add to my calendar";
    BookingSaved => "예약했어요. 서버에 보내는 중이에요.", "Booked. It is on its way to the server.";
    BookThisInstead => "이 시간으로 예약하기", "Book this one instead";
    BookingsNeedAttention => "다시 골라야 하는 예약", "Bookings to choose again";
    TentativeBookings => "아직 확정 전인 예약", "Not confirmed yet";
    NoRequestsWaiting => "기다리는 예약 요청이 없어요.", "No requests are waiting.";
    ForecastWarning => "마지막 동기화 기준으로는 이 시간을 예약하기 어려워 보여요. 그래도 보내서 서버가 확인하게 할게요.", "As of the last sync this time looks unavailable. It is sent anyway, and the server decides.";
    NeverSynced => "아직 동기화하지 않았어요", "not synced yet";
    ChooseStartTime => "시작 시간을 골라 주세요.", "Choose a start time.";
    BookingDayHeading => "예약하기", "Book a time";
    ChosenTime => "고른 시간", "Chosen time";
    ConfirmDecline => "거절하기", "Decline the request";
}

mod booking;
mod map;
mod sync;
pub use booking::*;
pub use map::*;
pub use sync::*;

/// The name of a kind of resource.
pub fn kind_name(language: Language, kind: ResourceKind) -> &'static str {
    use ResourceKind as K;
    match language {
        Language::Ko => match kind {
            K::BikeStation => "따릉이 대여소",
            K::Bike => "자전거",
            K::Car => "나눔카",
            K::ParkingSpace => "공유 주차장",
            K::Room => "회의실·모임방",
            K::Workspace => "공유 업무공간",
            K::Tool => "공구·물품",
            K::Meal => "함께 밥상",
            K::Other => "기타",
        },
        Language::En => match kind {
            K::BikeStation => "Public bike station",
            K::Bike => "Bike",
            K::Car => "Shared car",
            K::ParkingSpace => "Shared parking",
            K::Room => "Meeting room",
            K::Workspace => "Workspace",
            K::Tool => "Tool or item",
            K::Meal => "Group meal",
            K::Other => "Other",
        },
    }
}

pub fn day_name(language: Language, day: Day) -> &'static str {
    let i = Day::ALL.iter().position(|d| *d == day).unwrap_or(0);
    match language {
        Language::Ko => ["월", "화", "수", "목", "금", "토", "일"][i],
        Language::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn result_count(language: Language, n: usize) -> String {
    let count = group_thousands(n as u64);
    match language {
        Language::Ko => format!("{count}곳"),
        Language::En if n == 1 => "1 place".to_owned(),
        Language::En => format!("{count} places"),
    }
}

/// The button under a long list: `left` more rows can be shown.
pub fn show_more(language: Language, left: usize) -> String {
    let left = group_thousands(left as u64);
    match language {
        Language::Ko => format!("더 보기 (남은 {left}곳)"),
        Language::En => format!("Show more ({left} more)"),
    }
}

fn duration(language: Language, minutes: u32) -> String {
    match (language, minutes.is_multiple_of(60)) {
        (Language::Ko, true) => format!("{}시간", minutes / 60),
        (Language::Ko, false) => format!("{minutes}분"),
        (Language::En, true) if minutes == 60 => "hour".to_owned(),
        (Language::En, true) => format!("{} hours", minutes / 60),
        (Language::En, false) => format!("{minutes} min"),
    }
}

pub fn price(language: Language, pricing: &Pricing) -> String {
    match (language, pricing) {
        (_, Pricing::Free) => Msg::Free.text(language).to_owned(),
        (
            Language::Ko,
            Pricing::PerPeriod {
                amount_krw,
                period_minutes,
            },
        ) => {
            format!(
                "{}마다 {}원",
                duration(language, *period_minutes),
                group_thousands((*amount_krw).into())
            )
        }
        (
            Language::En,
            Pricing::PerPeriod {
                amount_krw,
                period_minutes,
            },
        ) => {
            format!(
                "₩{} per {}",
                group_thousands((*amount_krw).into()),
                duration(language, *period_minutes)
            )
        }
        (Language::Ko, Pricing::PerUse { amount_krw }) => {
            format!("1회 {}원", group_thousands((*amount_krw).into()))
        }
        (Language::En, Pricing::PerUse { amount_krw }) => {
            format!("₩{} per use", group_thousands((*amount_krw).into()))
        }
    }
}

pub fn capacity(language: Language, kind: ResourceKind, n: u32) -> String {
    match (language, kind) {
        (Language::Ko, ResourceKind::BikeStation) => format!("거치대 {n}개"),
        (Language::En, ResourceKind::BikeStation) => format!("{n} docks"),
        (Language::Ko, ResourceKind::ParkingSpace | ResourceKind::Car) => format!("{n}대"),
        (Language::En, ResourceKind::ParkingSpace | ResourceKind::Car) if n == 1 => {
            "1 vehicle".to_owned()
        }
        (Language::En, ResourceKind::ParkingSpace | ResourceKind::Car) => format!("{n} vehicles"),
        (Language::Ko, ResourceKind::Tool | ResourceKind::Bike | ResourceKind::Other) => {
            format!("{n}개")
        }
        (Language::En, ResourceKind::Tool | ResourceKind::Bike | ResourceKind::Other) => {
            format!("{n} available")
        }
        (Language::Ko, _) => format!("최대 {n}명"),
        (Language::En, _) if n == 1 => "1 person".to_owned(),
        (Language::En, _) => format!("up to {n} people"),
    }
}

/// A distance people read at a glance: `350 m`, `1.2 km`.
pub fn distance(language: Language, metres: f64) -> String {
    let text = if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() as u32 * 10)
    } else {
        format!("{:.1} km", metres / 1000.0)
    };
    match language {
        Language::Ko => format!("{text} 거리"),
        Language::En => format!("{text} away"),
    }
}

/// A radius choice: `500 m`, `2 km`.
pub fn radius(metres: u32) -> String {
    if metres < 1000 {
        format!("{metres} m")
    } else {
        format!("{} km", metres / 1000)
    }
}

/// Live counts of a bike station: `자전거 5대 · 빈 거치대 10곳`.
pub fn live_bikes(language: Language, bikes: Option<u32>, docks: Option<u32>) -> String {
    let unknown = match language {
        Language::Ko => "모름",
        Language::En => "unknown",
    };
    let bikes = bikes.map_or(unknown.to_owned(), |n| n.to_string());
    match (language, docks) {
        (Language::Ko, Some(d)) => format!("자전거 {bikes}대 · 빈 거치대 {d}곳"),
        (Language::Ko, None) => format!("자전거 {bikes}대"),
        (Language::En, Some(d)) => format!("{bikes} bikes · {d} free docks"),
        (Language::En, None) => format!("{bikes} bikes"),
    }
}

/// How old a reading is: `방금` / `just now`, `3분 전` / `3 min ago`, `2시간 전`.
pub fn age(language: Language, minutes: i64) -> String {
    let minutes = minutes.max(0);
    match (language, minutes) {
        (Language::Ko, 0) => "방금".into(),
        (Language::En, 0) => "just now".into(),
        (Language::Ko, m) if m < 60 => format!("{m}분 전"),
        (Language::En, m) if m < 60 => format!("{m} min ago"),
        (Language::Ko, m) if m < 48 * 60 => format!("{}시간 전", m / 60),
        (Language::En, m) if m < 48 * 60 => format!("{} h ago", m / 60),
        (Language::Ko, m) => format!("{}일 전", m / (24 * 60)),
        (Language::En, m) => format!("{} days ago", m / (24 * 60)),
    }
}

/// `3분 전 기준` / `as of 3 min ago`.
pub fn as_of(language: Language, minutes: i64) -> String {
    match language {
        Language::Ko => format!("{} 기준", age(language, minutes)),
        Language::En => format!("as of {}", age(language, minutes)),
    }
}

/// The words on the form for a field the shell names in an `Invalid` error.
fn field_label(field: &str) -> Option<Msg> {
    Some(match field {
        "name" => Msg::ShareNameLabel,
        "description" => Msg::ShareDescriptionLabel,
        "neighborhood" => Msg::NeighborhoodField,
        "email" => Msg::EmailLabel,
        "login" => Msg::LoginLabel,
        "password" => Msg::PasswordLabel,
        _ => return None,
    })
}

/// What to tell the person about an error, in plain words. Details stay in the logs.
pub fn error_message(language: Language, error: &IpcError) -> String {
    match (language, error) {
        (Language::Ko, IpcError::NotFound { .. }) => {
            "찾는 항목이 없어요. 지워졌거나 주소가 바뀌었을 수 있어요.".into()
        }
        (Language::En, IpcError::NotFound { .. }) => {
            "We could not find that. It may have been removed.".into()
        }
        (_, IpcError::Invalid { field, problem }) => {
            let detail = match field_label(field) {
                Some(label) => format!("{}: {problem}", label.text(language)),
                None => problem.clone(),
            };
            match language {
                Language::Ko => format!("입력한 내용을 확인해 주세요. ({detail})"),
                Language::En => format!("Please check what you entered. ({detail})"),
            }
        }
        (Language::Ko, IpcError::Conflict { .. }) => {
            "다른 변경과 겹쳐서 저장하지 못했어요. 다시 시도해 주세요.".into()
        }
        (Language::En, IpcError::Conflict { .. }) => {
            "This clashed with another change and was not saved. Please try again.".into()
        }
        (Language::Ko, IpcError::Offline) => {
            "셰어 허브 서버에 연결할 수 없어요. 인터넷 연결을 확인해 주세요.".into()
        }
        (Language::En, IpcError::Offline) => {
            "Cannot reach the Share Hub server. Check your internet connection.".into()
        }
        (Language::Ko, IpcError::Unauthorized) => "다시 로그인해 주세요.".into(),
        (Language::En, IpcError::Unauthorized) => "Please sign in again.".into(),
        (Language::Ko, IpcError::Internal { detail }) => {
            format!("앱에 문제가 생겼어요. 앱을 다시 시작해 보세요. (자세한 내용: {detail})")
        }
        (Language::En, IpcError::Internal { detail }) => {
            format!("The app ran into a problem. Please restart it. (Details: {detail})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    }

    #[test]
    fn every_message_is_complete_in_both_languages() {
        for msg in Msg::ALL {
            let (ko, en) = (msg.text(Language::Ko), msg.text(Language::En));
            assert!(!ko.trim().is_empty() && !en.trim().is_empty(), "{msg:?}");
            // The language switch names the *other* language on purpose.
            if !matches!(
                msg,
                Msg::SwitchLanguage | Msg::SwitchLanguageHint | Msg::AppName
            ) {
                assert!(has_hangul(ko), "{msg:?} Korean text has no Hangul: {ko}");
                assert!(!has_hangul(en), "{msg:?} English text has Hangul: {en}");
            }
        }
        for kind in ResourceKind::ALL {
            assert!(has_hangul(kind_name(Language::Ko, kind)));
            assert!(!has_hangul(kind_name(Language::En, kind)));
        }
    }

    #[test]
    fn numbers_prices_and_capacities_read_naturally() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1234567), "1,234,567");
        assert_eq!(result_count(Language::En, 1), "1 place");
        assert_eq!(result_count(Language::Ko, 1200), "1,200곳");
        let bike = Pricing::PerPeriod {
            amount_krw: 1000,
            period_minutes: 60,
        };
        assert_eq!(price(Language::Ko, &bike), "1시간마다 1,000원");
        assert_eq!(price(Language::En, &bike), "₩1,000 per hour");
        let parking = Pricing::PerPeriod {
            amount_krw: 600,
            period_minutes: 30,
        };
        assert_eq!(price(Language::En, &parking), "₩600 per 30 min");
        assert_eq!(
            price(Language::Ko, &Pricing::PerUse { amount_krw: 5000 }),
            "1회 5,000원"
        );
        assert_eq!(price(Language::Ko, &Pricing::Free), "무료");
        assert_eq!(
            capacity(Language::En, ResourceKind::BikeStation, 15),
            "15 docks"
        );
        assert_eq!(capacity(Language::Ko, ResourceKind::Room, 12), "최대 12명");
        assert_eq!(day_name(Language::Ko, Day::Sun), "일");
        assert_eq!(distance(Language::En, 344.0), "340 m away");
        assert_eq!(distance(Language::Ko, 1249.0), "1.2 km 거리");
        assert_eq!(radius(500), "500 m");
        assert_eq!(radius(2000), "2 km");
        assert_eq!(
            live_bikes(Language::Ko, Some(5), Some(10)),
            "자전거 5대 · 빈 거치대 10곳"
        );
        assert_eq!(live_bikes(Language::En, Some(16), None), "16 bikes");
        assert_eq!(age(Language::Ko, 0), "방금");
        assert_eq!(age(Language::En, 3), "3 min ago");
        assert_eq!(age(Language::Ko, 125), "2시간 전");
    }

    #[test]
    fn show_more_says_how_many_are_left() {
        assert_eq!(show_more(Language::Ko, 19_500), "더 보기 (남은 19,500곳)");
        assert_eq!(show_more(Language::En, 3), "Show more (3 more)");
    }

    #[test]
    fn an_invalid_field_is_named_in_the_form_words() {
        let empty_name = IpcError::Invalid {
            field: "name".into(),
            problem: "must not be empty".into(),
        };
        assert_eq!(
            error_message(Language::En, &empty_name),
            "Please check what you entered. (Name: must not be empty)"
        );
        assert_eq!(
            error_message(Language::Ko, &empty_name),
            "입력한 내용을 확인해 주세요. (이름: must not be empty)"
        );
        let unknown = IpcError::Invalid {
            field: "request".into(),
            problem: "bad".into(),
        };
        assert_eq!(
            error_message(Language::En, &unknown),
            "Please check what you entered. (bad)"
        );
    }

    #[test]
    fn errors_have_plain_words_in_both_languages() {
        let errors = [
            IpcError::NotFound { what: "x".into() },
            IpcError::Invalid {
                field: "text".into(),
                problem: "too long".into(),
            },
            IpcError::Conflict { detail: "x".into() },
            IpcError::Offline,
            IpcError::Unauthorized,
            IpcError::Internal {
                detail: "disk full".into(),
            },
        ];
        for e in &errors {
            assert!(has_hangul(&error_message(Language::Ko, e)));
            assert!(!has_hangul(&error_message(Language::En, e)));
        }
    }
}
