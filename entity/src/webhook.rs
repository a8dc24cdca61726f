//! A partner's registered receiver of certification transitions. The secret never leaves the
//! server except once, in the answer that created or rotated it, and is stored sealed
//! (`api/src/webhook/secrets.rs`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub owner_sub: String,
    pub owner_role: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub secret: String,
    /// JSON array of recruiter ids; empty watches every recruiter.
    #[sea_orm(column_type = "Text")]
    pub recruiter_ids: String,
    /// The change-log position after which transitions are sent to it: where the log stood
    /// when it was registered, or when it was last enabled again.
    pub created_seq: i64,
    pub created_at: DateTimeUtc,
    pub secret_rotated_at: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    /// The secret before the last rotation (sealed), still signing until `previous_secret_until`.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    /// Why deliveries stopped when the directory disabled it (a receiver that kept failing);
    /// absent when its owner deleted it.
    #[sea_orm(column_type = "Text", nullable)]
    pub disabled_reason: Option<String>,
    /// Deliveries given up in a row; reset by a delivered one.
    pub failures_in_a_row: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
