//! The dashboard's data in one hand-written statement per level of nesting, from the
//! top (below the viewer, whom the floor finds as Alliance does, with
//! [`Store::sign_in`](alliance_store::Store::sign_in)): the page of students (with
//! schools and the total), and their alliances with the facts practice health is
//! computed from ([`details`](super::details) has the levels below). Scoped as Alliance
//! scopes a STAFF viewer: the students and alliances where they are an active member.

use alliance_domain::health::HealthFacts;
use alliance_domain::model::DistrictSettings;
use alliance_domain::values::{AlliancePhase, AllianceStatus};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult};
use uuid::Uuid;

use crate::sql::Sql;

/// Who asks, as the database knows them.
pub(super) struct Viewer {
    pub district: Uuid,
    pub settings: DistrictSettings,
    pub person: Option<Uuid>,
}

pub(super) struct StudentRow {
    pub id: Uuid,
    pub name: String,
    pub school_id: Uuid,
    pub school_name: String,
}

pub(super) struct AllianceRow {
    pub id: Uuid,
    pub student_id: Uuid,
    pub status: AllianceStatus,
    pub phase: AlliancePhase,
    pub facts: HealthFacts,
}

pub(super) fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<T, DbErr> {
    row.try_get("", column)
}

/// A count (`COUNT(…)`, a bigint) of `row`, as a `T`.
pub(super) fn count<T: TryFrom<i64>>(row: &QueryResult, column: &str) -> Result<T, DbErr> {
    T::try_from(get::<i64>(row, column)?)
        .map_err(|_| DbErr::Custom(format!("{column}: a count out of range")))
}

pub(super) fn parse<T: std::str::FromStr>(row: &QueryResult, column: &str) -> Result<T, DbErr>
where
    T::Err: std::fmt::Display,
{
    let text: String = get(row, column)?;
    text.parse()
        .map_err(|e: T::Err| DbErr::Custom(format!("{column}: {e}")))
}

pub(super) async fn rows(db: &DatabaseConnection, sql: Sql) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all_raw(sql.statement()).await
}

/// The first `first` students in the viewer's alliances by sort name, and how many
/// there are in all.
pub(super) async fn students(
    db: &DatabaseConnection,
    district: Uuid,
    person: Uuid,
    first: u64,
) -> Result<(Vec<StudentRow>, u64), DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT s.id, s.name, sc.id AS school_id, sc.name AS school_name, COUNT(*) OVER () AS total \
         FROM students s JOIN schools sc ON sc.id = s.school_id \
         WHERE s.district_id = ",
    )
    .bind(district)
    .push(
        " AND s.id IN (SELECT a.student_id FROM alliances a \
         JOIN alliance_members m ON m.alliance_id = a.id \
         WHERE m.left_at IS NULL AND m.person_id = ",
    )
    .bind(person)
    .push(") ORDER BY s.sort_name, s.id LIMIT ")
    .bind(first as i64);
    let rows = rows(db, sql).await?;
    let total = match rows.first() {
        Some(row) => u64::try_from(get::<i64>(row, "total")?).unwrap_or(0),
        None => 0,
    };
    let students = rows
        .iter()
        .map(|row| {
            Ok(StudentRow {
                id: get(row, "id")?,
                name: get(row, "name")?,
                school_id: get(row, "school_id")?,
                school_name: get(row, "school_name")?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    Ok((students, total))
}

/// The open (not closed) alliances of `students` the viewer is an active member of,
/// oldest first, each with its health facts at `now`.
pub(super) async fn alliances(
    db: &DatabaseConnection,
    viewer: &Viewer,
    person: Uuid,
    students: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<AllianceRow>, DbErr> {
    let window = now - Duration::days(i64::from(viewer.settings.feedback_cadence_days));
    let today: NaiveDate = now.date_naive();
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT a.id, a.student_id, a.status, a.phase, a.created_at, \
         (SELECT MAX(r.requested_at) FROM feedback_requests r WHERE r.alliance_id = a.id) AS last_feedback_requested, \
         (SELECT MAX(c.occurred_at) FROM communications c \
            WHERE c.alliance_id = a.id AND c.kind = 'DATA_SHARE') AS last_data_shared, \
         (SELECT MAX(f.held_at) FROM reflections f WHERE f.alliance_id = a.id) AS last_reflection, \
         (SELECT COUNT(*) FROM feedback_responses fr WHERE fr.alliance_id = a.id AND fr.concern = ",
    )
    .bind(true)
    .push(
        " AND NOT EXISTS (SELECT 1 FROM next_step_citations nc \
            WHERE nc.record_type = 'FEEDBACK_RESPONSE' AND nc.record_id = fr.id)) AS open_concerns, \
         (SELECT COUNT(*) FROM next_steps n \
            WHERE n.alliance_id = a.id AND n.status = 'OPEN' AND n.due_date < ",
    )
    .bind(today)
    .push(
        ") AS overdue_next_steps, \
         (SELECT COUNT(*) FROM goals g WHERE g.alliance_id = a.id AND g.status = 'ACTIVE' \
            AND NOT EXISTS (SELECT 1 FROM progress_entries p WHERE p.goal_id = g.id AND p.observed_at >= ",
    )
    .bind(window)
    .push(
        ")) AS quiet_goals, \
         (SELECT COUNT(*) FROM goals g WHERE g.alliance_id = a.id AND g.status = 'ACTIVE' \
            AND NOT EXISTS (SELECT 1 FROM goal_acceptances ga JOIN alliance_members fm ON fm.id = ga.member_id \
              WHERE ga.goal_id = g.id AND ga.acceptance = 'AGREE' AND fm.role IN ('STUDENT', 'CAREGIVER'))) \
            AS unagreed_goals \
         FROM alliances a WHERE a.district_id = ",
    )
    .bind(viewer.district)
    .push(" AND a.status <> 'CLOSED' AND a.student_id IN ")
    .list(students.iter().copied())
    .push(
        " AND EXISTS (SELECT 1 FROM alliance_members m \
            WHERE m.alliance_id = a.id AND m.left_at IS NULL AND m.person_id = ",
    )
    .bind(person)
    .push(") ORDER BY a.created_at, a.id");
    rows(db, sql)
        .await?
        .iter()
        .map(|row| {
            Ok(AllianceRow {
                id: get(row, "id")?,
                student_id: get(row, "student_id")?,
                status: parse(row, "status")?,
                phase: parse(row, "phase")?,
                facts: HealthFacts {
                    started_at: Some(get(row, "created_at")?),
                    last_feedback_requested: get(row, "last_feedback_requested")?,
                    last_data_shared: get(row, "last_data_shared")?,
                    last_reflection: get(row, "last_reflection")?,
                    open_concerns: count(row, "open_concerns")?,
                    overdue_next_steps: count(row, "overdue_next_steps")?,
                    goals_without_recent_progress: count(row, "quiet_goals")?,
                    goals_without_family_acceptance: count(row, "unagreed_goals")?,
                },
            })
        })
        .collect()
}
