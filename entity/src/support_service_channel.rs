//! Index of the kinds of channel (phone, whatsapp, ...) a support service answers on, for filtering.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "support_service_channel")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
