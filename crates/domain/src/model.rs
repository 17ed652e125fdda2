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

/// Words of the student or a caregiver, kept verbatim. Never edited: a correction is a
/// new entry that supersedes this one.
#[derive(Clone, Debug)]
pub struct VoiceEntry {
    pub id: VoiceEntryId,
    pub alliance_id: AllianceId,
    /// The member who said it.
    pub speaker: MemberId,
    pub recorded_by: Option<PersonId>,
    pub recorded_by_subject: String,
    pub said_at: DateTime<Utc>,
    pub kind: VoiceKind,
    pub words: String,
    /// BCP 47 tag of the words.
    pub language: String,
    pub visibility: Visibility,
    /// The entry this one corrects.
    pub supersedes: Option<VoiceEntryId>,
    pub goals: Vec<GoalId>,
    pub created_at: DateTime<Utc>,
}

/// Whether one member stands behind a goal.
#[derive(Clone, Debug)]
pub struct GoalAcceptance {
    pub id: AcceptanceId,
    pub goal_id: GoalId,
    pub member_id: MemberId,
    pub acceptance: Acceptance,
    pub comment: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by_subject: String,
}

/// What the team is doing, and why.
#[derive(Clone, Debug)]
pub struct Intervention {
    pub id: InterventionId,
    pub alliance_id: AllianceId,
    pub title: String,
    pub description: Option<String>,
    /// Why the team does this: required.
    pub rationale: String,
    pub owner: Option<MemberId>,
    /// 1 (universal) to 3 (intensive).
    pub tier: i32,
    /// How often ("3 times a week").
    pub frequency: Option<String>,
    /// Minutes a session.
    pub minutes: Option<i32>,
    pub status: InterventionStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub goals: Vec<GoalId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change of an intervention's status, with its reason.
#[derive(Clone, Debug)]
pub struct InterventionChange {
    pub id: InterventionChangeId,
    pub intervention_id: InterventionId,
    pub from_status: Option<InterventionStatus>,
    pub to_status: InterventionStatus,
    pub reason: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// Who told whom what, when, and how.
#[derive(Clone, Debug)]
pub struct Communication {
    pub id: CommunicationId,
    pub alliance_id: AllianceId,
    pub kind: CommunicationKind,
    pub channel: Channel,
    /// The member who communicated, when recorded.
    pub from_member: Option<MemberId>,
    pub recipients: Vec<MemberId>,
    /// What was said, in words.
    pub summary: String,
    pub occurred_at: DateTime<Utc>,
    /// For a data share: the time the shared data was as of.
    pub as_of: Option<DateTime<Utc>>,
    pub visibility: Visibility,
    pub recorded_by_subject: String,
    /// For a data share: each goal shared, with what the family saw.
    pub shared: Vec<SharedGoal>,
    pub created_at: DateTime<Utc>,
}

/// One goal's progress as it was shared: the summary values and chart points.
#[derive(Clone, Debug)]
pub struct SharedGoal {
    pub goal_id: GoalId,
    /// JSON text of the values the family saw.
    pub snapshot: String,
}

/// A family member's reply to a communication.
#[derive(Clone, Debug)]
pub struct Reply {
    pub id: ReplyId,
    pub communication_id: CommunicationId,
    pub member_id: MemberId,
    pub words: String,
    pub created_at: DateTime<Utc>,
}

/// A check-in asked of a student or caregiver.
#[derive(Clone, Debug)]
pub struct FeedbackRequest {
    pub id: FeedbackRequestId,
    pub alliance_id: AllianceId,
    /// The member asked.
    pub member_id: MemberId,
    pub audience: FeedbackAudience,
    /// The language the check-in is given in.
    pub language: String,
    pub due_date: NaiveDate,
    pub requested_at: DateTime<Utc>,
    pub requested_by_subject: String,
    pub answered_at: Option<DateTime<Utc>>,
}

impl FeedbackRequest {
    /// Pending, answered, or expired (past its due date unanswered) on `today`.
    pub fn status(&self, today: NaiveDate) -> FeedbackStatus {
        match self.answered_at {
            Some(_) => FeedbackStatus::Answered,
            None if today > self.due_date => FeedbackStatus::Expired,
            None => FeedbackStatus::Pending,
        }
    }
}

/// An answer to a check-in.
#[derive(Clone, Debug)]
pub struct FeedbackResponse {
    pub id: FeedbackResponseId,
    pub request_id: FeedbackRequestId,
    pub alliance_id: AllianceId,
    pub member_id: MemberId,
    /// The language the check-in was answered in.
    pub language: String,
    pub scores: crate::feedback::Scores,
    /// In the respondent's own words.
    pub comment: Option<String>,
    /// Why the answer is a concern, in words; empty when it is not one.
    pub concern_reasons: Vec<String>,
    pub submitted_at: DateTime<Utc>,
}

impl FeedbackResponse {
    /// Whether the answer raised a concern.
    pub fn is_concern(&self) -> bool {
        !self.concern_reasons.is_empty()
    }
}

/// A record a reflection considered or a next step cites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordRef {
    Goal(GoalId),
    Intervention(InterventionId),
    FeedbackResponse(FeedbackResponseId),
    Reflection(ReflectionId),
    ProgressEntry(ProgressEntryId),
}

impl RecordRef {
    /// The stored kind of the record.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordRef::Goal(_) => "GOAL",
            RecordRef::Intervention(_) => "INTERVENTION",
            RecordRef::FeedbackResponse(_) => "FEEDBACK_RESPONSE",
            RecordRef::Reflection(_) => "REFLECTION",
            RecordRef::ProgressEntry(_) => "PROGRESS_ENTRY",
        }
    }

    /// The record's id.
    pub fn uuid(&self) -> uuid::Uuid {
        match self {
            RecordRef::Goal(id) => id.0,
            RecordRef::Intervention(id) => id.0,
            RecordRef::FeedbackResponse(id) => id.0,
            RecordRef::Reflection(id) => id.0,
            RecordRef::ProgressEntry(id) => id.0,
        }
    }

    /// Rebuilds a reference from its stored kind and id.
    pub fn from_parts(kind: &str, id: uuid::Uuid) -> Option<Self> {
        Some(match kind {
            "GOAL" => RecordRef::Goal(GoalId(id)),
            "INTERVENTION" => RecordRef::Intervention(InterventionId(id)),
            "FEEDBACK_RESPONSE" => RecordRef::FeedbackResponse(FeedbackResponseId(id)),
            "REFLECTION" => RecordRef::Reflection(ReflectionId(id)),
            "PROGRESS_ENTRY" => RecordRef::ProgressEntry(ProgressEntryId(id)),
            _ => return None,
        })
    }
}

/// The team looking back together.
#[derive(Clone, Debug)]
pub struct Reflection {
    pub id: ReflectionId,
    pub alliance_id: AllianceId,
    pub kind: ReflectionKind,
    pub held_at: DateTime<Utc>,
    pub participants: Vec<MemberId>,
    pub notes: Option<String>,
    /// What to keep doing.
    pub keep: Option<String>,
    /// What to change.
    pub change: Option<String>,
    /// Goals, interventions and feedback responses considered.
    pub considered: Vec<RecordRef>,
    pub visibility: Visibility,
    pub recorded_by_subject: String,
    pub created_at: DateTime<Utc>,
}

/// A decision the team takes, and what informed it.
#[derive(Clone, Debug)]
pub struct NextStep {
    pub id: NextStepId,
    pub alliance_id: AllianceId,
    pub decision: String,
    pub owner: Option<MemberId>,
    pub due_date: Option<NaiveDate>,
    pub status: NextStepStatus,
    /// The feedback responses, reflections and progress entries behind it.
    pub informed_by: Vec<RecordRef>,
    pub visibility: Visibility,
    pub recorded_by_subject: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
