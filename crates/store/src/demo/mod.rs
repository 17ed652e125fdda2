//! A demo district, `demo`, to explore the API with: two schools, their staff, and 26
//! fictional students, each with an alliance of four to six members (the student, their
//! caregivers, school staff and a support person the family named), goals in the
//! student's or family's own words, and weeks of progress, numbers and narrative.
//!
//! Every name is made up. The data come from a fixed pseudo-random sequence, so each
//! load produces the same people, goals and trends; only the dates move, since the
//! history is laid out backwards from the moment of loading.
//!
//! Staff sign in as `staff-<name>` (`staff-rosa-delgado`), caregivers as
//! `family-<name>` (`family-maria-gonzalez`): mint a token with that `sub` and the
//! `demo` district to act as one of them.

use std::collections::{HashMap, HashSet};

use alliance_domain::DomainError;
use alliance_domain::ids::{DistrictId, MemberId, PersonId};
use alliance_domain::model::{Alliance, District, ExternalId, Goal, Measure, School};
use alliance_domain::values::{
    AchievementStatus, AlliancePhase, AllianceStatus, Direction, GoalDomain, GoalStatus,
    MemberRole, ProgressSource,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, Set};

use crate::entities::{alliance, goal, member, phase_change};
use crate::error::IntoDomain;
use crate::goals::NewGoal;
use crate::members::NewMember;
use crate::persons::NewPerson;
use crate::progress::NewProgress;
use crate::students::NewStudent;
use crate::{
    Store, StoreResult, Tx, alliances, districts, goals, members, persons, progress, schools,
    students,
};

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
        "demo district loaded"
    );
    Ok(outcome)
}

// ---------------------------------------------------------------------------------
// The data.

struct SchoolSeed {
    name: &'static str,
    sis_id: &'static str,
    staff: &'static [StaffSeed],
}

struct StaffSeed {
    name: &'static str,
    role: MemberRole,
    /// The grade a teacher teaches; support staff have none.
    grade: Option<&'static str>,
}

const fn teacher(name: &'static str, grade: &'static str) -> StaffSeed {
    StaffSeed {
        name,
        role: MemberRole::Teacher,
        grade: Some(grade),
    }
}

const fn support(name: &'static str, role: MemberRole) -> StaffSeed {
    StaffSeed {
        name,
        role,
        grade: None,
    }
}

const SCHOOLS: [SchoolSeed; 2] = [
    SchoolSeed {
        name: "Juniper Hills Elementary",
        sis_id: "110",
        staff: &[
            teacher("Rosa Delgado", "K"),
            teacher("Daniel Okafor", "1"),
            teacher("Emily Sorensen", "2"),
            teacher("Jamal Whitaker", "3"),
            teacher("Mei Lin Chen", "4"),
            teacher("Karen Lindqvist", "5"),
            support("Priya Raman", MemberRole::SchoolTherapist),
            support("Marcus Bell", MemberRole::Counselor),
            support("Tomás Herrera", MemberRole::BehavioralAide),
            support("Keisha Morgan", MemberRole::AfterschoolStaff),
        ],
    },
    SchoolSeed {
        name: "Riverbend Middle School",
        sis_id: "210",
        staff: &[
            teacher("Hannah Kowalski", "6"),
            teacher("Samuel Adeyemi", "7"),
            teacher("Laura Betancourt", "8"),
            support("Leilani Kahale", MemberRole::SchoolTherapist),
            support("Grace Nakamura", MemberRole::Counselor),
            support("Omar Haddad", MemberRole::BehavioralAide),
        ],
    },
];

struct StudentSeed {
    school: usize,
    /// Legal name; the last word is the family name.
    name: &'static str,
    preferred: Option<&'static str>,
    pronouns: &'static str,
    grade: &'static str,
    language: &'static str,
    /// The caregivers' language, when it differs from the student's.
    family_language: Option<&'static str>,
    /// Display name and relationship, in the family's words.
    caregivers: &'static [(&'static str, &'static str)],
}

const fn student(
    school: usize,
    name: &'static str,
    preferred: Option<&'static str>,
    pronouns: &'static str,
    grade: &'static str,
    language: &'static str,
    caregivers: &'static [(&'static str, &'static str)],
) -> StudentSeed {
    StudentSeed {
        school,
        name,
        preferred,
        pronouns,
        grade,
        language,
        family_language: None,
        caregivers,
    }
}

const fn with_family_language(seed: StudentSeed, language: &'static str) -> StudentSeed {
    StudentSeed {
        family_language: Some(language),
        ..seed
    }
}

const HE: &str = "he/him";
const SHE: &str = "she/her";
const THEY: &str = "they/them";

#[rustfmt::skip]
const STUDENTS: [StudentSeed; 26] = [
    student(0, "Mateo Alejandro Gonzalez", Some("Teo"), HE, "K", "es", &[("María Gonzalez", "mom"), ("Luis Gonzalez", "dad")]),
    student(0, "Amara Nwosu", None, SHE, "K", "en", &[("Chioma Nwosu", "mom")]),
    student(0, "Liam O'Brien", None, HE, "1", "en", &[("Siobhan O'Brien", "mom"), ("Kevin O'Brien", "dad")]),
    with_family_language(student(0, "Lan Nguyen", None, SHE, "1", "en", &[("Hoa Nguyen", "mom"), ("Tuyet Pham", "grandma")]), "vi"),
    student(0, "Jaylen Marcus Brooks", Some("Jay"), HE, "1", "en", &[("Denise Brooks", "grandma, I'm raising him")]),
    student(0, "Sofía Ramírez", None, SHE, "2", "es", &[("Guadalupe Ramírez", "mamá"), ("Ernesto Ramírez", "papá")]),
    with_family_language(student(0, "Ahmed Yusuf Hassan", None, HE, "2", "en", &[("Fadumo Ali", "hooyo (mom)")]), "so"),
    student(0, "Elena Petrova", Some("Lena"), SHE, "2", "ru", &[("Irina Petrova", "mom")]),
    student(0, "Kai Makoa Akana", None, THEY, "3", "en", &[("Noelani Akana", "mom"), ("Keoni Akana", "uncle")]),
    with_family_language(student(0, "Isabella Rose Martinez", Some("Bella"), SHE, "3", "en", &[("Carmen Martinez", "abuela")]), "es"),
    student(0, "Hiroshi Tanaka", Some("Hiro"), HE, "3", "ja", &[("Yumi Tanaka", "mom")]),
    student(0, "Zainab Abdullah", None, SHE, "4", "ar", &[("Samira Abdullah", "mom"), ("Karim Abdullah", "dad")]),
    student(0, "Dakota Rain Yazzie", None, SHE, "4", "en", &[("Loretta Yazzie", "grandma"), ("Tyrell Yazzie", "dad")]),
    student(0, "Gabriel Santos Silva", Some("Gabe"), HE, "4", "pt", &[("Ana Paula Silva", "mom")]),
    student(0, "Maya Rivka Goldberg", None, SHE, "5", "en", &[("Rachel Goldberg", "mom"), ("Sam Goldberg", "stepdad")]),
    student(0, "Andrés Felipe Castillo", Some("Andy"), HE, "5", "es", &[("Patricia Castillo", "mom")]),
    student(1, "Jordan Taylor Reed", Some("JT"), THEY, "6", "en", &[("Monique Reed", "mom")]),
    student(1, "Aaliyah Imani Johnson", None, SHE, "6", "en", &[("Tasha Johnson", "auntie, I live with her")]),
    with_family_language(student(1, "Minh Tran", None, HE, "6", "en", &[("Thanh Tran", "dad")]), "vi"),
    student(1, "Valeria Morales", Some("Vale"), SHE, "7", "es", &[("Rosa Morales", "mamá"), ("Javier Morales", "papá")]),
    student(1, "Ethan James Walker", None, HE, "7", "en", &[("Crystal Walker", "foster mom")]),
    with_family_language(student(1, "Anjali Sharma", None, SHE, "7", "en", &[("Sunita Sharma", "mom"), ("Raj Sharma", "dad")]), "hi"),
    student(1, "Malik Omari Davis", None, HE, "8", "en", &[("Renee Davis", "mom")]),
    with_family_language(student(1, "Camila Torres", None, SHE, "8", "en", &[("Lucía Torres", "tía, she takes care of me")]), "es"),
    student(1, "Wyatt Benjamin Cole", None, HE, "8", "en", &[("Brandy Cole", "mom"), ("Dale Cole", "grandpa")]),
    with_family_language(student(1, "Fatima Zahra Benali", Some("Zahra"), SHE, "8", "fr", &[("Khadija Benali", "mom")]), "ar"),
];

/// A support person the family names. A relative takes the student's family name and
/// is one person per family; anyone else is one person the whole district shares.
struct SupporterSeed {
    name: &'static str,
    role: MemberRole,
    relationship: &'static str,
    relative: bool,
}

const fn supporter(
    name: &'static str,
    role: MemberRole,
    relationship: &'static str,
    relative: bool,
) -> SupporterSeed {
    SupporterSeed {
        name,
        role,
        relationship,
        relative,
    }
}

#[rustfmt::skip]
const SUPPORTERS: [SupporterSeed; 12] = [
    supporter("Darnell Price", MemberRole::Coach, "basketball coach", false),
    supporter("Yolanda", MemberRole::Other, "my auntie", true),
    supporter("Eli Mensah", MemberRole::CommunitySupport, "youth pastor at our church", false),
    supporter("Brianna Lopez", MemberRole::CommunitySupport, "my mentor at the Boys & Girls Club", false),
    supporter("Ana Ferreira", MemberRole::Coach, "soccer coach", false),
    supporter("Walt Jensen", MemberRole::Other, "our neighbor who walks me to school", false),
    supporter("Leo", MemberRole::Other, "my big cousin", true),
    supporter("Ray Tsosie", MemberRole::CommunitySupport, "mentor from the tribal youth program", false),
    supporter("Kenji Mori", MemberRole::Coach, "my karate teacher", false),
    supporter("Nadia Farouk", MemberRole::CommunitySupport, "our family's counselor at the clinic", false),
    supporter("Bernadette", MemberRole::Other, "grandma, she picks me up on Fridays", true),
    supporter("Tamika Green", MemberRole::CommunitySupport, "my Big Sister from the mentoring program", false),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Voice {
    Student,
    Caregiver,
}

struct MeasureSeed {
    name: &'static str,
    unit: &'static str,
    baseline: f64,
    target: f64,
    /// The largest value the measure can take.
    max: f64,
}

struct GoalSeed {
    /// What the goal is about; an alliance has at most one goal per theme.
    theme: &'static str,
    /// The words as said. `{obj}` and `{pos}` stand for the student's pronouns.
    words: &'static str,
    voice: Voice,
    /// The language the words are in; a Spanish goal goes only to a Spanish-speaking family.
    language: &'static str,
    domain: GoalDomain,
    source: ProgressSource,
    measure: Option<MeasureSeed>,
}

const fn goal_seed(
    theme: &'static str,
    words: &'static str,
    voice: Voice,
    domain: GoalDomain,
    source: ProgressSource,
    measure: Option<MeasureSeed>,
) -> GoalSeed {
    GoalSeed {
        theme,
        words,
        voice,
        language: "en",
        domain,
        source,
        measure,
    }
}

const fn measure(
    name: &'static str,
    unit: &'static str,
    baseline: f64,
    target: f64,
    max: f64,
) -> Option<MeasureSeed> {
    Some(MeasureSeed {
        name,
        unit,
        baseline,
        target,
        max,
    })
}

const fn in_spanish(seed: GoalSeed) -> GoalSeed {
    GoalSeed {
        language: "es",
        ..seed
    }
}

use GoalDomain as D;
use ProgressSource as S;
use Voice::{Caregiver, Student};

#[rustfmt::skip]
const GOALS: [GoalSeed; 24] = [
    goal_seed("calming-down", "I want to be able to calm down without leaving class.", Student, D::Emotional, S::TeamObservation,
        measure("Times I left class to calm down", "times per week", 6.0, 1.0, 15.0)),
    goal_seed("friends", "I want to have someone to sit with at lunch.", Student, D::Social, S::SelfReport,
        measure("Lunches with a friend", "days per week", 1.0, 4.0, 5.0)),
    goal_seed("office", "I want to stop getting sent to the office.", Student, D::Behavioral, S::Record,
        measure("Office referrals", "per week", 3.0, 0.0, 10.0)),
    goal_seed("homework", "I want to turn in my homework without my mom having to fight me about it.", Student, D::Academic, S::Record,
        measure("Homework turned in", "percent", 40.0, 85.0, 100.0)),
    goal_seed("nerves", "I want to feel less nervous when I have to talk in front of the class.", Student, D::Emotional, S::SelfReport,
        measure("How nervous I felt", "0 to 10", 8.0, 4.0, 10.0)),
    goal_seed("attendance", "I want to come to school every day, even when my stomach hurts in the morning.", Student, D::Attendance, S::Record,
        measure("Days at school", "days per week", 3.0, 5.0, 5.0)),
    goal_seed("hands", "I want to use my words instead of my hands when I'm mad.", Student, D::Behavioral, S::TeamObservation,
        measure("Times I hit or pushed", "per week", 5.0, 0.0, 12.0)),
    goal_seed("sports", "I want to make it to the end of the season without getting benched for my attitude.", Student, D::Behavioral,
        S::TeamObservation, None),
    goal_seed("asking-for-help", "I want to be able to tell my teacher when I don't get something.", Student, D::Academic, S::TeamObservation,
        measure("Times I asked for help", "per week", 0.0, 3.0, 10.0)),
    goal_seed("sleep", "I want to sleep better so I'm not so tired at school.", Student, D::Health, S::SelfReport,
        measure("Nights asleep by 10", "nights per week", 2.0, 6.0, 7.0)),
    goal_seed("losing", "I don't want to get so mad when I lose a game.", Student, D::Emotional, S::TeamObservation, None),
    goal_seed("friends", "I want to make one real friend at this school.", Student, D::Social, S::SelfReport, None),
    goal_seed("mornings", "We want mornings to be less of a fight.", Caregiver, D::Family, S::CaregiverReport,
        measure("Calm mornings", "mornings per week", 1.0, 4.0, 5.0)),
    goal_seed("safety", "I want {obj} to feel safe at school again.", Caregiver, D::Emotional, S::SelfReport,
        measure("Feeling safe at school", "0 to 10", 3.0, 7.0, 10.0)),
    goal_seed("reading", "I want {obj} to be able to read a chapter book on {pos} own by summer.", Caregiver, D::Academic,
        S::CaregiverReport, measure("Minutes reading alone", "minutes per day", 5.0, 20.0, 60.0)),
    goal_seed("office", "I want {obj} to get through the school day without a call home.", Caregiver, D::Behavioral, S::Record,
        measure("Calls home", "per week", 4.0, 0.0, 5.0)),
    goal_seed("attendance", "We want {obj} to get to school on time.", Caregiver, D::Attendance, S::Record,
        measure("Late arrivals", "per week", 3.0, 0.0, 5.0)),
    goal_seed("friends", "I want {obj} to have friends who are good for {obj}.", Caregiver, D::Social, S::CaregiverReport, None),
    goal_seed("homework", "We want homework time to end without tears.", Caregiver, D::Family, S::CaregiverReport,
        measure("Homework nights without tears", "nights per week", 1.0, 4.0, 5.0)),
    goal_seed("opening-up", "I want {obj} to tell us what's bothering {obj} instead of shutting down.", Caregiver, D::Emotional,
        S::CaregiverReport, measure("Times we talked about a worry", "per week", 0.0, 3.0, 7.0)),
    goal_seed("trust", "I want {obj} to know that the people at school are on {pos} side.", Caregiver, D::Emotional,
        S::TeamObservation, None),
    in_spanish(goal_seed("mornings", "Queremos que las mañanas sean más tranquilas en casa.", Caregiver, D::Family, S::CaregiverReport,
        measure("Mañanas tranquilas", "mañanas por semana", 1.0, 4.0, 5.0))),
    in_spanish(goal_seed("friends", "Queremos que tenga con quién jugar en el recreo.", Caregiver, D::Social, S::TeamObservation,
        measure("Recreos jugando con otros niños", "días por semana", 1.0, 4.0, 5.0))),
    in_spanish(goal_seed("attendance", "Queremos que vaya a la escuela todos los días sin tanta angustia.", Caregiver, D::Attendance,
        S::Record, measure("Días en la escuela", "días por semana", 3.0, 5.0, 5.0))),
];

/// Notes on a week, by who observed it and how the week went. `{name}` is the student.
struct Notes {
    better: &'static [&'static str],
    steady: &'static [&'static str],
    harder: &'static [&'static str],
}

const TEAM_NOTES: Notes = Notes {
    better: &[
        "{name} had a strong week and used the plan with only one reminder.",
        "Smoother week for {name}; bounced back quickly after one hard moment on Thursday.",
        "{name} tried the new strategy without being prompted.",
        "Best week so far. {name} was proud and asked us to tell home about it.",
        "Good progress: {name} asked for a break instead of walking out.",
    ],
    steady: &[
        "About the same as last week. Mornings are still the hardest part for {name}.",
        "Steady week. {name} is using the check-in card most days.",
        "No big changes; we'll keep the plan as it is.",
        "Mixed week: two good days, two hard ones.",
    ],
    harder: &[
        "Harder week. A substitute all week seemed to throw {name} off.",
        "{name} was tired and short-tempered most of the week; family mentioned poor sleep.",
        "Rough Monday and Tuesday after the long weekend; better by Friday.",
        "Several hard moments at recess; talked each one through with {name} afterwards.",
    ],
};

const FAMILY_NOTES: Notes = Notes {
    better: &[
        "Better week at home. The morning chart helped.",
        "{name} told me about school on the way home, which almost never happens.",
        "Only one hard night this week. We noticed.",
    ],
    steady: &[
        "Some good days, some not. About the same as before.",
        "Hard to tell this week, we had family visiting.",
    ],
    harder: &[
        "Tough week. {name} didn't want to go to school Monday or Tuesday.",
        "Lots of tears at homework time again.",
        "Bedtime was a struggle all week, everyone was tired.",
    ],
};

const SELF_NOTES: Notes = Notes {
    better: &[
        "I felt better this week. The breathing thing worked.",
        "Good week. I only got really mad once.",
        "I liked this week.",
    ],
    steady: &["It was ok.", "Kind of the same as last week."],
    harder: &[
        "Bad week. Everybody was annoying me.",
        "I was really tired and didn't want to do anything.",
    ],
};

/// Notes for a week without a count.
const CONTEXT_NOTES: [&str; 5] = [
    "No count this week: {name} was absent Tuesday through Thursday.",
    "Short week (holiday), not enough days to count. Check-in with family went well.",
    "Assembly and fire drill week, schedule was off. {name} handled the changes better than expected.",
    "Family meeting this week; caregivers shared that things at home feel calmer.",
    "Substitute most of the week, so no count. Will pick back up next week.",
];

const CONTACT_PREFERENCES: [&str; 4] = [
    "Text after 5pm",
    "Email is best",
    "Call in the morning before work",
    "Text or call, either is fine",
];
const CONTACT_PREFERENCES_ES: [&str; 2] = [
    "Mensajes de texto en español, por favor",
    "Llamar después de las 4",
];

/// Where each alliance stands; most are doing the work.
const PHASES: [AlliancePhase; 9] = [
    AlliancePhase::Assessment,
    AlliancePhase::Planning,
    AlliancePhase::Intervention,
    AlliancePhase::Intervention,
    AlliancePhase::Intervention,
    AlliancePhase::Intervention,
    AlliancePhase::Review,
    AlliancePhase::Review,
    AlliancePhase::Transition,
];

fn phase_reason(phase: AlliancePhase) -> &'static str {
    match phase {
        AlliancePhase::Engagement => "First meeting with the family",
        AlliancePhase::Assessment => {
            "Family and team agreed to look more closely at what's going on"
        }
        AlliancePhase::Planning => "Enough known to set goals together",
        AlliancePhase::Intervention => "Goals agreed with the family at the planning meeting",
        AlliancePhase::Review => "Time to look back at what has worked",
        AlliancePhase::Transition => "Goals largely met; planning the hand-off",
    }
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

impl<'a> Loader<'a> {
    fn new(tx: &'a Tx, district: District) -> Self {
        Self {
            tx,
            rng: Rng(0x5EED_A111_A9CE_2026),
            now: crate::now(),
            subjects: HashSet::new(),
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

    async fn student(
        &mut self,
        index: usize,
        seed: &StudentSeed,
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
                .person(name, family_language, Some(subject), Some(contact))
                .await?;
            caregivers.push(
                self.member(
                    &alliance,
                    caregiver,
                    MemberRole::Caregiver,
                    Some(relationship),
                    false,
                    timeline.start,
                )
                .await?,
            );
        }
        for member in &team {
            self.member(
                &alliance,
                member.person,
                member.role,
                None,
                false,
                timeline.start,
            )
            .await?;
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
        self.member(
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
            caregiver: caregivers[0],
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
        for priority in 1..=count {
            let voice = if young || self.rng.chance(0.4) {
                Caregiver
            } else {
                Student
            };
            let spanish = family_language == "es" && voice == Caregiver;
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
            self.goal(
                &alliance,
                pick,
                &voices,
                priority as i32,
                &timeline,
                &context,
            )
            .await?;
        }
        Ok(())
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
        alliance::ActiveModel {
            id: Set(current.id.0),
            created_at: Set(timeline.start),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.alliances += 1;
        Ok(current)
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

    async fn goal(
        &mut self,
        alliance: &Alliance,
        seed: &GoalSeed,
        voices: &GoalVoices,
        priority: i32,
        timeline: &Timeline,
        context: &GoalContext<'_>,
    ) -> StoreResult<()> {
        let (obj, pos) = context.pronouns;
        let measure = match &seed.measure {
            Some(m) => {
                let direction = if m.target > m.baseline {
                    Direction::Increase
                } else {
                    Direction::Decrease
                };
                let target_date =
                    (timeline.goals_set + weeks(self.rng.between(14, 20))).date_naive();
                let measure = Measure {
                    name: m.name.into(),
                    unit: Some(m.unit.into()),
                    baseline: m.baseline,
                    target: m.target,
                    direction,
                    target_date: Some(target_date),
                };
                Some(alliance_domain::validate::measure("measure", measure)?)
            }
            None => None,
        };
        let status = match context.phase {
            AlliancePhase::Engagement | AlliancePhase::Assessment | AlliancePhase::Planning => {
                GoalStatus::Proposed
            }
            _ => GoalStatus::Active,
        };
        let created = goals::create(
            self.tx,
            NewGoal {
                alliance_id: alliance.id,
                own_words: seed.words.replace("{obj}", obj).replace("{pos}", pos),
                expressed_by: match seed.voice {
                    Student => voices.student,
                    Caregiver => voices.caregiver,
                },
                summary: None,
                domain: seed.domain,
                priority,
                status,
                measure,
            },
        )
        .await?;
        goal::ActiveModel {
            id: Set(created.id.0),
            created_at: Set(timeline.goals_set),
            updated_at: Set(timeline.goals_set),
            ..Default::default()
        }
        .update(self.tx)
        .await
        .domain()?;
        self.outcome.goals += 1;

        let latest = self.progress(&created, seed, timeline, context).await?;
        let reviewed = matches!(
            context.phase,
            AlliancePhase::Review | AlliancePhase::Transition
        );
        if reviewed && let (Some(measure), Some(latest)) = (&created.measure, latest) {
            self.assess(created.clone(), measure, latest, context)
                .await?;
        }
        Ok(())
    }

    /// An afternoon time on `day`'s date (between 15:00 and 18:00 UTC), never in the future.
    fn school_afternoon(&mut self, day: DateTime<Utc>) -> DateTime<Utc> {
        let minutes = self.rng.between(15 * 60, 18 * 60);
        let at = day.date_naive().and_time(chrono::NaiveTime::MIN).and_utc()
            + Duration::minutes(minutes);
        at.min(self.now - Duration::hours(1))
    }

    /// Weekly entries since the goal was set, along a noisy trend; returns the latest value.
    async fn progress(
        &mut self,
        goal: &Goal,
        seed: &GoalSeed,
        timeline: &Timeline,
        context: &GoalContext<'_>,
    ) -> StoreResult<Option<f64>> {
        // How far toward the target the trend gets by the last week.
        let reach = *self
            .rng
            .pick(&[1.0, 0.9, 0.7, 0.5, 0.5, 0.3, 0.1, 0.0, -0.25]);
        let notes = match seed.source {
            ProgressSource::SelfReport => &SELF_NOTES,
            ProgressSource::CaregiverReport => &FAMILY_NOTES,
            _ => &TEAM_NOTES,
        };
        let mut previous = seed.measure.as_ref().map(|m| m.baseline);
        let mut mood = 0.0_f64;
        let mut latest = None;
        for week in 1..=timeline.weeks {
            let day = timeline.goals_set + weeks(week) + Duration::days(self.rng.between(0, 3));
            let observed_at = self.school_afternoon(day);
            let (value, note) = match &seed.measure {
                Some(_) if self.rng.chance(0.12) => (None, Some(*self.rng.pick(&CONTEXT_NOTES))),
                Some(m) => {
                    let span = m.target - m.baseline;
                    let expected = m.baseline + span * reach * week as f64 / timeline.weeks as f64;
                    let value = (expected + self.rng.noise() * span.abs() * 0.35)
                        .round()
                        .clamp(0.0, m.max);
                    let better = (value - previous.unwrap_or(m.baseline)) * span.signum();
                    previous = Some(value);
                    let note = self
                        .rng
                        .chance(0.6)
                        .then(|| *self.rng.pick(trend_notes(notes, better)));
                    (Some(value), note)
                }
                None => {
                    mood = (mood + reach * 0.3 + self.rng.noise()).clamp(-1.5, 1.5);
                    (None, Some(*self.rng.pick(trend_notes(notes, mood - 0.2))))
                }
            };
            progress::create(
                self.tx,
                NewProgress {
                    goal_id: goal.id,
                    observed_at,
                    recorded_by: Some(context.recorder.person),
                    recorded_by_subject: context.recorder.subject.clone(),
                    value,
                    note: note.map(|n| n.replace("{name}", context.call_name)),
                    source: seed.source,
                },
            )
            .await?;
            self.outcome.progress_entries += 1;
            latest = value.or(latest);
        }
        Ok(latest)
    }

    /// At review, the team records how the goal is going: a kept revision of the goal.
    async fn assess(
        &mut self,
        current: Goal,
        measure: &Measure,
        latest: f64,
        context: &GoalContext<'_>,
    ) -> StoreResult<()> {
        let span = measure.target - measure.baseline;
        let share = (latest - measure.baseline) / span;
        let achievement = match share {
            s if s >= 1.0 => AchievementStatus::Achieved,
            s if s >= 0.25 => AchievementStatus::Improving,
            s if s < 0.0 => AchievementStatus::Worsening,
            _ => AchievementStatus::NoChange,
        };
        let status = if achievement == AchievementStatus::Achieved
            && context.phase == AlliancePhase::Transition
        {
            GoalStatus::Completed
        } else {
            current.status
        };
        let version = current.version;
        let changed = Goal {
            achievement_status: achievement,
            status,
            ..current.clone()
        };
        goals::update(
            self.tx,
            &current,
            changed,
            version,
            &context.recorder.subject,
        )
        .await?;
        Ok(())
    }
}

fn trend_notes(notes: &Notes, better: f64) -> &'static [&'static str] {
    if better > 0.0 {
        notes.better
    } else if better < 0.0 {
        notes.harder
    } else {
        notes.steady
    }
}

/// The members whose words a goal can be.
struct GoalVoices {
    student: MemberId,
    caregiver: MemberId,
}

/// What a goal's progress needs to know about its student and team.
struct GoalContext<'s> {
    call_name: &'s str,
    pronouns: (&'static str, &'static str),
    phase: AlliancePhase,
    /// The staff member who records the entries.
    recorder: &'s Staff,
}

#[cfg(test)]
mod tests {
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
}
