//! A national authority that licenses recruiters, and what its own public register shows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "licensing_authority")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub country: String,
    pub register_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub register_shows: Option<String>,
    /// When the directory last compared its licences with the authority's register.
    pub reconciled_at: Option<DateTimeUtc>,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
