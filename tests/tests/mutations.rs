//! Every mutation of the public contract (DESIGN.md §6) over HTTP against the real
//! server: the change it makes, the `userErrors` it answers with when the input is at
//! fault, and the audit event it writes in the same transaction.

use alliance_tests::{Fixture, TestApp, data, error_code, spawn_app};
use chrono::{Duration, Utc};
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

/// Runs mutation `field` with `input` and returns the whole response, errors and all.
async fn mutate(app: &TestApp, token: &str, document: &str, input: Value) -> Value {
    app.graphql(document, json!({ "input": input }), Some(token))
        .await
}

/// The payload of a mutation that must succeed: no errors and no user errors.
async fn succeed(app: &TestApp, token: &str, document: &str, field: &str, input: Value) -> Value {
    let response = mutate(app, token, document, input).await;
    let payload = data(&response)[field].clone();
    assert_eq!(payload["userErrors"], json!([]), "{response:#}");
    payload
}

/// Asserts the mutation was refused with one user error on `field` with `code`, that
/// the error is echoed in the top-level `errors` with `extensions.code`, and that the
/// payload holds no object. Returns the payload.
fn refused(response: &Value, mutation: &str, field: Option<&str>, code: &str) -> Value {
    let payload = &response["data"][mutation];
    let errors = payload["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no userErrors: {response:#}"));
    assert_eq!(errors.len(), 1, "{response:#}");
    assert_eq!(errors[0]["code"], code, "{response:#}");
    assert_eq!(errors[0]["field"], json!(field), "{response:#}");
    assert!(
        errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{response:#}"
    );
    assert_eq!(
        error_code(response),
        Some(code),
        "echoed in errors: {response:#}"
    );
    for (key, value) in payload.as_object().expect("payload") {
        if key != "userErrors" {
            assert_eq!(
                value,
                &Value::Null,
                "{key} of a refused change: {response:#}"
            );
        }
    }
    payload.clone()
}

const AUDIT: &str = "query($id: ID!) { auditEvents(studentId: $id, first: 100) { nodes {
    subject action entityType entityId operationName requestId
} } }";

/// The audit events about `student` that are not reads, newest first.
async fn changes(app: &TestApp, token: &str, student: &str) -> Vec<Value> {
    read(app, token, AUDIT, json!({ "id": student })).await["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|e| e["action"] != "READ")
        .cloned()
        .collect()
}

/// Asserts the newest change about `student` is `action` on `entity_type` (with
/// `entity_id` when given), by `subject`, in operation `operation`.
async fn assert_audited(
    app: &TestApp,
    token: &str,
    student: &str,
    expected: (&str, &str, Option<&str>, &str, &str),
) {
    let (action, entity_type, entity_id, subject, operation) = expected;
    let events = changes(app, token, student).await;
    let newest = events
        .first()
        .unwrap_or_else(|| panic!("no change was audited for {student}"));
    assert_eq!(newest["action"], action, "{events:#?}");
    assert_eq!(newest["entityType"], entity_type, "{events:#?}");
    if let Some(id) = entity_id {
        assert_eq!(newest["entityId"], id, "{events:#?}");
    }
    assert_eq!(newest["subject"], subject, "{events:#?}");
    assert_eq!(newest["operationName"], operation, "{events:#?}");
    assert!(newest["requestId"].is_string(), "{events:#?}");
}

const CREATE_SCHOOL: &str = "mutation OpenSchool($input: CreateSchoolInput!) { createSchool(input: $input) {
    school { id name externalIds { system value } createdAt } userErrors { field message code } } }";
const CREATE_PERSON: &str =
    "mutation AddPerson($input: CreatePersonInput!) { createPerson(input: $input) {
    person { id displayName preferredLanguage contactPreferences externalIds { system value } }
    userErrors { field message code } } }";
const CREATE_STUDENT: &str = "mutation EnrolStudent($input: CreateStudentInput!) { createStudent(input: $input) {
    student { id name preferredName pronouns gradeLevel preferredLanguage externalIds { system value } school { id } alliance { id } }
    userErrors { field message code } } }";
const CREATE_ALLIANCE: &str =
    "mutation OpenAlliance($input: CreateAllianceInput!) { createAlliance(input: $input) {
    alliance { id status phase student { id }
        members { totalCount nodes { role person { id displayName } } }
        phaseHistory { nodes { fromPhase toPhase } } }
    userErrors { field message code } } }";
const CHANGE_PHASE: &str = "mutation MoveOn($input: ChangeAlliancePhaseInput!) { changeAlliancePhase(input: $input) {
    alliance { id status phase phaseHistory { totalCount nodes { fromPhase toPhase reason changedBy changedAt } } }
    userErrors { field message code } } }";
const ADD_MEMBER: &str = "mutation Welcome($input: AddAllianceMemberInput!) { addAllianceMember(input: $input) {
    member { id role relationship familyIdentified active joinedAt leftAt person { id displayName } alliance { id } }
    alliance { id members { totalCount } }
    userErrors { field message code } } }";
const REMOVE_MEMBER: &str = "mutation SayGoodbye($input: RemoveAllianceMemberInput!) { removeAllianceMember(input: $input) {
    member { id active leftAt } alliance { id }
    userErrors { field message code } } }";
const CREATE_GOAL: &str = "mutation SetGoal($input: CreateGoalInput!) { createGoal(input: $input) {
    goal { id ownWords summary domain priority status version expressedBy { id }
        measure { name unit baseline target direction targetDate } }
    userErrors { field message code } } }";
const UPDATE_GOAL: &str =
    "mutation ReviseGoal($input: UpdateGoalInput!) { updateGoal(input: $input) {
    goal { id ownWords priority status achievementStatus version measure { target } }
    userErrors { field message code } } }";
const RECORD_PROGRESS: &str =
    "mutation NoteProgress($input: RecordProgressInput!) { recordProgress(input: $input) {
    progressEntry { id value note source observedAt recordedBy { displayName } goal { id } }
    goal { id progress { totalCount } }
    userErrors { field message code } } }";

const SCHOOLS: &str = "{ schools { totalCount nodes { id name } } }";

// createSchool

#[tokio::test]
async fn create_school_adds_a_school_to_the_district() {
    let (app, _, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        CREATE_SCHOOL,
        "createSchool",
        json!({ "name": "  Cedar Grove High ", "externalIds": [{ "system": "sis", "value": "CG-9" }] }),
    )
    .await;
    let school = &payload["school"];
    assert_eq!(school["name"], "Cedar Grove High", "names are trimmed");
    assert_eq!(
        school["externalIds"],
        json!([{ "system": "sis", "value": "CG-9" }])
    );
    let schools = read(&app, &admin, SCHOOLS, json!({})).await;
    assert_eq!(schools["schools"]["totalCount"], 3);
    assert!(
        schools["schools"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|s| s["id"] == school["id"])
    );
}

#[tokio::test]
async fn create_school_with_a_blank_name_is_a_user_error() {
    let (app, _, admin) = world().await;
    let response = mutate(&app, &admin, CREATE_SCHOOL, json!({ "name": "   " })).await;
    refused(&response, "createSchool", Some("name"), "BAD_USER_INPUT");
    let schools = read(&app, &admin, SCHOOLS, json!({})).await;
    assert_eq!(schools["schools"]["totalCount"], 2, "nothing was written");
}

// createPerson

#[tokio::test]
async fn create_person_adds_someone_who_can_then_sign_in_as_themselves() {
    let (app, _, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        CREATE_PERSON,
        "createPerson",
        json!({
            "displayName": "Coach Dani",
            "preferredLanguage": "es-MX",
            "contactPreferences": "text after 5pm, en español",
            "externalIds": [{ "system": "oneroster", "value": "u-77" }],
            "subject": "coach-dani",
        }),
    )
    .await;
    let person = &payload["person"];
    assert_eq!(person["displayName"], "Coach Dani");
    assert_eq!(person["preferredLanguage"], "es-MX");
    assert_eq!(person["contactPreferences"], "text after 5pm, en español");
    assert_eq!(
        person["externalIds"],
        json!([{ "system": "oneroster", "value": "u-77" }])
    );
    let token = app.token(alliance_tests::TokenFor {
        subject: "coach-dani",
        district: "alpha",
        roles: &["STAFF"],
        schools: vec![],
    });
    let viewer = read(
        &app,
        &token,
        "{ viewer { person { id displayName } } }",
        json!({}),
    )
    .await;
    assert_eq!(viewer["viewer"]["person"]["id"], person["id"]);
}

#[tokio::test]
async fn create_person_defaults_the_language_to_english() {
    let (app, _, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        CREATE_PERSON,
        "createPerson",
        json!({ "displayName": "Mr. Bell" }),
    )
    .await;
    assert_eq!(payload["person"]["preferredLanguage"], "en");
    assert_eq!(payload["person"]["externalIds"], json!([]));
}

#[tokio::test]
async fn create_person_with_a_subject_already_in_use_is_a_user_error() {
    let (app, _, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_PERSON,
        json!({ "displayName": "Imposter", "subject": "staff-a" }),
    )
    .await;
    refused(&response, "createPerson", Some("subject"), "BAD_USER_INPUT");
    let token = app.token(alliance_tests::TokenFor {
        subject: "staff-a",
        district: "alpha",
        roles: &["STAFF"],
        schools: vec![],
    });
    let viewer = read(
        &app,
        &token,
        "{ viewer { person { displayName } } }",
        json!({}),
    )
    .await;
    assert_eq!(viewer["viewer"]["person"]["displayName"], "Ms. Rivera");
}

#[tokio::test]
async fn create_person_with_a_malformed_language_tag_is_a_user_error() {
    let (app, _, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_PERSON,
        json!({ "displayName": "Someone", "preferredLanguage": "spanish please" }),
    )
    .await;
    refused(
        &response,
        "createPerson",
        Some("preferredLanguage"),
        "BAD_USER_INPUT",
    );
}

// createStudent

/// The people in the student's (new) alliance, opened by the administrator.
async fn open_alliance(app: &TestApp, admin: &str, student: &str) -> Value {
    succeed(
        app,
        admin,
        CREATE_ALLIANCE,
        "createAlliance",
        json!({ "studentId": student }),
    )
    .await["alliance"]
        .clone()
}

#[tokio::test]
async fn create_student_without_a_person_makes_one_for_them() {
    let (app, f, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        CREATE_STUDENT,
        "createStudent",
        json!({
            "schoolId": f.school_b,
            "name": "Isabella Moreno",
            "preferredName": "Bella",
            "pronouns": "she/her",
            "gradeLevel": "K",
            "preferredLanguage": "es",
            "externalIds": [{ "system": "sis", "value": "S-1001" }],
        }),
    )
    .await;
    let student = &payload["student"];
    assert_eq!(student["name"], "Isabella Moreno");
    assert_eq!(student["preferredName"], "Bella");
    assert_eq!(student["pronouns"], "she/her");
    assert_eq!(student["gradeLevel"], "K");
    assert_eq!(student["preferredLanguage"], "es");
    assert_eq!(
        student["externalIds"],
        json!([{ "system": "sis", "value": "S-1001" }])
    );
    assert_eq!(student["school"]["id"], f.school_b.as_str());
    assert_eq!(student["alliance"], Value::Null);
    let id = student["id"].as_str().expect("id");
    let alliance = open_alliance(&app, &admin, id).await;
    assert_eq!(
        alliance["members"]["nodes"][0]["person"]["displayName"], "Bella",
        "the new person goes by the student's preferred name"
    );
    assert_audited(
        &app,
        &admin,
        id,
        (
            "CREATE",
            "Alliance",
            Some(alliance["id"].as_str().expect("id")),
            "admin",
            "OpenAlliance",
        ),
    )
    .await;
    let events = changes(&app, &admin, id).await;
    assert_eq!(events.len(), 2, "{events:#?}");
    assert_eq!(events[1]["action"], "CREATE");
    assert_eq!(events[1]["entityType"], "Student");
    assert_eq!(events[1]["entityId"], id);
    assert_eq!(events[1]["operationName"], "EnrolStudent");
}

#[tokio::test]
async fn create_student_with_a_person_id_links_their_existing_record() {
    let (app, f, admin) = world().await;
    let person = succeed(
        &app,
        &admin,
        CREATE_PERSON,
        "createPerson",
        json!({ "displayName": "Lia Park" }),
    )
    .await["person"]["id"]
        .clone();
    let student = succeed(
        &app,
        &admin,
        CREATE_STUDENT,
        "createStudent",
        json!({ "schoolId": f.school_a, "name": "Lia Park", "gradeLevel": "4", "personId": person }),
    )
    .await["student"]["id"]
        .clone();
    let alliance = open_alliance(&app, &admin, student.as_str().expect("id")).await;
    assert_eq!(alliance["members"]["nodes"][0]["person"]["id"], person);
}

#[tokio::test]
async fn create_student_with_a_blank_name_is_a_user_error_echoed_in_errors() {
    let (app, f, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_STUDENT,
        json!({ "schoolId": f.school_a, "name": "  ", "gradeLevel": "3" }),
    )
    .await;
    refused(&response, "createStudent", Some("name"), "BAD_USER_INPUT");
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{response:#}"
    );
    let students = read(&app, &admin, "{ students { totalCount } }", json!({})).await;
    assert_eq!(students["students"]["totalCount"], 2, "nothing was written");
}

#[tokio::test]
async fn create_student_with_an_unknown_person_is_refused() {
    let (app, f, admin) = world().await;
    let stranger = alliance_graphql::global_id("Person", uuid::Uuid::now_v7()).0;
    let response = mutate(
        &app,
        &admin,
        CREATE_STUDENT,
        json!({ "schoolId": f.school_a, "name": "Ghost", "gradeLevel": "3", "personId": stranger }),
    )
    .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response:#}");
    let students = read(&app, &admin, "{ students { totalCount } }", json!({})).await;
    assert_eq!(students["students"]["totalCount"], 2, "nothing was written");
}

// createAlliance and changeAlliancePhase

async fn new_student(app: &TestApp, admin: &str, school: &str, name: &str) -> String {
    succeed(
        app,
        admin,
        CREATE_STUDENT,
        "createStudent",
        json!({ "schoolId": school, "name": name, "gradeLevel": "6" }),
    )
    .await["student"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn create_alliance_opens_with_the_student_as_its_first_member() {
    let (app, f, admin) = world().await;
    let student = new_student(&app, &admin, &f.school_a, "Omar Haddad").await;
    let payload = succeed(
        &app,
        &admin,
        CREATE_ALLIANCE,
        "createAlliance",
        json!({ "studentId": student, "phase": "ASSESSMENT" }),
    )
    .await;
    let alliance = &payload["alliance"];
    assert_eq!(alliance["status"], "ACTIVE");
    assert_eq!(alliance["phase"], "ASSESSMENT");
    assert_eq!(alliance["student"]["id"], student.as_str());
    assert_eq!(alliance["members"]["totalCount"], 1);
    assert_eq!(alliance["members"]["nodes"][0]["role"], "STUDENT");
    assert_eq!(
        alliance["members"]["nodes"][0]["person"]["displayName"],
        "Omar Haddad"
    );
    assert_eq!(
        alliance["phaseHistory"]["nodes"],
        json!([{ "fromPhase": null, "toPhase": "ASSESSMENT" }])
    );
    let current = read(
        &app,
        &admin,
        "query($id: ID!) { student(id: $id) { alliance { id } } }",
        json!({ "id": student }),
    )
    .await;
    assert_eq!(current["student"]["alliance"]["id"], alliance["id"]);
    assert_audited(
        &app,
        &admin,
        &student,
        (
            "CREATE",
            "Alliance",
            alliance["id"].as_str(),
            "admin",
            "OpenAlliance",
        ),
    )
    .await;
}

#[tokio::test]
async fn create_alliance_opens_in_engagement_when_no_phase_is_given() {
    let (app, f, admin) = world().await;
    let student = new_student(&app, &admin, &f.school_b, "Lena Fischer").await;
    let alliance = open_alliance(&app, &admin, &student).await;
    assert_eq!(alliance["phase"], "ENGAGEMENT");
}

#[tokio::test]
async fn a_second_open_alliance_for_a_student_is_a_conflict() {
    let (app, f, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_ALLIANCE,
        json!({ "studentId": f.student_1 }),
    )
    .await;
    refused(&response, "createAlliance", None, "CONFLICT");
    let alliances = read(
        &app,
        &admin,
        "query($id: ID!) { student(id: $id) { alliance { id } alliances { totalCount } } }",
        json!({ "id": f.student_1 }),
    )
    .await;
    assert_eq!(alliances["student"]["alliances"]["totalCount"], 1);
    assert_eq!(
        alliances["student"]["alliance"]["id"],
        f.alliance_1.as_str()
    );
    assert!(
        changes(&app, &admin, &f.student_1).await.is_empty(),
        "a refused change leaves no audit event"
    );
}

#[tokio::test]
async fn once_an_alliance_is_closed_a_new_one_can_be_opened() {
    let (app, f, admin) = world().await;
    let closed = succeed(
        &app,
        &admin,
        CHANGE_PHASE,
        "changeAlliancePhase",
        json!({ "allianceId": f.alliance_1, "phase": "TRANSITION", "status": "CLOSED", "reason": "moved to middle school" }),
    )
    .await;
    assert_eq!(closed["alliance"]["status"], "CLOSED");
    let reopened = open_alliance(&app, &admin, &f.student_1).await;
    assert_ne!(reopened["id"], f.alliance_1.as_str());
    let student = read(
        &app,
        &admin,
        "query($id: ID!) { student(id: $id) { alliance { id } alliances { totalCount nodes { id status } } } }",
        json!({ "id": f.student_1 }),
    )
    .await["student"]
        .clone();
    assert_eq!(student["alliance"]["id"], reopened["id"]);
    assert_eq!(
        student["alliances"]["nodes"],
        json!([
            { "id": f.alliance_1, "status": "CLOSED" },
            { "id": reopened["id"], "status": "ACTIVE" },
        ]),
        "oldest first"
    );
}

#[tokio::test]
async fn changing_phase_grows_the_phase_history() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    let payload = succeed(
        &app,
        &staff,
        CHANGE_PHASE,
        "changeAlliancePhase",
        json!({ "allianceId": f.alliance_1, "phase": "INTERVENTION", "reason": "the plan is agreed" }),
    )
    .await;
    let alliance = &payload["alliance"];
    assert_eq!(alliance["phase"], "INTERVENTION");
    assert_eq!(
        alliance["status"], "ACTIVE",
        "status is kept when not given"
    );
    let history = &alliance["phaseHistory"];
    assert_eq!(history["totalCount"], 2);
    assert_eq!(history["nodes"][0]["toPhase"], "PLANNING");
    let change = &history["nodes"][1];
    assert_eq!(change["fromPhase"], "PLANNING");
    assert_eq!(change["toPhase"], "INTERVENTION");
    assert_eq!(change["reason"], "the plan is agreed");
    assert_eq!(change["changedBy"], "staff-a");

    let again = succeed(
        &app,
        &staff,
        CHANGE_PHASE,
        "changeAlliancePhase",
        json!({ "allianceId": f.alliance_1, "phase": "REVIEW", "status": "PAUSED" }),
    )
    .await;
    assert_eq!(again["alliance"]["status"], "PAUSED");
    let history = &again["alliance"]["phaseHistory"];
    assert_eq!(history["totalCount"], 3);
    assert_eq!(history["nodes"][2]["fromPhase"], "INTERVENTION");
    assert_eq!(history["nodes"][2]["toPhase"], "REVIEW");
    assert_eq!(history["nodes"][2]["reason"], Value::Null);
    assert_audited(
        &app,
        &admin,
        &f.student_1,
        (
            "UPDATE",
            "Alliance",
            Some(&f.alliance_1),
            "staff-a",
            "MoveOn",
        ),
    )
    .await;
}

// addAllianceMember and removeAllianceMember

#[tokio::test]
async fn add_alliance_member_records_the_role_and_relationship_in_the_familys_words() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    let payload = succeed(
        &app,
        &staff,
        ADD_MEMBER,
        "addAllianceMember",
        json!({
            "allianceId": f.alliance_1,
            "personId": f.unaffiliated_person,
            "role": "COACH",
            "relationship": "basketball coach",
            "familyIdentified": true,
        }),
    )
    .await;
    let member = &payload["member"];
    assert_eq!(member["role"], "COACH");
    assert_eq!(member["relationship"], "basketball coach");
    assert_eq!(member["familyIdentified"], true);
    assert_eq!(member["active"], true);
    assert_eq!(member["leftAt"], Value::Null);
    assert_eq!(member["person"]["id"], f.unaffiliated_person.as_str());
    assert_eq!(member["person"]["displayName"], "Sam Unaffiliated");
    assert_eq!(member["alliance"]["id"], f.alliance_1.as_str());
    assert_eq!(payload["alliance"]["members"]["totalCount"], 5);
    assert_audited(
        &app,
        &admin,
        &f.student_1,
        (
            "CREATE",
            "AllianceMember",
            member["id"].as_str(),
            "staff-a",
            "Welcome",
        ),
    )
    .await;
}

#[tokio::test]
async fn a_member_is_not_family_identified_unless_said_so() {
    let (app, f, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        ADD_MEMBER,
        "addAllianceMember",
        json!({ "allianceId": f.alliance_2, "personId": f.unaffiliated_person, "role": "SCHOOL_THERAPIST" }),
    )
    .await;
    assert_eq!(payload["member"]["familyIdentified"], false);
    assert_eq!(payload["member"]["relationship"], Value::Null);
}

#[tokio::test]
async fn adding_the_same_person_twice_is_a_conflict() {
    let (app, f, admin) = world().await;
    let input =
        json!({ "allianceId": f.alliance_2, "personId": f.unaffiliated_person, "role": "COACH" });
    succeed(&app, &admin, ADD_MEMBER, "addAllianceMember", input.clone()).await;
    let response = mutate(&app, &admin, ADD_MEMBER, input).await;
    refused(&response, "addAllianceMember", None, "CONFLICT");
    let members = read(
        &app,
        &admin,
        "query($id: ID!) { alliance(id: $id) { members(includeFormer: true) { totalCount } } }",
        json!({ "id": f.alliance_2 }),
    )
    .await;
    assert_eq!(members["alliance"]["members"]["totalCount"], 4);
}

#[tokio::test]
async fn removing_a_member_ends_the_membership_and_keeps_its_history() {
    let (app, f, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        REMOVE_MEMBER,
        "removeAllianceMember",
        json!({ "memberId": f.staff_member_1 }),
    )
    .await;
    assert_eq!(payload["member"]["id"], f.staff_member_1.as_str());
    assert_eq!(payload["member"]["active"], false);
    let left_at = payload["member"]["leftAt"].as_str().expect("leftAt is set");
    assert!(left_at.ends_with('Z'), "{left_at}");
    assert_eq!(payload["alliance"]["id"], f.alliance_1.as_str());

    let query = "query($id: ID!, $former: Boolean!) { alliance(id: $id) { members(includeFormer: $former) { nodes { id leftAt } } } }";
    let ids = |v: &Value| -> Vec<Value> {
        v["alliance"]["members"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|m| m["id"].clone())
            .collect()
    };
    let current = read(
        &app,
        &admin,
        query,
        json!({ "id": f.alliance_1, "former": false }),
    )
    .await;
    assert!(!ids(&current).contains(&json!(f.staff_member_1)));
    let everyone = read(
        &app,
        &admin,
        query,
        json!({ "id": f.alliance_1, "former": true }),
    )
    .await;
    assert!(ids(&everyone).contains(&json!(f.staff_member_1)));
    assert_audited(
        &app,
        &admin,
        &f.student_1,
        (
            "REMOVE",
            "AllianceMember",
            Some(&f.staff_member_1),
            "admin",
            "SayGoodbye",
        ),
    )
    .await;
    // The former member no longer speaks for the alliance.
    let response = mutate(
        &app,
        &f.staff_member(&app),
        RECORD_PROGRESS,
        json!({ "goalId": f.goal_1, "value": 3.0 }),
    )
    .await;
    assert_eq!(error_code(&response), Some("FORBIDDEN"), "{response:#}");
}

#[tokio::test]
async fn removing_a_member_twice_is_a_user_error() {
    let (app, f, admin) = world().await;
    let input = json!({ "memberId": f.staff_member_1 });
    succeed(
        &app,
        &admin,
        REMOVE_MEMBER,
        "removeAllianceMember",
        input.clone(),
    )
    .await;
    let response = mutate(&app, &admin, REMOVE_MEMBER, input).await;
    refused(
        &response,
        "removeAllianceMember",
        Some("memberId"),
        "BAD_USER_INPUT",
    );
}

#[tokio::test]
async fn a_person_who_left_can_be_added_again() {
    let (app, f, admin) = world().await;
    succeed(
        &app,
        &admin,
        REMOVE_MEMBER,
        "removeAllianceMember",
        json!({ "memberId": f.staff_member_1 }),
    )
    .await;
    let person = read(
        &app,
        &admin,
        "query($id: ID!) { node(id: $id) { ... on AllianceMember { person { id } } } }",
        json!({ "id": f.staff_member_1 }),
    )
    .await["node"]["person"]["id"]
        .clone();
    let payload = succeed(
        &app,
        &admin,
        ADD_MEMBER,
        "addAllianceMember",
        json!({ "allianceId": f.alliance_1, "personId": person, "role": "TEACHER" }),
    )
    .await;
    assert_eq!(payload["member"]["active"], true);
    assert_ne!(payload["member"]["id"], f.staff_member_1.as_str());
}

// createGoal

#[tokio::test]
async fn create_goal_keeps_the_own_words_verbatim() {
    let (app, f, admin) = world().await;
    let words = "  I want to have one friend to sit with at lunch.  ";
    let payload = succeed(
        &app,
        &f.staff_member(&app),
        CREATE_GOAL,
        "createGoal",
        json!({
            "allianceId": f.alliance_1,
            "ownWords": words,
            "expressedById": f.student_member_1,
            "summary": "Peer connection at lunch",
            "domain": "SOCIAL",
            "priority": 2,
            "measure": {
                "name": "lunches with a friend",
                "unit": "days a week",
                "baseline": 0,
                "target": 4,
                "direction": "INCREASE",
                "targetDate": "2031-06-01",
            },
        }),
    )
    .await;
    let goal = &payload["goal"];
    assert_eq!(goal["ownWords"], words, "own words are never trimmed");
    assert_eq!(goal["expressedBy"]["id"], f.student_member_1.as_str());
    assert_eq!(goal["summary"], "Peer connection at lunch");
    assert_eq!(goal["domain"], "SOCIAL");
    assert_eq!(goal["priority"], 2);
    assert_eq!(goal["status"], "ACTIVE");
    assert_eq!(goal["version"], 1);
    assert_eq!(
        goal["measure"],
        json!({ "name": "lunches with a friend", "unit": "days a week", "baseline": 0.0, "target": 4.0, "direction": "INCREASE", "targetDate": "2031-06-01" })
    );
    let reread = read(
        &app,
        &admin,
        "query($id: ID!) { node(id: $id) { ... on Goal { ownWords } } }",
        json!({ "id": goal["id"] }),
    )
    .await;
    assert_eq!(reread["node"]["ownWords"], words);
    assert_audited(
        &app,
        &admin,
        &f.student_1,
        ("CREATE", "Goal", goal["id"].as_str(), "staff-a", "SetGoal"),
    )
    .await;
}

#[tokio::test]
async fn create_goal_fills_in_the_defaults() {
    let (app, f, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        CREATE_GOAL,
        "createGoal",
        json!({ "allianceId": f.alliance_1, "ownWords": "Less yelling at home.", "expressedById": f.caregiver_member_1 }),
    )
    .await;
    let goal = &payload["goal"];
    assert_eq!(goal["domain"], "OTHER");
    assert_eq!(goal["priority"], 3);
    assert_eq!(goal["status"], "ACTIVE");
    assert_eq!(goal["measure"], Value::Null);
}

async fn goal_count(app: &TestApp, admin: &str, alliance: &str) -> Value {
    read(
        app,
        admin,
        "query($id: ID!) { alliance(id: $id) { goals { totalCount } } }",
        json!({ "id": alliance }),
    )
    .await["alliance"]["goals"]["totalCount"]
        .clone()
}

#[tokio::test]
async fn a_goal_expressed_by_a_teacher_is_a_user_error() {
    let (app, f, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_GOAL,
        json!({ "allianceId": f.alliance_1, "ownWords": "Finish homework.", "expressedById": f.staff_member_1 }),
    )
    .await;
    refused(
        &response,
        "createGoal",
        Some("expressedById"),
        "BAD_USER_INPUT",
    );
    assert_eq!(goal_count(&app, &admin, &f.alliance_1).await, 1);
}

#[tokio::test]
async fn a_goal_expressed_by_someone_outside_the_alliance_is_a_user_error() {
    let (app, f, admin) = world().await;
    // Maya's caregiver does not speak for Noah's alliance.
    let response = mutate(
        &app,
        &admin,
        CREATE_GOAL,
        json!({ "allianceId": f.alliance_2, "ownWords": "Be kind.", "expressedById": f.caregiver_member_1 }),
    )
    .await;
    refused(
        &response,
        "createGoal",
        Some("expressedById"),
        "BAD_USER_INPUT",
    );
    assert_eq!(goal_count(&app, &admin, &f.alliance_2).await, 0);
}

#[tokio::test]
async fn a_measure_whose_direction_disagrees_with_baseline_and_target_is_a_user_error() {
    let (app, f, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_GOAL,
        json!({
            "allianceId": f.alliance_1,
            "ownWords": "Fewer meltdowns after school.",
            "expressedById": f.caregiver_member_1,
            "measure": { "name": "meltdowns", "baseline": 5, "target": 1, "direction": "INCREASE" },
        }),
    )
    .await;
    refused(
        &response,
        "createGoal",
        Some("measure.direction"),
        "BAD_USER_INPUT",
    );
    assert_eq!(goal_count(&app, &admin, &f.alliance_1).await, 1);
}

#[tokio::test]
async fn priority_zero_is_a_user_error() {
    let (app, f, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_GOAL,
        json!({ "allianceId": f.alliance_1, "ownWords": "Sleep better.", "expressedById": f.student_member_1, "priority": 0 }),
    )
    .await;
    refused(&response, "createGoal", Some("priority"), "BAD_USER_INPUT");
    assert_eq!(goal_count(&app, &admin, &f.alliance_1).await, 1);
}

#[tokio::test]
async fn blank_own_words_are_a_user_error() {
    let (app, f, admin) = world().await;
    let response = mutate(
        &app,
        &admin,
        CREATE_GOAL,
        json!({ "allianceId": f.alliance_1, "ownWords": " \n ", "expressedById": f.student_member_1 }),
    )
    .await;
    refused(&response, "createGoal", Some("ownWords"), "BAD_USER_INPUT");
}

// updateGoal

const GOAL_STATE: &str = "query($id: ID!) { node(id: $id) { ... on Goal {
    ownWords priority version revisions { totalCount nodes { version revisedBy before after } } } } }";

async fn goal_state(app: &TestApp, token: &str, goal: &str) -> Value {
    read(app, token, GOAL_STATE, json!({ "id": goal })).await["node"].clone()
}

#[tokio::test]
async fn update_goal_bumps_the_version_and_keeps_the_earlier_words_in_a_revision() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    let earlier = "I want mornings to feel calm, not like a fight.";
    let later = "I want mornings to feel calm, and I want us to laugh sometimes.";
    let payload = succeed(
        &app,
        &staff,
        UPDATE_GOAL,
        "updateGoal",
        json!({ "goalId": f.goal_1, "version": 1, "ownWords": later, "achievementStatus": "IMPROVING" }),
    )
    .await;
    assert_eq!(payload["goal"]["version"], 2);
    assert_eq!(payload["goal"]["ownWords"], later);
    assert_eq!(payload["goal"]["achievementStatus"], "IMPROVING");
    assert_eq!(payload["goal"]["priority"], 1, "fields left out are kept");
    let goal = goal_state(&app, &admin, &f.goal_1).await;
    assert_eq!(goal["version"], 2);
    assert_eq!(goal["ownWords"], later);
    let revision = &goal["revisions"]["nodes"][0];
    assert_eq!(goal["revisions"]["totalCount"], 1);
    assert_eq!(revision["version"], 2);
    assert_eq!(revision["revisedBy"], "staff-a");
    assert_eq!(revision["before"]["ownWords"], earlier);
    assert_eq!(revision["after"]["ownWords"], later);
    assert_eq!(revision["before"]["achievementStatus"], "IN_PROGRESS");
    assert_audited(
        &app,
        &admin,
        &f.student_1,
        ("UPDATE", "Goal", Some(&f.goal_1), "staff-a", "ReviseGoal"),
    )
    .await;
}

#[tokio::test]
async fn updating_from_a_stale_version_is_a_conflict_and_changes_nothing() {
    let (app, f, admin) = world().await;
    let first = "Calm mornings, most days.";
    succeed(
        &app,
        &admin,
        UPDATE_GOAL,
        "updateGoal",
        json!({ "goalId": f.goal_1, "version": 1, "ownWords": first }),
    )
    .await;
    let events_before = changes(&app, &admin, &f.student_1).await.len();
    // A second editor still holding version 1.
    let response = mutate(
        &app,
        &f.staff_member(&app),
        UPDATE_GOAL,
        json!({ "goalId": f.goal_1, "version": 1, "ownWords": "Something else entirely.", "priority": 5 }),
    )
    .await;
    refused(&response, "updateGoal", None, "CONFLICT");
    assert_eq!(response["data"]["updateGoal"]["goal"], Value::Null);
    let goal = goal_state(&app, &admin, &f.goal_1).await;
    assert_eq!(goal["version"], 2);
    assert_eq!(goal["ownWords"], first);
    assert_eq!(goal["priority"], 1);
    assert_eq!(goal["revisions"]["totalCount"], 1, "no new revision");
    assert_eq!(
        changes(&app, &admin, &f.student_1).await.len(),
        events_before,
        "a refused change leaves no audit event"
    );
}

#[tokio::test]
async fn update_goal_validates_like_create_goal() {
    let (app, f, admin) = world().await;
    for (input, field) in [
        (json!({ "priority": 9 }), "priority"),
        (json!({ "ownWords": "   " }), "ownWords"),
        (
            json!({ "expressedById": f.staff_member_1 }),
            "expressedById",
        ),
        (
            json!({ "measure": { "name": "calm mornings", "baseline": 1, "target": 5, "direction": "DECREASE" } }),
            "measure.direction",
        ),
    ] {
        let mut input = input;
        input["goalId"] = json!(f.goal_1);
        input["version"] = json!(1);
        let response = mutate(&app, &admin, UPDATE_GOAL, input).await;
        refused(&response, "updateGoal", Some(field), "BAD_USER_INPUT");
    }
    let goal = goal_state(&app, &admin, &f.goal_1).await;
    assert_eq!(goal["version"], 1);
    assert_eq!(goal["revisions"]["totalCount"], 0);
}

#[tokio::test]
async fn update_goal_can_replace_or_remove_the_measure() {
    let (app, f, admin) = world().await;
    let replaced = succeed(
        &app,
        &admin,
        UPDATE_GOAL,
        "updateGoal",
        json!({ "goalId": f.goal_1, "version": 1,
            "measure": { "name": "calm mornings", "baseline": 1, "target": 4, "direction": "INCREASE" } }),
    )
    .await;
    assert_eq!(replaced["goal"]["measure"]["target"], 4.0);
    let removed = succeed(
        &app,
        &admin,
        UPDATE_GOAL,
        "updateGoal",
        json!({ "goalId": f.goal_1, "version": 2, "removeMeasure": true }),
    )
    .await;
    assert_eq!(removed["goal"]["measure"], Value::Null);
    assert_eq!(removed["goal"]["version"], 3);
}

// recordProgress

async fn progress_count(app: &TestApp, token: &str, goal: &str) -> Value {
    read(
        app,
        token,
        "query($id: ID!) { node(id: $id) { ... on Goal { progress { totalCount } } } }",
        json!({ "id": goal }),
    )
    .await["node"]["progress"]["totalCount"]
        .clone()
}

#[tokio::test]
async fn record_progress_with_a_value_only() {
    let (app, f, admin) = world().await;
    let payload = succeed(
        &app,
        &f.staff_member(&app),
        RECORD_PROGRESS,
        "recordProgress",
        json!({ "goalId": f.goal_1, "value": 3.0 }),
    )
    .await;
    let entry = &payload["progressEntry"];
    assert_eq!(entry["value"], 3.0);
    assert_eq!(entry["note"], Value::Null);
    assert_eq!(entry["source"], "TEAM_OBSERVATION");
    assert_eq!(entry["recordedBy"]["displayName"], "Ms. Rivera");
    assert_eq!(entry["goal"]["id"], f.goal_1.as_str());
    assert_eq!(payload["goal"]["progress"]["totalCount"], 4);
    let observed = entry["observedAt"].as_str().expect("observedAt");
    let observed = chrono::DateTime::parse_from_rfc3339(observed).expect("RFC 3339");
    assert!(
        (Utc::now() - observed.with_timezone(&Utc))
            .num_seconds()
            .abs()
            < 60
    );
    assert_audited(
        &app,
        &admin,
        &f.student_1,
        (
            "CREATE",
            "ProgressEntry",
            entry["id"].as_str(),
            "staff-a",
            "NoteProgress",
        ),
    )
    .await;
}

#[tokio::test]
async fn record_progress_with_a_note_only() {
    let (app, f, admin) = world().await;
    let payload = succeed(
        &app,
        &admin,
        RECORD_PROGRESS,
        "recordProgress",
        json!({ "goalId": f.goal_1, "note": "Mom says Tuesday was the calmest morning yet.", "source": "CAREGIVER_REPORT" }),
    )
    .await;
    let entry = &payload["progressEntry"];
    assert_eq!(entry["value"], Value::Null);
    assert_eq!(
        entry["note"],
        "Mom says Tuesday was the calmest morning yet."
    );
    assert_eq!(entry["source"], "CAREGIVER_REPORT");
    assert_eq!(
        entry["recordedBy"],
        Value::Null,
        "the administrator has no person record"
    );
    assert_eq!(progress_count(&app, &admin, &f.goal_1).await, 4);
}

#[tokio::test]
async fn record_progress_with_a_value_and_a_note_observed_earlier() {
    let (app, f, admin) = world().await;
    let observed = (Utc::now() - Duration::days(3))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let payload = succeed(
        &app,
        &admin,
        RECORD_PROGRESS,
        "recordProgress",
        json!({ "goalId": f.goal_1, "value": 4.0, "note": "four calm mornings!", "observedAt": observed, "source": "SELF_REPORT" }),
    )
    .await;
    let entry = &payload["progressEntry"];
    assert_eq!(entry["value"], 4.0);
    assert_eq!(entry["note"], "four calm mornings!");
    assert_eq!(entry["source"], "SELF_REPORT");
    assert_eq!(entry["observedAt"], observed.as_str());
    // Three days ago is newer than every fixture entry, so it leads the list.
    let newest = read(
        &app,
        &admin,
        "query($id: ID!) { node(id: $id) { ... on Goal { progress(first: 1) { nodes { id } } progressSummary { count latestValue } } } }",
        json!({ "id": f.goal_1 }),
    )
    .await["node"]
        .clone();
    assert_eq!(newest["progress"]["nodes"][0]["id"], entry["id"]);
    assert_eq!(newest["progressSummary"]["count"], 4);
    assert_eq!(newest["progressSummary"]["latestValue"], 4.0);
}

#[tokio::test]
async fn progress_with_neither_value_nor_note_is_refused_and_nothing_is_written() {
    let (app, f, admin) = world().await;
    for input in [
        json!({ "goalId": f.goal_1 }),
        json!({ "goalId": f.goal_1, "note": "   " }),
        json!({ "goalId": f.goal_1, "value": null, "note": null }),
    ] {
        let response = mutate(&app, &admin, RECORD_PROGRESS, input.clone()).await;
        let payload = &response["data"]["recordProgress"];
        assert_eq!(payload["progressEntry"], Value::Null, "{response:#}");
        assert_eq!(
            payload["userErrors"][0]["code"], "BAD_USER_INPUT",
            "{input}: {response:#}"
        );
        assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
    }
    assert_eq!(progress_count(&app, &admin, &f.goal_1).await, 3);
    assert!(changes(&app, &admin, &f.student_1).await.is_empty());
}

#[tokio::test]
async fn progress_observed_far_in_the_future_is_a_user_error() {
    let (app, f, admin) = world().await;
    let later = (Utc::now() + Duration::days(30)).to_rfc3339();
    let response = mutate(
        &app,
        &admin,
        RECORD_PROGRESS,
        json!({ "goalId": f.goal_1, "value": 5.0, "observedAt": later }),
    )
    .await;
    refused(
        &response,
        "recordProgress",
        Some("observedAt"),
        "BAD_USER_INPUT",
    );
    assert_eq!(progress_count(&app, &admin, &f.goal_1).await, 3);
}

#[tokio::test]
async fn a_malformed_id_in_an_input_is_a_user_error_on_that_field() {
    let (app, f, admin) = world().await;
    // A goal's id where a member's belongs: ids keep their type.
    let response = mutate(
        &app,
        &admin,
        CREATE_GOAL,
        json!({ "allianceId": f.alliance_1, "ownWords": "Be brave.", "expressedById": f.goal_1 }),
    )
    .await;
    refused(
        &response,
        "createGoal",
        Some("expressedById"),
        "BAD_USER_INPUT",
    );
    let response = mutate(
        &app,
        &admin,
        RECORD_PROGRESS,
        json!({ "goalId": "nonsense", "value": 1.0 }),
    )
    .await;
    refused(
        &response,
        "recordProgress",
        Some("goalId"),
        "BAD_USER_INPUT",
    );
}

// racing writers

#[tokio::test]
async fn two_editors_racing_from_the_same_version_one_wins_and_one_gets_a_conflict() {
    let (app, f, admin) = world().await;
    let staff = f.staff_member(&app);
    let (a, b) = tokio::join!(
        mutate(
            &app,
            &admin,
            UPDATE_GOAL,
            json!({ "goalId": f.goal_1, "version": 1, "ownWords": "Calm mornings, says mom." }),
        ),
        mutate(
            &app,
            &staff,
            UPDATE_GOAL,
            json!({ "goalId": f.goal_1, "version": 1, "ownWords": "Calm mornings, says Maya." }),
        ),
    );
    let codes: Vec<Option<&str>> = [&a, &b].iter().map(|r| error_code(r)).collect();
    assert!(
        codes.contains(&None) && codes.contains(&Some("CONFLICT")),
        "exactly one wins: {a:#}\n{b:#}"
    );
    let winner = if error_code(&a).is_none() { &a } else { &b };
    let goal = goal_state(&app, &admin, &f.goal_1).await;
    assert_eq!(goal["version"], 2);
    assert_eq!(
        goal["ownWords"],
        winner["data"]["updateGoal"]["goal"]["ownWords"]
    );
    assert_eq!(goal["revisions"]["totalCount"], 1);
}

#[tokio::test]
async fn two_alliances_opened_at_once_for_one_student_leave_one_open() {
    let (app, f, admin) = world().await;
    let student = new_student(&app, &admin, &f.school_a, "Rosa Diaz").await;
    let input = json!({ "studentId": student });
    let (a, b) = tokio::join!(
        mutate(&app, &admin, CREATE_ALLIANCE, input.clone()),
        mutate(&app, &admin, CREATE_ALLIANCE, input.clone()),
    );
    let codes: Vec<Option<&str>> = [&a, &b].iter().map(|r| error_code(r)).collect();
    assert!(
        codes.contains(&None) && codes.contains(&Some("CONFLICT")),
        "exactly one opens: {a:#}\n{b:#}"
    );
    let alliances = read(
        &app,
        &admin,
        "query($id: ID!) { student(id: $id) { alliances { totalCount nodes { members { totalCount } } } } }",
        json!({ "id": student }),
    )
    .await;
    assert_eq!(alliances["student"]["alliances"]["totalCount"], 1);
    assert_eq!(
        alliances["student"]["alliances"]["nodes"][0]["members"]["totalCount"],
        1
    );
}

#[tokio::test]
async fn one_person_added_twice_at_once_is_a_member_once() {
    let (app, f, admin) = world().await;
    let input =
        json!({ "allianceId": f.alliance_2, "personId": f.unaffiliated_person, "role": "COACH" });
    let (a, b) = tokio::join!(
        mutate(&app, &admin, ADD_MEMBER, input.clone()),
        mutate(&app, &admin, ADD_MEMBER, input.clone()),
    );
    let codes: Vec<Option<&str>> = [&a, &b].iter().map(|r| error_code(r)).collect();
    assert!(
        codes.contains(&None) && codes.contains(&Some("CONFLICT")),
        "exactly one is added: {a:#}\n{b:#}"
    );
    let members = read(
        &app,
        &admin,
        "query($id: ID!) { alliance(id: $id) { members(includeFormer: true) { totalCount } } }",
        json!({ "id": f.alliance_2 }),
    )
    .await;
    assert_eq!(members["alliance"]["members"]["totalCount"], 4);
}

#[tokio::test]
async fn a_member_who_leaves_reads_nobodys_directory_entry_in_the_answer() {
    let (app, f, _admin) = world().await;
    let staff = f.staff_member(&app);
    let members = "query($id: ID!) { alliance(id: $id) { members(includeFormer: true) { nodes { person { displayName } } } } }";
    let before = read(&app, &staff, members, json!({ "id": f.alliance_1 })).await;
    let names: Vec<String> = before["alliance"]["members"]["nodes"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            m["person"]["displayName"]
                .as_str()
                .expect("name")
                .to_owned()
        })
        .collect();
    assert!(names.len() > 1, "{before}");
    // The payload is read after the change, as whoever asked now is: no longer on the
    // team, they learn no one's name or contact details through it.
    let response = mutate(
        &app,
        &staff,
        "mutation($input: RemoveAllianceMemberInput!) { removeAllianceMember(input: $input) {
            alliance { members(includeFormer: true) { nodes { person { displayName contactPreferences } } } }
            userErrors { code } } }",
        json!({ "memberId": f.staff_member_1 }),
    )
    .await;
    let after = app
        .graphql(members, json!({ "id": f.alliance_1 }), Some(&staff))
        .await;
    assert_eq!(error_code(&after), Some("NOT_FOUND"), "{after}");
    let text = response.to_string();
    for name in &names {
        assert!(!text.contains(name.as_str()), "{name} in {text}");
    }
}
