//! One public status-history entry of a certification.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "status_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub certification_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub at: DateTimeUtc,
    pub reason: String,
    pub recorded_by: String,
    /// Public case numbers of the complaints the decision rests on, a JSON array.
    #[sea_orm(column_type = "Text")]
    pub complaint_cases: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
