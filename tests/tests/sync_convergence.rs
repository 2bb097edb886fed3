//! Randomized convergence: six device databases of four people (two residents with two
//! devices each, a coordinator, another resident) make seeded random changes, sync, resolve
//! what needs attention and sign out and in, while the server goes down and comes back.
//! Beside them the test keeps its own log of what each person meant (every change, and
//! whether the person saw it accepted, or discarded it) and from it alone the records each
//! person should see. At the end the server's view for every person, and every device,
//! equal that expectation, and every device equals the server's view at the same versions.
//! On SQLite and PostgreSQL.
//!
//! A failing run prints its seed; replay it with `SHAREHUB_SEED=<seed>` (and
//! `SHAREHUB_STEPS=<n>` to change the length, 400 by default).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharehub_core::resource::Visibility;
use sharehub_core::wire::Role;
use sharehub_core::{Resource, ResourceId};
use sharehub_e2e::fixtures::{login, resource, seed, small_pages};
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_e2e::views::{device_view, server_view};
use sharehub_local::sync::{EntryStatus, OutboxEntryId, SyncStore};
use sharehub_local::{Error, SyncEngine};

struct Replica {
    name: String,
    /// Index into the people.
    person: usize,
    engine: SyncEngine,
}

/// One change a person made on a device, until it is accepted or given up.
#[derive(Debug, Clone)]
struct Intent {
    record: ResourceId,
    /// The record as meant; `None`: retired.
    content: Option<Resource>,
    /// Order of sending: when made, or when sent again.
    order: u64,
}

/// What the people meant, kept apart from the system under test: the changes still open on
/// each device, and the records that follow from the accepted ones (with their owners).
#[derive(Default)]
struct IntentLog {
    open: HashMap<(usize, OutboxEntryId), Intent>,
    records: BTreeMap<ResourceId, Resource>,
    /// Who made each record: the first accepted change of a record is its creation.
    owners: HashMap<ResourceId, usize>,
    next_order: u64,
    accepted: u64,
}

impl IntentLog {
    fn made(
        &mut self,
        replica: usize,
        entry: OutboxEntryId,
        record: ResourceId,
        content: Option<Resource>,
    ) {
        self.next_order += 1;
        let order = self.next_order;
        self.open.insert(
            (replica, entry),
            Intent {
                record,
                content,
                order,
            },
        );
    }

    fn sent_again(&mut self, replica: usize, entry: OutboxEntryId) {
        self.next_order += 1;
        let order = self.next_order;
        if let Some(intent) = self.open.get_mut(&(replica, entry)) {
            intent.order = order;
        }
    }

    fn given_up(&mut self, replica: usize, entry: OutboxEntryId) {
        self.open.remove(&(replica, entry));
    }

    /// Signing out drops the device's unsent changes.
    fn device_forgot(&mut self, replica: usize) {
        self.open.retain(|(r, _), _| *r != replica);
    }

    /// After a sync of `replica` by `person`: the changes no longer waiting (gone from the
    /// outbox, or applied) were accepted by the server, in the order they were sent.
    fn synced(
        &mut self,
        replica: usize,
        person: usize,
        outbox: &HashMap<OutboxEntryId, EntryStatus>,
    ) {
        let mut accepted: Vec<_> = self
            .open
            .iter()
            .filter(|((r, entry), _)| {
                *r == replica && matches!(outbox.get(entry), None | Some(EntryStatus::Applied))
            })
            .map(|(key, intent)| (*key, intent.clone()))
            .collect();
        accepted.sort_by_key(|(_, intent)| intent.order);
        for (key, intent) in accepted {
            self.open.remove(&key);
            self.accepted += 1;
            self.owners.entry(intent.record).or_insert(person);
            match intent.content {
                Some(resource) => {
                    self.records.insert(intent.record, resource);
                }
                None => {
                    self.records.remove(&intent.record);
                }
            }
        }
    }

    /// The records `person` should see: public ones, their own, and every one for a
    /// coordinator.
    fn view_of(&self, person: usize, coordinator: bool) -> BTreeMap<ResourceId, Resource> {
        self.records
            .iter()
            .filter(|(id, r)| {
                r.visibility == Visibility::Public
                    || self.owners.get(id) == Some(&person)
                    || coordinator
            })
            .map(|(id, r)| (*id, r.clone()))
            .collect()
    }
}

async fn outbox_of(replica: &Replica) -> HashMap<OutboxEntryId, EntryStatus> {
    on_db(replica, |db| db.outbox())
        .await
        .into_iter()
        .map(|e| (e.entry, e.status))
        .collect()
}

async fn on_db<T: Send + 'static>(
    replica: &Replica,
    f: impl FnOnce(&mut SyncStore) -> Result<T, Error> + Send + 'static,
) -> T {
    replica.engine.with_db(f).await.unwrap()
}

/// One random local change on the replica: create, edit or retire something it shows.
async fn local_change(
    replica: &Replica,
    index: usize,
    log: &mut IntentLog,
    rng: &mut StdRng,
    step: u64,
) -> String {
    let shown: Vec<_> = on_db(replica, |db| Ok(device_view(db).unwrap()))
        .await
        .into_values()
        .map(|(r, _)| r)
        .collect();
    let roll = rng.random_range(0..100);
    if shown.is_empty() || roll < 40 {
        let mut r = resource(step, rng);
        if rng.random_bool(0.2) {
            r.visibility = Visibility::ConfirmedBookers;
        }
        let id = r.id;
        let meant = r.clone();
        let entry = on_db(replica, move |db| db.create_resource(r)).await;
        log.made(index, entry, id, Some(meant));
        format!("create {id}")
    } else {
        let mut r = shown[rng.random_range(0..shown.len())].clone();
        let id = r.id;
        if roll < 85 {
            r.name.en = format!("Edited at step {step} by {}", replica.name);
            r.capacity = Some(rng.random_range(1..50));
            if rng.random_bool(0.1) {
                r.visibility = match r.visibility {
                    Visibility::Public => Visibility::ConfirmedBookers,
                    Visibility::ConfirmedBookers => Visibility::Public,
                };
            }
            let meant = r.clone();
            let entry = on_db(replica, move |db| db.update_resource(r)).await;
            log.made(index, entry, id, Some(meant));
            format!("update {id}")
        } else {
            let entry = on_db(replica, move |db| db.retire_resource(id)).await;
            log.made(index, entry, id, None);
            format!("retire {id}")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_converge_after_random_changes_and_disconnects_on_sqlite() {
    converge(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_converge_after_random_changes_and_disconnects_on_postgres() {
    converge(Backend::Postgres).await;
}

async fn converge(backend: Backend) {
    let seed = seed();
    let steps: u64 = std::env::var("SHAREHUB_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    eprintln!("{backend:?}: seed {seed}, {steps} steps (replay with SHAREHUB_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let people = [
        ("ana", Role::Resident),
        ("bo", Role::Resident),
        ("cy", Role::Coordinator),
        ("dee", Role::Resident),
    ];
    let mut accounts = Vec::new();
    for (name, role) in people {
        accounts.push(hub.account(name, role).await.unwrap());
    }
    let mut replicas = Vec::new();
    for (name, person) in [
        ("ana-phone", 0),
        ("ana-laptop", 0),
        ("bo-phone", 1),
        ("bo-tablet", 1),
        ("cy-desk", 2),
        ("dee-phone", 3),
    ] {
        let engine = SyncEngine::open(
            &dir.path().join(format!("{name}.db")),
            &hub.url(),
            small_pages(),
        )
        .unwrap();
        engine.sign_in(&login(&accounts[person])).await.unwrap();
        replicas.push(Replica {
            name: name.into(),
            person,
            engine,
        });
    }

    let mut intents = IntentLog::default();
    let mut log = Vec::new();
    let (mut offline, mut resolved, mut toggles) = (0, 0, 0);
    for step in 0..steps {
        let index = rng.random_range(0..replicas.len());
        let replica = &replicas[index];
        let roll = rng.random_range(0..100);
        let what = if roll < 40 {
            local_change(replica, index, &mut intents, &mut rng, step).await
        } else if roll < 75 {
            match replica.engine.run_once().await {
                Ok(report) => {
                    intents.synced(index, replica.person, &outbox_of(replica).await);
                    format!("sync {report:?}")
                }
                Err(e) if !hub.is_up() && e.can_retry() => {
                    offline += 1;
                    format!("sync failed: {e}")
                }
                Err(e) => {
                    panic!("seed {seed} step {step}: sync failed while the server is up: {e}")
                }
            }
        } else if roll < 85 {
            toggles += 1;
            if hub.is_up() {
                hub.stop().await.unwrap();
                "server down".into()
            } else {
                hub.start().await.unwrap();
                "server up".into()
            }
        } else if roll < 97 {
            let items = on_db(replica, |db| db.needs_attention()).await;
            for item in &items {
                let entry = item.entry;
                if rng.random_bool(0.5) {
                    on_db(replica, move |db| db.retry(entry)).await;
                    intents.sent_again(index, entry);
                } else {
                    on_db(replica, move |db| db.discard(entry)).await;
                    intents.given_up(index, entry);
                }
            }
            resolved += items.len();
            format!("resolved {} needing attention", items.len())
        } else if hub.is_up() {
            replica.engine.sign_out().await.unwrap();
            intents.device_forgot(index);
            replica
                .engine
                .sign_in(&login(&accounts[replica.person]))
                .await
                .unwrap();
            "signed out and in".into()
        } else {
            "nothing".into()
        };
        log.push(format!("{step}: {} {what}", replica.name));
    }

    // Quiet down: the server up, every replica settles what needs attention and syncs
    // until nothing moves, then pulls once more.
    hub.start().await.unwrap();
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 20, "seed {seed}: no quiescence after 20 rounds");
        let mut moved = 0;
        for (index, replica) in replicas.iter().enumerate() {
            for item in on_db(replica, |db| db.needs_attention()).await {
                on_db(replica, move |db| db.discard(item.entry)).await;
                intents.given_up(index, item.entry);
            }
            let report = replica.engine.run_once().await.unwrap();
            intents.synced(index, replica.person, &outbox_of(replica).await);
            moved += report.pushed + report.needs_attention + report.pending;
        }
        if moved == 0 {
            break;
        }
    }
    for replica in &replicas {
        replica.engine.run_once().await.unwrap();
    }
    assert!(
        intents.open.is_empty(),
        "seed {seed}: changes neither accepted nor given up: {:?}",
        intents.open
    );
    // The server, for every person, holds exactly what the people's accepted changes say.
    for (person, account) in accounts.iter().enumerate() {
        let expected = intents.view_of(person, account.account.role == Role::Coordinator);
        let server: BTreeMap<_, _> = server_view(&hub.url(), &account.token)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, (r, _))| (id, r))
            .collect();
        if server != expected {
            eprintln!("{}", log.join("\n"));
        }
        assert_eq!(
            server.len(),
            expected.len(),
            "seed {seed}: the server shows {} {} records, the people meant {}",
            account.account.email.as_deref().unwrap_or_default(),
            server.len(),
            expected.len()
        );
        assert!(
            server == expected,
            "seed {seed}: the server's view for {:?} differs from what the people meant",
            account.account.email
        );
    }
    for replica in &replicas {
        let person = &accounts[replica.person];
        let expected = intents.view_of(replica.person, person.account.role == Role::Coordinator);
        let shown: BTreeMap<_, _> = on_db(replica, |db| Ok(device_view(db).unwrap()))
            .await
            .into_iter()
            .map(|(id, (r, _))| (id, r))
            .collect();
        assert!(
            shown == expected,
            "seed {seed}: {} shows other records than the people meant",
            replica.name
        );
        let server = server_view(&hub.url(), &person.token).await.unwrap();
        let device = on_db(replica, |db| Ok(device_view(db).unwrap())).await;
        let server: Vec<_> = server
            .into_iter()
            .map(|(id, (r, v))| (id, (r, Some(v))))
            .collect();
        let device: Vec<_> = device.into_iter().collect();
        if device != server {
            eprintln!("{}", log.join("\n"));
        }
        assert_eq!(
            device.len(),
            server.len(),
            "seed {seed}: {} shows {} records, the server has {}",
            replica.name,
            device.len(),
            server.len()
        );
        assert!(
            device == server,
            "seed {seed}: {} differs from the server's view",
            replica.name
        );
        let store = on_db(replica, |db| db.integrity_check()).await;
        assert_eq!(store, "ok");
    }
    eprintln!(
        "converged after {steps} steps ({} changes accepted, {toggles} server stops/starts, \
         {offline} syncs failed offline, {resolved} refused or bumped changes retried or \
         discarded) and {rounds} quiet rounds",
        intents.accepted
    );
    assert!(
        intents.accepted > steps / 10,
        "seed {seed}: too few changes were accepted"
    );
}
