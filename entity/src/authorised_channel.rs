//! A recruiter's branch office or authorised representative, with its public business contacts
//! (as given, JSON text) and validity dates.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "authorised_channel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub recruiter_id: i64,
    pub kind: String,
    pub name: String,
    pub country: String,
    pub city: Option<String>,
    pub address: Option<String>,
    /// E.164 numbers.
    #[sea_orm(column_type = "Text")]
    pub phones: String,
    #[sea_orm(column_type = "Text")]
    pub web_addresses: String,
    #[sea_orm(column_type = "Text")]
    pub agent_numbers: String,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
