//! Who may see and change what (DESIGN.md §3), as a matrix of callers × operations,
//! over HTTP with real tokens.

use alliance_tests::{Fixture, TestApp, TokenFor, error_code, spawn_app};
use serde_json::json;

const READ_STUDENT: &str =
    "query($id: ID!) { student(id: $id) { id name alliance { id goals { totalCount } } } }";
const READ_ALLIANCE: &str = "query($id: ID!) { alliance(id: $id) { id members { totalCount } } }";
const RECORD_PROGRESS: &str = "mutation($input: RecordProgressInput!) { recordProgress(input: $input) { progressEntry { id } userErrors { code } } }";
const CREATE_STUDENT: &str = "mutation($input: CreateStudentInput!) { createStudent(input: $input) { student { id } userErrors { code field } } }";
const CREATE_SCHOOL: &str = "mutation($input: CreateSchoolInput!) { createSchool(input: $input) { school { id } userErrors { code } } }";
const LIST_STUDENTS: &str = "{ students { totalCount nodes { name } } }";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Allowed,
    Denied(&'static str),
}
use Expect::*;

async fn read_student(app: &TestApp, token: Option<&str>, id: &str) -> Expect {
    let response = app.graphql(READ_STUDENT, json!({ "id": id }), token).await;
    match error_code(&response) {
        None => {
            assert_eq!(response["data"]["student"]["id"], id);
            Allowed
        }
        Some("NOT_FOUND") => Denied("NOT_FOUND"),
        Some("UNAUTHENTICATED") => Denied("UNAUTHENTICATED"),
        Some(other) => panic!("unexpected code {other}: {response}"),
    }
}

async fn read_alliance(app: &TestApp, token: Option<&str>, id: &str) -> Expect {
    let response = app.graphql(READ_ALLIANCE, json!({ "id": id }), token).await;
    match error_code(&response) {
        None => Allowed,
        Some("NOT_FOUND") => Denied("NOT_FOUND"),
        Some("UNAUTHENTICATED") => Denied("UNAUTHENTICATED"),
        Some(other) => panic!("unexpected code {other}: {response}"),
    }
}

async fn record_progress(app: &TestApp, token: Option<&str>, goal: &str) -> Expect {
    let input = json!({ "goalId": goal, "value": 3.0, "note": "matrix" });
    let response = app
        .graphql(RECORD_PROGRESS, json!({ "input": input }), token)
        .await;
    match error_code(&response) {
        None => {
            assert!(
                response["data"]["recordProgress"]["progressEntry"]["id"].is_string(),
                "{response}"
            );
            Allowed
        }
        Some(code @ ("FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED")) => {
            assert!(
                response["data"].is_null(),
                "a refused write returns no data: {response}"
            );
            Denied(if code == "FORBIDDEN" {
                "FORBIDDEN"
            } else if code == "NOT_FOUND" {
                "NOT_FOUND"
            } else {
                "UNAUTHENTICATED"
            })
        }
        Some(other) => panic!("unexpected code {other}: {response}"),
    }
}

async fn create_student(app: &TestApp, token: Option<&str>, school: &str) -> Expect {
    let input = json!({ "schoolId": school, "name": "New Student", "gradeLevel": "2" });
    let response = app
        .graphql(CREATE_STUDENT, json!({ "input": input }), token)
        .await;
    match error_code(&response) {
        None => Allowed,
        Some("FORBIDDEN") => Denied("FORBIDDEN"),
        Some("NOT_FOUND") => Denied("NOT_FOUND"),
        Some("UNAUTHENTICATED") => Denied("UNAUTHENTICATED"),
        Some(other) => panic!("unexpected code {other}: {response}"),
    }
}

async fn create_school(app: &TestApp, token: Option<&str>) -> Expect {
    let response = app
        .graphql(
            CREATE_SCHOOL,
            json!({ "input": { "name": "Another School" } }),
            token,
        )
        .await;
    match error_code(&response) {
        None => Allowed,
        Some("FORBIDDEN") => Denied("FORBIDDEN"),
        Some("UNAUTHENTICATED") => Denied("UNAUTHENTICATED"),
        Some(other) => panic!("unexpected code {other}: {response}"),
    }
}

async fn count_students(app: &TestApp, token: Option<&str>) -> Option<u64> {
    let response = app.graphql(LIST_STUDENTS, json!({}), token).await;
    response["data"]["students"]["totalCount"].as_u64()
}

struct Row {
    caller: &'static str,
    token: Option<String>,
    read_own_school_student: Expect,
    read_other_school_student: Expect,
    read_alliance_1: Expect,
    write_alliance_1: Expect,
    create_student_in_a: Expect,
    create_school: Expect,
    visible_students: Option<u64>,
}

#[tokio::test]
async fn every_role_reaches_exactly_what_design_section_3_allows() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let expired = app.token_with(
        TokenFor {
            subject: "admin",
            district: "alpha",
            roles: &["DISTRICT_ADMIN"],
            schools: vec![],
        },
        |c| {
            c.exp = chrono::Utc::now().timestamp() - 3600;
            c.nbf = Some(c.exp - 7200);
            c.iat = c.exp - 7200;
        },
    );
    // A well-formed token signed with a secret the server does not hold.
    let bad_signature = {
        let claims = alliance_server::tokens::claims(
            "alliance",
            "alliance",
            "admin",
            "alpha",
            vec!["DISTRICT_ADMIN".into()],
            vec![],
            std::time::Duration::from_secs(3600),
        );
        let forged =
            secrecy::SecretString::from("a-secret-this-server-has-never-seen-000".to_owned());
        alliance_server::tokens::mint(&forged, &claims).expect("mint")
    };
    let rows = vec![
        Row {
            caller: "district admin",
            token: Some(f.district_admin(&app)),
            read_own_school_student: Allowed,
            read_other_school_student: Allowed,
            read_alliance_1: Allowed,
            write_alliance_1: Allowed,
            create_student_in_a: Allowed,
            create_school: Allowed,
            visible_students: Some(2),
        },
        Row {
            caller: "school admin in school A",
            token: Some(f.school_admin_a(&app)),
            read_own_school_student: Allowed,
            read_other_school_student: Denied("NOT_FOUND"),
            read_alliance_1: Allowed,
            write_alliance_1: Allowed,
            create_student_in_a: Allowed,
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(1),
        },
        Row {
            caller: "school admin of school B",
            token: Some(f.school_admin_b(&app)),
            read_own_school_student: Denied("NOT_FOUND"),
            read_other_school_student: Allowed,
            read_alliance_1: Denied("NOT_FOUND"),
            write_alliance_1: Denied("FORBIDDEN"),
            create_student_in_a: Denied("FORBIDDEN"),
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(1),
        },
        Row {
            caller: "staff member of alliance 1",
            token: Some(f.staff_member(&app)),
            read_own_school_student: Allowed,
            read_other_school_student: Denied("NOT_FOUND"),
            read_alliance_1: Allowed,
            write_alliance_1: Allowed,
            create_student_in_a: Denied("FORBIDDEN"),
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(1),
        },
        Row {
            caller: "staff not in alliance 1",
            token: Some(f.staff_non_member(&app)),
            read_own_school_student: Denied("NOT_FOUND"),
            read_other_school_student: Allowed,
            read_alliance_1: Denied("NOT_FOUND"),
            write_alliance_1: Denied("FORBIDDEN"),
            create_student_in_a: Denied("FORBIDDEN"),
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(1),
        },
        Row {
            caller: "family member of alliance 1",
            token: Some(f.family_member(&app)),
            read_own_school_student: Allowed,
            read_other_school_student: Denied("NOT_FOUND"),
            read_alliance_1: Allowed,
            write_alliance_1: Denied("FORBIDDEN"),
            create_student_in_a: Denied("FORBIDDEN"),
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(1),
        },
        Row {
            caller: "family not in alliance 1",
            token: Some(f.family_non_member(&app)),
            read_own_school_student: Denied("NOT_FOUND"),
            read_other_school_student: Allowed,
            read_alliance_1: Denied("NOT_FOUND"),
            write_alliance_1: Denied("FORBIDDEN"),
            create_student_in_a: Denied("FORBIDDEN"),
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(1),
        },
        Row {
            caller: "analyst",
            token: Some(f.analyst(&app)),
            read_own_school_student: Denied("NOT_FOUND"),
            read_other_school_student: Denied("NOT_FOUND"),
            read_alliance_1: Denied("NOT_FOUND"),
            write_alliance_1: Denied("FORBIDDEN"),
            create_student_in_a: Denied("FORBIDDEN"),
            create_school: Denied("FORBIDDEN"),
            visible_students: Some(0),
        },
        // Another district's records do not exist for this caller: not found, even for writes.
        Row {
            caller: "another district's admin",
            token: Some(f.other_district_admin(&app)),
            read_own_school_student: Denied("NOT_FOUND"),
            read_other_school_student: Denied("NOT_FOUND"),
            read_alliance_1: Denied("NOT_FOUND"),
            write_alliance_1: Denied("NOT_FOUND"),
            create_student_in_a: Denied("NOT_FOUND"),
            create_school: Allowed,
            visible_students: Some(1),
        },
        Row {
            caller: "no token",
            token: None,
            read_own_school_student: Denied("UNAUTHENTICATED"),
            read_other_school_student: Denied("UNAUTHENTICATED"),
            read_alliance_1: Denied("UNAUTHENTICATED"),
            write_alliance_1: Denied("UNAUTHENTICATED"),
            create_student_in_a: Denied("UNAUTHENTICATED"),
            create_school: Denied("UNAUTHENTICATED"),
            visible_students: None,
        },
        Row {
            caller: "expired token",
            token: Some(expired),
            read_own_school_student: Denied("UNAUTHENTICATED"),
            read_other_school_student: Denied("UNAUTHENTICATED"),
            read_alliance_1: Denied("UNAUTHENTICATED"),
            write_alliance_1: Denied("UNAUTHENTICATED"),
            create_student_in_a: Denied("UNAUTHENTICATED"),
            create_school: Denied("UNAUTHENTICATED"),
            visible_students: None,
        },
        Row {
            caller: "bad signature",
            token: Some(bad_signature),
            read_own_school_student: Denied("UNAUTHENTICATED"),
            read_other_school_student: Denied("UNAUTHENTICATED"),
            read_alliance_1: Denied("UNAUTHENTICATED"),
            write_alliance_1: Denied("UNAUTHENTICATED"),
            create_student_in_a: Denied("UNAUTHENTICATED"),
            create_school: Denied("UNAUTHENTICATED"),
            visible_students: None,
        },
    ];

    let mut mismatches = Vec::new();
    for row in &rows {
        let token = row.token.as_deref();
        let seen = [
            (
                "read student in school A",
                read_student(&app, token, &f.student_1).await,
                row.read_own_school_student,
            ),
            (
                "read student in school B",
                read_student(&app, token, &f.student_2).await,
                row.read_other_school_student,
            ),
            (
                "read alliance 1",
                read_alliance(&app, token, &f.alliance_1).await,
                row.read_alliance_1,
            ),
            (
                "record progress in alliance 1",
                record_progress(&app, token, &f.goal_1).await,
                row.write_alliance_1,
            ),
            (
                "create a student in school A",
                create_student(&app, token, &f.school_a).await,
                row.create_student_in_a,
            ),
            (
                "create a school",
                create_school(&app, token).await,
                row.create_school,
            ),
        ];
        for (operation, got, want) in seen {
            if got != want {
                mismatches.push(format!(
                    "{}: {operation}: expected {want:?}, got {got:?}",
                    row.caller
                ));
            }
        }
        let _ = count_students(&app, token).await; // warm: creations above may add students
    }
    assert!(
        mismatches.is_empty(),
        "access matrix mismatches:\n{}",
        mismatches.join("\n")
    );

    // Visible totals, measured on a fresh fixture so the writes above do not count.
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let tokens = [
        f.district_admin(&app),
        f.school_admin_a(&app),
        f.school_admin_b(&app),
        f.staff_member(&app),
        f.staff_non_member(&app),
        f.family_member(&app),
        f.family_non_member(&app),
        f.analyst(&app),
        f.other_district_admin(&app),
    ];
    for (row, token) in rows.iter().zip(tokens.iter()) {
        assert_eq!(
            count_students(&app, Some(token)).await,
            row.visible_students,
            "{} sees the wrong students",
            row.caller
        );
    }
    assert_eq!(count_students(&app, None).await, None);
}

#[tokio::test]
async fn an_unauthenticated_list_says_unauthenticated() {
    let app = spawn_app().await;
    Fixture::load(&app).await;
    let response = app.graphql(LIST_STUDENTS, json!({}), None).await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_token_for_another_audience_or_issuer_is_refused() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let who = TokenFor {
        subject: "admin",
        district: "alpha",
        roles: &["DISTRICT_ADMIN"],
        schools: vec![],
    };
    let wrong_audience = app.token_with(who.clone(), |c| c.aud = "someone-else".into());
    let wrong_issuer = app.token_with(who.clone(), |c| c.iss = "not-us".into());
    let not_yet = app.token_with(who.clone(), |c| {
        c.nbf = Some(chrono::Utc::now().timestamp() + 3600)
    });
    let unknown_district = app.token_with(
        TokenFor {
            district: "nowhere",
            ..who.clone()
        },
        |_| {},
    );
    let unknown_role = app.token_with(
        TokenFor {
            roles: &["SUPERUSER"],
            ..who
        },
        |_| {},
    );
    for token in [
        wrong_audience,
        wrong_issuer,
        not_yet,
        unknown_district,
        unknown_role,
    ] {
        let response = app
            .graphql(READ_STUDENT, json!({ "id": f.student_1 }), Some(&token))
            .await;
        assert_eq!(error_code(&response), Some("UNAUTHENTICATED"), "{response}");
        let viewer = app
            .graphql("{ viewer { subject } }", json!({}), Some(&token))
            .await;
        assert_eq!(error_code(&viewer), Some("UNAUTHENTICATED"), "{viewer}");
    }
}

#[tokio::test]
async fn nested_edges_stay_inside_the_callers_reach() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    // The family member reaches their own child's alliance, and nothing through node().
    let token = f.family_member(&app);
    for id in [&f.student_2, &f.alliance_2] {
        let response = app
            .graphql(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
                Some(&token),
            )
            .await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
    }
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [f.student_1, f.student_2, f.unaffiliated_person] }),
            Some(&token),
        )
        .await;
    assert_eq!(
        response["data"]["nodes"],
        json!([{ "id": f.student_1 }, null, null])
    );
}

#[tokio::test]
async fn people_are_read_only_through_alliances_in_reach() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let query = "query($id: ID!) { node(id: $id) { ... on Person { displayName } } }";
    let cases = [
        (f.district_admin(&app), true),
        (f.school_admin_a(&app), true),
        (f.staff_member(&app), true),
        (f.family_member(&app), true),
        (f.school_admin_b(&app), false),
        (f.staff_non_member(&app), false),
        (f.family_non_member(&app), false),
        (f.analyst(&app), false),
        (f.other_district_admin(&app), false),
    ];
    for (token, visible) in cases {
        let response = app
            .graphql(query, json!({ "id": f.support_person }), Some(&token))
            .await;
        if visible {
            assert_eq!(
                response["data"]["node"]["displayName"], "Auntie Rosa",
                "{response}"
            );
        } else {
            assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
        }
    }
}

#[tokio::test]
async fn a_write_to_an_unknown_id_reveals_nothing_to_those_who_could_not_read_it() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let unknown_goal = alliance_graphql::global_id("Goal", uuid::Uuid::now_v7()).0;
    let update = "mutation($input: UpdateGoalInput!) { updateGoal(input: $input) { goal { id } } }";
    for (token, goal, expected) in [
        (f.analyst(&app), &unknown_goal, "FORBIDDEN"),
        (f.analyst(&app), &f.goal_1, "FORBIDDEN"),
        (f.staff_non_member(&app), &unknown_goal, "FORBIDDEN"),
        (f.staff_non_member(&app), &f.goal_1, "FORBIDDEN"),
        (f.district_admin(&app), &unknown_goal, "NOT_FOUND"),
    ] {
        let response = app
            .graphql(
                update,
                json!({ "input": { "goalId": goal, "version": 1, "priority": 2 } }),
                Some(&token),
            )
            .await;
        assert_eq!(error_code(&response), Some(expected), "{response}");
    }
}
