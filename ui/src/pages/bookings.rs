//! My bookings (upcoming, waiting for approval, not confirmed yet, to choose again, past)
//! with cancel (after a confirm step), check-in and "book this one instead" for a bumped
//! request; and the owner's requests inbox (approve, or decline with a reason).

use chrono::Duration;
use leptos::prelude::*;
use sharehub_core::booking::BookingState;
use sharehub_core::i18n::{
    booking_refusal, booking_state, booking_state_explained, error_message, won, Msg,
};
use sharehub_core::ipc::{
    AlternativeSlot, AttentionEntryArgs, AttentionItem, BookingAttention, BookingRequests,
    BookingRow, IpcError, MyBookings, NoArgs, ReservationCancel, ReservationCheckIn,
    ReservationDecide, ReservationDecideArgs, ReservationIdArgs, ReservationList,
    ReservationTakeAlternative, SyncAttentionDiscard, SyncAttentionList, TakeAlternativeArgs,
};

use crate::app::use_lang;
use crate::booking::{now_utc, state_tag, when_words};
use crate::ipc::call;
use crate::sync_status::use_sync;

/// How long before the start the page offers "check in" (the rules decide; a refusal is
/// shown in their words).
const CHECK_IN_OFFERED_MINUTES: i64 = 60;

/// Everything that should make the lists load again: data synced, changes sent or refused.
fn sync_marks() -> Memo<(u64, u64, u64)> {
    let sync = use_sync();
    Memo::new(move |_| sync.with(|s| (s.data_version, s.pending, s.needs_attention)))
}

#[component]
pub fn BookingsPage() -> impl IntoView {
    let lang = use_lang();
    let marks = sync_marks();
    let refresh = RwSignal::new(0u32);
    let lists = LocalResource::new(move || {
        marks.track();
        refresh.track();
        async move {
            let bookings = call::<ReservationList>(&NoArgs {}).await?;
            let attention = call::<SyncAttentionList>(&NoArgs {}).await?;
            Ok::<_, IpcError>((bookings, attention))
        }
    });
    let shown = Memo::new(move |_| lists.get());
    let failure = RwSignal::new(None::<IpcError>);
    let done = Callback::new(move |answer: Result<(), IpcError>| {
        failure.set(answer.err());
        refresh.update(|n| *n += 1);
    });
    view! {
        <section class="bookings-page" data-test="bookings-page">
            <h1>{move || lang.t(Msg::MyBookings)}</h1>
            <div aria-live="polite">
                {move || failure.get().map(|error| view! {
                    <p class="form-error" role="alert" data-test="bookings-error">{error_message(lang.get(), &error)}</p>
                })}
            </div>
            {move || match shown.get() {
                None => view! { <p class="status">{lang.t(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <p class="form-error" role="alert" data-test="bookings-error">{error_message(lang.get(), &error)}</p>
                }.into_any(),
                Some(Ok((bookings, attention))) => view! { <Sections bookings attention done /> }.into_any(),
            }}
            <RequestsInbox />
        </section>
    }
}

#[component]
fn Sections(
    bookings: MyBookings,
    attention: Vec<AttentionItem>,
    done: Callback<Result<(), IpcError>>,
) -> impl IntoView {
    let lang = use_lang();
    let MyBookings {
        upcoming,
        pending,
        tentative,
        needs_attention,
        past,
    } = bookings;
    let empty = upcoming.is_empty()
        && pending.is_empty()
        && tentative.is_empty()
        && needs_attention.is_empty()
        && past.is_empty();
    let groups = [
        (
            Msg::BookingsNeedAttention,
            needs_attention,
            "needs-attention",
        ),
        (Msg::UpcomingBookings, upcoming, "upcoming"),
        (Msg::PendingBookings, pending, "pending"),
        (Msg::TentativeBookings, tentative, "tentative"),
        (Msg::PastBookings, past, "past"),
    ];
    view! {
        {empty.then(|| view! { <p class="status" data-test="no-bookings">{move || lang.t(Msg::NoBookings)}</p> })}
        {groups.into_iter().filter(|(_, rows, _)| !rows.is_empty()).map(|(heading, rows, tag)| {
            let attention = attention.clone();
            view! {
                <section class="booking-group" data-test=format!("bookings-{tag}")>
                    <h2>{move || lang.t(heading)}</h2>
                    <ul class="booking-list">
                        {rows.into_iter().map(|row| {
                            let item = attention.iter().find(|item| {
                                item.booking.as_ref().is_some_and(|b| b.reservation == row.id)
                            }).cloned();
                            view! { <BookingCard row item done /> }
                        }).collect_view()}
                    </ul>
                </section>
            }
        }).collect_view()}
    }
}

#[component]
fn BookingCard(
    row: BookingRow,
    item: Option<AttentionItem>,
    done: Callback<Result<(), IpcError>>,
) -> impl IntoView {
    let lang = use_lang();
    let now = now_utc();
    let id = row.id;
    let state = row.state;
    let active = matches!(
        state,
        BookingState::Confirmed | BookingState::Pending | BookingState::Tentative
    );
    let can_cancel = row.mine && active && row.start > now;
    let can_check_in = row.mine
        && state == BookingState::Confirmed
        && row.checked_in_at.is_none()
        && now >= row.start - Duration::minutes(CHECK_IN_OFFERED_MINUTES)
        && now < row.end;
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let run = move |check_in: bool| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let args = ReservationIdArgs { id };
            let answer = if check_in {
                call::<ReservationCheckIn>(&args).await
            } else {
                call::<ReservationCancel>(&args).await
            };
            busy.set(false);
            confirming.set(false);
            done.run(answer.map(|_| ()));
        });
    };
    let name = row.resource_name.clone();
    let resource = row.resource_id;
    let (local_start, local_end) = (row.local_start, row.local_end);
    let price = row.price_krw;
    let waiting = row.waiting_for_server;
    let checked_in = row.checked_in_at.is_some();
    let reason = row.decision_reason.clone();
    let booking: Option<BookingAttention> = item.as_ref().and_then(|i| i.booking.clone());
    view! {
        <li class="booking-card" data-test="booking-row" data-id=id.to_string() data-state=state_tag(state)>
            <div class="booking-head">
                <strong class="booking-name" data-test="booking-name">
                    {move || name.as_ref().map(|n| n.get(lang.get()).to_owned()).unwrap_or_else(|| resource.to_string())}
                </strong>
                <span class=format!("state-badge state-{}", state_tag(state)) data-test="booking-state">{move || booking_state(state, lang.get())}</span>
            </div>
            <span class="booking-when" data-test="booking-when">{move || when_words(local_start, local_end, lang.get())}</span>
            <span class="booking-price" data-test="booking-price">{move || won(price, lang.get())}</span>
            {(waiting || !matches!(state, BookingState::Confirmed)).then(|| view! {
                <p class="hint" data-test="booking-explained">
                    {move || booking_state_explained(if waiting { BookingState::Tentative } else { state }, lang.get())}
                </p>
            })}
            {reason.map(|r| view! { <p class="hint" data-test="booking-reason">{r}</p> })}
            {checked_in.then(|| view! { <p class="status" data-test="checked-in">{move || lang.t(Msg::CheckedIn)}</p> })}
            {booking.clone().and_then(|b| b.code.filter(|_| !b.bumped)).map(|code| view! {
                <p class="warning" data-test="booking-refusal">{move || booking_refusal(&code, lang.get())}</p>
            })}
            {booking.map(|booking| view! { <Alternatives booking item done /> })}
            <div class="booking-actions">
                {can_check_in.then(|| view! {
                    <button type="button" class="primary" data-test="check-in" disabled=busy on:click=move |_| run(true)>
                        {move || lang.t(Msg::CheckIn)}
                    </button>
                })}
                {can_cancel.then(|| view! {
                    <Show when=move || confirming.get() fallback=move || view! {
                        <button type="button" class="secondary" data-test="cancel-booking" on:click=move |_| confirming.set(true)>
                            {move || lang.t(Msg::CancelBooking)}
                        </button>
                    }>
                        <div class="confirm" role="group" data-test="cancel-confirm-step">
                            <p>{move || lang.t(Msg::ConfirmCancelBooking)}</p>
                            <button type="button" class="secondary" data-test="cancel-confirm" disabled=busy on:click=move |_| run(false)>
                                {move || lang.t(Msg::CancelBooking)}
                            </button>
                            <button type="button" class="plain" data-test="cancel-keep" on:click=move |_| confirming.set(false)>
                                {move || lang.t(Msg::KeepBooking)}
                            </button>
                        </div>
                    </Show>
                })}
            </div>
        </li>
    }
}

/// The other times offered instead of a bumped request, one button each.
#[component]
fn Alternatives(
    booking: BookingAttention,
    /// The needs-attention entry the booking part belongs to.
    item: Option<AttentionItem>,
    done: Callback<Result<(), IpcError>>,
) -> impl IntoView {
    let lang = use_lang();
    let entry = item.map(|i| i.entry)?;
    let busy = RwSignal::new(false);
    let take = move |slot: AlternativeSlot| {
        busy.set(true);
        let args = TakeAlternativeArgs {
            entry,
            resource_id: slot.resource_id,
            start: slot.start,
            end: slot.end,
        };
        leptos::task::spawn_local(async move {
            let answer = call::<ReservationTakeAlternative>(&args).await;
            busy.set(false);
            done.run(answer.map(|_| ()));
        });
    };
    let discard = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = call::<SyncAttentionDiscard>(&AttentionEntryArgs { entry }).await;
            busy.set(false);
            done.run(answer.map(|_| ()));
        });
    };
    let bumped = booking.bumped;
    Some(view! {
        {bumped.then(|| view! { <p class="warning" data-test="bumped-heading">{move || lang.t(Msg::BumpedHeading)}</p> })}
        {(!booking.alternatives.is_empty()).then(|| {
            let slots = booking.alternatives.clone();
            view! {
                <h3>{move || lang.t(Msg::NearbyFreeTimes)}</h3>
                <ul class="alternatives" data-test="alternatives">
                    {slots.into_iter().map(|slot| {
                        let name = slot.resource_name.clone();
                        let (start, end) = (slot.local_start, slot.local_end);
                        let chosen = slot.clone();
                        view! {
                            <li class="alternative" data-test="alternative" data-start=slot.start.to_rfc3339()>
                                <span data-test="alternative-words">
                                    {move || {
                                        let l = lang.get();
                                        let place = name.as_ref().map(|n| n.get(l).to_owned()).unwrap_or_default();
                                        format!("{place} · {}", when_words(start, end, l))
                                    }}
                                </span>
                                <button type="button" class="primary" data-test="take-alternative" disabled=busy
                                    on:click=move |_| take(chosen.clone())>
                                    {move || lang.t(Msg::BookThisInstead)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })}
        <button type="button" class="plain" data-test="attention-discard" disabled=busy on:click=discard>
            {move || lang.t(Msg::DiscardButton)}
        </button>
    })
}

/// Requests waiting for my decision on what I share.
#[component]
fn RequestsInbox() -> impl IntoView {
    let lang = use_lang();
    let marks = sync_marks();
    let refresh = RwSignal::new(0u32);
    let requests = LocalResource::new(move || {
        marks.track();
        refresh.track();
        async move { call::<BookingRequests>(&NoArgs {}).await }
    });
    let shown = Memo::new(move |_| requests.get());
    let failure = RwSignal::new(None::<IpcError>);
    let done = Callback::new(move |answer: Result<(), IpcError>| {
        failure.set(answer.err());
        refresh.update(|n| *n += 1);
    });
    move || {
        match shown.get() {
        Some(Ok(rows)) if !rows.is_empty() => Some(view! {
            <section class="booking-group" data-test="booking-requests">
                <h2>{move || lang.t(Msg::BookingRequests)}</h2>
                <div aria-live="polite">
                    {move || failure.get().map(|error| view! {
                        <p class="form-error" role="alert">{error_message(lang.get(), &error)}</p>
                    })}
                </div>
                <ul class="booking-list">
                    {rows.into_iter().map(|row| view! { <RequestCard row done /> }).collect_view()}
                </ul>
            </section>
        }.into_any()),
        Some(Ok(_)) => Some(view! {
            <p class="status" data-test="no-requests">{move || lang.t(Msg::NoRequestsWaiting)}</p>
        }.into_any()),
        // Not signed in, or no server: no inbox.
        _ => None,
    }
    }
}

#[component]
fn RequestCard(row: BookingRow, done: Callback<Result<(), IpcError>>) -> impl IntoView {
    let lang = use_lang();
    let id = row.id;
    let declining = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let decide = move |approve: bool| {
        busy.set(true);
        let typed = reason.get_untracked();
        let args = ReservationDecideArgs {
            id,
            approve,
            reason: (!approve && !typed.trim().is_empty()).then_some(typed),
        };
        leptos::task::spawn_local(async move {
            let answer = call::<ReservationDecide>(&args).await;
            busy.set(false);
            done.run(answer.map(|_| ()));
        });
    };
    let name = row.resource_name.clone();
    let (start, end) = (row.local_start, row.local_end);
    let note = row.note.clone();
    let field_id = format!("decline-reason-{id}");
    view! {
        <li class="booking-card" data-test="request-row" data-id=id.to_string()>
            <strong class="booking-name">{move || name.as_ref().map(|n| n.get(lang.get()).to_owned()).unwrap_or_default()}</strong>
            <span class="booking-when">{move || when_words(start, end, lang.get())}</span>
            {(!note.is_empty()).then(|| view! { <p class="hint" data-test="request-note">{note}</p> })}
            <div class="booking-actions">
                <button type="button" class="primary" data-test="approve" disabled=busy on:click=move |_| decide(true)>
                    {move || lang.t(Msg::Approve)}
                </button>
                <Show when=move || declining.get() fallback=move || view! {
                    <button type="button" class="secondary" data-test="decline" on:click=move |_| declining.set(true)>
                        {move || lang.t(Msg::Decline)}
                    </button>
                }>
                    <div class="confirm">
                        <label for=field_id.clone()>{move || lang.t(Msg::DeclineReasonLabel)}</label>
                        <textarea id=field_id.clone() rows="2" data-test="decline-reason"
                            prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        <button type="button" class="secondary" data-test="decline-confirm" disabled=busy on:click=move |_| decide(false)>
                            {move || lang.t(Msg::ConfirmDecline)}
                        </button>
                        <button type="button" class="plain" on:click=move |_| declining.set(false)>
                            {move || lang.t(Msg::CancelButton)}
                        </button>
                    </div>
                </Show>
            </div>
        </li>
    }
}
