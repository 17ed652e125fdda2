//! Who may see and change the practice records (DESIGN.md §3), as a matrix of callers ×
//! every query and mutation the practices added, over HTTP with real tokens; and
//! records marked team-only against family tokens, through every path that could
//! reach them.

use alliance_tests::{Fixture, TestApp, data, error_code, spawn_app};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

/// What a caller reaches of alliance 1's records.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reach {
    /// Everything, team-only records too.
    Team,
    /// Everything but team-only records.
    Family,
    /// Nothing: reads say NOT_FOUND.
    Outside,
    /// No token: UNAUTHENTICATED.
    Anonymous,
}

/// What a caller may change of alliance 1.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Writes {
    /// The team's work and the family's words (administrators, the teacher).
    Team,
    /// Only their own words, stance, replies and answers (the caregiver).
    OwnWords,
    /// Nothing: FORBIDDEN.
    Nothing,
    /// Another district: the records do not exist for them, NOT_FOUND.
    OtherDistrict,
    /// No token: UNAUTHENTICATED.
    Anonymous,
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Allowed,
    Denied(String),
}
use Outcome::*;

fn denied(code: &str) -> Outcome {
    Denied(code.to_owned())
}

struct Caller {
    name: &'static str,
    token: Option<String>,
    reach: Reach,
    writes: Writes,
}

fn callers(app: &TestApp, f: &Fixture) -> Vec<Caller> {
    let row = |name, token: String, reach, writes| Caller {
        name,
        token: Some(token),
        reach,
        writes,
    };
    vec![
        row(
            "district admin",
            f.district_admin(app),
            Reach::Team,
            Writes::Team,
        ),
        row(
            "school admin of school A",
            f.school_admin_a(app),
            Reach::Team,
            Writes::Team,
        ),
        row(
            "school admin of school B",
            f.school_admin_b(app),
            Reach::Outside,
            Writes::Nothing,
        ),
        row(
            "staff member of alliance 1",
            f.staff_member(app),
            Reach::Team,
            Writes::Team,
        ),
        row(
            "staff not in alliance 1",
            f.staff_non_member(app),
            Reach::Outside,
            Writes::Nothing,
        ),
        row(
            "caregiver in alliance 1",
            f.family_member(app),
            Reach::Family,
            Writes::OwnWords,
        ),
        row(
            "family not in alliance 1",
            f.family_non_member(app),
            Reach::Outside,
            Writes::Nothing,
        ),
        row("analyst", f.analyst(app), Reach::Outside, Writes::Nothing),
        row(
            "another district's admin",
            f.other_district_admin(app),
            Reach::Outside,
            Writes::OtherDistrict,
        ),
        Caller {
            name: "no token",
            token: None,
            reach: Reach::Anonymous,
            writes: Writes::Anonymous,
        },
    ]
}

fn day(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days)).to_string()
}

/// Runs `query` as `token`, insisting on no errors.
async fn read(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    data(&app.graphql(query, variables, Some(token)).await).clone()
}

/// Runs mutation `field` and insists it succeeds; returns its payload.
async fn succeed(app: &TestApp, token: &str, document: &str, field: &str, input: Value) -> Value {
    let response = app
        .graphql(document, json!({ "input": input }), Some(token))
        .await;
    let payload = data(&response)[field].clone();
    assert_eq!(payload["userErrors"], json!([]), "{response:#}");
    payload
}

fn id_of(payload: &Value, object: &str) -> String {
    payload[object]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {object} id: {payload:#}"))
        .to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

const RECORD_VOICE: &str = "mutation($input: RecordVoiceInput!) { recordVoice(input: $input) { voiceEntry { id } userErrors { field message code } } }";
const SET_ACCEPTANCE: &str = "mutation($input: SetGoalAcceptanceInput!) { setGoalAcceptance(input: $input) { goal { id } userErrors { field message code } } }";
const REPLY: &str = "mutation($input: ReplyToCommunicationInput!) { replyToCommunication(input: $input) { reply { id } userErrors { field message code } } }";
const SUBMIT_FEEDBACK: &str = "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackResponse { id } userErrors { field message code } } }";
const CREATE_INTERVENTION: &str = "mutation($input: CreateInterventionInput!) { createIntervention(input: $input) { intervention { id } userErrors { field message code } } }";
const CHANGE_INTERVENTION: &str = "mutation($input: ChangeInterventionStatusInput!) { changeInterventionStatus(input: $input) { intervention { id } userErrors { field message code } } }";
const LOG_COMMUNICATION: &str = "mutation($input: LogCommunicationInput!) { logCommunication(input: $input) { communication { id } userErrors { field message code } } }";
const REQUEST_FEEDBACK: &str = "mutation($input: RequestFeedbackInput!) { requestFeedback(input: $input) { feedbackRequest { id } userErrors { field message code } } }";
const RECORD_REFLECTION: &str = "mutation($input: RecordReflectionInput!) { recordReflection(input: $input) { reflection { id } userErrors { field message code } } }";
const CREATE_NEXT_STEP: &str = "mutation($input: CreateNextStepInput!) { createNextStep(input: $input) { nextStep { id } userErrors { field message code } } }";
const UPDATE_NEXT_STEP: &str = "mutation($input: UpdateNextStepInput!) { updateNextStep(input: $input) { nextStep { id } userErrors { field message code } } }";
const RECORD_PROGRESS: &str = "mutation($input: RecordProgressInput!) { recordProgress(input: $input) { progressEntry { id } userErrors { field message code } } }";

/// Alliance 1's practice records, each visibility of each kind, made by its team and
/// its caregiver.
struct Records {
    voice_shared: String,
    voice_team: String,
    intervention: String,
    communication_shared: String,
    communication_team: String,
    request: String,
    response: String,
    reflection_shared: String,
    reflection_team: String,
    step_shared: String,
    step_team: String,
    progress: String,
}

impl Records {
    fn shared(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("VoiceEntry", &self.voice_shared),
            ("Intervention", &self.intervention),
            ("Communication", &self.communication_shared),
            ("FeedbackRequest", &self.request),
            ("FeedbackResponse", &self.response),
            ("Reflection", &self.reflection_shared),
            ("NextStep", &self.step_shared),
        ]
    }

    fn team_only(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("VoiceEntry", &self.voice_team),
            ("Communication", &self.communication_team),
            ("Reflection", &self.reflection_team),
            ("NextStep", &self.step_team),
        ]
    }
}

async fn seed(app: &TestApp, f: &Fixture) -> Records {
    let staff = f.staff_member(app);
    let family = f.family_member(app);
    let voice_shared = id_of(
        &succeed(
            app,
            &family,
            RECORD_VOICE,
            "recordVoice",
            json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                    "words": "Maya is braver than she looks.", "kind": "STRENGTH" }),
        )
        .await,
        "voiceEntry",
    );
    let voice_team = id_of(
        &succeed(
            app,
            &staff,
            RECORD_VOICE,
            "recordVoice",
            json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                    "words": "Her dad moved out in March.", "visibility": "TEAM_ONLY" }),
        )
        .await,
        "voiceEntry",
    );
    let intervention = id_of(
        &succeed(
            app,
            &staff,
            CREATE_INTERVENTION,
            "createIntervention",
            json!({ "allianceId": f.alliance_1, "title": "Morning check-in",
                    "rationale": "Five calm minutes before class.", "goalIds": [f.goal_1] }),
        )
        .await,
        "intervention",
    );
    let progress = id_of(
        &succeed(
            app,
            &staff,
            RECORD_PROGRESS,
            "recordProgress",
            json!({ "goalId": f.goal_1, "value": 3.0 }),
        )
        .await,
        "progressEntry",
    );
    let communication_shared = id_of(
        &succeed(
            app,
            &staff,
            LOG_COMMUNICATION,
            "logCommunication",
            json!({ "allianceId": f.alliance_1, "kind": "DATA_SHARE", "channel": "APP",
                    "summary": "This month's mornings chart.", "sharedGoalIds": [f.goal_1] }),
        )
        .await,
        "communication",
    );
    let communication_team = id_of(
        &succeed(
            app,
            &staff,
            LOG_COMMUNICATION,
            "logCommunication",
            json!({ "allianceId": f.alliance_1, "kind": "UPDATE", "channel": "EMAIL",
                    "summary": "Note to the counsellor about the custody change.",
                    "visibility": "TEAM_ONLY" }),
        )
        .await,
        "communication",
    );
    let request = id_of(
        &succeed(
            app,
            &staff,
            REQUEST_FEEDBACK,
            "requestFeedback",
            json!({ "allianceId": f.alliance_1, "memberId": f.caregiver_member_1 }),
        )
        .await,
        "feedbackRequest",
    );
    let response = id_of(
        &succeed(
            app,
            &family,
            SUBMIT_FEEDBACK,
            "submitFeedback",
            json!({ "requestId": request, "supported": 5, "understood": 7, "centered": 7,
                    "goals": 8, "approach": 8 }),
        )
        .await,
        "feedbackResponse",
    );
    let reflection_team = id_of(
        &succeed(
            app,
            &staff,
            RECORD_REFLECTION,
            "recordReflection",
            json!({ "allianceId": f.alliance_1, "kind": "FORMAL_MEETING",
                    "notes": "We worry about the custody change.",
                    "feedbackResponseIds": [response] }),
        )
        .await,
        "reflection",
    );
    let reflection_shared = id_of(
        &succeed(
            app,
            &staff,
            RECORD_REFLECTION,
            "recordReflection",
            json!({ "allianceId": f.alliance_1, "kind": "INFORMAL_CHECKIN",
                    "keep": "The morning check-in.", "visibility": "ALLIANCE",
                    "feedbackResponseIds": [response], "interventionIds": [intervention] }),
        )
        .await,
        "reflection",
    );
    let step_team = id_of(
        &succeed(
            app,
            &staff,
            CREATE_NEXT_STEP,
            "createNextStep",
            json!({ "allianceId": f.alliance_1, "decision": "Ask the counsellor to see Maya.",
                    "visibility": "TEAM_ONLY",
                    "informedBy": { "reflectionIds": [reflection_team] } }),
        )
        .await,
        "nextStep",
    );
    let step_shared = id_of(
        &succeed(
            app,
            &staff,
            CREATE_NEXT_STEP,
            "createNextStep",
            json!({ "allianceId": f.alliance_1, "decision": "Call Elena to plan together.",
                    "informedBy": { "feedbackResponseIds": [response],
                                    "reflectionIds": [reflection_team, reflection_shared],
                                    "progressEntryIds": [progress] } }),
        )
        .await,
        "nextStep",
    );
    Records {
        voice_shared,
        voice_team,
        intervention,
        communication_shared,
        communication_team,
        request,
        response,
        reflection_shared,
        reflection_team,
        step_shared,
        step_team,
        progress,
    }
}

fn outcome(response: &Value, allowed: impl FnOnce(&Value) -> bool) -> Outcome {
    match error_code(response) {
        None => {
            assert!(
                allowed(response),
                "allowed but not as expected: {response:#}"
            );
            Allowed
        }
        Some(code @ ("NOT_FOUND" | "FORBIDDEN" | "UNAUTHENTICATED")) => Denied(code.to_owned()),
        Some(other) => panic!("unexpected code {other}: {response:#}"),
    }
}

const ALLIANCE_PRACTICES: &str = "query($id: ID!) { alliance(id: $id) { id
    interventions { totalCount } voiceEntries { totalCount } communications { totalCount }
    feedbackRequests { totalCount } feedbackResponses { totalCount }
    reflections { totalCount } nextSteps { totalCount } timeline { totalCount }
    health { status openConcerns overdueNextSteps reasons { code } } } }";

// The role matrix.

#[tokio::test]
async fn every_caller_reads_exactly_the_practice_records_design_section_3_allows() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let records = seed(&app, &f).await;
    let admin = f.district_admin(&app);
    let all = read(
        &app,
        &admin,
        ALLIANCE_PRACTICES,
        json!({ "id": f.alliance_1 }),
    )
    .await;
    let team_timeline = all["alliance"]["timeline"]["totalCount"]
        .as_i64()
        .expect("timeline");

    let mut mismatches = Vec::new();
    for caller in callers(&app, &f) {
        let token = caller.token.as_deref();
        let (want, want_node, want_team_node) = match caller.reach {
            Reach::Team => (Allowed, Allowed, Allowed),
            Reach::Family => (Allowed, Allowed, denied("NOT_FOUND")),
            Reach::Outside => (
                denied("NOT_FOUND"),
                denied("NOT_FOUND"),
                denied("NOT_FOUND"),
            ),
            Reach::Anonymous => (
                denied("UNAUTHENTICATED"),
                denied("UNAUTHENTICATED"),
                denied("UNAUTHENTICATED"),
            ),
        };

        // The alliance's practice lists, timeline and health.
        let response = app
            .graphql(ALLIANCE_PRACTICES, json!({ "id": f.alliance_1 }), token)
            .await;
        let got = outcome(&response, |r| {
            let a = &r["data"]["alliance"];
            let (each, timeline) = if caller.reach == Reach::Team {
                (2, team_timeline)
            } else {
                (1, team_timeline - 4)
            };
            a["id"] == f.alliance_1.as_str()
                && a["interventions"]["totalCount"] == 1
                && a["feedbackRequests"]["totalCount"] == 1
                && a["feedbackResponses"]["totalCount"] == 1
                && a["voiceEntries"]["totalCount"] == each
                && a["communications"]["totalCount"] == each
                && a["reflections"]["totalCount"] == each
                && a["nextSteps"]["totalCount"] == each
                && a["timeline"]["totalCount"] == timeline
                && a["health"]["status"].is_string()
        });
        if got != want {
            mismatches.push(format!(
                "{}: alliance practices: expected {want:?}, got {got:?}",
                caller.name
            ));
        }

        // Every new kind of node, by id.
        for (kind, id, expected) in records
            .shared()
            .into_iter()
            .map(|(k, id)| (k, id, &want_node))
            .chain(
                records
                    .team_only()
                    .into_iter()
                    .map(|(k, id)| (k, id, &want_team_node)),
            )
        {
            let response = app
                .graphql(
                    "query($id: ID!) { node(id: $id) { __typename id } }",
                    json!({ "id": id }),
                    token,
                )
                .await;
            let got = outcome(&response, |r| {
                r["data"]["node"]["__typename"] == kind && r["data"]["node"]["id"] == id
            });
            if &got != expected {
                mismatches.push(format!(
                    "{}: node {kind} {id}: expected {expected:?}, got {got:?}",
                    caller.name
                ));
            }
        }

        // The check-in's texts: anyone signed in.
        let response = app
            .graphql(
                "{ feedbackInstrument(audience: ADULT, language: \"es\") { language items { key } } }",
                json!({}),
                token,
            )
            .await;
        let got = outcome(&response, |r| {
            r["data"]["feedbackInstrument"]["language"] == "es"
        });
        let expected = if caller.reach == Reach::Anonymous {
            denied("UNAUTHENTICATED")
        } else {
            Allowed
        };
        if got != expected {
            mismatches.push(format!(
                "{}: feedbackInstrument: expected {expected:?}, got {got:?}",
                caller.name
            ));
        }

        // Alliances needing attention: only alliances in reach, alliance 1 for its team.
        let response = app
            .graphql(
                "{ alliancesNeedingAttention { totalCount nodes { id } } }",
                json!({}),
                token,
            )
            .await;
        match (caller.reach, error_code(&response)) {
            (Reach::Anonymous, code) => {
                if code != Some("UNAUTHENTICATED") {
                    mismatches.push(format!(
                        "{}: alliancesNeedingAttention: expected UNAUTHENTICATED, got {response}",
                        caller.name
                    ));
                }
            }
            (_, Some(code)) if caller.name == "analyst" && code == "FORBIDDEN" => {}
            (reach, None) => {
                let listed = ids(&response["data"]["alliancesNeedingAttention"]["nodes"]);
                let has_1 = listed.contains(&f.alliance_1);
                let wrong = match reach {
                    Reach::Team => !has_1,
                    Reach::Family => listed.iter().any(|a| a != &f.alliance_1),
                    _ => has_1 || (caller.name == "analyst" && !listed.is_empty()),
                };
                if wrong {
                    mismatches.push(format!(
                        "{}: alliancesNeedingAttention listed {listed:?}",
                        caller.name
                    ));
                }
            }
            (_, Some(code)) => mismatches.push(format!(
                "{}: alliancesNeedingAttention failed with {code}: {response}",
                caller.name
            )),
        }
    }
    assert!(
        mismatches.is_empty(),
        "read matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn every_caller_changes_exactly_the_practice_records_design_section_3_allows() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let records = seed(&app, &f).await;
    let admin = f.district_admin(&app);
    let staff = f.staff_member(&app);

    let mut mismatches = Vec::new();
    for caller in callers(&app, &f) {
        let token = caller.token.as_deref();
        let refused = match caller.writes {
            Writes::OtherDistrict => denied("NOT_FOUND"),
            Writes::Anonymous => denied("UNAUTHENTICATED"),
            _ => denied("FORBIDDEN"),
        };
        let team = if caller.writes == Writes::Team {
            Allowed
        } else {
            refused.clone()
        };
        let own_words = if matches!(caller.writes, Writes::Team | Writes::OwnWords) {
            Allowed
        } else {
            refused.clone()
        };
        // Replies and answers come from the caregiver themselves, never on their behalf.
        let family_only = if caller.writes == Writes::OwnWords {
            Allowed
        } else {
            refused.clone()
        };

        // Fresh records for the writes that use one up.
        let intervention = id_of(
            &succeed(
                &app,
                &admin,
                CREATE_INTERVENTION,
                "createIntervention",
                json!({ "allianceId": f.alliance_1, "title": "Lunch bunch",
                        "rationale": "Small groups help Maya talk.", "goalIds": [f.goal_1] }),
            )
            .await,
            "intervention",
        );
        let request = id_of(
            &succeed(
                &app,
                &staff,
                REQUEST_FEEDBACK,
                "requestFeedback",
                json!({ "allianceId": f.alliance_1, "memberId": f.caregiver_member_1 }),
            )
            .await,
            "feedbackRequest",
        );

        let attempts: Vec<(&str, &str, &str, Value, &str, Outcome)> = vec![
            (
                "recordVoice as the caregiver",
                RECORD_VOICE,
                "recordVoice",
                json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                        "words": "Matrix words." }),
                "voiceEntry",
                own_words.clone(),
            ),
            (
                "setGoalAcceptance for the caregiver",
                SET_ACCEPTANCE,
                "setGoalAcceptance",
                json!({ "goalId": f.goal_1, "memberId": f.caregiver_member_1,
                        "acceptance": "AGREE" }),
                "goal",
                own_words.clone(),
            ),
            (
                "replyToCommunication",
                REPLY,
                "replyToCommunication",
                json!({ "communicationId": records.communication_shared,
                        "words": "Thanks!" }),
                "reply",
                family_only.clone(),
            ),
            (
                "submitFeedback",
                SUBMIT_FEEDBACK,
                "submitFeedback",
                json!({ "requestId": request, "supported": 9, "understood": 9,
                        "centered": 9, "goals": 9, "approach": 9 }),
                "feedbackResponse",
                family_only.clone(),
            ),
            (
                "createIntervention",
                CREATE_INTERVENTION,
                "createIntervention",
                json!({ "allianceId": f.alliance_1, "title": "Matrix",
                        "rationale": "Because.", "goalIds": [f.goal_1] }),
                "intervention",
                team.clone(),
            ),
            (
                "changeInterventionStatus",
                CHANGE_INTERVENTION,
                "changeInterventionStatus",
                json!({ "interventionId": intervention, "status": "ACTIVE",
                        "reason": "Starting Monday." }),
                "intervention",
                team.clone(),
            ),
            (
                "logCommunication",
                LOG_COMMUNICATION,
                "logCommunication",
                json!({ "allianceId": f.alliance_1, "kind": "DATA_SHARE", "channel": "LETTER",
                        "summary": "Matrix share.", "sharedGoalIds": [f.goal_1] }),
                "communication",
                team.clone(),
            ),
            (
                "requestFeedback",
                REQUEST_FEEDBACK,
                "requestFeedback",
                json!({ "allianceId": f.alliance_1, "memberId": f.caregiver_member_1,
                        "dueDate": day(3) }),
                "feedbackRequest",
                team.clone(),
            ),
            (
                "recordReflection",
                RECORD_REFLECTION,
                "recordReflection",
                json!({ "allianceId": f.alliance_1, "kind": "INFORMAL_CHECKIN" }),
                "reflection",
                team.clone(),
            ),
            (
                "createNextStep",
                CREATE_NEXT_STEP,
                "createNextStep",
                json!({ "allianceId": f.alliance_1, "decision": "Matrix step." }),
                "nextStep",
                team.clone(),
            ),
            (
                "updateNextStep",
                UPDATE_NEXT_STEP,
                "updateNextStep",
                json!({ "nextStepId": records.step_shared, "decision": "Matrix step, revised." }),
                "nextStep",
                team.clone(),
            ),
        ];
        for (operation, document, field, input, object, expected) in attempts {
            let response = app
                .graphql(document, json!({ "input": input }), token)
                .await;
            let got = outcome(&response, |r| {
                r["data"][field]["userErrors"] == json!([]) && r["data"][field][object].is_object()
            });
            if let Denied(_) = &got {
                assert!(
                    response["data"].is_null(),
                    "{}: {operation}: a refused write returns no data: {response:#}",
                    caller.name
                );
            }
            if got != expected {
                mismatches.push(format!(
                    "{}: {operation}: expected {expected:?}, got {got:?}",
                    caller.name
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "write matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn a_family_member_changes_nothing_in_an_alliance_they_do_not_belong_to() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    // family-2 is a caregiver of alliance 2; their own member id there does not open
    // alliance 1, nor does alliance 1's caregiver id.
    let other = f.family_non_member(&app);
    let response = app
        .graphql(
            RECORD_VOICE,
            json!({ "input": { "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                               "words": "Not mine to say." } }),
            Some(&other),
        )
        .await;
    assert_eq!(error_code(&response), Some("FORBIDDEN"), "{response:#}");
    let response = app
        .graphql(
            SET_ACCEPTANCE,
            json!({ "input": { "goalId": f.goal_1, "memberId": f.caregiver_member_1,
                               "acceptance": "DISAGREE" } }),
            Some(&other),
        )
        .await;
    assert_eq!(error_code(&response), Some("FORBIDDEN"), "{response:#}");
}

// Team-only records against family tokens.

const LISTS: &str = "query($id: ID!) { alliance(id: $id) {
    voiceEntries { totalCount nodes { id } }
    communications { totalCount nodes { id } }
    reflections { totalCount nodes { id } }
    nextSteps { totalCount nodes { id } } } }";

const TIMELINE: &str = "query($id: ID!, $kinds: [TimelineKind!]) { alliance(id: $id) {
    timeline(first: 100, kinds: $kinds) { totalCount nodes { kind record { __typename
        ... on VoiceEntry { id } ... on Communication { id } ... on Reflection { id }
        ... on NextStep { id informedBy { __typename ... on Reflection { id } ... on FeedbackResponse { id } ... on ProgressEntry { id } } }
        ... on Goal { id } ... on ProgressEntry { id } ... on FeedbackRequest { id }
        ... on FeedbackResponse { id } ... on InterventionStatusChange { id } ... on PhaseChange { id } } } } } }";

const INFORMED_BY: &str = "query($id: ID!) { node(id: $id) { ... on NextStep { id
    informedBy { __typename
        ... on Reflection { id notes considered { __typename ... on FeedbackResponse { id } ... on Intervention { id } } }
        ... on FeedbackResponse { id } ... on ProgressEntry { id } } } } }";

fn typed_ids(list: &Value) -> Vec<(String, String)> {
    let mut found: Vec<_> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|r| {
            (
                r["__typename"].as_str().expect("typename").to_owned(),
                r["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn record_ids(timeline: &Value) -> Vec<String> {
    timeline["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|e| e["record"]["id"].as_str().expect("record id").to_owned())
        .collect()
}

#[tokio::test]
async fn team_only_records_never_reach_a_family_member_through_any_path() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let r = seed(&app, &f).await;
    let family = f.family_member(&app);
    let team = [
        ("district admin", f.district_admin(&app)),
        ("school admin", f.school_admin_a(&app)),
        ("teacher", f.staff_member(&app)),
    ];
    let team_only: Vec<String> = r
        .team_only()
        .iter()
        .map(|(_, id)| (*id).to_owned())
        .collect();

    // Lists.
    let theirs =
        read(&app, &family, LISTS, json!({ "id": f.alliance_1 })).await["alliance"].clone();
    assert_eq!(
        ids(&theirs["voiceEntries"]["nodes"]),
        vec![r.voice_shared.clone()]
    );
    assert_eq!(
        ids(&theirs["communications"]["nodes"]),
        vec![r.communication_shared.clone()]
    );
    assert_eq!(
        ids(&theirs["reflections"]["nodes"]),
        vec![r.reflection_shared.clone()]
    );
    assert_eq!(
        ids(&theirs["nextSteps"]["nodes"]),
        vec![r.step_shared.clone()]
    );
    for list in ["voiceEntries", "communications", "reflections", "nextSteps"] {
        assert_eq!(theirs[list]["totalCount"], 1, "{list}: {theirs:#}");
    }
    for (who, token) in &team {
        let seen =
            read(&app, token, LISTS, json!({ "id": f.alliance_1 })).await["alliance"].clone();
        for (list, shared, hidden) in [
            ("voiceEntries", &r.voice_shared, &r.voice_team),
            (
                "communications",
                &r.communication_shared,
                &r.communication_team,
            ),
            ("reflections", &r.reflection_shared, &r.reflection_team),
            ("nextSteps", &r.step_shared, &r.step_team),
        ] {
            let listed = ids(&seen[list]["nodes"]);
            assert!(
                listed.contains(shared) && listed.contains(hidden),
                "{who} sees both in {list}: {seen:#}"
            );
            assert_eq!(seen[list]["totalCount"], 2, "{who}: {list}");
        }
    }

    // node(id).
    for (kind, id) in r.team_only() {
        let response = app
            .graphql(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
                Some(&family),
            )
            .await;
        assert_eq!(
            error_code(&response),
            Some("NOT_FOUND"),
            "{kind}: {response:#}"
        );
        for (who, token) in &team {
            let seen = read(
                &app,
                token,
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
            assert_eq!(seen["node"]["__typename"], kind, "{who}");
        }
    }

    // nodes(ids), mixed with what the family does see.
    let mixed: Vec<String> = r
        .team_only()
        .iter()
        .zip(r.shared())
        .flat_map(|((_, hidden), (_, shared))| [(*hidden).to_owned(), shared.to_owned()])
        .collect();
    let response = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": mixed }),
            Some(&family),
        )
        .await;
    let theirs = response["data"].clone();
    // Each hidden record is NOT_FOUND at its place in the list.
    let hidden_places: Vec<Value> = mixed
        .iter()
        .enumerate()
        .filter(|(_, id)| team_only.contains(*id))
        .map(|(index, _)| json!(["nodes", index]))
        .collect();
    let errors = response["errors"].as_array().expect("errors");
    assert_eq!(
        errors.iter().map(|e| e["path"].clone()).collect::<Vec<_>>(),
        hidden_places,
        "{response:#}"
    );
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "NOT_FOUND"),
        "{response:#}"
    );
    let expected: Vec<Value> = mixed
        .iter()
        .map(|id| {
            if team_only.contains(id) {
                Value::Null
            } else {
                json!({ "id": id })
            }
        })
        .collect();
    assert_eq!(theirs["nodes"], json!(expected));
    for (who, token) in &team {
        let seen = read(
            &app,
            token,
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": mixed }),
        )
        .await;
        let all: Vec<Value> = mixed.iter().map(|id| json!({ "id": id })).collect();
        assert_eq!(seen["nodes"], json!(all), "{who}");
    }

    // The timeline, whole and filtered by kind.
    let theirs =
        read(&app, &family, TIMELINE, json!({ "id": f.alliance_1 })).await["alliance"]["timeline"]
            .clone();
    let listed = record_ids(&theirs);
    for id in &team_only {
        assert!(
            !listed.contains(id),
            "{id} in the family's timeline: {theirs:#}"
        );
    }
    for (_, id) in r.shared() {
        if id != r.intervention {
            assert!(listed.iter().any(|l| l == id), "{id} missing: {theirs:#}");
        }
    }
    assert_eq!(theirs["totalCount"], listed.len());
    for (who, token) in &team {
        let seen = read(&app, token, TIMELINE, json!({ "id": f.alliance_1 })).await["alliance"]
            ["timeline"]
            .clone();
        let all = record_ids(&seen);
        for id in &team_only {
            assert!(all.contains(id), "{who} misses {id}");
        }
        assert_eq!(seen["totalCount"], listed.len() + team_only.len(), "{who}");
    }
    for kind in [
        "VOICE_RECORDED",
        "COMMUNICATION_LOGGED",
        "REFLECTION_RECORDED",
        "NEXT_STEP_RECORDED",
    ] {
        let filtered = read(
            &app,
            &family,
            TIMELINE,
            json!({ "id": f.alliance_1, "kinds": [kind] }),
        )
        .await["alliance"]["timeline"]
            .clone();
        assert_eq!(filtered["totalCount"], 1, "{kind}: {filtered:#}");
        assert!(
            !team_only.contains(&record_ids(&filtered)[0]),
            "{kind}: {filtered:#}"
        );
    }

    // A shared next step citing a team-only reflection: the family sees the step and
    // what else informed it, never the reflection (nor what it considered).
    let mut family_expected = vec![
        ("FeedbackResponse".to_owned(), r.response.clone()),
        ("ProgressEntry".to_owned(), r.progress.clone()),
        ("Reflection".to_owned(), r.reflection_shared.clone()),
    ];
    family_expected.sort();
    let mut team_expected = family_expected.clone();
    team_expected.push(("Reflection".to_owned(), r.reflection_team.clone()));
    team_expected.sort();
    let step = read(&app, &family, INFORMED_BY, json!({ "id": r.step_shared })).await;
    assert_eq!(typed_ids(&step["node"]["informedBy"]), family_expected);
    let shared_reflection = step["node"]["informedBy"]
        .as_array()
        .expect("informedBy")
        .iter()
        .find(|x| x["id"] == r.reflection_shared.as_str())
        .cloned()
        .expect("the shared reflection");
    assert_eq!(
        typed_ids(&shared_reflection["considered"]),
        {
            let mut v = vec![
                ("FeedbackResponse".to_owned(), r.response.clone()),
                ("Intervention".to_owned(), r.intervention.clone()),
            ];
            v.sort();
            v
        },
        "what a shared reflection considered is shared with it"
    );
    let in_list = read(
        &app,
        &family,
        "query($id: ID!) { alliance(id: $id) { nextSteps { nodes { id informedBy { __typename ... on Reflection { id } ... on FeedbackResponse { id } ... on ProgressEntry { id } } } } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    assert_eq!(
        typed_ids(&in_list["alliance"]["nextSteps"]["nodes"][0]["informedBy"]),
        family_expected
    );
    let in_timeline = read(
        &app,
        &family,
        TIMELINE,
        json!({ "id": f.alliance_1, "kinds": ["NEXT_STEP_RECORDED"] }),
    )
    .await;
    assert_eq!(
        typed_ids(&in_timeline["alliance"]["timeline"]["nodes"][0]["record"]["informedBy"]),
        family_expected
    );
    for (who, token) in &team {
        let step = read(&app, token, INFORMED_BY, json!({ "id": r.step_shared })).await;
        assert_eq!(
            typed_ids(&step["node"]["informedBy"]),
            team_expected,
            "{who}"
        );
        let hidden = read(&app, token, INFORMED_BY, json!({ "id": r.step_team })).await;
        assert_eq!(
            typed_ids(&hidden["node"]["informedBy"]),
            vec![("Reflection".to_owned(), r.reflection_team.clone())],
            "{who}"
        );
    }
}

#[tokio::test]
async fn a_family_member_cannot_act_on_a_team_only_record_they_cannot_see() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let r = seed(&app, &f).await;
    let family = f.family_member(&app);
    let unknown = |kind: &str| alliance_graphql::global_id(kind, uuid::Uuid::now_v7()).0;

    // Replying to a team-only communication reads exactly like replying to none.
    let mut codes = Vec::new();
    for id in [r.communication_team.clone(), unknown("Communication")] {
        let response = app
            .graphql(
                REPLY,
                json!({ "input": { "communicationId": id, "words": "What is this?" } }),
                Some(&family),
            )
            .await;
        assert!(response["data"].is_null(), "{response:#}");
        codes.push(error_code(&response).map(str::to_owned));
    }
    assert_eq!(codes[0], codes[1], "no difference to tell");
    assert_eq!(codes[0].as_deref(), Some("FORBIDDEN"));

    // Correcting a team-only voice entry reads exactly like correcting none: the family
    // cannot learn it exists by citing it.
    let mut refusals = Vec::new();
    for id in [r.voice_team.clone(), unknown("VoiceEntry")] {
        let response = app
            .graphql(
                RECORD_VOICE,
                json!({ "input": { "allianceId": f.alliance_1,
                                   "speakerId": f.caregiver_member_1,
                                   "words": "That is not what I said.", "supersedesId": id } }),
                Some(&family),
            )
            .await;
        refusals.push((
            error_code(&response).map(str::to_owned),
            response["data"]["recordVoice"]["userErrors"][0]["field"].clone(),
            response["data"]["recordVoice"]["voiceEntry"].clone(),
        ));
    }
    assert_eq!(
        refusals[1],
        (
            Some("BAD_USER_INPUT".to_owned()),
            json!("supersedesId"),
            Value::Null
        )
    );
    assert_eq!(
        refusals[0], refusals[1],
        "a team-only entry is as good as absent to the family"
    );
    let theirs = read(&app, &family, LISTS, json!({ "id": f.alliance_1 })).await;
    assert_eq!(theirs["alliance"]["voiceEntries"]["totalCount"], 1);
}

#[tokio::test]
async fn a_record_the_team_shares_later_becomes_visible_to_the_family() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let r = seed(&app, &f).await;
    let family = f.family_member(&app);
    let staff = f.staff_member(&app);
    succeed(
        &app,
        &staff,
        UPDATE_NEXT_STEP,
        "updateNextStep",
        json!({ "nextStepId": r.step_team, "visibility": "ALLIANCE" }),
    )
    .await;
    let seen = read(
        &app,
        &family,
        "query($id: ID!) { node(id: $id) { ... on NextStep { id visibility informedBy { __typename } } } }",
        json!({ "id": r.step_team }),
    )
    .await;
    assert_eq!(seen["node"]["visibility"], "ALLIANCE");
    assert_eq!(
        seen["node"]["informedBy"],
        json!([]),
        "its team-only reflection stays with the team"
    );
    succeed(
        &app,
        &staff,
        UPDATE_NEXT_STEP,
        "updateNextStep",
        json!({ "nextStepId": r.step_team, "visibility": "TEAM_ONLY" }),
    )
    .await;
    let response = app
        .graphql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": r.step_team }),
            Some(&family),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response:#}");
}
