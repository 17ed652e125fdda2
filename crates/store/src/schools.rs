//! Schools of a district.

use alliance_domain::ids::{DistrictId, SchoolId};
use alliance_domain::model::{ExternalIds, School};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use tracing::instrument;

use crate::entities::school;
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::{Page, convert};

/// A page of the district's schools by name, and how many there are.
#[instrument(level = "debug", skip(db, page))]
pub async fn list(
    db: &impl ConnectionTrait,
    district: DistrictId,
    page: impl FnOnce(u64) -> Page,
) -> StoreResult<(Vec<School>, u64)> {
    let query = school::Entity::find().filter(school::Column::DistrictId.eq(district.0));
    let total = query.clone().count(db).await.domain()?;
    let page = page(total);
    let rows = query
        .order_by_asc(school::Column::Name)
        .order_by_asc(school::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await
        .domain()?;
    Ok((rows.into_iter().map(convert::school).collect(), total))
}

/// The district's schools among `ids`.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    district: DistrictId,
    ids: &[SchoolId],
) -> StoreResult<Vec<School>> {
    let rows = joined::all(
        db,
        school::Entity::find()
            .filter(school::Column::DistrictId.eq(district.0))
            .filter(school::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert::school).collect())
}

/// Adds a school to the district.
#[instrument(level = "debug", skip(db))]
pub async fn create(
    db: &impl ConnectionTrait,
    district: DistrictId,
    name: &str,
    external_ids: &ExternalIds,
) -> StoreResult<School> {
    let now = crate::now();
    let row = school::ActiveModel {
        id: Set(SchoolId::new().0),
        district_id: Set(district.0),
        name: Set(name.to_owned()),
        external_ids: Set(convert::external_ids_json(external_ids)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(convert::school(row))
}
