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
mirror!(
    /// What kind of thing the student or family said.
    VoiceKind, "values::VoiceKind", [Experience, Hope, Concern, Strength, Preference, Question]
);
mirror!(
    /// Who in the alliance may read a record: everyone (`ALLIANCE`) or the school team.
    Visibility, "values::Visibility", [Alliance, TeamOnly]
);
mirror!(
    /// Whether a member stands behind a goal.
    Acceptance, "values::Acceptance", [Agree, Disagree, Pending]
);
mirror!(
    /// Where an intervention stands.
    InterventionStatus, "values::InterventionStatus", [Planned, Active, Completed, Stopped]
);
mirror!(
    /// What a communication did.
    CommunicationKind, "values::CommunicationKind", [Update, Explanation, DataShare]
);
mirror!(
    /// How a communication reached its recipients.
    Channel, "values::Channel", [InPerson, Phone, Video, Text, Email, Letter, App]
);
mirror!(
    /// Which version of the check-in a respondent gets.
    FeedbackAudience, "values::FeedbackAudience", [Adult, Child]
);
mirror!(
    /// The items of Alliance's check-in.
    FeedbackItem, "values::FeedbackItem", [Supported, Understood, Centered, Goals, Approach]
);
mirror!(
    /// Where a feedback request stands.
    FeedbackStatus, "values::FeedbackStatus", [Pending, Answered, Expired]
);
mirror!(
    /// How the team reflected.
    ReflectionKind, "values::ReflectionKind", [FormalMeeting, InformalCheckin]
);
mirror!(
    /// Where a next step stands.
    NextStepStatus, "values::NextStepStatus", [Open, Done, Dropped]
);
mirror!(
    /// A practice with a cadence the district sets.
    Practice, "values::Practice", [Feedback, DataSharing, Reflection]
);
mirror!(
    /// How a practice is keeping up with its cadence.
    PracticeStatus, "values::PracticeStatus", [OnTrack, DueSoon, Overdue]
);
