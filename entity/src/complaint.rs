//! A complaint about a recruiter, recorded by an intake partner on a worker's behalf. Nothing
//! in it identifies the worker; the tracking reference is kept only as its hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "complaint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Public case number, cited by certification decisions (`C-2026-000042`).
    pub case_number: String,
    /// SHA-256 (hex) of the worker's tracking reference.
    pub reference_hash: String,
    pub recruiter_id: i64,
    pub origin: Option<String>,
    pub destination: Option<String>,
    /// JSON array of categories.
    #[sea_orm(column_type = "Text")]
    pub categories: String,
    pub received_on: Date,
    pub stage: String,
    /// JSON array of `{from, to, at}`.
    #[sea_orm(column_type = "Text")]
    pub stage_history: String,
    pub outcome: Option<String>,
    pub remedy: Option<String>,
    /// The intake partner (token subject) that recorded it: only it may see and move it.
    pub recorded_by: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
