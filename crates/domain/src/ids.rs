//! Typed identifiers, so a goal's id can never be passed where a student's is meant.

use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A district, the tenant every record belongs to.
    DistrictId,
    /// A school in a district.
    SchoolId,
    /// A person who can be an alliance member.
    PersonId,
    /// A student.
    StudentId,
    /// A student's alliance.
    AllianceId,
    /// A change of an alliance's phase.
    PhaseChangeId,
    /// A person's membership in an alliance.
    MemberId,
    /// A goal.
    GoalId,
    /// A kept revision of a goal.
    GoalRevisionId,
    /// A progress entry.
    ProgressEntryId,
    /// An audit event.
    AuditEventId,
    /// Words of the student or a caregiver.
    VoiceEntryId,
    /// A member's acceptance of a goal.
    AcceptanceId,
    /// An intervention.
    InterventionId,
    /// A change of an intervention's status.
    InterventionChangeId,
    /// A communication.
    CommunicationId,
    /// A reply to a communication.
    ReplyId,
    /// A feedback request.
    FeedbackRequestId,
    /// A feedback response.
    FeedbackResponseId,
    /// A team reflection.
    ReflectionId,
    /// A next step.
    NextStepId,
);
