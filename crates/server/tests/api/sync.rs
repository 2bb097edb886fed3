//! The change feed and mutation batches.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sharehub_core::wire::{
    Alternative, Change, ChangesPage, MutationOutcome, MutationResults, ResourceView,
    TombstoneReason,
};

use crate::support::{resource_json, TestServer};

async fn pull(server: &TestServer, token: &str, since: u64, limit: u32) -> ChangesPage {
    server
        .get(
            &format!("/v1/sync/changes?since={since}&limit={limit}"),
            Some(token),
        )
        .await
        .expect(StatusCode::OK)
        .json()
}

async fn pull_all(server: &TestServer, token: &str, since: u64) -> (Vec<Change>, u64) {
    let mut changes = Vec::new();
    let mut cursor = since;
    loop {
        let page = pull(server, token, cursor, 2).await;
        changes.extend(page.changes);
        cursor = page.next_since;
        if !page.has_more {
            return (changes, cursor);
        }
    }
}

async fn send(server: &TestServer, token: &str, mutations: Value) -> Vec<MutationOutcome> {
    let results: MutationResults = server
        .post(
            "/v1/sync/mutations",
            Some(token),
            json!({ "mutations": mutations }),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    results.results.into_iter().map(|r| r.outcome).collect()
}

pub async fn changes_are_paged_in_seq_order(server: &TestServer) {
    let user = server.register("puller").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let resource = resource_json(&format!("Thing {n}"));
        ids.push(resource["id"].as_str().unwrap().to_owned());
        server
            .post("/v1/resources", Some(&user.token), resource)
            .await
            .expect(StatusCode::CREATED);
    }
    let first = pull(server, &user.token, 0, 2).await;
    assert_eq!(first.changes.len(), 2);
    assert!(first.has_more);
    let (all, cursor) = pull_all(server, &user.token, 0).await;
    // The first page already says how far the log reaches (a device shows "n of m").
    assert_eq!(first.latest_seq, Some(cursor));
    let seqs: Vec<u64> = all.iter().filter_map(Change::seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let pulled: Vec<String> = all
        .iter()
        .map(|c| match c {
            Change::Resource { record, .. } => record.resource.id.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(pulled, ids);
    // Nothing new: an empty page that keeps the cursor.
    let empty = pull(server, &user.token, cursor, 100).await;
    assert!(empty.changes.is_empty() && !empty.has_more);
    assert_eq!(empty.next_since, cursor);
    // An update moves the record to the end of the log.
    let mut edited = resource_json("unused");
    edited["id"] = json!(ids[0]);
    edited["name"]["en"] = json!("Thing 0, edited");
    server
        .put(
            &format!("/v1/resources/{}", ids[0]),
            Some(&user.token),
            edited,
        )
        .await
        .expect(StatusCode::OK);
    let (newer, _) = pull_all(server, &user.token, cursor).await;
    assert_eq!(newer.len(), 1);
    match &newer[0] {
        Change::Resource { seq, record } => {
            assert_eq!(record.resource.name.en, "Thing 0, edited");
            assert_eq!(record.version, *seq);
        }
        other => panic!("{other:?}"),
    }
    server
        .get("/v1/sync/changes?limit=0", Some(&user.token))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    server
        .get("/v1/sync/changes?since=9007199254740992", Some(&user.token))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    server
        .get(
            &format!("/v1/sync/changes?kinds={}", "resource,".repeat(60)),
            Some(&user.token),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    server
        .get("/v1/sync/changes?since=-1", Some(&user.token))
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid-query");
    server
        .get("/v1/sync/changes", None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

pub async fn tombstones_for_retired_and_no_longer_visible_records(server: &TestServer) {
    let owner = server.register("owner").await;
    let neighbor = server.register("neighbor").await;
    let retired = resource_json("Retired tool");
    let hidden = resource_json("Soon private parking");
    let (retired_id, hidden_id) = (
        retired["id"].as_str().unwrap().to_owned(),
        hidden["id"].as_str().unwrap().to_owned(),
    );
    for resource in [&retired, &hidden] {
        server
            .post("/v1/resources", Some(&owner.token), resource.clone())
            .await
            .expect(StatusCode::CREATED);
    }
    let (seen, cursor) = pull_all(server, &neighbor.token, 0).await;
    assert_eq!(seen.len(), 2);

    server
        .delete(&format!("/v1/resources/{retired_id}"), Some(&owner.token))
        .await
        .expect(StatusCode::NO_CONTENT);
    let mut private = hidden.clone();
    private["visibility"] = json!("confirmed_bookers");
    server
        .put(
            &format!("/v1/resources/{hidden_id}"),
            Some(&owner.token),
            private,
        )
        .await
        .expect(StatusCode::OK);

    let (changes, _) = pull_all(server, &neighbor.token, cursor).await;
    let tombstones: Vec<(String, TombstoneReason)> = changes
        .iter()
        .map(|c| match c {
            Change::Tombstone { id, reason, .. } => (id.to_string(), *reason),
            other => panic!("the neighbor must not receive {other:?}"),
        })
        .collect();
    assert_eq!(
        tombstones,
        [
            (retired_id.clone(), TombstoneReason::Deleted),
            (hidden_id.clone(), TombstoneReason::NoLongerVisible)
        ]
    );
    // The owner still receives the hidden record in full.
    let (owner_changes, _) = pull_all(server, &owner.token, cursor).await;
    assert!(matches!(
        &owner_changes[0],
        Change::Tombstone {
            reason: TombstoneReason::Deleted,
            ..
        }
    ));
    assert!(
        matches!(&owner_changes[1], Change::Resource { record, .. } if record.exact && record.resource.id.to_string() == hidden_id)
    );
    // A device starting from nothing gets no tombstones and no hidden records.
    let (fresh, _) = pull_all(server, &neighbor.token, 0).await;
    assert!(fresh.is_empty(), "{fresh:?}");
}

pub async fn mutations_are_applied_rejected_or_bumped_one_by_one(server: &TestServer) {
    let user = server.register("mutator").await;
    let token = user.token.as_str();
    let resource = resource_json("Synced tool");
    let id = resource["id"].as_str().unwrap().to_owned();
    let mut invalid = resource_json("Invalid");
    invalid["location"]["lat"] = json!(123.0);
    let outcomes = send(
        server,
        token,
        json!([
            {"idempotency_key": "k1", "name": "resource.create", "args": {"resource": resource}},
            {"idempotency_key": "k2", "name": "poll.vote", "args": {"poll": 1}},
            {"idempotency_key": "k3", "name": "resource.create", "args": {"resource": invalid}},
            {"idempotency_key": "k4", "name": "resource.retire", "args": {"id": "not-a-uuid"}},
            {"idempotency_key": "k5", "name": "resource.update", "args": {"resource": resource, "base_version": 0}},
        ]),
    )
    .await;
    let version = match &outcomes[0] {
        MutationOutcome::Applied { version } => *version,
        other => panic!("{other:?}"),
    };
    match &outcomes[1] {
        MutationOutcome::Rejected { reason, .. } => {
            assert!(
                reason.contains("does not know the mutation \"poll.vote\""),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    match &outcomes[2] {
        MutationOutcome::Rejected { problems, .. } => assert_eq!(problems[0].field, "location"),
        other => panic!("{other:?}"),
    }
    match &outcomes[3] {
        MutationOutcome::Rejected { reason, .. } => {
            assert!(
                reason.starts_with("the args of resource.retire are invalid"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    match &outcomes[4] {
        MutationOutcome::Bumped {
            alternatives,
            reason,
            ..
        } => {
            assert!(reason.contains("changed by someone else"), "{reason}");
            let Alternative::CurrentResource { record } = &alternatives[0] else {
                panic!("{alternatives:?}")
            };
            assert_eq!(record.version, version);
            assert_eq!(record.resource.id.to_string(), id);
        }
        other => panic!("{other:?}"),
    }
    // Updating on the current version and retiring work.
    let mut edited = resource.clone();
    edited["name"]["en"] = json!("Synced tool, edited");
    let outcomes = send(
        server,
        token,
        json!([
            {"idempotency_key": "k6", "name": "resource.update", "args": {"resource": edited, "base_version": version}},
            {"idempotency_key": "k7", "name": "resource.retire", "args": {"id": id}},
        ]),
    )
    .await;
    assert!(
        matches!(outcomes[0], MutationOutcome::Applied { .. }),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[1], MutationOutcome::Applied { .. }),
        "{outcomes:?}"
    );
    // A batch with a key that cannot be remembered is refused before anything is done.
    let problem = server
        .post(
            "/v1/sync/mutations",
            Some(token),
            json!({"mutations": [
                {"idempotency_key": "fine", "name": "resource.create", "args": {"resource": resource_json("Never")}},
                {"idempotency_key": "", "name": "resource.retire", "args": {"id": id}},
            ]}),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    assert_eq!(
        problem["problems"][0]["field"],
        "mutations[1].idempotency_key"
    );
    server
        .get(&format!("/v1/resources/{id}"), None)
        .await
        .problem(StatusCode::GONE, "retired");
    // Too many mutations in one batch.
    let many: Vec<Value> = (0..101)
        .map(|n| json!({"idempotency_key": format!("m{n}"), "name": "x", "args": {}}))
        .collect();
    server
        .post(
            "/v1/sync/mutations",
            Some(token),
            json!({ "mutations": many }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
}

pub async fn repeated_keys_return_the_first_answer_and_change_nothing(server: &TestServer) {
    let user = server.register("repeater").await;
    let token = user.token.as_str();
    let resource = resource_json("Once");
    let id = resource["id"].as_str().unwrap().to_owned();
    let batch = json!([
        {"idempotency_key": "create-once", "name": "resource.create", "args": {"resource": resource}},
        {"idempotency_key": "unknown-once", "name": "meal.rsvp", "args": {}},
    ]);
    let first = send(server, token, batch.clone()).await;
    let (_, cursor) = pull_all(server, token, 0).await;
    let again = send(server, token, batch).await;
    assert_eq!(first, again);
    // The same key with other content still gets the first answer, and changes nothing.
    let mut changed = resource.clone();
    changed["name"]["en"] = json!("Twice");
    let third = send(
        server,
        token,
        json!([{"idempotency_key": "create-once", "name": "resource.update", "args": {"resource": changed}}]),
    )
    .await;
    assert_eq!(third[0], first[0]);
    let (newer, _) = pull_all(server, token, cursor).await;
    assert!(newer.is_empty(), "{newer:?}");
    let view: ResourceView = server
        .get(&format!("/v1/resources/{id}"), None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(view.resource.name.en, "Once");
}

pub async fn another_user_cannot_read_my_receipts_or_my_hidden_records(server: &TestServer) {
    let me = server.register("me").await;
    let other = server.register("other").await;
    let mut secret = resource_json("My driveway");
    secret["visibility"] = json!("confirmed_bookers");
    let id = secret["id"].as_str().unwrap().to_owned();
    let mine = send(
        server,
        &me.token,
        json!([{"idempotency_key": "shared-key", "name": "resource.create", "args": {"resource": secret}}]),
    )
    .await;
    assert!(matches!(mine[0], MutationOutcome::Applied { .. }));
    // The same key from another account is that account's own key: it does not see my answer
    // and its retire of my resource is rejected.
    let theirs = send(
        server,
        &other.token,
        json!([{"idempotency_key": "shared-key", "name": "resource.retire", "args": {"id": id}}]),
    )
    .await;
    match &theirs[0] {
        MutationOutcome::Rejected { reason, .. } => {
            assert!(reason.contains("only the resource's owner"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let mut takeover = resource_json("Taken over");
    takeover["id"] = json!(id);
    let theirs = send(
        server,
        &other.token,
        json!([{"idempotency_key": "takeover", "name": "resource.update", "args": {"resource": takeover}}]),
    )
    .await;
    assert!(
        matches!(theirs[0], MutationOutcome::Rejected { .. }),
        "{theirs:?}"
    );
    // The hidden record never reaches the other account's device.
    let (changes, _) = pull_all(server, &other.token, 0).await;
    assert!(changes.is_empty(), "{changes:?}");
    let (mine, _) = pull_all(server, &me.token, 0).await;
    assert_eq!(mine.len(), 1);
}

/// Writers commit in parallel while a device pulls: every change reaches the device, none is
/// skipped by a cursor that moved past a `seq` committed later.
pub async fn concurrent_writers_never_make_a_puller_skip_a_change(server: &TestServer) {
    let puller = server.register("puller").await;
    let mut writers = Vec::new();
    for w in 0..4 {
        let account = server.register(&format!("writer{w}")).await;
        let (http, base) = (server.http.clone(), server.base.clone());
        writers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for batch in 0..5 {
                let mutations: Vec<Value> = (0..5)
                    .map(|n| {
                        let resource = resource_json(&format!("w{w} b{batch} n{n}"));
                        ids.push(resource["id"].as_str().unwrap().to_owned());
                        json!({"idempotency_key": format!("{w}-{batch}-{n}"), "name": "resource.create", "args": {"resource": resource}})
                    })
                    .collect();
                let answer = http
                    .post(format!("{base}/v1/sync/mutations"))
                    .bearer_auth(&account.token)
                    .json(&json!({ "mutations": mutations }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), StatusCode::OK);
            }
            ids
        }));
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = 0;
    while !writers.iter().all(|w| w.is_finished()) {
        let page = pull(server, &puller.token, cursor, 7).await;
        for change in page.changes {
            if let Change::Resource { record, .. } = change {
                seen.insert(record.resource.id.to_string());
            }
        }
        cursor = page.next_since;
    }
    let (rest, _) = pull_all(server, &puller.token, cursor).await;
    for change in rest {
        if let Change::Resource { record, .. } = change {
            seen.insert(record.resource.id.to_string());
        }
    }
    let mut written = 0;
    for writer in writers {
        for id in writer.await.unwrap() {
            assert!(seen.contains(&id), "the puller never received {id}");
            written += 1;
        }
    }
    assert_eq!(written, 100);
}
