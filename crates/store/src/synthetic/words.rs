//! What the synthetic district's people say and do, in short varied sentences: goals in
//! the student's or caregiver's words with their measures, weekly notes, the family's
//! words, interventions and why, check-in comments, reflections and next steps.

use alliance_domain::values::{GoalDomain, ProgressSource, VoiceKind};

/// A goal as someone put it, with the measure the team keeps for it.
pub(super) struct GoalTemplate {
    pub(super) words: &'static str,
    pub(super) domain: GoalDomain,
    pub(super) source: ProgressSource,
    pub(super) measure: &'static str,
    pub(super) unit: &'static str,
    pub(super) baseline: f64,
    pub(super) target: f64,
    /// The largest value the measure can take (the smallest is 0).
    pub(super) max: f64,
}

const fn goal(
    words: &'static str,
    domain: GoalDomain,
    source: ProgressSource,
    (measure, unit): (&'static str, &'static str),
    (baseline, target, max): (f64, f64, f64),
) -> GoalTemplate {
    GoalTemplate {
        words,
        domain,
        source,
        measure,
        unit,
        baseline,
        target,
        max,
    }
}

use GoalDomain as D;
use ProgressSource as S;

/// The student's first goal, in their words.
#[rustfmt::skip]
pub(super) const STUDENT_GOALS: &[GoalTemplate] = &[
    goal("I want to calm down without leaving class.", D::Emotional, S::TeamObservation, ("Times I left class to calm down", "times per week"), (6.0, 1.0, 15.0)),
    goal("I want someone to sit with at lunch.", D::Social, S::SelfReport, ("Lunches with a friend", "days per week"), (1.0, 4.0, 5.0)),
    goal("I want to stop getting sent to the office.", D::Behavioral, S::Record, ("Office referrals", "per week"), (3.0, 0.0, 10.0)),
    goal("I want to ask for help when I'm stuck.", D::Academic, S::TeamObservation, ("Times I asked for help", "per week"), (0.0, 3.0, 10.0)),
    goal("I want to feel less nervous when I talk in class.", D::Emotional, S::SelfReport, ("How nervous I felt", "0 to 10"), (8.0, 4.0, 10.0)),
    goal("I want to use my words, not my hands, when I'm mad.", D::Behavioral, S::TeamObservation, ("Times I hit or pushed", "per week"), (5.0, 0.0, 12.0)),
];

/// The student's second goal, in their words.
#[rustfmt::skip]
pub(super) const MORE_STUDENT_GOALS: &[GoalTemplate] = &[
    goal("I want to turn in my homework.", D::Academic, S::Record, ("Homework turned in", "percent"), (40.0, 85.0, 100.0)),
    goal("I want to come to school every day.", D::Attendance, S::Record, ("Days at school", "days per week"), (3.0, 5.0, 5.0)),
    goal("I want to sleep better so I'm not so tired.", D::Health, S::SelfReport, ("Nights asleep by 10", "nights per week"), (2.0, 6.0, 7.0)),
    goal("I want to read a whole chapter book on my own.", D::Academic, S::TeamObservation, ("Minutes reading alone", "minutes per day"), (5.0, 20.0, 60.0)),
    goal("I don't want to get so mad when I lose a game.", D::Emotional, S::TeamObservation, ("Games that ended calmly", "per week"), (1.0, 4.0, 5.0)),
];

/// A caregiver's goal, in English.
#[rustfmt::skip]
pub(super) const CAREGIVER_GOALS: &[GoalTemplate] = &[
    goal("We want mornings to be less of a fight.", D::Family, S::CaregiverReport, ("Calm mornings", "mornings per week"), (1.0, 4.0, 5.0)),
    goal("We want our child to get to school on time.", D::Attendance, S::Record, ("Late arrivals", "per week"), (3.0, 0.0, 5.0)),
    goal("We want homework time to end without tears.", D::Family, S::CaregiverReport, ("Homework nights without tears", "nights per week"), (1.0, 4.0, 5.0)),
    goal("I want my child to tell us what's bothering them.", D::Emotional, S::CaregiverReport, ("Times we talked about a worry", "per week"), (0.0, 3.0, 7.0)),
    goal("I want my child to feel safe at school again.", D::Emotional, S::SelfReport, ("Feeling safe at school", "0 to 10"), (3.0, 7.0, 10.0)),
];

/// A caregiver's goal, in Spanish.
#[rustfmt::skip]
pub(super) const CAREGIVER_GOALS_ES: &[GoalTemplate] = &[
    goal("Queremos que las mañanas sean más tranquilas.", D::Family, S::CaregiverReport, ("Mañanas tranquilas", "mañanas por semana"), (1.0, 4.0, 5.0)),
    goal("Queremos que llegue a tiempo a la escuela.", D::Attendance, S::Record, ("Llegadas tarde", "por semana"), (3.0, 0.0, 5.0)),
    goal("Queremos que tenga con quién jugar en el recreo.", D::Social, S::TeamObservation, ("Recreos jugando con otros", "días por semana"), (1.0, 4.0, 5.0)),
];

/// Notes on a week's progress.
pub(super) const WEEK_NOTES: &[&str] = &[
    "Good week; used the plan with only one reminder.",
    "About the same as last week.",
    "Harder week after the long weekend.",
    "Tried the new strategy without being prompted.",
    "Mixed week: two good days, two hard ones.",
    "A substitute all week threw things off a bit.",
    "Best week so far, and proud of it.",
    "Family says things at home feel calmer.",
];

/// How a caregiver is related to the student, in the family's words.
pub(super) const RELATIONSHIPS: &[&str] = &["mom", "dad", "grandma", "auntie", "foster mom"];
pub(super) const RELATIONSHIPS_ES: &[&str] = &["mamá", "papá", "abuela"];

use VoiceKind::{Concern, Experience, Hope, Preference, Question, Strength};

/// What a caregiver says, in English.
#[rustfmt::skip]
pub(super) const CAREGIVER_WORDS: &[(VoiceKind, &str)] = &[
    (Experience, "Mornings are a battle, and by the time we get to the car we're both upset."),
    (Hope, "I just want to hear one good thing about the school day."),
    (Strength, "My child has the biggest heart and always notices when someone is sad."),
    (Question, "How will we know if the plan is working?"),
    (Preference, "Text me, please. I can't answer calls at work."),
    (Concern, "I'm worried my child is falling behind and doesn't tell us."),
];

/// What a caregiver says, in Spanish.
#[rustfmt::skip]
pub(super) const CAREGIVER_WORDS_ES: &[(VoiceKind, &str)] = &[
    (Experience, "Las mañanas son muy difíciles en la casa."),
    (Hope, "Quiero que tenga por lo menos un amigo en la escuela."),
    (Question, "¿Cómo vamos a saber si el plan está funcionando?"),
    (Preference, "Por favor, mándenme los mensajes en español."),
];

/// What a student says.
#[rustfmt::skip]
pub(super) const STUDENT_WORDS: &[(VoiceKind, &str)] = &[
    (Experience, "When I get mad my face gets hot and I just have to get out of there."),
    (Hope, "I just want one person who saves me a seat."),
    (Strength, "I'm really good at drawing. I could draw all day."),
    (Preference, "I like it better when teachers talk to me after class, not in front of everybody."),
    (Question, "Are you going to tell my family everything I say?"),
    (Experience, "It's too loud in the lunchroom. It hurts my ears."),
];

/// Something the team does, and why.
pub(super) struct InterventionTemplate {
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    pub(super) rationale: &'static str,
    pub(super) tier: i32,
    pub(super) frequency: &'static str,
    pub(super) minutes: Option<i32>,
}

#[rustfmt::skip]
pub(super) const INTERVENTIONS: &[InterventionTemplate] = &[
    InterventionTemplate {
        title: "Check-in/check-out with a trusted adult",
        description: "A morning check-in to set a goal for the day and a check-out before going home; the daily card goes home.",
        rationale: "A predictable adult and quick feedback help most, and the family asked to hear about the good days too.",
        tier: 2, frequency: "Every school day", minutes: Some(10),
    },
    InterventionTemplate {
        title: "Break card and calm-down spot in class",
        description: "A break card and a calm-down spot in the room for up to five minutes, then back to the lesson.",
        rationale: "Leaving class felt like the only way to cool off; a spot inside the room keeps the lesson and avoids trouble.",
        tier: 1, frequency: "As needed", minutes: Some(5),
    },
    InterventionTemplate {
        title: "Coping skills small group",
        description: "A weekly small group: naming feelings, noticing body signals, practising ways to calm down.",
        rationale: "The student and family both named big feelings as what gets in the way; practising while calm makes strategies usable.",
        tier: 2, frequency: "Once a week", minutes: Some(30),
    },
    InterventionTemplate {
        title: "Lunch bunch",
        description: "Lunch with the counselor and three classmates twice a week, with a game.",
        rationale: "Lunch is the loneliest part of the day; a small, structured lunch is a place to start friendships.",
        tier: 2, frequency: "Twice a week", minutes: Some(25),
    },
    InterventionTemplate {
        title: "Morning routine chart, home and school",
        description: "A picture chart of the morning steps, made at home, and a greeter at the school door.",
        rationale: "The family said mornings are where the day goes wrong; the same few steps and a warm welcome make it easier.",
        tier: 1, frequency: "Every school day", minutes: None,
    },
    InterventionTemplate {
        title: "Homework plan with a daily planner check",
        description: "The teacher checks the planner at the end of the day; the family signs it at night.",
        rationale: "Homework was forgotten between school and home; one planner both sides see closes the gap.",
        tier: 1, frequency: "Every school day", minutes: Some(5),
    },
];

pub(super) const DATA_SHARE_CHANNELS: &[alliance_domain::values::Channel] = &[
    alliance_domain::values::Channel::Email,
    alliance_domain::values::Channel::App,
    alliance_domain::values::Channel::Text,
    alliance_domain::values::Channel::InPerson,
];

/// Check-in comments: (content, concerned), by audience and language.
pub(super) const ADULT_COMMENTS: (&[&str], &[&str]) = (
    &[
        "Thank you for the updates.",
        "Things feel better this month.",
    ],
    &[
        "It feels like decisions are made before we are asked.",
        "We don't hear back when we call.",
    ],
);
pub(super) const ADULT_COMMENTS_ES: (&[&str], &[&str]) = (
    &["Gracias por mantenernos informados."],
    &["Siento que no nos escuchan."],
);
pub(super) const CHILD_COMMENTS: &[&str] = &["I like my team.", "The break card helps."];

/// A reflection: (notes, what to keep, what to change).
#[rustfmt::skip]
pub(super) const REFLECTIONS: &[(&str, &str, &str)] = &[
    ("Went through each goal's chart and the latest check-ins. The trend is moving the right way.",
     "Keep the weekly note home.", "Share the chart every two weeks instead of monthly."),
    ("Quick check-in: Mondays and days after a substitute are the hardest.",
     "Keep the daily check-in.", "Give a heads-up before a substitute."),
    ("Looked at what the family told us in the last check-in; we need to ask before we change the plan.",
     "Keep the intervention as it is for now.", "Call the family this week and listen first."),
];

/// A next step the team decides on.
pub(super) const NEXT_STEPS: &[&str] = &[
    "Send a short note home every Friday about how the week went.",
    "Ask the student what would make mornings easier.",
    "Schedule the next meeting at a time that works for the family.",
    "Share the progress chart with the family every two weeks.",
];

/// The next step that answers a concern.
pub(super) const CONCERN_STEP: &str = "Call the family this week to hear more about the last check-in and ask what to do differently.";
