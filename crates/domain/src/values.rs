//! The closed vocabularies of the practice: statuses, phases, roles and kinds. Each is
//! stored and exchanged by its upper-case name (`INTERVENTION`).

use std::fmt;
use std::str::FromStr;

/// A name did not match any value of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {vocabulary}")]
pub struct UnknownValue {
    /// The vocabulary asked for.
    pub vocabulary: &'static str,
    /// The name that was given.
    pub value: String,
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored and exchanged name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $($text => Ok($name::$variant),)*
                    _ => Err(UnknownValue { vocabulary: stringify!($name), value: value.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What a signed-in caller may do, from the token's `roles` claim.
    Role {
        /// Everything in the district.
        DistrictAdmin => "DISTRICT_ADMIN",
        /// Everything in the schools named by the token.
        SchoolAdmin => "SCHOOL_ADMIN",
        /// The alliances the caller is an active member of.
        Staff => "STAFF",
        /// The alliances of the caller's own child (or their own), as a family member.
        Family => "FAMILY",
        /// District aggregates only.
        Analyst => "ANALYST",
    }
);

vocabulary!(
    /// Whether an alliance is at work.
    AllianceStatus {
        /// The team is working together.
        Active => "ACTIVE",
        /// Work is paused; the alliance is still the student's.
        Paused => "PAUSED",
        /// The alliance has ended.
        Closed => "CLOSED",
    }
);

vocabulary!(
    /// Where in the work an alliance stands.
    AlliancePhase {
        /// Getting to know the student and family.
        Engagement => "ENGAGEMENT",
        /// Understanding strengths and needs.
        Assessment => "ASSESSMENT",
        /// Setting goals together.
        Planning => "PLANNING",
        /// Doing the work.
        Intervention => "INTERVENTION",
        /// Looking back at what worked.
        Review => "REVIEW",
        /// Handing over or closing.
        Transition => "TRANSITION",
    }
);

vocabulary!(
    /// A member's place in an alliance.
    MemberRole {
        /// The student.
        Student => "STUDENT",
        /// A parent or other caregiver.
        Caregiver => "CAREGIVER",
        /// A teacher.
        Teacher => "TEACHER",
        /// A school-based therapist.
        SchoolTherapist => "SCHOOL_THERAPIST",
        /// A counsellor.
        Counselor => "COUNSELOR",
        /// A behavioural aide.
        BehavioralAide => "BEHAVIORAL_AIDE",
        /// Afterschool staff.
        AfterschoolStaff => "AFTERSCHOOL_STAFF",
        /// A coach.
        Coach => "COACH",
        /// A school administrator.
        Administrator => "ADMINISTRATOR",
        /// A support person from the community.
        CommunitySupport => "COMMUNITY_SUPPORT",
        /// Anyone else the family names.
        Other => "OTHER",
    }
);

impl MemberRole {
    /// Whether the member speaks for the family (the student or a caregiver).
    pub fn is_family(self) -> bool {
        matches!(self, MemberRole::Student | MemberRole::Caregiver)
    }
}

vocabulary!(
    /// The area of life a goal is about.
    GoalDomain {
        /// Friendships and getting along.
        Social => "SOCIAL",
        /// Feelings.
        Emotional => "EMOTIONAL",
        /// Behaviour.
        Behavioral => "BEHAVIORAL",
        /// Learning.
        Academic => "ACADEMIC",
        /// Being at school.
        Attendance => "ATTENDANCE",
        /// Health.
        Health => "HEALTH",
        /// Home and family.
        Family => "FAMILY",
        /// Anything else.
        Other => "OTHER",
    }
);

vocabulary!(
    /// Where a goal is in its life.
    GoalStatus {
        /// Proposed, not yet taken up.
        Proposed => "PROPOSED",
        /// Being worked on.
        Active => "ACTIVE",
        /// Set aside for now.
        OnHold => "ON_HOLD",
        /// Done.
        Completed => "COMPLETED",
        /// Dropped.
        Cancelled => "CANCELLED",
    }
);

vocabulary!(
    /// How the goal is going.
    AchievementStatus {
        /// Work is under way.
        InProgress => "IN_PROGRESS",
        /// Getting better.
        Improving => "IMPROVING",
        /// No change.
        NoChange => "NO_CHANGE",
        /// Getting worse.
        Worsening => "WORSENING",
        /// Achieved.
        Achieved => "ACHIEVED",
        /// Not achieved.
        NotAchieved => "NOT_ACHIEVED",
    }
);

vocabulary!(
    /// Which way a measure should move.
    Direction {
        /// Higher is better.
        Increase => "INCREASE",
        /// Lower is better.
        Decrease => "DECREASE",
    }
);

vocabulary!(
    /// Where a progress observation came from.
    ProgressSource {
        /// The team saw it.
        TeamObservation => "TEAM_OBSERVATION",
        /// The student said it.
        SelfReport => "SELF_REPORT",
        /// A caregiver said it.
        CaregiverReport => "CAREGIVER_REPORT",
        /// A formal assessment.
        Assessment => "ASSESSMENT",
        /// A school record (attendance, referrals).
        Record => "RECORD",
    }
);

vocabulary!(
    /// What the four-point rule advises for a goal's measure.
    ProgressDecision {
        /// The last four points beat the aim line: the goal can be raised.
        RaiseGoal => "RAISE_GOAL",
        /// The last four points fall short of the aim line: change the approach.
        AdjustIntervention => "ADJUST_INTERVENTION",
        /// Mixed: keep going.
        Continue => "CONTINUE",
        /// Fewer than four points, or no measure.
        InsufficientData => "INSUFFICIENT_DATA",
    }
);

vocabulary!(
    /// What happened, in an audit event.
    AuditAction {
        /// A student's records were read.
        Read => "READ",
        /// A record was created.
        Create => "CREATE",
        /// A record was changed.
        Update => "UPDATE",
        /// A record was removed or ended.
        Remove => "REMOVE",
    }
);

vocabulary!(
    /// What kind of thing the student or family said.
    VoiceKind {
        /// What they have lived through.
        Experience => "EXPERIENCE",
        /// What they hope for.
        Hope => "HOPE",
        /// What worries them.
        Concern => "CONCERN",
        /// What they are good at, or what works.
        Strength => "STRENGTH",
        /// How they like things done.
        Preference => "PREFERENCE",
        /// What they want to know.
        Question => "QUESTION",
    }
);

vocabulary!(
    /// Who in the alliance may read a record.
    Visibility {
        /// The whole alliance, the family included.
        Alliance => "ALLIANCE",
        /// The school team only.
        TeamOnly => "TEAM_ONLY",
    }
);

vocabulary!(
    /// Whether a member stands behind a goal (as FHIR's Goal.acceptance).
    Acceptance {
        /// They agree with the goal.
        Agree => "AGREE",
        /// They do not.
        Disagree => "DISAGREE",
        /// They have not said yet.
        Pending => "PENDING",
    }
);

vocabulary!(
    /// Where an intervention stands.
    InterventionStatus {
        /// Agreed, not started.
        Planned => "PLANNED",
        /// Under way.
        Active => "ACTIVE",
        /// Finished as planned.
        Completed => "COMPLETED",
        /// Stopped early.
        Stopped => "STOPPED",
    }
);

vocabulary!(
    /// What a communication did.
    CommunicationKind {
        /// Told the family what is happening.
        Update => "UPDATE",
        /// Explained what the team does and why.
        Explanation => "EXPLANATION",
        /// Shared progress data toward goals.
        DataShare => "DATA_SHARE",
    }
);

vocabulary!(
    /// How a communication reached its recipients.
    Channel {
        /// Face to face.
        InPerson => "IN_PERSON",
        /// A phone call.
        Phone => "PHONE",
        /// A video call.
        Video => "VIDEO",
        /// A text message.
        Text => "TEXT",
        /// Email.
        Email => "EMAIL",
        /// A letter or note home.
        Letter => "LETTER",
        /// Through an app.
        App => "APP",
    }
);

vocabulary!(
    /// Which version of the check-in a respondent gets.
    FeedbackAudience {
        /// Caregivers and older students.
        Adult => "ADULT",
        /// Younger students, in plainer words.
        Child => "CHILD",
    }
);

vocabulary!(
    /// The items of Alliance's check-in.
    FeedbackItem {
        /// Do they feel supported?
        Supported => "SUPPORTED",
        /// Do they feel understood?
        Understood => "UNDERSTOOD",
        /// Is their experience at the centre?
        Centered => "CENTERED",
        /// Are the goals theirs?
        Goals => "GOALS",
        /// Does the approach suit them?
        Approach => "APPROACH",
    }
);

vocabulary!(
    /// Where a feedback request stands.
    FeedbackStatus {
        /// Asked, not yet answered, not past due.
        Pending => "PENDING",
        /// Answered.
        Answered => "ANSWERED",
        /// Past due without an answer.
        Expired => "EXPIRED",
    }
);

vocabulary!(
    /// How the team reflected.
    ReflectionKind {
        /// A scheduled team meeting.
        FormalMeeting => "FORMAL_MEETING",
        /// A quick check-in.
        InformalCheckin => "INFORMAL_CHECKIN",
    }
);

vocabulary!(
    /// Where a next step stands.
    NextStepStatus {
        /// To do.
        Open => "OPEN",
        /// Done.
        Done => "DONE",
        /// Decided against.
        Dropped => "DROPPED",
    }
);

vocabulary!(
    /// A practice with a cadence the district sets.
    Practice {
        /// Asking the student and family for feedback.
        Feedback => "FEEDBACK",
        /// Sharing progress data with the family.
        DataSharing => "DATA_SHARING",
        /// The team reflecting together.
        Reflection => "REFLECTION",
    }
);

vocabulary!(
    /// How a practice is keeping up with its cadence.
    PracticeStatus {
        /// Done recently enough.
        OnTrack => "ON_TRACK",
        /// Due within the next few days.
        DueSoon => "DUE_SOON",
        /// Past its cadence, or never done.
        Overdue => "OVERDUE",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_name() {
        for phase in AlliancePhase::ALL {
            assert_eq!(phase.as_str().parse::<AlliancePhase>(), Ok(*phase));
        }
        for role in MemberRole::ALL {
            assert_eq!(role.as_str().parse::<MemberRole>(), Ok(*role));
        }
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_vocabulary_named() {
        let error = "LEADER".parse::<Role>().unwrap_err();
        assert_eq!(error.to_string(), "`LEADER` is not a Role");
    }
}
