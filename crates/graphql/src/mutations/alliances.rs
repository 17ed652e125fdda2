//! Alliances: opening one, moving it through its phases, and who is in it.

use alliance_domain::DomainError;
use alliance_domain::access::{WriteTarget, authorize_write};
use alliance_domain::ids::{AllianceId, MemberId, PersonId, StudentId};
use alliance_domain::validate::{self, MAX_NAME, MAX_TEXT};
use alliance_domain::values::{self, AuditAction};
use alliance_store::members::{self, NewMember};
use alliance_store::{alliances, persons, students};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::{UserError, commit, finish, input_id, missing, store, writable_alliance};
use crate::context::RequestContext;
use crate::error::ApiResult;
use crate::types::alliance::{Alliance, AllianceMember};
use crate::types::enums::{AlliancePhase, AllianceStatus, MemberRole};

#[derive(InputObject)]
pub struct CreateAllianceInput {
    pub student_id: ID,
    /// The phase it opens in; `ENGAGEMENT` when left out.
    pub phase: Option<AlliancePhase>,
}

#[derive(SimpleObject)]
pub struct CreateAlliancePayload {
    pub alliance: Option<Alliance>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ChangeAlliancePhaseInput {
    pub alliance_id: ID,
    pub phase: AlliancePhase,
    /// Also pause, resume or close the alliance.
    pub status: Option<AllianceStatus>,
    /// Why the team is moving on, in their words.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct ChangeAlliancePhasePayload {
    pub alliance: Option<Alliance>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct AddAllianceMemberInput {
    pub alliance_id: ID,
    pub person_id: ID,
    pub role: MemberRole,
    /// The relationship in the family's words ("my auntie", "basketball coach").
    pub relationship: Option<String>,
    /// Whether the family named this person as important to the student.
    #[graphql(default = false)]
    pub family_identified: bool,
}

#[derive(SimpleObject)]
pub struct AddAllianceMemberPayload {
    pub member: Option<AllianceMember>,
    pub alliance: Option<Alliance>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RemoveAllianceMemberInput {
    pub member_id: ID,
}

#[derive(SimpleObject)]
pub struct RemoveAllianceMemberPayload {
    /// The membership, now ended; its history stays.
    pub member: Option<AllianceMember>,
    pub alliance: Option<Alliance>,
    pub user_errors: Vec<UserError>,
}

/// Mutations of alliances and their members.
#[derive(Default)]
pub struct AllianceMutations;

#[Object]
impl AllianceMutations {
    /// Opens an alliance for a student, with the student as its first member. A student
    /// has at most one alliance that is not closed.
    async fn create_alliance(
        &self,
        ctx: &Context<'_>,
        input: CreateAllianceInput,
    ) -> ApiResult<CreateAlliancePayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let student_id = StudentId(input_id("Student", "studentId", &input.student_id)?);
            let student = students::in_district(store(ctx)?.db(), viewer.district_id, student_id)
                .await?
                .ok_or_else(|| missing(viewer, "student"))?;
            authorize_write(viewer, WriteTarget::School(student.school_id))?;
            let phase = input
                .phase
                .map_or(values::AlliancePhase::Engagement, Into::into);
            let tx = store(ctx)?.begin().await?;
            let alliance = alliances::create(
                &tx,
                viewer.district_id,
                student.id,
                student.school_id,
                phase,
                &viewer.subject,
            )
            .await?;
            members::add(
                &tx,
                NewMember {
                    alliance_id: alliance.id,
                    person_id: student.person_id,
                    role: values::MemberRole::Student,
                    relationship: None,
                    family_identified: false,
                },
            )
            .await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Alliance",
                alliance.id.0,
                Some(student.id),
            )
            .await?;
            Ok(Alliance(alliance))
        }
        .await;
        let (alliance, user_errors) = finish(ctx, outcome)?;
        Ok(CreateAlliancePayload {
            alliance,
            user_errors,
        })
    }

    /// Moves an alliance to another phase (kept in its history), and optionally pauses,
    /// resumes or closes it.
    async fn change_alliance_phase(
        &self,
        ctx: &Context<'_>,
        input: ChangeAlliancePhaseInput,
    ) -> ApiResult<ChangeAlliancePhasePayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id = AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?);
            let current = writable_alliance(ctx, viewer, id).await?;
            let reason = validate::optional_text("reason", input.reason.as_deref(), MAX_TEXT)?;
            let status = input.status.map_or(current.status, Into::into);
            let tx = store(ctx)?.begin().await?;
            let alliance = alliances::change(
                &tx,
                &current,
                input.phase.into(),
                status,
                reason,
                &viewer.subject,
            )
            .await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Update,
                "Alliance",
                alliance.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Alliance(alliance))
        }
        .await;
        let (alliance, user_errors) = finish(ctx, outcome)?;
        Ok(ChangeAlliancePhasePayload {
            alliance,
            user_errors,
        })
    }

    /// Adds a person to an alliance in a role.
    async fn add_alliance_member(
        &self,
        ctx: &Context<'_>,
        input: AddAllianceMemberInput,
    ) -> ApiResult<AddAllianceMemberPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id = AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?);
            let person_id = PersonId(input_id("Person", "personId", &input.person_id)?);
            let alliance = writable_alliance(ctx, viewer, id).await?;
            if persons::by_ids(store(ctx)?.db(), viewer.district_id, &[person_id])
                .await?
                .is_empty()
            {
                return Err(missing(viewer, "person"));
            }
            let relationship =
                validate::optional_text("relationship", input.relationship.as_deref(), MAX_NAME)?;
            let tx = store(ctx)?.begin().await?;
            let member = members::add(
                &tx,
                NewMember {
                    alliance_id: alliance.id,
                    person_id,
                    role: input.role.into(),
                    relationship,
                    family_identified: input.family_identified,
                },
            )
            .await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "AllianceMember",
                member.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok((AllianceMember(member), Alliance(alliance)))
        }
        .await;
        let (done, user_errors) = finish(ctx, outcome)?;
        let (member, alliance) = done.unzip();
        Ok(AddAllianceMemberPayload {
            member,
            alliance,
            user_errors,
        })
    }

    /// Ends a membership. The member's history (what they said and did) stays.
    async fn remove_alliance_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveAllianceMemberInput,
    ) -> ApiResult<RemoveAllianceMemberPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id = MemberId(input_id("AllianceMember", "memberId", &input.member_id)?);
            let member = members::in_district(store(ctx)?.db(), viewer.district_id, id)
                .await?
                .ok_or_else(|| missing(viewer, "member"))?;
            let alliance = writable_alliance(ctx, viewer, member.alliance_id).await?;
            if !member.is_active() {
                return Err(DomainError::invalid(
                    "memberId",
                    "this member has already left the alliance",
                ));
            }
            let tx = store(ctx)?.begin().await?;
            let member = members::remove(&tx, member.id).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Remove,
                "AllianceMember",
                member.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok((AllianceMember(member), Alliance(alliance)))
        }
        .await;
        let (done, user_errors) = finish(ctx, outcome)?;
        let (member, alliance) = done.unzip();
        Ok(RemoveAllianceMemberPayload {
            member,
            alliance,
            user_errors,
        })
    }
}
