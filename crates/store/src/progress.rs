//! Progress entries: numbers, narrative, or both.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{GoalId, PersonId, ProgressEntryId};
use alliance_domain::model::{AuditEvent, ProgressEntry};
use alliance_domain::progress::Observation;
use alliance_domain::values::ProgressSource;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, JoinType,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
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
    let ranked = Query::select()
        .column(Asterisk)
        .expr_as(
            Expr::cust(
                "ROW_NUMBER() OVER (PARTITION BY goal_id ORDER BY observed_at DESC, id DESC)",
            ),
            Alias::new("rank_in_goal"),
        )
        .from(progress_entry::Entity)
        .and_where(progress_entry::Column::GoalId.is_in(ids.iter().map(|id| id.0)))
        .to_owned();
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(ranked, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("rank_in_goal")).lte(take as i64))
        .order_by(Alias::new("goal_id"), sea_orm::Order::Asc)
        .order_by(Alias::new("rank_in_goal"), sea_orm::Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let rows = progress_entry::Entity::find()
        .from_raw_sql(statement)
        .all(db)
        .await
        .domain()?;
    rows.into_iter().map(convert::progress_entry).collect()
}

/// Every entry of each goal among `ids`, newest first within its goal, in one statement:
/// what a goal's pages, count and summary are made from.
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

/// Every observation (time and value) of each goal among `ids`, for summaries.
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
    ids: &[alliance_domain::ids::AllianceId],
) -> StoreResult<Vec<(alliance_domain::ids::AllianceId, ProgressEntry)>> {
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
        .map(|(entry, alliance)| {
            Ok((
                alliance_domain::ids::AllianceId(alliance),
                convert::progress_entry(entry)?,
            ))
        })
        .collect()
}
