//! Builds the schema once at start; every actix worker shares it.

use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

use super::query::Query;

pub type DirectorySchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Query depth and complexity caps keep one request from costing the server unbounded work.
pub fn build(db: DatabaseConnection) -> DirectorySchema {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .data(db)
        .limit_depth(16)
        .limit_complexity(20_000)
        .finish()
}

/// A request made ready to run: per-request loaders and one "today".
pub fn prepare(request: async_graphql::Request, db: &DatabaseConnection) -> async_graphql::Request {
    request
        .data(super::Loaders::new(db))
        .data(super::RequestFacts::now())
}

/// The schema's SDL, for the contract snapshot test and for clients' code generators.
pub fn sdl() -> String {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription).finish().sdl()
}
