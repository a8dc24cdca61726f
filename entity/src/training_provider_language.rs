//! Index of the languages a training provider teaches in, for filtering.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "training_provider_language")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub language: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
