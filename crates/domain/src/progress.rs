//! Progress monitoring for a goal's measure, as MTSS teams practise it: how fast the
//! student is moving, how far along the way to the target, and what the last four
//! points say about the plan.

use chrono::{DateTime, NaiveTime, Utc};

use crate::model::Measure;
use crate::values::{Direction, ProgressDecision};

/// 604,800,000,000: the divisor the database uses too.
const MICROSECONDS_PER_WEEK: f64 = 7.0 * 24.0 * 60.0 * 60.0 * 1_000_000.0;

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

/// What a goal's entries add up to: enough for its summary without the entries
/// themselves. The store adds up the same totals by the same rules
/// ([`ProgressStats::add`]) in the database, so a summary reads one row a goal instead of
/// every entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProgressStats {
    /// Where the regression's weeks are counted from: the goal's creation.
    pub origin: DateTime<Utc>,
    /// Every entry, with or without a value.
    pub entries: u64,
    /// The entries with a value.
    pub valued: u64,
    pub first_valued_at: Option<DateTime<Utc>>,
    /// The most recent value's instant; of values observed at one instant, the one
    /// added last.
    pub latest_valued_at: Option<DateTime<Utc>>,
    pub latest_value: Option<f64>,
    /// Σx, Σy, Σx², Σxy over the values, x in weeks since `origin`.
    pub sum_x: f64,
    pub sum_y: f64,
    pub sum_xx: f64,
    pub sum_xy: f64,
}

impl ProgressStats {
    /// The totals of a goal created at `origin` with no entries yet.
    pub fn new(origin: DateTime<Utc>) -> Self {
        Self {
            origin,
            entries: 0,
            valued: 0,
            first_valued_at: None,
            latest_valued_at: None,
            latest_value: None,
            sum_x: 0.0,
            sum_y: 0.0,
            sum_xx: 0.0,
            sum_xy: 0.0,
        }
    }

    /// The totals of `observations`, added in the order given.
    pub fn of(origin: DateTime<Utc>, observations: &[Observation]) -> Self {
        let mut stats = Self::new(origin);
        for observation in observations {
            stats.add(observation);
        }
        stats
    }

    /// Adds one entry; a value that is not finite counts as none.
    pub fn add(&mut self, observation: &Observation) {
        self.entries += 1;
        let Some(y) = observation.value.filter(|v| v.is_finite()) else {
            return;
        };
        let at = observation.observed_at;
        let x = self.weeks_to(at);
        self.valued += 1;
        if self.first_valued_at.is_none_or(|first| at < first) {
            self.first_valued_at = Some(at);
        }
        if self.latest_valued_at.is_none_or(|latest| at >= latest) {
            self.latest_valued_at = Some(at);
            self.latest_value = Some(y);
        }
        self.sum_x += x;
        self.sum_y += y;
        self.sum_xx += x * x;
        self.sum_xy += x * y;
    }

    /// The regression's x for an instant: weeks since the origin, to the microsecond.
    pub fn weeks_to(&self, at: DateTime<Utc>) -> f64 {
        weeks_between(self.origin, at)
    }

    /// When monitoring began: the goal's creation, or its first value if earlier.
    fn start(&self) -> DateTime<Utc> {
        self.first_valued_at
            .map_or(self.origin, |first| self.origin.min(first))
    }

    /// The least-squares line through the values, from the totals.
    fn trend(&self) -> Option<Trend> {
        if self.valued < 2 {
            return None;
        }
        let n = self.valued as f64;
        let (mean_x, mean_y) = (self.sum_x / n, self.sum_y / n);
        let sxx = self.sum_xx - self.sum_x * mean_x;
        let sxy = self.sum_xy - self.sum_x * mean_y;
        // Values all at one instant leave only rounding in `sxx`: no line.
        let spread = sxx > self.sum_xx.abs() * 1e-12;
        if !spread {
            return None;
        }
        let slope = sxy / sxx;
        slope.is_finite().then_some(Trend {
            slope,
            mean_x,
            mean_value: mean_y,
        })
    }
}

/// Summarises `observations` against the goal's `measure`. Give them oldest first, in the
/// order they were recorded where two share an instant: of values observed at one
/// instant the one given last is the latest, as the database takes the last recorded
/// (the greatest id) when it adds a goal's entries up. Out of order they are sorted by
/// instant, keeping the order given among equal instants.
///
/// `start` is when monitoring began (the goal's creation); the aim line runs from the
/// baseline there to the target at the target date. If an observation predates `start`,
/// the aim line starts at the earliest observation instead.
pub fn summarize(
    measure: Option<&Measure>,
    start: DateTime<Utc>,
    observations: &[Observation],
) -> ProgressSummary {
    let sorted: std::borrow::Cow<'_, [Observation]> =
        if observations.is_sorted_by_key(|o| o.observed_at) {
            observations.into()
        } else {
            let mut sorted = observations.to_vec();
            sorted.sort_by_key(|o| o.observed_at);
            sorted.into()
        };
    let stats = ProgressStats::of(start, &sorted);
    // The latest four values, oldest first.
    let mut recent: Vec<(DateTime<Utc>, f64)> = sorted
        .iter()
        .rev()
        .filter_map(|o| Some((o.observed_at, o.value.filter(|v| v.is_finite())?)))
        .take(4)
        .collect();
    recent.reverse();
    summary_of(measure, &stats, &recent)
}

/// The summary of a goal's totals against its `measure`; `recent` are its latest
/// values (at most four, oldest first), which only the four-point rule reads.
pub fn summary_of(
    measure: Option<&Measure>,
    stats: &ProgressStats,
    recent: &[(DateTime<Utc>, f64)],
) -> ProgressSummary {
    let trend = stats.trend();
    let aim = measure.and_then(|m| AimLine::new(m, stats.start()));
    let percent_of_target = measure.zip(stats.latest_value).and_then(|(m, value)| {
        let span = m.target - m.baseline;
        (span != 0.0).then(|| (value - m.baseline) / span * 100.0)
    });
    let needed_rate_per_week = aim.map(|a| a.rate_per_week);
    let growth_ratio = trend
        .zip(needed_rate_per_week)
        .and_then(|(t, needed)| (needed != 0.0).then(|| t.slope / needed));
    let projected_at_target_date = trend
        .zip(measure.and_then(|m| m.target_date))
        .map(|(t, date)| t.at(stats.weeks_to(date.and_time(NaiveTime::MIN).and_utc())));

    ProgressSummary {
        count: stats.entries as usize,
        latest_value: stats.latest_value,
        latest_observed_at: stats.latest_valued_at,
        slope_per_week: trend.map(|t| t.slope),
        percent_of_target,
        needed_rate_per_week,
        growth_ratio,
        projected_at_target_date,
        decision: decide(measure, stats, recent),
    }
}

/// The four-point rule's advice for a goal with these totals, from its latest values
/// (`recent`, at most four, oldest first).
pub fn decide(
    measure: Option<&Measure>,
    stats: &ProgressStats,
    recent: &[(DateTime<Utc>, f64)],
) -> ProgressDecision {
    let aim = measure.and_then(|m| AimLine::new(m, stats.start()));
    four_point_rule(measure, aim, recent)
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

/// A fitted trend: value = mean_value + slope × (x − mean_x), x in weeks since the
/// totals' origin.
#[derive(Clone, Copy, Debug)]
struct Trend {
    slope: f64,
    mean_x: f64,
    mean_value: f64,
}

impl Trend {
    fn at(&self, x: f64) -> f64 {
        self.mean_value + self.slope * (x - self.mean_x)
    }
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

/// Weeks from `from` to `to`, counted in whole microseconds as the database counts
/// them when it adds up a goal's entries.
pub fn weeks_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let span = to - from;
    match span.num_microseconds() {
        Some(micros) => micros as f64 / MICROSECONDS_PER_WEEK,
        None => span.num_milliseconds() as f64 / (MICROSECONDS_PER_WEEK / 1000.0),
    }
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
