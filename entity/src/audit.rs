//! An audit of a certification: who audited, when, how, and the public summary of what was
//! found. Never a worker's identity.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub external_id: String,
    pub certification_id: i64,
    /// `initial`, `surveillance`, `recertification`, `special`.
    pub kind: String,
    pub announced: bool,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub body_id: Option<i64>,
    pub lead_auditor_id: Option<i64>,
    pub workers_interviewed: i32,
    pub sites_visited: i32,
    pub outcome: String,
    /// Findings per principle with their corrective actions: a JSON array in interchange form.
    #[sea_orm(column_type = "Text")]
    pub findings: String,
    pub version: i32,
    pub content_hash: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
