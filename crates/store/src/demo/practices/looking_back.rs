//! Accountability, acting: the team's reflections, and the next steps that follow from
//! them, from progress, and from a concern the family raised.

use alliance_domain::ids::MemberId;
use alliance_domain::model::{FeedbackResponse, Intervention, NextStep, RecordRef, Reflection};
use alliance_domain::values::{AlliancePhase, NextStepStatus, ReflectionKind, Visibility};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, Set};

use super::{Heard, Keeping, Lapse, Story};
use crate::demo::Loader;
use crate::demo::practice_seeds::*;
use crate::entities::{next_step, reflection};
use crate::error::IntoDomain;
use crate::next_steps::NewNextStep;
use crate::reflections::NewReflection;
use crate::{StoreResult, next_steps, progress, reflections};

/// A next step to record.
struct Step {
    decision: String,
    owner: MemberId,
    created: DateTime<Utc>,
    due: NaiveDate,
    informed_by: Vec<RecordRef>,
    /// Left open past its due date.
    lapsed: bool,
}

impl Loader<'_> {
    /// One or two times the team looked back: informal check-ins, or a formal meeting
    /// (at review, and sometimes with a caregiver). Team-only unless the family took part
    /// and it was shared with them.
    pub(super) async fn reflections(
        &mut self,
        story: &mut Story<'_, '_>,
        doing: &[(Intervention, &'static InterventionSeed)],
        answers: &[FeedbackResponse],
    ) -> StoreResult<Vec<Reflection>> {
        let family = story.family;
        let reviewed = matches!(
            family.phase,
            AlliancePhase::Review | AlliancePhase::Transition
        );
        let (_, last) = story.last_done(Lapse::Reflection);
        let earliest = family.timeline.goals_set + Duration::days(14);
        let mut times = vec![last];
        let latest_earlier = last - Duration::days(10);
        if (reviewed || story.rng.chance(0.6)) && latest_earlier > earliest {
            let span = (latest_earlier - earliest).num_days();
            times.insert(0, story.days_after(earliest, 0, span));
        }
        // An open concern has not been looked at yet; an answered one has.
        let concern = answers
            .iter()
            .find(|a| a.is_concern())
            .filter(|_| story.heard == Heard::AnsweredConcern);
        let mut held = Vec::new();
        for (i, held_at) in times.iter().copied().enumerate() {
            let formal = (reviewed && i + 1 == times.len()) || story.rng.chance(0.3);
            let mut participants = vec![family.lead().id];
            if family.team.len() > 1 {
                participants.push(family.support().id);
            }
            if story.rng.chance(0.3) {
                participants.push(family.supporter);
            }
            let with_family = formal && story.rng.chance(0.6);
            if with_family {
                participants.push(family.caregivers[0].id);
            }
            let visibility = if with_family && story.rng.chance(0.5) {
                Visibility::Alliance
            } else {
                Visibility::TeamOnly
            };
            let mut considered: Vec<RecordRef> = family
                .goals
                .iter()
                .map(|(g, _)| RecordRef::Goal(g.id))
                .collect();
            considered.extend(
                doing
                    .iter()
                    .filter(|(d, _)| d.created_at < held_at)
                    .map(|(d, _)| RecordRef::Intervention(d.id)),
            );
            let seen: Vec<&FeedbackResponse> = answers
                .iter()
                .filter(|a| a.submitted_at < held_at && (!a.is_concern() || concern.is_some()))
                .collect();
            considered.extend(
                seen.iter()
                    .rev()
                    .take(2)
                    .map(|a| RecordRef::FeedbackResponse(a.id)),
            );
            let about_concern = concern.filter(|c| {
                c.submitted_at < held_at && held_at - c.submitted_at < Duration::days(21)
            });
            if let Some(c) = about_concern
                && !considered.contains(&RecordRef::FeedbackResponse(c.id))
            {
                considered.push(RecordRef::FeedbackResponse(c.id));
            }
            let (notes, keep, change) = if about_concern.is_some() {
                *story.rng.pick(CONCERN_NOTES)
            } else if formal {
                *story.rng.pick(MEETINGS)
            } else {
                *story.rng.pick(CHECKINS)
            };
            let reflection = reflections::create(
                self.tx,
                NewReflection {
                    alliance_id: family.alliance.id,
                    kind: if formal {
                        ReflectionKind::FormalMeeting
                    } else {
                        ReflectionKind::InformalCheckin
                    },
                    held_at,
                    participants,
                    notes: Some(story.fill(notes)),
                    keep: Some(story.fill(keep)),
                    change: Some(story.fill(change)),
                    considered,
                    visibility,
                    recorded_by_subject: family.lead().staff.subject.clone(),
                },
            )
            .await?;
            let created_at = story.soon_after(held_at, 30, 240);
            reflection::ActiveModel {
                id: Set(reflection.id.0),
                created_at: Set(created_at),
                ..Default::default()
            }
            .update(self.tx)
            .await
            .domain()?;
            self.outcome.reflections += 1;
            held.push(Reflection {
                created_at,
                ..reflection
            });
        }
        Ok(held)
    }

    /// The next step answering a concern (where the team answered it), one from the
    /// latest reflection, and sometimes one from the progress; done once their date has
    /// passed, except the one an alliance behind on its next steps left open.
    pub(super) async fn next_steps(
        &mut self,
        story: &mut Story<'_, '_>,
        answers: &[FeedbackResponse],
        looked_back: &[Reflection],
    ) -> StoreResult<()> {
        let family = story.family;
        if story.heard == Heard::AnsweredConcern
            && let Some(concern) = answers.iter().find(|a| a.is_concern())
        {
            let created = story.soon_after(concern.submitted_at, 20 * 60, 72 * 60);
            let mut informed_by = vec![RecordRef::FeedbackResponse(concern.id)];
            if let Some(r) = looked_back
                .iter()
                .find(|r| r.held_at > concern.submitted_at && r.held_at <= created)
            {
                informed_by.push(RecordRef::Reflection(r.id));
            }
            let (for_caregiver, for_student) = *story.rng.pick(CONCERN_STEPS);
            let text = if concern.member_id == family.student {
                for_student
            } else {
                for_caregiver
            };
            let due = created.date_naive() + Duration::days(story.rng.between(7, 14));
            let step = Step {
                decision: story.fill(text),
                owner: family.lead().id,
                created,
                due,
                informed_by,
                lapsed: false,
            };
            self.step(story, step).await?;
            self.outcome.concerns_answered += 1;
        }

        let mut decisions: Vec<(&str, bool)> = STEPS.to_vec();
        decisions.push((story.follow_up, false));

        if let Some(last) = looked_back.last() {
            let created = story.soon_after(last.held_at, 30, 180);
            let (decision, owner) = decide(story, &mut decisions);
            let due = created.date_naive() + Duration::days(story.rng.between(7, 21));
            let step = Step {
                decision,
                owner,
                created,
                due,
                informed_by: vec![RecordRef::Reflection(last.id)],
                lapsed: false,
            };
            self.step(story, step).await?;
        }

        let behind = matches!(
            story.keeping,
            Keeping::Overdue(Lapse::NextStep) | Keeping::Paused
        );
        if behind || story.rng.chance(0.5) {
            // From the first goal's progress: its newest entry, or a month back for the
            // step the alliance let slip.
            let newest = progress::newest(self.tx, &story.goal_ids()[..1], 4).await?;
            let entry = if behind {
                newest.last()
            } else {
                newest.first()
            };
            if let Some(entry) = entry {
                let created = story.soon_after(entry.observed_at, 12 * 60, 30 * 60);
                let (decision, owner) = decide(story, &mut decisions);
                let due = if behind {
                    story.today() - Duration::days(story.rng.between(2, 6))
                } else {
                    created.date_naive() + Duration::days(story.rng.between(7, 21))
                };
                let step = Step {
                    decision,
                    owner,
                    created,
                    due: due.max(created.date_naive() + Duration::days(1)),
                    informed_by: vec![RecordRef::ProgressEntry(entry.id)],
                    lapsed: behind,
                };
                self.step(story, step).await?;
            }
        }
        Ok(())
    }

    async fn step(&mut self, story: &mut Story<'_, '_>, step: Step) -> StoreResult<NextStep> {
        let family = story.family;
        let mut next = next_steps::create(
            self.tx,
            NewNextStep {
                alliance_id: family.alliance.id,
                decision: step.decision,
                owner: Some(step.owner),
                due_date: Some(step.due),
                informed_by: step.informed_by,
                visibility: Visibility::Alliance,
                recorded_by_subject: family.lead().staff.subject.clone(),
            },
        )
        .await?;
        let done = if step.due < story.today() {
            !step.lapsed
        } else {
            story.rng.chance(0.3)
        };
        let mut updated_at = step.created;
        if done {
            let days = (step.due - step.created.date_naive()).num_days().max(1);
            updated_at = story.soon_after(step.created, 12 * 60, days * 24 * 60);
            let finished = NextStep {
                status: NextStepStatus::Done,
                ..next.clone()
            };
            next = next_steps::update(self.tx, &next, finished).await?;
        }
        next_step::ActiveModel {
            id: Set(next.id.0),
            created_at: Set(step.created),
            updated_at: Set(updated_at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.next_steps += 1;
        Ok(NextStep {
            created_at: step.created,
            updated_at,
            ..next
        })
    }
}

/// A decision not taken yet in this alliance, and who takes it on.
fn decide(story: &mut Story<'_, '_>, decisions: &mut Vec<(&str, bool)>) -> (String, MemberId) {
    let family = story.family;
    let at = story.rng.between(0, decisions.len() as i64 - 1) as usize;
    let (text, by_family) = decisions.remove(at);
    let owner = if by_family {
        family.caregivers[0].id
    } else {
        story.rng.pick(&family.team).id
    };
    (story.fill(text), owner)
}
