//! What the team does, and why.

use alliance_domain::model;
use async_graphql::{Context, ID, Object};

use crate::error::ApiResult;
use crate::ids;
use crate::loaders::ChangesOf;
use crate::pagination::{Conn, PageArgs, slice};
use crate::types::alliance::AllianceMember;
use crate::types::enums::InterventionStatus;
use crate::types::goal::Goal;
use crate::types::scalars::{Date, DateTime};
use crate::types::{goals_of, load, member_of};

/// An intervention: what the team is doing, and why.
pub struct Intervention(pub model::Intervention);

#[Object]
impl Intervention {
    pub async fn id(&self) -> ID {
        ids::encode("Intervention", self.0.id.0)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Why the team is doing this.
    async fn rationale(&self) -> &str {
        &self.0.rationale
    }
    /// The goals it addresses.
    async fn goals(&self, ctx: &Context<'_>) -> ApiResult<Vec<Goal>> {
        goals_of(ctx, self.0.alliance_id, &self.0.goals).await
    }
    /// Who leads it.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        match self.0.owner {
            Some(owner) => member_of(ctx, self.0.alliance_id, owner).await,
            None => Ok(None),
        }
    }
    /// 1 (universal) to 3 (intensive).
    async fn tier(&self) -> i32 {
        self.0.tier
    }
    /// How often ("3 times a week").
    async fn frequency(&self) -> Option<&str> {
        self.0.frequency.as_deref()
    }
    /// Minutes a session.
    async fn minutes(&self) -> Option<i32> {
        self.0.minutes
    }
    async fn status(&self) -> InterventionStatus {
        self.0.status.into()
    }
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    /// Every change of status with its reason, oldest first.
    async fn status_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<InterventionStatusChange>> {
        let changes = load(ctx, ChangesOf(self.0.id)).await?.unwrap_or_default();
        slice(
            changes.into_iter().map(InterventionStatusChange).collect(),
            &PageArgs::new(first, after, last, before),
        )
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

/// A change of an intervention's status, and why.
pub struct InterventionStatusChange(pub model::InterventionChange);

#[Object]
impl InterventionStatusChange {
    async fn id(&self) -> ID {
        ids::encode("InterventionStatusChange", self.0.id.0)
    }
    async fn from_status(&self) -> Option<InterventionStatus> {
        self.0.from_status.map(Into::into)
    }
    async fn to_status(&self) -> InterventionStatus {
        self.0.to_status.into()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn changed_at(&self) -> DateTime {
        self.0.changed_at.into()
    }
    async fn changed_by(&self) -> &str {
        &self.0.changed_by
    }
}
