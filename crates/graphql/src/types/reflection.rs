//! Reflections and the next steps that answer what the team heard.

use alliance_domain::ids::AllianceId;
use alliance_domain::model::{self, RecordRef};
use async_graphql::{Context, ID, Object, Union};

use crate::error::ApiResult;
use crate::ids;
use crate::loaders::{GoalsOf, InterventionsOf, ProgressOfAlliance, ReflectionsOf, ResponsesOf};
use crate::types::alliance::AllianceMember;
use crate::types::enums::{NextStepStatus, ReflectionKind, Visibility};
use crate::types::feedback::FeedbackResponse;
use crate::types::goal::{Goal, ProgressEntry};
use crate::types::intervention::Intervention;
use crate::types::scalars::{Date, DateTime};
use crate::types::{load, member_of, members_of};

/// A record of the alliance that a reflection considered or a next step cites.
#[derive(Union)]
pub enum AllianceRecord {
    Goal(Goal),
    Intervention(Intervention),
    FeedbackResponse(FeedbackResponse),
    Reflection(Reflection),
    ProgressEntry(ProgressEntry),
}

/// The records `refs` of `alliance` the viewer may read, in the order given.
pub(crate) async fn records(
    ctx: &Context<'_>,
    alliance: AllianceId,
    refs: &[RecordRef],
) -> ApiResult<Vec<AllianceRecord>> {
    let mut found = Vec::with_capacity(refs.len());
    for r in refs {
        let record = match r {
            RecordRef::Goal(id) => load(ctx, GoalsOf(alliance))
                .await?
                .unwrap_or_default()
                .into_iter()
                .find(|g| g.id == *id)
                .map(|g| AllianceRecord::Goal(Goal(g))),
            RecordRef::Intervention(id) => load(ctx, InterventionsOf(alliance))
                .await?
                .unwrap_or_default()
                .into_iter()
                .find(|i| i.id == *id)
                .map(|i| AllianceRecord::Intervention(Intervention(i))),
            RecordRef::FeedbackResponse(id) => load(ctx, ResponsesOf(alliance))
                .await?
                .unwrap_or_default()
                .into_iter()
                .find(|f| f.id == *id)
                .map(|f| AllianceRecord::FeedbackResponse(FeedbackResponse(f))),
            RecordRef::Reflection(id) => load(ctx, ReflectionsOf(alliance))
                .await?
                .unwrap_or_default()
                .into_iter()
                .find(|f| f.id == *id)
                .map(|f| AllianceRecord::Reflection(Reflection(f))),
            RecordRef::ProgressEntry(id) => load(ctx, ProgressOfAlliance(alliance))
                .await?
                .unwrap_or_default()
                .into_iter()
                .find(|p| p.id == *id)
                .map(|p| AllianceRecord::ProgressEntry(ProgressEntry(p))),
        };
        found.extend(record);
    }
    Ok(found)
}

/// The team looking back together.
pub struct Reflection(pub model::Reflection);

#[Object]
impl Reflection {
    pub async fn id(&self) -> ID {
        ids::encode("Reflection", self.0.id.0)
    }
    async fn kind(&self) -> ReflectionKind {
        self.0.kind.into()
    }
    async fn held_at(&self) -> DateTime {
        self.0.held_at.into()
    }
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<AllianceMember>> {
        members_of(ctx, self.0.alliance_id, &self.0.participants).await
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// What to keep doing.
    async fn keep(&self) -> Option<&str> {
        self.0.keep.as_deref()
    }
    /// What to change.
    async fn change(&self) -> Option<&str> {
        self.0.change.as_deref()
    }
    /// The goals, interventions and feedback the team considered.
    async fn considered(&self, ctx: &Context<'_>) -> ApiResult<Vec<AllianceRecord>> {
        records(ctx, self.0.alliance_id, &self.0.considered).await
    }
    /// `TEAM_ONLY` unless the team chose to share it.
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by_subject
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// A decision the team takes, with what informed it.
pub struct NextStep(pub model::NextStep);

#[Object]
impl NextStep {
    pub async fn id(&self) -> ID {
        ids::encode("NextStep", self.0.id.0)
    }
    async fn decision(&self) -> &str {
        &self.0.decision
    }
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        match self.0.owner {
            Some(owner) => member_of(ctx, self.0.alliance_id, owner).await,
            None => Ok(None),
        }
    }
    async fn due_date(&self) -> Option<Date> {
        self.0.due_date.map(Date)
    }
    async fn status(&self) -> NextStepStatus {
        self.0.status.into()
    }
    /// Open and past its due date.
    async fn overdue(&self) -> bool {
        self.0.status == alliance_domain::values::NextStepStatus::Open
            && self
                .0
                .due_date
                .is_some_and(|due| due < chrono::Utc::now().date_naive())
    }
    /// The feedback responses, reflections and progress entries behind it.
    async fn informed_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<AllianceRecord>> {
        records(ctx, self.0.alliance_id, &self.0.informed_by).await
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by_subject
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}
