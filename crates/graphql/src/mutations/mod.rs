//! The write side: every mutation takes one `input`, checks the viewer may make the
//! change, makes it and its audit event in one transaction, and answers with a payload
//! whose `userErrors` say what the user can fix.

mod alliances;
mod checks;
mod directory;
mod goals;
mod team;
mod voice;

use alliance_domain::DomainError;
use alliance_domain::access::{Viewer, WriteTarget, authorize_write};
use alliance_domain::ids::{AllianceId, MemberId, StudentId};
use alliance_domain::model::{Alliance, AllianceMember, AuditEvent};
use alliance_domain::validate;
use alliance_domain::values::{AuditAction, Role};
use alliance_store::{Tx, alliances as alliance_repo, audit};
use async_graphql::{Context, ErrorExtensions, MergedObject, SimpleObject};
use chrono::SubsecRound;
use uuid::Uuid;

use crate::context::RequestContext;
use crate::error::{ApiResult, code, to_graphql};
use crate::ids;
pub(crate) use crate::ids::decode_input as input_id;
use crate::types::scalars::{Date, DateTime};

pub use alliances::AllianceMutations;
pub use directory::DirectoryMutations;
pub use goals::GoalMutations;
pub use team::TeamMutations;
pub use voice::VoiceMutations;

/// Mutations.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    DirectoryMutations,
    AllianceMutations,
    GoalMutations,
    VoiceMutations,
    TeamMutations,
);

/// A problem with the input that the user can fix.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The input field at fault (`ownWords`, `measure.target`), if one is.
    pub field: Option<String>,
    /// What is wrong, for a person to read.
    pub message: String,
    /// `BAD_USER_INPUT` or `CONFLICT`.
    pub code: String,
}

/// Turns a mutation's outcome into the payload's object and user errors. Problems the
/// user can fix become `userErrors` (and are echoed in `errors` with their
/// `extensions.code`, so generic clients notice); anything else fails the field.
pub(crate) fn finish<T>(
    ctx: &Context<'_>,
    outcome: Result<T, DomainError>,
) -> ApiResult<(Option<T>, Vec<UserError>)> {
    match outcome {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(error @ (DomainError::Invalid { .. } | DomainError::Conflict(_))) => {
            let field = match &error {
                DomainError::Invalid { field, .. } => Some(field.clone()),
                _ => None,
            };
            let message = match &error {
                DomainError::Invalid { message, .. } => message.clone(),
                other => other.to_string(),
            };
            ctx.add_error(to_graphql(&error).extend().into_server_error(ctx.item.pos));
            Ok((
                None,
                vec![UserError {
                    field,
                    message,
                    code: code(&error).to_owned(),
                }],
            ))
        }
        Err(other) => Err(to_graphql(&other)),
    }
}

/// The alliance `id` of the viewer's district, with the viewer's active membership in
/// it (if any); nothing is authorized yet.
pub(crate) async fn alliance_and_membership(
    ctx: &Context<'_>,
    viewer: &Viewer,
    id: AllianceId,
) -> Result<(Alliance, Option<AllianceMember>), DomainError> {
    alliance_repo::for_write(store(ctx)?.db(), viewer.district_id, id, viewer.person_id)
        .await?
        .ok_or_else(|| missing(viewer, "alliance"))
}

fn on_team(membership: &Option<AllianceMember>) -> bool {
    membership.as_ref().is_some_and(|m| !m.role.is_family())
}

/// The alliance `id` of the viewer's district, once the viewer may change its work: its
/// team (staff in a team role) and its school's administrators.
pub(crate) async fn writable_alliance(
    ctx: &Context<'_>,
    viewer: &Viewer,
    id: AllianceId,
) -> Result<Alliance, DomainError> {
    let (alliance, membership) = alliance_and_membership(ctx, viewer, id).await?;
    allowed_to_change(viewer, alliance, &membership)
}

/// `alliance`, once the viewer (whose active membership there is `membership`) may
/// change its work.
pub(crate) fn allowed_to_change(
    viewer: &Viewer,
    alliance: Alliance,
    membership: &Option<AllianceMember>,
) -> Result<Alliance, DomainError> {
    let target = WriteTarget::Alliance {
        school_id: alliance.school_id,
        viewer_on_team: on_team(membership),
    };
    authorize_write(viewer, target)?;
    Ok(alliance)
}

/// The alliance `id`, once the viewer may record `speaker`'s words or answers there: the
/// team may, and the speaker themselves. Returns the viewer's membership too.
pub(crate) async fn alliance_for_family_words(
    ctx: &Context<'_>,
    viewer: &Viewer,
    id: AllianceId,
    speaker: MemberId,
) -> Result<(Alliance, Option<AllianceMember>), DomainError> {
    let (alliance, membership) = alliance_and_membership(ctx, viewer, id).await?;
    allowed_family_words(viewer, &alliance, &membership, speaker)?;
    Ok((alliance, membership))
}

/// Whether the viewer (whose active membership in `alliance` is `membership`) may record
/// `speaker`'s words or answers there.
pub(crate) fn allowed_family_words(
    viewer: &Viewer,
    alliance: &Alliance,
    membership: &Option<AllianceMember>,
    speaker: MemberId,
) -> Result<(), DomainError> {
    let target = WriteTarget::FamilyWords {
        school_id: alliance.school_id,
        viewer_on_team: on_team(membership),
        viewer_member: membership.as_ref().map(|m| m.id),
        speaker,
    };
    authorize_write(viewer, target)
}

/// What a write says about a record it cannot find in the viewer's district. Only a
/// district administrator, who may read every record there anyway, learns that it does
/// not exist; anyone else is told the write is forbidden, whether the record exists or
/// not, so writes reveal nothing that reads would not.
pub(crate) fn missing(viewer: &Viewer, what: &'static str) -> DomainError {
    if viewer.has(Role::DistrictAdmin) {
        DomainError::NotFound(what)
    } else {
        DomainError::forbidden(format!("no {what} you may change has this id"))
    }
}

/// Writes the change's audit event into its transaction and commits both.
pub(crate) async fn commit(
    ctx: &Context<'_>,
    viewer: &Viewer,
    tx: Tx,
    action: AuditAction,
    kind: &'static str,
    id: Uuid,
    student: Option<StudentId>,
) -> Result<(), DomainError> {
    let event = audit_event(ctx, viewer, action, kind, student)?(id);
    audit::record(&tx, &[event]).await?;
    alliance_store::commit(tx).await?;
    changed(ctx);
    Ok(())
}

/// The audit event of `viewer`'s `action` on a record of GraphQL type `kind`, made once
/// the record's id is known.
pub(crate) fn audit_event<'a>(
    ctx: &'a Context<'_>,
    viewer: &'a Viewer,
    action: AuditAction,
    kind: &'static str,
    student: Option<StudentId>,
) -> Result<impl FnOnce(Uuid) -> AuditEvent + 'a, DomainError> {
    let state = ctx
        .state()
        .map_err(|_| DomainError::Unexpected("no request state".into()))?;
    Ok(move |id| state.event(viewer, action, kind, Some(ids::encode(kind, id).0), student))
}

/// After a change: what this request loaded before it is stale now, so later reads in
/// the same document (a payload, the next mutation) go to the database.
pub(crate) fn changed(ctx: &Context<'_>) {
    if let Ok(loads) = ctx.loads() {
        loads.forget();
    }
}

/// The date in input `field`, if given, within the years a record may name.
pub(crate) fn input_date(
    field: &str,
    date: Option<Date>,
) -> Result<Option<chrono::NaiveDate>, DomainError> {
    date.map(|d| validate::date(field, d.0)).transpose()
}

/// The instant in input `field`, if given, to the microsecond (as both databases keep
/// it) and within the years a record may name.
pub(crate) fn input_instant(
    field: &str,
    instant: Option<DateTime>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, DomainError> {
    instant
        .map(|t| validate::instant(field, t.0.trunc_subsecs(6)))
        .transpose()
}

/// The store, for mutations that speak in domain results.
pub(crate) fn store<'a>(ctx: &'a Context<'_>) -> Result<&'a alliance_store::Store, DomainError> {
    ctx.store()
        .map_err(|_| DomainError::Unexpected("no store".into()))
}

/// The viewer's district, as read when the request began.
pub(crate) fn district<'a>(
    ctx: &'a Context<'_>,
) -> Result<&'a alliance_domain::model::District, DomainError> {
    ctx.district()
        .map_err(|_| DomainError::Unexpected("no district".into()))
}
