//! `GET /charts/goals/{id}.svg`: a goal's progress as a picture a family can read at a
//! glance. The data comes from a GraphQL query run as the caller, so the chart obeys
//! exactly the API's access rules and its read is audited like any other read.
//! [`chart_values`] computes what the chart shows; [`crate::chart_svg`] draws it.

use alliance_domain::model::Measure;
use alliance_domain::progress::{Observation, ProgressSummary, summarize};
use alliance_graphql::AppSchema;
use alliance_store::Store;
use axum::extract::{FromRequestParts, Path, Query, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use tracing::Instrument;

use crate::chart_svg::{self, Language};
use crate::tokens::Verifier;

/// The newest entries a chart draws: one page of the API.
pub const MAX_ENTRIES: usize = 100;

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

/// A point of the chart: a value at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPoint {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// A straight line between two points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub from: ChartPoint,
    pub to: ChartPoint,
}

/// Exactly what a goal's chart shows, so a data share can record what the family saw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartValues {
    /// Entries with a value, oldest first.
    pub points: Vec<ChartPoint>,
    /// When the entries without a value (narrative only) were observed, oldest first.
    pub notes: Vec<DateTime<Utc>>,
    /// The least-squares trend from the first point to the last.
    pub trend: Option<Segment>,
    /// The aim line: the baseline at the start to the target at the target date.
    pub aim: Option<Segment>,
    /// The measure's target.
    pub target: Option<f64>,
    /// The progress summary of the same entries.
    pub summary: ProgressSummary,
}

/// What a goal's chart shows for `observations` against its `measure`, monitoring having
/// started when the goal was `created_at`. The summary, slope and aim line follow
/// [`alliance_domain::progress::summarize`], so the chart agrees with `progressSummary`.
pub fn chart_values(
    measure: Option<&Measure>,
    created_at: DateTime<Utc>,
    observations: &[Observation],
) -> ChartValues {
    let summary = summarize(measure, created_at, observations);
    let mut points: Vec<ChartPoint> = observations
        .iter()
        .filter_map(|o| {
            let value = o.value.filter(|v| v.is_finite())?;
            Some(ChartPoint {
                at: o.observed_at,
                value,
            })
        })
        .collect();
    points.sort_by_key(|p| p.at);
    let mut notes: Vec<_> = observations
        .iter()
        .filter(|o| o.value.is_none())
        .map(|o| o.observed_at)
        .collect();
    notes.sort();

    let trend = summary.slope_per_week.and_then(|slope| {
        let (first, last) = (points.first()?, points.last()?);
        let n = points.len() as f64;
        let mean_weeks = points.iter().map(|p| weeks(first.at, p.at)).sum::<f64>() / n;
        let mean_value = points.iter().map(|p| p.value).sum::<f64>() / n;
        let at = |when: DateTime<Utc>| ChartPoint {
            at: when,
            value: mean_value + slope * (weeks(first.at, when) - mean_weeks),
        };
        Some(Segment {
            from: at(first.at),
            to: at(last.at),
        })
    });
    // The domain draws an aim line exactly when it can name the rate it needs.
    let aim = measure
        .filter(|_| summary.needed_rate_per_week.is_some())
        .and_then(|m| {
            let start = points.first().map_or(created_at, |p| created_at.min(p.at));
            Some(Segment {
                from: ChartPoint {
                    at: start,
                    value: m.baseline,
                },
                to: ChartPoint {
                    at: m.target_date?.and_time(NaiveTime::MIN).and_utc(),
                    value: m.target,
                },
            })
        });
    ChartValues {
        points,
        notes,
        trend,
        aim,
        target: measure.map(|m| m.target),
        summary,
    }
}

fn weeks(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / (7.0 * 24.0 * 3_600_000.0)
}

/// Serves the chart of the goal named in `/charts/goals/{id}.svg` to the caller.
pub async fn goal_chart(
    schema: &AppSchema,
    store: &Store,
    verifier: &Verifier,
    request: Request,
) -> Response {
    let (mut parts, _) = request.into_parts();
    let file = Path::<String>::from_request_parts(&mut parts, &()).await;
    let Some(id) = file.as_ref().ok().and_then(|f| f.strip_suffix(".svg")) else {
        return problem(StatusCode::NOT_FOUND, "NOT_FOUND", "charts end in `.svg`");
    };
    if !is_goal_id(id) {
        return problem(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "id: not a valid Goal ID",
        );
    }
    let lang = Query::<ChartParams>::try_from_uri(&parts.uri)
        .ok()
        .and_then(|Query(params)| params.lang);
    let headers = &parts.headers;
    let auth = verifier.authenticate(header_text(headers, header::AUTHORIZATION));
    let request_id = header_text(headers, "x-request-id")
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let span = tracing::info_span!("chart", request_id = %request_id, operation = "GoalChart");
    let query = async_graphql::Request::new(GOAL_CHART)
        .operation_name("GoalChart")
        .variables(async_graphql::Variables::from_json(
            serde_json::json!({ "id": id }),
        ));
    let response = alliance_graphql::execute(schema, store, query, auth, request_id)
        .instrument(span)
        .await;
    if let Some(error) = response.errors.first() {
        return from_graphql(error);
    }
    let reply = match serde_json::from_value::<Reply>(response.data.into_json().unwrap_or_default())
    {
        Ok(reply) => reply,
        Err(error) => {
            tracing::error!(%error, "the chart's query answered in an unexpected shape");
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            );
        }
    };
    let Some(goal) = reply.node.filter(|g| g.own_words.is_some()) else {
        return problem(StatusCode::NOT_FOUND, "NOT_FOUND", "goal not found");
    };
    let preferred = reply
        .viewer
        .and_then(|v| v.person)
        .map(|p| p.preferred_language);
    let language = negotiate(lang.as_deref(), headers, preferred.as_deref());
    svg_response(goal.draw(language))
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

/// Whether `id` is a Goal's global ID (`base64url("Goal:<uuid>")`).
fn is_goal_id(id: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')) else {
        return false;
    };
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| text.strip_prefix("Goal:"))
        .is_some_and(|uuid| uuid::Uuid::parse_str(uuid).is_ok())
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
        let observations: Vec<Observation> = progress
            .nodes
            .iter()
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
