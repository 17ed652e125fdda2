//! Students.

use alliance_domain::model;
use alliance_domain::values::AllianceStatus;
use alliance_store::audit;
use async_graphql::{Context, ID, Object};

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql, coded};
use crate::ids;
use crate::loaders::AlliancesOf;
use crate::pagination::{Conn, PageArgs, connection, nodes_ask_for, slice};
use crate::plain::{self, Plain};
use crate::types::alliance::Alliance;
use crate::types::audit::AuditEvent;
use crate::types::directory::{ExternalId, School, external_ids};
use crate::types::load;
use crate::types::scalars::DateTime;

/// A student, at the centre of their alliance.
pub struct Student(pub model::Student);

impl Student {
    /// Wraps a student the viewer is about to see, noting the read for the audit log.
    pub(crate) fn read(ctx: &Context<'_>, student: model::Student) -> ApiResult<Self> {
        ctx.state()?.read(student.id);
        Ok(Self(student))
    }
}

impl plain::Fields for Student {
    const PLAIN: &'static [&'static str] = &[
        "id",
        "name",
        "preferredName",
        "pronouns",
        "gradeLevel",
        "preferredLanguage",
        "externalIds",
        "createdAt",
    ];
}

#[Object]
impl Student {
    pub async fn id(&self) -> ID {
        ids::encode("Student", self.0.id.0)
    }
    /// Legal name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The name the student goes by.
    async fn preferred_name(&self) -> Option<&str> {
        self.0.preferred_name.as_deref()
    }
    async fn pronouns(&self) -> Option<&str> {
        self.0.pronouns.as_deref()
    }
    async fn grade_level(&self) -> &str {
        &self.0.grade_level
    }
    /// BCP 47 language tag.
    async fn preferred_language(&self) -> &str {
        &self.0.preferred_language
    }
    async fn external_ids(&self) -> Vec<ExternalId> {
        external_ids(&self.0.external_ids)
    }
    async fn school(&self, ctx: &Context<'_>) -> ApiResult<Plain<School>> {
        let school = load(ctx, self.0.school_id).await?;
        school
            .map(|school| Plain(School(school)))
            .ok_or_else(|| coded("INTERNAL", "internal error"))
    }
    /// The student's current (not closed) alliance, if the viewer may see it.
    async fn alliance(&self, ctx: &Context<'_>) -> ApiResult<Option<Plain<Alliance>>> {
        let key = AlliancesOf {
            student: self.0.id,
            health: ctx.look_ahead().field("health").exists(),
        };
        let alliances = load(ctx, key).await?.unwrap_or_default();
        Ok(alliances
            .into_iter()
            .rev()
            .find(|a| a.status != AllianceStatus::Closed)
            .map(|alliance| Plain(Alliance(alliance))))
    }
    /// Every alliance of the student the viewer may see, oldest first.
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Alliance>> {
        let key = AlliancesOf {
            student: self.0.id,
            health: nodes_ask_for(ctx, "health"),
        };
        let alliances = load(ctx, key).await?.unwrap_or_default();
        slice(
            alliances.into_iter().map(Alliance).collect(),
            &PageArgs::new(first, after, last, before),
        )
    }
    /// Who read or changed this student's records, newest first.
    async fn access_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<AuditEvent>> {
        access_log(ctx, &self.0, PageArgs::new(first, after, last, before)).await
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// A page of the audit log of `student`, whom the viewer may read.
pub(crate) async fn access_log(
    ctx: &Context<'_>,
    student: &model::Student,
    args: PageArgs,
) -> ApiResult<Conn<AuditEvent>> {
    args.validate()?;
    let db = ctx.store()?.db();
    let scope = ctx.viewer()?.read_scope();
    let (events, total) = audit::for_student(db, &scope, student.id, |t| args.window(t))
        .await
        .gql()?;
    Ok(connection(
        events.into_iter().map(AuditEvent).collect(),
        args.window(total),
        total,
    ))
}
