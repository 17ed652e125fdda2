//! SeaORM entities, one per table. They never leave this crate: repositories turn
//! them into domain records.

/// A table's model, as written (SeaORM's derive reads its field types as written: a type
/// passed through a `ty` fragment hides whether it is an `Option`), and a reader of its
/// columns by position ([`crate::joined::Positional`]) in the order the struct declares
/// them, the order SeaORM's entity selects them in.
macro_rules! model {
    (@positional
        $(#[$meta:meta])*
        pub struct Model {
            $($(#[$field_meta:meta])* pub $field:ident: $type:ty,)*
        }
    ) => {
        impl crate::joined::Positional for Model {
            const WIDTH: usize = [$(stringify!($field)),*].len();

            #[allow(unused_assignments)]
            fn read(row: &crate::joined::Cells<'_>, first: usize) -> Result<Self, DbErr> {
                let mut column = first;
                Ok(Self {
                    $($field: {
                        let value = row.at(column)?;
                        column += 1;
                        value
                    },)*
                })
            }
        }
    };
    ($($model:tt)*) => {
        $($model)*
        model!(@positional $($model)*);
    };
}

/// The `districts` table.
pub mod district {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "districts")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub slug: String,
            pub name: String,
            pub min_group_size: i32,
            pub feedback_cadence_days: i32,
            pub data_share_cadence_days: i32,
            pub reflection_cadence_days: i32,
            pub concern_item_threshold: i32,
            pub concern_drop_threshold: i32,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `schools` table.
pub mod school {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "schools")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub district_id: Uuid,
            pub name: String,
            pub external_ids: String,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `persons` table.
pub mod person {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "persons")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub district_id: Uuid,
            pub display_name: String,
            pub preferred_language: String,
            pub contact_preferences: Option<String>,
            pub external_ids: String,
            pub subject: Option<String>,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `students` table.
pub mod student {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "students")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub district_id: Uuid,
            pub school_id: Uuid,
            pub person_id: Uuid,
            pub name: String,
            pub preferred_name: Option<String>,
            pub pronouns: Option<String>,
            pub grade_level: String,
            pub preferred_language: String,
            pub external_ids: String,
            pub sort_name: String,
            pub search_name: String,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `alliances` table.
pub mod alliance {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "alliances")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub district_id: Uuid,
            pub student_id: Uuid,
            pub status: String,
            pub phase: String,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::student::Entity",
            from = "Column::StudentId",
            to = "super::student::Column::Id"
        )]
        Student,
    }

    impl Related<super::student::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Student.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `alliance_phase_changes` table.
pub mod phase_change {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "alliance_phase_changes")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub from_phase: Option<String>,
            pub to_phase: String,
            pub reason: Option<String>,
            pub changed_at: DateTimeUtc,
            pub changed_by: String,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `alliance_members` table.
pub mod member {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "alliance_members")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub person_id: Uuid,
            pub role: String,
            pub relationship: Option<String>,
            pub family_identified: bool,
            pub joined_at: DateTimeUtc,
            pub left_at: Option<DateTimeUtc>,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `goals` table.
pub mod goal {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "goals")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub own_words: String,
            pub expressed_by: Uuid,
            pub summary: Option<String>,
            pub domain: String,
            pub priority: i32,
            pub status: String,
            pub achievement_status: String,
            pub measure_name: Option<String>,
            pub measure_unit: Option<String>,
            pub measure_baseline: Option<f64>,
            pub measure_target: Option<f64>,
            pub measure_direction: Option<String>,
            pub measure_target_date: Option<Date>,
            pub version: i32,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `goal_revisions` table.
pub mod goal_revision {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "goal_revisions")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub goal_id: Uuid,
            pub version: i32,
            pub revised_at: DateTimeUtc,
            pub revised_by: String,
            pub before: String,
            pub after: String,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `progress_entries` table.
pub mod progress_entry {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "progress_entries")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub goal_id: Uuid,
            pub observed_at: DateTimeUtc,
            pub recorded_by: Option<Uuid>,
            pub recorded_by_subject: String,
            pub value: Option<f64>,
            pub note: Option<String>,
            pub source: String,
            pub created_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `audit_events` table.
pub mod audit_event {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "audit_events")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub district_id: Uuid,
            pub occurred_at: DateTimeUtc,
            pub subject: String,
            pub roles: String,
            pub action: String,
            pub entity_type: String,
            pub entity_id: Option<String>,
            pub student_id: Option<Uuid>,
            pub request_id: Option<String>,
            pub operation_name: Option<String>,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `voice_entries` table.
pub mod voice_entry {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "voice_entries")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub speaker_id: Uuid,
            pub recorded_by: Option<Uuid>,
            pub recorded_by_subject: String,
            pub said_at: DateTimeUtc,
            pub kind: String,
            pub words: String,
            pub language: String,
            pub visibility: String,
            pub supersedes_id: Option<Uuid>,
            pub created_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `voice_entry_goals` table.
pub mod voice_entry_goal {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "voice_entry_goals")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub voice_entry_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub goal_id: Uuid,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `goal_acceptances` table.
pub mod goal_acceptance {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "goal_acceptances")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub goal_id: Uuid,
            pub member_id: Uuid,
            pub acceptance: String,
            pub comment: Option<String>,
            pub recorded_at: DateTimeUtc,
            pub recorded_by_subject: String,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `interventions` table.
pub mod intervention {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "interventions")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub title: String,
            pub description: Option<String>,
            pub rationale: String,
            pub owner_id: Option<Uuid>,
            pub tier: i32,
            pub frequency: Option<String>,
            pub minutes: Option<i32>,
            pub status: String,
            pub start_date: Option<Date>,
            pub end_date: Option<Date>,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `intervention_goals` table.
pub mod intervention_goal {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "intervention_goals")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub intervention_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub goal_id: Uuid,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `intervention_status_changes` table.
pub mod intervention_change {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "intervention_status_changes")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub intervention_id: Uuid,
            pub from_status: Option<String>,
            pub to_status: String,
            pub reason: String,
            pub changed_at: DateTimeUtc,
            pub changed_by: String,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `communications` table.
pub mod communication {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "communications")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub kind: String,
            pub channel: String,
            pub from_member_id: Option<Uuid>,
            pub summary: String,
            pub occurred_at: DateTimeUtc,
            pub as_of: Option<DateTimeUtc>,
            pub visibility: String,
            pub recorded_by_subject: String,
            pub created_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `communication_recipients` table.
pub mod communication_recipient {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "communication_recipients")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub communication_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub member_id: Uuid,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `communication_goals` table.
pub mod communication_goal {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "communication_goals")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub communication_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub goal_id: Uuid,
            pub snapshot: String,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `communication_replies` table.
pub mod communication_reply {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "communication_replies")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub communication_id: Uuid,
            pub member_id: Uuid,
            pub words: String,
            pub created_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `feedback_requests` table.
pub mod feedback_request {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "feedback_requests")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub member_id: Uuid,
            pub audience: String,
            pub language: String,
            pub due_date: Date,
            pub requested_at: DateTimeUtc,
            pub recorded_by_subject: String,
            pub answered_at: Option<DateTimeUtc>,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `feedback_responses` table.
pub mod feedback_response {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "feedback_responses")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub request_id: Uuid,
            pub alliance_id: Uuid,
            pub member_id: Uuid,
            pub language: String,
            pub supported: i32,
            pub understood: i32,
            pub centered: i32,
            pub goals: i32,
            pub approach: i32,
            pub total: i32,
            pub comment: Option<String>,
            pub concern_reasons: String,
            pub concern: bool,
            pub submitted_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `reflections` table.
pub mod reflection {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "reflections")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub kind: String,
            pub held_at: DateTimeUtc,
            pub notes: Option<String>,
            pub keep: Option<String>,
            pub change: Option<String>,
            pub visibility: String,
            pub recorded_by_subject: String,
            pub created_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `reflection_participants` table.
pub mod reflection_participant {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "reflection_participants")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub reflection_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub member_id: Uuid,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `reflection_considered` table.
pub mod reflection_considered {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "reflection_considered")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub reflection_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub record_type: String,
            #[sea_orm(primary_key, auto_increment = false)]
            pub record_id: Uuid,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `next_steps` table.
pub mod next_step {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "next_steps")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub alliance_id: Uuid,
            pub decision: String,
            pub owner_id: Option<Uuid>,
            pub due_date: Option<Date>,
            pub status: String,
            pub visibility: String,
            pub recorded_by_subject: String,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `next_step_citations` table.
pub mod next_step_citation {
    use sea_orm::entity::prelude::*;

    model! {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "next_step_citations")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub next_step_id: Uuid,
            #[sea_orm(primary_key, auto_increment = false)]
            pub record_type: String,
            #[sea_orm(primary_key, auto_increment = false)]
            pub record_id: Uuid,
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
