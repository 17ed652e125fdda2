//! Rows of several tables read in one statement: each table's columns named with a
//! prefix of its own, and read back per table.

use sea_orm::sea_query::{Expr, IntoIden, SelectStatement};
use sea_orm::{DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult};

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
