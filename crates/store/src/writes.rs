//! Transactions, and on SQLite, group commit.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit waits for
//! an fsync of the WAL (a few milliseconds here): one commit per request caps writes at
//! a few hundred a second however many clients ask. So on SQLite every write transaction
//! is a savepoint inside a shared transaction. Writers take turns (a queue, as SQLite
//! would make them anyway); each runs its statements and releases its savepoint; the
//! first of them to ask for the commit commits every savepoint released so far, with
//! one fsync. A writer is answered only after the commit that holds its work succeeds,
//! so nothing acknowledged is lost; if that commit fails, every writer in it gets the
//! error and none of their work is kept. A writer whose work fails rolls back to its
//! own savepoint, leaving the others' work alone.
//!
//! On PostgreSQL, which commits concurrent transactions together by itself, each
//! transaction is its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Where transactions begin.
#[derive(Clone, Debug)]
pub(crate) struct Writes {
    db: DatabaseConnection,
    /// The shared transaction, on SQLite.
    group: Option<Arc<Mutex<Group>>>,
    /// Commits made (on SQLite, of shared transactions).
    commits: Arc<AtomicU64>,
}

/// The shared transaction writers add their savepoints to, and how its commit went.
#[derive(Debug, Default)]
struct Group {
    open: Option<DatabaseTransaction>,
    /// Savepoints released into `open` and waiting for its commit.
    released: usize,
    /// Set once the open transaction's commit is over.
    outcome: Arc<Outcome>,
}

impl Group {
    /// Ends the open transaction without committing, when no released work is in it
    /// (a writer that gave up must not leave the write lock and a connection held).
    fn close_if_empty(&mut self) {
        if self.released == 0 {
            // Dropping rolls back; the connection goes back to the pool.
            drop(self.open.take());
        }
    }
}

type Outcome = std::sync::OnceLock<Result<(), String>>;

impl Writes {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        let group = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| Arc::new(Mutex::new(Group::default())));
        Self {
            db,
            group,
            commits: Arc::default(),
        }
    }

    /// Ends a shared transaction left open (none is, unless a writer was cut off
    /// between its release and the commit), before the pool closes.
    pub(crate) async fn close(&self) {
        if let Some(group) = &self.group {
            let mut group = group.lock().await;
            if group.released > 0 {
                if let Some(open) = group.open.take() {
                    let outcome = open.commit().await.map_err(|e| e.to_string());
                    let _ = group.outcome.set(outcome);
                }
                group.outcome = Arc::default();
                group.released = 0;
            }
            drop(group.open.take());
        }
    }

    /// How many commits reached the database.
    pub(crate) fn commit_count(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Where a single statement commits by itself, durably, with no transaction around
    /// it: PostgreSQL's pool. None on SQLite, whose writers share a transaction.
    pub(crate) fn alone(&self) -> Option<&DatabaseConnection> {
        self.group.is_none().then_some(&self.db)
    }

    /// Counts a commit made outside a [`Tx`]: a single statement that committed by itself.
    pub(crate) fn committed(&self) {
        self.commits.fetch_add(1, Ordering::Relaxed);
    }

    /// Starts a transaction; dropping it without [`Tx::commit`] rolls it back.
    pub(crate) async fn begin(&self) -> Result<Tx, DbErr> {
        let Some(group) = &self.group else {
            return Ok(Tx {
                inner: Some(self.db.begin().await?),
                turn: None,
                commits: Arc::clone(&self.commits),
            });
        };
        // In a task of its own: a request cut off while its savepoint was half made would
        // drop it, and sqlx would roll back the shared transaction in its place, taking
        // the released work of others with it. Cut off now, the request drops a whole
        // `Tx` when the task ends, which rolls back its savepoint only.
        let this = self.clone();
        let group = Arc::clone(group);
        match tokio::spawn(async move { this.begin_in(group).await }).await {
            Ok(begun) => begun,
            Err(error) => Err(DbErr::Custom(format!("could not begin: {error}"))),
        }
    }

    /// Takes a turn at the shared transaction (opening it if need be) and makes a
    /// savepoint in it.
    async fn begin_in(&self, group: Arc<Mutex<Group>>) -> Result<Tx, DbErr> {
        let mut turn = Arc::clone(&group).lock_owned().await;
        if turn.open.is_none() {
            turn.open = Some(self.db.begin().await?);
        }
        let open = turn.open.as_ref().expect("opened above");
        let savepoint = match open.begin().await {
            Ok(savepoint) => savepoint,
            Err(error) => {
                // The shared transaction is unusable; start the next one afresh. The
                // work released into it is lost, so it must not be reported committed.
                let broken = turn.open.take();
                let _ = turn.outcome.set(Err(error.to_string()));
                turn.outcome = Arc::default();
                turn.released = 0;
                drop(broken);
                return Err(error);
            }
        };
        Ok(Tx {
            inner: Some(savepoint),
            turn: Some(Turn { group, guard: turn }),
            commits: Arc::clone(&self.commits),
        })
    }
}

/// A writer's hold on the shared transaction, from its savepoint to its release.
#[derive(Debug)]
struct Turn {
    group: Arc<Mutex<Group>>,
    guard: OwnedMutexGuard<Group>,
}

/// A transaction begun with [`Store::begin`](crate::Store::begin).
#[derive(Debug)]
pub struct Tx {
    /// The transaction, or on SQLite the savepoint; taken when it ends.
    inner: Option<DatabaseTransaction>,
    turn: Option<Turn>,
    commits: Arc<AtomicU64>,
}

impl Tx {
    fn inner(&self) -> &DatabaseTransaction {
        self.inner
            .as_ref()
            .expect("a transaction is used only until it ends")
    }

    /// Commits, and returns once the work is durable.
    pub async fn commit(mut self) -> Result<(), DbErr> {
        let inner = self.inner.take().expect("ends once");
        let Some(turn) = self.turn.take() else {
            inner.commit().await?;
            self.commits.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        // Release and commit in a task of their own, so that a request cut off now can
        // neither leave its release half done nor strand released work uncommitted.
        let commits = Arc::clone(&self.commits);
        match tokio::spawn(release(inner, turn, commits)).await {
            Ok(outcome) => outcome,
            Err(error) => Err(DbErr::Custom(format!("the commit did not finish: {error}"))),
        }
    }

    /// Rolls back.
    pub async fn rollback(mut self) -> Result<(), DbErr> {
        if self.turn.is_some() {
            // A savepoint rolls back as it is dropped (queued before the shared
            // transaction's next statement); an awaited rollback cut off part-way
            // could leave sqlx to roll back the shared transaction instead.
            drop(self);
            return Ok(());
        }
        let inner = self.inner.take().expect("ends once");
        inner.rollback().await
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        // The savepoint (or transaction) first: dropping it rolls it back.
        drop(self.inner.take());
        if let Some(mut turn) = self.turn.take() {
            turn.guard.close_if_empty();
        }
    }
}

/// Releases a savepoint into the shared transaction, then waits for that to commit.
async fn release(
    savepoint: DatabaseTransaction,
    mut turn: Turn,
    commits: Arc<AtomicU64>,
) -> Result<(), DbErr> {
    if let Err(error) = savepoint.commit().await {
        turn.guard.close_if_empty();
        return Err(error);
    }
    turn.guard.released += 1;
    let outcome = Arc::clone(&turn.guard.outcome);
    drop(turn.guard);
    settle(turn.group, outcome, commits).await
}

/// Waits for the shared transaction holding this writer's released work to commit,
/// committing it if no one else has yet.
async fn settle(
    group: Arc<Mutex<Group>>,
    mine: Arc<Outcome>,
    commits: Arc<AtomicU64>,
) -> Result<(), DbErr> {
    if let Some(outcome) = mine.get() {
        return outcome.clone().map_err(DbErr::Custom);
    }
    let mut turn = group.lock().await;
    if Arc::ptr_eq(&turn.outcome, &mine) {
        let outcome = match turn.open.take() {
            Some(open) => open.commit().await.map_err(|e| e.to_string()),
            None => Ok(()),
        };
        if outcome.is_ok() {
            commits.fetch_add(1, Ordering::Relaxed);
        }
        let _ = turn.outcome.set(outcome.clone());
        turn.outcome = Arc::default();
        turn.released = 0;
        return outcome.map_err(DbErr::Custom);
    }
    drop(turn);
    mine.get()
        .cloned()
        .unwrap_or_else(|| Err("the shared transaction ended without an outcome".into()))
        .map_err(DbErr::Custom)
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.inner().get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.inner().execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.inner().execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.inner().query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.inner().query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.inner().support_returning()
    }
}
