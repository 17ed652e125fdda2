//! The dashboard's answer: the rows of [`load`](super::load) shaped into the JSON
//! Alliance gives for `queries/dashboard.graphql` (same keys, order and formats), with
//! the domain's own calculations for progress summaries, practice health and concerns.

use std::collections::HashMap;

use alliance_domain::health::assess;
use alliance_domain::progress::summary_of;
use alliance_graphql::global_id;
use alliance_store::Store;
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::DbErr;
use uuid::Uuid;

use super::details::{self, EntryRow, GoalRow, MemberRow, ResponseRow};
use super::json::{
    Alliance, Concern, Data, FeedbackResponse, Goal, Health, Member, Nodes, Person, ProgressEntry,
    ProgressSummary, Reason, Response, School, Student, Students,
};
use super::load::{self, AllianceRow, StudentRow};

/// The page size of `students(first: 50)`.
const STUDENTS: u64 = 50;
/// `progress(last: 5)`.
const PROGRESS: u64 = 5;
/// `feedbackResponses(first: 1)`.
const RESPONSES: u64 = 1;
/// Connections without `first`/`last` hold at most this many.
const MAX_PAGE: usize = 100;

/// An instant as Alliance's `DateTime` scalar writes it.
fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn id(kind: &str, uuid: Uuid) -> String {
    global_id(kind, uuid).0
}

fn by<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut groups: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

/// What the dashboard shows `subject` of `district`: the JSON body, and the students it
/// read (for the audit log). `None` when the district is not known.
pub(super) async fn answer(
    store: &Store,
    district: &str,
    subject: &str,
) -> Result<Option<(Vec<u8>, load::Viewer, Vec<Uuid>)>, DbErr> {
    let now = alliance_store::now();
    let db = store.db();
    let signed_in = store
        .sign_in(district, subject)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let Some((district, person)) = signed_in else {
        return Ok(None);
    };
    let viewer = load::Viewer {
        district: district.id.0,
        settings: district.settings,
        person: person.map(|p| p.0),
    };
    let Some(person) = viewer.person else {
        let empty = Students {
            total_count: 0,
            nodes: Vec::new(),
        };
        return Ok(Some((body(empty)?, viewer, Vec::new())));
    };
    let (students, total) = load::students(db, viewer.district, person, STUDENTS).await?;
    let student_ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    let alliances = load::alliances(db, &viewer, person, &student_ids, now).await?;
    // The last open alliance of each student, as `Student.alliance` picks it.
    let mut current: HashMap<Uuid, AllianceRow> = HashMap::new();
    for alliance in alliances {
        current.insert(alliance.student_id, alliance);
    }
    let ids: Vec<Uuid> = current.values().map(|a| a.id).collect();
    let (members, goals, entries, responses) = futures::try_join!(
        details::members(db, viewer.district, &ids),
        details::goals(db, &ids),
        details::progress(db, &ids, PROGRESS),
        details::latest_responses(db, &ids, RESPONSES),
    )?;
    let mut parts = Parts {
        members: by(members, |m| m.alliance_id),
        goals: by(goals, |g| g.alliance_id),
        entries: by(entries, |e| e.goal_id),
        responses: by(responses, |r| r.response.alliance_id.0),
    };
    let nodes = students
        .into_iter()
        .map(|s| {
            let alliance = current
                .remove(&s.id)
                .map(|a| parts.alliance(a, &viewer, now));
            student(s, alliance)
        })
        .collect();
    let page = Students {
        total_count: total,
        nodes,
    };
    Ok(Some((body(page)?, viewer, student_ids)))
}

fn body(students: Students) -> Result<Vec<u8>, DbErr> {
    serde_json::to_vec(&Response {
        data: Data { students },
    })
    .map_err(|e| DbErr::Custom(e.to_string()))
}

fn student(s: StudentRow, alliance: Option<Alliance>) -> Student {
    Student {
        id: id("Student", s.id),
        name: s.name,
        school: School {
            id: id("School", s.school_id),
            name: s.school_name,
        },
        alliance,
    }
}

/// The loaded rows of the page's alliances, taken as each alliance is shaped.
struct Parts {
    members: HashMap<Uuid, Vec<MemberRow>>,
    goals: HashMap<Uuid, Vec<GoalRow>>,
    entries: HashMap<Uuid, Vec<EntryRow>>,
    responses: HashMap<Uuid, Vec<ResponseRow>>,
}

impl Parts {
    fn alliance(&mut self, a: AllianceRow, viewer: &load::Viewer, now: DateTime<Utc>) -> Alliance {
        let members = self.members.remove(&a.id).unwrap_or_default();
        let goals = self.goals.remove(&a.id).unwrap_or_default();
        let responses = self.responses.remove(&a.id).unwrap_or_default();
        let health = assess(&a.facts, &viewer.settings, now);
        Alliance {
            id: id("Alliance", a.id),
            phase: a.phase.as_str(),
            status: a.status.as_str(),
            members: Nodes {
                nodes: members.into_iter().take(MAX_PAGE).map(member).collect(),
            },
            goals: Nodes {
                nodes: goals
                    .into_iter()
                    .take(MAX_PAGE)
                    .map(|g| {
                        let entries = self.entries.remove(&g.id).unwrap_or_default();
                        goal(g, entries)
                    })
                    .collect(),
            },
            health: Health {
                status: health.status.as_str(),
                reasons: health
                    .reasons
                    .iter()
                    .map(|r| Reason { code: r.code() })
                    .collect(),
            },
            feedback_responses: Nodes {
                nodes: responses.into_iter().map(feedback_response).collect(),
            },
        }
    }
}

fn member(m: MemberRow) -> Member {
    Member {
        id: id("AllianceMember", m.id),
        role: m.role.as_str(),
        relationship: m.relationship,
        person: Person {
            id: id("Person", m.person_id),
            display_name: m.display_name,
        },
    }
}

/// `entries` are the page, newest first, as the goal's `progress` connection lists them;
/// the summary comes from the goal's entries added up by the database.
fn goal(g: GoalRow, entries: Vec<EntryRow>) -> Goal {
    let s = summary_of(g.measure.as_ref(), &g.stats, &[]);
    Goal {
        id: id("Goal", g.id),
        own_words: g.own_words,
        status: g.status.as_str(),
        progress_summary: ProgressSummary {
            count: s.count as i32,
            latest_value: s.latest_value,
            latest_observed_at: s.latest_observed_at.map(instant),
            slope_per_week: s.slope_per_week,
            percent_of_target: s.percent_of_target,
        },
        progress: Nodes {
            nodes: entries
                .into_iter()
                .map(|e| ProgressEntry {
                    id: id("ProgressEntry", e.id),
                    observed_at: instant(e.observed_at),
                    value: e.value,
                    note: e.note,
                })
                .collect(),
        },
    }
}

fn feedback_response(r: ResponseRow) -> FeedbackResponse {
    let concern = r.response.is_concern().then(|| Concern {
        open: !r.cited,
        reasons: r.response.concern_reasons.clone(),
    });
    FeedbackResponse {
        id: id("FeedbackResponse", r.response.id.0),
        submitted_at: instant(r.response.submitted_at),
        total: r.response.scores.total(),
        concern,
    }
}
