//! Alliances, their phase history and their members.

use alliance_domain::model;
use alliance_domain::values::GoalStatus as DomainGoalStatus;
use async_graphql::{Context, ID, Object};

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql, coded};
use crate::ids;
use crate::loaders::{
    CommunicationsOf, GoalsOf, HealthOf, InterventionsOf, MembersOf, NextStepsOf, PagesOf,
    PhasesOf, ReflectionsOf, RequestsOf, ResponsesOf, VoiceOf,
};
use crate::pagination::{Conn, PageArgs, slice};
use crate::plain::{self, Plain};
use crate::types::communication::Communication;
use crate::types::directory::Person;
use crate::types::enums::{
    AlliancePhase, AllianceStatus, CommunicationKind, GoalStatus, InterventionStatus, MemberRole,
    NextStepStatus, VoiceKind,
};
use crate::types::feedback::{FeedbackRequest, FeedbackResponse};
use crate::types::goal::{Goal, page_of_progress};
use crate::types::health::AllianceHealth;
use crate::types::intervention::Intervention;
use crate::types::load;
use crate::types::reflection::{NextStep, Reflection};
use crate::types::scalars::DateTime;
use crate::types::student::Student;
use crate::types::timeline::{self, TimelineEvent, TimelineKind};
use crate::types::voice::VoiceEntry;
use alliance_domain::values;

/// The team around one student: the student, their caregivers, the school team and the
/// support people the family names.
pub struct Alliance(pub model::Alliance);

impl Alliance {
    /// Wraps an alliance the viewer is about to see, noting the read for the audit log.
    pub(crate) fn read(ctx: &Context<'_>, alliance: model::Alliance) -> ApiResult<Self> {
        ctx.state()?.read(alliance.student_id);
        Ok(Self(alliance))
    }
}

impl plain::Fields for Alliance {
    const PLAIN: &'static [&'static str] = &["id", "status", "phase", "createdAt", "updatedAt"];
}

#[Object]
impl Alliance {
    pub async fn id(&self) -> ID {
        ids::encode("Alliance", self.0.id.0)
    }
    async fn student(&self, ctx: &Context<'_>) -> ApiResult<Student> {
        let student = load(ctx, self.0.student_id).await?;
        student
            .map(|s| Student::read(ctx, s))
            .transpose()?
            .ok_or_else(|| coded("NOT_FOUND", "student not found"))
    }
    async fn status(&self) -> AllianceStatus {
        self.0.status.into()
    }
    async fn phase(&self) -> AlliancePhase {
        self.0.phase.into()
    }
    /// Every change of phase, oldest first, starting with the phase it opened in.
    async fn phase_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<PhaseChange>> {
        let history = load(ctx, PhasesOf(self.0.id)).await?.unwrap_or_default();
        slice(
            history.into_iter().map(PhaseChange).collect(),
            &PageArgs::new(first, after, last, before),
        )
    }
    /// The members, in order of joining; former members only when asked for.
    #[allow(clippy::too_many_arguments)]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(default = false, desc = "Include members who have left.")] include_former: bool,
    ) -> ApiResult<Conn<Plain<AllianceMember>>> {
        let members = load(ctx, MembersOf(self.0.id)).await?.unwrap_or_default();
        let members = members
            .into_iter()
            .filter(|m| include_former || m.is_active())
            .map(|member| Plain(AllianceMember(member)))
            .collect();
        slice(members, &PageArgs::new(first, after, last, before))
    }
    /// The goals, by priority (1 first) then age.
    #[allow(clippy::too_many_arguments)]
    async fn goals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only goals with this status.")] status: Option<GoalStatus>,
    ) -> ApiResult<Conn<Plain<Goal>>> {
        // A page of each goal's progress asked for is read beside the goals.
        let goals = load(ctx, GoalsOf(self.0.id));
        let goals = match page_of_progress(&ctx.look_ahead().field("nodes").field("progress")) {
            Some((end, take)) => {
                let pages = load(
                    ctx,
                    PagesOf {
                        alliance: self.0.id,
                        end,
                        take,
                    },
                );
                futures::try_join!(goals, pages)?.0
            }
            None => goals.await?,
        }
        .unwrap_or_default();
        let wanted: Option<DomainGoalStatus> = status.map(Into::into);
        let goals = goals
            .into_iter()
            .filter(|g| wanted.is_none_or(|s| g.status == s))
            .map(|goal| Plain(Goal(goal)))
            .collect();
        slice(goals, &PageArgs::new(first, after, last, before))
    }
    /// What the team is doing and why, oldest first.
    async fn interventions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only interventions with this status.")] status: Option<
            InterventionStatus,
        >,
    ) -> ApiResult<Conn<Intervention>> {
        let all = load(ctx, InterventionsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let wanted: Option<values::InterventionStatus> = status.map(Into::into);
        let items = all
            .into_iter()
            .filter(|i| wanted.is_none_or(|s| i.status == s))
            .map(Intervention)
            .collect();
        slice(items, &PageArgs::new(first, after, last, before))
    }
    /// The words of the student and family, newest first.
    async fn voice_entries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only entries of this kind.")] kind: Option<VoiceKind>,
    ) -> ApiResult<Conn<VoiceEntry>> {
        let all = load(ctx, VoiceOf(self.0.id)).await?.unwrap_or_default();
        let wanted: Option<values::VoiceKind> = kind.map(Into::into);
        let items = all
            .into_iter()
            .filter(|v| wanted.is_none_or(|k| v.kind == k))
            .map(VoiceEntry)
            .collect();
        slice(items, &PageArgs::new(first, after, last, before))
    }
    /// Communications with the family, newest first.
    async fn communications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only communications of this kind.")] kind: Option<CommunicationKind>,
    ) -> ApiResult<Conn<Communication>> {
        let all = load(ctx, CommunicationsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let wanted: Option<values::CommunicationKind> = kind.map(Into::into);
        let items = all
            .into_iter()
            .filter(|c| wanted.is_none_or(|k| c.kind == k))
            .map(Communication)
            .collect();
        slice(items, &PageArgs::new(first, after, last, before))
    }
    /// Check-ins asked, newest first.
    async fn feedback_requests(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<FeedbackRequest>> {
        let all = load(ctx, RequestsOf(self.0.id)).await?.unwrap_or_default();
        slice(
            all.into_iter().map(FeedbackRequest).collect(),
            &PageArgs::new(first, after, last, before),
        )
    }
    /// Check-in answers, newest first.
    async fn feedback_responses(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only answers that raised a concern.")] concerns_only: Option<bool>,
    ) -> ApiResult<Conn<Plain<FeedbackResponse>>> {
        let all = load(ctx, ResponsesOf(self.0.id)).await?.unwrap_or_default();
        let items = all
            .into_iter()
            .filter(|r| !concerns_only.unwrap_or(false) || r.is_concern())
            .map(|response| Plain(FeedbackResponse(response)))
            .collect();
        slice(items, &PageArgs::new(first, after, last, before))
    }
    /// The team's reflections, newest first.
    async fn reflections(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Reflection>> {
        let all = load(ctx, ReflectionsOf(self.0.id))
            .await?
            .unwrap_or_default();
        slice(
            all.into_iter().map(Reflection).collect(),
            &PageArgs::new(first, after, last, before),
        )
    }
    /// Next steps, newest first.
    async fn next_steps(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only next steps with this status.")] status: Option<NextStepStatus>,
    ) -> ApiResult<Conn<NextStep>> {
        let all = load(ctx, NextStepsOf(self.0.id)).await?.unwrap_or_default();
        let wanted: Option<values::NextStepStatus> = status.map(Into::into);
        let items = all
            .into_iter()
            .filter(|n| wanted.is_none_or(|s| n.status == s))
            .map(NextStep)
            .collect();
        slice(items, &PageArgs::new(first, after, last, before))
    }
    /// Every event of the alliance, newest first.
    #[allow(clippy::too_many_arguments)]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only events of these kinds.")] kinds: Option<Vec<TimelineKind>>,
        #[graphql(desc = "Only events at or after this time.")] since: Option<DateTime>,
        #[graphql(desc = "Only events before this time.")] until: Option<DateTime>,
    ) -> ApiResult<Conn<TimelineEvent>> {
        if let Some(kinds) = &kinds {
            alliance_domain::validate::at_most(
                "kinds",
                kinds,
                alliance_domain::validate::MAX_ITEMS,
            )
            .gql()?;
        }
        let events = timeline::events(ctx, self.0.id).await?;
        let items = events
            .into_iter()
            .filter(|e| kinds.as_ref().is_none_or(|k| k.contains(&e.kind)))
            .filter(|e| since.is_none_or(|t| e.occurred_at >= t.0))
            .filter(|e| until.is_none_or(|t| e.occurred_at < t.0))
            .collect();
        slice(items, &PageArgs::new(first, after, last, before))
    }
    /// How the alliance keeps up its practices, and what needs attention.
    async fn health(&self, ctx: &Context<'_>) -> ApiResult<Plain<AllianceHealth>> {
        let health = load(ctx, HealthOf(self.0.id)).await?;
        health
            .map(|health| Plain(AllianceHealth(health)))
            .ok_or_else(|| coded("NOT_FOUND", "alliance not found"))
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

/// One change of an alliance's phase.
pub struct PhaseChange(pub model::PhaseChange);

#[Object]
impl PhaseChange {
    pub async fn id(&self) -> ID {
        ids::encode("PhaseChange", self.0.id.0)
    }
    /// The phase before; none for the phase the alliance opened in.
    async fn from_phase(&self) -> Option<AlliancePhase> {
        self.0.from_phase.map(Into::into)
    }
    async fn to_phase(&self) -> AlliancePhase {
        self.0.to_phase.into()
    }
    /// Why the team moved on, in their words.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn changed_at(&self) -> DateTime {
        self.0.changed_at.into()
    }
    /// The subject of whoever changed it.
    async fn changed_by(&self) -> &str {
        &self.0.changed_by
    }
}

/// A person's place in an alliance.
pub struct AllianceMember(pub model::AllianceMember);

impl plain::Fields for AllianceMember {
    const PLAIN: &'static [&'static str] = &[
        "id",
        "role",
        "relationship",
        "familyIdentified",
        "joinedAt",
        "leftAt",
        "active",
    ];
}

#[Object]
impl AllianceMember {
    pub async fn id(&self) -> ID {
        ids::encode("AllianceMember", self.0.id.0)
    }
    async fn alliance(&self, ctx: &Context<'_>) -> ApiResult<Alliance> {
        let alliance = load(ctx, self.0.alliance_id).await?;
        alliance
            .map(Alliance)
            .ok_or_else(|| coded("NOT_FOUND", "alliance not found"))
    }
    async fn person(&self, ctx: &Context<'_>) -> ApiResult<Plain<Person>> {
        let person = load(ctx, self.0.person_id).await?;
        person
            .map(|person| Plain(Person(person)))
            .ok_or_else(|| coded("INTERNAL", "internal error"))
    }
    async fn role(&self) -> MemberRole {
        self.0.role.into()
    }
    /// The relationship in the family's words ("my auntie", "basketball coach").
    async fn relationship(&self) -> Option<&str> {
        self.0.relationship.as_deref()
    }
    /// Whether the family named this person as important to the student.
    async fn family_identified(&self) -> bool {
        self.0.family_identified
    }
    async fn joined_at(&self) -> DateTime {
        self.0.joined_at.into()
    }
    async fn left_at(&self) -> Option<DateTime> {
        self.0.left_at.map(Into::into)
    }
    /// Whether the member is still part of the alliance.
    async fn active(&self) -> bool {
        self.0.is_active()
    }
}
