//! A synthetic district, `synthetic`, of any size up to [`MAX_STUDENTS`] students, for
//! benchmarks and district-wide analytics. Every student has an alliance with the same
//! shape of work around it, written in bulk (`INSERT` of many rows at once, one
//! transaction for the whole district) with the same rows the API's mutations write.
//!
//! The contract, which benchmarks rely on (student `i` is `0..n`):
//!
//! - District slug `synthetic`, name `Synthetic District`, default settings. When it
//!   exists already, [`load`] changes nothing and reports `created: false`.
//! - Schools: `ceil(n / 1000)`, named `Synthetic School 001`, `…002`; student `i` is at
//!   school `i / 1000`.
//! - Students: person and student `Student 00042` (five digits, so name order is index
//!   order: a district admin's `students(first: 50)` is students 0..49), grade `K`, `1`,
//!   …, `12` by `i % 13`, language `en`, SIS id `SYN00042`.
//! - Staff: one per 50 students, `k = i / 50`: person `Staff 0007` with subject
//!   `synthetic-staff-{k}`, a `TEACHER` member of the alliances of students
//!   `50k..50k+49`, so a `STAFF` token for `synthetic-staff-0` reads students 0..49.
//! - Caregivers: one per student, person `Caregiver 00042` with subject
//!   `synthetic-family-{i}`, a `CAREGIVER` member (not family-identified, as in the
//!   demo); preferred language `es` when `i % 10 == 9`, else `en`.
//! - One `ACTIVE` alliance per student in phase `INTERVENTION` (four phase changes from
//!   `ENGAGEMENT`), members: the student (`STUDENT`), the caregiver, the staff person.
//! - Three `ACTIVE` goals (version 1, no revisions): two in the student's words, one in
//!   the caregiver's, each with a measure (baseline, target, direction, unit, target
//!   date). The caregiver and the student each answer every goal: `AGREE`, except that
//!   when `i % 8 == 5` the caregiver `DISAGREE`s with one of the student's goals.
//! - Progress: 20 weekly entries per goal over the last 20 weeks, each with a value
//!   trending from baseline toward target with noise; every 4th has a note too.
//! - Feedback: two answered check-ins (the student's, five weeks ago; the caregiver's,
//!   three weeks ago) and one `PENDING` request to the caregiver, asked now and due in
//!   14 days, for `synthetic-family-{i}` to answer with `submitFeedback`. The
//!   caregiver's answer raises a concern (by the district's thresholds, as
//!   `submitFeedback` finds it) when `i % 10 == 3`; the concern is answered by the next
//!   step when `(i / 10) % 2 == 1`, otherwise it stays open.
//! - Also per alliance: two voice entries (the caregiver's and the student's, each
//!   linked to a goal), one `ACTIVE` intervention with its rationale, linked to a goal,
//!   one `DATA_SHARE` to the caregiver with a snapshot of every goal's chart, one
//!   reflection, one `OPEN` next step citing it, overdue when `i % 5 == 2`. Everything
//!   is visible to the whole alliance (`ALLIANCE`), so the timeline holds 78 events of
//!   every kind for the family and the team alike.
//! - No audit events: loading is not a request.
//!
//! Names, words, values and trends come from a fixed pseudo-random sequence per student,
//! so every load has the same shape; ids and dates are new each time, laid out backwards
//! from the moment of loading.

use alliance_domain::DomainError;
use alliance_domain::ids::{PersonId, SchoolId};
use alliance_domain::model::District;
use chrono::{DateTime, Utc};

use crate::entities::{person, school};
use crate::error::IntoDomain;
use crate::{Store, StoreResult, Tx, districts};

mod bulk;
mod goals;
mod practices;
mod roster;
mod words;

use bulk::{Rows, Tally};

/// The synthetic district's slug.
pub const SLUG: &str = "synthetic";
/// The synthetic district's name.
pub const NAME: &str = "Synthetic District";
/// Students per school.
pub const STUDENTS_PER_SCHOOL: usize = 1000;
/// Students per staff member.
pub const STUDENTS_PER_STAFF: usize = 50;
/// The most students a load makes: five-digit names keep name order as index order.
pub const MAX_STUDENTS: usize = 100_000;

/// Students generated and written at a time, so memory stays flat whatever the size.
const BATCH: usize = 1000;

/// What [`load`] did.
#[derive(Clone, Debug)]
pub struct SyntheticOutcome {
    /// Whether this call created the district; `false` when it already existed, in
    /// which case nothing was changed and nothing counted.
    pub created: bool,
    pub district: District,
    pub students: usize,
    pub schools: usize,
    pub staff: usize,
    /// Answers that raised a concern.
    pub concerns: usize,
    /// Check-ins asked and not answered yet.
    pub pending_requests: usize,
    /// Rows written, by table, in the order the tables were first written.
    pub rows: Vec<(&'static str, u64)>,
}

impl SyntheticOutcome {
    fn existing(district: District) -> Self {
        Self {
            created: false,
            district,
            students: 0,
            schools: 0,
            staff: 0,
            concerns: 0,
            pending_requests: 0,
            rows: Vec::new(),
        }
    }

    /// Rows written to `table`.
    pub fn rows_in(&self, table: &str) -> u64 {
        self.rows
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }

    /// Rows written in all.
    pub fn total_rows(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

/// The name of student `i`.
pub fn student_name(i: usize) -> String {
    format!("Student {i:05}")
}

/// The subject of the caregiver of student `i`.
pub fn family_subject(i: usize) -> String {
    format!("synthetic-family-{i}")
}

/// The subject of staff member `k`, who works with students `50k..50k+49`.
pub fn staff_subject(k: usize) -> String {
    format!("synthetic-staff-{k}")
}

/// Loads a synthetic district of `students` students unless a district with slug
/// `synthetic` exists already, in one transaction: either all of it is there
/// afterwards, or none of it.
pub async fn load(store: &Store, students: usize) -> StoreResult<SyntheticOutcome> {
    if !(1..=MAX_STUDENTS).contains(&students) {
        return Err(DomainError::invalid(
            "students",
            format!("must be from 1 to {MAX_STUDENTS}"),
        ));
    }
    if let Some(district) = districts::by_slug(store.db(), SLUG).await? {
        return Ok(SyntheticOutcome::existing(district));
    }
    let started = std::time::Instant::now();
    let tx = store.begin().await?;
    let district = match districts::create(&tx, SLUG, NAME).await {
        Ok(district) => district,
        // Another process loaded it between the check and here.
        Err(DomainError::Conflict(_)) => {
            tx.rollback().await.domain()?;
            let district = districts::by_slug(store.db(), SLUG)
                .await?
                .ok_or(DomainError::NotFound("synthetic district"))?;
            return Ok(SyntheticOutcome::existing(district));
        }
        Err(other) => return Err(other),
    };
    let mut tally = Tally::default();
    tally.add("districts", 1);
    let plan = Plan::write(&tx, district, students, &mut tally).await?;
    let (mut concerns, mut pending_requests) = (0, 0);
    for first in (0..students).step_by(BATCH) {
        let mut rows = Rows::default();
        for i in first..(first + BATCH).min(students) {
            plan.generate(i, &mut rows);
        }
        concerns += rows.concerns();
        pending_requests += rows.pending_requests();
        rows.write(&tx, &mut tally).await?;
    }
    tx.commit().await.domain()?;
    let outcome = SyntheticOutcome {
        created: true,
        students,
        schools: plan.schools.len(),
        staff: plan.staff.len(),
        concerns,
        pending_requests,
        rows: tally.into_rows(),
        district: plan.district,
    };
    tracing::info!(
        students,
        rows = outcome.total_rows(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "synthetic district loaded"
    );
    Ok(outcome)
}

/// A staff member, who works with fifty students.
struct Staff {
    person: PersonId,
    subject: String,
}

/// What every student's records hang from: the district, its schools and staff, and
/// the moment the history is laid out back from.
struct Plan {
    district: District,
    now: DateTime<Utc>,
    schools: Vec<SchoolId>,
    staff: Vec<Staff>,
}

impl Plan {
    /// Writes the schools and staff of a district of `students` students.
    async fn write(
        tx: &Tx,
        district: District,
        students: usize,
        tally: &mut Tally,
    ) -> StoreResult<Plan> {
        let now = crate::now();
        let schools: Vec<school::Model> = (0..students.div_ceil(STUDENTS_PER_SCHOOL))
            .map(|s| school::Model {
                id: SchoolId::new().0,
                district_id: district.id.0,
                name: format!("Synthetic School {:03}", s + 1),
                external_ids: "[]".into(),
                created_at: now,
                updated_at: now,
            })
            .collect();
        let staff: Vec<Staff> = (0..students.div_ceil(STUDENTS_PER_STAFF))
            .map(|k| Staff {
                person: PersonId::new(),
                subject: staff_subject(k),
            })
            .collect();
        let people = staff
            .iter()
            .enumerate()
            .map(|(k, s)| person::Model {
                id: s.person.0,
                district_id: district.id.0,
                display_name: format!("Staff {k:04}"),
                preferred_language: "en".into(),
                contact_preferences: Some("Email is best".into()),
                external_ids: "[]".into(),
                subject: Some(s.subject.clone()),
                created_at: now,
                updated_at: now,
            })
            .collect();
        let school_ids = schools.iter().map(|s| SchoolId(s.id)).collect();
        bulk::insert::<school::Entity>(tx, schools, tally).await?;
        bulk::insert::<person::Entity>(tx, people, tally).await?;
        Ok(Plan {
            district,
            now,
            schools: school_ids,
            staff,
        })
    }

    /// Every row of student `i` and the work around them.
    fn generate(&self, i: usize, rows: &mut Rows) {
        let mut rng = Rng::for_student(i);
        let family = self.family(i, &mut rng, rows);
        let goals = self.goals(&family, &mut rng, rows);
        self.practices(&family, &goals, &mut rng, rows);
    }

    /// `days` days and `minutes` minutes before the load.
    fn ago(&self, days: i64, minutes: i64) -> DateTime<Utc> {
        self.now - chrono::Duration::days(days) - chrono::Duration::minutes(minutes)
    }
}

/// A fixed pseudo-random sequence (splitmix64) per student, so a student's records do
/// not depend on how many students came before or in what batches.
struct Rng(u64);

impl Rng {
    fn for_student(i: usize) -> Self {
        Rng(0x5E7D_A111_A9CE_2026 ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_in_index_order() {
        let names: Vec<String> = [0, 9, 10, 999, 1000, MAX_STUDENTS - 1]
            .into_iter()
            .map(|i| student_name(i).to_lowercase())
            .collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    }

    #[test]
    fn each_students_sequence_is_fixed_and_their_own() {
        let draw = |i| {
            let mut rng = Rng::for_student(i);
            (0..8).map(|_| rng.next()).collect::<Vec<_>>()
        };
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
        let mut rng = Rng::for_student(7);
        assert!((0..1000).all(|_| (3..=5).contains(&rng.between(3, 5))));
    }
}
