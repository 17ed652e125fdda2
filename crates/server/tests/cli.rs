//! The `alliance` binary as a new user meets it: `serve --demo` on a fresh data
//! directory, a token from `alliance token`, a first query, and the other commands.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_alliance");

fn alliance(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ALLIANCE_JWT_SECRET")
        .env_remove("ALLIANCE_LISTEN")
        .env_remove("RUST_LOG_FORMAT")
        .env("RUST_LOG", "info");
    command
}

fn run(data_dir: &Path, args: &[&str]) -> String {
    let output = alliance(data_dir, args).output().expect("run alliance");
    assert!(
        output.status.success(),
        "alliance {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// A running `alliance serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data_dir: &Path) -> Server {
    serve_with(data_dir, &[])
}

fn serve_with(data_dir: &Path, extra: &[&str]) -> Server {
    let mut args = vec!["serve", "--demo", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut child = alliance(data_dir, &args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start alliance serve");
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://127.0.0.1:") {
                let url: String = line[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let _ = sender.send(url);
            }
        }
    });
    let url = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("serve logs the URL it listens on");
    Server { child, url }
}

fn query(url: &str, token: &str, query: &str) -> Value {
    let client = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match client
            .post(url)
            .bearer_auth(token)
            .json(&json!({ "query": query }))
            .send()
        {
            Ok(response) => return response.json().expect("json"),
            Err(error) if Instant::now() < deadline => {
                eprintln!("retrying: {error}");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(error) => panic!("{error}"),
        }
    }
}

#[test]
fn serve_demo_and_token_work_together_on_a_fresh_machine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("alliance-data");

    let server = serve(&data_dir);
    assert!(server.url.ends_with("/graphql"), "{}", server.url);
    assert!(
        data_dir.join("alliance.db").exists(),
        "the SQLite file is created in the data directory"
    );
    assert!(
        data_dir.join("jwt-secret").exists(),
        "a development secret is generated and kept"
    );

    let token = run(
        &data_dir,
        &["token", "--district", "demo", "--role", "DISTRICT_ADMIN"],
    );
    let response = query(
        &server.url,
        token.trim(),
        "{ viewer { district { slug } } students { totalCount } }",
    );
    assert_eq!(
        response["data"]["viewer"]["district"]["slug"], "demo",
        "{response}"
    );
    let students = response["data"]["students"]["totalCount"]
        .as_u64()
        .expect("count");
    assert!(
        students >= 20,
        "the demo has at least 20 students, found {students}"
    );
    drop(server);

    // Serving again keeps the same secret (the old token still works) and loads nothing twice.
    let server = serve(&data_dir);
    let again = query(&server.url, token.trim(), "{ students { totalCount } }");
    assert_eq!(
        again["data"]["students"]["totalCount"].as_u64(),
        Some(students),
        "{again}"
    );
}

#[test]
fn district_create_migrate_and_schema_do_what_they_say() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    assert!(run(&data_dir, &["migrate"]).contains("migrations applied"));
    assert!(
        run(
            &data_dir,
            &[
                "district",
                "create",
                "north-valley",
                "--name",
                "North Valley Schools"
            ]
        )
        .contains("north-valley")
    );
    let duplicate = alliance(
        &data_dir,
        &["district", "create", "north-valley", "--name", "Again"],
    )
    .output()
    .expect("run");
    assert!(!duplicate.status.success(), "a taken slug is refused");
    let bad_role = alliance(
        &data_dir,
        &["token", "--district", "north-valley", "--role", "KING"],
    )
    .output()
    .expect("run");
    assert!(!bad_role.status.success(), "an unknown role is refused");

    let sdl = Command::new(BIN).arg("schema").output().expect("schema");
    let checked_in =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema.graphql"))
            .expect("schema.graphql");
    assert_eq!(String::from_utf8_lossy(&sdl.stdout), checked_in);
}

#[test]
fn with_only_an_identity_providers_key_no_local_secret_is_made_or_trusted() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys");
    let public = keys.join("rsa-public.pem");
    let server = serve_with(
        &data_dir,
        &["--jwt-public-key-file", public.to_str().expect("path")],
    );
    assert!(
        !data_dir.join("jwt-secret").exists(),
        "no development secret beside a real identity provider"
    );

    let minting = alliance(
        &data_dir,
        &["token", "--district", "demo", "--role", "DISTRICT_ADMIN"],
    )
    .arg("--jwt-public-key-file")
    .arg(&public)
    .output()
    .expect("run");
    assert!(
        !minting.status.success(),
        "nothing to sign development tokens with"
    );

    let claims = alliance_server::tokens::claims(
        "alliance",
        "alliance",
        "idp-admin",
        "demo",
        vec!["DISTRICT_ADMIN".into()],
        vec![],
        Duration::from_secs(600),
    );
    let private =
        EncodingKey::from_rsa_pem(&std::fs::read(keys.join("rsa-private.pem")).expect("key"))
            .expect("rsa");
    let token = encode(&Header::new(Algorithm::RS256), &claims, &private).expect("sign");
    let response = query(&server.url, &token, "{ viewer { subject } }");
    assert_eq!(
        response["data"]["viewer"]["subject"], "idp-admin",
        "{response}"
    );

    let forged =
        alliance_server::tokens::mint(&secrecy::SecretString::from("x".repeat(40)), &claims)
            .expect("mint");
    let refused = query(&server.url, &forged, "{ viewer { subject } }");
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
}

#[test]
fn production_refuses_a_generated_secret_and_hides_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let refused = alliance(
        &data_dir,
        &["serve", "--listen", "127.0.0.1:0", "--env", "production"],
    )
    .output()
    .expect("run");
    assert!(
        !refused.status.success(),
        "no production service on a development secret"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refusing to start in production"));
    assert!(!data_dir.join("jwt-secret").exists());

    let secret = "a-production-secret-of-at-least-32-chars!";
    let mut child = alliance(
        &data_dir,
        &["serve", "--listen", "127.0.0.1:0", "--env", "production"],
    )
    .env("ALLIANCE_JWT_SECRET", secret)
    .stderr(Stdio::piped())
    .stdout(Stdio::null())
    .spawn()
    .expect("start");
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://127.0.0.1:") {
                let _ = sender.send(
                    line[at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect::<String>(),
                );
            }
        }
    });
    let url = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("listening");
    let server = Server { child, url };

    let claims = alliance_server::tokens::claims(
        "alliance",
        "alliance",
        "admin",
        "nowhere",
        vec!["DISTRICT_ADMIN".into()],
        vec![],
        Duration::from_secs(600),
    );
    let token =
        alliance_server::tokens::mint(&secrecy::SecretString::from(secret.to_owned()), &claims)
            .expect("mint");
    let introspection = query(&server.url, &token, "{ __schema { types { name } } }");
    assert!(
        introspection["data"]["__schema"].is_null(),
        "no introspection in production: {introspection}"
    );
    let typo = query(&server.url, &token, "{ studnts { totalCount } }");
    let message = typo["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        !message.contains("Did you mean"),
        "no suggestions in production: {message}"
    );
    let page = reqwest::blocking::Client::new()
        .get(&server.url)
        .header("accept", "text/html")
        .send()
        .expect("get");
    assert_eq!(
        page.status(),
        reqwest::StatusCode::NOT_FOUND,
        "no GraphiQL in production"
    );
}

#[test]
fn seed_synthetic_loads_a_district_of_that_size_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let first = run(&data_dir, &["seed", "--synthetic", "20"]);
    assert!(
        first.contains("synthetic district `synthetic` with 20 students in 1 school,"),
        "{first}"
    );
    assert!(first.contains("progress_entries"), "rows by table: {first}");
    let again = run(&data_dir, &["seed", "--synthetic", "20"]);
    assert!(again.contains("already loaded"), "{again}");
    let none = alliance(&data_dir, &["seed", "--synthetic", "0"])
        .output()
        .expect("run");
    assert!(!none.status.success(), "no district of no students");
}
