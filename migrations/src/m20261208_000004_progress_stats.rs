//! Each goal's progress totals (`progress_stats`), kept by the database as entries are
//! recorded: count, latest value, first value's instant and the regression's sums. A
//! goal's summary then reads one row instead of every entry, so the dashboard costs
//! the same in May as in September (BENCHMARKS.md, eighth session).
//!
//! Triggers keep the totals, so every way an entry is written (the API, the seeders, an
//! operator's SQL) counts, in the writer's own transaction: a row for each goal as it
//! is created, and each entry added to its goal's row by the rules of
//! `alliance_domain::progress::ProgressStats::add`. x is the weeks from the goal's
//! creation to the observation, counted in whole microseconds (SQLite's clock reads
//! milliseconds) and divided by 604,800,000,000, as the domain counts them. Entries are
//! never changed or removed, so adding is all the triggers do.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProgressStats {
    Table,
    GoalId,
    Origin,
    Entries,
    Valued,
    FirstValuedAt,
    LatestValuedAt,
    LatestValue,
    SumX,
    SumY,
    SumXx,
    SumXy,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
}

/// The weeks from `origin` to `at` (two SQL expressions), as the backend counts them.
fn weeks(backend: DatabaseBackend, at: &str, origin: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!(
            "((EXTRACT(EPOCH FROM ({at} - {origin})) * 1000000)::float8 / 604800000000.0::float8)"
        ),
        _ => format!(
            "(round((unixepoch({at}, 'subsec') - unixepoch({origin}, 'subsec')) * 1000) * 1000 \
             / 604800000000.0)"
        ),
    }
}

/// The assignments that add the entry `new` (a row alias) to a goal's totals, whose
/// current values the unqualified columns hold.
fn add_entry(backend: DatabaseBackend, new: &str) -> String {
    let x = weeks(backend, &format!("{new}.observed_at"), "origin");
    let valued = format!("{new}.value IS NOT NULL");
    format!(
        "entries = entries + 1, \
         valued = valued + CASE WHEN {valued} THEN 1 ELSE 0 END, \
         first_valued_at = CASE WHEN {valued} AND (first_valued_at IS NULL OR {new}.observed_at < first_valued_at) \
             THEN {new}.observed_at ELSE first_valued_at END, \
         latest_value = CASE WHEN {valued} AND (latest_valued_at IS NULL OR {new}.observed_at >= latest_valued_at) \
             THEN {new}.value ELSE latest_value END, \
         latest_valued_at = CASE WHEN {valued} AND (latest_valued_at IS NULL OR {new}.observed_at >= latest_valued_at) \
             THEN {new}.observed_at ELSE latest_valued_at END, \
         sum_x = sum_x + CASE WHEN {valued} THEN {x} ELSE 0 END, \
         sum_y = sum_y + coalesce({new}.value, 0), \
         sum_xx = sum_xx + CASE WHEN {valued} THEN {x} * {x} ELSE 0 END, \
         sum_xy = sum_xy + CASE WHEN {valued} THEN {x} * {new}.value ELSE 0 END"
    )
}

/// Every goal's totals from its entries, for goals recorded before the triggers.
fn backfill(backend: DatabaseBackend) -> String {
    let x = weeks(backend, "p.observed_at", "g.created_at");
    format!(
        "INSERT INTO progress_stats \
         (goal_id, origin, entries, valued, first_valued_at, latest_valued_at, latest_value, \
          sum_x, sum_y, sum_xx, sum_xy) \
         SELECT g.id, g.created_at, count(p.id), count(p.value), \
           min(CASE WHEN p.value IS NOT NULL THEN p.observed_at END), \
           max(CASE WHEN p.value IS NOT NULL THEN p.observed_at END), \
           (SELECT l.value FROM progress_entries l WHERE l.goal_id = g.id AND l.value IS NOT NULL \
            ORDER BY l.observed_at DESC, l.created_at DESC, l.id DESC LIMIT 1), \
           coalesce(sum(CASE WHEN p.value IS NOT NULL THEN {x} END), 0), \
           coalesce(sum(p.value), 0), \
           coalesce(sum(CASE WHEN p.value IS NOT NULL THEN {x} * {x} END), 0), \
           coalesce(sum({x} * p.value), 0) \
         FROM goals g LEFT JOIN progress_entries p ON p.goal_id = g.id \
         GROUP BY g.id, g.created_at"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProgressStats::Table)
                    .col(uuid(ProgressStats::GoalId).primary_key())
                    .col(timestamp_with_time_zone(ProgressStats::Origin))
                    .col(big_integer(ProgressStats::Entries).default(0))
                    .col(big_integer(ProgressStats::Valued).default(0))
                    .col(timestamp_with_time_zone_null(ProgressStats::FirstValuedAt))
                    .col(timestamp_with_time_zone_null(ProgressStats::LatestValuedAt))
                    .col(double_null(ProgressStats::LatestValue))
                    .col(double(ProgressStats::SumX).default(0.0))
                    .col(double(ProgressStats::SumY).default(0.0))
                    .col(double(ProgressStats::SumXx).default(0.0))
                    .col(double(ProgressStats::SumXy).default(0.0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProgressStats::Table, ProgressStats::GoalId)
                            .to(Goals::Table, Goals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        db.execute_unprepared(&backfill(backend)).await?;
        let open = "INSERT INTO progress_stats (goal_id, origin) VALUES (NEW.id, NEW.created_at)";
        let add = format!(
            "UPDATE progress_stats SET {} WHERE goal_id = NEW.goal_id",
            add_entry(backend, "NEW")
        );
        match backend {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION progress_stats_open() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {open}; RETURN NULL; END $$; \
                     CREATE TRIGGER tr_goals_progress_stats AFTER INSERT ON goals \
                     FOR EACH ROW EXECUTE FUNCTION progress_stats_open(); \
                     CREATE FUNCTION progress_stats_add() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {add}; RETURN NULL; END $$; \
                     CREATE TRIGGER tr_progress_entries_stats AFTER INSERT ON progress_entries \
                     FOR EACH ROW EXECUTE FUNCTION progress_stats_add();"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER tr_goals_progress_stats AFTER INSERT ON goals \
                     BEGIN {open}; END"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER tr_progress_entries_stats AFTER INSERT ON progress_entries \
                     BEGIN {add}; END"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS tr_progress_entries_stats ON progress_entries; \
                     DROP TRIGGER IF EXISTS tr_goals_progress_stats ON goals; \
                     DROP FUNCTION IF EXISTS progress_stats_add(); \
                     DROP FUNCTION IF EXISTS progress_stats_open();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS tr_progress_entries_stats")
                    .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS tr_goals_progress_stats")
                    .await?;
            }
        }
        manager
            .drop_table(Table::drop().table(ProgressStats::Table).to_owned())
            .await
    }
}
