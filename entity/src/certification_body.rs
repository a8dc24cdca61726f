//! A certification body approved (or not) by the scheme to audit recruiters.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "certification_body")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub name: String,
    /// The name normalised: unique, and what a certifier's token names.
    pub name_key: String,
    pub country: String,
    pub website: Option<String>,
    /// Countries it may audit in: a JSON array of ISO 3166-1 alpha-2 codes.
    #[sea_orm(column_type = "Text")]
    pub audit_countries: String,
    /// `applicant`, `approved`, `suspended`, `withdrawn`: the last entry of the history.
    pub status: String,
    /// The public approval history, a JSON array of status changes, oldest first.
    #[sea_orm(column_type = "Text")]
    pub status_history: String,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
