//! A report of a false claim: a domain or page showing the mark, a certificate number used by
//! someone else, a fake agent. Private until the secretariat confirms it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "misuse_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// As reported.
    pub value: String,
    /// As the checks compare it (a host name, E.164, an identifier key).
    pub value_key: String,
    /// The recruiter whose name or certificate is misused, if known.
    pub recruiter_id: Option<i64>,
    /// What the reporter said; never public.
    #[sea_orm(column_type = "Text", nullable)]
    pub details: Option<String>,
    /// `received`, `confirmed`, `rejected`.
    pub status: String,
    /// What the secretariat publishes with a confirmed report.
    #[sea_orm(column_type = "Text", nullable)]
    pub public_note: Option<String>,
    pub reported_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
