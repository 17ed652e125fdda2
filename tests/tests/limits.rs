//! Query abuse: depth, cost, aliases, root fields, batching, the time limit and the
//! per-subject rate limit, each exceeded over HTTP against the real server.

use std::num::{NonZeroU32, NonZeroUsize};
use std::time::{Duration, Instant};

use alliance_graphql::Limits;
use alliance_server::{HttpLimits, RateLimit};
use alliance_tests::{Fixture, TestApp, error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

/// The caseload dashboard a front end's home page asks for.
const DASHBOARD: &str = r#"
  students(first: 50) {
    totalCount
    nodes {
      id name
      school { name }
      alliance {
        phase
        members { nodes { role relationship person { displayName } } }
        goals {
          nodes {
            ownWords
            familyDisagrees
            progressSummary { count latestValue percentOfTarget slopePerWeek }
            progress(last: 5) { totalCount nodes { observedAt value note } }
          }
        }
        health { status openConcerns daysSinceFeedbackRequested reasons { code } }
        feedbackResponses(first: 1) { nodes { total concern { open reasons } } }
      }
    }
  }"#;

fn dashboard() -> String {
    format!("query Dashboard {{ {DASHBOARD} }}")
}

fn aliased_dashboards(copies: usize) -> String {
    let fields: Vec<String> = (0..copies).map(|i| format!("d{i}: {DASHBOARD}")).collect();
    format!("query Dashboards {{ {} }}", fields.join("\n"))
}

fn message(response: &Value) -> &str {
    response["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
}

/// The cost the server finds for `query`, read from its refusal under a limit of 1.
async fn cost_of(query: &str) -> u64 {
    let app = spawn_app_with(
        Limits {
            complexity: 1,
            aliases: 1_000,
            root_fields: 1_000,
            ..Limits::default()
        },
        HttpLimits::default(),
    )
    .await;
    let f = Fixture::load(&app).await;
    let response = app
        .graphql(query, json!({}), Some(&f.district_admin(&app)))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    let text = message(&response);
    let number = text
        .split("about ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok());
    number.unwrap_or_else(|| panic!("no cost in {text:?}"))
}

#[tokio::test]
async fn the_dashboard_of_fifty_fits_comfortably_and_fifty_aliased_copies_do_not() {
    let limit = Limits::default().complexity;
    let one = cost_of(&dashboard()).await;
    assert!(
        one * 3 <= limit,
        "the dashboard costs {one}; the default limit {limit} should fit it three times over"
    );
    eprintln!("the dashboard of 50 costs {one} (limit {limit})");
    let fifty = cost_of(&aliased_dashboards(50)).await;
    assert_eq!(
        fifty,
        one * 50,
        "aliased copies cost as much as the originals"
    );
    assert!(fifty > limit, "50 copies cost {fifty}, under {limit}");

    // With the alias and root-field caps out of the way, the cost alone refuses them.
    let app = spawn_app_with(
        Limits {
            aliases: 1_000,
            root_fields: 1_000,
            ..Limits::default()
        },
        HttpLimits::default(),
    )
    .await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let response = app.graphql(&dashboard(), json!({}), Some(&token)).await;
    assert!(response.get("errors").is_none(), "{response}");
    assert!(
        response["data"]["students"]["totalCount"].as_i64() > Some(0),
        "{response}"
    );
    let response = app
        .graphql(&aliased_dashboards(50), json!({}), Some(&token))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    assert!(message(&response).contains("too complex"), "{response}");
    assert!(response["data"].is_null(), "{response}");
}

#[tokio::test]
async fn a_connection_costs_as_many_items_as_its_page() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let nested = |outer: u32| {
        format!(
            "{{ students(first: {outer}) {{ nodes {{ alliance {{ goals(first: 100) {{ nodes {{ \
             progress(first: 100) {{ nodes {{ value note observedAt }} }} }} }} }} }} }} }}"
        )
    };
    let response = app.graphql(&nested(100), json!({}), Some(&token)).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    assert!(message(&response).contains("too complex"), "{response}");

    let response = app.graphql(&nested(2), json!({}), Some(&token)).await;
    assert!(response.get("errors").is_none(), "{response}");

    // The page size may come from a variable.
    let query = "query($n: Int!) { students(first: $n) { nodes { alliance { goals(first: 100) { \
                 nodes { progress(first: 100) { nodes { value note observedAt } } } } } } } }";
    let response = app.graphql(query, json!({ "n": 100 }), Some(&token)).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    let response = app.graphql(query, json!({ "n": 2 }), Some(&token)).await;
    assert!(response.get("errors").is_none(), "{response}");
}

#[tokio::test]
async fn nodes_by_id_cost_as_many_items_as_ids() {
    let app = spawn_app_with(
        Limits {
            complexity: 2_000,
            ..Limits::default()
        },
        HttpLimits::default(),
    )
    .await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Student { alliance { goals { \
                 nodes { ownWords } } } } } }";
    let one = app
        .graphql(query, json!({ "ids": [f.student_1] }), Some(&token))
        .await;
    assert!(one.get("errors").is_none(), "{one}");
    let many: Vec<&str> = std::iter::repeat_n(f.student_1.as_str(), 50).collect();
    let response = app
        .graphql(query, json!({ "ids": many }), Some(&token))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
}

async fn many(app: &TestApp, token: &str, field: &str, copies: usize, alias: bool) -> Value {
    let fields: Vec<String> = (0..copies)
        .map(|i| {
            if alias {
                format!("a{i}: {field}")
            } else {
                field.to_owned()
            }
        })
        .collect();
    app.graphql(
        &format!("{{ {} }}", fields.join(" ")),
        json!({}),
        Some(token),
    )
    .await
}

#[tokio::test]
async fn aliases_and_root_fields_are_capped() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let aliases = Limits::default().aliases as usize;
    let roots = Limits::default().root_fields as usize;

    // Aliases below the root count too.
    let nested = |n: usize| {
        let inner: Vec<String> = (0..n).map(|i| format!("n{i}: name")).collect();
        format!(
            "{{ schools(first: 1) {{ nodes {{ {} }} }} }}",
            inner.join(" ")
        )
    };
    let response = app.graphql(&nested(aliases), json!({}), Some(&token)).await;
    assert!(response.get("errors").is_none(), "{response}");
    let response = app
        .graphql(&nested(aliases + 1), json!({}), Some(&token))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    assert!(message(&response).contains("aliases"), "{response}");

    let field = "schools(first: 1) { totalCount }";
    let response = many(&app, &token, field, roots, false).await;
    assert!(response.get("errors").is_none(), "{response}");
    let response = many(&app, &token, field, roots + 1, false).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    assert!(message(&response).contains("root fields"), "{response}");

    // Fragments do not hide root fields.
    let spread = format!(
        "query {{ ...F }} fragment F on Query {{ {} }}",
        std::iter::repeat_n(field, roots + 1)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let response = app.graphql(&spread, json!({}), Some(&token)).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
}

#[tokio::test]
async fn the_default_depth_is_fifteen() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    // `alliance { student { alliance { ... id } } }`, `levels` fields deep with the
    // leaf `id`.
    let nested = |levels: usize| {
        let mut inner = String::from("id");
        for level in 1..levels - 1 {
            let field = if level % 2 == 1 {
                "student"
            } else {
                "alliance"
            };
            inner = format!("{field} {{ {inner} }}");
        }
        format!("query($id: ID!) {{ alliance(id: $id) {{ {inner} }} }}")
    };
    let id = json!({ "id": f.alliance_1 });
    let fits = app.graphql(&nested(15), id.clone(), Some(&token)).await;
    assert!(fits.get("errors").is_none(), "{fits}");
    let deeper = app.graphql(&nested(16), id, Some(&token)).await;
    assert_eq!(error_code(&deeper), Some("BAD_USER_INPUT"), "{deeper}");
    assert!(deeper["data"].is_null(), "{deeper}");
}

#[tokio::test]
async fn fragment_cycles_and_fragment_bombs_are_refused_quickly() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let cycle = "{ schools { ...A } } fragment A on SchoolConnection { totalCount ...B } \
                 fragment B on SchoolConnection { ...A }";
    let response = app.graphql(cycle, json!({}), Some(&token)).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");

    // Each fragment spreads the next one twice: 2^20 fields once expanded.
    let mut document = String::from("{ viewer { ...F0 } }");
    for i in 0..20 {
        document.push_str(&format!(
            " fragment F{i} on Viewer {{ ...F{next} ...F{next} }}",
            next = i + 1
        ));
    }
    document.push_str(" fragment F20 on Viewer { subject }");
    let started = Instant::now();
    let response = app.graphql(&document, json!({}), Some(&token)).await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the server kept working on the bomb"
    );
    // And it still answers.
    let response = app
        .graphql("{ viewer { subject } }", json!({}), Some(&token))
        .await;
    assert!(response.get("errors").is_none(), "{response}");
}

async fn post(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn batches_are_refused_unless_configured_and_then_bounded() {
    let batch = |n: usize| {
        Value::Array(
            (0..n)
                .map(|_| json!({ "query": "{ schools { totalCount } }" }))
                .collect(),
        )
    };
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let response = post(&app, &token, batch(2)).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(message(&body).contains("batched"), "{body}");

    let app = spawn_app_with(
        Limits::default(),
        HttpLimits {
            max_batch: 3,
            ..HttpLimits::default()
        },
    )
    .await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let response = post(&app, &token, batch(3)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let answers = body.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 3, "{body}");
    for answer in answers {
        assert!(
            answer["data"]["schools"]["totalCount"].as_i64() > Some(0),
            "{body}"
        );
    }
    let response = post(&app, &token, batch(4)).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn a_request_past_the_time_limit_is_stopped_with_a_code() {
    let app = spawn_app_with(
        Limits::default(),
        HttpLimits {
            request_timeout: Duration::from_millis(1),
            ..HttpLimits::default()
        },
    )
    .await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let response = post(&app, &token, json!({ "query": dashboard() })).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("TIMEOUT"), "{body}");
    assert!(body.get("data").is_none(), "{body}");
}

#[tokio::test]
async fn requests_past_the_running_limit_wait_their_turn_and_are_all_answered() {
    let app = spawn_app_with(
        Limits::default(),
        HttpLimits {
            max_running: NonZeroUsize::new(1).expect("one"),
            max_batch: 3,
            ..HttpLimits::default()
        },
    )
    .await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let one = json!({ "query": dashboard() });
    let alone = post(&app, &token, one.clone()).await;
    assert_eq!(alone.status(), 200);
    let alone: Value = alone.json().await.expect("json");
    // Twenty at once through one turn: each waits, none is refused or lost, each answer
    // is the one a request alone gets, and never did two run at once.
    let answers = futures::future::join_all((0..20).map(|_| post(&app, &token, one.clone()))).await;
    for answer in answers {
        assert_eq!(answer.status(), 200);
        let body: Value = answer.json().await.expect("json");
        assert_eq!(body, alone);
    }
    assert_eq!(running(&app).await, (0, 1));
    // A batch runs its operations within its one turn.
    let batch = Value::Array(vec![one.clone(), one.clone(), one]);
    let response = post(&app, &token, batch).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body.as_array().map(Vec::len), Some(3), "{body}");
}

/// `alliance_graphql_requests_running` and its peak, from `/metrics`.
async fn running(app: &TestApp) -> (u64, u64) {
    let metrics = app
        .client()
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let gauge = |name: &str| {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {metrics}"))
    };
    (
        gauge("alliance_graphql_requests_running"),
        gauge("alliance_graphql_requests_running_peak"),
    )
}

#[tokio::test]
async fn without_a_tight_limit_requests_run_side_by_side() {
    let app = spawn_app_with(
        Limits::default(),
        HttpLimits {
            max_running: NonZeroUsize::new(64).expect("64"),
            ..HttpLimits::default()
        },
    )
    .await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let one = json!({ "query": dashboard() });
    let answers = futures::future::join_all((0..20).map(|_| post(&app, &token, one.clone()))).await;
    assert!(answers.iter().all(|a| a.status() == 200));
    // The peak the test above holds at 1 is a real count: here requests overlap.
    let (now, peak) = running(&app).await;
    assert_eq!(now, 0);
    assert!(peak > 1, "peak {peak}");
}

fn rate(burst: u32, per_second: u32) -> HttpLimits {
    HttpLimits {
        rate: RateLimit {
            burst: NonZeroU32::new(burst).expect("burst"),
            per_second: NonZeroU32::new(per_second).expect("rate"),
        },
        ..HttpLimits::default()
    }
}

#[tokio::test]
async fn a_subject_past_its_burst_gets_429_with_retry_after_and_others_do_not() {
    let app = spawn_app_with(Limits::default(), rate(5, 1)).await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    let staff = f.staff_member(&app);
    let query = json!({ "query": "{ viewer { subject } }" });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(post(&app, &admin, query.clone()).await.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    let limited = post(&app, &admin, query.clone()).await;
    assert_eq!(limited.status(), 429, "{statuses:?}");
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry), "Retry-After: {retry}");
    let body: Value = limited.json().await.expect("json");
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");

    // Another subject has its own bucket.
    let response = post(&app, &staff, query.clone()).await;
    assert_eq!(response.status(), 200);

    // The bucket refills at the steady rate.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    let response = post(&app, &admin, query).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn charts_count_against_the_same_bucket() {
    let app = spawn_app_with(Limits::default(), rate(2, 1)).await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    let chart = |token: String| {
        app.client()
            .get(format!("{}/charts/goals/{}.svg", app.address, f.goal_1))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(chart(admin.clone()).await.expect("send").status(), 200);
    assert_eq!(chart(admin.clone()).await.expect("send").status(), 200);
    let limited = chart(admin).await.expect("send");
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn the_default_rate_is_a_burst_of_two_hundred_then_twenty_a_second() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let token = f.district_admin(&app);
    let started = Instant::now();
    let mut accepted = 0u32;
    let mut limited = 0u32;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..280 {
        let client = app.client().clone();
        let url = format!("{}/graphql", app.address);
        let token = token.clone();
        tasks.spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "query": "{ __typename }" }))
                .send()
                .await
                .expect("send")
                .status()
                .as_u16()
        });
    }
    while let Some(status) = tasks.join_next().await {
        match status.expect("task") {
            200 => accepted += 1,
            429 => limited += 1,
            other => panic!("HTTP {other}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let refilled = (20.0 * elapsed).ceil() as u32 + 1;
    assert!(accepted >= 200, "only {accepted} accepted");
    assert!(
        accepted <= 200 + refilled,
        "{accepted} accepted in {elapsed:.2} s: more than the burst and the refill"
    );
    if elapsed < 3.0 {
        assert!(limited > 0, "nothing limited in {elapsed:.2} s");
    }
}
