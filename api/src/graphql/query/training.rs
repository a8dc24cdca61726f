use async_graphql::{Context, Object};

use crate::{
    graphql::{
        self,
        query::filters::{TrainingListingFilter, TrainingProviderFilter},
        types::{CountedConnection, TrainingListing, TrainingProvider, connection},
    },
    service::{page::PageArgs, training},
};

#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Training providers, by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn training_providers(
        &self,
        ctx: &Context<'_>,
        filter: Option<TrainingProviderFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<TrainingProvider>> {
        let listing = training::providers(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            &PageArgs::forward(first, after),
        )
        .await?;
        Ok(connection(listing, TrainingProvider))
    }

    /// Training listings, soonest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn training_listings(
        &self,
        ctx: &Context<'_>,
        filter: Option<TrainingListingFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<TrainingListing>> {
        let listing = training::listings(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            &PageArgs::forward(first, after),
        )
        .await?;
        Ok(connection(listing, TrainingListing))
    }
}
