//! Relay's `Node`: any object by its global ID, within the viewer's reach.

use alliance_domain::ids::*;
use alliance_store::{
    communications, feedback, interventions, members, next_steps, progress, reflections, students,
    voice,
};
use async_graphql::{Context, ID, Interface};

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql};
use crate::ids;
use crate::types::alliance::{Alliance, AllianceMember};
use crate::types::communication::Communication;
use crate::types::directory::{Person, School};
use crate::types::feedback::{FeedbackRequest, FeedbackResponse};
use crate::types::goal::{Goal, ProgressEntry};
use crate::types::intervention::Intervention;
use crate::types::load;
use crate::types::reflection::{NextStep, Reflection};
use crate::types::student::Student;
use crate::types::voice::VoiceEntry;

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
    VoiceEntry(VoiceEntry),
    Intervention(Intervention),
    Communication(Communication),
    FeedbackRequest(FeedbackRequest),
    FeedbackResponse(FeedbackResponse),
    Reflection(Reflection),
    NextStep(NextStep),
}

/// The object with global ID `id`, if it exists and the viewer may read it.
pub(crate) async fn find(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Node>> {
    let viewer = ctx.viewer()?;
    let Some((kind, uuid)) = ids::parse(id) else {
        return Ok(None);
    };
    let db = ctx.store()?.db();
    let scope = viewer.read_scope();
    let node = match kind.as_str() {
        "School" => load(ctx, SchoolId(uuid))
            .await?
            .map(|s| Node::School(School(s))),
        "Person" => match load(ctx, PersonId(uuid)).await? {
            Some(person) => {
                // A student's own entry (their name, their ids in other systems) is part
                // of their records; every other path to it passes their audited alliance.
                for student in students::of_persons(db, viewer.district_id, &[person.id])
                    .await
                    .gql()?
                {
                    ctx.state()?.read(student.id);
                }
                Some(Node::Person(Person(person)))
            }
            None => None,
        },
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
        "VoiceEntry" => {
            let found = voice::by_ids(db, &scope, &[VoiceEntryId(uuid)])
                .await
                .gql()?
                .pop();
            audited(ctx, found, |v| v.alliance_id)
                .await?
                .map(|v| Node::VoiceEntry(VoiceEntry(v)))
        }
        "Intervention" => {
            let found = interventions::in_district(db, viewer.district_id, InterventionId(uuid))
                .await
                .gql()?;
            audited(ctx, found, |i| i.alliance_id)
                .await?
                .map(|i| Node::Intervention(Intervention(i)))
        }
        "Communication" => {
            let found = communications::by_ids(db, &scope, &[CommunicationId(uuid)])
                .await
                .gql()?
                .pop();
            audited(ctx, found, |c| c.alliance_id)
                .await?
                .map(|c| Node::Communication(Communication(c)))
        }
        "FeedbackRequest" => {
            let found =
                feedback::request_in_district(db, viewer.district_id, FeedbackRequestId(uuid))
                    .await
                    .gql()?;
            audited(ctx, found, |r| r.alliance_id)
                .await?
                .map(|r| Node::FeedbackRequest(FeedbackRequest(r)))
        }
        "FeedbackResponse" => {
            let found = feedback::responses_by_ids(db, &scope, &[FeedbackResponseId(uuid)])
                .await
                .gql()?
                .pop();
            audited(ctx, found, |r| r.alliance_id)
                .await?
                .map(|r| Node::FeedbackResponse(FeedbackResponse(r)))
        }
        "Reflection" => {
            let found = reflections::by_ids(db, &scope, &[ReflectionId(uuid)])
                .await
                .gql()?
                .pop();
            audited(ctx, found, |r| r.alliance_id)
                .await?
                .map(|r| Node::Reflection(Reflection(r)))
        }
        "NextStep" => {
            let found = next_steps::by_ids(db, &scope, &[NextStepId(uuid)])
                .await
                .gql()?
                .pop();
            audited(ctx, found, |n| n.alliance_id)
                .await?
                .map(|n| Node::NextStep(NextStep(n)))
        }
        _ => None,
    };
    Ok(node)
}

/// `record` if its alliance is one the viewer may read (noting the read).
async fn audited<T>(
    ctx: &Context<'_>,
    record: Option<T>,
    alliance: impl Fn(&T) -> AllianceId,
) -> ApiResult<Option<T>> {
    match record {
        Some(r) if visible_alliance(ctx, alliance(&r)).await?.is_some() => Ok(Some(r)),
        _ => Ok(None),
    }
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
