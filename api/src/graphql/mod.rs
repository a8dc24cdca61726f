//! The public GraphQL API: schema, query roots, output types and batch loaders.

pub mod cost;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod schema;
pub mod settle;
pub mod subscription;
pub mod types;

use async_graphql::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::error::{AppError, AppResult};
pub use loaders::Loaders;

/// Per-request facts: one "today" for the whole request, so every field agrees on it.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts {
    pub today: NaiveDate,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl RequestFacts {
    pub fn now() -> Self {
        let now = crate::clock::now();
        Self {
            today: now.date_naive(),
            now,
        }
    }
}

fn data<'a, T: Send + Sync + 'static>(ctx: &Context<'a>) -> AppResult<&'a T> {
    ctx.data::<T>()
        .map_err(|error| AppError::internal(anyhow::anyhow!("request context is missing: {}", error.message)))
}

pub fn db<'a>(ctx: &Context<'a>) -> AppResult<&'a DatabaseConnection> {
    data::<DatabaseConnection>(ctx)
}

pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a Loaders> {
    data::<Loaders>(ctx)
}

pub fn facts(ctx: &Context<'_>) -> AppResult<RequestFacts> {
    data::<RequestFacts>(ctx).copied()
}

/// The type of the operation a request runs: the one it names, or its only (first) one. `None`
/// when the document has no such operation (the execution reports that).
pub fn chosen_operation(
    document: &async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<async_graphql::parser::types::OperationType> {
    let mut operations = document.operations.iter();
    let chosen = match name {
        Some(name) => operations.find(|(operation_name, _)| operation_name.map(|n| n.as_str()) == Some(name)),
        None => operations.next(),
    };
    chosen.map(|(_, operation)| operation.node.ty)
}
