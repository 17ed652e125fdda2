//! One story of an alliance: every event, newest first.

use alliance_domain::ids::AllianceId;
use async_graphql::{Context, Enum, Object, Union};
use chrono::Utc;

use crate::error::ApiResult;
use crate::loaders::{
    ChangesOf, CommunicationsOf, GoalsOf, InterventionsOf, NextStepsOf, PhasesOf,
    ProgressOfAlliance, ReflectionsOf, RequestsOf, ResponsesOf, VoiceOf,
};
use crate::types::alliance::PhaseChange;
use crate::types::communication::Communication;
use crate::types::feedback::{FeedbackRequest, FeedbackResponse};
use crate::types::goal::{Goal, ProgressEntry};
use crate::types::intervention::{Intervention, InterventionStatusChange};
use crate::types::load;
use crate::types::reflection::{NextStep, Reflection};
use crate::types::scalars::DateTime;
use crate::types::voice::VoiceEntry;

/// What happened.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TimelineKind {
    /// A goal was set.
    GoalSet,
    /// Progress was observed.
    ProgressRecorded,
    /// The student or family was heard.
    VoiceRecorded,
    /// An intervention was planned or changed status.
    InterventionChanged,
    /// The team communicated with the family.
    CommunicationLogged,
    /// Feedback was asked for.
    FeedbackRequested,
    /// Feedback was given.
    FeedbackAnswered,
    /// The team reflected.
    ReflectionRecorded,
    /// A next step was decided.
    NextStepRecorded,
    /// The alliance moved to another phase.
    PhaseChanged,
}

/// The record behind a timeline event.
#[derive(Union)]
pub enum TimelineRecord {
    Goal(Goal),
    ProgressEntry(ProgressEntry),
    VoiceEntry(VoiceEntry),
    InterventionStatusChange(InterventionStatusChange),
    Communication(Communication),
    FeedbackRequest(FeedbackRequest),
    FeedbackResponse(FeedbackResponse),
    Reflection(Reflection),
    NextStep(NextStep),
    PhaseChange(PhaseChange),
}

/// One event in an alliance's story.
pub struct TimelineEvent {
    pub kind: TimelineKind,
    pub occurred_at: chrono::DateTime<Utc>,
    pub record: TimelineRecord,
    /// For an intervention change, the intervention.
    pub intervention: Option<Intervention>,
}

#[Object]
impl TimelineEvent {
    async fn kind(&self) -> TimelineKind {
        self.kind
    }
    async fn occurred_at(&self) -> DateTime {
        self.occurred_at.into()
    }
    /// The record the event is about.
    async fn record(&self) -> &TimelineRecord {
        &self.record
    }
    /// For `INTERVENTION_CHANGED`: the intervention.
    async fn intervention(&self) -> Option<&Intervention> {
        self.intervention.as_ref()
    }
}

/// Every event of `alliance` the viewer may read, newest first.
pub(crate) async fn events(
    ctx: &Context<'_>,
    alliance: AllianceId,
) -> ApiResult<Vec<TimelineEvent>> {
    let event = |kind, occurred_at, record| TimelineEvent {
        kind,
        occurred_at,
        record,
        intervention: None,
    };
    // Every kind at once: one round of statements, not one after another.
    let (
        goals,
        progress,
        voice,
        interventions,
        communications,
        requests,
        responses,
        reflections,
        next_steps,
        phases,
    ) = futures::try_join!(
        load(ctx, GoalsOf(alliance)),
        load(ctx, ProgressOfAlliance(alliance)),
        load(ctx, VoiceOf(alliance)),
        load(ctx, InterventionsOf(alliance)),
        load(ctx, CommunicationsOf(alliance)),
        load(ctx, RequestsOf(alliance)),
        load(ctx, ResponsesOf(alliance)),
        load(ctx, ReflectionsOf(alliance)),
        load(ctx, NextStepsOf(alliance)),
        load(ctx, PhasesOf(alliance)),
    )?;
    let interventions = interventions.unwrap_or_default();
    // Then one batch for every intervention's history.
    let histories =
        futures::future::try_join_all(interventions.iter().map(|i| load(ctx, ChangesOf(i.id))))
            .await?;

    let mut events = Vec::new();
    for g in goals.unwrap_or_default() {
        events.push(event(
            TimelineKind::GoalSet,
            g.created_at,
            TimelineRecord::Goal(Goal(g)),
        ));
    }
    for p in progress.unwrap_or_default() {
        events.push(event(
            TimelineKind::ProgressRecorded,
            p.observed_at,
            TimelineRecord::ProgressEntry(ProgressEntry(p)),
        ));
    }
    for v in voice.unwrap_or_default() {
        events.push(event(
            TimelineKind::VoiceRecorded,
            v.said_at,
            TimelineRecord::VoiceEntry(VoiceEntry(v)),
        ));
    }
    for (i, history) in interventions.into_iter().zip(histories) {
        for c in history.unwrap_or_default() {
            events.push(TimelineEvent {
                kind: TimelineKind::InterventionChanged,
                occurred_at: c.changed_at,
                record: TimelineRecord::InterventionStatusChange(InterventionStatusChange(c)),
                intervention: Some(Intervention(i.clone())),
            });
        }
    }
    for c in communications.unwrap_or_default() {
        events.push(event(
            TimelineKind::CommunicationLogged,
            c.occurred_at,
            TimelineRecord::Communication(Communication(c)),
        ));
    }
    for r in requests.unwrap_or_default() {
        events.push(event(
            TimelineKind::FeedbackRequested,
            r.requested_at,
            TimelineRecord::FeedbackRequest(FeedbackRequest(r)),
        ));
    }
    for r in responses.unwrap_or_default() {
        events.push(event(
            TimelineKind::FeedbackAnswered,
            r.submitted_at,
            TimelineRecord::FeedbackResponse(FeedbackResponse(r)),
        ));
    }
    for r in reflections.unwrap_or_default() {
        events.push(event(
            TimelineKind::ReflectionRecorded,
            r.held_at,
            TimelineRecord::Reflection(Reflection(r)),
        ));
    }
    for n in next_steps.unwrap_or_default() {
        events.push(event(
            TimelineKind::NextStepRecorded,
            n.created_at,
            TimelineRecord::NextStep(NextStep(n)),
        ));
    }
    for p in phases.unwrap_or_default() {
        events.push(event(
            TimelineKind::PhaseChanged,
            p.changed_at,
            TimelineRecord::PhaseChange(PhaseChange(p)),
        ));
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
    Ok(events)
}
