//! The public GraphQL API: schema, query roots, output types and batch loaders.

pub mod cost;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod schema;
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

/// After a write commits: bring the search index up to date before answering, so the writer
/// finds its change, then move the cache generation past the write so no older cached answer
/// is served again (in this order: a search cached under the new generation must come from the
/// caught-up index). A failure here is logged, not returned: the write itself succeeded, and
/// the follower retries within a second.
pub async fn after_write(ctx: &Context<'_>) {
    if let Ok(search) = ctx.data::<crate::search::Search>()
        && let Err(error) = search.catch_up().await
    {
        tracing::warn!(error = ?error, "search index catch-up after a write failed");
    }
    if let (Ok(generation), Ok(db)) = (ctx.data::<crate::cache::Generation>(), ctx.data::<DatabaseConnection>()) {
        match crate::service::changes::latest_seq(db).await {
            Ok(seq) => generation.wrote(u64::try_from(seq).unwrap_or(0)),
            Err(error) => tracing::warn!(error = ?error, "cannot read the change-log position after a write"),
        }
    }
}
