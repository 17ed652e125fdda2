//! `alliance-bench run`'s command line.

use std::path::PathBuf;
use std::time::Duration;

/// Which database the run creates.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the server of `--postgres-url`, dropped afterwards.
    Postgres,
}

/// What the database is seeded with.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// `alliance seed --synthetic N`: the district `synthetic`.
    Synthetic,
    /// `alliance seed`: the small demo district `demo` (for developing the suite; pass
    /// `--district demo` and the demo's subjects).
    Demo,
}

/// One thing measured.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// The caseload dashboard through Alliance.
    Dashboard,
    /// The same JSON from the floor server.
    Floor,
    /// One alliance with `timeline(first: 50)`.
    AllianceDetail,
    /// `recordProgress` from several staff members on their goals.
    RecordProgress,
    /// `submitFeedback`, each family answering its own pending check-in once.
    SubmitFeedback,
}

impl Scenario {
    pub const ALL: [Scenario; 5] = [
        Scenario::Dashboard,
        Scenario::Floor,
        Scenario::AllianceDetail,
        Scenario::RecordProgress,
        Scenario::SubmitFeedback,
    ];

    /// The name in reports (`alliance-detail`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Dashboard => "dashboard",
            Scenario::Floor => "floor",
            Scenario::AllianceDetail => "alliance-detail",
            Scenario::RecordProgress => "record-progress",
            Scenario::SubmitFeedback => "submit-feedback",
        }
    }

    /// Whether the scenario writes (and so drains its connections before stopping).
    pub fn writes(self) -> bool {
        matches!(self, Scenario::RecordProgress | Scenario::SubmitFeedback)
    }
}

/// Seeds a fresh database, starts Alliance and the floor, and measures each scenario
/// at each concurrency with wrk.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The database to measure on.
    #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
    pub backend: Backend,
    /// How many students `alliance seed --synthetic` creates.
    #[arg(long, default_value_t = 10_000)]
    pub students: u32,
    /// How long each wrk run lasts (whole seconds).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub duration: Duration,
    /// Connections to measure at, one wrk run each.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub concurrency: Vec<u32>,
    /// The scenarios to run (all by default).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub scenarios: Vec<Scenario>,
    /// Where to write the results as JSON; the Markdown table goes to stdout either way.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to keep the servers' logs, wrk's reports and both dashboards' JSON; a
    /// temporary directory (removed afterwards) when not given.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// The `alliance` binary; by default the one beside this executable (build both with
    /// `cargo build --release -p alliance-server -p alliance-bench`).
    #[arg(long)]
    pub alliance_bin: Option<PathBuf>,
    /// The `wrk` binary.
    #[arg(long, default_value = "wrk")]
    pub wrk: PathBuf,
    /// Any database on the PostgreSQL server where the run creates (and drops) its own.
    /// The default asks for no TLS: on one machine it only spends the CPU being measured
    /// (PostgreSQL's Debian package turns TLS on, and sqlx uses it when offered).
    #[arg(
        long,
        env = "ALLIANCE_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
    )]
    pub postgres_url: String,
    /// What to seed.
    #[arg(long, value_enum, default_value_t = Seed::Synthetic)]
    pub seed: Seed,
    /// The seeded district's slug.
    #[arg(long, default_value = "synthetic")]
    pub district: String,
    /// The STAFF subject whose dashboard (and first alliance) is measured.
    #[arg(long, default_value = "synthetic-staff-0")]
    pub viewer: String,
    /// Staff subjects start with this; `recordProgress` writes as the first `--writers`.
    #[arg(long, default_value = "synthetic-staff-")]
    pub staff_prefix: String,
    /// How many staff members write progress at once.
    #[arg(long, default_value_t = 8)]
    pub writers: usize,
    /// Family subjects start with this; each answers its own pending check-in.
    #[arg(long, default_value = "synthetic-family-")]
    pub family_prefix: String,
    /// Run no load: check the floor's JSON against Alliance's and make a few writes one
    /// at a time, checking they are durable (for machines without wrk).
    #[arg(long)]
    pub no_wrk: bool,
    /// Keep the PostgreSQL database instead of dropping it.
    #[arg(long)]
    pub keep: bool,
}

impl RunArgs {
    /// The scenarios asked for, in the order they run.
    pub fn scenarios(&self) -> Vec<Scenario> {
        Scenario::ALL
            .into_iter()
            .filter(|s| self.scenarios.is_empty() || self.scenarios.contains(s))
            .collect()
    }
}
