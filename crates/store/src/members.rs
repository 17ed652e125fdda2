//! Who is in each alliance, and since when.

use alliance_domain::DomainError;
use alliance_domain::access::ReadScope;
use alliance_domain::ids::{AllianceId, DistrictId, MemberId, PersonId};
use alliance_domain::model::{AllianceMember, Person};
use alliance_domain::values::MemberRole;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use tracing::instrument;

use crate::entities::{member, person};
use crate::error::{IntoDomain, StoreResult, unique_is};
use crate::{convert, joined, scope};

/// A person joining an alliance.
#[derive(Clone, Debug)]
pub struct NewMember {
    pub alliance_id: AllianceId,
    pub person_id: PersonId,
    pub role: MemberRole,
    pub relationship: Option<String>,
    pub family_identified: bool,
}

/// The members, past and present, of each alliance among `ids`, in order of joining.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn for_alliances(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<AllianceMember>> {
    let rows = joined::all(
        db,
        member::Entity::find()
            .filter(member::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(member::Column::JoinedAt)
            .order_by_asc(member::Column::Id),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert::member).collect()
}

/// The members, past and present, of each alliance among `ids` that `scope` reaches, in
/// order of joining, each with the person they are: whoever may read an alliance may
/// read its members' directory entries (as `persons::visible` has it).
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn with_persons_for_alliances(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
) -> StoreResult<Vec<(AllianceMember, Person)>> {
    let is_person = member::Entity::belongs_to(person::Entity)
        .from(member::Column::PersonId)
        .to(person::Column::Id)
        .into();
    let select = member::Entity::find()
        .select_also(person::Entity)
        .join(JoinType::InnerJoin, is_person)
        .filter(member::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
        .filter(member::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
        .filter(person::Column::DistrictId.eq(scope.district_id.0))
        .order_by_asc(member::Column::JoinedAt)
        .order_by_asc(member::Column::Id);
    let rows = joined::all_also(db, select).await.domain()?;
    rows.into_iter()
        .map(|(member, person)| {
            let person = person.ok_or_else(|| {
                DomainError::Unexpected("a member whose person did not load".into())
            })?;
            Ok((convert::member(member)?, convert::person(person)))
        })
        .collect()
}

/// The memberships among `ids` in alliances `scope` reaches.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[MemberId],
) -> StoreResult<Vec<AllianceMember>> {
    let rows = joined::all(
        db,
        member::Entity::find()
            .filter(member::Column::AllianceId.in_subquery(scope::visible_alliance_ids(scope)))
            .filter(member::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert::member).collect()
}

/// A membership in the district whether or not the viewer may read it, for deciding
/// whether a change to it is allowed.
#[instrument(level = "debug", skip(db))]
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: MemberId,
) -> StoreResult<Option<AllianceMember>> {
    let row = member::Entity::find_by_id(id.0)
        .filter(member::Column::AllianceId.in_subquery(scope::district_alliance_ids(district)))
        .one(db)
        .await
        .domain()?;
    row.map(convert::member).transpose()
}

/// Whether `person` is an active member of `alliance`.
#[instrument(level = "debug", skip(db))]
pub async fn is_active(
    db: &impl ConnectionTrait,
    alliance: AllianceId,
    person: PersonId,
) -> StoreResult<bool> {
    let count = member::Entity::find()
        .filter(member::Column::AllianceId.eq(alliance.0))
        .filter(member::Column::PersonId.eq(person.0))
        .filter(member::Column::LeftAt.is_null())
        .count(db)
        .await
        .domain()?;
    Ok(count > 0)
}

/// Adds a member; a person can be an active member of an alliance only once.
#[instrument(level = "debug", skip(db, new), fields(alliance = %new.alliance_id))]
pub async fn add(db: &impl ConnectionTrait, new: NewMember) -> StoreResult<AllianceMember> {
    let row = member::ActiveModel {
        id: Set(MemberId::new().0),
        alliance_id: Set(new.alliance_id.0),
        person_id: Set(new.person_id.0),
        role: Set(new.role.as_str().to_owned()),
        relationship: Set(new.relationship),
        family_identified: Set(new.family_identified),
        joined_at: Set(crate::now()),
        left_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(unique_is(
        "this person is already an active member of the alliance",
    ))?;
    convert::member(row)
}

/// Marks a member as having left; their history stays. A member who has already left
/// keeps the time they left, and the call is a conflict.
#[instrument(level = "debug", skip(db))]
pub async fn remove(db: &impl ConnectionTrait, id: MemberId) -> StoreResult<AllianceMember> {
    let result = member::Entity::update_many()
        .col_expr(member::Column::LeftAt, Expr::value(crate::now()))
        .filter(member::Column::Id.eq(id.0))
        .filter(member::Column::LeftAt.is_null())
        .exec(db)
        .await
        .domain()?;
    let row = member::Entity::find_by_id(id.0)
        .one(db)
        .await
        .domain()?
        .ok_or(DomainError::NotFound("member"))?;
    if result.rows_affected == 0 {
        return Err(DomainError::Conflict(
            "this member has already left the alliance".into(),
        ));
    }
    convert::member(row)
}
