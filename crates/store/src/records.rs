//! References between records of an alliance (what a reflection considered, what a next
//! step cites), and the check that they all belong to the same alliance.

use std::collections::HashMap;

use alliance_domain::ids::AllianceId;
use alliance_domain::model::RecordRef;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::{feedback_response, goal, intervention, progress_entry, reflection};
use crate::error::{IntoDomain, StoreResult};

/// `(id, owner)` of the rows of `E` among `ids`, one statement (none for no ids).
async fn owners<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    owner: E::Column,
    ids: Vec<Uuid>,
) -> StoreResult<HashMap<Uuid, Uuid>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Uuid)> = E::find()
        .select_only()
        .column(id)
        .column(owner)
        .filter(id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
        .domain()?;
    Ok(rows.into_iter().collect())
}

/// The alliance each referenced record belongs to; records that do not exist are absent.
pub async fn alliances_of(
    db: &impl ConnectionTrait,
    refs: &[RecordRef],
) -> StoreResult<HashMap<RecordRef, AllianceId>> {
    let ids_of = |kind: &str| -> Vec<Uuid> {
        refs.iter()
            .filter(|r| r.kind() == kind)
            .map(RecordRef::uuid)
            .collect()
    };
    let entries = owners::<progress_entry::Entity>(
        db,
        progress_entry::Column::Id,
        progress_entry::Column::GoalId,
        ids_of("PROGRESS_ENTRY"),
    )
    .await?;
    // A progress entry belongs to its goal's alliance: look up the cited goals and the
    // entries' goals together.
    let mut goal_ids = ids_of("GOAL");
    goal_ids.extend(entries.values().copied());
    let goals =
        owners::<goal::Entity>(db, goal::Column::Id, goal::Column::AllianceId, goal_ids).await?;
    let interventions = owners::<intervention::Entity>(
        db,
        intervention::Column::Id,
        intervention::Column::AllianceId,
        ids_of("INTERVENTION"),
    )
    .await?;
    let responses = owners::<feedback_response::Entity>(
        db,
        feedback_response::Column::Id,
        feedback_response::Column::AllianceId,
        ids_of("FEEDBACK_RESPONSE"),
    )
    .await?;
    let reflections = owners::<reflection::Entity>(
        db,
        reflection::Column::Id,
        reflection::Column::AllianceId,
        ids_of("REFLECTION"),
    )
    .await?;
    Ok(refs
        .iter()
        .filter_map(|r| {
            let id = r.uuid();
            let alliance = match r {
                RecordRef::Goal(_) => goals.get(&id),
                RecordRef::Intervention(_) => interventions.get(&id),
                RecordRef::FeedbackResponse(_) => responses.get(&id),
                RecordRef::Reflection(_) => reflections.get(&id),
                RecordRef::ProgressEntry(_) => entries.get(&id).and_then(|goal| goals.get(goal)),
            };
            alliance.map(|a| (*r, AllianceId(*a)))
        })
        .collect())
}
