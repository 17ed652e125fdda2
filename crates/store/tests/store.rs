//! The repositories against a real database: SQLite by default, PostgreSQL when
//! `ALLIANCE_TEST_DATABASE_URL` names a server. Each test has a database of its own.

use alliance_domain::DomainError;
use alliance_domain::access::{ReadScope, TeamReach};
use alliance_domain::ids::{AuditEventId, DistrictId, PersonId};
use alliance_domain::model::{
    Alliance, AuditEvent, District, Goal, Measure, Person, School, Student,
};
use alliance_domain::progress::{Observation, ProgressStats, summarize, summary_of};
use alliance_domain::values::{
    Acceptance, AlliancePhase, AllianceStatus, AuditAction, CommunicationKind, Direction,
    GoalDomain, GoalStatus, InterventionStatus, MemberRole, NextStepStatus, PracticeStatus,
    ProgressSource, Visibility,
};
use alliance_store::goals::NewGoal;
use alliance_store::members::NewMember;
use alliance_store::persons::NewPerson;
use alliance_store::progress::NewProgress;
use alliance_store::students::{NewStudent, StudentFilter};
use alliance_store::testing::TestDatabase;
use alliance_store::{
    Page, Store, StoreResult, acceptances, alliances, audit, communications, demo, districts,
    feedback, goals, health, interventions, members, next_steps, persons, progress, reflections,
    schools, students, voice,
};
use chrono::Duration;
use serde_json::{Value, json};

/// A fresh database and a migrated store on it.
struct Db {
    test: TestDatabase,
    store: Store,
}

impl Db {
    async fn open() -> Db {
        let test = TestDatabase::new().await;
        let store = test.store().await;
        Db { test, store }
    }

    async fn finish(self) {
        self.store.close().await.ok();
        self.test.cleanup().await;
    }
}

fn first(limit: u64) -> impl FnOnce(u64) -> Page {
    move |_| Page { offset: 0, limit }
}

fn whole(district: &District) -> ReadScope {
    ReadScope {
        district_id: district.id,
        whole_district: true,
        schools: Vec::new(),
        member: None,
        team: Default::default(),
    }
}

fn nobody(district: &District) -> ReadScope {
    ReadScope {
        district_id: district.id,
        whole_district: false,
        schools: Vec::new(),
        member: None,
        team: Default::default(),
    }
}

async fn district(store: &Store, slug: &str) -> District {
    districts::create(store.db(), slug, &format!("{slug} district"))
        .await
        .expect("district")
}

async fn school(store: &Store, district: &District, name: &str) -> School {
    schools::create(store.db(), district.id, name, &Vec::new())
        .await
        .expect("school")
}

async fn person(store: &Store, district: DistrictId, name: &str, subject: Option<&str>) -> Person {
    let new = NewPerson {
        district_id: district,
        display_name: name.into(),
        preferred_language: "en".into(),
        contact_preferences: None,
        external_ids: Vec::new(),
        subject: subject.map(str::to_owned),
    };
    persons::create(store.db(), new).await.expect("person")
}

async fn student(
    store: &Store,
    school: &School,
    name: &str,
    preferred: Option<&str>,
    grade: &str,
) -> Student {
    let person = person(store, school.district_id, name, None).await;
    let new = NewStudent {
        district_id: school.district_id,
        school_id: school.id,
        person_id: person.id,
        name: name.into(),
        preferred_name: preferred.map(str::to_owned),
        pronouns: None,
        grade_level: grade.into(),
        preferred_language: "en".into(),
        external_ids: Vec::new(),
    };
    students::create(store.db(), new).await.expect("student")
}

async fn alliance(store: &Store, student: &Student) -> StoreResult<Alliance> {
    alliances::create(
        store.db(),
        student.district_id,
        student.id,
        student.school_id,
        AlliancePhase::Engagement,
        "admin",
    )
    .await
}

async fn join(
    store: &Store,
    alliance: &Alliance,
    person: PersonId,
    role: MemberRole,
) -> StoreResult<alliance_domain::model::AllianceMember> {
    let new = NewMember {
        alliance_id: alliance.id,
        person_id: person,
        role,
        relationship: None,
        family_identified: false,
    };
    members::add(store.db(), new).await
}

/// The display names of `students`, in list order.
fn names(students: &[Student]) -> Vec<&str> {
    students
        .iter()
        .map(|s| s.preferred_name.as_deref().unwrap_or(&s.name))
        .collect()
}

async fn listed(store: &Store, scope: &ReadScope, filter: &StudentFilter) -> Vec<String> {
    let (found, total) = students::list(store.db(), scope, filter, first(100))
        .await
        .expect("list");
    assert_eq!(total, found.len() as u64);
    names(&found).into_iter().map(str::to_owned).collect()
}

/// A student with an alliance whose caregiver set a measured goal.
async fn goal_fixture(store: &Store) -> (District, Goal) {
    let district = district(store, "goals").await;
    let school = school(store, &district, "Oak").await;
    let student = student(store, &school, "Ada Lovelace", None, "3").await;
    let alliance = alliance(store, &student).await.expect("alliance");
    let mom = person(store, district.id, "Anne Lovelace", Some("family-anne")).await;
    let caregiver = join(store, &alliance, mom.id, MemberRole::Caregiver)
        .await
        .expect("member");
    let new = NewGoal {
        alliance_id: alliance.id,
        own_words: "We want mornings to be less of a fight.".into(),
        expressed_by: caregiver.id,
        summary: None,
        domain: GoalDomain::Family,
        priority: 1,
        status: GoalStatus::Active,
        measure: Some(Measure {
            name: "Calm mornings".into(),
            unit: Some("mornings per week".into()),
            baseline: 1.0,
            target: 4.0,
            direction: Direction::Increase,
            target_date: Some(chrono::NaiveDate::from_ymd_opt(2030, 6, 1).expect("date")),
        }),
    };
    (
        district,
        goals::create(store.db(), new).await.expect("goal"),
    )
}

fn entry(goal: &Goal, days_ago: i64, value: Option<f64>, note: Option<&str>) -> NewProgress {
    NewProgress {
        goal_id: goal.id,
        observed_at: alliance_store::now() - Duration::days(days_ago),
        recorded_by: None,
        recorded_by_subject: "staff-tess".into(),
        value,
        note: note.map(str::to_owned),
        source: ProgressSource::TeamObservation,
    }
}

#[tokio::test]
async fn migrations_apply_and_applying_them_again_changes_nothing() {
    let db = Db::open().await;
    db.store.migrate().await.expect("second migration run");
    assert!(db.store.ping().await);
    assert_eq!(
        db.store.backend_name(),
        if db.test.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );
    assert!(
        districts::by_slug(db.store.db(), "none")
            .await
            .expect("query")
            .is_none()
    );
    db.finish().await;
}

#[tokio::test]
async fn a_district_slug_can_be_taken_only_once() {
    let db = Db::open().await;
    let created = district(&db.store, "north").await;
    let again = districts::create(db.store.db(), "north", "Another North").await;
    assert!(matches!(again, Err(DomainError::Conflict(_))), "{again:?}");
    let found = districts::by_slug(db.store.db(), "north")
        .await
        .expect("by slug")
        .expect("found");
    assert_eq!(
        (found.id, found.name.as_str()),
        (created.id, "north district")
    );
    assert_eq!(
        found.created_at, created.created_at,
        "timestamps read back exactly as written"
    );
    let by_id = districts::by_id(db.store.db(), created.id)
        .await
        .expect("by id")
        .expect("found");
    assert_eq!(by_id.settings.min_group_size, 10);
    db.finish().await;
}

#[tokio::test]
async fn a_sign_in_is_read_once_and_a_person_added_later_is_seen_at_once() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let sign_in = |slug: &'static str, subject: &'static str| async move {
        let before = store.statement_count();
        let found = store.sign_in(slug, subject).await.expect("sign in");
        let found = found.map(|(district, person)| (district.id, person));
        (found, store.statement_count() - before)
    };

    // Nothing is kept of a district not known, nor of a subject with no person yet.
    assert_eq!(sign_in("south", "family-1").await, (None, 1));
    assert_eq!(
        sign_in("north", "family-1").await,
        (Some((north.id, None)), 1)
    );
    assert_eq!(
        sign_in("north", "family-1").await,
        (Some((north.id, None)), 1)
    );

    // The person, added after, is seen at once; then kept, so read no more.
    let family = person(store, north.id, "Ana", Some("family-1")).await;
    let found = Some((north.id, Some(family.id)));
    assert_eq!(sign_in("north", "family-1").await, (found, 1));
    assert_eq!(sign_in("north", "family-1").await, (found, 0));
    // Another subject of the same district is not that person.
    assert_eq!(
        sign_in("north", "staff-2").await,
        (Some((north.id, None)), 1)
    );

    // The same subject in another district is another person.
    let south = district(store, "south").await;
    let other = person(store, south.id, "Bo", Some("family-1")).await;
    let elsewhere = Some((south.id, Some(other.id)));
    assert_eq!(sign_in("south", "family-1").await, (elsewhere, 1));
    assert_eq!(sign_in("north", "family-1").await, (found, 0));
    db.finish().await;
}

#[tokio::test]
async fn a_student_list_shows_only_students_the_viewer_may_read() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let south = district(store, "south").await;
    let oak = school(store, &north, "Oak").await;
    let elm = school(store, &north, "Elm").await;
    let pine = school(store, &south, "Pine").await;
    let ada = student(store, &oak, "Ada Lovelace", None, "3").await;
    let ben = student(store, &oak, "Ben Okri", None, "4").await;
    let cy = student(store, &elm, "Cy Twombly", None, "3").await;
    student(store, &pine, "Dee Brown", None, "3").await;

    // Tess is an active member of Ada's alliance; she was one of Cy's and left.
    let tess = person(store, north.id, "Tess Teacher", Some("staff-tess")).await;
    let adas = alliance(store, &ada).await.expect("alliance");
    join(store, &adas, tess.id, MemberRole::Teacher)
        .await
        .expect("member");
    let cys = alliance(store, &cy).await.expect("alliance");
    let left = join(store, &cys, tess.id, MemberRole::Teacher)
        .await
        .expect("member");
    members::remove(store.db(), left.id).await.expect("remove");

    let none = StudentFilter::default();
    let oak_admin = ReadScope {
        schools: vec![oak.id],
        ..nobody(&north)
    };
    let staff = ReadScope {
        member: Some(tess.id),
        ..nobody(&north)
    };
    let both = ReadScope {
        schools: vec![elm.id],
        member: Some(tess.id),
        ..nobody(&north)
    };
    assert_eq!(
        listed(store, &whole(&north), &none).await,
        ["Ada Lovelace", "Ben Okri", "Cy Twombly"]
    );
    assert_eq!(
        listed(store, &oak_admin, &none).await,
        ["Ada Lovelace", "Ben Okri"]
    );
    assert_eq!(listed(store, &staff, &none).await, ["Ada Lovelace"]);
    assert_eq!(
        listed(store, &both, &none).await,
        ["Ada Lovelace", "Cy Twombly"]
    );
    assert!(
        listed(store, &nobody(&north), &none).await.is_empty(),
        "an analyst reads no student"
    );

    // Another district sees its own students only, whatever else its scope names.
    assert_eq!(listed(store, &whole(&south), &none).await, ["Dee Brown"]);
    let foreign_school = ReadScope {
        schools: vec![oak.id],
        ..nobody(&south)
    };
    let foreign_member = ReadScope {
        member: Some(tess.id),
        ..nobody(&south)
    };
    assert!(listed(store, &foreign_school, &none).await.is_empty());
    assert!(listed(store, &foreign_member, &none).await.is_empty());

    // Reads by id and alliance reads take the same scope.
    let by_ids = students::by_ids(store.db(), &staff, &[ada.id, ben.id, cy.id])
        .await
        .expect("by ids");
    assert_eq!(names(&by_ids), ["Ada Lovelace"]);
    let reached = alliances::by_ids(store.db(), &staff, &[adas.id, cys.id])
        .await
        .expect("alliances");
    assert_eq!(reached.iter().map(|a| a.id).collect::<Vec<_>>(), [adas.id]);
    assert!(
        alliances::by_ids(store.db(), &whole(&south), &[adas.id])
            .await
            .expect("alliances")
            .is_empty()
    );
    db.finish().await;
}

#[tokio::test]
async fn students_can_be_filtered_by_school_grade_and_name() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let oak = school(store, &north, "Oak").await;
    let elm = school(store, &north, "Elm").await;
    for (school, name, preferred, grade) in [
        (&oak, "Ana López", None, "K"),
        (&oak, "Bea Lopez-Smith", None, "1"),
        (&oak, "Theodore Plain", Some("Ed"), "K"),
        (&oak, "Élodie Martin", Some("Lo"), "2"),
        (&elm, "Cy Under_Score", None, "K"),
        (&elm, "Di 100% Ready", None, "1"),
        (&elm, "Fay Underscore", None, "K"),
        (&elm, "Gus 100 Percent", None, "1"),
    ] {
        student(store, school, name, preferred, grade).await;
    }
    let scope = whole(&north);
    let filter =
        |school: Option<&School>, grade: Option<&str>, search: Option<&str>| StudentFilter {
            school_id: school.map(|s| s.id),
            grade_level: grade.map(str::to_owned),
            search: search.map(str::to_owned),
        };
    assert_eq!(
        listed(store, &scope, &filter(Some(&oak), None, None)).await,
        ["Ana López", "Bea Lopez-Smith", "Ed", "Lo"]
    );
    assert_eq!(
        listed(store, &scope, &filter(None, Some("K"), None)).await,
        ["Ana López", "Cy Under_Score", "Ed", "Fay Underscore"]
    );
    assert_eq!(
        listed(store, &scope, &filter(Some(&oak), Some("K"), None)).await,
        ["Ana López", "Ed"]
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("LOPEZ"))).await,
        ["Bea Lopez-Smith"]
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("lóp"))).await,
        ["Ana López"]
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("theo"))).await,
        ["Ed"],
        "the legal name is searched too"
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("élodie"))).await,
        ["Lo"],
        "case folds beyond ASCII, on SQLite as on PostgreSQL"
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("_"))).await,
        ["Cy Under_Score"],
        "`_` is literal"
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("0%"))).await,
        ["Di 100% Ready"],
        "`%` is literal"
    );
    assert_eq!(
        listed(store, &scope, &filter(None, None, Some("   ")))
            .await
            .len(),
        8,
        "blank search is no search"
    );
    assert!(
        listed(store, &scope, &filter(Some(&elm), None, Some("ana")))
            .await
            .is_empty()
    );

    // The page is computed from the total, as `last: n` needs.
    let (page, total) = students::list(
        store.db(),
        &scope,
        &filter(None, Some("K"), None),
        |total| Page {
            offset: total - 2,
            limit: 2,
        },
    )
    .await
    .expect("page");
    assert_eq!((names(&page), total), (vec!["Ed", "Fay Underscore"], 4));
    db.finish().await;
}

#[tokio::test]
async fn a_student_has_at_most_one_open_alliance() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let oak = school(store, &north, "Oak").await;
    let ada = student(store, &oak, "Ada Lovelace", None, "3").await;

    let first = alliance(store, &ada).await.expect("first alliance");
    assert_eq!(
        (first.status, first.phase, first.school_id),
        (AllianceStatus::Active, AlliancePhase::Engagement, oak.id)
    );
    assert!(matches!(
        alliance(store, &ada).await,
        Err(DomainError::Conflict(_))
    ));

    let paused = alliances::change(
        store.db(),
        &first,
        AlliancePhase::Assessment,
        AllianceStatus::Paused,
        None,
        "admin",
    )
    .await
    .expect("pause");
    assert!(
        matches!(alliance(store, &ada).await, Err(DomainError::Conflict(_))),
        "a paused alliance is still open"
    );

    let reason = Some("Family moved away".to_owned());
    alliances::change(
        store.db(),
        &paused,
        AlliancePhase::Transition,
        AllianceStatus::Closed,
        reason,
        "admin",
    )
    .await
    .expect("close");
    let second = alliance(store, &ada)
        .await
        .expect("a new alliance once the first is closed");

    let all = alliances::for_students(store.db(), &whole(&north), &[ada.id])
        .await
        .expect("alliances");
    assert_eq!(
        all.iter().map(|a| (a.id, a.status)).collect::<Vec<_>>(),
        [
            (first.id, AllianceStatus::Closed),
            (second.id, AllianceStatus::Active)
        ]
    );
    assert_eq!(all[0].created_at, first.created_at);
    let history = alliances::phase_history(store.db(), &[first.id])
        .await
        .expect("history");
    let phases: Vec<_> = history.iter().map(|c| (c.from_phase, c.to_phase)).collect();
    assert_eq!(
        phases,
        [
            (None, AlliancePhase::Engagement),
            (Some(AlliancePhase::Engagement), AlliancePhase::Assessment),
            (Some(AlliancePhase::Assessment), AlliancePhase::Transition),
        ]
    );
    assert_eq!(history[2].reason.as_deref(), Some("Family moved away"));
    db.finish().await;
}

#[tokio::test]
async fn a_person_can_be_an_active_member_of_an_alliance_only_once() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let oak = school(store, &north, "Oak").await;
    let ada = student(store, &oak, "Ada Lovelace", None, "3").await;
    let adas = alliance(store, &ada).await.expect("alliance");
    let tess = person(store, north.id, "Tess Teacher", Some("staff-tess")).await;

    let first = join(store, &adas, tess.id, MemberRole::Teacher)
        .await
        .expect("join");
    assert!(
        members::is_active(store.db(), adas.id, tess.id)
            .await
            .expect("active")
    );
    assert!(matches!(
        join(store, &adas, tess.id, MemberRole::Coach).await,
        Err(DomainError::Conflict(_))
    ));

    let left = members::remove(store.db(), first.id).await.expect("leave");
    assert!(left.left_at.is_some());
    assert!(
        matches!(
            members::remove(store.db(), first.id).await,
            Err(DomainError::Conflict(_))
        ),
        "leaving twice keeps the first time"
    );
    let kept = members::in_district(store.db(), north.id, first.id)
        .await
        .expect("member");
    assert_eq!(kept.map(|k| k.left_at), Some(left.left_at));
    assert!(
        !members::is_active(store.db(), adas.id, tess.id)
            .await
            .expect("active")
    );
    join(store, &adas, tess.id, MemberRole::Counselor)
        .await
        .expect("rejoin after leaving");
    let history = members::for_alliances(store.db(), &[adas.id])
        .await
        .expect("members");
    let roles: Vec<_> = history.iter().map(|m| (m.role, m.is_active())).collect();
    assert_eq!(
        roles,
        [(MemberRole::Teacher, false), (MemberRole::Counselor, true)]
    );
    db.finish().await;
}

#[tokio::test]
async fn a_person_subject_is_unique_within_a_district() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let south = district(store, "south").await;
    let tess = person(store, north.id, "Tess Teacher", Some("staff-tess")).await;
    let again = persons::create(
        store.db(),
        NewPerson {
            district_id: north.id,
            display_name: "Other Tess".into(),
            preferred_language: "en".into(),
            contact_preferences: None,
            external_ids: Vec::new(),
            subject: Some("staff-tess".into()),
        },
    )
    .await;
    assert!(matches!(again, Err(DomainError::Conflict(_))), "{again:?}");
    person(store, south.id, "South Tess", Some("staff-tess")).await;
    person(store, north.id, "No Login", None).await;
    person(store, north.id, "No Login Either", None).await;
    let found = persons::by_subject(store.db(), north.id, "staff-tess")
        .await
        .expect("by subject")
        .expect("found");
    assert_eq!(found.id, tess.id);
    db.finish().await;
}

#[tokio::test]
async fn a_stale_goal_update_is_a_conflict_and_each_change_keeps_a_revision() {
    let db = Db::open().await;
    let store = &db.store;
    let (district, goal) = goal_fixture(store).await;
    assert_eq!(goal.version, 1);

    let changed = Goal {
        summary: Some("Calmer mornings before school".into()),
        priority: 2,
        ..goal.clone()
    };
    let updated = goals::update(store.db(), &goal, changed, 1, "staff-tess")
        .await
        .expect("update");
    assert_eq!((updated.version, updated.priority), (2, 2));

    // A writer who read version 1 loses, whether the check is before or in the UPDATE.
    let late = Goal {
        priority: 3,
        ..goal.clone()
    };
    assert!(matches!(
        goals::update(store.db(), &goal, late.clone(), 1, "family-anne").await,
        Err(DomainError::Conflict(_))
    ));
    assert!(matches!(
        goals::update(store.db(), &updated, late, 1, "family-anne").await,
        Err(DomainError::Conflict(_))
    ));

    // Changing nothing keeps the version and writes no revision.
    let same = goals::update(store.db(), &updated, updated.clone(), 2, "staff-tess")
        .await
        .expect("no-op");
    assert_eq!(same.version, 2);

    let stored = goals::in_district(store.db(), district.id, goal.id)
        .await
        .expect("goal")
        .expect("in the district");
    assert_eq!(
        (stored.version, stored.priority, stored.own_words.as_str()),
        (2, 2, goal.own_words.as_str())
    );
    assert_eq!(stored.measure, goal.measure);

    let revisions = goals::revisions(store.db(), &[goal.id])
        .await
        .expect("revisions");
    assert_eq!(revisions.len(), 1);
    let revision = &revisions[0];
    assert_eq!(
        (revision.version, revision.revised_by.as_str()),
        (2, "staff-tess")
    );
    let before: Value = serde_json::from_str(&revision.before).expect("json");
    let after: Value = serde_json::from_str(&revision.after).expect("json");
    assert_eq!(before, json!({ "summary": null, "priority": 1 }));
    assert_eq!(
        after,
        json!({ "summary": "Calmer mornings before school", "priority": 2 })
    );
    db.finish().await;
}

#[tokio::test]
async fn newest_progress_is_at_most_take_per_goal_newest_first_in_one_statement() {
    let db = Db::open().await;
    let store = &db.store;
    let (_, first) = goal_fixture(store).await;
    let second = goals::create(
        store.db(),
        NewGoal {
            alliance_id: first.alliance_id,
            own_words: "I want to sleep better.".into(),
            expressed_by: first.expressed_by,
            summary: None,
            domain: GoalDomain::Health,
            priority: 2,
            status: GoalStatus::Active,
            measure: None,
        },
    )
    .await
    .expect("goal");
    let third = Goal {
        id: alliance_domain::ids::GoalId::new(),
        ..second.clone()
    };
    for days_ago in [30, 2, 16, 9, 23] {
        progress::create(
            store.db(),
            entry(&first, days_ago, Some(days_ago as f64), None),
        )
        .await
        .expect("entry");
    }
    for days_ago in [5, 12] {
        progress::create(
            store.db(),
            entry(&second, days_ago, None, Some("slept better")),
        )
        .await
        .expect("entry");
    }

    let before = store.statement_count();
    let newest = progress::newest(store.db(), &[first.id, second.id, third.id], 3)
        .await
        .expect("newest");
    assert_eq!(store.statement_count() - before, 1);
    let of = |goal: &Goal| {
        newest
            .iter()
            .filter(|e| e.goal_id == goal.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of(&first).iter().map(|e| e.value).collect::<Vec<_>>(),
        [Some(2.0), Some(9.0), Some(16.0)]
    );
    assert_eq!(of(&second).len(), 2);
    assert!(
        of(&second)
            .windows(2)
            .all(|w| w[0].observed_at > w[1].observed_at)
    );
    assert!(of(&third).is_empty());

    let counts = progress::counts(store.db(), &[first.id, second.id, third.id])
        .await
        .expect("counts");
    assert_eq!(
        (
            counts.get(&first.id),
            counts.get(&second.id),
            counts.get(&third.id)
        ),
        (Some(&5), Some(&2), None)
    );
    let observations = progress::observations(store.db(), &[first.id])
        .await
        .expect("observations");
    let values: Vec<_> = observations.iter().map(|(_, o)| o.value).collect();
    assert_eq!(
        values,
        [Some(30.0), Some(23.0), Some(16.0), Some(9.0), Some(2.0)]
    );
    db.finish().await;
}

#[tokio::test]
async fn a_progress_entry_without_a_value_or_a_note_is_refused_by_the_database() {
    let db = Db::open().await;
    let store = &db.store;
    let (district, goal) = goal_fixture(store).await;
    let empty = progress::create(store.db(), entry(&goal, 1, None, None)).await;
    assert!(empty.is_err(), "{empty:?}");
    progress::create(store.db(), entry(&goal, 1, Some(2.0), None))
        .await
        .expect("value only");
    progress::create(store.db(), entry(&goal, 1, None, Some("a good week")))
        .await
        .expect("note only");
    let stored = progress::create(store.db(), entry(&goal, 1, Some(3.0), Some("better")))
        .await
        .expect("both");
    let read = progress::by_ids(store.db(), &whole(&district), &[stored.id])
        .await
        .expect("read")
        .remove(0);
    assert_eq!(
        (read.value, read.note.as_deref(), read.observed_at),
        (Some(3.0), Some("better"), stored.observed_at)
    );
    db.finish().await;
}

/// `progress::record` keeps an entry and its audit event together: both when the entry
/// is written, neither when either is refused (the entry by the database's own check
/// that it has a value or a note, the event by its district's foreign key). On PostgreSQL that is one statement, on SQLite a write
/// transaction.
#[tokio::test]
async fn a_recorded_entry_and_its_audit_event_are_kept_together_or_not_at_all() {
    let db = Db::open().await;
    let store = &db.store;
    let (district, goal) = goal_fixture(store).await;
    let student = alliances::in_district(store.db(), district.id, goal.alliance_id)
        .await
        .expect("alliance")
        .expect("found")
        .student_id;
    let event = |kind: &str, id: uuid::Uuid| AuditEvent {
        id: AuditEventId::new(),
        district_id: district.id,
        occurred_at: alliance_store::now(),
        subject: "staff-tess".into(),
        roles: "STAFF".into(),
        action: AuditAction::Create,
        entity_type: kind.into(),
        entity_id: Some(id.to_string()),
        student_id: Some(student),
        request_id: Some(format!("req-{id}")),
        operation_name: Some("RecordProgress".into()),
    };
    let trail = || async {
        audit::for_student(
            store.db(),
            &ReadScope::whole_district(district.id),
            student,
            first(10),
        )
        .await
        .expect("audit log")
    };

    let commits_before = store.commit_count();
    let refused = progress::record(store, entry(&goal, 1, None, None), |id| {
        event("ProgressEntry", id.0)
    })
    .await;
    assert!(refused.is_err(), "{refused:?}");
    let (events, total) = trail().await;
    assert_eq!(
        total, 0,
        "the refused entry left an audit event: {events:?}"
    );

    let entries = || async {
        progress::observations(store.db(), &[goal.id])
            .await
            .expect("entries")
            .len()
    };
    let refused_event =
        progress::record(store, entry(&goal, 1, Some(1.0), None), |id| AuditEvent {
            district_id: DistrictId::new(),
            ..event("ProgressEntry", id.0)
        })
        .await;
    assert!(refused_event.is_err(), "{refused_event:?}");
    assert_eq!(
        entries().await,
        0,
        "an entry was kept without its audit event"
    );

    assert_eq!(
        store.commit_count(),
        commits_before,
        "nothing refused is committed"
    );

    let statements_before = store.statement_count();
    let kept = progress::record(store, entry(&goal, 1, Some(2.0), Some("calmer")), |id| {
        event("ProgressEntry", id.0)
    })
    .await
    .expect("recorded");
    assert_eq!(store.commit_count(), commits_before + 1, "one commit");
    if store.backend_name() == "postgres" {
        // The entry and its event in one statement, which commits by itself.
        assert_eq!(store.statement_count() - statements_before, 1);
    }
    let read = progress::by_ids(store.db(), &whole(&district), &[kept.id])
        .await
        .expect("read")
        .remove(0);
    let facts = |e: &alliance_domain::model::ProgressEntry| {
        (
            e.id,
            e.goal_id,
            e.observed_at,
            e.value,
            e.note.clone(),
            e.recorded_by_subject.clone(),
            e.source,
            e.created_at,
        )
    };
    assert_eq!(
        facts(&read),
        facts(&kept),
        "the entry reads back as it was answered"
    );
    let (events, total) = trail().await;
    assert_eq!(total, 1);
    assert_eq!(
        (events[0].entity_type.as_str(), events[0].entity_id.clone()),
        ("ProgressEntry", Some(kept.id.0.to_string()))
    );
    db.finish().await;
}

/// Many requests recording their reads at once: each returns only once its events are
/// committed, every event is kept, and they share commits (fewer INSERTs than requests).
#[tokio::test]
async fn concurrent_reads_are_committed_together_and_none_is_lost() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let oak = school(store, &north, "Oak").await;
    let ada = student(store, &oak, "Ada Lovelace", None, "3").await;
    let before = store.statement_count();
    let requests = (0..200).map(|n| {
        let store = store.clone();
        let events = (0..3)
            .map(|k| AuditEvent {
                id: AuditEventId::new(),
                district_id: north.id,
                occurred_at: alliance_store::now(),
                subject: format!("reader-{n}"),
                roles: "STAFF".into(),
                action: AuditAction::Read,
                entity_type: "Student".into(),
                entity_id: Some(format!("{}#{k}", ada.id)),
                student_id: Some(ada.id),
                request_id: Some(format!("req-{n}")),
                operation_name: None,
            })
            .collect::<Vec<_>>();
        tokio::spawn(async move { store.audit().record(events).await })
    });
    let requests: Vec<_> = requests.collect();
    for request in requests {
        request.await.expect("task").expect("recorded");
    }
    let inserts = store.statement_count() - before;
    let (_, total) = audit::for_student(
        store.db(),
        &ReadScope::whole_district(north.id),
        ada.id,
        |_| Page {
            offset: 0,
            limit: 1,
        },
    )
    .await
    .expect("log");
    assert_eq!(total, 600, "every event of every request is kept");
    assert!(
        inserts < 200,
        "{inserts} statements for 200 requests: the reads were not committed together"
    );
    db.finish().await;
}

/// Many writers at once, one of them failing and one giving up: every committed write is
/// kept, neither of the others leaves a trace, and on SQLite the writes share commits
/// (one fsync for many) where PostgreSQL commits each on its own.
#[tokio::test]
async fn concurrent_writes_commit_together_and_a_failed_one_leaves_the_rest() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let person = |n: usize| NewPerson {
        district_id: north.id,
        display_name: format!("Writer {n}"),
        preferred_language: "en".into(),
        contact_preferences: None,
        external_ids: Vec::new(),
        subject: Some(format!("writer-{n}")),
    };
    persons::create(store.db(), person(0))
        .await
        .expect("writer 0");
    let before = store.commit_count();
    let writers: Vec<_> = (1..=64)
        .map(|n| {
            let store = store.clone();
            // Writer 13 takes a subject already taken (and fails); writer 31 stops
            // before committing.
            let new = person(if n == 13 { 0 } else { n });
            tokio::spawn(async move {
                let tx = store.begin().await?;
                let created = persons::create(&tx, new).await?;
                if n == 31 {
                    drop(tx);
                    return Ok(None);
                }
                alliance_store::commit(tx).await?;
                Ok::<_, DomainError>(Some(created))
            })
        })
        .collect();
    let mut committed = 0;
    for (n, writer) in (1..=64).zip(writers) {
        match writer.await.expect("task") {
            Ok(Some(_)) => committed += 1,
            Ok(None) => assert_eq!(n, 31),
            Err(DomainError::Conflict(_)) => assert_eq!(n, 13),
            Err(other) => panic!("writer {n}: {other}"),
        }
    }
    assert_eq!(committed, 62);
    for n in 1..=64 {
        let found = persons::by_subject(store.db(), north.id, &format!("writer-{n}"))
            .await
            .expect("lookup");
        assert_eq!(found.is_some(), n != 13 && n != 31, "writer {n}");
    }
    let commits = store.commit_count() - before;
    if db.test.is_postgres() {
        assert_eq!(commits, 62);
    } else {
        assert!(
            commits < 62,
            "{commits} commits for 62 writes: SQLite writes were not committed together"
        );
    }
    db.finish().await;
}

/// A writer cut off while it is beginning (a request past its time limit) must not take
/// the work of writers already waiting for their commit with it: what a commit
/// acknowledged is there. On SQLite the writers share a transaction, and a half-made
/// savepoint's rollback once rolled back the shared transaction instead.
#[tokio::test]
async fn a_writer_cut_off_while_beginning_leaves_acknowledged_work_alone() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    for round in 0..5 {
        let subject = format!("kept-{round}");
        let first = store.begin().await.expect("begin");
        persons::create(
            &first,
            NewPerson {
                district_id: north.id,
                display_name: subject.clone(),
                preferred_language: "en".into(),
                contact_preferences: None,
                external_ids: Vec::new(),
                subject: Some(subject.clone()),
            },
        )
        .await
        .expect("create");
        // A second writer queues for its turn, then is cut off while it begins.
        let second = {
            let store = store.clone();
            tokio::spawn(async move { store.begin().await.map(drop) })
        };
        let committed = tokio::spawn(alliance_store::commit(first));
        tokio::time::sleep(std::time::Duration::from_millis(2 * round)).await;
        second.abort();
        let acknowledged = committed.await.expect("task").is_ok();
        let found = persons::by_subject(store.db(), north.id, &subject)
            .await
            .expect("lookup")
            .is_some();
        assert!(
            !acknowledged || found,
            "round {round}: acknowledged and lost"
        );
        assert!(
            acknowledged,
            "round {round}: the first writer's commit failed"
        );
    }
    db.finish().await;
}

#[tokio::test]
async fn the_audit_log_of_a_student_pages_newest_first() {
    let db = Db::open().await;
    let store = &db.store;
    let north = district(store, "north").await;
    let oak = school(store, &north, "Oak").await;
    let ada = student(store, &oak, "Ada Lovelace", None, "3").await;
    let ben = student(store, &oak, "Ben Okri", None, "4").await;
    let start = alliance_store::now() - Duration::hours(1);
    let event = |student: &Student, minute: i64| AuditEvent {
        id: AuditEventId::new(),
        district_id: north.id,
        occurred_at: start + Duration::minutes(minute),
        subject: "staff-tess".into(),
        roles: "STAFF".into(),
        action: AuditAction::Read,
        entity_type: "Student".into(),
        entity_id: Some(format!("{}#{minute}", student.id)),
        student_id: Some(student.id),
        request_id: Some(format!("req-{minute}")),
        operation_name: Some("StudentPage".into()),
    };
    let mut events: Vec<_> = (0..5).map(|minute| event(&ada, minute)).collect();
    events.push(event(&ben, 10));
    audit::record(store.db(), &events).await.expect("record");
    audit::record(store.db(), &[])
        .await
        .expect("nothing to record");

    let minutes = |page: &[AuditEvent]| {
        page.iter()
            .map(|e| e.request_id.clone().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
    };
    let (newest, total) = audit::for_student(
        store.db(),
        &ReadScope::whole_district(north.id),
        ada.id,
        first(2),
    )
    .await
    .expect("page");
    assert_eq!((minutes(&newest), total), ("req-4,req-3".to_owned(), 5));
    let (next, _) = audit::for_student(
        store.db(),
        &ReadScope::whole_district(north.id),
        ada.id,
        |_| Page {
            offset: 2,
            limit: 2,
        },
    )
    .await
    .expect("page");
    assert_eq!(minutes(&next), "req-2,req-1");
    let (oldest, _) = audit::for_student(
        store.db(),
        &ReadScope::whole_district(north.id),
        ada.id,
        |total| Page {
            offset: total - 1,
            limit: 1,
        },
    )
    .await
    .expect("page");
    assert_eq!(minutes(&oldest), "req-0");
    assert_eq!(newest[0].occurred_at, events[4].occurred_at);
    assert_eq!(newest[0].action, AuditAction::Read);

    let south = district(store, "south").await;
    let (elsewhere, total) = audit::for_student(
        store.db(),
        &ReadScope::whole_district(south.id),
        ada.id,
        first(10),
    )
    .await
    .expect("page");
    assert!(
        elsewhere.is_empty() && total == 0,
        "no query crosses districts"
    );
    db.finish().await;
}

#[tokio::test]
async fn a_transaction_that_is_not_committed_leaves_nothing_behind() {
    let db = Db::open().await;
    let tx = db.store.begin().await.expect("begin");
    districts::create(&tx, "ghost", "Ghost district")
        .await
        .expect("create in transaction");
    drop(tx);
    assert!(
        districts::by_slug(db.store.db(), "ghost")
            .await
            .expect("query")
            .is_none()
    );
    db.finish().await;
}

#[tokio::test]
async fn the_demo_district_loads_once_with_full_alliances() {
    let db = Db::open().await;
    let store = &db.store;
    let loaded = demo::load(store).await.expect("demo");
    assert!(loaded.created);
    assert_eq!((loaded.district.slug.as_str(), loaded.schools), ("demo", 2));
    assert!(loaded.students >= 20, "{loaded:?}");

    let scope = whole(&loaded.district);
    let (all, total) = students::list(store.db(), &scope, &StudentFilter::default(), first(100))
        .await
        .expect("list");
    assert_eq!(total as usize, loaded.students);
    let grades: std::collections::BTreeSet<_> =
        all.iter().map(|s| s.grade_level.as_str()).collect();
    assert_eq!(grades.len(), 9, "grades K to 8: {grades:?}");
    let ids: Vec<_> = all.iter().map(|s| s.id).collect();
    let alliances = alliances::for_students(store.db(), &scope, &ids)
        .await
        .expect("alliances");
    assert_eq!(alliances.len(), all.len(), "one alliance per student");
    let alliance_ids: Vec<_> = alliances.iter().map(|a| a.id).collect();
    let everyone = members::for_alliances(store.db(), &alliance_ids)
        .await
        .expect("members");
    assert_eq!(everyone.len(), loaded.members);
    let goals = goals::for_alliances(store.db(), &alliance_ids)
        .await
        .expect("goals");
    assert_eq!(goals.len(), loaded.goals);
    let now = alliance_store::now();
    for alliance in &alliances {
        let team: Vec<_> = everyone
            .iter()
            .filter(|m| m.alliance_id == alliance.id)
            .collect();
        assert!((3..=6).contains(&team.len()), "{} members", team.len());
        assert!(team.iter().any(|m| m.role == MemberRole::Student));
        assert!(
            team.iter()
                .any(|m| m.role == MemberRole::Caregiver && m.relationship.is_some())
        );
        assert!(
            team.iter()
                .any(|m| m.family_identified && m.relationship.is_some())
        );
        assert!(
            team.iter()
                .all(|m| m.joined_at >= alliance.created_at && m.joined_at < now)
        );
        let own: Vec<_> = goals
            .iter()
            .filter(|g| g.alliance_id == alliance.id)
            .collect();
        assert!((1..=3).contains(&own.len()));
        for goal in own {
            let speaker = team
                .iter()
                .find(|m| m.id == goal.expressed_by)
                .expect("expressed by a member");
            assert!(
                speaker.role.is_family(),
                "goals are the student's or family's words"
            );
            if let Some(measure) = &goal.measure {
                alliance_domain::validate::measure("measure", measure.clone())
                    .expect("a consistent measure");
                assert!(measure.target_date.expect("target date") > now.date_naive());
            }
        }
    }
    let goal_ids: Vec<_> = goals.iter().map(|g| g.id).collect();
    let counts = progress::counts(store.db(), &goal_ids)
        .await
        .expect("counts");
    assert_eq!(
        counts.values().sum::<u64>() as usize,
        loaded.progress_entries
    );
    assert!(counts.values().all(|n| (6..=12).contains(n)));
    for (goal_id, observation) in progress::observations(store.db(), &goal_ids)
        .await
        .expect("observations")
    {
        let goal = goals.iter().find(|g| g.id == goal_id).expect("goal");
        assert!(goal.created_at < observation.observed_at && observation.observed_at < now);
    }
    let staff = persons::by_subject(store.db(), loaded.district.id, "staff-rosa-delgado")
        .await
        .expect("person");
    assert!(staff.is_some(), "staff can sign in by their subject");
    the_demo_keeps_its_practices(store, &loaded, &alliances, &goals, &everyone).await;

    let again = demo::load(store).await.expect("demo again");
    assert!(!again.created);
    assert_eq!((again.district.id, again.students), (loaded.district.id, 0));
    let (_, total) = students::list(store.db(), &scope, &StudentFilter::default(), first(1))
        .await
        .expect("list");
    assert_eq!(total as usize, loaded.students);
    db.finish().await;
}

/// The demo's practices: voice, acceptance, interventions, shares, feedback with concerns,
/// reflections and next steps, laid out in the past, with a health that differs between
/// alliances.
async fn the_demo_keeps_its_practices(
    store: &Store,
    loaded: &demo::DemoOutcome,
    alliances: &[Alliance],
    goals: &[Goal],
    everyone: &[alliance_domain::model::AllianceMember],
) {
    let db = store.db();
    let now = alliance_store::now();
    let today = now.date_naive();
    let ids: Vec<_> = alliances.iter().map(|a| a.id).collect();
    let family_view = whole(&loaded.district);
    let team_view = ReadScope {
        team: TeamReach {
            whole_district: true,
            ..TeamReach::default()
        },
        ..whole(&loaded.district)
    };
    let role_of = |member| everyone.iter().find(|m| m.id == member).map(|m| m.role);
    let each_alliance_has = |what: &str, of: &dyn Fn(&Alliance) -> usize| {
        for alliance in alliances {
            assert!(of(alliance) > 0, "an alliance without {what}");
        }
    };

    // The family's words, verbatim and attributed; one corrected; some team-only.
    let voices = voice::for_alliances(db, &team_view, &ids)
        .await
        .expect("voice");
    assert_eq!(voices.len(), loaded.voice_entries);
    each_alliance_has("voice", &|a| {
        voices.iter().filter(|v| v.alliance_id == a.id).count()
    });
    for entry in &voices {
        assert!(role_of(entry.speaker).expect("speaker").is_family());
        assert!(entry.recorded_by_subject.starts_with("staff-"));
        assert!(!entry.words.is_empty() && !entry.goals.is_empty());
        assert!(entry.said_at <= entry.created_at && entry.created_at < now);
    }
    assert!(voices.iter().any(|v| v.language == "es"));
    let corrections: Vec<_> = voices.iter().filter(|v| v.supersedes.is_some()).collect();
    assert_eq!(corrections.len(), 1, "one correction in the district");
    let corrected = voices
        .iter()
        .find(|v| Some(v.id) == corrections[0].supersedes)
        .expect("the corrected entry stays readable");
    assert!(corrected.said_at < corrections[0].said_at);
    let private = voices
        .iter()
        .filter(|v| v.visibility == Visibility::TeamOnly)
        .count();
    assert!(private > 0, "something told in confidence");
    let seen_by_family = voice::for_alliances(db, &family_view, &ids)
        .await
        .expect("voice");
    assert_eq!(seen_by_family.len(), voices.len() - private);

    // Whether the family stands behind each goal.
    let goal_ids: Vec<_> = goals.iter().map(|g| g.id).collect();
    let answers = acceptances::for_goals(db, &goal_ids)
        .await
        .expect("acceptance");
    assert_eq!(answers.len(), loaded.acceptances);
    let count = |a: Acceptance| answers.iter().filter(|x| x.acceptance == a).count();
    assert!(count(Acceptance::Agree) > count(Acceptance::Pending) + count(Acceptance::Disagree));
    assert!(count(Acceptance::Pending) > 0);
    assert!(
        answers
            .iter()
            .filter(|a| a.acceptance == Acceptance::Disagree)
            .all(|a| a.comment.is_some())
            && count(Acceptance::Disagree) > 0
    );

    // Interventions, with why, and every change of status with its reason.
    let doing = interventions::for_alliances(db, &ids)
        .await
        .expect("interventions");
    assert_eq!(doing.len(), loaded.interventions);
    each_alliance_has("interventions", &|a| {
        doing.iter().filter(|i| i.alliance_id == a.id).count()
    });
    assert!(
        doing
            .iter()
            .all(|i| !i.rationale.trim().is_empty() && !i.goals.is_empty())
    );
    let changes = interventions::changes(db, &doing.iter().map(|i| i.id).collect::<Vec<_>>())
        .await
        .expect("changes");
    for intervention in &doing {
        let history: Vec<_> = changes
            .iter()
            .filter(|c| c.intervention_id == intervention.id)
            .collect();
        assert_eq!(history[0].to_status, InterventionStatus::Planned);
        assert_eq!(
            history.last().expect("a change").to_status,
            intervention.status
        );
        if intervention.status != InterventionStatus::Planned {
            assert_eq!(
                (history[1].from_status, history[1].to_status),
                (
                    Some(InterventionStatus::Planned),
                    InterventionStatus::Active
                )
            );
        }
        assert!(
            history
                .windows(2)
                .all(|w| w[0].changed_at < w[1].changed_at)
        );
        assert!(
            history
                .iter()
                .all(|c| !c.reason.is_empty() && c.changed_at < now)
        );
    }
    assert!(doing.iter().any(|i| i.status == InterventionStatus::Active));

    // Explanations and data shares, each share holding what the family saw.
    let told = communications::for_alliances(db, &team_view, &ids)
        .await
        .expect("communications");
    assert_eq!(told.len(), loaded.communications);
    let shares: Vec<_> = told
        .iter()
        .filter(|c| c.kind == CommunicationKind::DataShare)
        .collect();
    assert_eq!(shares.len(), loaded.data_shares);
    each_alliance_has("a data share", &|a| {
        shares.iter().filter(|c| c.alliance_id == a.id).count()
    });
    each_alliance_has("an explanation", &|a| {
        told.iter()
            .filter(|c| c.alliance_id == a.id && c.kind == CommunicationKind::Explanation)
            .count()
    });
    let observations = progress::observations(db, &goal_ids)
        .await
        .expect("observations");
    for share in &shares {
        let as_of = share.as_of.expect("as of");
        assert!(as_of < share.occurred_at && share.occurred_at < now);
        assert!(!share.shared.is_empty());
        for shared in &share.shared {
            let snapshot: Value = serde_json::from_str(&shared.snapshot).expect("JSON");
            let seen = observations
                .iter()
                .filter(|(g, o)| *g == shared.goal_id && o.observed_at <= as_of)
                .count();
            assert_eq!(snapshot["summary"]["count"], json!(seen), "{snapshot}");
            assert!(snapshot["points"].is_array() && snapshot["summary"]["decision"].is_string());
        }
    }
    let replies = communications::replies(db, &told.iter().map(|c| c.id).collect::<Vec<_>>())
        .await
        .expect("replies");
    assert_eq!(replies.len(), loaded.replies);
    assert!(!replies.is_empty());

    // Check-ins, their answers, and concerns found as the API finds them.
    let settings = &loaded.district.settings;
    let requests = feedback::requests_for_alliances(db, &ids)
        .await
        .expect("requests");
    assert_eq!(requests.len(), loaded.feedback_requests);
    assert!(requests.iter().all(|r| r.requested_at < now));
    assert!(
        requests
            .iter()
            .any(|r| r.answered_at.is_none() && r.due_date >= today),
        "some check-ins are still pending"
    );
    let mut responses = feedback::responses_for_alliances(db, &ids)
        .await
        .expect("responses");
    assert_eq!(responses.len(), loaded.feedback_responses);
    responses.sort_by_key(|r| r.submitted_at);
    for (n, response) in responses.iter().enumerate() {
        let request = requests
            .iter()
            .find(|r| r.id == response.request_id)
            .expect("request");
        assert_eq!(request.answered_at, Some(response.submitted_at));
        assert!(request.requested_at < response.submitted_at && response.submitted_at < now);
        let previous = responses[..n]
            .iter()
            .rev()
            .find(|r| r.member_id == response.member_id)
            .map(|r| r.scores.total());
        let reasons: Vec<String> =
            alliance_domain::feedback::concerns(&response.scores, previous, settings)
                .iter()
                .map(|r| r.describe())
                .collect();
        assert_eq!(response.concern_reasons, reasons);
    }
    let concerns: Vec<_> = responses
        .iter()
        .filter(|r| r.is_concern())
        .map(|r| r.id)
        .collect();
    assert_eq!(concerns.len(), loaded.concerns);
    let answered = next_steps::cited_responses(db, &concerns)
        .await
        .expect("cited");
    assert_eq!(answered.len(), loaded.concerns_answered);
    assert!(!answered.is_empty(), "a concern answered by a next step");
    assert!(answered.len() < concerns.len(), "a concern still open");

    // Reflections, and next steps with what informed them.
    let looked_back = reflections::for_alliances(db, &team_view, &ids)
        .await
        .expect("reflections");
    assert_eq!(looked_back.len(), loaded.reflections);
    each_alliance_has("a reflection", &|a| {
        looked_back.iter().filter(|r| r.alliance_id == a.id).count()
    });
    assert!(
        looked_back
            .iter()
            .all(|r| r.held_at < now && !r.participants.is_empty() && !r.considered.is_empty())
    );
    assert!(
        looked_back
            .iter()
            .any(|r| r.visibility == Visibility::TeamOnly)
    );
    let steps = next_steps::for_alliances(db, &team_view, &ids)
        .await
        .expect("next steps");
    assert_eq!(steps.len(), loaded.next_steps);
    assert!(
        steps
            .iter()
            .all(|s| !s.informed_by.is_empty() && s.created_at < now)
    );
    assert!(steps.iter().any(|s| s.status == NextStepStatus::Done));
    assert!(
        steps
            .iter()
            .any(|s| s.status == NextStepStatus::Open && s.due_date.is_some_and(|d| d >= today))
    );
    assert!(
        steps
            .iter()
            .any(|s| s.status == NextStepStatus::Open && s.due_date.is_some_and(|d| d < today))
    );

    // Practice health differs: some alliances keep up, others are due soon or behind.
    let facts = health::facts(db, &team_view, &ids, now, settings.feedback_cadence_days)
        .await
        .expect("facts");
    let statuses: Vec<PracticeStatus> = alliances
        .iter()
        .map(|a| alliance_domain::health::assess(&facts[&a.id], settings, now).status)
        .collect();
    for status in [
        PracticeStatus::OnTrack,
        PracticeStatus::DueSoon,
        PracticeStatus::Overdue,
    ] {
        assert!(
            statuses.contains(&status),
            "no alliance {status:?}: {statuses:?}"
        );
    }
    assert!(facts.values().any(|f| f.open_concerns > 0));
    assert!(facts.values().any(|f| f.overdue_next_steps > 0));

    // Each fact is what the records above give, alliance by alliance.
    let window = now - Duration::days(i64::from(settings.feedback_cadence_days));
    let active = |a: &Alliance| {
        goals
            .iter()
            .filter(|g| g.alliance_id == a.id && g.status == GoalStatus::Active)
            .collect::<Vec<_>>()
    };
    for alliance in alliances {
        let of = |id| id == alliance.id;
        let expected = alliance_domain::health::HealthFacts {
            started_at: Some(alliance.created_at),
            last_feedback_requested: requests
                .iter()
                .filter(|r| of(r.alliance_id))
                .map(|r| r.requested_at)
                .max(),
            last_data_shared: shares
                .iter()
                .filter(|c| of(c.alliance_id))
                .map(|c| c.occurred_at)
                .max(),
            last_reflection: looked_back
                .iter()
                .filter(|r| of(r.alliance_id))
                .map(|r| r.held_at)
                .max(),
            open_concerns: responses
                .iter()
                .filter(|r| of(r.alliance_id) && r.is_concern() && !answered.contains(&r.id))
                .count(),
            overdue_next_steps: steps
                .iter()
                .filter(|s| {
                    of(s.alliance_id)
                        && s.status == NextStepStatus::Open
                        && s.due_date.is_some_and(|d| d < today)
                })
                .count(),
            goals_without_recent_progress: active(alliance)
                .iter()
                .filter(|g| {
                    !observations
                        .iter()
                        .any(|(goal, o)| *goal == g.id && o.observed_at >= window)
                })
                .count(),
            goals_without_family_acceptance: active(alliance)
                .iter()
                .filter(|g| {
                    !answers.iter().any(|a| {
                        a.goal_id == g.id
                            && a.acceptance == Acceptance::Agree
                            && matches!(
                                role_of(a.member_id),
                                Some(MemberRole::Student | MemberRole::Caregiver)
                            )
                    })
                })
                .count(),
        };
        assert_eq!(facts[&alliance.id], expected, "{alliance:?}");
    }
    // Facts that differ from each other, so that one read in another's place would show.
    assert!(facts.values().any(|f| {
        f.last_feedback_requested.is_some()
            && f.last_feedback_requested != f.last_data_shared
            && f.last_data_shared != f.last_reflection
            && f.last_reflection != f.last_feedback_requested
            && f.open_concerns != f.overdue_next_steps
    }));

    // Read with their students' alliances, in the same statement, they are the same.
    let students: Vec<_> = alliances.iter().map(|a| a.student_id).collect();
    let with_alliances = alliances::for_students_with_health(
        db,
        &team_view,
        &students,
        now,
        settings.feedback_cadence_days,
    )
    .await
    .expect("alliances with health");
    assert_eq!(with_alliances.len(), alliances.len());
    for (alliance, with_alliance) in &with_alliances {
        assert_eq!(with_alliance, &facts[&alliance.id], "{alliance:?}");
        let alone = alliances::for_students(db, &team_view, &[alliance.student_id])
            .await
            .expect("alliances");
        let debug = format!("{alliance:?}");
        assert!(alone.iter().any(|a| format!("{a:?}") == debug), "{debug}");
    }
}

/// `kept` (the database's totals) equals `expected` (the domain's, from the entries):
/// counts and instants exactly, sums to rounding (they are added in another order, and
/// SQLite's clock reads milliseconds).
fn assert_totals(kept: &ProgressStats, expected: &ProgressStats) {
    assert_eq!(
        (
            kept.origin,
            kept.entries,
            kept.valued,
            kept.first_valued_at,
            kept.latest_valued_at,
            kept.latest_value
        ),
        (
            expected.origin,
            expected.entries,
            expected.valued,
            expected.first_valued_at,
            expected.latest_valued_at,
            expected.latest_value
        ),
    );
    for (name, kept, expected) in [
        ("Σx", kept.sum_x, expected.sum_x),
        ("Σy", kept.sum_y, expected.sum_y),
        ("Σx²", kept.sum_xx, expected.sum_xx),
        ("Σxy", kept.sum_xy, expected.sum_xy),
    ] {
        // SQLite counts x from instants read to the millisecond (up to 1.7e-9 weeks off).
        let tolerance = 1e-6 * expected.abs().max(1.0);
        assert!(
            (kept - expected).abs() <= tolerance,
            "{name}: kept {kept}, from the entries {expected}"
        );
    }
}

async fn totals_of(store: &Store, goal: &Goal) -> ProgressStats {
    let found = progress::stats(store.db(), &[goal.id])
        .await
        .expect("stats");
    assert_eq!(found.len(), 1, "one row of totals a goal");
    found[0].1
}

#[tokio::test]
async fn a_goals_progress_totals_added_up_by_the_database_are_its_entries_added_up() {
    let db = Db::open().await;
    let store = &db.store;
    let (_, goal) = goal_fixture(store).await;
    assert_totals(
        &totals_of(store, &goal).await,
        &ProgressStats::new(goal.created_at),
    );
    // Out of order, a narrative entry between values, one backdated before the goal,
    // and two values at one instant (the one recorded last is the latest).
    let tie = alliance_store::now() - Duration::days(1);
    let mut recorded = Vec::new();
    for (days_ago, value, note) in [
        (14, Some(2.0), None),
        (3, Some(3.5), None),
        (7, None, Some("a hard week")),
        (40, Some(1.0), None),
        (1, Some(4.0), None),
        (1, Some(3.0), None),
    ] {
        let mut new = entry(&goal, days_ago, value, note);
        if days_ago == 1 {
            new.observed_at = tie;
        }
        recorded.push(Observation {
            observed_at: new.observed_at,
            value,
        });
        progress::create(store.db(), new).await.expect("entry");
        assert_totals(
            &totals_of(store, &goal).await,
            &ProgressStats::of(goal.created_at, &recorded),
        );
    }
    let kept = totals_of(store, &goal).await;
    assert_eq!(
        (kept.entries, kept.valued, kept.latest_value),
        (6, 5, Some(3.0))
    );
    // A chart or a share summarises the stored observations: the same latest value.
    let stored: Vec<Observation> = progress::observations(store.db(), &[goal.id])
        .await
        .expect("observations")
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    let charted = summarize(goal.measure.as_ref(), goal.created_at, &stored);
    assert_eq!(
        charted.latest_value,
        Some(3.0),
        "the last recorded at one instant"
    );

    // The summary from the totals is the summary from the entries.
    let from_entries = summarize(goal.measure.as_ref(), goal.created_at, &recorded);
    let from_totals = summary_of(goal.measure.as_ref(), &kept, &[]);
    assert_eq!(from_totals.count, 6);
    for (name, a, b) in [
        (
            "slope",
            from_totals.slope_per_week,
            from_entries.slope_per_week,
        ),
        (
            "percent",
            from_totals.percent_of_target,
            from_entries.percent_of_target,
        ),
        (
            "needed",
            from_totals.needed_rate_per_week,
            from_entries.needed_rate_per_week,
        ),
        (
            "projected",
            from_totals.projected_at_target_date,
            from_entries.projected_at_target_date,
        ),
    ] {
        let (a, b) = (a.expect(name), b.expect(name));
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{name}: {a} against {b}"
        );
    }

    // Pages from either end, and the latest values, without the rest.
    let values = |entries: &[alliance_domain::model::ProgressEntry]| {
        entries.iter().map(|e| e.value).collect::<Vec<_>>()
    };
    let newest = progress::at_each_end(store.db(), &[goal.id], progress::End::Newest, 2, false)
        .await
        .expect("newest");
    assert_eq!(newest.len(), 2);
    assert!(
        newest.iter().all(|e| e.observed_at == tie),
        "the two at one instant"
    );
    let oldest = progress::at_each_end(store.db(), &[goal.id], progress::End::Oldest, 3, false)
        .await
        .expect("oldest");
    assert_eq!(
        values(&oldest),
        [None, Some(2.0), Some(1.0)],
        "newest first"
    );
    let before = store.statement_count();
    let valued = progress::at_each_end(store.db(), &[goal.id], progress::End::Newest, 4, true)
        .await
        .expect("valued");
    assert_eq!(store.statement_count() - before, 1);
    assert_eq!(valued.len(), 4);
    assert!(valued.iter().all(|e| e.value.is_some()));
    assert_eq!(values(&valued[2..]), [Some(3.5), Some(2.0)]);
    db.finish().await;
}
