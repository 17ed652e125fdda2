//! Every read of a child's records leaves a READ in the audit log, walked from the
//! checked-in schema.graphql: every root query field but an explicit list of those that
//! return no student's records, and every field, three levels deep, of every Node type
//! of student records reached through `node(id:)`, by the team and by the family. A new
//! root field, a new Node type, or a path from a listed field to student records fails
//! here until it has a case. And the family can read, in the access log, that they read
//! their child's record (DESIGN.md §3).

mod sdl;

use std::collections::BTreeSet;

use alliance_domain::access::ReadScope;
use alliance_domain::ids::StudentId;
use alliance_domain::model::AuditEvent;
use alliance_domain::values::AuditAction;
use alliance_store::{Page, audit, districts};
use alliance_tests::fixture::decode_global_id;
use alliance_tests::{Fixture, TestApp, data, error_code, spawn_app};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use sdl::Sdl;

/// Root query fields that return no student's records, and what they return instead.
const NO_STUDENT_RECORDS: [(&str, &str); 3] = [
    (
        "viewer",
        "the caller: their subject, roles, district and own person record",
    ),
    ("schools", "the district's schools"),
    (
        "feedbackInstrument",
        "the check-in's questions, the same for every alliance",
    ),
];

/// Every type those fields reach: the directory, not anyone's records. A type reached
/// from them that is not listed here fails the test, since it may hold student records.
const DIRECTORY_TYPES: [&str; 11] = [
    "Viewer",
    "District",
    "DistrictSettings",
    // The caller's own entry (no student signs in); a student's entry through
    // `node(id:)` is walked as a student record below.
    "Person",
    "ExternalId",
    "SchoolConnection",
    "SchoolEdge",
    "School",
    "PageInfo",
    "FeedbackInstrument",
    "InstrumentItem",
];

/// The audit events about `students` written by requests of the operation `operation`.
async fn reads_by(app: &TestApp, operation: &str, students: &[&str]) -> Vec<AuditEvent> {
    let db = app.store.db();
    let mut events = Vec::new();
    for student in students {
        let (_, uuid) = decode_global_id(student);
        for slug in ["alpha", "beta"] {
            let district = districts::by_slug(db, slug)
                .await
                .expect("district")
                .expect("a fixture district");
            let (found, _) = audit::for_student(
                db,
                &ReadScope::whole_district(district.id),
                StudentId(uuid),
                |_| Page {
                    offset: 0,
                    limit: 10_000,
                },
            )
            .await
            .expect("audit events");
            events.extend(
                found
                    .into_iter()
                    .filter(|e| e.operation_name.as_deref() == Some(operation)),
            );
        }
    }
    events
}

/// Asserts `operation`, run by `subject`, wrote exactly one READ of each of `expected`
/// and of no other student of the fixture.
async fn assert_read_exactly(
    app: &TestApp,
    f: &Fixture,
    operation: &str,
    subject: &str,
    expected: &[&str],
) {
    let all = [
        f.student_1.as_str(),
        f.student_2.as_str(),
        f.student_beta.as_str(),
    ];
    let events = reads_by(app, operation, &all).await;
    let mut read: Vec<String> = Vec::new();
    for event in &events {
        assert_eq!(event.action, AuditAction::Read, "{operation}: {event:?}");
        assert_eq!(event.subject, subject, "{operation}: {event:?}");
        assert_eq!(event.entity_type, "Student", "{operation}: {event:?}");
        read.push(event.entity_id.clone().expect("the student's id"));
    }
    read.sort();
    let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(
        read, expected,
        "{operation} should write one READ per student it returned, and no other"
    );
}

/// A root field's walk, as the district administrator: the query, named `Walk_<field>`,
/// and the students whose records it returns.
struct RootCase {
    query: String,
    variables: Value,
    students: Vec<String>,
}

fn root_case(f: &Fixture, field: &str) -> Option<RootCase> {
    let operation = format!("Walk_{field}");
    let case = |query: &str, variables: Value, students: &[&String]| RootCase {
        query: query.replace("OP", &operation),
        variables,
        students: students.iter().map(|s| (*s).clone()).collect(),
    };
    Some(match field {
        "node" => case(
            "query OP($id: ID!) { node(id: $id) { id } }",
            json!({ "id": f.goal_1 }),
            &[&f.student_1],
        ),
        "nodes" => case(
            "query OP($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [f.goal_1, f.alliance_2, f.student_beta] }),
            &[&f.student_1, &f.student_2],
        ),
        "students" => case(
            "query OP { students { nodes { id } } }",
            json!({}),
            &[&f.student_1, &f.student_2],
        ),
        "student" => case(
            "query OP($id: ID!) { student(id: $id) { id } }",
            json!({ "id": f.student_2 }),
            &[&f.student_2],
        ),
        "alliance" => case(
            "query OP($id: ID!) { alliance(id: $id) { id } }",
            json!({ "id": f.alliance_2 }),
            &[&f.student_2],
        ),
        // Which alliances need attention depends on their health; the students are
        // taken from the answer.
        "alliancesNeedingAttention" => case(
            "query OP { alliancesNeedingAttention { nodes { id } } }",
            json!({}),
            &[],
        ),
        "auditEvents" => case(
            "query OP($id: ID!) { auditEvents(studentId: $id) { totalCount } }",
            json!({ "id": f.student_1 }),
            &[&f.student_1],
        ),
        _ => return None,
    })
}

#[tokio::test]
async fn every_root_field_that_returns_student_records_writes_a_read_for_each_student() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let sdl = Sdl::checked_in();

    // The listed fields reach only the directory.
    let listed: BTreeSet<&str> = NO_STUDENT_RECORDS.iter().map(|(name, _)| *name).collect();
    for field in sdl.fields("Query") {
        if !listed.contains(field.name.as_str()) {
            continue;
        }
        for reached in sdl.reachable_from(&field.named_type) {
            assert!(
                DIRECTORY_TYPES.contains(&reached.as_str()),
                "Query.{} now reaches {reached}: if it holds a student's records, audit \
                 the read and move the field out of NO_STUDENT_RECORDS",
                field.name
            );
        }
    }

    let admin = f.district_admin(&app);
    let alliance_students = [
        (f.alliance_1.clone(), f.student_1.clone()),
        (f.alliance_2.clone(), f.student_2.clone()),
    ];
    for field in sdl.fields("Query") {
        if listed.contains(field.name.as_str()) {
            continue;
        }
        let case = root_case(&f, &field.name).unwrap_or_else(|| {
            panic!(
                "Query.{} has no audit case: add one to root_case, or to NO_STUDENT_RECORDS \
                 if it returns no student's records",
                field.name
            )
        });
        let operation = format!("Walk_{}", field.name);
        let response = app
            .graphql(&case.query, case.variables.clone(), Some(&admin))
            .await;
        let mut students = case.students.clone();
        if field.name == "alliancesNeedingAttention" {
            let listed = data(&response)[field.name.as_str()]["nodes"]
                .as_array()
                .expect("nodes")
                .clone();
            assert!(
                !listed.is_empty(),
                "the fixture has alliances needing attention"
            );
            for alliance in listed {
                let (_, student) = alliance_students
                    .iter()
                    .find(|(a, _)| alliance["id"] == a.as_str())
                    .expect("a fixture alliance");
                students.push(student.clone());
            }
        } else if field.name == "nodes" {
            // The other district's student is not found, in its place.
            let errors = response["errors"].as_array().expect("errors");
            assert_eq!(errors.len(), 1, "{response:#}");
            assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{response:#}");
            assert_eq!(errors[0]["path"], json!(["nodes", 2]), "{response:#}");
        } else {
            data(&response);
        }
        let expected: Vec<&str> = students.iter().map(String::as_str).collect();
        assert_read_exactly(&app, &f, &operation, "admin", &expected).await;
    }

    // And the listed fields write nothing to anyone's log.
    for (field, _) in NO_STUDENT_RECORDS {
        let query = match field {
            "viewer" => "query Walk_viewer { viewer { subject person { id } } }",
            "schools" => "query Walk_schools { schools { nodes { id name } } }",
            "feedbackInstrument" => {
                "query Walk_feedbackInstrument { feedbackInstrument(audience: ADULT) { language } }"
            }
            other => panic!("no query for {other}"),
        };
        data(&app.graphql(query, json!({}), Some(&admin)).await);
        assert_read_exactly(&app, &f, &format!("Walk_{field}"), "admin", &[]).await;
    }
}

/// Runs a mutation that must succeed and returns the id of `object` in its payload.
async fn create(app: &TestApp, token: &str, field: &str, object: &str, input: Value) -> String {
    let input_type = format!("{}{}Input", field[..1].to_uppercase(), &field[1..]);
    let document = format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {object} {{ id }} userErrors {{ field message }} }} }}"
    );
    let response = app
        .graphql(&document, json!({ "input": input }), Some(token))
        .await;
    let payload = &data(&response)[field];
    assert_eq!(payload["userErrors"], json!([]), "{response:#}");
    payload[object]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {object} id: {response:#}"))
        .to_owned()
}

/// Alliance 1 with a record of every kind, and more (a reply, a stance, a revision, a
/// change of status and of phase) so that every nested field has something to resolve.
/// Returns one record of each Node type of the alliance, by type name.
async fn seed(app: &TestApp, f: &Fixture) -> Vec<(String, String)> {
    let staff = f.staff_member(app);
    let family = f.family_member(app);
    let alliance = f.alliance_1.as_str();
    let voice = create(
        app,
        &family,
        "recordVoice",
        "voiceEntry",
        json!({ "allianceId": alliance, "speakerId": f.caregiver_member_1,
                "words": "She is braver than she looks.", "kind": "STRENGTH",
                "goalIds": [f.goal_1] }),
    )
    .await;
    create(
        app,
        &family,
        "setGoalAcceptance",
        "goal",
        json!({ "goalId": f.goal_1, "memberId": f.caregiver_member_1, "acceptance": "AGREE" }),
    )
    .await;
    create(
        app,
        &staff,
        "updateGoal",
        "goal",
        json!({ "goalId": f.goal_1, "version": 1, "priority": 2 }),
    )
    .await;
    let progress = create(
        app,
        &staff,
        "recordProgress",
        "progressEntry",
        json!({ "goalId": f.goal_1, "value": 3.0, "note": "three calm mornings" }),
    )
    .await;
    let intervention = create(
        app,
        &staff,
        "createIntervention",
        "intervention",
        json!({ "allianceId": alliance, "title": "Morning check-in",
                "rationale": "Five calm minutes before class.", "goalIds": [f.goal_1],
                "ownerId": f.staff_member_1 }),
    )
    .await;
    create(
        app,
        &staff,
        "changeInterventionStatus",
        "intervention",
        json!({ "interventionId": intervention, "status": "ACTIVE", "reason": "Started." }),
    )
    .await;
    let communication = create(
        app,
        &staff,
        "logCommunication",
        "communication",
        json!({ "allianceId": alliance, "kind": "DATA_SHARE", "channel": "APP",
                "summary": "This month's mornings.", "sharedGoalIds": [f.goal_1],
                "recipientIds": [f.caregiver_member_1] }),
    )
    .await;
    create(
        app,
        &family,
        "replyToCommunication",
        "reply",
        json!({ "communicationId": communication, "words": "Thank you!" }),
    )
    .await;
    let request = create(
        app,
        &staff,
        "requestFeedback",
        "feedbackRequest",
        json!({ "allianceId": alliance, "memberId": f.caregiver_member_1 }),
    )
    .await;
    let response = create(
        app,
        &family,
        "submitFeedback",
        "feedbackResponse",
        json!({ "requestId": request, "supported": 3, "understood": 7, "centered": 7,
                "goals": 8, "approach": 8, "comment": "Mornings are still hard." }),
    )
    .await;
    let reflection = create(
        app,
        &staff,
        "recordReflection",
        "reflection",
        json!({ "allianceId": alliance, "kind": "INFORMAL_CHECKIN", "keep": "The check-in.",
                "visibility": "ALLIANCE", "participantIds": [f.staff_member_1],
                "goalIds": [f.goal_1], "interventionIds": [intervention],
                "feedbackResponseIds": [response] }),
    )
    .await;
    let step = create(
        app,
        &staff,
        "createNextStep",
        "nextStep",
        json!({ "allianceId": alliance, "decision": "Call Elena to plan together.",
                "ownerId": f.staff_member_1,
                "informedBy": { "feedbackResponseIds": [response],
                                "reflectionIds": [reflection],
                                "progressEntryIds": [progress] } }),
    )
    .await;
    create(
        app,
        &staff,
        "changeAlliancePhase",
        "alliance",
        json!({ "allianceId": alliance, "phase": "INTERVENTION", "reason": "Goals agreed." }),
    )
    .await;
    [
        ("Alliance", f.alliance_1.clone()),
        ("Student", f.student_1.clone()),
        ("AllianceMember", f.caregiver_member_1.clone()),
        ("Goal", f.goal_1.clone()),
        ("ProgressEntry", progress),
        ("VoiceEntry", voice),
        ("Intervention", intervention),
        ("Communication", communication),
        ("FeedbackRequest", request),
        ("FeedbackResponse", response),
        ("Reflection", reflection),
        ("NextStep", step),
    ]
    .into_iter()
    .map(|(kind, id)| (kind.to_owned(), id))
    .collect()
}

/// A selection of every field of `type_name`, `depth` levels deep; below that, composite
/// fields answer only `__typename`.
fn every_field(sdl: &Sdl, type_name: &str, depth: u32) -> String {
    let mut selection = vec!["__typename".to_owned()];
    for field in sdl.fields(type_name) {
        assert!(
            !field.required_arguments,
            "{type_name}.{} takes required arguments: give the walk a case for it",
            field.name
        );
        if !sdl.is_composite(&field.named_type) {
            selection.push(field.name.clone());
        } else if depth > 1 && sdl.has_fields(&field.named_type) {
            selection.push(format!(
                "{} {{ {} }}",
                field.name,
                every_field(sdl, &field.named_type, depth - 1)
            ));
        } else {
            selection.push(format!("{} {{ __typename }}", field.name));
        }
    }
    selection.join(" ")
}

/// Node types that are the directory, not anyone's records: not audited.
const DIRECTORY_NODES: [&str; 1] = ["School"];

#[tokio::test]
async fn every_field_of_every_student_record_is_read_under_a_read_of_its_student() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let sdl = Sdl::checked_in();
    let mut records = seed(&app, &f).await;

    // The student's own directory entry is their record too.
    let student_person = data(
        &app.graphql(
            "query($id: ID!) { node(id: $id) { ... on AllianceMember { person { id } } } }",
            json!({ "id": f.student_member_1 }),
            Some(&f.district_admin(&app)),
        )
        .await,
    )["node"]["person"]["id"]
        .as_str()
        .expect("the student's person")
        .to_owned();
    records.push(("Person".into(), student_person));

    let walked: BTreeSet<String> = records
        .iter()
        .map(|(kind, _)| kind.clone())
        .chain(DIRECTORY_NODES.iter().map(|k| (*k).to_owned()))
        .collect();
    assert_eq!(
        walked,
        sdl.implementors("Node"),
        "every Node type is walked, or listed in DIRECTORY_NODES"
    );

    let viewers = [
        ("staff-a", f.staff_member(&app)),
        ("family-1", f.family_member(&app)),
    ];
    for (kind, id) in &records {
        let query = format!(
            "query Walk_{kind}($id: ID!) {{ node(id: $id) {{ ... on {kind} {{ {} }} }} }}",
            every_field(&sdl, kind, 3)
        );
        for (subject, token) in &viewers {
            let response = app.graphql(&query, json!({ "id": id }), Some(token)).await;
            assert_eq!(
                data(&response)["node"]["__typename"],
                kind.as_str(),
                "{kind} as {subject}"
            );
        }
        let everyone = [
            f.student_1.as_str(),
            f.student_2.as_str(),
            f.student_beta.as_str(),
        ];
        let events = reads_by(&app, &format!("Walk_{kind}"), &everyone).await;
        assert_eq!(
            events.len(),
            viewers.len(),
            "{kind}: one READ per request: {events:?}"
        );
        for event in &events {
            assert_eq!(event.action, AuditAction::Read, "{event:?}");
            assert_eq!(
                event.entity_id.as_deref(),
                Some(f.student_1.as_str()),
                "reading a {kind} of alliance 1 is a READ of its student: {event:?}"
            );
        }
        let who: BTreeSet<&str> = events.iter().map(|e| e.subject.as_str()).collect();
        assert_eq!(who, viewers.iter().map(|(s, _)| *s).collect());
    }
}

#[tokio::test]
async fn a_family_member_sees_in_the_access_log_that_they_read_their_childs_record() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let family = f.family_member(&app);
    let before = Utc::now();
    data(
        &app.graphql(
            "query FamilyLooks($id: ID!) { student(id: $id) { name } }",
            json!({ "id": f.student_1 }),
            Some(&family),
        )
        .await,
    );
    let after = Utc::now();

    // DESIGN.md §3: families can read who accessed their child's record.
    let log = data(
        &app.graphql(
            "query($id: ID!) { student(id: $id) { accessLog(first: 50) { nodes {
                subject roles action entityType entityId occurredAt operationName } } } }",
            json!({ "id": f.student_1 }),
            Some(&family),
        )
        .await,
    )["student"]["accessLog"]["nodes"]
        .clone();
    let theirs: Vec<&Value> = log
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|e| e["operationName"] == "FamilyLooks")
        .collect();
    assert_eq!(theirs.len(), 1, "{log:#}");
    let event = theirs[0];
    assert_eq!(event["subject"], "family-1");
    assert_eq!(event["action"], "READ");
    assert_eq!(event["entityType"], "Student");
    assert_eq!(event["entityId"], f.student_1.as_str());
    let roles: Vec<&str> = event["roles"].as_str().expect("roles").split(',').collect();
    assert!(roles.contains(&"FAMILY"), "{event}");
    let when: DateTime<Utc> = event["occurredAt"]
        .as_str()
        .expect("occurredAt")
        .parse()
        .expect("RFC 3339");
    let slack = Duration::seconds(2);
    assert!(
        before - slack <= when && when <= after + slack,
        "{when} is not between {before} and {after}"
    );

    // Nobody outside the child's alliance reads the log.
    for token in [
        f.family_non_member(&app),
        f.staff_non_member(&app),
        f.analyst(&app),
        f.other_district_admin(&app),
    ] {
        let response = app
            .graphql(
                "query($id: ID!) { student(id: $id) { accessLog { totalCount } } }",
                json!({ "id": f.student_1 }),
                Some(&token),
            )
            .await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
    }
}

/// The access log shows a family every read of their child's record, but not the change
/// events: those name records (a team-only note) the family may not know exist. The team
/// sees both.
#[tokio::test]
async fn a_family_does_not_learn_of_team_only_records_through_the_access_log() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let staff = f.staff_member(&app);
    let family = f.family_member(&app);
    let note = create(
        &app,
        &staff,
        "recordVoice",
        "voiceEntry",
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": "Worried about the move to the new building.", "kind": "CONCERN",
                "visibility": "TEAM_ONLY" }),
    )
    .await;
    let log = |token: String| {
        let app = &app;
        let student = f.student_1.clone();
        async move {
            data(
                &app.graphql(
                    "query($id: ID!) { student(id: $id) { accessLog(first: 100) { totalCount nodes { action entityId } } } }",
                    json!({ "id": student }),
                    Some(&token),
                )
                .await,
            )["student"]["accessLog"]
                .clone()
        }
    };
    let team_view = log(staff).await;
    assert!(
        team_view["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|e| e["entityId"] == note.as_str() && e["action"] == "CREATE"),
        "the team sees the change: {team_view:#}"
    );
    let family_view = log(family).await;
    let events = family_view["nodes"].as_array().expect("nodes");
    assert!(!events.is_empty(), "{family_view:#}");
    for event in events {
        assert_eq!(event["action"], "READ", "{family_view:#}");
        assert_ne!(event["entityId"], note.as_str(), "{family_view:#}");
    }
    assert_eq!(
        family_view["totalCount"].as_u64(),
        Some(events.len() as u64),
        "the count holds only what the family sees: {family_view:#}"
    );
}
