//! The family's voice, and each member's acceptance of a goal.

use alliance_domain::model;
use async_graphql::{Context, ID, Object};

use crate::error::ApiResult;
use crate::ids;
use crate::types::alliance::AllianceMember;
use crate::types::enums::{Acceptance, Visibility, VoiceKind};
use crate::types::goal::Goal;
use crate::types::scalars::DateTime;
use crate::types::{goals_of, member_of};

/// Words of the student or a caregiver, verbatim. Never edited: a correction is a new
/// entry whose `supersedes` names this one; both stay readable.
pub struct VoiceEntry(pub model::VoiceEntry);

#[Object]
impl VoiceEntry {
    pub async fn id(&self) -> ID {
        ids::encode("VoiceEntry", self.0.id.0)
    }
    /// The words, exactly as said.
    async fn words(&self) -> &str {
        &self.0.words
    }
    /// Who said them.
    async fn speaker(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        member_of(ctx, self.0.alliance_id, self.0.speaker).await
    }
    async fn kind(&self) -> VoiceKind {
        self.0.kind.into()
    }
    /// BCP 47 tag of the words.
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn said_at(&self) -> DateTime {
        self.0.said_at.into()
    }
    /// The subject of whoever recorded them.
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by_subject
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// The goals the words speak to.
    async fn goals(&self, ctx: &Context<'_>) -> ApiResult<Vec<Goal>> {
        goals_of(ctx, self.0.alliance_id, &self.0.goals).await
    }
    /// The entry these words correct, if they are a correction.
    async fn supersedes(&self) -> Option<ID> {
        self.0.supersedes.map(|id| ids::encode("VoiceEntry", id.0))
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// Where one member stands on a goal.
pub struct GoalAcceptance {
    pub member: model::AllianceMember,
    pub recorded: Option<model::GoalAcceptance>,
}

#[Object]
impl GoalAcceptance {
    async fn member(&self) -> AllianceMember {
        AllianceMember(self.member.clone())
    }
    /// `PENDING` until the member says.
    async fn acceptance(&self) -> Acceptance {
        self.recorded
            .as_ref()
            .map_or(Acceptance::Pending, |r| r.acceptance.into())
    }
    /// In the member's words.
    async fn comment(&self) -> Option<&str> {
        self.recorded.as_ref().and_then(|r| r.comment.as_deref())
    }
    async fn recorded_at(&self) -> Option<DateTime> {
        self.recorded.as_ref().map(|r| r.recorded_at.into())
    }
}
