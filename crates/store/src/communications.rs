//! Communications with the family: updates, explanations and data shares (with the
//! values the family saw), and the family's replies.

use std::collections::HashMap;

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, CommunicationId, DistrictId, GoalId, MemberId, ReplyId};
use alliance_domain::model::{Communication, Reply, SharedGoal};
use alliance_domain::values::{Channel, CommunicationKind, Visibility};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::{
    communication, communication_goal, communication_recipient, communication_reply,
};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::scope;

/// A communication to log.
#[derive(Clone, Debug)]
pub struct NewCommunication {
    pub alliance_id: AllianceId,
    pub kind: CommunicationKind,
    pub channel: Channel,
    pub from_member: Option<MemberId>,
    pub recipients: Vec<MemberId>,
    pub summary: String,
    pub occurred_at: DateTime<Utc>,
    pub as_of: Option<DateTime<Utc>>,
    pub visibility: Visibility,
    pub recorded_by_subject: String,
    pub shared: Vec<SharedGoal>,
}

/// Logs a communication with its recipients and, for a data share, what was shared.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewCommunication,
) -> StoreResult<Communication> {
    let id = CommunicationId::new();
    let row = communication::ActiveModel {
        id: Set(id.0),
        alliance_id: Set(new.alliance_id.0),
        kind: Set(new.kind.as_str().to_owned()),
        channel: Set(new.channel.as_str().to_owned()),
        from_member_id: Set(new.from_member.map(|m| m.0)),
        summary: Set(new.summary),
        occurred_at: Set(new.occurred_at),
        as_of: Set(new.as_of),
        visibility: Set(new.visibility.as_str().to_owned()),
        recorded_by_subject: Set(new.recorded_by_subject),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await
    .domain()?;
    if !new.recipients.is_empty() {
        let rows = new
            .recipients
            .iter()
            .map(|m| communication_recipient::ActiveModel {
                communication_id: Set(id.0),
                member_id: Set(m.0),
            });
        communication_recipient::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .domain()?;
    }
    if !new.shared.is_empty() {
        let rows = new.shared.iter().map(|s| communication_goal::ActiveModel {
            communication_id: Set(id.0),
            goal_id: Set(s.goal_id.0),
            snapshot: Set(s.snapshot.clone()),
        });
        communication_goal::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .domain()?;
    }
    convert(row, new.recipients, new.shared)
}

fn convert(
    m: communication::Model,
    recipients: Vec<MemberId>,
    shared: Vec<SharedGoal>,
) -> StoreResult<Communication> {
    Ok(Communication {
        id: CommunicationId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        kind: parse(&m.kind)?,
        channel: parse(&m.channel)?,
        from_member: m.from_member_id.map(MemberId),
        recipients,
        summary: m.summary,
        occurred_at: m.occurred_at,
        as_of: m.as_of,
        visibility: parse(&m.visibility)?,
        recorded_by_subject: m.recorded_by_subject,
        shared,
        created_at: m.created_at,
    })
}

async fn complete(
    db: &impl ConnectionTrait,
    rows: Vec<communication::Model>,
) -> StoreResult<Vec<Communication>> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut recipients: HashMap<uuid::Uuid, Vec<MemberId>> = HashMap::new();
    let mut shared: HashMap<uuid::Uuid, Vec<SharedGoal>> = HashMap::new();
    if !ids.is_empty() {
        let links = joined::all(
            db,
            communication_recipient::Entity::find()
                .filter(communication_recipient::Column::CommunicationId.is_in(ids.clone())),
        )
        .await
        .domain()?;
        for link in links {
            recipients
                .entry(link.communication_id)
                .or_default()
                .push(MemberId(link.member_id));
        }
        let goals = joined::all(
            db,
            communication_goal::Entity::find()
                .filter(communication_goal::Column::CommunicationId.is_in(ids)),
        )
        .await
        .domain()?;
        for goal in goals {
            shared
                .entry(goal.communication_id)
                .or_default()
                .push(SharedGoal {
                    goal_id: GoalId(goal.goal_id),
                    snapshot: goal.snapshot,
                });
        }
    }
    rows.into_iter()
        .map(|r| {
            let (to, goals) = (
                recipients.remove(&r.id).unwrap_or_default(),
                shared.remove(&r.id).unwrap_or_default(),
            );
            convert(r, to, goals)
        })
        .collect()
}

/// The communications of each alliance among `ids` the viewer may read, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
) -> StoreResult<Vec<Communication>> {
    let rows = joined::all(
        db,
        communication::Entity::find()
            .filter(communication::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .filter(scope::visible_to_viewer(
                scope,
                communication::Column::Visibility,
                communication::Column::AllianceId,
            ))
            .order_by_desc(communication::Column::OccurredAt)
            .order_by_desc(communication::Column::Id),
    )
    .await
    .domain()?;
    complete(db, rows).await
}

/// The communications among `ids` the viewer may read.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[CommunicationId],
) -> StoreResult<Vec<Communication>> {
    let rows = joined::all(
        db,
        communication::Entity::find()
            .filter(communication::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .filter(
                communication::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)),
            )
            .filter(scope::visible_to_viewer(
                scope,
                communication::Column::Visibility,
                communication::Column::AllianceId,
            )),
    )
    .await
    .domain()?;
    complete(db, rows).await
}

/// A communication of the district, for deciding whether a reply to it is allowed.
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: CommunicationId,
) -> StoreResult<Option<Communication>> {
    let row = communication::Entity::find_by_id(id.0)
        .filter(
            communication::Column::AllianceId.in_subquery(scope::district_alliance_ids(district)),
        )
        .one(db)
        .await
        .domain()?;
    match row {
        Some(row) => Ok(complete(db, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// Records a family member's reply.
#[instrument(level = "debug", skip(db, words))]
pub async fn reply(
    db: &impl ConnectionTrait,
    communication: CommunicationId,
    member: MemberId,
    words: String,
) -> StoreResult<Reply> {
    let row = communication_reply::ActiveModel {
        id: Set(ReplyId::new().0),
        communication_id: Set(communication.0),
        member_id: Set(member.0),
        words: Set(words),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(convert_reply(row))
}

fn convert_reply(m: communication_reply::Model) -> Reply {
    Reply {
        id: ReplyId(m.id),
        communication_id: CommunicationId(m.communication_id),
        member_id: MemberId(m.member_id),
        words: m.words,
        created_at: m.created_at,
    }
}

/// The replies to each communication among `ids`, oldest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn replies(
    db: &impl ConnectionTrait,
    ids: &[CommunicationId],
) -> StoreResult<Vec<Reply>> {
    let rows = joined::all(
        db,
        communication_reply::Entity::find()
            .filter(communication_reply::Column::CommunicationId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(communication_reply::Column::CreatedAt),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert_reply).collect())
}
