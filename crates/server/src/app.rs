//! The HTTP service: `/graphql` (GraphiQL in a browser, queries over GET, everything
//! over POST), `/healthz` and `/readyz`.

use std::net::SocketAddr;
use std::sync::Arc;

use alliance_graphql::{AppSchema, Limits};
use alliance_store::Store;
use anyhow::Context;
use async_graphql::ParseRequestError;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tracing::Instrument;

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
    /// Serve GraphiQL to browsers (off in production).
    pub graphiql: bool,
}

struct AppState {
    graphiql: bool,
    schema: AppSchema,
    store: Store,
    verifier: Verifier,
}

/// A bound, ready-to-run service.
pub struct Application {
    listener: TcpListener,
    router: Router,
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
        });
        Ok(Self {
            listener,
            router: router(state),
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
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/charts/goals/{file}",
            get(
                |State(state): State<Arc<AppState>>, request: axum::extract::Request| async move {
                    crate::charts::goal_chart(&state.schema, &state.store, &state.verifier, request)
                        .await
                },
            ),
        )
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

async fn graphql_post(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    match request {
        Ok(request) => execute(&state, &headers, request.into_inner())
            .await
            .into_response(),
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
    execute(&state, &headers, request).await
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

/// Runs a GraphQL request as the caller. The request id is always the server's own (the
/// audit log must not carry ids a client chose); a client's `x-request-id` is kept in
/// the logs beside it, and the response names the server's id.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    request: async_graphql::Request,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let auth = state.verifier.authenticate(authorization);
    let request_id = uuid::Uuid::now_v7().to_string();
    let client_request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| id.len() <= 128)
        .unwrap_or_default();
    let span = tracing::info_span!(
        "graphql",
        request_id = %request_id,
        client_request_id = %client_request_id,
        operation = request.operation_name.as_deref().unwrap_or("")
    );
    let response = alliance_graphql::execute(
        &state.schema,
        &state.store,
        request,
        auth,
        request_id.clone(),
    )
    .instrument(span)
    .await;
    let mut response = GraphQLResponse::from(response).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
