//! Each alliance's practices, laid out over its past weeks as a team would keep them:
//! the family's words, whether they stand behind each goal, interventions and why, the
//! explanation and monthly data shares, check-ins every two or three weeks, the team's
//! reflections and its next steps.
//!
//! Alliances differ in how well they keep up. Most are on track; some have a practice due
//! soon or overdue, or an open next step past its date; a paused alliance has let all of
//! them slip. About a third had a check-in raise a concern: half of those are answered by
//! a next step, the rest are still open. Every draw comes from the alliance's own
//! sequence ([`Rng::for_alliance`]), so the rest of the demo is as it was.

use alliance_domain::ids::{GoalId, MemberId};
use alliance_domain::model::{Alliance, Goal};
use alliance_domain::values::{AlliancePhase, AllianceStatus};
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::practice_seeds::STEPS;
use super::seeds::{GoalSeed, StudentSeed};
use super::{Loader, Rng, Staff, Timeline, afternoon};
use crate::StoreResult;

mod asking;
mod doing;
mod heard;
mod looking_back;
mod sharing;

/// One alliance as its practices see it: who is in it, its goals and its timeline.
pub(super) struct Family<'s> {
    pub(super) index: usize,
    pub(super) seed: &'static StudentSeed,
    pub(super) alliance: &'s Alliance,
    pub(super) call_name: &'s str,
    /// The student's object and possessive pronouns.
    pub(super) pronouns: (&'static str, &'static str),
    pub(super) student: MemberId,
    pub(super) caregivers: Vec<FamilyMember>,
    /// The teacher first, then a support staff member if there is one.
    pub(super) team: Vec<TeamMember<'s>>,
    pub(super) supporter: MemberId,
    pub(super) timeline: &'s Timeline,
    pub(super) phase: AlliancePhase,
    /// The goals as stored, with what they were made from.
    pub(super) goals: Vec<(Goal, &'static GoalSeed)>,
}

/// A caregiver in an alliance.
pub(super) struct FamilyMember {
    pub(super) id: MemberId,
    pub(super) subject: String,
    pub(super) name: &'static str,
    /// The language they speak.
    pub(super) language: &'static str,
}

/// A staff member in an alliance.
pub(super) struct TeamMember<'s> {
    pub(super) id: MemberId,
    pub(super) staff: &'s Staff,
}

impl Family<'_> {
    fn young(&self) -> bool {
        matches!(self.seed.grade, "K" | "1" | "2")
    }

    /// The teacher, who plans, explains and records most things.
    fn lead(&self) -> &TeamMember<'_> {
        &self.team[0]
    }

    /// The support staff member, or the teacher when there is none.
    fn support(&self) -> &TeamMember<'_> {
        self.team.get(1).unwrap_or(&self.team[0])
    }

    /// How the team would name a member in a note: first name.
    fn name_of(&self, member: MemberId) -> &str {
        if member == self.student {
            return self.call_name;
        }
        let name = self
            .caregivers
            .iter()
            .find(|c| c.id == member)
            .map_or(self.caregivers[0].name, |c| c.name);
        name.split(' ').next().unwrap_or(name)
    }
}

/// A practice an alliance can fall behind on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lapse {
    Feedback,
    Sharing,
    Reflection,
    /// An open next step past its due date.
    NextStep,
}

/// How an alliance keeps up its practices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keeping {
    Steady,
    DueSoon(Lapse),
    Overdue(Lapse),
    /// The alliance is paused: nothing has been done for weeks.
    Paused,
}

/// Whether a check-in raised a concern, and whether a next step answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Heard {
    Fine,
    OpenConcern,
    AnsweredConcern,
}

/// The alliance being written, with its own sequence of draws.
struct Story<'f, 's> {
    family: &'f Family<'s>,
    rng: Rng,
    now: DateTime<Utc>,
    keeping: Keeping,
    heard: Heard,
    /// The intervention the team talks about, by name in a sentence.
    short: &'static str,
    /// A next step that often follows that intervention.
    follow_up: &'static str,
    /// Who raised the concern, by first name.
    respondent: String,
}

impl Story<'_, '_> {
    /// An afternoon on `day`'s date, in the past.
    fn at(&mut self, day: DateTime<Utc>) -> DateTime<Utc> {
        afternoon(&mut self.rng, self.now, day)
    }

    /// An afternoon `low..=high` days after `from`.
    fn days_after(&mut self, from: DateTime<Utc>, low: i64, high: i64) -> DateTime<Utc> {
        let days = self.rng.between(low, high);
        self.at(from + Duration::days(days))
    }

    /// `low..=high` minutes after `from`, but before now.
    fn soon_after(&mut self, from: DateTime<Utc>, low: i64, high: i64) -> DateTime<Utc> {
        let minutes = self.rng.between(low, high);
        (from + Duration::minutes(minutes)).min(self.now - Duration::minutes(10))
    }

    fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// How many days ago the practice was last done, and when: recently when the
    /// alliance keeps up; just inside the district's cadence when it is due soon; past it
    /// when overdue.
    fn last_done(&mut self, practice: Lapse) -> (i64, DateTime<Utc>) {
        let days = match (self.keeping, practice) {
            (Keeping::Paused, Lapse::Sharing) => self.rng.between(32, 36),
            (Keeping::Paused, _) => self.rng.between(19, 26),
            (Keeping::DueSoon(lapse), Lapse::Sharing) if lapse == practice => 27,
            (Keeping::DueSoon(lapse), _) if lapse == practice => 13,
            (Keeping::Overdue(lapse), Lapse::Sharing) if lapse == practice => {
                self.rng.between(32, 36)
            }
            (Keeping::Overdue(lapse), _) if lapse == practice => self.rng.between(18, 28),
            (_, Lapse::Sharing) => self.rng.between(5, 20),
            _ => self.rng.between(2, 10),
        };
        (days, self.at(self.now - Duration::days(days)))
    }

    /// Fills a text's placeholders for this alliance.
    fn fill(&self, text: &str) -> String {
        let family = self.family;
        let caregiver = family.name_of(family.caregivers[0].id);
        text.replace("{name}", family.call_name)
            .replace("{obj}", family.pronouns.0)
            .replace("{pos}", family.pronouns.1)
            .replace("{caregiver}", caregiver)
            .replace("{short}", self.short)
            .replace("{respondent}", &self.respondent)
    }

    /// One of `table`'s texts, filled.
    fn fill_pick(&mut self, table: &[&str]) -> String {
        let text = *self.rng.pick(table);
        self.fill(text)
    }

    fn goal_ids(&self) -> Vec<GoalId> {
        self.family.goals.iter().map(|(g, _)| g.id).collect()
    }
}

impl Loader<'_> {
    /// Writes the practices of one alliance, after its goals and progress.
    pub(super) async fn practices(&mut self, family: &Family<'_>) -> StoreResult<()> {
        // One alliance in five has a practice due soon and one in five is behind, each
        // on a different practice in turn; a paused one has let them all slip.
        let lapses = [
            Lapse::Feedback,
            Lapse::Sharing,
            Lapse::Reflection,
            Lapse::NextStep,
        ];
        let turn = family.index / 5;
        let keeping = if family.alliance.status == AllianceStatus::Paused {
            Keeping::Paused
        } else {
            match family.index % 5 {
                1 => Keeping::DueSoon(lapses[turn % 3]),
                3 => Keeping::Overdue(lapses[turn % 4]),
                _ => Keeping::Steady,
            }
        };
        let heard = match (family.index % 3, family.index / 3 % 2) {
            (1, 0) => Heard::OpenConcern,
            (1, _) => Heard::AnsweredConcern,
            _ => Heard::Fine,
        };
        let mut story = Story {
            family,
            rng: Rng::for_alliance(family.index),
            now: self.now,
            keeping,
            heard,
            short: "the plan",
            follow_up: STEPS[0].0,
            respondent: family.name_of(family.caregivers[0].id).to_owned(),
        };
        self.voice(&mut story).await?;
        self.acceptance(&mut story).await?;
        let doing = self.interventions(&mut story).await?;
        self.communications(&mut story).await?;
        let answers = self.feedback(&mut story).await?;
        let looked_back = self.reflections(&mut story, &doing, &answers).await?;
        self.next_steps(&mut story, &answers, &looked_back).await
    }
}
