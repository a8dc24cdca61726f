//! A national recruitment licence held by a recruiter.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "licence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub recruiter_id: i64,
    pub position: i32,
    pub issuing_authority: String,
    pub country: String,
    pub licence_number: String,
    pub number_key: String,
    pub status: String,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    /// The licensing authority's record, when the licence names one.
    pub authority_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
