//! The synthetic district holds what its contract promises (see
//! `alliance_store::synthetic`): counts, names in order, staff and family reach, concerns
//! as `submitFeedback` finds them, and health facts for every alliance. SQLite by
//! default, PostgreSQL when `ALLIANCE_TEST_DATABASE_URL` names a server.

use alliance_domain::access::{ReadScope, Viewer};
use alliance_domain::feedback;
use alliance_domain::model::{District, Student};
use alliance_domain::progress::{ProgressStats, summary_of};
use alliance_domain::values::{CommunicationKind, FeedbackStatus, MemberRole, Role};
use alliance_store::students::StudentFilter;
use alliance_store::testing::{TestDatabase, row_counts};
use alliance_store::{
    Page, Store, alliances, communications, districts, feedback as checkins, goals, health,
    members, persons, progress, students, synthetic,
};

const STUDENTS: usize = 60;

async fn names_in(store: &Store, scope: &ReadScope, limit: u64) -> (Vec<String>, u64) {
    let page = |_| Page { offset: 0, limit };
    let (found, total) = students::list(store.db(), scope, &StudentFilter::default(), page)
        .await
        .expect("students");
    (found.into_iter().map(|s| s.name).collect(), total)
}

async fn scope_of(store: &Store, district: &District, subject: &str, role: Role) -> ReadScope {
    let person = persons::by_subject(store.db(), district.id, subject)
        .await
        .expect("person")
        .unwrap_or_else(|| panic!("no person signs in as {subject}"));
    Viewer {
        subject: subject.into(),
        roles: vec![role],
        district_id: district.id,
        schools: Vec::new(),
        person_id: Some(person.id),
    }
    .read_scope()
}

fn names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(synthetic::student_name).collect()
}

#[tokio::test]
async fn a_synthetic_district_holds_what_its_contract_promises() {
    let test = TestDatabase::new().await;
    let store = test.store().await;
    let outcome = synthetic::load(&store, STUDENTS).await.expect("load");
    assert!(outcome.created);
    assert_eq!(outcome.district.slug, "synthetic");
    assert_eq!(outcome.district.name, "Synthetic District");
    assert_eq!((outcome.schools, outcome.staff), (1, 2));

    // Every table holds what the load says it wrote, and that is the contract's shape.
    let counts = row_counts(&store).await;
    for (table, rows) in &outcome.rows {
        assert_eq!(counts[*table], *rows as i64, "{table}");
    }
    let n = STUDENTS as i64;
    let expected = [
        ("districts", 1),
        ("schools", 1),
        ("persons", 2 * n + 2),
        ("students", n),
        ("alliances", n),
        ("alliance_phase_changes", 4 * n),
        ("alliance_members", 3 * n),
        ("goals", 3 * n),
        ("goal_revisions", 0),
        ("goal_acceptances", 6 * n),
        ("progress_entries", 60 * n),
        ("voice_entries", 2 * n),
        ("interventions", n),
        ("intervention_status_changes", n),
        ("communications", n),
        ("communication_goals", 3 * n),
        ("feedback_requests", 3 * n),
        ("feedback_responses", 2 * n),
        ("reflections", n),
        ("next_steps", n),
        ("audit_events", 0),
    ];
    for (table, rows) in expected {
        assert_eq!(counts[table], rows, "{table}");
    }
    assert_eq!(outcome.concerns, 6, "students 3, 13, …, 53");
    assert_eq!(outcome.pending_requests, STUDENTS);

    // A district admin's first page is students 0..49, in order.
    let district = outcome.district.clone();
    let (first, total) = names_in(&store, &ReadScope::whole_district(district.id), 50).await;
    assert_eq!((first, total), (names(0..50), n as u64));

    // Staff 0 reads exactly students 0..49, staff 1 the rest; a caregiver their child.
    let staff0 = scope_of(&store, &district, "synthetic-staff-0", Role::Staff).await;
    assert_eq!(names_in(&store, &staff0, 100).await.0, names(0..50));
    let staff1 = scope_of(&store, &district, "synthetic-staff-1", Role::Staff).await;
    assert_eq!(names_in(&store, &staff1, 100).await.0, names(50..60));
    let family = scope_of(&store, &district, "synthetic-family-7", Role::Family).await;
    assert_eq!(names_in(&store, &family, 100).await.0, names(7..8));

    let scope = ReadScope::whole_district(district.id);
    let page = |_| Page {
        offset: 0,
        limit: 100,
    };
    let (all, _) = students::list(store.db(), &scope, &StudentFilter::default(), page)
        .await
        .expect("students");
    assert_alliances(&store, &district, &scope, &all).await;

    // A second load changes nothing.
    let again = synthetic::load(&store, STUDENTS).await.expect("load again");
    assert!(!again.created);
    assert_eq!(again.district.id, district.id);
    assert_eq!(row_counts(&store).await, counts);

    store.close().await.ok();
    test.cleanup().await;
}

/// Each alliance: its members, goals and progress, its check-ins as the API would have
/// stored them, its data share, and its practice health.
async fn assert_alliances(store: &Store, district: &District, scope: &ReadScope, all: &[Student]) {
    let db = store.db();
    let ids: Vec<_> = all.iter().map(|s| s.id).collect();
    let alliances = alliances::for_students(db, scope, &ids)
        .await
        .expect("alliances");
    assert_eq!(alliances.len(), STUDENTS);
    let alliance_ids: Vec<_> = alliances.iter().map(|a| a.id).collect();

    let members = members::for_alliances(db, &alliance_ids)
        .await
        .expect("members");
    for alliance in &alliances {
        let mut roles: Vec<_> = members
            .iter()
            .filter(|m| m.alliance_id == alliance.id)
            .map(|m| m.role)
            .collect();
        roles.sort();
        let expected = [
            MemberRole::Student,
            MemberRole::Caregiver,
            MemberRole::Teacher,
        ];
        assert_eq!(roles, expected);
    }

    let goals = goals::for_alliances(db, &alliance_ids)
        .await
        .expect("goals");
    assert!(goals.iter().all(|g| g.version == 1 && g.measure.is_some()));
    let goal_ids: Vec<_> = goals.iter().map(|g| g.id).collect();
    let entries = progress::counts(db, &goal_ids).await.expect("counts");
    assert!(goal_ids.iter().all(|g| entries.get(g) == Some(&20)));
    // The seeder's bulk inserts are counted into each goal's totals like any other.
    let totals = progress::stats(db, &goal_ids).await.expect("totals");
    assert_eq!(totals.len(), goal_ids.len());
    let observations = progress::observations(db, &goal_ids)
        .await
        .expect("observations");
    for (goal_id, kept) in totals {
        let goal = goals.iter().find(|g| g.id == goal_id).expect("goal");
        let mine: Vec<_> = observations
            .iter()
            .filter(|(g, _)| *g == goal_id)
            .map(|(_, o)| *o)
            .collect();
        let expected = ProgressStats::of(goal.created_at, &mine);
        assert_eq!(
            (
                kept.entries,
                kept.valued,
                kept.latest_valued_at,
                kept.latest_value
            ),
            (
                expected.entries,
                expected.valued,
                expected.latest_valued_at,
                expected.latest_value
            )
        );
        let slope = |s: &ProgressStats| summary_of(None, s, &[]).slope_per_week.expect("slope");
        // SQLite reads instants to the millisecond: the slopes agree to rounding.
        assert!((slope(&kept) - slope(&expected)).abs() < 1e-6 * slope(&expected).abs().max(1.0));
    }

    // Concerns are what `submitFeedback` would have found; one pending request each,
    // to the caregiver, due in two weeks.
    let settings = &district.settings;
    let responses = checkins::responses_for_alliances(db, &alliance_ids)
        .await
        .expect("responses");
    for response in &responses {
        let found = feedback::concerns(&response.scores, None, settings);
        assert_eq!(found.len(), response.concern_reasons.len());
    }
    let requests = checkins::requests_for_alliances(db, &alliance_ids)
        .await
        .expect("requests");
    let today = chrono::Utc::now().date_naive();
    let pending: Vec<_> = requests
        .iter()
        .filter(|r| r.status(today) == FeedbackStatus::Pending)
        .collect();
    assert_eq!(pending.len(), STUDENTS);
    for request in &pending {
        let asked = members.iter().find(|m| m.id == request.member_id);
        assert_eq!(asked.map(|m| m.role), Some(MemberRole::Caregiver));
        assert_eq!(request.due_date, today + chrono::Duration::days(14));
    }

    let shares = communications::for_alliances(db, scope, &alliance_ids)
        .await
        .expect("communications");
    assert!(
        shares
            .iter()
            .all(|c| c.kind == CommunicationKind::DataShare && c.shared.len() == 3)
    );

    let now = alliance_store::now();
    let facts = health::facts(
        db,
        scope,
        &alliance_ids,
        now,
        settings.feedback_cadence_days,
    )
    .await
    .expect("facts");
    assert_eq!(facts.len(), STUDENTS);
    let total = |f: fn(&alliance_domain::health::HealthFacts) -> usize| -> usize {
        facts.values().map(f).sum()
    };
    assert_eq!(total(|f| f.open_concerns), 3, "students 3, 23, 43");
    assert_eq!(total(|f| f.overdue_next_steps), 12, "students 2, 7, …, 57");
    assert_eq!(total(|f| f.goals_without_recent_progress), 0);
    assert_eq!(total(|f| f.goals_without_family_acceptance), 0);
    for fact in facts.values() {
        assert!(fact.last_feedback_requested.is_some() && fact.last_data_shared.is_some());
        assert!(fact.last_reflection.is_some());
        alliance_domain::health::assess(fact, settings, now);
    }
    let stored = districts::by_slug(db, "synthetic").await.expect("district");
    assert_eq!(stored.map(|d| d.id), Some(district.id));
}

/// SQLite plans from the statistics `ANALYZE` keeps in `sqlite_stat1`; a store gathers
/// them itself (on PostgreSQL autovacuum does), so a loaded database is planned from its
/// data, not from guesses.
#[tokio::test]
async fn a_loaded_sqlite_database_has_the_planner_statistics_of_its_tables() {
    use sea_orm::{ConnectionTrait, Statement};
    let test = TestDatabase::new().await;
    if test.is_postgres() {
        test.cleanup().await;
        return;
    }
    let store = test.store().await;
    synthetic::load(&store, STUDENTS).await.expect("synthetic");
    store.close().await.expect("close");

    let store = test.store().await;
    let db = store.db();
    let analyzed = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT DISTINCT tbl FROM sqlite_stat1 ORDER BY tbl",
        ))
        .await
        .expect("sqlite_stat1");
    let tables: Vec<String> = analyzed
        .iter()
        .map(|row| row.try_get("", "tbl").expect("tbl"))
        .collect();
    for table in [
        "alliance_members",
        "alliances",
        "persons",
        "progress_entries",
        "students",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} has no statistics: {tables:?}"
        );
    }
    store.close().await.ok();
    test.cleanup().await;
}
