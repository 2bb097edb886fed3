//! Booking a time on a resource's page: the day view (date, duration, start times as large
//! buttons with the reason a time cannot be booked), "as of the last sync", the owner's
//! rules and the total price; "Book" queues the request and shows its state at once.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use sharehub_core::booking::{BookingRefusal, BookingRules, BookingState, GridDay, GridRow};
use sharehub_core::i18n::{
    booking_refusal, booking_rule_lines, booking_state, booking_state_explained, date_words,
    error_message, length_of_time, units_left, won, Msg,
};
use sharehub_core::ipc::{
    utc_from_unix_ms, AvailabilityArgs, BookingAvailability, IpcError, ReservationRequest,
    ReservationRequestArgs, ReservationRequested, MAX_AVAILABILITY_DAYS,
};
use sharehub_core::text::Language;
use sharehub_core::ResourceId;

use crate::app::use_lang;
use crate::ipc::call;
use crate::sync_status::use_sync;

/// Most durations the select offers.
const MAX_DURATIONS: usize = 24;

/// Seoul's offset: every resource of this app is in Asia/Seoul, which keeps no summer
/// time (the grid itself comes in the resource's zone from the device).
const SEOUL_OFFSET_HOURS: i64 = 9;

pub fn now_utc() -> DateTime<Utc> {
    utc_from_unix_ms(js_sys::Date::now() as i64)
}

/// An instant as Seoul's clock shows it.
pub fn seoul_time(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(SEOUL_OFFSET_HOURS)).naive_utc()
}

/// `화 12월 8일 10:00–11:00` / `Tue 8 Dec 10:00–11:00` (the end's date when it differs).
pub fn when_words(start: NaiveDateTime, end: NaiveDateTime, language: Language) -> String {
    let first = format!(
        "{} {}",
        date_words(start.date(), false, language),
        start.format("%H:%M")
    );
    if end.date() == start.date() {
        format!("{first}–{}", end.format("%H:%M"))
    } else {
        format!(
            "{first} – {} {}",
            date_words(end.date(), false, language),
            end.format("%H:%M")
        )
    }
}

/// The state as the page's `data-state` (the contract's snake_case name).
pub fn state_tag(state: BookingState) -> &'static str {
    match state {
        BookingState::Tentative => "tentative",
        BookingState::Pending => "pending",
        BookingState::Confirmed => "confirmed",
        BookingState::Declined => "declined",
        BookingState::Cancelled => "cancelled",
        BookingState::Released => "released",
        BookingState::Bumped => "bumped",
        BookingState::Refused => "refused",
    }
}

/// Durations a booking may have: the rules' steps from the shortest to the longest.
fn durations(rules: &BookingRules) -> Vec<u32> {
    let step = rules.slot_minutes.max(1);
    let mut minutes = rules.min_minutes.max(step).div_ceil(step) * step;
    let mut all = Vec::new();
    while minutes <= rules.max_minutes && all.len() < MAX_DURATIONS {
        all.push(minutes);
        minutes += step;
    }
    all
}

fn day_label(date: NaiveDate, today: NaiveDate, language: Language) -> String {
    let words = date_words(date, false, language);
    match (date - today).num_days() {
        0 => format!("{} · {words}", Msg::Today.text(language)),
        1 => format!("{} · {words}", Msg::Tomorrow.text(language)),
        _ => words,
    }
}

/// A start can be chosen when it looks free, or when only the calendar as of the last sync
/// says it is taken (the server decides; the page warns).
fn choosable(row: &GridRow) -> bool {
    matches!(row.refusal, None | Some(BookingRefusal::Taken))
}

#[component]
pub fn BookingPanel(resource_id: ResourceId) -> impl IntoView {
    let lang = use_lang();
    let sync = use_sync();
    let today = seoul_time(now_utc()).date();
    let day = RwSignal::new(0usize);
    let minutes = RwSignal::new(None::<u32>);
    let chosen = RwSignal::new(None::<DateTime<Utc>>);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<ReservationRequested, IpcError>>);
    let refresh = RwSignal::new(0u32);
    let version = Memo::new(move |_| sync.with(|s| s.data_version));
    let availability = LocalResource::new(move || {
        version.track();
        refresh.track();
        let args = AvailabilityArgs {
            resource_id,
            from: today,
            days: MAX_AVAILABILITY_DAYS,
            minutes: minutes.get().unwrap_or(60),
            units: 1,
        };
        async move { call::<BookingAvailability>(&args).await }
    });
    // Drawn again only when the answer changed (a sync that changes nothing here keeps the
    // focus where it is).
    let shown = Memo::new(move |_| availability.get());
    // The first answer brings the rules: start with the shortest allowed duration when the
    // first guess is not one.
    Effect::new(move |_| {
        if let Some(Ok(answer)) = shown.get() {
            if let (None, Some(rules)) = (minutes.get_untracked(), &answer.rules) {
                let allowed = durations(rules);
                if allowed.contains(&answer.minutes) {
                    minutes.set(Some(answer.minutes));
                } else if let Some(first) = allowed.first() {
                    minutes.set(Some(*first));
                }
            }
        }
    });
    let book = move |_| {
        let (Some(start), Some(length)) = (chosen.get_untracked(), minutes.get_untracked()) else {
            return;
        };
        busy.set(true);
        let args = ReservationRequestArgs {
            resource_id,
            start,
            end: start + Duration::minutes(i64::from(length)),
            units: 1,
            organisation_id: None,
            note: String::new(),
        };
        leptos::task::spawn_local(async move {
            let answer = call::<ReservationRequest>(&args).await;
            busy.set(false);
            if answer.is_ok() {
                chosen.set(None);
                refresh.update(|n| *n += 1);
            }
            outcome.set(Some(answer));
        });
    };
    let panel = move || {
        let Some(Ok(answer)) = shown.get() else {
            return None;
        };
        if !answer.bookable {
            return None;
        }
        let days: Vec<GridDay> = answer.days.clone();
        let rules = answer.rules.clone();
        let as_of = answer.as_of;
        let price = answer.price_krw;
        let many_units = rules.as_ref().is_some_and(|r| r.units > 1);
        let last_day = days.len().saturating_sub(1);
        let day_options = {
            let days = days.clone();
            move || {
                let l = lang.get();
                days.iter()
                    .enumerate()
                    .map(|(i, d)| {
                        view! { <option value=i.to_string() selected=move || day.get() == i>{day_label(d.date, today, l)}</option> }
                    })
                    .collect_view()
            }
        };
        let duration_options = {
            let allowed = rules.as_ref().map(durations).unwrap_or_default();
            move || {
                let l = lang.get();
                allowed
                    .iter()
                    .map(|m| {
                        let m = *m;
                        view! { <option value=m.to_string() selected=move || minutes.get() == Some(m)>{length_of_time(m, l)}</option> }
                    })
                    .collect_view()
            }
        };
        let slots = {
            let days = days.clone();
            move || {
                let l = lang.get();
                let Some(grid) = days.get(day.get()) else {
                    return view! { <p class="status">{Msg::NoFreeSlots.text(l)}</p> }.into_any();
                };
                if grid.closed_all_day {
                    return view! { <p class="status" data-test="closed-all-day">{Msg::ClosedAllDay.text(l)}</p> }.into_any();
                }
                let rows: Vec<GridRow> = grid.rows.iter().filter(|r| r.open).cloned().collect();
                let none_free = grid.bookable == 0;
                view! {
                    {none_free.then(|| view! { <p class="status" data-test="no-free-slots">{Msg::NoFreeSlots.text(l)}</p> })}
                    <ul class="slots" data-test="slots">
                        {rows.into_iter().map(|row| {
                            let start = row.start;
                            let time = row.local_time.format("%H:%M").to_string();
                            let why = match &row.refusal {
                                Some(refusal) => booking_refusal(refusal, l),
                                None if many_units => format!("{} · {}", Msg::SlotFree.text(l), units_left(row.free_units, l)),
                                None => Msg::SlotFree.text(l).to_owned(),
                            };
                            let free = row.refusal.is_none();
                            let can = choosable(&row);
                            view! {
                                <li>
                                    <button type="button" class=if free { "slot slot-free" } else { "slot" }
                                        data-test="slot" data-time=time.clone() data-free=free.to_string()
                                        aria-pressed=move || (chosen.get() == Some(start)).to_string()
                                        disabled=!can
                                        on:click=move |_| { chosen.set(Some(start)); outcome.set(None); }>
                                        <span class="slot-time">{time.clone()}</span>
                                        <span class="slot-why">{why}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        };
        let rule_lines = move || {
            let l = lang.get();
            rules.as_ref().map(|rules| {
                view! {
                    <h3>{Msg::BookingRulesHeading.text(l)}</h3>
                    <dl class="facts booking-rules" data-test="booking-rules">
                        {booking_rule_lines(rules, l).into_iter().map(|(label, value)| view! {
                            <dt>{label.text(l)}</dt>
                            <dd>{value}</dd>
                        }).collect_view()}
                    </dl>
                }
            })
        };
        let chosen_row = {
            let days = days.clone();
            move || {
                let start = chosen.get()?;
                days.iter()
                    .flat_map(|d| d.rows.iter())
                    .find(|r| r.start == start)
                    .cloned()
            }
        };
        Some(view! {
            <section class="booking-panel" data-test="booking-panel" aria-labelledby="booking-heading">
                <h2 id="booking-heading">{move || lang.t(Msg::BookingDayHeading)}</h2>
                <p class="hint" data-test="booking-as-of">
                    {move || {
                        let l = lang.get();
                        match as_of {
                            Some(at) => {
                                let local = seoul_time(at);
                                format!("{} {} ({})", date_words(local.date(), false, l), local.format("%H:%M"), Msg::AsOfLastSync.text(l))
                            }
                            None => format!("{} ({})", Msg::AsOfLastSync.text(l), Msg::NeverSynced.text(l)),
                        }
                    }}
                </p>
                <div class="day-nav">
                    <button type="button" class="nav-button" data-test="day-previous"
                        disabled=move || day.get() == 0
                        on:click=move |_| { day.update(|d| *d = d.saturating_sub(1)); chosen.set(None); }>
                        {move || lang.t(Msg::PreviousDay)}
                    </button>
                    <label class="field">
                        <span>{move || lang.t(Msg::DateLabel)}</span>
                        <select data-test="day-select"
                            on:change=move |ev| {
                                if let Ok(i) = event_target_value(&ev).parse() {
                                    day.set(usize::min(i, last_day));
                                    chosen.set(None);
                                }
                            }>
                            {day_options}
                        </select>
                    </label>
                    <button type="button" class="nav-button" data-test="day-next"
                        disabled=move || { day.get() >= last_day }
                        on:click=move |_| { day.update(|d| *d = (*d + 1).min(last_day)); chosen.set(None); }>
                        {move || lang.t(Msg::NextDay)}
                    </button>
                </div>
                <label class="field">
                    <span>{move || lang.t(Msg::DurationLabel)}</span>
                    <select data-test="duration-select"
                        on:change=move |ev| {
                            if let Ok(m) = event_target_value(&ev).parse() {
                                minutes.set(Some(u32::max(m, 1)));
                                chosen.set(None);
                            }
                        }>
                        {duration_options}
                    </select>
                </label>
                <h3>{move || lang.t(Msg::StartTimeLabel)}</h3>
                {slots}
                <p class="booking-total" data-test="booking-price">
                    {move || lang.t(Msg::TotalPrice)}": "{move || won(price, lang.get())}
                </p>
                {move || chosen_row().map(|row| {
                    let l = lang.get();
                    let warning = row.refusal.as_ref().map(|r| booking_refusal(r, l));
                    view! {
                        <p class="chosen" data-test="booking-chosen">{Msg::ChosenTime.text(l)}": "{row.local_time.format("%H:%M").to_string()}</p>
                        {warning.map(|w| view! { <p class="warning" data-test="booking-chosen-warning">{Msg::ForecastWarning.text(l)}" "{w}</p> })}
                    }
                })}
                {move || chosen.get().is_none().then(|| view! {
                    <p class="hint" data-test="choose-start">{lang.t(Msg::ChooseStartTime)}</p>
                })}
                <button type="button" class="primary book-button" data-test="book-button"
                    disabled=move || busy.get() || chosen.get().is_none()
                    on:click=book>
                    {move || lang.t(Msg::Book)}
                </button>
                <div class="booking-result" aria-live="polite" data-test="booking-result-region">
                    {move || outcome.get().map(|answer| {
                        let l = lang.get();
                        match answer {
                            Ok(requested) => {
                                let state = requested.booking.state;
                                view! {
                                    <div class="result-card" data-test="booking-result" data-state=state_tag(state)>
                                        <strong data-test="booking-result-state">{booking_state(state, l)}</strong>
                                        <p>{booking_state_explained(state, l)}</p>
                                        <p>{when_words(requested.booking.local_start, requested.booking.local_end, l)}" · "{won(requested.booking.price_krw, l)}</p>
                                        {requested.forecast.as_ref().map(|f| view! {
                                            <p class="warning" data-test="booking-forecast">{Msg::ForecastWarning.text(l)}" "{booking_refusal(f, l)}</p>
                                        })}
                                        <A href="/bookings" attr:data-test="to-my-bookings">{Msg::MyBookings.text(l)}</A>
                                    </div>
                                }.into_any()
                            }
                            Err(error) => view! {
                                <p class="form-error" role="alert" data-test="booking-error">{error_message(l, &error)}</p>
                            }.into_any(),
                        }
                    })}
                    {move || busy.get().then(|| view! { <p class="status">{lang.t(Msg::Working)}</p> })}
                </div>
                {rule_lines}
            </section>
        })
    };
    view! { {panel} }
}
