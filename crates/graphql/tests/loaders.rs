//! Nested edges are batched: the dashboard query runs the same number of SQL statements
//! whether the page holds 10 students or 50.

use alliance_domain::feedback::{Scores, concerns};
use alliance_domain::ids::{DistrictId, SchoolId};
use alliance_domain::model::DistrictSettings;
use alliance_domain::model::Measure;
use alliance_domain::values::FeedbackAudience;
use alliance_domain::values::{
    AlliancePhase, Direction, GoalDomain, GoalStatus, MemberRole, ProgressSource,
};
use alliance_graphql::{Authentication, Credentials, Limits, build_schema, execute};
use alliance_store::feedback::{NewRequest, NewResponse};
use alliance_store::goals::NewGoal;
use alliance_store::members::NewMember;
use alliance_store::persons::NewPerson;
use alliance_store::progress::NewProgress;
use alliance_store::students::NewStudent;
use alliance_store::testing::TestDatabase;
use alliance_store::{
    Store, Tx, alliances, districts, feedback, goals, members, persons, progress, schools, students,
};
use chrono::Duration;

const DASHBOARD: &str = r#"
query Dashboard($first: Int!) {
  students(first: $first) {
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
            progress(first: 5) { totalCount nodes { observedAt value note } }
          }
        }
        health { status openConcerns daysSinceFeedbackRequested reasons { code } }
        feedbackResponses(first: 1) { nodes { total concern { open reasons } } }
      }
    }
  }
}"#;

async fn person(tx: &Tx, district: DistrictId, name: String) -> alliance_domain::ids::PersonId {
    let new = NewPerson {
        district_id: district,
        display_name: name,
        preferred_language: "en".into(),
        contact_preferences: None,
        external_ids: vec![],
        subject: None,
    };
    persons::create(tx, new).await.expect("person").id
}

async fn enrol(tx: &Tx, district: DistrictId, school: SchoolId, n: usize) {
    let student_person = person(tx, district, format!("Student {n:02}")).await;
    let student = students::create(
        tx,
        NewStudent {
            district_id: district,
            school_id: school,
            person_id: student_person,
            name: format!("Student {n:02}"),
            preferred_name: None,
            pronouns: None,
            grade_level: "5".into(),
            preferred_language: "en".into(),
            external_ids: vec![],
        },
    )
    .await
    .expect("student");
    let alliance = alliances::create(
        tx,
        district,
        student.id,
        school,
        AlliancePhase::Intervention,
        "test",
    )
    .await
    .expect("alliance");
    let mut family = None;
    for (role, who) in [
        (MemberRole::Student, student_person),
        (
            MemberRole::Caregiver,
            person(tx, district, format!("Caregiver {n}")).await,
        ),
        (
            MemberRole::Coach,
            person(tx, district, format!("Coach {n}")).await,
        ),
    ] {
        let member = members::add(
            tx,
            NewMember {
                alliance_id: alliance.id,
                person_id: who,
                role,
                relationship: None,
                family_identified: role == MemberRole::Coach,
            },
        )
        .await
        .expect("member");
        if role == MemberRole::Caregiver {
            family = Some(member.id);
        }
    }
    let request = feedback::request(
        tx,
        NewRequest {
            alliance_id: alliance.id,
            member_id: family.expect("caregiver"),
            audience: FeedbackAudience::Adult,
            language: "en".into(),
            due_date: (alliance_store::now() + Duration::days(7)).date_naive(),
            requested_by_subject: "test".into(),
        },
    )
    .await
    .expect("request");
    let scores = Scores {
        supported: 8,
        understood: 5,
        centered: 9,
        goals: 9,
        approach: 8,
    };
    let reasons = concerns(&scores, None, &DistrictSettings::default())
        .iter()
        .map(|r| r.describe())
        .collect();
    feedback::submit(
        tx,
        &request,
        NewResponse {
            language: "en".into(),
            scores,
            comment: None,
            concern_reasons: reasons,
        },
    )
    .await
    .expect("response");
    for g in 0..2 {
        let goal = goals::create(
            tx,
            NewGoal {
                alliance_id: alliance.id,
                own_words: format!("goal {g} of student {n}"),
                expressed_by: family.expect("caregiver"),
                summary: None,
                domain: GoalDomain::Social,
                priority: 1 + g,
                status: GoalStatus::Active,
                measure: Some(Measure {
                    name: "days".into(),
                    unit: None,
                    baseline: 0.0,
                    target: 5.0,
                    direction: Direction::Increase,
                    target_date: None,
                }),
            },
        )
        .await
        .expect("goal");
        for week in 0..7 {
            progress::create(
                tx,
                NewProgress {
                    goal_id: goal.id,
                    observed_at: alliance_store::now() - Duration::weeks(week),
                    recorded_by: None,
                    recorded_by_subject: "test".into(),
                    value: Some(week as f64),
                    note: None,
                    source: ProgressSource::TeamObservation,
                },
            )
            .await
            .expect("progress");
        }
    }
}

/// The `load` district with `students` enrolled.
async fn load_district(store: &Store, students: usize) {
    let district = districts::create(store.db(), "load", "Load Test District")
        .await
        .expect("district")
        .id;
    let school = schools::create(store.db(), district, "Load School", &vec![])
        .await
        .expect("school")
        .id;
    let tx = store.begin().await.expect("begin");
    for n in 0..students {
        enrol(&tx, district, school, n).await;
    }
    alliance_store::commit(tx).await.expect("commit");
}

/// Runs `query` as the district's admin: its data, and how many statements it took.
async fn run(store: &Store, query: &str, variables: serde_json::Value) -> (serde_json::Value, u64) {
    let schema = build_schema(Limits::default());
    let credentials = Credentials {
        subject: "admin".into(),
        district: "load".into(),
        roles: vec!["DISTRICT_ADMIN".into()],
        schools: vec![],
    };
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    let before = store.statement_count();
    let response = execute(
        &schema,
        store,
        request,
        Authentication::Verified(credentials),
        "test".into(),
    )
    .await;
    let statements = store.statement_count() - before;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    (response.data.into_json().expect("json"), statements)
}

async fn statements_for(store: &Store, first: usize) -> u64 {
    let (json, statements) = run(store, DASHBOARD, serde_json::json!({ "first": first })).await;
    let nodes = json["students"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), first);
    let progress = &nodes[0]["alliance"]["goals"]["nodes"][0]["progress"];
    assert_eq!(progress["nodes"].as_array().map(Vec::len), Some(5));
    assert_eq!(progress["totalCount"], 7);
    let alliance = &nodes[0]["alliance"];
    assert_eq!(alliance["health"]["openConcerns"], 1, "{alliance}");
    assert_eq!(
        alliance["feedbackResponses"]["nodes"][0]["concern"]["open"],
        true
    );
    statements
}

#[tokio::test]
async fn the_dashboard_query_runs_as_many_statements_for_fifty_students_as_for_ten() {
    let database = TestDatabase::new().await;
    let store = database.store().await;
    load_district(&store, 50).await;

    let ten = statements_for(&store, 10).await;
    let fifty = statements_for(&store, 50).await;
    assert_eq!(
        ten, fifty,
        "the statement count must not grow with the page"
    );
    // One statement each: the viewer (district, settings and person; read every time
    // here, as `admin` has no person and so is not kept between requests), the page (students,
    // their schools and the count), alliances (with their health), members (with their
    // persons), goals, acceptances, progress (entries, count and summary), feedback
    // responses (with whether a next step cites each), and the audit insert.
    assert_eq!(fifty, 9, "statements for the dashboard");
}

const HEALTH: &str = "health { status openConcerns overdueNextSteps daysSinceFeedbackRequested \
    daysSinceDataShared daysSinceReflection goalsWithoutRecentProgress \
    goalsWithoutFamilyAcceptance reasons { code message } \
    practices { practice status daysSince cadenceDays dueAt } }";

#[tokio::test]
async fn health_read_with_a_page_of_alliances_is_the_health_read_alone() {
    let database = TestDatabase::new().await;
    let store = database.store().await;
    load_district(&store, 4).await;

    let page = format!("{{ students(first: 4) {{ nodes {{ alliance {{ id {HEALTH} }} }} }} }}");
    let (page, _) = run(&store, &page, serde_json::json!({})).await;
    let nodes = page["students"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4);
    for node in nodes {
        let with_page = &node["alliance"];
        // Each fact as `enrol` made it: a concern no next step answers, two goals no one
        // in the family has agreed to, progress this week.
        let health = &with_page["health"];
        assert_eq!(health["openConcerns"], 1, "{with_page}");
        assert_eq!(health["goalsWithoutFamilyAcceptance"], 2, "{with_page}");
        assert_eq!(health["goalsWithoutRecentProgress"], 0, "{with_page}");
        assert_eq!(health["overdueNextSteps"], 0, "{with_page}");
        let alone = format!("query ($id: ID!) {{ alliance(id: $id) {{ id {HEALTH} }} }}");
        let (alone, _) = run(&store, &alone, serde_json::json!({ "id": with_page["id"] })).await;
        assert_eq!(&alone["alliance"], with_page);
    }
}

#[tokio::test]
async fn a_students_alliances_bring_their_health_through_nodes_and_through_edges() {
    let database = TestDatabase::new().await;
    let store = database.store().await;
    load_district(&store, 4).await;
    let page = |alliances: &str| format!("{{ students(first: 4) {{ nodes {{ {alliances} }} }} }}");

    let (_, without) = run(
        &store,
        &page("alliances { nodes { id } }"),
        serde_json::json!({}),
    )
    .await;
    for alliances in [
        "alliances { nodes { id health { openConcerns } } }",
        "alliances { edges { node { id health { openConcerns } } } }",
    ] {
        let (json, with) = run(&store, &page(alliances), serde_json::json!({})).await;
        assert_eq!(with, without, "health read with the alliances: {alliances}");
        assert!(json.to_string().contains("\"openConcerns\":1"), "{json}");
    }
}

/// Each goal's page of progress, read beside an alliance's goals when the goals are
/// asked for with one page, is the page each goal answers on its own: at either end,
/// empty, of none, and two pages (read as before).
#[tokio::test]
async fn a_page_of_progress_read_beside_the_goals_is_each_goals_own_page() {
    let database = TestDatabase::new().await;
    let store = database.store().await;
    load_district(&store, 3).await;
    // And a goal without entries, whose page is empty.
    let (first, _) = run(
        &store,
        "{ students(first: 1) { nodes { alliance { id members { nodes { id role } } } } } }",
        serde_json::json!({}),
    )
    .await;
    let alliance = &first["students"]["nodes"][0]["alliance"];
    let uuid = |id: &serde_json::Value| {
        use base64::Engine;
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id.as_str().expect("id"))
            .expect("base64");
        let text = String::from_utf8(text).expect("utf-8");
        uuid::Uuid::parse_str(text.split_once(':').expect("type:uuid").1).expect("uuid")
    };
    let caregiver = alliance["members"]["nodes"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["role"] == "CAREGIVER")
        .expect("a caregiver");
    let tx = store.begin().await.expect("begin");
    goals::create(
        &tx,
        NewGoal {
            alliance_id: alliance_domain::ids::AllianceId(uuid(&alliance["id"])),
            own_words: "a goal with nothing recorded yet".into(),
            expressed_by: alliance_domain::ids::MemberId(uuid(&caregiver["id"])),
            summary: None,
            domain: GoalDomain::Social,
            priority: 3,
            status: GoalStatus::Active,
            measure: None,
        },
    )
    .await
    .expect("goal");
    alliance_store::commit(tx).await.expect("commit");
    let goals = |progress: &str| {
        format!(
            "{{ students(first: 3) {{ nodes {{ alliance {{ goals {{ nodes {{ id {progress} }} }} }} }} }} }}"
        )
    };
    for progress in [
        "progress(first: 5) { totalCount nodes { id observedAt value note } }",
        "progress(last: 3) { totalCount nodes { id observedAt } }",
        "progress { nodes { id } }",
        "progress(first: 0) { totalCount nodes { id } }",
        "newest: progress(first: 2) { nodes { id } } oldest: progress(last: 2) { nodes { id } }",
    ] {
        let (page, _) = run(&store, &goals(progress), serde_json::json!({})).await;
        let nodes: Vec<&serde_json::Value> = page["students"]["nodes"]
            .as_array()
            .expect("students")
            .iter()
            .flat_map(|s| s["alliance"]["goals"]["nodes"].as_array().expect("goals"))
            .collect();
        assert_eq!(nodes.len(), 7, "{page}");
        for goal in nodes {
            let alone = format!(
                "query ($id: ID!) {{ node(id: $id) {{ ... on Goal {{ id {progress} }} }} }}"
            );
            let (alone, _) = run(&store, &alone, serde_json::json!({ "id": goal["id"] })).await;
            assert_eq!(&alone["node"], goal, "{progress}");
        }
    }
    let statements =
        async |progress: &str| run(&store, &goals(progress), serde_json::json!({})).await.1;
    // Another way to the same alliance's goals shares their load: no second statement.
    assert_eq!(
        statements("progress(first: 5) { nodes { id } } alliance { goals { nodes { id } } }").await,
        statements("progress(first: 5) { nodes { id } } alliance { id }").await
    );
    // With the page read beside the goals, the statements are as many as without: the
    // page's statement moved, none was added.
    assert_eq!(
        statements("progress(first: 5) { nodes { id } }").await,
        statements("a: progress(first: 5) { nodes { id } } b: progress(first: 5) { nodes { id } }")
            .await
    );
}
