//! An organisation's public commitment to the Employer Pays Principle.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub organisation_id: i64,
    pub framework: String,
    pub scope: String,
    #[sea_orm(column_type = "Text")]
    pub sectors: String,
    #[sea_orm(column_type = "Text")]
    pub corridors: String,
    pub made_on: Date,
    pub statement_url: Option<String>,
    pub status: String,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
