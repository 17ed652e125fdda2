//! The benchmark suite on tiny data, in seconds, so it cannot rot: every scenario runs
//! with answers and no errors, the writes are durable, and the floor's dashboard is the
//! same JSON as Alliance's (which keeps the floor honest).
//!
//! It runs the debug `alliance` binary from the same target directory, which
//! `cargo test --workspace` builds (alliance-server's own tests need it); alone, build it
//! first with `cargo build -p alliance-server`. Load comes from wrk (`apt-get install
//! wrk`); with `ALLIANCE_BENCH_SKIP_WRK=1` the floor and the writes are still checked,
//! with a few requests one at a time. With `ALLIANCE_TEST_DATABASE_URL` set, the suite
//! also runs on PostgreSQL, in a database of its own on that server.

use std::path::{Path, PathBuf};
use std::process::Command;

use alliance_bench::runner::{Results, Scenario};
use serde_json::Value;

const CONCURRENCY: [u32; 2] = [1, 2];

/// `target/debug/alliance`, beside this test's `target/debug/deps/smoke-…`.
fn alliance_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let debug = exe
        .parent()
        .and_then(Path::parent)
        .expect("the target directory");
    let alliance = debug.join("alliance");
    assert!(
        alliance.is_file(),
        "{} is missing: `cargo test --workspace` builds it, or `cargo build -p alliance-server`",
        alliance.display()
    );
    alliance
}

/// Whether to run without wrk; without it and without the switch, the test fails.
fn without_wrk() -> bool {
    if std::env::var("ALLIANCE_BENCH_SKIP_WRK").is_ok_and(|v| v == "1") {
        return true;
    }
    assert!(
        Command::new("wrk").arg("--version").output().is_ok(),
        "wrk is not installed: `apt-get install wrk`, or set ALLIANCE_BENCH_SKIP_WRK=1 to \
         check only the floor and the writes"
    );
    false
}

/// Runs `alliance-bench run` on `backend` and reads what it wrote.
fn run_suite(backend: &str, extra: &[&str]) -> (Results, tempfile::TempDir) {
    let work = tempfile::tempdir().expect("a temporary directory");
    let out = work.path().join("results.json");
    let mut command = Command::new(env!("CARGO_BIN_EXE_alliance-bench"));
    command
        .args(["run", "--backend", backend, "--students", "60"])
        .args(["--duration", "1s", "--concurrency", "1,2"])
        .arg("--work-dir")
        .arg(work.path())
        .arg("--out")
        .arg(&out)
        .arg("--alliance-bin")
        .arg(alliance_binary())
        .args(extra);
    if without_wrk() {
        command.arg("--no-wrk");
    }
    let output = command.output().expect("alliance-bench runs");
    assert!(
        output.status.success(),
        "alliance-bench run failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("the results");
    (serde_json::from_str(&text).expect("results as JSON"), work)
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("an answer kept by the runner");
    serde_json::from_str(&text).expect("JSON")
}

fn check(results: &Results, work: &Path) {
    let alliance = json(&work.join("dashboard.alliance.json"));
    let floor = json(&work.join("dashboard.floor.json"));
    assert_eq!(
        alliance, floor,
        "the floor's dashboard differs from Alliance's"
    );
    assert!(results.floor_matches_alliance);
    assert_eq!(alliance["data"]["students"]["totalCount"], 50);
    assert!(results.seed_s > 0.0 && results.migrate_s > 0.0 && results.startup_s > 0.0);

    if results.runs.is_empty() {
        assert_eq!(results.probes.len(), 2, "{:?}", results.probes);
        for probe in &results.probes {
            let w = &probe.writes;
            assert!(
                w.durable && w.exact && w.acknowledged == probe.requests,
                "{probe:?}"
            );
            assert_eq!((w.found, w.new_rows), (w.acknowledged, w.acknowledged));
        }
        return;
    }
    for scenario in Scenario::ALL {
        for c in CONCURRENCY {
            let run = results
                .runs
                .iter()
                .find(|r| r.scenario == scenario.name() && r.concurrency == c)
                .unwrap_or_else(|| panic!("no run of {} at {c}", scenario.name()));
            assert!(run.requests > 0 && run.requests_per_s > 0.0, "{run:?}");
            assert_eq!(run.non_2xx + run.errors + run.socket_errors, 0, "{run:?}");
            assert!(run.p99_ms >= run.p50_ms && run.p50_ms > 0.0, "{run:?}");
            assert!(
                run.statements_per_request.is_some_and(|n| n >= 1.0),
                "{run:?}"
            );
            assert!(run.peak_rss_mib.is_some_and(|m| m > 1.0), "{run:?}");
            if scenario == Scenario::Dashboard {
                assert!(run.ratio_to_floor.is_some_and(|r| r > 0.0), "{run:?}");
            }
            if let Some(w) = &run.writes {
                assert!(w.durable && w.exact, "{run:?}");
                assert_eq!(w.unanswered, 0, "{run:?}");
                assert_eq!(w.acknowledged, run.requests, "{run:?}");
                assert_eq!((w.found, w.new_rows), (w.acknowledged, w.acknowledged));
            }
        }
    }
    assert!(
        results.runs.iter().all(|r| r.scenario != "floor"
            || r.statements_per_request
                .is_some_and(|n| (7.0..7.5).contains(&n))),
        "the floor runs one statement per level and the audit INSERT (the viewer is kept \
         between requests, read again only when its 30 s are up): {:?}",
        results.runs
    );
    for dashboard in results.runs.iter().filter(|r| r.scenario == "dashboard") {
        let floor = results
            .runs
            .iter()
            .find(|r| r.scenario == "floor" && r.concurrency == dashboard.concurrency)
            .and_then(|r| r.statements_per_request);
        assert!(
            dashboard
                .statements_per_request
                .zip(floor)
                .is_some_and(|(alliance, floor)| alliance <= floor + 0.1),
            "Alliance's dashboard runs no more statements than the floor's (alliances with \
             their health in one): {dashboard:?}, the floor's {floor:?}"
        );
    }
}

#[test]
fn the_suite_runs_on_sqlite_and_the_floor_matches_alliance() {
    let (results, work) = run_suite("sqlite", &[]);
    check(&results, work.path());
}

#[test]
fn the_suite_runs_on_postgres_when_a_server_is_given() {
    let Ok(url) = std::env::var("ALLIANCE_TEST_DATABASE_URL") else {
        return;
    };
    let (results, work) = run_suite("postgres", &["--postgres-url", &url]);
    check(&results, work.path());
}
