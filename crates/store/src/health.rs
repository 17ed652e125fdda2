//! The facts practice health is computed from, for a batch of alliances: in a statement
//! of their own, or as columns of a statement that reads the alliances (FROM `alliances`,
//! unaliased) for something else.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::health::HealthFacts;
use alliance_domain::ids::AllianceId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, IntoIden, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};
use tracing::instrument;

use crate::entities::{
    alliance, communication, feedback_request, feedback_response, goal, goal_acceptance, member,
    next_step, progress_entry, reflection,
};
use crate::error::{IntoDomain, StoreResult};
use crate::{joined, scope};

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
    let mut select = alliance::Entity::find()
        .select_only()
        .column(alliance::Column::Id)
        .column(alliance::Column::CreatedAt)
        .filter(scope::alliances(scope))
        .filter(alliance::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .into_query();
    add_columns(&mut select, now, progress_window_days);
    let statement = db.get_database_backend().build(&select);
    let found = joined::fetch(db, statement, 2 + WIDTH).await.domain()?;
    let read = joined::rows(&found, |cells| {
        let id = AllianceId(cells.at(0)?);
        let mut facts = read(cells, 2)?;
        facts.started_at = Some(cells.at(1)?);
        Ok((id, facts))
    });
    Ok(read.domain()?.into_iter().collect())
}

/// How many columns [`add_columns`] adds.
pub(crate) const WIDTH: usize = 7;

/// Adds the facts at `now` of the alliance each row is (`alliances.id`) to `select`, as
/// [`WIDTH`] columns after its others, for [`read`].
pub(crate) fn add_columns(
    select: &mut SelectStatement,
    now: DateTime<Utc>,
    progress_window_days: i32,
) {
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
    for (fact, name) in [
        (last_feedback_requested, "last_feedback_requested"),
        (last_data_shared, "last_data_shared"),
        (last_reflection, "last_reflection"),
        (open_concerns, "open_concerns"),
        (overdue_next_steps, "overdue_next_steps"),
        (quiet_goals, "quiet_goals"),
        (unagreed_goals, "unagreed_goals"),
    ] {
        select.expr_as(column(fact), Alias::new(name));
    }
}

/// The facts [`add_columns`] added, from column `first` on; when the alliance began is
/// its own column, for the caller to fill in.
pub(crate) fn read(cells: &joined::Cells<'_>, first: usize) -> Result<HealthFacts, DbErr> {
    let count = |at: usize| -> Result<usize, DbErr> {
        Ok(usize::try_from(cells.at::<i64>(at)?).unwrap_or(0))
    };
    Ok(HealthFacts {
        started_at: None,
        last_feedback_requested: cells.at(first)?,
        last_data_shared: cells.at(first + 1)?,
        last_reflection: cells.at(first + 2)?,
        open_concerns: count(first + 3)?,
        overdue_next_steps: count(first + 4)?,
        goals_without_recent_progress: count(first + 5)?,
        goals_without_family_acceptance: count(first + 6)?,
    })
}
