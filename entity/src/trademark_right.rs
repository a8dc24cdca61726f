//! The right of a recruiter to display the certification mark.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "trademark_right")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub recruiter_id: i64,
    pub licence_number: String,
    pub number_key: String,
    pub mark: String,
    #[sea_orm(column_type = "Text")]
    pub media: String,
    #[sea_orm(column_type = "Text")]
    pub domains: String,
    pub granted_on: Date,
    pub expires_on: Option<Date>,
    pub status: String,
    pub version: i32,
    pub content_hash: Option<String>,
    /// The last day the right is in force (see `service/standing.rs`); `None`: not in force.
    pub in_force_until: Option<Date>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
