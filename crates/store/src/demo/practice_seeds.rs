//! What the demo's families and teams say and do: the family's words, interventions and
//! why, what the team tells the family, check-in comments, reflections and next steps.
//!
//! Placeholders: `{name}` is the student as the team calls them, `{obj}` and `{pos}` their
//! pronouns, `{caregiver}` the first caregiver's first name, `{respondent}` the first name
//! of whoever answered a check-in, `{short}` an intervention's short name.

use alliance_domain::values::{Channel, FeedbackAudience, VoiceKind};

/// Words a student or caregiver might say. `theme` matches a goal's theme (the words are
/// linked to that goal); `*` fits any goal.
pub(super) struct Said {
    pub(super) theme: &'static str,
    pub(super) kind: VoiceKind,
    pub(super) words: &'static str,
}

const fn said(theme: &'static str, kind: VoiceKind, words: &'static str) -> Said {
    Said { theme, kind, words }
}

use VoiceKind::{Concern, Experience, Hope, Preference, Question, Strength};

/// A student of grade 3 or older, in English.
#[rustfmt::skip]
pub(super) const STUDENT_WORDS: &[Said] = &[
    said("calming-down", Experience, "When I get mad my face gets hot and I just have to get out of there."),
    said("calming-down", Hope, "I want to stay in class. I just need somewhere to cool off that isn't the hallway."),
    said("friends", Experience, "At lunch I sit at the end of the table and nobody really talks to me."),
    said("friends", Hope, "I just want one person who saves me a seat."),
    said("office", Experience, "Sometimes I get in trouble for stuff other kids started."),
    said("office", Concern, "Every time I get sent out I miss the stuff I actually like, like science."),
    said("homework", Experience, "By the time I get home I forget what the homework even was."),
    said("homework", Preference, "I do better if I can do it right after school, not after dinner."),
    said("nerves", Experience, "When everybody looks at me my words come out wrong."),
    said("nerves", Preference, "I'd rather practice with just the teacher first."),
    said("attendance", Experience, "My stomach hurts every morning before school, but not on weekends."),
    said("hands", Experience, "When somebody says stuff about my family I just react before I think."),
    said("hands", Strength, "I stopped myself two times this week. I walked away."),
    said("sports", Hope, "Basketball is the thing I'm good at. I don't want to lose it."),
    said("sports", Experience, "Coach yells, then I yell back, and then I'm benched."),
    said("asking-for-help", Experience, "I don't raise my hand because then everybody knows I don't get it."),
    said("asking-for-help", Preference, "Can I put a sticky note on my desk instead of asking out loud?"),
    said("sleep", Experience, "I stay up on my phone because I can't fall asleep anyway."),
    said("losing", Experience, "When I lose it feels like everybody is laughing at me."),
    said("*", Strength, "I'm really good at drawing. I could draw all day."),
    said("*", Strength, "I'm good with little kids. I help with my cousins all the time."),
    said("*", Question, "Why do I have to go to the group when other kids don't?"),
    said("*", Question, "Are you going to tell my mom everything I say?"),
    said("*", Preference, "I like it better when teachers talk to me after class, not in front of everybody."),
];

/// A student in kindergarten to grade 2, in English.
#[rustfmt::skip]
pub(super) const YOUNG_WORDS: &[Said] = &[
    said("friends", Hope, "I want somebody to play tag with."),
    said("*", Experience, "It's too loud in the lunchroom. It hurts my ears."),
    said("*", Strength, "I'm the best at building towers. Mine was taller than me."),
    said("*", Preference, "I like when my teacher gives me a high five in the morning."),
];

/// A student in kindergarten to grade 2 who speaks Spanish.
#[rustfmt::skip]
pub(super) const YOUNG_WORDS_ES: &[Said] = &[
    said("friends", Hope, "Quiero tener un amigo para jugar en el recreo."),
    said("*", Experience, "No me gusta cuando gritan en el salón."),
    said("*", Strength, "Yo sé contar hasta cien en inglés y en español."),
];

/// A caregiver, in English.
#[rustfmt::skip]
pub(super) const CAREGIVER_WORDS: &[Said] = &[
    said("mornings", Experience, "Every morning is a battle over shoes and breakfast, and by the time we get to the car we're both in tears."),
    said("mornings", Hope, "I just want to drop {obj} off without either of us being upset."),
    said("safety", Concern, "Something happened at recess last year and {name} hasn't felt safe since. {name} won't tell me what."),
    said("safety", Hope, "I want {obj} to come home and tell me one good thing about the day."),
    said("reading", Experience, "{name} loves being read to but gives up as soon as I ask {obj} to read to me."),
    said("reading", Strength, "{name} remembers every story we read together, every little detail."),
    said("office", Experience, "I get a call from school almost every day. I'm scared to answer my phone at work."),
    said("office", Preference, "Please call me about the good days too, not just the bad ones."),
    said("attendance", Experience, "I start work at six, so {pos} grandpa drives {obj}, and some days it just doesn't happen."),
    said("friends", Concern, "The kids {name} hangs around with now are older, and I don't know any of them."),
    said("homework", Experience, "Homework takes three hours some nights and ends with everyone yelling."),
    said("opening-up", Experience, "{name} says 'fine' about everything. I find out what happened from other parents."),
    said("opening-up", Hope, "I want {obj} to know I won't get mad if {name} tells me the truth."),
    said("trust", Concern, "After last year I don't think {name} believes the adults at school like {obj}."),
    said("calming-down", Experience, "At home {name} goes to {pos} room and punches the pillow. At least that's safe."),
    said("hands", Concern, "{name} gets hit too, not just hitting. I want to know the other kids are being talked to as well."),
    said("sleep", Experience, "{name} is up until midnight most nights and I can't get {obj} up at seven."),
    said("asking-for-help", Strength, "{name} will help anybody else. {name} just won't ask for help."),
    said("*", Strength, "{name} has the biggest heart. {name} is the first to notice when someone is sad."),
    said("*", Strength, "{name} is so funny. Once {name} is comfortable, everybody is laughing."),
    said("*", Question, "How will we know if the plan is working?"),
    said("*", Question, "Who do I call if something happens at lunch?"),
    said("*", Preference, "Text me, please. I can't answer calls at work."),
];

/// A caregiver who speaks Spanish.
#[rustfmt::skip]
pub(super) const CAREGIVER_WORDS_ES: &[Said] = &[
    said("mornings", Experience, "Las mañanas son muy difíciles. No se quiere vestir y llegamos tarde casi todos los días."),
    said("mornings", Hope, "Quiero que salgamos de la casa sin pelear."),
    said("friends", Experience, "Me dice que en el recreo nadie quiere jugar."),
    said("friends", Hope, "Quiero que tenga por lo menos un amigo en la escuela."),
    said("attendance", Experience, "Todas las mañanas le duele el estómago y no quiere ir a la escuela."),
    said("attendance", Concern, "Me preocupa que se atrase en las clases por faltar tanto."),
    said("homework", Experience, "Las tareas nos toman toda la noche y terminamos peleando."),
    said("calming-down", Experience, "Cuando se enoja en la casa, le damos un rato en su cuarto y se le pasa."),
    said("*", Strength, "{name} tiene un corazón muy grande y siempre ayuda en la casa."),
    said("*", Experience, "Antes de ir a la escuela llora mucho y no sabemos por qué."),
    said("*", Question, "¿Cómo vamos a saber si el plan está funcionando?"),
    said("*", Preference, "Por favor, mándenme los mensajes en español."),
];

/// Something a caregiver tells a staff member in confidence, kept team-only.
#[rustfmt::skip]
pub(super) const PRIVATE_WORDS: &[&str] = &[
    "We lost our apartment last month and we're staying with my sister for now. I don't want {name} to feel different at school.",
    "My mother is very sick, and {name} has been looking after the little ones after school. Please don't bring it up in front of the class.",
    "{pos} dad is not allowed to pick {obj} up. There's a court order, and I'll bring a copy to the office.",
];

/// The same, in Spanish.
pub(super) const PRIVATE_WORDS_ES: &[&str] = &[
    "Perdí mi trabajo hace dos semanas y estamos muy estresados en la casa. No quiero que {name} se preocupe.",
];

/// The district's one correction: what was first written down, and what the student
/// actually meant.
pub(super) const MISHEARD: (&str, &str) = (
    "I don't like my teacher.",
    "I didn't mean I don't like my teacher. I mean I don't like it when I get called on and I don't know the answer.",
);

/// Why a caregiver does not (yet) stand behind a goal.
#[rustfmt::skip]
pub(super) const DISAGREEMENTS: &[&str] = &[
    "I agree with the idea, but this isn't what I'm most worried about right now.",
    "I don't think this is the problem. {name} is fine at home; something is going on at school.",
    "This is too much at once. Can we start with something smaller?",
];
#[rustfmt::skip]
pub(super) const DISAGREEMENTS_ES: &[&str] = &[
    "No estoy de acuerdo. En la casa no tenemos ese problema; creo que algo pasa en la escuela.",
    "Está bien la meta, pero primero quiero que se sienta a gusto en la escuela.",
];
pub(super) const AGREEMENTS: &[&str] = &["Yes, this is exactly it.", "That's what we want."];
pub(super) const AGREEMENTS_ES: &[&str] = &["Sí, eso es lo que queremos."];

/// Who usually runs an intervention.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Runner {
    Teacher,
    Support,
}

/// Something the team does, and why.
pub(super) struct InterventionSeed {
    /// The goal themes it addresses.
    pub(super) themes: &'static [&'static str],
    pub(super) title: &'static str,
    /// The name in a sentence ("keep {short} as it is").
    pub(super) short: &'static str,
    pub(super) description: &'static str,
    pub(super) rationale: &'static str,
    pub(super) tier: i32,
    pub(super) frequency: &'static str,
    pub(super) minutes: Option<i32>,
    pub(super) runner: Runner,
    /// A next step that often follows it.
    pub(super) follow_up: &'static str,
}

#[rustfmt::skip]
pub(super) const INTERVENTIONS: &[InterventionSeed] = &[
    InterventionSeed {
        themes: &["office", "hands", "calming-down", "sports", "attendance", "homework"],
        title: "Check-in/check-out with a trusted adult", short: "the daily check-in",
        description: "{name} checks in each morning to set a goal for the day and checks out before going home; the daily card goes home so the family sees it.",
        rationale: "{name} does best with a predictable adult and quick feedback, and the family asked to hear about the good days as well as the hard ones. A daily card gives both.",
        tier: 2, frequency: "Every school day", minutes: Some(10), runner: Runner::Support,
        follow_up: "Send a photo of the daily card home every Friday.",
    },
    InterventionSeed {
        themes: &["calming-down", "hands", "losing"],
        title: "Break card and calm-down spot in class", short: "the break card",
        description: "{name} can show a break card and use a calm-down spot in the room for up to five minutes, then rejoin the lesson.",
        rationale: "{name} told us leaving class feels like the only way to cool off. A spot inside the room lets {obj} cool off without missing the lesson or getting in trouble for walking out.",
        tier: 1, frequency: "As needed", minutes: Some(5), runner: Runner::Teacher,
        follow_up: "Try the break card in art, music and PE too.",
    },
    InterventionSeed {
        themes: &["calming-down", "nerves", "losing", "hands", "opening-up", "safety"],
        title: "Coping skills small group", short: "the coping group",
        description: "A weekly small group: naming feelings, noticing body signals, and practising two or three ways to calm down.",
        rationale: "{name} and the family both named big feelings as what gets in the way. Practising strategies with peers while calm makes them easier to use in the moment.",
        tier: 2, frequency: "Once a week", minutes: Some(30), runner: Runner::Support,
        follow_up: "Ask {name} which calming strategy works best and put it on a card for {pos} desk.",
    },
    InterventionSeed {
        themes: &["friends"],
        title: "Lunch bunch", short: "the lunch bunch",
        description: "{name} and three classmates eat lunch with the counselor twice a week and play a game together.",
        rationale: "{name} said lunch is the loneliest part of the day. A small, structured lunch is a place to start friendships with an adult nearby to help.",
        tier: 2, frequency: "Twice a week", minutes: Some(25), runner: Runner::Support,
        follow_up: "Invite a classmate {name} chooses to join the lunch bunch.",
    },
    InterventionSeed {
        themes: &["friends", "hands", "losing"],
        title: "Structured recess games", short: "the recess games",
        description: "An adult starts a game at recess that {name} can join, with clear rules for taking turns and for losing.",
        rationale: "Most hard moments happen at recess, when there is little structure. A game with an adult nearby gives {name} a way in and a chance to practise losing well.",
        tier: 1, frequency: "Daily at recess", minutes: Some(15), runner: Runner::Support,
        follow_up: "Show the recess aides the game so it runs on days the usual adult is out.",
    },
    InterventionSeed {
        themes: &["mornings", "attendance", "sleep"],
        title: "Morning routine chart, home and school", short: "the morning routine",
        description: "A picture chart of the morning steps, made with {name} at home, and a greeter at the school door who is glad to see {obj}.",
        rationale: "The family said mornings are where the day goes wrong. The same few steps every day, and a warm welcome at the door, make getting to school easier.",
        tier: 1, frequency: "Every school day", minutes: None, runner: Runner::Teacher,
        follow_up: "Go over the morning chart with {name} and the family and drop the steps that are not needed.",
    },
    InterventionSeed {
        themes: &["attendance"],
        title: "Same-day attendance call", short: "the attendance call",
        description: "When {name} is absent, the counselor calls home by 9:30 to check in and plan the next day together.",
        rationale: "Absences were piling up without anyone asking why. A same-day call, meant to help and not to blame, lets us solve the problem with the family.",
        tier: 2, frequency: "On days {name} is absent", minutes: Some(10), runner: Runner::Support,
        follow_up: "Meet with the family about the days {name} missed and plan around them.",
    },
    InterventionSeed {
        themes: &["homework", "asking-for-help"],
        title: "Planner check and homework club", short: "the homework club",
        description: "The teacher checks {name}'s planner at the end of the day; {name} starts homework at the after-school club, where help is at hand.",
        rationale: "{name} forgets what is due, and homework at home ends in fights. Starting it at school, with help, keeps evenings at home calmer.",
        tier: 2, frequency: "Four afternoons a week", minutes: Some(45), runner: Runner::Teacher,
        follow_up: "Text the family a photo of the planner page every Friday.",
    },
    InterventionSeed {
        themes: &["asking-for-help", "nerves"],
        title: "Private help signal", short: "the help signal",
        description: "{name} puts a colored card on the desk when stuck, and the teacher comes by without calling attention to it.",
        rationale: "{name} told us asking out loud is embarrassing. A quiet signal gets {obj} help without an audience.",
        tier: 1, frequency: "Every lesson", minutes: None, runner: Runner::Teacher,
        follow_up: "Try the help signal in art, music and PE too.",
    },
    InterventionSeed {
        themes: &["nerves"],
        title: "Practice runs before presenting", short: "the practice runs",
        description: "{name} practises a presentation with the teacher or one friend first, then with a small group, before the whole class.",
        rationale: "{name} said the words come out wrong when everyone is looking. Building up in small steps lowers the fear while still doing the work.",
        tier: 1, frequency: "Before each presentation", minutes: Some(15), runner: Runner::Teacher,
        follow_up: "Let {name} present to a small group before the next class presentation.",
    },
    InterventionSeed {
        themes: &["sleep", "mornings"],
        title: "Bedtime routine plan with the family", short: "the bedtime plan",
        description: "A bedtime routine the family chose, with phones charging outside the bedroom, and a weekly check-in on how it is going.",
        rationale: "{name} is exhausted at school and the family is worn out at night. A routine the family picked themselves is one they can keep.",
        tier: 1, frequency: "Nightly, reviewed weekly", minutes: None, runner: Runner::Support,
        follow_up: "Call the family next week to hear how the bedtime routine is going.",
    },
    InterventionSeed {
        themes: &["safety", "trust", "opening-up", "calming-down"],
        title: "Individual counseling", short: "the counseling sessions",
        description: "Weekly one-on-one sessions with the school therapist.",
        rationale: "What {name} is carrying needs a private space and a steady adult. One-on-one sessions give {obj} both, at {pos} own pace.",
        tier: 3, frequency: "Once a week", minutes: Some(30), runner: Runner::Support,
        follow_up: "Ask {name} whether the sessions should move to another time of day.",
    },
    InterventionSeed {
        themes: &["sports", "losing"],
        title: "Game-day plan with the coach", short: "the game-day plan",
        description: "{name}, the coach and the counselor agree on a signal and a cool-down spot on the bench for frustrating moments in a game.",
        rationale: "Playing matters to {name} more than almost anything. A plan the coach is part of keeps {obj} in the game, with a way to handle frustration other than being benched.",
        tier: 2, frequency: "Every game and practice", minutes: None, runner: Runner::Support,
        follow_up: "Invite the coach to the next meeting to go over the game-day plan.",
    },
    InterventionSeed {
        themes: &["reading"],
        title: "Reading buddy and home reading log", short: "the reading buddy",
        description: "{name} reads with an older reading buddy three times a week, and ten minutes a night at home, logged on a chart the family keeps.",
        rationale: "The family's goal is reading on {pos} own by summer. Short, daily, successful practice at school and at home builds the habit and the confidence.",
        tier: 2, frequency: "Three times a week, and nightly at home", minutes: Some(20), runner: Runner::Teacher,
        follow_up: "Send home two new books at {name}'s level every Friday.",
    },
    InterventionSeed {
        themes: &["office", "hands", "trust"],
        title: "Restorative conversations after conflicts", short: "the restorative conversations",
        description: "After a conflict, {name} and the other student talk it through with an adult and agree how to make it right, instead of going straight to the office.",
        rationale: "Office referrals were not changing anything and {name} felt blamed. Talking it through keeps {obj} in class and teaches how to repair things.",
        tier: 2, frequency: "After each conflict", minutes: Some(15), runner: Runner::Support,
        follow_up: "Show the recess aides the short version of the restorative conversation.",
    },
    InterventionSeed {
        themes: &["safety", "trust", "opening-up"],
        title: "Safe adult and safe place plan", short: "the safe-adult plan",
        description: "{name} chose an adult to go to when worried and a place to go; every staff member who works with {obj} knows the plan.",
        rationale: "The family's hope is that {name} feels safe at school again. Knowing exactly who to go to, and where, puts some control back in {pos} hands.",
        tier: 2, frequency: "As needed", minutes: None, runner: Runner::Support,
        follow_up: "Remind every adult who works with {name}, substitutes included, of the safe-adult plan.",
    },
];

pub(super) const PLANNED_REASON: &str = "Planned with the family at the goal-setting meeting";
pub(super) const STARTED: &[&str] = &[
    "Family agreed at the planning meeting; starting this week",
    "Schedule worked out with the family; first session held",
    "{name} helped set it up and chose how it starts",
];
pub(super) const COMPLETED: &[&str] = &[
    "Goal met several weeks running; {name} and the family agreed to wrap it up",
    "{name} now uses the strategies without prompts; finishing as planned",
];
pub(super) const STOPPED: &[&str] = &[
    "Not helping after six weeks; the family and team agreed to try something else",
    "{name} said it felt babyish; stopping and asking {obj} what would help instead",
    "Clashed with {name}'s reading time; stopping rather than pulling {obj} from class",
];

/// What the team explains when the plan starts.
pub(super) const EXPLANATIONS: &[&str] = &[
    "Met with {caregiver} to go over the plan: {short}, why we chose it, and how we will track progress and share it every month.",
    "Explained to {caregiver} what {short} is and why the team thinks it fits what the family told us. Agreed to send progress monthly.",
];
pub(super) const EXPLANATION_NOTE_ES: &str = " (In Spanish, with the district interpreter.)";

/// A quick update between shares.
pub(super) const UPDATES: &[&str] = &[
    "Called {caregiver} to share a good day: {name} used the plan on {pos} own at recess.",
    "Texted {caregiver} a photo of {name}'s work after a great Thursday.",
    "Let {caregiver} know the schedule for {short} is moving next week, and why.",
];
/// The channel of each update above.
pub(super) const UPDATE_CHANNELS: [Channel; 3] = [Channel::Phone, Channel::Text, Channel::Phone];

/// A caregiver's reply to a data share.
pub(super) const REPLIES: &[&str] = &[
    "Thank you for sending this. We see the difference at home too.",
    "This is really helpful. Can we talk about why last week went down?",
    "Good to see. {name} was proud when I showed {obj} the chart.",
    "Thanks. Mornings are still hard here, so I'm glad school is going better.",
];
pub(super) const REPLIES_ES: &[&str] = &[
    "Gracias por mandarme la gráfica. En la casa también vemos el cambio.",
    "Gracias. ¿Podemos hablar de la semana que bajó?",
    "Le enseñé la gráfica a {name} y se puso muy feliz.",
];

/// Check-in comments in the respondent's words: (audience, language, fine, concerned).
#[rustfmt::skip]
pub(super) const COMMENTS: &[(FeedbackAudience, &str, &[&str], &[&str])] = &[
    (FeedbackAudience::Adult, "en",
        &["We feel listened to.", "The notes home have really helped us talk about school.", "Thank you for calling about the good days too."],
        &["I feel like I only hear from the school when something goes wrong.", "The plan feels like the school's plan, not ours.", "Nobody asked us before the schedule changed."]),
    (FeedbackAudience::Adult, "es",
        &["Nos sentimos escuchados.", "Gracias por mantenernos informados."],
        &["Siento que no me toman en cuenta cuando hablo en las reuniones.", "Nadie nos avisó del cambio de horario."]),
    (FeedbackAudience::Child, "en",
        &["I like my check-ins.", "The group is fun now.", "My teacher helps me more."],
        &["Nobody asks me what I want.", "The group is boring and the other kids laugh at me.", "I still get in trouble for stuff I didn't do."]),
    (FeedbackAudience::Child, "es",
        &["Me gusta el grupo.", "Ahora me ayudan más."],
        &["Nadie me pregunta lo que yo quiero."]),
];

/// A reflection: (notes, keep, change).
pub(super) type Looking = (&'static str, &'static str, &'static str);

#[rustfmt::skip]
pub(super) const CHECKINS: &[Looking] = &[
    ("Quick check-in after school. {name} had a good stretch; {short} seems to help most on days that start well.",
     "Keep {short} as it is.", "Ask {name} what would make Mondays easier."),
    ("Hallway check-in: the last two weeks were uneven. Looked at the chart together; Mondays and days after a substitute are the hardest.",
     "Keep the note home on Fridays; the family says it's the best part.", "Give {name} a heads-up when there will be a substitute."),
    ("Short check-in with the team about {name}. Progress is slow but steady, and {name} is starting to use the plan without reminders.",
     "Keep praising {name} in private, not in front of the class.", "Ask {name} what would make {short} work better."),
];

#[rustfmt::skip]
pub(super) const MEETINGS: &[Looking] = &[
    ("Team meeting: went through the chart for each goal and the latest check-ins. The trend is moving the right way, though not as fast as the aim line.",
     "Keep {short} and the monthly chart to the family.", "Send the chart every two weeks instead of monthly; the family wants to see it more often."),
    ("Review meeting. Looked at each goal in the family's words, what {short} has changed, and what the check-ins tell us about how the family feels.",
     "Keep meeting at pickup time; it works for the family.", "Ask {name} to lead part of the next meeting and say what is working."),
];

/// Notes of a reflection that looked at a concerning check-in.
#[rustfmt::skip]
pub(super) const CONCERN_NOTES: &[Looking] = &[
    ("Went over {respondent}'s last check-in, which was low on feeling heard. We have been deciding things and then telling the family. That has to change.",
     "Keep the progress updates; the family said those help.", "Ask before we change anything, and call {respondent} this week."),
    ("Looked at the drop in {respondent}'s check-in. Something changed in the last weeks and we did not notice; we need to ask, not guess.",
     "Keep {short} for now.", "Find a time that works for {respondent} to talk, and listen first."),
];

/// A next step that answers a concern: (for a caregiver's check-in, for a student's).
#[rustfmt::skip]
pub(super) const CONCERN_STEPS: &[(&str, &str)] = &[
    ("Call {respondent} this week to hear more about the last check-in and ask what we should do differently.",
     "Sit down with {name} this week, ask what is not working about {short}, and try {pos} idea for two weeks."),
    ("Set up a meeting at a time that works for {respondent} and plan the next month together.",
     "Let {name} choose between two options for {short} and tell the family what {name} picked."),
];

/// Other next steps, besides an intervention's follow-up: (decision, whether the family
/// takes it on).
#[rustfmt::skip]
pub(super) const STEPS: &[(&str, bool)] = &[
    ("Ask the support person the family named to join the next meeting.", false),
    ("Check in with {name} about lunch and recess and what would help there.", false),
    ("Send a short note home every Friday about how the week went.", false),
    ("Schedule the next meeting at a time that works for the family.", false),
    ("Write down the good moments at home this week to share at the next meeting.", true),
    ("Talk with {name} at home about what {name} wants to say at the next meeting.", true),
];

#[cfg(test)]
mod tests {
    use super::super::seeds::GOALS;
    use super::*;

    #[test]
    fn every_goal_theme_has_an_intervention() {
        for goal in &GOALS {
            assert!(
                INTERVENTIONS.iter().any(|i| i.themes.contains(&goal.theme)),
                "{}",
                goal.theme
            );
        }
    }

    fn placeholders_left(text: &str) -> bool {
        text.contains('{') || text.contains('}')
    }

    #[test]
    fn every_text_names_only_known_placeholders() {
        let known = [
            "{name}",
            "{obj}",
            "{pos}",
            "{caregiver}",
            "{respondent}",
            "{short}",
        ];
        let fill = |t: &str| known.iter().fold(t.to_owned(), |t, k| t.replace(k, "x"));
        let mut texts: Vec<&str> = Vec::new();
        for table in [
            STUDENT_WORDS,
            YOUNG_WORDS,
            YOUNG_WORDS_ES,
            CAREGIVER_WORDS,
            CAREGIVER_WORDS_ES,
        ] {
            texts.extend(table.iter().map(|s| s.words));
        }
        for table in [
            PRIVATE_WORDS,
            PRIVATE_WORDS_ES,
            DISAGREEMENTS,
            DISAGREEMENTS_ES,
            STARTED,
            COMPLETED,
            STOPPED,
            EXPLANATIONS,
            UPDATES,
            REPLIES,
            REPLIES_ES,
        ] {
            texts.extend(table.iter().copied());
        }
        for seed in INTERVENTIONS {
            texts.extend([
                seed.description,
                seed.rationale,
                seed.frequency,
                seed.follow_up,
            ]);
        }
        for (_, _, fine, low) in COMMENTS {
            texts.extend(fine.iter().chain(low.iter()).copied());
        }
        for (notes, keep, change) in CHECKINS.iter().chain(MEETINGS).chain(CONCERN_NOTES) {
            texts.extend([*notes, *keep, *change]);
        }
        for (a, b) in CONCERN_STEPS {
            texts.extend([*a, *b]);
        }
        texts.extend(STEPS.iter().map(|(t, _)| *t));
        for text in texts {
            assert!(!placeholders_left(&fill(text)), "{text}");
        }
    }
}
