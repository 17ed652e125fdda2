//! A demo district, `demo`, to explore the API with: two schools, their staff, and 26
//! fictional students, each with an alliance of four to six members (the student, their
//! caregivers, school staff and a support person the family named), goals in the
//! student's or family's own words, and weeks of progress, numbers and narrative.
//!
//! Around that, each alliance has its practices as a team would keep them: the family's
//! words (voice entries, one corrected), whether they stand behind each goal,
//! interventions with the reasons for them, explanations and monthly data shares (some
//! answered), check-ins asked every two or three weeks, the team's reflections and
//! next steps. Some alliances keep up every practice; others are due soon, overdue, or
//! have a concern raised in feedback that no next step answers yet.
//!
//! Every name is made up. The data come from a fixed pseudo-random sequence, so each
//! load produces the same people, goals, trends and stories; only the dates move, since
//! the history is laid out backwards from the moment of loading.
//!
//! Staff sign in as `staff-<name>` (`staff-rosa-delgado`), caregivers as
//! `family-<name>` (`family-maria-gonzalez`): mint a token with that `sub` and the
//! `demo` district to act as one of them.

use std::collections::{HashMap, HashSet};

use alliance_domain::DomainError;
use alliance_domain::ids::{DistrictId, PersonId};
use alliance_domain::model::{District, ExternalId, School};
use alliance_domain::values::MemberRole;
use chrono::{DateTime, Duration, Utc};

use crate::error::IntoDomain;
use crate::persons::NewPerson;
use crate::{Store, StoreResult, Tx, districts, persons, schools};

mod growth;
mod practice_seeds;
mod practices;
mod roster;
mod seeds;

use seeds::{SCHOOLS, STUDENTS, SchoolSeed};

/// The demo district's slug.
pub const SLUG: &str = "demo";
/// The demo district's name.
pub const NAME: &str = "Demo Unified School District";

/// What [`load`] did.
#[derive(Clone, Debug)]
pub struct DemoOutcome {
    /// Whether this call created the district; `false` when it already existed, in
    /// which case nothing was changed and every count is zero.
    pub created: bool,
    /// The demo district.
    pub district: District,
    pub schools: usize,
    pub persons: usize,
    pub students: usize,
    pub alliances: usize,
    pub members: usize,
    pub goals: usize,
    pub progress_entries: usize,
    /// Voice entries, a correction and team-only ones included.
    pub voice_entries: usize,
    /// Members' answers on goals (agree, disagree or pending).
    pub acceptances: usize,
    pub interventions: usize,
    /// Explanations, updates and data shares.
    pub communications: usize,
    /// The communications that are data shares.
    pub data_shares: usize,
    /// Family replies to communications.
    pub replies: usize,
    pub feedback_requests: usize,
    pub feedback_responses: usize,
    /// Responses that raised a concern.
    pub concerns: usize,
    /// Concerns a next step cites (the rest are open).
    pub concerns_answered: usize,
    pub reflections: usize,
    /// Next steps, those answering concerns included.
    pub next_steps: usize,
}

impl DemoOutcome {
    fn empty(district: District, created: bool) -> Self {
        Self {
            created,
            district,
            schools: 0,
            persons: 0,
            students: 0,
            alliances: 0,
            members: 0,
            goals: 0,
            progress_entries: 0,
            voice_entries: 0,
            acceptances: 0,
            interventions: 0,
            communications: 0,
            data_shares: 0,
            replies: 0,
            feedback_requests: 0,
            feedback_responses: 0,
            concerns: 0,
            concerns_answered: 0,
            reflections: 0,
            next_steps: 0,
        }
    }
}

/// Loads the demo district unless a district with slug `demo` exists already, in one
/// transaction: either all of it is there afterwards, or none of it.
pub async fn load(store: &Store) -> StoreResult<DemoOutcome> {
    if let Some(district) = districts::by_slug(store.db(), SLUG).await? {
        return Ok(DemoOutcome::empty(district, false));
    }
    let tx = store.begin().await?;
    let district = match districts::create(&tx, SLUG, NAME).await {
        Ok(district) => district,
        // Another process loaded it between the check and here.
        Err(DomainError::Conflict(_)) => {
            tx.rollback().await.domain()?;
            let district = districts::by_slug(store.db(), SLUG)
                .await?
                .ok_or(DomainError::NotFound("demo district"))?;
            return Ok(DemoOutcome::empty(district, false));
        }
        Err(other) => return Err(other),
    };
    let mut loader = Loader::new(&tx, district);
    loader.run().await?;
    let outcome = loader.outcome;
    tx.commit().await.domain()?;
    tracing::info!(
        students = outcome.students,
        goals = outcome.goals,
        entries = outcome.progress_entries,
        voice = outcome.voice_entries,
        interventions = outcome.interventions,
        shares = outcome.data_shares,
        responses = outcome.feedback_responses,
        concerns = outcome.concerns,
        reflections = outcome.reflections,
        next_steps = outcome.next_steps,
        "demo district loaded"
    );
    Ok(outcome)
}

// ---------------------------------------------------------------------------------
// The loader.

/// A fixed pseudo-random sequence (xorshift64*), so every load is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }

    /// The sequence of one alliance's practices, apart from the main one, so the people,
    /// goals and progress stay what they were before the practices were added.
    fn for_alliance(index: usize) -> Self {
        let mut rng =
            Rng(0xA111_A9CE_9AC7_1CE5 ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    /// Roughly normal: mean 0, standard deviation 1/2, within ±3/2.
    fn noise(&mut self) -> f64 {
        self.unit() + self.unit() + self.unit() - 1.5
    }
}

/// A staff member of a school.
struct Staff {
    person: PersonId,
    subject: String,
    role: MemberRole,
    grade: Option<&'static str>,
}

/// The timeline of one alliance, laid out backwards from now.
struct Timeline {
    start: DateTime<Utc>,
    goals_set: DateTime<Utc>,
    weeks: i64,
}

struct Loader<'a> {
    tx: &'a Tx,
    rng: Rng,
    now: DateTime<Utc>,
    subjects: HashSet<String>,
    /// Whether the district's one corrected voice entry has been recorded.
    corrected: bool,
    /// Support people the district shares, by name.
    community: HashMap<&'static str, PersonId>,
    outcome: DemoOutcome,
}

fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

fn weeks(n: i64) -> Duration {
    Duration::weeks(n)
}

/// An afternoon time on `day`'s date (between 15:00 and 18:00 UTC), never later than an
/// hour before `now`.
fn afternoon(rng: &mut Rng, now: DateTime<Utc>, day: DateTime<Utc>) -> DateTime<Utc> {
    let minutes = rng.between(15 * 60, 18 * 60);
    let at =
        day.date_naive().and_time(chrono::NaiveTime::MIN).and_utc() + Duration::minutes(minutes);
    at.min(now - Duration::hours(1))
}

impl<'a> Loader<'a> {
    fn new(tx: &'a Tx, district: District) -> Self {
        Self {
            tx,
            rng: Rng(0x5EED_A111_A9CE_2026),
            now: crate::now(),
            subjects: HashSet::new(),
            corrected: false,
            community: HashMap::new(),
            outcome: DemoOutcome::empty(district, true),
        }
    }

    fn district_id(&self) -> DistrictId {
        self.outcome.district.id
    }

    async fn run(&mut self) -> StoreResult<()> {
        let mut staff_by_school = Vec::new();
        for seed in &SCHOOLS {
            staff_by_school.push(self.school(seed).await?);
        }
        for (index, seed) in STUDENTS.iter().enumerate() {
            let (school, staff) = &staff_by_school[seed.school];
            self.student(index, seed, school, staff).await?;
        }
        Ok(())
    }

    /// A subject `prefix-<name>` no one in the district has yet.
    fn subject(&mut self, prefix: &str, name: &str) -> String {
        let base = format!("{prefix}-{}", slug(name));
        let mut subject = base.clone();
        let mut n = 2;
        while !self.subjects.insert(subject.clone()) {
            subject = format!("{base}-{n}");
            n += 1;
        }
        subject
    }

    async fn person(
        &mut self,
        name: &str,
        language: &str,
        subject: Option<String>,
        contact: Option<&str>,
    ) -> StoreResult<PersonId> {
        let person = persons::create(
            self.tx,
            NewPerson {
                district_id: self.district_id(),
                display_name: name.to_owned(),
                preferred_language: language.to_owned(),
                contact_preferences: contact.map(str::to_owned),
                external_ids: Vec::new(),
                subject,
            },
        )
        .await?;
        self.outcome.persons += 1;
        Ok(person.id)
    }

    async fn school(&mut self, seed: &SchoolSeed) -> StoreResult<(School, Vec<Staff>)> {
        let external = vec![ExternalId {
            system: "sis".into(),
            value: seed.sis_id.into(),
        }];
        let school = schools::create(self.tx, self.district_id(), seed.name, &external).await?;
        self.outcome.schools += 1;
        let mut staff = Vec::new();
        for member in seed.staff {
            let subject = self.subject("staff", member.name);
            let person = self
                .person(
                    member.name,
                    "en",
                    Some(subject.clone()),
                    Some("Email is best"),
                )
                .await?;
            staff.push(Staff {
                person,
                subject,
                role: member.role,
                grade: member.grade,
            });
        }
        Ok((school, staff))
    }
}

#[cfg(test)]
mod tests {
    use super::seeds::GOALS;
    use super::*;

    #[test]
    fn names_become_subject_slugs() {
        assert_eq!(slug("Tomás Herrera"), "tomas-herrera");
        assert_eq!(slug("Siobhan O'Brien"), "siobhan-o-brien");
    }

    #[test]
    fn every_measure_moves_within_its_range() {
        for seed in GOALS.iter().filter_map(|g| g.measure.as_ref()) {
            assert_ne!(seed.baseline, seed.target, "{}", seed.name);
            assert!(
                seed.baseline <= seed.max && seed.target <= seed.max,
                "{}",
                seed.name
            );
        }
    }

    #[test]
    fn the_sequence_is_fixed() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        assert!((0..100).all(|_| a.next() == b.next()));
        let mut r = Rng(7);
        assert!((0..1000).all(|_| (3..=5).contains(&r.between(3, 5))));
    }

    /// What a load holds, apart from ids and dates: the counts, and each alliance's
    /// practice health in student order.
    async fn fingerprint(now: DateTime<Utc>) -> (String, Vec<&'static str>) {
        use alliance_domain::access::{ReadScope, TeamReach};

        let test = crate::testing::TestDatabase::new().await;
        let store = test.store().await;
        let tx = store.begin().await.expect("begin");
        let district = districts::create(&tx, SLUG, NAME).await.expect("district");
        let settings = district.settings.clone();
        let mut loader = Loader::new(&tx, district);
        loader.now = now;
        loader.run().await.expect("load");
        let scope = ReadScope {
            district_id: loader.district_id(),
            whole_district: true,
            schools: Vec::new(),
            member: None,
            team: TeamReach::default(),
        };
        let page = |_| crate::Page {
            offset: 0,
            limit: 100,
        };
        let (students, _) = crate::students::list(&tx, &scope, &Default::default(), page)
            .await
            .expect("students");
        let ids: Vec<_> = students.iter().map(|s| s.id).collect();
        let mut alliances = crate::alliances::for_students(&tx, &scope, &ids)
            .await
            .expect("alliances");
        alliances.sort_by_key(|a| ids.iter().position(|id| *id == a.student_id));
        let alliance_ids: Vec<_> = alliances.iter().map(|a| a.id).collect();
        let facts = crate::health::facts(
            &tx,
            &scope,
            &alliance_ids,
            now,
            settings.feedback_cadence_days,
        )
        .await
        .expect("facts");
        let health = alliances
            .iter()
            .map(|a| {
                alliance_domain::health::assess(&facts[&a.id], &settings, now)
                    .status
                    .as_str()
            })
            .collect();
        // The counts, without the district's id and creation time.
        let outcome = format!("{:?}", loader.outcome);
        let counts = outcome[outcome.find("schools").expect("counts")..].to_owned();
        tx.rollback().await.expect("rollback");
        store.close().await.ok();
        test.cleanup().await;
        (counts, health)
    }

    #[tokio::test]
    async fn the_demo_is_the_same_whatever_the_time_of_day() {
        use chrono::TimeZone;

        let day = |h, m| Utc.with_ymd_and_hms(2026, 3, 2, h, m, 7).unwrap();
        let first = fingerprint(day(0, 5)).await;
        for now in [day(9, 0), day(15, 30), day(23, 55)] {
            assert_eq!(fingerprint(now).await, first, "loaded at {now}");
        }
    }
}
