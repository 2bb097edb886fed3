//! Figures for bookings (not a timed test): contended `reservation.request` attempts per
//! second, through the storage layer (the shared mutation loop, one attempt per batch, as
//! devices send them) and end to end through `POST /v1/sync/mutations`; afterwards every
//! booking is read back from the change log and checked: no instant of any resource holds
//! more units than it has.
//!
//! `cargo bench -p sharehub-server --bench booking-bench` runs it on SQLite; with
//! `SHAREHUB_BENCH_DATABASE_URL` set (under `scripts/with-postgres.sh`, pass on
//! `SHAREHUB_TEST_DATABASE_URL`) on PostgreSQL too, with 32 clients.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde_json::json;
use sharehub_core::booking::{most_units_held, BookingRules, Hold, Reservation, ReservationId};
use sharehub_core::resource::Visibility;
use sharehub_core::wire::{
    BookingSetRulesArgs, EntityKind, Mutation, ReservationRequestArgs, Role, SignedIn,
};
use sharehub_core::{GeoPoint, LocalizedText, Pricing, Resource, ResourceId, ResourceKind};
use sharehub_server::rules::Actor;
use sharehub_server::storage::{BatchMutation, Storage, WriteResult};
use sharehub_server::{open_storage, router, serve, AppState, ServerConfig, StorageChoice};
use tokio::net::TcpListener;

/// Resources raced for: half with one unit (a parking space), half with three (desks).
const RESOURCES: usize = 20;
const DAYS: i64 = 5;
const ATTEMPTS: usize = 20_000;
const HTTP_ATTEMPTS: usize = 5_000;

fn room(n: usize) -> Resource {
    let text = |ko: String, en: String| LocalizedText::new(ko, en);
    Resource {
        id: ResourceId::new_v7(),
        kind: if n.is_multiple_of(2) {
            ResourceKind::ParkingSpace
        } else {
            ResourceKind::Workspace
        },
        name: text(format!("예약 벤치 {n}"), format!("Booking bench {n}")),
        description: text("벤치마크용".into(), "For the benchmark".into()),
        location: GeoPoint {
            lat: 37.55 + n as f64 * 0.001,
            lon: 126.91,
        },
        address: text(format!("서울 마포구 {n}"), format!("{n} Mapo-gu, Seoul")),
        district: text("마포구".into(), "Mapo-gu".into()),
        neighborhood: text("망원동".into(), "Mangwon-dong".into()),
        owner_name: text("벤치".into(), "Bench".into()),
        pricing: Pricing::Free,
        capacity: None,
        schedule: None,
        visibility: Visibility::Public,
    }
}

fn units_of(n: usize) -> u32 {
    if n.is_multiple_of(2) {
        1
    } else {
        3
    }
}

/// A small deterministic generator (the figures must not depend on a seed source).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn tomorrow_seoul() -> DateTime<Utc> {
    let zone = chrono_tz::Asia::Seoul;
    let date = Utc::now().with_timezone(&zone).date_naive() + Duration::days(1);
    zone.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .unwrap()
        .with_timezone(&Utc)
}

fn attempt(rng: &mut Lcg, rooms: &[ResourceId], day0: DateTime<Utc>) -> ReservationRequestArgs {
    let resource = rooms[rng.next(rooms.len() as u64) as usize];
    let start = day0
        + Duration::days(rng.next(DAYS as u64) as i64)
        + Duration::minutes(30 * (18 + rng.next(20)) as i64);
    let end = start + Duration::minutes(30 * (1 + rng.next(4)) as i64);
    ReservationRequestArgs {
        id: ReservationId::new_v7(),
        resource_id: resource,
        start,
        end,
        units: 1,
        organisation_id: None,
        note: String::new(),
        series_id: None,
    }
}

#[derive(Default)]
struct Tally {
    applied: AtomicUsize,
    bumped: AtomicUsize,
    refused: AtomicUsize,
}

impl Tally {
    fn count(&self, result: &WriteResult) {
        let counter = match result {
            WriteResult::Applied { .. } => &self.applied,
            WriteResult::Bumped { .. } => &self.bumped,
            _ => &self.refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        format!(
            "{} confirmed, {} bumped, {} refused",
            self.applied.load(Ordering::Relaxed),
            self.bumped.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed)
        )
    }
}

/// Reads every reservation back from the change log and checks capacity per resource;
/// returns how many hold time.
async fn double_bookings(
    storage: &dyn Storage,
    units: &HashMap<ResourceId, u32>,
) -> anyhow::Result<usize> {
    let (mut since, mut holding) = (0u64, HashMap::<ResourceId, Vec<Hold>>::new());
    loop {
        let rows = storage
            .changes_since(since, 5000, &[EntityKind::Reservation])
            .await?;
        let Some(last) = rows.last() else { break };
        since = last.seq;
        for row in &rows {
            let Some(body) = &row.body else { continue };
            let reservation: Reservation = serde_json::from_str(body)?;
            if reservation.status.holds() {
                holding
                    .entry(reservation.resource_id)
                    .or_default()
                    .push(Hold {
                        start: reservation.start,
                        end: reservation.end,
                        until: reservation.end,
                        units: reservation.units,
                    });
            }
        }
    }
    let mut total = 0;
    for (resource, holds) in &holding {
        total += holds.len();
        let (from, to) = (
            holds.iter().map(|h| h.start).min().context("holds")?,
            holds.iter().map(|h| h.until).max().context("holds")?,
        );
        let most = most_units_held(holds, from, to);
        if most > units[resource] {
            bail!(
                "DOUBLE BOOKED: {most} units held at once of {}",
                units[resource]
            );
        }
    }
    Ok(total)
}

async fn run(choice: StorageChoice, label: &str, clients: usize) -> anyhow::Result<()> {
    println!("== {label}, {clients} clients");
    let storage = open_storage(&choice).await?;
    let state = AppState::new(storage.clone(), ServerConfig::default())?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, router(state.clone()), async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let signed_in: SignedIn = http
        .post(format!("{base}/v1/accounts"))
        .json(
            &json!({"email": format!("booking-bench-{}@example.kr", uuid::Uuid::now_v7().simple()),
                      "password": "bench password 2026"}),
        )
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let actor = Actor {
        id: signed_in.account.id,
        role: Role::Resident,
    };
    let resources: Vec<Resource> = (0..RESOURCES).map(room).collect();
    storage.seed_resources(actor.id, &resources).await?;
    let mut units = HashMap::new();
    let batch = resources
        .iter()
        .enumerate()
        .map(|(n, resource)| {
            units.insert(resource.id, units_of(n));
            BatchMutation {
                idempotency_key: None,
                mutation: Ok(Mutation::BookingSetRules(BookingSetRulesArgs {
                    resource_id: resource.id,
                    rules: Some(BookingRules {
                        units: units_of(n),
                        ..BookingRules::default()
                    }),
                })),
            }
        })
        .collect();
    storage.apply_mutations(actor, batch, Utc::now()).await?;
    let rooms: Vec<ResourceId> = resources.iter().map(|r| r.id).collect();
    let day0 = tomorrow_seoul();

    // 1. Through the storage layer.
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (storage, tally, rooms) = (storage.clone(), tally.clone(), rooms.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(client as u64 + 1);
            for n in 0..ATTEMPTS / clients {
                let args = attempt(&mut rng, &rooms, day0);
                let batch = vec![BatchMutation {
                    idempotency_key: Some(format!("bench-{client}-{n}")),
                    mutation: Ok(Mutation::ReservationRequest(args)),
                }];
                let results = storage.apply_mutations(actor, batch, Utc::now()).await?;
                tally.count(&results[0]);
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total = (ATTEMPTS / clients) * clients;
    println!(
        "storage layer: {total} attempts in {elapsed:.2} s = {:.0} attempts/s ({})",
        total as f64 / elapsed,
        tally.line()
    );

    // 2. End to end through POST /v1/sync/mutations.
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (http, base, token, tally, rooms) = (
            http.clone(),
            base.clone(),
            signed_in.token.clone(),
            tally.clone(),
            rooms.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(1000 + client as u64);
            for n in 0..HTTP_ATTEMPTS / clients {
                let args = attempt(&mut rng, &rooms, day0);
                let answer: serde_json::Value = http
                    .post(format!("{base}/v1/sync/mutations"))
                    .bearer_auth(&token)
                    .json(
                        &json!({"mutations": [{"idempotency_key": format!("http-{client}-{n}"),
                        "name": "reservation.request", "args": args}]}),
                    )
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let counter = match answer["results"][0]["outcome"]["status"].as_str() {
                    Some("applied") => &tally.applied,
                    Some("bumped") => &tally.bumped,
                    _ => &tally.refused,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total = (HTTP_ATTEMPTS / clients) * clients;
    println!(
        "HTTP POST /v1/sync/mutations: {total} attempts in {elapsed:.2} s = {:.0} attempts/s ({})",
        total as f64 / elapsed,
        tally.line()
    );
    let holding = double_bookings(storage.as_ref(), &units).await?;
    println!("checked: {holding} bookings hold time, 0 double bookings");
    let _ = stop.send(());
    server.await??;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    run(
        StorageChoice::Sqlite(dir.path().join("booking-bench.db")),
        "SQLite (file in a temporary directory)",
        8,
    )
    .await?;
    if let Ok(url) = std::env::var("SHAREHUB_BENCH_DATABASE_URL") {
        run(StorageChoice::Postgres(url), "PostgreSQL", 32).await?;
    }
    Ok(())
}
