//! Alliance's own check-in, asked of students and caregivers: five items scored 0–10,
//! in words written for Alliance (no licensed scale's wording), for adults and for
//! children, in English and Spanish. And the rule that turns an answer into a concern.

use crate::model::DistrictSettings;
use crate::values::{FeedbackAudience, FeedbackItem};

/// The lowest and highest score of every item.
pub const SCALE: (i32, i32) = (0, 10);

/// The check-in as one respondent sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Instrument {
    pub audience: FeedbackAudience,
    /// The language the texts are actually in (`en`, `es`).
    pub language: &'static str,
    pub items: Vec<InstrumentItem>,
    /// What 0 means.
    pub min_label: &'static str,
    /// What 10 means.
    pub max_label: &'static str,
}

/// One item of the check-in.
#[derive(Clone, Debug, PartialEq)]
pub struct InstrumentItem {
    pub key: FeedbackItem,
    pub text: &'static str,
}

/// The languages the check-in is written in.
pub const LANGUAGES: &[&str] = &["en", "es"];

struct Texts {
    items: [&'static str; 5],
    min_label: &'static str,
    max_label: &'static str,
}

const ITEMS: [FeedbackItem; 5] = [
    FeedbackItem::Supported,
    FeedbackItem::Understood,
    FeedbackItem::Centered,
    FeedbackItem::Goals,
    FeedbackItem::Approach,
];

fn texts(audience: FeedbackAudience, language: &str) -> Texts {
    match (audience, language) {
        (FeedbackAudience::Adult, "es") => Texts {
            items: [
                "Me siento apoyado o apoyada por el equipo.",
                "El equipo entiende nuestra situación y lo que nos importa.",
                "Nuestra experiencia y nuestro punto de vista guían lo que hace el equipo.",
                "Las metas en las que trabajamos son las que nos importan.",
                "La forma de trabajar del equipo es la adecuada para nosotros.",
            ],
            min_label: "Para nada",
            max_label: "Totalmente",
        },
        (FeedbackAudience::Child, "es") => Texts {
            items: [
                "Los adultos de mi equipo me ayudan cuando lo necesito.",
                "Los adultos de mi equipo entienden lo que estoy viviendo.",
                "Mi equipo escucha lo que yo pienso.",
                "Trabajamos en cosas que me importan a mí.",
                "Me gusta cómo me ayuda mi equipo.",
            ],
            min_label: "Nada",
            max_label: "Muchísimo",
        },
        (FeedbackAudience::Child, _) => Texts {
            items: [
                "The grown-ups on my team help me when I need it.",
                "The grown-ups on my team get what I am going through.",
                "My team listens to what I think.",
                "We are working on things I care about.",
                "I like the way my team is helping me.",
            ],
            min_label: "Not at all",
            max_label: "A whole lot",
        },
        (FeedbackAudience::Adult, _) => Texts {
            items: [
                "I feel supported by the team.",
                "The team understands our situation and what matters to us.",
                "Our experience and our point of view shape what the team does.",
                "The goals we are working on are the ones that matter to us.",
                "The way the team is working feels right for us.",
            ],
            min_label: "Not at all",
            max_label: "Completely",
        },
    }
}

/// The language of the check-in for someone who asked for `requested` (a BCP 47 tag):
/// its primary language when we have it, English otherwise.
pub fn language_for(requested: Option<&str>) -> &'static str {
    let primary = requested
        .and_then(|tag| tag.split('-').next())
        .map(str::to_ascii_lowercase);
    LANGUAGES
        .iter()
        .copied()
        .find(|l| Some(*l) == primary.as_deref())
        .unwrap_or("en")
}

/// The check-in for `audience` in the language nearest `requested`.
pub fn instrument(audience: FeedbackAudience, requested: Option<&str>) -> Instrument {
    let language = language_for(requested);
    let texts = texts(audience, language);
    Instrument {
        audience,
        language,
        items: ITEMS
            .iter()
            .zip(texts.items)
            .map(|(key, text)| InstrumentItem { key: *key, text })
            .collect(),
        min_label: texts.min_label,
        max_label: texts.max_label,
    }
}

/// One answer to the check-in: a score for every item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scores {
    pub supported: i32,
    pub understood: i32,
    pub centered: i32,
    pub goals: i32,
    pub approach: i32,
}

impl Scores {
    /// Each item with its score, in the instrument's order.
    pub fn items(&self) -> [(FeedbackItem, i32); 5] {
        [
            (FeedbackItem::Supported, self.supported),
            (FeedbackItem::Understood, self.understood),
            (FeedbackItem::Centered, self.centered),
            (FeedbackItem::Goals, self.goals),
            (FeedbackItem::Approach, self.approach),
        ]
    }

    /// The sum of the scores, 0–50.
    pub fn total(&self) -> i32 {
        self.items().iter().map(|(_, s)| s).sum()
    }

    /// The first item outside 0–10, if any.
    pub fn out_of_range(&self) -> Option<FeedbackItem> {
        self.items()
            .iter()
            .find(|(_, s)| !(SCALE.0..=SCALE.1).contains(s))
            .map(|(item, _)| *item)
    }
}

/// Why an answer is a concern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConcernReason {
    /// An item at or below the district's item threshold.
    LowItem {
        item: FeedbackItem,
        score: i32,
        threshold: i32,
    },
    /// The total fell by at least the district's drop threshold since the respondent's
    /// previous answer.
    Drop {
        previous_total: i32,
        total: i32,
        threshold: i32,
    },
}

impl ConcernReason {
    /// The reason in words, for the team.
    pub fn describe(&self) -> String {
        match self {
            ConcernReason::LowItem {
                item,
                score,
                threshold,
            } => {
                format!("{} scored {score}, at or below {threshold}", item.as_str())
            }
            ConcernReason::Drop {
                previous_total,
                total,
                threshold,
            } => {
                format!(
                    "the total fell from {previous_total} to {total}, a drop of at least {threshold}"
                )
            }
        }
    }
}

/// The reasons an answer raises a concern (none: no concern), under the district's
/// thresholds, given the respondent's previous total if they answered before.
pub fn concerns(
    scores: &Scores,
    previous_total: Option<i32>,
    settings: &DistrictSettings,
) -> Vec<ConcernReason> {
    let threshold = settings.concern_item_threshold;
    let mut reasons: Vec<ConcernReason> = scores
        .items()
        .iter()
        .filter(|(_, score)| *score <= threshold)
        .map(|(item, score)| ConcernReason::LowItem {
            item: *item,
            score: *score,
            threshold,
        })
        .collect();
    if let Some(previous_total) = previous_total {
        let total = scores.total();
        if previous_total - total >= settings.concern_drop_threshold {
            reasons.push(ConcernReason::Drop {
                previous_total,
                total,
                threshold: settings.concern_drop_threshold,
            });
        }
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(score: i32) -> Scores {
        Scores {
            supported: score,
            understood: score,
            centered: score,
            goals: score,
            approach: score,
        }
    }

    #[test]
    fn the_instrument_has_five_items_in_english_and_spanish_for_adults_and_children() {
        for audience in FeedbackAudience::ALL {
            for language in LANGUAGES {
                let instrument = instrument(*audience, Some(language));
                assert_eq!(instrument.language, *language);
                let keys: Vec<_> = instrument.items.iter().map(|i| i.key).collect();
                assert_eq!(keys, ITEMS);
                assert!(instrument.items.iter().all(|i| !i.text.is_empty()));
            }
        }
        assert_ne!(
            instrument(FeedbackAudience::Adult, Some("en")).items,
            instrument(FeedbackAudience::Child, Some("en")).items
        );
    }

    #[test]
    fn a_regional_tag_uses_its_language_and_an_unknown_one_falls_back_to_english() {
        assert_eq!(
            instrument(FeedbackAudience::Adult, Some("es-MX")).language,
            "es"
        );
        assert_eq!(
            instrument(FeedbackAudience::Adult, Some("vi")).language,
            "en"
        );
        assert_eq!(instrument(FeedbackAudience::Child, None).language, "en");
    }

    #[test]
    fn concern_is_raised_when_an_item_is_at_the_threshold() {
        let mut scores = all(9);
        scores.centered = 6;
        let reasons = concerns(&scores, None, &DistrictSettings::default());
        assert_eq!(
            reasons,
            [ConcernReason::LowItem {
                item: FeedbackItem::Centered,
                score: 6,
                threshold: 6
            }]
        );
    }

    #[test]
    fn no_concern_when_every_item_is_above_the_threshold() {
        assert!(concerns(&all(7), Some(35), &DistrictSettings::default()).is_empty());
    }

    #[test]
    fn concern_is_raised_when_total_drops_by_five() {
        let reasons = concerns(&all(8), Some(45), &DistrictSettings::default());
        assert_eq!(
            reasons,
            [ConcernReason::Drop {
                previous_total: 45,
                total: 40,
                threshold: 5
            }]
        );
        assert!(
            concerns(&all(8), Some(44), &DistrictSettings::default()).is_empty(),
            "a drop of four is not"
        );
    }

    #[test]
    fn the_districts_thresholds_are_the_ones_applied() {
        let strict = DistrictSettings {
            concern_item_threshold: 7,
            concern_drop_threshold: 2,
            ..DistrictSettings::default()
        };
        assert_eq!(concerns(&all(7), None, &strict).len(), 5);
        assert_eq!(concerns(&all(9), Some(47), &strict).len(), 1);
    }

    #[test]
    fn scores_outside_zero_to_ten_are_found() {
        let mut scores = all(5);
        assert_eq!(scores.out_of_range(), None);
        scores.goals = 11;
        assert_eq!(scores.out_of_range(), Some(FeedbackItem::Goals));
        assert_eq!(all(10).total(), 50);
    }
}
