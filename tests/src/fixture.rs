//! A small world to test against, written straight into the database: two districts;
//! in `alpha` two schools, a student in each with an alliance, staff, family and a
//! family-named support person; in `beta` one student nobody in `alpha` may see.

use alliance_domain::ids::*;
use alliance_domain::model::Measure;
use alliance_domain::values::{
    AlliancePhase, Direction, GoalDomain, GoalStatus, MemberRole, ProgressSource,
};
use alliance_store::goals::{self, NewGoal};
use alliance_store::members::{self, NewMember};
use alliance_store::persons::{self, NewPerson};
use alliance_store::progress::{self, NewProgress};
use alliance_store::students::{self, NewStudent};
use alliance_store::{Store, alliances, districts, schools};
use chrono::{Duration, Utc};

use crate::{TestApp, TokenFor};

/// Ids (as GraphQL global IDs) of the fixture's records.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub school_a: String,
    pub school_b: String,
    pub student_1: String,
    pub student_2: String,
    pub student_beta: String,
    pub alliance_1: String,
    pub alliance_2: String,
    pub goal_1: String,
    pub caregiver_member_1: String,
    pub staff_member_1: String,
    pub student_member_1: String,
    pub support_person: String,
    pub unaffiliated_person: String,
}

fn gid(kind: &str, id: uuid::Uuid) -> String {
    alliance_graphql::global_id(kind, id).0
}

async fn person(
    store: &Store,
    district: DistrictId,
    name: &str,
    subject: Option<&str>,
) -> PersonId {
    persons::create(
        store.db(),
        NewPerson {
            district_id: district,
            display_name: name.into(),
            preferred_language: "en".into(),
            contact_preferences: None,
            external_ids: vec![],
            subject: subject.map(Into::into),
        },
    )
    .await
    .expect("person")
    .id
}

async fn student(
    store: &Store,
    district: DistrictId,
    school: SchoolId,
    name: &str,
    grade: &str,
) -> (StudentId, PersonId) {
    let person = person(store, district, name, None).await;
    let student = students::create(
        store.db(),
        NewStudent {
            district_id: district,
            school_id: school,
            person_id: person,
            name: name.into(),
            preferred_name: None,
            pronouns: None,
            grade_level: grade.into(),
            preferred_language: "en".into(),
            external_ids: vec![],
        },
    )
    .await
    .expect("student");
    (student.id, person)
}

async fn member(
    store: &Store,
    alliance: AllianceId,
    person: PersonId,
    role: MemberRole,
    relationship: Option<&str>,
    family_identified: bool,
) -> MemberId {
    members::add(
        store.db(),
        NewMember {
            alliance_id: alliance,
            person_id: person,
            role,
            relationship: relationship.map(Into::into),
            family_identified,
        },
    )
    .await
    .expect("member")
    .id
}

impl Fixture {
    /// Writes the fixture into `app`'s database.
    pub async fn load(app: &TestApp) -> Fixture {
        let store = &app.store;
        let alpha = districts::create(store.db(), "alpha", "Alpha Unified")
            .await
            .expect("alpha")
            .id;
        let beta = districts::create(store.db(), "beta", "Beta County Schools")
            .await
            .expect("beta")
            .id;
        let school_a = schools::create(store.db(), alpha, "Alder Elementary", &vec![])
            .await
            .expect("school")
            .id;
        let school_b = schools::create(store.db(), alpha, "Birch Middle", &vec![])
            .await
            .expect("school")
            .id;
        let school_c = schools::create(store.db(), beta, "Cedar Elementary", &vec![])
            .await
            .expect("school")
            .id;

        let staff_a = person(store, alpha, "Ms. Rivera", Some("staff-a")).await;
        let staff_b = person(store, alpha, "Mr. Okafor", Some("staff-b")).await;
        let family_1 = person(store, alpha, "Elena Lopez", Some("family-1")).await;
        let family_2 = person(store, alpha, "Grace Kim", Some("family-2")).await;
        let support = person(store, alpha, "Auntie Rosa", None).await;
        let unaffiliated = person(store, alpha, "Sam Unaffiliated", None).await;

        let (student_1, student_1_person) =
            student(store, alpha, school_a, "Maya Lopez", "3").await;
        let (student_2, student_2_person) = student(store, alpha, school_b, "Noah Kim", "7").await;
        let (student_beta, beta_person) = student(store, beta, school_c, "Beta Student", "4").await;

        let alliance_1 = alliances::create(
            store.db(),
            alpha,
            student_1,
            school_a,
            AlliancePhase::Planning,
            "fixture",
        )
        .await
        .expect("alliance")
        .id;
        let student_member_1 = member(
            store,
            alliance_1,
            student_1_person,
            MemberRole::Student,
            None,
            false,
        )
        .await;
        let caregiver_member_1 = member(
            store,
            alliance_1,
            family_1,
            MemberRole::Caregiver,
            Some("mom"),
            false,
        )
        .await;
        let staff_member_1 =
            member(store, alliance_1, staff_a, MemberRole::Teacher, None, false).await;
        member(
            store,
            alliance_1,
            support,
            MemberRole::CommunitySupport,
            Some("my auntie"),
            true,
        )
        .await;

        let alliance_2 = alliances::create(
            store.db(),
            alpha,
            student_2,
            school_b,
            AlliancePhase::Engagement,
            "fixture",
        )
        .await
        .expect("alliance")
        .id;
        member(
            store,
            alliance_2,
            student_2_person,
            MemberRole::Student,
            None,
            false,
        )
        .await;
        member(
            store,
            alliance_2,
            family_2,
            MemberRole::Caregiver,
            Some("grandma"),
            false,
        )
        .await;
        member(
            store,
            alliance_2,
            staff_b,
            MemberRole::Counselor,
            None,
            false,
        )
        .await;

        let alliance_beta = alliances::create(
            store.db(),
            beta,
            student_beta,
            school_c,
            AlliancePhase::Engagement,
            "fixture",
        )
        .await
        .expect("alliance")
        .id;
        member(
            store,
            alliance_beta,
            beta_person,
            MemberRole::Student,
            None,
            false,
        )
        .await;

        let goal_1 = goals::create(
            store.db(),
            NewGoal {
                alliance_id: alliance_1,
                own_words: "I want mornings to feel calm, not like a fight.".into(),
                expressed_by: caregiver_member_1,
                summary: Some("Calm mornings before school".into()),
                domain: GoalDomain::Family,
                priority: 1,
                status: GoalStatus::Active,
                measure: Some(Measure {
                    name: "calm mornings".into(),
                    unit: Some("days a week".into()),
                    baseline: 1.0,
                    target: 5.0,
                    direction: Direction::Increase,
                    target_date: Some((Utc::now() + Duration::weeks(10)).date_naive()),
                }),
            },
        )
        .await
        .expect("goal")
        .id;
        for (weeks_ago, value, note) in [
            (3, Some(1.0), None),
            (2, Some(2.0), Some("two calm mornings")),
            (1, None, Some("a rough week")),
        ] {
            progress::create(
                store.db(),
                NewProgress {
                    goal_id: goal_1,
                    observed_at: alliance_store::now() - Duration::weeks(weeks_ago),
                    recorded_by: Some(staff_a),
                    recorded_by_subject: "staff-a".into(),
                    value,
                    note: note.map(Into::into),
                    source: ProgressSource::TeamObservation,
                },
            )
            .await
            .expect("progress");
        }

        Fixture {
            school_a: gid("School", school_a.0),
            school_b: gid("School", school_b.0),
            student_1: gid("Student", student_1.0),
            student_2: gid("Student", student_2.0),
            student_beta: gid("Student", student_beta.0),
            alliance_1: gid("Alliance", alliance_1.0),
            alliance_2: gid("Alliance", alliance_2.0),
            goal_1: gid("Goal", goal_1.0),
            caregiver_member_1: gid("AllianceMember", caregiver_member_1.0),
            staff_member_1: gid("AllianceMember", staff_member_1.0),
            student_member_1: gid("AllianceMember", student_member_1.0),
            support_person: gid("Person", support.0),
            unaffiliated_person: gid("Person", unaffiliated.0),
        }
    }

    /// The callers of the role × operation matrix, as tokens.
    pub fn district_admin(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "admin",
            district: "alpha",
            roles: &["DISTRICT_ADMIN"],
            schools: vec![],
        })
    }
    pub fn school_admin_a(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "principal-a",
            district: "alpha",
            roles: &["SCHOOL_ADMIN"],
            schools: vec![self.school_a.clone()],
        })
    }
    pub fn school_admin_b(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "principal-b",
            district: "alpha",
            roles: &["SCHOOL_ADMIN"],
            schools: vec![self.school_b.clone()],
        })
    }
    pub fn staff_member(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "staff-a",
            district: "alpha",
            roles: &["STAFF"],
            schools: vec![],
        })
    }
    pub fn staff_non_member(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "staff-b",
            district: "alpha",
            roles: &["STAFF"],
            schools: vec![],
        })
    }
    pub fn family_member(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "family-1",
            district: "alpha",
            roles: &["FAMILY"],
            schools: vec![],
        })
    }
    pub fn family_non_member(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "family-2",
            district: "alpha",
            roles: &["FAMILY"],
            schools: vec![],
        })
    }
    pub fn analyst(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "analyst",
            district: "alpha",
            roles: &["ANALYST"],
            schools: vec![],
        })
    }
    pub fn other_district_admin(&self, app: &TestApp) -> String {
        app.token(TokenFor {
            subject: "admin",
            district: "beta",
            roles: &["DISTRICT_ADMIN"],
            schools: vec![],
        })
    }
}

/// The type and uuid inside a global ID (`base64url("Type:uuid")`), for tests that
/// write straight into the database what the API would refuse to.
pub fn decode_global_id(id: &str) -> (String, uuid::Uuid) {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in id.trim_end_matches('=').bytes() {
        let value = ALPHABET
            .iter()
            .position(|a| *a == c)
            .unwrap_or_else(|| panic!("{id} is not base64url")) as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    let text = String::from_utf8(bytes).expect("a global ID is text");
    let (kind, uuid) = text.split_once(':').expect("Type:uuid");
    (kind.to_owned(), uuid::Uuid::parse_str(uuid).expect("uuid"))
}

impl Fixture {
    /// A check-in asked of the caregiver of alliance 1 whose due date passed yesterday,
    /// unanswered: written straight into the database, since `requestFeedback` refuses a
    /// due date in the past. Returns its global ID.
    pub async fn expired_feedback_request(&self, app: &TestApp) -> String {
        use alliance_domain::values::FeedbackAudience;
        use alliance_store::feedback::{self, NewRequest};
        let (_, alliance) = decode_global_id(&self.alliance_1);
        let (_, member) = decode_global_id(&self.caregiver_member_1);
        let request = feedback::request(
            app.store.db(),
            NewRequest {
                alliance_id: AllianceId(alliance),
                member_id: MemberId(member),
                audience: FeedbackAudience::Adult,
                language: "en".into(),
                due_date: (Utc::now() - Duration::days(1)).date_naive(),
                requested_by_subject: "staff-a".into(),
            },
        )
        .await
        .expect("feedback request");
        gid("FeedbackRequest", request.id.0)
    }

    /// A token for `subject` with `roles` in district `alpha`.
    pub fn alpha_token(&self, app: &TestApp, subject: &str, roles: &[&str]) -> String {
        app.token(TokenFor {
            subject,
            district: "alpha",
            roles,
            schools: vec![],
        })
    }
}
