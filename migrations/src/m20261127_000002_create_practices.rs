//! The three practices: the family's voice and their acceptance of goals; what the team
//! does and why (interventions) and what it shares (communications); the feedback it asks
//! for, its reflections, and the next steps that answer them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables().into_iter().rev() {
            let name = table
                .get_table_name()
                .cloned()
                .expect("every table has a name");
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn fk(from: impl IntoIden, column: impl IntoIden, to: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_col(column)
        .from_tbl(from)
        .to(to, Col::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A join table from `left` to `right`, keyed by both.
fn link(
    table: impl IntoIden + Clone + 'static,
    left: Col,
    left_table: impl IntoIden,
    right: Col,
    right_table: impl IntoIden,
) -> TableCreateStatement {
    Table::create()
        .table(table.clone())
        .col(uuid(left))
        .col(uuid(right))
        .primary_key(Index::create().col(left).col(right))
        .foreign_key(&mut fk(table.clone(), left, left_table))
        .foreign_key(&mut fk(table, right, right_table))
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table(T::VoiceEntries)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::AllianceId))
            .col(uuid(Col::SpeakerId))
            .col(uuid_null(Col::RecordedBy))
            .col(string(Col::RecordedBySubject))
            .col(timestamp_with_time_zone(Col::SaidAt))
            .col(string(Col::Kind))
            .col(text(Col::Words))
            .col(string(Col::Language))
            .col(string(Col::Visibility))
            .col(uuid_null(Col::SupersedesId))
            .col(timestamp_with_time_zone(Col::CreatedAt))
            .foreign_key(&mut fk(T::VoiceEntries, Col::AllianceId, T::Alliances))
            .foreign_key(&mut fk(T::VoiceEntries, Col::SpeakerId, T::AllianceMembers))
            .foreign_key(&mut fk(T::VoiceEntries, Col::RecordedBy, T::Persons))
            .foreign_key(&mut fk(T::VoiceEntries, Col::SupersedesId, T::VoiceEntries))
            .to_owned(),
        link(
            T::VoiceEntryGoals,
            Col::VoiceEntryId,
            T::VoiceEntries,
            Col::GoalId,
            T::Goals,
        ),
        Table::create()
            .table(T::GoalAcceptances)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::GoalId))
            .col(uuid(Col::MemberId))
            .col(string(Col::Acceptance))
            .col(text_null(Col::Comment))
            .col(timestamp_with_time_zone(Col::RecordedAt))
            .col(string(Col::RecordedBySubject))
            .foreign_key(&mut fk(T::GoalAcceptances, Col::GoalId, T::Goals))
            .foreign_key(&mut fk(
                T::GoalAcceptances,
                Col::MemberId,
                T::AllianceMembers,
            ))
            .to_owned(),
        Table::create()
            .table(T::Interventions)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::AllianceId))
            .col(string(Col::Title))
            .col(text_null(Col::Description))
            .col(text(Col::Rationale))
            .col(uuid_null(Col::OwnerId))
            .col(integer(Col::Tier))
            .col(string_null(Col::Frequency))
            .col(integer_null(Col::Minutes))
            .col(string(Col::Status))
            .col(date_null(Col::StartDate))
            .col(date_null(Col::EndDate))
            .col(timestamp_with_time_zone(Col::CreatedAt))
            .col(timestamp_with_time_zone(Col::UpdatedAt))
            .foreign_key(&mut fk(T::Interventions, Col::AllianceId, T::Alliances))
            .foreign_key(&mut fk(T::Interventions, Col::OwnerId, T::AllianceMembers))
            .to_owned(),
        link(
            T::InterventionGoals,
            Col::InterventionId,
            T::Interventions,
            Col::GoalId,
            T::Goals,
        ),
        Table::create()
            .table(T::InterventionStatusChanges)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::InterventionId))
            .col(string_null(Col::FromStatus))
            .col(string(Col::ToStatus))
            .col(text(Col::Reason))
            .col(timestamp_with_time_zone(Col::ChangedAt))
            .col(string(Col::ChangedBy))
            .foreign_key(&mut fk(
                T::InterventionStatusChanges,
                Col::InterventionId,
                T::Interventions,
            ))
            .to_owned(),
        Table::create()
            .table(T::Communications)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::AllianceId))
            .col(string(Col::Kind))
            .col(string(Col::Channel))
            .col(uuid_null(Col::FromMemberId))
            .col(text(Col::Summary))
            .col(timestamp_with_time_zone(Col::OccurredAt))
            .col(timestamp_with_time_zone_null(Col::AsOf))
            .col(string(Col::Visibility))
            .col(string(Col::RecordedBySubject))
            .col(timestamp_with_time_zone(Col::CreatedAt))
            .foreign_key(&mut fk(T::Communications, Col::AllianceId, T::Alliances))
            .foreign_key(&mut fk(
                T::Communications,
                Col::FromMemberId,
                T::AllianceMembers,
            ))
            .to_owned(),
        link(
            T::CommunicationRecipients,
            Col::CommunicationId,
            T::Communications,
            Col::MemberId,
            T::AllianceMembers,
        ),
        Table::create()
            .table(T::CommunicationGoals)
            .col(uuid(Col::CommunicationId))
            .col(uuid(Col::GoalId))
            .col(text(Col::Snapshot))
            .primary_key(Index::create().col(Col::CommunicationId).col(Col::GoalId))
            .foreign_key(&mut fk(
                T::CommunicationGoals,
                Col::CommunicationId,
                T::Communications,
            ))
            .foreign_key(&mut fk(T::CommunicationGoals, Col::GoalId, T::Goals))
            .to_owned(),
        Table::create()
            .table(T::CommunicationReplies)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::CommunicationId))
            .col(uuid(Col::MemberId))
            .col(text(Col::Words))
            .col(timestamp_with_time_zone(Col::CreatedAt))
            .foreign_key(&mut fk(
                T::CommunicationReplies,
                Col::CommunicationId,
                T::Communications,
            ))
            .foreign_key(&mut fk(
                T::CommunicationReplies,
                Col::MemberId,
                T::AllianceMembers,
            ))
            .to_owned(),
        Table::create()
            .table(T::FeedbackRequests)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::AllianceId))
            .col(uuid(Col::MemberId))
            .col(string(Col::Audience))
            .col(string(Col::Language))
            .col(date(Col::DueDate))
            .col(timestamp_with_time_zone(Col::RequestedAt))
            .col(string(Col::RecordedBySubject))
            .col(timestamp_with_time_zone_null(Col::AnsweredAt))
            .foreign_key(&mut fk(T::FeedbackRequests, Col::AllianceId, T::Alliances))
            .foreign_key(&mut fk(
                T::FeedbackRequests,
                Col::MemberId,
                T::AllianceMembers,
            ))
            .to_owned(),
        Table::create()
            .table(T::FeedbackResponses)
            .col(pk_uuid(Col::Id))
            .col(uuid_uniq(Col::RequestId))
            .col(uuid(Col::AllianceId))
            .col(uuid(Col::MemberId))
            .col(string(Col::Language))
            .col(integer(Col::Supported))
            .col(integer(Col::Understood))
            .col(integer(Col::Centered))
            .col(integer(Col::Goals))
            .col(integer(Col::Approach))
            .col(integer(Col::Total))
            .col(text_null(Col::Comment))
            .col(text(Col::ConcernReasons))
            .col(boolean(Col::Concern))
            .col(timestamp_with_time_zone(Col::SubmittedAt))
            .foreign_key(&mut fk(
                T::FeedbackResponses,
                Col::RequestId,
                T::FeedbackRequests,
            ))
            .foreign_key(&mut fk(T::FeedbackResponses, Col::AllianceId, T::Alliances))
            .foreign_key(&mut fk(
                T::FeedbackResponses,
                Col::MemberId,
                T::AllianceMembers,
            ))
            .to_owned(),
        Table::create()
            .table(T::Reflections)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::AllianceId))
            .col(string(Col::Kind))
            .col(timestamp_with_time_zone(Col::HeldAt))
            .col(text_null(Col::Notes))
            .col(text_null(Col::Keep))
            .col(text_null(Col::Change))
            .col(string(Col::Visibility))
            .col(string(Col::RecordedBySubject))
            .col(timestamp_with_time_zone(Col::CreatedAt))
            .foreign_key(&mut fk(T::Reflections, Col::AllianceId, T::Alliances))
            .to_owned(),
        link(
            T::ReflectionParticipants,
            Col::ReflectionId,
            T::Reflections,
            Col::MemberId,
            T::AllianceMembers,
        ),
        Table::create()
            .table(T::ReflectionConsidered)
            .col(uuid(Col::ReflectionId))
            .col(string(Col::RecordType))
            .col(uuid(Col::RecordId))
            .primary_key(
                Index::create()
                    .col(Col::ReflectionId)
                    .col(Col::RecordType)
                    .col(Col::RecordId),
            )
            .foreign_key(&mut fk(
                T::ReflectionConsidered,
                Col::ReflectionId,
                T::Reflections,
            ))
            .to_owned(),
        Table::create()
            .table(T::NextSteps)
            .col(pk_uuid(Col::Id))
            .col(uuid(Col::AllianceId))
            .col(text(Col::Decision))
            .col(uuid_null(Col::OwnerId))
            .col(date_null(Col::DueDate))
            .col(string(Col::Status))
            .col(string(Col::Visibility))
            .col(string(Col::RecordedBySubject))
            .col(timestamp_with_time_zone(Col::CreatedAt))
            .col(timestamp_with_time_zone(Col::UpdatedAt))
            .foreign_key(&mut fk(T::NextSteps, Col::AllianceId, T::Alliances))
            .foreign_key(&mut fk(T::NextSteps, Col::OwnerId, T::AllianceMembers))
            .to_owned(),
        Table::create()
            .table(T::NextStepCitations)
            .col(uuid(Col::NextStepId))
            .col(string(Col::RecordType))
            .col(uuid(Col::RecordId))
            .primary_key(
                Index::create()
                    .col(Col::NextStepId)
                    .col(Col::RecordType)
                    .col(Col::RecordId),
            )
            .foreign_key(&mut fk(T::NextStepCitations, Col::NextStepId, T::NextSteps))
            .to_owned(),
    ]
}

fn index(name: &str, table: T, columns: &[Col]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(*column);
    }
    index
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index(
            "ix_voice_alliance_said",
            T::VoiceEntries,
            &[Col::AllianceId, Col::SaidAt],
        ),
        index("ix_voice_goals_goal", T::VoiceEntryGoals, &[Col::GoalId]),
        Index::create()
            .name("ux_goal_acceptances_member")
            .table(T::GoalAcceptances)
            .col(Col::GoalId)
            .col(Col::MemberId)
            .unique()
            .to_owned(),
        index(
            "ix_interventions_alliance",
            T::Interventions,
            &[Col::AllianceId],
        ),
        index(
            "ix_intervention_goals_goal",
            T::InterventionGoals,
            &[Col::GoalId],
        ),
        index(
            "ix_intervention_changes",
            T::InterventionStatusChanges,
            &[Col::InterventionId],
        ),
        index(
            "ix_communications_alliance",
            T::Communications,
            &[Col::AllianceId, Col::OccurredAt],
        ),
        index(
            "ix_communication_replies",
            T::CommunicationReplies,
            &[Col::CommunicationId],
        ),
        index(
            "ix_feedback_requests_alliance",
            T::FeedbackRequests,
            &[Col::AllianceId, Col::RequestedAt],
        ),
        index(
            "ix_feedback_requests_member",
            T::FeedbackRequests,
            &[Col::MemberId],
        ),
        index(
            "ix_feedback_responses_alliance",
            T::FeedbackResponses,
            &[Col::AllianceId, Col::SubmittedAt],
        ),
        index(
            "ix_feedback_responses_member",
            T::FeedbackResponses,
            &[Col::MemberId, Col::SubmittedAt],
        ),
        index(
            "ix_reflections_alliance",
            T::Reflections,
            &[Col::AllianceId, Col::HeldAt],
        ),
        index("ix_next_steps_alliance", T::NextSteps, &[Col::AllianceId]),
        index(
            "ix_next_step_citations_record",
            T::NextStepCitations,
            &[Col::RecordType, Col::RecordId],
        ),
    ]
}

#[derive(DeriveIden, Clone, Copy)]
enum T {
    Alliances,
    AllianceMembers,
    Persons,
    Goals,
    VoiceEntries,
    VoiceEntryGoals,
    GoalAcceptances,
    Interventions,
    InterventionGoals,
    InterventionStatusChanges,
    Communications,
    CommunicationRecipients,
    CommunicationGoals,
    CommunicationReplies,
    FeedbackRequests,
    FeedbackResponses,
    Reflections,
    ReflectionParticipants,
    ReflectionConsidered,
    NextSteps,
    NextStepCitations,
}

#[derive(DeriveIden, Clone, Copy)]
enum Col {
    Id,
    AllianceId,
    GoalId,
    MemberId,
    SpeakerId,
    RecordedBy,
    RecordedBySubject,
    SaidAt,
    Kind,
    Words,
    Language,
    Visibility,
    SupersedesId,
    CreatedAt,
    UpdatedAt,
    VoiceEntryId,
    Acceptance,
    Comment,
    RecordedAt,
    Title,
    Description,
    Rationale,
    OwnerId,
    Tier,
    Frequency,
    Minutes,
    Status,
    StartDate,
    EndDate,
    InterventionId,
    FromStatus,
    ToStatus,
    Reason,
    ChangedAt,
    ChangedBy,
    Channel,
    FromMemberId,
    Summary,
    OccurredAt,
    AsOf,
    CommunicationId,
    Snapshot,
    Audience,
    DueDate,
    RequestedAt,
    AnsweredAt,
    RequestId,
    Supported,
    Understood,
    Centered,
    Goals,
    Approach,
    Total,
    ConcernReasons,
    Concern,
    SubmittedAt,
    HeldAt,
    Notes,
    Keep,
    Change,
    ReflectionId,
    RecordType,
    RecordId,
    Decision,
    NextStepId,
}
