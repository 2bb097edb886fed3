//! Bookings as the app lists them: my bookings grouped, the owner's requests inbox, and a
//! resource's availability (the day grid) from its public calendar as of the last sync.
//!
//! Tables (migration 0008): `reservation` (shown bookings; written by sync,
//! `sync/kinds/reservation.rs`), `booking_calendar` + `booking_busy` (public calendars;
//! `sync/kinds/booking_calendar.rs`). Nothing here decides a booking: availability and the
//! forecast of a request run core's `check_request` on what the device holds, so the UI can
//! say why a time cannot be booked; the server decides.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sharehub_core::booking::{
    day_grid, local_day_bounds, taken_until, zone_of, zone_or_default, BookingCalendar,
    BookingRefusal, BookingRules, BookingSituation, BookingState, BusySpan, GridDay, Hold,
    Reservation, ReservationId,
};
use sharehub_core::ipc::{
    booking_price_krw, Availability, AvailabilityArgs, BookingRow, MyBookings,
};
use sharehub_core::wire::AccountId;
use sharehub_core::{LocalizedText, ResourceId};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::Store;

/// A shown state's name in the `reservation.status` column.
pub(crate) fn state_name(state: BookingState) -> &'static str {
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

fn state_named(name: &str) -> Option<BookingState> {
    BookingState::ALL
        .into_iter()
        .find(|state| state_name(*state) == name)
}

/// The columns [`row_of`] reads, in order.
pub(crate) const RESERVATION_COLUMNS: &str =
    "reservation.status, reservation.pending_change, reservation.server_version, reservation.body";

/// One shown booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    pub reservation: Reservation,
    pub state: BookingState,
    /// The newest local change not yet answered (its wire name).
    pub pending_change: Option<String>,
    pub server_version: Option<u64>,
}

fn corrupt(id: &str, detail: impl Into<String>) -> Error {
    Error::CorruptRow {
        id: id.to_owned(),
        detail: detail.into(),
    }
}

fn from_json<T: serde::de::DeserializeOwned>(id: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| corrupt(id, e.to_string()))
}

/// A shown booking from its [`RESERVATION_COLUMNS`].
pub(crate) fn row_of(
    status: &str,
    pending_change: Option<String>,
    server_version: Option<i64>,
    body: &str,
) -> Result<Shown> {
    let reservation: Reservation = from_json("reservation", body)?;
    let state = state_named(status).ok_or_else(|| {
        corrupt(
            &reservation.id.to_string(),
            format!("no booking state is named {status:?}"),
        )
    })?;
    Ok(Shown {
        reservation,
        state,
        pending_change,
        server_version: server_version.map(|v| v as u64),
    })
}

/// The shown row of `id`, whatever its state.
pub(crate) fn read_shown(conn: &Connection, id: ReservationId) -> Result<Option<Shown>> {
    let row: Option<(String, Option<String>, Option<i64>, String)> = conn
        .prepare_cached(&format!(
            "SELECT {RESERVATION_COLUMNS} FROM reservation WHERE id = ?1"
        ))?
        .query_row([id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    row.map(|(status, pending, version, body)| row_of(&status, pending, version, &body))
        .transpose()
}

/// `instant` on the clock of `zone` (an IANA name; unknown names read as Asia/Seoul).
pub(crate) fn local(zone: &str, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&zone_or_default(zone)).naive_local()
}

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A busy span from its row (`start_ms, until_ms, units, lapses_at_ms`).
pub(crate) fn busy_span(start: i64, until: i64, units: i64, lapses_at: Option<i64>) -> BusySpan {
    BusySpan {
        start: instant(start),
        until: instant(until),
        units: units.clamp(0, i64::from(u32::MAX)) as u32,
        lapses_at: lapses_at.map(instant),
    }
}

/// The calendar of `resource` and the server version it shows; `with_busy: false` leaves
/// the busy spans out (availability reads them by window).
pub(crate) fn calendar_of_row(
    conn: &Connection,
    resource: ResourceId,
    with_busy: bool,
) -> Result<Option<(BookingCalendar, Option<u64>)>> {
    let row: Option<(String, String, Option<i64>)> = conn
        .prepare_cached(
            "SELECT zone, rules, server_version FROM booking_calendar WHERE resource_id = ?1",
        )?
        .query_row([resource.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((zone, rules, version)) = row else {
        return Ok(None);
    };
    let rules: BookingRules = from_json(&resource.to_string(), &rules)?;
    let mut busy = Vec::new();
    if with_busy {
        let mut stmt = conn.prepare_cached(
            "SELECT start_ms, until_ms, units, lapses_at_ms FROM booking_busy
             WHERE resource_id = ?1 ORDER BY start_ms, until_ms",
        )?;
        let rows = stmt.query_map([resource.to_string()], |r| {
            Ok(busy_span(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        for span in rows {
            busy.push(span?);
        }
    }
    Ok(Some((
        BookingCalendar {
            resource_id: resource,
            zone,
            rules,
            busy,
        },
        version.map(|v| v as u64),
    )))
}

/// Which list a booking belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Upcoming,
    Pending,
    Tentative,
    NeedsAttention,
    Past,
}

/// The group of a booking in `state` ending at `end`, at `now` (pure).
pub(crate) fn group_of(state: BookingState, end: DateTime<Utc>, now: DateTime<Utc>) -> Group {
    let ended = end <= now;
    match state {
        BookingState::Bumped | BookingState::Refused => Group::NeedsAttention,
        BookingState::Tentative if !ended => Group::Tentative,
        BookingState::Pending if !ended => Group::Pending,
        BookingState::Confirmed if !ended => Group::Upcoming,
        BookingState::Tentative
        | BookingState::Pending
        | BookingState::Confirmed
        | BookingState::Declined
        | BookingState::Cancelled
        | BookingState::Released => Group::Past,
    }
}

fn booking_row(shown: Shown, name: Option<LocalizedText>, me: Option<AccountId>) -> BookingRow {
    let r = shown.reservation;
    BookingRow {
        id: r.id,
        resource_id: r.resource_id,
        resource_name: name,
        start: r.start,
        end: r.end,
        local_start: local(&r.zone, r.start),
        local_end: local(&r.zone, r.end),
        zone: r.zone,
        units: r.units,
        state: shown.state,
        waiting_for_server: shown.pending_change.is_some(),
        price_krw: r.price_krw,
        note: r.note,
        decision_reason: r.decision_reason,
        checked_in_at: r.checked_in_at,
        mine: me == Some(r.booker_id),
    }
}

/// Holds of one resource for a booking check.
#[derive(Debug, Default)]
struct Holdings {
    resource: Vec<Hold>,
    person: Vec<Hold>,
    organisation: Vec<Hold>,
    /// The person's bookings the calendar cannot hold yet (requests and moves not answered,
    /// bookings newer than the calendar).
    tentative: u32,
}

/// `SELECT` of a booking row with its resource's name.
const ROW_WITH_NAME: &str = "SELECT reservation.status, reservation.pending_change,
        reservation.server_version, reservation.body, resource.name_ko, resource.name_en
     FROM reservation LEFT JOIN resource ON resource.id = reservation.resource_id";

type RawRow = (
    String,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
);

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn named(raw: RawRow, me: Option<AccountId>) -> Result<BookingRow> {
    let (status, pending, version, body, ko, en) = raw;
    let name = match (ko, en) {
        (Some(ko), Some(en)) => Some(LocalizedText::new(ko, en)),
        _ => None,
    };
    Ok(booking_row(
        row_of(&status, pending, version, &body)?,
        name,
        me,
    ))
}

impl Store {
    /// The account signed in on this device, if any.
    fn signed_in(&self) -> Result<Option<AccountId>> {
        let account: Option<String> = self.connection().query_row(
            "SELECT account_id FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        account
            .map(|a| {
                a.parse()
                    .map(AccountId)
                    .map_err(|e: uuid::Error| corrupt("sync_state", e.to_string()))
            })
            .transpose()
    }

    /// When a pull last reached the server's newest change: what the device's bookings and
    /// calendars are as of. `None`: never.
    pub fn pulled_at(&self) -> Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = self.connection().query_row(
            "SELECT pulled_at FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        Ok(at.map(instant))
    }

    /// One booking as a list shows it.
    pub fn booking(&self, id: ReservationId) -> Result<BookingRow> {
        let raw = self
            .connection()
            .prepare_cached(&format!("{ROW_WITH_NAME} WHERE reservation.id = ?1"))?
            .query_row([id.to_string()], raw_row)
            .optional()?
            .ok_or(Error::ReservationNotFound(id))?;
        named(raw, self.signed_in()?)
    }

    /// The signed-in person's bookings, grouped (see [`MyBookings`]); empty when no one is.
    pub fn my_bookings(&self, now: DateTime<Utc>) -> Result<MyBookings> {
        let mut bookings = MyBookings::default();
        let Some(me) = self.signed_in()? else {
            return Ok(bookings);
        };
        let mut stmt = self.connection().prepare_cached(&format!(
            "{ROW_WITH_NAME} WHERE reservation.booker_id = ?1
             ORDER BY reservation.start_ms, reservation.id"
        ))?;
        let rows = stmt.query_map([me.to_string()], raw_row)?;
        for raw in rows {
            let row = named(raw?, Some(me))?;
            let group = match group_of(row.state, row.end, now) {
                Group::Upcoming => &mut bookings.upcoming,
                Group::Pending => &mut bookings.pending,
                Group::Tentative => &mut bookings.tentative,
                Group::NeedsAttention => &mut bookings.needs_attention,
                Group::Past => &mut bookings.past,
            };
            group.push(row);
        }
        bookings.past.reverse();
        Ok(bookings)
    }

    /// The owner's inbox: requests waiting for their decision on resources they own, that
    /// have not ended, soonest first.
    pub fn booking_requests(&self, now: DateTime<Utc>) -> Result<Vec<BookingRow>> {
        let Some(me) = self.signed_in()? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.connection().prepare_cached(&format!(
            "{ROW_WITH_NAME} WHERE resource.owner_id = ?1 AND reservation.status = 'pending'
                 AND reservation.end_ms > ?2
             ORDER BY reservation.start_ms, reservation.id"
        ))?;
        let rows = stmt.query_map(params![me.to_string(), now.timestamp_millis()], raw_row)?;
        rows.map(|raw| named(raw?, Some(me))).collect()
    }

    /// The holds a check of bookings on `resource` between `from` and `to` looks at: the
    /// calendar's busy spans (of `calendar_version`) and the person's bookings the calendar
    /// cannot hold yet.
    fn holdings(
        &self,
        resource: ResourceId,
        (rules, calendar_version): (&BookingRules, Option<u64>),
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        now: DateTime<Utc>,
        organisation: Option<Uuid>,
    ) -> Result<Holdings> {
        let mut holdings = Holdings::default();
        let conn = self.connection();
        let mut busy = conn.prepare_cached(
            "SELECT start_ms, until_ms, units, lapses_at_ms FROM booking_busy
             WHERE resource_id = ?1 AND start_ms < ?3 AND until_ms > ?2",
        )?;
        let spans = busy.query_map(
            params![
                resource.to_string(),
                from.timestamp_millis(),
                to.timestamp_millis()
            ],
            |r| Ok(busy_span(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        for span in spans {
            let span = span?;
            if span.holds_at(now) {
                holdings.resource.push(span.hold());
            }
        }
        let me = self.signed_in()?.map(|me| me.to_string());
        let organisation = organisation.map(|o| o.to_string());
        // Quotas look at whole weeks and at every booking not ended yet; a booking ending
        // after `since` started at most `max_minutes` before it (the index's range).
        let since = now.min(from - Duration::days(8));
        let longest = Duration::minutes(i64::from(rules.max_minutes.max(24 * 60)));
        // The person's own (by the index) and, when booking for one, the organisation's.
        let mut mine = conn.prepare_cached(
            "SELECT start_ms, end_ms, units, status, pending_change, booker_id, organisation_id,
                 server_version
             FROM reservation
             WHERE resource_id = ?1 AND booker_id = ?5
                 AND start_ms >= ?2 AND start_ms < ?3 AND end_ms > ?4
                 AND status IN ('tentative', 'pending', 'confirmed')
             UNION ALL
             SELECT start_ms, end_ms, units, status, pending_change, booker_id, organisation_id,
                 server_version
             FROM reservation
             WHERE ?6 IS NOT NULL AND resource_id = ?1 AND organisation_id = ?6
                 AND booker_id IS NOT ?5
                 AND start_ms >= ?2 AND start_ms < ?3 AND end_ms > ?4
                 AND status IN ('tentative', 'pending', 'confirmed')",
        )?;
        let rows = mine.query_map(
            params![
                resource.to_string(),
                (since - longest).timestamp_millis(),
                (to + Duration::days(8)).timestamp_millis(),
                since.timestamp_millis(),
                me,
                organisation,
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                ))
            },
        )?;
        for row in rows {
            let (start, end, units, status, pending, booker, booked_for, version) = row?;
            let end = instant(end);
            let hold = Hold {
                start: instant(start),
                end,
                until: taken_until(end, rules),
                units: units.clamp(0, i64::from(u32::MAX)) as u32,
            };
            // Not in the calendar yet: a request or a new time the server has not answered,
            // or a booking newer than the calendar (the server writes a booking, then its
            // calendar: applied, but the pull that brings the calendar has not run).
            let unanswered = status == state_name(BookingState::Tentative)
                || pending.as_deref() == Some("reservation.move")
                || version.is_some_and(|v| calendar_version.is_none_or(|c| v as u64 > c));
            if unanswered && hold.until > from && hold.start < to {
                holdings.resource.push(hold);
                holdings.tentative += 1;
            }
            if me.as_ref() == Some(&booker) {
                holdings.person.push(hold);
            }
            if organisation.is_some() && booked_for == organisation {
                holdings.organisation.push(hold);
            }
        }
        Ok(holdings)
    }

    /// The day grid of a resource (see [`AvailabilityArgs`]) at `now`, from its calendar
    /// as of the last sync, the resource's opening hours and the person's own requests not
    /// yet answered.
    pub fn availability(
        &self,
        args: &AvailabilityArgs,
        now: DateTime<Utc>,
    ) -> Result<Availability> {
        args.check()?;
        let resource = self.get_resource(args.resource_id).ok();
        let schedule = resource.as_ref().and_then(|r| r.schedule.as_ref());
        let calendar = calendar_of_row(self.connection(), args.resource_id, false)?;
        let zone_name = calendar
            .as_ref()
            .map_or_else(|| zone_of(schedule).to_owned(), |(c, _)| c.zone.clone());
        let zone = zone_or_default(&zone_name);
        let dates: Vec<NaiveDate> = (0..args.days)
            .filter_map(|n| args.from.checked_add_signed(Duration::days(i64::from(n))))
            .collect();
        let (window_start, _) = local_day_bounds(zone, args.from);
        let (_, window_end) = local_day_bounds(zone, *dates.last().unwrap_or(&args.from));
        let price_krw = resource.as_ref().map_or(0, |r| {
            let end = window_start + Duration::minutes(i64::from(args.minutes));
            booking_price_krw(&r.pricing, window_start, end, args.units)
        });
        let mut availability = Availability {
            resource_id: args.resource_id,
            zone: zone_name,
            bookable: calendar.is_some(),
            slot_minutes: 0,
            minutes: args.minutes,
            units: args.units,
            price_krw,
            as_of: self.pulled_at()?,
            tentative_held: 0,
            rules: None,
            days: Vec::new(),
        };
        let Some((calendar, calendar_version)) = calendar else {
            availability.days = dates
                .into_iter()
                .map(|date| GridDay {
                    date,
                    bookable: 0,
                    closed_all_day: true,
                    rows: Vec::new(),
                })
                .collect();
            return Ok(availability);
        };
        let rules = &calendar.rules;
        // A booking starting in the last step runs on by its length and the buffer.
        let reach = window_end
            + Duration::minutes(i64::from(args.minutes))
            + Duration::minutes(i64::from(rules.buffer_minutes));
        let holdings = self.holdings(
            args.resource_id,
            (rules, calendar_version),
            (window_start, reach),
            now,
            None,
        )?;
        let situation = BookingSituation {
            rules,
            schedule,
            zone,
            now,
            resource_holds: &holdings.resource,
            person_holds: &holdings.person,
            organisation_holds: &holdings.organisation,
            member_of: &[],
            organisation: None,
        };
        availability.slot_minutes = rules.slot_minutes;
        availability.tentative_held = holdings.tentative;
        availability.rules = Some(rules.clone());
        let last = *dates.last().unwrap_or(&args.from);
        availability.days = day_grid(&situation, args.from, last, args.minutes, args.units);
        Ok(availability)
    }

    /// Why the device expects the server to refuse this request (`None`: it looks
    /// bookable), from what it holds as of the last sync: a forecast, never a decision.
    pub fn booking_forecast(
        &self,
        resource: ResourceId,
        (start, end): (DateTime<Utc>, DateTime<Utc>),
        units: u32,
        organisation: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Option<BookingRefusal>> {
        let Some((calendar, calendar_version)) =
            calendar_of_row(self.connection(), resource, false)?
        else {
            return Ok(Some(BookingRefusal::NotBookable));
        };
        let stored = self.get_resource(resource).ok();
        let rules = &calendar.rules;
        let reach = taken_until(end, rules);
        let holdings = self.holdings(
            resource,
            (rules, calendar_version),
            (start, reach),
            now,
            organisation,
        )?;
        // The device does not know the person's memberships: it assumes the organisation
        // they book for is theirs (the server checks).
        let member_of: Vec<Uuid> = organisation.into_iter().collect();
        let situation = BookingSituation {
            rules,
            schedule: stored.as_ref().and_then(|r| r.schedule.as_ref()),
            zone: zone_or_default(&calendar.zone),
            now,
            resource_holds: &holdings.resource,
            person_holds: &holdings.person,
            organisation_holds: &holdings.organisation,
            member_of: &member_of,
            organisation,
        };
        Ok(sharehub_core::booking::check_request(&situation, start, end, units).err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn groups_table() {
        use BookingState::*;
        let now = utc("2026-12-07T00:00:00Z");
        let later = utc("2026-12-08T00:00:00Z");
        let earlier = utc("2026-12-06T00:00:00Z");
        #[rustfmt::skip]
        let cases = [
            (Confirmed, later, Group::Upcoming),
            (Confirmed, earlier, Group::Past),
            (Confirmed, now, Group::Past),          // ended just now
            (Pending, later, Group::Pending),
            (Pending, earlier, Group::Past),        // never decided
            (Tentative, later, Group::Tentative),
            (Tentative, earlier, Group::Past),      // its time passed while offline
            (Bumped, later, Group::NeedsAttention),
            (Refused, earlier, Group::NeedsAttention),
            (Cancelled, later, Group::Past),
            (Declined, later, Group::Past),
            (Released, later, Group::Past),
        ];
        for (state, end, expected) in cases {
            assert_eq!(
                group_of(state, end, now),
                expected,
                "{state:?} ending {end}"
            );
        }
    }
}
