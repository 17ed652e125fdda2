//! References between records of an alliance (what a reflection considered, what a next
//! step cites), and the check that they all belong to the same alliance.

use std::collections::HashMap;

use alliance_domain::ids::AllianceId;
use alliance_domain::model::RecordRef;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{feedback_response, goal, intervention, progress_entry, reflection};
use crate::error::{IntoDomain, StoreResult};

/// The alliance each referenced record belongs to; records that do not exist are absent.
pub async fn alliances_of(
    db: &impl ConnectionTrait,
    refs: &[RecordRef],
) -> StoreResult<HashMap<RecordRef, AllianceId>> {
    let ids_of = |kind: &str| -> Vec<uuid::Uuid> {
        refs.iter()
            .filter(|r| r.kind() == kind)
            .map(RecordRef::uuid)
            .collect()
    };
    let mut found = HashMap::new();

    let goals = ids_of("GOAL");
    if !goals.is_empty() {
        let rows: Vec<(uuid::Uuid, uuid::Uuid)> = goal::Entity::find()
            .select_only()
            .columns([goal::Column::Id, goal::Column::AllianceId])
            .filter(goal::Column::Id.is_in(goals))
            .into_tuple()
            .all(db)
            .await
            .domain()?;
        found.extend(
            rows.into_iter()
                .map(|(id, a)| (RecordRef::Goal(id.into()), AllianceId(a))),
        );
    }
    let interventions = ids_of("INTERVENTION");
    if !interventions.is_empty() {
        let rows: Vec<(uuid::Uuid, uuid::Uuid)> = intervention::Entity::find()
            .select_only()
            .columns([intervention::Column::Id, intervention::Column::AllianceId])
            .filter(intervention::Column::Id.is_in(interventions))
            .into_tuple()
            .all(db)
            .await
            .domain()?;
        found.extend(
            rows.into_iter()
                .map(|(id, a)| (RecordRef::Intervention(id.into()), AllianceId(a))),
        );
    }
    let responses = ids_of("FEEDBACK_RESPONSE");
    if !responses.is_empty() {
        let rows: Vec<(uuid::Uuid, uuid::Uuid)> = feedback_response::Entity::find()
            .select_only()
            .columns([
                feedback_response::Column::Id,
                feedback_response::Column::AllianceId,
            ])
            .filter(feedback_response::Column::Id.is_in(responses))
            .into_tuple()
            .all(db)
            .await
            .domain()?;
        found.extend(
            rows.into_iter()
                .map(|(id, a)| (RecordRef::FeedbackResponse(id.into()), AllianceId(a))),
        );
    }
    let reflections = ids_of("REFLECTION");
    if !reflections.is_empty() {
        let rows: Vec<(uuid::Uuid, uuid::Uuid)> = reflection::Entity::find()
            .select_only()
            .columns([reflection::Column::Id, reflection::Column::AllianceId])
            .filter(reflection::Column::Id.is_in(reflections))
            .into_tuple()
            .all(db)
            .await
            .domain()?;
        found.extend(
            rows.into_iter()
                .map(|(id, a)| (RecordRef::Reflection(id.into()), AllianceId(a))),
        );
    }
    let entries = ids_of("PROGRESS_ENTRY");
    if !entries.is_empty() {
        let rows: Vec<(uuid::Uuid, uuid::Uuid)> = progress_entry::Entity::find()
            .select_only()
            .column(progress_entry::Column::Id)
            .column(progress_entry::Column::GoalId)
            .filter(progress_entry::Column::Id.is_in(entries))
            .into_tuple()
            .all(db)
            .await
            .domain()?;
        let goal_ids: Vec<uuid::Uuid> = rows.iter().map(|(_, g)| *g).collect();
        let goal_alliances: HashMap<uuid::Uuid, uuid::Uuid> = goal::Entity::find()
            .select_only()
            .columns([goal::Column::Id, goal::Column::AllianceId])
            .filter(goal::Column::Id.is_in(goal_ids))
            .into_tuple::<(uuid::Uuid, uuid::Uuid)>()
            .all(db)
            .await
            .domain()?
            .into_iter()
            .collect();
        for (id, goal) in rows {
            if let Some(alliance) = goal_alliances.get(&goal) {
                found.insert(RecordRef::ProgressEntry(id.into()), AllianceId(*alliance));
            }
        }
    }
    Ok(found)
}
