//! A partner's registered receiver of certification transitions. The secret never leaves the
//! server except once, in the answer that created or rotated it.

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
    pub created_seq: i64,
    pub created_at: DateTimeUtc,
    pub secret_rotated_at: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
