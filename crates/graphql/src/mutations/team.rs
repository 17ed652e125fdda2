//! What the team does and records: interventions and their reasons, communications and
//! data shares, check-ins asked, reflections and next steps.

use alliance_domain::DomainError;
use alliance_domain::chart::{chart_values, snapshot};
use alliance_domain::feedback;
use alliance_domain::ids::{
    AllianceId, FeedbackResponseId, InterventionId, NextStepId, ProgressEntryId, ReflectionId,
};
use alliance_domain::model::{RecordRef, SharedGoal};
use alliance_domain::validate::{self, MAX_NAME, MAX_TEXT};
use alliance_domain::values::{self, AuditAction};
use alliance_store::communications::NewCommunication;
use alliance_store::feedback::NewRequest;
use alliance_store::interventions::NewIntervention;
use alliance_store::next_steps::NewNextStep;
use alliance_store::reflections::NewReflection;
use alliance_store::{
    communications, feedback as feedback_repo, goals, interventions, next_steps, persons, progress,
    reflections,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Duration;

use super::checks::{active_member, active_members, goals_of, records_of};
use super::{
    UserError, commit, finish, input_date, input_id, input_instant, missing, store,
    writable_alliance,
};
use crate::context::RequestContext;
use crate::error::ApiResult;
use crate::types::communication::Communication;
use crate::types::enums::{
    Channel, CommunicationKind, FeedbackAudience, InterventionStatus, NextStepStatus,
    ReflectionKind, Visibility,
};
use crate::types::feedback::FeedbackRequest;
use crate::types::intervention::Intervention;
use crate::types::reflection::{NextStep, Reflection};
use crate::types::scalars::{Date, DateTime};

#[derive(InputObject)]
pub struct CreateInterventionInput {
    pub alliance_id: ID,
    pub title: String,
    pub description: Option<String>,
    /// Why the team is doing this. Required: the family should always know why.
    pub rationale: String,
    /// The goals it addresses: at least one, of the same alliance.
    pub goal_ids: Vec<ID>,
    /// The member who leads it.
    pub owner_id: Option<ID>,
    /// 1 (universal) to 3 (intensive); 1 when left out.
    pub tier: Option<i32>,
    /// How often ("3 times a week").
    pub frequency: Option<String>,
    /// Minutes a session.
    pub minutes: Option<i32>,
    /// `PLANNED` when left out.
    pub status: Option<InterventionStatus>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct CreateInterventionPayload {
    pub intervention: Option<Intervention>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ChangeInterventionStatusInput {
    pub intervention_id: ID,
    pub status: InterventionStatus,
    /// Why. Required, and kept in the intervention's history.
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct ChangeInterventionStatusPayload {
    pub intervention: Option<Intervention>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LogCommunicationInput {
    pub alliance_id: ID,
    pub kind: CommunicationKind,
    pub channel: Channel,
    /// What was said, in words.
    pub summary: String,
    /// The member who communicated.
    pub from_id: Option<ID>,
    /// The members told.
    pub recipient_ids: Option<Vec<ID>>,
    /// When; now when left out.
    pub occurred_at: Option<DateTime>,
    /// For a `DATA_SHARE`: the goals whose progress was shared (at least one).
    pub shared_goal_ids: Option<Vec<ID>>,
    /// For a `DATA_SHARE`: the time the shared data was as of; now when left out.
    pub as_of: Option<DateTime>,
    /// `ALLIANCE` when left out.
    pub visibility: Option<Visibility>,
}

#[derive(SimpleObject)]
pub struct LogCommunicationPayload {
    pub communication: Option<Communication>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RequestFeedbackInput {
    pub alliance_id: ID,
    /// The student or caregiver asked.
    pub member_id: ID,
    /// A week from today when left out.
    pub due_date: Option<Date>,
    /// `CHILD` for the student and `ADULT` for a caregiver when left out.
    pub audience: Option<FeedbackAudience>,
    /// BCP 47 tag; the member's preferred language when left out.
    pub language: Option<String>,
}

#[derive(SimpleObject)]
pub struct RequestFeedbackPayload {
    pub feedback_request: Option<FeedbackRequest>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RecordReflectionInput {
    pub alliance_id: ID,
    pub kind: ReflectionKind,
    /// When; now when left out.
    pub held_at: Option<DateTime>,
    pub participant_ids: Option<Vec<ID>>,
    pub notes: Option<String>,
    /// What to keep doing.
    pub keep: Option<String>,
    /// What to change.
    pub change: Option<String>,
    /// Goals considered.
    pub goal_ids: Option<Vec<ID>>,
    /// Interventions considered.
    pub intervention_ids: Option<Vec<ID>>,
    /// Feedback responses considered.
    pub feedback_response_ids: Option<Vec<ID>>,
    /// `TEAM_ONLY` when left out.
    pub visibility: Option<Visibility>,
}

#[derive(SimpleObject)]
pub struct RecordReflectionPayload {
    pub reflection: Option<Reflection>,
    pub user_errors: Vec<UserError>,
}

/// What informed a next step; every record must belong to the same alliance.
#[derive(InputObject, Default)]
pub struct InformedByInput {
    pub feedback_response_ids: Option<Vec<ID>>,
    pub reflection_ids: Option<Vec<ID>>,
    pub progress_entry_ids: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct CreateNextStepInput {
    pub alliance_id: ID,
    /// What the team decided to do.
    pub decision: String,
    pub owner_id: Option<ID>,
    pub due_date: Option<Date>,
    pub informed_by: Option<InformedByInput>,
    /// `ALLIANCE` when left out.
    pub visibility: Option<Visibility>,
}

#[derive(SimpleObject)]
pub struct CreateNextStepPayload {
    pub next_step: Option<NextStep>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UpdateNextStepInput {
    pub next_step_id: ID,
    pub decision: Option<String>,
    pub owner_id: Option<ID>,
    pub due_date: Option<Date>,
    pub status: Option<NextStepStatus>,
    pub visibility: Option<Visibility>,
    /// More records that informed it (citations are never removed).
    pub informed_by: Option<InformedByInput>,
}

#[derive(SimpleObject)]
pub struct UpdateNextStepPayload {
    pub next_step: Option<NextStep>,
    pub user_errors: Vec<UserError>,
}

async fn informed_by(
    ctx: &Context<'_>,
    alliance: AllianceId,
    input: Option<InformedByInput>,
) -> Result<Vec<RecordRef>, DomainError> {
    let input = input.unwrap_or_default();
    let mut cited = records_of(
        ctx,
        alliance,
        "FeedbackResponse",
        "informedBy.feedbackResponseIds",
        &input.feedback_response_ids.unwrap_or_default(),
        |id| RecordRef::FeedbackResponse(FeedbackResponseId(id)),
    )
    .await?;
    cited.extend(
        records_of(
            ctx,
            alliance,
            "Reflection",
            "informedBy.reflectionIds",
            &input.reflection_ids.unwrap_or_default(),
            |id| RecordRef::Reflection(ReflectionId(id)),
        )
        .await?,
    );
    cited.extend(
        records_of(
            ctx,
            alliance,
            "ProgressEntry",
            "informedBy.progressEntryIds",
            &input.progress_entry_ids.unwrap_or_default(),
            |id| RecordRef::ProgressEntry(ProgressEntryId(id)),
        )
        .await?,
    );
    Ok(cited)
}

/// Mutations for the team's work.
#[derive(Default)]
pub struct TeamMutations;

#[Object]
impl TeamMutations {
    /// Plans an intervention: what the team will do, for which goals, and why.
    async fn create_intervention(
        &self,
        ctx: &Context<'_>,
        input: CreateInterventionInput,
    ) -> ApiResult<CreateInterventionPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance = writable_alliance(
                ctx,
                viewer,
                AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?),
            )
            .await?;
            let rationale = validate::required_text("rationale", &input.rationale, MAX_TEXT)?;
            let goals = goals_of(ctx, &alliance, "goalIds", &input.goal_ids).await?;
            if goals.is_empty() {
                return Err(DomainError::invalid(
                    "goalIds",
                    "name at least one goal the intervention addresses",
                ));
            }
            let tier = input.tier.unwrap_or(1);
            if !(1..=3).contains(&tier) {
                return Err(DomainError::invalid("tier", "must be 1, 2 or 3"));
            }
            if input.minutes.is_some_and(|m| !(1..=600).contains(&m)) {
                return Err(DomainError::invalid("minutes", "must be between 1 and 600"));
            }
            let start_date = input_date("startDate", input.start_date)?;
            let end_date = input_date("endDate", input.end_date)?;
            if let (Some(start), Some(end)) = (start_date, end_date)
                && end < start
            {
                return Err(DomainError::invalid(
                    "endDate",
                    "must not be before the start date",
                ));
            }
            let owner = match &input.owner_id {
                Some(id) => Some(active_member(ctx, &alliance, "ownerId", id).await?.id),
                None => None,
            };
            let status = input
                .status
                .map_or(values::InterventionStatus::Planned, Into::into);
            let new = NewIntervention {
                alliance_id: alliance.id,
                title: validate::required_text("title", &input.title, MAX_NAME)?,
                description: validate::optional_text(
                    "description",
                    input.description.as_deref(),
                    MAX_TEXT,
                )?,
                rationale: rationale.clone(),
                owner,
                tier,
                frequency: validate::optional_text(
                    "frequency",
                    input.frequency.as_deref(),
                    MAX_NAME,
                )?,
                minutes: input.minutes,
                status,
                start_date,
                end_date,
                goals,
            };
            let tx = store(ctx)?.begin().await?;
            let intervention = interventions::create(&tx, new, &rationale, &viewer.subject).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Intervention",
                intervention.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Intervention(intervention))
        }
        .await;
        let (intervention, user_errors) = finish(ctx, outcome)?;
        Ok(CreateInterventionPayload {
            intervention,
            user_errors,
        })
    }

    /// Moves an intervention to another status, with the reason.
    async fn change_intervention_status(
        &self,
        ctx: &Context<'_>,
        input: ChangeInterventionStatusInput,
    ) -> ApiResult<ChangeInterventionStatusPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id = InterventionId(input_id(
                "Intervention",
                "interventionId",
                &input.intervention_id,
            )?);
            let current = interventions::in_district(store(ctx)?.db(), viewer.district_id, id)
                .await?
                .ok_or_else(|| missing(viewer, "intervention"))?;
            let alliance = writable_alliance(ctx, viewer, current.alliance_id).await?;
            let reason = validate::required_text("reason", &input.reason, MAX_TEXT)?;
            let to: values::InterventionStatus = input.status.into();
            if to == current.status {
                return Err(DomainError::invalid(
                    "status",
                    "the intervention already has this status",
                ));
            }
            let tx = store(ctx)?.begin().await?;
            let changed =
                interventions::change_status(&tx, &current, to, &reason, &viewer.subject).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Update,
                "Intervention",
                changed.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Intervention(changed))
        }
        .await;
        let (intervention, user_errors) = finish(ctx, outcome)?;
        Ok(ChangeInterventionStatusPayload {
            intervention,
            user_errors,
        })
    }

    /// Logs a communication with the family. A `DATA_SHARE` names the goals whose
    /// progress was shared and keeps the values as they were shown.
    async fn log_communication(
        &self,
        ctx: &Context<'_>,
        input: LogCommunicationInput,
    ) -> ApiResult<LogCommunicationPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance = writable_alliance(
                ctx,
                viewer,
                AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?),
            )
            .await?;
            let kind: values::CommunicationKind = input.kind.into();
            let now = alliance_store::now();
            let occurred_at = input_instant("occurredAt", input.occurred_at)?.unwrap_or(now);
            let as_of = input_instant("asOf", input.as_of)?.unwrap_or(now);
            let shared_ids = goals_of(
                ctx,
                &alliance,
                "sharedGoalIds",
                &input.shared_goal_ids.unwrap_or_default(),
            )
            .await?;
            let (shared, as_of) = if kind == values::CommunicationKind::DataShare {
                if shared_ids.is_empty() {
                    return Err(DomainError::invalid(
                        "sharedGoalIds",
                        "a data share names the goals whose progress was shared",
                    ));
                }
                let db = store(ctx)?.db();
                let goals = goals::by_ids(db, &viewer.read_scope(), &shared_ids).await?;
                let observations = progress::observations(db, &shared_ids).await?;
                let shared = goals
                    .iter()
                    .map(|goal| {
                        let seen: Vec<_> = observations
                            .iter()
                            .filter(|(g, o)| *g == goal.id && o.observed_at <= as_of)
                            .map(|(_, o)| *o)
                            .collect();
                        let chart = chart_values(goal.measure.as_ref(), goal.created_at, &seen);
                        SharedGoal {
                            goal_id: goal.id,
                            snapshot: snapshot(&chart),
                        }
                    })
                    .collect();
                (shared, Some(as_of))
            } else {
                if !shared_ids.is_empty() {
                    return Err(DomainError::invalid(
                        "sharedGoalIds",
                        "only a DATA_SHARE shares goals' progress",
                    ));
                }
                (Vec::new(), None)
            };
            let from_member = match &input.from_id {
                Some(id) => Some(active_member(ctx, &alliance, "fromId", id).await?.id),
                None => None,
            };
            let new = NewCommunication {
                alliance_id: alliance.id,
                kind,
                channel: input.channel.into(),
                from_member,
                recipients: active_members(
                    ctx,
                    &alliance,
                    "recipientIds",
                    &input.recipient_ids.unwrap_or_default(),
                )
                .await?,
                summary: validate::required_text("summary", &input.summary, MAX_TEXT)?,
                occurred_at,
                as_of,
                visibility: input
                    .visibility
                    .map_or(values::Visibility::Alliance, Into::into),
                recorded_by_subject: viewer.subject.clone(),
                shared,
            };
            let tx = store(ctx)?.begin().await?;
            let communication = communications::create(&tx, new).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Communication",
                communication.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Communication(communication))
        }
        .await;
        let (communication, user_errors) = finish(ctx, outcome)?;
        Ok(LogCommunicationPayload {
            communication,
            user_errors,
        })
    }

    /// Asks the student or a caregiver how things are going, with Alliance's check-in.
    async fn request_feedback(
        &self,
        ctx: &Context<'_>,
        input: RequestFeedbackInput,
    ) -> ApiResult<RequestFeedbackPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance = writable_alliance(
                ctx,
                viewer,
                AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?),
            )
            .await?;
            let member = active_member(ctx, &alliance, "memberId", &input.member_id).await?;
            if !member.role.is_family() {
                return Err(DomainError::invalid(
                    "memberId",
                    "feedback is asked of the student or a caregiver",
                ));
            }
            let today = chrono::Utc::now().date_naive();
            let due_date =
                input_date("dueDate", input.due_date)?.unwrap_or(today + Duration::days(7));
            if due_date < today {
                return Err(DomainError::invalid("dueDate", "must not be in the past"));
            }
            let language = match &input.language {
                Some(tag) => validate::language_tag("language", tag)?,
                None => persons::by_ids(store(ctx)?.db(), viewer.district_id, &[member.person_id])
                    .await?
                    .pop()
                    .map_or_else(|| "en".to_owned(), |p| p.preferred_language),
            };
            let audience = input.audience.map(Into::into).unwrap_or(match member.role {
                values::MemberRole::Student => values::FeedbackAudience::Child,
                _ => values::FeedbackAudience::Adult,
            });
            let new = NewRequest {
                alliance_id: alliance.id,
                member_id: member.id,
                audience,
                language: feedback::language_for(Some(&language)).to_owned(),
                due_date,
                requested_by_subject: viewer.subject.clone(),
            };
            let tx = store(ctx)?.begin().await?;
            let request = feedback_repo::request(&tx, new).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "FeedbackRequest",
                request.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(FeedbackRequest(request))
        }
        .await;
        let (feedback_request, user_errors) = finish(ctx, outcome)?;
        Ok(RequestFeedbackPayload {
            feedback_request,
            user_errors,
        })
    }

    /// Records the team looking back together. Team-only unless shared.
    async fn record_reflection(
        &self,
        ctx: &Context<'_>,
        input: RecordReflectionInput,
    ) -> ApiResult<RecordReflectionPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance = writable_alliance(
                ctx,
                viewer,
                AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?),
            )
            .await?;
            let mut considered: Vec<RecordRef> = goals_of(
                ctx,
                &alliance,
                "goalIds",
                &input.goal_ids.unwrap_or_default(),
            )
            .await?
            .into_iter()
            .map(RecordRef::Goal)
            .collect();
            let interventions = input.intervention_ids.unwrap_or_default();
            considered.extend(
                records_of(
                    ctx,
                    alliance.id,
                    "Intervention",
                    "interventionIds",
                    &interventions,
                    |id| RecordRef::Intervention(InterventionId(id)),
                )
                .await?,
            );
            let responses = input.feedback_response_ids.unwrap_or_default();
            considered.extend(
                records_of(
                    ctx,
                    alliance.id,
                    "FeedbackResponse",
                    "feedbackResponseIds",
                    &responses,
                    |id| RecordRef::FeedbackResponse(FeedbackResponseId(id)),
                )
                .await?,
            );
            let new = NewReflection {
                alliance_id: alliance.id,
                kind: input.kind.into(),
                held_at: input_instant("heldAt", input.held_at)?
                    .unwrap_or_else(alliance_store::now),
                participants: active_members(
                    ctx,
                    &alliance,
                    "participantIds",
                    &input.participant_ids.unwrap_or_default(),
                )
                .await?,
                notes: validate::optional_text("notes", input.notes.as_deref(), MAX_TEXT)?,
                keep: validate::optional_text("keep", input.keep.as_deref(), MAX_TEXT)?,
                change: validate::optional_text("change", input.change.as_deref(), MAX_TEXT)?,
                considered,
                visibility: input
                    .visibility
                    .map_or(values::Visibility::TeamOnly, Into::into),
                recorded_by_subject: viewer.subject.clone(),
            };
            let tx = store(ctx)?.begin().await?;
            let reflection = reflections::create(&tx, new).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Reflection",
                reflection.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Reflection(reflection))
        }
        .await;
        let (reflection, user_errors) = finish(ctx, outcome)?;
        Ok(RecordReflectionPayload {
            reflection,
            user_errors,
        })
    }

    /// Records a next step and what informed it. Citing a feedback response that raised a
    /// concern answers the concern.
    async fn create_next_step(
        &self,
        ctx: &Context<'_>,
        input: CreateNextStepInput,
    ) -> ApiResult<CreateNextStepPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance = writable_alliance(
                ctx,
                viewer,
                AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?),
            )
            .await?;
            let owner = match &input.owner_id {
                Some(id) => Some(active_member(ctx, &alliance, "ownerId", id).await?.id),
                None => None,
            };
            let new = NewNextStep {
                alliance_id: alliance.id,
                decision: validate::required_text("decision", &input.decision, MAX_TEXT)?,
                owner,
                due_date: input_date("dueDate", input.due_date)?,
                informed_by: informed_by(ctx, alliance.id, input.informed_by).await?,
                visibility: input
                    .visibility
                    .map_or(values::Visibility::Alliance, Into::into),
                recorded_by_subject: viewer.subject.clone(),
            };
            let tx = store(ctx)?.begin().await?;
            let step = next_steps::create(&tx, new).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "NextStep",
                step.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(NextStep(step))
        }
        .await;
        let (next_step, user_errors) = finish(ctx, outcome)?;
        Ok(CreateNextStepPayload {
            next_step,
            user_errors,
        })
    }

    /// Changes a next step: its decision, owner, due date, status or visibility, and adds
    /// what else informed it.
    async fn update_next_step(
        &self,
        ctx: &Context<'_>,
        input: UpdateNextStepInput,
    ) -> ApiResult<UpdateNextStepPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let id = NextStepId(input_id("NextStep", "nextStepId", &input.next_step_id)?);
            let current = next_steps::in_district(store(ctx)?.db(), viewer.district_id, id)
                .await?
                .ok_or_else(|| missing(viewer, "next step"))?;
            let alliance = writable_alliance(ctx, viewer, current.alliance_id).await?;
            let mut changed = current.clone();
            if let Some(decision) = &input.decision {
                changed.decision = validate::required_text("decision", decision, MAX_TEXT)?;
            }
            if let Some(owner) = &input.owner_id {
                changed.owner = Some(active_member(ctx, &alliance, "ownerId", owner).await?.id);
            }
            if let Some(due) = input_date("dueDate", input.due_date)? {
                changed.due_date = Some(due);
            }
            if let Some(status) = input.status {
                changed.status = status.into();
            }
            if let Some(visibility) = input.visibility {
                changed.visibility = visibility.into();
            }
            changed
                .informed_by
                .extend(informed_by(ctx, alliance.id, input.informed_by).await?);
            let tx = store(ctx)?.begin().await?;
            let step = next_steps::update(&tx, &current, changed).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Update,
                "NextStep",
                step.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(NextStep(step))
        }
        .await;
        let (next_step, user_errors) = finish(ctx, outcome)?;
        Ok(UpdateNextStepPayload {
            next_step,
            user_errors,
        })
    }
}
