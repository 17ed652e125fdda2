//! The levels below the page's alliances, one statement each: members (with their
//! names), goals, progress entries and the latest feedback.

use alliance_domain::feedback::Scores;
use alliance_domain::ids::{AllianceId, FeedbackRequestId, FeedbackResponseId, MemberId};
use alliance_domain::model::{FeedbackResponse, Measure};
use alliance_domain::progress::ProgressStats;
use alliance_domain::values::{GoalStatus, MemberRole};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend, DbErr};
use uuid::Uuid;

use super::load::{count, get, parse, rows};
use crate::sql::Sql;

pub(super) struct MemberRow {
    pub id: Uuid,
    pub alliance_id: Uuid,
    pub role: MemberRole,
    pub relationship: Option<String>,
    pub person_id: Uuid,
    pub display_name: String,
}

pub(super) struct GoalRow {
    pub id: Uuid,
    pub alliance_id: Uuid,
    pub own_words: String,
    pub status: GoalStatus,
    pub measure: Option<Measure>,
    /// Its entries, added up by the database.
    pub stats: ProgressStats,
}

/// A progress entry of the page asked for, newest first within its goal.
pub(super) struct EntryRow {
    pub goal_id: Uuid,
    pub id: Uuid,
    pub observed_at: DateTime<Utc>,
    pub value: Option<f64>,
    pub note: Option<String>,
}

pub(super) struct ResponseRow {
    pub response: FeedbackResponse,
    /// Whether a next step cites it (and so answers its concern).
    pub cited: bool,
}

/// The active members of `alliances`, in order of joining, with their names.
pub(super) async fn members(
    db: &DatabaseConnection,
    district: Uuid,
    alliances: &[Uuid],
) -> Result<Vec<MemberRow>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    // Each member's name by its key, one lookup a member: as a join, PostgreSQL hashed
    // every person of the district (8 ms at 10,000 students) and SQLite without
    // statistics drove the join from them. A member whose person is not of the district
    // has no name here and is left out, as the join left it out.
    sql.push(
        "SELECT m.id, m.alliance_id, m.role, m.relationship, m.person_id, \
         (SELECT p.display_name FROM persons p WHERE p.id = m.person_id AND p.district_id = ",
    )
    .bind(district)
    .push(
        ") AS display_name FROM alliance_members m \
         WHERE m.left_at IS NULL AND m.alliance_id IN ",
    )
    .list(alliances.iter().copied())
    .push(" ORDER BY m.joined_at, m.id");
    rows(db, sql)
        .await?
        .iter()
        .map(|row| {
            let Some(display_name) = get(row, "display_name")? else {
                return Ok(None);
            };
            Ok(Some(MemberRow {
                id: get(row, "id")?,
                alliance_id: get(row, "alliance_id")?,
                role: parse(row, "role")?,
                relationship: get(row, "relationship")?,
                person_id: get(row, "person_id")?,
                display_name,
            }))
        })
        .filter_map(Result::transpose)
        .collect()
}

/// The goals of `alliances`, by priority then age.
pub(super) async fn goals(
    db: &DatabaseConnection,
    alliances: &[Uuid],
) -> Result<Vec<GoalRow>, DbErr> {
    let backend = db.get_database_backend();
    // What each goal's entries add up to, computed where they are, in the store's own
    // expressions (so that both sums round alike). PostgreSQL adds up each goal's entries
    // on their own, off the goal's index; SQLite, without lateral joins, groups the goals
    // joined to their entries.
    let totals = alliance_store::progress::stats_columns(backend, "g")
        .map(|(name, sql)| format!("{sql} AS {name}"))
        .join(", ");
    let goal = "g.id, g.alliance_id, g.own_words, g.status, g.measure_name, \
         g.measure_unit, g.measure_baseline, g.measure_target, g.measure_direction, \
         g.measure_target_date, g.created_at AS origin";
    let lateral = backend == DbBackend::Postgres;
    let mut sql = Sql::new(backend);
    if lateral {
        sql.push(&format!(
            "SELECT {goal}, t.* FROM goals g LEFT JOIN LATERAL \
             (SELECT {totals} FROM progress_entries p WHERE p.goal_id = g.id) t ON true \
             WHERE g.alliance_id IN "
        ));
    } else {
        sql.push(&format!(
            "SELECT {goal}, {totals} FROM goals g \
             LEFT JOIN progress_entries p ON g.id = p.goal_id WHERE g.alliance_id IN "
        ));
    }
    sql.list(alliances.iter().copied());
    if !lateral {
        sql.push(" GROUP BY g.id");
    }
    sql.push(" ORDER BY g.priority, g.created_at, g.id");
    rows(db, sql)
        .await?
        .iter()
        .map(|row| {
            let measure = match (
                get::<Option<String>>(row, "measure_name")?,
                get::<Option<f64>>(row, "measure_baseline")?,
                get::<Option<f64>>(row, "measure_target")?,
                get::<Option<String>>(row, "measure_direction")?,
            ) {
                (Some(name), Some(baseline), Some(target), Some(direction)) => Some(Measure {
                    name,
                    unit: get(row, "measure_unit")?,
                    baseline,
                    target,
                    direction: direction
                        .parse()
                        .map_err(|e| DbErr::Custom(format!("measure_direction: {e}")))?,
                    target_date: get(row, "measure_target_date")?,
                }),
                _ => None,
            };
            let stats = ProgressStats {
                origin: get(row, "origin")?,
                entries: count(row, "entries")?,
                valued: count(row, "valued")?,
                first_valued_at: get(row, "first_valued_at")?,
                latest_valued_at: get(row, "latest_valued_at")?,
                latest_value: get(row, "latest_value")?,
                sum_x: get(row, "sum_x")?,
                sum_y: get(row, "sum_y")?,
                sum_xx: get(row, "sum_xx")?,
                sum_xy: get(row, "sum_xy")?,
            };
            Ok(GoalRow {
                id: get(row, "id")?,
                alliance_id: get(row, "alliance_id")?,
                own_words: get(row, "own_words")?,
                status: parse(row, "status")?,
                measure,
                stats,
            })
        })
        .collect()
}

/// The oldest `last` progress entries of each goal of `alliances` (the page
/// `progress(last:)` shows of a newest-first list), newest first within each goal.
pub(super) async fn progress(
    db: &DatabaseConnection,
    alliances: &[Uuid],
    last: u64,
) -> Result<Vec<EntryRow>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT goal_id, id, observed_at, value, note FROM \
         (SELECT p.goal_id, p.id, p.observed_at, p.value, p.note, \
           ROW_NUMBER() OVER (PARTITION BY p.goal_id ORDER BY p.observed_at, p.id) AS r \
          FROM progress_entries p \
          WHERE p.goal_id IN (SELECT g.id FROM goals g WHERE g.alliance_id IN ",
    )
    .list(alliances.iter().copied())
    .push(")) page WHERE r <= ")
    .bind(last as i64)
    .push(" ORDER BY goal_id, observed_at DESC, id DESC");
    rows(db, sql)
        .await?
        .iter()
        .map(|row| {
            Ok(EntryRow {
                goal_id: get(row, "goal_id")?,
                id: get(row, "id")?,
                observed_at: get(row, "observed_at")?,
                value: get(row, "value")?,
                note: get(row, "note")?,
            })
        })
        .collect()
}

/// The newest `first` answers of each of `alliances`, newest first, and whether a next
/// step cites each.
pub(super) async fn latest_responses(
    db: &DatabaseConnection,
    alliances: &[Uuid],
    first: u64,
) -> Result<Vec<ResponseRow>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT r.id, r.request_id, r.alliance_id, r.member_id, r.language, r.supported, \
         r.understood, r.centered, r.goals, r.approach, r.concern_reasons, r.submitted_at, \
         CASE WHEN EXISTS (SELECT 1 FROM next_step_citations c \
           WHERE c.record_type = 'FEEDBACK_RESPONSE' AND c.record_id = r.id) THEN 1 ELSE 0 END AS cited \
         FROM (SELECT fr.*, ROW_NUMBER() OVER (PARTITION BY fr.alliance_id \
           ORDER BY fr.submitted_at DESC, fr.id DESC) AS rank_in_alliance \
           FROM feedback_responses fr WHERE fr.alliance_id IN ",
    )
    .list(alliances.iter().copied())
    .push(") r WHERE r.rank_in_alliance <= ")
    .bind(first as i64)
    .push(" ORDER BY r.alliance_id, r.rank_in_alliance");
    rows(db, sql)
        .await?
        .iter()
        .map(|row| {
            let reasons: String = get(row, "concern_reasons")?;
            Ok(ResponseRow {
                response: FeedbackResponse {
                    id: FeedbackResponseId(get(row, "id")?),
                    request_id: FeedbackRequestId(get(row, "request_id")?),
                    alliance_id: AllianceId(get(row, "alliance_id")?),
                    member_id: MemberId(get(row, "member_id")?),
                    language: get(row, "language")?,
                    scores: Scores {
                        supported: get(row, "supported")?,
                        understood: get(row, "understood")?,
                        centered: get(row, "centered")?,
                        goals: get(row, "goals")?,
                        approach: get(row, "approach")?,
                    },
                    // Not on the dashboard, so not read.
                    comment: None,
                    concern_reasons: serde_json::from_str(&reasons).unwrap_or_default(),
                    submitted_at: get(row, "submitted_at")?,
                },
                cited: get::<i32>(row, "cited")? != 0,
            })
        })
        .collect()
}
