//! The floor writes the audit log as Alliance does: one READ event per student on the
//! page, in one statement, before the answer goes out.

use alliance_domain::values::AuditAction;
use alliance_graphql::global_id;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use uuid::Uuid;

use crate::sql::Sql;

/// Who read, as the audit log names them.
pub(super) struct Reader<'a> {
    pub district: Uuid,
    pub subject: &'a str,
    /// The roles as Alliance writes them (`STAFF`, `SCHOOL_ADMIN,STAFF`).
    pub roles: &'a str,
}

/// Appends a READ of each of `students` by `reader`.
pub(super) async fn record_reads(
    db: &DatabaseConnection,
    reader: &Reader<'_>,
    students: &[Uuid],
) -> Result<(), DbErr> {
    if students.is_empty() {
        return Ok(());
    }
    let request_id = Uuid::now_v7().to_string();
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "INSERT INTO audit_events (id, district_id, occurred_at, subject, roles, action, \
         entity_type, entity_id, student_id, request_id, operation_name) VALUES ",
    );
    for (i, student) in students.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" })
            .bind(Uuid::now_v7())
            .push(", ")
            .bind(reader.district)
            .push(", ")
            .bind(alliance_store::now())
            .push(", ")
            .bind(reader.subject)
            .push(", ")
            .bind(reader.roles)
            .push(", ")
            .bind(AuditAction::Read.as_str())
            .push(", ")
            .bind("Student")
            .push(", ")
            .bind(global_id("Student", *student).0)
            .push(", ")
            .bind(*student)
            .push(", ")
            .bind(request_id.as_str())
            .push(", ")
            .bind("Dashboard")
            .push(")");
    }
    db.execute_raw(sql.statement()).await?;
    Ok(())
}
