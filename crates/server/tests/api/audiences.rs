//! The change log's audiences and kinds, through the real `/v1/sync/changes` route: each
//! audience reaches exactly its people, someone who leaves an audience gets a tombstone and
//! a stranger learns nothing (not even an id), and a device on the first contract keeps
//! syncing while the server holds kinds it does not know.

use reqwest::StatusCode;
use serde::Deserialize;
use sharehub_core::wire::{AccountId, Change, ChangesPage, ResourceView, Role, TombstoneReason};
use sharehub_server::audience::Audience;
use uuid::Uuid;

use crate::support::{resource_json, TestServer};

async fn pull_all(
    server: &TestServer,
    token: &str,
    since: u64,
    kinds: Option<&str>,
) -> (Vec<Change>, u64) {
    let mut changes = Vec::new();
    let mut cursor = since;
    let kinds = kinds.map_or(String::new(), |k| format!("&kinds={k}"));
    loop {
        let page: ChangesPage = server
            .get(
                &format!("/v1/sync/changes?since={cursor}&limit=3{kinds}"),
                Some(token),
            )
            .await
            .expect(StatusCode::OK)
            .json();
        changes.extend(page.changes);
        cursor = page.next_since;
        if !page.has_more {
            return (changes, cursor);
        }
    }
}

/// Writes a resource record's change with `audience`, as a kind's writer would.
async fn put(server: &TestServer, id: Uuid, owner: AccountId, audience: Audience, live: bool) {
    let mut body = resource_json(&format!("Record {id}"));
    body["id"] = serde_json::json!(id);
    server
        .state
        .storage
        .append_change_for_tests(
            "resource".into(),
            id,
            owner,
            audience,
            live.then(|| body.to_string()),
        )
        .await
        .unwrap();
}

/// What a pull says of one record: `Some(None)` the record, `Some(Some(reason))` a
/// tombstone, `None` nothing at all.
fn about(changes: &[Change], id: Uuid) -> Option<Option<TombstoneReason>> {
    changes.iter().find_map(|change| match change {
        Change::Resource { record, .. } if record.resource.id.0 == id => Some(None),
        Change::Tombstone {
            id: gone, reason, ..
        } if *gone == id => Some(Some(*reason)),
        _ => None,
    })
}

fn account(signed_in: &sharehub_core::wire::SignedIn) -> AccountId {
    signed_in.account.id
}

pub async fn each_audience_reaches_only_its_people(server: &TestServer) {
    let owner = server.register("aud-owner").await;
    let booker = server.register("aud-booker").await;
    let member = server.register("aud-member").await;
    let stranger = server.register("aud-stranger").await;
    let coordinator = server.register("aud-coordinator").await;
    server
        .state
        .storage
        .set_role(account(&coordinator), Role::Coordinator)
        .await
        .unwrap();
    let org = Uuid::now_v7();
    server
        .state
        .storage
        .add_organisation_member(org, account(&member))
        .await
        .unwrap();
    let owner_id = account(&owner);
    let audiences = [
        ("public", Audience::public()),
        ("owner only", Audience::owner_only()),
        ("people", Audience::people([account(&booker)])),
        ("organisation", Audience::organisation(org)),
        ("staff", Audience::staff()),
    ];
    let mut ids = Vec::new();
    for (_, audience) in &audiences {
        let id = Uuid::now_v7();
        put(server, id, owner_id, audience.clone(), true).await;
        ids.push(id);
    }
    // (person, which audiences reach them)
    let people = [
        ("owner", &owner, [true, true, true, true, true]),
        ("booker", &booker, [true, false, true, false, false]),
        ("member", &member, [true, false, false, true, false]),
        (
            "coordinator",
            &coordinator,
            [true, false, false, false, true],
        ),
        ("stranger", &stranger, [true, false, false, false, false]),
    ];
    let mut cursors = Vec::new();
    for (who, person, reached) in &people {
        let (changes, cursor) = pull_all(server, &person.token, 0, None).await;
        for ((name, _), (id, expected)) in audiences.iter().zip(ids.iter().zip(reached)) {
            let got = about(&changes, *id);
            assert_eq!(
                got.is_some(),
                *expected,
                "{who} and the {name} record: {changes:?}"
            );
        }
        cursors.push(cursor);
    }

    // Everyone leaves every audience but the owner's: those who were in one get "no longer
    // visible"; those who never were get nothing, not even the id.
    for id in &ids {
        put(server, *id, owner_id, Audience::owner_only(), true).await;
    }
    for ((who, person, reached), cursor) in people.iter().zip(&cursors) {
        let (changes, _) = pull_all(server, &person.token, *cursor, None).await;
        for ((name, _), (id, was_reached)) in audiences.iter().zip(ids.iter().zip(reached)) {
            let expected = match (*who, *was_reached) {
                ("owner", _) => Some(None),
                (_, true) => Some(Some(TombstoneReason::NoLongerVisible)),
                (_, false) => None,
            };
            assert_eq!(
                about(&changes, *id),
                expected,
                "{who} after the {name} record closed: {changes:?}"
            );
        }
    }

    // Deleted: a tombstone for the owner and for those it once reached; strangers to a
    // record that never reached them learn nothing.
    let (_, owner_cursor) = pull_all(server, &owner.token, 0, None).await;
    let (_, booker_cursor) = pull_all(server, &booker.token, 0, None).await;
    let (_, stranger_cursor) = pull_all(server, &stranger.token, 0, None).await;
    for id in &ids {
        put(server, *id, owner_id, Audience::owner_only(), false).await;
    }
    let (changes, _) = pull_all(server, &owner.token, owner_cursor, None).await;
    assert!(
        ids.iter()
            .all(|id| about(&changes, *id) == Some(Some(TombstoneReason::Deleted))),
        "{changes:?}"
    );
    let (changes, _) = pull_all(server, &booker.token, booker_cursor, None).await;
    assert_eq!(
        about(&changes, ids[2]),
        Some(Some(TombstoneReason::Deleted)),
        "the former booker: {changes:?}"
    );
    assert_eq!(about(&changes, ids[1]), None, "{changes:?}");
    let (changes, _) = pull_all(server, &stranger.token, stranger_cursor, None).await;
    let seen: Vec<_> = ids
        .iter()
        .filter(|id| about(&changes, **id).is_some())
        .collect();
    assert_eq!(
        seen,
        [&ids[0]],
        "a stranger hears only of the once-public record: {changes:?}"
    );
}

/// The pull of a device built on the first contract: no `kinds`, and its own (closed) enums
/// — a change of any other type would fail its whole page.
mod first_contract {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    #[allow(dead_code)] // read to check the shape an old device parses
    pub enum Change {
        Resource {
            seq: u64,
            record: Box<ResourceView>,
        },
        Tombstone {
            seq: u64,
            entity: Kind,
            id: Uuid,
            reason: TombstoneReason,
        },
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Kind {
        Resource,
    }

    #[derive(Debug, Deserialize)]
    pub struct Page {
        pub changes: Vec<Change>,
        pub next_since: u64,
        pub has_more: bool,
    }
}

pub async fn a_device_on_the_first_contract_syncs_past_kinds_it_does_not_know(server: &TestServer) {
    let owner = server.register("kinds-owner").await;
    let device = server.register("kinds-device").await;
    let owner_id = account(&owner);
    let mut expected = Vec::new();
    // Resources, with records of two kinds this device never heard of between them.
    for n in 0..4 {
        let resource = resource_json(&format!("Known {n}"));
        expected.push(resource["id"].as_str().unwrap().to_owned());
        server
            .post("/v1/resources", Some(&owner.token), resource)
            .await
            .expect(StatusCode::CREATED);
        for kind in ["poll_vote", "home_share_check_in"] {
            server
                .state
                .storage
                .append_change_for_tests(
                    kind.into(),
                    Uuid::now_v7(),
                    owner_id,
                    Audience::public(),
                    Some(r#"{"answer":"yes"}"#.into()),
                )
                .await
                .unwrap();
        }
    }
    // The unknown kinds end the log: the device's cursor must still move past them.
    let latest = server.state.storage.change_notifier().newest().seq;
    let mut cursor = 0;
    let mut seen = Vec::new();
    loop {
        let page: first_contract::Page = server
            .get(
                &format!("/v1/sync/changes?since={cursor}&limit=2"),
                Some(&device.token),
            )
            .await
            .expect(StatusCode::OK)
            .json();
        for change in page.changes {
            match change {
                first_contract::Change::Resource { record, .. } => {
                    seen.push(record.resource.id.to_string())
                }
                other => panic!("nothing was deleted: {other:?}"),
            }
        }
        cursor = page.next_since;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(
        seen, expected,
        "the device ends equal to the server's resources"
    );
    assert_eq!(cursor, latest, "the cursor reaches the end of the log");
    // A device that says it knows only resources gets the same; an unknown name is ignored.
    let (changes, _) = pull_all(server, &device.token, 0, Some("resource,poll_vote")).await;
    assert_eq!(changes.len(), expected.len(), "{changes:?}");
    // A retire reaches the old device as a tombstone of a kind it knows.
    server
        .delete(
            &format!("/v1/resources/{}", expected[0]),
            Some(&owner.token),
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    let page: first_contract::Page = server
        .get(
            &format!("/v1/sync/changes?since={cursor}"),
            Some(&device.token),
        )
        .await
        .expect(StatusCode::OK)
        .json();
    assert!(
        matches!(page.changes.as_slice(), [first_contract::Change::Tombstone { id, reason: TombstoneReason::Deleted, .. }] if id.to_string() == expected[0]),
        "{:?}",
        page.changes
    );
}
