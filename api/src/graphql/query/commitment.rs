use async_graphql::{Context, Object};

use crate::{
    graphql::{
        self,
        query::filters::{CommitmentFilter, OrganisationFilter},
        types::{Commitment, CountedConnection, Organisation, connection},
    },
    service::{commitment, page::PageArgs},
};

#[derive(Default)]
pub struct CommitmentQuery;

#[Object]
impl CommitmentQuery {
    /// Brands, suppliers, employers and industry associations, by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Organisation>> {
        let listing = commitment::organisations(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            &PageArgs::forward(first, after),
        )
        .await?;
        Ok(connection(listing, Organisation))
    }

    /// Employer Pays commitments, most recent first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        filter: Option<CommitmentFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Commitment>> {
        let listing = commitment::commitments(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            &PageArgs::forward(first, after),
        )
        .await?;
        Ok(connection(listing, Commitment))
    }
}
