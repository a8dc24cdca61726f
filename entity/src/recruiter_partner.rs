//! A sending-country recruiter and the receiving-country recruiter it works with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "recruiter_partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub recruiter_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
