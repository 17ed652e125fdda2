//! `GET /charts/goals/{id}.svg`: a goal's progress as a picture a family can read at a
//! glance. The data comes from a GraphQL query run as the caller, so the chart obeys
//! exactly the API's access rules and its read is audited like any other read.
//! [`alliance_domain::chart::chart_values`] computes what the chart shows (the same values
//! a data share records); [`crate::chart_svg`] draws them.

use alliance_domain::chart::chart_values;
use alliance_domain::model::Measure;
use alliance_domain::progress::Observation;
use alliance_graphql::{AppSchema, Authentication};
use alliance_store::Store;
use axum::extract::{FromRequestParts, Path, Query, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use tracing::Instrument;

use crate::chart_svg::{self, Language};

/// The chart draws the newest 100 entries: one page of the API.
const GOAL_CHART: &str = "query GoalChart($id: ID!) {
  viewer { person { preferredLanguage } }
  node(id: $id) {
    ... on Goal {
      ownWords
      createdAt
      measure { name unit baseline target direction targetDate }
      progress(first: 100) { totalCount nodes { observedAt value } }
    }
  }
}";

/// Serves the chart of the goal named in `/charts/goals/{id}.svg` to the caller.
pub async fn goal_chart(
    schema: &AppSchema,
    store: &Store,
    auth: Authentication,
    request: Request,
) -> Response {
    // As for `/graphql`: the audit log's request id is ours, never the caller's.
    let request_id = uuid::Uuid::now_v7().to_string();
    let mut response = chart(schema, store, auth, request, &request_id).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn chart(
    schema: &AppSchema,
    store: &Store,
    auth: Authentication,
    request: Request,
    request_id: &str,
) -> Response {
    let (mut parts, _) = request.into_parts();
    let file = Path::<String>::from_request_parts(&mut parts, &()).await;
    let Some(id) = file.as_ref().ok().and_then(|f| f.strip_suffix(".svg")) else {
        return problem(StatusCode::NOT_FOUND, "NOT_FOUND", "charts end in `.svg`");
    };
    if !is_goal_id(id) {
        let message = "id: not a valid Goal ID";
        return problem(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", message);
    }
    let headers = &parts.headers;
    let client_request_id = header_text(headers, "x-request-id")
        .filter(|id| id.len() <= 128)
        .unwrap_or_default();
    let span = tracing::info_span!(
        "chart",
        request_id = %request_id,
        client_request_id = %client_request_id,
        operation = "GoalChart"
    );
    let asked = ask(schema, store, auth, request_id.to_owned(), id).instrument(span);
    let reply = match asked.await {
        Ok(reply) => reply,
        Err(response) => return response,
    };
    let Some(goal) = reply.node.filter(|g| g.own_words.is_some()) else {
        return problem(StatusCode::NOT_FOUND, "NOT_FOUND", "goal not found");
    };
    let lang = Query::<ChartParams>::try_from_uri(&parts.uri)
        .ok()
        .and_then(|Query(params)| params.lang);
    let preferred = reply
        .viewer
        .and_then(|v| v.person)
        .map(|p| p.preferred_language);
    let language = negotiate(lang.as_deref(), headers, preferred.as_deref());
    // Drawing runs third-party layout code; a panic there must not drop the connection.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| goal.draw(language))) {
        Ok(svg) => svg_response(svg),
        Err(_) => {
            tracing::error!("drawing a goal chart panicked");
            internal_error()
        }
    }
}

/// Runs the chart's query as the caller: the API's access rules, and its audit of the read.
async fn ask(
    schema: &AppSchema,
    store: &Store,
    auth: Authentication,
    request_id: String,
    id: &str,
) -> Result<Reply, Response> {
    let variables = async_graphql::Variables::from_json(serde_json::json!({ "id": id }));
    let query = async_graphql::Request::new(GOAL_CHART)
        .operation_name("GoalChart")
        .variables(variables);
    let response = alliance_graphql::execute(schema, store, query, auth, request_id).await;
    if let Some(error) = response.errors.first() {
        return Err(from_graphql(error));
    }
    let data = response.data.into_json().unwrap_or_default();
    serde_json::from_value(data).map_err(|error| {
        tracing::error!(%error, "the chart's query answered in an unexpected shape");
        internal_error()
    })
}

#[derive(Debug, Default, Deserialize)]
struct ChartParams {
    lang: Option<String>,
}

/// The language of the labels: the `lang` parameter, else the first tag the client
/// accepts, else the viewer's own preference; unsupported languages get English.
fn negotiate(lang: Option<&str>, headers: &HeaderMap, preferred: Option<&str>) -> Language {
    let accepted = header_text(headers, header::ACCEPT_LANGUAGE)
        .and_then(|list| list.split(',').next())
        .and_then(|tag| tag.split(';').next())
        .map(str::trim)
        .filter(|tag| !tag.is_empty() && *tag != "*");
    lang.or(accepted)
        .or(preferred)
        .and_then(Language::from_tag)
        .unwrap_or(Language::English)
}

/// Whether `id` is a Goal's global ID.
fn is_goal_id(id: &str) -> bool {
    alliance_graphql::parse_global_id(id).is_some_and(|(kind, _)| kind == "Goal")
}

fn header_text(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[derive(Deserialize)]
struct Reply {
    viewer: Option<ViewerReply>,
    node: Option<GoalReply>,
}

#[derive(Deserialize)]
struct ViewerReply {
    person: Option<PersonReply>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonReply {
    preferred_language: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GoalReply {
    own_words: Option<String>,
    created_at: Option<DateTime<Utc>>,
    measure: Option<MeasureReply>,
    progress: Option<ProgressReply>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeasureReply {
    name: String,
    unit: Option<String>,
    baseline: f64,
    target: f64,
    direction: String,
    target_date: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProgressReply {
    total_count: usize,
    nodes: Vec<EntryReply>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryReply {
    observed_at: DateTime<Utc>,
    value: Option<f64>,
}

impl GoalReply {
    fn draw(self, language: Language) -> String {
        let measure = self.measure.and_then(|m| {
            Some(Measure {
                direction: m.direction.parse().ok()?,
                name: m.name,
                unit: m.unit,
                baseline: m.baseline,
                target: m.target,
                target_date: m.target_date,
            })
        });
        let progress = self.progress.unwrap_or(ProgressReply {
            total_count: 0,
            nodes: vec![],
        });
        // Oldest first, as `summarize` takes them (the connection lists newest first).
        let observations: Vec<Observation> = progress
            .nodes
            .iter()
            .rev()
            .map(|e| Observation {
                observed_at: e.observed_at,
                value: e.value,
            })
            .collect();
        let created_at = self.created_at.unwrap_or_else(Utc::now);
        let values = chart_values(measure.as_ref(), created_at, &observations);
        let chart = chart_svg::Chart {
            own_words: self.own_words.as_deref().unwrap_or_default(),
            measure: measure.as_ref(),
            values: &values,
            total_entries: progress.total_count.max(observations.len()),
            language,
            today: Utc::now(),
        };
        chart.render()
    }
}

fn svg_response(svg: String) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // An image needs no scripts, links or fetches, whatever text it carries.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
        ],
        svg,
    )
        .into_response()
}

/// Maps the query's first error to an HTTP status, keeping its message and code.
fn from_graphql(error: &async_graphql::ServerError) -> Response {
    let code = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        })
        .unwrap_or("INTERNAL");
    let status = match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = if status.is_server_error() {
        "internal error"
    } else {
        error.message.as_str()
    };
    problem(status, code, message)
}

fn internal_error() -> Response {
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error",
    )
}

/// An error as GraphQL clients know it: `{"errors":[{"message","extensions":{"code"}}]}`.
fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (
        status,
        [(header::CACHE_CONTROL, "private, no-store")],
        axum::Json(body),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_parameter_then_the_header_then_the_viewer() {
        let mut headers = HeaderMap::new();
        let none = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, "es-MX,en;q=0.8".parse().unwrap());
        assert_eq!(negotiate(Some("en"), &headers, None), Language::English);
        assert_eq!(negotiate(None, &headers, Some("en")), Language::Spanish);
        assert_eq!(negotiate(None, &none, Some("es")), Language::Spanish);
        assert_eq!(negotiate(Some("fr"), &headers, None), Language::English);
        assert_eq!(negotiate(None, &none, None), Language::English);
    }

    #[test]
    fn only_a_goals_global_id_is_a_goal_id() {
        let uuid = uuid::Uuid::now_v7();
        assert!(is_goal_id(&alliance_graphql::global_id("Goal", uuid)));
        assert!(!is_goal_id(&alliance_graphql::global_id("Student", uuid)));
        assert!(!is_goal_id("not an id"));
        assert!(!is_goal_id(""));
    }
}
