//! Relay connections with `totalCount`.

use async_graphql::{
    Context, Object, OutputType,
    connection::{Connection, Edge},
};

use crate::{
    graphql,
    service::page::{Counter, Listing},
};

/// The extra connection fields; flattened into every `...Connection` type.
pub struct ConnectionTotals {
    counter: Counter,
}

#[Object]
impl ConnectionTotals {
    /// How many records match, across all pages (counted only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(self.counter.count(graphql::db(ctx)?).await?)
    }
}

pub type CountedConnection<N> = Connection<String, N, ConnectionTotals>;

/// Builds a connection from a service listing, wrapping each row as a GraphQL node.
pub fn connection<T, N: OutputType>(listing: Listing<T>, node: impl Fn(T) -> N) -> CountedConnection<N> {
    let mut connection = Connection::with_additional_fields(
        listing.has_previous_page,
        listing.has_next_page,
        ConnectionTotals {
            counter: listing.counter,
        },
    );
    connection.edges.extend(
        listing
            .edges
            .into_iter()
            .map(|(cursor, row)| Edge::new(cursor, node(row))),
    );
    connection
}
