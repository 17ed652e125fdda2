//! Progress monitoring for a goal's measure, as MTSS teams practise it: how fast the
//! student is moving, how far along the way to the target, and what the last four
//! points say about the plan.

use chrono::{DateTime, NaiveTime, Utc};

use crate::model::Measure;
use crate::values::{Direction, ProgressDecision};

const SECONDS_PER_WEEK: f64 = 7.0 * 24.0 * 60.0 * 60.0;

/// One observation, as far as the summary cares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    pub observed_at: DateTime<Utc>,
    pub value: Option<f64>,
}

/// What a team reads off a goal's progress at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressSummary {
    /// Every entry, with or without a value.
    pub count: usize,
    /// The most recent value.
    pub latest_value: Option<f64>,
    /// When the most recent value was observed.
    pub latest_observed_at: Option<DateTime<Utc>>,
    /// Rate of improvement: the least-squares slope of value over time, per week.
    pub slope_per_week: Option<f64>,
    /// How far from baseline to target the latest value is, in percent.
    pub percent_of_target: Option<f64>,
    /// The aim line's rate: what the student needs per week to reach the target on time.
    pub needed_rate_per_week: Option<f64>,
    /// The actual rate divided by the needed rate.
    pub growth_ratio: Option<f64>,
    /// Where the trend line stands at the target date.
    pub projected_at_target_date: Option<f64>,
    /// The four-point rule's advice.
    pub decision: ProgressDecision,
}

/// Summarises `observations` (in any order) against the goal's `measure`.
///
/// `start` is when monitoring began (the goal's creation); the aim line runs from the
/// baseline there to the target at the target date. If an observation predates `start`,
/// the aim line starts at the earliest observation instead.
pub fn summarize(
    measure: Option<&Measure>,
    start: DateTime<Utc>,
    observations: &[Observation],
) -> ProgressSummary {
    let mut points: Vec<(DateTime<Utc>, f64)> = observations
        .iter()
        .filter_map(|o| {
            o.value
                .filter(|v| v.is_finite())
                .map(|v| (o.observed_at, v))
        })
        .collect();
    // Entries are read newest first: turned round, they are in order already, where a
    // sort of them as they come is its slowest case. Only when no two share an instant,
    // so that the sort's order among equal instants is kept.
    if points.is_sorted_by(|a, b| a.0 > b.0) {
        points.reverse();
    }
    points.sort_by_key(|(at, _)| *at);

    let latest = points.last().copied();
    let start = points.first().map_or(start, |(first, _)| start.min(*first));
    let trend = least_squares(&points);
    let aim = measure.and_then(|m| AimLine::new(m, start));

    let percent_of_target = measure.zip(latest).and_then(|(m, (_, value))| {
        let span = m.target - m.baseline;
        (span != 0.0).then(|| (value - m.baseline) / span * 100.0)
    });
    let needed_rate_per_week = aim.map(|a| a.rate_per_week);
    let growth_ratio = trend
        .zip(needed_rate_per_week)
        .and_then(|(t, needed)| (needed != 0.0).then(|| t.slope / needed));
    let projected_at_target_date = trend
        .zip(measure.and_then(|m| m.target_date))
        .map(|(t, date)| t.at(date.and_time(NaiveTime::MIN).and_utc()));

    ProgressSummary {
        count: observations.len(),
        latest_value: latest.map(|(_, v)| v),
        latest_observed_at: latest.map(|(at, _)| at),
        slope_per_week: trend.map(|t| t.slope),
        percent_of_target,
        needed_rate_per_week,
        growth_ratio,
        projected_at_target_date,
        decision: four_point_rule(measure, aim, &points),
    }
}

/// The straight line from the baseline at the start to the target at the target date.
#[derive(Clone, Copy, Debug)]
struct AimLine {
    start: DateTime<Utc>,
    baseline: f64,
    rate_per_week: f64,
}

impl AimLine {
    fn new(measure: &Measure, start: DateTime<Utc>) -> Option<Self> {
        let end = measure.target_date?.and_time(NaiveTime::MIN).and_utc();
        let weeks = weeks_between(start, end);
        (weeks > 0.0).then(|| Self {
            start,
            baseline: measure.baseline,
            rate_per_week: (measure.target - measure.baseline) / weeks,
        })
    }

    fn at(&self, when: DateTime<Utc>) -> f64 {
        self.baseline + self.rate_per_week * weeks_between(self.start, when)
    }
}

/// A fitted trend: value = mean_value + slope × (weeks since mean_time).
#[derive(Clone, Copy, Debug)]
struct Trend {
    slope: f64,
    mean_at: DateTime<Utc>,
    mean_value: f64,
}

impl Trend {
    fn at(&self, when: DateTime<Utc>) -> f64 {
        self.mean_value + self.slope * weeks_between(self.mean_at, when)
    }
}

fn least_squares(points: &[(DateTime<Utc>, f64)]) -> Option<Trend> {
    let origin = points.first()?.0;
    let n = points.len() as f64;
    let xs: Vec<f64> = points
        .iter()
        .map(|(at, _)| weeks_between(origin, *at))
        .collect();
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, v)| v).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, (_, y)) in xs.iter().zip(points) {
        sxy += (x - mean_x) * (y - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    (sxx > 0.0).then(|| Trend {
        slope: sxy / sxx,
        mean_at: origin
            + chrono::Duration::milliseconds((mean_x * SECONDS_PER_WEEK * 1000.0) as i64),
        mean_value: mean_y,
    })
}

fn four_point_rule(
    measure: Option<&Measure>,
    aim: Option<AimLine>,
    points: &[(DateTime<Utc>, f64)],
) -> ProgressDecision {
    let (Some(measure), Some(aim)) = (measure, aim) else {
        return ProgressDecision::InsufficientData;
    };
    if points.len() < 4 {
        return ProgressDecision::InsufficientData;
    }
    let sides: Vec<f64> = points[points.len() - 4..]
        .iter()
        .map(|(at, value)| {
            let gap = value - aim.at(*at);
            match measure.direction {
                Direction::Increase => gap,
                Direction::Decrease => -gap,
            }
        })
        .collect();
    if sides.iter().all(|gap| *gap > 0.0) {
        ProgressDecision::RaiseGoal
    } else if sides.iter().all(|gap| *gap < 0.0) {
        ProgressDecision::AdjustIntervention
    } else {
        ProgressDecision::Continue
    }
}

fn weeks_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0 / SECONDS_PER_WEEK
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 9, 7, 0, 0, 0).unwrap()
    }

    fn weekly(values: &[f64]) -> Vec<Observation> {
        values
            .iter()
            .enumerate()
            .map(|(week, value)| Observation {
                observed_at: start() + Duration::weeks(week as i64),
                value: Some(*value),
            })
            .collect()
    }

    fn measure(baseline: f64, target: f64, direction: Direction, weeks: i64) -> Measure {
        Measure {
            name: "calm mornings".into(),
            unit: Some("days a week".into()),
            baseline,
            target,
            direction,
            target_date: Some((start() + Duration::weeks(weeks)).date_naive()),
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn slope_is_the_least_squares_rate_per_week() {
        let summary = summarize(None, start(), &weekly(&[1.0, 3.0, 5.0, 7.0]));
        assert!(close(summary.slope_per_week, 2.0), "{summary:?}");
        assert_eq!(summary.latest_value, Some(7.0));
        assert_eq!(
            summary.latest_observed_at,
            Some(start() + Duration::weeks(3))
        );
    }

    #[test]
    fn slope_fits_noisy_points_by_least_squares() {
        // x = 0,1,2,3; y = 1,2,2,4: slope = Σ(x-1.5)(y-2.25)/Σ(x-1.5)² = 4.5/5 = 0.9
        let summary = summarize(None, start(), &weekly(&[1.0, 2.0, 2.0, 4.0]));
        assert!(close(summary.slope_per_week, 0.9), "{summary:?}");
    }

    #[test]
    fn one_point_has_no_slope_and_narrative_entries_still_count() {
        let mut observations = weekly(&[4.0]);
        observations.push(Observation {
            observed_at: start() + Duration::days(2),
            value: None,
        });
        let summary = summarize(None, start(), &observations);
        assert_eq!(summary.count, 2);
        assert_eq!(summary.slope_per_week, None);
        assert_eq!(summary.latest_value, Some(4.0));
    }

    #[test]
    fn percent_of_target_runs_from_baseline_to_target() {
        let m = measure(2.0, 10.0, Direction::Increase, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[2.0, 6.0]));
        assert!(close(summary.percent_of_target, 50.0), "{summary:?}");
    }

    #[test]
    fn percent_of_target_respects_a_decreasing_measure() {
        let m = measure(10.0, 2.0, Direction::Decrease, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[10.0, 8.0]));
        assert!(close(summary.percent_of_target, 25.0), "{summary:?}");
    }

    #[test]
    fn needed_rate_and_growth_ratio_follow_the_aim_line() {
        let m = measure(0.0, 8.0, Direction::Increase, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[0.0, 2.0, 4.0]));
        assert!(close(summary.needed_rate_per_week, 1.0), "{summary:?}");
        assert!(close(summary.growth_ratio, 2.0), "{summary:?}");
        assert!(close(summary.projected_at_target_date, 16.0), "{summary:?}");
    }

    #[test]
    fn four_points_above_an_increasing_aim_line_raise_the_goal() {
        let m = measure(0.0, 8.0, Direction::Increase, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[1.0, 2.5, 3.5, 4.5]));
        assert_eq!(summary.decision, ProgressDecision::RaiseGoal);
    }

    #[test]
    fn four_points_below_an_increasing_aim_line_adjust_the_intervention() {
        let m = measure(0.0, 8.0, Direction::Increase, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[0.5, 0.5, 1.0, 1.0, 1.5]));
        assert_eq!(summary.decision, ProgressDecision::AdjustIntervention);
    }

    #[test]
    fn for_a_decreasing_measure_points_below_the_aim_line_are_the_better_side() {
        let m = measure(10.0, 2.0, Direction::Decrease, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[9.0, 7.0, 6.0, 5.0]));
        assert_eq!(summary.decision, ProgressDecision::RaiseGoal);
        let summary = summarize(Some(&m), start(), &weekly(&[10.0, 10.0, 10.0, 10.0, 10.0]));
        assert_eq!(summary.decision, ProgressDecision::AdjustIntervention);
    }

    #[test]
    fn mixed_points_continue() {
        let m = measure(0.0, 8.0, Direction::Increase, 8);
        let summary = summarize(Some(&m), start(), &weekly(&[2.0, 0.0, 3.0, 2.0]));
        assert_eq!(summary.decision, ProgressDecision::Continue);
    }

    #[test]
    fn fewer_than_four_points_or_no_measure_is_insufficient_data() {
        let m = measure(0.0, 8.0, Direction::Increase, 8);
        let three = summarize(Some(&m), start(), &weekly(&[2.0, 3.0, 4.0]));
        assert_eq!(three.decision, ProgressDecision::InsufficientData);
        let unmeasured = summarize(None, start(), &weekly(&[2.0, 3.0, 4.0, 5.0]));
        assert_eq!(unmeasured.decision, ProgressDecision::InsufficientData);
        assert_eq!(unmeasured.percent_of_target, None);
    }

    #[test]
    fn a_measure_without_a_target_date_has_no_aim_line() {
        let mut m = measure(0.0, 8.0, Direction::Increase, 8);
        m.target_date = None;
        let summary = summarize(Some(&m), start(), &weekly(&[1.0, 2.0, 3.0, 4.0]));
        assert_eq!(summary.needed_rate_per_week, None);
        assert_eq!(summary.decision, ProgressDecision::InsufficientData);
        assert!(close(summary.percent_of_target, 50.0));
    }

    #[test]
    fn an_empty_history_summarises_to_nothing() {
        let summary = summarize(None, start(), &[]);
        assert_eq!(summary.count, 0);
        assert_eq!(summary.latest_value, None);
        assert_eq!(summary.slope_per_week, None);
    }
}
