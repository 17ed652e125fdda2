//! Rows of several tables read in one statement: each table's columns named with a
//! prefix of its own, and read back per table.

use sea_orm::sea_query::{Expr, IntoIden, SelectStatement};
use sea_orm::{DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult, sqlx};

/// Adds every column of `E` (as the table or alias `table` names it) to `select`, named
/// `{prefix}{column}`.
pub(crate) fn columns_of<E: EntityTrait>(
    select: &mut SelectStatement,
    table: impl IntoIden + Clone,
    prefix: &str,
) {
    for column in E::Column::iter() {
        select.expr_as(
            Expr::col((table.clone(), column)),
            format!("{prefix}{}", column.as_str()),
        );
    }
}

/// The `E` a row holds under `prefix`, or none where an outer join found nothing (every
/// column null); a value that does not decode is an error, not a missing row.
pub(crate) fn optional<E: EntityTrait>(
    row: &QueryResult,
    prefix: &str,
) -> Result<Option<E::Model>, DbErr>
where
    E::Model: FromQueryResult,
{
    Option::<E::Model>::from_query_result(row, prefix)
}

/// A value both drivers decode.
pub(crate) trait Column:
    for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
{
}

impl<T> Column for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
{
}

/// The rows of one statement, read by column position and decoded by the driver itself:
/// for statements that return thousands of rows, where looking each column up by name
/// (and SeaORM's error value for every null) is most of the cost of reading them.
///
/// On PostgreSQL a statement's columns each have one type, which the first row checks
/// against what it is read as (from the statement's description of the column, so a
/// null there is checked too); the rest decode unchecked, so `read` must read the same
/// columns as the same types from every row. Checking every value cost 6.5 % of a
/// dashboard's instructions (BENCHMARKS.md, fifth session). SQLite's values carry types
/// of their own, so each is checked.
pub(crate) fn rows<R>(
    rows: &[QueryResult],
    mut read: impl FnMut(&Cells<'_>) -> Result<R, DbErr>,
) -> Result<Vec<R>, DbErr> {
    rows.iter()
        .enumerate()
        .map(|(n, row)| {
            read(&Cells {
                row,
                checked: n > 0,
            })
        })
        .collect()
}

/// One row of [`rows`].
pub(crate) struct Cells<'r> {
    row: &'r QueryResult,
    /// Whether an earlier row of the statement checked the column types.
    checked: bool,
}

impl Cells<'_> {
    /// Column `index`, as a `T`.
    pub(crate) fn at<T: Column>(&self, index: usize) -> Result<T, DbErr> {
        use sqlx::{Column as _, Row};
        let decoded = if let Some(row) = self.row.try_as_pg_row() {
            if !self.checked {
                let column = row.columns().get(index).ok_or_else(|| {
                    DbErr::Custom(format!("column {index}: the row has no such column"))
                })?;
                if !<T as sqlx::Type<sqlx::Postgres>>::compatible(column.type_info()) {
                    return Err(DbErr::Custom(format!(
                        "column {index}: a {} cannot be read as {}",
                        column.type_info(),
                        std::any::type_name::<T>()
                    )));
                }
            }
            row.try_get_unchecked(index)
        } else if let Some(row) = self.row.try_as_sqlite_row() {
            row.try_get(index)
        } else {
            return Err(DbErr::Custom("a row from an unknown driver".into()));
        };
        decoded.map_err(|error| DbErr::Custom(format!("column {index}: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use super::*;
    use crate::testing::TestDatabase;

    #[tokio::test]
    async fn rows_read_by_position_and_a_column_of_another_type_is_refused_even_if_null_first() {
        let test = TestDatabase::new().await;
        let store = test.store().await;
        let db = store.db();
        let statement = Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(1 AS BIGINT) AS n, CAST(NULL AS TEXT) AS word \
             UNION ALL SELECT CAST(2 AS BIGINT), 'eight by' ORDER BY n",
        );
        let found = db.query_all_raw(statement).await.expect("rows");

        let read = rows(&found, |row| {
            Ok((row.at::<i64>(0)?, row.at::<Option<String>>(1)?))
        });
        assert_eq!(
            read.expect("read"),
            [(1, None), (2, Some("eight by".to_owned()))]
        );

        // On PostgreSQL the first row refuses it from the column's type, its null
        // notwithstanding (eight bytes of text would decode unchecked as a number); on
        // SQLite the second, from its value's.
        let misread = rows(&found, |row| row.at::<Option<i64>>(1));
        assert!(misread.is_err(), "{misread:?}");

        store.close().await.ok();
        test.cleanup().await;
    }
}
