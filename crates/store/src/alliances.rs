//! Alliances and the history of their phases.

use alliance_domain::DomainError;
use alliance_domain::access::ReadScope;
use alliance_domain::health::HealthFacts;
use alliance_domain::ids::{
    AllianceId, DistrictId, GoalId, PersonId, PhaseChangeId, SchoolId, StudentId,
};
use alliance_domain::model::{Alliance, AllianceMember, Goal, PhaseChange};
use alliance_domain::values::{AlliancePhase, AllianceStatus};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, RelationTrait, Select, Set,
};
use tracing::instrument;

use crate::entities::{alliance, goal, member, phase_change, student};
use crate::error::{IntoDomain, StoreResult, unique_is};
use crate::{convert, health, joined, scope};

async fn load(
    db: &impl ConnectionTrait,
    query: Select<alliance::Entity>,
) -> StoreResult<Vec<Alliance>> {
    let found: Vec<(_, uuid::Uuid)> = joined::all_with(db, with_school(query)).await.domain()?;
    found
        .into_iter()
        .map(|(a, school)| convert::alliance(a, SchoolId(school)))
        .collect()
}

/// `query` with each alliance's school (its student's) in the column after its own, oldest
/// first.
fn with_school(query: Select<alliance::Entity>) -> Select<alliance::Entity> {
    query
        .join(JoinType::InnerJoin, alliance::Relation::Student.def())
        .column_as(student::Column::SchoolId, SCHOOL)
        .order_by_asc(alliance::Column::CreatedAt)
        .order_by_asc(alliance::Column::Id)
}

/// The alliances among `ids` that `scope` reaches.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    ids: &[AllianceId],
) -> StoreResult<Vec<Alliance>> {
    let query = alliance::Entity::find()
        .filter(scope::alliances(scope))
        .filter(alliance::Column::Id.is_in(ids.iter().map(|id| id.0)));
    load(db, query).await
}

/// Every alliance of the students among `students` that `scope` reaches, oldest first.
#[instrument(level = "debug", skip(db, students), fields(count = students.len()))]
pub async fn for_students(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    students: &[StudentId],
) -> StoreResult<Vec<Alliance>> {
    let query = alliance::Entity::find()
        .filter(scope::alliances(scope))
        .filter(alliance::Column::StudentId.is_in(students.iter().map(|id| id.0)));
    load(db, query).await
}

/// What [`for_students`] finds, each alliance with its practice health facts at `now`
/// (goals quiet for `progress_window_days` count as without recent progress), in the
/// same statement: for a page of students whose alliances' health is asked for too.
#[instrument(level = "debug", skip(db, students), fields(count = students.len()))]
pub async fn for_students_with_health(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    students: &[StudentId],
    now: DateTime<Utc>,
    progress_window_days: i32,
) -> StoreResult<Vec<(Alliance, HealthFacts)>> {
    let mut select = with_school(
        alliance::Entity::find()
            .filter(scope::alliances(scope))
            .filter(alliance::Column::StudentId.is_in(students.iter().map(|id| id.0))),
    );
    health::add_columns(QueryTrait::query(&mut select), now, progress_window_days);
    let found = joined::all_then(db, select, 1 + health::WIDTH, |cells, first| {
        Ok((cells.at(first)?, health::read(cells, first + 1)?))
    })
    .await
    .domain()?;
    found
        .into_iter()
        .map(|(a, (school, mut facts)): (_, (uuid::Uuid, HealthFacts))| {
            facts.started_at = Some(a.created_at);
            Ok((convert::alliance(a, SchoolId(school))?, facts))
        })
        .collect()
}

/// The alliances that are not closed and that `scope` reaches, optionally of one school.
#[instrument(level = "debug", skip(db))]
pub async fn open_in_scope(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    school: Option<SchoolId>,
) -> StoreResult<Vec<Alliance>> {
    let mut query = alliance::Entity::find()
        .filter(scope::alliances(scope))
        .filter(alliance::Column::Status.ne(AllianceStatus::Closed.as_str()));
    if let Some(school) = school {
        query = query.filter(student::Column::SchoolId.eq(school.0));
    }
    load(db, query).await
}

/// An alliance of the district whether or not the viewer may read it, for deciding
/// whether a change to it is allowed.
#[instrument(level = "debug", skip(db))]
pub async fn in_district(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: AllianceId,
) -> StoreResult<Option<Alliance>> {
    let query =
        alliance::Entity::find_by_id(id.0).filter(alliance::Column::DistrictId.eq(district.0));
    Ok(load(db, query).await?.into_iter().next())
}

/// Opens an alliance for a student, recording its first phase. A student with an
/// alliance that is not closed cannot have a second one.
#[instrument(level = "debug", skip(db))]
pub async fn create(
    db: &impl ConnectionTrait,
    district: DistrictId,
    student: StudentId,
    school: SchoolId,
    phase: AlliancePhase,
    by: &str,
) -> StoreResult<Alliance> {
    let now = crate::now();
    let row = alliance::ActiveModel {
        id: Set(AllianceId::new().0),
        district_id: Set(district.0),
        student_id: Set(student.0),
        status: Set(AllianceStatus::Active.as_str().to_owned()),
        phase: Set(phase.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(unique_is("this student already has an open alliance"))?;
    record_phase(db, AllianceId(row.id), None, phase, None, by).await?;
    convert::alliance(row, school)
}

/// Moves an alliance to `phase` (recording the change when it is one) and `status`.
#[instrument(level = "debug", skip(db, current))]
pub async fn change(
    db: &impl ConnectionTrait,
    current: &Alliance,
    phase: AlliancePhase,
    status: AllianceStatus,
    reason: Option<String>,
    by: &str,
) -> StoreResult<Alliance> {
    // Conditional on the phase and status the caller saw, so two changes racing from the
    // same phase cannot both be recorded as leaving it.
    let result = alliance::Entity::update_many()
        .col_expr(alliance::Column::Phase, Expr::value(phase.as_str()))
        .col_expr(alliance::Column::Status, Expr::value(status.as_str()))
        .col_expr(alliance::Column::UpdatedAt, Expr::value(crate::now()))
        .filter(alliance::Column::Id.eq(current.id.0))
        .filter(alliance::Column::Phase.eq(current.phase.as_str()))
        .filter(alliance::Column::Status.eq(current.status.as_str()))
        .exec(db)
        .await
        .map_err(unique_is("this student already has another open alliance"))?;
    if result.rows_affected != 1 {
        return Err(DomainError::Conflict(
            "the alliance was changed by someone else; reload it and try again".into(),
        ));
    }
    if phase != current.phase {
        record_phase(db, current.id, Some(current.phase), phase, reason, by).await?;
    }
    let row = alliance::Entity::find_by_id(current.id.0)
        .one(db)
        .await
        .domain()?
        .ok_or(DomainError::NotFound("alliance"))?;
    convert::alliance(row, current.school_id)
}

async fn record_phase(
    db: &impl ConnectionTrait,
    alliance: AllianceId,
    from: Option<AlliancePhase>,
    to: AlliancePhase,
    reason: Option<String>,
    by: &str,
) -> StoreResult<()> {
    phase_change::ActiveModel {
        id: Set(PhaseChangeId::new().0),
        alliance_id: Set(alliance.0),
        from_phase: Set(from.map(|p| p.as_str().to_owned())),
        to_phase: Set(to.as_str().to_owned()),
        reason: Set(reason),
        changed_at: Set(crate::now()),
        changed_by: Set(by.to_owned()),
    }
    .insert(db)
    .await
    .domain()?;
    Ok(())
}

/// The phase history of each alliance among `ids`, oldest first.
#[instrument(level = "debug", skip(db, ids), fields(count = ids.len()))]
pub async fn phase_history(
    db: &impl ConnectionTrait,
    ids: &[AllianceId],
) -> StoreResult<Vec<PhaseChange>> {
    let rows = joined::all(
        db,
        phase_change::Entity::find()
            .filter(phase_change::Column::AllianceId.is_in(ids.iter().map(|id| id.0)))
            .order_by_asc(phase_change::Column::ChangedAt)
            .order_by_asc(phase_change::Column::Id),
    )
    .await
    .domain()?;
    rows.into_iter().map(convert::phase_change).collect()
}

/// What a write to an alliance's records is checked against: the alliance, and the
/// writer's active membership in it, if any.
pub type ForWrite = (Alliance, Option<AllianceMember>);

/// The columns of the alliance, its student's school and `person`'s active membership,
/// with the tables joined; the caller adds what it selects by.
fn for_write_select(person: Option<PersonId>) -> SelectStatement {
    let mut select = Query::select();
    joined::columns_of::<alliance::Entity>(&mut select, alliance::Entity, ALLIANCE);
    select.expr_as(
        Expr::col((student::Entity, student::Column::SchoolId)),
        SCHOOL,
    );
    joined::columns_of::<member::Entity>(&mut select, member::Entity, MEMBER);
    let membership = match person {
        Some(person) => Condition::all()
            .add(
                Expr::col((member::Entity, member::Column::AllianceId))
                    .equals((alliance::Entity, alliance::Column::Id)),
            )
            .add(Expr::col((member::Entity, member::Column::PersonId)).eq(person.0))
            .add(Expr::col((member::Entity, member::Column::LeftAt)).is_null()),
        None => Condition::all().add(Expr::cust("1 = 0")),
    };
    select
        .from(alliance::Entity)
        .inner_join(
            student::Entity,
            Expr::col((student::Entity, student::Column::Id))
                .equals((alliance::Entity, alliance::Column::StudentId)),
        )
        .left_join(member::Entity, membership)
        .to_owned()
}

const ALLIANCE: &str = "a_";
const SCHOOL: &str = "school_of_student";
const MEMBER: &str = "m_";

/// Reads what [`for_write_select`] selected.
fn read_for_write(row: &QueryResult) -> StoreResult<ForWrite> {
    let found = alliance::Model::from_query_result(row, ALLIANCE).domain()?;
    let school: uuid::Uuid = row.try_get("", SCHOOL).domain()?;
    let membership = joined::optional::<member::Entity>(row, MEMBER)
        .domain()?
        .map(convert::member)
        .transpose()?;
    Ok((convert::alliance(found, SchoolId(school))?, membership))
}

/// The alliance `id` of `district`, whoever asks, with `person`'s active membership in
/// it: in one statement, for deciding whether a write is allowed.
#[instrument(level = "debug", skip(db))]
pub async fn for_write(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: AllianceId,
    person: Option<PersonId>,
) -> StoreResult<Option<ForWrite>> {
    let select = for_write_select(person)
        .and_where(Expr::col((alliance::Entity, alliance::Column::Id)).eq(id.0))
        .and_where(Expr::col((alliance::Entity, alliance::Column::DistrictId)).eq(district.0))
        .to_owned();
    let statement = db.get_database_backend().build(&select);
    match db.query_one_raw(statement).await.domain()? {
        Some(row) => read_for_write(&row).map(Some),
        None => Ok(None),
    }
}

/// The goal `id` of `district`, whoever asks, with its alliance and `person`'s active
/// membership there: in one statement, for deciding whether a write is allowed.
#[instrument(level = "debug", skip(db))]
pub async fn goal_for_write(
    db: &impl ConnectionTrait,
    district: DistrictId,
    id: GoalId,
    person: Option<PersonId>,
) -> StoreResult<Option<(Goal, ForWrite)>> {
    const GOAL: &str = "g_";
    let mut select = for_write_select(person);
    joined::columns_of::<goal::Entity>(&mut select, goal::Entity, GOAL);
    select
        .inner_join(
            goal::Entity,
            Expr::col((goal::Entity, goal::Column::AllianceId))
                .equals((alliance::Entity, alliance::Column::Id)),
        )
        .and_where(Expr::col((goal::Entity, goal::Column::Id)).eq(id.0))
        .and_where(Expr::col((alliance::Entity, alliance::Column::DistrictId)).eq(district.0));
    let statement = db.get_database_backend().build(&select);
    let Some(row) = db.query_one_raw(statement).await.domain()? else {
        return Ok(None);
    };
    let found = goal::Model::from_query_result(&row, GOAL).domain()?;
    Ok(Some((convert::goal(found)?, read_for_write(&row)?)))
}
