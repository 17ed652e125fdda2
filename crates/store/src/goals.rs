//! Goals in the family's own words, with every change kept as a revision.

use alliance_domain::DomainError;
use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, DistrictId, GoalId, GoalRevisionId, MemberId};
use alliance_domain::model::{Goal, GoalRevision, Measure};
use alliance_domain::progress::ProgressStats;
use alliance_domain::values::{AchievementStatus, GoalDomain, GoalStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Map, Value, json};
use tracing::instrument;

use crate::entities::{goal, goal_revision};
use crate::error::{IntoDomain, StoreResult};
use crate::{convert, joined, progress, scope};

/// A goal to set.
#[derive(Clone, Debug)]
pub struct NewGoal {
    pub alliance_id: AllianceId,
    pub own_words: String,
    pub expressed_by: MemberId,
    pub summary: Option<String>,
    pub domain: GoalDomain,
    pub priority: i32,
    pub status: GoalStatus,
    pub measure: Option<Measure>,
}

/// The goals of each alliance among `ids`, by priority then age.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<Goal>> {
    let rows = joined::all(db, of_alliances(ids)).await.domain()?;
    rows.into_iter().map(convert::goal).collect()
}

/// The goals of each alliance among `ids`, by priority then age.
fn of_alliances(ids: &[AllianceId]) -> sea_orm::Select<goal::Entity> {
    goal::Entity::find()
        .filter(goal::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
        .order_by_asc(goal::Column::Priority)
        .order_by_asc(goal::Column::CreatedAt)
        .order_by_asc(goal::Column::Id)
}

/// The goals of each alliance among `ids`, as [`for_alliances`], each with its progress
/// totals added up from its entries, in one statement.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances_with_stats(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<(Goal, ProgressStats)>> {
    let select = progress::with_stats(of_alliances(ids), db.get_database_backend());
    let rows = joined::all_then(db, select, progress::STATS_WIDTH, |row, first| {
        // The origin is the goal's creation, set below from its model.
        progress::read_stats(row, first, chrono::DateTime::<chrono::Utc>::MIN_UTC)
    })
    .await
    .domain()?;
    rows.into_iter()
        .map(|(goal, mut stats)| {
            stats.origin = goal.created_at;
            Ok((convert::goal(goal)?, stats))
        })
        .collect()
}

/// The goals among `ids` whose alliances `scope` reaches.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[GoalId],
) -> StoreResult<Vec<Goal>> {
    let rows = joined::all(
        db,
        goal::Entity::find()
            .filter(goal::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
            .filter(goal::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert::goal).collect()
}

/// A goal of the district whether or not the viewer may read it, for deciding whether
/// a change to it is allowed.
#[instrument(level = "debug", skip(db))]
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: GoalId,
) -> StoreResult<Option<Goal>> {
    let row = goal::Entity::find_by_id(id.0)
        .filter(goal::Column::AllianceId.in_subquery(scope::district_alliance_ids(district)))
        .one(db)
        .await
        .domain()?;
    row.map(convert::goal).transpose()
}

fn measure_columns(model: &mut goal::ActiveModel, measure: Option<&Measure>) {
    model.measure_name = Set(measure.map(|m| m.name.clone()));
    model.measure_unit = Set(measure.and_then(|m| m.unit.clone()));
    model.measure_baseline = Set(measure.map(|m| m.baseline));
    model.measure_target = Set(measure.map(|m| m.target));
    model.measure_direction = Set(measure.map(|m| m.direction.as_str().to_owned()));
    model.measure_target_date = Set(measure.and_then(|m| m.target_date));
}

/// Sets a goal at version 1.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewGoal) -> StoreResult<Goal> {
    let now = crate::now();
    let mut model = goal::ActiveModel {
        id: Set(GoalId::new().0),
        alliance_id: Set(new.alliance_id.0),
        own_words: Set(new.own_words),
        expressed_by: Set(new.expressed_by.0),
        summary: Set(new.summary),
        domain: Set(new.domain.as_str().to_owned()),
        priority: Set(new.priority),
        status: Set(new.status.as_str().to_owned()),
        achievement_status: Set(AchievementStatus::InProgress.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    measure_columns(&mut model, new.measure.as_ref());
    convert::goal(model.insert(db).await.domain()?)
}

fn snapshot(goal: &Goal) -> Map<String, Value> {
    let measure = goal.measure.as_ref().map(|m| {
        json!({
            "name": m.name, "unit": m.unit, "baseline": m.baseline, "target": m.target,
            "direction": m.direction.as_str(), "targetDate": m.target_date.map(|d| d.to_string()),
        })
    });
    let value = json!({
        "ownWords": goal.own_words,
        "expressedBy": goal.expressed_by.to_string(),
        "summary": goal.summary,
        "domain": goal.domain.as_str(),
        "priority": goal.priority,
        "status": goal.status.as_str(),
        "achievementStatus": goal.achievement_status.as_str(),
        "measure": measure,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Replaces `current` by `changed` if the stored goal is still at `expected_version`,
/// keeping what changed (before and after) as a revision. A stale version is a conflict;
/// a change that changes nothing leaves the goal and its version as they were.
#[instrument(level = "debug", skip(db, current, changed), fields(goal = %current.id))]
pub async fn update(
    db: &impl ConnectionTrait,
    current: &Goal,
    changed: Goal,
    expected_version: i32,
    by: &str,
) -> StoreResult<Goal> {
    if current.version != expected_version {
        return Err(stale(current.version));
    }
    let (before_all, after_all) = (snapshot(current), snapshot(&changed));
    let (mut before, mut after) = (Map::new(), Map::new());
    for (field, value) in &after_all {
        if before_all.get(field) != Some(value) {
            before.insert(
                field.clone(),
                before_all.get(field).cloned().unwrap_or(Value::Null),
            );
            after.insert(field.clone(), value.clone());
        }
    }
    if after.is_empty() {
        return Ok(current.clone());
    }
    let now = crate::now();
    let version = expected_version + 1;
    let mut model = goal::ActiveModel {
        own_words: Set(changed.own_words.clone()),
        expressed_by: Set(changed.expressed_by.0),
        summary: Set(changed.summary.clone()),
        domain: Set(changed.domain.as_str().to_owned()),
        priority: Set(changed.priority),
        status: Set(changed.status.as_str().to_owned()),
        achievement_status: Set(changed.achievement_status.as_str().to_owned()),
        version: Set(version),
        updated_at: Set(now),
        ..Default::default()
    };
    measure_columns(&mut model, changed.measure.as_ref());
    // The version check is in the UPDATE itself, so two writers racing cannot both win.
    let result = goal::Entity::update_many()
        .set(model)
        .filter(goal::Column::Id.eq(current.id.0))
        .filter(goal::Column::Version.eq(expected_version))
        .exec(db)
        .await
        .domain()?;
    if result.rows_affected != 1 {
        return Err(stale(expected_version));
    }
    goal_revision::ActiveModel {
        id: Set(GoalRevisionId::new().0),
        goal_id: Set(current.id.0),
        version: Set(version),
        revised_at: Set(now),
        revised_by: Set(by.to_owned()),
        before: Set(Value::Object(before).to_string()),
        after: Set(Value::Object(after).to_string()),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(Goal {
        version,
        updated_at: now,
        ..changed
    })
}

fn stale(seen: i32) -> DomainError {
    DomainError::Conflict(format!(
        "the goal was changed by someone else since version {seen}; reload it and apply your change again"
    ))
}

/// The revisions of each goal among `ids`, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn revisions(
    db: &impl ConnectionTrait,
    ids: &[GoalId],
) -> StoreResult<Vec<GoalRevision>> {
    let rows = joined::all(
        db,
        goal_revision::Entity::find()
            .filter(goal_revision::Column::GoalId.is_in(ids.iter().map(|id| id.0)))
            .order_by_desc(goal_revision::Column::Version),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert::goal_revision).collect())
}
