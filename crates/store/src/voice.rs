//! The family's voice: words of the student or a caregiver, kept verbatim and never
//! edited; a correction is a new entry that supersedes the old one.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, GoalId, MemberId, PersonId, VoiceEntryId};
use alliance_domain::model::VoiceEntry;
use alliance_domain::values::{Visibility, VoiceKind};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::{voice_entry, voice_entry_goal};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::scope;

/// Words to record.
#[derive(Clone, Debug)]
pub struct NewVoice {
    pub alliance_id: AllianceId,
    pub speaker: MemberId,
    pub recorded_by: Option<PersonId>,
    pub recorded_by_subject: String,
    pub said_at: DateTime<Utc>,
    pub kind: VoiceKind,
    pub words: String,
    pub language: String,
    pub visibility: Visibility,
    pub supersedes: Option<VoiceEntryId>,
    pub goals: Vec<GoalId>,
}

/// Records words, with the goals they speak to.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewVoice) -> StoreResult<VoiceEntry> {
    let id = VoiceEntryId::new();
    let row = voice_entry::ActiveModel {
        id: Set(id.0),
        alliance_id: Set(new.alliance_id.0),
        speaker_id: Set(new.speaker.0),
        recorded_by: Set(new.recorded_by.map(|p| p.0)),
        recorded_by_subject: Set(new.recorded_by_subject),
        said_at: Set(new.said_at),
        kind: Set(new.kind.as_str().to_owned()),
        words: Set(new.words),
        language: Set(new.language),
        visibility: Set(new.visibility.as_str().to_owned()),
        supersedes_id: Set(new.supersedes.map(|v| v.0)),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await
    .domain()?;
    if !new.goals.is_empty() {
        let links = new.goals.iter().map(|goal| voice_entry_goal::ActiveModel {
            voice_entry_id: Set(id.0),
            goal_id: Set(goal.0),
        });
        voice_entry_goal::Entity::insert_many(links)
            .exec_without_returning(db)
            .await
            .domain()?;
    }
    convert(row, new.goals)
}

fn convert(m: voice_entry::Model, goals: Vec<GoalId>) -> StoreResult<VoiceEntry> {
    Ok(VoiceEntry {
        id: VoiceEntryId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        speaker: MemberId(m.speaker_id),
        recorded_by: m.recorded_by.map(PersonId),
        recorded_by_subject: m.recorded_by_subject,
        said_at: m.said_at,
        kind: parse(&m.kind)?,
        words: m.words,
        language: m.language,
        visibility: parse(&m.visibility)?,
        supersedes: m.supersedes_id.map(VoiceEntryId),
        goals,
        created_at: m.created_at,
    })
}

async fn with_goals(
    db: &impl ConnectionTrait,
    rows: Vec<voice_entry::Model>,
) -> StoreResult<Vec<VoiceEntry>> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut goals: HashMap<uuid::Uuid, Vec<GoalId>> = HashMap::new();
    if !ids.is_empty() {
        let links = joined::all(
            db,
            voice_entry_goal::Entity::find()
                .filter(voice_entry_goal::Column::VoiceEntryId.is_in(ids)),
        )
        .await
        .domain()?;
        for link in links {
            goals
                .entry(link.voice_entry_id)
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

/// The voice entries of each alliance among `ids` the viewer may read, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
) -> StoreResult<Vec<VoiceEntry>> {
    let rows = joined::all(
        db,
        voice_entry::Entity::find()
            .filter(voice_entry::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .filter(scope::visible_to_viewer(
                scope,
                voice_entry::Column::Visibility,
                voice_entry::Column::AllianceId,
            ))
            .order_by_desc(voice_entry::Column::SaidAt)
            .order_by_desc(voice_entry::Column::Id),
    )
    .await
    .domain()?;
    with_goals(db, rows).await
}

/// The voice entries among `ids` the viewer may read.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[VoiceEntryId],
) -> StoreResult<Vec<VoiceEntry>> {
    let rows = joined::all(
        db,
        voice_entry::Entity::find()
            .filter(voice_entry::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .filter(voice_entry::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
            .filter(scope::visible_to_viewer(
                scope,
                voice_entry::Column::Visibility,
                voice_entry::Column::AllianceId,
            )),
    )
    .await
    .domain()?;
    with_goals(db, rows).await
}
