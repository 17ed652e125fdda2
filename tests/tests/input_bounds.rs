//! Bad input gets no further than the checks. Every string an input takes has a bound
//! and is refused one character past it; every list in an input holds at most 100
//! items; scores, dates, enum values, ids and numbers out of shape are refused. Each
//! refusal is BAD_USER_INPUT naming the field (in the payload's `userErrors` and in the
//! top-level errors), never a 500 or INTERNAL, and writes nothing, the audit log
//! included. The sweeps are driven by the checked-in schema.graphql, so a new String
//! or list input without a bound here (or a mutation without a base input to try it
//! on) fails them.

use std::collections::BTreeMap;

use alliance_domain::validate::{MAX_GRADE, MAX_ITEMS, MAX_LANGUAGE_TAG, MAX_NAME, MAX_TEXT};
use alliance_store::testing::row_counts;
use alliance_tests::{Fixture, TestApp, data, error_code, spawn_app};
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../../schema.graphql");

/// An input field or argument: its name, the named type under lists and non-nulls, and
/// whether it is a list.
#[derive(Clone, Debug)]
struct InputField {
    name: String,
    named: String,
    list: bool,
}

/// What the sweeps need of the schema.
struct Inputs {
    /// Input object → its fields.
    objects: BTreeMap<String, Vec<InputField>>,
    /// Mutation → the type of its `input`.
    mutations: Vec<(String, String)>,
    /// Query field → its arguments.
    queries: Vec<(String, Vec<InputField>)>,
}

fn field(name: &str, ty: &Type) -> InputField {
    let (named, list) = match &ty.base {
        BaseType::Named(named) => (named.to_string(), false),
        BaseType::List(inner) => match &inner.base {
            BaseType::Named(named) => (named.to_string(), true),
            BaseType::List(_) => panic!("{name}: lists of lists are not swept"),
        },
    };
    InputField {
        name: name.to_owned(),
        named,
        list,
    }
}

fn read_schema() -> Inputs {
    let document = async_graphql::parser::parse_schema(SCHEMA).expect("schema.graphql parses");
    let mut inputs = Inputs {
        objects: BTreeMap::new(),
        mutations: Vec::new(),
        queries: Vec::new(),
    };
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = ty.node;
        match (ty.name.node.as_str(), ty.kind) {
            (_, TypeKind::InputObject(object)) => {
                let fields = object
                    .fields
                    .iter()
                    .map(|f| field(&f.node.name.node, &f.node.ty.node))
                    .collect();
                inputs.objects.insert(ty.name.node.to_string(), fields);
            }
            ("Mutation", TypeKind::Object(object)) => {
                for f in object.fields {
                    let input = f
                        .node
                        .arguments
                        .iter()
                        .find(|a| a.node.name.node == "input")
                        .unwrap_or_else(|| panic!("mutation {} takes no `input`", f.node.name));
                    let input = field("input", &input.node.ty.node);
                    inputs
                        .mutations
                        .push((f.node.name.to_string(), input.named));
                }
            }
            ("Query", TypeKind::Object(object)) => {
                for f in object.fields {
                    let args = f
                        .node
                        .arguments
                        .iter()
                        .map(|a| field(&a.node.name.node, &a.node.ty.node))
                        .collect();
                    inputs.queries.push((f.node.name.to_string(), args));
                }
            }
            _ => {}
        }
    }
    inputs
}

/// A place inside an input value: `measure.name`, `externalIds[0].system`.
#[derive(Clone, Debug)]
struct Place {
    /// The input object the field belongs to, and the field.
    owner: String,
    field: String,
    /// Keys and list positions from the top of the input.
    steps: Vec<Step>,
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    First,
}

impl Place {
    /// The field as errors name it: keys only, joined with dots.
    fn name(&self) -> String {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::First => None,
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Every String and every list inside input object `ty`, depth first.
fn places(
    inputs: &Inputs,
    ty: &str,
    prefix: &[Step],
    strings: &mut Vec<Place>,
    lists: &mut Vec<Place>,
) {
    for f in &inputs.objects[ty] {
        let mut steps = prefix.to_vec();
        steps.push(Step::Key(f.name.clone()));
        let place = |steps: Vec<Step>| Place {
            owner: ty.to_owned(),
            field: f.name.clone(),
            steps,
        };
        if f.list {
            lists.push(place(steps.clone()));
            steps.push(Step::First);
        }
        if f.named == "String" {
            strings.push(place(steps));
        } else if inputs.objects.contains_key(&f.named) {
            places(inputs, &f.named, &steps, strings, lists);
        }
    }
}

/// How a too-long value has to look to pass every check but its length.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Text,
    LanguageTag,
    GradeLabel,
}

/// The bound of each String input field, by input type and field.
fn bound(owner: &str, field: &str) -> Option<(usize, Shape)> {
    use Shape::*;
    Some(match (owner, field) {
        (_, "preferredLanguage" | "language") => (MAX_LANGUAGE_TAG, LanguageTag),
        (_, "gradeLevel") => (MAX_GRADE, GradeLabel),
        ("ExternalIdInput", "system" | "value") => (MAX_NAME, Text),
        ("CreateSchoolInput" | "CreateStudentInput" | "MeasureInput", "name") => (MAX_NAME, Text),
        ("CreatePersonInput", "displayName" | "subject") => (MAX_NAME, Text),
        ("CreatePersonInput", "contactPreferences") => (MAX_TEXT, Text),
        ("CreateStudentInput", "preferredName" | "pronouns") => (MAX_NAME, Text),
        ("AddAllianceMemberInput", "relationship") => (MAX_NAME, Text),
        ("ChangeAlliancePhaseInput" | "ChangeInterventionStatusInput", "reason") => {
            (MAX_TEXT, Text)
        }
        ("CreateGoalInput" | "UpdateGoalInput", "ownWords" | "summary") => (MAX_TEXT, Text),
        ("MeasureInput", "unit") => (MAX_NAME, Text),
        ("RecordProgressInput", "note") => (MAX_TEXT, Text),
        ("RecordVoiceInput" | "ReplyToCommunicationInput", "words") => (MAX_TEXT, Text),
        ("SetGoalAcceptanceInput" | "SubmitFeedbackInput", "comment") => (MAX_TEXT, Text),
        ("CreateInterventionInput", "title" | "frequency") => (MAX_NAME, Text),
        ("CreateInterventionInput", "description" | "rationale") => (MAX_TEXT, Text),
        ("LogCommunicationInput", "summary") => (MAX_TEXT, Text),
        ("RecordReflectionInput", "notes" | "keep" | "change") => (MAX_TEXT, Text),
        ("CreateNextStepInput" | "UpdateNextStepInput", "decision") => (MAX_TEXT, Text),
        ("StudentFilter", "search") => (MAX_NAME, Text),
        _ => return None,
    })
}

/// A value one character longer than `max`, otherwise well formed.
fn too_long(max: usize, shape: Shape) -> String {
    let value = match shape {
        // Two bytes a character: a bound counted in bytes would refuse half this.
        Shape::Text => "é".repeat(max + 1),
        Shape::GradeLabel => "K".repeat(max + 1),
        Shape::LanguageTag => {
            let mut tag = String::from("en");
            while tag.len() <= max {
                // A subtag is a dash and 1 to 8 letters: never leave room for a lone dash.
                let room = max + 1 - tag.len();
                let letters = match room {
                    0..=9 => room - 1,
                    10 => 7,
                    _ => 8,
                };
                tag.push('-');
                tag.push_str(&"abcdefgh"[..letters]);
            }
            tag
        }
    };
    assert_eq!(value.chars().count(), max + 1);
    value
}

/// Sets the value at `steps` inside `input`; objects are made where there is nothing,
/// lists must already have an item.
fn set(input: &mut Value, steps: &[Step], value: Value) -> Result<(), String> {
    let mut at = input;
    for step in steps {
        if at.is_null() {
            *at = json!({});
        }
        at = match step {
            Step::Key(key) => at
                .as_object_mut()
                .ok_or(format!("no object for `{key}`"))?
                .entry(key.clone())
                .or_insert(Value::Null),
            Step::First => at.get_mut(0).ok_or("an empty list".to_owned())?,
        };
    }
    *at = value;
    Ok(())
}

/// The records the base inputs name, beyond the fixture's.
struct World {
    f: Fixture,
    admin: String,
    family: String,
    goal_version: i64,
    intervention: String,
    communication: String,
    feedback_request: String,
    next_step: String,
}

async fn create(app: &TestApp, token: &str, mutation: &str, input: Value, pick: &str) -> String {
    let ty = format!("{}{}Input", &mutation[..1].to_uppercase(), &mutation[1..]);
    let response = app
        .graphql(
            &format!(
                "mutation($input: {ty}!) {{ {mutation}(input: $input) {{ {pick} {{ id }} userErrors {{ message }} }} }}"
            ),
            json!({ "input": input }),
            Some(token),
        )
        .await;
    data(&response)[mutation][pick]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{mutation}: {response}"))
        .to_owned()
}

impl World {
    async fn new(app: &TestApp) -> World {
        let f = Fixture::load(app).await;
        let admin = f.district_admin(app);
        let family = f.family_member(app);
        let intervention = create(
            app,
            &admin,
            "createIntervention",
            json!({
                "allianceId": f.alliance_1, "title": "Check-in/check-out",
                "rationale": "Mornings go better with a plan", "goalIds": [f.goal_1],
            }),
            "intervention",
        )
        .await;
        let communication = create(
            app,
            &admin,
            "logCommunication",
            json!({
                "allianceId": f.alliance_1, "kind": "UPDATE", "channel": "PHONE",
                "summary": "Called about the new routine",
            }),
            "communication",
        )
        .await;
        let feedback_request = create(
            app,
            &admin,
            "requestFeedback",
            json!({
                "allianceId": f.alliance_1, "memberId": f.caregiver_member_1,
            }),
            "feedbackRequest",
        )
        .await;
        let next_step = create(
            app,
            &admin,
            "createNextStep",
            json!({
                "allianceId": f.alliance_1, "decision": "Try the visual schedule",
            }),
            "nextStep",
        )
        .await;
        let goal = app
            .graphql(
                "query($id: ID!) { node(id: $id) { ... on Goal { version } } }",
                json!({ "id": f.goal_1 }),
                Some(&admin),
            )
            .await;
        let goal_version = data(&goal)["node"]["version"].as_i64().expect("version");
        World {
            f,
            admin,
            family,
            goal_version,
            intervention,
            communication,
            feedback_request,
            next_step,
        }
    }

    /// An input for `mutation` that succeeds, with every String and list field in it,
    /// and the token to send it with.
    fn base(&self, mutation: &str) -> Option<(Value, &str)> {
        let f = &self.f;
        let external_ids = json!([{ "system": "sis", "value": "S-100" }]);
        let measure = json!({
            "name": "calm mornings", "unit": "days a week", "baseline": 1, "target": 5,
            "direction": "INCREASE", "targetDate": "2031-06-01",
        });
        let input = match mutation {
            "createSchool" => json!({ "name": "Cedar Academy", "externalIds": external_ids }),
            "createPerson" => json!({
                "displayName": "Jordan Reyes", "preferredLanguage": "es-MX",
                "contactPreferences": "texts after five", "externalIds": external_ids,
                "subject": "jordan-reyes",
            }),
            "createStudent" => json!({
                "schoolId": f.school_a, "name": "Ava Chen", "preferredName": "Ava",
                "pronouns": "she/her", "gradeLevel": "5", "preferredLanguage": "en",
                "externalIds": external_ids,
            }),
            "changeAlliancePhase" => json!({
                "allianceId": f.alliance_1, "phase": "INTERVENTION",
                "reason": "The plan is agreed",
            }),
            "addAllianceMember" => json!({
                "allianceId": f.alliance_1, "personId": f.unaffiliated_person,
                "role": "COACH", "relationship": "basketball coach",
            }),
            "createGoal" => json!({
                "allianceId": f.alliance_1, "ownWords": "I want to finish my homework",
                "expressedById": f.caregiver_member_1, "summary": "Homework done",
                "measure": measure,
            }),
            "updateGoal" => json!({
                "goalId": f.goal_1, "version": self.goal_version,
                "ownWords": "Calm mornings, most days", "summary": "Calm mornings",
                "measure": measure,
            }),
            "recordProgress" => json!({ "goalId": f.goal_1, "value": 3, "note": "a good week" }),
            "recordVoice" => json!({
                "allianceId": f.alliance_1, "speakerId": f.caregiver_member_1,
                "words": "She is sleeping better", "language": "es", "goalIds": [f.goal_1],
            }),
            "setGoalAcceptance" => json!({
                "goalId": f.goal_1, "memberId": f.caregiver_member_1,
                "acceptance": "AGREE", "comment": "Yes, this is it",
            }),
            "replyToCommunication" => {
                let input = json!({ "communicationId": self.communication, "words": "Thank you" });
                return Some((input, &self.family));
            }
            "submitFeedback" => {
                let input = json!({
                    "requestId": self.feedback_request, "supported": 8, "understood": 8,
                    "centered": 8, "goals": 8, "approach": 8, "comment": "It helps",
                    "language": "en",
                });
                return Some((input, &self.family));
            }
            "createIntervention" => json!({
                "allianceId": f.alliance_1, "title": "Morning routine chart",
                "description": "A picture schedule by the door",
                "rationale": "Mornings are the family's goal", "goalIds": [f.goal_1],
                "frequency": "every school day",
            }),
            "changeInterventionStatus" => json!({
                "interventionId": self.intervention, "status": "ACTIVE",
                "reason": "The family agreed to start",
            }),
            "logCommunication" => json!({
                "allianceId": f.alliance_1, "kind": "UPDATE", "channel": "TEXT",
                "summary": "Sent the new schedule", "recipientIds": [f.caregiver_member_1],
                "sharedGoalIds": [],
            }),
            "requestFeedback" => json!({
                "allianceId": f.alliance_1, "memberId": f.caregiver_member_1, "language": "es",
            }),
            "recordReflection" => json!({
                "allianceId": f.alliance_1, "kind": "INFORMAL_CHECKIN",
                "participantIds": [f.caregiver_member_1, f.staff_member_1],
                "notes": "Talked after pickup", "keep": "the chart", "change": "start earlier",
                "goalIds": [f.goal_1], "interventionIds": [self.intervention],
                "feedbackResponseIds": [],
            }),
            "createNextStep" => json!({
                "allianceId": f.alliance_1, "decision": "Add a weekend version",
                "informedBy": {
                    "feedbackResponseIds": [], "reflectionIds": [], "progressEntryIds": [],
                },
            }),
            "updateNextStep" => json!({
                "nextStepId": self.next_step, "decision": "Add a weekend version too",
                "informedBy": {
                    "feedbackResponseIds": [], "reflectionIds": [], "progressEntryIds": [],
                },
            }),
            _ => return None,
        };
        Some((input, &self.admin))
    }
}

fn document(mutation: &str, input_type: &str) -> String {
    format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ field message code }} }} }}"
    )
}

/// Sends `input` to `mutation` and asserts it is refused as bad input on `field`, with
/// `message` in what it says, and that nothing was written.
async fn assert_refused(
    app: &TestApp,
    token: &str,
    (mutation, input_type): (&str, &str),
    input: Value,
    field: &str,
    message: &str,
) {
    let before = row_counts(&app.store).await;
    let response = app
        .graphql(
            &document(mutation, input_type),
            json!({ "input": input }),
            Some(token),
        )
        .await;
    let case = format!("{mutation} with {field} out of bounds");
    let user_error = &response["data"][mutation]["userErrors"][0];
    assert_eq!(user_error["field"], field, "{case}: {response}");
    assert_eq!(user_error["code"], "BAD_USER_INPUT", "{case}: {response}");
    let said = user_error["message"].as_str().unwrap_or_default();
    assert!(said.contains(message), "{case}: {response}");
    assert_eq!(
        error_code(&response),
        Some("BAD_USER_INPUT"),
        "{case}: {response}"
    );
    assert_eq!(
        response["errors"][0]["extensions"]["field"], field,
        "{case}: {response}"
    );
    assert_eq!(
        row_counts(&app.store).await,
        before,
        "{case}: something was written"
    );
}

#[tokio::test]
async fn every_string_input_is_refused_one_character_past_its_bound() {
    let inputs = read_schema();
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let mut tried = 0;
    for (mutation, input_type) in &inputs.mutations {
        let (mut strings, mut lists) = (Vec::new(), Vec::new());
        places(&inputs, input_type, &[], &mut strings, &mut lists);
        if strings.is_empty() {
            continue;
        }
        let Some((base, token)) = world.base(mutation) else {
            panic!("{mutation} takes strings but has no base input in this test: add one");
        };
        for place in strings {
            let (max, shape) = bound(&place.owner, &place.field).unwrap_or_else(|| {
                panic!(
                    "{}.{} has no bound in this test: give it one (crates/domain/src/validate.rs) \
                     and say it here",
                    place.owner, place.field
                )
            });
            let mut input = base.clone();
            set(&mut input, &place.steps, json!(too_long(max, shape))).unwrap_or_else(|e| {
                panic!(
                    "{mutation}: the base input has no place for {}: {e}",
                    place.name()
                )
            });
            assert_refused(
                &app,
                token,
                (mutation, input_type),
                input,
                &place.name(),
                &format!("at most {max} characters"),
            )
            .await;
            tried += 1;
        }
    }
    assert!(tried >= 40, "only {tried} string inputs were tried");
    assert_bases_succeed(&app, &world, &inputs).await;
}

/// The base inputs are valid as they are: each refusal above was the bound's doing.
async fn assert_bases_succeed(app: &TestApp, world: &World, inputs: &Inputs) {
    for (mutation, input_type) in &inputs.mutations {
        let Some((base, token)) = world.base(mutation) else {
            continue;
        };
        let response = app
            .graphql(
                &document(mutation, input_type),
                json!({ "input": base }),
                Some(token),
            )
            .await;
        assert_eq!(
            data(&response)[mutation]["userErrors"],
            json!([]),
            "the base input of {mutation}"
        );
    }
}

#[tokio::test]
async fn every_list_input_is_refused_past_a_hundred_items() {
    let inputs = read_schema();
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let mut tried = 0;
    for (mutation, input_type) in &inputs.mutations {
        let (mut strings, mut lists) = (Vec::new(), Vec::new());
        places(&inputs, input_type, &[], &mut strings, &mut lists);
        if lists.is_empty() {
            continue;
        }
        let Some((base, token)) = world.base(mutation) else {
            panic!("{mutation} takes lists but has no base input in this test: add one");
        };
        for place in lists {
            // The base's own item, repeated; an id of the right type where it has none
            // (the bound is checked before any item is looked at).
            let mut at = &base;
            for step in &place.steps {
                at = match step {
                    Step::Key(k) => &at[k.as_str()],
                    Step::First => &at[0],
                };
            }
            let item = at.get(0).cloned().unwrap_or_else(|| json!(world.f.goal_1));
            let mut input = base.clone();
            set(&mut input, &place.steps, json!(vec![item; MAX_ITEMS + 1]))
                .unwrap_or_else(|e| panic!("{mutation}: no place for {}: {e}", place.name()));
            assert_refused(
                &app,
                token,
                (mutation, input_type),
                input,
                &place.name(),
                &format!("at most {MAX_ITEMS} items"),
            )
            .await;
            tried += 1;
        }
    }
    assert!(tried >= 15, "only {tried} list inputs were tried");
}

/// Query arguments the API takes as they come, for now: `feedbackInstrument` answers in
/// English whatever the language says (its bound belongs in query.rs).
const UNBOUNDED_QUERY_ARGUMENTS: [&str; 0] = [];

/// The rest of a query field's call: the arguments it needs, and a selection.
fn query_call(field: &str, f: &Fixture) -> (String, &'static str) {
    match field {
        "schools" | "students" | "alliancesNeedingAttention" => (String::new(), "{ totalCount }"),
        "auditEvents" => (format!("studentId: \"{}\"", f.student_1), "{ totalCount }"),
        "feedbackInstrument" => ("audience: ADULT".to_owned(), "{ language }"),
        other => panic!("query {other} takes strings but has no case in this test: add one"),
    }
}

#[tokio::test]
async fn every_string_and_list_a_query_takes_is_bounded() {
    let inputs = read_schema();
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    let mut tried = 0;
    for (field, args) in &inputs.queries {
        for arg in args {
            let (mut strings, mut lists) = (Vec::new(), Vec::new());
            if inputs.objects.contains_key(&arg.named) {
                places(
                    &inputs,
                    &arg.named,
                    &[Step::Key(arg.name.clone())],
                    &mut strings,
                    &mut lists,
                );
            } else if arg.named == "String" {
                strings.push(Place {
                    owner: field.clone(),
                    field: arg.name.clone(),
                    steps: vec![Step::Key(arg.name.clone())],
                });
            }
            if arg.list {
                // `nodes(ids:)`: a hundred at a time.
                let ids = vec![f.student_1.clone(); MAX_ITEMS + 1];
                let query = format!(
                    "query($v: [ID!]!) {{ {field}({}: $v) {{ __typename }} }}",
                    arg.name
                );
                let response = app.graphql(&query, json!({ "v": ids }), Some(&admin)).await;
                assert_eq!(
                    error_code(&response),
                    Some("BAD_USER_INPUT"),
                    "{field}: {response}"
                );
                tried += 1;
            }
            for place in strings {
                let value = match bound(&place.owner, &place.field) {
                    Some((max, shape)) => too_long(max, shape),
                    // Cursors: opaque, and far longer than any we make.
                    None if matches!(place.field.as_str(), "after" | "before") => {
                        "A".repeat(100_001)
                    }
                    None => panic!("{field}({}) has no bound in this test", place.name()),
                };
                let (rest, selection) = query_call(field, &f);
                let mut arg_value = json!(null);
                set(&mut arg_value, &place.steps, json!(value)).expect("a place");
                let query = format!(
                    "query($v: {}) {{ {field}({rest} {}: $v) {selection} }}",
                    arg.named, arg.name
                );
                let response = app
                    .graphql(
                        &query,
                        json!({ "v": arg_value[arg.name.as_str()] }),
                        Some(&admin),
                    )
                    .await;
                let name = format!("{field}.{}", place.name());
                if UNBOUNDED_QUERY_ARGUMENTS.contains(&name.as_str()) {
                    assert!(response.get("errors").is_none(), "{name}: {response}");
                } else {
                    assert_eq!(
                        error_code(&response),
                        Some("BAD_USER_INPUT"),
                        "{name}: {response}"
                    );
                    assert_eq!(
                        response["errors"][0]["extensions"]["field"],
                        place.name(),
                        "{name}: {response}"
                    );
                }
                tried += 1;
            }
        }
    }
    assert!(tried >= 12, "only {tried} query arguments were tried");
    // A cursor on a connection inside an object is bounded the same way.
    let nested = app
        .graphql(
            "query($id: ID!, $after: String) { alliance(id: $id) { goals(after: $after) { totalCount } } }",
            json!({ "id": f.alliance_1, "after": "A".repeat(100_001) }),
            Some(&admin),
        )
        .await;
    assert_eq!(error_code(&nested), Some("BAD_USER_INPUT"), "{nested}");
}

/// How a case spoils a base input.
type Spoil = fn(&mut Value, &Fixture);

/// Base inputs spoiled one way each, and the field each must be refused on (`None` where
/// the executor refuses the value before any resolver runs, naming no field).
#[rustfmt::skip]
const OUT_OF_SHAPE: &[(&str, &str, Spoil, Option<&str>)] = &[
    ("a score over 10", "submitFeedback", |i, _| i["supported"] = json!(11), Some("supported")),
    ("a score under 0", "submitFeedback", |i, _| i["approach"] = json!(-1), Some("approach")),
    ("the largest Int as a score", "submitFeedback", |i, _| i["goals"] = json!(i32::MAX), Some("goals")),
    ("a score past Int", "submitFeedback", |i, _| i["centered"] = json!(1_i64 << 31), None),
    ("a fractional score", "submitFeedback", |i, _| i["understood"] = json!(7.5), None),
    ("February 30th", "createNextStep", |i, _| i["dueDate"] = json!("2026-02-30"), None),
    ("a date in words", "createNextStep", |i, _| i["dueDate"] = json!("next Tuesday"), None),
    ("year -5000", "createNextStep", |i, _| i["dueDate"] = json!("-5000-01-01"), Some("dueDate")),
    ("a six-digit year", "updateNextStep", |i, _| i["dueDate"] = json!("+200000-01-01"), Some("dueDate")),
    ("a year before 1900", "requestFeedback", |i, _| i["dueDate"] = json!("1899-12-31"), Some("dueDate")),
    ("year -5000 as a target date", "createGoal", |i, _| i["measure"]["targetDate"] = json!("-5000-01-01"), Some("measure.targetDate")),
    ("month 13", "recordProgress", |i, _| i["observedAt"] = json!("2026-13-01T00:00:00Z"), None),
    ("year zero", "recordProgress", |i, _| i["observedAt"] = json!("0000-01-01T00:00:00Z"), Some("observedAt")),
    ("year 9999", "recordVoice", |i, _| i["saidAt"] = json!("9999-12-31T23:59:59Z"), Some("saidAt")),
    ("a start in year -5000", "createIntervention", |i, _| i["startDate"] = json!("-5000-01-01"), Some("startDate")),
    ("an end before the start", "createIntervention", |i, _| {
        i["startDate"] = json!("2027-01-10");
        i["endDate"] = json!("2027-01-01");
    }, Some("endDate")),
    ("tier 4", "createIntervention", |i, _| i["tier"] = json!(4), Some("tier")),
    ("601 minutes", "createIntervention", |i, _| i["minutes"] = json!(601), Some("minutes")),
    ("an unknown role", "addAllianceMember", |i, _| i["role"] = json!("KING"), None),
    ("an unknown direction", "createGoal", |i, _| i["measure"]["direction"] = json!("UP"), None),
    ("a status in lower case", "changeInterventionStatus", |i, _| i["status"] = json!("active"), None),
    ("a number for an enum", "logCommunication", |i, _| i["channel"] = json!(1), None),
    ("an id that is not one", "recordProgress", |i, _| i["goalId"] = json!("not-an-id"), Some("goalId")),
    ("an empty id", "recordProgress", |i, _| i["goalId"] = json!(""), Some("goalId")),
    ("a student's id as a goal's", "recordProgress", |i, f| i["goalId"] = json!(f.student_1), Some("goalId")),
    ("garbage among goal ids", "createIntervention", |i, f| i["goalIds"] = json!([f.goal_1, "x"]), Some("goalIds")),
    ("a number for an id list", "recordReflection", |i, _| i["goalIds"] = json!(7), None),
    ("priority 0", "createGoal", |i, _| i["priority"] = json!(0), Some("priority")),
    ("a priority past Int", "createGoal", |i, _| i["priority"] = json!(3_000_000_000_i64), None),
    ("a version past Int", "updateGoal", |i, _| i["version"] = json!(i64::MAX), None),
    ("a string for a number", "recordProgress", |i, _| i["value"] = json!("3"), None),
    ("a value past a billion", "recordProgress", |i, _| i["value"] = json!(1e308), Some("value")),
    ("a baseline past a billion", "createGoal", |i, _| i["measure"]["baseline"] = json!(-1.5e9), Some("measure.baseline")),
    ("the largest f64 as a target", "updateGoal", |i, _| i["measure"]["target"] = json!(f64::MAX), Some("measure.target")),
];
#[tokio::test]
async fn scores_dates_enums_ids_and_numbers_out_of_shape_are_refused_with_a_code() {
    let inputs = read_schema();
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let mut cases: Vec<(&str, String, Value, &str, Option<&str>)> = Vec::new();
    for (what, mutation, spoil, field) in OUT_OF_SHAPE {
        let (mut input, token) = world.base(mutation).expect("a base input");
        spoil(&mut input, &world.f);
        let (_, input_type) = inputs
            .mutations
            .iter()
            .find(|(m, _)| m == mutation)
            .expect("a mutation");
        cases.push((
            what,
            document(mutation, input_type),
            json!({ "input": input }),
            token,
            *field,
        ));
    }
    // Values written into the query text, where the parser meets them first.
    let goal = &world.f.goal_1;
    for (what, query) in [
        (
            "an unknown enum value",
            format!(
                "mutation {{ logCommunication(input: {{ allianceId: \"{}\", kind: UPDATE, channel: PIGEON, summary: \"s\" }}) {{ userErrors {{ field }} }} }}",
                world.f.alliance_1
            ),
        ),
        (
            "a float past f64",
            format!(
                "mutation {{ recordProgress(input: {{ goalId: \"{goal}\", value: 1e309 }}) {{ userErrors {{ field }} }} }}"
            ),
        ),
        (
            "NaN",
            format!(
                "mutation {{ recordProgress(input: {{ goalId: \"{goal}\", value: NaN }}) {{ userErrors {{ field }} }} }}"
            ),
        ),
    ] {
        cases.push((what, query, json!({}), &world.admin, None));
    }
    for (what, query, variables, token, field) in cases {
        let before = row_counts(&app.store).await;
        let response = app.graphql(&query, variables, Some(token)).await;
        assert_eq!(
            error_code(&response),
            Some("BAD_USER_INPUT"),
            "{what}: {response}"
        );
        if let Some(field) = field {
            assert_eq!(
                response["errors"][0]["extensions"]["field"], field,
                "{what}: {response}"
            );
        }
        assert_eq!(
            row_counts(&app.store).await,
            before,
            "{what}: something was written"
        );
    }
}

#[tokio::test]
async fn numbers_json_cannot_hold_are_refused_as_bad_requests() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let query = "mutation($goal: ID!, $value: Float) { recordProgress(input: { goalId: $goal, value: $value }) { userErrors { field } } }";
    let before = row_counts(&app.store).await;
    for value in ["1e309", "-1e309", "NaN", "Infinity", "1e999999999"] {
        let body = format!(
            r#"{{"query": {}, "variables": {{"goal": "{}", "value": {value}}}}}"#,
            json!(query),
            world.f.goal_1
        );
        let response = app
            .client()
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&world.admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        let answer: Value = response.json().await.expect("a JSON answer");
        assert_eq!(status, 400, "{value}: {answer}");
        assert_eq!(
            error_code(&answer),
            Some("BAD_USER_INPUT"),
            "{value}: {answer}"
        );
    }
    assert_eq!(
        row_counts(&app.store).await,
        before,
        "something was written"
    );
}

/// A list argument below the root (the timeline's `kinds`) has its bound too.
#[tokio::test]
async fn the_timeline_takes_at_most_a_hundred_kinds() {
    let app = spawn_app().await;
    let f = Fixture::load(&app).await;
    let admin = f.district_admin(&app);
    let query = "query($id: ID!, $kinds: [TimelineKind!]) { alliance(id: $id) { timeline(kinds: $kinds) { totalCount } } }";
    let kinds = |n: usize| vec!["GOAL_SET"; n];
    let fits = app
        .graphql(
            query,
            json!({ "id": f.alliance_1, "kinds": kinds(MAX_ITEMS) }),
            Some(&admin),
        )
        .await;
    data(&fits);
    let over = app
        .graphql(
            query,
            json!({ "id": f.alliance_1, "kinds": kinds(MAX_ITEMS + 1) }),
            Some(&admin),
        )
        .await;
    assert_eq!(error_code(&over), Some("BAD_USER_INPUT"), "{over}");
}
