//! Alliance's persistence: SeaORM entities and the repositories that read and write
//! them. Rows become domain records at this crate's edge; every read takes the
//! viewer's [`ReadScope`](alliance_domain::access::ReadScope) into its query.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alliance_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub use writes::Tx;

mod convert;
mod entities;
mod error;
mod joined;
mod scope;
mod writes;

pub mod acceptances;
pub mod alliances;
pub mod audit;
pub mod communications;
pub mod demo;
pub mod districts;
pub mod feedback;
pub mod goals;
pub mod health;
pub mod interventions;
pub mod members;
pub mod next_steps;
pub mod persons;
pub mod progress;
pub mod records;
pub mod reflections;
pub mod schools;
pub mod signins;
pub mod students;
pub mod synthetic;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod voice;

pub use error::StoreResult;

/// A slice of an ordered list. List functions take a closure from the list's total to
/// the page, since a page counted from the end (`last: 5`) depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

/// The database, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
    writes: writes::Writes,
    audit: audit::AuditWriter,
    sign_ins: Arc<signins::SignIns>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite files are created when
    /// missing and opened with WAL, foreign keys and a busy timeout.
    pub async fn connect(url: &str) -> Result<Self, sea_orm::DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(if url.starts_with("sqlite") { 8 } else { 16 })
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            // sqlx tests a connection when it goes back to the pool; testing it again on
            // the way out, by default on every checkout, doubled the round trips of every
            // statement. Only a connection idle long enough that the server or a firewall
            // may have dropped it is tested first.
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    // FULL: a commit is on disk (the WAL fsynced) before it is
                    // acknowledged, so not even a power cut loses it. NORMAL would
                    // survive a crashed process but not a lost machine.
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // The planner's statistics (`sqlite_stat1`): without them SQLite
                    // guesses, and guessed wrong for a page's members with their persons
                    // (every person of the district read: 37 ms of a 60 ms dashboard at
                    // 10,000 students). Each connection gathers what is missing or stale
                    // as it opens, and what its statements showed stale as it closes, from
                    // a sample of at most 400 rows an index (SQLite's advice for both).
                    .analysis_limit(400)
                    .pragma("optimize", "0x10002")
                    .optimize_on_close(true, 400)
            });
        let mut db = Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            tracing::trace!(target: "alliance_store::sql", elapsed_us = info.elapsed.as_micros() as u64, failed = info.failed, sql = %info.statement.sql);
        });
        let writes = writes::Writes::new(db.clone());
        let audit = audit::AuditWriter::start(writes.clone());
        Ok(Self {
            db,
            statements,
            writes,
            audit,
            sign_ins: Arc::default(),
        })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), sea_orm::DbErr> {
        Migrator::up(&self.db, None).await
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// The connection pool: for reads, and for single statements that commit by
    /// themselves (writes of more go through [`Store::begin`]).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The district whose tokens carry `slug`, with the person who signs in as
    /// `subject` if there is one: who a request is. Kept between requests once both are
    /// found ([`signins`]).
    pub async fn sign_in(&self, slug: &str, subject: &str) -> StoreResult<Option<signins::SignIn>> {
        self.sign_ins.find(&self.db, slug, subject).await
    }

    /// Starts a transaction; dropping it without [`Tx::commit`] rolls it back. On SQLite
    /// transactions take turns and commit in groups (see `writes.rs`): never begin a
    /// second before the first has ended.
    pub async fn begin(&self) -> StoreResult<Tx> {
        self.writes.begin().await.map_err(error::to_domain)
    }

    /// The audit log's writer, which commits the reads of concurrent requests together.
    pub fn audit(&self) -> &audit::AuditWriter {
        &self.audit
    }

    /// How many write transactions this store has committed (on SQLite, how many
    /// group commits), for tests and metrics.
    pub fn commit_count(&self) -> u64 {
        self.writes.commit_count()
    }

    /// How many SQL statements this store has run, for tests and metrics.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Which database this is: `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => "sqlite",
            sea_orm::DatabaseBackend::Postgres => "postgres",
            _ => "other",
        }
    }

    /// Closes the pool, so a SQLite file is checkpointed and released.
    pub async fn close(self) -> Result<(), sea_orm::DbErr> {
        self.writes.close().await;
        self.db.close().await
    }
}

/// The current time at the precision both databases keep (microseconds), so a record
/// reads back exactly as it was written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// Commits a transaction begun with [`Store::begin`].
pub async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await.map_err(error::to_domain)
}
