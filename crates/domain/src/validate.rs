//! Checks on what people type, each naming the input field it is about, so a client
//! can put the message beside the right box.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::{DomainError, DomainResult};
use crate::model::Measure;

/// The longest name or short text we keep.
pub const MAX_NAME: usize = 200;
/// The longest statement or narrative we keep (a goal in own words, a note).
pub const MAX_TEXT: usize = 4000;
/// The longest language tag we take: RFC 5646 asks every implementation to take 35.
pub const MAX_LANGUAGE_TAG: usize = 35;
/// The longest grade label.
pub const MAX_GRADE: usize = 16;
/// The most items one list in an input may hold (records cited, external ids): every
/// item is looked up, so a list has to end somewhere.
pub const MAX_ITEMS: usize = 100;

/// The largest number a measure or a progress entry may hold, either side of zero: far
/// past any count, score or minutes, and small enough that trends, percentages and charts
/// computed from it stay finite.
pub const MAX_MAGNITUDE: f64 = 1e9;

/// The first year a date in a record may fall in.
pub const FIRST_YEAR: i32 = 1900;
/// The last year a date in a record may fall in. Both databases keep every date from
/// [`FIRST_YEAR`] to here; a year like -5000 or 200000 is a slip of the keyboard, and
/// PostgreSQL would refuse some of them.
pub const LAST_YEAR: i32 = 2199;

/// Trims `value` and requires it to be non-empty and at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> DomainResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "must not be blank"));
    }
    within(field, trimmed, max)?;
    Ok(trimmed.to_owned())
}

/// Like [`required_text`], for a field that may be left out; blank counts as left out.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> DomainResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => {
            within(field, text, max)?;
            Ok(Some(text.to_owned()))
        }
    }
}

/// Own words are kept verbatim: only checked, never trimmed or rewritten.
pub fn own_words(field: &str, value: &str) -> DomainResult<String> {
    if value.trim().is_empty() {
        return Err(DomainError::invalid(
            field,
            "must hold the words as they were said",
        ));
    }
    within(field, value, MAX_TEXT)?;
    Ok(value.to_owned())
}

fn within(field: &str, value: &str, max: usize) -> DomainResult<()> {
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A district slug: lower-case letters, digits and dashes, 2 to 63 long.
pub fn slug(field: &str, value: &str) -> DomainResult<String> {
    let ok = (2..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(value.to_owned())
    } else {
        Err(DomainError::invalid(
            field,
            "must be 2–63 lower-case letters, digits or dashes",
        ))
    }
}

/// A BCP 47 language tag in its common shape (`en`, `es-MX`, `zh-Hant-TW`).
pub fn language_tag(field: &str, value: &str) -> DomainResult<String> {
    if value.chars().count() > MAX_LANGUAGE_TAG {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {MAX_LANGUAGE_TAG} characters"),
        ));
    }
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(value.to_owned())
    } else {
        Err(DomainError::invalid(
            field,
            "must be a BCP 47 language tag such as `en` or `es-MX`",
        ))
    }
}

/// A grade level: `PK`, `K`, `1`..`12`, or another short label a district uses.
pub fn grade_level(field: &str, value: &str) -> DomainResult<String> {
    let value = value.trim();
    if value.chars().count() > MAX_GRADE {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {MAX_GRADE} characters"),
        ));
    }
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(value.to_owned())
    } else {
        Err(DomainError::invalid(
            field,
            "must be a short grade label such as `K` or `7`",
        ))
    }
}

/// A calendar date from [`FIRST_YEAR`] through [`LAST_YEAR`].
pub fn date(field: &str, value: NaiveDate) -> DomainResult<NaiveDate> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&value.year()) {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            format!("must be a date from {FIRST_YEAR} through {LAST_YEAR}"),
        ))
    }
}

/// An instant from [`FIRST_YEAR`] through [`LAST_YEAR`] (in UTC).
pub fn instant(field: &str, value: DateTime<Utc>) -> DomainResult<DateTime<Utc>> {
    date(field, value.date_naive())?;
    Ok(value)
}

/// Requires a list in input `field` to hold at most `max` items.
pub fn at_most<T>(field: &str, items: &[T], max: usize) -> DomainResult<()> {
    if items.len() > max {
        return Err(DomainError::invalid(
            field,
            format!("must hold at most {max} items"),
        ));
    }
    Ok(())
}

/// A goal's priority, 1 (highest) to 5.
pub fn priority(field: &str, value: i32) -> DomainResult<i32> {
    if (1..=5).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            "must be between 1 (highest) and 5",
        ))
    }
}

/// A measure must have a name, finite numbers and a target that differs from the baseline.
pub fn measure(field: &str, measure: Measure) -> DomainResult<Measure> {
    let name = required_text(&format!("{field}.name"), &measure.name, MAX_NAME)?;
    let unit = optional_text(&format!("{field}.unit"), measure.unit.as_deref(), MAX_NAME)?;
    for (name, value) in [("baseline", measure.baseline), ("target", measure.target)] {
        number(&format!("{field}.{name}"), value)?;
    }
    if let Some(target_date) = measure.target_date {
        date(&format!("{field}.targetDate"), target_date)?;
    }
    if measure.baseline == measure.target {
        return Err(DomainError::invalid(
            format!("{field}.target"),
            "must differ from the baseline",
        ));
    }
    let moves_up = measure.target > measure.baseline;
    if moves_up != (measure.direction == crate::values::Direction::Increase) {
        return Err(DomainError::invalid(
            format!("{field}.direction"),
            "must agree with the way from baseline to target",
        ));
    }
    Ok(Measure {
        name,
        unit,
        ..measure
    })
}

/// A measured number: finite, and at most [`MAX_MAGNITUDE`] either side of zero.
fn number(field: &str, value: f64) -> DomainResult<f64> {
    if value.is_finite() && value.abs() <= MAX_MAGNITUDE {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            format!("must be a number from -{MAX_MAGNITUDE:e} to {MAX_MAGNITUDE:e}"),
        ))
    }
}

/// A progress observation has a value, a note, or both; a value must be finite.
pub fn progress(
    value: Option<f64>,
    note: Option<&str>,
) -> DomainResult<(Option<f64>, Option<String>)> {
    if let Some(value) = value {
        number("value", value)?;
    }
    let note = optional_text("note", note, MAX_TEXT)?;
    if value.is_none() && note.is_none() {
        return Err(DomainError::invalid(
            "value",
            "a progress entry needs a value, a note, or both",
        ));
    }
    Ok((value, note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Direction;

    #[test]
    fn blank_names_are_refused_and_others_trimmed() {
        assert!(required_text("name", "   ", MAX_NAME).is_err());
        assert_eq!(required_text("name", "  Rosa ", MAX_NAME).unwrap(), "Rosa");
    }

    #[test]
    fn own_words_are_kept_exactly_as_said() {
        let words = "  I want to feel okay at lunch  ";
        assert_eq!(own_words("ownWords", words).unwrap(), words);
        assert!(own_words("ownWords", " \n ").is_err());
    }

    #[test]
    fn language_tags_follow_bcp_47_shape() {
        assert!(language_tag("l", "en").is_ok());
        assert!(language_tag("l", "es-MX").is_ok());
        assert!(language_tag("l", "zh-Hant-TW").is_ok());
        assert!(language_tag("l", "english please").is_err());
        assert!(language_tag("l", "").is_err());
    }

    #[test]
    fn a_language_tag_of_many_subtags_is_refused_past_35_characters() {
        let long = format!("en{}", "-abcdefgh".repeat(4));
        assert_eq!(long.len(), 38);
        assert!(language_tag("l", &long).is_err());
        assert!(language_tag("l", &long[..35]).is_ok());
    }

    #[test]
    fn a_list_may_hold_up_to_its_bound() {
        assert!(at_most("ids", &[0; 100], MAX_ITEMS).is_ok());
        assert!(at_most("ids", &[0; 101], MAX_ITEMS).is_err());
    }

    #[test]
    fn slugs_are_lower_case_words_with_dashes() {
        assert!(slug("slug", "oak-valley").is_ok());
        assert!(slug("slug", "Oak Valley").is_err());
        assert!(slug("slug", "-oak").is_err());
    }

    #[test]
    fn a_progress_entry_needs_a_value_or_a_note() {
        assert!(progress(None, None).is_err());
        assert!(progress(None, Some("  ")).is_err());
        assert!(progress(Some(f64::NAN), None).is_err());
        assert!(progress(Some(1e308), None).is_err());
        assert!(progress(Some(-MAX_MAGNITUDE), None).is_ok());
        assert_eq!(progress(Some(3.0), None).unwrap(), (Some(3.0), None));
        assert_eq!(
            progress(None, Some("a calm week")).unwrap(),
            (None, Some("a calm week".into()))
        );
    }

    #[test]
    fn a_measure_must_point_the_way_it_says() {
        let m = Measure {
            name: "tardies".into(),
            unit: None,
            baseline: 5.0,
            target: 1.0,
            direction: Direction::Increase,
            target_date: None,
        };
        assert!(measure("measure", m.clone()).is_err());
        assert!(
            measure(
                "measure",
                Measure {
                    direction: Direction::Decrease,
                    ..m.clone()
                }
            )
            .is_ok()
        );
        assert!(measure("measure", Measure { target: 5.0, ..m }).is_err());
    }

    #[test]
    fn dates_run_from_1900_through_2199() {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        assert!(date("d", day(1900)).is_ok());
        assert!(date("d", day(2199)).is_ok());
        assert!(date("d", day(1899)).is_err());
        assert!(date("d", day(2200)).is_err());
        assert!(date("d", day(-5000)).is_err());
        assert!(instant("t", day(0).and_time(chrono::NaiveTime::MIN).and_utc()).is_err());
    }

    #[test]
    fn priority_runs_from_one_to_five() {
        assert!(priority("priority", 0).is_err());
        assert!(priority("priority", 3).is_ok());
    }
}
