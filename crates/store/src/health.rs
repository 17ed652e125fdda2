//! The facts practice health is computed from, for a batch of alliances, in a fixed
//! number of grouped statements.

use std::collections::HashMap;

use alliance_domain::health::HealthFacts;
use alliance_domain::ids::AllianceId;
use alliance_domain::model::Alliance;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use tracing::instrument;

use crate::entities::{
    communication, feedback_request, feedback_response, goal, goal_acceptance, member, next_step,
    next_step_citation, progress_entry, reflection,
};
use crate::error::{IntoDomain, StoreResult};

type Latest = Vec<(uuid::Uuid, Option<DateTime<Utc>>)>;
type Counts = Vec<(uuid::Uuid, i64)>;

fn by_alliance<T>(rows: Vec<(uuid::Uuid, T)>) -> HashMap<AllianceId, T> {
    rows.into_iter().map(|(a, v)| (AllianceId(a), v)).collect()
}

/// The health facts of each alliance among `alliances` at `now`; goals count as without
/// recent progress when nothing was observed within `progress_window_days`.
#[instrument(skip(db, alliances), fields(count = alliances.len()))]
pub async fn facts(
    db: &impl ConnectionTrait,
    alliances: &[Alliance],
    now: DateTime<Utc>,
    progress_window_days: i32,
) -> StoreResult<HashMap<AllianceId, HealthFacts>> {
    let ids: Vec<uuid::Uuid> = alliances.iter().map(|a| a.id.0).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let requested: Latest = feedback_request::Entity::find()
        .select_only()
        .column(feedback_request::Column::AllianceId)
        .column_as(feedback_request::Column::RequestedAt.max(), "latest")
        .filter(feedback_request::Column::AllianceId.is_in(ids.clone()))
        .group_by(feedback_request::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    let shared: Latest = communication::Entity::find()
        .select_only()
        .column(communication::Column::AllianceId)
        .column_as(communication::Column::OccurredAt.max(), "latest")
        .filter(communication::Column::AllianceId.is_in(ids.clone()))
        .filter(communication::Column::Kind.eq("DATA_SHARE"))
        .group_by(communication::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    let reflected: Latest = reflection::Entity::find()
        .select_only()
        .column(reflection::Column::AllianceId)
        .column_as(reflection::Column::HeldAt.max(), "latest")
        .filter(reflection::Column::AllianceId.is_in(ids.clone()))
        .group_by(reflection::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    let cited_responses = Query::select()
        .column(next_step_citation::Column::RecordId)
        .from(next_step_citation::Entity)
        .and_where(next_step_citation::Column::RecordType.eq("FEEDBACK_RESPONSE"))
        .to_owned();
    let concerns: Counts = feedback_response::Entity::find()
        .select_only()
        .column(feedback_response::Column::AllianceId)
        .column_as(feedback_response::Column::Id.count(), "open")
        .filter(feedback_response::Column::AllianceId.is_in(ids.clone()))
        .filter(feedback_response::Column::Concern.eq(true))
        .filter(feedback_response::Column::Id.not_in_subquery(cited_responses))
        .group_by(feedback_response::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    let overdue_steps: Counts = next_step::Entity::find()
        .select_only()
        .column(next_step::Column::AllianceId)
        .column_as(next_step::Column::Id.count(), "overdue")
        .filter(next_step::Column::AllianceId.is_in(ids.clone()))
        .filter(next_step::Column::Status.eq("OPEN"))
        .filter(next_step::Column::DueDate.lt(now.date_naive()))
        .group_by(next_step::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    let recently_observed = Query::select()
        .column(progress_entry::Column::GoalId)
        .from(progress_entry::Entity)
        .and_where(
            progress_entry::Column::ObservedAt
                .gte(now - Duration::days(i64::from(progress_window_days))),
        )
        .to_owned();
    let quiet_goals: Counts = goal::Entity::find()
        .select_only()
        .column(goal::Column::AllianceId)
        .column_as(goal::Column::Id.count(), "quiet")
        .filter(goal::Column::AllianceId.is_in(ids.clone()))
        .filter(goal::Column::Status.eq("ACTIVE"))
        .filter(goal::Column::Id.not_in_subquery(recently_observed))
        .group_by(goal::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    let agreed_by_family = Query::select()
        .column((goal_acceptance::Entity, goal_acceptance::Column::GoalId))
        .from(goal_acceptance::Entity)
        .inner_join(
            member::Entity,
            Expr::col((member::Entity, member::Column::Id))
                .equals((goal_acceptance::Entity, goal_acceptance::Column::MemberId)),
        )
        .and_where(
            Expr::col((goal_acceptance::Entity, goal_acceptance::Column::Acceptance)).eq("AGREE"),
        )
        .and_where(
            Expr::col((member::Entity, member::Column::Role)).is_in(["STUDENT", "CAREGIVER"]),
        )
        .to_owned();
    let unagreed: Counts = goal::Entity::find()
        .select_only()
        .column(goal::Column::AllianceId)
        .column_as(goal::Column::Id.count(), "unagreed")
        .filter(goal::Column::AllianceId.is_in(ids))
        .filter(goal::Column::Status.eq("ACTIVE"))
        .filter(goal::Column::Id.not_in_subquery(agreed_by_family))
        .group_by(goal::Column::AllianceId)
        .into_tuple()
        .all(db)
        .await
        .domain()?;

    let (requested, shared, reflected) = (
        by_alliance(requested),
        by_alliance(shared),
        by_alliance(reflected),
    );
    let (concerns, overdue_steps, quiet_goals, unagreed) = (
        by_alliance(concerns),
        by_alliance(overdue_steps),
        by_alliance(quiet_goals),
        by_alliance(unagreed),
    );
    let count = |map: &HashMap<AllianceId, i64>, id: &AllianceId| {
        usize::try_from(map.get(id).copied().unwrap_or(0)).unwrap_or(0)
    };
    Ok(alliances
        .iter()
        .map(|a| {
            let facts = HealthFacts {
                started_at: Some(a.created_at),
                last_feedback_requested: requested.get(&a.id).copied().flatten(),
                last_data_shared: shared.get(&a.id).copied().flatten(),
                last_reflection: reflected.get(&a.id).copied().flatten(),
                open_concerns: count(&concerns, &a.id),
                overdue_next_steps: count(&overdue_steps, &a.id),
                goals_without_recent_progress: count(&quiet_goals, &a.id),
                goals_without_family_acceptance: count(&unagreed, &a.id),
            };
            (a.id, facts)
        })
        .collect())
}
