//! A recruiter's certification against the standard; `status` is the stored lifecycle state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "certification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub recruiter_id: i64,
    pub certificate_number: String,
    pub number_key: String,
    pub scheme: String,
    /// The body's name as certificates show it (its record, when there is one, is `body_id`).
    pub certification_body: Option<String>,
    pub body_id: Option<i64>,
    /// When the next audit falls due, after the last one recorded: kept by every write that
    /// moves it and compared with today when a query runs. Null until an audit is recorded.
    pub audit_due_on: Option<Date>,
    pub status: String,
    pub issued_on: Option<Date>,
    pub expires_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub scope_corridors: String,
    #[sea_orm(column_type = "Text")]
    pub scope_sectors: String,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
