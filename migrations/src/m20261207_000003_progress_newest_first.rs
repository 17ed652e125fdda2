//! A goal's progress entries are read newest first (its pages, its summary, the
//! dashboard's last entries): the index on them runs that way, so PostgreSQL walks it
//! in the order asked for instead of sorting each goal's entries after reading them
//! (two thirds of the dashboard's progress statement, BENCHMARKS.md, seventh session).
//! It still serves "entries of this goal since then" (practice health).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX ix_progress_goal_newest \
             ON progress_entries (goal_id, observed_at DESC, id DESC)",
        )
        .await?;
        db.execute_unprepared("DROP INDEX ix_progress_goal_observed")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX ix_progress_goal_observed ON progress_entries (goal_id, observed_at)",
        )
        .await?;
        db.execute_unprepared("DROP INDEX ix_progress_goal_newest")
            .await?;
        Ok(())
    }
}
