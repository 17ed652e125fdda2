//! The `alliance` binary as a child process: a database to serve (a SQLite file, or a
//! fresh PostgreSQL database), a server stopped when dropped, signals, tokens and
//! GraphQL over HTTP. Logs stay quiet unless `TEST_LOG` is set.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alliance_store::testing::{DATABASE_URL_VAR, TestDatabase};
use secrecy::SecretString;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_alliance");

/// The secret the servers trust and the tokens are signed with.
const SECRET: &str = "a-durability-test-secret-of-forty-characters";

/// Where a server keeps its data: the data directory and, on PostgreSQL, the database.
pub struct Database {
    dir: tempfile::TempDir,
    postgres: Option<TestDatabase>,
}

impl Database {
    /// A SQLite file in a new data directory.
    pub fn sqlite() -> Database {
        Database {
            dir: tempfile::tempdir().expect("tempdir"),
            postgres: None,
        }
    }

    /// A new database on the server `ALLIANCE_TEST_DATABASE_URL` names, dropped with this
    /// value; `None` when the variable is not set.
    pub fn postgres() -> Option<Database> {
        std::env::var(DATABASE_URL_VAR)
            .ok()
            .filter(|url| !url.trim().is_empty())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Some(Database {
            dir: tempfile::tempdir().expect("tempdir"),
            postgres: Some(runtime.block_on(TestDatabase::new())),
        })
    }

    /// `alliance` with `args`, on this database, trusting [`SECRET`].
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .arg("--data-dir")
            .arg(self.dir.path())
            .env("ALLIANCE_JWT_SECRET", SECRET)
            .env_remove("ALLIANCE_JWT_PUBLIC_KEY_FILE")
            .env_remove("ALLIANCE_LISTEN")
            .env_remove("ALLIANCE_ENV")
            .env_remove("RUST_LOG_FORMAT")
            .env("RUST_LOG", "info");
        match &self.postgres {
            Some(database) => command.env("DATABASE_URL", &database.url),
            None => command.env_remove("DATABASE_URL"),
        };
        command
    }
}

/// A running `alliance serve --demo`, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts a server on a free port and waits until it listens.
    pub fn start(database: &Database) -> Server {
        Server::start_with(database, &[])
    }

    /// Starts a server with `extra` arguments to `serve`.
    pub fn start_with(database: &Database, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--demo", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = database
            .command(&args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start alliance serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (sender, receiver) = std::sync::mpsc::channel();
        let kept = Arc::clone(&log);
        let echo = std::env::var_os("TEST_LOG").is_some();
        // Reads the log to the end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if echo {
                    eprintln!("[alliance] {line}");
                }
                if let Some(at) = line.find("http://127.0.0.1:") {
                    let url: String = line[at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                    let _ = sender.send(url);
                }
                if let Ok(mut kept) = kept.lock() {
                    kept.push(line);
                }
            }
        });
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            url: String::new(),
            log,
        };
        server.url = receiver
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("serve never listened:\n{}", server.log()));
        server.addr = server
            .url
            .trim_start_matches("http://")
            .trim_end_matches("/graphql")
            .parse()
            .expect("the logged address");
        server
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub fn sigkill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// SIGTERM: asks the server to stop.
    pub fn sigterm(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits for the process to end; panics if it has not within `limit`.
    pub fn exit_status(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {limit:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bearer token for the demo district, valid for an hour.
pub fn token(subject: &str, role: &str) -> String {
    let claims = alliance_server::tokens::claims(
        "alliance",
        "alliance",
        subject,
        "demo",
        vec![role.to_owned()],
        vec![],
        Duration::from_secs(3600),
    );
    alliance_server::tokens::mint(&SecretString::from(SECRET.to_owned()), &claims)
        .expect("mint a token")
}

/// A GraphQL client of one server, with one token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    url: String,
    token: String,
}

impl Client {
    pub fn new(server: &Server, token: &str) -> Client {
        Client {
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            url: server.url.clone(),
            token: token.to_owned(),
        }
    }

    /// POSTs a request; an error is one of transport (no complete HTTP response).
    pub fn post(&self, query: &str, variables: Value) -> reqwest::Result<(u16, Value)> {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()?;
        let status = response.status().as_u16();
        Ok((status, response.json()?))
    }

    /// The `data` of a request that must succeed.
    pub fn data(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(query, variables).expect("request");
        assert!(
            status == 200 && body.get("errors").is_none(),
            "{status} {body}"
        );
        body["data"].clone()
    }

    /// Every node of a connection, page by page. `query` takes `$after: String` and
    /// `path` leads from `data` to the connection.
    pub fn every_node(&self, query: &str, variables: Value, path: &[&str]) -> Vec<Value> {
        let mut nodes = Vec::new();
        let mut after = Value::Null;
        loop {
            let mut page_variables = variables.clone();
            page_variables["after"] = after;
            let data = self.data(query, page_variables);
            let connection = path.iter().fold(&data, |value, key| &value[*key]);
            nodes.extend(
                connection["nodes"]
                    .as_array()
                    .unwrap_or_else(|| panic!("no connection at {path:?}: {data}"))
                    .iter()
                    .cloned(),
            );
            if connection["pageInfo"]["hasNextPage"] != true {
                return nodes;
            }
            after = connection["pageInfo"]["endCursor"].clone();
        }
    }
}

/// Waits until `done` holds, checking every 20 ms; panics with `what` after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?}: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
