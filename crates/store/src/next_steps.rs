//! Next steps: decisions with an owner and a due date, and the feedback, reflections and
//! progress that informed them. A concern raised in feedback stays open until a next
//! step cites it.

use std::collections::{HashMap, HashSet};

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, DistrictId, FeedbackResponseId, MemberId, NextStepId};
use alliance_domain::model::{NextStep, RecordRef};
use alliance_domain::values::{NextStepStatus, Visibility};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::{feedback_response, next_step, next_step_citation};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::scope;

/// `SELECT 1 FROM next_step_citations WHERE …` citing the `feedback_responses` row of
/// the statement around it: with `EXISTS`, whether a next step answers that response.
pub(crate) fn citing_the_response() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(next_step_citation::Entity)
        .and_where(
            Expr::col((
                next_step_citation::Entity,
                next_step_citation::Column::RecordType,
            ))
            .eq("FEEDBACK_RESPONSE"),
        )
        .and_where(
            Expr::col((
                next_step_citation::Entity,
                next_step_citation::Column::RecordId,
            ))
            .equals((feedback_response::Entity, feedback_response::Column::Id)),
        )
        .to_owned()
}

/// A next step to record.
#[derive(Clone, Debug)]
pub struct NewNextStep {
    pub alliance_id: AllianceId,
    pub decision: String,
    pub owner: Option<MemberId>,
    pub due_date: Option<NaiveDate>,
    pub informed_by: Vec<RecordRef>,
    pub visibility: Visibility,
    pub recorded_by_subject: String,
}

fn convert(m: next_step::Model, informed_by: Vec<RecordRef>) -> StoreResult<NextStep> {
    Ok(NextStep {
        id: NextStepId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        decision: m.decision,
        owner: m.owner_id.map(MemberId),
        due_date: m.due_date,
        status: parse(&m.status)?,
        informed_by,
        visibility: parse(&m.visibility)?,
        recorded_by_subject: m.recorded_by_subject,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn cite(db: &impl ConnectionTrait, id: NextStepId, refs: &[RecordRef]) -> StoreResult<()> {
    if refs.is_empty() {
        return Ok(());
    }
    let rows = refs.iter().map(|r| next_step_citation::ActiveModel {
        next_step_id: Set(id.0),
        record_type: Set(r.kind().to_owned()),
        record_id: Set(r.uuid()),
    });
    next_step_citation::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .domain()?;
    Ok(())
}

/// Records a next step with what informed it.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewNextStep) -> StoreResult<NextStep> {
    let id = NextStepId::new();
    let now = crate::now();
    let row = next_step::ActiveModel {
        id: Set(id.0),
        alliance_id: Set(new.alliance_id.0),
        decision: Set(new.decision),
        owner_id: Set(new.owner.map(|m| m.0)),
        due_date: Set(new.due_date),
        status: Set(NextStepStatus::Open.as_str().to_owned()),
        visibility: Set(new.visibility.as_str().to_owned()),
        recorded_by_subject: Set(new.recorded_by_subject),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    cite(db, id, &new.informed_by).await?;
    convert(row, new.informed_by)
}

/// Replaces a next step's fields with `changed`'s and adds the citations it does not
/// have yet (a citation, once made, stays).
#[instrument(level = "debug", skip(db, current, changed), fields(next_step = %current.id))]
pub async fn update(
    db: &impl ConnectionTrait,
    current: &NextStep,
    changed: NextStep,
) -> StoreResult<NextStep> {
    let now = crate::now();
    next_step::ActiveModel {
        id: Set(current.id.0),
        decision: Set(changed.decision.clone()),
        owner_id: Set(changed.owner.map(|m| m.0)),
        due_date: Set(changed.due_date),
        status: Set(changed.status.as_str().to_owned()),
        visibility: Set(changed.visibility.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .domain()?;
    let known: HashSet<RecordRef> = current.informed_by.iter().copied().collect();
    let added: Vec<RecordRef> = changed
        .informed_by
        .iter()
        .copied()
        .filter(|r| !known.contains(r))
        .collect();
    cite(db, current.id, &added).await?;
    let mut informed_by = current.informed_by.clone();
    informed_by.extend(added);
    Ok(NextStep {
        informed_by,
        updated_at: now,
        ..changed
    })
}

async fn complete(
    db: &impl ConnectionTrait,
    rows: Vec<next_step::Model>,
) -> StoreResult<Vec<NextStep>> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut citations: HashMap<uuid::Uuid, Vec<RecordRef>> = HashMap::new();
    if !ids.is_empty() {
        for c in joined::all(
            db,
            next_step_citation::Entity::find()
                .filter(next_step_citation::Column::NextStepId.is_in(ids)),
        )
        .await
        .domain()?
        {
            if let Some(r) = RecordRef::from_parts(&c.record_type, c.record_id) {
                citations.entry(c.next_step_id).or_default().push(r);
            }
        }
    }
    rows.into_iter()
        .map(|r| {
            let c = citations.remove(&r.id).unwrap_or_default();
            convert(r, c)
        })
        .collect()
}

/// The next steps of each alliance among `ids` the viewer may read, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
) -> StoreResult<Vec<NextStep>> {
    let rows = joined::all(
        db,
        next_step::Entity::find()
            .filter(next_step::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .filter(scope::visible_to_viewer(
                scope,
                next_step::Column::Visibility,
                next_step::Column::AllianceId,
            ))
            .order_by_desc(next_step::Column::CreatedAt)
            .order_by_desc(next_step::Column::Id),
    )
    .await
    .domain()?;
    complete(db, rows).await
}

/// The next steps among `ids` the viewer may read.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[NextStepId],
) -> StoreResult<Vec<NextStep>> {
    let rows = joined::all(
        db,
        next_step::Entity::find()
            .filter(next_step::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .filter(next_step::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
            .filter(scope::visible_to_viewer(
                scope,
                next_step::Column::Visibility,
                next_step::Column::AllianceId,
            )),
    )
    .await
    .domain()?;
    complete(db, rows).await
}

/// A next step of the district, for deciding whether a change to it is allowed.
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: NextStepId,
) -> StoreResult<Option<NextStep>> {
    let row = next_step::Entity::find_by_id(id.0)
        .filter(next_step::Column::AllianceId.in_subquery(scope::district_alliance_ids(district)))
        .one(db)
        .await
        .domain()?;
    match row {
        Some(row) => Ok(complete(db, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// Which of the feedback responses among `ids` a next step cites (whoever may read it).
pub async fn cited_responses(
    db: &impl ConnectionTrait,
    ids: &[FeedbackResponseId],
) -> StoreResult<HashSet<FeedbackResponseId>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows = joined::all(
        db,
        next_step_citation::Entity::find()
            .filter(next_step_citation::Column::RecordType.eq("FEEDBACK_RESPONSE"))
            .filter(next_step_citation::Column::RecordId.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    Ok(rows
        .into_iter()
        .map(|c| FeedbackResponseId(c.record_id))
        .collect())
}
