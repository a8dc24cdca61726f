//! A brand, supplier, employer or industry association.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub sector: Option<String>,
    pub website: Option<String>,
    /// Scheme-qualified identifiers (`NP-CRO-45995`), a JSON array in the order given.
    #[sea_orm(column_type = "Text")]
    pub identifiers: String,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
