//! Each alliance's three goals in the student's or caregiver's words, whether the family
//! stands behind them, and twenty weeks of progress along a noisy trend.

use alliance_domain::ids::{AcceptanceId, GoalId, ProgressEntryId};
use alliance_domain::model::Measure;
use alliance_domain::progress::Observation;
use alliance_domain::values::{Acceptance, AchievementStatus, Direction, GoalStatus};
use chrono::{DateTime, Duration, Utc};

use super::bulk::Rows;
use super::roster::Family;
use super::words::{
    CAREGIVER_GOALS, CAREGIVER_GOALS_ES, GoalTemplate, MORE_STUDENT_GOALS, STUDENT_GOALS,
    WEEK_NOTES,
};
use super::{Plan, Rng};
use crate::entities::{goal, goal_acceptance, progress_entry};

/// Weekly entries per goal.
pub(super) const WEEKS: i64 = 20;

/// A goal as the practices that follow need it.
pub(super) struct Planted {
    pub(super) id: GoalId,
    pub(super) measure: Measure,
    pub(super) created_at: DateTime<Utc>,
    pub(super) observations: Vec<Observation>,
}

/// The measure a template keeps, its target date `weeks` weeks after the goal was set.
pub(super) fn measure(template: &GoalTemplate, set: DateTime<Utc>, weeks: i64) -> Measure {
    Measure {
        name: template.measure.into(),
        unit: Some(template.unit.into()),
        baseline: template.baseline,
        target: template.target,
        direction: if template.target > template.baseline {
            Direction::Increase
        } else {
            Direction::Decrease
        },
        target_date: Some((set + Duration::weeks(weeks)).date_naive()),
    }
}

impl Plan {
    pub(super) fn goals(&self, family: &Family, rng: &mut Rng, rows: &mut Rows) -> Vec<Planted> {
        let caregiver_goals = if family.caregiver_language == "es" {
            CAREGIVER_GOALS_ES
        } else {
            CAREGIVER_GOALS
        };
        let slots = [
            (rng.pick(STUDENT_GOALS), family.student),
            (rng.pick(caregiver_goals), family.caregiver),
            (rng.pick(MORE_STUDENT_GOALS), family.student),
        ];
        // One caregiver in eight disagrees with one of the student's goals.
        let i = family.index;
        let disagreed = (i % 8 == 5).then_some(if (i / 8).is_multiple_of(2) { 0 } else { 2 });
        let mut planted = Vec::new();
        for (slot, (template, expressed_by)) in slots.into_iter().enumerate() {
            let id = GoalId::new();
            let created_at = family.goals_set + Duration::minutes(5 * slot as i64);
            let measure = measure(template, created_at, 30);
            rows.goals.push(goal::Model {
                id: id.0,
                alliance_id: family.alliance.0,
                own_words: template.words.into(),
                expressed_by: expressed_by.0,
                summary: None,
                domain: template.domain.as_str().into(),
                priority: slot as i32 + 1,
                status: GoalStatus::Active.as_str().into(),
                achievement_status: AchievementStatus::InProgress.as_str().into(),
                measure_name: Some(measure.name.clone()),
                measure_unit: measure.unit.clone(),
                measure_baseline: Some(measure.baseline),
                measure_target: Some(measure.target),
                measure_direction: Some(measure.direction.as_str().into()),
                measure_target_date: measure.target_date,
                version: 1,
                created_at,
                updated_at: created_at,
            });
            self.acceptances(family, id, created_at, disagreed == Some(slot), rng, rows);
            let observations = self.progress(family, id, template, rng, rows);
            planted.push(Planted {
                id,
                measure,
                created_at,
                observations,
            });
        }
        planted
    }

    /// The caregiver's and the student's answers on a goal, recorded in the days after
    /// it was set: the caregiver's in the app or by the teacher, the student's by the
    /// teacher.
    fn acceptances(
        &self,
        family: &Family,
        goal: GoalId,
        set: DateTime<Utc>,
        disagrees: bool,
        rng: &mut Rng,
        rows: &mut Rows,
    ) {
        let spanish = family.caregiver_language == "es";
        let (acceptance, comment) = if disagrees {
            let why = if spanish {
                "No estoy de acuerdo; primero quiero que se sienta a gusto en la escuela."
            } else {
                "This isn't what I'm most worried about right now."
            };
            (Acceptance::Disagree, Some(why))
        } else if rng.chance(0.15) {
            let yes = if spanish {
                "Sí, eso es lo que queremos."
            } else {
                "Yes, this is exactly it."
            };
            (Acceptance::Agree, Some(yes))
        } else {
            (Acceptance::Agree, None)
        };
        let caregiver_by = if rng.chance(0.5) {
            family.caregiver_subject.as_str()
        } else {
            family.staff_subject
        };
        let answers = [
            (family.caregiver, acceptance, comment, caregiver_by),
            (
                family.student,
                Acceptance::Agree,
                None,
                family.staff_subject,
            ),
        ];
        for (member, acceptance, comment, by) in answers {
            rows.acceptances.push(goal_acceptance::Model {
                id: AcceptanceId::new().0,
                goal_id: goal.0,
                member_id: member.0,
                acceptance: acceptance.as_str().into(),
                comment: comment.map(Into::into),
                recorded_at: set + Duration::days(rng.between(1, 4)),
                recorded_by_subject: by.into(),
            });
        }
    }

    /// An entry a week for the last 20 weeks, the latest two days ago: the trend goes a
    /// share of the way from baseline to target (sometimes backwards), with noise; a
    /// note every fourth week.
    fn progress(
        &self,
        family: &Family,
        goal: GoalId,
        template: &GoalTemplate,
        rng: &mut Rng,
        rows: &mut Rows,
    ) -> Vec<Observation> {
        let reach = *rng.pick(&[1.0, 0.9, 0.7, 0.5, 0.5, 0.3, 0.1, -0.2]);
        let span = template.target - template.baseline;
        let mut observations = Vec::with_capacity(WEEKS as usize);
        for week in 0..WEEKS {
            let observed_at = self.ago(2 + 7 * (WEEKS - 1 - week), rng.between(0, 480));
            let expected = template.baseline + span * reach * (week + 1) as f64 / WEEKS as f64;
            let noise = (rng.unit() + rng.unit() - 1.0) * span.abs() * 0.3;
            let value = (expected + noise).round().clamp(0.0, template.max);
            let note = (week % 4 == 3).then(|| (*rng.pick(WEEK_NOTES)).to_owned());
            rows.progress.push(progress_entry::Model {
                id: ProgressEntryId::new().0,
                goal_id: goal.0,
                observed_at,
                recorded_by: Some(family.staff_person.0),
                recorded_by_subject: family.staff_subject.into(),
                value: Some(value),
                note,
                source: template.source.as_str().into(),
                created_at: observed_at + Duration::minutes(rng.between(5, 90)),
            });
            observations.push(Observation {
                observed_at,
                value: Some(value),
            });
        }
        observations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_goal_template_passes_the_apis_validation() {
        let set = Utc::now();
        for template in STUDENT_GOALS
            .iter()
            .chain(MORE_STUDENT_GOALS)
            .chain(CAREGIVER_GOALS)
            .chain(CAREGIVER_GOALS_ES)
        {
            let checked = alliance_domain::validate::measure("measure", measure(template, set, 30));
            assert!(checked.is_ok(), "{}: {checked:?}", template.words);
            let own = alliance_domain::validate::own_words("ownWords", template.words);
            assert!(own.is_ok(), "{}", template.words);
            assert!((0.0..=template.max).contains(&template.baseline));
            assert!((0.0..=template.max).contains(&template.target));
        }
    }
}
