//! Students, always read through the viewer's scope.

use alliance_domain::access::ReadScope;
use alliance_domain::ids::{DistrictId, PersonId, SchoolId, StudentId};
use alliance_domain::model::{ExternalIds, School, Student};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use tracing::instrument;

use crate::entities::{school, student};
use crate::error::{IntoDomain, StoreResult};
use crate::joined::Positional;
use crate::{Page, convert, joined, scope};

/// Narrows a list of students.
#[derive(Clone, Debug, Default)]
pub struct StudentFilter {
    pub school_id: Option<SchoolId>,
    pub grade_level: Option<String>,
    /// Part of the legal or preferred name, any case.
    pub search: Option<String>,
}

/// A student to enrol.
#[derive(Clone, Debug)]
pub struct NewStudent {
    pub district_id: DistrictId,
    pub school_id: SchoolId,
    pub person_id: PersonId,
    pub name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub grade_level: String,
    pub preferred_language: String,
    pub external_ids: ExternalIds,
}

fn contains(text: &str) -> LikeExpr {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

fn filtered(filter: &StudentFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(school) = filter.school_id {
        condition = condition.add(student::Column::SchoolId.eq(school.0));
    }
    if let Some(grade) = &filter.grade_level {
        condition = condition.add(student::Column::GradeLevel.eq(grade.as_str()));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        condition = condition.add(Expr::col(student::Column::SearchName).like(contains(search)));
    }
    condition
}

/// A page of the students in `scope` matching `filter`, by preferred name, and how many
/// match in all.
#[instrument(level = "debug", skip(db, page))]
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    filter: &StudentFilter,
    page: impl FnOnce(u64) -> Page,
) -> StoreResult<(Vec<Student>, u64)> {
    let query = student::Entity::find()
        .filter(scope::students(scope))
        .filter(filtered(filter));
    let total = query.clone().count(db).await.domain()?;
    let page = page(total);
    let rows = query
        .order_by_asc(student::Column::SortName)
        .order_by_asc(student::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await
        .domain()?;
    Ok((rows.into_iter().map(convert::student).collect(), total))
}

/// The page of students in `scope` matching `filter` (by preferred name) that starts at
/// `page.offset`, each with their school, and how many match in all: in one statement
/// (a second counts only when the page is past the end).
#[instrument(level = "debug", skip(db, page))]
pub async fn page_with_schools(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    filter: &StudentFilter,
    page: Page,
) -> StoreResult<(Vec<(Student, School)>, u64)> {
    const SCHOOL: &str = "school__";
    const TOTAL: &str = "matching_students";
    let matching = || {
        student::Entity::find()
            .filter(scope::students(scope))
            .filter(filtered(filter))
    };
    let count = matching()
        .select_only()
        .expr(Expr::cust("COUNT(*)"))
        .into_query();
    let mut query = matching()
        .expr_as(Expr::SubQuery(None, Box::new(count.into())), TOTAL)
        .join(
            JoinType::InnerJoin,
            student::Entity::belongs_to(school::Entity)
                .from(student::Column::SchoolId)
                .to(school::Column::Id)
                .into(),
        )
        .order_by_asc(student::Column::SortName)
        .order_by_asc(student::Column::Id)
        .offset(page.offset)
        .limit(page.limit);
    joined::columns_of::<school::Entity>(QueryTrait::query(&mut query), school::Entity, SCHOOL);
    let rows = db
        .query_all_raw(query.build(db.get_database_backend()))
        .await
        .domain()?;
    let Some(first) = rows.first() else {
        let total = matching().count(db).await.domain()?;
        return Ok((Vec::new(), total));
    };
    let total: i64 = first.try_get("", TOTAL).domain()?;
    // By position: the student's columns, the count, then the school's.
    let students = joined::rows(&rows, |row| {
        let found = student::Model::read(row, 0)?;
        let school = school::Model::read(row, student::Model::WIDTH + 1)?;
        Ok((convert::student(found), convert::school(school)))
    })
    .domain()?;
    Ok((students, u64::try_from(total).unwrap_or_default()))
}

/// The students among `ids` that `scope` reaches.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[StudentId],
) -> StoreResult<Vec<Student>> {
    let rows = joined::all(
        db,
        student::Entity::find()
            .filter(scope::students(scope))
            .filter(student::Column::Id.is_in(ids.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert::student).collect())
}

/// The students of the district whose own directory entries are among `persons`: the
/// entry of a student is part of their records, and reading it is audited as such.
#[instrument(level = "debug", skip(db, persons), fields(count = persons.len()))]
pub async fn of_persons(
    db: &impl ConnectionTrait,
    district: DistrictId,
    persons: &[PersonId],
) -> StoreResult<Vec<Student>> {
    let rows = joined::all(
        db,
        student::Entity::find()
            .filter(student::Column::DistrictId.eq(district.0))
            .filter(student::Column::PersonId.is_in(persons.iter().map(|id| id.0))),
    )
    .await
    .domain()?;
    Ok(rows.into_iter().map(convert::student).collect())
}

/// A student of the district whether or not the viewer may read them, for deciding
/// whether a change to them is allowed.
#[instrument(level = "debug", skip(db))]
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: StudentId,
) -> StoreResult<Option<Student>> {
    let row = student::Entity::find_by_id(id.0)
        .filter(student::Column::DistrictId.eq(district.0))
        .one(db)
        .await
        .domain()?;
    Ok(row.map(convert::student))
}

/// Enrols a student.
#[instrument(level = "debug", skip(db, new), fields(school = %new.school_id))]
pub async fn create(db: &impl ConnectionTrait, new: NewStudent) -> StoreResult<Student> {
    let now = crate::now();
    let sort_name = new
        .preferred_name
        .as_deref()
        .unwrap_or(&new.name)
        .to_lowercase();
    let search_name = format!(
        "{} {}",
        new.name,
        new.preferred_name.as_deref().unwrap_or_default()
    )
    .to_lowercase();
    let row = student::ActiveModel {
        id: Set(StudentId::new().0),
        district_id: Set(new.district_id.0),
        school_id: Set(new.school_id.0),
        person_id: Set(new.person_id.0),
        name: Set(new.name),
        preferred_name: Set(new.preferred_name),
        pronouns: Set(new.pronouns),
        grade_level: Set(new.grade_level),
        preferred_language: Set(new.preferred_language),
        external_ids: Set(convert::external_ids_json(&new.external_ids)),
        sort_name: Set(sort_name),
        search_name: Set(search_name),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(convert::student(row))
}
