//! Bookings in PostgreSQL. The booking lock is the resource's `booking_rules` row, taken
//! `FOR UPDATE`; the exclusion constraint `reservation_never_double_booked` (migration
//! 0005) makes the database itself refuse overlapping holds of a one-unit resource.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use sharehub_core::booking::{BookingCalendar, BookingRules, ReservationId};
use sharehub_core::wire::{AccountId, EntityKind};
use sharehub_core::{GeoPoint, ResourceId, ResourceKind};
use tokio_postgres::Row;
use uuid::Uuid;

use super::change_log::append_change;
use super::resources::resource_in;
use super::PgTx;
use super::PostgresStorage;
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

fn read_reservation(row: &Row) -> Result<StoredReservation> {
    let body: String = row.try_get(0)?;
    Ok(StoredReservation {
        reservation: serde_json::from_str(&body).map_err(Error::corrupt)?,
        until: from_millis(row.try_get(1)?)?,
        lapses_at: from_millis_opt(row.try_get(2)?)?,
    })
}

async fn rules_in(
    client: &impl GenericClient,
    resource: ResourceId,
) -> Result<Option<BookingRules>> {
    client
        .query_opt(
            "SELECT rules FROM booking_rules WHERE resource_id = $1",
            &[&resource.0],
        )
        .await?
        .map(|row| parse_rules(row.try_get(0)?))
        .transpose()
}

impl ReservationTx for PgTx<'_> {
    async fn lock_bookable(&mut self, resource: ResourceId) -> Result<Option<BookingRules>> {
        self.tx
            .query_opt(
                "SELECT rules FROM booking_rules WHERE resource_id = $1 FOR UPDATE",
                &[&resource.0],
            )
            .await?
            .map(|row| parse_rules(row.try_get(0)?))
            .transpose()
    }

    async fn put_booking_rules(
        &mut self,
        resource: &StoredResource,
        rules: Option<&BookingRules>,
    ) -> Result<()> {
        let id = resource.resource.id.0;
        match rules {
            Some(rules) => {
                let json = serde_json::to_string(rules).map_err(Error::internal)?;
                self.tx
                    .execute(
                        "INSERT INTO booking_rules (resource_id, rules) VALUES ($1, $2)
                         ON CONFLICT (resource_id) DO UPDATE SET rules = excluded.rules",
                        &[&id, &json],
                    )
                    .await?;
            }
            None => {
                self.tx
                    .execute("DELETE FROM booking_rules WHERE resource_id = $1", &[&id])
                    .await?;
            }
        }
        Ok(())
    }

    async fn reservation(&mut self, id: ReservationId) -> Result<Option<StoredReservation>> {
        self.tx
            .query_opt(
                &format!("SELECT {RESERVATION_COLUMNS} FROM reservation WHERE id = $1"),
                &[&id.0],
            )
            .await?
            .as_ref()
            .map(read_reservation)
            .transpose()
    }

    async fn holds_on(
        &mut self,
        resource: ResourceId,
        after: DateTime<Utc>,
    ) -> Result<Vec<HeldSlot>> {
        self.tx
            .query(
                "SELECT id, booker_id, organisation_id, starts_at, ends_at, blocks_until, units,
                        lapses_at
                 FROM reservation
                 WHERE resource_id = $1 AND blocks_until > $2
                   AND status IN ('pending', 'confirmed')
                 ORDER BY starts_at",
                &[&resource.0, &millis(after)],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(HeldSlot {
                    id: ReservationId(row.try_get(0)?),
                    booker_id: AccountId(row.try_get(1)?),
                    organisation_id: row.try_get(2)?,
                    start: from_millis(row.try_get(3)?)?,
                    end: from_millis(row.try_get(4)?)?,
                    until: from_millis(row.try_get(5)?)?,
                    units: row.try_get::<_, i32>(6)? as u32,
                    lapses_at: from_millis_opt(row.try_get(7)?)?,
                })
            })
            .collect()
    }

    async fn put_reservation(
        &mut self,
        stored: &StoredReservation,
        audience: &Audience,
        single_unit: bool,
    ) -> Result<u64> {
        self.lock_change_log().await?;
        let reservation = &stored.reservation;
        let body = reservation_json(reservation)?;
        let seq = append_change(
            self.tx,
            EntityKind::Reservation.as_str(),
            reservation.id.0,
            reservation.booker_id,
            audience,
            Some(&body),
        )
        .await?;
        self.tx
            .execute(
                "INSERT INTO reservation (id, resource_id, booker_id, organisation_id, starts_at,
                     ends_at, blocks_until, lapses_at, units, status, single_unit, version, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (id) DO UPDATE SET starts_at = excluded.starts_at,
                     ends_at = excluded.ends_at, blocks_until = excluded.blocks_until,
                     lapses_at = excluded.lapses_at, units = excluded.units,
                     status = excluded.status, version = excluded.version, body = excluded.body,
                     revision = reservation.revision + 1",
                &[
                    &reservation.id.0,
                    &reservation.resource_id.0,
                    &reservation.booker_id.0,
                    &reservation.organisation_id,
                    &millis(reservation.start),
                    &millis(reservation.end),
                    &millis(stored.until),
                    &stored.lapses_at.map(millis),
                    &(reservation.units as i32),
                    &reservation.status.as_str(),
                    &single_unit,
                    &(seq as i64),
                    &body,
                ],
            )
            .await?;
        Ok(seq)
    }

    async fn count_no_show(&mut self, account: AccountId) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO no_show (account_id, count) VALUES ($1, 1)
                 ON CONFLICT (account_id) DO UPDATE SET count = no_show.count + 1",
                &[&account.0],
            )
            .await?;
        Ok(())
    }

    async fn confirmed_bookers(
        &mut self,
        resource: ResourceId,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountId>> {
        self.tx
            .query(
                "SELECT DISTINCT booker_id FROM reservation
                 WHERE resource_id = $1 AND status = 'confirmed' AND ends_at > $2",
                &[&resource.0, &millis(now)],
            )
            .await?
            .iter()
            .map(|row| Ok(AccountId(row.try_get(0)?)))
            .collect()
    }

    async fn organisations_of_member(&mut self, account: AccountId) -> Result<Vec<Uuid>> {
        self.tx
            .query(
                "SELECT organisation_id FROM organisation_member WHERE account_id = $1",
                &[&account.0],
            )
            .await?
            .iter()
            .map(|row| Ok(row.try_get(0)?))
            .collect()
    }

    async fn nearby_bookable(
        &mut self,
        kind: ResourceKind,
        near: GeoPoint,
        limit: u32,
    ) -> Result<Vec<(StoredResource, BookingRules)>> {
        let scale = near.lat.to_radians().cos().powi(2);
        let rows = self
            .tx
            .query(
                "SELECT r.id FROM resource r JOIN booking_rules b ON b.resource_id = r.id
                 WHERE r.kind = $1 AND NOT r.retired AND NOT r.restricted
                 ORDER BY (r.lat - $2) * (r.lat - $2) + (r.lon - $3) * (r.lon - $3) * $4
                 LIMIT $5",
                &[
                    &kind.as_str(),
                    &near.lat,
                    &near.lon,
                    &scale,
                    &i64::from(limit),
                ],
            )
            .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            let id = ResourceId(row.try_get(0)?);
            if let (Some(resource), Some(rules)) = (
                resource_in(self.tx, id).await?,
                rules_in(self.tx, id).await?,
            ) {
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
        self.lock_change_log().await?;
        let (entity, id) = calendar_entity(resource.resource.id);
        let body = calendar
            .map(|calendar| serde_json::to_string(calendar).map_err(Error::internal))
            .transpose()?;
        append_change(
            self.tx,
            entity,
            id,
            resource.owner_id,
            &Audience::public(),
            body.as_deref(),
        )
        .await
    }
}

async fn read_booked(client: &impl GenericClient, row: &Row) -> Result<BookedReservation> {
    let stored = read_reservation(row)?;
    let resource_id = ResourceId(row.try_get(4)?);
    let resource = resource_in(client, resource_id).await?.ok_or_else(|| {
        Error::corrupt(format!("reservation of a missing resource {resource_id}"))
    })?;
    Ok(BookedReservation {
        stored,
        revision: row.try_get::<_, i32>(3)? as u32,
        resource,
    })
}

#[async_trait::async_trait]
impl ReservationStore for PostgresStorage {
    async fn booked_reservation(&self, id: ReservationId) -> Result<Option<BookedReservation>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {BOOKED_COLUMNS} FROM reservation WHERE id = $1"),
                &[&id.0],
            )
            .await?;
        match row {
            Some(row) => Ok(Some(read_booked(&client, &row).await?)),
            None => Ok(None),
        }
    }

    async fn reservations_booked_by(&self, booker: AccountId) -> Result<Vec<BookedReservation>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {BOOKED_COLUMNS} FROM reservation WHERE booker_id = $1 ORDER BY starts_at"
                ),
                &[&booker.0],
            )
            .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            found.push(read_booked(&client, row).await?);
        }
        Ok(found)
    }

    async fn set_calendar_feed(
        &self,
        account: AccountId,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO calendar_feed (account_id, token_hash, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash,
                     created_at = excluded.created_at",
                &[&account.0, &token_hash.as_slice(), &millis(now)],
            )
            .await?;
        Ok(())
    }

    async fn revoke_calendar_feed(&self, account: AccountId) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "DELETE FROM calendar_feed WHERE account_id = $1",
                &[&account.0],
            )
            .await?
            > 0)
    }

    async fn calendar_feed_account(&self, token_hash: [u8; 32]) -> Result<Option<AccountId>> {
        Ok(self
            .client()
            .await?
            .query_opt(
                "SELECT account_id FROM calendar_feed WHERE token_hash = $1",
                &[&token_hash.as_slice()],
            )
            .await?
            .map(|row| row.try_get(0).map(AccountId))
            .transpose()?)
    }
}
