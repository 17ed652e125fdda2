//! The append-only audit log: who read or changed a student's records, and when.

use alliance_domain::access::ReadScope;
use alliance_domain::ids::StudentId;
use alliance_domain::model::AuditEvent;
use alliance_domain::values::AuditAction;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use tracing::instrument;

use crate::entities::{alliance, audit_event};
use crate::error::{IntoDomain, StoreResult};
use crate::scope::in_team_reach;
use crate::{Page, convert};

/// Appends `events` in one statement.
#[instrument(skip(db, events), fields(count = events.len()))]
pub async fn record(db: &impl ConnectionTrait, events: &[AuditEvent]) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
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
    audit_event::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .domain()?;
    Ok(())
}

/// A page of the events about one student that `scope` may see, newest first, and how
/// many there are. Every read is shown (who accessed the record is what a family may
/// always know); changes only to viewers on the student's school team, since a change
/// event names a record (a team-only note) the family may not know of.
#[instrument(skip(db, scope, page))]
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
