use async_graphql::{Context, Object};

use super::{Commitment, CountedConnection, Recruiter, SupportService, TrainingListing, connection};
use crate::{
    graphql,
    service::{
        commitment, corridor,
        page::PageArgs,
        recruiter::CorridorInput,
        support::{self, SupportServiceFilter},
        training::{self, TrainingListingFilter},
    },
};

/// A migration corridor and what the directory knows about it.
pub struct Corridor {
    pub origin: String,
    pub destination: String,
}

impl Corridor {
    /// The corridor's support services in `country` (one of its ends), in `language` if given.
    async fn support_in(
        &self,
        ctx: &Context<'_>,
        country: &str,
        language: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<SupportService>> {
        let filter = SupportServiceFilter {
            country: Some(country.to_owned()),
            corridor: Some((self.origin.clone(), self.destination.clone())),
            language,
            ..Default::default()
        };
        let listing = support::list(graphql::db(ctx)?, &filter, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, SupportService))
    }

    fn input(&self) -> CorridorInput {
        CorridorInput {
            origin: Some(self.origin.clone()),
            destination: Some(self.destination.clone()),
        }
    }
}

#[Object]
impl Corridor {
    async fn origin(&self) -> &str {
        &self.origin
    }

    async fn destination(&self) -> &str {
        &self.destination
    }

    /// Recruiters serving the corridor, those certified today first, then by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn recruiters(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(desc = "Only recruiters certified today.", default = false)] certified_only: bool,
    ) -> async_graphql::Result<CountedConnection<Recruiter>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let listing = corridor::recruiters(
            graphql::db(ctx)?,
            &self.origin,
            &self.destination,
            certified_only,
            &args,
            graphql::facts(ctx)?.today,
        )
        .await?;
        Ok(connection(listing, Recruiter))
    }

    /// How many recruiters serving the corridor are certified today.
    async fn certified_recruiter_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(corridor::certified_count(
            graphql::db(ctx)?,
            &self.origin,
            &self.destination,
            graphql::facts(ctx)?.today,
        )
        .await?)
    }

    /// Employer Pays commitments that cover the corridor, most recent first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Commitment>> {
        let condition = commitment::covering_corridor(&self.input())?;
        let listing = commitment::list(graphql::db(ctx)?, condition, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, Commitment))
    }

    /// Training held in the corridor's countries (pre-departure at origin, post-arrival at
    /// destination, and training for recruiters and employers on either side), soonest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn training_listings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<TrainingListing>> {
        let filter = TrainingListingFilter {
            countries: Some(vec![self.origin.clone(), self.destination.clone()]),
            ..Default::default()
        };
        let listing = training::listings(graphql::db(ctx)?, &filter, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, TrainingListing))
    }

    /// Where a migrant of this corridor gets help before leaving: services in the country of
    /// origin listed for the corridor or helping every migrant there. `language` keeps those
    /// that help in it (ISO 639-1).
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn support_at_origin(
        &self,
        ctx: &Context<'_>,
        language: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<SupportService>> {
        self.support_in(ctx, &self.origin, language, first, after).await
    }

    /// Where a migrant of this corridor gets help abroad: services in the country of
    /// destination (resource centres, help desks, the origin country's labour attachés) listed
    /// for the corridor or helping every migrant there.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn support_at_destination(
        &self,
        ctx: &Context<'_>,
        language: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<SupportService>> {
        self.support_in(ctx, &self.destination, language, first, after).await
    }
}
