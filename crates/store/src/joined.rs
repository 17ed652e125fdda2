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

/// Column `index` of `row`, decoded by the driver itself: for statements that return
/// thousands of rows, where looking each column up by name (and SeaORM's error value
/// for every null) is most of the cost of reading them.
pub(crate) fn at<T: Column>(row: &QueryResult, index: usize) -> Result<T, DbErr> {
    use sqlx::Row;
    let decoded = if let Some(row) = row.try_as_pg_row() {
        row.try_get(index)
    } else if let Some(row) = row.try_as_sqlite_row() {
        row.try_get(index)
    } else {
        return Err(DbErr::Custom("a row from an unknown driver".into()));
    };
    decoded.map_err(|error| DbErr::Custom(format!("column {index}: {error}")))
}
