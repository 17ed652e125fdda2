//! Rows to domain records. A stored value that no longer parses is a defect, reported
//! as unexpected rather than guessed at.

use alliance_domain::DomainError;
use alliance_domain::ids::*;
use alliance_domain::model::*;
use alliance_domain::values::*;
use std::str::FromStr;

use crate::entities::*;
use crate::error::StoreResult;

pub(crate) fn parse<T: FromStr<Err = UnknownValue>>(value: &str) -> StoreResult<T> {
    value
        .parse()
        .map_err(|e: UnknownValue| DomainError::Unexpected(format!("stored value: {e}")))
}

pub(crate) fn external_ids(json: &str) -> ExternalIds {
    serde_json::from_str(json).unwrap_or_default()
}

pub(crate) fn external_ids_json(ids: &ExternalIds) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn district(m: district::Model) -> District {
    District {
        id: DistrictId(m.id),
        slug: m.slug,
        name: m.name,
        settings: DistrictSettings {
            min_group_size: m.min_group_size,
            feedback_cadence_days: m.feedback_cadence_days,
            data_share_cadence_days: m.data_share_cadence_days,
            reflection_cadence_days: m.reflection_cadence_days,
            concern_item_threshold: m.concern_item_threshold,
            concern_drop_threshold: m.concern_drop_threshold,
        },
        created_at: m.created_at,
    }
}

pub(crate) fn school(m: school::Model) -> School {
    School {
        id: SchoolId(m.id),
        district_id: DistrictId(m.district_id),
        name: m.name,
        external_ids: external_ids(&m.external_ids),
        created_at: m.created_at,
    }
}

pub(crate) fn person(m: person::Model) -> Person {
    Person {
        id: PersonId(m.id),
        district_id: DistrictId(m.district_id),
        display_name: m.display_name,
        preferred_language: m.preferred_language,
        contact_preferences: m.contact_preferences,
        external_ids: external_ids(&m.external_ids),
        subject: m.subject,
        created_at: m.created_at,
    }
}

pub(crate) fn student(m: student::Model) -> Student {
    Student {
        id: StudentId(m.id),
        district_id: DistrictId(m.district_id),
        school_id: SchoolId(m.school_id),
        person_id: PersonId(m.person_id),
        name: m.name,
        preferred_name: m.preferred_name,
        pronouns: m.pronouns,
        grade_level: m.grade_level,
        preferred_language: m.preferred_language,
        external_ids: external_ids(&m.external_ids),
        created_at: m.created_at,
    }
}

pub(crate) fn alliance(m: alliance::Model, school_id: SchoolId) -> StoreResult<Alliance> {
    Ok(Alliance {
        id: AllianceId(m.id),
        district_id: DistrictId(m.district_id),
        student_id: StudentId(m.student_id),
        school_id,
        status: parse(&m.status)?,
        phase: parse(&m.phase)?,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) fn phase_change(m: phase_change::Model) -> StoreResult<PhaseChange> {
    Ok(PhaseChange {
        id: PhaseChangeId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        from_phase: m.from_phase.as_deref().map(parse).transpose()?,
        to_phase: parse(&m.to_phase)?,
        reason: m.reason,
        changed_at: m.changed_at,
        changed_by: m.changed_by,
    })
}

pub(crate) fn member(m: member::Model) -> StoreResult<AllianceMember> {
    Ok(AllianceMember {
        id: MemberId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        person_id: PersonId(m.person_id),
        role: parse(&m.role)?,
        relationship: m.relationship,
        family_identified: m.family_identified,
        joined_at: m.joined_at,
        left_at: m.left_at,
    })
}

pub(crate) fn goal(m: goal::Model) -> StoreResult<Goal> {
    let measure = match (
        m.measure_name,
        m.measure_baseline,
        m.measure_target,
        m.measure_direction,
    ) {
        (Some(name), Some(baseline), Some(target), Some(direction)) => Some(Measure {
            name,
            unit: m.measure_unit,
            baseline,
            target,
            direction: parse(&direction)?,
            target_date: m.measure_target_date,
        }),
        _ => None,
    };
    Ok(Goal {
        id: GoalId(m.id),
        alliance_id: AllianceId(m.alliance_id),
        own_words: m.own_words,
        expressed_by: MemberId(m.expressed_by),
        summary: m.summary,
        domain: parse(&m.domain)?,
        priority: m.priority,
        status: parse(&m.status)?,
        achievement_status: parse(&m.achievement_status)?,
        measure,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) fn goal_revision(m: goal_revision::Model) -> GoalRevision {
    GoalRevision {
        id: GoalRevisionId(m.id),
        goal_id: GoalId(m.goal_id),
        version: m.version,
        revised_at: m.revised_at,
        revised_by: m.revised_by,
        before: m.before,
        after: m.after,
    }
}

pub(crate) fn progress_entry(m: progress_entry::Model) -> StoreResult<ProgressEntry> {
    Ok(ProgressEntry {
        id: ProgressEntryId(m.id),
        goal_id: GoalId(m.goal_id),
        observed_at: m.observed_at,
        recorded_by: m.recorded_by.map(PersonId),
        recorded_by_subject: m.recorded_by_subject,
        value: m.value,
        note: m.note,
        source: parse(&m.source)?,
        created_at: m.created_at,
    })
}

pub(crate) fn audit_event(m: audit_event::Model) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        id: AuditEventId(m.id),
        district_id: DistrictId(m.district_id),
        occurred_at: m.occurred_at,
        subject: m.subject,
        roles: m.roles,
        action: parse(&m.action)?,
        entity_type: m.entity_type,
        entity_id: m.entity_id,
        student_id: m.student_id.map(StudentId),
        request_id: m.request_id,
        operation_name: m.operation_name,
    })
}
