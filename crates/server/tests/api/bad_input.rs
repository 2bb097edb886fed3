//! Bad input of every kind gets a specific 4xx problem, and nothing is stored.

use reqwest::{Method, StatusCode};
use serde_json::json;
use sharehub_core::wire::ChangesPage;

use crate::support::{resource_json, TestServer};

async fn nothing_stored(server: &TestServer, token: &str) {
    let page: ChangesPage = server
        .get("/v1/sync/changes", Some(token))
        .await
        .expect(StatusCode::OK)
        .json();
    assert!(page.changes.is_empty(), "{:?}", page.changes);
}

pub async fn malformed_bodies_are_refused_with_specific_problems(server: &TestServer) {
    let user = server.register("careless").await;
    let token = Some(user.token.as_str());
    let post = |content_type: &'static str, body: Vec<u8>| {
        server.raw(Method::POST, "/v1/resources", token, content_type, body)
    };
    let problem = post("application/json", b"{\"id\": ".to_vec())
        .await
        .problem(StatusCode::BAD_REQUEST, "malformed-json");
    assert!(
        problem["detail"].as_str().unwrap().contains("line 1"),
        "{problem}"
    );
    post(
        "application/json",
        format!("{} trailing", resource_json("Trailing")).into_bytes(),
    )
    .await
    .problem(StatusCode::BAD_REQUEST, "malformed-json");

    let mut wrong_type = resource_json("Wrong type");
    wrong_type["capacity"] = json!("ten");
    let problem = post("application/json", wrong_type.to_string().into_bytes())
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "wrong-shape");
    assert_eq!(problem["problems"][0]["field"], "capacity", "{problem}");

    let mut unknown = resource_json("Unknown field");
    unknown["colour"] = json!("red");
    let problem = post("application/json", unknown.to_string().into_bytes())
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "wrong-shape");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{problem}"
    );

    let mut bytes = resource_json("Bad UTF-8").to_string().into_bytes();
    let at = bytes.iter().position(|b| *b == b'B').unwrap();
    bytes[at] = 0xff;
    let problem = post("application/json", bytes)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid-utf8");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("offset {at}")),
        "{problem}"
    );

    let mut huge = resource_json("Huge");
    huge["description"]["en"] = json!("x".repeat(2 * 1024 * 1024));
    post("application/json", huge.to_string().into_bytes())
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large");

    post(
        "text/plain",
        resource_json("Plain").to_string().into_bytes(),
    )
    .await
    .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");

    for (lat, lon, field) in [
        (91.0, 126.9, "location"),
        (37.5, 181.0, "location"),
        (-90.5, 0.0, "location"),
    ] {
        let mut out_of_range = resource_json("Out of range");
        out_of_range["location"] = json!({"lat": lat, "lon": lon});
        let problem = post("application/json", out_of_range.to_string().into_bytes())
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
        assert_eq!(problem["problems"][0]["field"], field, "{problem}");
    }
    let mut empty_name = resource_json("x");
    empty_name["name"]["en"] = json!("   ");
    empty_name["capacity"] = json!(0);
    let problem = post("application/json", empty_name.to_string().into_bytes())
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    let fields: Vec<&str> = problem["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name.en", "capacity"]);

    server
        .raw(
            Method::POST,
            "/v1/sync/mutations",
            token,
            "application/json",
            b"{\"mutations\": {}}".to_vec(),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "wrong-shape");
    nothing_stored(server, &user.token).await;
}

pub async fn bad_queries_and_ids_are_refused(server: &TestServer) {
    for (query, status, slug) in [
        (
            "?bbox=1,2,3",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-field",
        ),
        (
            "?bbox=0,95,1,96",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-field",
        ),
        ("?kind=spaceship", StatusCode::BAD_REQUEST, "invalid-query"),
        (
            "?limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-field",
        ),
        ("?limit=abc", StatusCode::BAD_REQUEST, "invalid-query"),
        ("?colour=red", StatusCode::BAD_REQUEST, "invalid-query"),
        (
            "?after=1%27%20OR%201=1",
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
    ] {
        let problem = server
            .get(&format!("/v1/resources{query}"), None)
            .await
            .problem(status, slug);
        assert!(!problem["detail"].as_str().unwrap().is_empty(), "{query}");
    }
    let long = "가".repeat(101);
    server
        .get(&format!("/v1/resources?q={long}"), None)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    for path in [
        "/v1/resources/1%20OR%201=1",
        "/v1/resources/%FF%FE",
        "/v1/resources/%C0",
    ] {
        server
            .get(path, None)
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
    }
}

pub async fn markup_and_sql_in_text_fields(server: &TestServer) {
    let user = server.register("tricky").await;
    let token = Some(user.token.as_str());
    let mut html = resource_json("html");
    html["name"]["en"] = json!("<script>alert('x')</script>");
    html["description"]["ko"] = json!("<img src=x onerror=alert(1)>");
    let problem = server
        .post("/v1/resources", token, html)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    let fields: Vec<&str> = problem["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name.en", "description.ko"]);
    assert!(problem["detail"].as_str().unwrap().contains("plain text"));

    // SQL in fields with a format is refused by that format.
    let mut sql_kind = resource_json("sql");
    sql_kind["kind"] = json!("tool'; DROP TABLE resource; --");
    server
        .post("/v1/resources", token, sql_kind)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "wrong-shape");
    let mut sql_id = resource_json("sql");
    sql_id["id"] = json!("1; DROP TABLE resource");
    server
        .post("/v1/resources", token, sql_id)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "wrong-shape");
    server
        .post(
            "/v1/sessions",
            None,
            json!({"login": "admin' OR '1'='1", "password": "x' OR '1'='1"}),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    server
        .post(
            "/v1/accounts",
            None,
            json!({"email": "x'--@example.kr<script>", "password": "correct horse battery"}),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field");
    nothing_stored(server, &user.token).await;

    // In free text, SQL is only text: values are bound, never spliced into SQL, so a name
    // like this is stored as written and the tables are intact.
    let mut sql_text = resource_json("sql text");
    sql_text["name"]["en"] = json!("Robert'); DROP TABLE resource;--");
    let created: sharehub_core::wire::ResourceView = server
        .post("/v1/resources", token, sql_text)
        .await
        .expect(StatusCode::CREATED)
        .json();
    assert_eq!(created.resource.name.en, "Robert'); DROP TABLE resource;--");
    let found: sharehub_core::wire::ResourceListPage = server
        .get("/v1/resources?q=%27%29%3B%20DROP", None)
        .await
        .expect(StatusCode::OK)
        .json();
    assert_eq!(found.resources.len(), 1);
}
