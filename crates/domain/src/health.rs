//! Practice health: whether an alliance keeps up its practices (asking for feedback,
//! sharing progress with the family, reflecting as a team) against the district's
//! cadences, and what needs attention first.

use chrono::{DateTime, Duration, Utc};

use crate::model::DistrictSettings;
use crate::values::{Practice, PracticeStatus};

/// What the rules need to know about one alliance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthFacts {
    /// When the alliance began: a practice never done is measured from here.
    pub started_at: Option<DateTime<Utc>>,
    pub last_feedback_requested: Option<DateTime<Utc>>,
    pub last_data_shared: Option<DateTime<Utc>>,
    pub last_reflection: Option<DateTime<Utc>>,
    /// Feedback responses with a concern no next step has cited yet.
    pub open_concerns: usize,
    /// Open next steps past their due date.
    pub overdue_next_steps: usize,
    /// Active goals without a progress entry within the feedback cadence.
    pub goals_without_recent_progress: usize,
    /// Active goals the student or a caregiver has not agreed to.
    pub goals_without_family_acceptance: usize,
}

/// How one practice is keeping up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PracticeHealth {
    pub practice: Practice,
    pub status: PracticeStatus,
    /// Days since it was last done; none if never.
    pub days_since: Option<i64>,
    pub cadence_days: i32,
    /// When it is (or was) next due.
    pub due_at: DateTime<Utc>,
}

/// Something that needs the team's attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttentionReason {
    OpenConcerns(usize),
    PracticeOverdue(Practice),
    NextStepsOverdue(usize),
    PracticeDueSoon(Practice),
    GoalsWithoutRecentProgress(usize),
    GoalsWithoutFamilyAcceptance(usize),
}

impl AttentionReason {
    /// A stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            AttentionReason::OpenConcerns(_) => "OPEN_CONCERNS",
            AttentionReason::PracticeOverdue(_) => "PRACTICE_OVERDUE",
            AttentionReason::NextStepsOverdue(_) => "NEXT_STEPS_OVERDUE",
            AttentionReason::PracticeDueSoon(_) => "PRACTICE_DUE_SOON",
            AttentionReason::GoalsWithoutRecentProgress(_) => "GOALS_WITHOUT_RECENT_PROGRESS",
            AttentionReason::GoalsWithoutFamilyAcceptance(_) => "GOALS_WITHOUT_FAMILY_ACCEPTANCE",
        }
    }

    /// The reason in words.
    pub fn describe(&self) -> String {
        let practice = |p: &Practice| match p {
            Practice::Feedback => "asking the family for feedback",
            Practice::DataSharing => "sharing progress with the family",
            Practice::Reflection => "reflecting as a team",
        };
        match self {
            AttentionReason::OpenConcerns(n) => {
                format!("{n} concern(s) raised in feedback have no next step yet")
            }
            AttentionReason::PracticeOverdue(p) => format!("{} is overdue", practice(p)),
            AttentionReason::NextStepsOverdue(n) => format!("{n} next step(s) are past due"),
            AttentionReason::PracticeDueSoon(p) => format!("{} is due soon", practice(p)),
            AttentionReason::GoalsWithoutRecentProgress(n) => {
                format!("{n} goal(s) have no recent progress")
            }
            AttentionReason::GoalsWithoutFamilyAcceptance(n) => {
                format!("{n} goal(s) do not yet have the family's agreement")
            }
        }
    }
}

/// An alliance's practice health.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// The worst of: each practice's status, open concerns and overdue next steps
    /// (both `OVERDUE`).
    pub status: PracticeStatus,
    pub practices: Vec<PracticeHealth>,
    pub open_concerns: usize,
    pub overdue_next_steps: usize,
    pub goals_without_recent_progress: usize,
    pub goals_without_family_acceptance: usize,
    /// What needs attention, most urgent first.
    pub reasons: Vec<AttentionReason>,
}

impl Health {
    /// Days since the practice was last done, if ever.
    pub fn days_since(&self, practice: Practice) -> Option<i64> {
        self.practices
            .iter()
            .find(|p| p.practice == practice)
            .and_then(|p| p.days_since)
    }

    /// Orders alliances by urgency: open concerns first, then overdue practices (how many,
    /// then how long), then overdue next steps. Greater is more urgent.
    pub fn urgency(&self, now: DateTime<Utc>) -> (usize, usize, i64, usize) {
        let overdue: Vec<&PracticeHealth> = self
            .practices
            .iter()
            .filter(|p| p.status == PracticeStatus::Overdue)
            .collect();
        let longest = overdue
            .iter()
            .map(|p| (now - p.due_at).num_days())
            .max()
            .unwrap_or(0);
        (
            self.open_concerns,
            overdue.len(),
            longest,
            self.overdue_next_steps,
        )
    }
}

/// How many days before a practice is due it counts as due soon.
pub fn due_soon_window(cadence_days: i32) -> i64 {
    i64::from((cadence_days / 5).max(2))
}

fn practice(
    practice: Practice,
    last: Option<DateTime<Utc>>,
    started: DateTime<Utc>,
    cadence_days: i32,
    now: DateTime<Utc>,
) -> PracticeHealth {
    let due_at = last.unwrap_or(started) + Duration::days(i64::from(cadence_days));
    let status = if now >= due_at {
        PracticeStatus::Overdue
    } else if (due_at - now).num_days() < due_soon_window(cadence_days) {
        PracticeStatus::DueSoon
    } else {
        PracticeStatus::OnTrack
    };
    PracticeHealth {
        practice,
        status,
        days_since: last.map(|t| (now - t).num_days()),
        cadence_days,
        due_at,
    }
}

/// The health of an alliance at `now`.
pub fn assess(facts: &HealthFacts, settings: &DistrictSettings, now: DateTime<Utc>) -> Health {
    let started = facts.started_at.unwrap_or(now);
    let practices = vec![
        practice(
            Practice::Feedback,
            facts.last_feedback_requested,
            started,
            settings.feedback_cadence_days,
            now,
        ),
        practice(
            Practice::DataSharing,
            facts.last_data_shared,
            started,
            settings.data_share_cadence_days,
            now,
        ),
        practice(
            Practice::Reflection,
            facts.last_reflection,
            started,
            settings.reflection_cadence_days,
            now,
        ),
    ];
    let mut reasons = Vec::new();
    if facts.open_concerns > 0 {
        reasons.push(AttentionReason::OpenConcerns(facts.open_concerns));
    }
    let mut overdue: Vec<&PracticeHealth> = practices
        .iter()
        .filter(|p| p.status == PracticeStatus::Overdue)
        .collect();
    overdue.sort_by_key(|p| p.due_at);
    reasons.extend(
        overdue
            .iter()
            .map(|p| AttentionReason::PracticeOverdue(p.practice)),
    );
    if facts.overdue_next_steps > 0 {
        reasons.push(AttentionReason::NextStepsOverdue(facts.overdue_next_steps));
    }
    reasons.extend(
        practices
            .iter()
            .filter(|p| p.status == PracticeStatus::DueSoon)
            .map(|p| AttentionReason::PracticeDueSoon(p.practice)),
    );
    if facts.goals_without_recent_progress > 0 {
        reasons.push(AttentionReason::GoalsWithoutRecentProgress(
            facts.goals_without_recent_progress,
        ));
    }
    if facts.goals_without_family_acceptance > 0 {
        reasons.push(AttentionReason::GoalsWithoutFamilyAcceptance(
            facts.goals_without_family_acceptance,
        ));
    }
    let worst_practice = practices
        .iter()
        .map(|p| p.status)
        .max_by_key(|s| severity(*s))
        .unwrap_or(PracticeStatus::OnTrack);
    let status = if facts.open_concerns > 0 || facts.overdue_next_steps > 0 {
        PracticeStatus::Overdue
    } else {
        worst_practice
    };
    Health {
        status,
        practices,
        open_concerns: facts.open_concerns,
        overdue_next_steps: facts.overdue_next_steps,
        goals_without_recent_progress: facts.goals_without_recent_progress,
        goals_without_family_acceptance: facts.goals_without_family_acceptance,
        reasons,
    }
}

fn severity(status: PracticeStatus) -> u8 {
    match status {
        PracticeStatus::OnTrack => 0,
        PracticeStatus::DueSoon => 1,
        PracticeStatus::Overdue => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
    }

    fn days_ago(days: i64) -> Option<DateTime<Utc>> {
        Some(now() - Duration::days(days))
    }

    fn facts() -> HealthFacts {
        HealthFacts {
            started_at: days_ago(100),
            last_feedback_requested: days_ago(3),
            last_data_shared: days_ago(3),
            last_reflection: days_ago(3),
            ..HealthFacts::default()
        }
    }

    #[test]
    fn practices_done_recently_are_on_track() {
        let health = assess(&facts(), &DistrictSettings::default(), now());
        assert_eq!(health.status, PracticeStatus::OnTrack);
        assert!(health.reasons.is_empty());
        assert_eq!(health.days_since(Practice::Feedback), Some(3));
    }

    #[test]
    fn a_practice_past_its_cadence_is_overdue() {
        let f = HealthFacts {
            last_reflection: days_ago(15),
            ..facts()
        };
        let health = assess(&f, &DistrictSettings::default(), now());
        assert_eq!(health.status, PracticeStatus::Overdue);
        assert_eq!(
            health.reasons,
            [AttentionReason::PracticeOverdue(Practice::Reflection)]
        );
    }

    #[test]
    fn a_practice_within_the_window_before_its_cadence_is_due_soon() {
        // Data sharing every 30 days: due soon in the last 6 days.
        let f = HealthFacts {
            last_data_shared: days_ago(26),
            ..facts()
        };
        let health = assess(&f, &DistrictSettings::default(), now());
        assert_eq!(health.status, PracticeStatus::DueSoon);
        assert_eq!(
            health.reasons,
            [AttentionReason::PracticeDueSoon(Practice::DataSharing)]
        );
    }

    #[test]
    fn a_practice_never_done_is_measured_from_the_start_of_the_alliance() {
        let young = HealthFacts {
            started_at: days_ago(2),
            last_feedback_requested: None,
            ..facts()
        };
        assert_eq!(
            assess(&young, &DistrictSettings::default(), now()).practices[0].status,
            PracticeStatus::OnTrack
        );
        let old = HealthFacts {
            last_feedback_requested: None,
            ..facts()
        };
        let health = assess(&old, &DistrictSettings::default(), now());
        assert_eq!(health.practices[0].status, PracticeStatus::Overdue);
        assert_eq!(health.days_since(Practice::Feedback), None);
    }

    #[test]
    fn an_open_concern_makes_the_alliance_overdue_and_comes_first() {
        let f = HealthFacts {
            open_concerns: 1,
            last_reflection: days_ago(20),
            ..facts()
        };
        let health = assess(&f, &DistrictSettings::default(), now());
        assert_eq!(health.status, PracticeStatus::Overdue);
        assert_eq!(health.reasons[0], AttentionReason::OpenConcerns(1));
        assert_eq!(
            health.reasons[1],
            AttentionReason::PracticeOverdue(Practice::Reflection)
        );
    }

    #[test]
    fn the_districts_cadences_are_the_ones_applied() {
        let weekly = DistrictSettings {
            reflection_cadence_days: 7,
            ..DistrictSettings::default()
        };
        let f = HealthFacts {
            last_reflection: days_ago(8),
            ..facts()
        };
        assert_eq!(
            assess(&f, &DistrictSettings::default(), now()).status,
            PracticeStatus::OnTrack
        );
        assert_eq!(assess(&f, &weekly, now()).status, PracticeStatus::Overdue);
    }

    #[test]
    fn concerns_outrank_overdue_practices_in_urgency() {
        let settings = DistrictSettings::default();
        let concern = assess(
            &HealthFacts {
                open_concerns: 1,
                ..facts()
            },
            &settings,
            now(),
        );
        let overdue = assess(
            &HealthFacts {
                last_reflection: days_ago(60),
                last_data_shared: days_ago(90),
                ..facts()
            },
            &settings,
            now(),
        );
        assert!(concern.urgency(now()) > overdue.urgency(now()));
        let calm = assess(&facts(), &settings, now());
        assert!(overdue.urgency(now()) > calm.urgency(now()));
    }

    #[test]
    fn goals_lacking_progress_or_agreement_are_named() {
        let f = HealthFacts {
            goals_without_recent_progress: 2,
            goals_without_family_acceptance: 1,
            ..facts()
        };
        let health = assess(&f, &DistrictSettings::default(), now());
        let codes: Vec<_> = health.reasons.iter().map(AttentionReason::code).collect();
        assert_eq!(
            codes,
            [
                "GOALS_WITHOUT_RECENT_PROGRESS",
                "GOALS_WITHOUT_FAMILY_ACCEPTANCE"
            ]
        );
        assert_eq!(health.status, PracticeStatus::OnTrack);
    }
}
