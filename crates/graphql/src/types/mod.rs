//! GraphQL object types, each wrapping a domain record, so the API can evolve apart from
//! the tables.

pub mod alliance;
pub mod audit;
pub mod directory;
pub mod enums;
pub mod goal;
pub mod node;
pub mod scalars;
pub mod student;

use async_graphql::Context;

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql};
use crate::loaders::Batch;
use async_graphql::dataloader::Loader;

/// Loads one value through the viewer's data loader.
pub(crate) async fn load<K>(
    ctx: &Context<'_>,
    key: K,
) -> ApiResult<Option<<Batch as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Batch: Loader<K, Error = crate::loaders::LoadError>,
{
    ctx.loader()?.load_one(key).await.gql()
}
