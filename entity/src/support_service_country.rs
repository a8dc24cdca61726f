//! Index of the countries a support service is in or serves, for filtering.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "support_service_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub country: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
