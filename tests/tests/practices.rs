//! The three practices of DESIGN.md §1 over HTTP against the real server: the family's
//! voice, what the team does and why, the data it shares, the feedback it asks for, its
//! reflections and the next steps that answer what it heard. One test walks a whole
//! cycle; the others look closely at each rule around it.

use alliance_tests::{Fixture, TestApp, data, error_code, spawn_app};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

/// A fresh server with the fixture, the teacher's (staff-a) and the caregiver's
/// (family-1) tokens.
async fn world() -> (TestApp, Fixture, String, String) {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let staff = f.staff_member(&app);
    let family = f.family_member(&app);
    (app, f, staff, family)
}

/// Runs `query` as `token`, insisting on no errors, and returns its data.
async fn read(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    data(&app.graphql(query, variables, Some(token)).await).clone()
}

/// Runs a mutation document with `input` and returns the whole response.
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

/// Asserts the mutation was refused with one user error on `field` with `code`, echoed
/// in the top-level `errors`, and that the payload holds no object.
fn refused(response: &Value, mutation: &str, field: Option<&str>, code: &str) {
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
    assert_eq!(error_code(response), Some(code), "echoed: {response:#}");
    for (key, value) in payload.as_object().expect("payload") {
        if key != "userErrors" {
            assert_eq!(
                value,
                &Value::Null,
                "{key} of a refused change: {response:#}"
            );
        }
    }
}

/// Asserts the mutation was refused outright with `code` and wrote nothing back.
fn denied(response: &Value, code: &str) {
    assert_eq!(error_code(response), Some(code), "{response:#}");
    assert!(response["data"].is_null(), "{response:#}");
}

/// A date `days` from today, as ISO 8601.
fn day(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days)).to_string()
}

/// A time `days` before now, as RFC 3339.
fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-6)
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

const RECORD_VOICE: &str = "mutation RecordVoice($input: RecordVoiceInput!) { recordVoice(input: $input) {
    voiceEntry { id words kind language visibility recordedBy supersedes saidAt speaker { id } goals { id } }
    userErrors { field message code } } }";
const CREATE_GOAL: &str = "mutation SetGoal($input: CreateGoalInput!) { createGoal(input: $input) {
    goal { id ownWords summary expressedBy { id } familyDisagrees
        acceptance { member { id role } acceptance comment recordedAt } }
    userErrors { field message code } } }";
const SET_ACCEPTANCE: &str =
    "mutation Stance($input: SetGoalAcceptanceInput!) { setGoalAcceptance(input: $input) {
    goal { id familyDisagrees acceptance { member { id role } acceptance comment recordedAt } }
    userErrors { field message code } } }";
const CREATE_INTERVENTION: &str =
    "mutation Plan($input: CreateInterventionInput!) { createIntervention(input: $input) {
    intervention { id title description rationale tier frequency minutes status owner { id } goals { id }
        statusHistory { totalCount nodes { fromStatus toStatus reason changedBy changedAt } } }
    userErrors { field message code } } }";
const CHANGE_INTERVENTION: &str = "mutation Move($input: ChangeInterventionStatusInput!) { changeInterventionStatus(input: $input) {
    intervention { id status statusHistory { totalCount nodes { fromStatus toStatus reason changedBy } } }
    userErrors { field message code } } }";
const RECORD_PROGRESS: &str =
    "mutation Observe($input: RecordProgressInput!) { recordProgress(input: $input) {
    progressEntry { id value observedAt }
    userErrors { field message code } } }";
const SHARED: &str =
    "sharedProgress { goal { id } count latestValue percentOfTarget slopePerWeek decision
    points { observedAt value } trend { from { observedAt value } to { observedAt value } }
    aim { from { observedAt value } to { observedAt value } } snapshot }";
const REPLY: &str =
    "mutation Reply($input: ReplyToCommunicationInput!) { replyToCommunication(input: $input) {
    reply { id words member { id } createdAt } communication { id replies { id words member { id } } }
    userErrors { field message code } } }";
const REQUEST_FEEDBACK: &str =
    "mutation Ask($input: RequestFeedbackInput!) { requestFeedback(input: $input) {
    feedbackRequest { id status audience language dueDate requestedAt requestedBy member { id }
        instrument { audience language items { key text } } response { id } }
    userErrors { field message code } } }";
const SUBMIT_FEEDBACK: &str =
    "mutation Answer($input: SubmitFeedbackInput!) { submitFeedback(input: $input) {
    feedbackResponse { id requestId total language comment submittedAt member { id }
        scores { item score } concern { reasons open } }
    userErrors { field message code } } }";
const RECORD_REFLECTION: &str =
    "mutation Reflect($input: RecordReflectionInput!) { recordReflection(input: $input) {
    reflection { id kind visibility notes keep change heldAt recordedBy participants { id }
        considered { __typename ... on Goal { id } ... on Intervention { id } ... on FeedbackResponse { id } } }
    userErrors { field message code } } }";
const NEXT_STEP_FIELDS: &str = "id decision status overdue dueDate visibility recordedBy owner { id }
    informedBy { __typename ... on FeedbackResponse { id } ... on Reflection { id } ... on ProgressEntry { id } }";
const HEALTH: &str = "query($id: ID!) { alliance(id: $id) { health {
    status openConcerns overdueNextSteps daysSinceFeedbackRequested daysSinceDataShared daysSinceReflection
    goalsWithoutFamilyAcceptance practices { practice status daysSince } reasons { code message } } } }";
const NEEDING_ATTENTION: &str =
    "query($school: ID) { alliancesNeedingAttention(schoolId: $school) {
    totalCount nodes { id health { openConcerns reasons { code } } } } }";
const TIMELINE: &str = "query($id: ID!, $kinds: [TimelineKind!], $since: DateTime, $until: DateTime) {
    alliance(id: $id) { timeline(first: 100, kinds: $kinds, since: $since, until: $until) {
    totalCount nodes { kind occurredAt intervention { id } record { __typename
        ... on Goal { id } ... on ProgressEntry { id } ... on VoiceEntry { id }
        ... on InterventionStatusChange { id } ... on Communication { id } ... on FeedbackRequest { id }
        ... on FeedbackResponse { id } ... on Reflection { id } ... on NextStep { id } ... on PhaseChange { id } } } } } }";
const RESPONSE: &str = "query($id: ID!) { node(id: $id) { ... on FeedbackResponse {
    id total concern { reasons open } } } }";
const SUMMARY: &str = "query($id: ID!) { node(id: $id) { ... on Goal {
    progressSummary { count latestValue slopePerWeek percentOfTarget decision } } } }";

fn log_communication() -> String {
    format!(
        "mutation Tell($input: LogCommunicationInput!) {{ logCommunication(input: $input) {{
        communication {{ id kind channel summary asOf occurredAt visibility from {{ id }} recipients {{ id }}
            {SHARED} replies {{ id words }} }}
        userErrors {{ field message code }} }} }}"
    )
}

fn create_next_step() -> String {
    format!(
        "mutation Decide($input: CreateNextStepInput!) {{ createNextStep(input: $input) {{
        nextStep {{ {NEXT_STEP_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

fn update_next_step() -> String {
    format!(
        "mutation Revisit($input: UpdateNextStepInput!) {{ updateNextStep(input: $input) {{
        nextStep {{ {NEXT_STEP_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

/// The ids of the alliances needing attention, most urgent first.
async fn attention(app: &TestApp, token: &str, school: Option<&str>) -> Vec<String> {
    let found = read(app, token, NEEDING_ATTENTION, json!({ "school": school })).await;
    ids(&found["alliancesNeedingAttention"]["nodes"])
}

async fn health(app: &TestApp, token: &str, alliance: &str) -> Value {
    read(app, token, HEALTH, json!({ "id": alliance })).await["alliance"]["health"].clone()
}

async fn timeline(app: &TestApp, token: &str, alliance: &str, filter: Value) -> Value {
    let mut variables = json!({ "id": alliance });
    if let Some(filter) = filter.as_object() {
        for (k, v) in filter {
            variables[k] = v.clone();
        }
    }
    read(app, token, TIMELINE, variables).await["alliance"]["timeline"].clone()
}

/// `(kind, record id)` of each event, in the order given.
fn events(timeline: &Value) -> Vec<(String, String)> {
    timeline["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind").to_owned(),
                e["record"]["id"].as_str().expect("record id").to_owned(),
            )
        })
        .collect()
}

/// `(typename, id)` of each cited or considered record, sorted.
fn cited(records: &Value) -> Vec<(String, String)> {
    let mut found: Vec<_> = records
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {records}"))
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

fn pair(kind: &str, id: &Value) -> (String, String) {
    (kind.to_owned(), id.as_str().expect("id").to_owned())
}

async fn request_feedback(app: &TestApp, token: &str, alliance: &str, member: &str) -> Value {
    succeed(
        app,
        token,
        REQUEST_FEEDBACK,
        "requestFeedback",
        json!({ "allianceId": alliance, "memberId": member, "dueDate": day(7) }),
    )
    .await["feedbackRequest"]
        .clone()
}

fn scores(request: &Value, s: [i32; 5]) -> Value {
    json!({ "requestId": request["id"], "supported": s[0], "understood": s[1],
            "centered": s[2], "goals": s[3], "approach": s[4] })
}

async fn answer(app: &TestApp, token: &str, request: &Value, s: [i32; 5]) -> Value {
    succeed(
        app,
        token,
        SUBMIT_FEEDBACK,
        "submitFeedback",
        scores(request, s),
    )
    .await["feedbackResponse"]
        .clone()
}

async fn intervention(app: &TestApp, token: &str, f: &Fixture) -> Value {
    succeed(
        app,
        token,
        CREATE_INTERVENTION,
        "createIntervention",
        json!({ "allianceId": f.alliance_1, "title": "Calm-down corner at home and school",
                "rationale": "The same routine in both places makes mornings predictable.",
                "goalIds": [f.goal_1] }),
    )
    .await["intervention"]
        .clone()
}

/// Alliance 2's caregiver member, read by a district administrator.
async fn alliance_2_caregiver(app: &TestApp, f: &Fixture) -> String {
    let admin = f.district_admin(app);
    let members = read(
        app,
        &admin,
        "query($id: ID!) { alliance(id: $id) { members { nodes { id role } } } }",
        json!({ "id": f.alliance_2 }),
    )
    .await;
    members["alliance"]["members"]["nodes"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["role"] == "CAREGIVER")
        .expect("a caregiver")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A goal of alliance 2 with one progress entry, made by a district administrator.
async fn alliance_2_goal_and_progress(app: &TestApp, f: &Fixture) -> (String, String) {
    let admin = f.district_admin(app);
    let caregiver = alliance_2_caregiver(app, f).await;
    let goal = succeed(
        app,
        &admin,
        CREATE_GOAL,
        "createGoal",
        json!({ "allianceId": f.alliance_2, "ownWords": "Noah gets to school on time.",
                "expressedById": caregiver }),
    )
    .await["goal"]["id"]
        .as_str()
        .expect("goal")
        .to_owned();
    let entry = succeed(
        app,
        &admin,
        RECORD_PROGRESS,
        "recordProgress",
        json!({ "goalId": goal, "value": 3.0 }),
    )
    .await["progressEntry"]["id"]
        .as_str()
        .expect("entry")
        .to_owned();
    (goal, entry)
}

// The whole cycle.

#[tokio::test]
async fn a_whole_cycle_runs_from_the_familys_own_words_to_a_next_step_that_answers_their_concern() {
    let (app, f, staff, family) = world().await;
    let admin = f.district_admin(&app);

    // Another alliance with a next step past due, so that the order of the alliances
    // needing attention says something: without a concern, alliance 2 comes first.
    let elsewhere = succeed(
        &app,
        &admin,
        &create_next_step(),
        "createNextStep",
        json!({ "allianceId": f.alliance_2, "decision": "Call grandma back about the bus",
                "dueDate": day(-2) }),
    )
    .await;
    assert_eq!(elsewhere["nextStep"]["overdue"], true, "{elsewhere:#}");
    assert_eq!(
        attention(&app, &admin, None).await,
        vec![f.alliance_2.clone(), f.alliance_1.clone()],
        "before any concern, the overdue next step is the most urgent"
    );

    // The caregiver says what they hope for, in their own words, as themselves.
    let hope = "I want Maya to have someone to play with at recess. She comes home so sad.";
    let voice = succeed(
        &app,
        &family,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": hope, "kind": "HOPE" }),
    )
    .await["voiceEntry"]
        .clone();
    assert_eq!(voice["words"], hope, "kept verbatim");
    assert_eq!(voice["kind"], "HOPE");
    assert_eq!(voice["speaker"]["id"], f.caregiver_member_1);
    assert_eq!(voice["recordedBy"], "family-1");
    assert_eq!(voice["visibility"], "ALLIANCE");
    assert_eq!(voice["language"], "en", "the speaker's preferred language");
    assert_eq!(voice["supersedes"], Value::Null);

    // The team sets the goal in those words, expressed by the caregiver.
    let own_words = "I want Maya to have someone to play with at recess.";
    let goal = succeed(
        &app,
        &staff,
        CREATE_GOAL,
        "createGoal",
        json!({ "allianceId": f.alliance_1, "ownWords": own_words,
                "expressedById": f.caregiver_member_1, "summary": "Peer connection at recess",
                "domain": "SOCIAL", "priority": 1,
                "measure": { "name": "recesses playing with a friend", "unit": "days a week",
                             "baseline": 0, "target": 4, "direction": "INCREASE",
                             "targetDate": day(56) } }),
    )
    .await["goal"]
        .clone();
    let goal_id = goal["id"].as_str().expect("goal id").to_owned();
    assert_eq!(goal["ownWords"], own_words);
    assert_eq!(goal["expressedBy"]["id"], f.caregiver_member_1);
    assert!(
        goal["acceptance"]
            .as_array()
            .expect("acceptance")
            .iter()
            .all(|a| a["acceptance"] == "PENDING"),
        "nobody has said yet: {goal:#}"
    );

    // The caregiver stands behind it.
    let accepted = succeed(
        &app,
        &family,
        SET_ACCEPTANCE,
        "setGoalAcceptance",
        json!({ "goalId": goal_id, "memberId": f.caregiver_member_1, "acceptance": "AGREE",
                "comment": "Yes, that is exactly it." }),
    )
    .await["goal"]
        .clone();
    let stances = accepted["acceptance"].as_array().expect("acceptance");
    let mine = stances
        .iter()
        .find(|a| a["member"]["id"] == f.caregiver_member_1)
        .expect("the caregiver's stance");
    assert_eq!(mine["acceptance"], "AGREE");
    assert_eq!(mine["comment"], "Yes, that is exactly it.");
    assert!(mine["recordedAt"].is_string());
    assert_eq!(accepted["familyDisagrees"], false);
    assert_eq!(
        stances
            .iter()
            .filter(|a| a["acceptance"] == "PENDING")
            .count(),
        stances.len() - 1,
        "only the caregiver has said: {accepted:#}"
    );

    // The team plans what it will do, and why.
    let rationale = "Maya joins in when play is small and structured; a buddy lowers the stakes.";
    let plan = succeed(
        &app,
        &staff,
        CREATE_INTERVENTION,
        "createIntervention",
        json!({ "allianceId": f.alliance_1, "title": "Recess buddy",
                "description": "A classmate Maya chose meets her at the door for recess.",
                "rationale": rationale, "goalIds": [goal_id], "ownerId": f.staff_member_1,
                "tier": 2, "frequency": "every school day", "minutes": 20, "status": "ACTIVE" }),
    )
    .await["intervention"]
        .clone();
    let plan_id = plan["id"].as_str().expect("intervention id").to_owned();
    assert_eq!(plan["rationale"], rationale);
    assert_eq!(plan["goals"], json!([{ "id": goal_id }]));
    assert_eq!(plan["owner"]["id"], f.staff_member_1);
    assert_eq!(plan["tier"], 2);
    assert_eq!(plan["status"], "ACTIVE");
    assert_eq!(plan["statusHistory"]["totalCount"], 1);
    let first_change = &plan["statusHistory"]["nodes"][0];
    assert_eq!(first_change["fromStatus"], Value::Null);
    assert_eq!(first_change["toStatus"], "ACTIVE");
    assert_eq!(first_change["changedBy"], "staff-a");

    // Progress: 0, 1, 2 over two weeks.
    let mut entries = Vec::new();
    for (ago, value) in [(20, 0.0), (13, 1.0), (6, 2.0)] {
        let entry = succeed(
            &app,
            &staff,
            RECORD_PROGRESS,
            "recordProgress",
            json!({ "goalId": goal_id, "observedAt": days_ago(ago), "value": value }),
        )
        .await["progressEntry"]
            .clone();
        entries.push(entry);
    }
    let before_share =
        read(&app, &staff, SUMMARY, json!({ "id": goal_id })).await["node"]["progressSummary"]
            .clone();
    assert_eq!(before_share["count"], 3);
    assert!(close(&before_share["latestValue"], 2.0), "{before_share}");
    assert!(
        close(&before_share["percentOfTarget"], 50.0),
        "{before_share}"
    );
    assert!(close(&before_share["slopePerWeek"], 1.0), "{before_share}");
    assert_eq!(before_share["decision"], "INSUFFICIENT_DATA");

    // The team shares it with the caregiver.
    let share = succeed(
        &app,
        &staff,
        &log_communication(),
        "logCommunication",
        json!({ "allianceId": f.alliance_1, "kind": "DATA_SHARE", "channel": "PHONE",
                "summary": "Walked Elena through Maya's recess chart: two good days last week.",
                "fromId": f.staff_member_1, "recipientIds": [f.caregiver_member_1],
                "sharedGoalIds": [goal_id] }),
    )
    .await["communication"]
        .clone();
    let share_id = share["id"].as_str().expect("share id").to_owned();
    assert_eq!(share["kind"], "DATA_SHARE");
    assert_eq!(share["visibility"], "ALLIANCE");
    assert_eq!(share["from"]["id"], f.staff_member_1);
    assert_eq!(share["recipients"], json!([{ "id": f.caregiver_member_1 }]));
    assert!(share["asOf"].is_string(), "{share:#}");
    let shared = share["sharedProgress"].as_array().expect("shared");
    assert_eq!(shared.len(), 1, "{share:#}");
    let shown = &shared[0];
    assert_eq!(shown["goal"]["id"], goal_id);
    for key in ["count", "decision"] {
        assert_eq!(shown[key], before_share[key], "{key}: {shown:#}");
    }
    for key in ["latestValue", "percentOfTarget", "slopePerWeek"] {
        let expected = before_share[key].as_f64().expect("number");
        assert!(close(&shown[key], expected), "{key}: {shown:#}");
    }
    let points = shown["points"].as_array().expect("points");
    assert_eq!(
        points
            .iter()
            .map(|p| p["value"].clone())
            .collect::<Vec<_>>(),
        vec![json!(0.0), json!(1.0), json!(2.0)],
        "oldest first"
    );
    for (point, entry) in points.iter().zip(&entries) {
        let a = chrono::DateTime::parse_from_rfc3339(point["observedAt"].as_str().expect("at"));
        let b = chrono::DateTime::parse_from_rfc3339(entry["observedAt"].as_str().expect("at"));
        assert_eq!(a.expect("rfc 3339"), b.expect("rfc 3339"));
    }
    assert!(shown["trend"].is_object(), "{shown:#}");
    assert!(close(&shown["aim"]["from"]["value"], 0.0), "{shown:#}");
    assert!(close(&shown["aim"]["to"]["value"], 4.0), "{shown:#}");

    // New progress arrives; the share still shows exactly what the family saw.
    let later = succeed(
        &app,
        &staff,
        RECORD_PROGRESS,
        "recordProgress",
        json!({ "goalId": goal_id, "value": 4.0, "note": "Played tag with Leo all week" }),
    )
    .await["progressEntry"]
        .clone();
    let now_summary =
        read(&app, &staff, SUMMARY, json!({ "id": goal_id })).await["node"]["progressSummary"]
            .clone();
    assert_eq!(now_summary["count"], 4);
    assert!(close(&now_summary["latestValue"], 4.0));
    let reread = read(
        &app,
        &staff,
        &format!("query($id: ID!) {{ node(id: $id) {{ ... on Communication {{ {SHARED} }} }} }}"),
        json!({ "id": share_id }),
    )
    .await;
    assert_eq!(
        reread["node"]["sharedProgress"], share["sharedProgress"],
        "a share's record never changes"
    );

    // The caregiver replies.
    let words = "Thank you. She told me all about her buddy Leo!";
    let replied = succeed(
        &app,
        &family,
        REPLY,
        "replyToCommunication",
        json!({ "communicationId": share_id, "words": words }),
    )
    .await;
    assert_eq!(replied["reply"]["words"], words);
    assert_eq!(replied["reply"]["member"]["id"], f.caregiver_member_1);
    assert_eq!(
        replied["communication"]["replies"],
        json!([{ "id": replied["reply"]["id"], "words": words,
                 "member": { "id": f.caregiver_member_1 } }])
    );

    // The team asks how things are going.
    let request = request_feedback(&app, &staff, &f.alliance_1, &f.caregiver_member_1).await;
    assert_eq!(request["status"], "PENDING");
    assert_eq!(
        request["audience"], "ADULT",
        "a caregiver gets the adult check-in"
    );
    assert_eq!(request["member"]["id"], f.caregiver_member_1);
    assert_eq!(request["requestedBy"], "staff-a");
    assert_eq!(request["dueDate"], day(7));
    assert_eq!(
        request["instrument"]["items"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(request["response"], Value::Null);

    // The caregiver answers: they do not feel their experience is centered.
    let comment = "The plans are nice but nobody asked what we think works at home.";
    let response = succeed(
        &app,
        &family,
        SUBMIT_FEEDBACK,
        "submitFeedback",
        json!({ "requestId": request["id"], "supported": 8, "understood": 7, "centered": 3,
                "goals": 9, "approach": 7, "comment": comment }),
    )
    .await["feedbackResponse"]
        .clone();
    let response_id = response["id"].as_str().expect("response id").to_owned();
    assert_eq!(response["requestId"], request["id"]);
    assert_eq!(response["member"]["id"], f.caregiver_member_1);
    assert_eq!(response["total"], 34);
    assert_eq!(response["comment"], comment);
    assert_eq!(response["language"], "en");
    assert_eq!(
        response["scores"],
        json!([{ "item": "SUPPORTED", "score": 8 }, { "item": "UNDERSTOOD", "score": 7 },
               { "item": "CENTERED", "score": 3 }, { "item": "GOALS", "score": 9 },
               { "item": "APPROACH", "score": 7 }])
    );
    let concern = &response["concern"];
    assert_eq!(concern["open"], true, "{response:#}");
    let reasons = concern["reasons"].as_array().expect("reasons");
    assert_eq!(
        reasons.len(),
        1,
        "only CENTERED is at or below 6: {reasons:?}"
    );
    assert!(
        reasons[0]
            .as_str()
            .is_some_and(|r| r.to_uppercase().contains("CENTERED")),
        "{reasons:?}"
    );
    let answered = read(
        &app,
        &staff,
        "query($id: ID!) { node(id: $id) { ... on FeedbackRequest { status response { id } } } }",
        json!({ "id": request["id"] }),
    )
    .await;
    assert_eq!(answered["node"]["status"], "ANSWERED");
    assert_eq!(answered["node"]["response"]["id"], response_id);

    // The alliance shows the open concern, and it is now the most urgent.
    let h = health(&app, &staff, &f.alliance_1).await;
    assert_eq!(h["openConcerns"], 1, "{h:#}");
    assert_eq!(h["status"], "OVERDUE", "{h:#}");
    assert_eq!(h["reasons"][0]["code"], "OPEN_CONCERNS", "{h:#}");
    assert_eq!(h["daysSinceFeedbackRequested"], 0, "{h:#}");
    assert_eq!(h["daysSinceDataShared"], 0, "{h:#}");
    assert_eq!(h["daysSinceReflection"], Value::Null, "{h:#}");
    let concerns = read(
        &app,
        &staff,
        "query($id: ID!) { alliance(id: $id) { feedbackResponses(concernsOnly: true) { totalCount nodes { id } } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    assert_eq!(
        concerns["alliance"]["feedbackResponses"]["nodes"],
        json!([{ "id": response_id }])
    );
    assert_eq!(
        attention(&app, &admin, None).await,
        vec![f.alliance_1.clone(), f.alliance_2.clone()],
        "open concerns come first"
    );
    assert_eq!(
        attention(&app, &admin, Some(&f.school_a)).await,
        vec![f.alliance_1.clone()]
    );
    assert_eq!(
        attention(&app, &staff, None).await.first(),
        Some(&f.alliance_1)
    );

    // The team reflects, considering the answer; reflecting alone does not close it.
    let reflection = succeed(
        &app,
        &staff,
        RECORD_REFLECTION,
        "recordReflection",
        json!({ "allianceId": f.alliance_1, "kind": "FORMAL_MEETING",
                "participantIds": [f.staff_member_1, f.caregiver_member_1],
                "notes": "Elena feels we planned recess without her.",
                "keep": "The recess buddy: Maya loves it.",
                "change": "Plan the next step at home with Elena, starting from her ideas.",
                "goalIds": [goal_id], "interventionIds": [plan_id],
                "feedbackResponseIds": [response_id] }),
    )
    .await["reflection"]
        .clone();
    let reflection_id = reflection["id"].as_str().expect("reflection id").to_owned();
    assert_eq!(reflection["kind"], "FORMAL_MEETING");
    assert_eq!(reflection["visibility"], "TEAM_ONLY", "the default");
    assert_eq!(reflection["recordedBy"], "staff-a");
    assert_eq!(
        ids(&reflection["participants"]),
        vec![f.staff_member_1.clone(), f.caregiver_member_1.clone()]
    );
    let mut considered = vec![
        pair("FeedbackResponse", &json!(response_id)),
        pair("Goal", &json!(goal_id)),
        pair("Intervention", &json!(plan_id)),
    ];
    considered.sort();
    assert_eq!(cited(&reflection["considered"]), considered);
    let still = read(&app, &staff, RESPONSE, json!({ "id": response_id })).await;
    assert_eq!(still["node"]["concern"]["open"], true, "{still:#}");
    assert_eq!(health(&app, &staff, &f.alliance_1).await["openConcerns"], 1);

    // The team decides a next step, citing the answer: the concern is answered.
    let step = succeed(
        &app,
        &staff,
        &create_next_step(),
        "createNextStep",
        json!({ "allianceId": f.alliance_1,
                "decision": "Meet Elena at home to plan recess together, her ideas first.",
                "ownerId": f.staff_member_1, "dueDate": day(14),
                "informedBy": { "feedbackResponseIds": [response_id],
                                "reflectionIds": [reflection_id],
                                "progressEntryIds": [later["id"]] } }),
    )
    .await["nextStep"]
        .clone();
    let step_id = step["id"].as_str().expect("next step id").to_owned();
    assert_eq!(step["status"], "OPEN");
    assert_eq!(step["overdue"], false);
    assert_eq!(step["visibility"], "ALLIANCE", "the default");
    assert_eq!(step["owner"]["id"], f.staff_member_1);
    let mut informed = vec![
        pair("FeedbackResponse", &json!(response_id)),
        pair("ProgressEntry", &later["id"]),
        pair("Reflection", &json!(reflection_id)),
    ];
    informed.sort();
    assert_eq!(cited(&step["informedBy"]), informed);
    let closed = read(&app, &staff, RESPONSE, json!({ "id": response_id })).await;
    assert_eq!(closed["node"]["concern"]["open"], false, "{closed:#}");
    assert_eq!(
        closed["node"]["concern"]["reasons"], response["concern"]["reasons"],
        "why it was a concern stays on record"
    );
    let h = health(&app, &staff, &f.alliance_1).await;
    assert_eq!(h["openConcerns"], 0, "{h:#}");
    assert_eq!(h["daysSinceReflection"], 0, "{h:#}");
    assert!(
        h["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .all(|r| r["code"] != "OPEN_CONCERNS"),
        "{h:#}"
    );
    assert_ne!(h["status"], "OVERDUE", "{h:#}");
    assert_eq!(
        attention(&app, &admin, None).await.first(),
        Some(&f.alliance_2),
        "with the concern answered, the overdue next step elsewhere is first again"
    );

    // The timeline tells the story, newest first.
    let story = timeline(&app, &staff, &f.alliance_1, json!({})).await;
    let times: Vec<_> = story["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|e| {
            chrono::DateTime::parse_from_rfc3339(e["occurredAt"].as_str().expect("occurredAt"))
                .expect("rfc 3339")
        })
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {story:#}"
    );
    let all = events(&story);
    let change_id = story["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|e| e["kind"] == "INTERVENTION_CHANGED")
        .expect("the intervention's change");
    assert_eq!(change_id["intervention"]["id"], plan_id);
    assert_eq!(
        change_id["record"]["__typename"],
        "InterventionStatusChange"
    );
    let newest: Vec<(String, String)> = vec![
        pair("NEXT_STEP_RECORDED", &json!(step_id)),
        pair("REFLECTION_RECORDED", &json!(reflection_id)),
        pair("FEEDBACK_ANSWERED", &json!(response_id)),
        pair("FEEDBACK_REQUESTED", &request["id"]),
        pair("PROGRESS_RECORDED", &later["id"]),
        pair("COMMUNICATION_LOGGED", &json!(share_id)),
        pair("INTERVENTION_CHANGED", &change_id["record"]["id"]),
        pair("GOAL_SET", &json!(goal_id)),
        pair("VOICE_RECORDED", &voice["id"]),
        pair("GOAL_SET", &json!(f.goal_1)),
    ];
    assert_eq!(all[..newest.len()], newest[..], "{story:#}");
    let kinds: Vec<&str> = all.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds[newest.len()..],
        [
            "PHASE_CHANGED",
            "PROGRESS_RECORDED", // 6 days ago
            "PROGRESS_RECORDED", // the fixture's, a week ago
            "PROGRESS_RECORDED", // 13 days ago
            "PROGRESS_RECORDED", // two weeks ago
            "PROGRESS_RECORDED", // 20 days ago
            "PROGRESS_RECORDED", // three weeks ago
        ],
        "{story:#}"
    );
    assert_eq!(story["totalCount"], all.len());

    // ... and filters by kind and time.
    let feedback = timeline(
        &app,
        &staff,
        &f.alliance_1,
        json!({ "kinds": ["FEEDBACK_REQUESTED", "FEEDBACK_ANSWERED"] }),
    )
    .await;
    assert_eq!(
        events(&feedback),
        vec![
            pair("FEEDBACK_ANSWERED", &json!(response_id)),
            pair("FEEDBACK_REQUESTED", &request["id"]),
        ]
    );
    let since_asked = timeline(
        &app,
        &staff,
        &f.alliance_1,
        json!({ "since": request["requestedAt"] }),
    )
    .await;
    assert_eq!(events(&since_asked), newest[..4].to_vec());
    let before_asked = timeline(
        &app,
        &staff,
        &f.alliance_1,
        json!({ "until": request["requestedAt"],
                "kinds": ["FEEDBACK_REQUESTED", "COMMUNICATION_LOGGED"] }),
    )
    .await;
    assert_eq!(
        events(&before_asked),
        vec![pair("COMMUNICATION_LOGGED", &json!(share_id))]
    );

    // The caregiver sees the same story, without the team's own reflection.
    let theirs = timeline(&app, &family, &f.alliance_1, json!({})).await;
    let expected: Vec<_> = all
        .iter()
        .filter(|(kind, _)| kind != "REFLECTION_RECORDED")
        .cloned()
        .collect();
    assert_eq!(events(&theirs), expected);
}

// Interventions.

#[tokio::test]
async fn an_intervention_without_a_rationale_is_refused_on_rationale() {
    let (app, f, staff, _) = world().await;
    for rationale in ["", "   \n\t "] {
        let response = mutate(
            &app,
            &staff,
            CREATE_INTERVENTION,
            json!({ "allianceId": f.alliance_1, "title": "Sticker chart",
                    "rationale": rationale, "goalIds": [f.goal_1] }),
        )
        .await;
        refused(
            &response,
            "createIntervention",
            Some("rationale"),
            "BAD_USER_INPUT",
        );
    }
    let left_out = mutate(
        &app,
        &staff,
        CREATE_INTERVENTION,
        json!({ "allianceId": f.alliance_1, "title": "Sticker chart", "goalIds": [f.goal_1] }),
    )
    .await;
    assert_eq!(
        error_code(&left_out),
        Some("BAD_USER_INPUT"),
        "{left_out:#}"
    );
    let count = read(
        &app,
        &staff,
        "query($id: ID!) { alliance(id: $id) { interventions { totalCount } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    assert_eq!(
        count["alliance"]["interventions"]["totalCount"], 0,
        "nothing was written"
    );
}

#[tokio::test]
async fn an_intervention_must_address_at_least_one_goal_of_its_own_alliance() {
    let (app, f, staff, _) = world().await;
    let (other_goal, _) = alliance_2_goal_and_progress(&app, &f).await;
    for goals in [
        json!([]),
        json!([other_goal]),
        json!([f.goal_1, other_goal]),
    ] {
        let response = mutate(
            &app,
            &staff,
            CREATE_INTERVENTION,
            json!({ "allianceId": f.alliance_1, "title": "Check-in, check-out",
                    "rationale": "A predictable start and end to the day.", "goalIds": goals }),
        )
        .await;
        refused(
            &response,
            "createIntervention",
            Some("goalIds"),
            "BAD_USER_INPUT",
        );
    }
    let admin = f.district_admin(&app);
    let count = read(
        &app,
        &admin,
        "query($a: ID!, $b: ID!) { a: alliance(id: $a) { interventions { totalCount } }
                                   b: alliance(id: $b) { interventions { totalCount } } }",
        json!({ "a": f.alliance_1, "b": f.alliance_2 }),
    )
    .await;
    assert_eq!(count["a"]["interventions"]["totalCount"], 0);
    assert_eq!(count["b"]["interventions"]["totalCount"], 0);
}

#[tokio::test]
async fn changing_an_interventions_status_needs_a_reason_and_keeps_every_change_with_its_reason() {
    let (app, f, staff, _) = world().await;
    let plan = intervention(&app, &staff, &f).await;
    assert_eq!(plan["status"], "PLANNED", "the default");
    let id = plan["id"].clone();

    for reason in ["", "   "] {
        let response = mutate(
            &app,
            &staff,
            CHANGE_INTERVENTION,
            json!({ "interventionId": id, "status": "ACTIVE", "reason": reason }),
        )
        .await;
        refused(
            &response,
            "changeInterventionStatus",
            Some("reason"),
            "BAD_USER_INPUT",
        );
    }
    let left_out = mutate(
        &app,
        &staff,
        CHANGE_INTERVENTION,
        json!({ "interventionId": id, "status": "ACTIVE" }),
    )
    .await;
    assert_eq!(
        error_code(&left_out),
        Some("BAD_USER_INPUT"),
        "{left_out:#}"
    );

    let started = "Elena agreed to try it at home too.";
    let stopped = "Maya found the corner embarrassing in front of her class.";
    succeed(
        &app,
        &staff,
        CHANGE_INTERVENTION,
        "changeInterventionStatus",
        json!({ "interventionId": id, "status": "ACTIVE", "reason": started }),
    )
    .await;
    let last = succeed(
        &app,
        &staff,
        CHANGE_INTERVENTION,
        "changeInterventionStatus",
        json!({ "interventionId": id, "status": "STOPPED", "reason": stopped }),
    )
    .await["intervention"]
        .clone();
    assert_eq!(last["status"], "STOPPED");
    let history = &last["statusHistory"];
    assert_eq!(history["totalCount"], 3, "{history:#}");
    let nodes = history["nodes"].as_array().expect("history");
    assert_eq!(
        nodes
            .iter()
            .map(|c| (c["fromStatus"].clone(), c["toStatus"].clone()))
            .collect::<Vec<_>>(),
        vec![
            (Value::Null, json!("PLANNED")),
            (json!("PLANNED"), json!("ACTIVE")),
            (json!("ACTIVE"), json!("STOPPED")),
        ],
        "oldest first"
    );
    assert_eq!(nodes[1]["reason"], started);
    assert_eq!(nodes[2]["reason"], stopped);
    assert!(nodes.iter().all(|c| c["changedBy"] == "staff-a"));
    assert!(
        nodes[0]["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "even the first status has a reason: {history:#}"
    );

    // Every change is an event of the alliance's timeline, with its intervention.
    let changes = timeline(
        &app,
        &staff,
        &f.alliance_1,
        json!({ "kinds": ["INTERVENTION_CHANGED"] }),
    )
    .await;
    assert_eq!(changes["totalCount"], 3, "{changes:#}");
    assert!(
        changes["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|e| e["intervention"]["id"] == id),
        "{changes:#}"
    );
}

// Communications and data shares.

#[tokio::test]
async fn a_data_share_shows_only_what_had_been_observed_by_its_as_of_time() {
    let (app, f, staff, _) = world().await;
    // The fixture's goal has values 1 (three weeks ago) and 2 (two weeks ago) and a
    // narrative a week ago. As of ten days ago, the family saw all but the narrative.
    let share = succeed(
        &app,
        &staff,
        &log_communication(),
        "logCommunication",
        json!({ "allianceId": f.alliance_1, "kind": "DATA_SHARE", "channel": "IN_PERSON",
                "summary": "Looked at the morning chart together at pickup.",
                "sharedGoalIds": [f.goal_1], "asOf": days_ago(10) }),
    )
    .await["communication"]
        .clone();
    let shown = &share["sharedProgress"][0];
    assert_eq!(shown["goal"]["id"], f.goal_1);
    assert_eq!(shown["count"], 2, "{shown:#}");
    assert!(close(&shown["latestValue"], 2.0), "{shown:#}");
    assert_eq!(shown["points"].as_array().map(Vec::len), Some(2));
    let now = read(&app, &staff, SUMMARY, json!({ "id": f.goal_1 })).await;
    assert_eq!(now["node"]["progressSummary"]["count"], 3);
}

#[tokio::test]
async fn a_data_share_names_its_goals_and_only_a_data_share_does() {
    let (app, f, staff, _) = world().await;
    let document = log_communication();
    let (other_goal, _) = alliance_2_goal_and_progress(&app, &f).await;
    for (kind, goals) in [
        ("DATA_SHARE", json!(null)),
        ("DATA_SHARE", json!([])),
        ("DATA_SHARE", json!([other_goal])),
        ("UPDATE", json!([f.goal_1])),
    ] {
        let response = mutate(
            &app,
            &staff,
            &document,
            json!({ "allianceId": f.alliance_1, "kind": kind, "channel": "EMAIL",
                    "summary": "Progress this month", "sharedGoalIds": goals }),
        )
        .await;
        refused(
            &response,
            "logCommunication",
            Some("sharedGoalIds"),
            "BAD_USER_INPUT",
        );
    }
    let update = succeed(
        &app,
        &staff,
        &document,
        "logCommunication",
        json!({ "allianceId": f.alliance_1, "kind": "EXPLANATION", "channel": "TEXT",
                "summary": "Why we are trying a calm-down corner: it gives Maya a choice." }),
    )
    .await["communication"]
        .clone();
    assert_eq!(update["sharedProgress"], json!([]));
    assert_eq!(update["asOf"], Value::Null);
}

// Feedback.

#[tokio::test]
async fn a_check_in_is_answered_only_once() {
    let (app, f, staff, family) = world().await;
    let request = request_feedback(&app, &staff, &f.alliance_1, &f.caregiver_member_1).await;
    let first = answer(&app, &family, &request, [9, 9, 9, 9, 9]).await;
    let again = mutate(
        &app,
        &family,
        SUBMIT_FEEDBACK,
        scores(&request, [2, 2, 2, 2, 2]),
    )
    .await;
    refused(&again, "submitFeedback", None, "CONFLICT");
    let responses = read(
        &app,
        &staff,
        "query($id: ID!) { alliance(id: $id) { feedbackResponses { totalCount nodes { id total } } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    assert_eq!(
        responses["alliance"]["feedbackResponses"]["nodes"],
        json!([{ "id": first["id"], "total": 45 }]),
        "the first answer stands"
    );
}

#[tokio::test]
async fn only_the_member_asked_may_answer_a_check_in() {
    let (app, f, staff, family) = world().await;
    let admin = f.district_admin(&app);
    // A second caregiver in the same alliance, who signs in.
    let person = succeed(
        &app,
        &admin,
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } userErrors { field message code } } }",
        "createPerson",
        json!({ "displayName": "Luis Lopez", "subject": "family-1b" }),
    )
    .await["person"]["id"]
        .clone();
    succeed(
        &app,
        &admin,
        "mutation($input: AddAllianceMemberInput!) { addAllianceMember(input: $input) { member { id } userErrors { field message code } } }",
        "addAllianceMember",
        json!({ "allianceId": f.alliance_1, "personId": person, "role": "CAREGIVER",
                "relationship": "dad" }),
    )
    .await;
    let co_caregiver = f.alpha_token(&app, "family-1b", &["FAMILY"]);

    let request = request_feedback(&app, &staff, &f.alliance_1, &f.caregiver_member_1).await;
    for (who, token) in [
        ("the teacher who asked", staff.clone()),
        ("the other caregiver", co_caregiver),
        ("another alliance's family", f.family_non_member(&app)),
        ("a school administrator", f.school_admin_a(&app)),
        ("the district administrator", admin.clone()),
    ] {
        let response = mutate(
            &app,
            &token,
            SUBMIT_FEEDBACK,
            scores(&request, [1, 1, 1, 1, 1]),
        )
        .await;
        assert_eq!(
            error_code(&response),
            Some("FORBIDDEN"),
            "{who}: {response:#}"
        );
        assert!(response["data"].is_null(), "{who}: {response:#}");
    }
    let pending = read(
        &app,
        &staff,
        "query($id: ID!) { node(id: $id) { ... on FeedbackRequest { status response { id } } } }",
        json!({ "id": request["id"] }),
    )
    .await;
    assert_eq!(
        pending["node"],
        json!({ "status": "PENDING", "response": null })
    );
    let mine = answer(&app, &family, &request, [8, 8, 8, 8, 8]).await;
    assert_eq!(mine["member"]["id"], f.caregiver_member_1);
    assert_eq!(
        mine["concern"],
        Value::Null,
        "every item above 6, no earlier answer"
    );
}

#[tokio::test]
async fn a_score_outside_zero_to_ten_is_bad_user_input() {
    let (app, f, staff, family) = world().await;
    let request = request_feedback(&app, &staff, &f.alliance_1, &f.caregiver_member_1).await;
    for (s, field) in [
        ([11, 8, 8, 8, 8], "supported"),
        ([8, 8, 8, 8, -1], "approach"),
        ([8, 8, 100, 8, 8], "centered"),
    ] {
        let response = mutate(&app, &family, SUBMIT_FEEDBACK, scores(&request, s)).await;
        refused(&response, "submitFeedback", Some(field), "BAD_USER_INPUT");
    }
    let edges = answer(&app, &family, &request, [0, 10, 10, 10, 10]).await;
    assert_eq!(edges["total"], 40, "0 and 10 are on the scale");
}

#[tokio::test]
async fn a_check_in_cannot_be_due_in_the_past_and_one_left_past_its_due_date_expires() {
    let (app, f, staff, family) = world().await;
    let response = mutate(
        &app,
        &staff,
        REQUEST_FEEDBACK,
        json!({ "allianceId": f.alliance_1, "memberId": f.caregiver_member_1,
                "dueDate": day(-1) }),
    )
    .await;
    refused(
        &response,
        "requestFeedback",
        Some("dueDate"),
        "BAD_USER_INPUT",
    );
    let today = succeed(
        &app,
        &staff,
        REQUEST_FEEDBACK,
        "requestFeedback",
        json!({ "allianceId": f.alliance_1, "memberId": f.caregiver_member_1,
                "dueDate": day(0) }),
    )
    .await;
    assert_eq!(
        today["feedbackRequest"]["status"], "PENDING",
        "due today is still open"
    );

    // Time does not travel here: the past-due request is written straight into the
    // database, as if it had been asked a week ago.
    let expired = f.expired_feedback_request(&app).await;
    let read_back = read(
        &app,
        &staff,
        "query($id: ID!) { node(id: $id) { ... on FeedbackRequest { status response { id } } } }",
        json!({ "id": expired }),
    )
    .await;
    assert_eq!(
        read_back["node"],
        json!({ "status": "EXPIRED", "response": null })
    );
    let late = mutate(
        &app,
        &family,
        SUBMIT_FEEDBACK,
        scores(&json!({ "id": expired }), [7, 7, 7, 7, 7]),
    )
    .await;
    let errors = late["data"]["submitFeedback"]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("refused as a user error: {late:#}"));
    assert_eq!(errors.len(), 1, "{late:#}");
    assert!(
        matches!(
            errors[0]["code"].as_str(),
            Some("BAD_USER_INPUT" | "CONFLICT")
        ),
        "{late:#}"
    );
    assert_eq!(
        late["data"]["submitFeedback"]["feedbackResponse"],
        Value::Null
    );
    let still = read(
        &app,
        &staff,
        "query($id: ID!) { node(id: $id) { ... on FeedbackRequest { status } } }",
        json!({ "id": expired }),
    )
    .await;
    assert_eq!(still["node"]["status"], "EXPIRED");
}

#[tokio::test]
async fn a_drop_of_five_from_the_same_respondents_last_answer_raises_a_concern_even_with_every_item_high()
 {
    let (app, f, staff, family) = world().await;
    let ask = || request_feedback(&app, &staff, &f.alliance_1, &f.caregiver_member_1);

    let first = answer(&app, &family, &ask().await, [10, 10, 10, 10, 10]).await;
    assert_eq!(first["total"], 50);
    assert_eq!(first["concern"], Value::Null);

    let second = answer(&app, &family, &ask().await, [9, 9, 9, 9, 9]).await;
    assert_eq!(second["total"], 45);
    let concern = &second["concern"];
    assert_eq!(concern["open"], true, "{second:#}");
    let reasons = concern["reasons"].as_array().expect("reasons");
    assert_eq!(reasons.len(), 1, "no item is at or below 6: {reasons:?}");
    let reason = reasons[0].as_str().expect("reason");
    assert!(
        reason.contains("50") && reason.contains("45"),
        "says from what to what: {reason}"
    );

    // The previous answer is the last one: 45 → 41 is a drop of four, no concern, even
    // though 41 is nine below the first answer.
    let third = answer(&app, &family, &ask().await, [9, 8, 8, 8, 8]).await;
    assert_eq!(third["total"], 41);
    assert_eq!(third["concern"], Value::Null, "{third:#}");

    // Another respondent's history is their own: the student's first answer has no drop.
    let student_request = ask_student(&app, &staff, &f).await;
    assert_eq!(
        student_request["audience"], "CHILD",
        "the default for a student"
    );
    let h = health(&app, &staff, &f.alliance_1).await;
    assert_eq!(h["openConcerns"], 1, "{h:#}");
}

async fn ask_student(app: &TestApp, staff: &str, f: &Fixture) -> Value {
    request_feedback(app, staff, &f.alliance_1, &f.student_member_1).await
}

#[tokio::test]
async fn feedback_is_asked_only_of_the_student_or_a_caregiver_in_their_language() {
    let (app, f, staff, _) = world().await;
    let response = mutate(
        &app,
        &staff,
        REQUEST_FEEDBACK,
        json!({ "allianceId": f.alliance_1, "memberId": f.staff_member_1 }),
    )
    .await;
    refused(
        &response,
        "requestFeedback",
        Some("memberId"),
        "BAD_USER_INPUT",
    );
    let elsewhere = alliance_2_caregiver(&app, &f).await;
    let response = mutate(
        &app,
        &staff,
        REQUEST_FEEDBACK,
        json!({ "allianceId": f.alliance_1, "memberId": elsewhere }),
    )
    .await;
    refused(
        &response,
        "requestFeedback",
        Some("memberId"),
        "BAD_USER_INPUT",
    );

    let defaults = succeed(
        &app,
        &staff,
        REQUEST_FEEDBACK,
        "requestFeedback",
        json!({ "allianceId": f.alliance_1, "memberId": f.caregiver_member_1 }),
    )
    .await["feedbackRequest"]
        .clone();
    assert_eq!(defaults["dueDate"], day(7), "a week from today");
    assert_eq!(defaults["audience"], "ADULT");
    assert_eq!(defaults["instrument"]["language"], "en");

    let spanish = succeed(
        &app,
        &staff,
        REQUEST_FEEDBACK,
        "requestFeedback",
        json!({ "allianceId": f.alliance_1, "memberId": f.student_member_1,
                "language": "es-MX" }),
    )
    .await["feedbackRequest"]
        .clone();
    assert_eq!(spanish["audience"], "CHILD");
    assert_eq!(spanish["instrument"]["audience"], "CHILD");
    assert_eq!(spanish["instrument"]["language"], "es");
    let child_es = read(
        &app,
        &staff,
        "{ feedbackInstrument(audience: CHILD, language: \"es\") { items { key text } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        spanish["instrument"]["items"],
        child_es["feedbackInstrument"]["items"]
    );
}

#[tokio::test]
async fn the_check_in_reads_in_english_and_spanish_for_adults_and_children_and_falls_back_to_english()
 {
    let (app, _, _, family) = world().await;
    let query = "query($audience: FeedbackAudience!, $language: String) {
        feedbackInstrument(audience: $audience, language: $language) {
            audience language minLabel maxLabel items { key text scaleMin scaleMax } } }";
    let instrument = |audience: &'static str, language: Option<&'static str>| {
        let app = &app;
        let family = family.clone();
        async move {
            read(
                app,
                &family,
                query,
                json!({ "audience": audience, "language": language }),
            )
            .await["feedbackInstrument"]
                .clone()
        }
    };
    let texts = |i: &Value| -> Vec<String> {
        i["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| item["text"].as_str().expect("text").to_owned())
            .collect()
    };
    let mut seen = Vec::new();
    for audience in ["ADULT", "CHILD"] {
        for language in ["en", "es"] {
            let i = instrument(audience, Some(language)).await;
            assert_eq!(i["audience"], audience);
            assert_eq!(i["language"], language);
            let keys: Vec<_> = i["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|item| item["key"].as_str().expect("key").to_owned())
                .collect();
            assert_eq!(
                keys,
                ["SUPPORTED", "UNDERSTOOD", "CENTERED", "GOALS", "APPROACH"]
            );
            assert!(
                i["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .all(|item| item["scaleMin"] == 0 && item["scaleMax"] == 10),
                "{i:#}"
            );
            assert!(texts(&i).iter().all(|t| !t.trim().is_empty()), "{i:#}");
            assert!(
                i["minLabel"].as_str().is_some_and(|l| !l.is_empty())
                    && i["maxLabel"].as_str().is_some_and(|l| !l.is_empty()),
                "{i:#}"
            );
            seen.push(texts(&i));
        }
    }
    for (a, texts_a) in seen.iter().enumerate() {
        for texts_b in &seen[a + 1..] {
            assert!(
                texts_a.iter().zip(texts_b).all(|(x, y)| x != y),
                "every version has its own words: {texts_a:?} / {texts_b:?}"
            );
        }
    }

    let regional = instrument("ADULT", Some("es-MX")).await;
    assert_eq!(regional["language"], "es");
    assert_eq!(texts(&regional), seen[1], "es-MX reads as es");
    for unknown in [Some("vi"), Some("tlh-Latn"), None] {
        let fallback = instrument("CHILD", unknown).await;
        assert_eq!(fallback["language"], "en", "{unknown:?}");
        assert_eq!(texts(&fallback), seen[2], "{unknown:?}");
    }
}

// Voice.

#[tokio::test]
async fn voice_entries_are_never_edited_and_a_correction_leaves_both_readable() {
    let (app, f, staff, family) = world().await;
    let mutations = read(
        &app,
        &staff,
        "{ __type(name: \"Mutation\") { fields { name } } }",
        json!({}),
    )
    .await;
    let voice_mutations: Vec<_> = mutations["__type"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .filter(|n| n.to_lowercase().contains("voice"))
        .collect();
    assert_eq!(
        voice_mutations,
        ["recordVoice"],
        "no way to edit or delete words"
    );

    let said = "Maya hates recess.";
    let original = succeed(
        &app,
        &family,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": said, "kind": "EXPERIENCE", "goalIds": [f.goal_1] }),
    )
    .await["voiceEntry"]
        .clone();
    assert_eq!(original["goals"], json!([{ "id": f.goal_1 }]));
    let corrected = "Maya hates recess when she is alone; with a friend she loves it.";
    let correction = succeed(
        &app,
        &family,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": corrected, "kind": "EXPERIENCE", "supersedesId": original["id"] }),
    )
    .await["voiceEntry"]
        .clone();
    assert_eq!(correction["supersedes"], original["id"]);
    assert_eq!(correction["words"], corrected);

    let node = "query($id: ID!) { node(id: $id) { ... on VoiceEntry { id words supersedes } } }";
    for token in [&staff, &family] {
        let first = read(&app, token, node, json!({ "id": original["id"] })).await;
        assert_eq!(
            first["node"],
            json!({ "id": original["id"], "words": said, "supersedes": null }),
            "the original stays as it was said"
        );
        let list = read(
            &app,
            token,
            "query($id: ID!) { alliance(id: $id) { voiceEntries { totalCount nodes { id words supersedes } } } }",
            json!({ "id": f.alliance_1 }),
        )
        .await;
        assert_eq!(
            list["alliance"]["voiceEntries"]["nodes"],
            json!([
                { "id": correction["id"], "words": corrected, "supersedes": original["id"] },
                { "id": original["id"], "words": said, "supersedes": null },
            ]),
            "newest first, both readable"
        );
    }

    // A correction corrects words of the same alliance.
    let admin = f.district_admin(&app);
    let other_caregiver = alliance_2_caregiver(&app, &f).await;
    let elsewhere = succeed(
        &app,
        &admin,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_2, "speakerId": other_caregiver,
                "words": "Noah misses the bus a lot." }),
    )
    .await["voiceEntry"]["id"]
        .clone();
    let response = mutate(
        &app,
        &staff,
        RECORD_VOICE,
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": "A correction of someone else's words", "supersedesId": elsewhere }),
    )
    .await;
    refused(
        &response,
        "recordVoice",
        Some("supersedesId"),
        "BAD_USER_INPUT",
    );
}

#[tokio::test]
async fn a_family_member_records_only_their_own_words_and_never_as_team_only() {
    let (app, f, staff, family) = world().await;
    // Not the student's words, nor the teacher's.
    for speaker in [&f.student_member_1, &f.staff_member_1] {
        let response = mutate(
            &app,
            &family,
            RECORD_VOICE,
            json!({ "allianceId": f.alliance_1, "speakerId": speaker,
                    "words": "Maya says she is fine." }),
        )
        .await;
        denied(&response, "FORBIDDEN");
    }
    // Their own words are always shared with the alliance.
    let response = mutate(
        &app,
        &family,
        RECORD_VOICE,
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": "Please do not tell the class about our divorce.",
                "visibility": "TEAM_ONLY" }),
    )
    .await;
    refused(
        &response,
        "recordVoice",
        Some("visibility"),
        "BAD_USER_INPUT",
    );
    // The team records the student's words, and may keep them to the team.
    let student_words = succeed(
        &app,
        &staff,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_1, "speakerId": f.student_member_1,
                "words": "I like it when Ms. Rivera lets me hand out the papers.",
                "kind": "STRENGTH" }),
    )
    .await["voiceEntry"]
        .clone();
    assert_eq!(student_words["speaker"]["id"], f.student_member_1);
    assert_eq!(student_words["recordedBy"], "staff-a");
    let team_only = succeed(
        &app,
        &staff,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": "Dad moved out in March.", "visibility": "TEAM_ONLY" }),
    )
    .await["voiceEntry"]
        .clone();
    assert_eq!(team_only["visibility"], "TEAM_ONLY");
    // Only the student's or a caregiver's words are voice.
    let response = mutate(
        &app,
        &staff,
        RECORD_VOICE,
        json!({ "allianceId": f.alliance_1, "speakerId": f.staff_member_1,
                "words": "I think Maya is doing better." }),
    )
    .await;
    refused(
        &response,
        "recordVoice",
        Some("speakerId"),
        "BAD_USER_INPUT",
    );
    // Nothing the family was refused was written.
    let list = read(
        &app,
        &staff,
        "query($id: ID!) { alliance(id: $id) { voiceEntries { totalCount } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    assert_eq!(list["alliance"]["voiceEntries"]["totalCount"], 2);
}

// Reflections and next steps.

#[tokio::test]
async fn a_next_step_may_cite_only_records_of_its_own_alliance() {
    let (app, f, staff, _) = world().await;
    let (_, foreign_entry) = alliance_2_goal_and_progress(&app, &f).await;
    let response = mutate(
        &app,
        &staff,
        &create_next_step(),
        json!({ "allianceId": f.alliance_1, "decision": "Keep going",
                "informedBy": { "progressEntryIds": [foreign_entry] } }),
    )
    .await;
    refused(
        &response,
        "createNextStep",
        Some("informedBy.progressEntryIds"),
        "BAD_USER_INPUT",
    );
    // The same on an update, which keeps the step as it was.
    let step = succeed(
        &app,
        &staff,
        &create_next_step(),
        "createNextStep",
        json!({ "allianceId": f.alliance_1, "decision": "Keep going" }),
    )
    .await["nextStep"]
        .clone();
    assert_eq!(step["informedBy"], json!([]));
    let response = mutate(
        &app,
        &staff,
        &update_next_step(),
        json!({ "nextStepId": step["id"], "decision": "Keep going, differently",
                "informedBy": { "progressEntryIds": [foreign_entry] } }),
    )
    .await;
    refused(
        &response,
        "updateNextStep",
        Some("informedBy.progressEntryIds"),
        "BAD_USER_INPUT",
    );
    let unchanged = read(
        &app,
        &staff,
        "query($id: ID!) { node(id: $id) { ... on NextStep { decision informedBy { __typename } } } }",
        json!({ "id": step["id"] }),
    )
    .await;
    assert_eq!(
        unchanged["node"],
        json!({ "decision": "Keep going", "informedBy": [] })
    );
}

#[tokio::test]
async fn a_reflection_may_consider_only_records_of_its_own_alliance_and_says_which_input_is_at_fault()
 {
    let (app, f, staff, _) = world().await;
    let admin = f.district_admin(&app);
    let (other_goal, _) = alliance_2_goal_and_progress(&app, &f).await;
    let foreign = succeed(
        &app,
        &admin,
        CREATE_INTERVENTION,
        "createIntervention",
        json!({ "allianceId": f.alliance_2, "title": "Bus buddy",
                "rationale": "Noah is calmer with a friend.", "goalIds": [other_goal] }),
    )
    .await["intervention"]["id"]
        .clone();
    for (field, value) in [
        ("goalIds", json!([other_goal])),
        ("interventionIds", json!([foreign])),
    ] {
        let mut input = json!({ "allianceId": f.alliance_1, "kind": "INFORMAL_CHECKIN",
                                "notes": "Quick hallway check-in" });
        input[field] = value;
        let response = mutate(&app, &staff, RECORD_REFLECTION, input).await;
        refused(&response, "recordReflection", Some(field), "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn a_concern_closes_when_an_updated_next_step_cites_it_and_citations_are_never_removed() {
    let (app, f, staff, family) = world().await;
    let request = request_feedback(&app, &staff, &f.alliance_1, &f.caregiver_member_1).await;
    let low = answer(&app, &family, &request, [2, 3, 4, 5, 6]).await;
    assert_eq!(low["concern"]["open"], true);
    assert_eq!(
        low["concern"]["reasons"].as_array().map(Vec::len),
        Some(5),
        "every item is at or below 6: {low:#}"
    );

    let step = succeed(
        &app,
        &staff,
        &create_next_step(),
        "createNextStep",
        json!({ "allianceId": f.alliance_1, "decision": "Call Elena this week",
                "informedBy": { "progressEntryIds": [] } }),
    )
    .await["nextStep"]
        .clone();
    let open = read(&app, &staff, RESPONSE, json!({ "id": low["id"] })).await;
    assert_eq!(
        open["node"]["concern"]["open"], true,
        "a next step that does not cite it leaves it open"
    );

    let updated = succeed(
        &app,
        &staff,
        &update_next_step(),
        "updateNextStep",
        json!({ "nextStepId": step["id"], "informedBy": { "feedbackResponseIds": [low["id"]] } }),
    )
    .await["nextStep"]
        .clone();
    assert_eq!(
        cited(&updated["informedBy"]),
        vec![pair("FeedbackResponse", &low["id"])]
    );
    let closed = read(&app, &staff, RESPONSE, json!({ "id": low["id"] })).await;
    assert_eq!(closed["node"]["concern"]["open"], false, "{closed:#}");
    assert_eq!(health(&app, &staff, &f.alliance_1).await["openConcerns"], 0);

    // Later changes add citations and never drop one.
    let reflection = succeed(
        &app,
        &staff,
        RECORD_REFLECTION,
        "recordReflection",
        json!({ "allianceId": f.alliance_1, "kind": "INFORMAL_CHECKIN" }),
    )
    .await["reflection"]["id"]
        .clone();
    let done = succeed(
        &app,
        &staff,
        &update_next_step(),
        "updateNextStep",
        json!({ "nextStepId": step["id"], "status": "DONE",
                "decision": "Called Elena; meeting set for Friday",
                "informedBy": { "reflectionIds": [reflection] } }),
    )
    .await["nextStep"]
        .clone();
    assert_eq!(done["status"], "DONE");
    assert_eq!(done["decision"], "Called Elena; meeting set for Friday");
    let mut expected = vec![
        pair("FeedbackResponse", &low["id"]),
        pair("Reflection", &reflection),
    ];
    expected.sort();
    assert_eq!(cited(&done["informedBy"]), expected);
    let closed = read(&app, &staff, RESPONSE, json!({ "id": low["id"] })).await;
    assert_eq!(closed["node"]["concern"]["open"], false);
}

#[tokio::test]
async fn an_overdue_next_step_makes_the_alliance_overdue_until_it_is_done() {
    let (app, f, staff, _) = world().await;
    let step = succeed(
        &app,
        &staff,
        &create_next_step(),
        "createNextStep",
        json!({ "allianceId": f.alliance_1, "decision": "Send the visual schedule home",
                "ownerId": f.staff_member_1, "dueDate": day(-3) }),
    )
    .await["nextStep"]
        .clone();
    assert_eq!(step["overdue"], true);
    let h = health(&app, &staff, &f.alliance_1).await;
    assert_eq!(h["overdueNextSteps"], 1, "{h:#}");
    assert_eq!(h["status"], "OVERDUE", "{h:#}");
    assert!(
        h["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .any(|r| r["code"] == "NEXT_STEPS_OVERDUE"),
        "{h:#}"
    );
    let done = succeed(
        &app,
        &staff,
        &update_next_step(),
        "updateNextStep",
        json!({ "nextStepId": step["id"], "status": "DONE" }),
    )
    .await["nextStep"]
        .clone();
    assert_eq!(done["overdue"], false);
    let h = health(&app, &staff, &f.alliance_1).await;
    assert_eq!(h["overdueNextSteps"], 0, "{h:#}");
    assert!(
        h["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .all(|r| r["code"] != "NEXT_STEPS_OVERDUE"),
        "{h:#}"
    );
}

// Goal acceptance.

const GOAL_ACCEPTANCE: &str = "query($id: ID!) { node(id: $id) { ... on Goal {
    familyDisagrees acceptance { member { id role active } acceptance comment recordedAt } } } }";

#[tokio::test]
async fn goal_acceptance_lists_every_active_member_as_pending_until_they_say() {
    let (app, f, staff, _) = world().await;
    let admin = f.district_admin(&app);
    let members = read(
        &app,
        &admin,
        "query($id: ID!) { alliance(id: $id) { members { nodes { id } } } }",
        json!({ "id": f.alliance_1 }),
    )
    .await;
    let mut active = ids(&members["alliance"]["members"]["nodes"]);
    assert_eq!(active.len(), 4, "student, caregiver, teacher, auntie");

    let goal = read(&app, &staff, GOAL_ACCEPTANCE, json!({ "id": f.goal_1 })).await["node"].clone();
    let stances = goal["acceptance"].as_array().expect("acceptance");
    let mut listed = ids(&json!(
        stances
            .iter()
            .map(|s| s["member"].clone())
            .collect::<Vec<_>>()
    ));
    active.sort();
    listed.sort();
    assert_eq!(listed, active, "every active member, once");
    assert!(
        stances.iter().all(|s| s["acceptance"] == "PENDING"
            && s["comment"].is_null()
            && s["recordedAt"].is_null()),
        "{goal:#}"
    );
    assert_eq!(goal["familyDisagrees"], false);

    // A member who leaves drops out of the list.
    let support = members["alliance"]["members"]["nodes"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_owned())
        .find(|id| {
            ![
                &f.student_member_1,
                &f.caregiver_member_1,
                &f.staff_member_1,
            ]
            .contains(&id)
        })
        .expect("the support person");
    succeed(
        &app,
        &admin,
        "mutation($input: RemoveAllianceMemberInput!) { removeAllianceMember(input: $input) { member { id } userErrors { field message code } } }",
        "removeAllianceMember",
        json!({ "memberId": support }),
    )
    .await;
    let goal = read(&app, &staff, GOAL_ACCEPTANCE, json!({ "id": f.goal_1 })).await["node"].clone();
    let listed = ids(&json!(
        goal["acceptance"]
            .as_array()
            .expect("acceptance")
            .iter()
            .map(|s| s["member"].clone())
            .collect::<Vec<_>>()
    ));
    assert_eq!(listed.len(), 3, "{goal:#}");
    assert!(!listed.contains(&support));
}

#[tokio::test]
async fn a_goal_the_family_disagrees_with_shows_it_wherever_the_goal_is() {
    let (app, f, staff, family) = world().await;
    // The teacher disagreeing is not the family disagreeing.
    let after_staff = succeed(
        &app,
        &staff,
        SET_ACCEPTANCE,
        "setGoalAcceptance",
        json!({ "goalId": f.goal_1, "memberId": f.staff_member_1, "acceptance": "DISAGREE",
                "comment": "I would rather start with the bus ride." }),
    )
    .await["goal"]
        .clone();
    assert_eq!(after_staff["familyDisagrees"], false);

    let said = "Mornings are not the problem. Evenings are.";
    let after_family = succeed(
        &app,
        &family,
        SET_ACCEPTANCE,
        "setGoalAcceptance",
        json!({ "goalId": f.goal_1, "memberId": f.caregiver_member_1,
                "acceptance": "DISAGREE", "comment": said }),
    )
    .await["goal"]
        .clone();
    assert_eq!(after_family["familyDisagrees"], true);
    let mine = after_family["acceptance"]
        .as_array()
        .expect("acceptance")
        .iter()
        .find(|a| a["member"]["id"] == f.caregiver_member_1)
        .cloned()
        .expect("the caregiver");
    assert_eq!(mine["acceptance"], "DISAGREE");
    assert_eq!(mine["comment"], said);

    // Wherever the goal is read: the alliance's goals, node, an intervention's goals, the
    // voice that speaks to it, the timeline; for the team and for the family.
    let plan = intervention(&app, &staff, &f).await;
    succeed(
        &app,
        &family,
        RECORD_VOICE,
        "recordVoice",
        json!({ "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": said, "kind": "CONCERN", "goalIds": [f.goal_1] }),
    )
    .await;
    let everywhere = "query($a: ID!, $g: ID!, $i: ID!) {
        alliance(id: $a) {
            goals { nodes { id familyDisagrees } }
            voiceEntries { nodes { goals { id familyDisagrees } } }
            timeline(kinds: [GOAL_SET]) { nodes { record { ... on Goal { id familyDisagrees } } } }
        }
        goal: node(id: $g) { ... on Goal { familyDisagrees } }
        plan: node(id: $i) { ... on Intervention { goals { id familyDisagrees } } } }";
    for token in [&staff, &family] {
        let seen = read(
            &app,
            token,
            everywhere,
            json!({ "a": f.alliance_1, "g": f.goal_1, "i": plan["id"] }),
        )
        .await;
        let expected = json!([{ "id": f.goal_1, "familyDisagrees": true }]);
        assert_eq!(seen["alliance"]["goals"]["nodes"], expected, "{seen:#}");
        assert_eq!(
            seen["alliance"]["voiceEntries"]["nodes"][0]["goals"], expected,
            "{seen:#}"
        );
        assert_eq!(
            seen["alliance"]["timeline"]["nodes"][0]["record"], expected[0],
            "{seen:#}"
        );
        assert_eq!(seen["goal"]["familyDisagrees"], true, "{seen:#}");
        assert_eq!(seen["plan"]["goals"], expected, "{seen:#}");
    }

    // Changing their mind is recorded too.
    let agreed = succeed(
        &app,
        &family,
        SET_ACCEPTANCE,
        "setGoalAcceptance",
        json!({ "goalId": f.goal_1, "memberId": f.caregiver_member_1, "acceptance": "AGREE" }),
    )
    .await["goal"]
        .clone();
    assert_eq!(agreed["familyDisagrees"], false);
}

#[tokio::test]
async fn a_family_member_sets_only_their_own_stance_on_a_goal() {
    let (app, f, staff, family) = world().await;
    for member in [&f.student_member_1, &f.staff_member_1] {
        let response = mutate(
            &app,
            &family,
            SET_ACCEPTANCE,
            json!({ "goalId": f.goal_1, "memberId": member, "acceptance": "DISAGREE" }),
        )
        .await;
        denied(&response, "FORBIDDEN");
    }
    // The team may record the student's stance as the student said it.
    let goal = succeed(
        &app,
        &staff,
        SET_ACCEPTANCE,
        "setGoalAcceptance",
        json!({ "goalId": f.goal_1, "memberId": f.student_member_1, "acceptance": "DISAGREE",
                "comment": "I'm not grumpy in the morning!" }),
    )
    .await["goal"]
        .clone();
    assert_eq!(goal["familyDisagrees"], true, "the student is family too");
    let stances = read(&app, &staff, GOAL_ACCEPTANCE, json!({ "id": f.goal_1 })).await;
    let caregiver = stances["node"]["acceptance"]
        .as_array()
        .expect("acceptance")
        .iter()
        .find(|a| a["member"]["id"] == f.caregiver_member_1)
        .cloned()
        .expect("caregiver");
    assert_eq!(
        caregiver["acceptance"], "PENDING",
        "the refused changes wrote nothing"
    );
}
