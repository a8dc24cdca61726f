//! Surveillance-audit schedule of a scheme (`*` = default).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_policy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub scheme: String,
    pub initial_interval_months: i32,
    pub initial_period_months: i32,
    pub later_interval_months: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
