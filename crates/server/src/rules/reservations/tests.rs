use chrono::{DateTime, Utc};
use sharehub_core::booking::{
    BookingRefusal, BookingRules, CheckInRule, ReservationId, ReservationStatus,
};
use sharehub_core::wire::{
    AccountId, ReservationDecideArgs, ReservationMoveArgs, ReservationRequestArgs, Role,
};
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use uuid::Uuid;

use super::*;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn actor(n: u128) -> Actor {
    Actor {
        id: AccountId(Uuid::from_u128(n)),
        role: Role::Resident,
    }
}

const OWNER: u128 = 1;
const BOOKER: u128 = 2;
const STRANGER: u128 = 3;

fn room() -> StoredResource {
    let text = |s: &str| LocalizedText::new(s, s);
    StoredResource {
        resource: Resource {
            id: ResourceId(Uuid::from_u128(100)),
            kind: ResourceKind::Room,
            name: text("방"),
            description: text("방"),
            location: GeoPoint {
                lat: 37.55,
                lon: 126.91,
            },
            address: text("주소"),
            district: text("마포구"),
            neighborhood: text("망원동"),
            owner_name: text("지민"),
            pricing: Pricing::PerPeriod {
                amount_krw: 500,
                period_minutes: 30,
            },
            capacity: None,
            schedule: None,
            visibility: Default::default(),
        },
        owner_id: actor(OWNER).id,
        version: 1,
        retired: false,
    }
}

// Thursday 2026-12-03 09:00 in Seoul.
const NOW: &str = "2026-12-03T00:00:00Z";

fn request_args(start: &str, end: &str) -> ReservationRequestArgs {
    ReservationRequestArgs {
        id: ReservationId(Uuid::from_u128(500)),
        resource_id: room().resource.id,
        start: at(start),
        end: at(end),
        units: 2,
        organisation_id: None,
        note: String::new(),
        series_id: None,
    }
}

fn put(decision: ReservationDecision) -> StoredReservation {
    match decision {
        ReservationDecision::Put(stored) => *stored,
        other => panic!("expected a write: {other:?}"),
    }
}

fn refusal_code(decision: ReservationDecision) -> BookingRefusal {
    match decision {
        ReservationDecision::Refuse(refusal) | ReservationDecision::Bump(refusal) => {
            refusal.code.expect("a booking refusal has a code")
        }
        other => panic!("expected a refusal: {other:?}"),
    }
}

fn booked(rules: &BookingRules) -> StoredReservation {
    let resource = room();
    let bookable = Bookable {
        resource: &resource,
        rules,
    };
    put(decide_request(
        actor(BOOKER),
        request_args("2026-12-04T01:00:00Z", "2026-12-04T02:00:00Z"),
        Some(bookable),
        None,
        Holdings {
            on_resource: &[],
            member_of: &[],
        },
        at(NOW),
    ))
}

#[test]
fn a_request_is_priced_per_unit_and_held_pending_when_approval_is_required() {
    let rules = BookingRules {
        units: 2,
        approval_required: true,
        buffer_minutes: 15,
        check_in: Some(CheckInRule {
            opens_before_minutes: 15,
            grace_minutes: 10,
        }),
        ..BookingRules::default()
    };
    let stored = booked(&rules);
    assert_eq!(stored.reservation.status, ReservationStatus::Pending);
    // 2 half-hours x 500 won x 2 units.
    assert_eq!(stored.reservation.price_krw, 2000);
    assert_eq!(stored.reservation.zone, "Asia/Seoul");
    assert_eq!(stored.until, at("2026-12-04T02:15:00Z"));
    assert_eq!(stored.lapses_at, Some(at("2026-12-04T01:10:00Z")));
    // The owner approves; the booker may not; a stranger is told it does not exist.
    let resource = room();
    let bookable = Some(Bookable {
        resource: &resource,
        rules: &rules,
    });
    let args = |approve| ReservationDecideArgs {
        id: stored.reservation.id,
        approve,
        reason: None,
    };
    let now = at(NOW);
    assert_eq!(
        refusal_code(decide_decide(
            actor(BOOKER),
            args(true),
            Some(&stored),
            bookable,
            now
        )),
        BookingRefusal::NotOwner
    );
    assert_eq!(
        refusal_code(decide_decide(
            actor(STRANGER),
            args(true),
            Some(&stored),
            bookable,
            now
        )),
        BookingRefusal::NotFound
    );
    let approved = put(decide_decide(
        actor(OWNER),
        args(true),
        Some(&stored),
        bookable,
        now,
    ));
    assert_eq!(approved.reservation.status, ReservationStatus::Confirmed);
}

#[test]
fn a_taken_time_bumps_and_other_refusals_refuse() {
    let rules = BookingRules {
        units: 2,
        ..BookingRules::default()
    };
    let resource = room();
    let holding = booked(&rules);
    let bookable = Some(Bookable {
        resource: &resource,
        rules: &rules,
    });
    let held = [HeldSlot::from(&holding)];
    let holdings = Holdings {
        on_resource: &held,
        member_of: &[],
    };
    let mut args = request_args("2026-12-04T01:30:00Z", "2026-12-04T02:30:00Z");
    args.id = ReservationId(Uuid::from_u128(501));
    args.units = 1;
    assert!(matches!(
        decide_request(
            actor(STRANGER),
            args.clone(),
            bookable,
            None,
            holdings,
            at(NOW)
        ),
        ReservationDecision::Bump(_)
    ));
    args.end = at("2026-12-04T10:00:00Z");
    assert_eq!(
        refusal_code(decide_request(
            actor(STRANGER),
            args,
            bookable,
            None,
            holdings,
            at(NOW)
        )),
        BookingRefusal::TooLong { max_minutes: 240 }
    );
    // A lapsed hold no longer counts.
    let mut lapsing = HeldSlot::from(&holding);
    lapsing.lapses_at = Some(at("2026-12-04T01:15:00Z"));
    assert_eq!(lapsed(&[lapsing], at("2026-12-04T01:14:00Z")), vec![]);
    assert_eq!(
        lapsed(&[lapsing], at("2026-12-04T01:15:00Z")),
        vec![holding.reservation.id]
    );
    assert_eq!(
        released(&holding).reservation.status,
        ReservationStatus::Released
    );
}

#[test]
fn moves_and_cancels_follow_the_deadline_and_belong_to_the_booker() {
    let rules = BookingRules {
        units: 2,
        cancel_minutes_before: 60,
        ..BookingRules::default()
    };
    let resource = room();
    let stored = booked(&rules);
    let bookable = Some(Bookable {
        resource: &resource,
        rules: &rules,
    });
    let held = [HeldSlot::from(&stored)];
    let holdings = Holdings {
        on_resource: &held,
        member_of: &[],
    };
    let move_args = ReservationMoveArgs {
        id: stored.reservation.id,
        start: at("2026-12-04T01:30:00Z"),
        end: at("2026-12-04T03:00:00Z"),
    };
    // Moving onto its own time is fine (it does not count against itself).
    let moved = put(decide_move(
        actor(BOOKER),
        move_args.clone(),
        Some(&stored),
        bookable,
        holdings,
        at(NOW),
    ));
    // 3 half-hours x 500 won x 2 units.
    assert_eq!(moved.reservation.price_krw, 3000);
    assert_eq!(
        refusal_code(decide_move(
            actor(OWNER),
            move_args,
            Some(&stored),
            bookable,
            holdings,
            at(NOW)
        )),
        BookingRefusal::NotYours
    );
    let late = at("2026-12-04T00:30:00Z");
    assert_eq!(
        refusal_code(decide_cancel(actor(BOOKER), Some(&stored), bookable, late)),
        BookingRefusal::CancelDeadlinePassed {
            cancel_minutes_before: 60
        }
    );
    let cancelled = put(decide_cancel(actor(OWNER), Some(&stored), bookable, late));
    assert_eq!(cancelled.reservation.status, ReservationStatus::Cancelled);
    assert_eq!(
        refusal_code(decide_cancel(
            actor(BOOKER),
            Some(&cancelled),
            bookable,
            at(NOW)
        )),
        BookingRefusal::NotActive
    );
}
