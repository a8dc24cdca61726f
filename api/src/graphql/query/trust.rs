use async_graphql::{Context, ID, Object};

use crate::{
    graphql::{
        self,
        query::filters::{AuditorFilter, CertificationBodyFilter, LicensingAuthorityFilter},
        types::{Auditor, CertificationBody, CountedConnection, LicensingAuthority, connection},
    },
    ids::{self, Kind},
    service::{page::PageArgs, trust},
};

/// The chain of trust: who certifies, who audits, who licenses.
#[derive(Default)]
pub struct TrustQuery;

#[Object]
impl TrustQuery {
    /// Certification bodies, by name, with their approval by the scheme.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn certification_bodies(
        &self,
        ctx: &Context<'_>,
        filter: Option<CertificationBodyFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<CertificationBody>> {
        let listing = trust::bodies(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            &PageArgs::forward(first, after),
        )
        .await?;
        Ok(connection(listing, CertificationBody))
    }

    /// One certification body; null if unknown or archived.
    async fn certification_body(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<CertificationBody>> {
        let key = ids::decode_id_of(Kind::CertificationBody, &id)?;
        Ok(trust::find_body(graphql::db(ctx)?, key).await?.map(CertificationBody))
    }

    /// Auditors approved by the scheme (and those who were), by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn auditors(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditorFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Auditor>> {
        let filter = filter.unwrap_or_default();
        let body_id = match &filter.body {
            Some(body) => Some(ids::decode_id_of(Kind::CertificationBody, body)?),
            None => None,
        };
        let filter = trust::AuditorFilter {
            body_id,
            status: filter.status.map(|values| values.into_iter().map(Into::into).collect()),
        };
        let listing = trust::auditors(graphql::db(ctx)?, &filter, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, Auditor))
    }

    /// The national authorities that license recruiters, by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn licensing_authorities(
        &self,
        ctx: &Context<'_>,
        filter: Option<LicensingAuthorityFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<LicensingAuthority>> {
        let listing = trust::authorities(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            &PageArgs::forward(first, after),
        )
        .await?;
        Ok(connection(listing, LicensingAuthority))
    }
}
