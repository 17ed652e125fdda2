//! The family's voice: what the student and caregivers said, verbatim and attributed,
//! and whether they stand behind each goal.

use alliance_domain::ids::{GoalId, MemberId, VoiceEntryId};
use alliance_domain::model::VoiceEntry;
use alliance_domain::values::{Acceptance, AlliancePhase, Visibility, VoiceKind};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, Set};

use super::{FamilyMember, Story};
use crate::demo::Loader;
use crate::demo::practice_seeds::*;
use crate::entities::{goal_acceptance, voice_entry};
use crate::error::IntoDomain;
use crate::voice::NewVoice;
use crate::{StoreResult, acceptances, voice};

/// Who is speaking, and the words they might say.
#[derive(Clone, Copy)]
struct Speaker {
    member: MemberId,
    table: &'static [Said],
    language: &'static str,
}

/// Words to record as a voice entry.
struct Words {
    speaker: MemberId,
    kind: VoiceKind,
    words: String,
    language: &'static str,
    goal: GoalId,
    said_at: DateTime<Utc>,
    visibility: Visibility,
    supersedes: Option<VoiceEntryId>,
}

impl Loader<'_> {
    /// One to three things the student or a caregiver said, linked to a goal; the
    /// district's one correction; sometimes something told in confidence.
    pub(super) async fn voice(&mut self, story: &mut Story<'_, '_>) -> StoreResult<()> {
        let family = story.family;
        let timeline = family.timeline;
        let count = story.rng.between(1, 3);
        let mut times = vec![story.days_after(timeline.start, 2, 10)];
        let span = (story.now - timeline.goals_set).num_days() - 2;
        for _ in 1..count {
            times.push(story.days_after(timeline.goals_set, 1, span.max(1)));
        }
        times.sort();
        let mut used: Vec<&str> = Vec::new();
        for said_at in times {
            let speaker = speaker(story);
            let Some((said, goal)) = words(story, &speaker, &used) else {
                continue;
            };
            used.push(said.words);
            let words = Words {
                speaker: speaker.member,
                kind: said.kind,
                words: story.fill(said.words),
                language: speaker.language,
                goal,
                said_at,
                visibility: Visibility::Alliance,
                supersedes: None,
            };
            self.say(story, words).await?;
        }

        let first_goal = family.goals[0].0.id;
        if !self.corrected && !family.young() {
            self.corrected = true;
            let said_at = story.days_after(timeline.goals_set, 14, 28);
            let (misheard, meant) = MISHEARD;
            let first = Words {
                speaker: family.student,
                kind: VoiceKind::Experience,
                words: misheard.to_owned(),
                language: "en",
                goal: first_goal,
                said_at,
                visibility: Visibility::Alliance,
                supersedes: None,
            };
            let first = self.say(story, first).await?;
            let said_at = story.days_after(said_at, 2, 5);
            let correction = Words {
                speaker: first.speaker,
                kind: first.kind,
                words: meant.to_owned(),
                language: "en",
                goal: first_goal,
                said_at,
                visibility: Visibility::Alliance,
                supersedes: Some(first.id),
            };
            self.say(story, correction).await?;
        }

        if story.rng.chance(0.2) {
            let caregiver = &family.caregivers[0];
            let table = if caregiver.language == "es" {
                PRIVATE_WORDS_ES
            } else {
                PRIVATE_WORDS
            };
            let text = *story.rng.pick(table);
            let span = (story.now - timeline.start).num_days() - 3;
            let said_at = story.days_after(timeline.start, 3, span.max(3));
            let private = Words {
                speaker: caregiver.id,
                kind: VoiceKind::Experience,
                words: story.fill(text),
                language: if caregiver.language == "es" {
                    "es"
                } else {
                    "en"
                },
                goal: first_goal,
                said_at,
                visibility: Visibility::TeamOnly,
                supersedes: None,
            };
            self.say(story, private).await?;
        }
        Ok(())
    }

    /// Records words, as noted by a member of the team shortly after they were said.
    async fn say(&mut self, story: &mut Story<'_, '_>, words: Words) -> StoreResult<VoiceEntry> {
        let family = story.family;
        let recorder = if words.visibility == Visibility::TeamOnly {
            family.support()
        } else {
            story.rng.pick(&family.team)
        };
        let entry = voice::create(
            self.tx,
            NewVoice {
                alliance_id: family.alliance.id,
                speaker: words.speaker,
                recorded_by: Some(recorder.staff.person),
                recorded_by_subject: recorder.staff.subject.clone(),
                said_at: words.said_at,
                kind: words.kind,
                words: words.words,
                language: words.language.to_owned(),
                visibility: words.visibility,
                supersedes: words.supersedes,
                goals: vec![words.goal],
            },
        )
        .await?;
        let created_at = story.soon_after(words.said_at, 20, 300);
        voice_entry::ActiveModel {
            id: Set(entry.id.0),
            created_at: Set(created_at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.voice_entries += 1;
        Ok(VoiceEntry {
            created_at,
            ..entry
        })
    }

    /// Whether the caregivers, and a student of grade 3 or older, stand behind each goal:
    /// mostly yes; a caregiver in a few alliances disagrees, in their words; some have not
    /// answered yet, more so while goals are only proposed.
    pub(super) async fn acceptance(&mut self, story: &mut Story<'_, '_>) -> StoreResult<()> {
        let family = story.family;
        let proposed = family.phase < AlliancePhase::Intervention;
        let mut answering: Vec<(MemberId, Option<&FamilyMember>)> =
            family.caregivers.iter().map(|c| (c.id, Some(c))).collect();
        if !family.young() {
            answering.push((family.student, None));
        }
        // A caregiver may disagree with a goal someone else put in words.
        let mut disagreement = None;
        if story.rng.chance(0.2) {
            let options: Vec<(MemberId, GoalId)> = family
                .caregivers
                .iter()
                .flat_map(|c| {
                    family
                        .goals
                        .iter()
                        .filter(|(g, _)| g.expressed_by != c.id)
                        .map(|(g, _)| (c.id, g.id))
                })
                .collect();
            if !options.is_empty() {
                disagreement = Some(*story.rng.pick(&options));
            }
        }
        for (goal, _) in &family.goals {
            for (member, caregiver) in &answering {
                let spanish = caregiver.is_some_and(|c| c.language == "es");
                let (acceptance, comment) = if disagreement == Some((*member, goal.id)) {
                    let table = if spanish {
                        DISAGREEMENTS_ES
                    } else {
                        DISAGREEMENTS
                    };
                    let text = *story.rng.pick(table);
                    (Acceptance::Disagree, Some(story.fill(text)))
                } else if *member == goal.expressed_by {
                    (Acceptance::Agree, None)
                } else if story.rng.chance(if proposed { 0.5 } else { 0.1 }) {
                    (Acceptance::Pending, None)
                } else if story.rng.chance(0.15) {
                    let table = if spanish { AGREEMENTS_ES } else { AGREEMENTS };
                    (Acceptance::Agree, Some((*story.rng.pick(table)).to_owned()))
                } else {
                    (Acceptance::Agree, None)
                };
                // Caregivers often answer in the app; otherwise the teacher notes it.
                let by = match caregiver {
                    Some(c) if story.rng.chance(0.5) => c.subject.clone(),
                    _ => family.lead().staff.subject.clone(),
                };
                let recorded =
                    acceptances::set(self.tx, goal.id, *member, acceptance, comment, &by).await?;
                let recorded_at = story.days_after(goal.created_at, 1, 5);
                goal_acceptance::ActiveModel {
                    id: Set(recorded.id.0),
                    recorded_at: Set(recorded_at),
                    ..Default::default()
                }
                .update(self.tx)
                .await
                .domain()?;
                self.outcome.acceptances += 1;
            }
        }
        Ok(())
    }
}

/// The student (more often once past grade 2) or a caregiver.
fn speaker(story: &mut Story<'_, '_>) -> Speaker {
    let family = story.family;
    let student_speaks = story.rng.chance(if family.young() { 0.25 } else { 0.5 });
    if student_speaks {
        let (table, language) = if !family.young() {
            (STUDENT_WORDS, "en")
        } else if family.seed.language == "es" {
            (YOUNG_WORDS_ES, "es")
        } else {
            (YOUNG_WORDS, "en")
        };
        return Speaker {
            member: family.student,
            table,
            language,
        };
    }
    let caregiver = story.rng.pick(&family.caregivers);
    let (table, language) = if caregiver.language == "es" {
        (CAREGIVER_WORDS_ES, "es")
    } else {
        (CAREGIVER_WORDS, "en")
    };
    Speaker {
        member: caregiver.id,
        table,
        language,
    }
}

/// Words the speaker has not said yet: most often about one of the alliance's goals,
/// otherwise something general, linked to any of them.
fn words(
    story: &mut Story<'_, '_>,
    speaker: &Speaker,
    used: &[&str],
) -> Option<(&'static Said, GoalId)> {
    let goals = &story.family.goals;
    let fresh = |s: &&'static Said| !used.contains(&s.words);
    let themed: Vec<(&'static Said, GoalId)> = speaker
        .table
        .iter()
        .filter(fresh)
        .flat_map(|s| {
            goals
                .iter()
                .filter(move |(_, g)| g.theme == s.theme)
                .map(move |(goal, _)| (s, goal.id))
        })
        .collect();
    if !themed.is_empty() && story.rng.chance(0.7) {
        return Some(*story.rng.pick(&themed));
    }
    let general: Vec<&'static Said> = speaker
        .table
        .iter()
        .filter(fresh)
        .filter(|s| s.theme == "*")
        .collect();
    if general.is_empty() {
        return themed.first().copied();
    }
    let said = *story.rng.pick(&general);
    let goal = story.rng.pick(goals).0.id;
    Some((said, goal))
}
