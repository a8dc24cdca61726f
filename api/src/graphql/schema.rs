//! Builds the schema once at start; every actix worker shares it.

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use super::{mutation::Mutation, query::Query, subscription::Subscription};

pub type DirectorySchema = Schema<Query, Mutation, Subscription>;

/// Query depth and complexity caps keep one request from costing the server unbounded work.
pub fn build(
    db: DatabaseConnection,
    search: crate::search::Search,
    feed: crate::changes::Feed,
    receipts: crate::receipt::ReceiptSigner,
    webhooks: crate::config::WebhookSettings,
    secret_keys: crate::webhook::secrets::SecretKeys,
    query_time_limit: std::time::Duration,
) -> DirectorySchema {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .data(db)
        .data(search)
        .data(feed)
        .data(receipts)
        .data(webhooks)
        .data(secret_keys)
        .data(super::limits::QueryTimeLimit(query_time_limit))
        // One "today" per operation, WebSocket operations included.
        .extension(super::cost::OperationFacts)
        // Charges each operation's complexity to the caller's rate limit (see `cost.rs`).
        .extension(super::cost::CostLimit)
        // Aliases, root fields, depth, complexity and fragment expansion, refused with
        // `QUERY_TOO_COMPLEX` and the figures (registered after `CostLimit`, so a refused
        // operation is not charged), and the time limit of queries (`TIMEOUT`).
        .extension(super::limits::QueryLimits)
        // After a mutation: this server's feed settles before the answer goes out (see
        // `settle.rs`), so the writer finds its change; in one place, so no mutation forgets.
        .extension(super::settle::SettleWrites)
        .limit_recursive_depth(32)
        // A public API keeps introspection, but errors must not hint at field names.
        .disable_suggestions()
        .finish()
}

/// A request made ready to run: per-request loaders, one "today" and the caller.
pub fn prepare(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    caller: crate::auth::Caller,
) -> async_graphql::Request {
    request.data(super::Loaders::new(db)).data(caller)
}

/// The schema's SDL, for the contract snapshot test and for clients' code generators.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .finish()
        .sdl()
}
