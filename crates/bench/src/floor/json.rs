//! The dashboard's answer as serde types: the keys and formats Alliance writes for
//! `queries/dashboard.graphql` (camelCase, enums by name, instants as RFC 3339 in UTC,
//! floats as floats), in the selection's order. Alliance's own order of sibling fields
//! varies from answer to answer (async-graphql 7.2 writes them as they resolve), so the
//! two are compared as parsed JSON.

use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Response {
    pub data: Data,
}

#[derive(Serialize)]
pub(super) struct Data {
    pub students: Students,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Students {
    pub total_count: u64,
    pub nodes: Vec<Student>,
}

#[derive(Serialize)]
pub(super) struct Nodes<T> {
    pub nodes: Vec<T>,
}

#[derive(Serialize)]
pub(super) struct Student {
    pub id: String,
    pub name: String,
    pub school: School,
    pub alliance: Option<Alliance>,
}

#[derive(Serialize)]
pub(super) struct School {
    pub id: String,
    pub name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Alliance {
    pub id: String,
    pub phase: &'static str,
    pub status: &'static str,
    pub members: Nodes<Member>,
    pub goals: Nodes<Goal>,
    pub health: Health,
    pub feedback_responses: Nodes<FeedbackResponse>,
}

#[derive(Serialize)]
pub(super) struct Member {
    pub id: String,
    pub role: &'static str,
    pub relationship: Option<String>,
    pub person: Person,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Person {
    pub id: String,
    pub display_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Goal {
    pub id: String,
    pub own_words: String,
    pub status: &'static str,
    pub progress_summary: ProgressSummary,
    pub progress: Nodes<ProgressEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProgressSummary {
    pub count: i32,
    pub latest_value: Option<f64>,
    pub latest_observed_at: Option<String>,
    pub slope_per_week: Option<f64>,
    pub percent_of_target: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProgressEntry {
    pub id: String,
    pub observed_at: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Health {
    pub status: &'static str,
    pub reasons: Vec<Reason>,
}

#[derive(Serialize)]
pub(super) struct Reason {
    pub code: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FeedbackResponse {
    pub id: String,
    pub submitted_at: String,
    pub total: i32,
    pub concern: Option<Concern>,
}

#[derive(Serialize)]
pub(super) struct Concern {
    pub open: bool,
    pub reasons: Vec<String>,
}
