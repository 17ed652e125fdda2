//! The district's directory of people who can be alliance members.

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{DistrictId, PersonId};
use alliance_domain::model::{ExternalIds, Person};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use tracing::instrument;

use crate::entities::{member, person};
use crate::error::{IntoDomain, StoreResult};
use crate::joined;
use crate::{convert, scope};

/// A person to add to the directory.
#[derive(Clone, Debug)]
pub struct NewPerson {
    pub district_id: DistrictId,
    pub display_name: String,
    pub preferred_language: String,
    pub contact_preferences: Option<String>,
    pub external_ids: ExternalIds,
    pub subject: Option<String>,
}

/// The person who signs in as `subject`.
#[instrument(level = "debug", skip(db))]
pub async fn by_subject(
    db: &impl ConnectionTrait,
    district: DistrictId,
    subject: &str,
) -> StoreResult<Option<Person>> {
    let row = person::Entity::find()
        .filter(person::Column::DistrictId.eq(district.0))
        .filter(person::Column::Subject.eq(subject))
        .one(db)
        .await
        .domain()?;
    Ok(row.map(convert::person))
}

/// The district's people among `ids`, whoever asks: for existence checks of writes.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    district: DistrictId,
    ids: &[PersonId],
) -> StoreResult<Vec<Person>> {
    let rows = joined::all(
        db,
        person::Entity::find()
            .filter(person::Column::DistrictId.eq(district.0))
            .filter(person::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert::person).collect())
}

/// The people among `ids` the viewer may read: themselves (`own`), and the members,
/// past and present, of the alliances `scope` reaches; a district administrator reads
/// the whole directory.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn visible(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    own: Option<PersonId>,
    ids: &[PersonId],
) -> StoreResult<Vec<Person>> {
    let mut reach = Condition::any();
    if scope.whole_district {
        reach = reach.add(person::Column::DistrictId.eq(scope.district_id.0));
    } else {
        let members_in_reach = Query::select()
            .column(member::Column::PersonId)
            .from(member::Entity)
            .and_where(member::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
            .to_owned();
        reach = reach.add(person::Column::Id.in_subquery(members_in_reach));
        if let Some(own) = own {
            reach = reach.add(person::Column::Id.eq(own.0));
        }
    }
    let rows = joined::all(
        db,
        person::Entity::find()
            .filter(person::Column::DistrictId.eq(scope.district_id.0))
            .filter(reach)
            .filter(person::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert::person).collect())
}

/// Adds a person; a subject already taken in the district is a conflict.
#[instrument(level = "debug", skip(db, new), fields(district = %new.district_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewPerson) -> StoreResult<Person> {
    let now = crate::now();
    let row = person::ActiveModel {
        id: Set(PersonId::new().0),
        district_id: Set(new.district_id.0),
        display_name: Set(new.display_name),
        preferred_language: Set(new.preferred_language),
        contact_preferences: Set(new.contact_preferences),
        external_ids: Set(convert::external_ids_json(&new.external_ids)),
        subject: Set(new.subject),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(convert::person(row))
}
