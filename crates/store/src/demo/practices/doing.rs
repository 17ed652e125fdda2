//! Interventions: what the team does for the family's goals and why, planned with the
//! family, started, and at review completed or stopped, each change with its reason.

use alliance_domain::ids::GoalId;
use alliance_domain::model::Intervention;
use alliance_domain::values::{AchievementStatus, AlliancePhase, InterventionStatus};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::Story;
use crate::demo::Loader;
use crate::demo::practice_seeds::*;
use crate::entities::{intervention, intervention_change};
use crate::error::IntoDomain;
use crate::interventions::NewIntervention;
use crate::{StoreResult, interventions};

impl Loader<'_> {
    /// One or two interventions for the alliance's goals, planned with the family and
    /// started when the alliance reached the intervention phase; at review, some are
    /// completed or stopped.
    pub(super) async fn interventions(
        &mut self,
        story: &mut Story<'_, '_>,
    ) -> StoreResult<Vec<(Intervention, &'static InterventionSeed)>> {
        let family = story.family;
        let count = story.rng.between(1, 2) as usize;
        let mut doing: Vec<(Intervention, &'static InterventionSeed)> = Vec::new();
        for n in 0..count {
            let theme = family.goals[n % family.goals.len()].1.theme;
            let candidates: Vec<&'static InterventionSeed> = INTERVENTIONS
                .iter()
                .filter(|i| {
                    i.themes.contains(&theme) && !doing.iter().any(|(_, d)| d.title == i.title)
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let seed = *story.rng.pick(&candidates);
            let goals: Vec<GoalId> = family
                .goals
                .iter()
                .filter(|(_, g)| seed.themes.contains(&g.theme))
                .map(|(g, _)| g.id)
                .collect();
            let made = self.intervention(story, seed, goals, n).await?;
            doing.push((made, seed));
        }
        // The one the team talks about: the first still under way, if any.
        let talked_about = doing
            .iter()
            .find(|(d, _)| {
                matches!(
                    d.status,
                    InterventionStatus::Planned | InterventionStatus::Active
                )
            })
            .or(doing.first());
        if let Some((_, seed)) = talked_about {
            story.short = seed.short;
            story.follow_up = seed.follow_up;
        }
        Ok(doing)
    }

    async fn intervention(
        &mut self,
        story: &mut Story<'_, '_>,
        seed: &'static InterventionSeed,
        goals: Vec<GoalId>,
        n: usize,
    ) -> StoreResult<Intervention> {
        let family = story.family;
        let timeline = family.timeline;
        let owner = match seed.runner {
            Runner::Teacher => family.lead(),
            Runner::Support => family.support(),
        };
        let planned_at = story.days_after(timeline.goals_set, 1, 4);
        let started = if family.phase >= AlliancePhase::Intervention {
            Some(story.days_after(timeline.goals_set, 7, 9))
        } else {
            None
        };
        let start_date = match started {
            Some(at) => at.date_naive(),
            None => story.today() + Duration::days(story.rng.between(3, 10)),
        };
        let new = NewIntervention {
            alliance_id: family.alliance.id,
            title: seed.title.to_owned(),
            description: Some(story.fill(seed.description)),
            rationale: story.fill(seed.rationale),
            owner: Some(owner.id),
            tier: seed.tier,
            frequency: Some(story.fill(seed.frequency)),
            minutes: seed.minutes,
            status: InterventionStatus::Planned,
            start_date: Some(start_date),
            end_date: None,
            goals,
        };
        let by = &family.lead().staff.subject;
        let mut current = interventions::create(self.tx, new, PLANNED_REASON, by).await?;
        self.stamp_changes(&current, planned_at).await?;
        let mut updated_at = planned_at;
        if let Some(started) = started {
            let reason = story.fill_pick(STARTED);
            current = interventions::change_status(
                self.tx,
                &current,
                InterventionStatus::Active,
                &reason,
                &owner.staff.subject,
            )
            .await?;
            self.stamp_changes(&current, started).await?;
            updated_at = started;
            if let Some((to, reason, at)) = ending(story, &current, started, n) {
                current = interventions::change_status(
                    self.tx,
                    &current,
                    to,
                    &reason,
                    &owner.staff.subject,
                )
                .await?;
                self.stamp_changes(&current, at).await?;
                updated_at = at;
                current.end_date = Some(at.date_naive());
            }
        }
        intervention::ActiveModel {
            id: Set(current.id.0),
            end_date: Set(current.end_date),
            created_at: Set(planned_at),
            updated_at: Set(updated_at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.interventions += 1;
        Ok(Intervention {
            created_at: planned_at,
            updated_at,
            ..current
        })
    }

    /// Dates the status change just recorded (stamped with the present) at `at`.
    async fn stamp_changes(&self, current: &Intervention, at: DateTime<Utc>) -> StoreResult<()> {
        intervention_change::Entity::update_many()
            .col_expr(intervention_change::Column::ChangedAt, Expr::value(at))
            .filter(intervention_change::Column::InterventionId.eq(current.id.0))
            .filter(intervention_change::Column::ChangedAt.gte(self.now))
            .exec(self.tx)
            .await
            .domain()?;
        Ok(())
    }
}

/// How an intervention ended, if it did: at review, completed when its goal was met or
/// improving, stopped (sometimes) when it was not; during the intervention phase, a
/// second intervention is occasionally stopped.
fn ending(
    story: &mut Story<'_, '_>,
    current: &Intervention,
    started: DateTime<Utc>,
    n: usize,
) -> Option<(InterventionStatus, String, DateTime<Utc>)> {
    let family = story.family;
    let achievement = family
        .goals
        .iter()
        .find(|(g, _)| current.goals.contains(&g.id))
        .map(|(g, _)| g.achievement_status);
    let (to, reason) = match family.phase {
        AlliancePhase::Review | AlliancePhase::Transition => match achievement {
            Some(AchievementStatus::Achieved) => (InterventionStatus::Completed, COMPLETED[0]),
            Some(AchievementStatus::Improving) if story.rng.chance(0.5) => {
                (InterventionStatus::Completed, COMPLETED[1])
            }
            Some(AchievementStatus::NoChange | AchievementStatus::Worsening)
                if story.rng.chance(0.6) =>
            {
                (InterventionStatus::Stopped, *story.rng.pick(STOPPED))
            }
            _ => return None,
        },
        AlliancePhase::Intervention if n == 1 && story.rng.chance(0.15) => {
            (InterventionStatus::Stopped, *story.rng.pick(STOPPED))
        }
        _ => return None,
    };
    let at = match family.phase {
        // At the review meeting, two to five days into the review phase.
        AlliancePhase::Review | AlliancePhase::Transition => {
            story.days_after(story.now - Duration::days(14), 2, 5)
        }
        _ => {
            let span = (story.now - started).num_days() - 3;
            if span < 21 {
                return None;
            }
            story.days_after(started, 21, span)
        }
    };
    Some((to, story.fill(reason), at))
}
