//! A corridor (origin -> destination) a recruiter serves, with the recruiter's name, standing
//! and whether it is listed copied in (kept by `service/standing.rs`), so a corridor's page,
//! certified first then by name, and its counts are read from one index.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "recruiter_corridor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub recruiter_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub origin: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub destination: String,
    pub legal_name: String,
    pub certified_until: Option<Date>,
    /// False once the recruiter is archived.
    pub listed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
