//! A labour recruitment agency. List fields are JSON arrays in display order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "recruiter")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub slug: String,
    pub slug_key: String,
    pub legal_name: String,
    #[sea_orm(column_type = "Text")]
    pub trading_names: String,
    #[sea_orm(column_type = "Text")]
    pub former_names: String,
    pub country: String,
    pub city: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub languages: String,
    #[sea_orm(column_type = "Text")]
    pub sectors: String,
    #[sea_orm(column_type = "Text")]
    pub corridors: String,
    pub cbp_level: String,
    /// Scheme-qualified identifiers (`NP-CRO-45995`), a JSON array in the order given.
    #[sea_orm(column_type = "Text")]
    pub identifiers: String,
    pub version: i32,
    pub content_hash: Option<String>,
    /// The last day the recruiter is certified (see `service/standing.rs`); `None`: not certified.
    pub certified_until: Option<Date>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
