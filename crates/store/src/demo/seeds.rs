//! The demo district's people and goals: schools and staff, students and their families,
//! the support people families name, goals in the student's or family's words, and the
//! notes the team and family write on a week's progress. Every name is made up.

use alliance_domain::values::{AlliancePhase, GoalDomain, MemberRole, ProgressSource};

pub(super) struct SchoolSeed {
    pub(super) name: &'static str,
    pub(super) sis_id: &'static str,
    pub(super) staff: &'static [StaffSeed],
}

pub(super) struct StaffSeed {
    pub(super) name: &'static str,
    pub(super) role: MemberRole,
    /// The grade a teacher teaches; support staff have none.
    pub(super) grade: Option<&'static str>,
}

pub(super) const fn teacher(name: &'static str, grade: &'static str) -> StaffSeed {
    StaffSeed {
        name,
        role: MemberRole::Teacher,
        grade: Some(grade),
    }
}

pub(super) const fn support(name: &'static str, role: MemberRole) -> StaffSeed {
    StaffSeed {
        name,
        role,
        grade: None,
    }
}

pub(super) const SCHOOLS: [SchoolSeed; 2] = [
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

pub(super) struct StudentSeed {
    pub(super) school: usize,
    /// Legal name; the last word is the family name.
    pub(super) name: &'static str,
    pub(super) preferred: Option<&'static str>,
    pub(super) pronouns: &'static str,
    pub(super) grade: &'static str,
    pub(super) language: &'static str,
    /// The caregivers' language, when it differs from the student's.
    pub(super) family_language: Option<&'static str>,
    /// Display name and relationship, in the family's words.
    pub(super) caregivers: &'static [(&'static str, &'static str)],
}

pub(super) const fn student(
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

pub(super) const fn with_family_language(seed: StudentSeed, language: &'static str) -> StudentSeed {
    StudentSeed {
        family_language: Some(language),
        ..seed
    }
}

pub(super) const HE: &str = "he/him";
pub(super) const SHE: &str = "she/her";
pub(super) const THEY: &str = "they/them";

#[rustfmt::skip]
pub(super) const STUDENTS: [StudentSeed; 26] = [
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
pub(super) struct SupporterSeed {
    pub(super) name: &'static str,
    pub(super) role: MemberRole,
    pub(super) relationship: &'static str,
    pub(super) relative: bool,
}

pub(super) const fn supporter(
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
pub(super) const SUPPORTERS: [SupporterSeed; 12] = [
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
pub(super) enum Voice {
    Student,
    Caregiver,
}

pub(super) struct MeasureSeed {
    pub(super) name: &'static str,
    pub(super) unit: &'static str,
    pub(super) baseline: f64,
    pub(super) target: f64,
    /// The largest value the measure can take.
    pub(super) max: f64,
}

pub(super) struct GoalSeed {
    /// What the goal is about; an alliance has at most one goal per theme.
    pub(super) theme: &'static str,
    /// The words as said. `{obj}` and `{pos}` stand for the student's pronouns.
    pub(super) words: &'static str,
    pub(super) voice: Voice,
    /// The language the words are in; a Spanish goal goes only to a Spanish-speaking family.
    pub(super) language: &'static str,
    pub(super) domain: GoalDomain,
    pub(super) source: ProgressSource,
    pub(super) measure: Option<MeasureSeed>,
}

pub(super) const fn goal_seed(
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

pub(super) const fn measure(
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

pub(super) const fn in_spanish(seed: GoalSeed) -> GoalSeed {
    GoalSeed {
        language: "es",
        ..seed
    }
}

use GoalDomain as D;
use ProgressSource as S;
use Voice::{Caregiver, Student};

#[rustfmt::skip]
pub(super) const GOALS: [GoalSeed; 24] = [
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
pub(super) struct Notes {
    pub(super) better: &'static [&'static str],
    pub(super) steady: &'static [&'static str],
    pub(super) harder: &'static [&'static str],
}

pub(super) const TEAM_NOTES: Notes = Notes {
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

pub(super) const FAMILY_NOTES: Notes = Notes {
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

pub(super) const SELF_NOTES: Notes = Notes {
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
pub(super) const CONTEXT_NOTES: [&str; 5] = [
    "No count this week: {name} was absent Tuesday through Thursday.",
    "Short week (holiday), not enough days to count. Check-in with family went well.",
    "Assembly and fire drill week, schedule was off. {name} handled the changes better than expected.",
    "Family meeting this week; caregivers shared that things at home feel calmer.",
    "Substitute most of the week, so no count. Will pick back up next week.",
];

pub(super) const CONTACT_PREFERENCES: [&str; 4] = [
    "Text after 5pm",
    "Email is best",
    "Call in the morning before work",
    "Text or call, either is fine",
];
pub(super) const CONTACT_PREFERENCES_ES: [&str; 2] = [
    "Mensajes de texto en español, por favor",
    "Llamar después de las 4",
];

/// Where each alliance stands; most are doing the work.
pub(super) const PHASES: [AlliancePhase; 9] = [
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

pub(super) fn phase_reason(phase: AlliancePhase) -> &'static str {
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
