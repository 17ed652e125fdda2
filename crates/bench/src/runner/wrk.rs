//! Load from wrk: a generated Lua script per run (`scenario.lua` under constants naming
//! each thread's requests), wrk's own latency histogram, and our counts of answers,
//! errors and acknowledged writes from the script's `done()`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

const SCRIPT: &str = include_str!("scenario.lua");

/// How long a run may take, past its budget, to collect its last answers. A run ends
/// as soon as they are in; this only bounds a server that stalls.
const DRAIN_GRACE: Duration = Duration::from_secs(20);

/// One request a thread sends: the bearer token and the JSON body.
#[derive(Clone, Debug)]
pub struct Item {
    pub token: String,
    pub body: String,
}

/// One wrk run.
pub struct Load<'a> {
    pub wrk: &'a Path,
    pub url: String,
    /// Connections; wrk gets min(connections, 2) threads.
    pub connections: u32,
    pub duration: Duration,
    /// What each thread sends (one list per thread).
    pub items: Vec<Vec<Item>>,
    /// Send each item once, then stop.
    pub once: bool,
    /// For writes: the Lua pattern capturing the created record's id in an answer.
    pub ack: Option<&'static str>,
    /// Where the script and wrk's report are kept, named by `name`.
    pub dir: &'a Path,
    pub name: String,
}

/// What `done()` reports.
#[derive(Debug, Deserialize)]
pub struct Outcome {
    pub sent: u64,
    pub answered: u64,
    pub non2xx: u64,
    /// 2xx answers with GraphQL errors (or, for writes, user errors).
    pub errors: u64,
    /// 2xx answers without errors.
    pub acked: u64,
    /// From the first request sent to the last answer.
    pub window_s: f64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub socket_errors: SocketErrors,
    /// The ids of the records acknowledged writes created.
    #[serde(skip)]
    pub acked_ids: Vec<String>,
    /// A few answers counted as errors (status and the start of the body).
    #[serde(skip)]
    pub error_samples: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct SocketErrors {
    pub connect: u64,
    pub read: u64,
    pub write: u64,
    pub timeout: u64,
}

/// Threads for `connections`: as many as there are cores here, at most.
pub fn threads(connections: u32) -> u32 {
    connections.clamp(1, 2)
}

/// Splits `items` round-robin over the threads of a run with `connections`.
pub fn deal(items: &[Item], connections: u32) -> Vec<Vec<Item>> {
    let threads = threads(connections) as usize;
    let mut dealt = vec![Vec::new(); threads];
    for (i, item) in items.iter().enumerate() {
        dealt[i % threads].push(item.clone());
    }
    dealt
}

fn long_string(text: &str) -> anyhow::Result<String> {
    if text.contains("]==]") {
        bail!("cannot quote {text:?} for Lua");
    }
    Ok(format!("[==[{text}]==]"))
}

/// Where the script leaves what it found.
struct Files<'a> {
    acked: &'a Path,
    done: &'a Path,
    errors: &'a Path,
}

fn script(load: &Load, files: &Files) -> anyhow::Result<String> {
    let path = |p: &Path| -> anyhow::Result<String> {
        long_string(p.to_str().context("a path that is not UTF-8")?)
    };
    let threads = threads(load.connections);
    anyhow::ensure!(
        load.items.len() == threads as usize,
        "one list of requests per thread"
    );
    let mut lua = String::new();
    lua.push_str(&format!("THREADS = {threads}\n"));
    lua.push_str(&format!("DONE_FILE = {}\n", path(files.done)?));
    lua.push_str(&format!("ERRORS_FILE = {}\n", path(files.errors)?));
    lua.push_str(&format!("PATH = {}\n", long_string("/graphql")?));
    lua.push_str(&format!("ONCE = {}\n", load.once));
    lua.push_str(&format!("BUDGET = {}\n", load.duration.as_secs_f64()));
    match load.ack {
        Some(pattern) => {
            lua.push_str(&format!("ACK = {}\n", long_string(pattern)?));
            lua.push_str(&format!("ACK_FILE = {}\n", path(files.acked)?));
        }
        None => lua.push_str("ACK = nil\nACK_FILE = nil\n"),
    }
    lua.push_str("ITEMS = {\n");
    for thread in &load.items {
        lua.push_str("  {\n");
        for item in thread {
            lua.push_str(&format!(
                "    {{{}, {}}},\n",
                long_string(&item.token)?,
                long_string(&item.body)?
            ));
        }
        lua.push_str("  },\n");
    }
    lua.push_str("}\n\n");
    lua.push_str(SCRIPT);
    Ok(lua)
}

/// Runs wrk for `load` and reads its outcome.
pub fn run(load: &Load) -> anyhow::Result<Outcome> {
    let script_path = load.dir.join(format!("{}.lua", load.name));
    let ack_file: PathBuf = load.dir.join(format!("{}.acked", load.name));
    let done_file: PathBuf = load.dir.join(format!("{}.done", load.name));
    let errors_file: PathBuf = load.dir.join(format!("{}.errors", load.name));
    let _ = std::fs::remove_file(&done_file);
    let files = Files {
        acked: &ack_file,
        done: &done_file,
        errors: &errors_file,
    };
    std::fs::write(&script_path, script(load, &files)?)
        .with_context(|| format!("writing {}", script_path.display()))?;
    // The script stops sending at `duration` and ends each thread once its answers are
    // in; wrk's own deadline only cuts off a server that stalls past the grace.
    let seconds = load.duration.as_secs().max(1) + DRAIN_GRACE.as_secs();
    let output = Command::new(load.wrk)
        .arg("-t")
        .arg(threads(load.connections).to_string())
        .arg("-c")
        .arg(load.connections.to_string())
        .arg("-d")
        .arg(format!("{seconds}s"))
        .arg("--timeout")
        .arg("30s")
        .arg("--latency")
        .arg("-s")
        .arg(&script_path)
        .arg(&load.url)
        .output()
        .with_context(|| format!("running {} (apt-get install wrk)", load.wrk.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = load.dir.join(format!("{}.wrk.txt", load.name));
    std::fs::write(&report, format!("{stdout}\n{stderr}"))?;
    if !output.status.success() {
        bail!("wrk failed ({}): {stderr}", output.status);
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("ALLIANCE_BENCH "))
        .with_context(|| format!("wrk reported nothing from the script: {stdout}{stderr}"))?;
    let mut outcome: Outcome =
        serde_json::from_str(line).with_context(|| format!("reading {line}"))?;
    outcome.error_samples = std::fs::read_to_string(&errors_file)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    if load.ack.is_some() {
        outcome.acked_ids = std::fs::read_to_string(&ack_file)
            .with_context(|| format!("reading {}", ack_file.display()))?
            .lines()
            .map(str::to_owned)
            .collect();
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_dealt_round_robin_to_at_most_two_threads() {
        let items: Vec<Item> = (0..5)
            .map(|i| Item {
                token: format!("t{i}"),
                body: String::new(),
            })
            .collect();
        let dealt = deal(&items, 64);
        assert_eq!(dealt.len(), 2);
        assert_eq!(dealt[0].len(), 3);
        assert_eq!(dealt[1][0].token, "t1");
        assert_eq!(deal(&items, 1).len(), 1);
    }
}
