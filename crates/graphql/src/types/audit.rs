//! Lines of the audit log, as families and administrators read them.

use alliance_domain::model;
use async_graphql::{ID, Object};

use crate::ids;
use crate::types::enums::AuditAction;
use crate::types::scalars::DateTime;

/// Someone read or changed a student's records.
pub struct AuditEvent(pub model::AuditEvent);

#[Object]
impl AuditEvent {
    async fn id(&self) -> ID {
        ids::encode("AuditEvent", self.0.id.0)
    }
    async fn occurred_at(&self) -> DateTime {
        self.0.occurred_at.into()
    }
    /// Who: the `sub` of their token.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The roles they acted in, comma-separated.
    async fn roles(&self) -> &str {
        &self.0.roles
    }
    async fn action(&self) -> AuditAction {
        self.0.action.into()
    }
    /// The kind of record (`Student`, `Goal`, ...).
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    async fn entity_id(&self) -> Option<&str> {
        self.0.entity_id.as_deref()
    }
    /// The GraphQL operation that did it, when the client named it.
    async fn operation_name(&self) -> Option<&str> {
        self.0.operation_name.as_deref()
    }
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}
