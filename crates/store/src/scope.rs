//! A viewer's [`ReadScope`] as SQL conditions, so reads never load what is out of reach.

use alliance_domain::access::ReadScope;
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use crate::entities::{alliance, member, student};

fn nothing() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

fn active_memberships(person: uuid::Uuid) -> SelectStatement {
    Query::select()
        .column(member::Column::AllianceId)
        .from(member::Entity)
        .and_where(member::Column::PersonId.eq(person))
        .and_where(member::Column::LeftAt.is_null())
        .to_owned()
}

/// Students the scope reaches.
pub(crate) fn students(scope: &ReadScope) -> Condition {
    let in_district = Condition::all().add(student::Column::DistrictId.eq(scope.district_id.0));
    if scope.whole_district {
        return in_district;
    }
    if scope.is_empty() {
        return nothing();
    }
    let mut reach = Condition::any();
    if !scope.schools.is_empty() {
        reach = reach.add(student::Column::SchoolId.is_in(scope.schools.iter().map(|s| s.0)));
    }
    if let Some(person) = scope.member {
        let students_of_memberships = Query::select()
            .column(alliance::Column::StudentId)
            .from(alliance::Entity)
            .and_where(alliance::Column::Id.in_subquery(active_memberships(person.0)))
            .to_owned();
        reach = reach.add(student::Column::Id.in_subquery(students_of_memberships));
    }
    in_district.add(reach)
}

/// Alliances the scope reaches: all of a reachable school's, or those the viewer is an
/// active member of.
pub(crate) fn alliances(scope: &ReadScope) -> Condition {
    let in_district = Condition::all().add(alliance::Column::DistrictId.eq(scope.district_id.0));
    if scope.whole_district {
        return in_district;
    }
    if scope.is_empty() {
        return nothing();
    }
    let mut reach = Condition::any();
    if !scope.schools.is_empty() {
        let students_of_schools = Query::select()
            .column(student::Column::Id)
            .from(student::Entity)
            .and_where(student::Column::SchoolId.is_in(scope.schools.iter().map(|s| s.0)))
            .to_owned();
        reach = reach.add(alliance::Column::StudentId.in_subquery(students_of_schools));
    }
    if let Some(person) = scope.member {
        reach = reach.add(alliance::Column::Id.in_subquery(active_memberships(person.0)));
    }
    in_district.add(reach)
}

/// The ids of the alliances the scope reaches, as a subquery.
pub(crate) fn visible_alliance_ids(scope: &ReadScope) -> SelectStatement {
    Query::select()
        .column(alliance::Column::Id)
        .from(alliance::Entity)
        .cond_where(alliances(scope))
        .to_owned()
}

/// The ids of the district's alliances, as a subquery.
pub(crate) fn district_alliance_ids(district: alliance_domain::ids::DistrictId) -> SelectStatement {
    Query::select()
        .column(alliance::Column::Id)
        .from(alliance::Entity)
        .and_where(alliance::Column::DistrictId.eq(district.0))
        .to_owned()
}

/// Records marked `TEAM_ONLY` are read only where the viewer works as part of the school
/// team; everything else in a reachable alliance is read by the whole alliance.
pub(crate) fn visible_to_viewer(
    scope: &ReadScope,
    visibility: impl ColumnTrait,
    alliance: impl ColumnTrait,
) -> Condition {
    Condition::any()
        .add(visibility.eq("ALLIANCE"))
        .add(in_team_reach(scope, alliance))
}

/// The alliances where the viewer works as part of the school team (and so reads what
/// is marked `TEAM_ONLY`).
pub(crate) fn in_team_reach(scope: &ReadScope, alliance: impl ColumnTrait) -> Condition {
    let mut reach = Condition::any();
    let team = &scope.team;
    if team.whole_district {
        return reach.add(alliance.in_subquery(district_alliance_ids(scope.district_id)));
    }
    if !team.schools.is_empty() {
        let alliances_of_schools = Query::select()
            .column(alliance::Column::Id)
            .from(alliance::Entity)
            .and_where(
                alliance::Column::StudentId.in_subquery(
                    Query::select()
                        .column(student::Column::Id)
                        .from(student::Entity)
                        .and_where(
                            student::Column::SchoolId.is_in(team.schools.iter().map(|s| s.0)),
                        )
                        .to_owned(),
                ),
            )
            .to_owned();
        reach = reach.add(alliance.in_subquery(alliances_of_schools));
    }
    if let Some(person) = team.staff {
        let team_memberships = Query::select()
            .column(member::Column::AllianceId)
            .from(member::Entity)
            .and_where(member::Column::PersonId.eq(person.0))
            .and_where(member::Column::LeftAt.is_null())
            .and_where(member::Column::Role.is_not_in(["STUDENT", "CAREGIVER"]))
            .to_owned();
        reach = reach.add(alliance.in_subquery(team_memberships));
    }
    if reach.is_empty() {
        // No team reach at all: no alliance.
        return nothing();
    }
    reach
}
