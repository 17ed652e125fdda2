//! What a request carries through its resolvers: the store, who is asking, the data
//! loaders scoped to them, and the reads of student records to audit.

use std::collections::HashSet;
use std::sync::Mutex;

use alliance_domain::DomainError;
use alliance_domain::access::Viewer;
use alliance_domain::ids::{AuditEventId, SchoolId, StudentId};
use alliance_domain::model::{AuditEvent, District};
use alliance_domain::values::{AuditAction, Role};
use alliance_store::Store;
use async_graphql::Context;

use crate::error::{ApiResult, coded, to_graphql};
use crate::loaders::Batch;
use crate::memo::Loads;

/// How the request presented itself, as the HTTP layer found it.
#[derive(Clone, Debug)]
pub enum Authentication {
    /// No token.
    Anonymous,
    /// A token that failed verification (expired, bad signature, wrong audience).
    Invalid(String),
    /// A verified token's claims.
    Verified(Credentials),
}

/// The claims of a verified token that Alliance acts on.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub subject: String,
    /// The district's slug.
    pub district: String,
    pub roles: Vec<String>,
    /// School ids (global IDs or UUIDs) for a `SCHOOL_ADMIN`.
    pub schools: Vec<String>,
}

/// One request's state, attached as request data.
pub struct RequestState {
    pub(crate) store: Store,
    pub(crate) viewer: Result<Option<Viewer>, DomainError>,
    /// The viewer's district, as read with the viewer when the request began.
    district: Option<District>,
    pub(crate) request_id: String,
    /// The operation's name: as the request gave it, or as the document names its only
    /// operation.
    pub(crate) operation_name: Option<String>,
    pub(crate) loads: Option<std::sync::Arc<Loads>>,
    reads: Mutex<(HashSet<StudentId>, Vec<AuditEvent>)>,
}

impl RequestState {
    /// Builds the state for a request: finds the viewer's district and person.
    pub async fn new(
        store: Store,
        auth: Authentication,
        request_id: String,
        operation_name: Option<String>,
    ) -> Self {
        let signed_in = match auth {
            Authentication::Anonymous => Ok(None),
            Authentication::Invalid(reason) => Err(DomainError::Unauthenticated(reason)),
            Authentication::Verified(credentials) => {
                resolve_viewer(&store, credentials).await.map(Some)
            }
        };
        let (viewer, district, loads) = match signed_in {
            Ok(Some((viewer, district))) => {
                let batch = Batch::new(store.clone(), &viewer, district.settings.clone());
                let loads = Loads::new(batch);
                (
                    Ok(Some(viewer)),
                    Some(district),
                    Some(std::sync::Arc::new(loads)),
                )
            }
            Ok(None) => (Ok(None), None, None),
            Err(error) => (Err(error), None, None),
        };
        Self {
            store,
            viewer,
            district,
            request_id,
            operation_name,
            loads,
            reads: Mutex::default(),
        }
    }

    /// Notes that the viewer read `student`'s records (once per request and student).
    pub(crate) fn read(&self, student: StudentId) {
        let Ok(Some(viewer)) = &self.viewer else {
            return;
        };
        let Ok(mut reads) = self.reads.lock() else {
            return;
        };
        let (seen, events) = &mut *reads;
        if seen.insert(student) {
            events.push(self.event(
                viewer,
                AuditAction::Read,
                "Student",
                Some(crate::ids::encode("Student", student.0).0),
                Some(student),
            ));
        }
    }

    /// An audit event by this request's viewer.
    pub(crate) fn event(
        &self,
        viewer: &Viewer,
        action: AuditAction,
        entity_type: &str,
        entity_id: Option<String>,
        student: Option<StudentId>,
    ) -> AuditEvent {
        AuditEvent {
            id: AuditEventId::new(),
            district_id: viewer.district_id,
            occurred_at: alliance_store::now(),
            subject: viewer.subject.clone(),
            roles: viewer.roles_label(),
            action,
            entity_type: entity_type.to_owned(),
            entity_id,
            student_id: student,
            request_id: Some(self.request_id.clone()),
            operation_name: self.operation_name.clone(),
        }
    }

    /// The reads to write to the audit log, taken once.
    pub(crate) fn take_reads(&self) -> Vec<AuditEvent> {
        self.reads
            .lock()
            .map(|mut r| std::mem::take(&mut r.1))
            .unwrap_or_default()
    }
}

/// The viewer a token names, with their district.
async fn resolve_viewer(
    store: &Store,
    credentials: Credentials,
) -> Result<(Viewer, District), DomainError> {
    let unauthenticated = |why: String| DomainError::Unauthenticated(why);
    let (district, person) = store
        .sign_in(&credentials.district, &credentials.subject)
        .await?
        .ok_or_else(|| {
            unauthenticated(format!(
                "the token's district `{}` is not known here",
                credentials.district
            ))
        })?;
    let roles = credentials
        .roles
        .iter()
        .map(|r| {
            r.parse::<Role>()
                .map_err(|e| unauthenticated(format!("the token's roles: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schools = credentials
        .schools
        .iter()
        .map(|s| {
            crate::ids::parse(s)
                .filter(|(kind, _)| kind == "School")
                .map(|(_, uuid)| uuid)
                .or_else(|| uuid::Uuid::parse_str(s).ok())
                .map(SchoolId)
                .ok_or_else(|| {
                    unauthenticated(format!("the token's schools: `{s}` is not a school id"))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let viewer = Viewer {
        subject: credentials.subject,
        roles,
        district_id: district.id,
        schools,
        person_id: person,
    };
    Ok((viewer, district))
}

/// Resolver access to the request's state.
pub(crate) trait RequestContext {
    fn state(&self) -> ApiResult<&RequestState>;
    /// The signed-in viewer, or `UNAUTHENTICATED`.
    fn viewer(&self) -> ApiResult<&Viewer>;
    /// The signed-in viewer's district.
    fn district(&self) -> ApiResult<&District>;
    /// The viewer's loads.
    fn loads(&self) -> ApiResult<&std::sync::Arc<Loads>>;
    fn store(&self) -> ApiResult<&Store>;
}

impl RequestContext for Context<'_> {
    fn state(&self) -> ApiResult<&RequestState> {
        self.data::<crate::StateHandle>()
            .map(|h| &*h.0)
            .map_err(|_| coded("INTERNAL", "internal error"))
    }

    fn viewer(&self) -> ApiResult<&Viewer> {
        match &self.state()?.viewer {
            Ok(Some(viewer)) => Ok(viewer),
            Ok(None) => Err(coded(
                "UNAUTHENTICATED",
                "sign in: this needs a bearer token",
            )),
            Err(error) => Err(to_graphql(error)),
        }
    }

    fn district(&self) -> ApiResult<&District> {
        self.viewer()?;
        self.state()?
            .district
            .as_ref()
            .ok_or_else(|| coded("INTERNAL", "internal error"))
    }

    fn loads(&self) -> ApiResult<&std::sync::Arc<Loads>> {
        self.viewer()?;
        self.state()?
            .loads
            .as_ref()
            .ok_or_else(|| coded("INTERNAL", "internal error"))
    }

    fn store(&self) -> ApiResult<&Store> {
        Ok(&self.state()?.store)
    }
}
