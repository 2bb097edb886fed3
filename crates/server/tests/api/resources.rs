//! Creating, updating, retiring and listing shared resources.

use reqwest::StatusCode;
use serde_json::json;
use sharehub_core::wire::{ResourceListPage, ResourceView};

use crate::support::{resource_json, TestServer};

pub async fn create_get_update_and_retire(server: &TestServer) {
    let owner = server.register("owner").await;
    let token = Some(owner.token.as_str());
    let mut resource = resource_json("Drill");
    let id = resource["id"].as_str().unwrap().to_owned();
    let created: ResourceView = server
        .post("/v1/resources", token, resource.clone())
        .await
        .expect(StatusCode::CREATED)
        .json();
    assert_eq!(created.owner_id, owner.account.id);
    assert!(created.exact);
    assert_eq!(created.resource.name.en, "Drill");

    let anonymous: ResourceView = server
        .get(&format!("/v1/resources/{id}"), None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(anonymous, created);

    server
        .post("/v1/resources", token, resource.clone())
        .await
        .problem(StatusCode::CONFLICT, "conflict");

    resource["name"]["en"] = json!("Cordless drill");
    resource["capacity"] = json!(2);
    let updated: ResourceView = server
        .put(&format!("/v1/resources/{id}"), token, resource.clone())
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(updated.resource.name.en, "Cordless drill");
    assert!(updated.version > created.version);

    // An edit made on the old version is refused with a 409.
    resource["name"]["en"] = json!("Stale edit");
    let problem = server
        .put(
            &format!("/v1/resources/{id}?base_version={}", created.version),
            token,
            resource.clone(),
        )
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    assert!(
        problem["detail"].as_str().unwrap().contains("reload"),
        "{problem}"
    );

    // The path and body ids must agree.
    let mut other_id = resource.clone();
    other_id["id"] = json!(uuid::Uuid::now_v7());
    server
        .put(&format!("/v1/resources/{id}"), token, other_id)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    server
        .put(&format!("/v1/resources/{}", uuid::Uuid::now_v7()), token, {
            let mut missing = resource.clone();
            missing["id"] = json!(uuid::Uuid::nil());
            missing
        })
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");

    server
        .delete(&format!("/v1/resources/{id}"), token)
        .await
        .expect(StatusCode::NO_CONTENT);
    server
        .get(&format!("/v1/resources/{id}"), None)
        .await
        .problem(StatusCode::GONE, "retired");
    server
        .delete(&format!("/v1/resources/{id}"), token)
        .await
        .problem(StatusCode::GONE, "retired");
    server
        .put(&format!("/v1/resources/{id}"), token, resource)
        .await
        .problem(StatusCode::GONE, "retired");
    let page: ResourceListPage = server
        .get("/v1/resources", None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert!(page.resources.is_empty());
    server
        .get(&format!("/v1/resources/{}", uuid::Uuid::now_v7()), None)
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

pub async fn listing_filters_by_kind_bbox_and_text(server: &TestServer) {
    let owner = server.register("lister").await;
    let token = Some(owner.token.as_str());
    let mut room = resource_json("Mangwon meeting room");
    room["kind"] = json!("room");
    room["name"]["ko"] = json!("망원 공유회의실");
    let mut far = resource_json("Gangnam workspace");
    far["kind"] = json!("workspace");
    far["name"]["ko"] = json!("강남 공유오피스");
    far["neighborhood"] = json!({"ko": "역삼동", "en": "Yeoksam-dong"});
    far["district"] = json!({"ko": "강남구", "en": "Gangnam-gu"});
    far["location"] = json!({"lat": 37.5006, "lon": 127.0364});
    let tool = resource_json("Ladder 100%_wide");
    for resource in [&room, &far, &tool] {
        server
            .post("/v1/resources", token, resource.clone())
            .await
            .expect(StatusCode::CREATED);
    }
    let names = |page: ResourceListPage| -> Vec<String> {
        let mut names: Vec<String> = page.resources.into_iter().map(|r| r.name.en).collect();
        names.sort();
        names
    };
    let list = |query: &str| {
        let path = format!("/v1/resources{query}");
        async move {
            server
                .get(&path, None)
                .await
                .expect(StatusCode::OK)
                .json::<ResourceListPage>()
        }
    };
    assert_eq!(names(list("").await).len(), 3);
    assert_eq!(names(list("?kind=room").await), ["Mangwon meeting room"]);
    assert_eq!(
        names(list("?bbox=127.0,37.45,127.1,37.55").await),
        ["Gangnam workspace"]
    );
    assert_eq!(
        names(list("?q=%EA%B0%95%EB%82%A8").await),
        ["Gangnam workspace"],
        "강남"
    );
    assert_eq!(names(list("?q=YEOKSAM").await), ["Gangnam workspace"]);
    assert_eq!(
        names(list("?q=%EB%A7%9D%EC%9B%90&kind=room").await),
        ["Mangwon meeting room"],
        "망원"
    );
    assert_eq!(
        names(list("?q=100%25_").await),
        ["Ladder 100%_wide"],
        "wildcards match literally"
    );
    assert!(names(list("?q=%25").await).len() == 1);
    // Paging by id.
    let first = list("?limit=2").await;
    assert_eq!(first.resources.len(), 2);
    let after = first.next_after.unwrap();
    let second = list(&format!("?limit=2&after={after}")).await;
    assert_eq!(second.resources.len(), 1);
    assert!(second.next_after.is_none());
}

pub async fn another_user_can_neither_change_nor_see_the_exact_spot_of_my_resource(
    server: &TestServer,
) {
    let owner = server.register("parking-owner").await;
    let stranger = server.register("stranger").await;
    let mut spot = resource_json("Parking spot");
    spot["kind"] = json!("parking_space");
    spot["visibility"] = json!("confirmed_bookers");
    spot["location"] = json!({"lat": 37.556789, "lon": 126.912345});
    let id = spot["id"].as_str().unwrap().to_owned();
    server
        .post("/v1/resources", Some(&owner.token), spot.clone())
        .await
        .expect(StatusCode::CREATED);
    // Reading: the stranger (and anonymous people) get a blurred place and no street address.
    for token in [Some(stranger.token.as_str()), None] {
        let seen: ResourceView = server
            .get(&format!("/v1/resources/{id}"), token)
            .await
            .expect(StatusCode::OK)
            .json();
        assert!(!seen.exact);
        assert_eq!(
            (seen.resource.location.lat, seen.resource.location.lon),
            (37.56, 126.91)
        );
        assert!(
            !seen.resource.address.en.contains("World Cup-ro"),
            "{:?}",
            seen.resource.address
        );
        let listed: ResourceListPage = server
            .get("/v1/resources", token)
            .await
            .expect(StatusCode::OK)
            .json();
        assert_eq!(listed.resources[0].location.lat, 37.56);
    }
    let exact: ResourceView = server
        .get(&format!("/v1/resources/{id}"), Some(&owner.token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert!(exact.exact);
    assert_eq!(exact.resource.location.lat, 37.556789);
    // Changing: the stranger can neither update nor retire it.
    let mut edit = spot.clone();
    edit["name"]["en"] = json!("Mine now");
    server
        .put(&format!("/v1/resources/{id}"), Some(&stranger.token), edit)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    server
        .delete(&format!("/v1/resources/{id}"), Some(&stranger.token))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let after: ResourceView = server
        .get(&format!("/v1/resources/{id}"), Some(&owner.token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(after, exact, "nothing changed");
}

pub async fn bike_stations_are_for_coordinators(server: &TestServer) {
    let resident = server.register("resident").await;
    let mut station = resource_json("Station");
    station["kind"] = json!("bike_station");
    server
        .post("/v1/resources", Some(&resident.token), station.clone())
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    sharehub_server::seed::seed_demo(&server.state, include_str!("../fixtures/demo-small.json"))
        .await
        .unwrap();
    let coordinator: sharehub_core::wire::SignedIn = server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "coordinator@demo.sharehub.kr", "password": sharehub_server::seed::DEMO_PASSWORD}),
        )
        .await
        .expect(StatusCode::CREATED)
        .json();
    server
        .post("/v1/resources", Some(&coordinator.token), station)
        .await
        .expect(StatusCode::CREATED);
}

async fn lists(server: &TestServer, token: Option<String>, query: String, id: String) -> bool {
    let page: ResourceListPage = server
        .get(&format!("/v1/resources?{query}"), token.as_deref())
        .await
        .expect(StatusCode::OK)
        .json();
    page.resources.iter().any(|r| r.id.to_string() == id)
}

/// Issue 13 (the hidden place leaks): a stranger bisecting boxes or searching the street of
/// a resource shown only to confirmed bookers learns nothing finer than its blurred cell;
/// the owner and coordinators still find it by its exact place and address.
pub async fn a_hidden_place_is_not_found_by_boxes_or_words(server: &TestServer) {
    let owner = server.register("hidden-owner").await;
    let stranger = server.register("hidden-stranger").await;
    let coordinator = server.register("hidden-coordinator").await;
    server
        .state
        .storage
        .set_role(
            coordinator.account.id,
            sharehub_core::wire::Role::Coordinator,
        )
        .await
        .unwrap();
    let mut spot = resource_json("Hidden parking");
    spot["kind"] = json!("parking_space");
    spot["visibility"] = json!("confirmed_bookers");
    spot["location"] = json!({"lat": 37.556789, "lon": 126.912345});
    spot["address"] = json!({"ko": "서울 마포구 성미산로 17길 9", "en": "9 Seongmisan-ro 17-gil"});
    let id = spot["id"].as_str().unwrap().to_owned();
    server
        .post("/v1/resources", Some(&owner.token), spot)
        .await
        .expect(StatusCode::CREATED);
    let finds = |token: Option<String>, query: String| lists(server, token, query, id.clone());
    let bbox = |(w, s, e, n): (f64, f64, f64, f64)| format!("bbox={w},{s},{e},{n}");
    let (exact_lat, exact_lon) = (37.556789, 126.912345);
    let (cell_lat, cell_lon) = (37.56, 126.91);
    for token in [Some(stranger.token.clone()), None] {
        // Bisect a box around both points 30 times, keeping the half that still lists it.
        let mut b = (126.90, 37.55, 126.92, 37.57);
        assert!(finds(token.clone(), bbox(b)).await);
        for step in 0..30 {
            let (w, s, e, n) = b;
            let halves = if step % 2 == 0 {
                [(w, s, (w + e) / 2.0, n), ((w + e) / 2.0, s, e, n)]
            } else {
                [(w, s, e, (s + n) / 2.0), (w, (s + n) / 2.0, e, n)]
            };
            let mut kept = None;
            for half in halves {
                if finds(token.clone(), bbox(half)).await {
                    kept = Some(half);
                    break;
                }
            }
            b = kept.expect("one half of the box lists the resource");
        }
        let (w, s, e, n) = b;
        assert!(
            (w..=e).contains(&cell_lon) && (s..=n).contains(&cell_lat),
            "the boxes close in on the blurred cell: {b:?}"
        );
        assert!(
            !((w..=e).contains(&exact_lon) && (s..=n).contains(&exact_lat)),
            "the boxes must not close in on the exact spot: {b:?}"
        );
        // A box around the exact spot only, and the street's words, find nothing.
        let tiny = (
            exact_lon - 0.0005,
            exact_lat - 0.0005,
            exact_lon + 0.0005,
            exact_lat + 0.0005,
        );
        assert!(!finds(token.clone(), bbox(tiny)).await);
        assert!(!finds(token.clone(), "q=Seongmisan-ro".into()).await);
        assert!(!finds(token.clone(), "q=성미산로".into()).await);
        // The public words still find it.
        assert!(finds(token.clone(), "q=Hidden parking".into()).await);
        assert!(finds(token.clone(), "q=망원동".into()).await);
    }
    for person in [&owner, &coordinator] {
        let token = Some(person.token.clone());
        let tiny = (
            exact_lon - 0.0005,
            exact_lat - 0.0005,
            exact_lon + 0.0005,
            exact_lat + 0.0005,
        );
        assert!(finds(token.clone(), bbox(tiny)).await);
        assert!(finds(token, "q=Seongmisan-ro".into()).await);
    }
}
