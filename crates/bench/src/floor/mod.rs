//! The floor: a benchmark-only server that answers the dashboard query
//! (`queries/dashboard.graphql`) with exactly the JSON Alliance gives, from hand-written
//! SQL over the same pool (`Store::connect`) and serde, with no GraphQL in between. It
//! verifies the bearer token as Alliance does, scopes to the STAFF viewer's alliances
//! and writes the same audit events, so the two do the same work and Alliance's
//! dashboard throughput can be read as a share of the floor's.

mod audit;
mod dashboard;
mod details;
mod json;
mod load;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use alliance_domain::values::Role;
use alliance_graphql::{Authentication, Credentials};
use alliance_server::config::{DatabaseArgs, JwtArgs};
use alliance_server::tokens::Verifier;
use alliance_store::Store;
use anyhow::Context;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

/// The dashboard query: what the runner sends to Alliance and to the floor.
pub const DASHBOARD: &str = include_str!("../../queries/dashboard.graphql");

/// `alliance-bench floor`: where to listen, and the same database and token settings as
/// `alliance serve`.
#[derive(clap::Args, Debug)]
pub struct FloorArgs {
    /// Address to listen on (port 0 picks a free one; the log line names it).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    jwt: JwtArgs,
}

struct Floor {
    store: Store,
    verifier: Verifier,
    answered: AtomicU64,
}

/// Serves the floor until the process is stopped.
pub async fn serve(args: FloorArgs) -> anyhow::Result<()> {
    // Quiet unless asked: `RUST_LOG=alliance_store::sql=trace` shows every statement
    // with its time, as it does for Alliance.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let url = args.database.url()?;
    let store = Store::connect(&url)
        .await
        .context("connecting to the database")?;
    let verifier = args.jwt.verifier(&args.database.data_dir)?;
    let floor = Arc::new(Floor {
        store,
        verifier,
        answered: AtomicU64::new(0),
    });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    eprintln!("the floor is listening on http://{addr}/graphql");
    let app = Router::new()
        .route("/graphql", post(graphql))
        .route("/metrics", get(metrics))
        .with_state(floor);
    axum::serve(listener, app).await.context("serving")
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message }] });
    (status, Json(body)).into_response()
}

#[derive(serde::Deserialize)]
struct GraphqlRequest<'a> {
    #[serde(borrow)]
    query: std::borrow::Cow<'a, str>,
}

async fn graphql(State(floor): State<Arc<Floor>>, headers: HeaderMap, body: Bytes) -> Response {
    let asks_for_dashboard = serde_json::from_slice::<GraphqlRequest>(&body)
        .is_ok_and(|request| request.query == DASHBOARD);
    if !asks_for_dashboard {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the floor answers only queries/dashboard.graphql",
        );
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let credentials = match floor.verifier.authenticate(authorization) {
        Authentication::Verified(credentials) => credentials,
        Authentication::Anonymous => return refuse(StatusCode::UNAUTHORIZED, "sign in"),
        Authentication::Invalid(why) => return refuse(StatusCode::UNAUTHORIZED, &why),
    };
    let Some(roles) = staff_roles(&credentials) else {
        return refuse(StatusCode::FORBIDDEN, "the floor serves STAFF viewers only");
    };
    match answer(&floor.store, &credentials, &roles).await {
        Ok(Some(body)) => {
            floor.answered.fetch_add(1, Ordering::Relaxed);
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Ok(None) => refuse(
            StatusCode::UNAUTHORIZED,
            "the token's district is not known",
        ),
        Err(error) => {
            eprintln!("the floor failed: {error}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// The token's roles as the audit log writes them, if they are a STAFF member's only:
/// other roles reach further than the floor's scope does.
fn staff_roles(credentials: &Credentials) -> Option<String> {
    let roles: Vec<Role> = credentials
        .roles
        .iter()
        .map(|r| r.parse().ok())
        .collect::<Option<_>>()?;
    roles.iter().all(|r| *r == Role::Staff).then(|| {
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    })
}

async fn answer(
    store: &Store,
    credentials: &Credentials,
    roles: &str,
) -> Result<Option<Vec<u8>>, sea_orm::DbErr> {
    let db = store.db();
    let Some((body, viewer, read)) =
        dashboard::answer(store, &credentials.district, &credentials.subject).await?
    else {
        return Ok(None);
    };
    let reader = audit::Reader {
        district: viewer.district,
        subject: &credentials.subject,
        roles,
    };
    audit::record_reads(db, &reader, &read).await?;
    Ok(Some(body))
}

/// The floor's own counters, in the names Alliance's `/metrics` uses, so the runner
/// reads both alike.
async fn metrics(State(floor): State<Arc<Floor>>) -> Response {
    let answered = floor.answered.load(Ordering::Relaxed);
    let statements = floor.store.statement_count();
    let body = format!(
        "# TYPE alliance_graphql_requests_total counter\n\
         alliance_graphql_requests_total {answered}\n\
         # TYPE alliance_sql_statements_total counter\n\
         alliance_sql_statements_total {statements}\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
