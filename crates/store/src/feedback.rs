//! Feedback: check-ins asked of students and caregivers, and their answers.

use alliance_domain::DomainError;
use alliance_domain::feedback::Scores;
use alliance_domain::ids::{
    AllianceId, DistrictId, FeedbackRequestId, FeedbackResponseId, MemberId,
};
use alliance_domain::model::{FeedbackRequest, FeedbackResponse};
use alliance_domain::values::FeedbackAudience;
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use tracing::instrument;

use crate::convert::parse;
use crate::entities::{feedback_request, feedback_response};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::next_steps;
use crate::scope;

/// A check-in to ask.
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub alliance_id: AllianceId,
    pub member_id: MemberId,
    pub audience: FeedbackAudience,
    pub language: String,
    pub due_date: NaiveDate,
    pub requested_by_subject: String,
}

fn convert_request(m: feedback_request::Model) -> StoreResult<FeedbackRequest> {
    Ok(FeedbackRequest {
        id: FeedbackRequestId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        member_id: MemberId(m.member_id),
        audience: parse(&m.audience)?,
        language: m.language,
        due_date: m.due_date,
        requested_at: m.requested_at,
        requested_by_subject: m.recorded_by_subject,
        answered_at: m.answered_at,
    })
}

fn convert_response(m: feedback_response::Model) -> FeedbackResponse {
    FeedbackResponse {
        id: FeedbackResponseId(m.id),
        request_id: FeedbackRequestId(m.request_id),
        alliance_id: AllianceId(m.alliance_id),
        member_id: MemberId(m.member_id),
        language: m.language,
        scores: Scores {
            supported: m.supported,
            understood: m.understood,
            centered: m.centered,
            goals: m.goals,
            approach: m.approach,
        },
        comment: m.comment,
        concern_reasons: serde_json::from_str(&m.concern_reasons).unwrap_or_default(),
        submitted_at: m.submitted_at,
    }
}

/// Asks a member for a check-in.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn request(db: &impl ConnectionTrait, new: NewRequest) -> StoreResult<FeedbackRequest> {
    let row = feedback_request::ActiveModel {
        id: Set(FeedbackRequestId::new().0),
        alliance_id: Set(new.alliance_id.0),
        member_id: Set(new.member_id.0),
        audience: Set(new.audience.as_str().to_owned()),
        language: Set(new.language),
        due_date: Set(new.due_date),
        requested_at: Set(crate::now()),
        recorded_by_subject: Set(new.requested_by_subject),
        answered_at: Set(None),
    }
    .insert(db)
    .await
    .domain()?;
    convert_request(row)
}

/// The requests of each alliance among `ids`, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn requests_for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<FeedbackRequest>> {
    let rows = joined::all(
        db,
        feedback_request::Entity::find()
            .filter(feedback_request::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .order_by_desc(feedback_request::Column::RequestedAt)
            .order_by_desc(feedback_request::Column::Id),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert_request).collect()
}

/// A request of the district, for deciding whether an answer to it is allowed.
pub async fn request_in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: FeedbackRequestId,
) -> StoreResult<Option<FeedbackRequest>> {
    let row = feedback_request::Entity::find_by_id(id.0)
        .filter(
            feedback_request::Column::AllianceId
                .in_subquery(scope::district_alliance_ids(district)),
        )
        .one(db)
        .await
        .domain()?;
    row.map(convert_request).transpose()
}

/// The total of `member`'s latest answer, if they answered before.
pub async fn previous_total(
    db: &impl ConnectionTrait,
    member: MemberId,
) -> StoreResult<Option<i32>> {
    let row = feedback_response::Entity::find()
        .filter(feedback_response::Column::MemberId.eq(member.0))
        .order_by_desc(feedback_response::Column::SubmittedAt)
        .one(db)
        .await
        .domain()?;
    Ok(row.map(|r| r.total))
}

/// An answer to record.
#[derive(Clone, Debug)]
pub struct NewResponse {
    pub language: String,
    pub scores: Scores,
    pub comment: Option<String>,
    pub concern_reasons: Vec<String>,
}

/// Answers `request`, once: the request is marked answered in the same statement that
/// checks it was not, so two answers racing cannot both be kept.
#[instrument(level = "debug", skip(db, request, answer), fields(request = %request.id))]
pub async fn submit(
    db: &impl ConnectionTrait,
    request: &FeedbackRequest,
    answer: NewResponse,
) -> StoreResult<FeedbackResponse> {
    let now = crate::now();
    let marked = feedback_request::Entity::update_many()
        .col_expr(feedback_request::Column::AnsweredAt, Expr::value(now))
        .filter(feedback_request::Column::Id.eq(request.id.0))
        .filter(feedback_request::Column::AnsweredAt.is_null())
        .exec(db)
        .await
        .domain()?;
    if marked.rows_affected != 1 {
        return Err(DomainError::Conflict(
            "this check-in has already been answered".into(),
        ));
    }
    let s = answer.scores;
    let row = feedback_response::ActiveModel {
        id: Set(FeedbackResponseId::new().0),
        request_id: Set(request.id.0),
        alliance_id: Set(request.alliance_id.0),
        member_id: Set(request.member_id.0),
        language: Set(answer.language),
        supported: Set(s.supported),
        understood: Set(s.understood),
        centered: Set(s.centered),
        goals: Set(s.goals),
        approach: Set(s.approach),
        total: Set(s.total()),
        comment: Set(answer.comment),
        concern: Set(!answer.concern_reasons.is_empty()),
        concern_reasons: Set(
            serde_json::to_string(&answer.concern_reasons).unwrap_or_else(|_| "[]".into())
        ),
        submitted_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(convert_response(row))
}

/// The answers of each alliance among `ids`, newest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn responses_for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<FeedbackResponse>> {
    let rows = joined::all(
        db,
        feedback_response::Entity::find()
            .filter(feedback_response::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .order_by_desc(feedback_response::Column::SubmittedAt)
            .order_by_desc(feedback_response::Column::Id),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert_response).collect())
}

/// The answers to each alliance among `ids`, newest first, each with whether a next
/// step cites it (a concern a next step answers is no longer open).
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn responses_with_citations_for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<(FeedbackResponse, bool)>> {
    const CITED: &str = "cited_by_next_step";
    let select = feedback_response::Entity::find()
        .expr_as(Expr::exists(next_steps::citing_the_response()), CITED)
        .filter(feedback_response::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
        .order_by_desc(feedback_response::Column::SubmittedAt)
        .order_by_desc(feedback_response::Column::Id);
    let found: Vec<(_, bool)> = joined::all_with(db, select).await.domain()?;
    Ok(found
        .into_iter()
        .map(|(response, cited)| (convert_response(response), cited))
        .collect())
}

/// The answers among `ids` in alliances `scope` reaches.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn responses_by_ids(
    db: &impl ConnectionTrait,
    scope: &alliance_domain::access::ReadScope,
    ids: &[FeedbackResponseId],
) -> StoreResult<Vec<FeedbackResponse>> {
    let rows = joined::all(
        db,
        feedback_response::Entity::find()
            .filter(feedback_response::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .filter(
                feedback_response::Column::AllianceId
                    .in_subquery(scope::visible_alliance_ids(scope)),
            ),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert_response).collect())
}
