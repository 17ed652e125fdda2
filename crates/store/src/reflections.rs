//! Team reflections: who took part, what they considered, what to keep and what to change.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, MemberId, ReflectionId};
use alliance_domain::model::{RecordRef, Reflection};
use alliance_domain::values::{ReflectionKind, Visibility};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::{reflection, reflection_considered, reflection_participant};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::scope;

/// A reflection to record.
#[derive(Clone, Debug)]
pub struct NewReflection {
    pub alliance_id: AllianceId,
    pub kind: ReflectionKind,
    pub held_at: DateTime<Utc>,
    pub participants: Vec<MemberId>,
    pub notes: Option<String>,
    pub keep: Option<String>,
    pub change: Option<String>,
    pub considered: Vec<RecordRef>,
    pub visibility: Visibility,
    pub recorded_by_subject: String,
}

/// Records a reflection.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewReflection) -> StoreResult<Reflection> {
    let id = ReflectionId::new();
    let row = reflection::ActiveModel {
        id: Set(id.0),
        alliance_id: Set(new.alliance_id.0),
        kind: Set(new.kind.as_str().to_owned()),
        held_at: Set(new.held_at),
        notes: Set(new.notes),
        keep: Set(new.keep),
        change: Set(new.change),
        visibility: Set(new.visibility.as_str().to_owned()),
        recorded_by_subject: Set(new.recorded_by_subject),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await
    .domain()?;
    if !new.participants.is_empty() {
        let rows = new
            .participants
            .iter()
            .map(|m| reflection_participant::ActiveModel {
                reflection_id: Set(id.0),
                member_id: Set(m.0),
            });
        reflection_participant::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .domain()?;
    }
    if !new.considered.is_empty() {
        let rows = new
            .considered
            .iter()
            .map(|r| reflection_considered::ActiveModel {
                reflection_id: Set(id.0),
                record_type: Set(r.kind().to_owned()),
                record_id: Set(r.uuid()),
            });
        reflection_considered::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .domain()?;
    }
    convert(row, new.participants, new.considered)
}

fn convert(
    m: reflection::Model,
    participants: Vec<MemberId>,
    considered: Vec<RecordRef>,
) -> StoreResult<Reflection> {
    Ok(Reflection {
        id: ReflectionId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        kind: parse(&m.kind)?,
        held_at: m.held_at,
        participants,
        notes: m.notes,
        keep: m.keep,
        change: m.change,
        considered,
        visibility: parse(&m.visibility)?,
        recorded_by_subject: m.recorded_by_subject,
        created_at: m.created_at,
    })
}

async fn complete(
    db: &impl ConnectionTrait,
    rows: Vec<reflection::Model>,
) -> StoreResult<Vec<Reflection>> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut participants: HashMap<uuid::Uuid, Vec<MemberId>> = HashMap::new();
    let mut considered: HashMap<uuid::Uuid, Vec<RecordRef>> = HashMap::new();
    if !ids.is_empty() {
        for p in joined::all(
            db,
            reflection_participant::Entity::find()
                .filter(reflection_participant::Column::ReflectionId.is_in(ids.clone())),
        )
        .await
        .domain()?
        {
            participants
                .entry(p.reflection_id)
                .or_default()
                .push(MemberId(p.member_id));
        }
        for c in joined::all(
            db,
            reflection_considered::Entity::find()
                .filter(reflection_considered::Column::ReflectionId.is_in(ids)),
        )
        .await
        .domain()?
        {
            if let Some(r) = RecordRef::from_parts(&c.record_type, c.record_id) {
                considered.entry(c.reflection_id).or_default().push(r);
            }
        }
    }
    rows.into_iter()
        .map(|r| {
            let (who, what) = (
                participants.remove(&r.id).unwrap_or_default(),
                considered.remove(&r.id).unwrap_or_default(),
            );
            convert(r, who, what)
        })
        .collect()
}

/// The reflections of each alliance among `ids` the viewer may read, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
) -> StoreResult<Vec<Reflection>> {
    let rows = joined::all(
        db,
        reflection::Entity::find()
            .filter(reflection::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .filter(scope::visible_to_viewer(
                scope,
                reflection::Column::Visibility,
                reflection::Column::AllianceId,
            ))
            .order_by_desc(reflection::Column::HeldAt)
            .order_by_desc(reflection::Column::Id),
    )
    .await
    .domain()?;
    complete(db, rows).await
}

/// The reflections among `ids` the viewer may read.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[ReflectionId],
) -> StoreResult<Vec<Reflection>> {
    let rows = joined::all(
        db,
        reflection::Entity::find()
            .filter(reflection::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .filter(reflection::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
            .filter(scope::visible_to_viewer(
                scope,
                reflection::Column::Visibility,
                reflection::Column::AllianceId,
            )),
    )
    .await
    .domain()?;
    complete(db, rows).await
}
