//! The HTTP service: `/graphql` (GraphiQL in a browser, queries over GET, everything
//! over POST), `/healthz` and `/readyz`.
//!
//! Every request to `/graphql` and `/charts` passes the [`guard`] first: it verifies the
//! token once and takes the request from the caller's rate-limit bucket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use alliance_graphql::Authentication;
use alliance_graphql::{AppSchema, Limits};
use alliance_store::Store;
use anyhow::Context;
use async_graphql::BatchRequest;
use async_graphql::ParseRequestError;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse};
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tracing::Instrument;

use crate::limits::{HttpLimits, SubjectLimiter};
use crate::tokens::Verifier;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the service needs to run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    pub store: Store,
    pub verifier: Verifier,
    pub limits: Limits,
    /// Rate, time and batch limits.
    pub http: HttpLimits,
    /// Serve GraphiQL to browsers (off in production).
    pub graphiql: bool,
}

struct AppState {
    graphiql: bool,
    schema: AppSchema,
    store: Store,
    verifier: Verifier,
    limiter: SubjectLimiter,
    http: HttpLimits,
    /// A turn to run: `http.max_running` of them (those taken are the requests running).
    turns: tokio::sync::Semaphore,
    /// The most GraphQL requests that have run at once.
    running_peak: AtomicUsize,
    /// GraphQL requests answered (each operation of a batch counts).
    requests: std::sync::atomic::AtomicU64,
}

/// Who is calling, as the guard found them.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    pub auth: Authentication,
    /// Their rate-limit bucket: the token's district and subject, or for a request
    /// without a valid token, its peer address.
    bucket: String,
}

/// A bound, ready-to-run service.
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// Registered when the application is built, so a signal that arrives as soon as
    /// the service says it is listening still stops it gracefully.
    stop: StopSignals,
    /// How long requests in flight may take to finish once a stop is asked for.
    grace: std::time::Duration,
}

impl Application {
    /// Binds the listener and builds the routes.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("listening on {}", settings.listen))?;
        let state = Arc::new(AppState {
            graphiql: settings.graphiql,
            schema: alliance_graphql::build_schema(settings.limits),
            store: settings.store,
            verifier: settings.verifier,
            limiter: SubjectLimiter::new(settings.http.rate),
            http: settings.http,
            turns: tokio::sync::Semaphore::new(turns(&settings.http)),
            running_peak: AtomicUsize::new(0),
            requests: std::sync::atomic::AtomicU64::new(0),
        });
        let grace = settings.http.request_timeout + std::time::Duration::from_secs(5);
        Ok(Self {
            listener,
            router: router(state),
            stop: StopSignals::register().context("listening for stop signals")?,
            grace,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serves until ctrl-c or SIGTERM, finishing requests in flight.
    ///
    /// Once stopping, no new connection is accepted and requests in flight are finished;
    /// a client that has not finished its request within the grace period (the request
    /// time limit and 5 s) is cut off, so a stalled client cannot keep the process up.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let (stopping, mut stopped) = tokio::sync::watch::channel(false);
        let stop = self.stop;
        let serve = axum::serve(self.listener, service).with_graceful_shutdown(async move {
            stop.wait().await;
            tracing::info!("stopping: finishing the requests in flight");
            let _ = stopping.send(true);
        });
        let grace = self.grace;
        let cut_off = async move {
            if stopped.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = serve.into_future() => served,
            () = cut_off => {
                tracing::warn!(?grace, "stopped with requests still open after the grace period");
                Ok(())
            }
        }
    }
}

fn router(state: Arc<AppState>) -> Router {
    let guarded = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route(
            "/charts/goals/{file}",
            get(
                |State(state): State<Arc<AppState>>,
                 Extension(caller): Extension<Caller>,
                 request: axum::extract::Request| async move {
                    crate::charts::goal_chart(&state.schema, &state.store, caller.auth, request)
                        .await
                },
            ),
        )
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), guard));
    Router::new()
        .merge(guarded)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How many turns to run there are.
fn turns(http: &HttpLimits) -> usize {
    http.max_running
        .get()
        .min(tokio::sync::Semaphore::MAX_PERMITS)
}

impl AppState {
    /// GraphQL requests running now: the turns taken.
    fn running(&self) -> usize {
        turns(&self.http) - self.turns.available_permits()
    }
}

/// Counters in Prometheus' text format: requests served, SQL statements run and write
/// transactions committed, and requests running. They hold no names and no ids, only
/// totals.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let requests = state.requests.load(Ordering::Relaxed);
    let running = state.running();
    let peak = state.running_peak.load(Ordering::Relaxed);
    let statements = state.store.statement_count();
    let commits = state.store.commit_count();
    let body = format!(
        "# HELP alliance_graphql_requests_total GraphQL requests answered.\n\
         # TYPE alliance_graphql_requests_total counter\n\
         alliance_graphql_requests_total {requests}\n\
         # HELP alliance_sql_statements_total SQL statements run.\n\
         # TYPE alliance_sql_statements_total counter\n\
         alliance_sql_statements_total {statements}\n\
         # HELP alliance_sql_commits_total Write transactions committed (SQLite: group commits).\n\
         # TYPE alliance_sql_commits_total counter\n\
         alliance_sql_commits_total {commits}\n\
         # HELP alliance_graphql_requests_running GraphQL requests running now (at most --max-running).\n\
         # TYPE alliance_graphql_requests_running gauge\n\
         alliance_graphql_requests_running {running}\n\
         # HELP alliance_graphql_requests_running_peak The most GraphQL requests that have run at once.\n\
         # TYPE alliance_graphql_requests_running_peak gauge\n\
         alliance_graphql_requests_running_peak {peak}\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// Verifies the caller's token and takes one request from their bucket; a caller whose
/// bucket is empty gets `RATE_LIMITED` with HTTP 429 and `Retry-After`.
async fn guard(
    State(state): State<Arc<AppState>>,
    mut request: axum::extract::Request,
    next: Next,
) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let auth = state.verifier.authenticate(authorization);
    let bucket = match &auth {
        Authentication::Verified(credentials) => {
            format!("{}/{}", credentials.district, credentials.subject)
        }
        _ => {
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
                .unwrap_or_default();
            format!("peer {peer}")
        }
    };
    if let Err(wait) = state.limiter.take(&bucket, 1) {
        return rate_limited(wait);
    }
    request.extensions_mut().insert(Caller { auth, bucket });
    next.run(request).await
}

fn rate_limited(wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let body = serde_json::json!({ "errors": [{
        "message": format!("too many requests; try again in {seconds} s"),
        "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": seconds },
    }] });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, seconds.to_string())],
        axum::Json(body),
    )
        .into_response()
}

async fn graphql_post(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
) -> Response {
    match request.map(GraphQLBatchRequest::into_inner) {
        Ok(BatchRequest::Single(request)) => execute(&state, caller, &headers, request).await,
        Ok(BatchRequest::Batch(requests)) => {
            execute_batch(&state, caller, &headers, requests).await
        }
        Err(GraphQLRejection(ParseRequestError::PayloadTooLarge)) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 1 MiB",
        )
            .into_response(),
        Err(GraphQLRejection(ParseRequestError::InvalidRequest(error))) => {
            bad_request(&format!("the body is not a GraphQL request: {error}"))
        }
        Err(_) => bad_request("the body is not a GraphQL request"),
    }
}

/// The parameters of a GraphQL request over GET (GraphQL over HTTP).
#[derive(Debug, Deserialize)]
struct GetRequest {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    /// JSON text.
    variables: Option<String>,
}

/// A browser gets GraphiQL; a `?query=` runs a query (never a mutation: GET must be safe).
async fn graphql_get(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    params: Result<Query<GetRequest>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("could not read the query string");
    };
    let Some(query) = params.query else {
        if !state.graphiql {
            return (StatusCode::NOT_FOUND, "GraphiQL is off in production").into_response();
        }
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Alliance")
                .finish(),
        )
        .into_response();
    };
    let mut request = async_graphql::Request::new(query);
    if let Some(name) = params.operation_name.filter(|n| !n.is_empty()) {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables.filter(|v| !v.is_empty()) {
        match serde_json::from_str(&variables) {
            Ok(json) => request = request.variables(async_graphql::Variables::from_json(json)),
            Err(error) => return bad_request(&format!("`variables` is not JSON: {error}")),
        }
    }
    if is_mutation(&request) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "mutations need POST",
        )
            .into_response();
    }
    execute(&state, caller, &headers, request).await
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::OperationType;
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    document.operations.iter().any(|(name, op)| {
        let chosen = match (&request.operation_name, name) {
            (Some(wanted), Some(name)) => wanted.as_str() == name.as_str(),
            _ => true,
        };
        chosen && op.node.ty != OperationType::Query
    })
}

fn bad_request(message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_USER_INPUT" } }] });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// Runs a batch, when batching is on and the batch is within its limit; each operation
/// in it counts against the caller's rate limit and runs in turn, as its own request.
async fn execute_batch(
    state: &AppState,
    caller: Caller,
    headers: &HeaderMap,
    requests: Vec<async_graphql::Request>,
) -> Response {
    let max = state.http.max_batch;
    if max == 0 {
        return bad_request(
            "batched requests are not accepted here; send one operation per request",
        );
    }
    if requests.is_empty() || requests.len() > max {
        return bad_request(&format!(
            "a batch holds from 1 to {max} operations; this one holds {}",
            requests.len()
        ));
    }
    let more = u32::try_from(requests.len() - 1).unwrap_or(u32::MAX);
    if more > 0
        && let Err(wait) = state.limiter.take(&caller.bucket, more)
    {
        return rate_limited(wait);
    }
    let request_id = uuid::Uuid::now_v7().to_string();
    let run = async {
        let mut responses = Vec::with_capacity(requests.len());
        for request in requests {
            let span = request_span(&request_id, headers, &request);
            let response = alliance_graphql::execute(
                &state.schema,
                &state.store,
                request,
                caller.auth.clone(),
                request_id.clone(),
            )
            .instrument(span)
            .await;
            responses.push(response);
        }
        async_graphql::BatchResponse::Batch(responses)
    };
    respond(state, &request_id, run).await
}

/// Runs a GraphQL request as the caller. The request id is always the server's own (the
/// audit log must not carry ids a client chose); a client's `x-request-id` is kept in
/// the logs beside it, and the response names the server's id.
async fn execute(
    state: &AppState,
    caller: Caller,
    headers: &HeaderMap,
    request: async_graphql::Request,
) -> Response {
    let request_id = uuid::Uuid::now_v7().to_string();
    let span = request_span(&request_id, headers, &request);
    let run = alliance_graphql::execute(
        &state.schema,
        &state.store,
        request,
        caller.auth,
        request_id.clone(),
    )
    .instrument(span);
    respond(state, &request_id, async { run.await.into() }).await
}

/// Runs `work` within the request timeout and answers with its response and our
/// request id. Past the timeout the work is dropped: a transaction it had open rolls
/// back (a write already sent as a single statement may still commit), and the caller
/// gets `TIMEOUT` (HTTP 503) and nothing else.
async fn respond(
    state: &AppState,
    request_id: &str,
    work: impl Future<Output = async_graphql::BatchResponse>,
) -> Response {
    let limit = state.http.request_timeout;
    let run = async {
        // Past `max_running`, requests wait here for a turn (the semaphore is first come,
        // first served). The turn is held until the answer is serialized.
        let _turn = state.turns.acquire().await;
        state
            .running_peak
            .fetch_max(state.running(), Ordering::Relaxed);
        let response = work.await;
        let answered = match &response {
            async_graphql::BatchResponse::Single(_) => 1,
            async_graphql::BatchResponse::Batch(all) => all.len() as u64,
        };
        (answered, GraphQLResponse::from(response).into_response())
    };
    let mut response = match tokio::time::timeout(limit, run).await {
        Ok((answered, response)) => {
            state.requests.fetch_add(answered, Ordering::Relaxed);
            response
        }
        Err(_) => {
            tracing::warn!(request_id, ?limit, "request stopped at the time limit");
            let body = serde_json::json!({ "errors": [{
                "message": format!("the request took longer than {} ms and was stopped", limit.as_millis()),
                "extensions": { "code": "TIMEOUT" },
            }] });
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
        }
    };
    if let Ok(value) = header::HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

fn request_span(
    request_id: &str,
    headers: &HeaderMap,
    request: &async_graphql::Request,
) -> tracing::Span {
    let client_request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| id.len() <= 128)
        .unwrap_or_default();
    tracing::info_span!(
        "graphql",
        request_id = %request_id,
        client_request_id = %client_request_id,
        operation = request.operation_name.as_deref().unwrap_or("")
    )
}

/// SIGINT (ctrl-c) and SIGTERM, listened for from the moment they are registered.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn register() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {},
            _ = self.terminate.recv() => {},
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
