//! GraphQL object types, each wrapping a domain record, so the API can evolve apart from
//! the tables.

pub mod alliance;
pub mod audit;
pub mod communication;
pub mod directory;
pub mod enums;
pub mod feedback;
pub mod goal;
pub mod health;
pub mod intervention;
pub mod node;
pub mod reflection;
pub mod scalars;
pub mod student;
pub mod timeline;
pub mod voice;

use async_graphql::Context;

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql};
use crate::loaders::{Batch, Load};

/// Loads one value through the viewer's data loader.
pub(crate) async fn load<K>(
    ctx: &Context<'_>,
    key: K,
) -> ApiResult<Option<<Batch as Load<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Batch: Load<K>,
{
    ctx.loads()?.load(key).await.gql()
}

/// The member `id` of `alliance`, past or present, through the alliance's members loader.
pub(crate) async fn member_of(
    ctx: &Context<'_>,
    alliance: alliance_domain::ids::AllianceId,
    id: alliance_domain::ids::MemberId,
) -> ApiResult<Option<alliance::AllianceMember>> {
    let members = load(ctx, crate::loaders::MembersOf(alliance))
        .await?
        .unwrap_or_default();
    Ok(members
        .into_iter()
        .find(|m| m.id == id)
        .map(alliance::AllianceMember))
}

/// The members among `ids` of `alliance`, in the order given.
pub(crate) async fn members_of(
    ctx: &Context<'_>,
    alliance: alliance_domain::ids::AllianceId,
    ids: &[alliance_domain::ids::MemberId],
) -> ApiResult<Vec<alliance::AllianceMember>> {
    let members = load(ctx, crate::loaders::MembersOf(alliance))
        .await?
        .unwrap_or_default();
    Ok(ids
        .iter()
        .filter_map(|id| {
            members
                .iter()
                .find(|m| m.id == *id)
                .cloned()
                .map(alliance::AllianceMember)
        })
        .collect())
}

/// The goals among `ids` of `alliance`, in the order given.
pub(crate) async fn goals_of(
    ctx: &Context<'_>,
    alliance: alliance_domain::ids::AllianceId,
    ids: &[alliance_domain::ids::GoalId],
) -> ApiResult<Vec<goal::Goal>> {
    let goals = load(ctx, crate::loaders::GoalsOf(alliance))
        .await?
        .unwrap_or_default();
    Ok(ids
        .iter()
        .filter_map(|id| goals.iter().find(|g| g.id == *id).cloned().map(goal::Goal))
        .collect())
}
