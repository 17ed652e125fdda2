//! Throwaway databases for tests (the `testing` feature).
//!
//! Every [`TestDatabase`] is a brand-new, empty database: a SQLite file in its own
//! temporary directory by default, or, when `ALLIANCE_TEST_DATABASE_URL` names a
//! PostgreSQL server (`postgres://postgres@127.0.0.1:5432/postgres`), a new database
//! `alliance_t_<uuid>` created on that server. Tests therefore never share state and
//! run the same on both databases.
//!
//! ```no_run
//! # async fn example() {
//! use alliance_store::testing::TestDatabase;
//!
//! let db = TestDatabase::new().await;
//! let store = db.store().await; // connected and migrated
//! // ... use the store ...
//! store.close().await.ok();
//! db.cleanup().await; // or just let `db` go out of scope
//! # }
//! ```

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement,
};

use crate::Store;

/// The environment variable naming a PostgreSQL server to test against.
pub const DATABASE_URL_VAR: &str = "ALLIANCE_TEST_DATABASE_URL";

/// Set, this environment variable keeps PostgreSQL test databases when they are dropped.
pub const KEEP_VAR: &str = "ALLIANCE_TEST_KEEP_DATABASE";

/// A fresh, empty database that lives as long as this value.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL to connect to (`sqlite://…?mode=rwc` or `postgres://…/alliance_t_…`).
    pub url: String,
    /// Keeps the SQLite file's directory until the value is dropped.
    dir: Option<tempfile::TempDir>,
    /// On PostgreSQL, the server URL the database was created from and its name.
    created_on: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates the database: on the PostgreSQL server named by
    /// `ALLIANCE_TEST_DATABASE_URL` when it is set, otherwise as a SQLite file in a new
    /// temporary directory. Panics when that fails, as a test setup should.
    pub async fn new() -> TestDatabase {
        match std::env::var(DATABASE_URL_VAR)
            .ok()
            .filter(|url| !url.trim().is_empty())
        {
            Some(server) => Self::postgres(server.trim()).await,
            None => Self::sqlite(),
        }
    }

    fn sqlite() -> TestDatabase {
        let dir = tempfile::Builder::new()
            .prefix("alliance-test-")
            .tempdir()
            .expect("create a temporary directory for the test database");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("alliance.db").display()
        );
        TestDatabase {
            url,
            dir: Some(dir),
            created_on: None,
        }
    }

    async fn postgres(server: &str) -> TestDatabase {
        let name = format!("alliance_t_{}", uuid::Uuid::new_v4().simple());
        let admin = admin_connection(server)
            .await
            .unwrap_or_else(|e| panic!("connect to {DATABASE_URL_VAR} ({server}): {e}"));
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("create test database {name} on {DATABASE_URL_VAR}: {e}"));
        admin.close().await.ok();
        TestDatabase {
            url: with_database(server, &name),
            dir: None,
            created_on: Some((server.to_owned(), name)),
        }
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.created_on.is_some()
    }

    /// A store connected to this database, with every migration applied.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connect to test database {}: {e}", self.url));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate test database {}: {e}", self.url));
        store
    }

    /// Removes the database now: drops it on PostgreSQL (closing any connections still
    /// open to it) and deletes the SQLite file's directory. Dropping the value does the
    /// same, from a helper thread; this is the way to do it without blocking, in async
    /// code. Best effort: a failure is logged, not raised.
    pub async fn cleanup(mut self) {
        if let Some((server, name)) = self.created_on.take() {
            drop_database(&server, &name).await;
        }
        if let Some(dir) = self.dir.take() {
            dir.close().ok();
        }
    }
}

impl Drop for TestDatabase {
    /// Drops the PostgreSQL database, even when the test panicked, unless
    /// `ALLIANCE_TEST_KEEP_DATABASE` is set (to look at what a failed test left). The
    /// drop runs on a thread of its own with its own runtime, so it works inside and
    /// outside of an async runtime alike.
    fn drop(&mut self) {
        let Some((server, name)) = self.created_on.take() else {
            return;
        };
        if std::env::var_os(KEEP_VAR).is_some() {
            eprintln!("{KEEP_VAR} is set: keeping test database {}", self.url);
            return;
        }
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => runtime.block_on(drop_database(&server, &name)),
                Err(e) => {
                    tracing::warn!(database = %name, error = %e, "could not drop test database")
                }
            }
        });
        dropped.join().ok();
    }
}

/// How many rows each table of `store`'s database holds, by table name: taken before and
/// after a request, it proves the request wrote nothing, the audit log included.
pub async fn row_counts(store: &Store) -> std::collections::BTreeMap<String, i64> {
    let db = store.db();
    let backend = db.get_database_backend();
    let tables = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()",
    };
    let tables = db
        .query_all_raw(Statement::from_string(backend, tables))
        .await
        .expect("list the tables");
    let mut counts = std::collections::BTreeMap::new();
    for table in tables {
        let name: String = table.try_get("", "name").expect("a table name");
        let count = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM \"{name}\""),
            ))
            .await
            .expect("count rows")
            .expect("a count");
        counts.insert(name, count.try_get::<i64>("", "n").expect("a number"));
    }
    counts
}

async fn admin_connection(server: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = ConnectOptions::new(server.to_owned());
    options
        .max_connections(1)
        .min_connections(0)
        .sqlx_logging(false);
    Database::connect(options).await
}

async fn drop_database(server: &str, name: &str) {
    let dropped = async {
        let admin = admin_connection(server).await?;
        let result = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await;
        admin.close().await.ok();
        result
    };
    if let Err(e) = dropped.await {
        tracing::warn!(database = %name, error = %e, "could not drop test database");
    }
}

/// `url` with its database (the path) replaced by `name`, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;
    use sea_orm::ConnectionTrait;

    #[test]
    fn the_database_name_in_a_url_is_swapped() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@db:5432", "t1"),
            "postgres://u:p@db:5432/t1"
        );
        assert_eq!(
            with_database("postgres://db/x?sslmode=disable", "t1"),
            "postgres://db/t1?sslmode=disable"
        );
    }

    #[tokio::test]
    async fn a_test_database_starts_empty_and_migrates() {
        let db = super::TestDatabase::new().await;
        let store = db.store().await;
        assert!(store.ping().await);
        store.close().await.ok();
        db.cleanup().await;
    }

    #[tokio::test]
    async fn a_dropped_test_database_is_removed_even_with_connections_open() {
        let db = super::TestDatabase::new().await;
        let store = db.store().await;
        match db.created_on.clone() {
            Some((server, name)) => {
                drop(db);
                let admin = super::admin_connection(&server)
                    .await
                    .expect("admin connection");
                let left = admin
                    .query_one_raw(sea_orm::Statement::from_string(
                        admin.get_database_backend(),
                        format!("SELECT datname FROM pg_database WHERE datname = '{name}'"),
                    ))
                    .await
                    .expect("query");
                assert!(left.is_none(), "{name} is still there");
            }
            None => {
                let dir = db.dir.as_ref().expect("a directory").path().to_owned();
                drop(db);
                assert!(!dir.exists());
            }
        }
        drop(store);
    }
}
