//! The sync engine against the real server (in this process, over a SQLite file and over
//! PostgreSQL): changes made while the server is down, a crash between sending and
//! recording, the sync loop's backoff, conflicts, and signing in and out.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use rand::rngs::StdRng;
use rand::SeedableRng;
use sharehub_core::resource::Visibility;
use sharehub_core::wire::{
    Alternative, Mutation, MutationOutcome, MutationRequest, ResourceCreateArgs,
    ResourceRetireArgs, ResourceUpdateArgs, Role,
};
use sharehub_e2e::engine_loop::EngineLoop;
use sharehub_e2e::fixtures::{login, resource, small_pages};
use sharehub_e2e::hub::{Backend, Hub};
use sharehub_e2e::views::{device_view, server_view};
use sharehub_local::sync::{RetryPolicy, SessionToken, SyncConfig, SyncEvent, SyncStore};
use sharehub_local::{Error, SyncEngine};

async fn device(hub: &Hub, dir: &tempfile::TempDir, name: &str, config: SyncConfig) -> SyncEngine {
    SyncEngine::open(&dir.path().join(format!("{name}.db")), &hub.url(), config).unwrap()
}

async fn write(
    engine: &SyncEngine,
    f: impl FnOnce(&mut SyncStore) -> Result<(), Error> + Send + 'static,
) {
    engine.with_db(f).await.unwrap();
}

/// The device shows exactly what the server has for this person, at the same versions.
async fn assert_converged(hub: &Hub, engine: &SyncEngine, token: &str) {
    let server = server_view(&hub.url(), token).await.unwrap();
    let device = engine
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap();
    assert_eq!(device.len(), server.len(), "number of records");
    for (id, (record, version)) in &server {
        let (shown, shown_version) = &device[id];
        assert_eq!(shown, record, "{id}");
        assert_eq!(*shown_version, Some(*version), "{id}");
    }
}

async fn changes_made_while_the_server_is_down_arrive_exactly_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("offline", Role::Resident).await.unwrap();
    let engine = device(&hub, &dir, "phone", small_pages()).await;
    engine.sign_in(&login(&me)).await.unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    let (r1, r2) = (resource(1, &mut rng), resource(2, &mut rng));
    let (a, b) = (r1.clone(), r2.clone());
    write(&engine, move |db| {
        db.create_resource(a)?;
        db.create_resource(b)?;
        Ok(())
    })
    .await;
    assert_eq!(engine.run_once().await.unwrap().pushed, 2);

    hub.stop().await.unwrap();
    let (r3, r4) = (resource(3, &mut rng), resource(4, &mut rng));
    let mut r1_edit = r1.clone();
    r1_edit.name.en = "Edited while offline".into();
    let mut r3_edit = r3.clone();
    r3_edit.capacity = Some(3);
    let changes = vec![
        Mutation::ResourceCreate(ResourceCreateArgs {
            resource: r3.clone(),
        }),
        Mutation::ResourceCreate(ResourceCreateArgs {
            resource: r4.clone(),
        }),
        Mutation::ResourceUpdate(ResourceUpdateArgs {
            resource: r1_edit.clone(),
            base_version: None,
        }),
        Mutation::ResourceRetire(ResourceRetireArgs {
            id: r2.id,
            base_version: None,
        }),
        // An edit of a record the server has not seen yet: sent after its creation.
        Mutation::ResourceUpdate(ResourceUpdateArgs {
            resource: r3_edit.clone(),
            base_version: None,
        }),
    ];
    write(&engine, move |db| {
        for change in changes {
            db.record(change)?;
        }
        Ok(())
    })
    .await;
    let error = engine.run_once().await.unwrap_err();
    assert!(matches!(error, Error::Offline { .. }), "{error}");
    assert!(error.can_retry());
    assert_eq!(engine.with_db(|db| db.pending_count()).await.unwrap(), 5);
    let shown = engine
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap();
    assert_eq!(shown[&r1.id].0, r1_edit, "offline changes show at once");
    assert!(!shown.contains_key(&r2.id));

    hub.start().await.unwrap();
    let report = engine.run_once().await.unwrap();
    assert_eq!(
        (report.pushed, report.needs_attention, report.pending),
        (5, 0, 0)
    );
    assert_eq!(
        hub.receipts(me.account.id).await.unwrap(),
        7,
        "one decision per change"
    );
    let server = server_view(&hub.url(), &me.token).await.unwrap();
    assert_eq!(server[&r1.id].0, r1_edit);
    assert_eq!(server[&r3.id].0, r3_edit);
    assert_eq!(server[&r4.id].0, r4);
    assert!(!server.contains_key(&r2.id));
    assert_converged(&hub, &engine, &me.token).await;

    // Syncing again sends nothing; the server's decisions stay at one per change.
    assert_eq!(engine.run_once().await.unwrap().pushed, 0);
    assert_eq!(hub.receipts(me.account.id).await.unwrap(), 7);
    // A second device of the same person gets the same records.
    let tablet = device(&hub, &dir, "tablet", SyncConfig::default()).await;
    tablet.sign_in(&login(&me)).await.unwrap();
    tablet.run_once().await.unwrap();
    assert_converged(&hub, &tablet, &me.token).await;
}

async fn a_crash_between_sending_and_recording_the_answer_is_harmless(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("crash", Role::Resident).await.unwrap();
    let engine = device(&hub, &dir, "phone", SyncConfig::default()).await;
    engine.sign_in(&login(&me)).await.unwrap();
    let r = resource(1, &mut StdRng::seed_from_u64(2));
    let created = r.clone();
    write(&engine, move |db| db.create_resource(created).map(drop)).await;
    // The engine sent the batch and died before writing the answer down: the server has
    // the change, the outbox still has it pending with its key.
    let entry = engine.with_db(|db| db.outbox()).await.unwrap().remove(0);
    let token = SessionToken::new(me.token.clone());
    let first = engine
        .client()
        .mutations(
            &token,
            vec![MutationRequest {
                idempotency_key: entry.idempotency_key.clone(),
                name: "resource.create".into(),
                args: serde_json::json!({ "resource": r }),
            }],
        )
        .await
        .unwrap();
    let MutationOutcome::Applied { version } = first.results[0].outcome else {
        panic!("{first:?}");
    };
    // After the restart it is sent again with the same key: the first answer comes back.
    let report = engine.run_once().await.unwrap();
    assert_eq!((report.pushed, report.needs_attention), (1, 0));
    assert_eq!(hub.receipts(me.account.id).await.unwrap(), 1);
    let server = server_view(&hub.url(), &me.token).await.unwrap();
    assert_eq!(
        server[&r.id],
        (r.clone(), version),
        "applied once, at the first version"
    );
    assert_converged(&hub, &engine, &me.token).await;
}

async fn the_loop_backs_off_while_the_server_is_down_and_catches_up_when_it_returns(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("loop", Role::Resident).await.unwrap();
    let policy = RetryPolicy {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(200),
        poll_every: Duration::from_secs(3600),
    };
    let engine = device(
        &hub,
        &dir,
        "phone",
        SyncConfig {
            policy,
            ..SyncConfig::default()
        },
    )
    .await;
    engine.sign_in(&login(&me)).await.unwrap();
    let mut running = EngineLoop::spawn(&engine);
    // The start-up sync.
    running.synced(|_| true).await.unwrap();
    hub.stop().await.unwrap();
    let r = resource(1, &mut StdRng::seed_from_u64(3));
    let created = r.clone();
    write(&engine, move |db| db.create_resource(created).map(drop)).await;
    engine.notify_local_write();
    // It keeps failing and keeps retrying, never waiting longer than the cap.
    let mut failures = 0;
    while failures < 4 {
        match running.next().await.unwrap() {
            SyncEvent::Failed { error, next_try } => {
                assert!(error.can_retry(), "{error}");
                let wait = next_try.expect("retries are scheduled");
                assert!(wait <= policy.cap, "{wait:?}");
                failures += 1;
            }
            SyncEvent::Synced(report) => panic!("synced while the server is down: {report:?}"),
            SyncEvent::Progress(_) => {}
        }
    }
    hub.start().await.unwrap();
    engine.notify_network_back();
    running.synced(|report| report.pushed == 1).await.unwrap();
    running.stop().await.unwrap();
    assert_eq!(hub.receipts(me.account.id).await.unwrap(), 1);
    assert_converged(&hub, &engine, &me.token).await;
}

async fn bumped_and_rejected_changes_need_attention_and_can_be_retried_or_discarded(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let owner = hub.account("owner", Role::Resident).await.unwrap();
    let neighbor = hub.account("neighbor", Role::Resident).await.unwrap();
    let phone = device(&hub, &dir, "phone", SyncConfig::default()).await;
    let laptop = device(&hub, &dir, "laptop", SyncConfig::default()).await;
    let other = device(&hub, &dir, "other", SyncConfig::default()).await;
    phone.sign_in(&login(&owner)).await.unwrap();
    laptop.sign_in(&login(&owner)).await.unwrap();
    other.sign_in(&login(&neighbor)).await.unwrap();
    let r = resource(1, &mut StdRng::seed_from_u64(4));
    let created = r.clone();
    write(&phone, move |db| db.create_resource(created).map(drop)).await;
    phone.run_once().await.unwrap();
    laptop.run_once().await.unwrap();
    other.run_once().await.unwrap();

    // Both devices of the owner edit the same version; the laptop is first.
    let mut on_laptop = r.clone();
    on_laptop.name.en = "Laptop's name".into();
    let mut on_phone = r.clone();
    on_phone.name.en = "Phone's name".into();
    let (l, p) = (on_laptop.clone(), on_phone.clone());
    write(&laptop, move |db| db.update_resource(l).map(drop)).await;
    write(&phone, move |db| db.update_resource(p).map(drop)).await;
    assert_eq!(laptop.run_once().await.unwrap().pushed, 1);
    let report = phone.run_once().await.unwrap();
    assert_eq!(report.needs_attention, 1);
    let attention = phone.with_db(|db| db.needs_attention()).await.unwrap();
    let Some(Alternative::CurrentResource { record: current }) =
        attention[0].alternatives.first().cloned()
    else {
        panic!("the current record: {attention:?}");
    };
    assert_eq!(current.resource, on_laptop);
    let shown = phone
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap();
    assert_eq!(
        shown[&r.id].0, on_laptop,
        "reverted to the server's version"
    );
    // The person keeps their edit: retry on top of the current version.
    let entry = attention[0].entry;
    phone.with_db(move |db| db.retry(entry)).await.unwrap();
    assert_eq!(phone.run_once().await.unwrap().pushed, 1);
    laptop.run_once().await.unwrap();
    assert_converged(&hub, &laptop, &owner.token).await;
    assert_converged(&hub, &phone, &owner.token).await;

    // A neighbor may not change the owner's resource: refused, shown as before, discarded.
    let mut theirs = on_phone.clone();
    theirs.description.en = "Mine now".into();
    write(&other, move |db| db.update_resource(theirs).map(drop)).await;
    let report = other.run_once().await.unwrap();
    assert_eq!(report.needs_attention, 1);
    let attention = other.with_db(|db| db.needs_attention()).await.unwrap();
    assert!(
        attention[0].reason.contains("owner"),
        "{}",
        attention[0].reason
    );
    let entry = attention[0].entry;
    other.with_db(move |db| db.discard(entry)).await.unwrap();
    assert!(other.with_db(|db| db.outbox()).await.unwrap().is_empty());
    assert_converged(&hub, &other, &neighbor.token).await;
}

async fn signing_out_removes_the_persons_data_and_ends_the_session(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("private", Role::Resident).await.unwrap();
    let next = hub.account("next-person", Role::Resident).await.unwrap();
    let engine = device(&hub, &dir, "shared-tablet", SyncConfig::default()).await;
    let signed_in = engine.sign_in(&login(&me)).await.unwrap();
    let mut home = resource(1, &mut StdRng::seed_from_u64(5));
    home.visibility = Visibility::ConfirmedBookers;
    let created = home.clone();
    write(&engine, move |db| db.create_resource(created).map(drop)).await;
    engine.run_once().await.unwrap();
    assert!(engine
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap()
        .contains_key(&home.id));

    let signed_out = engine.sign_out().await.unwrap();
    assert!(signed_out.ended_on_server);
    assert!(engine
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(engine.with_db(|db| db.account()).await.unwrap(), None);
    assert!(matches!(engine.run_once().await, Err(Error::NotSignedIn)));
    let old = SessionToken::new(signed_in.token);
    assert!(matches!(
        engine.client().me(&old).await,
        Err(Error::Unauthorized { .. })
    ));

    // The next person never receives the restricted record.
    engine.sign_in(&login(&next)).await.unwrap();
    engine.run_once().await.unwrap();
    assert!(!engine
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap()
        .contains_key(&home.id));
    assert_converged(&hub, &engine, &next.token).await;
}

async fn a_batch_the_server_refuses_as_a_whole_is_split_and_every_change_arrives(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("bulky", Role::Resident).await.unwrap();
    let engine = device(&hub, &dir, "phone", SyncConfig::default()).await;
    engine.sign_in(&login(&me)).await.unwrap();
    // 30 resources with long Korean texts: about 1.5 MB in one batch, over the server's
    // 1 MiB body limit (413), while each alone is fine.
    let mut rng = StdRng::seed_from_u64(6);
    let long = "가".repeat(4000);
    let bulky: Vec<_> = (0..30)
        .map(|n| {
            let mut r = resource(n, &mut rng);
            r.description.ko = long.clone();
            r.address.ko = long.clone();
            r
        })
        .collect();
    write(&engine, move |db| {
        for r in bulky {
            db.create_resource(r)?;
        }
        Ok(())
    })
    .await;
    let report = engine.run_once().await.unwrap();
    assert_eq!(
        (report.pushed, report.needs_attention, report.pending),
        (30, 0, 0)
    );
    assert_eq!(hub.receipts(me.account.id).await.unwrap(), 30);
    assert_converged(&hub, &engine, &me.token).await;
}

async fn a_change_made_elsewhere_arrives_through_the_event_stream_without_waiting_for_the_timer(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("live", Role::Resident).await.unwrap();
    let policy = RetryPolicy {
        poll_every: Duration::from_secs(3600),
        ..RetryPolicy::default()
    };
    let watching = device(
        &hub,
        &dir,
        "watching",
        SyncConfig {
            policy,
            ..SyncConfig::default()
        },
    )
    .await;
    watching.sign_in(&login(&me)).await.unwrap();
    let mut running = EngineLoop::spawn(&watching);
    running.synced(|_| true).await.unwrap();
    let other = device(&hub, &dir, "other", SyncConfig::default()).await;
    other.sign_in(&login(&me)).await.unwrap();
    let r = resource(1, &mut StdRng::seed_from_u64(7));
    let created = r.clone();
    write(&other, move |db| db.create_resource(created).map(drop)).await;
    other.run_once().await.unwrap();
    // The timer is an hour away: only the server's event can make the device pull now.
    running.synced(|report| report.pulled > 0).await.unwrap();
    let shown = watching
        .with_db(|db| Ok(device_view(db).unwrap()))
        .await
        .unwrap();
    assert_eq!(shown[&r.id].0, r);
    running.stop().await.unwrap();
    let mut hub = hub;
    hub.stop().await.unwrap();
}

async fn a_first_sync_reports_progress_of_a_total_known_from_the_first_page(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let owner = hub.account("progress", Role::Coordinator).await.unwrap();
    let mut rng = StdRng::seed_from_u64(30);
    let resources: Vec<_> = (0..30).map(|n| resource(n, &mut rng)).collect();
    hub.state()
        .unwrap()
        .storage
        .seed_resources(owner.account.id, &resources)
        .await
        .unwrap();
    // The event stream is never opened here: the total comes from the pages alone.
    let engine = device(&hub, &dir, "new-phone", small_pages()).await;
    engine.resume(SessionToken::new(owner.token.clone()));
    let mut seen = Vec::new();
    let report = engine
        .run_once_with_progress(|p| seen.push((p.done, p.total)))
        .await
        .unwrap();
    assert_eq!(report.pulled, 30);
    assert_eq!(
        seen,
        [7, 14, 21, 28, 30].map(|done| (done, Some(30))),
        "pages of 7, each with the total"
    );
}

/// A device that synced before its app knew a kind fetches that kind's records from the
/// start (`since=0&kinds=<kind>`) before its ordinary pull, and ends equal to the server.
/// The kinds here are all this build has (resources and bookings), on a device made to look
/// as if its earlier build had pulled without asking for any of them.
async fn a_kind_the_device_learns_later_is_fetched_from_the_start(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start_new(backend, dir.path()).await.unwrap();
    let me = hub.account("learner", Role::Resident).await.unwrap();
    let sharer = device(&hub, &dir, "sharer", small_pages()).await;
    sharer.sign_in(&login(&me)).await.unwrap();
    let mut rng = StdRng::seed_from_u64(9);
    let made: Vec<_> = (1..=7).map(|n| resource(n, &mut rng)).collect();
    let first = made[0].clone();
    write(&sharer, move |db| {
        for r in made {
            db.create_resource(r)?;
        }
        Ok(())
    })
    .await;
    assert_eq!(sharer.run_once().await.unwrap().pushed, 7);

    let phone = device(&hub, &dir, "phone", small_pages()).await;
    phone.sign_in(&login(&me)).await.unwrap();
    phone.run_once().await.unwrap();
    let cursor = phone
        .with_db(|db| {
            db.store()
                .connection()
                .execute_batch("DELETE FROM resource; UPDATE sync_state SET synced_kinds = ''")?;
            db.cursor()
        })
        .await
        .unwrap();
    assert!(cursor > 0);
    assert_eq!(
        phone
            .with_db(|db| db.catch_up())
            .await
            .unwrap()
            .map(|c| c.1),
        Some(0)
    );

    // Changes after the phone's cursor too: they come in the catch-up and again after it.
    let mut edited = first.clone();
    edited.name.en = "Edited after the phone synced".into();
    write(&sharer, move |db| {
        db.update_resource(edited)?;
        db.create_resource(resource(8, &mut StdRng::seed_from_u64(10)))?;
        Ok(())
    })
    .await;
    assert_eq!(sharer.run_once().await.unwrap().pushed, 2);

    let report = phone.run_once().await.unwrap();
    assert!(report.pulled >= 8, "{report:?}");
    assert_converged(&hub, &phone, &me.token).await;
    let (synced, caught_up) = phone
        .with_db(|db| Ok((db.synced_kinds()?, db.catch_up()?)))
        .await
        .unwrap();
    // Every kind this build knows (bookings too) is synced once the catch-up is done.
    let every_kind = ["booking_calendar", "reservation", "resource"].map(str::to_owned);
    assert_eq!((synced, caught_up), (every_kind.to_vec(), None));
    assert!(
        report.cursor > cursor,
        "the ordinary pull went on: {report:?}"
    );
    assert_eq!(phone.run_once().await.unwrap().pulled, 0, "nothing twice");
    assert_converged(&hub, &phone, &me.token).await;
}

/// Instantiates each suite function once per backend (PostgreSQL: under
/// `scripts/with-postgres.sh`, which sets `SHAREHUB_TEST_DATABASE_URL`).
macro_rules! backend_suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

backend_suite!(
    changes_made_while_the_server_is_down_arrive_exactly_once,
    a_crash_between_sending_and_recording_the_answer_is_harmless,
    the_loop_backs_off_while_the_server_is_down_and_catches_up_when_it_returns,
    bumped_and_rejected_changes_need_attention_and_can_be_retried_or_discarded,
    signing_out_removes_the_persons_data_and_ends_the_session,
    a_batch_the_server_refuses_as_a_whole_is_split_and_every_change_arrives,
    a_change_made_elsewhere_arrives_through_the_event_stream_without_waiting_for_the_timer,
    a_first_sync_reports_progress_of_a_total_known_from_the_first_page,
    a_kind_the_device_learns_later_is_fetched_from_the_start,
);
