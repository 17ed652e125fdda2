//! The facts practice health is computed from, for a batch of alliances, in one
//! statement.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::health::HealthFacts;
use alliance_domain::ids::AllianceId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoIden, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use tracing::instrument;

use crate::entities::{
    alliance, communication, feedback_request, feedback_response, goal, goal_acceptance, member,
    next_step, progress_entry, reflection,
};
use crate::error::{IntoDomain, StoreResult};
use crate::scope;

/// One alliance's row: when it began and the aggregates below.
#[derive(FromQueryResult)]
struct FactsRow {
    id: uuid::Uuid,
    created_at: DateTime<Utc>,
    last_feedback_requested: Option<DateTime<Utc>>,
    last_data_shared: Option<DateTime<Utc>>,
    last_reflection: Option<DateTime<Utc>>,
    open_concerns: i64,
    overdue_next_steps: i64,
    quiet_goals: i64,
    unagreed_goals: i64,
}

/// `(SELECT … FROM table WHERE table.alliance_id = alliances.id AND …)`: an aggregate of
/// the outer alliance's rows, as a column.
fn of_alliance(aggregate: Expr, table: impl IntoIden, alliance: impl IntoIden) -> SelectStatement {
    let table = table.into_iden();
    Query::select()
        .expr(aggregate)
        .from(table.clone())
        .and_where(
            Expr::col((table, alliance.into_iden()))
                .equals((alliance::Entity, alliance::Column::Id)),
        )
        .to_owned()
}

fn column(select: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(select.into()))
}

/// Active goals of the outer alliance with no row in `missing` (correlated on
/// `goals.id`).
fn active_goals_without(missing: SelectStatement) -> SelectStatement {
    of_alliance(
        Expr::cust("COUNT(*)"),
        goal::Entity,
        goal::Column::AllianceId,
    )
    .and_where(Expr::col((goal::Entity, goal::Column::Status)).eq("ACTIVE"))
    .and_where(Expr::not_exists(missing))
    .to_owned()
}

/// The health facts at `now` of each alliance among `ids` that `scope` reaches; goals
/// count as without recent progress when nothing was observed within
/// `progress_window_days`. One statement: each fact is a subquery on the alliance's own
/// rows (found through their `alliance_id` indexes), never a scan of a whole table.
#[instrument(level = "debug", skip(db, scope, ids), fields(count = ids.len()))]
pub async fn facts(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
    now: DateTime<Utc>,
    progress_window_days: i32,
) -> StoreResult<HashMap<AllianceId, HealthFacts>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let latest = |column: Expr| Expr::from(Func::max(column));
    let last_feedback_requested = of_alliance(
        latest(Expr::col((
            feedback_request::Entity,
            feedback_request::Column::RequestedAt,
        ))),
        feedback_request::Entity,
        feedback_request::Column::AllianceId,
    );
    let last_data_shared = of_alliance(
        latest(Expr::col((
            communication::Entity,
            communication::Column::OccurredAt,
        ))),
        communication::Entity,
        communication::Column::AllianceId,
    )
    .and_where(Expr::col((communication::Entity, communication::Column::Kind)).eq("DATA_SHARE"))
    .to_owned();
    let last_reflection = of_alliance(
        latest(Expr::col((reflection::Entity, reflection::Column::HeldAt))),
        reflection::Entity,
        reflection::Column::AllianceId,
    );
    let open_concerns = of_alliance(
        Expr::cust("COUNT(*)"),
        feedback_response::Entity,
        feedback_response::Column::AllianceId,
    )
    .and_where(
        Expr::col((
            feedback_response::Entity,
            feedback_response::Column::Concern,
        ))
        .eq(true),
    )
    .and_where(Expr::not_exists(crate::next_steps::citing_the_response()))
    .to_owned();
    let overdue_next_steps = of_alliance(
        Expr::cust("COUNT(*)"),
        next_step::Entity,
        next_step::Column::AllianceId,
    )
    .and_where(Expr::col((next_step::Entity, next_step::Column::Status)).eq("OPEN"))
    .and_where(Expr::col((next_step::Entity, next_step::Column::DueDate)).lt(now.date_naive()))
    .to_owned();
    let quiet_goals = active_goals_without(
        Query::select()
            .expr(Expr::val(1))
            .from(progress_entry::Entity)
            .and_where(
                Expr::col((progress_entry::Entity, progress_entry::Column::GoalId))
                    .equals((goal::Entity, goal::Column::Id)),
            )
            .and_where(
                Expr::col((progress_entry::Entity, progress_entry::Column::ObservedAt))
                    .gte(now - Duration::days(i64::from(progress_window_days))),
            )
            .to_owned(),
    );
    let unagreed_goals = active_goals_without(
        Query::select()
            .expr(Expr::val(1))
            .from(goal_acceptance::Entity)
            .inner_join(
                member::Entity,
                Expr::col((member::Entity, member::Column::Id))
                    .equals((goal_acceptance::Entity, goal_acceptance::Column::MemberId)),
            )
            .and_where(
                Expr::col((goal_acceptance::Entity, goal_acceptance::Column::GoalId))
                    .equals((goal::Entity, goal::Column::Id)),
            )
            .and_where(
                Expr::col((goal_acceptance::Entity, goal_acceptance::Column::Acceptance))
                    .eq("AGREE"),
            )
            .and_where(
                Expr::col((member::Entity, member::Column::Role)).is_in(["STUDENT", "CAREGIVER"]),
            )
            .to_owned(),
    );
    let rows = alliance::Entity::find()
        .select_only()
        .column(alliance::Column::Id)
        .column(alliance::Column::CreatedAt)
        .column_as(column(last_feedback_requested), "last_feedback_requested")
        .column_as(column(last_data_shared), "last_data_shared")
        .column_as(column(last_reflection), "last_reflection")
        .column_as(column(open_concerns), "open_concerns")
        .column_as(column(overdue_next_steps), "overdue_next_steps")
        .column_as(column(quiet_goals), "quiet_goals")
        .column_as(column(unagreed_goals), "unagreed_goals")
        .filter(scope::alliances(scope))
        .filter(alliance::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .into_model::<FactsRow>()
        .all(db)
        .await
        .domain()?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|row| {
            let facts = HealthFacts {
                started_at: Some(row.created_at),
                last_feedback_requested: row.last_feedback_requested,
                last_data_shared: row.last_data_shared,
                last_reflection: row.last_reflection,
                open_concerns: count(row.open_concerns),
                overdue_next_steps: count(row.overdue_next_steps),
                goals_without_recent_progress: count(row.quiet_goals),
                goals_without_family_acceptance: count(row.unagreed_goals),
            };
            (AllianceId(row.id), facts)
        })
        .collect())
}
