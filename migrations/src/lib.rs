//! Alliance's schema, as an ordered list of migrations. The same files run on SQLite and
//! PostgreSQL; applied migrations are never edited, only followed by new ones.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_core;
mod m20261127_000002_create_practices;
mod m20261207_000003_progress_newest_first;

/// Every migration, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_core::Migration),
            Box::new(m20261127_000002_create_practices::Migration),
            Box::new(m20261207_000003_progress_newest_first::Migration),
        ]
    }
}
