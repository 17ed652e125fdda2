//! Interventions: what the team does and why, with every change of status and its reason.

use std::collections::HashMap;

use alliance_domain::DomainError;
use alliance_domain::ids::{
    AllianceId, DistrictId, GoalId, InterventionChangeId, InterventionId, MemberId,
};
use alliance_domain::model::{Intervention, InterventionChange};
use alliance_domain::values::InterventionStatus;
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::{intervention, intervention_change, intervention_goal};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::scope;

/// An intervention to plan.
#[derive(Clone, Debug)]
pub struct NewIntervention {
    pub alliance_id: AllianceId,
    pub title: String,
    pub description: Option<String>,
    pub rationale: String,
    pub owner: Option<MemberId>,
    pub tier: i32,
    pub frequency: Option<String>,
    pub minutes: Option<i32>,
    pub status: InterventionStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub goals: Vec<GoalId>,
}

fn convert(m: intervention::Model, goals: Vec<GoalId>) -> StoreResult<Intervention> {
    Ok(Intervention {
        id: InterventionId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        title: m.title,
        description: m.description,
        rationale: m.rationale,
        owner: m.owner_id.map(MemberId),
        tier: m.tier,
        frequency: m.frequency,
        minutes: m.minutes,
        status: parse(&m.status)?,
        start_date: m.start_date,
        end_date: m.end_date,
        goals,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Plans an intervention, recording its first status with `reason`.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewIntervention,
    reason: &str,
    by: &str,
) -> StoreResult<Intervention> {
    let id = InterventionId::new();
    let now = crate::now();
    let row = intervention::ActiveModel {
        id: Set(id.0),
        alliance_id: Set(new.alliance_id.0),
        title: Set(new.title),
        description: Set(new.description),
        rationale: Set(new.rationale),
        owner_id: Set(new.owner.map(|m| m.0)),
        tier: Set(new.tier),
        frequency: Set(new.frequency),
        minutes: Set(new.minutes),
        status: Set(new.status.as_str().to_owned()),
        start_date: Set(new.start_date),
        end_date: Set(new.end_date),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    let links = new.goals.iter().map(|g| intervention_goal::ActiveModel {
        intervention_id: Set(id.0),
        goal_id: Set(g.0),
    });
    intervention_goal::Entity::insert_many(links)
        .exec_without_returning(db)
        .await
        .domain()?;
    record_change(db, id, None, new.status, reason, by).await?;
    convert(row, new.goals)
}

async fn record_change(
    db: &impl ConnectionTrait,
    id: InterventionId,
    from: Option<InterventionStatus>,
    to: InterventionStatus,
    reason: &str,
    by: &str,
) -> StoreResult<()> {
    intervention_change::ActiveModel {
        id: Set(InterventionChangeId::new().0),
        intervention_id: Set(id.0),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        changed_at: Set(crate::now()),
        changed_by: Set(by.to_owned()),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(())
}

/// Moves an intervention from the status the caller saw to `to`, keeping the change and
/// its reason. A change that raced another is a conflict.
#[instrument(level = "debug", skip(db, current, reason), fields(intervention = %current.id))]
pub async fn change_status(
    db: &impl ConnectionTrait,
    current: &Intervention,
    to: InterventionStatus,
    reason: &str,
    by: &str,
) -> StoreResult<Intervention> {
    let result = intervention::Entity::update_many()
        .col_expr(intervention::Column::Status, Expr::value(to.as_str()))
        .col_expr(intervention::Column::UpdatedAt, Expr::value(crate::now()))
        .filter(intervention::Column::Id.eq(current.id.0))
        .filter(intervention::Column::Status.eq(current.status.as_str()))
        .exec(db)
        .await
        .domain()?;
    if result.rows_affected != 1 {
        return Err(DomainError::Conflict(
            "the intervention was changed by someone else; reload it".into(),
        ));
    }
    record_change(db, current.id, Some(current.status), to, reason, by).await?;
    Ok(Intervention {
        status: to,
        updated_at: crate::now(),
        ..current.clone()
    })
}

async fn with_goals(
    db: &impl ConnectionTrait,
    rows: Vec<intervention::Model>,
) -> StoreResult<Vec<Intervention>> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut goals: HashMap<uuid::Uuid, Vec<GoalId>> = HashMap::new();
    if !ids.is_empty() {
        for link in joined::all(
            db,
            intervention_goal::Entity::find()
                .filter(intervention_goal::Column::InterventionId.is_in(ids)),
        )
        .await
        .domain()?
        {
            goals
                .entry(link.intervention_id)
                .or_default()
                .push(GoalId(link.goal_id));
        }
    }
    rows.into_iter()
        .map(|r| {
            let g = goals.remove(&r.id).unwrap_or_default();
            convert(r, g)
        })
        .collect()
}

/// The interventions of each alliance among `ids`, oldest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<Intervention>> {
    let rows = joined::all(
        db,
        intervention::Entity::find()
            .filter(intervention::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(intervention::Column::CreatedAt)
            .order_by_asc(intervention::Column::Id),
    )
    .await
    .domain()?;
    with_goals(db, rows).await
}

/// An intervention of the district whether or not the viewer may read it, for deciding
/// whether a change to it is allowed.
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: InterventionId,
) -> StoreResult<Option<Intervention>> {
    let row = intervention::Entity::find_by_id(id.0)
        .filter(
            intervention::Column::AllianceId.in_subquery(scope::district_alliance_ids(district)),
        )
        .one(db)
        .await
        .domain()?;
    match row {
        Some(row) => Ok(with_goals(db, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// The status history of each intervention among `ids`, oldest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn changes(
    db: &impl ConnectionTrait,
    ids: &[InterventionId],
) -> StoreResult<Vec<InterventionChange>> {
    let rows = joined::all(
        db,
        intervention_change::Entity::find()
            .filter(intervention_change::Column::InterventionId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(intervention_change::Column::ChangedAt)
            .order_by_asc(intervention_change::Column::Id),
    )
    .await
    .domain()?;
    rows.into_iter()
        .map(|m| {
            Ok(InterventionChange {
                id: InterventionChangeId(m.id),
                intervention_id: InterventionId(m.intervention_id),
                from_status: m.from_status.as_deref().map(parse).transpose()?,
                to_status: parse(&m.to_status)?,
                reason: m.reason,
                changed_at: m.changed_at,
                changed_by: m.changed_by,
            })
        })
        .collect()
}
