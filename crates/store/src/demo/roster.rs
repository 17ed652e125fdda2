//! The people of each alliance: the student, the alliance and its phases, and the
//! members (caregivers, the school team, the family's own choice of supporter); then
//! the goals and their progress, and the alliance's practices.

use alliance_domain::ids::{MemberId, PersonId};
use alliance_domain::model::{Alliance, ExternalId, School};
use alliance_domain::values::{AlliancePhase, AllianceStatus, MemberRole};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, Set};

use super::growth::{GoalContext, GoalVoices};
use super::practices::{Family, FamilyMember, TeamMember};
use super::seeds::{
    CONTACT_PREFERENCES, CONTACT_PREFERENCES_ES, GOALS, GoalSeed, HE, PHASES, SHE, SUPPORTERS,
    StudentSeed, Voice, phase_reason,
};
use super::{Loader, Staff, Timeline, weeks};
use crate::entities::{alliance, member, phase_change};
use crate::error::IntoDomain;
use crate::members::NewMember;
use crate::students::NewStudent;
use crate::{StoreResult, alliances, members, students};

impl Loader<'_> {
    pub(super) async fn student(
        &mut self,
        index: usize,
        seed: &'static StudentSeed,
        school: &School,
        staff: &[Staff],
    ) -> StoreResult<()> {
        let family_name = seed.name.rsplit(' ').next().unwrap_or(seed.name);
        let first_name = seed.name.split(' ').next().unwrap_or(seed.name);
        let call_name = seed.preferred.unwrap_or(first_name);
        let person = self
            .person(
                &format!("{call_name} {family_name}"),
                seed.language,
                None,
                None,
            )
            .await?;
        let student = students::create(
            self.tx,
            NewStudent {
                district_id: self.district_id(),
                school_id: school.id,
                person_id: person,
                name: seed.name.to_owned(),
                preferred_name: seed.preferred.map(str::to_owned),
                pronouns: Some(seed.pronouns.to_owned()),
                grade_level: seed.grade.to_owned(),
                preferred_language: seed.language.to_owned(),
                external_ids: vec![ExternalId {
                    system: "sis".into(),
                    value: format!("S{:06}", 240_101 + index),
                }],
            },
        )
        .await?;
        self.outcome.students += 1;

        let weeks_of_progress = self.rng.between(6, 12);
        let day = self.now - weeks(weeks_of_progress + 1) - Duration::days(self.rng.between(0, 3));
        let goals_set = self.school_afternoon(day);
        let day = goals_set - weeks(3) - Duration::days(self.rng.between(0, 6));
        let start = self.school_afternoon(day);
        let timeline = Timeline {
            start,
            goals_set,
            weeks: weeks_of_progress,
        };

        // The school team: the student's teacher, and often one support staff member.
        let teacher = staff
            .iter()
            .find(|s| s.grade == Some(seed.grade))
            .unwrap_or(&staff[0]);
        let mut team = vec![teacher];
        if self.rng.chance(0.6) {
            let support: Vec<&Staff> = staff.iter().filter(|s| s.grade.is_none()).collect();
            team.push(*self.rng.pick(&support));
        }

        let phase = *self.rng.pick(&PHASES);
        let alliance = self
            .alliance(&student, school, phase, &timeline, &team[0].subject)
            .await?;

        // Members: the student, caregivers, the team, and the family's own choice.
        let family_language = seed.family_language.unwrap_or(seed.language);
        let student_member = self
            .member(
                &alliance,
                person,
                MemberRole::Student,
                None,
                false,
                timeline.start,
            )
            .await?;
        let mut caregivers = Vec::new();
        for (name, relationship) in seed.caregivers {
            let subject = self.subject("family", name);
            let contact = if family_language == "es" {
                *self.rng.pick(&CONTACT_PREFERENCES_ES)
            } else {
                *self.rng.pick(&CONTACT_PREFERENCES)
            };
            let caregiver = self
                .person(name, family_language, Some(subject.clone()), Some(contact))
                .await?;
            let id = self
                .member(
                    &alliance,
                    caregiver,
                    MemberRole::Caregiver,
                    Some(relationship),
                    false,
                    timeline.start,
                )
                .await?;
            caregivers.push(FamilyMember {
                id,
                subject,
                name,
                language: family_language,
            });
        }
        let mut team_members = Vec::new();
        for member in &team {
            let id = self
                .member(
                    &alliance,
                    member.person,
                    member.role,
                    None,
                    false,
                    timeline.start,
                )
                .await?;
            team_members.push(TeamMember { id, staff: member });
        }
        let supporter = &SUPPORTERS[(index * 5 + 3) % SUPPORTERS.len()];
        let supporter_person = if supporter.relative {
            self.person(
                &format!("{} {family_name}", supporter.name),
                family_language,
                None,
                None,
            )
            .await?
        } else if let Some(person) = self.community.get(supporter.name) {
            *person
        } else {
            let person = self.person(supporter.name, "en", None, None).await?;
            self.community.insert(supporter.name, person);
            person
        };
        let joined = timeline.start + Duration::days(self.rng.between(0, 14));
        let supporter_member = self
            .member(
                &alliance,
                supporter_person,
                supporter.role,
                Some(supporter.relationship),
                true,
                joined,
            )
            .await?;

        // Goals, in the student's or the family's words.
        let voices = GoalVoices {
            student: student_member,
            caregiver: caregivers[0].id,
        };
        let pronouns = match seed.pronouns {
            HE => ("him", "his"),
            SHE => ("her", "her"),
            _ => ("them", "their"),
        };
        // Young children's goals are put in words by their caregivers; a Spanish-speaking
        // family's, in Spanish.
        let young = matches!(seed.grade, "K" | "1" | "2");
        let count = self.rng.between(1, 3);
        let mut themes = Vec::new();
        let mut planted = Vec::new();
        for priority in 1..=count {
            let voice = if young || self.rng.chance(0.4) {
                Voice::Caregiver
            } else {
                Voice::Student
            };
            let spanish = family_language == "es" && voice == Voice::Caregiver;
            let candidates: Vec<&GoalSeed> = GOALS
                .iter()
                .filter(|g| {
                    g.voice == voice
                        && (g.language == "es") == spanish
                        && !themes.contains(&g.theme)
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let pick = *self.rng.pick(&candidates);
            themes.push(pick.theme);
            let context = GoalContext {
                call_name,
                pronouns,
                phase,
                recorder: team.last().copied().unwrap_or(teacher),
            };
            let goal = self
                .goal(
                    &alliance,
                    pick,
                    &voices,
                    priority as i32,
                    &timeline,
                    &context,
                )
                .await?;
            planted.push((goal, pick));
        }

        // What the alliance does together: voice, interventions, sharing, feedback,
        // reflections and next steps.
        let family = Family {
            index,
            seed,
            alliance: &alliance,
            call_name,
            pronouns,
            student: student_member,
            caregivers,
            team: team_members,
            supporter: supporter_member,
            timeline: &timeline,
            phase,
            goals: planted,
        };
        self.practices(&family).await
    }

    async fn alliance(
        &mut self,
        student: &alliance_domain::model::Student,
        school: &School,
        phase: AlliancePhase,
        timeline: &Timeline,
        by: &str,
    ) -> StoreResult<Alliance> {
        let mut current = alliances::create(
            self.tx,
            self.district_id(),
            student.id,
            school.id,
            AlliancePhase::Engagement,
            by,
        )
        .await?;
        let mut times = vec![timeline.start];
        for next in AlliancePhase::ALL
            .iter()
            .copied()
            .skip(1)
            .take_while(|p| *p <= phase)
        {
            current = alliances::change(
                self.tx,
                &current,
                next,
                AllianceStatus::Active,
                Some(phase_reason(next).to_owned()),
                by,
            )
            .await?;
            times.push(match next {
                AlliancePhase::Assessment => timeline.start + weeks(1),
                AlliancePhase::Planning => timeline.start + weeks(2),
                AlliancePhase::Intervention => timeline.goals_set + weeks(1),
                AlliancePhase::Review => self.now - weeks(2),
                _ => self.now - Duration::days(4),
            });
        }
        if self.rng.chance(0.1) {
            let reason = Some("Family asked for a pause while they move".to_owned());
            current =
                alliances::change(self.tx, &current, phase, AllianceStatus::Paused, reason, by)
                    .await?;
        }
        // The repositories stamp the present; lay the history out over the past weeks.
        let history = alliances::phase_history(self.tx, &[current.id]).await?;
        for (change, at) in history.iter().zip(&times) {
            phase_change::ActiveModel {
                id: Set(change.id.0),
                changed_at: Set(*at),
                ..Default::default()
            }
            .update(self.tx)
            .await
            .domain()?;
        }
        let updated_at = times.last().copied().unwrap_or(timeline.start);
        alliance::ActiveModel {
            id: Set(current.id.0),
            created_at: Set(timeline.start),
            updated_at: Set(updated_at),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.alliances += 1;
        Ok(Alliance {
            created_at: timeline.start,
            updated_at,
            ..current
        })
    }

    async fn member(
        &mut self,
        alliance: &Alliance,
        person: PersonId,
        role: MemberRole,
        relationship: Option<&str>,
        family_identified: bool,
        joined: DateTime<Utc>,
    ) -> StoreResult<MemberId> {
        let new = NewMember {
            alliance_id: alliance.id,
            person_id: person,
            role,
            relationship: relationship.map(str::to_owned),
            family_identified,
        };
        let added = members::add(self.tx, new).await?;
        member::ActiveModel {
            id: Set(added.id.0),
            joined_at: Set(joined),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.members += 1;
        Ok(added.id)
    }
}
