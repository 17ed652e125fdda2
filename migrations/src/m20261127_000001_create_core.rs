//! The core of an alliance: districts, schools, people, students, alliances with their
//! phase history and members, goals with revisions, progress, and the audit log.

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
        // Partial unique indexes: the same SQL on SQLite and PostgreSQL.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_alliances_one_open_per_student \
             ON alliances (student_id) WHERE status <> 'CLOSED'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_alliance_members_one_active \
             ON alliance_members (alliance_id, person_id) WHERE left_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_persons_subject \
             ON persons (district_id, subject) WHERE subject IS NOT NULL",
        )
        .await?;
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
        .to(to, Id::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table(Districts::Table)
            .col(pk_uuid(Id::Id))
            .col(string_uniq(Districts::Slug))
            .col(string(Districts::Name))
            .col(integer(Districts::MinGroupSize).default(10))
            .col(integer(Districts::FeedbackCadenceDays).default(14))
            .col(integer(Districts::DataShareCadenceDays).default(30))
            .col(integer(Districts::ReflectionCadenceDays).default(14))
            .col(integer(Districts::ConcernItemThreshold).default(6))
            .col(integer(Districts::ConcernDropThreshold).default(5))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .col(timestamp_with_time_zone(Id::UpdatedAt))
            .to_owned(),
        Table::create()
            .table(Schools::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::DistrictId))
            .col(string(Schools::Name))
            .col(text(Id::ExternalIds).default("[]"))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .col(timestamp_with_time_zone(Id::UpdatedAt))
            .foreign_key(&mut fk(Schools::Table, Id::DistrictId, Districts::Table))
            .to_owned(),
        Table::create()
            .table(Persons::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::DistrictId))
            .col(string(Persons::DisplayName))
            .col(string(Persons::PreferredLanguage).default("en"))
            .col(text_null(Persons::ContactPreferences))
            .col(text(Id::ExternalIds).default("[]"))
            .col(string_null(Persons::Subject))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .col(timestamp_with_time_zone(Id::UpdatedAt))
            .foreign_key(&mut fk(Persons::Table, Id::DistrictId, Districts::Table))
            .to_owned(),
        Table::create()
            .table(Students::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::DistrictId))
            .col(uuid(Id::SchoolId))
            .col(uuid(Id::PersonId))
            .col(string(Students::Name))
            .col(string_null(Students::PreferredName))
            .col(string_null(Students::Pronouns))
            .col(string(Students::GradeLevel))
            .col(string(Students::PreferredLanguage).default("en"))
            .col(text(Id::ExternalIds).default("[]"))
            .col(string(Students::SortName))
            .col(string(Students::SearchName))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .col(timestamp_with_time_zone(Id::UpdatedAt))
            .foreign_key(&mut fk(Students::Table, Id::DistrictId, Districts::Table))
            .foreign_key(&mut fk(Students::Table, Id::SchoolId, Schools::Table))
            .foreign_key(&mut fk(Students::Table, Id::PersonId, Persons::Table))
            .to_owned(),
        Table::create()
            .table(Alliances::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::DistrictId))
            .col(uuid(Id::StudentId))
            .col(string(Alliances::Status))
            .col(string(Alliances::Phase))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .col(timestamp_with_time_zone(Id::UpdatedAt))
            .foreign_key(&mut fk(Alliances::Table, Id::DistrictId, Districts::Table))
            .foreign_key(&mut fk(Alliances::Table, Id::StudentId, Students::Table))
            .to_owned(),
        Table::create()
            .table(AlliancePhaseChanges::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::AllianceId))
            .col(string_null(AlliancePhaseChanges::FromPhase))
            .col(string(AlliancePhaseChanges::ToPhase))
            .col(text_null(AlliancePhaseChanges::Reason))
            .col(timestamp_with_time_zone(AlliancePhaseChanges::ChangedAt))
            .col(string(AlliancePhaseChanges::ChangedBy))
            .foreign_key(&mut fk(
                AlliancePhaseChanges::Table,
                Id::AllianceId,
                Alliances::Table,
            ))
            .to_owned(),
        Table::create()
            .table(AllianceMembers::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::AllianceId))
            .col(uuid(Id::PersonId))
            .col(string(AllianceMembers::Role))
            .col(string_null(AllianceMembers::Relationship))
            .col(boolean(AllianceMembers::FamilyIdentified).default(false))
            .col(timestamp_with_time_zone(AllianceMembers::JoinedAt))
            .col(timestamp_with_time_zone_null(AllianceMembers::LeftAt))
            .foreign_key(&mut fk(
                AllianceMembers::Table,
                Id::AllianceId,
                Alliances::Table,
            ))
            .foreign_key(&mut fk(
                AllianceMembers::Table,
                Id::PersonId,
                Persons::Table,
            ))
            .to_owned(),
        Table::create()
            .table(Goals::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::AllianceId))
            .col(text(Goals::OwnWords))
            .col(uuid(Goals::ExpressedBy))
            .col(text_null(Goals::Summary))
            .col(string(Goals::Domain))
            .col(integer(Goals::Priority))
            .col(string(Goals::Status))
            .col(string(Goals::AchievementStatus))
            .col(string_null(Goals::MeasureName))
            .col(string_null(Goals::MeasureUnit))
            .col(double_null(Goals::MeasureBaseline))
            .col(double_null(Goals::MeasureTarget))
            .col(string_null(Goals::MeasureDirection))
            .col(date_null(Goals::MeasureTargetDate))
            .col(integer(Goals::Version))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .col(timestamp_with_time_zone(Id::UpdatedAt))
            .foreign_key(&mut fk(Goals::Table, Id::AllianceId, Alliances::Table))
            .foreign_key(&mut fk(
                Goals::Table,
                Goals::ExpressedBy,
                AllianceMembers::Table,
            ))
            .to_owned(),
        Table::create()
            .table(GoalRevisions::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::GoalId))
            .col(integer(GoalRevisions::Version))
            .col(timestamp_with_time_zone(GoalRevisions::RevisedAt))
            .col(string(GoalRevisions::RevisedBy))
            .col(text(GoalRevisions::Before))
            .col(text(GoalRevisions::After))
            .foreign_key(&mut fk(GoalRevisions::Table, Id::GoalId, Goals::Table))
            .to_owned(),
        Table::create()
            .table(ProgressEntries::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::GoalId))
            .col(timestamp_with_time_zone(ProgressEntries::ObservedAt))
            .col(uuid_null(ProgressEntries::RecordedBy))
            .col(string(ProgressEntries::RecordedBySubject))
            .col(double_null(ProgressEntries::Value))
            .col(text_null(ProgressEntries::Note))
            .col(string(ProgressEntries::Source))
            .col(timestamp_with_time_zone(Id::CreatedAt))
            .foreign_key(&mut fk(ProgressEntries::Table, Id::GoalId, Goals::Table))
            .foreign_key(&mut fk(
                ProgressEntries::Table,
                ProgressEntries::RecordedBy,
                Persons::Table,
            ))
            .check(
                Expr::col(ProgressEntries::Value)
                    .is_not_null()
                    .or(Expr::col(ProgressEntries::Note).is_not_null()),
            )
            .to_owned(),
        Table::create()
            .table(AuditEvents::Table)
            .col(pk_uuid(Id::Id))
            .col(uuid(Id::DistrictId))
            .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
            .col(string(AuditEvents::Subject))
            .col(string(AuditEvents::Roles))
            .col(string(AuditEvents::Action))
            .col(string(AuditEvents::EntityType))
            .col(string_null(AuditEvents::EntityId))
            .col(uuid_null(Id::StudentId))
            .col(string_null(AuditEvents::RequestId))
            .col(string_null(AuditEvents::OperationName))
            .foreign_key(&mut fk(
                AuditEvents::Table,
                Id::DistrictId,
                Districts::Table,
            ))
            .to_owned(),
    ]
}

fn index(name: &str, table: impl IntoIden, columns: &[Id]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(*column);
    }
    index
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("ix_schools_district", Schools::Table, &[Id::DistrictId]),
        index("ix_persons_district", Persons::Table, &[Id::DistrictId]),
        Index::create()
            .name("ix_students_district_sort")
            .table(Students::Table)
            .col(Id::DistrictId)
            .col(Students::SortName)
            .col(Id::Id)
            .to_owned(),
        Index::create()
            .name("ix_students_school_sort")
            .table(Students::Table)
            .col(Id::SchoolId)
            .col(Students::SortName)
            .col(Id::Id)
            .to_owned(),
        index("ix_students_person", Students::Table, &[Id::PersonId]),
        index("ix_alliances_student", Alliances::Table, &[Id::StudentId]),
        index(
            "ix_phase_changes_alliance",
            AlliancePhaseChanges::Table,
            &[Id::AllianceId],
        ),
        index(
            "ix_members_alliance",
            AllianceMembers::Table,
            &[Id::AllianceId],
        ),
        index("ix_members_person", AllianceMembers::Table, &[Id::PersonId]),
        index("ix_goals_alliance", Goals::Table, &[Id::AllianceId]),
        index(
            "ix_goal_revisions_goal",
            GoalRevisions::Table,
            &[Id::GoalId],
        ),
        Index::create()
            .name("ix_progress_goal_observed")
            .table(ProgressEntries::Table)
            .col(Id::GoalId)
            .col(ProgressEntries::ObservedAt)
            .to_owned(),
        Index::create()
            .name("ix_audit_student_time")
            .table(AuditEvents::Table)
            .col(Id::StudentId)
            .col(AuditEvents::OccurredAt)
            .to_owned(),
        Index::create()
            .name("ix_audit_district_time")
            .table(AuditEvents::Table)
            .col(Id::DistrictId)
            .col(AuditEvents::OccurredAt)
            .to_owned(),
    ]
}

/// Columns many tables share.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden, Clone, Copy)]
enum Id {
    Id,
    DistrictId,
    SchoolId,
    PersonId,
    StudentId,
    AllianceId,
    GoalId,
    ExternalIds,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Slug,
    Name,
    MinGroupSize,
    FeedbackCadenceDays,
    DataShareCadenceDays,
    ReflectionCadenceDays,
    ConcernItemThreshold,
    ConcernDropThreshold,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    DisplayName,
    PreferredLanguage,
    ContactPreferences,
    Subject,
}

#[derive(DeriveIden)]
enum Students {
    Table,
    Name,
    PreferredName,
    Pronouns,
    GradeLevel,
    PreferredLanguage,
    /// Lower-cased preferred-or-legal name, for ordering.
    SortName,
    /// Lower-cased legal and preferred names (Unicode-aware, folded in Rust), for search.
    SearchName,
}

#[derive(DeriveIden)]
enum Alliances {
    Table,
    Status,
    Phase,
}

#[derive(DeriveIden)]
enum AlliancePhaseChanges {
    Table,
    FromPhase,
    ToPhase,
    Reason,
    ChangedAt,
    ChangedBy,
}

#[derive(DeriveIden)]
enum AllianceMembers {
    Table,
    Role,
    Relationship,
    FamilyIdentified,
    JoinedAt,
    LeftAt,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    OwnWords,
    ExpressedBy,
    Summary,
    Domain,
    Priority,
    Status,
    AchievementStatus,
    MeasureName,
    MeasureUnit,
    MeasureBaseline,
    MeasureTarget,
    MeasureDirection,
    MeasureTargetDate,
    Version,
}

#[derive(DeriveIden)]
enum GoalRevisions {
    Table,
    Version,
    RevisedAt,
    RevisedBy,
    Before,
    After,
}

#[derive(DeriveIden)]
enum ProgressEntries {
    Table,
    ObservedAt,
    RecordedBy,
    RecordedBySubject,
    Value,
    Note,
    Source,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    OccurredAt,
    Subject,
    Roles,
    Action,
    EntityType,
    EntityId,
    RequestId,
    OperationName,
}
