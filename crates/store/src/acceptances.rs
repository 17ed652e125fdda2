//! Whether each member stands behind a goal: one current answer per member and goal.

use alliance_domain::ids::{AcceptanceId, GoalId, MemberId};
use alliance_domain::model::GoalAcceptance;
use alliance_domain::values::Acceptance;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::goal_acceptance;
use crate::error::{IntoDomain, StoreResult};
use crate::joined;

fn convert(m: goal_acceptance::Model) -> StoreResult<GoalAcceptance> {
    Ok(GoalAcceptance {
        id: AcceptanceId(m.id),
        goal_id: GoalId(m.goal_id),
        member_id: MemberId(m.member_id),
        acceptance: parse(&m.acceptance)?,
        comment: m.comment,
        recorded_at: m.recorded_at,
        recorded_by_subject: m.recorded_by_subject,
    })
}

/// Records `member`'s answer on `goal`, replacing an earlier one (the audit log keeps
/// the history).
#[instrument(level = "debug", skip(db, comment))]
pub async fn set(
    db: &impl ConnectionTrait,
    goal: GoalId,
    member: MemberId,
    acceptance: Acceptance,
    comment: Option<String>,
    by: &str,
) -> StoreResult<GoalAcceptance> {
    let row = goal_acceptance::ActiveModel {
        id: Set(AcceptanceId::new().0),
        goal_id: Set(goal.0),
        member_id: Set(member.0),
        acceptance: Set(acceptance.as_str().to_owned()),
        comment: Set(comment),
        recorded_at: Set(crate::now()),
        recorded_by_subject: Set(by.to_owned()),
    };
    goal_acceptance::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                goal_acceptance::Column::GoalId,
                goal_acceptance::Column::MemberId,
            ])
            .update_columns([
                goal_acceptance::Column::Acceptance,
                goal_acceptance::Column::Comment,
                goal_acceptance::Column::RecordedAt,
                goal_acceptance::Column::RecordedBySubject,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .domain()?;
    let row = goal_acceptance::Entity::find()
        .filter(goal_acceptance::Column::GoalId.eq(goal.0))
        .filter(goal_acceptance::Column::MemberId.eq(member.0))
        .one(db)
        .await
        .domain()?
        .ok_or(alliance_domain::DomainError::Unexpected(
            "acceptance vanished".into(),
        ))?;
    convert(row)
}

/// The recorded answers on each goal among `ids`.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_goals(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
) -> StoreResult<Vec<GoalAcceptance>> {
    let rows = joined::all(
        db,
        goal_acceptance::Entity::find()
            .filter(goal_acceptance::Column::GoalId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(goal_acceptance::Column::RecordedAt),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert).collect()
}
