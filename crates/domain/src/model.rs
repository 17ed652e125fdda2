//! The records of a district's alliances, as the rest of the system sees them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::*;
use crate::values::*;

/// A district's settings for the practices.
#[derive(Clone, Debug, PartialEq)]
pub struct DistrictSettings {
    /// Groups smaller than this are suppressed in aggregates.
    pub min_group_size: i32,
    /// Days between feedback requests before an alliance needs attention.
    pub feedback_cadence_days: i32,
    /// Days between data shares with the family.
    pub data_share_cadence_days: i32,
    /// Days between team reflections.
    pub reflection_cadence_days: i32,
    /// A feedback item at or below this score raises a concern.
    pub concern_item_threshold: i32,
    /// A drop in total of at least this much raises a concern.
    pub concern_drop_threshold: i32,
}

impl Default for DistrictSettings {
    fn default() -> Self {
        Self {
            min_group_size: 10,
            feedback_cadence_days: 14,
            data_share_cadence_days: 30,
            reflection_cadence_days: 14,
            concern_item_threshold: 6,
            concern_drop_threshold: 5,
        }
    }
}

/// The tenant: every other record belongs to exactly one district.
#[derive(Clone, Debug)]
pub struct District {
    pub id: DistrictId,
    /// The short name tokens carry in their `district` claim.
    pub slug: String,
    pub name: String,
    pub settings: DistrictSettings,
    pub created_at: DateTime<Utc>,
}

/// Identifiers a record has in other systems (SIS id, OneRoster `sourcedId`).
pub type ExternalIds = Vec<ExternalId>;

/// One identifier in another system.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalId {
    /// The other system (`sis`, `oneroster`).
    pub system: String,
    /// The id there.
    pub value: String,
}

/// A school in a district.
#[derive(Clone, Debug)]
pub struct School {
    pub id: SchoolId,
    pub district_id: DistrictId,
    pub name: String,
    pub external_ids: ExternalIds,
    pub created_at: DateTime<Utc>,
}

/// Anyone who can be an alliance member.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: PersonId,
    pub district_id: DistrictId,
    pub display_name: String,
    /// BCP 47 tag.
    pub preferred_language: String,
    /// How the person likes to be reached, in their words ("text after 5pm").
    pub contact_preferences: Option<String>,
    pub external_ids: ExternalIds,
    /// The `sub` of the person's login token, when they sign in.
    pub subject: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A student.
#[derive(Clone, Debug)]
pub struct Student {
    pub id: StudentId,
    pub district_id: DistrictId,
    pub school_id: SchoolId,
    /// The person who is the student, as an alliance member.
    pub person_id: PersonId,
    /// Legal name.
    pub name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    /// `K`, `1`..`12`, or a district's own label.
    pub grade_level: String,
    pub preferred_language: String,
    pub external_ids: ExternalIds,
    pub created_at: DateTime<Utc>,
}

/// The team around one student.
#[derive(Clone, Debug)]
pub struct Alliance {
    pub id: AllianceId,
    pub district_id: DistrictId,
    pub student_id: StudentId,
    pub school_id: SchoolId,
    pub status: AllianceStatus,
    pub phase: AlliancePhase,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One change of an alliance's phase.
#[derive(Clone, Debug)]
pub struct PhaseChange {
    pub id: PhaseChangeId,
    pub alliance_id: AllianceId,
    pub from_phase: Option<AlliancePhase>,
    pub to_phase: AlliancePhase,
    pub reason: Option<String>,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// A person in an alliance.
#[derive(Clone, Debug)]
pub struct AllianceMember {
    pub id: MemberId,
    pub alliance_id: AllianceId,
    pub person_id: PersonId,
    pub role: MemberRole,
    /// The relationship in the family's words ("my auntie").
    pub relationship: Option<String>,
    /// Whether the family named this person as important.
    pub family_identified: bool,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

impl AllianceMember {
    /// Whether the member is still part of the alliance.
    pub fn is_active(&self) -> bool {
        self.left_at.is_none()
    }
}

/// How progress toward a goal is measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub name: String,
    pub unit: Option<String>,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    pub target_date: Option<NaiveDate>,
}

/// A goal, in the words of the student or family.
#[derive(Clone, Debug)]
pub struct Goal {
    pub id: GoalId,
    pub alliance_id: AllianceId,
    /// The statement as the student or family said it.
    pub own_words: String,
    /// The member who said it.
    pub expressed_by: MemberId,
    /// The team's summary, beside (never instead of) the family's words.
    pub summary: Option<String>,
    pub domain: GoalDomain,
    pub priority: i32,
    pub status: GoalStatus,
    pub achievement_status: AchievementStatus,
    pub measure: Option<Measure>,
    /// Increases with every change; a change must name the version it was based on.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A kept revision of a goal: who changed what, and what it was before.
#[derive(Clone, Debug)]
pub struct GoalRevision {
    pub id: GoalRevisionId,
    pub goal_id: GoalId,
    /// The version the change produced.
    pub version: i32,
    pub revised_at: DateTime<Utc>,
    pub revised_by: String,
    /// The changed fields before, as JSON text.
    pub before: String,
    /// The changed fields after, as JSON text.
    pub after: String,
}

/// One observation of progress toward a goal.
#[derive(Clone, Debug)]
pub struct ProgressEntry {
    pub id: ProgressEntryId,
    pub goal_id: GoalId,
    pub observed_at: DateTime<Utc>,
    /// The person who recorded it, when they have a person record.
    pub recorded_by: Option<PersonId>,
    pub recorded_by_subject: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub source: ProgressSource,
    pub created_at: DateTime<Utc>,
}

/// One line of the append-only audit log.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub district_id: DistrictId,
    pub occurred_at: DateTime<Utc>,
    pub subject: String,
    pub roles: String,
    pub action: AuditAction,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub student_id: Option<StudentId>,
    pub request_id: Option<String>,
    pub operation_name: Option<String>,
}
