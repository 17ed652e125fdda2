//! The check-in asked of students and caregivers, and their answers.

use alliance_domain::feedback;
use alliance_domain::model;
use async_graphql::{Context, ID, Object, SimpleObject};

use crate::error::ApiResult;
use crate::ids;
use crate::loaders::{Cited, ResponsesOf};
use crate::plain;
use crate::types::alliance::AllianceMember;
use crate::types::enums::{FeedbackAudience, FeedbackItem, FeedbackStatus};
use crate::types::scalars::{Date, DateTime};
use crate::types::{load, member_of};

/// Alliance's check-in, in the words a respondent will see.
#[derive(SimpleObject)]
pub struct FeedbackInstrument {
    pub audience: FeedbackAudience,
    /// The language the texts are in: the one asked for when we have it, else English.
    pub language: String,
    pub items: Vec<InstrumentItem>,
    /// What the lowest score means.
    pub min_label: String,
    /// What the highest score means.
    pub max_label: String,
}

/// One item of the check-in.
#[derive(SimpleObject)]
pub struct InstrumentItem {
    pub key: FeedbackItem,
    pub text: String,
    pub scale_min: i32,
    pub scale_max: i32,
}

impl From<feedback::Instrument> for FeedbackInstrument {
    fn from(i: feedback::Instrument) -> Self {
        Self {
            audience: i.audience.into(),
            language: i.language.to_owned(),
            items: i
                .items
                .into_iter()
                .map(|item| InstrumentItem {
                    key: item.key.into(),
                    text: item.text.to_owned(),
                    scale_min: feedback::SCALE.0,
                    scale_max: feedback::SCALE.1,
                })
                .collect(),
            min_label: i.min_label.to_owned(),
            max_label: i.max_label.to_owned(),
        }
    }
}

/// A check-in asked of a student or caregiver.
pub struct FeedbackRequest(pub model::FeedbackRequest);

#[Object]
impl FeedbackRequest {
    pub async fn id(&self) -> ID {
        ids::encode("FeedbackRequest", self.0.id.0)
    }
    /// Who is asked.
    async fn member(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        member_of(ctx, self.0.alliance_id, self.0.member_id).await
    }
    async fn audience(&self) -> FeedbackAudience {
        self.0.audience.into()
    }
    /// The language asked for.
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn due_date(&self) -> Date {
        Date(self.0.due_date)
    }
    /// `EXPIRED` once past its due date unanswered.
    async fn status(&self) -> FeedbackStatus {
        self.0.status(chrono::Utc::now().date_naive()).into()
    }
    async fn requested_at(&self) -> DateTime {
        self.0.requested_at.into()
    }
    /// The subject of whoever asked.
    async fn requested_by(&self) -> &str {
        &self.0.requested_by_subject
    }
    /// The check-in to show the respondent.
    async fn instrument(&self) -> FeedbackInstrument {
        feedback::instrument(self.0.audience, Some(&self.0.language)).into()
    }
    /// The answer, once given.
    async fn response(&self, ctx: &Context<'_>) -> ApiResult<Option<FeedbackResponse>> {
        let responses = load(ctx, ResponsesOf(self.0.alliance_id))
            .await?
            .unwrap_or_default();
        Ok(responses
            .into_iter()
            .find(|r| r.request_id == self.0.id)
            .map(FeedbackResponse))
    }
}

/// An item's score in an answer.
#[derive(SimpleObject)]
pub struct ItemScore {
    pub item: FeedbackItem,
    pub score: i32,
}

/// Why an answer raised a concern, and whether a next step has answered it yet.
#[derive(SimpleObject)]
pub struct FeedbackConcern {
    /// The reasons, in words.
    pub reasons: Vec<String>,
    /// True until a next step cites the answer.
    pub open: bool,
}

/// An answer to a check-in.
pub struct FeedbackResponse(pub model::FeedbackResponse);

impl plain::Fields for FeedbackResponse {
    const PLAIN: &'static [&'static str] = &[
        "id",
        "requestId",
        "language",
        "scores",
        "total",
        "comment",
        "submittedAt",
    ];
}

#[Object]
impl FeedbackResponse {
    pub async fn id(&self) -> ID {
        ids::encode("FeedbackResponse", self.0.id.0)
    }
    async fn request_id(&self) -> ID {
        ids::encode("FeedbackRequest", self.0.request_id.0)
    }
    /// Who answered.
    async fn member(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        member_of(ctx, self.0.alliance_id, self.0.member_id).await
    }
    /// The language the check-in was answered in.
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn scores(&self) -> Vec<ItemScore> {
        self.0
            .scores
            .items()
            .iter()
            .map(|(item, score)| ItemScore {
                item: (*item).into(),
                score: *score,
            })
            .collect()
    }
    /// The sum of the scores, 0–50.
    async fn total(&self) -> i32 {
        self.0.scores.total()
    }
    /// In the respondent's own words.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// Why the answer is a concern; null when it is not one.
    async fn concern(&self, ctx: &Context<'_>) -> ApiResult<Option<FeedbackConcern>> {
        if !self.0.is_concern() {
            return Ok(None);
        }
        let cited = load(ctx, Cited(self.0.id)).await?.unwrap_or(false);
        Ok(Some(FeedbackConcern {
            reasons: self.0.concern_reasons.clone(),
            open: !cited,
        }))
    }
    async fn submitted_at(&self) -> DateTime {
        self.0.submitted_at.into()
    }
}
