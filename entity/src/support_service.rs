//! Where a migrant worker gets help: a Migrant Resource Centre, a help desk, a hotline, legal
//! aid, a labour attaché. Lists are JSON text as given; the filtered ones also have join tables.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "support_service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub kind: String,
    pub operator: String,
    #[sea_orm(column_type = "Text")]
    pub countries: String,
    #[sea_orm(column_type = "Text")]
    pub cities: String,
    #[sea_orm(column_type = "Text")]
    pub corridors: String,
    #[sea_orm(column_type = "Text")]
    pub languages: String,
    /// The channels with their opening hours, as the interchange format writes them.
    #[sea_orm(column_type = "Text")]
    pub channels: String,
    pub free: bool,
    pub website: Option<String>,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
