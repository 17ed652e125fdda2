//! Schools, people and students.

use alliance_domain::DomainError;
use alliance_domain::access::{WriteTarget, authorize_write};
use alliance_domain::ids::{PersonId, SchoolId};
use alliance_domain::model::{ExternalId, ExternalIds};
use alliance_domain::validate::{self, MAX_ITEMS, MAX_NAME, MAX_TEXT};
use alliance_domain::values::AuditAction;
use alliance_store::persons::{self, NewPerson};
use alliance_store::schools;
use alliance_store::students::{self, NewStudent};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::{UserError, commit, finish, input_id, missing, store};
use crate::context::RequestContext;
use crate::error::ApiResult;
use crate::types::directory::{Person, School};
use crate::types::student::Student;

/// An identifier in another system.
#[derive(InputObject, Clone)]
pub struct ExternalIdInput {
    /// The other system (`sis`, `oneroster`).
    pub system: String,
    pub value: String,
}

fn external_ids(
    field: &str,
    input: Option<Vec<ExternalIdInput>>,
) -> Result<ExternalIds, DomainError> {
    let input = input.unwrap_or_default();
    validate::at_most(field, &input, MAX_ITEMS)?;
    input
        .into_iter()
        .map(|e| {
            Ok(ExternalId {
                system: validate::required_text(&format!("{field}.system"), &e.system, MAX_NAME)?,
                value: validate::required_text(&format!("{field}.value"), &e.value, MAX_NAME)?,
            })
        })
        .collect()
}

#[derive(InputObject)]
pub struct CreateSchoolInput {
    pub name: String,
    pub external_ids: Option<Vec<ExternalIdInput>>,
}

#[derive(SimpleObject)]
pub struct CreateSchoolPayload {
    pub school: Option<School>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CreatePersonInput {
    pub display_name: String,
    /// BCP 47 tag; `en` when left out.
    pub preferred_language: Option<String>,
    /// How the person likes to be reached, in their words.
    pub contact_preferences: Option<String>,
    pub external_ids: Option<Vec<ExternalIdInput>>,
    /// The `sub` of the person's login token, if they will sign in.
    pub subject: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreatePersonPayload {
    pub person: Option<Person>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CreateStudentInput {
    pub school_id: ID,
    /// Legal name.
    pub name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub grade_level: String,
    /// BCP 47 tag; `en` when left out.
    pub preferred_language: Option<String>,
    pub external_ids: Option<Vec<ExternalIdInput>>,
    /// The student's existing person record; a new one is made when left out.
    pub person_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct CreateStudentPayload {
    pub student: Option<Student>,
    pub user_errors: Vec<UserError>,
}

fn language(field: &str, tag: Option<String>) -> Result<String, DomainError> {
    validate::language_tag(field, tag.as_deref().unwrap_or("en"))
}

/// Mutations of the district's directory.
#[derive(Default)]
pub struct DirectoryMutations;

#[Object]
impl DirectoryMutations {
    /// Adds a school to the district. District administrators only.
    async fn create_school(
        &self,
        ctx: &Context<'_>,
        input: CreateSchoolInput,
    ) -> ApiResult<CreateSchoolPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            authorize_write(viewer, WriteTarget::District)?;
            let name = validate::required_text("name", &input.name, MAX_NAME)?;
            let external_ids = external_ids("externalIds", input.external_ids)?;
            let tx = store(ctx)?.begin().await?;
            let school = schools::create(&tx, viewer.district_id, &name, &external_ids).await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "School",
                school.id.0,
                None,
            )
            .await?;
            Ok(School(school))
        }
        .await;
        let (school, user_errors) = finish(ctx, outcome)?;
        Ok(CreateSchoolPayload {
            school,
            user_errors,
        })
    }

    /// Adds a person to the district's directory, so they can join alliances.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> ApiResult<CreatePersonPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            authorize_write(viewer, WriteTarget::Directory)?;
            let new = NewPerson {
                district_id: viewer.district_id,
                display_name: validate::required_text(
                    "displayName",
                    &input.display_name,
                    MAX_NAME,
                )?,
                preferred_language: language("preferredLanguage", input.preferred_language)?,
                contact_preferences: validate::optional_text(
                    "contactPreferences",
                    input.contact_preferences.as_deref(),
                    MAX_TEXT,
                )?,
                external_ids: external_ids("externalIds", input.external_ids)?,
                subject: validate::optional_text("subject", input.subject.as_deref(), MAX_NAME)?,
            };
            let tx = store(ctx)?.begin().await?;
            let person = persons::create(&tx, new).await.map_err(|e| match e {
                DomainError::Conflict(_) => DomainError::invalid(
                    "subject",
                    "another person already signs in with this subject",
                ),
                other => other,
            })?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Person",
                person.id.0,
                None,
            )
            .await?;
            Ok(Person(person))
        }
        .await;
        let (person, user_errors) = finish(ctx, outcome)?;
        Ok(CreatePersonPayload {
            person,
            user_errors,
        })
    }

    /// Enrols a student in a school, with a person record of their own.
    async fn create_student(
        &self,
        ctx: &Context<'_>,
        input: CreateStudentInput,
    ) -> ApiResult<CreateStudentPayload> {
        let viewer = ctx.viewer()?;
        let outcome = async {
            let school_id = SchoolId(input_id("School", "schoolId", &input.school_id)?);
            let db = store(ctx)?.db();
            if schools::by_ids(db, viewer.district_id, &[school_id])
                .await?
                .is_empty()
            {
                return Err(missing(viewer, "school"));
            }
            authorize_write(viewer, WriteTarget::School(school_id))?;
            let name = validate::required_text("name", &input.name, MAX_NAME)?;
            let preferred_name = validate::optional_text(
                "preferredName",
                input.preferred_name.as_deref(),
                MAX_NAME,
            )?;
            let pronouns =
                validate::optional_text("pronouns", input.pronouns.as_deref(), MAX_NAME)?;
            let grade_level = validate::grade_level("gradeLevel", &input.grade_level)?;
            let preferred_language = language("preferredLanguage", input.preferred_language)?;
            let external_ids = external_ids("externalIds", input.external_ids)?;
            let existing_person = match &input.person_id {
                Some(id) => {
                    let id = PersonId(input_id("Person", "personId", id)?);
                    if persons::by_ids(db, viewer.district_id, &[id])
                        .await?
                        .is_empty()
                    {
                        return Err(missing(viewer, "person"));
                    }
                    Some(id)
                }
                None => None,
            };
            let tx = store(ctx)?.begin().await?;
            let person_id = match existing_person {
                Some(id) => id,
                None => {
                    let person = persons::create(
                        &tx,
                        NewPerson {
                            district_id: viewer.district_id,
                            display_name: preferred_name.clone().unwrap_or_else(|| name.clone()),
                            preferred_language: preferred_language.clone(),
                            contact_preferences: None,
                            external_ids: Vec::new(),
                            subject: None,
                        },
                    )
                    .await?;
                    person.id
                }
            };
            let student = students::create(
                &tx,
                NewStudent {
                    district_id: viewer.district_id,
                    school_id,
                    person_id,
                    name,
                    preferred_name,
                    pronouns,
                    grade_level,
                    preferred_language,
                    external_ids,
                },
            )
            .await?;
            commit(
                ctx,
                viewer,
                tx,
                AuditAction::Create,
                "Student",
                student.id.0,
                Some(student.id),
            )
            .await?;
            Ok(Student(student))
        }
        .await;
        let (student, user_errors) = finish(ctx, outcome)?;
        Ok(CreateStudentPayload {
            student,
            user_errors,
        })
    }
}
