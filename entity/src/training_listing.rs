//! A scheduled training programme of a provider.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "training_listing")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub provider_id: i64,
    pub title: String,
    pub programme: String,
    pub audience: String,
    pub delivery: String,
    pub country: Option<String>,
    pub city: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub languages: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub fee_amount: Option<String>,
    pub fee_currency: Option<String>,
    pub registration_url: Option<String>,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
