//! What the student and family say: their words, their stance on goals, their replies
//! to what the team shares, and their answers to check-ins.

use alliance_domain::DomainError;
use alliance_domain::feedback::{self, Scores};
use alliance_domain::ids::{AllianceId, CommunicationId, FeedbackRequestId, GoalId, VoiceEntryId};
use alliance_domain::validate::{self, MAX_TEXT};
use alliance_domain::values::{self, AuditAction, FeedbackStatus};
use alliance_store::feedback::NewResponse;
use alliance_store::voice::NewVoice;
use alliance_store::{
    acceptances, alliances, communications, feedback as feedback_repo, persons, voice,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::checks::{active_member, goals_of};
use super::{
    UserError, alliance_and_membership, alliance_for_family_words, allowed_family_words, commit,
    district, finish, input_id, input_instant, missing, store,
};
use crate::context::RequestContext;
use crate::error::ApiResult;
use crate::types::communication::{Communication, CommunicationReply};
use crate::types::enums::{Acceptance, Visibility, VoiceKind};
use crate::types::feedback::FeedbackResponse;
use crate::types::goal::Goal;
use crate::types::scalars::DateTime;
use crate::types::voice::VoiceEntry;

#[derive(InputObject)]
pub struct RecordVoiceInput {
    pub alliance_id: ID,
    /// The member who said it: the student or a caregiver.
    pub speaker_id: ID,
    /// The words, exactly as said; kept verbatim.
    pub words: String,
    /// `EXPERIENCE` when left out.
    pub kind: Option<VoiceKind>,
    /// BCP 47 tag of the words; the speaker's preferred language when left out.
    pub language: Option<String>,
    /// When it was said; now when left out.
    pub said_at: Option<DateTime>,
    /// Goals the words speak to.
    pub goal_ids: Option<Vec<ID>>,
    /// `ALLIANCE` when left out; a family member's own words are always `ALLIANCE`.
    pub visibility: Option<Visibility>,
    /// The entry these words correct; it stays readable.
    pub supersedes_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordVoicePayload {
    pub voice_entry: Option<VoiceEntry>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SetGoalAcceptanceInput {
    pub goal_id: ID,
    /// The member whose stance this is; a family member may set only their own.
    pub member_id: ID,
    pub acceptance: Acceptance,
    /// In the member's words.
    pub comment: Option<String>,
}

#[derive(SimpleObject)]
pub struct SetGoalAcceptancePayload {
    pub goal: Option<Goal>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ReplyToCommunicationInput {
    pub communication_id: ID,
    /// The reply, in the family's words.
    pub words: String,
}

#[derive(SimpleObject)]
pub struct ReplyToCommunicationPayload {
    pub reply: Option<CommunicationReply>,
    pub communication: Option<Communication>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SubmitFeedbackInput {
    pub request_id: ID,
    /// 0–10 each.
    pub supported: i32,
    pub understood: i32,
    pub centered: i32,
    pub goals: i32,
    pub approach: i32,
    /// In the respondent's own words.
    pub comment: Option<String>,
    /// The language the check-in was answered in; the request's when left out.
    pub language: Option<String>,
}

#[derive(SimpleObject)]
pub struct SubmitFeedbackPayload {
    pub feedback_response: Option<FeedbackResponse>,
    pub user_errors: Vec<UserError>,
}

/// Mutations for the family's voice.
#[derive(Default)]
pub struct VoiceMutations;

#[Object]
impl VoiceMutations {
    /// Records words of the student or a caregiver, verbatim. Entries are never edited:
    /// to correct one, record the correction with `supersedesId`.
    async fn record_voice(
        &self,
        ctx: &Context<'_>,
        input: RecordVoiceInput,
    ) -> ApiResult<RecordVoicePayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance_id = AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?);
            let speaker_id = alliance_domain::ids::MemberId(input_id(
                "AllianceMember",
                "speakerId",
                &input.speaker_id,
            )?);
            let (alliance, membership) =
                alliance_for_family_words(ctx, viewer, alliance_id, speaker_id).await?;
            let speaker = active_member(ctx, &alliance, "speakerId", &input.speaker_id).await?;
            if !speaker.role.is_family() {
                return Err(DomainError::invalid(
                    "speakerId",
                    "the voice recorded here is the student's or a caregiver's",
                ));
            }
            let speaking_for_themselves = membership.as_ref().is_some_and(|m| m.id == speaker.id);
            let visibility = match input.visibility.map(Into::into) {
                Some(values::Visibility::TeamOnly) if speaking_for_themselves => {
                    return Err(DomainError::invalid(
                        "visibility",
                        "your own words are shared with your alliance",
                    ));
                }
                other => other.unwrap_or(values::Visibility::Alliance),
            };
            let language = match &input.language {
                Some(tag) => validate::language_tag("language", tag)?,
                None => persons::by_ids(store(ctx)?.db(), viewer.district_id, &[speaker.person_id])
                    .await?
                    .pop()
                    .map_or_else(|| "en".to_owned(), |p| p.preferred_language),
            };
            let supersedes = match &input.supersedes_id {
                Some(id) => {
                    let id = VoiceEntryId(input_id("VoiceEntry", "supersedesId", id)?);
                    // Only an entry the viewer can read can be corrected: a hidden one is
                    // as unknown as one that does not exist.
                    voice::by_ids(store(ctx)?.db(), &viewer.read_scope(), &[id])
                        .await?
                        .into_iter()
                        .find(|v| v.alliance_id == alliance.id)
                        .ok_or_else(|| {
                            DomainError::invalid(
                                "supersedesId",
                                "not a voice entry of this alliance",
                            )
                        })?;
                    Some(id)
                }
                None => None,
            };
            let new = NewVoice {
                alliance_id: alliance.id,
                speaker: speaker.id,
                recorded_by: viewer.person_id,
                recorded_by_subject: viewer.subject.clone(),
                said_at: input_instant("saidAt", input.said_at)?
                    .unwrap_or_else(alliance_store::now),
                kind: input.kind.map_or(values::VoiceKind::Experience, Into::into),
                words: validate::own_words("words", &input.words)?,
                language,
                visibility,
                supersedes,
                goals: goals_of(
                    ctx,
                    &alliance,
                    "goalIds",
                    &input.goal_ids.unwrap_or_default(),
                )
                .await?,
            };
            let tx = store(ctx)?.begin().await?;
            let entry = voice::create(&tx, new).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "VoiceEntry",
                entry.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(VoiceEntry(entry))
        }
        .await;
        let (voice_entry, user_errors) = finish(ctx, outcome)?;
        Ok(RecordVoicePayload {
            voice_entry,
            user_errors,
        })
    }

    /// Records where a member stands on a goal: `AGREE`, `DISAGREE` or `PENDING`.
    async fn set_goal_acceptance(
        &self,
        ctx: &Context<'_>,
        input: SetGoalAcceptanceInput,
    ) -> ApiResult<SetGoalAcceptancePayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let goal_id = GoalId(input_id("Goal", "goalId", &input.goal_id)?);
            let member_id = alliance_domain::ids::MemberId(input_id(
                "AllianceMember",
                "memberId",
                &input.member_id,
            )?);
            let (goal, (alliance, membership)) = alliances::goal_for_write(
                store(ctx)?.db(),
                viewer.district_id,
                goal_id,
                viewer.person_id,
            )
            .await?
            .ok_or_else(|| missing(viewer, "goal"))?;
            allowed_family_words(viewer, &alliance, &membership, member_id)?;
            let member = active_member(ctx, &alliance, "memberId", &input.member_id).await?;
            let comment = validate::optional_text("comment", input.comment.as_deref(), MAX_TEXT)?;
            let tx = store(ctx)?.begin().await?;
            let recorded = acceptances::set(
                &tx,
                goal.id,
                member.id,
                input.acceptance.into(),
                comment,
                &viewer.subject,
            )
            .await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Update,
                "GoalAcceptance",
                recorded.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Goal(goal))
        }
        .await;
        let (goal, user_errors) = finish(ctx, outcome)?;
        Ok(SetGoalAcceptancePayload { goal, user_errors })
    }

    /// A family member's reply to something the team shared with them.
    async fn reply_to_communication(
        &self,
        ctx: &Context<'_>,
        input: ReplyToCommunicationInput,
    ) -> ApiResult<ReplyToCommunicationPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id = CommunicationId(input_id(
                "Communication",
                "communicationId",
                &input.communication_id,
            )?);
            let db = store(ctx)?.db();
            let scope = viewer.read_scope();
            // Only what the viewer can read can be replied to.
            let communication = communications::by_ids(db, &scope, &[id])
                .await?
                .pop()
                .ok_or_else(|| missing(viewer, "communication"))?;
            let (alliance, membership) =
                alliance_and_membership(ctx, viewer, communication.alliance_id).await?;
            let member = membership.filter(|m| m.role.is_family()).ok_or_else(|| {
                DomainError::forbidden(
                    "replies come from the student or a caregiver of the alliance",
                )
            })?;
            let words = validate::own_words("words", &input.words)?;
            let tx = store(ctx)?.begin().await?;
            let reply = communications::reply(&tx, communication.id, member.id, words).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "CommunicationReply",
                reply.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok((
                CommunicationReply(reply, alliance.id),
                Communication(communication),
            ))
        }
        .await;
        let (done, user_errors) = finish(ctx, outcome)?;
        let (reply, communication) = done.unzip();
        Ok(ReplyToCommunicationPayload {
            reply,
            communication,
            user_errors,
        })
    }

    /// Answers a check-in: only by the member asked, only once, only while it is pending.
    async fn submit_feedback(
        &self,
        ctx: &Context<'_>,
        input: SubmitFeedbackInput,
    ) -> ApiResult<SubmitFeedbackPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id =
                FeedbackRequestId(input_id("FeedbackRequest", "requestId", &input.request_id)?);
            let db = store(ctx)?.db();
            let request = feedback_repo::request_in_district(db, viewer.district_id, id)
                .await?
                .ok_or_else(|| missing(viewer, "feedback request"))?;
            let asked =
                alliance_store::members::in_district(db, viewer.district_id, request.member_id)
                    .await?;
            if asked.is_none_or(|m| Some(m.person_id) != viewer.person_id) {
                return Err(DomainError::forbidden(
                    "only the member asked may answer this check-in",
                ));
            }
            match request.status(chrono::Utc::now().date_naive()) {
                FeedbackStatus::Answered => {
                    return Err(DomainError::Conflict(
                        "this check-in has already been answered".into(),
                    ));
                }
                FeedbackStatus::Expired => {
                    return Err(DomainError::invalid(
                        "requestId",
                        "this check-in expired on its due date",
                    ));
                }
                FeedbackStatus::Pending => {}
            }
            let scores = Scores {
                supported: input.supported,
                understood: input.understood,
                centered: input.centered,
                goals: input.goals,
                approach: input.approach,
            };
            if let Some(item) = scores.out_of_range() {
                let field = item.as_str().to_lowercase();
                return Err(DomainError::invalid(
                    field,
                    "must be a whole number from 0 to 10",
                ));
            }
            let language = match &input.language {
                Some(tag) => validate::language_tag("language", tag)?,
                None => feedback::language_for(Some(&request.language)).to_owned(),
            };
            let comment = validate::optional_text("comment", input.comment.as_deref(), MAX_TEXT)?;
            let settings = &district(ctx)?.settings;
            let previous = feedback_repo::previous_total(db, request.member_id).await?;
            let reasons = feedback::concerns(&scores, previous, settings)
                .iter()
                .map(|r| r.describe())
                .collect();
            let alliance = alliances::in_district(db, viewer.district_id, request.alliance_id)
                .await?
                .ok_or_else(|| missing(viewer, "alliance"))?;
            let tx = store(ctx)?.begin().await?;
            let response = feedback_repo::submit(
                &tx,
                &request,
                NewResponse {
                    language,
                    scores,
                    comment,
                    concern_reasons: reasons,
                },
            )
            .await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "FeedbackResponse",
                response.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(FeedbackResponse(response))
        }
        .await;
        let (feedback_response, user_errors) = finish(ctx, outcome)?;
        Ok(SubmitFeedbackPayload {
            feedback_response,
            user_errors,
        })
    }
}
