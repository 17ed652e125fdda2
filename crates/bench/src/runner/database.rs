//! The run's own database (a SQLite file, or a fresh PostgreSQL database dropped
//! afterwards), and what the runner reads from it directly: who writes what, and
//! whether acknowledged writes are there.

use std::collections::BTreeMap;
use std::path::Path;

use alliance_graphql::{global_id, parse_global_id};
use alliance_store::Store;
use anyhow::Context;
use sea_orm::{ConnectionTrait, Database as Connect};
use uuid::Uuid;

use super::args::Backend;
use crate::sql::Sql;

/// A database created for one run.
#[derive(Debug)]
pub struct Database {
    pub url: String,
    /// For PostgreSQL: the server's URL to drop it from, and its name.
    postgres: Option<(String, String)>,
}

impl Database {
    /// Creates an empty database: a file under `dir`, or a database named after this
    /// process on the server of `postgres_url`.
    pub async fn create(backend: Backend, dir: &Path, postgres_url: &str) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => Ok(Self {
                url: format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
                postgres: None,
            }),
            Backend::Postgres => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis());
                let name = format!("alliance_bench_{}_{stamp}", std::process::id());
                let admin = Connect::connect(postgres_url)
                    .await
                    .with_context(|| format!("connecting to {postgres_url}"))?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .with_context(|| format!("creating the database {name}"))?;
                admin.close().await.ok();
                // Keep the query (`?host=/var/run/postgresql` for the Unix socket).
                let (address, query) = postgres_url
                    .split_once('?')
                    .map_or((postgres_url, ""), |(address, query)| (address, query));
                let (server, _) = address
                    .rsplit_once('/')
                    .filter(|(server, _)| server.contains("://"))
                    .unwrap_or((address, ""));
                let query = if query.is_empty() {
                    String::new()
                } else {
                    format!("?{query}")
                };
                Ok(Self {
                    url: format!("{server}/{name}{query}"),
                    postgres: Some((postgres_url.to_owned(), name)),
                })
            }
        }
    }

    /// On PostgreSQL, gathers the planner's statistics, as autovacuum does on its own
    /// within a minute or so of a bulk load (when it is on; a server with it off, or a
    /// benchmark started right after seeding, would otherwise plan without them). SQLite
    /// keeps none unless asked, so it is left as Alliance leaves it. How long it took.
    pub async fn analyze(&self) -> anyhow::Result<Option<std::time::Duration>> {
        if self.postgres.is_none() {
            return Ok(None);
        }
        let started = std::time::Instant::now();
        let db = Connect::connect(&self.url).await?;
        db.execute_unprepared("ANALYZE").await.context("ANALYZE")?;
        db.close().await.ok();
        Ok(Some(started.elapsed()))
    }

    /// Drops a PostgreSQL database (a SQLite file goes with its directory).
    pub async fn drop(self) -> anyhow::Result<()> {
        if let Some((server, name)) = self.postgres {
            let admin = Connect::connect(&server).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .with_context(|| format!("dropping the database {name}"))?;
            admin.close().await.ok();
        }
        Ok(())
    }
}

/// Who the write scenarios write as, and on what.
#[derive(Debug, Default)]
pub struct Writers {
    /// Staff subjects with the global IDs of the goals in their alliances.
    pub goals: Vec<(String, Vec<String>)>,
    /// Family subjects with the global ID of the check-in each may answer.
    pub check_ins: Vec<(String, String)>,
}

/// Finds the first `staff` staff members (by subject) whose subjects start with
/// `staff_prefix` with their goals, and the families (`family_prefix`) with an open
/// check-in addressed to them.
pub async fn writers(
    store: &Store,
    district: &str,
    staff_prefix: &str,
    staff: usize,
    family_prefix: &str,
) -> anyhow::Result<Writers> {
    let db = store.db();
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT p.subject, g.id FROM persons p \
         JOIN districts d ON d.id = p.district_id \
         JOIN alliance_members m ON m.person_id = p.id AND m.left_at IS NULL \
           AND m.role NOT IN ('STUDENT', 'CAREGIVER') \
         JOIN alliances a ON a.id = m.alliance_id AND a.status <> 'CLOSED' \
         JOIN goals g ON g.alliance_id = a.id \
         WHERE d.slug = ",
    )
    .bind(district)
    .push(" AND p.subject LIKE ")
    .bind(format!("{staff_prefix}%"))
    .push(" ORDER BY p.subject, g.id");
    let mut goals: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in db.query_all_raw(sql.statement()).await? {
        let subject: String = row.try_get("", "subject")?;
        let goal: Uuid = row.try_get("", "id")?;
        if subject.starts_with(staff_prefix)
            && (goals.len() < staff || goals.contains_key(&subject))
        {
            goals
                .entry(subject)
                .or_default()
                .push(global_id("Goal", goal).0);
        }
    }
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT p.subject, r.id FROM feedback_requests r \
         JOIN alliance_members m ON m.id = r.member_id AND m.left_at IS NULL \
         JOIN persons p ON p.id = m.person_id \
         JOIN districts d ON d.id = p.district_id \
         WHERE r.answered_at IS NULL AND r.due_date >= ",
    )
    .bind(chrono::Utc::now().date_naive())
    .push(" AND d.slug = ")
    .bind(district)
    .push(" AND p.subject LIKE ")
    .bind(format!("{family_prefix}%"))
    .push(" ORDER BY r.id");
    let mut check_ins = Vec::new();
    for row in db.query_all_raw(sql.statement()).await? {
        let subject: String = row.try_get("", "subject")?;
        let request: Uuid = row.try_get("", "id")?;
        if subject.starts_with(family_prefix) {
            check_ins.push((subject, global_id("FeedbackRequest", request).0));
        }
    }
    Ok(Writers {
        goals: goals.into_iter().collect(),
        check_ins,
    })
}

/// How many rows `table` holds.
pub async fn count(store: &Store, table: &str) -> anyhow::Result<u64> {
    let db = store.db();
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(&format!("SELECT COUNT(*) AS n FROM {table}"));
    let row = db
        .query_one_raw(sql.statement())
        .await?
        .context("COUNT(*) answered nothing")?;
    Ok(u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0))
}

/// How many of the records named by the global IDs `ids` are in `table`.
pub async fn present(store: &Store, table: &str, ids: &[String]) -> anyhow::Result<u64> {
    let uuids: Vec<Uuid> = ids
        .iter()
        .filter_map(|id| parse_global_id(id).map(|(_, uuid)| uuid))
        .collect();
    let db = store.db();
    let mut found = 0;
    for chunk in uuids.chunks(500) {
        let mut sql = Sql::new(db.get_database_backend());
        sql.push(&format!("SELECT COUNT(*) AS n FROM {table} WHERE id IN "))
            .list(chunk.iter().copied());
        let row = db
            .query_one_raw(sql.statement())
            .await?
            .context("COUNT(*) answered nothing")?;
        found += u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0);
    }
    Ok(found)
}
