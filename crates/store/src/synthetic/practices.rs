//! What each alliance does together: the family's words, an intervention and why, a
//! data share, check-ins (two answered, one pending), a reflection and a next step.

use alliance_domain::chart::{chart_values, snapshot};
use alliance_domain::feedback::{self, Scores};
use alliance_domain::ids::{
    CommunicationId, FeedbackRequestId, FeedbackResponseId, GoalId, InterventionChangeId,
    InterventionId, MemberId, NextStepId, ReflectionId, VoiceEntryId,
};
use alliance_domain::model::RecordRef;
use alliance_domain::values::{
    CommunicationKind, FeedbackAudience, InterventionStatus, NextStepStatus, ReflectionKind,
    Visibility, VoiceKind,
};
use chrono::{DateTime, Duration, Utc};

use super::bulk::Rows;
use super::goals::Planted;
use super::roster::Family;
use super::words::*;
use super::{Plan, Rng};
use crate::entities::*;

/// Everything here is read by the whole alliance, the family included.
const SHARED: Visibility = Visibility::Alliance;

impl Plan {
    pub(super) fn practices(
        &self,
        family: &Family,
        goals: &[Planted],
        rng: &mut Rng,
        rows: &mut Rows,
    ) {
        let i = family.index;
        let caregiver_words = if family.caregiver_language == "es" {
            CAREGIVER_WORDS_ES
        } else {
            CAREGIVER_WORDS
        };
        let heard = family.goals_set + Duration::days(6) + Duration::minutes(rng.between(0, 300));
        let words = *rng.pick(caregiver_words);
        self.voice(family, family.caregiver, words, goals[1].id, heard, rows);
        let heard = self.ago(rng.between(60, 80), rng.between(0, 600));
        let words = *rng.pick(STUDENT_WORDS);
        self.voice(family, family.student, words, goals[0].id, heard, rows);

        let intervention_id = self.intervention(family, goals, rng, rows);
        self.data_share(family, goals, rng, rows);
        let answer = self.feedback(family, i % 10 == 3, rng, rows);
        let concern = answer.1.then_some(answer.0);

        let held_at = self.ago(10, rng.between(0, 300));
        let reflection_id = ReflectionId::new();
        let (notes, keep, change) = if concern.is_some() {
            REFLECTIONS[2]
        } else {
            *rng.pick(&REFLECTIONS[..2])
        };
        rows.reflections.push(reflection::Model {
            id: reflection_id.0,
            alliance_id: family.alliance.0,
            kind: if i.is_multiple_of(2) {
                ReflectionKind::FormalMeeting
            } else {
                ReflectionKind::InformalCheckin
            }
            .as_str()
            .into(),
            held_at,
            notes: Some(notes.into()),
            keep: Some(keep.into()),
            change: Some(change.into()),
            visibility: SHARED.as_str().into(),
            recorded_by_subject: family.staff_subject.into(),
            created_at: held_at + Duration::minutes(30),
        });
        for member in [family.staff, family.caregiver] {
            rows.participants.push(reflection_participant::Model {
                reflection_id: reflection_id.0,
                member_id: member.0,
            });
        }
        let considered = [
            RecordRef::Goal(goals[0].id),
            RecordRef::Intervention(intervention_id),
            RecordRef::FeedbackResponse(answer.0),
        ];
        for record in considered {
            rows.considered.push(reflection_considered::Model {
                reflection_id: reflection_id.0,
                record_type: record.kind().into(),
                record_id: record.uuid(),
            });
        }

        // The next step: an answer to the concern in every other alliance that has one.
        let answers_concern = concern.filter(|_| (i / 10) % 2 == 1);
        let mut informed_by = vec![RecordRef::Reflection(reflection_id)];
        informed_by.extend(answers_concern.map(RecordRef::FeedbackResponse));
        let decision = match answers_concern {
            Some(_) => CONCERN_STEP,
            None => *rng.pick(NEXT_STEPS),
        };
        let today = self.now.date_naive();
        let due_date = if i % 5 == 2 {
            today - Duration::days(3)
        } else {
            today + Duration::days(rng.between(4, 18))
        };
        let step = NextStepId::new();
        let decided_at = held_at + Duration::hours(1);
        rows.next_steps.push(next_step::Model {
            id: step.0,
            alliance_id: family.alliance.0,
            decision: decision.into(),
            owner_id: Some(family.staff.0),
            due_date: Some(due_date),
            status: NextStepStatus::Open.as_str().into(),
            visibility: SHARED.as_str().into(),
            recorded_by_subject: family.staff_subject.into(),
            created_at: decided_at,
            updated_at: decided_at,
        });
        for record in informed_by {
            rows.citations.push(next_step_citation::Model {
                next_step_id: step.0,
                record_type: record.kind().into(),
                record_id: record.uuid(),
            });
        }
    }

    /// Words of the student or caregiver, written down by the teacher, about a goal.
    fn voice(
        &self,
        family: &Family,
        speaker: MemberId,
        (kind, words): (VoiceKind, &str),
        goal: GoalId,
        said_at: DateTime<Utc>,
        rows: &mut Rows,
    ) {
        let id = VoiceEntryId::new();
        let language = if speaker == family.caregiver {
            family.caregiver_language
        } else {
            "en"
        };
        rows.voice.push(voice_entry::Model {
            id: id.0,
            alliance_id: family.alliance.0,
            speaker_id: speaker.0,
            recorded_by: Some(family.staff_person.0),
            recorded_by_subject: family.staff_subject.into(),
            said_at,
            kind: kind.as_str().into(),
            words: words.into(),
            language: language.into(),
            visibility: SHARED.as_str().into(),
            supersedes_id: None,
            created_at: said_at + Duration::minutes(10),
        });
        rows.voice_goals.push(voice_entry_goal::Model {
            voice_entry_id: id.0,
            goal_id: goal.0,
        });
    }

    /// An intervention under way since the goals were set, with its first status and
    /// the rationale as the reason, as `createIntervention` records it.
    fn intervention(
        &self,
        family: &Family,
        goals: &[Planted],
        rng: &mut Rng,
        rows: &mut Rows,
    ) -> InterventionId {
        let template = rng.pick(INTERVENTIONS);
        let id = InterventionId::new();
        let created_at = family.goals_set + Duration::days(2);
        rows.interventions.push(intervention::Model {
            id: id.0,
            alliance_id: family.alliance.0,
            title: template.title.into(),
            description: Some(template.description.into()),
            rationale: template.rationale.into(),
            owner_id: Some(family.staff.0),
            tier: template.tier,
            frequency: Some(template.frequency.into()),
            minutes: template.minutes,
            status: InterventionStatus::Active.as_str().into(),
            start_date: Some(created_at.date_naive()),
            end_date: None,
            created_at,
            updated_at: created_at,
        });
        rows.intervention_goals.push(intervention_goal::Model {
            intervention_id: id.0,
            goal_id: rng.pick(goals).id.0,
        });
        rows.intervention_changes.push(intervention_change::Model {
            id: InterventionChangeId::new().0,
            intervention_id: id.0,
            from_status: None,
            to_status: InterventionStatus::Active.as_str().into(),
            reason: template.rationale.into(),
            changed_at: created_at,
            changed_by: family.staff_subject.into(),
        });
        id
    }

    /// Progress shared with the caregiver a week ago, keeping each goal's chart as it
    /// was then, as `logCommunication` keeps it.
    fn data_share(&self, family: &Family, goals: &[Planted], rng: &mut Rng, rows: &mut Rows) {
        let id = CommunicationId::new();
        let occurred_at = self.ago(8, rng.between(0, 300));
        rows.communications.push(communication::Model {
            id: id.0,
            alliance_id: family.alliance.0,
            kind: CommunicationKind::DataShare.as_str().into(),
            channel: rng.pick(DATA_SHARE_CHANNELS).as_str().into(),
            from_member_id: Some(family.staff.0),
            summary: format!(
                "Shared {}'s progress on all three goals with the family.",
                family.name
            ),
            occurred_at,
            as_of: Some(occurred_at),
            visibility: SHARED.as_str().into(),
            recorded_by_subject: family.staff_subject.into(),
            created_at: occurred_at + Duration::minutes(5),
        });
        rows.recipients.push(communication_recipient::Model {
            communication_id: id.0,
            member_id: family.caregiver.0,
        });
        for goal in goals {
            let seen: Vec<_> = goal
                .observations
                .iter()
                .filter(|o| o.observed_at <= occurred_at)
                .copied()
                .collect();
            let chart = chart_values(Some(&goal.measure), goal.created_at, &seen);
            rows.shared_goals.push(communication_goal::Model {
                communication_id: id.0,
                goal_id: goal.id.0,
                snapshot: snapshot(&chart),
            });
        }
    }

    /// The student's check-in five weeks ago and the caregiver's three weeks ago, both
    /// answered, and the caregiver's next one asked now. Returns the caregiver's answer
    /// and whether it raised a concern.
    fn feedback(
        &self,
        family: &Family,
        concerned: bool,
        rng: &mut Rng,
        rows: &mut Rows,
    ) -> (FeedbackResponseId, bool) {
        let settings = &self.district.settings;
        let caregiver_language = feedback::language_for(Some(family.caregiver_language));
        // Content: every item above the threshold (and at least 7).
        let lowest = i64::from((settings.concern_item_threshold + 1).clamp(7, 10));
        let fine = |rng: &mut Rng| {
            let mut item = || rng.between(lowest, 10) as i32;
            Scores {
                supported: item(),
                understood: item(),
                centered: item(),
                goals: item(),
                approach: item(),
            }
        };
        let student_scores = fine(rng);
        let mut caregiver_scores = fine(rng);
        if concerned {
            // Not feeling heard: one item at or below the district's threshold.
            let threshold = i64::from(settings.concern_item_threshold);
            caregiver_scores.centered = rng.between((threshold - 3).max(0), threshold) as i32;
        }
        let (child_fine, (adult_fine, adult_low)) = (
            CHILD_COMMENTS,
            if caregiver_language == "es" {
                ADULT_COMMENTS_ES
            } else {
                ADULT_COMMENTS
            },
        );
        let student_comment = rng.chance(0.3).then(|| *rng.pick(child_fine));
        let caregiver_comment = if concerned {
            Some(*rng.pick(adult_low))
        } else {
            rng.chance(0.3).then(|| *rng.pick(adult_fine))
        };

        let asked = self.ago(35, rng.between(0, 300));
        self.answered_checkin(
            family,
            (family.student, FeedbackAudience::Child, "en"),
            asked,
            (student_scores, student_comment),
            rng,
            rows,
        );
        let asked = self.ago(21, rng.between(0, 300));
        let answer = self.answered_checkin(
            family,
            (
                family.caregiver,
                FeedbackAudience::Adult,
                caregiver_language,
            ),
            asked,
            (caregiver_scores, caregiver_comment),
            rng,
            rows,
        );
        let asked = self.ago(0, rng.between(20, 120));
        rows.requests.push(feedback_request::Model {
            id: FeedbackRequestId::new().0,
            alliance_id: family.alliance.0,
            member_id: family.caregiver.0,
            audience: FeedbackAudience::Adult.as_str().into(),
            language: caregiver_language.into(),
            due_date: self.now.date_naive() + Duration::days(14),
            requested_at: asked,
            recorded_by_subject: family.staff_subject.into(),
            answered_at: None,
        });
        answer
    }

    /// A check-in asked of `member` at `asked`, due a week later, answered within three
    /// days: the concern found as `submitFeedback` finds it, from the district's
    /// thresholds (each respondent answers here for the first time, so there is no
    /// earlier total to drop from).
    fn answered_checkin(
        &self,
        family: &Family,
        (member, audience, language): (MemberId, FeedbackAudience, &str),
        asked: DateTime<Utc>,
        (scores, comment): (Scores, Option<&str>),
        rng: &mut Rng,
        rows: &mut Rows,
    ) -> (FeedbackResponseId, bool) {
        let request = FeedbackRequestId::new();
        let answered_at = asked + Duration::minutes(rng.between(3 * 60, 72 * 60));
        rows.requests.push(feedback_request::Model {
            id: request.0,
            alliance_id: family.alliance.0,
            member_id: member.0,
            audience: audience.as_str().into(),
            language: language.into(),
            due_date: asked.date_naive() + Duration::days(7),
            requested_at: asked,
            recorded_by_subject: family.staff_subject.into(),
            answered_at: Some(answered_at),
        });
        let reasons: Vec<String> = feedback::concerns(&scores, None, &self.district.settings)
            .iter()
            .map(|r| r.describe())
            .collect();
        let response = FeedbackResponseId::new();
        rows.responses.push(feedback_response::Model {
            id: response.0,
            request_id: request.0,
            alliance_id: family.alliance.0,
            member_id: member.0,
            language: feedback::language_for(Some(language)).into(),
            supported: scores.supported,
            understood: scores.understood,
            centered: scores.centered,
            goals: scores.goals,
            approach: scores.approach,
            total: scores.total(),
            comment: comment.map(Into::into),
            concern: !reasons.is_empty(),
            concern_reasons: serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into()),
            submitted_at: answered_at,
        });
        (response, !reasons.is_empty())
    }
}
