//! The embedded default: a SQLite file opened with WAL, full synchronous commits, foreign
//! keys and a busy timeout.

use alliance_store::Store;
use sea_orm::{ConnectionTrait, Statement};

async fn pragma(store: &Store, name: &str) -> String {
    let row = store
        .db()
        .query_one_raw(Statement::from_string(
            store.db().get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .expect("pragma")
        .expect("a row");
    row.try_get_by_index::<i64>(0)
        .map(|n| n.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .expect("value")
}

#[tokio::test]
async fn a_sqlite_file_is_created_with_wal_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fresh.db");
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    assert!(path.exists(), "the file is created on first start");
    assert_eq!(pragma(&store, "journal_mode").await, "wal");
    assert_eq!(pragma(&store, "foreign_keys").await, "1");
    assert_eq!(pragma(&store, "busy_timeout").await, "10000");
    // 2 = FULL: every commit is fsynced before it is acknowledged.
    assert_eq!(pragma(&store, "synchronous").await, "2");
    assert_eq!(store.backend_name(), "sqlite");
}
