//! Booking calendars as sync sees them: a bookable resource's public rules and busy spans
//! (entity id = the resource's id), rewritten by the server on every booking change. The
//! `booking_calendar` table keeps the zone and rules, `booking_busy` the spans (read by
//! window for availability: a busy resource has thousands, never parsed as one array).
//!
//! Its one mutation is the owner's `booking.set_rules`: the rules live in the calendar, so
//! the optimistic row is the calendar with the new rules (no rules: the calendar goes, as
//! the server tombstones it).

use rusqlite::{params, OptionalExtension};
use sharehub_core::booking::{zone_of, BookingCalendar, BookingRules};
use sharehub_core::ipc::{AttentionItem, ChangeAction};
use sharehub_core::wire::{AccountId, Alternative, Change, EntityKind, Mutation};
use sharehub_core::ResourceId;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::bookings::calendar_of_row;
use crate::sync::entry::NeedsAttention;
use crate::sync::record::{from_value, not_of_kind, to_value, RecordRef, ServerCopy};
use crate::sync::record_kind::{Known, RecordKind};
use crate::sync::replica::{to_json, Tx};
use crate::Store;

/// The booking-calendar kind's module (see [`RecordKind`]).
pub(crate) struct BookingCalendars;

fn at(id: ResourceId) -> RecordRef {
    RecordRef {
        entity: EntityKind::BookingCalendar,
        id: id.0,
    }
}

fn rules_of(mutation: &Mutation) -> Result<(ResourceId, Option<&BookingRules>)> {
    match mutation {
        Mutation::BookingSetRules(args) => Ok((args.resource_id, args.rules.as_ref())),
        other => Err(not_of_kind(EntityKind::BookingCalendar, other)),
    }
}

fn put_calendar(tx: &Tx<'_>, calendar: &BookingCalendar, version: Option<u64>) -> Result<()> {
    let id = calendar.resource_id.to_string();
    tx.prepare_cached(
        "INSERT INTO booking_calendar (resource_id, zone, rules, server_version)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (resource_id) DO UPDATE SET zone = excluded.zone,
             rules = excluded.rules, server_version = excluded.server_version",
    )?
    .execute(params![
        id,
        calendar.zone,
        to_json(&calendar.rules)?,
        version.map(|v| v as i64)
    ])?;
    tx.prepare_cached("DELETE FROM booking_busy WHERE resource_id = ?1")?
        .execute([&id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO booking_busy (resource_id, start_ms, until_ms, units, lapses_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for span in &calendar.busy {
        insert.execute(params![
            id,
            span.start.timestamp_millis(),
            span.until.timestamp_millis(),
            span.units,
            span.lapses_at.map(|at| at.timestamp_millis()),
        ])?;
    }
    Ok(())
}

fn delete_calendar(tx: &Tx<'_>, resource: ResourceId) -> Result<()> {
    tx.prepare_cached("DELETE FROM booking_busy WHERE resource_id = ?1")?
        .execute([resource.to_string()])?;
    tx.prepare_cached("DELETE FROM booking_calendar WHERE resource_id = ?1")?
        .execute([resource.to_string()])?;
    Ok(())
}

fn shown_version(tx: &Tx<'_>, resource: ResourceId) -> Result<Option<Option<u64>>> {
    Ok(tx
        .prepare_cached("SELECT server_version FROM booking_calendar WHERE resource_id = ?1")?
        .query_row([resource.to_string()], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .map(|version| version.map(|v| v as u64)))
}

/// The calendar the server holds once `rules` are set on top of what the device knew (its
/// copy, else the shown row, else a new calendar in `zone` with nothing busy).
pub(crate) fn with_rules(
    resource: ResourceId,
    rules: &BookingRules,
    known: Option<BookingCalendar>,
    zone: &str,
) -> BookingCalendar {
    let mut calendar = known.unwrap_or_else(|| BookingCalendar {
        resource_id: resource,
        zone: zone.to_owned(),
        rules: rules.clone(),
        busy: Vec::new(),
    });
    calendar.rules = rules.clone();
    calendar
}

fn body_of(record: RecordRef, copy: Option<&ServerCopy>) -> Result<Option<BookingCalendar>> {
    copy.and_then(|c| c.body.as_ref())
        .map(|body| from_value(record, body))
        .transpose()
}

impl RecordKind for BookingCalendars {
    fn entity(&self) -> EntityKind {
        EntityKind::BookingCalendar
    }

    fn target(&self, mutation: &Mutation) -> Result<Uuid> {
        rules_of(mutation).map(|(resource, _)| resource.0)
    }

    fn on_base(&self, mutation: Mutation, _base: Option<u64>) -> Result<Mutation> {
        rules_of(&mutation)?;
        Ok(mutation)
    }

    fn check(&self, mutation: &Mutation, _shown: bool) -> Result<()> {
        let (_, rules) = rules_of(mutation)?;
        match rules.and_then(|rules| rules.problems("rules").into_iter().next()) {
            Some(problem) => Err(Error::Invalid {
                field: problem.field,
                problem: problem.problem,
            }),
            None => Ok(()),
        }
    }

    fn applied(
        &self,
        mutation: &Mutation,
        version: u64,
        _me: AccountId,
        known: &Known,
    ) -> Result<ServerCopy> {
        let (resource, rules) = rules_of(mutation)?;
        let Some(rules) = rules else {
            return Ok(ServerCopy::gone(Some(version)));
        };
        let record = at(resource);
        let shown = body_of(record, known.shown.as_ref())?;
        let zone = shown
            .as_ref()
            .map_or_else(|| zone_of(None).to_owned(), |c| c.zone.clone());
        let base = body_of(record, known.copy.as_ref())?.or(shown);
        Ok(ServerCopy {
            version: Some(version),
            owner: None,
            body: Some(to_value(&with_rules(resource, rules, base, &zone))?),
        })
    }

    fn current(
        &self,
        _mutation: &Mutation,
        _alternatives: &[Alternative],
    ) -> Result<Option<ServerCopy>> {
        Ok(None)
    }

    fn shown(&self, tx: &Tx<'_>, id: Uuid) -> Result<Option<ServerCopy>> {
        calendar_of_row(tx, ResourceId(id), true)?
            .map(|(calendar, version)| {
                Ok(ServerCopy {
                    version,
                    owner: None,
                    body: Some(to_value(&calendar)?),
                })
            })
            .transpose()
    }

    fn show_pending(
        &self,
        tx: &Tx<'_>,
        mutation: &Mutation,
        copy: Option<&ServerCopy>,
    ) -> Result<()> {
        // `booking.set_rules` carries the whole rules: the newest pending one is shown.
        let (resource, rules) = rules_of(mutation)?;
        let Some(rules) = rules else {
            return delete_calendar(tx, resource);
        };
        let zone = tx.store.get_resource(resource).ok().map_or_else(
            || zone_of(None).to_owned(),
            |r| zone_of(r.schedule.as_ref()).to_owned(),
        );
        let base = body_of(at(resource), copy)?;
        put_calendar(
            tx,
            &with_rules(resource, rules, base, &zone),
            copy.and_then(|c| c.version),
        )
    }

    fn show_copy(&self, tx: &Tx<'_>, id: Uuid, copy: &ServerCopy) -> Result<()> {
        let resource = ResourceId(id);
        match body_of(at(resource), Some(copy))? {
            Some(calendar) => put_calendar(tx, &calendar, copy.version),
            None => delete_calendar(tx, resource),
        }
    }

    fn apply(&self, tx: &Tx<'_>, change: &Change, copies_exist: bool) -> Result<()> {
        match change {
            Change::BookingCalendar { seq, record } => {
                let here = at(record.resource_id);
                let pending = copies_exist
                    && tx.learn_pulled(here, *seq, || {
                        Ok(ServerCopy {
                            version: Some(*seq),
                            owner: None,
                            body: Some(to_value(&**record)?),
                        })
                    })?;
                if pending {
                    // The pending rules show over the new busy spans.
                    return tx.refresh_shown(here);
                }
                let newer = match shown_version(tx, record.resource_id)? {
                    Some(Some(shown)) => *seq >= shown,
                    Some(None) | None => true,
                };
                if newer {
                    put_calendar(tx, record, Some(*seq))?;
                }
                Ok(())
            }
            Change::Tombstone { seq, id, .. } => {
                let resource = ResourceId(*id);
                let here = at(resource);
                let pending = copies_exist
                    && tx.learn_pulled(here, *seq, || Ok(ServerCopy::gone(Some(*seq))))?;
                if pending {
                    return tx.refresh_shown(here);
                }
                if let Some(shown) = shown_version(tx, resource)? {
                    if shown.is_none_or(|shown| shown <= *seq) {
                        delete_calendar(tx, resource)?;
                    }
                }
                Ok(())
            }
            Change::Resource { .. } | Change::Reservation { .. } | Change::Unknown => Ok(()),
        }
    }

    fn drop_unsynced(&self, tx: &Tx<'_>) -> Result<()> {
        tx.execute_batch(
            "DELETE FROM booking_calendar WHERE server_version IS NULL
                 AND resource_id NOT IN
                     (SELECT id FROM server_copy WHERE entity = 'booking_calendar');
             DELETE FROM booking_busy
                 WHERE resource_id NOT IN (SELECT resource_id FROM booking_calendar);",
        )?;
        Ok(())
    }

    fn forget(&self, tx: &Tx<'_>) -> Result<()> {
        // Public, but pulled with the account's cursor: the next sign-in pulls them again.
        tx.execute_batch("DELETE FROM booking_busy; DELETE FROM booking_calendar;")?;
        Ok(())
    }

    fn attention_item(&self, store: &Store, entry: &NeedsAttention) -> Result<AttentionItem> {
        let (resource, _) = rules_of(&entry.change)?;
        Ok(AttentionItem {
            entry: entry.entry.0,
            action: ChangeAction::SetBookingRules,
            resource,
            name: store.get_resource(resource).ok().map(|r| r.name),
            description: None,
            reason: entry.reason.clone(),
            made_at: entry.made_at,
            booking: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use sharehub_core::booking::BusySpan;
    use sharehub_core::wire::BookingSetRulesArgs;

    use super::*;

    fn utc(text: &str) -> DateTime<chrono::Utc> {
        text.parse().unwrap()
    }

    fn calendar(units: u32, busy: usize) -> BookingCalendar {
        BookingCalendar {
            resource_id: ResourceId(Uuid::from_u128(3)),
            zone: "Asia/Seoul".into(),
            rules: BookingRules {
                units,
                ..BookingRules::default()
            },
            busy: (0..busy)
                .map(|_| BusySpan {
                    start: utc("2026-12-07T01:00:00Z"),
                    until: utc("2026-12-07T02:00:00Z"),
                    units: 1,
                    lapses_at: None,
                })
                .collect(),
        }
    }

    fn copy(calendar: Option<BookingCalendar>) -> Option<ServerCopy> {
        Some(ServerCopy {
            version: Some(4),
            owner: None,
            body: calendar.map(|c| serde_json::to_value(c).unwrap()),
        })
    }

    #[test]
    fn setting_rules_keeps_the_busy_spans_the_server_had_table() {
        let resource = ResourceId(Uuid::from_u128(3));
        let six_desks = BookingRules {
            units: 6,
            ..BookingRules::default()
        };
        let set = |rules: Option<BookingRules>| {
            Mutation::BookingSetRules(BookingSetRulesArgs {
                resource_id: resource,
                rules,
            })
        };
        let kind = BookingCalendars;
        let me = AccountId(Uuid::from_u128(7));
        // (case, mutation, known, expected (units, busy spans, zone) or gone)
        type Case<'a> = (&'a str, Mutation, Known, Option<(u32, usize, &'a str)>);
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("new rules on the server's calendar keep its busy spans",
             set(Some(six_desks.clone())),
             Known { copy: copy(Some(calendar(1, 2))), shown: copy(Some(calendar(6, 0))) },
             Some((6, 2, "Asia/Seoul"))),
            ("first rules: a new calendar in the shown row's zone",
             set(Some(six_desks.clone())),
             Known {
                 copy: copy(None),
                 shown: copy(Some(BookingCalendar { zone: "America/New_York".into(), ..calendar(6, 0) })),
             },
             Some((6, 0, "America/New_York"))),
            ("first rules, nothing shown: Seoul",
             set(Some(six_desks)), Known::default(), Some((6, 0, "Asia/Seoul"))),
            ("no rules: the calendar goes", set(None),
             Known { copy: copy(Some(calendar(1, 2))), shown: None }, None),
        ];
        for (name, mutation, known, expected) in cases {
            let answer = kind.applied(&mutation, 9, me, &known).unwrap();
            assert_eq!(answer.version, Some(9), "{name}");
            let got = answer.body.map(|body| {
                let calendar: BookingCalendar = serde_json::from_value(body).unwrap();
                (calendar.rules.units, calendar.busy.len(), calendar.zone)
            });
            assert_eq!(
                got.as_ref().map(|(u, b, z)| (*u, *b, z.as_str())),
                expected,
                "{name}"
            );
        }
        assert!(
            kind.check(
                &set(Some(BookingRules {
                    slot_minutes: 0,
                    ..BookingRules::default()
                })),
                true
            )
            .is_err(),
            "rules with problems are refused before they are queued"
        );
        assert_eq!(kind.target(&set(None)).unwrap(), resource.0);
    }
}
