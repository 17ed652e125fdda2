//! The end-to-end harness: `spawn_app()` starts the real server on a random port over a
//! fresh database (SQLite, or PostgreSQL when `ALLIANCE_TEST_DATABASE_URL` is set), and
//! `app.graphql(query, variables, token)` speaks to it over HTTP with real tokens.

pub mod fixture;

use std::net::SocketAddr;
use std::sync::Once;
use std::time::Duration;

use alliance_graphql::Limits;
use alliance_server::tokens::{self, Claims, Verifier};
use alliance_server::{Application, HttpLimits, Settings};
use alliance_store::Store;
use alliance_store::testing::TestDatabase;
use secrecy::SecretString;
use serde_json::{Value, json};

pub use fixture::Fixture;

/// The secret the test server trusts.
pub const SECRET: &str = "an-end-to-end-test-secret-of-forty-characters";
pub const ISSUER: &str = "alliance";
pub const AUDIENCE: &str = "alliance";

/// A running server and the database behind it.
pub struct TestApp {
    pub address: String,
    pub store: Store,
    client: reqwest::Client,
    _database: TestDatabase,
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            alliance_server::telemetry::init();
        }
    });
}

/// Starts the server on a random port with a fresh, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Limits::default(), HttpLimits::default()).await
}

/// Starts the server with the given query and HTTP limits.
pub async fn spawn_app_with(limits: Limits, http: HttpLimits) -> TestApp {
    init_logs();
    let database = TestDatabase::new().await;
    let store = database.store().await;
    let secret = SecretString::from(SECRET.to_owned());
    let verifier = Verifier::new(Some(&secret), None, ISSUER, AUDIENCE).expect("verifier");
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let app = Application::build(Settings {
        listen,
        store: store.clone(),
        verifier,
        limits,
        http,
        graphiql: true,
    })
    .await
    .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    TestApp {
        address,
        store,
        client,
        _database: database,
    }
}

/// Who a token speaks for.
#[derive(Clone, Debug)]
pub struct TokenFor<'a> {
    pub subject: &'a str,
    pub district: &'a str,
    pub roles: &'a [&'a str],
    pub schools: Vec<String>,
}

impl TestApp {
    /// A valid token for 1 hour.
    pub fn token(&self, who: TokenFor<'_>) -> String {
        self.token_with(who, |_| {})
    }

    /// A token whose claims `adjust` may spoil (expire them, change the audience).
    pub fn token_with(&self, who: TokenFor<'_>, adjust: impl FnOnce(&mut Claims)) -> String {
        let roles = who.roles.iter().map(|r| (*r).to_owned()).collect();
        let mut claims = tokens::claims(
            ISSUER,
            AUDIENCE,
            who.subject,
            who.district,
            roles,
            who.schools,
            Duration::from_secs(3600),
        );
        adjust(&mut claims);
        tokens::mint(&SecretString::from(SECRET.to_owned()), &claims).expect("mint")
    }

    /// POSTs a GraphQL request and returns the JSON response.
    pub async fn graphql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send");
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("json body")
    }

    /// A plain GET of `path`.
    pub async fn get(&self, path: &str, accept: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("accept", accept)
            .send()
            .await
            .expect("send")
    }

    /// The raw client, for requests the helpers do not cover.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

/// Asserts the response has no errors and returns its data.
pub fn data(response: &Value) -> &Value {
    assert!(
        response.get("errors").is_none(),
        "unexpected errors: {response:#}"
    );
    &response["data"]
}
