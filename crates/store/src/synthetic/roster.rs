//! The people of each alliance: the student and their caregiver in the directory, the
//! student record, the alliance with its phases, and its three members.

use alliance_domain::ids::{AllianceId, MemberId, PersonId, PhaseChangeId, StudentId};
use alliance_domain::model::ExternalId;
use alliance_domain::values::{AlliancePhase, AllianceStatus, MemberRole};
use chrono::{DateTime, Duration, Utc};

use super::bulk::Rows;
use super::words::{RELATIONSHIPS, RELATIONSHIPS_ES};
use super::{Plan, Rng, STUDENTS_PER_SCHOOL, STUDENTS_PER_STAFF, family_subject, student_name};
use crate::convert::external_ids_json;
use crate::entities::{alliance, member, person, phase_change, student};

const GRADES: [&str; 13] = [
    "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
];
const PRONOUNS: [&str; 3] = ["she/her", "he/him", "they/them"];

/// Why an alliance moved into each phase.
const PHASE_REASONS: [(AlliancePhase, &str); 3] = [
    (
        AlliancePhase::Assessment,
        "Family and team agreed to look more closely at what's going on",
    ),
    (
        AlliancePhase::Planning,
        "Enough known to set goals together",
    ),
    (
        AlliancePhase::Intervention,
        "Goals agreed with the family at the planning meeting",
    ),
];

/// One student's alliance and who is in it: what the goals and practices refer to.
pub(super) struct Family<'p> {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) alliance: AllianceId,
    pub(super) student: MemberId,
    pub(super) caregiver: MemberId,
    pub(super) caregiver_subject: String,
    pub(super) caregiver_language: &'static str,
    /// The staff member's membership.
    pub(super) staff: MemberId,
    pub(super) staff_person: PersonId,
    pub(super) staff_subject: &'p str,
    /// When the goals were set, three weeks after the alliance began.
    pub(super) goals_set: DateTime<Utc>,
}

impl Plan {
    pub(super) fn family(&self, i: usize, rng: &mut Rng, rows: &mut Rows) -> Family<'_> {
        let (now, district) = (self.now, self.district.id.0);
        let name = student_name(i);
        let spanish = i % 10 == 9;
        let language = if spanish { "es" } else { "en" };
        let staff = &self.staff[i / STUDENTS_PER_STAFF];

        let student_person = PersonId::new();
        let caregiver_person = PersonId::new();
        let caregiver_subject = family_subject(i);
        let person = |id: PersonId, display_name: String, language: &str| person::Model {
            id: id.0,
            district_id: district,
            display_name,
            preferred_language: language.into(),
            contact_preferences: None,
            external_ids: "[]".into(),
            subject: None,
            created_at: now,
            updated_at: now,
        };
        rows.persons
            .push(person(student_person, name.clone(), "en"));
        rows.persons.push(person::Model {
            contact_preferences: Some(
                if spanish {
                    "Mensajes de texto en español, por favor"
                } else {
                    "Text after 5pm"
                }
                .into(),
            ),
            subject: Some(caregiver_subject.clone()),
            ..person(caregiver_person, format!("Caregiver {i:05}"), language)
        });

        let student_id = StudentId::new();
        // As `students::create` keys them: the preferred name (none here) or the name.
        let (sort_name, search_name) = (name.to_lowercase(), format!("{name} ").to_lowercase());
        rows.students.push(student::Model {
            id: student_id.0,
            district_id: district,
            school_id: self.schools[i / STUDENTS_PER_SCHOOL].0,
            person_id: student_person.0,
            name: name.clone(),
            preferred_name: None,
            pronouns: Some(PRONOUNS[i % PRONOUNS.len()].into()),
            grade_level: GRADES[i % GRADES.len()].into(),
            preferred_language: "en".into(),
            external_ids: external_ids_json(&vec![ExternalId {
                system: "sis".into(),
                value: format!("SYN{i:05}"),
            }]),
            sort_name,
            search_name,
            created_at: now,
            updated_at: now,
        });

        // About 24 weeks ago: engagement, a week each of assessment and planning, then
        // goals set and the intervention phase from 21 weeks ago.
        let start = self.ago(168 + rng.between(0, 6), rng.between(0, 600));
        let goals_set = self.ago(147, rng.between(0, 300));
        let alliance = AllianceId::new();
        let changed = [
            start + Duration::weeks(1),
            start + Duration::weeks(2),
            goals_set + Duration::days(1),
        ];
        rows.alliances.push(alliance::Model {
            id: alliance.0,
            district_id: district,
            student_id: student_id.0,
            status: AllianceStatus::Active.as_str().into(),
            phase: AlliancePhase::Intervention.as_str().into(),
            created_at: start,
            updated_at: changed[2],
        });
        let phase = |from: Option<AlliancePhase>, to: AlliancePhase, reason: Option<&str>, at| {
            phase_change::Model {
                id: PhaseChangeId::new().0,
                alliance_id: alliance.0,
                from_phase: from.map(|p| p.as_str().into()),
                to_phase: to.as_str().into(),
                reason: reason.map(Into::into),
                changed_at: at,
                changed_by: staff.subject.clone(),
            }
        };
        rows.phase_changes
            .push(phase(None, AlliancePhase::Engagement, None, start));
        let mut from = AlliancePhase::Engagement;
        for ((to, reason), at) in PHASE_REASONS.into_iter().zip(changed) {
            rows.phase_changes
                .push(phase(Some(from), to, Some(reason), at));
            from = to;
        }

        let relationship = if spanish {
            *rng.pick(RELATIONSHIPS_ES)
        } else {
            *rng.pick(RELATIONSHIPS)
        };
        let mut join = |person: PersonId, role: MemberRole, relationship: Option<&str>| {
            let id = MemberId::new();
            rows.members.push(member::Model {
                id: id.0,
                alliance_id: alliance.0,
                person_id: person.0,
                role: role.as_str().into(),
                relationship: relationship.map(Into::into),
                family_identified: false,
                joined_at: start,
                left_at: None,
            });
            id
        };
        let student = join(student_person, MemberRole::Student, None);
        let caregiver = join(caregiver_person, MemberRole::Caregiver, Some(relationship));
        let staff_member = join(staff.person, MemberRole::Teacher, None);

        Family {
            index: i,
            name,
            alliance,
            student,
            caregiver,
            caregiver_subject,
            caregiver_language: language,
            staff: staff_member,
            staff_person: staff.person,
            staff_subject: &staff.subject,
            goals_set,
        }
    }
}
