//! Relay's `Node`: any object by its global ID, within the viewer's reach.

use alliance_domain::ids::*;
use alliance_store::{members, progress};
use async_graphql::{Context, ID, Interface};

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql};
use crate::ids;
use crate::types::alliance::{Alliance, AllianceMember};
use crate::types::directory::{Person, School};
use crate::types::goal::{Goal, ProgressEntry};
use crate::types::load;
use crate::types::student::Student;

/// An object with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's opaque global ID."))]
pub enum Node {
    School(School),
    Person(Person),
    Student(Student),
    Alliance(Alliance),
    AllianceMember(AllianceMember),
    Goal(Goal),
    ProgressEntry(ProgressEntry),
}

/// The object with global ID `id`, if it exists and the viewer may read it.
pub(crate) async fn find(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Node>> {
    let viewer = ctx.viewer()?;
    let Some((kind, uuid)) = ids::parse(id) else {
        return Ok(None);
    };
    let node = match kind.as_str() {
        "School" => load(ctx, SchoolId(uuid))
            .await?
            .map(|s| Node::School(School(s))),
        "Person" => load(ctx, PersonId(uuid))
            .await?
            .map(|p| Node::Person(Person(p))),
        "Student" => load(ctx, StudentId(uuid))
            .await?
            .map(|s| Student::read(ctx, s))
            .transpose()?
            .map(Node::Student),
        "Alliance" => visible_alliance(ctx, AllianceId(uuid))
            .await?
            .map(Node::Alliance),
        "AllianceMember" => {
            let member =
                members::by_ids(ctx.store()?.db(), &viewer.read_scope(), &[MemberId(uuid)])
                    .await
                    .gql()?
                    .pop();
            match member {
                Some(m) if visible_alliance(ctx, m.alliance_id).await?.is_some() => {
                    Some(Node::AllianceMember(AllianceMember(m)))
                }
                _ => None,
            }
        }
        "Goal" => match load(ctx, GoalId(uuid)).await? {
            Some(g) if visible_alliance(ctx, g.alliance_id).await?.is_some() => {
                Some(Node::Goal(Goal(g)))
            }
            _ => None,
        },
        "ProgressEntry" => {
            let entry = progress::by_ids(
                ctx.store()?.db(),
                &viewer.read_scope(),
                &[ProgressEntryId(uuid)],
            )
            .await
            .gql()?
            .pop();
            let Some(entry) = entry else { return Ok(None) };
            match load(ctx, entry.goal_id).await? {
                Some(g) if visible_alliance(ctx, g.alliance_id).await?.is_some() => {
                    Some(Node::ProgressEntry(ProgressEntry(entry)))
                }
                _ => None,
            }
        }
        _ => None,
    };
    Ok(node)
}

/// The alliance with `id` if the viewer may read it, noting the read for the audit log.
pub(crate) async fn visible_alliance(
    ctx: &Context<'_>,
    id: AllianceId,
) -> ApiResult<Option<Alliance>> {
    load(ctx, id)
        .await?
        .map(|a| Alliance::read(ctx, a))
        .transpose()
}
