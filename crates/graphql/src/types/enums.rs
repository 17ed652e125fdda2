//! The domain's vocabularies as GraphQL enums, with the same names.

use alliance_domain::values;
use async_graphql::Enum;

macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident, $remote:literal, [$($variant:ident),* $(,)?]) => {
        $(#[$doc])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        #[graphql(remote = $remote)]
        pub enum $name {
            $($variant),*
        }
    };
}

mirror!(
    /// What a signed-in caller may do.
    Role, "values::Role", [DistrictAdmin, SchoolAdmin, Staff, Family, Analyst]
);
mirror!(
    /// Whether an alliance is at work.
    AllianceStatus, "values::AllianceStatus", [Active, Paused, Closed]
);
mirror!(
    /// Where in the work an alliance stands.
    AlliancePhase, "values::AlliancePhase", [Engagement, Assessment, Planning, Intervention, Review, Transition]
);
mirror!(
    /// A member's place in an alliance.
    MemberRole, "values::MemberRole",
    [Student, Caregiver, Teacher, SchoolTherapist, Counselor, BehavioralAide, AfterschoolStaff, Coach, Administrator, CommunitySupport, Other]
);
mirror!(
    /// The area of life a goal is about.
    GoalDomain, "values::GoalDomain", [Social, Emotional, Behavioral, Academic, Attendance, Health, Family, Other]
);
mirror!(
    /// Where a goal is in its life.
    GoalStatus, "values::GoalStatus", [Proposed, Active, OnHold, Completed, Cancelled]
);
mirror!(
    /// How a goal is going.
    AchievementStatus, "values::AchievementStatus", [InProgress, Improving, NoChange, Worsening, Achieved, NotAchieved]
);
mirror!(
    /// Which way a measure should move.
    Direction, "values::Direction", [Increase, Decrease]
);
mirror!(
    /// Where a progress observation came from.
    ProgressSource, "values::ProgressSource", [TeamObservation, SelfReport, CaregiverReport, Assessment, Record]
);
mirror!(
    /// What the four-point rule advises.
    ProgressDecision, "values::ProgressDecision", [RaiseGoal, AdjustIntervention, Continue, InsufficientData]
);
mirror!(
    /// What happened, in an audit event.
    AuditAction, "values::AuditAction", [Read, Create, Update, Remove]
);
