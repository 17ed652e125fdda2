//! Practice health: whether an alliance keeps up its practices, and what needs attention.

use alliance_domain::health;
use alliance_domain::values::Practice as DomainPractice;
use async_graphql::{Object, SimpleObject};

use crate::plain;
use crate::types::enums::{Practice, PracticeStatus};
use crate::types::scalars::DateTime;

/// How an alliance keeps up its practices, against the district's cadences.
pub struct AllianceHealth(pub health::Health);

impl plain::Fields for AllianceHealth {
    const PLAIN: &'static [&'static str] = &[
        "status",
        "daysSinceFeedbackRequested",
        "daysSinceDataShared",
        "daysSinceReflection",
        "openConcerns",
        "overdueNextSteps",
        "goalsWithoutRecentProgress",
        "goalsWithoutFamilyAcceptance",
        "practices",
        "reasons",
    ];
}

/// How one practice is keeping up.
#[derive(SimpleObject)]
pub struct PracticeHealth {
    pub practice: Practice,
    pub status: PracticeStatus,
    /// Days since it was last done; null if never.
    pub days_since: Option<i64>,
    /// The district's cadence for it, in days.
    pub cadence_days: i32,
    /// When it is (or was) next due.
    pub due_at: DateTime,
}

/// Something that needs the team's attention.
#[derive(SimpleObject)]
pub struct AttentionReason {
    /// `OPEN_CONCERNS`, `PRACTICE_OVERDUE`, `NEXT_STEPS_OVERDUE`, `PRACTICE_DUE_SOON`,
    /// `GOALS_WITHOUT_RECENT_PROGRESS` or `GOALS_WITHOUT_FAMILY_ACCEPTANCE`.
    pub code: String,
    pub message: String,
}

#[Object]
impl AllianceHealth {
    /// The worst of the practices' statuses; `OVERDUE` too while a concern is open or a
    /// next step is past due.
    async fn status(&self) -> PracticeStatus {
        self.0.status.into()
    }
    async fn days_since_feedback_requested(&self) -> Option<i64> {
        self.0.days_since(DomainPractice::Feedback)
    }
    async fn days_since_data_shared(&self) -> Option<i64> {
        self.0.days_since(DomainPractice::DataSharing)
    }
    async fn days_since_reflection(&self) -> Option<i64> {
        self.0.days_since(DomainPractice::Reflection)
    }
    /// Concerns raised in feedback that no next step has answered yet.
    async fn open_concerns(&self) -> i32 {
        self.0.open_concerns as i32
    }
    async fn overdue_next_steps(&self) -> i32 {
        self.0.overdue_next_steps as i32
    }
    /// Active goals with no progress entry within the feedback cadence.
    async fn goals_without_recent_progress(&self) -> i32 {
        self.0.goals_without_recent_progress as i32
    }
    /// Active goals the student or a caregiver has not agreed to.
    async fn goals_without_family_acceptance(&self) -> i32 {
        self.0.goals_without_family_acceptance as i32
    }
    async fn practices(&self) -> Vec<PracticeHealth> {
        self.0
            .practices
            .iter()
            .map(|p| PracticeHealth {
                practice: p.practice.into(),
                status: p.status.into(),
                days_since: p.days_since,
                cadence_days: p.cadence_days,
                due_at: p.due_at.into(),
            })
            .collect()
    }
    /// What needs attention, most urgent first.
    async fn reasons(&self) -> Vec<AttentionReason> {
        self.0
            .reasons
            .iter()
            .map(|r| AttentionReason {
                code: r.code().to_owned(),
                message: r.describe(),
            })
            .collect()
    }
}
