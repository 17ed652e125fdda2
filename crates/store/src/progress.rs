//! Progress entries: numbers, narrative, or both.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, GoalId, PersonId, ProgressEntryId};
use alliance_domain::model::{AuditEvent, ProgressEntry};
use alliance_domain::progress::{Observation, ProgressStats};
use alliance_domain::values::ProgressSource;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use tracing::instrument;

use crate::entities::{goal, progress_entry};
use crate::error::{IntoDomain, StoreResult};
use crate::{Store, audit, convert, joined, scope};

/// An observation to record.
#[derive(Clone, Debug)]
pub struct NewProgress {
    pub goal_id: GoalId,
    pub observed_at: DateTime<Utc>,
    pub recorded_by: Option<PersonId>,
    pub recorded_by_subject: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub source: ProgressSource,
}

/// Records an observation.
#[instrument(level = "debug", skip(db, new), fields(goal = %new.goal_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewProgress) -> StoreResult<ProgressEntry> {
    let row = row(new)
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .domain()?;
    convert::progress_entry(row)
}

/// Records an observation and the audit event `event` makes of its id, together:
/// both are kept or neither (on PostgreSQL in one statement, on SQLite in a write
/// transaction).
#[instrument(level = "debug", skip(store, new, event), fields(goal = %new.goal_id))]
pub async fn record(
    store: &Store,
    new: NewProgress,
    event: impl FnOnce(ProgressEntryId) -> AuditEvent,
) -> StoreResult<ProgressEntry> {
    let row = row(new);
    let entry = convert::progress_entry(row.clone())?;
    let event = event(entry.id);
    let insert = progress_entry::Entity::insert(row.into_active_model().reset_all()).into_query();
    audit::insert_with_event(store, insert, &event).await?;
    Ok(entry)
}

/// The row of a new observation, as it is written (and read back).
fn row(new: NewProgress) -> progress_entry::Model {
    progress_entry::Model {
        id: ProgressEntryId::new().0,
        goal_id: new.goal_id.0,
        observed_at: new.observed_at,
        recorded_by: new.recorded_by.map(|p| p.0),
        recorded_by_subject: new.recorded_by_subject,
        value: new.value,
        note: new.note,
        source: new.source.as_str().to_owned(),
        created_at: crate::now(),
    }
}

/// The newest `take` entries of each goal among `ids`, newest first, in one statement.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn newest(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
    take: u64,
) -> StoreResult<Vec<ProgressEntry>> {
    at_each_end(db, ids, End::Newest, take, false).await
}

/// Which end of a goal's entries a page is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum End {
    Newest,
    Oldest,
}

/// The `take` entries at `end` of each goal among `ids` (only those with a value, if
/// `valued`), newest first within each goal, in one statement: a page of each goal's
/// `progress` without reading the rest of its entries out of the database.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn at_each_end(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
    end: End,
    take: u64,
    valued: bool,
) -> StoreResult<Vec<ProgressEntry>> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
    pages(db, Whose::Goals, &ids, end, take, valued).await
}

/// [`at_each_end`] for every goal of each alliance among `ids`: a page of each goal's
/// progress read beside the goals themselves rather than after them.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn at_each_end_of_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
    end: End,
    take: u64,
) -> StoreResult<Vec<ProgressEntry>> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
    pages(db, Whose::Alliances, &ids, end, take, false).await
}

/// Whose entries [`pages`] reads: the goals `ids` name, or every goal of the alliances
/// they name.
#[derive(Clone, Copy)]
enum Whose {
    Goals,
    Alliances,
}

async fn pages(
    db: &impl ConnectionTrait,
    whose: Whose,
    ids: &[uuid::Uuid],
    end: End,
    take: u64,
    valued: bool,
) -> StoreResult<Vec<ProgressEntry>> {
    use sea_orm::{IdenStatic, Iterable};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let order = match end {
        End::Newest => "observed_at DESC, id DESC",
        End::Oldest => "observed_at ASC, id ASC",
    };
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Each goal's page straight off the index, without its other entries.
        let columns = progress_entry::Column::iter()
            .map(|c| format!("page.{}", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let marks = (1..=ids.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let valued = if valued {
            " AND e.value IS NOT NULL"
        } else {
            ""
        };
        let whose = match whose {
            Whose::Goals => "g.id",
            Whose::Alliances => "g.alliance_id",
        };
        let sql = format!(
            "SELECT {columns} FROM goals g CROSS JOIN LATERAL \
             (SELECT * FROM progress_entries e WHERE e.goal_id = g.id{valued} \
              ORDER BY {order} LIMIT {take}) page \
             WHERE {whose} IN ({marks}) \
             ORDER BY page.goal_id, page.observed_at DESC, page.id DESC"
        );
        let values = ids.iter().map(|id| sea_orm::Value::from(*id));
        let statement = sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            sql,
            values,
        );
        let models = joined::models::<progress_entry::Entity>(db, statement)
            .await
            .domain()?;
        return models.into_iter().map(convert::progress_entry).collect();
    }
    let listed = ids.iter().copied();
    let whose = match whose {
        Whose::Goals => progress_entry::Column::GoalId.is_in(listed),
        Whose::Alliances => progress_entry::Column::GoalId.in_subquery(
            Query::select()
                .column(goal::Column::Id)
                .from(goal::Entity)
                .and_where(goal::Column::AllianceId.is_in(listed))
                .to_owned(),
        ),
    };
    let mut ranked = Query::select()
        .columns(progress_entry::Column::iter())
        .expr_as(
            Expr::cust(format!(
                "ROW_NUMBER() OVER (PARTITION BY goal_id ORDER BY {order})"
            )),
            Alias::new("rank_in_goal"),
        )
        .from(progress_entry::Entity)
        .and_where(whose)
        .to_owned();
    if valued {
        ranked.and_where(progress_entry::Column::Value.is_not_null());
    }
    let ranked_alias = Alias::new("ranked");
    let outer = Query::select()
        .columns(progress_entry::Column::iter().map(|c| (ranked_alias.clone(), c)))
        .from_subquery(ranked, ranked_alias.clone())
        .and_where(Expr::col(Alias::new("rank_in_goal")).lte(take as i64))
        .order_by(progress_entry::Column::GoalId, sea_orm::Order::Asc)
        .order_by(progress_entry::Column::ObservedAt, sea_orm::Order::Desc)
        .order_by(progress_entry::Column::Id, sea_orm::Order::Desc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let models = joined::models::<progress_entry::Entity>(db, statement)
        .await
        .domain()?;
    models.into_iter().map(convert::progress_entry).collect()
}

/// The SQL for the weeks from `origin` to `observed_at` (two column expressions), as
/// `backend` counts them: whole microseconds (SQLite's clock reads milliseconds) over
/// 604,800,000,000, as [`alliance_domain::progress::weeks_between`] counts them. The
/// x of a goal's regression, with the goal's creation as `origin`.
///
/// PostgreSQL's seconds come from `date_part`, in floating point: `EXTRACT` answers in
/// `numeric`, whose arithmetic took two thirds of the dashboard's goals statement. The
/// interval's microseconds so counted are off by less than half of one for spans up to
/// about a century, so rounding them gives the whole count `EXTRACT` would.
fn weeks_sql(backend: DbBackend, observed_at: &str, origin: &str) -> String {
    match backend {
        DbBackend::Postgres => format!(
            "(round(date_part('epoch', {observed_at} - {origin}) * 1000000.0) \
             / 604800000000.0)"
        ),
        _ => format!(
            "(round((unixepoch({observed_at}, 'subsec') - unixepoch({origin}, 'subsec')) \
             * 1000) * 1000 / 604800000000.0)"
        ),
    }
}

/// What a goal's entries (`p`) add up to, by the rules of [`ProgressStats::add`], as
/// SQL expressions with their names, in the order [`read_stats`] reads them: count,
/// values counted, the first and latest value's instants, the latest value, Σx, Σy, Σx²,
/// Σxy. `goal` names the goals' table (or its alias) in the statement.
pub fn stats_columns(backend: DbBackend, goal: &str) -> [(&'static str, String); STATS_WIDTH] {
    let x = weeks_sql(backend, "p.observed_at", &format!("{goal}.created_at"));
    let valued = "p.value IS NOT NULL";
    [
        ("entries", "count(p.id)".to_owned()),
        ("valued", "count(p.value)".to_owned()),
        (
            "first_valued_at",
            format!("min(CASE WHEN {valued} THEN p.observed_at END)"),
        ),
        (
            "latest_valued_at",
            format!("max(CASE WHEN {valued} THEN p.observed_at END)"),
        ),
        (
            // Of values at the latest instant, the last recorded (ids grow with time).
            "latest_value",
            format!(
                "(SELECT l.value FROM progress_entries l WHERE l.goal_id = {goal}.id \
                 AND l.value IS NOT NULL ORDER BY l.observed_at DESC, l.id DESC LIMIT 1)"
            ),
        ),
        (
            "sum_x",
            format!("coalesce(sum(CASE WHEN {valued} THEN {x} END), 0.0)"),
        ),
        ("sum_y", "coalesce(sum(p.value), 0.0)".to_owned()),
        (
            "sum_xx",
            format!("coalesce(sum(CASE WHEN {valued} THEN {x} * {x} END), 0.0)"),
        ),
        ("sum_xy", format!("coalesce(sum({x} * p.value), 0.0)")),
    ]
}

/// `select` of goals (the table `goals`, unaliased) with each goal's progress totals
/// added as [`STATS_WIDTH`] columns after its own, which [`read_stats`] reads: added up
/// where the entries are instead of shipping them.
///
/// On PostgreSQL each goal's entries are added up on their own (`LEFT JOIN LATERAL`),
/// straight off the goal's index; grouping the goals joined to all their entries made
/// PostgreSQL hash every entry with its goal's whole row. SQLite, which has no lateral
/// join, groups the join.
pub(crate) fn with_stats(
    mut select: Select<goal::Entity>,
    backend: DbBackend,
) -> Select<goal::Entity> {
    let columns = stats_columns(backend, "goals");
    let query = QueryTrait::query(&mut select);
    if backend == DbBackend::Postgres {
        let mut totals = Query::select();
        for (name, sql) in columns.iter() {
            totals.expr_as(Expr::cust(sql.clone()), Alias::new(*name));
        }
        totals
            .from_as(progress_entry::Entity, Alias::new("p"))
            .and_where(Expr::cust("p.goal_id = goals.id"));
        query.join_lateral(
            JoinType::LeftJoin,
            totals,
            Alias::new("totals"),
            Expr::cust("true"),
        );
        for (name, _) in columns {
            query.expr(Expr::cust(format!("totals.{name}")));
        }
        return select;
    }
    query.join_as(
        JoinType::LeftJoin,
        progress_entry::Entity,
        Alias::new("p"),
        Expr::cust("goals.id = p.goal_id"),
    );
    query.group_by_col((goal::Entity, goal::Column::Id));
    for (_, sql) in columns {
        query.expr(Expr::cust(sql));
    }
    select
}

/// How many columns [`with_stats`] adds.
pub const STATS_WIDTH: usize = 9;

/// A goal's totals from the columns [`with_stats`] added, from `first` on.
pub(crate) fn read_stats(
    cells: &joined::Cells<'_>,
    first: usize,
    origin: DateTime<Utc>,
) -> Result<ProgressStats, sea_orm::DbErr> {
    let count = |at: usize| -> Result<u64, sea_orm::DbErr> {
        u64::try_from(cells.at::<i64>(at)?)
            .map_err(|_| sea_orm::DbErr::Custom("a negative count".into()))
    };
    Ok(ProgressStats {
        origin,
        entries: count(first)?,
        valued: count(first + 1)?,
        first_valued_at: cells.at(first + 2)?,
        latest_valued_at: cells.at(first + 3)?,
        latest_value: cells.at(first + 4)?,
        sum_x: cells.at(first + 5)?,
        sum_y: cells.at(first + 6)?,
        sum_xx: cells.at(first + 7)?,
        sum_xy: cells.at(first + 8)?,
    })
}

/// The progress totals of each goal among `ids`, added up from its entries in one
/// statement.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn stats(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
) -> StoreResult<Vec<(GoalId, ProgressStats)>> {
    let backend = db.get_database_backend();
    let select = with_stats(
        goal::Entity::find()
            .select_only()
            .column(goal::Column::Id)
            .column(goal::Column::CreatedAt)
            .filter(goal::Column::Id.is_in(ids.iter().map(|id| id.0))),
        backend,
    );
    let found = joined::fetch(db, select.build(backend), 2 + STATS_WIDTH)
        .await
        .domain()?;
    joined::rows(&found, |row| {
        let origin = row.at(1)?;
        Ok((GoalId(row.at(0)?), read_stats(row, 2, origin)?))
    })
    .domain()
}

/// Every entry of each goal among `ids`, newest first within its goal, in one statement:
/// what a page between cursors is cut from.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_goals(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
) -> StoreResult<Vec<ProgressEntry>> {
    use progress_entry::Column as C;
    // By position (`joined::all`): a page of goals holds thousands of entries.
    let models = joined::all(
        db,
        progress_entry::Entity::find()
            .filter(C::GoalId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(C::GoalId)
            .order_by_desc(C::ObservedAt)
            .order_by_desc(C::Id),
    )
    .await
    .domain()?;
    models.into_iter().map(convert::progress_entry).collect()
}

/// How many entries each goal among `ids` has.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn counts(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
) -> StoreResult<HashMap<GoalId, u64>> {
    let rows: Vec<(uuid::Uuid, i64)> = progress_entry::Entity::find()
        .select_only()
        .column(progress_entry::Column::GoalId)
        .column_as(progress_entry::Column::Id.count(), "entries")
        .filter(progress_entry::Column::GoalId.is_in(ids.iter().map(|id| id.0)))
        .group_by(progress_entry::Column::GoalId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    Ok(rows
        .into_iter()
        .map(|(goal, n)| (GoalId(goal), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Every observation (time and value) of each goal among `ids`, oldest first and in the
/// order recorded at one instant, as `summarize` takes them.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn observations(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
) -> StoreResult<Vec<(GoalId, Observation)>> {
    let rows: Vec<(uuid::Uuid, DateTime<Utc>, Option<f64>)> = progress_entry::Entity::find()
        .select_only()
        .column(progress_entry::Column::GoalId)
        .column(progress_entry::Column::ObservedAt)
        .column(progress_entry::Column::Value)
        .filter(progress_entry::Column::GoalId.is_in(ids.iter().map(|id| id.0)))
        .order_by_asc(progress_entry::Column::ObservedAt)
        .order_by_asc(progress_entry::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    Ok(rows
        .into_iter()
        .map(|(goal, observed_at, value)| (GoalId(goal), Observation { observed_at, value }))
        .collect())
}

/// The entries among `ids` on goals of alliances `scope` reaches.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[ProgressEntryId],
) -> StoreResult<Vec<ProgressEntry>> {
    let goals_in_reach = Query::select()
        .column(goal::Column::Id)
        .from(goal::Entity)
        .and_where(goal::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
        .to_owned();
    let rows = joined::all(
        db,
        progress_entry::Entity::find()
            .filter(progress_entry::Column::GoalId.in_subquery(goals_in_reach))
            .filter(progress_entry::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert::progress_entry).collect()
}

/// Every entry on the goals of each alliance among `ids`, newest first, with the
/// alliance each belongs to.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<(AllianceId, ProgressEntry)>> {
    const ALLIANCE: &str = "alliance_of_goal";
    let select = progress_entry::Entity::find()
        .join(
            JoinType::InnerJoin,
            progress_entry::Entity::belongs_to(goal::Entity)
                .from(progress_entry::Column::GoalId)
                .to(goal::Column::Id)
                .into(),
        )
        .column_as(goal::Column::AllianceId, ALLIANCE)
        .filter(goal::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
        .order_by_desc(progress_entry::Column::ObservedAt)
        .order_by_desc(progress_entry::Column::Id);
    let found: Vec<(_, uuid::Uuid)> = joined::all_with(db, select).await.domain()?;
    found
        .into_iter()
        .map(|(entry, alliance)| Ok((AllianceId(alliance), convert::progress_entry(entry)?)))
        .collect()
}
