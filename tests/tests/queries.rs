//! Every query of the public contract (DESIGN.md §6) over HTTP against the real server:
//! what it answers, how it pages, and that reading a child's records leaves a trace in
//! the audit log.

use alliance_tests::{Fixture, TestApp, data, error_code, spawn_app};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// A fresh server with the fixture loaded, and a district administrator's token.
async fn world() -> (TestApp, Fixture, String) {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    (app, f, admin)
}

/// Runs `query` as `token`, insisting on no errors, and returns its data.
async fn read(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    data(&app.graphql(query, variables, Some(token)).await).clone()
}

fn time(value: &Value) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert!(text.ends_with('Z'), "a DateTime is RFC 3339 in UTC: {text}");
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
}

fn assert_close(actual: &Value, expected: f64, tolerance: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("expected a number near {expected}, got {actual}"));
    assert!(
        (actual - expected).abs() <= tolerance,
        "expected {expected} ± {tolerance}, got {actual}"
    );
}

fn names(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {connection}"))
        .iter()
        .map(|n| n["name"].as_str().expect("name").to_owned())
        .collect()
}

/// Enrols a student in `school` as the administrator.
async fn enrol(
    app: &TestApp,
    admin: &str,
    school: &str,
    name: &str,
    preferred: Option<&str>,
) -> String {
    let response = read(
        app,
        admin,
        "mutation($input: CreateStudentInput!) { createStudent(input: $input) { student { id } userErrors { field message } } }",
        json!({ "input": { "schoolId": school, "name": name, "preferredName": preferred, "gradeLevel": "5" } }),
    )
    .await;
    assert_eq!(response["createStudent"]["userErrors"], json!([]));
    response["createStudent"]["student"]["id"]
        .as_str()
        .expect("student id")
        .to_owned()
}

const STUDENTS_PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
    students(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { name }
    }
}";

async fn students_page(app: &TestApp, token: &str, variables: Value) -> Value {
    read(app, token, STUDENTS_PAGE, variables).await["students"].clone()
}

// viewer

#[tokio::test]
async fn viewer_is_null_without_a_token() {
    let (app, _, _) = world().await;
    let response = app.graphql("{ viewer { subject } }", json!({}), None).await;
    assert_eq!(data(&response)["viewer"], Value::Null);
}

#[tokio::test]
async fn viewer_shows_the_subject_roles_district_and_own_person_record() {
    let (app, f, _) = world().await;
    let token = f.staff_member(&app);
    let viewer = read(
        &app,
        &token,
        "{ viewer { subject roles district { slug name } person { id displayName } } }",
        json!({}),
    )
    .await["viewer"]
        .clone();
    assert_eq!(viewer["subject"], "staff-a");
    assert_eq!(viewer["roles"], json!(["STAFF"]));
    assert_eq!(
        viewer["district"],
        json!({ "slug": "alpha", "name": "Alpha Unified" })
    );
    assert_eq!(viewer["person"]["displayName"], "Ms. Rivera");
    let person_id = viewer["person"]["id"].as_str().expect("person id");
    let node = read(
        &app,
        &token,
        "query($id: ID!) { node(id: $id) { ... on Person { displayName } } }",
        json!({ "id": person_id }),
    )
    .await;
    assert_eq!(node["node"]["displayName"], "Ms. Rivera");
}

#[tokio::test]
async fn viewer_without_a_person_record_has_no_person() {
    let (app, _, admin) = world().await;
    let viewer = read(
        &app,
        &admin,
        "{ viewer { subject roles person { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        viewer["viewer"],
        json!({ "subject": "admin", "roles": ["DISTRICT_ADMIN"], "person": null })
    );
}

// node and nodes

const ANY_NODE: &str = "query($id: ID!) { node(id: $id) {
    __typename id
    ... on School { name }
    ... on Person { displayName }
    ... on Student { name }
    ... on Alliance { phase }
    ... on AllianceMember { role relationship }
    ... on Goal { ownWords }
    ... on ProgressEntry { value note }
} }";

async fn newest_progress_entry(app: &TestApp, token: &str, goal: &str) -> Value {
    read(
        app,
        token,
        "query($id: ID!) { node(id: $id) { ... on Goal { progress(first: 1) { nodes { id value note } } } } }",
        json!({ "id": goal }),
    )
    .await["node"]["progress"]["nodes"][0]
        .clone()
}

#[tokio::test]
async fn node_finds_every_kind_of_object_by_its_global_id() {
    let (app, f, admin) = world().await;
    let entry = newest_progress_entry(&app, &admin, &f.goal_1).await;
    let entry_id = entry["id"].as_str().expect("entry id").to_owned();
    let cases = [
        (&f.school_a, "School", "name", json!("Alder Elementary")),
        (
            &f.support_person,
            "Person",
            "displayName",
            json!("Auntie Rosa"),
        ),
        (&f.student_1, "Student", "name", json!("Maya Lopez")),
        (&f.alliance_1, "Alliance", "phase", json!("PLANNING")),
        (
            &f.caregiver_member_1,
            "AllianceMember",
            "relationship",
            json!("mom"),
        ),
        (
            &f.goal_1,
            "Goal",
            "ownWords",
            json!("I want mornings to feel calm, not like a fight."),
        ),
        (&entry_id, "ProgressEntry", "note", json!("a rough week")),
    ];
    for (id, typename, field, expected) in cases {
        let node = read(&app, &admin, ANY_NODE, json!({ "id": id })).await["node"].clone();
        assert_eq!(node["__typename"], typename, "{node}");
        assert_eq!(&node["id"], id, "{node}");
        assert_eq!(node[field], expected, "{typename}: {node}");
    }
}

#[tokio::test]
async fn node_with_a_malformed_id_is_not_found() {
    let (app, f, admin) = world().await;
    // A real id of one kind with another kind's prefix is not an id either.
    let unknown_goal = alliance_graphql::global_id("Goal", uuid::Uuid::now_v7()).0;
    let unknown_kind = alliance_graphql::global_id("Spaceship", uuid::Uuid::now_v7()).0;
    for id in [
        "not-an-id",
        "",
        "%%%",
        unknown_goal.as_str(),
        unknown_kind.as_str(),
        &f.school_a[..f.school_a.len() - 2],
    ] {
        let response = app
            .graphql(ANY_NODE, json!({ "id": id }), Some(&admin))
            .await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{id}: {response}");
        assert_eq!(response["data"]["node"], Value::Null, "{response}");
    }
}

/// `nodes(ids:)` as `token`: the data, and the places (indexes) of its NOT_FOUND errors.
async fn nodes(app: &TestApp, token: &str, selection: &str, ids: Value) -> (Value, Vec<u64>) {
    let response = app
        .graphql(
            &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {selection} }} }}"),
            json!({ "ids": ids }),
            Some(token),
        )
        .await;
    let mut places: Vec<u64> = response["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            assert_eq!(e["extensions"]["code"], "NOT_FOUND", "{response:#}");
            assert_eq!(e["path"][0], "nodes", "{response:#}");
            e["path"][1].as_u64().expect("a place in the list")
        })
        .collect();
    places.sort_unstable();
    (response["data"]["nodes"].clone(), places)
}

#[tokio::test]
async fn nodes_answers_in_order_with_null_where_an_id_is_missing_or_malformed() {
    let (app, f, admin) = world().await;
    let unknown = alliance_graphql::global_id("Student", uuid::Uuid::now_v7()).0;
    let (found, missing) = nodes(
        &app,
        &admin,
        "__typename id",
        json!([f.goal_1, "garbage", f.school_b, unknown, f.student_2]),
    )
    .await;
    assert_eq!(
        found,
        json!([
            { "__typename": "Goal", "id": f.goal_1 },
            null,
            { "__typename": "School", "id": f.school_b },
            null,
            { "__typename": "Student", "id": f.student_2 },
        ])
    );
    assert_eq!(missing, vec![1, 3], "each null has its NOT_FOUND");
}

#[tokio::test]
async fn nodes_never_crosses_into_another_district() {
    let (app, f, admin) = world().await;
    let (found, missing) = nodes(&app, &admin, "id", json!([f.student_beta, f.student_1])).await;
    assert_eq!(found, json!([null, { "id": f.student_1 }]));
    assert_eq!(missing, vec![0]);
}

// schools

#[tokio::test]
async fn schools_are_listed_by_name_and_paged_with_cursors() {
    let (app, _, admin) = world().await;
    let query = "query($after: String) { schools(first: 1, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { name } } }";
    let first = read(&app, &admin, query, json!({})).await["schools"].clone();
    assert_eq!(first["totalCount"], 2, "only the district's own schools");
    assert_eq!(names(&first), ["Alder Elementary"]);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let second = read(
        &app,
        &admin,
        query,
        json!({ "after": first["pageInfo"]["endCursor"] }),
    )
    .await["schools"]
        .clone();
    assert_eq!(names(&second), ["Birch Middle"]);
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
}

// students

#[tokio::test]
async fn students_filter_by_school() {
    let (app, f, admin) = world().await;
    let query =
        "query($filter: StudentFilter) { students(filter: $filter) { totalCount nodes { name } } }";
    let in_b = read(
        &app,
        &admin,
        query,
        json!({ "filter": { "schoolId": f.school_b } }),
    )
    .await;
    assert_eq!(in_b["students"]["totalCount"], 1);
    assert_eq!(names(&in_b["students"]), ["Noah Kim"]);
}

#[tokio::test]
async fn students_filter_by_grade_level() {
    let (app, _, admin) = world().await;
    let query =
        "query($filter: StudentFilter) { students(filter: $filter) { totalCount nodes { name } } }";
    let third = read(
        &app,
        &admin,
        query,
        json!({ "filter": { "gradeLevel": "3" } }),
    )
    .await;
    assert_eq!(names(&third["students"]), ["Maya Lopez"]);
    let none = read(
        &app,
        &admin,
        query,
        json!({ "filter": { "gradeLevel": "12" } }),
    )
    .await;
    assert_eq!(none["students"]["totalCount"], 0);
}

#[tokio::test]
async fn students_search_finds_part_of_a_name_in_any_case() {
    let (app, f, admin) = world().await;
    enrol(&app, &admin, &f.school_a, "Jonathan Reyes", Some("Jojo")).await;
    let query = "query($search: String) { students(filter: { search: $search }) { totalCount nodes { name } } }";
    for (search, expected) in [
        ("maya", vec!["Maya Lopez"]),
        ("LOPEZ", vec!["Maya Lopez"]),
        ("nOaH k", vec!["Noah Kim"]),
        ("reyes", vec!["Jonathan Reyes"]),
        ("JOJO", vec!["Jonathan Reyes"]),
        ("zzz", vec![]),
    ] {
        let found = read(&app, &admin, query, json!({ "search": search })).await;
        assert_eq!(names(&found["students"]), expected, "search {search:?}");
    }
}

#[tokio::test]
async fn students_search_is_case_insensitive_beyond_ascii() {
    let (app, f, admin) = world().await;
    enrol(&app, &admin, &f.school_a, "Ángel Ruiz", Some("Gelo")).await;
    let query =
        "query($search: String) { students(filter: { search: $search }) { nodes { name } } }";
    for search in ["ángel", "ÁNGEL", "Ángel"] {
        let found = read(&app, &admin, query, json!({ "search": search })).await;
        assert_eq!(
            names(&found["students"]),
            ["Ángel Ruiz"],
            "search {search:?}"
        );
    }
}

#[tokio::test]
async fn students_combine_filters() {
    let (app, f, admin) = world().await;
    let query = "query($filter: StudentFilter) { students(filter: $filter) { totalCount } }";
    let both = read(
        &app,
        &admin,
        query,
        json!({ "filter": { "schoolId": f.school_a, "gradeLevel": "3", "search": "maya" } }),
    )
    .await;
    assert_eq!(both["students"]["totalCount"], 1);
    let crossed = read(
        &app,
        &admin,
        query,
        json!({ "filter": { "schoolId": f.school_b, "search": "maya" } }),
    )
    .await;
    assert_eq!(crossed["students"]["totalCount"], 0);
}

/// Five more students in school A: seven in all, by preferred name Ava … Noah.
async fn seven_students(app: &TestApp, f: &Fixture, admin: &str) {
    for name in [
        "Eli Evans",
        "Ava Adams",
        "Dee Diaz",
        "Cal Cruz",
        "Ben Brown",
    ] {
        enrol(app, admin, &f.school_a, name, None).await;
    }
}

const SEVEN: [&str; 7] = [
    "Ava Adams",
    "Ben Brown",
    "Cal Cruz",
    "Dee Diaz",
    "Eli Evans",
    "Maya Lopez",
    "Noah Kim",
];

#[tokio::test]
async fn students_page_forward_with_first_and_after() {
    let (app, f, admin) = world().await;
    seven_students(&app, &f, &admin).await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let page = students_page(&app, &admin, json!({ "first": 3, "after": after })).await;
        assert_eq!(page["totalCount"], 7);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], json!(pages > 0));
        seen.extend(names(&page));
        pages += 1;
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        assert!(pages < 5, "paging never ends");
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, SEVEN);
}

#[tokio::test]
async fn students_page_backward_with_last_and_before() {
    let (app, f, admin) = world().await;
    seven_students(&app, &f, &admin).await;
    let tail = students_page(&app, &admin, json!({ "last": 2 })).await;
    assert_eq!(names(&tail), ["Maya Lopez", "Noah Kim"]);
    assert_eq!(tail["totalCount"], 7);
    assert_eq!(tail["pageInfo"]["hasPreviousPage"], true);
    let before = students_page(
        &app,
        &admin,
        json!({ "last": 2, "before": tail["pageInfo"]["startCursor"] }),
    )
    .await;
    assert_eq!(names(&before), ["Dee Diaz", "Eli Evans"]);
    assert_eq!(before["pageInfo"]["hasPreviousPage"], true);
    let head = students_page(
        &app,
        &admin,
        json!({ "last": 5, "before": before["pageInfo"]["startCursor"] }),
    )
    .await;
    assert_eq!(names(&head), ["Ava Adams", "Ben Brown", "Cal Cruz"]);
    assert_eq!(head["pageInfo"]["hasPreviousPage"], false);
}

#[tokio::test]
async fn a_page_of_more_than_a_hundred_is_bad_user_input() {
    let (app, _, admin) = world().await;
    for variables in [
        json!({ "first": 101 }),
        json!({ "last": 101 }),
        json!({ "first": -1 }),
    ] {
        let response = app
            .graphql(STUDENTS_PAGE, variables.clone(), Some(&admin))
            .await;
        assert_eq!(
            error_code(&response),
            Some("BAD_USER_INPUT"),
            "{variables}: {response}"
        );
    }
    let hundred = students_page(&app, &admin, json!({ "first": 100 })).await;
    assert_eq!(hundred["totalCount"], 2);
}

#[tokio::test]
async fn a_cursor_that_is_not_from_the_list_is_bad_user_input() {
    let (app, _, admin) = world().await;
    let response = app
        .graphql(
            STUDENTS_PAGE,
            json!({ "first": 2, "after": "not a cursor" }),
            Some(&admin),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{response}");
}

#[tokio::test]
async fn a_forged_cursor_far_past_the_end_gives_an_empty_page_not_a_crash() {
    let (app, _, admin) = world().await;
    // Opaque cursors can still be forged: these are base64url of `o:1000000` and of
    // `o:18446744073709551615` (the largest offset). Neither may crash the server.
    for cursor in ["bzoxMDAwMDAw", "bzoxODQ0Njc0NDA3MzcwOTU1MTYxNQ"] {
        let response = app
            .client()
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&admin)
            .json(&json!({ "query": STUDENTS_PAGE, "variables": { "first": 2, "after": cursor } }))
            .send()
            .await;
        let response = response.unwrap_or_else(|e| panic!("after cursor {cursor}: {e}"));
        assert!(response.status().is_success(), "{}", response.status());
        let body: Value = response.json().await.expect("json");
        if error_code(&body).is_none() {
            assert_eq!(body["data"]["students"]["nodes"], json!([]), "{body}");
        } else {
            assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        }
    }
    let healthz = app.get("/healthz", "text/plain").await;
    assert_eq!(healthz.status(), 200);
}

// student and alliance

#[tokio::test]
async fn student_shows_its_fields_school_and_current_alliance() {
    let (app, f, admin) = world().await;
    let student = read(
        &app,
        &admin,
        "query($id: ID!) { student(id: $id) {
            id name preferredName pronouns gradeLevel preferredLanguage externalIds { system value }
            school { id name } alliance { id status } alliances { totalCount nodes { id } } createdAt
        } }",
        json!({ "id": f.student_1 }),
    )
    .await["student"]
        .clone();
    assert_eq!(student["id"], f.student_1.as_str());
    assert_eq!(student["name"], "Maya Lopez");
    assert_eq!(student["preferredName"], Value::Null);
    assert_eq!(student["gradeLevel"], "3");
    assert_eq!(student["preferredLanguage"], "en");
    assert_eq!(student["externalIds"], json!([]));
    assert_eq!(
        student["school"],
        json!({ "id": f.school_a, "name": "Alder Elementary" })
    );
    assert_eq!(
        student["alliance"],
        json!({ "id": f.alliance_1, "status": "ACTIVE" })
    );
    assert_eq!(student["alliances"]["totalCount"], 1);
    time(&student["createdAt"]);
}

#[tokio::test]
async fn a_student_of_another_district_is_not_found() {
    let (app, f, admin) = world().await;
    let response = app
        .graphql(
            "query($id: ID!) { student(id: $id) { id } }",
            json!({ "id": f.student_beta }),
            Some(&admin),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
}

#[tokio::test]
async fn alliance_shows_its_student_status_phase_and_phase_history() {
    let (app, f, admin) = world().await;
    let alliance = read(
        &app,
        &admin,
        "query($id: ID!) { alliance(id: $id) {
            id student { id } status phase createdAt updatedAt
            phaseHistory { totalCount nodes { fromPhase toPhase reason changedBy changedAt } }
        } }",
        json!({ "id": f.alliance_1 }),
    )
    .await["alliance"]
        .clone();
    assert_eq!(alliance["student"]["id"], f.student_1.as_str());
    assert_eq!(alliance["status"], "ACTIVE");
    assert_eq!(alliance["phase"], "PLANNING");
    let history = &alliance["phaseHistory"];
    assert_eq!(history["totalCount"], 1);
    assert_eq!(history["nodes"][0]["fromPhase"], Value::Null);
    assert_eq!(history["nodes"][0]["toPhase"], "PLANNING");
    assert_eq!(history["nodes"][0]["changedBy"], "fixture");
    time(&history["nodes"][0]["changedAt"]);
}

const MEMBERS: &str = "query($id: ID!, $former: Boolean!) { alliance(id: $id) {
    members(includeFormer: $former) { totalCount nodes {
        id role relationship familyIdentified active joinedAt leftAt person { displayName } alliance { id }
    } }
} }";

#[tokio::test]
async fn alliance_members_are_listed_in_order_of_joining_with_their_relationship() {
    let (app, f, admin) = world().await;
    let members = read(
        &app,
        &admin,
        MEMBERS,
        json!({ "id": f.alliance_1, "former": false }),
    )
    .await["alliance"]["members"]
        .clone();
    assert_eq!(members["totalCount"], 4);
    let summary: Vec<Value> = members["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|m| {
            json!([
                m["person"]["displayName"],
                m["role"],
                m["relationship"],
                m["familyIdentified"],
                m["active"]
            ])
        })
        .collect();
    assert_eq!(
        summary,
        [
            json!(["Maya Lopez", "STUDENT", null, false, true]),
            json!(["Elena Lopez", "CAREGIVER", "mom", false, true]),
            json!(["Ms. Rivera", "TEACHER", null, false, true]),
            json!(["Auntie Rosa", "COMMUNITY_SUPPORT", "my auntie", true, true]),
        ]
    );
    assert_eq!(members["nodes"][0]["id"], f.student_member_1.as_str());
    assert_eq!(members["nodes"][0]["alliance"]["id"], f.alliance_1.as_str());
    assert_eq!(members["nodes"][0]["leftAt"], Value::Null);
    time(&members["nodes"][0]["joinedAt"]);
}

#[tokio::test]
async fn former_members_appear_only_when_asked_for() {
    let (app, f, admin) = world().await;
    let removed = read(
        &app,
        &admin,
        "mutation($input: RemoveAllianceMemberInput!) { removeAllianceMember(input: $input) { userErrors { message } } }",
        json!({ "input": { "memberId": f.staff_member_1 } }),
    )
    .await;
    assert_eq!(removed["removeAllianceMember"]["userErrors"], json!([]));
    let current = read(
        &app,
        &admin,
        MEMBERS,
        json!({ "id": f.alliance_1, "former": false }),
    )
    .await["alliance"]["members"]
        .clone();
    assert_eq!(current["totalCount"], 3);
    assert!(
        current["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|m| m["id"] != f.staff_member_1.as_str())
    );
    let everyone = read(
        &app,
        &admin,
        MEMBERS,
        json!({ "id": f.alliance_1, "former": true }),
    )
    .await["alliance"]["members"]
        .clone();
    assert_eq!(everyone["totalCount"], 4);
    let former = everyone["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|m| m["id"] == f.staff_member_1.as_str())
        .expect("the former member is listed");
    assert_eq!(former["active"], false);
    time(&former["leftAt"]);
}

#[tokio::test]
async fn alliance_goals_are_listed_and_filtered_by_status() {
    let (app, f, admin) = world().await;
    let query = "query($id: ID!, $status: GoalStatus) { alliance(id: $id) {
        goals(status: $status) { totalCount nodes { id ownWords status } } } }";
    let all = read(&app, &admin, query, json!({ "id": f.alliance_1 })).await;
    assert_eq!(
        all["alliance"]["goals"]["nodes"],
        json!([{ "id": f.goal_1, "ownWords": "I want mornings to feel calm, not like a fight.", "status": "ACTIVE" }])
    );
    let completed = read(
        &app,
        &admin,
        query,
        json!({ "id": f.alliance_1, "status": "COMPLETED" }),
    )
    .await;
    assert_eq!(completed["alliance"]["goals"]["totalCount"], 0);
    let other = read(&app, &admin, query, json!({ "id": f.alliance_2 })).await;
    assert_eq!(other["alliance"]["goals"]["totalCount"], 0);
}

// goals

const GOAL: &str = "query($id: ID!) { node(id: $id) { ... on Goal {
    id ownWords summary domain priority status achievementStatus version createdAt updatedAt
    alliance { id }
    expressedBy { id role person { displayName } }
    measure { name unit baseline target direction targetDate }
} } }";

#[tokio::test]
async fn a_goal_shows_the_familys_own_words_who_said_them_and_its_measure() {
    let (app, f, admin) = world().await;
    let goal = read(&app, &admin, GOAL, json!({ "id": f.goal_1 })).await["node"].clone();
    assert_eq!(
        goal["ownWords"],
        "I want mornings to feel calm, not like a fight."
    );
    assert_eq!(goal["summary"], "Calm mornings before school");
    assert_eq!(goal["domain"], "FAMILY");
    assert_eq!(goal["priority"], 1);
    assert_eq!(goal["status"], "ACTIVE");
    assert_eq!(goal["achievementStatus"], "IN_PROGRESS");
    assert_eq!(goal["version"], 1);
    assert_eq!(goal["alliance"]["id"], f.alliance_1.as_str());
    assert_eq!(
        goal["expressedBy"],
        json!({ "id": f.caregiver_member_1, "role": "CAREGIVER", "person": { "displayName": "Elena Lopez" } })
    );
    let measure = &goal["measure"];
    assert_eq!(measure["name"], "calm mornings");
    assert_eq!(measure["unit"], "days a week");
    assert_eq!(measure["baseline"], 1.0);
    assert_eq!(measure["target"], 5.0);
    assert_eq!(measure["direction"], "INCREASE");
    let target_date = (Utc::now() + Duration::weeks(10)).date_naive().to_string();
    let got = measure["targetDate"].as_str().expect("targetDate");
    let tomorrow = (Utc::now() + Duration::weeks(10) - Duration::days(1))
        .date_naive()
        .to_string();
    assert!(
        got == target_date || got == tomorrow,
        "an ISO 8601 date near {target_date}: {got}"
    );
    time(&goal["createdAt"]);
    time(&goal["updatedAt"]);
}

const PROGRESS: &str = "query($id: ID!, $after: String) { node(id: $id) { ... on Goal {
    progress(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
        nodes { id value note source observedAt createdAt recordedBy { displayName } goal { id } }
    }
} } }";

#[tokio::test]
async fn goal_progress_is_newest_first_and_pages() {
    let (app, f, admin) = world().await;
    let first =
        read(&app, &admin, PROGRESS, json!({ "id": f.goal_1 })).await["node"]["progress"].clone();
    assert_eq!(first["totalCount"], 3);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let nodes = first["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0]["value"], Value::Null);
    assert_eq!(nodes[0]["note"], "a rough week");
    assert_eq!(nodes[1]["value"], 2.0);
    assert_eq!(nodes[1]["note"], "two calm mornings");
    assert_eq!(nodes[0]["source"], "TEAM_OBSERVATION");
    assert_eq!(nodes[0]["recordedBy"]["displayName"], "Ms. Rivera");
    assert_eq!(nodes[0]["goal"]["id"], f.goal_1.as_str());
    assert!(time(&nodes[0]["observedAt"]) > time(&nodes[1]["observedAt"]));

    let rest = read(
        &app,
        &admin,
        PROGRESS,
        json!({ "id": f.goal_1, "after": first["pageInfo"]["endCursor"] }),
    )
    .await["node"]["progress"]
        .clone();
    assert_eq!(rest["totalCount"], 3);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(rest["nodes"].as_array().expect("nodes").len(), 1);
    assert_eq!(rest["nodes"][0]["value"], 1.0);
    assert_eq!(rest["nodes"][0]["note"], Value::Null);
    assert!(time(&nodes[1]["observedAt"]) > time(&rest["nodes"][0]["observedAt"]));
}

const PAGE_OF_PROGRESS: &str =
    "query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    node(id: $id) { ... on Goal {
        progress(first: $first, after: $after, last: $last, before: $before) {
            totalCount edges { cursor node { id } }
        }
    } }
}";

#[tokio::test]
async fn every_page_of_a_goals_progress_is_its_slice_of_the_whole_list() {
    let (app, f, admin) = world().await;
    let page = |args: Value| {
        let app = &app;
        let admin = &admin;
        let goal = f.goal_1.clone();
        async move {
            let mut variables = args;
            variables["id"] = json!(goal);
            let progress =
                read(app, admin, PAGE_OF_PROGRESS, variables).await["node"]["progress"].clone();
            assert_eq!(progress["totalCount"], 3, "{progress}");
            progress["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| (e["cursor"].clone(), e["node"]["id"].clone()))
                .collect::<Vec<_>>()
        }
    };
    // The whole list, newest first, with each entry's cursor: read the way a page
    // between cursors is (every entry, then sliced), not the way the pages under test are.
    let whole = page(json!({ "first": 3, "last": 3 })).await;
    assert_eq!(whole.len(), 3);
    let cursor = |i: usize| whole[i].0.clone();
    for (args, expected) in [
        (json!({ "first": 1 }), 0..1),
        (json!({ "first": 2 }), 0..2),
        (json!({ "first": 5 }), 0..3),
        (json!({ "first": 0 }), 0..0),
        (json!({ "last": 1 }), 2..3),
        (json!({ "last": 2 }), 1..3),
        (json!({ "last": 5 }), 0..3),
        (json!({ "last": 0 }), 3..3),
        (json!({ "first": 2, "last": 1 }), 1..2),
        (json!({ "first": 1, "after": cursor(0) }), 1..2),
        (json!({ "last": 1, "before": cursor(2) }), 1..2),
        (json!({ "after": cursor(1) }), 2..3),
        (json!({}), 0..3),
    ] {
        assert_eq!(page(args.clone()).await, whole[expected].to_vec(), "{args}");
    }
}

#[tokio::test]
async fn progress_summary_is_computed_from_the_fixtures_entries() {
    let (app, f, admin) = world().await;
    let summary = read(
        &app,
        &admin,
        "query($id: ID!) { node(id: $id) { ... on Goal { progressSummary {
            count latestValue latestObservedAt slopePerWeek percentOfTarget
            neededRatePerWeek growthRatio projectedAtTargetDate decision
        } } } }",
        json!({ "id": f.goal_1 }),
    )
    .await["node"]["progressSummary"]
        .clone();
    // Entries: 1.0 three weeks ago, 2.0 two weeks ago, a note-only entry last week.
    assert_eq!(summary["count"], 3, "note-only entries count too");
    assert_eq!(summary["latestValue"], 2.0);
    let latest = time(&summary["latestObservedAt"]);
    let two_weeks_ago = Utc::now() - Duration::weeks(2);
    assert!(
        (latest - two_weeks_ago).num_seconds().abs() < 120,
        "the latest value was observed two weeks ago, not {latest}"
    );
    assert_close(&summary["slopePerWeek"], 1.0, 1e-3);
    // (2 − 1) / (5 − 1) = 25 %.
    assert_close(&summary["percentOfTarget"], 25.0, 1e-6);
    // The aim line runs from the first point (3 weeks ago) to the target date, midnight
    // UTC some 10 weeks from now: a little under 13 weeks for 4 days a week.
    let needed = summary["neededRatePerWeek"].as_f64().expect("needed rate");
    assert!(
        (4.0 / 13.0..=4.0 / (13.0 - 1.0 / 7.0) + 1e-6).contains(&needed),
        "needed rate {needed}"
    );
    assert_close(&summary["growthRatio"], 1.0 / needed, 1e-3);
    // The trend passes 1.5 at 2.5 weeks ago and climbs a point a week until the target date.
    let projected = summary["projectedAtTargetDate"]
        .as_f64()
        .expect("projection");
    assert!(
        (14.0 - 1.0 / 7.0 - 1e-2..=14.0 + 1e-2).contains(&projected),
        "projected {projected}"
    );
    assert_eq!(
        summary["decision"], "INSUFFICIENT_DATA",
        "fewer than four points"
    );
}

#[tokio::test]
async fn a_goal_starts_at_version_one_and_its_revisions_are_newest_first() {
    let (app, f, admin) = world().await;
    let query = "query($id: ID!) { node(id: $id) { ... on Goal {
        version revisions { totalCount nodes { id version revisedBy revisedAt before after } } } } }";
    let fresh = read(&app, &admin, query, json!({ "id": f.goal_1 })).await["node"].clone();
    assert_eq!(fresh["version"], 1);
    assert_eq!(fresh["revisions"]["totalCount"], 0);

    let update = "mutation($input: UpdateGoalInput!) { updateGoal(input: $input) { goal { version } userErrors { message } } }";
    for (version, priority) in [(1, 2), (2, 4)] {
        let changed = read(
            &app,
            &admin,
            update,
            json!({ "input": { "goalId": f.goal_1, "version": version, "priority": priority } }),
        )
        .await;
        assert_eq!(changed["updateGoal"]["userErrors"], json!([]));
        assert_eq!(changed["updateGoal"]["goal"]["version"], version + 1);
    }
    let goal = read(&app, &admin, query, json!({ "id": f.goal_1 })).await["node"].clone();
    assert_eq!(goal["version"], 3);
    let revisions = &goal["revisions"];
    assert_eq!(revisions["totalCount"], 2);
    assert_eq!(revisions["nodes"][0]["version"], 3);
    assert_eq!(revisions["nodes"][0]["before"], json!({ "priority": 2 }));
    assert_eq!(revisions["nodes"][0]["after"], json!({ "priority": 4 }));
    assert_eq!(revisions["nodes"][1]["version"], 2);
    assert_eq!(revisions["nodes"][1]["before"], json!({ "priority": 1 }));
    assert_eq!(revisions["nodes"][1]["revisedBy"], "admin");
    time(&revisions["nodes"][1]["revisedAt"]);
}

// the audit log

const AUDIT: &str = "query($id: ID!) { auditEvents(studentId: $id, first: 50) { totalCount nodes {
    id occurredAt subject roles action entityType entityId operationName requestId
} } }";

async fn audit_events(app: &TestApp, token: &str, student: &str) -> Vec<Value> {
    read(app, token, AUDIT, json!({ "id": student })).await["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone()
}

#[tokio::test]
async fn reading_a_student_leaves_a_read_event_with_the_subject_and_operation_name() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    read(
        &app,
        &staff,
        "query ReadMaya($id: ID!) { student(id: $id) { name } }",
        json!({ "id": f.student_1 }),
    )
    .await;
    // The read is logged after the response, so look in a later request.
    let events = audit_events(&app, &admin, &f.student_1).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event["subject"], "staff-a");
    assert_eq!(event["roles"], "STAFF");
    assert_eq!(event["action"], "READ");
    assert_eq!(event["entityType"], "Student");
    assert_eq!(event["entityId"], f.student_1.as_str());
    assert_eq!(event["operationName"], "ReadMaya");
    assert!(event["requestId"].is_string(), "{event}");
    let when = time(&event["occurredAt"]);
    assert!((Utc::now() - when).num_seconds().abs() < 60);
}

#[tokio::test]
async fn the_operation_name_field_of_the_request_is_recorded_too() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    let response = app
        .client()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&staff)
        .header("x-request-id", "req-from-the-client-42")
        .json(&json!({
            "query": "query First($id: ID!) { student(id: $id) { id } } query Second($id: ID!) { alliance(id: $id) { id } }",
            "operationName": "Second",
            "variables": { "id": f.alliance_1 },
        }))
        .send()
        .await
        .expect("send");
    let server_request_id = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(
        server_request_id, "req-from-the-client-42",
        "the audit log keeps the server's own id"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(data(&body)["alliance"]["id"], f.alliance_1.as_str());
    let events = audit_events(&app, &admin, &f.student_1).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["operationName"], "Second");
    assert_eq!(
        events[0]["entityType"], "Student",
        "a read is of the student's records"
    );
    assert_eq!(events[0]["requestId"], server_request_id.as_str());
}

#[tokio::test]
async fn one_request_reading_a_student_many_ways_is_one_read_event() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    read(
        &app,
        &staff,
        "query ReadTwice($s: ID!, $a: ID!) { student(id: $s) { name alliance { id } } alliance(id: $a) { student { id } } }",
        json!({ "s": f.student_1, "a": f.alliance_1 }),
    )
    .await;
    let events = audit_events(&app, &admin, &f.student_1).await;
    assert_eq!(events.len(), 1, "{events:#?}");
}

#[tokio::test]
async fn the_audit_log_is_newest_first_and_logs_its_own_reading() {
    let (app, f, admin) = world().await;
    read(
        &app,
        &f.staff_member(&app),
        "query StaffLooks($id: ID!) { student(id: $id) { id } }",
        json!({ "id": f.student_1 }),
    )
    .await;
    read(
        &app,
        &f.family_member(&app),
        "query FamilyLooks($id: ID!) { student(id: $id) { id } }",
        json!({ "id": f.student_1 }),
    )
    .await;
    let events = audit_events(&app, &admin, &f.student_1).await;
    let who: Vec<&Value> = events.iter().map(|e| &e["subject"]).collect();
    assert_eq!(who, ["family-1", "staff-a"]);
    let again = audit_events(&app, &admin, &f.student_1).await;
    let who: Vec<&Value> = again.iter().map(|e| &e["subject"]).collect();
    assert_eq!(
        who,
        ["admin", "family-1", "staff-a"],
        "reading the log is a read"
    );
    // Nothing about another student leaks into this one's log.
    assert!(audit_events(&app, &admin, &f.student_2).await.is_empty());
}

#[tokio::test]
async fn a_students_access_log_shows_who_read_their_records() {
    let (app, f, admin) = world().await;
    read(
        &app,
        &f.staff_member(&app),
        "query ReadMaya($id: ID!) { student(id: $id) { name } }",
        json!({ "id": f.student_1 }),
    )
    .await;
    let log = read(
        &app,
        &admin,
        "query($id: ID!) { student(id: $id) { accessLog(first: 10) { totalCount nodes { subject action entityType operationName } } } }",
        json!({ "id": f.student_1 }),
    )
    .await["student"]["accessLog"]
        .clone();
    assert_eq!(log["totalCount"], 1);
    assert_eq!(
        log["nodes"][0],
        json!({ "subject": "staff-a", "action": "READ", "entityType": "Student", "operationName": "ReadMaya" })
    );
}

#[tokio::test]
async fn a_family_member_can_read_who_accessed_their_childs_record() {
    let (app, f, _) = world().await;
    read(
        &app,
        &f.staff_member(&app),
        "query TeacherChecksIn($id: ID!) { alliance(id: $id) { goals { totalCount } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    let family = f.family_member(&app);
    let log = read(
        &app,
        &family,
        "query($id: ID!) { student(id: $id) { accessLog { nodes { subject action operationName } } } }",
        json!({ "id": f.student_1 }),
    )
    .await["student"]["accessLog"]["nodes"]
        .clone();
    assert_eq!(
        log,
        json!([{ "subject": "staff-a", "action": "READ", "operationName": "TeacherChecksIn" }])
    );
    let events = audit_events(&app, &family, &f.student_1).await;
    assert!(
        events.iter().any(|e| e["subject"] == "staff-a"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn the_audit_log_of_a_student_out_of_reach_is_not_found() {
    let (app, f, _) = world().await;
    for token in [f.family_non_member(&app), f.staff_non_member(&app)] {
        let response = app
            .graphql(AUDIT, json!({ "id": f.student_1 }), Some(&token))
            .await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
    }
    let response = app.graphql(AUDIT, json!({ "id": f.student_1 }), None).await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"), "{response}");
}

/// The dashboard's shape, each object's fields between `<Type` and `>`, which
/// [`nested`] turns into nothing or into an inline fragment on the type.
const NESTED: &str = "query { students(first: 10) { <StudentConnection __typename totalCount
    pageInfo { hasNextPage endCursor } nodes { <Student
    id name gradeLevel __typename
    school { <School id name __typename > }
    alliance { <Alliance id phase status createdAt
      members { <AllianceMemberConnection nodes { <AllianceMember id role relationship active
        person { <Person id displayName preferredLanguage > } > } > }
      goals { <GoalConnection totalCount nodes { <Goal id ownWords status priority
        measure { name target direction }
        progressSummary { <ProgressSummary count latestValue latestObservedAt slopePerWeek
          percentOfTarget decision > }
        progress(first: 5) { <ProgressEntryConnection totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id value } }
          nodes { <ProgressEntry id observedAt value note source createdAt > } > } > } > }
      health { <AllianceHealth status openConcerns practices { practice status }
        reasons { code } > }
      feedbackResponses(first: 1) { <FeedbackResponseConnection nodes { <FeedbackResponse
        id total submittedAt concern { open } > } > } > } > } > } }";

/// `NESTED` with each object's fields as they are, or inside `... on Type { }`.
fn nested(fragments: bool) -> String {
    let mut query = NESTED.to_owned();
    // Connections first: `<Goal` would match the start of `<GoalConnection`.
    for kind in [
        "StudentConnection",
        "AllianceMemberConnection",
        "GoalConnection",
        "ProgressEntryConnection",
        "FeedbackResponseConnection",
        "AllianceMember",
        "AllianceHealth",
        "Alliance",
        "Student",
        "School",
        "Person",
        "Goal",
        "ProgressSummary",
        "ProgressEntry",
        "FeedbackResponse",
    ] {
        let open = if fragments {
            format!("... on {kind} {{")
        } else {
            String::new()
        };
        query = query.replace(&format!("<{kind}"), &open);
    }
    query.replace(" >", if fragments { " }" } else { " " })
}

#[tokio::test]
async fn an_objects_fields_answer_the_same_asked_plainly_or_through_fragments() {
    let (app, f, admin) = world().await;
    // A second entry, so that a page holds more than one.
    let recorded = read(
        &app,
        &f.staff_member(&app),
        "mutation($goal: ID!) { recordProgress(input: { goalId: $goal, value: 4, \
         note: \"better mornings\" }) { progressEntry { id } userErrors { code } } }",
        json!({ "goal": f.goal_1 }),
    )
    .await;
    assert_eq!(
        recorded["recordProgress"]["userErrors"],
        json!([]),
        "{recorded}"
    );

    let plain = read(&app, &admin, &nested(false), json!({})).await;
    let through_fragments = read(&app, &admin, &nested(true), json!({})).await;
    assert_eq!(plain, through_fragments);
    let students = plain["students"]["nodes"].as_array().expect("students");
    let goal = students
        .iter()
        .filter_map(|s| s["alliance"]["goals"]["nodes"].as_array())
        .flatten()
        .find(|g| g["id"] == f.goal_1)
        .expect("the fixture's goal");
    assert!(goal["progress"]["nodes"].as_array().expect("entries").len() >= 2);
    assert_eq!(students[0]["__typename"], "Student");
    assert_eq!(plain["students"]["__typename"], "StudentConnection");

    // Aliases (the plain way), a key asked for twice (the executor's way), and
    // `@include`/`@skip` (taken out before either runs) answer alike.
    for query in [
        "query($yes: Boolean!) { students(first: 10) { nodes { id ident: id
           name @include(if: $yes) gradeLevel @skip(if: $yes) school { label: name name } } } }",
        "query($yes: Boolean!) { students(first: 10) { nodes { id ident: id id
           name @include(if: $yes) gradeLevel @skip(if: $yes) school { label: name name } } } }",
        "query($yes: Boolean!) { students(first: 10) { count: totalCount totalCount
           nodes { id ident: id name @include(if: $yes) gradeLevel @skip(if: $yes)
           school { label: name name } } } }",
    ] {
        let mixed = read(&app, &admin, query, json!({ "yes": true })).await;
        // A connection's count under an alias and under its own name, where asked.
        if query.contains("count:") {
            assert_eq!(mixed["students"]["count"], plain["students"]["totalCount"]);
            assert_eq!(
                mixed["students"]["totalCount"],
                plain["students"]["totalCount"]
            );
        } else {
            assert!(mixed["students"].get("count").is_none(), "{mixed}");
        }
        let mixed = mixed["students"]["nodes"].as_array().expect("nodes");
        assert_eq!(mixed.len(), students.len());
        for (student, mixed) in students.iter().zip(mixed) {
            assert_eq!(mixed["id"], student["id"]);
            assert_eq!(mixed["ident"], student["id"]);
            assert_eq!(mixed["name"], student["name"]);
            assert!(mixed.get("gradeLevel").is_none(), "{mixed}");
            assert_eq!(mixed["school"]["label"], student["school"]["name"]);
            assert_eq!(mixed["school"]["name"], student["school"]["name"]);
        }
    }
}
