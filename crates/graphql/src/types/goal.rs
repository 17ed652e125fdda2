//! Goals in the family's own words, their revisions, and progress toward them.

use alliance_domain::model;
use std::sync::Arc;

use alliance_domain::ids::GoalId;
use alliance_domain::progress::{ProgressStats, decide, summary_of};
use alliance_store::progress::End;
use async_graphql::{ComplexObject, Context, ID, Json, Lookahead, Object, SimpleObject};

use crate::error::{ApiResult, coded};
use crate::ids;
use crate::loaders::{
    AcceptancesOf, MembersOf, ProgressOf, ProgressPage, RecentValuesOf, RevisionsOf, StatsOf,
};
use crate::pagination::{Conn, MAX_PAGE, PageArgs, connection, slice};
use crate::plain::{self, Plain};
use crate::types::alliance::{Alliance, AllianceMember};
use crate::types::directory::Person;
use crate::types::enums::{
    AchievementStatus, Direction, GoalDomain, GoalStatus, ProgressDecision, ProgressSource,
};
use crate::types::load;
use crate::types::scalars::{Date, DateTime};
use crate::types::voice::GoalAcceptance;

/// A goal, as the student or family put it.
pub struct Goal(pub model::Goal);

impl plain::Fields for Goal {
    const PLAIN: &'static [&'static str] = &[
        "id",
        "ownWords",
        "summary",
        "domain",
        "priority",
        "status",
        "achievementStatus",
        "measure",
        "version",
        "createdAt",
        "updatedAt",
    ];
}

#[Object]
impl Goal {
    pub async fn id(&self) -> ID {
        ids::encode("Goal", self.0.id.0)
    }
    async fn alliance(&self, ctx: &Context<'_>) -> ApiResult<Alliance> {
        let alliance = load(ctx, self.0.alliance_id).await?;
        alliance
            .map(Alliance)
            .ok_or_else(|| coded("NOT_FOUND", "alliance not found"))
    }
    /// The goal as the student or family said it, verbatim.
    async fn own_words(&self) -> &str {
        &self.0.own_words
    }
    /// The member who said it.
    async fn expressed_by(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        let members = load(ctx, MembersOf(self.0.alliance_id))
            .await?
            .unwrap_or_default();
        Ok(members
            .into_iter()
            .find(|m| m.id == self.0.expressed_by)
            .map(AllianceMember))
    }
    /// The team's summary, kept beside the family's words.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    async fn domain(&self) -> GoalDomain {
        self.0.domain.into()
    }
    /// 1 (highest) to 5.
    async fn priority(&self) -> i32 {
        self.0.priority
    }
    async fn status(&self) -> GoalStatus {
        self.0.status.into()
    }
    async fn achievement_status(&self) -> AchievementStatus {
        self.0.achievement_status.into()
    }
    /// How progress is measured, if it is.
    async fn measure(&self) -> Option<Measure> {
        self.0.measure.clone().map(Measure::from)
    }
    /// Where each active member stands on the goal (`PENDING` until they say).
    async fn acceptance(&self, ctx: &Context<'_>) -> ApiResult<Vec<GoalAcceptance>> {
        let members = load(ctx, MembersOf(self.0.alliance_id))
            .await?
            .unwrap_or_default();
        let recorded = load(ctx, AcceptancesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(members
            .into_iter()
            .filter(|m| m.is_active())
            .map(|member| {
                let recorded = recorded.iter().find(|r| r.member_id == member.id).cloned();
                GoalAcceptance { member, recorded }
            })
            .collect())
    }
    /// Whether the student or a caregiver has said they disagree with the goal.
    async fn family_disagrees(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let members = load(ctx, MembersOf(self.0.alliance_id))
            .await?
            .unwrap_or_default();
        let recorded = load(ctx, AcceptancesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(recorded.iter().any(|r| {
            r.acceptance == alliance_domain::values::Acceptance::Disagree
                && members
                    .iter()
                    .any(|m| m.id == r.member_id && m.is_active() && m.role.is_family())
        }))
    }
    /// Progress entries, newest first.
    async fn progress(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Plain<ProgressEntry>>> {
        let args = PageArgs::new(first, after, last, before);
        args.validate()?;
        let total = load(ctx, StatsOf(self.0.id))
            .await?
            .map_or(0, |s| s.entries);
        let page = args.window(total);
        let entries = match at_an_end(&args) {
            // The page alone, without the goal's other entries.
            Some((_, 0)) => Arc::from([]),
            Some((end, take)) => {
                let key = ProgressPage {
                    goal: self.0.id,
                    alliance: self.0.alliance_id,
                    end,
                    take,
                };
                load(ctx, key).await?.unwrap_or_default()
            }
            None => {
                let all = load(ctx, ProgressOf(self.0.id)).await?.unwrap_or_default();
                let (skip, take) = (page.offset as usize, page.limit as usize);
                all.iter().skip(skip).take(take).cloned().collect()
            }
        };
        let items = entries
            .iter()
            .map(|entry| Plain(ProgressEntry(entry.clone())))
            .collect();
        Ok(connection(items, page, total))
    }
    /// What the progress says, from every entry (added up where they are stored).
    async fn progress_summary(&self, ctx: &Context<'_>) -> ApiResult<Plain<ProgressSummary>> {
        let goal = self.0.id;
        let stats = load(ctx, StatsOf(goal))
            .await?
            .unwrap_or_else(|| ProgressStats::new(self.0.created_at));
        let measure = self.0.measure.clone();
        let s = summary_of(measure.as_ref(), &stats, &[]);
        Ok(Plain(ProgressSummary {
            count: s.count as i32,
            latest_value: s.latest_value,
            latest_observed_at: s.latest_observed_at.map(Into::into),
            slope_per_week: s.slope_per_week,
            percent_of_target: s.percent_of_target,
            needed_rate_per_week: s.needed_rate_per_week,
            growth_ratio: s.growth_ratio,
            projected_at_target_date: s.projected_at_target_date,
            goal,
            measure,
            stats,
        }))
    }
    /// Every change to the goal, newest first, with what it was before.
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<GoalRevision>> {
        let revisions = load(ctx, RevisionsOf(self.0.id)).await?.unwrap_or_default();
        slice(
            revisions.into_iter().map(GoalRevision).collect(),
            &PageArgs::new(first, after, last, before),
        )
    }
    /// Increases with every change; `updateGoal` must name the version it was based on.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

/// How progress toward a goal is measured.
#[derive(SimpleObject)]
pub struct Measure {
    /// What is counted ("calm mornings").
    pub name: String,
    pub unit: Option<String>,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    pub target_date: Option<Date>,
}

impl From<model::Measure> for Measure {
    fn from(m: model::Measure) -> Self {
        Self {
            name: m.name,
            unit: m.unit,
            baseline: m.baseline,
            target: m.target,
            direction: m.direction.into(),
            target_date: m.target_date.map(Date),
        }
    }
}

/// Progress monitoring at a glance.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ProgressSummary {
    /// Every entry, with or without a value.
    pub count: i32,
    pub latest_value: Option<f64>,
    /// When the latest value was observed.
    pub latest_observed_at: Option<DateTime>,
    /// Rate of improvement: least-squares slope of value over time, per week.
    pub slope_per_week: Option<f64>,
    /// How far the latest value has come from the baseline toward the target, in percent:
    /// `100 × (latest − baseline) / (target − baseline)`; 0 at the baseline, 100 at the
    /// target, negative when moving away from it.
    pub percent_of_target: Option<f64>,
    /// The aim line's rate: what is needed per week to reach the target on time.
    pub needed_rate_per_week: Option<f64>,
    /// Actual rate ÷ needed rate.
    pub growth_ratio: Option<f64>,
    /// Where the trend stands at the target date.
    pub projected_at_target_date: Option<f64>,
    #[graphql(skip)]
    goal: GoalId,
    #[graphql(skip)]
    measure: Option<model::Measure>,
    #[graphql(skip)]
    stats: ProgressStats,
}

impl plain::Fields for ProgressSummary {
    const PLAIN: &'static [&'static str] = &[
        "count",
        "latestValue",
        "latestObservedAt",
        "slopePerWeek",
        "percentOfTarget",
        "neededRatePerWeek",
        "growthRatio",
        "projectedAtTargetDate",
    ];
}

#[ComplexObject]
impl ProgressSummary {
    /// The four-point rule's advice.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<ProgressDecision> {
        // Without an aim line or four values the rule has nothing to say: no statement.
        let aim = self
            .measure
            .as_ref()
            .is_some_and(|m| m.target_date.is_some());
        if !aim || self.stats.valued < 4 {
            return Ok(decide(self.measure.as_ref(), &self.stats, &[]).into());
        }
        let recent = load(ctx, RecentValuesOf(self.goal))
            .await?
            .unwrap_or_default();
        Ok(decide(self.measure.as_ref(), &self.stats, &recent).into())
    }
}

/// The page of progress that `progress` (a look-ahead at a goal's `progress` field)
/// asks each goal for, when it is one page without cursors, with valid arguments, of at
/// least one entry: what can be read before the goals are.
pub(crate) fn page_of_progress(progress: &Lookahead<'_>) -> Option<(End, u64)> {
    let fields = progress.selection_fields();
    let [field] = fields.as_slice() else {
        return None;
    };
    let args = PageArgs::from_arguments(field.arguments().ok()?)?;
    at_an_end(&args).filter(|&(_, take)| take > 0)
}

/// Which end of a goal's newest-first entries a page without cursors is taken from,
/// and how many: `first: n` the newest n, `last: n` the oldest n, neither the newest
/// [`MAX_PAGE`]. A page between cursors, or with both `first` and `last`, is none.
fn at_an_end(args: &PageArgs) -> Option<(End, u64)> {
    if args.after.is_some() || args.before.is_some() {
        return None;
    }
    let count = |n: i32| n.max(0) as u64;
    match (args.first, args.last) {
        (Some(first), None) => Some((End::Newest, count(first))),
        (None, Some(last)) => Some((End::Oldest, count(last))),
        (None, None) => Some((End::Newest, MAX_PAGE as u64)),
        (Some(_), Some(_)) => None,
    }
}

/// A kept change of a goal.
pub struct GoalRevision(pub model::GoalRevision);

#[Object]
impl GoalRevision {
    pub async fn id(&self) -> ID {
        ids::encode("GoalRevision", self.0.id.0)
    }
    /// The version the change produced.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn revised_at(&self) -> DateTime {
        self.0.revised_at.into()
    }
    /// The subject of whoever changed it.
    async fn revised_by(&self) -> &str {
        &self.0.revised_by
    }
    /// The changed fields as they were before.
    async fn before(&self) -> Json<serde_json::Value> {
        Json(presented(&self.0.before))
    }
    /// The changed fields as they became.
    async fn after(&self) -> Json<serde_json::Value> {
        Json(presented(&self.0.after))
    }
}

/// A kept snapshot as clients see it: the member who expressed the goal by global ID.
fn presented(snapshot: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(snapshot).unwrap_or_default();
    if let Some(member) = value.get_mut("expressedBy")
        && let Some(uuid) = member.as_str().and_then(|m| uuid::Uuid::parse_str(m).ok())
    {
        *member = serde_json::Value::String(ids::encode("AllianceMember", uuid).0);
    }
    value
}

/// One observation of progress: a number, a narrative, or both.
pub struct ProgressEntry(pub model::ProgressEntry);

impl plain::Fields for ProgressEntry {
    const PLAIN: &'static [&'static str] =
        &["id", "observedAt", "value", "note", "source", "createdAt"];
}

#[Object]
impl ProgressEntry {
    pub async fn id(&self) -> ID {
        ids::encode("ProgressEntry", self.0.id.0)
    }
    async fn goal(&self, ctx: &Context<'_>) -> ApiResult<Goal> {
        let goal = load(ctx, self.0.goal_id).await?;
        goal.map(Goal)
            .ok_or_else(|| coded("NOT_FOUND", "goal not found"))
    }
    async fn observed_at(&self) -> DateTime {
        self.0.observed_at.into()
    }
    /// Who recorded it, when they have a person record.
    async fn recorded_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        match self.0.recorded_by {
            Some(person) => Ok(load(ctx, person).await?.map(Person)),
            None => Ok(None),
        }
    }
    async fn value(&self) -> Option<f64> {
        self.0.value
    }
    /// The narrative.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn source(&self) -> ProgressSource {
        self.0.source.into()
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}
