//! Index of the sectors a commitment covers, for filtering.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitment_sector")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sector: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
