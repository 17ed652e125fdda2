//! The read side of the API.

use alliance_domain::ids::{SchoolId, StudentId};
use alliance_domain::validate;
use alliance_store::{persons, schools, students};
use async_graphql::{Context, ID, InputObject, Object};

use crate::context::RequestContext;
use crate::error::{ApiResult, OrGraphql, coded, not_found};
use crate::ids;
use crate::loaders::HealthOf;
use crate::pagination::{Conn, PageArgs, connection};
use crate::plain::Plain;
use crate::types::alliance::Alliance;
use crate::types::audit::AuditEvent;
use crate::types::directory::{School, ViewerInfo};
use crate::types::enums::FeedbackAudience;
use crate::types::feedback::FeedbackInstrument;
use crate::types::load;
use crate::types::node::{Node, find, visible_alliance};
use crate::types::student::{Student, access_log};

/// Narrows the list of students.
#[derive(InputObject, Default)]
pub struct StudentFilter {
    /// Only students of this school.
    pub school_id: Option<ID>,
    /// Only students in this grade (`K`, `7`).
    pub grade_level: Option<String>,
    /// Part of the student's legal or preferred name, in any case.
    pub search: Option<String>,
}

/// Queries.
#[derive(Default)]
pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// Who is signed in; null when nobody is.
    async fn viewer(&self, ctx: &Context<'_>) -> ApiResult<Option<ViewerInfo>> {
        let state = ctx.state()?;
        let viewer = match &state.viewer {
            Ok(Some(viewer)) => viewer.clone(),
            Ok(None) => return Ok(None),
            Err(error) => return Err(crate::error::to_graphql(error)),
        };
        let db = state.store.db();
        let district = ctx.district()?.clone();
        let person = match viewer.person_id {
            Some(id) => persons::by_ids(db, viewer.district_id, &[id])
                .await
                .gql()?
                .pop(),
            None => None,
        };
        Ok(Some(ViewerInfo {
            viewer,
            district,
            person,
        }))
    }

    /// Any object by its global ID.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        Ok(Some(
            find(ctx, &id).await?.ok_or_else(|| not_found("node"))?,
        ))
    }

    /// Objects by their global IDs, in order; null where one is missing or out of reach,
    /// with a `NOT_FOUND` error whose path names its place.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > crate::pagination::MAX_PAGE {
            return Err(coded("BAD_USER_INPUT", "ask for at most 100 ids at a time"));
        }
        // Resolved together, so lookups of one type share a batch.
        let found = futures::future::try_join_all(ids.iter().map(|id| find(ctx, id))).await?;
        for (index, _) in found.iter().enumerate().filter(|(_, n)| n.is_none()) {
            let error = not_found("node").into_server_error(ctx.item.pos);
            let mut error = ctx.set_error_path(error);
            error.path.push(async_graphql::PathSegment::Index(index));
            ctx.add_error(error);
        }
        Ok(found)
    }

    /// The district's schools, by name.
    async fn schools(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<School>> {
        let viewer = ctx.viewer()?;
        let args = PageArgs::new(first, after, last, before);
        args.validate()?;
        let (rows, total) =
            schools::list(ctx.store()?.db(), viewer.district_id, |t| args.window(t))
                .await
                .gql()?;
        Ok(connection(
            rows.into_iter().map(School).collect(),
            args.window(total),
            total,
        ))
    }

    /// The students the viewer may see, by preferred name.
    async fn students(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<StudentFilter>,
    ) -> ApiResult<Conn<Plain<Student>>> {
        let viewer = ctx.viewer()?;
        let db = ctx.store()?.db();
        let filter = filter.unwrap_or_default();
        let filter = students::StudentFilter {
            school_id: filter
                .school_id
                .as_ref()
                .map(|id| ids::decode("School", "filter.schoolId", id))
                .transpose()?
                .map(SchoolId),
            grade_level: filter
                .grade_level
                .as_deref()
                .map(|grade| validate::grade_level("filter.gradeLevel", grade))
                .transpose()
                .gql()?,
            search: validate::optional_text(
                "filter.search",
                filter.search.as_deref(),
                validate::MAX_NAME,
            )
            .gql()?,
        };
        let args = PageArgs::new(first, after, last, before);
        args.validate()?;
        let scope = viewer.read_scope();
        let (rows, total) = match args.forward() {
            // Paging forward: the page, its students' schools and the count together.
            Some(page) => {
                let (rows, total) = students::page_with_schools(db, &scope, &filter, page)
                    .await
                    .gql()?;
                let (rows, schools): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
                ctx.loads()?.batch().saw_schools(schools);
                (rows, total)
            }
            None => students::list(db, &scope, &filter, |t| args.window(t))
                .await
                .gql()?,
        };
        let rows = rows
            .into_iter()
            .map(|s| Student::read(ctx, s).map(Plain))
            .collect::<ApiResult<_>>()?;
        Ok(connection(rows, args.window(total), total))
    }

    /// One student, if the viewer may see them.
    async fn student(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Student>> {
        let id = StudentId(ids::decode("Student", "id", &id)?);
        let student = load(ctx, id).await?.ok_or_else(|| not_found("student"))?;
        Ok(Some(Student::read(ctx, student)?))
    }

    /// One alliance, if the viewer may see it.
    async fn alliance(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Alliance>> {
        let id = ids::decode("Alliance", "id", &id)?;
        Ok(Some(
            visible_alliance(ctx, id.into())
                .await?
                .ok_or_else(|| not_found("alliance"))?,
        ))
    }

    /// Alliance's check-in for an audience, in the language asked for (English when we do
    /// not have it; `language` in the answer says which).
    async fn feedback_instrument(
        &self,
        ctx: &Context<'_>,
        audience: FeedbackAudience,
        #[graphql(desc = "BCP 47 tag, such as `es` or `es-MX`.")] language: Option<String>,
    ) -> ApiResult<FeedbackInstrument> {
        ctx.viewer()?;
        if let Some(tag) = &language {
            // A tag we do not know falls back to English; only its length is refused.
            validate::optional_text("language", Some(tag), validate::MAX_LANGUAGE_TAG).gql()?;
        }
        Ok(alliance_domain::feedback::instrument(audience.into(), language.as_deref()).into())
    }

    /// The viewer's open alliances that need attention, most urgent first: open concerns,
    /// then overdue practices. Each alliance's `health.reasons` says why.
    async fn alliances_needing_attention(
        &self,
        ctx: &Context<'_>,
        school_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Alliance>> {
        let viewer = ctx.viewer()?;
        let school = school_id
            .as_ref()
            .map(|id| ids::decode("School", "schoolId", id))
            .transpose()?
            .map(SchoolId);
        let alliances = alliance_store::alliances::open_in_scope(
            ctx.store()?.db(),
            &viewer.read_scope(),
            school,
        )
        .await
        .gql()?;
        let healths =
            futures::future::try_join_all(alliances.iter().map(|a| load(ctx, HealthOf(a.id))))
                .await?;
        let now = alliance_store::now();
        let mut needing: Vec<_> = alliances
            .into_iter()
            .zip(healths)
            .filter_map(|(a, h)| h.filter(|h| !h.reasons.is_empty()).map(|h| (a, h)))
            .collect();
        needing.sort_by(|(a, x), (b, y)| y.urgency(now).cmp(&x.urgency(now)).then(a.id.cmp(&b.id)));
        // Only the alliances on the page are read, and so audited.
        let args = PageArgs::new(first, after, last, before);
        args.validate()?;
        let total = needing.len() as u64;
        let page = args.window(total);
        let items = needing
            .into_iter()
            .skip(page.offset as usize)
            .take(page.limit as usize)
            .map(|(a, _)| Alliance::read(ctx, a))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(connection(items, page, total))
    }

    /// Who read or changed a student's records, newest first.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<AuditEvent>> {
        let id = StudentId(ids::decode("Student", "studentId", &student_id)?);
        let student = load(ctx, id).await?.ok_or_else(|| not_found("student"))?;
        let student = Student::read(ctx, student)?;
        access_log(ctx, &student.0, PageArgs::new(first, after, last, before)).await
    }
}
