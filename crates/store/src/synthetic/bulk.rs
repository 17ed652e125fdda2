//! Rows gathered for a batch of students, and written a table at a time with
//! multi-row `INSERT`s as large as the database's limit on bound parameters allows.

use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, IntoActiveModel, Iterable};

use crate::entities::*;
use crate::error::IntoDomain;
use crate::{StoreResult, Tx};

/// Rows written, by table, in the order the tables were first written.
#[derive(Debug, Default)]
pub(super) struct Tally(Vec<(&'static str, u64)>);

impl Tally {
    pub(super) fn add(&mut self, table: &'static str, rows: u64) {
        match self.0.iter_mut().find(|(t, _)| *t == table) {
            Some((_, n)) => *n += rows,
            None => self.0.push((table, rows)),
        }
    }

    pub(super) fn into_rows(self) -> Vec<(&'static str, u64)> {
        self.0
    }
}

/// The most parameters one statement may bind: SQLite's `SQLITE_MAX_VARIABLE_NUMBER`
/// (32766 since 3.32), PostgreSQL's 16-bit parameter count.
fn parameter_limit(backend: DatabaseBackend) -> usize {
    match backend {
        DatabaseBackend::Sqlite => 32_766,
        _ => 65_535,
    }
}

/// Inserts `rows` into `E`'s table, as many rows per statement as its columns allow.
pub(super) async fn insert<E>(tx: &Tx, rows: Vec<E::Model>, tally: &mut Tally) -> StoreResult<()>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    tally.add(E::default().table_name(), rows.len() as u64);
    let columns = E::Column::iter().count();
    let per_statement = (parameter_limit(tx.get_database_backend()) / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<E::ActiveModel> = rows
            .by_ref()
            .take(per_statement)
            .map(IntoActiveModel::into_active_model)
            .collect();
        E::insert_many(chunk)
            .exec_without_returning(tx)
            .await
            .domain()?;
    }
    Ok(())
}

/// Every row of a batch of students, table by table.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) persons: Vec<person::Model>,
    pub(super) students: Vec<student::Model>,
    pub(super) alliances: Vec<alliance::Model>,
    pub(super) phase_changes: Vec<phase_change::Model>,
    pub(super) members: Vec<member::Model>,
    pub(super) goals: Vec<goal::Model>,
    pub(super) acceptances: Vec<goal_acceptance::Model>,
    pub(super) progress: Vec<progress_entry::Model>,
    pub(super) voice: Vec<voice_entry::Model>,
    pub(super) voice_goals: Vec<voice_entry_goal::Model>,
    pub(super) interventions: Vec<intervention::Model>,
    pub(super) intervention_goals: Vec<intervention_goal::Model>,
    pub(super) intervention_changes: Vec<intervention_change::Model>,
    pub(super) communications: Vec<communication::Model>,
    pub(super) recipients: Vec<communication_recipient::Model>,
    pub(super) shared_goals: Vec<communication_goal::Model>,
    pub(super) requests: Vec<feedback_request::Model>,
    pub(super) responses: Vec<feedback_response::Model>,
    pub(super) reflections: Vec<reflection::Model>,
    pub(super) participants: Vec<reflection_participant::Model>,
    pub(super) considered: Vec<reflection_considered::Model>,
    pub(super) next_steps: Vec<next_step::Model>,
    pub(super) citations: Vec<next_step_citation::Model>,
}

impl Rows {
    /// Answers that raise a concern.
    pub(super) fn concerns(&self) -> usize {
        self.responses.iter().filter(|r| r.concern).count()
    }

    /// Check-ins not answered yet.
    pub(super) fn pending_requests(&self) -> usize {
        self.requests
            .iter()
            .filter(|r| r.answered_at.is_none())
            .count()
    }

    /// Writes every table, each after the tables it refers to.
    pub(super) async fn write(self, tx: &Tx, tally: &mut Tally) -> StoreResult<()> {
        insert::<person::Entity>(tx, self.persons, tally).await?;
        insert::<student::Entity>(tx, self.students, tally).await?;
        insert::<alliance::Entity>(tx, self.alliances, tally).await?;
        insert::<phase_change::Entity>(tx, self.phase_changes, tally).await?;
        insert::<member::Entity>(tx, self.members, tally).await?;
        insert::<goal::Entity>(tx, self.goals, tally).await?;
        insert::<goal_acceptance::Entity>(tx, self.acceptances, tally).await?;
        insert::<progress_entry::Entity>(tx, self.progress, tally).await?;
        insert::<voice_entry::Entity>(tx, self.voice, tally).await?;
        insert::<voice_entry_goal::Entity>(tx, self.voice_goals, tally).await?;
        insert::<intervention::Entity>(tx, self.interventions, tally).await?;
        insert::<intervention_goal::Entity>(tx, self.intervention_goals, tally).await?;
        insert::<intervention_change::Entity>(tx, self.intervention_changes, tally).await?;
        insert::<communication::Entity>(tx, self.communications, tally).await?;
        insert::<communication_recipient::Entity>(tx, self.recipients, tally).await?;
        insert::<communication_goal::Entity>(tx, self.shared_goals, tally).await?;
        insert::<feedback_request::Entity>(tx, self.requests, tally).await?;
        insert::<feedback_response::Entity>(tx, self.responses, tally).await?;
        insert::<reflection::Entity>(tx, self.reflections, tally).await?;
        insert::<reflection_participant::Entity>(tx, self.participants, tally).await?;
        insert::<reflection_considered::Entity>(tx, self.considered, tally).await?;
        insert::<next_step::Entity>(tx, self.next_steps, tally).await?;
        insert::<next_step_citation::Entity>(tx, self.citations, tally).await?;
        Ok(())
    }
}
