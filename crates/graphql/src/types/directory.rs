//! The district's directory: the district itself, schools, people and the viewer.

use alliance_domain::model;
use async_graphql::{ID, Object, SimpleObject};

use crate::ids;
use crate::plain;
use crate::types::enums::Role;
use crate::types::scalars::DateTime;

/// An identifier a record has in another system.
#[derive(SimpleObject, Clone, Debug)]
pub struct ExternalId {
    /// The other system (`sis`, `oneroster`).
    pub system: String,
    /// The id there.
    pub value: String,
}

pub(crate) fn external_ids(ids: &[model::ExternalId]) -> Vec<ExternalId> {
    ids.iter()
        .map(|e| ExternalId {
            system: e.system.clone(),
            value: e.value.clone(),
        })
        .collect()
}

/// A district: the tenant every record belongs to.
pub struct District(pub model::District);

#[Object]
impl District {
    pub async fn id(&self) -> ID {
        ids::encode("District", self.0.id.0)
    }
    /// The short name tokens carry in their `district` claim.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The district's settings for the practices.
    async fn settings(&self) -> DistrictSettings {
        let s = &self.0.settings;
        DistrictSettings {
            min_group_size: s.min_group_size,
            feedback_cadence_days: s.feedback_cadence_days,
            data_share_cadence_days: s.data_share_cadence_days,
            reflection_cadence_days: s.reflection_cadence_days,
            concern_item_threshold: s.concern_item_threshold,
            concern_drop_threshold: s.concern_drop_threshold,
        }
    }
}

/// A district's settings for the practices.
#[derive(SimpleObject)]
pub struct DistrictSettings {
    /// Groups smaller than this are suppressed in aggregates.
    pub min_group_size: i32,
    /// Days between feedback requests before an alliance needs attention.
    pub feedback_cadence_days: i32,
    /// Days between shares of progress data with the family.
    pub data_share_cadence_days: i32,
    /// Days between team reflections.
    pub reflection_cadence_days: i32,
    /// A feedback item at or below this score raises a concern.
    pub concern_item_threshold: i32,
    /// A drop in a respondent's total of at least this much raises a concern.
    pub concern_drop_threshold: i32,
}

/// A school in the district.
pub struct School(pub model::School);

impl plain::Fields for School {
    const PLAIN: &'static [&'static str] = &["id", "name", "createdAt"];
}

#[Object]
impl School {
    pub async fn id(&self) -> ID {
        ids::encode("School", self.0.id.0)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn external_ids(&self) -> Vec<ExternalId> {
        external_ids(&self.0.external_ids)
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// Someone who can be an alliance member: a student, caregiver, staff member or a
/// support person the family names.
pub struct Person(pub model::Person);

impl plain::Fields for Person {
    const PLAIN: &'static [&'static str] = &[
        "id",
        "displayName",
        "preferredLanguage",
        "contactPreferences",
    ];
}

#[Object]
impl Person {
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id.0)
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// BCP 47 language tag.
    async fn preferred_language(&self) -> &str {
        &self.0.preferred_language
    }
    /// How the person likes to be reached, in their words.
    async fn contact_preferences(&self) -> Option<&str> {
        self.0.contact_preferences.as_deref()
    }
    async fn external_ids(&self) -> Vec<ExternalId> {
        external_ids(&self.0.external_ids)
    }
}

/// Who is signed in.
pub struct ViewerInfo {
    pub viewer: alliance_domain::access::Viewer,
    pub district: model::District,
    pub person: Option<model::Person>,
}

#[Object(name = "Viewer")]
impl ViewerInfo {
    /// The token's `sub`.
    async fn subject(&self) -> &str {
        &self.viewer.subject
    }
    async fn roles(&self) -> Vec<Role> {
        self.viewer.roles.iter().map(|r| (*r).into()).collect()
    }
    async fn district(&self) -> District {
        District(self.district.clone())
    }
    /// The viewer's own person record, when they have one.
    async fn person(&self) -> Option<Person> {
        self.person.clone().map(Person)
    }
}
