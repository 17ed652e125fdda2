//! Communications with the family, and what a data share showed them.

use alliance_domain::model;
use async_graphql::{Context, ID, Object, SimpleObject};
use serde_json::Value;

use crate::error::ApiResult;
use crate::ids;
use crate::loaders::RepliesOf;
use crate::types::alliance::AllianceMember;
use crate::types::enums::{Channel, CommunicationKind, Visibility};
use crate::types::goal::Goal;
use crate::types::scalars::DateTime;
use crate::types::{goals_of, load, member_of, members_of};

/// Who told whom what, when, and how.
pub struct Communication(pub model::Communication);

#[Object]
impl Communication {
    pub async fn id(&self) -> ID {
        ids::encode("Communication", self.0.id.0)
    }
    async fn kind(&self) -> CommunicationKind {
        self.0.kind.into()
    }
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }
    /// What was said, in words.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn from(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        match self.0.from_member {
            Some(member) => member_of(ctx, self.0.alliance_id, member).await,
            None => Ok(None),
        }
    }
    async fn recipients(&self, ctx: &Context<'_>) -> ApiResult<Vec<AllianceMember>> {
        members_of(ctx, self.0.alliance_id, &self.0.recipients).await
    }
    async fn occurred_at(&self) -> DateTime {
        self.0.occurred_at.into()
    }
    /// For a data share: the time the shared data was as of.
    async fn as_of(&self) -> Option<DateTime> {
        self.0.as_of.map(Into::into)
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// For a data share: each goal's progress exactly as the family saw it.
    async fn shared_progress(&self, ctx: &Context<'_>) -> ApiResult<Vec<SharedProgress>> {
        let ids: Vec<_> = self.0.shared.iter().map(|s| s.goal_id).collect();
        let goals = goals_of(ctx, self.0.alliance_id, &ids).await?;
        Ok(self
            .0
            .shared
            .iter()
            .map(|s| SharedProgress {
                goal: goals
                    .iter()
                    .find(|g| g.0.id == s.goal_id)
                    .map(|g| Goal(g.0.clone())),
                snapshot: serde_json::from_str(&s.snapshot).unwrap_or(Value::Null),
            })
            .collect())
    }
    /// The family's replies, oldest first.
    async fn replies(&self, ctx: &Context<'_>) -> ApiResult<Vec<CommunicationReply>> {
        let replies = load(ctx, RepliesOf(self.0.id)).await?.unwrap_or_default();
        Ok(replies
            .into_iter()
            .map(|r| CommunicationReply(r, self.0.alliance_id))
            .collect())
    }
}

/// A family member's reply to a communication.
pub struct CommunicationReply(pub model::Reply, pub alliance_domain::ids::AllianceId);

#[Object]
impl CommunicationReply {
    async fn id(&self) -> ID {
        ids::encode("CommunicationReply", self.0.id.0)
    }
    /// The reply, in their words.
    async fn words(&self) -> &str {
        &self.0.words
    }
    async fn member(&self, ctx: &Context<'_>) -> ApiResult<Option<AllianceMember>> {
        member_of(ctx, self.1, self.0.member_id).await
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// One goal's progress as a data share showed it.
pub struct SharedProgress {
    goal: Option<Goal>,
    snapshot: Value,
}

/// A point on a progress chart.
#[derive(SimpleObject)]
pub struct ChartPoint {
    pub observed_at: DateTime,
    pub value: f64,
}

/// A straight line on a progress chart.
#[derive(SimpleObject)]
pub struct ChartLine {
    pub from: ChartPoint,
    pub to: ChartPoint,
}

fn point(value: &Value) -> Option<ChartPoint> {
    let at = chrono::DateTime::parse_from_rfc3339(value["at"].as_str()?).ok()?;
    Some(ChartPoint {
        observed_at: DateTime(at.with_timezone(&chrono::Utc)),
        value: value["value"].as_f64()?,
    })
}

fn line(value: &Value) -> Option<ChartLine> {
    Some(ChartLine {
        from: point(&value["from"])?,
        to: point(&value["to"])?,
    })
}

#[Object]
impl SharedProgress {
    /// The goal shared.
    async fn goal(&self) -> Option<&Goal> {
        self.goal.as_ref()
    }
    /// How many entries there were.
    async fn count(&self) -> Option<i64> {
        self.snapshot["summary"]["count"].as_i64()
    }
    async fn latest_value(&self) -> Option<f64> {
        self.snapshot["summary"]["latestValue"].as_f64()
    }
    async fn percent_of_target(&self) -> Option<f64> {
        self.snapshot["summary"]["percentOfTarget"].as_f64()
    }
    async fn slope_per_week(&self) -> Option<f64> {
        self.snapshot["summary"]["slopePerWeek"].as_f64()
    }
    /// The four-point rule's advice at the time.
    async fn decision(&self) -> Option<&str> {
        self.snapshot["summary"]["decision"].as_str()
    }
    /// The chart's points, oldest first.
    async fn points(&self) -> Vec<ChartPoint> {
        self.snapshot["points"]
            .as_array()
            .map(|p| p.iter().filter_map(point).collect())
            .unwrap_or_default()
    }
    /// The chart's trend line.
    async fn trend(&self) -> Option<ChartLine> {
        line(&self.snapshot["trend"])
    }
    /// The chart's aim line.
    async fn aim(&self) -> Option<ChartLine> {
        line(&self.snapshot["aim"])
    }
    /// Everything as recorded, as JSON.
    async fn snapshot(&self) -> async_graphql::Json<Value> {
        async_graphql::Json(self.snapshot.clone())
    }
}
