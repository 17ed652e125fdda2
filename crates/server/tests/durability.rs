//! What the service promises about writes when its process stops. Killed with SIGKILL
//! under concurrent writes, it keeps every write it acknowledged and no half-written
//! one, on SQLite and (when `ALLIANCE_TEST_DATABASE_URL` is set) on PostgreSQL. Stopped
//! with SIGTERM, it finishes the request it is reading, refuses new connections and
//! exits cleanly.

mod support;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Client, Database, Server, token, wait_until};

/// The `sub` of the writers' tokens, before their number: each writer is its own caller
/// (as the people of a district are), so no one of them reaches the per-subject rate limit.
const WRITER: &str = "durability-writer-";
/// The `sub` of the one who checks what was kept.
const READER: &str = "durability-reader";
/// Clients writing at the same time.
const WRITERS: usize = 8;
/// Acknowledged writes before the kill.
const WRITES_BEFORE_KILL: usize = 300;

const RECORD_PROGRESS: &str = "mutation Record($input: RecordProgressInput!) {
  recordProgress(input: $input) { progressEntry { id note } userErrors { code message } } }";
const UPDATE_GOAL: &str = "mutation Update($input: UpdateGoalInput!) {
  updateGoal(input: $input) { goal { id version ownWords } userErrors { code message } } }";
const GOAL_VERSION: &str = "query Version($id: ID!) { node(id: $id) { ... on Goal { version } } }";

#[test]
fn acknowledged_writes_survive_a_sigkill_on_sqlite() {
    writes_survive_a_sigkill(Database::sqlite(), "SQLite");
}

#[test]
fn acknowledged_writes_survive_a_sigkill_on_postgres() {
    match Database::postgres() {
        Some(database) => writes_survive_a_sigkill(database, "PostgreSQL"),
        None => eprintln!("ALLIANCE_TEST_DATABASE_URL is not set: PostgreSQL not tested"),
    }
}

/// A goal the writers change and the student whose audit log records it.
#[derive(Clone, Debug)]
struct Target {
    goal: String,
    student: String,
    version: i64,
}

/// Up to four demo goals, two per alliance, so writers meet on each goal.
fn targets(client: &Client) -> Vec<Target> {
    let data = client.data(
        "{ students(first: 10) { nodes { id alliance { goals(first: 2) { nodes { id version } } } } } }",
        json!({}),
    );
    let mut targets = Vec::new();
    for student in data["students"]["nodes"].as_array().expect("students") {
        for goal in student["alliance"]["goals"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            targets.push(Target {
                goal: goal["id"].as_str().expect("id").to_owned(),
                student: student["id"].as_str().expect("id").to_owned(),
                version: goal["version"].as_i64().expect("version"),
            });
        }
    }
    targets.truncate(4);
    assert_eq!(targets.len(), 4, "the demo has goals to write to: {data}");
    targets
}

fn by_writer(subject: &Value) -> bool {
    subject.as_str().is_some_and(|s| s.starts_with(WRITER))
}

/// What the writers were told was done.
#[derive(Default)]
struct Ledger {
    /// Progress entries acknowledged: id → (goal, note).
    progress: Mutex<HashMap<String, (String, String)>>,
    /// Goal changes acknowledged: (goal, version) → (writer, words).
    updates: Mutex<HashMap<(String, i64), (String, String)>>,
    acknowledged: AtomicUsize,
    conflicts: AtomicUsize,
    /// Requests that got no answer because the server was killed under them.
    cut_off: AtomicUsize,
    /// Set just before the kill: from then on, a request without an answer is expected.
    killing: AtomicBool,
    unexpected: Mutex<Vec<String>>,
}

enum Stop {
    CutOff,
    Unexpected(String),
}

impl Ledger {
    fn acknowledge(&self) {
        self.acknowledged.fetch_add(1, Ordering::SeqCst);
    }

    fn post(&self, client: &Client, query: &str, variables: Value) -> Result<Value, Stop> {
        match client.post(query, variables) {
            Ok((200, body)) => Ok(body),
            Ok((status, body)) => Err(Stop::Unexpected(format!("{status} {body}"))),
            Err(_) if self.killing.load(Ordering::SeqCst) => Err(Stop::CutOff),
            Err(error) => Err(Stop::Unexpected(format!("before the kill: {error}"))),
        }
    }
}

/// One client: records progress and changes goals in turn until the server goes away.
fn write_until_cut_off(writer: usize, client: Client, targets: Vec<Target>, ledger: &Ledger) {
    let mut versions: HashMap<String, i64> = targets
        .iter()
        .map(|t| (t.goal.clone(), t.version))
        .collect();
    let subject = format!("{WRITER}{writer}");
    for n in 0.. {
        let goal = &targets[(writer + n) % targets.len()].goal;
        let words = format!("{subject} write {n}");
        let written = if n % 2 == 0 {
            record_progress(&client, ledger, goal, &words)
        } else {
            update_goal(&client, ledger, (&subject, goal), &words, &mut versions)
        };
        match written {
            Ok(()) => {}
            Err(Stop::CutOff) => {
                ledger.cut_off.fetch_add(1, Ordering::SeqCst);
                return;
            }
            Err(Stop::Unexpected(what)) => {
                ledger.unexpected.lock().expect("lock").push(what);
                return;
            }
        }
    }
}

fn record_progress(client: &Client, ledger: &Ledger, goal: &str, note: &str) -> Result<(), Stop> {
    let variables = json!({ "input": { "goalId": goal, "note": note, "value": 1.5 } });
    let body = ledger.post(client, RECORD_PROGRESS, variables)?;
    let entry = &body["data"]["recordProgress"]["progressEntry"];
    if body.get("errors").is_some() || entry["note"] != note {
        return Err(Stop::Unexpected(format!("recordProgress: {body}")));
    }
    let id = entry["id"].as_str().expect("id").to_owned();
    let acknowledged = (goal.to_owned(), note.to_owned());
    ledger
        .progress
        .lock()
        .expect("lock")
        .insert(id, acknowledged);
    ledger.acknowledge();
    Ok(())
}

/// `writer` changes the goal's words from the version last seen, reloading it on
/// `CONFLICT`.
fn update_goal(
    client: &Client,
    ledger: &Ledger,
    (writer, goal): (&str, &str),
    words: &str,
    versions: &mut HashMap<String, i64>,
) -> Result<(), Stop> {
    for _ in 0..100 {
        let version = versions[goal];
        let variables =
            json!({ "input": { "goalId": goal, "version": version, "ownWords": words } });
        let body = ledger.post(client, UPDATE_GOAL, variables)?;
        let payload = &body["data"]["updateGoal"];
        if payload["userErrors"][0]["code"] == "CONFLICT" {
            ledger.conflicts.fetch_add(1, Ordering::SeqCst);
            let reloaded = ledger.post(client, GOAL_VERSION, json!({ "id": goal }))?;
            let current = reloaded["data"]["node"]["version"].as_i64();
            versions.insert(goal.to_owned(), current.expect("a version"));
            continue;
        }
        let changed = &payload["goal"];
        if body.get("errors").is_some() || changed["ownWords"] != words {
            return Err(Stop::Unexpected(format!("updateGoal: {body}")));
        }
        let version = changed["version"].as_i64().expect("version");
        versions.insert(goal.to_owned(), version);
        let key = (goal.to_owned(), version);
        let acknowledged = (writer.to_owned(), words.to_owned());
        ledger
            .updates
            .lock()
            .expect("lock")
            .insert(key, acknowledged);
        ledger.acknowledge();
        return Ok(());
    }
    Err(Stop::Unexpected(format!("{goal}: 100 conflicts in a row")))
}

/// What the database holds about one goal.
#[derive(Debug)]
struct Stored {
    version: i64,
    own_words: String,
    /// Revisions by version: (revised by, after).
    revisions: HashMap<i64, (String, Value)>,
    /// Progress entries: id → note.
    progress: HashMap<String, Value>,
}

fn stored(client: &Client, goal: &str) -> Stored {
    let data = client.data(
        "query Goal($id: ID!) { node(id: $id) { ... on Goal { version ownWords } } }",
        json!({ "id": goal }),
    );
    let revisions = client.every_node(
        "query Revisions($id: ID!, $after: String) { node(id: $id) { ... on Goal {
           revisions(first: 100, after: $after) {
             pageInfo { hasNextPage endCursor } nodes { version revisedBy after } } } } }",
        json!({ "id": goal }),
        &["node", "revisions"],
    );
    let progress = client.every_node(
        "query Progress($id: ID!, $after: String) { node(id: $id) { ... on Goal {
           progress(first: 100, after: $after) {
             pageInfo { hasNextPage endCursor } nodes { id note } } } } }",
        json!({ "id": goal }),
        &["node", "progress"],
    );
    Stored {
        version: data["node"]["version"].as_i64().expect("version"),
        own_words: data["node"]["ownWords"].as_str().expect("words").to_owned(),
        revisions: revisions
            .into_iter()
            .map(|r| {
                let version = r["version"].as_i64().expect("version");
                let by = r["revisedBy"].as_str().expect("revisedBy").to_owned();
                (version, (by, r["after"].clone()))
            })
            .collect(),
        progress: progress
            .into_iter()
            .map(|p| (p["id"].as_str().expect("id").to_owned(), p["note"].clone()))
            .collect(),
    }
}

/// The writers' changes in the audit log of `students`: (action, entity type, entity id).
fn audit_trail(client: &Client, students: &HashSet<String>) -> Vec<(String, String, String)> {
    let mut trail = HashMap::new();
    for student in students {
        let events = client.every_node(
            "query Audit($id: ID!, $after: String) {
               auditEvents(studentId: $id, first: 100, after: $after) {
                 pageInfo { hasNextPage endCursor }
                 nodes { id action entityType entityId subject } } }",
            json!({ "id": student }),
            &["auditEvents"],
        );
        // By id: the cursors are offsets into a list, newest first, that each page read
        // lengthens with its own READ event, so a page can repeat the previous one's last.
        trail.extend(
            events
                .into_iter()
                .filter(|e| by_writer(&e["subject"]) && e["action"] != "READ")
                .map(|e| {
                    let text = |key: &str| e[key].as_str().unwrap_or_default().to_owned();
                    (
                        text("id"),
                        (text("action"), text("entityType"), text("entityId")),
                    )
                }),
        );
    }
    trail.into_values().collect()
}

/// A goal whose version is not one more than its revisions, or whose words are not the
/// last revision's, was changed halfway.
fn assert_whole(goal: &str, stored: &Stored) {
    let mut versions: Vec<i64> = stored.revisions.keys().copied().collect();
    versions.sort_unstable();
    assert_eq!(
        versions,
        (2..=stored.version).collect::<Vec<_>>(),
        "goal {goal} at version {} has a revision for each change",
        stored.version
    );
    if let Some((_, after)) = stored.revisions.get(&stored.version)
        && let Some(words) = after.get("ownWords")
    {
        assert_eq!(
            words, &stored.own_words,
            "goal {goal} has the words of its last revision"
        );
    }
}

fn writes_survive_a_sigkill(database: Database, backend: &str) {
    let started = Instant::now();
    let reader = token(READER, "DISTRICT_ADMIN");
    let mut server = Server::start(&database);
    let client = Client::new(&server, &reader);
    let targets = targets(&client);
    let students: HashSet<String> = targets.iter().map(|t| t.student.clone()).collect();
    let before: HashMap<String, Stored> = targets
        .iter()
        .map(|t| (t.goal.clone(), stored(&client, &t.goal)))
        .collect();
    for (goal, stored) in &before {
        assert_whole(goal, stored);
    }
    assert!(
        audit_trail(&client, &students).is_empty(),
        "a fresh database"
    );

    let ledger = Arc::new(Ledger::default());
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let client = Client::new(
                &server,
                &token(&format!("{WRITER}{writer}"), "DISTRICT_ADMIN"),
            );
            let (targets, ledger) = (targets.clone(), ledger.clone());
            std::thread::spawn(move || write_until_cut_off(writer, client, targets, &ledger))
        })
        .collect();
    wait_until(
        Duration::from_secs(60),
        "the writers are acknowledged",
        || {
            ledger.acknowledged.load(Ordering::SeqCst) >= WRITES_BEFORE_KILL
                || !ledger.unexpected.lock().expect("lock").is_empty()
        },
    );
    ledger.killing.store(true, Ordering::SeqCst);
    server.sigkill();
    for writer in writers {
        writer.join().expect("a writer panicked");
    }
    let unexpected = ledger.unexpected.lock().expect("lock");
    assert!(unexpected.is_empty(), "{unexpected:#?}\n{}", server.log());
    let cut_off = ledger.cut_off.load(Ordering::SeqCst);
    assert!(cut_off > 0, "the kill came while requests were in flight");
    drop(server);

    let server = Server::start(&database);
    let client = Client::new(&server, &reader);
    let after: HashMap<String, Stored> = targets
        .iter()
        .map(|t| (t.goal.clone(), stored(&client, &t.goal)))
        .collect();

    // Every acknowledged write is there, as it was acknowledged.
    let progress = ledger.progress.lock().expect("lock");
    for (id, (goal, note)) in progress.iter() {
        let kept = after[goal].progress.get(id);
        assert_eq!(
            kept,
            Some(&json!(note)),
            "acknowledged progress {id} on {goal}"
        );
    }
    let updates = ledger.updates.lock().expect("lock");
    for ((goal, version), (writer, words)) in updates.iter() {
        let stored = &after[goal];
        assert!(stored.version >= *version, "{goal} at {}", stored.version);
        let (by, changed) = stored
            .revisions
            .get(version)
            .unwrap_or_else(|| panic!("acknowledged version {version} of {goal} is kept"));
        assert_eq!((by, &changed["ownWords"]), (writer, &json!(words)));
    }

    // Nothing is half written: versions match revisions, and each change its audit event.
    let trail = audit_trail(&client, &students);
    let mut new_entries = HashSet::new();
    let mut new_revisions = 0;
    for (goal, stored) in &after {
        assert_whole(goal, stored);
        let ours = stored
            .revisions
            .values()
            .filter(|(by, _)| by.starts_with(WRITER));
        let audited = trail
            .iter()
            .filter(|(action, kind, id)| action == "UPDATE" && kind == "Goal" && id == goal);
        assert_eq!(
            ours.count(),
            audited.count(),
            "each change of {goal} has one audit event"
        );
        new_revisions += stored.version - before[goal].version;
        let entries = stored.progress.keys();
        new_entries.extend(entries.filter(|id| !before[goal].progress.contains_key(*id)));
    }
    let mut audited_entries: Vec<&String> = trail
        .iter()
        .filter(|(action, kind, _)| action == "CREATE" && kind == "ProgressEntry")
        .map(|(_, _, id)| id)
        .collect();
    audited_entries.sort_unstable();
    let mut expected: Vec<&String> = new_entries.iter().copied().collect();
    expected.sort_unstable();
    assert_eq!(
        audited_entries, expected,
        "every new progress entry has one audit event, and every event its entry"
    );
    let other = trail.iter().filter(|(action, kind, _)| {
        !matches!(
            (action.as_str(), kind.as_str()),
            ("CREATE", "ProgressEntry") | ("UPDATE", "Goal")
        )
    });
    assert_eq!(other.count(), 0, "no other change was made: {trail:?}");

    eprintln!(
        "{backend}: {} writes acknowledged ({} progress entries, {} goal changes) and all kept; \
         {} entries and {} changes committed in all; {} conflicts retried; {} requests cut off \
         by SIGKILL; {:.1?}",
        ledger.acknowledged.load(Ordering::SeqCst),
        progress.len(),
        updates.len(),
        new_entries.len(),
        new_revisions,
        ledger.conflicts.load(Ordering::SeqCst),
        cut_off,
        started.elapsed()
    );
}

/// The head of an HTTP response: the status and the headers, lower-cased.
fn read_head(reader: &mut impl BufRead) -> (u16, HashMap<String, String>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP status line: {status_line:?}"));
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        let Some((name, value)) = line.trim_end().split_once(':') else {
            return (status, headers);
        };
        headers.insert(name.to_ascii_lowercase(), value.trim().to_owned());
    }
}

#[test]
fn sigterm_finishes_the_request_in_flight_and_takes_no_new_one() {
    let database = Database::sqlite();
    let admin = token(READER, "DISTRICT_ADMIN");
    let mut server = Server::start(&database);
    let client = Client::new(&server, &admin);
    let goal = targets(&client).swap_remove(0).goal;

    let note = "recorded across a SIGTERM";
    let body = json!({
        "query": RECORD_PROGRESS,
        "variables": { "input": { "goalId": goal, "note": note } },
    })
    .to_string();
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {admin}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nexpect: 100-continue\r\n\r\n",
        server.addr,
        body.len()
    )
    .expect("send the headers");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    // `100 Continue` comes once the handler reads the body: the request is in the server.
    assert_eq!(read_head(&mut reader).0, 100);
    stream
        .write_all(first_half.as_bytes())
        .expect("send half the body");

    server.sigterm();
    wait_until(
        Duration::from_secs(10),
        "the server stops accepting connections",
        || TcpStream::connect(server.addr).is_err(),
    );
    let late = Client::new(&server, &admin).post(
        RECORD_PROGRESS,
        json!({ "input": { "goalId": goal, "note": "sent after SIGTERM" } }),
    );
    assert!(
        late.as_ref().is_err_and(reqwest::Error::is_connect),
        "a new connection after SIGTERM is refused: {late:?}"
    );
    // A slow client: the server waits for the rest of the body rather than exit.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.running(),
        "the server waits for the request in flight"
    );

    stream
        .write_all(second_half.as_bytes())
        .expect("send the rest of the body");
    let (status, headers) = read_head(&mut reader);
    let length: usize = headers["content-length"].parse().expect("content-length");
    let mut answer = vec![0; length];
    reader.read_exact(&mut answer).expect("the response body");
    let answer: Value = serde_json::from_slice(&answer).expect("json");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["data"]["recordProgress"]["progressEntry"]["note"], note,
        "{answer}"
    );
    let entry = answer["data"]["recordProgress"]["progressEntry"]["id"].clone();
    let exit = server.exit_status(Duration::from_secs(10));
    assert!(exit.success(), "{exit}\n{}", server.log());

    let server = Server::start(&database);
    let client = Client::new(&server, &admin);
    let kept = stored(&client, &goal).progress;
    let entry = entry.as_str().expect("id");
    assert_eq!(
        kept.get(entry),
        Some(&json!(note)),
        "the drained write is kept"
    );
    assert!(
        !kept.values().any(|n| n == "sent after SIGTERM"),
        "nothing was written after SIGTERM"
    );
}

/// The service says it is listening only once it also listens for stop signals: a
/// SIGTERM sent the moment the line appears stops it cleanly (exit 0), not by the
/// signal's default action.
#[test]
fn a_sigterm_as_soon_as_the_service_listens_stops_it_cleanly() {
    let database = Database::sqlite();
    for attempt in 0..5 {
        let mut server = Server::start(&database);
        server.sigterm();
        let status = server.exit_status(Duration::from_secs(20));
        assert!(
            status.success(),
            "attempt {attempt}: {status:?}\n{}",
            server.log()
        );
    }
}

/// A client that stalls in the middle of its request cannot keep a stopping service up:
/// past the grace period (the request time limit and 5 s) it is cut off.
#[test]
fn a_stalled_client_cannot_hold_off_a_stop_past_the_grace_period() {
    let database = Database::sqlite();
    let mut server = Server::start_with(&database, &["--request-timeout", "1s"]);
    let mut stalled = TcpStream::connect(server.addr).expect("connect");
    stalled
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: alliance\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n",
        )
        .expect("send the head of a request");
    // `100 Continue` says the handler is reading the body: the request is in flight.
    let mut reader = BufReader::new(stalled.try_clone().expect("clone"));
    let (status, _) = read_head(&mut reader);
    assert_eq!(status, 100);
    stalled
        .write_all(b"{\"query\":")
        .expect("send part of the body");
    let asked = Instant::now();
    server.sigterm();
    let status = server.exit_status(Duration::from_secs(30));
    assert!(status.success(), "{status:?}\n{}", server.log());
    let took = asked.elapsed();
    assert!(
        took >= Duration::from_secs(5),
        "the stalled request was dropped at once ({took:?}), not given its grace"
    );
    drop(stalled);
}
