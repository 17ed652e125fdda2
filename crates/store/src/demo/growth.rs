//! Each goal, in the student's or family's words, and its weeks of progress: numbers
//! along a noisy trend and the notes the team or family wrote; at review, how it went.

use alliance_domain::ids::MemberId;
use alliance_domain::model::{Alliance, Goal, Measure};
use alliance_domain::values::{
    AchievementStatus, AlliancePhase, Direction, GoalStatus, ProgressSource,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::seeds::{CONTEXT_NOTES, FAMILY_NOTES, GoalSeed, Notes, SELF_NOTES, TEAM_NOTES, Voice};
use super::{Loader, Staff, Timeline, afternoon, weeks};
use crate::entities::{goal, goal_revision};
use crate::error::IntoDomain;
use crate::goals::NewGoal;
use crate::progress::NewProgress;
use crate::{StoreResult, goals, progress};

impl Loader<'_> {
    /// Sets a goal and records its progress; returns the goal as it stands afterwards.
    pub(super) async fn goal(
        &mut self,
        alliance: &Alliance,
        seed: &GoalSeed,
        voices: &GoalVoices,
        priority: i32,
        timeline: &Timeline,
        context: &GoalContext<'_>,
    ) -> StoreResult<Goal> {
        let (obj, pos) = context.pronouns;
        let measure = match &seed.measure {
            Some(m) => {
                let direction = if m.target > m.baseline {
                    Direction::Increase
                } else {
                    Direction::Decrease
                };
                let target_date =
                    (timeline.goals_set + weeks(self.rng.between(14, 20))).date_naive();
                let measure = Measure {
                    name: m.name.into(),
                    unit: Some(m.unit.into()),
                    baseline: m.baseline,
                    target: m.target,
                    direction,
                    target_date: Some(target_date),
                };
                Some(alliance_domain::validate::measure("measure", measure)?)
            }
            None => None,
        };
        let status = match context.phase {
            AlliancePhase::Engagement | AlliancePhase::Assessment | AlliancePhase::Planning => {
                GoalStatus::Proposed
            }
            _ => GoalStatus::Active,
        };
        let created = goals::create(
            self.tx,
            NewGoal {
                alliance_id: alliance.id,
                own_words: seed.words.replace("{obj}", obj).replace("{pos}", pos),
                expressed_by: match seed.voice {
                    Voice::Student => voices.student,
                    Voice::Caregiver => voices.caregiver,
                },
                summary: None,
                domain: seed.domain,
                priority,
                status,
                measure,
            },
        )
        .await?;
        goal::ActiveModel {
            id: Set(created.id.0),
            created_at: Set(timeline.goals_set),
            updated_at: Set(timeline.goals_set),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.goals += 1;
        let created = Goal {
            created_at: timeline.goals_set,
            updated_at: timeline.goals_set,
            ..created
        };

        let latest = self.progress(&created, seed, timeline, context).await?;
        let reviewed = matches!(
            context.phase,
            AlliancePhase::Review | AlliancePhase::Transition
        );
        if reviewed && let (Some(measure), Some(latest)) = (created.measure.clone(), latest) {
            return self.assess(created, &measure, latest, context).await;
        }
        Ok(created)
    }

    /// An afternoon time on `day`'s date (between 15:00 and 18:00 UTC), never in the future.
    pub(super) fn school_afternoon(&mut self, day: DateTime<Utc>) -> DateTime<Utc> {
        afternoon(&mut self.rng, self.now, day)
    }

    /// Weekly entries since the goal was set, along a noisy trend; returns the latest value.
    async fn progress(
        &mut self,
        goal: &Goal,
        seed: &GoalSeed,
        timeline: &Timeline,
        context: &GoalContext<'_>,
    ) -> StoreResult<Option<f64>> {
        // How far toward the target the trend gets by the last week.
        let reach = *self
            .rng
            .pick(&[1.0, 0.9, 0.7, 0.5, 0.5, 0.3, 0.1, 0.0, -0.25]);
        let notes = match seed.source {
            ProgressSource::SelfReport => &SELF_NOTES,
            ProgressSource::CaregiverReport => &FAMILY_NOTES,
            _ => &TEAM_NOTES,
        };
        let mut previous = seed.measure.as_ref().map(|m| m.baseline);
        let mut mood = 0.0_f64;
        let mut latest = None;
        for week in 1..=timeline.weeks {
            let day = timeline.goals_set + weeks(week) + Duration::days(self.rng.between(0, 3));
            let observed_at = self.school_afternoon(day);
            let (value, note) = match &seed.measure {
                Some(_) if self.rng.chance(0.12) => (None, Some(*self.rng.pick(&CONTEXT_NOTES))),
                Some(m) => {
                    let span = m.target - m.baseline;
                    let expected = m.baseline + span * reach * week as f64 / timeline.weeks as f64;
                    let value = (expected + self.rng.noise() * span.abs() * 0.35)
                        .round()
                        .clamp(0.0, m.max);
                    let better = (value - previous.unwrap_or(m.baseline)) * span.signum();
                    previous = Some(value);
                    let note = self
                        .rng
                        .chance(0.6)
                        .then(|| *self.rng.pick(trend_notes(notes, better)));
                    (Some(value), note)
                }
                None => {
                    mood = (mood + reach * 0.3 + self.rng.noise()).clamp(-1.5, 1.5);
                    (None, Some(*self.rng.pick(trend_notes(notes, mood - 0.2))))
                }
            };
            progress::create(
                self.tx,
                NewProgress {
                    goal_id: goal.id,
                    observed_at,
                    recorded_by: Some(context.recorder.person),
                    recorded_by_subject: context.recorder.subject.clone(),
                    value,
                    note: note.map(|n| n.replace("{name}", context.call_name)),
                    source: seed.source,
                },
            )
            .await?;
            self.outcome.progress_entries += 1;
            latest = value.or(latest);
        }
        Ok(latest)
    }

    /// At review, the team records how the goal is going: a kept revision of the goal.
    async fn assess(
        &mut self,
        current: Goal,
        measure: &Measure,
        latest: f64,
        context: &GoalContext<'_>,
    ) -> StoreResult<Goal> {
        let span = measure.target - measure.baseline;
        let share = (latest - measure.baseline) / span;
        let achievement = match share {
            s if s >= 1.0 => AchievementStatus::Achieved,
            s if s >= 0.25 => AchievementStatus::Improving,
            s if s < 0.0 => AchievementStatus::Worsening,
            _ => AchievementStatus::NoChange,
        };
        let status = if achievement == AchievementStatus::Achieved
            && context.phase == AlliancePhase::Transition
        {
            GoalStatus::Completed
        } else {
            current.status
        };
        let version = current.version;
        let changed = Goal {
            achievement_status: achievement,
            status,
            ..current.clone()
        };
        let assessed = goals::update(
            self.tx,
            &current,
            changed,
            version,
            &context.recorder.subject,
        )
        .await?;
        // Assessed at the review meeting, two days into the review phase.
        let reviewed_at = self.now - weeks(2) + Duration::days(2);
        goal::ActiveModel {
            id: Set(assessed.id.0),
            updated_at: Set(reviewed_at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        goal_revision::Entity::update_many()
            .col_expr(goal_revision::Column::RevisedAt, Expr::value(reviewed_at))
            .filter(goal_revision::Column::GoalId.eq(assessed.id.0))
            .filter(goal_revision::Column::RevisedAt.gte(self.now))
            .exec(self.tx)
            .await
            .domain()?;
        Ok(Goal {
            updated_at: reviewed_at,
            ..assessed
        })
    }
}

fn trend_notes(notes: &Notes, better: f64) -> &'static [&'static str] {
    if better > 0.0 {
        notes.better
    } else if better < 0.0 {
        notes.harder
    } else {
        notes.steady
    }
}

/// The members whose words a goal can be.
pub(super) struct GoalVoices {
    pub(super) student: MemberId,
    pub(super) caregiver: MemberId,
}

/// What a goal's progress needs to know about its student and team.
pub(super) struct GoalContext<'s> {
    pub(super) call_name: &'s str,
    pub(super) pronouns: (&'static str, &'static str),
    pub(super) phase: AlliancePhase,
    /// The staff member who records the entries.
    pub(super) recorder: &'s Staff,
}
