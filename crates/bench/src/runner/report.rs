//! What a run found, as JSON (`--out`) and as the Markdown tables BENCHMARKS.md holds.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// Everything one `alliance-bench run` measured.
#[derive(Debug, Serialize, Deserialize)]
pub struct Results {
    pub backend: String,
    pub students: u32,
    pub duration_s: f64,
    pub concurrency: Vec<u32>,
    pub machine: Machine,
    /// `alliance seed --synthetic N`, wall time.
    pub seed_s: f64,
    /// PostgreSQL only: `ANALYZE` after seeding, as autovacuum would.
    #[serde(default)]
    pub analyze_s: Option<f64>,
    /// `alliance migrate` on the seeded (already migrated) database, wall time.
    pub migrate_s: f64,
    /// `alliance serve` on the seeded database, from spawn to its "listening" log line.
    pub startup_s: f64,
    /// The floor's dashboard JSON equals Alliance's (as parsed JSON values).
    pub floor_matches_alliance: bool,
    /// The size of Alliance's dashboard answer.
    pub dashboard_bytes: usize,
    /// One per scenario and concurrency (empty with `--no-wrk`).
    pub runs: Vec<Run>,
    /// The sequential write checks of `--no-wrk`.
    pub probes: Vec<Probe>,
}

/// The machine the run was on.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: Option<String>,
    pub memory_mib: Option<u64>,
    pub kernel: Option<String>,
}

impl Machine {
    pub fn here() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).ok();
        let cpu = read("/proc/cpuinfo").and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        });
        let memory_mib = read("/proc/meminfo").and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib / 1024)
        });
        Self {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            memory_mib,
            kernel: read("/proc/sys/kernel/osrelease").map(|k| k.trim().to_owned()),
        }
    }
}

/// One scenario at one concurrency.
#[derive(Debug, Serialize, Deserialize)]
pub struct Run {
    pub scenario: String,
    pub concurrency: u32,
    /// Answers received.
    pub requests: u64,
    /// From the first request to the last answer.
    pub window_s: f64,
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub non_2xx: u64,
    /// 2xx answers carrying GraphQL errors or user errors.
    pub errors: u64,
    pub socket_errors: u64,
    /// The server's SQL statements over the requests it answered in the run.
    pub statements_per_request: Option<f64>,
    /// The server's peak resident memory during the run (VmHWM, reset before it).
    pub peak_rss_mib: Option<f64>,
    /// For the dashboard: its requests per second ÷ the floor's at the same concurrency.
    pub ratio_to_floor: Option<f64>,
    pub writes: Option<Writes>,
    /// A few of the answers counted as errors, as received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_samples: Vec<String>,
}

/// Whether a write scenario's acknowledged writes are in the database.
#[derive(Debug, Serialize, Deserialize)]
pub struct Writes {
    /// 2xx answers with the created record and no errors.
    pub acknowledged: u64,
    /// Of the acknowledged records, how many the database holds afterwards.
    pub found: u64,
    /// Rows the table gained during the run.
    pub new_rows: u64,
    /// Requests sent but never answered (cut off by wrk's deadline).
    pub unanswered: u64,
    /// Every acknowledged record is in the database.
    pub durable: bool,
    /// The table gained exactly the acknowledged records: nothing answered with an
    /// error (or never answered) was written anyway.
    pub exact: bool,
}

impl Writes {
    pub fn new(acknowledged: u64, found: u64, new_rows: u64, unanswered: u64) -> Self {
        Self {
            acknowledged,
            found,
            new_rows,
            unanswered,
            durable: found == acknowledged && new_rows >= acknowledged,
            exact: new_rows == acknowledged,
        }
    }

    /// The table's cell: `yes (found/new rows)`, or what went wrong.
    fn summary(&self) -> String {
        let counts = format!("{}/{}", self.found, self.new_rows);
        match (self.durable, self.exact) {
            (true, true) => format!("yes ({counts})"),
            (true, false) => format!(
                "yes ({counts}), but {} unacknowledged written",
                self.new_rows - self.acknowledged
            ),
            (false, _) => format!(
                "NO ({counts}): {} acknowledged missing",
                self.acknowledged.saturating_sub(self.found)
            ),
        }
    }
}

/// A few writes made one at a time (`--no-wrk`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Probe {
    pub scenario: String,
    pub requests: u64,
    pub writes: Writes,
}

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

impl Results {
    /// The tables BENCHMARKS.md holds.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let m = &self.machine;
        let _ = writeln!(
            md,
            "**{}**, {} students, {} s per run, {} cores ({}), {} MiB, Linux {}\n",
            self.backend,
            self.students,
            self.duration_s,
            m.cores,
            m.cpu.as_deref().unwrap_or("cpu unknown"),
            m.memory_mib.map_or("?".into(), |v| v.to_string()),
            m.kernel.as_deref().unwrap_or("?"),
        );
        let _ = writeln!(md, "| step | seconds |\n| --- | ---: |");
        let _ = writeln!(
            md,
            "| seed (`alliance seed --synthetic {}`) | {:.2} |",
            self.students, self.seed_s
        );
        if let Some(analyze) = self.analyze_s {
            let _ = writeln!(
                md,
                "| `ANALYZE` after seeding (as autovacuum would) | {analyze:.2} |"
            );
        }
        let _ = writeln!(
            md,
            "| `alliance migrate` on the seeded database | {:.3} |",
            self.migrate_s
        );
        let _ = writeln!(
            md,
            "| start-up (`alliance serve` to listening) | {:.3} |",
            self.startup_s
        );
        let _ = writeln!(
            md,
            "\nThe floor's dashboard JSON equals Alliance's: **{}** ({} bytes).\n",
            if self.floor_matches_alliance {
                "yes"
            } else {
                "NO"
            },
            self.dashboard_bytes
        );
        if !self.runs.is_empty() {
            md.push_str(
                "| scenario | c | req/s | p50 ms | p99 ms | SQL/req | peak RSS MiB | ÷ floor | errors | durable |\n\
                 | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
            );
        }
        for run in &self.runs {
            let durable = run.writes.as_ref().map_or("–".to_owned(), Writes::summary);
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.2} | {:.2} | {} | {} | {} | {} | {} |",
                run.scenario,
                run.concurrency,
                run.requests_per_s,
                run.p50_ms,
                run.p99_ms,
                number(run.statements_per_request, 1),
                number(run.peak_rss_mib, 1),
                number(run.ratio_to_floor, 2),
                run.non_2xx + run.errors + run.socket_errors,
                durable,
            );
        }
        for run in self.runs.iter().filter(|r| !r.error_samples.is_empty()) {
            let _ = writeln!(md, "\nErrors of {} at {}:", run.scenario, run.concurrency);
            for sample in &run.error_samples {
                let _ = writeln!(md, "- `{sample}`");
            }
        }
        for probe in &self.probes {
            let _ = writeln!(
                md,
                "- {}: {} writes one at a time, {} acknowledged, {} found, durable: {}",
                probe.scenario,
                probe.requests,
                probe.writes.acknowledged,
                probe.writes.found,
                probe.writes.durable
            );
        }
        md
    }
}
