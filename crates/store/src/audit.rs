//! The append-only audit log: who read or changed a student's records, and when.

use alliance_domain::DomainError;
use alliance_domain::access::ReadScope;
use alliance_domain::ids::StudentId;
use alliance_domain::model::AuditEvent;
use alliance_domain::values::AuditAction;
use sea_orm::sea_query::{Alias, CommonTableExpression, InsertStatement, Query, WithClause};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};
use tracing::instrument;

use crate::entities::{alliance, audit_event};
use crate::error::{IntoDomain, StoreResult};
use crate::scope::in_team_reach;
use crate::{Page, Store, convert};

/// Rows per INSERT: 11 columns each, within SQLite's 32,766 bound parameters.
const ROWS_PER_INSERT: usize = 2_000;

/// Requests whose reads one commit may carry.
const REQUESTS_PER_COMMIT: usize = 512;

/// Writes the reads of many requests in one commit (group commit). Each request still
/// waits until its events are committed before its response goes out; but where every
/// request used to pay for a commit of its own (an fsync, on SQLite a turn at the single
/// write lock), the requests that arrive while one commit is under way share the next.
#[derive(Clone, Debug)]
pub struct AuditWriter {
    jobs: tokio::sync::mpsc::Sender<Job>,
}

#[derive(Debug)]
struct Job {
    events: Vec<AuditEvent>,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

impl AuditWriter {
    /// Starts the writer on the current runtime; it stops when the last clone is dropped.
    pub(crate) fn start(writes: crate::writes::Writes) -> Self {
        let (jobs, mut queue) = tokio::sync::mpsc::channel::<Job>(4 * REQUESTS_PER_COMMIT);
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                while batch.len() < REQUESTS_PER_COMMIT {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let events: Vec<AuditEvent> = batch
                    .iter_mut()
                    .flat_map(|job| std::mem::take(&mut job.events))
                    .collect();
                let outcome = commit(&writes, &events).await.map_err(|e| e.to_string());
                for job in batch {
                    let _ = job.done.send(outcome.clone());
                }
            }
        });
        Self { jobs }
    }

    /// Writes `events`, returning once they are committed.
    pub async fn record(&self, events: Vec<AuditEvent>) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let (done, committed) = tokio::sync::oneshot::channel();
        let stopped = || DomainError::Unexpected("the audit writer has stopped".into());
        self.jobs
            .send(Job { events, done })
            .await
            .map_err(|_| stopped())?;
        committed
            .await
            .map_err(|_| stopped())?
            .map_err(DomainError::Unexpected)
    }
}

/// Appends `events` in one transaction, or where they fit one statement on PostgreSQL,
/// in that statement alone (its own commit: two round trips fewer than `BEGIN` and
/// `COMMIT` around it).
async fn commit(writes: &crate::writes::Writes, events: &[AuditEvent]) -> StoreResult<()> {
    if let (Some(db), true) = (writes.alone(), events.len() <= ROWS_PER_INSERT) {
        record(db, events).await?;
        writes.committed();
        return Ok(());
    }
    let tx = writes.begin().await.domain()?;
    for chunk in events.chunks(ROWS_PER_INSERT) {
        record(&tx, chunk).await?;
    }
    tx.commit().await.domain()
}

/// Appends `events` in one statement.
#[instrument(level = "debug", skip(db, events), fields(count = events.len()))]
pub async fn record(db: &impl ConnectionTrait, events: &[AuditEvent]) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let statement = db.get_database_backend().build(&insert(events));
    db.execute_raw(statement).await.domain()?;
    Ok(())
}

/// Writes a new row (`row`: a plain INSERT of one row, which either writes it or fails;
/// not `ON CONFLICT DO NOTHING`, or the event would be kept for a row that was not) and
/// the audit event about it together: both are kept or neither. On PostgreSQL that is
/// one statement, the event's INSERT a data-modifying `WITH` of the row's, which commits
/// by itself: one round trip where a transaction takes four (`BEGIN`, two INSERTs,
/// `COMMIT`). On SQLite, a write transaction (a turn, committed with the others of its
/// group).
pub(crate) async fn insert_with_event(
    store: &Store,
    row: InsertStatement,
    event: &AuditEvent,
) -> StoreResult<()> {
    let events = std::slice::from_ref(event);
    if let Some(db) = store.writes.alone() {
        let with = WithClause::new()
            .cte(
                CommonTableExpression::new()
                    .table_name(Alias::new("audit_event"))
                    .query(insert(events))
                    .to_owned(),
            )
            .to_owned()
            .query(row);
        let statement = db.get_database_backend().build(&with);
        db.execute_raw(statement).await.domain()?;
        store.writes.committed();
        return Ok(());
    }
    let tx = store.begin().await?;
    let statement = tx.get_database_backend().build(&row);
    tx.execute_raw(statement).await.domain()?;
    record(&tx, events).await?;
    crate::commit(tx).await
}

/// The INSERT of `events` (not empty).
fn insert(events: &[AuditEvent]) -> InsertStatement {
    let rows = events.iter().map(|e| audit_event::ActiveModel {
        id: Set(e.id.0),
        district_id: Set(e.district_id.0),
        occurred_at: Set(e.occurred_at),
        subject: Set(e.subject.clone()),
        roles: Set(e.roles.clone()),
        action: Set(e.action.as_str().to_owned()),
        entity_type: Set(e.entity_type.clone()),
        entity_id: Set(e.entity_id.clone()),
        student_id: Set(e.student_id.map(|s| s.0)),
        request_id: Set(e.request_id.clone()),
        operation_name: Set(e.operation_name.clone()),
    });
    audit_event::Entity::insert_many(rows).into_query()
}

/// A page of the events about one student that `scope` may see, newest first, and how
/// many there are. Every read is shown (who accessed the record is what a family may
/// always know); changes only to viewers on the student's school team, since a change
/// event names a record (a team-only note) the family may not know of.
#[instrument(level = "debug", skip(db, scope, page))]
pub async fn for_student(
    db: &impl ConnectionTrait,
    scope: &ReadScope,
    student: StudentId,
    page: impl FnOnce(u64) -> Page,
) -> StoreResult<(Vec<AuditEvent>, u64)> {
    let team_alliances = Query::select()
        .column(alliance::Column::StudentId)
        .from(alliance::Entity)
        .cond_where(in_team_reach(scope, alliance::Column::Id))
        .to_owned();
    let query = audit_event::Entity::find()
        .filter(audit_event::Column::DistrictId.eq(scope.district_id.0))
        .filter(audit_event::Column::StudentId.eq(student.0))
        .filter(
            Condition::any()
                .add(audit_event::Column::Action.eq(AuditAction::Read.as_str()))
                .add(audit_event::Column::StudentId.in_subquery(team_alliances)),
        );
    let total = query.clone().count(db).await.domain()?;
    let page = page(total);
    let rows = query
        .order_by_desc(audit_event::Column::OccurredAt)
        .order_by_desc(audit_event::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await
        .domain()?;
    Ok((
        rows.into_iter()
            .map(convert::audit_event)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}
