//! Reading rows: by column position where a statement returns many (its models with
//! [`all`], [`all_also`], [`all_with`], [`all_then`] and [`Positional`], its other values with
//! [`rows`]), and by name
//! for rows of several tables whose columns each carry a prefix of their table's.

use sea_orm::sea_query::{Expr, IntoIden, SelectStatement};
use sea_orm::sqlx::error::BoxDynError;
use sea_orm::sqlx::postgres::{PgValueFormat, PgValueRef};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult,
    QueryTrait, Select, SelectTwo, Statement, sqlx,
};

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
    /// Decodes a PostgreSQL value, as sqlx does unless the type knows a shorter way.
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        <Self as sqlx::Decode<sqlx::Postgres>>::decode(value)
    }
}

/// Every column type of the models, decoded as sqlx decodes it.
macro_rules! column {
    ($($t:ty),* $(,)?) => {
        $(impl Column for $t {})*
    };
}

column!(uuid::Uuid, String, bool, i32, i64, f64, chrono::NaiveDate,);

impl<T: Column> Column for Option<T>
where
    Option<T>: for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>,
{
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        use sqlx::ValueRef;
        if value.is_null() {
            Ok(None)
        } else {
            T::from_pg(value).map(Some)
        }
    }
}

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// A `timestamptz` in binary is microseconds since 2000-01-01 UTC. sqlx adds them to
/// that date as a duration, through several of chrono's checked steps (4.7 % of a
/// dashboard's instructions for its seven thousand instants); counting them from the
/// Unix epoch gives the same instant in a fraction of that.
impl Column for chrono::DateTime<chrono::Utc> {
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        if value.format() != PgValueFormat::Binary {
            return <Self as sqlx::Decode<sqlx::Postgres>>::decode(value);
        }
        let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
        i64::from_be_bytes(bytes)
            .checked_add(POSTGRES_EPOCH_MICROS)
            .and_then(chrono::DateTime::from_timestamp_micros)
            .ok_or_else(|| "a timestamp out of range".into())
    }
}

/// A model read by column position: every table's model is one (`entities::model!`),
/// its columns in the order its struct declares them, which is the order SeaORM's
/// entity selects them in.
pub(crate) trait Positional: Sized {
    /// How many columns it takes.
    const WIDTH: usize;
    /// The model whose first column is column `first` of `row`.
    fn read(row: &Cells<'_>, first: usize) -> Result<Self, DbErr>;
}

/// Every model `select` finds, read by position. `select` keeps the entity's own
/// columns (no `select_only`); filters, joins and order are its own.
pub(crate) async fn all<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Positional,
{
    models::<E>(db, select.build(db.get_database_backend())).await
}

/// Every model a hand-built `statement` finds, read by position: it must select `E`'s
/// columns in the entity's order and nothing else.
pub(crate) async fn models<E>(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Positional,
{
    let found = fetch(db, statement, E::Model::WIDTH).await?;
    rows(&found, |row| E::Model::read(row, 0))
}

/// Every pair `select` finds, read by position: `F`'s columns follow `E`'s, and a null
/// in its first column (every table's first column is its key or part of it, a uuid,
/// never null) means an outer join found none.
pub(crate) async fn all_also<E, F>(
    db: &impl ConnectionTrait,
    select: SelectTwo<E, F>,
) -> Result<Vec<(E::Model, Option<F::Model>)>, DbErr>
where
    E: EntityTrait,
    F: EntityTrait,
    E::Model: Positional,
    F::Model: Positional,
{
    let statement = select.build(db.get_database_backend());
    let found = fetch(db, statement, E::Model::WIDTH + F::Model::WIDTH).await?;
    // `F`'s column types are checked on the first row that has an `F`, not the first row.
    let mut second_checked = false;
    rows(&found, |cells| {
        let first = E::Model::read(cells, 0)?;
        let for_second = Cells {
            row: cells.row,
            checked: second_checked,
        };
        let second = match for_second.at::<Option<uuid::Uuid>>(E::Model::WIDTH)? {
            Some(_) => {
                second_checked = true;
                Some(F::Model::read(&for_second, E::Model::WIDTH)?)
            }
            None => None,
        };
        Ok((first, second))
    })
}

/// Every model `select` finds with the one column `select` adds after the model's own
/// (a joined table's value, say), read by position.
pub(crate) async fn all_with<E, T>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<Vec<(E::Model, T)>, DbErr>
where
    E: EntityTrait,
    E::Model: Positional,
    T: Column,
{
    all_then(db, select, 1, |row, at| row.at(at)).await
}

/// Every model `select` finds with the `extra` columns `select` adds after the model's
/// own, read by position: the model, then what `read` makes of the rest, given the first
/// of them.
pub(crate) async fn all_then<E, T>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    extra: usize,
    mut read: impl FnMut(&Cells<'_>, usize) -> Result<T, DbErr>,
) -> Result<Vec<(E::Model, T)>, DbErr>
where
    E: EntityTrait,
    E::Model: Positional,
{
    let statement = select.build(db.get_database_backend());
    let found = fetch(db, statement, E::Model::WIDTH + extra).await?;
    rows(&found, |row| {
        Ok((E::Model::read(row, 0)?, read(row, E::Model::WIDTH)?))
    })
}

/// The rows of `statement`, which must be `width` columns wide: a statement that selects
/// other columns than its reader expects would otherwise be misread wherever
/// neighbouring columns share a type.
pub(crate) async fn fetch(
    db: &impl ConnectionTrait,
    statement: Statement,
    width: usize,
) -> Result<Vec<QueryResult>, DbErr> {
    let found = db.query_all_raw(statement).await?;
    width_is(&found, width)?;
    Ok(found)
}

fn width_is(found: &[QueryResult], expected: usize) -> Result<(), DbErr> {
    use sqlx::Row;
    let Some(row) = found.first() else {
        return Ok(());
    };
    let width = if let Some(row) = row.try_as_pg_row() {
        row.len()
    } else if let Some(row) = row.try_as_sqlite_row() {
        row.len()
    } else {
        return Err(DbErr::Custom("a row from an unknown driver".into()));
    };
    if width == expected {
        Ok(())
    } else {
        Err(DbErr::Custom(format!(
            "a row of {width} columns where {expected} were expected"
        )))
    }
}

/// The rows of one statement, read by column position and decoded by the driver (or, for
/// PostgreSQL's instants, by [`Column::from_pg`]):
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
            row.try_get_raw(index)
                .map_err(BoxDynError::from)
                .and_then(T::from_pg)
        } else if let Some(row) = self.row.try_as_sqlite_row() {
            row.try_get(index).map_err(BoxDynError::from)
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

    #[tokio::test]
    async fn instants_read_by_position_are_the_instants_the_driver_reads() {
        use chrono::{DateTime, TimeZone, Utc};
        let test = TestDatabase::new().await;
        let store = test.store().await;
        let db = store.db();
        let backend = db.get_database_backend();
        let instant = |text: &str| match backend {
            sea_orm::DbBackend::Postgres => format!("CAST('{text}+00' AS TIMESTAMPTZ)"),
            _ => format!("'{text}+00:00'"),
        };
        let texts = [
            "1969-07-20 20:17:40.123456",
            "1999-12-31 23:59:59.999999",
            "2000-01-01 00:00:00",
            "2026-12-07 15:30:00.000001",
        ];
        let select: Vec<String> = texts
            .iter()
            .enumerate()
            .map(|(n, t)| format!("SELECT {n} AS n, {} AS t", instant(t)))
            .chain(["SELECT 9 AS n, NULL AS t".to_owned()])
            .collect();
        let sql = format!("{} ORDER BY n", select.join(" UNION ALL "));
        let found = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .expect("rows");

        let by_position = rows(&found, |row| row.at::<Option<DateTime<Utc>>>(1)).expect("read");
        let by_driver: Vec<Option<DateTime<Utc>>> = found
            .iter()
            .map(|row| row.try_get("", "t").expect("decoded"))
            .collect();
        assert_eq!(by_position, by_driver);
        let moon = Utc.with_ymd_and_hms(1969, 7, 20, 20, 17, 40).unwrap()
            + chrono::Duration::microseconds(123_456);
        assert_eq!(by_position[0], Some(moon));
        assert_eq!(by_position[3].map(|t| t.timestamp_subsec_micros()), Some(1));
        assert_eq!(by_position[4], None);

        if test.is_postgres() {
            // Where sqlx's own arithmetic would overflow and panic, a clear error.
            let infinite =
                Statement::from_string(backend, "SELECT CAST('infinity' AS TIMESTAMPTZ) AS t");
            let found = db.query_all_raw(infinite).await.expect("rows");
            let read = rows(&found, |row| row.at::<DateTime<Utc>>(0));
            assert!(
                read.as_ref()
                    .is_err_and(|e| e.to_string().contains("out of range")),
                "{read:?}"
            );
        }

        store.close().await.ok();
        test.cleanup().await;
    }

    /// Every model `E::find()` finds, as SeaORM reads them by name and as [`all`] reads
    /// them by position: equal, or the model's fields and columns are out of step.
    async fn both_ways<E>(db: &impl ConnectionTrait) -> usize
    where
        E: EntityTrait,
        E::Model: Positional + PartialEq + std::fmt::Debug,
    {
        let by_name = E::find().all(db).await.expect("by name");
        let by_position = all(db, E::find()).await.expect("by position");
        assert_eq!(by_position, by_name, "{}", E::default().table_name());
        by_name.len()
    }

    #[tokio::test]
    async fn every_model_reads_the_same_by_position_as_by_name() {
        use crate::entities::*;
        use alliance_domain::ids::{AuditEventId, DistrictId};
        use alliance_domain::model::AuditEvent;
        use alliance_domain::values::AuditAction;
        use sea_orm::{Condition, JoinType, QueryOrder, QuerySelect, RelationTrait};

        let test = TestDatabase::new().await;
        let store = test.store().await;
        crate::demo::load(&store).await.expect("demo");
        let db = store.db();
        // The demo reads nothing, so one read for the audit table.
        let district = district::Entity::find().one(db).await.expect("district");
        let read = AuditEvent {
            id: AuditEventId::new(),
            district_id: DistrictId(district.expect("a district").id),
            occurred_at: crate::now(),
            subject: "a-reader".into(),
            roles: "STAFF".into(),
            action: AuditAction::Read,
            entity_type: "Student".into(),
            entity_id: None,
            student_id: None,
            request_id: Some("a-request".into()),
            operation_name: None,
        };
        crate::audit::record(db, &[read]).await.expect("audit");

        macro_rules! tables {
            ($($table:ident),* $(,)?) => {
                vec![$((stringify!($table), both_ways::<$table::Entity>(db).await)),*]
            };
        }
        let read = tables![
            district,
            school,
            person,
            student,
            alliance,
            phase_change,
            member,
            goal,
            goal_revision,
            progress_entry,
            audit_event,
            voice_entry,
            voice_entry_goal,
            goal_acceptance,
            intervention,
            intervention_goal,
            intervention_change,
            communication,
            communication_recipient,
            communication_goal,
            communication_reply,
            feedback_request,
            feedback_response,
            reflection,
            reflection_participant,
            reflection_considered,
            next_step,
            next_step_citation,
        ];
        // Only rows make the comparison worth anything: the demo fills every table.
        let empty: Vec<_> = read.iter().filter(|(_, rows)| *rows == 0).collect();
        assert!(empty.is_empty(), "tables the demo left empty: {empty:?}");

        // A statement that selects other columns than the model's is refused, not misread.
        let narrow = goal::Entity::find()
            .select_only()
            .column(goal::Column::Id)
            .column(goal::Column::AllianceId);
        assert!(all(db, narrow).await.is_err());

        // A model with one column after its own: the model, then that column's value.
        let with_alliance =
            goal::Entity::find().column_as(goal::Column::AllianceId, "alliance_again");
        let found: Vec<(goal::Model, uuid::Uuid)> = all_with(db, with_alliance)
            .await
            .expect("goals with a column");
        assert_eq!(
            found.iter().map(|(g, _)| g.clone()).collect::<Vec<_>>(),
            goal::Entity::find().all(db).await.expect("goals by name")
        );
        assert!(found.iter().all(|(g, alliance)| g.alliance_id == *alliance));
        let without: Result<Vec<(goal::Model, uuid::Uuid)>, _> =
            all_with(db, goal::Entity::find()).await;
        assert!(without.is_err(), "no column after the model's");

        // Pairs: the second model's columns after the first's, and none where an outer
        // join found nothing (here a left join on a condition no row meets).
        let pairs = || {
            member::Entity::find()
                .select_also(person::Entity)
                .join(
                    JoinType::InnerJoin,
                    member::Entity::belongs_to(person::Entity)
                        .from(member::Column::PersonId)
                        .to(person::Column::Id)
                        .into(),
                )
                .order_by_asc(member::Column::Id)
        };
        let by_name = pairs().all(db).await.expect("pairs by name");
        assert!(!by_name.is_empty());
        assert_eq!(
            all_also(db, pairs()).await.expect("pairs by position"),
            by_name
        );

        let unmatched = || {
            alliance::Entity::find()
                .select_also(student::Entity)
                .join(
                    JoinType::LeftJoin,
                    alliance::Relation::Student
                        .def()
                        .on_condition(|_, _| Condition::all().add(Expr::cust("1 = 0"))),
                )
                .order_by_asc(alliance::Column::Id)
        };
        let by_name = unmatched().all(db).await.expect("unmatched by name");
        assert!(!by_name.is_empty() && by_name.iter().all(|(_, s)| s.is_none()));
        assert_eq!(
            all_also(db, unmatched())
                .await
                .expect("unmatched by position"),
            by_name
        );

        // And by name under a prefix ([`optional`]): a membership with nullable columns
        // that an outer join did not find is none, not an error (SeaORM's derive tells
        // them by their written `Option` types, which `entities::model!` must keep).
        let mut select = sea_orm::sea_query::Query::select();
        columns_of::<alliance::Entity>(&mut select, alliance::Entity, "a_");
        columns_of::<member::Entity>(&mut select, member::Entity, "m_");
        select
            .from(alliance::Entity)
            .left_join(member::Entity, Condition::all().add(Expr::cust("1 = 0")));
        let found = db
            .query_all_raw(db.get_database_backend().build(&select))
            .await
            .expect("alliances without members");
        assert!(!found.is_empty());
        for row in &found {
            assert!(
                optional::<alliance::Entity>(row, "a_")
                    .expect("alliance")
                    .is_some()
            );
            assert_eq!(
                optional::<member::Entity>(row, "m_").expect("no member"),
                None
            );
        }

        store.close().await.ok();
        test.cleanup().await;
    }
}
