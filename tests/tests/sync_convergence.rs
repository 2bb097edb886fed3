//! Randomized convergence: six device databases of four people (two residents with two
//! devices each, a coordinator, another resident) make seeded random changes, sync, resolve
//! what needs attention and sign out and in, while the server goes down and comes back. At
//! the end every device shows exactly the server's view for its person.
//!
//! A failing run prints its seed; replay it with `SHAREHUB_SEED=<seed>` (and
//! `SHAREHUB_STEPS=<n>` to change the length, 400 by default).
#![allow(clippy::unwrap_used)]

mod sync_support;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharehub_core::resource::Visibility;
use sharehub_core::wire::{LoginRequest, Role, SignedIn};
use sharehub_local::sync::SyncStore;
use sharehub_local::{Error, SyncEngine};
use sync_support::{device_view, resource, server_view, small_pages, Hub};

struct Replica {
    name: String,
    person: SignedIn,
    engine: SyncEngine,
}

fn login(person: &SignedIn) -> LoginRequest {
    LoginRequest {
        login: person.account.email.clone().unwrap(),
        password: "correct horse battery".into(),
    }
}

async fn on_db<T: Send + 'static>(
    replica: &Replica,
    f: impl FnOnce(&mut SyncStore) -> Result<T, Error> + Send + 'static,
) -> T {
    replica.engine.with_db(f).await.unwrap()
}

/// One random local change on the replica: create, edit or retire something it shows.
async fn local_change(replica: &Replica, rng: &mut StdRng, step: u64) -> String {
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
        on_db(replica, move |db| db.create_resource(r)).await;
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
            on_db(replica, move |db| db.update_resource(r)).await;
            format!("update {id}")
        } else {
            on_db(replica, move |db| db.retire_resource(id)).await;
            format!("retire {id}")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_converge_after_random_changes_and_disconnects() {
    let seed = sync_support::seed();
    let steps: u64 = std::env::var("SHAREHUB_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    eprintln!("seed {seed}, {steps} steps (replay with SHAREHUB_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start_new(&dir.path().join("hub.db")).await.unwrap();
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
            person: accounts[person].clone(),
            engine,
        });
    }

    let mut log = Vec::new();
    let (mut offline, mut resolved, mut toggles) = (0, 0, 0);
    for step in 0..steps {
        let replica = &replicas[rng.random_range(0..replicas.len())];
        let roll = rng.random_range(0..100);
        let what = if roll < 40 {
            local_change(replica, &mut rng, step).await
        } else if roll < 75 {
            match replica.engine.run_once().await {
                Ok(report) => format!("sync {report:?}"),
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
                } else {
                    on_db(replica, move |db| db.discard(entry)).await;
                }
            }
            resolved += items.len();
            format!("resolved {} needing attention", items.len())
        } else if hub.is_up() {
            replica.engine.sign_out().await.unwrap();
            replica
                .engine
                .sign_in(&login(&replica.person))
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
        for replica in &replicas {
            for item in on_db(replica, |db| db.needs_attention()).await {
                on_db(replica, move |db| db.discard(item.entry)).await;
            }
            let report = replica.engine.run_once().await.unwrap();
            moved += report.pushed + report.needs_attention + report.pending;
        }
        if moved == 0 {
            break;
        }
    }
    for replica in &replicas {
        replica.engine.run_once().await.unwrap();
    }
    for replica in &replicas {
        let server = server_view(&hub.url(), &replica.person.token)
            .await
            .unwrap();
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
        "converged after {steps} steps ({toggles} server stops/starts, {offline} syncs failed \
         offline, {resolved} refused or bumped changes retried or discarded) and {rounds} quiet rounds"
    );
}
