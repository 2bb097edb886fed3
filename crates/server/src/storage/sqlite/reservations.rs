//! Bookings in SQLite. The booking lock is the writer itself: every write transaction is
//! the one writer's `BEGIN IMMEDIATE`, so reading the holds, deciding and writing cannot
//! interleave with another booking.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use sharehub_core::booking::{BookingCalendar, BookingRules, ReservationId};
use sharehub_core::wire::AccountId;
use sharehub_core::{GeoPoint, ResourceId, ResourceKind};
use uuid::Uuid;

use super::change_log::append_change;
use super::resources::resource_in;
use super::SqliteStorage;
use super::{parse_uuid, SqliteTx};
use crate::audience::Audience;
use crate::error::{Error, Result};
use crate::rules::reservations::HeldSlot;
use crate::rules::{StoredReservation, StoredResource};
use crate::storage::reservations::{
    calendar_entity, parse_rules, reservation_json, BookedReservation, ReservationStore,
    ReservationTx,
};
use crate::storage::{from_millis, from_millis_opt, millis};

const RESERVATION_COLUMNS: &str = "body, blocks_until, lapses_at";
/// The columns of a [`BookedReservation`] read (`revision` after the stored ones).
const BOOKED_COLUMNS: &str = "body, blocks_until, lapses_at, revision, resource_id";

pub(crate) fn read_reservation(row: &Row<'_>) -> Result<StoredReservation> {
    let body: String = row.get(0)?;
    Ok(StoredReservation {
        reservation: serde_json::from_str(&body).map_err(Error::corrupt)?,
        until: from_millis(row.get(1)?)?,
        lapses_at: from_millis_opt(row.get(2)?)?,
    })
}

pub(super) fn rules_in(conn: &Connection, resource: ResourceId) -> Result<Option<BookingRules>> {
    let rules: Option<String> = conn
        .prepare_cached("SELECT rules FROM booking_rules WHERE resource_id = ?1")?
        .query_row([resource.to_string()], |row| row.get(0))
        .optional()?;
    rules.map(|rules| parse_rules(&rules)).transpose()
}

fn reservation_in(conn: &Connection, id: ReservationId) -> Result<Option<StoredReservation>> {
    conn.prepare_cached(&format!(
        "SELECT {RESERVATION_COLUMNS} FROM reservation WHERE id = ?1"
    ))?
    .query_row([id.to_string()], |row| Ok(read_reservation(row)))
    .optional()?
    .transpose()
}

const HELD_COLUMNS: &str =
    "id, booker_id, organisation_id, starts_at, ends_at, blocks_until, units, lapses_at";

fn read_held(row: &Row<'_>) -> Result<HeldSlot> {
    let organisation: Option<String> = row.get(2)?;
    Ok(HeldSlot {
        id: ReservationId(parse_uuid(&row.get::<_, String>(0)?)?),
        booker_id: AccountId(parse_uuid(&row.get::<_, String>(1)?)?),
        organisation_id: organisation.as_deref().map(parse_uuid).transpose()?,
        start: from_millis(row.get(3)?)?,
        end: from_millis(row.get(4)?)?,
        until: from_millis(row.get(5)?)?,
        units: row.get(6)?,
        lapses_at: from_millis_opt(row.get(7)?)?,
    })
}

pub(super) fn holds_in(
    conn: &Connection,
    resource: ResourceId,
    after: DateTime<Utc>,
) -> Result<Vec<HeldSlot>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {HELD_COLUMNS} FROM reservation
         WHERE resource_id = ?1 AND blocks_until > ?2 AND status IN ('pending', 'confirmed')
         ORDER BY starts_at"
    ))?;
    let rows = stmt.query_map(params![resource.to_string(), millis(after)], |row| {
        Ok(read_held(row))
    })?;
    rows.map(|row| row?).collect()
}

impl ReservationTx for SqliteTx<'_> {
    async fn lock_bookable(&mut self, resource: ResourceId) -> Result<Option<BookingRules>> {
        rules_in(self.tx, resource)
    }

    async fn put_booking_rules(
        &mut self,
        resource: &StoredResource,
        rules: Option<&BookingRules>,
    ) -> Result<()> {
        let id = resource.resource.id.to_string();
        match rules {
            Some(rules) => {
                let json = serde_json::to_string(rules).map_err(Error::internal)?;
                self.tx
                    .prepare_cached(
                        "INSERT INTO booking_rules (resource_id, rules) VALUES (?1, ?2)
                         ON CONFLICT (resource_id) DO UPDATE SET rules = excluded.rules",
                    )?
                    .execute(params![id, json])?;
            }
            None => {
                self.tx
                    .prepare_cached("DELETE FROM booking_rules WHERE resource_id = ?1")?
                    .execute([id])?;
            }
        }
        Ok(())
    }

    async fn reservation(&mut self, id: ReservationId) -> Result<Option<StoredReservation>> {
        reservation_in(self.tx, id)
    }

    async fn holds_on(
        &mut self,
        resource: ResourceId,
        after: DateTime<Utc>,
    ) -> Result<Vec<HeldSlot>> {
        holds_in(self.tx, resource, after)
    }

    async fn put_reservation(
        &mut self,
        stored: &StoredReservation,
        audience: &Audience,
        _single_unit: bool,
    ) -> Result<u64> {
        let reservation = &stored.reservation;
        let id = reservation.id.to_string();
        let body = reservation_json(reservation)?;
        let seq = append_change(
            self.tx,
            sharehub_core::wire::EntityKind::Reservation.as_str(),
            &id,
            reservation.booker_id,
            audience,
            Some(&body),
        )?;
        self.tx
            .prepare_cached(
                "INSERT INTO reservation (id, resource_id, booker_id, organisation_id, starts_at,
                     ends_at, blocks_until, lapses_at, units, status, version, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (id) DO UPDATE SET starts_at = excluded.starts_at,
                     ends_at = excluded.ends_at, blocks_until = excluded.blocks_until,
                     lapses_at = excluded.lapses_at, units = excluded.units,
                     status = excluded.status, version = excluded.version, body = excluded.body,
                     revision = reservation.revision + 1",
            )?
            .execute(params![
                id,
                reservation.resource_id.to_string(),
                reservation.booker_id.to_string(),
                reservation.organisation_id.map(|id| id.to_string()),
                millis(reservation.start),
                millis(reservation.end),
                millis(stored.until),
                stored.lapses_at.map(millis),
                reservation.units,
                reservation.status.as_str(),
                seq as i64,
                body,
            ])?;
        Ok(seq)
    }

    async fn count_no_show(&mut self, account: AccountId) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO no_show (account_id, count) VALUES (?1, 1)
                 ON CONFLICT (account_id) DO UPDATE SET count = count + 1",
            )?
            .execute([account.to_string()])?;
        Ok(())
    }

    async fn confirmed_bookers(
        &mut self,
        resource: ResourceId,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountId>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT DISTINCT booker_id FROM reservation
             WHERE resource_id = ?1 AND status = 'confirmed' AND ends_at > ?2",
        )?;
        let ids = stmt.query_map(params![resource.to_string(), millis(now)], |row| {
            row.get::<_, String>(0)
        })?;
        ids.map(|id| Ok(AccountId(parse_uuid(&id?)?))).collect()
    }

    async fn organisations_of_member(&mut self, account: AccountId) -> Result<Vec<Uuid>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT organisation_id FROM organisation_member WHERE account_id = ?1",
        )?;
        let ids = stmt.query_map([account.to_string()], |row| row.get::<_, String>(0))?;
        ids.map(|id| parse_uuid(&id?)).collect()
    }

    async fn nearby_bookable(
        &mut self,
        kind: ResourceKind,
        near: GeoPoint,
        limit: u32,
    ) -> Result<Vec<(StoredResource, BookingRules)>> {
        // Degrees, roughly: longitude shrinks with latitude.
        let scale = near.lat.to_radians().cos().powi(2);
        let ids: Vec<String> = self
            .tx
            .prepare_cached(
                "SELECT r.id FROM resource r JOIN booking_rules b ON b.resource_id = r.id
                 WHERE r.kind = ?1 AND r.retired = 0 AND r.restricted = 0
                 ORDER BY (r.lat - ?2) * (r.lat - ?2) + (r.lon - ?3) * (r.lon - ?3) * ?4
                 LIMIT ?5",
            )?
            .query_map(
                params![kind.as_str(), near.lat, near.lon, scale, limit],
                |row| row.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let id = ResourceId(parse_uuid(&id)?);
            if let (Some(resource), Some(rules)) =
                (resource_in(self.tx, id)?, rules_in(self.tx, id)?)
            {
                found.push((resource, rules));
            }
        }
        Ok(found)
    }

    async fn put_calendar_change(
        &mut self,
        resource: &StoredResource,
        calendar: Option<&BookingCalendar>,
    ) -> Result<u64> {
        let (entity, id) = calendar_entity(resource.resource.id);
        let body = calendar
            .map(|calendar| serde_json::to_string(calendar).map_err(Error::internal))
            .transpose()?;
        append_change(
            self.tx,
            entity,
            &id.to_string(),
            resource.owner_id,
            &Audience::public(),
            body.as_deref(),
        )
    }
}

fn read_booked(conn: &Connection, row: &Row<'_>) -> Result<BookedReservation> {
    let stored = read_reservation(row)?;
    let resource_id = ResourceId(parse_uuid(&row.get::<_, String>(4)?)?);
    let resource = resource_in(conn, resource_id)?.ok_or_else(|| {
        Error::corrupt(format!("reservation of a missing resource {resource_id}"))
    })?;
    Ok(BookedReservation {
        stored,
        revision: row.get(3)?,
        resource,
    })
}

#[async_trait::async_trait]
impl ReservationStore for SqliteStorage {
    async fn booked_reservation(&self, id: ReservationId) -> Result<Option<BookedReservation>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {BOOKED_COLUMNS} FROM reservation WHERE id = ?1"
            ))?;
            let mut rows = stmt.query([id.to_string()])?;
            match rows.next()? {
                Some(row) => Ok(Some(read_booked(conn, row)?)),
                None => Ok(None),
            }
        })
        .await
    }

    async fn reservations_booked_by(&self, booker: AccountId) -> Result<Vec<BookedReservation>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {BOOKED_COLUMNS} FROM reservation WHERE booker_id = ?1 ORDER BY starts_at"
            ))?;
            let mut rows = stmt.query([booker.to_string()])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(read_booked(conn, row)?);
            }
            Ok(found)
        })
        .await
    }

    async fn set_calendar_feed(
        &self,
        account: AccountId,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO calendar_feed (account_id, token_hash, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash,
                     created_at = excluded.created_at",
            )?
            .execute(params![
                account.to_string(),
                token_hash.to_vec(),
                millis(now)
            ])?;
            Ok(())
        })
        .await
    }

    async fn revoke_calendar_feed(&self, account: AccountId) -> Result<bool> {
        self.write(move |tx| {
            Ok(tx
                .prepare_cached("DELETE FROM calendar_feed WHERE account_id = ?1")?
                .execute([account.to_string()])?
                > 0)
        })
        .await
    }

    async fn calendar_feed_account(&self, token_hash: [u8; 32]) -> Result<Option<AccountId>> {
        self.read(move |conn| {
            let id: Option<String> = conn
                .prepare_cached("SELECT account_id FROM calendar_feed WHERE token_hash = ?1")?
                .query_row([token_hash.to_vec()], |row| row.get(0))
                .optional()?;
            id.map(|id| Ok(AccountId(parse_uuid(&id)?))).transpose()
        })
        .await
    }
}
