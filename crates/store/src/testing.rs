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
//! db.cleanup().await; // drops the PostgreSQL database; a failed test leaves it behind
//! # }
//! ```

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::Store;

/// The environment variable naming a PostgreSQL server to test against.
pub const DATABASE_URL_VAR: &str = "ALLIANCE_TEST_DATABASE_URL";

/// A fresh, empty database that lives as long as this value (on SQLite) or until
/// [`TestDatabase::cleanup`] (on PostgreSQL).
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
        let admin = admin_connection(server).await;
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

    /// Removes the database: drops it on PostgreSQL (closing any connections still
    /// open to it), deletes the SQLite file's directory. Best effort: a failure is
    /// logged, not raised. Databases of tests that panicked before cleaning up stay
    /// behind, named `alliance_t_…`.
    pub async fn cleanup(self) {
        if let Some((server, name)) = &self.created_on {
            let admin = admin_connection(server).await;
            if let Err(e) = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
            {
                tracing::warn!(database = %name, error = %e, "could not drop test database");
            }
            admin.close().await.ok();
        }
        if let Some(dir) = self.dir {
            dir.close().ok();
        }
    }
}

async fn admin_connection(server: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(server.to_owned());
    options
        .max_connections(1)
        .min_connections(0)
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .unwrap_or_else(|e| panic!("connect to {DATABASE_URL_VAR} ({server}): {e}"))
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
}
