//! Goals in the family's own words, and progress toward them.

use alliance_domain::DomainError;
use alliance_domain::access::Viewer;
use alliance_domain::ids::{AllianceId, GoalId, MemberId};
use alliance_domain::model::{Alliance, Goal as DomainGoal, Measure};
use alliance_domain::validate::{self, MAX_TEXT};
use alliance_domain::values::{self, AuditAction};
use alliance_store::goals::{self, NewGoal};
use alliance_store::progress::{self, NewProgress};
use alliance_store::{alliances, members};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Duration;

use super::{
    UserError, allowed_to_change, audit_event, changed, commit, finish, input_id, input_instant,
    missing, store, writable_alliance,
};
use crate::context::RequestContext;
use crate::error::ApiResult;
use crate::types::enums::{AchievementStatus, Direction, GoalDomain, GoalStatus, ProgressSource};
use crate::types::goal::{Goal, ProgressEntry};
use crate::types::scalars::{Date, DateTime};

/// How progress toward a goal will be measured.
#[derive(InputObject, Clone)]
pub struct MeasureInput {
    /// What is counted ("calm mornings").
    pub name: String,
    pub unit: Option<String>,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    pub target_date: Option<Date>,
}

impl MeasureInput {
    fn validated(self, field: &str) -> Result<Measure, DomainError> {
        validate::measure(
            field,
            Measure {
                name: self.name,
                unit: self.unit,
                baseline: self.baseline,
                target: self.target,
                direction: self.direction.into(),
                target_date: self.target_date.map(|d| d.0),
            },
        )
    }
}

#[derive(InputObject)]
pub struct CreateGoalInput {
    pub alliance_id: ID,
    /// The goal as the student or family said it; kept verbatim.
    pub own_words: String,
    /// The member (the student or a caregiver) who said it.
    pub expressed_by_id: ID,
    /// The team's summary, kept beside the family's words.
    pub summary: Option<String>,
    /// `OTHER` when left out.
    pub domain: Option<GoalDomain>,
    /// 1 (highest) to 5; 3 when left out.
    pub priority: Option<i32>,
    /// `ACTIVE` when left out.
    pub status: Option<GoalStatus>,
    pub measure: Option<MeasureInput>,
}

#[derive(SimpleObject)]
pub struct CreateGoalPayload {
    pub goal: Option<Goal>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UpdateGoalInput {
    pub goal_id: ID,
    /// The version the change is based on; if the goal has moved on, the change is
    /// refused with `CONFLICT`.
    pub version: i32,
    /// New words; the earlier words stay in the goal's revisions.
    pub own_words: Option<String>,
    pub expressed_by_id: Option<ID>,
    pub summary: Option<String>,
    pub domain: Option<GoalDomain>,
    pub priority: Option<i32>,
    pub status: Option<GoalStatus>,
    pub achievement_status: Option<AchievementStatus>,
    pub measure: Option<MeasureInput>,
    /// Drop the goal's measure.
    #[graphql(default = false)]
    pub remove_measure: bool,
}

#[derive(SimpleObject)]
pub struct UpdateGoalPayload {
    pub goal: Option<Goal>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RecordProgressInput {
    pub goal_id: ID,
    /// When it was observed; now when left out.
    pub observed_at: Option<DateTime>,
    /// The measured value.
    pub value: Option<f64>,
    /// The narrative. A value, a note, or both; never neither.
    pub note: Option<String>,
    /// `TEAM_OBSERVATION` when left out.
    pub source: Option<ProgressSource>,
}

#[derive(SimpleObject)]
pub struct RecordProgressPayload {
    pub progress_entry: Option<ProgressEntry>,
    pub goal: Option<Goal>,
    pub user_errors: Vec<UserError>,
}

/// Checks that `id` names an active member of `alliance` who speaks for the family.
async fn family_voice(
    ctx: &Context<'_>,
    alliance: &Alliance,
    field: &str,
    id: &ID,
) -> Result<MemberId, DomainError> {
    let id = MemberId(input_id("AllianceMember", field, id)?);
    let member = members::in_district(store(ctx)?.db(), alliance.district_id, id).await?;
    match member {
        Some(m) if m.alliance_id == alliance.id && m.is_active() => {
            if m.role.is_family() {
                Ok(m.id)
            } else {
                Err(DomainError::invalid(
                    field,
                    "a goal in own words is expressed by the student or a caregiver",
                ))
            }
        }
        _ => Err(DomainError::invalid(
            field,
            "not an active member of this alliance",
        )),
    }
}

/// The goal `id` of the viewer's district with its alliance, once the viewer may change it.
async fn writable_goal(
    ctx: &Context<'_>,
    viewer: &Viewer,
    id: &ID,
) -> Result<(DomainGoal, Alliance), DomainError> {
    let id = GoalId(input_id("Goal", "goalId", id)?);
    let (goal, (alliance, membership)) =
        alliances::goal_for_write(store(ctx)?.db(), viewer.district_id, id, viewer.person_id)
            .await?
            .ok_or_else(|| missing(viewer, "goal"))?;
    Ok((goal, allowed_to_change(viewer, alliance, &membership)?))
}

/// Mutations of goals and progress.
#[derive(Default)]
pub struct GoalMutations;

#[Object]
impl GoalMutations {
    /// Sets a goal in the words of the student or family.
    async fn create_goal(
        &self,
        ctx: &Context<'_>,
        input: CreateGoalInput,
    ) -> ApiResult<CreateGoalPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let alliance_id = AllianceId(input_id("Alliance", "allianceId", &input.alliance_id)?);
            let alliance = writable_alliance(ctx, viewer, alliance_id).await?;
            let new = NewGoal {
                alliance_id,
                own_words: validate::own_words("ownWords", &input.own_words)?,
                expressed_by: family_voice(ctx, &alliance, "expressedById", &input.expressed_by_id)
                    .await?,
                summary: validate::optional_text("summary", input.summary.as_deref(), MAX_TEXT)?,
                domain: input.domain.map_or(values::GoalDomain::Other, Into::into),
                priority: validate::priority("priority", input.priority.unwrap_or(3))?,
                status: input.status.map_or(values::GoalStatus::Active, Into::into),
                measure: input.measure.map(|m| m.validated("measure")).transpose()?,
            };
            let tx = store(ctx)?.begin().await?;
            let goal = goals::create(&tx, new).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Goal",
                goal.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Goal(goal))
        }
        .await;
        let (goal, user_errors) = finish(ctx, outcome)?;
        Ok(CreateGoalPayload { goal, user_errors })
    }

    /// Changes a goal, keeping what it was as a revision. Needs the goal's current
    /// `version`; a stale one is refused with `CONFLICT`.
    async fn update_goal(
        &self,
        ctx: &Context<'_>,
        input: UpdateGoalInput,
    ) -> ApiResult<UpdateGoalPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let (current, alliance) = writable_goal(ctx, viewer, &input.goal_id).await?;
            let mut changed = current.clone();
            if let Some(words) = &input.own_words {
                changed.own_words = validate::own_words("ownWords", words)?;
            }
            if let Some(id) = &input.expressed_by_id {
                changed.expressed_by = family_voice(ctx, &alliance, "expressedById", id).await?;
            }
            if let Some(summary) = &input.summary {
                changed.summary = validate::optional_text("summary", Some(summary), MAX_TEXT)?;
            }
            if let Some(domain) = input.domain {
                changed.domain = domain.into();
            }
            if let Some(priority) = input.priority {
                changed.priority = validate::priority("priority", priority)?;
            }
            if let Some(status) = input.status {
                changed.status = status.into();
            }
            if let Some(status) = input.achievement_status {
                changed.achievement_status = status.into();
            }
            match (input.measure, input.remove_measure) {
                (Some(_), true) => {
                    return Err(DomainError::invalid(
                        "removeMeasure",
                        "give a new measure or remove it, not both",
                    ));
                }
                (Some(measure), false) => changed.measure = Some(measure.validated("measure")?),
                (None, true) => changed.measure = None,
                (None, false) => {}
            }
            let tx = store(ctx)?.begin().await?;
            let goal =
                goals::update(&tx, &current, changed, input.version, &viewer.subject).await?;
            if goal.version == current.version {
                // Nothing changed: no revision, no audit event, nothing to commit.
                return Ok(Goal(goal));
            }
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Update,
                "Goal",
                goal.id.0,
                Some(alliance.student_id),
            )
            .await?;
            Ok(Goal(goal))
        }
        .await;
        let (goal, user_errors) = finish(ctx, outcome)?;
        Ok(UpdateGoalPayload { goal, user_errors })
    }

    /// Records an observation of progress toward a goal: a value, a note, or both.
    async fn record_progress(
        &self,
        ctx: &Context<'_>,
        input: RecordProgressInput,
    ) -> ApiResult<RecordProgressPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let (goal, alliance) = writable_goal(ctx, viewer, &input.goal_id).await?;
            let (value, note) = validate::progress(input.value, input.note.as_deref())?;
            let now = alliance_store::now();
            let observed_at = input_instant("observedAt", input.observed_at)?.unwrap_or(now);
            if observed_at > now + Duration::hours(24) {
                return Err(DomainError::invalid(
                    "observedAt",
                    "must not be more than a day in the future",
                ));
            }
            let new = NewProgress {
                goal_id: goal.id,
                observed_at,
                recorded_by: viewer.person_id,
                recorded_by_subject: viewer.subject.clone(),
                value,
                note,
                source: input
                    .source
                    .map_or(values::ProgressSource::TeamObservation, Into::into),
            };
            let event = audit_event(
                ctx,
                viewer,
                AuditAction::Create,
                "ProgressEntry",
                Some(alliance.student_id),
            )?;
            let entry = progress::record(store(ctx)?, new, |id| event(id.0)).await?;
            changed(ctx);
            Ok((ProgressEntry(entry), Goal(goal)))
        }
        .await;
        let (done, user_errors) = finish(ctx, outcome)?;
        let (progress_entry, goal) = done.unzip();
        Ok(RecordProgressPayload {
            progress_entry,
            goal,
            user_errors,
        })
    }
}
