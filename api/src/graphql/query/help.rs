//! Help for jobseekers and migrant workers: where to get it, and whether a contact is real.

use async_graphql::{Context, Object};

use crate::{
    graphql::{
        self,
        query::filters::SupportServiceFilter,
        types::{ContactVerification, CountedConnection, SupportService, connection},
    },
    service::{contact, page::PageArgs, support},
};

#[derive(Default)]
pub struct HelpQuery;

#[Object]
impl HelpQuery {
    /// Support services (Migrant Resource Centres, help desks, hotlines, legal aid, labour
    /// attachés), by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn support_services(
        &self,
        ctx: &Context<'_>,
        filter: Option<SupportServiceFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<SupportService>> {
        let filter: support::SupportServiceFilter = filter.unwrap_or_default().try_into()?;
        let listing = support::list(graphql::db(ctx)?, &filter, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, SupportService))
    }

    /// Whether a phone number, a web or social-media page, or an agent registration number is
    /// an authorised channel, valid today, of a recruiter certified today, and whose.
    async fn verify_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A phone number (with its country code, or give `country`), a web or social-media address, or an agent number."
        )]
        value: String,
        #[graphql(desc = "The country a phone number without its country code is dialled in (ISO 3166-1 alpha-2).")]
        country: Option<String>,
    ) -> async_graphql::Result<ContactVerification> {
        let check = contact::verify(
            graphql::db(ctx)?,
            &value,
            country.as_deref(),
            graphql::facts(ctx)?.today,
        )
        .await?;
        Ok(ContactVerification(check))
    }
}
