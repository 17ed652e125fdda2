//! `GET /charts/goals/{id}.svg` over HTTP against the real server: the SVG's structure
//! and values, its languages, and the same access rules as the GraphQL API.
//!
//! Set `ALLIANCE_CHART_OUT=/tmp/alliance-chart.svg` to keep a chart to look at.

use std::net::SocketAddr;
use std::time::Duration;

use alliance_domain::ids::{DistrictId, GoalId, MemberId, PersonId};
use alliance_domain::model::Measure;
use alliance_domain::values::{
    AlliancePhase, Direction, GoalDomain, GoalStatus, MemberRole, ProgressSource,
};
use alliance_server::chart_svg::{AIM_COLOUR, POINT_RADIUS, PROGRESS_COLOUR, TREND_COLOUR};
use alliance_server::tokens::{Verifier, claims, mint};
use alliance_server::{Application, Settings};
use alliance_store::goals::{self, NewGoal};
use alliance_store::members::{self, NewMember};
use alliance_store::persons::{self, NewPerson};
use alliance_store::progress::{self, NewProgress};
use alliance_store::students::{self, NewStudent};
use alliance_store::testing::TestDatabase;
use alliance_store::{Store, alliances, districts, schools};
use secrecy::SecretString;
use serde_json::Value;

const SECRET: &str = "a-chart-test-secret-of-at-least-forty-characters";
const OWN_WORDS: &str = "Calm mornings & no yelling <3, so we leave on time together";

struct App {
    address: String,
    client: reqwest::Client,
    store: Store,
    _database: TestDatabase,
}

/// The ids a test needs: a goal with a measure and six values, one without a measure.
struct World {
    goal: String,
    goal_without_measure: String,
    student: String,
}

async fn spawn_app() -> App {
    let database = TestDatabase::new().await;
    let store = database.store().await;
    let secret = SecretString::from(SECRET.to_owned());
    let verifier = Verifier::new(Some(&secret), None, "alliance", "alliance").expect("verifier");
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let app = Application::build(Settings {
        listen,
        store: store.clone(),
        verifier,
        limits: Default::default(),
        http: Default::default(),
        graphiql: true,
    })
    .await
    .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    App {
        address,
        client: reqwest::Client::new(),
        store,
        _database: database,
    }
}

fn token(subject: &str, district: &str, role: &str) -> String {
    let claims = claims(
        "alliance",
        "alliance",
        subject,
        district,
        vec![role.to_owned()],
        vec![],
        Duration::from_secs(600),
    );
    mint(&SecretString::from(SECRET.to_owned()), &claims).expect("mint")
}

async fn person(store: &Store, district: DistrictId, name: &str, subject: &str) -> PersonId {
    let new = NewPerson {
        district_id: district,
        display_name: name.into(),
        preferred_language: "en".into(),
        contact_preferences: None,
        external_ids: vec![],
        subject: Some(subject.into()),
    };
    persons::create(store.db(), new).await.expect("person").id
}

fn measure(target_in_weeks: i64) -> Measure {
    Measure {
        name: "Calm mornings".into(),
        unit: Some("days a week".into()),
        baseline: 1.0,
        target: 5.0,
        direction: Direction::Increase,
        target_date: Some(
            (chrono::Utc::now() + chrono::Duration::weeks(target_in_weeks)).date_naive(),
        ),
    }
}

async fn goal(
    store: &Store,
    alliance: alliance_domain::ids::AllianceId,
    by: MemberId,
    words: &str,
    measure: Option<Measure>,
) -> GoalId {
    let new = NewGoal {
        alliance_id: alliance,
        own_words: words.into(),
        expressed_by: by,
        summary: None,
        domain: GoalDomain::Family,
        priority: 1,
        status: GoalStatus::Active,
        measure,
    };
    goals::create(store.db(), new).await.expect("goal").id
}

/// Values entered weekly, oldest first, and one narrative-only entry between them.
const VALUES: [f64; 6] = [1.0, 2.0, 1.5, 3.0, 3.0, 4.0];

async fn world(app: &App) -> World {
    let db = app.store.db();
    let alpha = districts::create(db, "alpha", "Alpha Unified")
        .await
        .expect("district")
        .id;
    districts::create(db, "beta", "Beta County")
        .await
        .expect("district");
    let school = schools::create(db, alpha, "Alder Elementary", &vec![])
        .await
        .expect("school")
        .id;
    let student_person = person(&app.store, alpha, "Maya Lopez", "maya").await;
    let caregiver = person(&app.store, alpha, "Elena Lopez", "family-1").await;
    person(&app.store, alpha, "Grace Kim", "family-2").await;
    let new_student = NewStudent {
        district_id: alpha,
        school_id: school,
        person_id: student_person,
        name: "Maya Lopez".into(),
        preferred_name: None,
        pronouns: None,
        grade_level: "3".into(),
        preferred_language: "en".into(),
        external_ids: vec![],
    };
    let student = students::create(db, new_student).await.expect("student").id;
    let alliance = alliances::create(
        db,
        alpha,
        student,
        school,
        AlliancePhase::Intervention,
        "test",
    )
    .await
    .expect("alliance")
    .id;
    let new_member = NewMember {
        alliance_id: alliance,
        person_id: caregiver,
        role: MemberRole::Caregiver,
        relationship: Some("mom".into()),
        family_identified: false,
    };
    let member = members::add(db, new_member).await.expect("member").id;
    let goal_id = goal(&app.store, alliance, member, OWN_WORDS, Some(measure(8))).await;
    let entries = VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| (7 * (6 - i as i64), Some(*v), None))
        .chain([(17, None, Some("a rough week, but she got dressed herself"))]);
    for (days_ago, value, note) in entries {
        let new = NewProgress {
            goal_id,
            observed_at: alliance_store::now() - chrono::Duration::days(days_ago),
            recorded_by: None,
            recorded_by_subject: "staff".into(),
            value,
            note: note.map(Into::into),
            source: ProgressSource::CaregiverReport,
        };
        progress::create(db, new).await.expect("progress");
    }
    let bare = goal(&app.store, alliance, member, "Feel heard at school", None).await;
    World {
        goal: alliance_graphql::global_id("Goal", goal_id.0).0,
        goal_without_measure: alliance_graphql::global_id("Goal", bare.0).0,
        student: alliance_graphql::global_id("Student", student.0).0,
    }
}

impl App {
    async fn chart(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("send")
    }

    async fn svg(&self, path: &str, token: &str, headers: &[(&str, &str)]) -> String {
        let response = self.chart(path, Some(token), headers).await;
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("content-type"), "image/svg+xml");
        assert_eq!(header("cache-control"), "private, no-store");
        assert!(!header("x-request-id").is_empty());
        response.text().await.expect("body")
    }
}

/// How plotters writes a colour into SVG.
macro_rules! hex {
    ($colour:expr) => {
        format!("#{:02X}{:02X}{:02X}", $colour.0, $colour.1, $colour.2)
    };
}

fn texts(svg: &roxmltree::Document<'_>) -> Vec<String> {
    svg.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_owned()))
        .collect()
}

fn with_stroke<'a>(svg: &'a roxmltree::Document<'a>, colour: &str) -> usize {
    svg.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(colour))
        .count()
}

#[tokio::test]
async fn an_admin_sees_the_goal_drawn_with_its_title_points_trend_and_aim_line() {
    let app = spawn_app().await;
    let world = world(&app).await;
    let admin = token("admin", "alpha", "DISTRICT_ADMIN");
    let path = format!("/charts/goals/{}.svg", world.goal);
    let body = app
        .svg(&path, &admin, &[("accept-language", "en-US,en;q=0.9")])
        .await;
    if let Ok(out) = std::env::var("ALLIANCE_CHART_OUT") {
        std::fs::write(out, &body).expect("write the chart");
    }
    let svg = roxmltree::Document::parse(&body).expect("the chart is well-formed XML");
    let root = svg.root_element();
    assert!(root.has_tag_name("svg"));
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(
        root.attribute("aria-labelledby"),
        Some("chart-title chart-desc")
    );
    let mut children = root.children().filter(|n| n.is_element());
    let title = children.next().expect("a first child");
    let desc = children.next().expect("a second child");
    assert!(title.has_tag_name("title") && desc.has_tag_name("desc"));
    assert_eq!(
        title.text(),
        Some(OWN_WORDS),
        "the own words, unescaped by the parser"
    );
    assert!(
        body.contains("Calm mornings &amp; no yelling &lt;3"),
        "escaped in the source"
    );
    let desc = desc.text().expect("a description");
    assert!(
        desc.contains("7 progress entries, 6 with a value"),
        "{desc}"
    );
    assert!(desc.contains("Latest value: 4 days a week"), "{desc}");
    assert!(desc.contains("75% of the way"), "{desc}");
    assert!(desc.contains("per week"), "{desc}");

    let points = svg
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .filter(|n| n.attribute("fill") == Some(hex!(PROGRESS_COLOUR).as_str()))
        .filter(|n| n.attribute("r") == Some(POINT_RADIUS.to_string().as_str()))
        .count();
    assert_eq!(points, VALUES.len(), "one point per entry with a value");
    // The trend is one solid line (plus its legend sample); the aim line is dashed.
    assert!(with_stroke(&svg, &hex!(TREND_COLOUR)) >= 2, "a trend line");
    assert!(with_stroke(&svg, &hex!(AIM_COLOUR)) > 2, "an aim line");
    let texts = texts(&svg);
    for label in [
        "Progress",
        "Trend",
        "Aim line",
        "Target",
        "Note without a number",
    ] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
}

#[tokio::test]
async fn the_chart_speaks_spanish_when_asked_by_parameter_or_header() {
    let app = spawn_app().await;
    let world = world(&app).await;
    let family = token("family-1", "alpha", "FAMILY");
    let path = format!("/charts/goals/{}.svg", world.goal);
    for (query, headers) in [
        ("?lang=es", vec![("accept-language", "en")]),
        ("", vec![("accept-language", "es-MX,es;q=0.9")]),
    ] {
        let body = app.svg(&format!("{path}{query}"), &family, &headers).await;
        let svg = roxmltree::Document::parse(&body).expect("XML");
        assert_eq!(svg.root_element().attribute("lang"), Some("es"));
        let texts = texts(&svg);
        for label in [
            "Progreso",
            "Tendencia",
            "Camino a la meta",
            "Meta",
            "Nota sin número",
        ] {
            assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
        }
        let desc = svg
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(
            desc.contains("7 registros de progreso, 6 con valor"),
            "{desc}"
        );
        assert!(desc.contains("75 % del camino"), "{desc}");
    }
    let body = app.svg(&format!("{path}?lang=fr"), &family, &[]).await;
    let svg = roxmltree::Document::parse(&body).expect("XML");
    let english = svg.root_element().attribute("lang") == Some("en");
    assert!(english, "unknown languages fall back to English");
    assert!(texts(&svg).iter().any(|t| t == "Progress"));
}

#[tokio::test]
async fn a_goal_without_a_measure_still_gets_a_chart_saying_there_is_no_data_yet() {
    let app = spawn_app().await;
    let world = world(&app).await;
    let admin = token("admin", "alpha", "DISTRICT_ADMIN");
    let path = format!("/charts/goals/{}.svg", world.goal_without_measure);
    let body = app.svg(&path, &admin, &[]).await;
    let svg = roxmltree::Document::parse(&body).expect("XML");
    assert!(texts(&svg).iter().any(|t| t.starts_with("No data yet")));
    assert!(svg.descendants().all(|n| !n.has_tag_name("circle")));
}

async fn error(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    assert!(body["errors"][0]["message"].is_string());
}

#[tokio::test]
async fn the_chart_keeps_the_api_access_rules() {
    let app = spawn_app().await;
    let world = world(&app).await;
    let path = format!("/charts/goals/{}.svg", world.goal);
    error(app.chart(&path, None, &[]).await, 401, "UNAUTHENTICATED").await;
    error(
        app.chart(&path, Some("not-a-token"), &[]).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
    let other_district = token("admin", "beta", "DISTRICT_ADMIN");
    error(
        app.chart(&path, Some(&other_district), &[]).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let other_family = token("family-2", "alpha", "FAMILY");
    error(
        app.chart(&path, Some(&other_family), &[]).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let analyst = token("analyst", "alpha", "ANALYST");
    error(
        app.chart(&path, Some(&analyst), &[]).await,
        404,
        "NOT_FOUND",
    )
    .await;

    let admin = token("admin", "alpha", "DISTRICT_ADMIN");
    let missing = alliance_graphql::global_id("Goal", uuid::Uuid::now_v7()).0;
    error(
        app.chart(&format!("/charts/goals/{missing}.svg"), Some(&admin), &[])
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    error(
        app.chart(&format!("/charts/goals/{}", world.goal), Some(&admin), &[])
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    for id in ["not-an-id", world.student.as_str()] {
        error(
            app.chart(&format!("/charts/goals/{id}.svg"), Some(&admin), &[])
                .await,
            400,
            "BAD_USER_INPUT",
        )
        .await;
    }
}

#[tokio::test]
async fn reading_a_chart_is_audited_like_any_read() {
    let app = spawn_app().await;
    let world = world(&app).await;
    let family = token("family-1", "alpha", "FAMILY");
    app.svg(&format!("/charts/goals/{}.svg", world.goal), &family, &[])
        .await;
    let admin = token("admin", "alpha", "DISTRICT_ADMIN");
    let query = "query($id: ID!) { auditEvents(studentId: $id, first: 20) { nodes { subject operationName } } }";
    let response: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(admin)
        .json(&serde_json::json!({ "query": query, "variables": { "id": world.student } }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let events = response["data"]["auditEvents"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|e| e["subject"] == "family-1" && e["operationName"] == "GoalChart"),
        "{response}"
    );
}
