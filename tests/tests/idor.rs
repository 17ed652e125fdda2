//! Insecure direct object references: no global ID opens a record its viewer may not
//! read, whatever its type, and no ID of the wrong type, or no ID at all, gets further
//! than a clean error. The Node types come from the checked-in schema.graphql, so a new
//! one without a case here fails the test.
//!
//! Out of reach, `node(id:)` answers NOT_FOUND, and `nodes(ids:)` null in its place with a
//! NOT_FOUND error at that place, exactly as for an id that names nothing; and the
//! request writes nothing: not a row, not a READ in the audit log.

mod sdl;

use std::collections::{BTreeMap, BTreeSet};

use alliance_store::testing::row_counts;
use alliance_tests::fixture::decode_global_id;
use alliance_tests::{Fixture, TestApp, TokenFor, data, error_code, spawn_app};
use serde_json::{Value, json};

/// Both ways of reaching any object, in one request.
const PROBE: &str = "query Probe($id: ID!) {
    node(id: $id) { __typename id }
    nodes(ids: [$id]) { __typename id }
}";

/// A response with its errors in order of their paths (fields resolve concurrently, so
/// errors arrive in any order).
fn in_order(mut response: Value) -> Value {
    if let Some(errors) = response["errors"].as_array_mut() {
        errors.sort_by_key(|e| e["path"].to_string());
    }
    response
}

/// `nodes(ids: [$id])` answered null with a NOT_FOUND error at `["nodes", 0]`.
fn assert_nodes_not_found(response: &Value) {
    let errors = response["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["path"] == json!(["nodes", 0]) && e["extensions"]["code"] == "NOT_FOUND"),
        "{response:#}"
    );
}

fn unknown_id(kind: &str) -> String {
    alliance_graphql::global_id(kind, uuid::Uuid::now_v7()).0
}

/// POSTs `query` and insists on HTTP 200, which every GraphQL answer gets, errors
/// included; a 500 would mean something panicked or leaked.
async fn post(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let response = app
        .client()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200, "{query} {variables}");
    response.json().await.expect("a JSON body")
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

/// Where records are made: an alliance, the caregiver member in it, and tokens for its
/// team and for that caregiver.
struct Place {
    alliance: String,
    caregiver: String,
    team: String,
    family: String,
}

/// One record of every kind an alliance holds, by type name.
async fn seed(app: &TestApp, place: &Place) -> BTreeMap<String, String> {
    let (team, family) = (place.team.as_str(), place.family.as_str());
    let alliance = place.alliance.as_str();
    let mut records = BTreeMap::new();
    let goal = create(
        app,
        team,
        "createGoal",
        "goal",
        json!({ "allianceId": alliance, "expressedById": place.caregiver,
                "ownWords": "Homework without tears.",
                "measure": { "name": "calm evenings", "baseline": 1.0, "target": 4.0,
                             "direction": "INCREASE" } }),
    )
    .await;
    let progress = create(
        app,
        team,
        "recordProgress",
        "progressEntry",
        json!({ "goalId": goal, "value": 2.0 }),
    )
    .await;
    let voice = create(
        app,
        family,
        "recordVoice",
        "voiceEntry",
        json!({ "allianceId": alliance, "speakerId": place.caregiver,
                "words": "Evenings are the hard part." }),
    )
    .await;
    let intervention = create(
        app,
        team,
        "createIntervention",
        "intervention",
        json!({ "allianceId": alliance, "title": "Homework club",
                "rationale": "A calm place to start.", "goalIds": [goal] }),
    )
    .await;
    let communication = create(
        app,
        team,
        "logCommunication",
        "communication",
        json!({ "allianceId": alliance, "kind": "UPDATE", "channel": "PHONE",
                "summary": "Called about homework club." }),
    )
    .await;
    let request = create(
        app,
        team,
        "requestFeedback",
        "feedbackRequest",
        json!({ "allianceId": alliance, "memberId": place.caregiver }),
    )
    .await;
    let response = create(
        app,
        family,
        "submitFeedback",
        "feedbackResponse",
        json!({ "requestId": request, "supported": 7, "understood": 7, "centered": 7,
                "goals": 7, "approach": 7 }),
    )
    .await;
    let reflection = create(
        app,
        team,
        "recordReflection",
        "reflection",
        json!({ "allianceId": alliance, "kind": "INFORMAL_CHECKIN",
                "keep": "Homework club.", "visibility": "ALLIANCE" }),
    )
    .await;
    let step = create(
        app,
        team,
        "createNextStep",
        "nextStep",
        json!({ "allianceId": alliance, "decision": "Try homework club for a month." }),
    )
    .await;
    for (kind, id) in [
        ("Goal", goal),
        ("ProgressEntry", progress),
        ("VoiceEntry", voice),
        ("Intervention", intervention),
        ("Communication", communication),
        ("FeedbackRequest", request),
        ("FeedbackResponse", response),
        ("Reflection", reflection),
        ("NextStep", step),
    ] {
        records.insert(kind.to_owned(), id);
    }
    records
}

/// A record, who may read it (to show the id is real) and who may not.
struct Case {
    label: String,
    kind: String,
    id: String,
    insider: String,
    outsiders: Vec<(&'static str, String)>,
}

/// Every record of the world with the callers who must not reach it: the whole of
/// alliance 2 (school B) against alpha's other callers, the whole of beta's alliance
/// against all of alpha, and alliance 1's team-only records against its own family.
async fn cases(app: &TestApp, f: &Fixture) -> Vec<Case> {
    let admin = f.district_admin(app);
    let beta_admin = f.other_district_admin(app);
    let mut cases = Vec::new();

    // Alliance 2, in school B of alpha.
    let two = data(
        &app.graphql(
            "query($id: ID!) { alliance(id: $id) { student { id school { id } }
                members { nodes { id role person { id } } } } }",
            json!({ "id": f.alliance_2 }),
            Some(&admin),
        )
        .await,
    )["alliance"]
        .clone();
    let caregiver = two["members"]["nodes"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["role"] == "CAREGIVER")
        .expect("alliance 2 has a caregiver")
        .clone();
    let place = Place {
        alliance: f.alliance_2.clone(),
        caregiver: caregiver["id"].as_str().expect("id").to_owned(),
        team: admin.clone(),
        family: f.family_non_member(app),
    };
    let mut records = seed(app, &place).await;
    records.insert("Alliance".into(), f.alliance_2.clone());
    records.insert("Student".into(), f.student_2.clone());
    records.insert("AllianceMember".into(), place.caregiver.clone());
    records.insert(
        "Person".into(),
        caregiver["person"]["id"].as_str().expect("id").to_owned(),
    );
    let outside_school_b = || {
        vec![
            ("a caregiver in another alliance", f.family_member(app)),
            ("staff of another alliance", f.staff_member(app)),
            ("the administrator of another school", f.school_admin_a(app)),
            ("an analyst", f.analyst(app)),
            ("another district's administrator", beta_admin.clone()),
        ]
    };
    for (kind, id) in records {
        cases.push(Case {
            label: format!("{kind} of alliance 2"),
            kind,
            id,
            insider: admin.clone(),
            outsiders: outside_school_b(),
        });
    }
    assert_eq!(two["student"]["school"]["id"], f.school_b.as_str());
    cases.push(Case {
        label: "School B of alpha".into(),
        kind: "School".into(),
        id: f.school_b.clone(),
        insider: f.analyst(app),
        outsiders: vec![("another district's administrator", beta_admin.clone())],
    });

    // Beta's alliance, with a caregiver who signs in.
    let beta = data(
        &app.graphql(
            "query($id: ID!) { student(id: $id) { school { id } alliance { id } } }",
            json!({ "id": f.student_beta }),
            Some(&beta_admin),
        )
        .await,
    )["student"]
        .clone();
    let beta_alliance = beta["alliance"]["id"].as_str().expect("id").to_owned();
    let beta_person = create(
        app,
        &beta_admin,
        "createPerson",
        "person",
        json!({ "displayName": "Beta Caregiver", "subject": "beta-family" }),
    )
    .await;
    let beta_member = create(
        app,
        &beta_admin,
        "addAllianceMember",
        "member",
        json!({ "allianceId": beta_alliance, "personId": beta_person, "role": "CAREGIVER" }),
    )
    .await;
    let place = Place {
        alliance: beta_alliance.clone(),
        caregiver: beta_member.clone(),
        team: beta_admin.clone(),
        family: app.token(TokenFor {
            subject: "beta-family",
            district: "beta",
            roles: &["FAMILY"],
            schools: vec![],
        }),
    };
    let mut records = seed(app, &place).await;
    records.insert("Alliance".into(), beta_alliance);
    records.insert("Student".into(), f.student_beta.clone());
    records.insert("AllianceMember".into(), beta_member);
    records.insert("Person".into(), beta_person);
    records.insert(
        "School".into(),
        beta["school"]["id"].as_str().expect("id").to_owned(),
    );
    for (kind, id) in records {
        cases.push(Case {
            label: format!("{kind} of district beta"),
            kind,
            id,
            insider: beta_admin.clone(),
            outsiders: vec![
                ("alpha's district administrator", admin.clone()),
                ("an administrator of an alpha school", f.school_admin_a(app)),
                ("alpha staff", f.staff_member(app)),
                ("an alpha caregiver", f.family_member(app)),
                ("an alpha analyst", f.analyst(app)),
            ],
        });
    }

    // Alliance 1's team-only records, against the caregiver of that very alliance.
    let staff = f.staff_member(app);
    let alliance = json!(f.alliance_1);
    let team_only = [
        (
            "VoiceEntry",
            "recordVoice",
            "voiceEntry",
            json!({ "allianceId": alliance, "speakerId": f.caregiver_member_1,
                    "words": "Her dad moved out in March.", "visibility": "TEAM_ONLY" }),
        ),
        (
            "Communication",
            "logCommunication",
            "communication",
            json!({ "allianceId": alliance, "kind": "UPDATE", "channel": "EMAIL",
                    "summary": "To the counsellor, about the move.", "visibility": "TEAM_ONLY" }),
        ),
        (
            "Reflection",
            "recordReflection",
            "reflection",
            json!({ "allianceId": alliance, "kind": "FORMAL_MEETING",
                    "notes": "We worry about the move.", "visibility": "TEAM_ONLY" }),
        ),
        (
            "NextStep",
            "createNextStep",
            "nextStep",
            json!({ "allianceId": alliance, "decision": "Ask the counsellor to see Maya.",
                    "visibility": "TEAM_ONLY" }),
        ),
    ];
    for (kind, field, object, input) in team_only {
        cases.push(Case {
            label: format!("team-only {kind} of alliance 1"),
            kind: kind.into(),
            id: create(app, &staff, field, object, input).await,
            insider: staff.clone(),
            outsiders: vec![("the caregiver of alliance 1", f.family_member(app))],
        });
    }
    cases
}

#[tokio::test]
async fn no_node_of_any_type_is_reached_out_of_scope_and_looking_writes_nothing() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let cases = cases(&app, &f).await;

    // Every Node type of the schema has a case, and every case is of a Node type.
    let node_types = sdl::Sdl::checked_in().implementors("Node");
    let covered: BTreeSet<String> = cases.iter().map(|c| c.kind.clone()).collect();
    assert_eq!(
        covered, node_types,
        "each type implementing Node in schema.graphql needs a record here that someone \
         may not reach"
    );

    for case in &cases {
        let label = &case.label;
        assert_eq!(decode_global_id(&case.id).0, case.kind, "{label}");
        // The id is real: the insider reaches it both ways.
        let seen = post(&app, &case.insider, PROBE, json!({ "id": case.id })).await;
        let seen = data(&seen);
        assert_eq!(seen["node"]["__typename"], case.kind.as_str(), "{label}");
        assert_eq!(seen["nodes"][0]["id"], case.id.as_str(), "{label}");

        let nothing = unknown_id(&case.kind);
        for (who, token) in &case.outsiders {
            let before = row_counts(&app.store).await;
            assert!(
                before["audit_events"] > 0,
                "the insider's read is in the log"
            );
            let hidden = post(&app, token, PROBE, json!({ "id": case.id })).await;
            let after = row_counts(&app.store).await;
            assert_eq!(
                error_code(&hidden),
                Some("NOT_FOUND"),
                "{label}, as {who}: {hidden:#}"
            );
            assert_eq!(
                hidden["errors"].as_array().map(Vec::len),
                Some(2),
                "{label}, as {who}: {hidden:#}"
            );
            assert!(
                hidden["errors"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["path"] == json!(["node"]))),
                "{label}: {hidden:#}"
            );
            assert!(hidden["data"]["node"].is_null(), "{label}, as {who}");
            assert_eq!(
                hidden["data"]["nodes"],
                json!([null]),
                "{label}, as {who}: no data for it"
            );
            assert_nodes_not_found(&hidden);
            assert_eq!(
                before, after,
                "{label}, as {who}: looking wrote something (an audit event?)"
            );
            let missing = post(&app, token, PROBE, json!({ "id": nothing })).await;
            assert_eq!(
                in_order(hidden),
                in_order(missing),
                "{label}, as {who}: out of reach must read exactly as missing"
            );
        }
    }
}

/// `base64url(text)` without padding, as global IDs are written, for ids the API would
/// never hand out.
fn base64url(text: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in text.chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |bits, (i, b)| bits | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((bits >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Ids that are not ids of any record, each with what it is.
fn malformed_ids(f: &Fixture) -> Vec<(&'static str, String)> {
    let (_, student_uuid) = decode_global_id(&f.student_1);
    vec![
        ("an empty string", String::new()),
        ("garbage", "not an id!".to_owned()),
        (
            "standard base64, not url-safe",
            "U3R1ZGVudDo/Pz8+Pj4=".to_owned(),
        ),
        (
            "base64 of bytes that are not text",
            base64url(&[0xff, 0xfe, 0x3a, 0x00]),
        ),
        ("a type and no uuid", base64url(b"Student:not-a-uuid")),
        ("a bare uuid", student_uuid.to_string()),
        (
            "an unknown type",
            alliance_graphql::global_id("Martian", student_uuid).0,
        ),
        (
            "a type in the wrong case",
            alliance_graphql::global_id("student", student_uuid).0,
        ),
        ("a type that is not a Node", unknown_id("AuditEvent")),
        (
            "a very long id",
            base64url(format!("Student:{}", "9".repeat(5_000)).as_bytes()),
        ),
    ]
}

/// An argument that names the type of its id, and the field it belongs to.
struct Typed {
    query: &'static str,
    field: &'static str,
    kind: &'static str,
}

const TYPED: [Typed; 5] = [
    Typed {
        query: "query($id: ID!) { student(id: $id) { id name } }",
        field: "student",
        kind: "Student",
    },
    Typed {
        query: "query($id: ID!) { alliance(id: $id) { id } }",
        field: "alliance",
        kind: "Alliance",
    },
    Typed {
        query: "query($id: ID!) { auditEvents(studentId: $id) { totalCount } }",
        field: "auditEvents",
        kind: "Student",
    },
    Typed {
        query: "query($id: ID!) { students(filter: { schoolId: $id }) { totalCount } }",
        field: "students",
        kind: "School",
    },
    Typed {
        query: "query($id: ID!) { alliancesNeedingAttention(schoolId: $id) { totalCount } }",
        field: "alliancesNeedingAttention",
        kind: "School",
    },
];

#[tokio::test]
async fn ids_of_another_type_and_ids_of_nothing_are_refused_cleanly_by_reads() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    let before = row_counts(&app.store).await;

    // An argument that names a type refuses an id of any other type, or no id at all,
    // as bad input, whether or not the id names a record: nothing exists or not.
    for typed in &TYPED {
        let mut wrong: Vec<(&str, String)> = vec![
            ("a goal's id", f.goal_1.clone()),
            ("an unknown goal's id", unknown_id("Goal")),
            ("a person's id", f.support_person.clone()),
        ];
        if typed.kind != "Student" {
            wrong.push(("a student's id", f.student_1.clone()));
        }
        wrong.extend(malformed_ids(&f));
        let mut answers = BTreeSet::new();
        for (what, id) in &wrong {
            let response = post(&app, &admin, typed.query, json!({ "id": id })).await;
            assert_eq!(
                error_code(&response),
                Some("BAD_USER_INPUT"),
                "{} given {what}: {response:#}",
                typed.field
            );
            let answered = &response["data"];
            assert!(
                answered.is_null() || answered[typed.field].is_null(),
                "{} given {what}: no data: {response:#}",
                typed.field
            );
            answers.insert(response.to_string());
        }
        assert_eq!(
            answers.len(),
            1,
            "{}: every wrong id gets the same answer: {answers:#?}",
            typed.field
        );
        // An id of the right type that names nothing is not found.
        if typed.kind != "School" {
            let response = post(
                &app,
                &admin,
                typed.query,
                json!({ "id": unknown_id(typed.kind) }),
            )
            .await;
            assert_eq!(
                error_code(&response),
                Some("NOT_FOUND"),
                "{}: {response:#}",
                typed.field
            );
        }
    }

    // node(id:) takes any type, so an id that names nothing there is not found, and
    // nodes(ids:) has null in its place.
    for (what, id) in malformed_ids(&f) {
        let response = post(&app, &admin, PROBE, json!({ "id": id })).await;
        assert_eq!(
            error_code(&response),
            Some("NOT_FOUND"),
            "node given {what}: {response:#}"
        );
        assert!(response["data"]["node"].is_null(), "{what}");
        assert_eq!(response["data"]["nodes"], json!([null]), "{what}");
        assert_nodes_not_found(&response);
    }

    assert_eq!(
        row_counts(&app.store).await,
        before,
        "refused reads write nothing, not even an audit event"
    );
}

/// A mutation, a valid input for it, and how to spoil one of its ids.
struct Spoiled {
    field: &'static str,
    object: &'static str,
    input: Value,
    /// The input field at fault.
    at: &'static str,
}

#[tokio::test]
async fn a_mutation_given_an_id_of_another_type_refuses_it_and_writes_nothing() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let staff = f.staff_member(&app);
    let alliance = json!(f.alliance_1);
    let goal = json!(f.goal_1);
    let mut cases = vec![
        Spoiled {
            field: "recordProgress",
            object: "progressEntry",
            input: json!({ "goalId": f.student_1, "value": 3.0 }),
            at: "goalId",
        },
        Spoiled {
            field: "createGoal",
            object: "goal",
            input: json!({ "allianceId": f.student_1, "expressedById": f.caregiver_member_1,
                           "ownWords": "Fewer fights." }),
            at: "allianceId",
        },
        Spoiled {
            field: "createGoal",
            object: "goal",
            input: json!({ "allianceId": alliance, "expressedById": f.support_person,
                           "ownWords": "Fewer fights." }),
            at: "expressedById",
        },
        Spoiled {
            field: "recordVoice",
            object: "voiceEntry",
            input: json!({ "allianceId": alliance, "speakerId": f.goal_1,
                           "words": "It is better." }),
            at: "speakerId",
        },
        Spoiled {
            field: "createIntervention",
            object: "intervention",
            input: json!({ "allianceId": alliance, "title": "Check-in",
                           "rationale": "Calm start.", "goalIds": [goal, f.student_1] }),
            at: "goalIds",
        },
        Spoiled {
            field: "logCommunication",
            object: "communication",
            input: json!({ "allianceId": alliance, "kind": "DATA_SHARE", "channel": "APP",
                           "summary": "The chart.", "sharedGoalIds": [f.alliance_1] }),
            at: "sharedGoalIds",
        },
        Spoiled {
            field: "createNextStep",
            object: "nextStep",
            input: json!({ "allianceId": alliance, "decision": "Call home.",
                           "informedBy": { "progressEntryIds": [f.goal_1] } }),
            at: "informedBy",
        },
    ];
    for (_, id) in malformed_ids(&f) {
        cases.push(Spoiled {
            field: "recordProgress",
            object: "progressEntry",
            input: json!({ "goalId": id, "value": 3.0 }),
            at: "goalId",
        });
    }

    let before = row_counts(&app.store).await;
    for case in &cases {
        let input_type = format!(
            "{}{}Input",
            case.field[..1].to_uppercase(),
            &case.field[1..]
        );
        let document = format!(
            "mutation($input: {input_type}!) {{ {}(input: $input) {{ {} {{ id }} userErrors {{ field message code }} }} }}",
            case.field, case.object
        );
        let response = post(&app, &staff, &document, json!({ "input": case.input })).await;
        let context = format!("{} {}: {response:#}", case.field, case.input);
        assert_eq!(error_code(&response), Some("BAD_USER_INPUT"), "{context}");
        let payload = &response["data"][case.field];
        assert!(payload[case.object].is_null(), "{context}");
        let user_error = &payload["userErrors"][0];
        assert_eq!(user_error["code"], "BAD_USER_INPUT", "{context}");
        let field = user_error["field"].as_str().unwrap_or_default();
        assert!(
            field.starts_with(case.at),
            "the error names {}: {context}",
            case.at
        );
    }
    assert_eq!(
        row_counts(&app.store).await,
        before,
        "a refused write leaves no partial change and no audit event"
    );
}
