//! What a goal's progress chart shows: the points, the trend and the aim line. Kept
//! apart from drawing, so a data share can record exactly the values the family saw.

use chrono::{DateTime, NaiveTime, Utc};

use crate::model::Measure;
use crate::progress::{Observation, ProgressSummary, summarize};

/// A point of the chart: a value at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPoint {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// A straight line between two points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub from: ChartPoint,
    pub to: ChartPoint,
}

/// Exactly what a goal's chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartValues {
    /// Entries with a value, oldest first.
    pub points: Vec<ChartPoint>,
    /// When the entries without a value (narrative only) were observed, oldest first.
    pub notes: Vec<DateTime<Utc>>,
    /// The least-squares trend from the first point to the last.
    pub trend: Option<Segment>,
    /// The aim line: the baseline at the start to the target at the target date.
    pub aim: Option<Segment>,
    /// The measure's target.
    pub target: Option<f64>,
    /// The progress summary of the same entries.
    pub summary: ProgressSummary,
}

/// What a goal's chart shows for `observations` against its `measure`, monitoring having
/// started when the goal was `created_at`. The summary, slope and aim line follow
/// [`summarize`], so the chart agrees with the progress summary.
pub fn chart_values(
    measure: Option<&Measure>,
    created_at: DateTime<Utc>,
    observations: &[Observation],
) -> ChartValues {
    let summary = summarize(measure, created_at, observations);
    let mut points: Vec<ChartPoint> = observations
        .iter()
        .filter_map(|o| {
            Some(ChartPoint {
                at: o.observed_at,
                value: o.value.filter(|v| v.is_finite())?,
            })
        })
        .collect();
    points.sort_by_key(|p| p.at);
    let mut notes: Vec<_> = observations
        .iter()
        .filter(|o| o.value.is_none())
        .map(|o| o.observed_at)
        .collect();
    notes.sort();

    let trend = summary.slope_per_week.and_then(|slope| {
        let (first, last) = (points.first()?, points.last()?);
        let n = points.len() as f64;
        let mean_weeks = points.iter().map(|p| weeks(first.at, p.at)).sum::<f64>() / n;
        let mean_value = points.iter().map(|p| p.value).sum::<f64>() / n;
        let at = |when: DateTime<Utc>| ChartPoint {
            at: when,
            value: mean_value + slope * (weeks(first.at, when) - mean_weeks),
        };
        Some(Segment {
            from: at(first.at),
            to: at(last.at),
        })
    });
    // An aim line is drawn exactly when the summary can name the rate it needs.
    let aim = measure
        .filter(|_| summary.needed_rate_per_week.is_some())
        .and_then(|m| {
            let start = points.first().map_or(created_at, |p| created_at.min(p.at));
            Some(Segment {
                from: ChartPoint {
                    at: start,
                    value: m.baseline,
                },
                to: ChartPoint {
                    at: m.target_date?.and_time(NaiveTime::MIN).and_utc(),
                    value: m.target,
                },
            })
        });
    ChartValues {
        points,
        notes,
        trend,
        aim,
        target: measure.map(|m| m.target),
        summary,
    }
}

/// The record a data share keeps of one goal: its summary and the chart's values, as
/// JSON text (`summary`, `points`, `notes`, `trend`, `aim`, `target`).
pub fn snapshot(chart: &ChartValues) -> String {
    use serde_json::{Value, json};
    let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let point = |p: &ChartPoint| json!({ "at": time(&p.at), "value": p.value });
    let segment = |s: &Option<Segment>| {
        s.as_ref().map_or(
            Value::Null,
            |s| json!({ "from": point(&s.from), "to": point(&s.to) }),
        )
    };
    let s = &chart.summary;
    json!({
        "summary": {
            "count": s.count,
            "latestValue": s.latest_value,
            "latestObservedAt": s.latest_observed_at.as_ref().map(time),
            "slopePerWeek": s.slope_per_week,
            "percentOfTarget": s.percent_of_target,
            "neededRatePerWeek": s.needed_rate_per_week,
            "growthRatio": s.growth_ratio,
            "projectedAtTargetDate": s.projected_at_target_date,
            "decision": s.decision.as_str(),
        },
        "points": chart.points.iter().map(point).collect::<Vec<_>>(),
        "notes": chart.notes.iter().map(time).collect::<Vec<_>>(),
        "trend": segment(&chart.trend),
        "aim": segment(&chart.aim),
        "target": chart.target,
    })
    .to_string()
}

fn weeks(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / (7.0 * 24.0 * 3_600_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Direction;
    use chrono::{Duration, TimeZone};

    #[test]
    fn the_chart_shows_points_oldest_first_a_trend_through_them_and_the_aim_line() {
        let start = Utc.with_ymd_and_hms(2026, 9, 7, 0, 0, 0).unwrap();
        let observations: Vec<Observation> =
            [(2, Some(3.0)), (0, Some(1.0)), (1, None), (1, Some(2.0))]
                .iter()
                .map(|(week, value)| Observation {
                    observed_at: start + Duration::weeks(*week),
                    value: *value,
                })
                .collect();
        let measure = Measure {
            name: "calm mornings".into(),
            unit: None,
            baseline: 1.0,
            target: 5.0,
            direction: Direction::Increase,
            target_date: Some((start + Duration::weeks(8)).date_naive()),
        };
        let chart = chart_values(Some(&measure), start, &observations);
        let values: Vec<f64> = chart.points.iter().map(|p| p.value).collect();
        assert_eq!(values, [1.0, 2.0, 3.0]);
        assert_eq!(chart.notes.len(), 1);
        let trend = chart.trend.expect("trend");
        assert!((trend.from.value - 1.0).abs() < 1e-9 && (trend.to.value - 3.0).abs() < 1e-9);
        let aim = chart.aim.expect("aim");
        assert_eq!((aim.from.value, aim.to.value), (1.0, 5.0));
        assert_eq!(chart.target, Some(5.0));
    }

    #[test]
    fn a_snapshot_keeps_the_summary_and_the_lines() {
        let start = Utc.with_ymd_and_hms(2026, 9, 7, 0, 0, 0).unwrap();
        let observations: Vec<Observation> = [1.0, 2.0]
            .iter()
            .enumerate()
            .map(|(week, value)| Observation {
                observed_at: start + Duration::weeks(week as i64),
                value: Some(*value),
            })
            .collect();
        let json: serde_json::Value =
            serde_json::from_str(&snapshot(&chart_values(None, start, &observations))).unwrap();
        assert_eq!(json["summary"]["count"], 2);
        assert_eq!(json["points"][1]["value"], 2.0);
        assert_eq!(json["points"][0]["at"], "2026-09-07T00:00:00Z");
        assert!(json["trend"]["to"]["value"].is_number());
        assert!(json["aim"].is_null());
    }

    #[test]
    fn without_a_measure_there_is_no_aim_line() {
        let chart = chart_values(None, Utc::now(), &[]);
        assert!(chart.points.is_empty() && chart.trend.is_none() && chart.aim.is_none());
    }
}
