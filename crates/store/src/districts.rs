//! Districts: the tenants.

use alliance_domain::ids::{DistrictId, PersonId};
use alliance_domain::model::{District, DistrictSettings};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Set,
};
use tracing::instrument;

use crate::convert;
use crate::entities::{district, person};
use crate::error::{IntoDomain, StoreResult};

/// The district whose tokens carry `slug`.
#[instrument(level = "debug", skip(db))]
pub async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> StoreResult<Option<District>> {
    let row = district::Entity::find()
        .filter(district::Column::Slug.eq(slug))
        .one(db)
        .await
        .domain()?;
    Ok(row.map(convert::district))
}

/// The district whose tokens carry `slug`, with the id of its person whose token
/// subject is `subject`, if there is one: who a request is, in one statement.
#[instrument(level = "debug", skip(db))]
pub async fn with_person(
    db: &impl ConnectionTrait,
    slug: &str,
    subject: &str,
) -> StoreResult<Option<crate::signins::SignIn>> {
    const PERSON: &str = "subject_person_id";
    let person = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(
            Expr::col((person::Entity, person::Column::DistrictId))
                .equals((district::Entity, district::Column::Id)),
        )
        .and_where(Expr::col((person::Entity, person::Column::Subject)).eq(subject))
        .to_owned();
    let statement = district::Entity::find()
        .filter(district::Column::Slug.eq(slug))
        .expr_as(Expr::SubQuery(None, Box::new(person.into())), PERSON)
        .build(db.get_database_backend());
    let Some(row) = db.query_one_raw(statement).await.domain()? else {
        return Ok(None);
    };
    let found = district::Model::from_query_result(&row, "").domain()?;
    let person: Option<uuid::Uuid> = row.try_get("", PERSON).domain()?;
    Ok(Some((convert::district(found), person.map(PersonId))))
}

/// The district with `id`.
#[instrument(level = "debug", skip(db))]
pub async fn by_id(db: &impl ConnectionTrait, id: DistrictId) -> StoreResult<Option<District>> {
    Ok(district::Entity::find_by_id(id.0)
        .one(db)
        .await
        .domain()?
        .map(convert::district))
}

/// Creates a district with the default settings; a taken slug is a conflict.
#[instrument(level = "debug", skip(db))]
pub async fn create(db: &impl ConnectionTrait, slug: &str, name: &str) -> StoreResult<District> {
    let settings = DistrictSettings::default();
    let now = crate::now();
    let row = district::ActiveModel {
        id: Set(DistrictId::new().0),
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        min_group_size: Set(settings.min_group_size),
        feedback_cadence_days: Set(settings.feedback_cadence_days),
        data_share_cadence_days: Set(settings.data_share_cadence_days),
        reflection_cadence_days: Set(settings.reflection_cadence_days),
        concern_item_threshold: Set(settings.concern_item_threshold),
        concern_drop_threshold: Set(settings.concern_drop_threshold),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(convert::district(row))
}
