//! The public professional record of an approved auditor: no private contact.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "auditor")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    /// The name under which the auditor is approved.
    pub name: String,
    /// The certification body the auditor audits for.
    pub body_id: i64,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub status_history: String,
    /// When the auditor completed the social-auditor course.
    pub course_completed_on: Option<Date>,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
