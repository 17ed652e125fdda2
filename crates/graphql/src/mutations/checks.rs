//! Checks the practice mutations share: that what an input names belongs to the same
//! alliance.

use std::collections::HashSet;

use alliance_domain::DomainError;
use alliance_domain::ids::{AllianceId, GoalId, MemberId};
use alliance_domain::model::{Alliance, AllianceMember, RecordRef};
use alliance_domain::validate::{MAX_ITEMS, at_most};
use alliance_store::{goals, members, records};
use async_graphql::{Context, ID};

use super::{input_id, store};

/// The active member `id` of `alliance`, or bad input on `field`.
pub(crate) async fn active_member(
    ctx: &Context<'_>,
    alliance: &Alliance,
    field: &str,
    id: &ID,
) -> Result<AllianceMember, DomainError> {
    let id = MemberId(input_id("AllianceMember", field, id)?);
    match members::in_district(store(ctx)?.db(), alliance.district_id, id).await? {
        Some(m) if m.alliance_id == alliance.id && m.is_active() => Ok(m),
        _ => Err(DomainError::invalid(
            field,
            "not an active member of this alliance",
        )),
    }
}

/// The active members `ids` of `alliance` (at most [`MAX_ITEMS`]), without repeats, or
/// bad input on `field`.
pub(crate) async fn active_members(
    ctx: &Context<'_>,
    alliance: &Alliance,
    field: &str,
    ids: &[ID],
) -> Result<Vec<MemberId>, DomainError> {
    at_most(field, ids, MAX_ITEMS)?;
    let mut found = Vec::new();
    for id in ids {
        let member = active_member(ctx, alliance, field, id).await?;
        if !found.contains(&member.id) {
            found.push(member.id);
        }
    }
    Ok(found)
}

/// The goals `ids` of `alliance` (at most [`MAX_ITEMS`]), without repeats, or bad input
/// on `field`.
pub(crate) async fn goals_of(
    ctx: &Context<'_>,
    alliance: &Alliance,
    field: &str,
    ids: &[ID],
) -> Result<Vec<GoalId>, DomainError> {
    at_most(field, ids, MAX_ITEMS)?;
    let mut found = Vec::new();
    for id in ids {
        let goal = GoalId(input_id("Goal", field, id)?);
        match goals::in_district(store(ctx)?.db(), alliance.district_id, goal).await? {
            Some(g) if g.alliance_id == alliance.id => {
                if !found.contains(&g.id) {
                    found.push(g.id);
                }
            }
            _ => return Err(DomainError::invalid(field, "not a goal of this alliance")),
        }
    }
    Ok(found)
}

/// Decodes the ids in input `field` (records of GraphQL type `kind`, at most
/// [`MAX_ITEMS`]) and checks each is a record of `alliance`; repeats are dropped.
pub(crate) async fn records_of(
    ctx: &Context<'_>,
    alliance: AllianceId,
    kind: &'static str,
    field: &str,
    ids: &[ID],
    make: fn(uuid::Uuid) -> RecordRef,
) -> Result<Vec<RecordRef>, DomainError> {
    at_most(field, ids, MAX_ITEMS)?;
    let decoded = refs(kind, field, ids, make)?;
    same_alliance(ctx, alliance, field, decoded).await
}

/// Decodes record ids of one kind (`kind` is the GraphQL type) into references.
fn refs(
    kind: &'static str,
    field: &str,
    ids: &[ID],
    make: fn(uuid::Uuid) -> RecordRef,
) -> Result<Vec<RecordRef>, DomainError> {
    ids.iter()
        .map(|id| input_id(kind, field, id).map(make))
        .collect()
}

/// Checks every reference belongs to `alliance`; drops repeats.
async fn same_alliance(
    ctx: &Context<'_>,
    alliance: AllianceId,
    field: &str,
    refs: Vec<RecordRef>,
) -> Result<Vec<RecordRef>, DomainError> {
    let owners = records::alliances_of(store(ctx)?.db(), &refs).await?;
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for r in refs {
        if owners.get(&r) != Some(&alliance) {
            return Err(DomainError::invalid(
                field,
                format!(
                    "a cited {} is not a record of this alliance",
                    r.kind().to_lowercase().replace('_', " ")
                ),
            ));
        }
        if seen.insert(r) {
            kept.push(r);
        }
    }
    Ok(kept)
}
