//! GraphQL over HTTP (DESIGN.md §4): GraphiQL for a browser, queries over GET but never
//! mutations, health and readiness probes, the request body limit, and errors that never
//! carry internal details to a client.

use alliance_tests::{Fixture, TestApp, error_code, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A fresh server with the fixture loaded, and a district administrator's token.
async fn world() -> (TestApp, Fixture, String) {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    (app, f, admin)
}

fn graphql_url(app: &TestApp) -> String {
    format!("{}/graphql", app.address)
}

/// GETs `/graphql` with `params` as the query string, as `token`.
async fn get_graphql(app: &TestApp, token: &str, params: &[(&str, &str)]) -> reqwest::Response {
    app.client()
        .get(graphql_url(app))
        .query(params)
        .bearer_auth(token)
        .header("accept", "application/json")
        .send()
        .await
        .expect("send")
}

/// POSTs `body` as JSON to `/graphql`, as `token`.
async fn post_raw(app: &TestApp, token: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
    app.client()
        .post(graphql_url(app))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send")
}

async fn school_count(app: &TestApp, token: &str) -> Value {
    app.graphql("{ schools { totalCount } }", json!({}), Some(token))
        .await["data"]["schools"]["totalCount"]
        .clone()
}

/// Words that only internals would put in an error: SQL, database and crate names,
/// source paths, panics.
const INTERNAL_WORDS: [&str; 12] = [
    "select ",
    "insert into",
    "sqlite",
    "postgres",
    "sqlx",
    "sea_orm",
    "seaorm",
    "constraint",
    "relation \"",
    ".rs:",
    "/work/",
    "panicked",
];

/// Asserts that no error message in `body` (a response's text) gives internals away.
fn assert_no_internals(what: &str, body: &str) {
    let messages: Vec<String> = match serde_json::from_str::<Value>(body) {
        Ok(json) => json["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| format!("{} {}", e["message"], e["extensions"]))
                    .collect()
            })
            .unwrap_or_default(),
        Err(_) => vec![body.to_owned()],
    };
    for message in messages {
        let lower = message.to_lowercase();
        for word in INTERNAL_WORDS {
            assert!(
                !lower.contains(word),
                "{what}: an error gives `{word}` away: {message}"
            );
        }
    }
}

// GraphiQL and GET

#[tokio::test]
async fn a_browser_gets_graphiql_on_get_graphql() {
    let (app, _, _) = world().await;
    let response = app.get("/graphql", "text/html").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = response.text().await.expect("body");
    assert!(body.to_lowercase().contains("graphiql"), "{body}");
}

#[tokio::test]
async fn a_query_over_get_is_executed() {
    let (app, _, admin) = world().await;
    let response = get_graphql(&app, &admin, &[("query", "{viewer{subject}}")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "subject": "admin" } } })
    );
}

#[tokio::test]
async fn a_query_over_get_takes_variables_and_an_operation_name() {
    let (app, f, admin) = world().await;
    let variables = json!({ "id": f.student_1 }).to_string();
    let response = get_graphql(
        &app,
        &admin,
        &[
            ("query", "query Who($id: ID!) { student(id: $id) { name } }"),
            ("variables", &variables),
            ("operationName", "Who"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["student"]["name"], "Maya Lopez", "{body}");
}

#[tokio::test]
async fn a_mutation_over_get_is_refused_with_405_and_changes_nothing() {
    let (app, _, admin) = world().await;
    let mutation = r#"mutation { createSchool(input: { name: "Sneaky" }) { school { id } } }"#;
    let disguised = "# only a comment\n  mutation Sneak { createSchool(input: { name: \"Sneaky\" }) { school { id } } }";
    let mixed = r#"query Look { viewer { subject } } mutation Sneak { createSchool(input: { name: "Sneaky" }) { school { id } } }"#;
    for params in [
        vec![("query", mutation)],
        vec![("query", disguised)],
        vec![("query", mixed), ("operationName", "Sneak")],
        vec![("operationName", "Sneak"), ("query", mixed)],
    ] {
        let response = get_graphql(&app, &admin, &params).await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{params:?}"
        );
    }
    assert_eq!(school_count(&app, &admin).await, 2, "no school was created");
}

#[tokio::test]
async fn a_get_request_runs_the_operation_named_by_operation_name() {
    let (app, _, admin) = world().await;
    // GraphQL over HTTP names the parameter `operationName`, in GET as in POST.
    let two = "query First { viewer { subject } } query Second { viewer { roles } }";
    let response = get_graphql(&app, &admin, &[("query", two), ("operationName", "Second")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "roles": ["DISTRICT_ADMIN"] } } })
    );
    // So the query of a document that also holds a mutation may be run over GET.
    let mixed = r#"query Look { viewer { subject } } mutation Sneak { createSchool(input: { name: "Sneaky" }) { school { id } } }"#;
    let response = get_graphql(&app, &admin, &[("query", mixed), ("operationName", "Look")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "subject": "admin" } } })
    );
    assert_eq!(school_count(&app, &admin).await, 2, "no school was created");
}

// probes

#[tokio::test]
async fn healthz_answers_200() {
    let (app, _, _) = world().await;
    let response = app.get("/healthz", "text/plain").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_answers_200_when_the_database_is_reachable() {
    let (app, _, _) = world().await;
    let response = app.get("/readyz", "text/plain").await;
    assert_eq!(response.status(), StatusCode::OK);
}

// limits and errors

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_with_413_and_the_server_keeps_answering() {
    let (app, _, admin) = world().await;
    let padding = "x".repeat(1024 * 1024 + 1);
    let body = json!({
        "query": "mutation($input: CreateSchoolInput!) { createSchool(input: $input) { school { id } } }",
        "variables": { "input": { "name": "Huge" }, "padding": padding },
    })
    .to_string();
    let response = post_raw(&app, &admin, body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = response.text().await.unwrap_or_default();
    assert_no_internals("a body over the limit", &text);

    assert_eq!(school_count(&app, &admin).await, 2, "nothing was executed");
    let health = app.get("/healthz", "text/plain").await;
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_body_under_the_limit_is_accepted() {
    let (app, _, admin) = world().await;
    let padding = "x".repeat(900 * 1024);
    let body = json!({
        "query": "{ viewer { subject } }",
        "variables": { "padding": padding },
    })
    .to_string();
    let response = post_raw(&app, &admin, body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["viewer"]["subject"], "admin", "{body}");
}

#[tokio::test]
async fn malformed_json_is_a_client_error_without_internal_details() {
    let (app, _, admin) = world().await;
    for body in [
        "{\"query\": ",
        "not json at all",
        "[1, 2, 3]",
        "{\"query\": 42}",
        "",
    ] {
        let response = post_raw(&app, &admin, body).await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(
            status.is_client_error() || status == StatusCode::OK,
            "{body:?} gave {status}: {text}"
        );
        assert_no_internals(body, &text);
        // A GraphQL client reads errors as JSON with a code, never a debug dump.
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
            panic!("{body:?} gave {status} and a body that is not JSON: {text}")
        });
        assert_eq!(
            error_code(&json),
            Some("BAD_USER_INPUT"),
            "{body:?}: {text}"
        );
    }
    let health = app.get("/healthz", "text/plain").await;
    assert_eq!(health.status(), StatusCode::OK);
}

/// Documents the server cannot run: an unknown operation, field or type, a syntax error.
const INVALID_DOCUMENTS: [&str; 4] = [
    r#"{ "query": "query Known { viewer { subject } }", "operationName": "Unknown" }"#,
    r#"{ "query": "{ noSuchField }" }"#,
    r#"{ "query": "subscription { allianceEvents(allianceId: \"x\") { id } }" }"#,
    r#"{ "query": "query { viewer { subject } " }"#,
];

#[tokio::test]
async fn an_unknown_operation_is_an_error_response_not_a_500() {
    let (app, _, admin) = world().await;
    for request in INVALID_DOCUMENTS {
        let response = post_raw(&app, &admin, request).await;
        let status = response.status();
        assert!(!status.is_server_error(), "{request}: {status}");
        let text = response.text().await.expect("body");
        let body: Value = serde_json::from_str(&text).expect("a JSON error body");
        assert!(
            body["errors"].as_array().is_some_and(|e| !e.is_empty()),
            "{request}: {body}"
        );
        assert_no_internals(request, &text);
    }
}

#[tokio::test]
async fn an_invalid_document_is_answered_with_the_bad_user_input_code() {
    let (app, _, admin) = world().await;
    for request in INVALID_DOCUMENTS {
        let body: Value = post_raw(&app, &admin, request)
            .await
            .json()
            .await
            .expect("json");
        for error in body["errors"].as_array().expect("errors") {
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "every error carries extensions.code (DESIGN.md §4): {request} gave {body}"
            );
        }
    }
}

/// Requests that reach the database in odd ways: none may give SQL away.
fn awkward_requests(f: &Fixture) -> Vec<(&'static str, Value)> {
    let students = "query($filter: StudentFilter) { students(filter: $filter) { totalCount } }";
    let add_member = "mutation($input: AddAllianceMemberInput!) { addAllianceMember(input: $input) { member { id } userErrors { code } } }";
    let create_person = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } userErrors { code } } }";
    let create_alliance = "mutation($input: CreateAllianceInput!) { createAlliance(input: $input) { alliance { id } userErrors { code } } }";
    let create_goal = "mutation($input: CreateGoalInput!) { createGoal(input: $input) { goal { id } userErrors { code } } }";
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let bogus_uuid_id = "U3R1ZGVudDpub3QtYS11dWlk"; // base64url of "Student:not-a-uuid"
    vec![
        (
            students,
            json!({ "filter": { "search": "'; DROP TABLE student; --" } }),
        ),
        (students, json!({ "filter": { "search": "%_\\" } })),
        (students, json!({ "filter": { "search": "nul\u{0}byte" } })),
        (students, json!({ "filter": { "gradeLevel": "\u{0}" } })),
        (
            students,
            json!({ "filter": { "schoolId": "U2Nob29sOnNjaG9vbA" } }),
        ),
        (node, json!({ "id": bogus_uuid_id })),
        (
            add_member,
            json!({ "input": { "allianceId": f.alliance_1, "personId": f.support_person, "role": "OTHER" } }),
        ),
        (
            create_person,
            json!({ "input": { "displayName": "Dup", "subject": "staff-a" } }),
        ),
        (
            create_person,
            json!({ "input": { "displayName": "nul\u{0}name" } }),
        ),
        (
            create_alliance,
            json!({ "input": { "studentId": f.student_1 } }),
        ),
        (
            create_goal,
            json!({ "input": { "allianceId": f.alliance_1, "ownWords": "x".repeat(5000), "expressedById": f.student_member_1 } }),
        ),
        (
            create_goal,
            json!({ "input": { "allianceId": f.alliance_1, "ownWords": "ok", "expressedById": f.student_member_1, "priority": 3000000000u64 } }),
        ),
    ]
}

#[tokio::test]
async fn no_error_message_gives_sql_or_database_details_away() {
    let (app, f, admin) = world().await;
    for (query, variables) in awkward_requests(&f) {
        let response = app
            .client()
            .post(graphql_url(&app))
            .bearer_auth(&admin)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("send");
        let status = response.status();
        let text = response.text().await.expect("body");
        let what = format!("{query} with {variables}");
        assert!(!status.is_server_error(), "{what}: {status} {text}");
        assert_no_internals(&what, &text);
        let body: Value = serde_json::from_str(&text).expect("json");
        for error in body["errors"].as_array().into_iter().flatten() {
            if error["extensions"]["code"] == "INTERNAL" {
                assert_eq!(error["message"], "internal error", "{what}: {text}");
            }
        }
    }
}

#[tokio::test]
async fn user_input_never_yields_an_internal_error() {
    let (app, f, admin) = world().await;
    for (query, variables) in awkward_requests(&f) {
        let response = app.graphql(query, variables.clone(), Some(&admin)).await;
        assert_ne!(
            error_code(&response),
            Some("INTERNAL"),
            "{query} with {variables}: {response}"
        );
    }
}

/// `/metrics` counts requests and SQL statements, and holds nothing else.
#[tokio::test]
async fn metrics_count_requests_and_statements() {
    let (app, _, token) = world().await;
    let read = |text: &str, name: &str| -> u64 {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    let before = app
        .get("/metrics", "text/plain")
        .await
        .text()
        .await
        .expect("text");
    school_count(&app, &token).await;
    let response = app.get("/metrics", "text/plain").await;
    assert_eq!(response.status(), 200);
    let after = response.text().await.expect("text");
    assert_eq!(
        read(&after, "alliance_graphql_requests_total"),
        read(&before, "alliance_graphql_requests_total") + 1
    );
    assert!(
        read(&after, "alliance_sql_statements_total")
            > read(&before, "alliance_sql_statements_total"),
        "{after}"
    );
    assert!(
        after
            .lines()
            .all(|l| l.starts_with('#') || l.starts_with("alliance_"))
    );
}
