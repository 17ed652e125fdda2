//! Time scalars as DESIGN.md §4 fixes them: `DateTime` is RFC 3339 in UTC, `Date` is
//! ISO 8601.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};

/// An instant, as RFC 3339 in UTC (`2026-09-14T15:30:00Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| DateTime(t.with_timezone(&Utc)))
                .map_err(|_| {
                    InputValueError::custom(
                        "expected an RFC 3339 date-time such as 2026-09-14T15:30:00Z",
                    )
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// A calendar date, as ISO 8601 (`2026-12-18`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom("expected an ISO 8601 date such as 2026-12-18")
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        DateTime(t)
    }
}
