//! Index of the web domains allowed to display the mark.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "trademark_domain")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub right_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
