//! Worker voice: a complaint's status for the worker, the complaint ledger for its intake
//! partners, and the confirmed misuse reports.

use async_graphql::{Context, ID, InputObject, Object};

use crate::{
    auth::{Caller, Role},
    graphql::{
        self,
        types::{Complaint, ComplaintStatus, CountedConnection, MisuseReport, connection, enums},
    },
    ids::{self, Kind},
    service::{complaint, misuse, page::PageArgs},
};

#[derive(Default)]
pub struct VoiceQuery;

/// Narrows the misuse reports.
#[derive(InputObject, Default)]
pub struct MisuseReportFilter {
    pub kind: Option<Vec<enums::MisuseKind>>,
    /// Reports about this recruiter's name, mark or certificate.
    pub recruiter_id: Option<ID>,
    /// The secretariat only: reports in these states (everyone else sees confirmed ones).
    pub status: Option<Vec<enums::MisuseStatus>>,
}

#[Object]
impl VoiceQuery {
    /// Where the complaint with this tracking reference is, and how it ended; null for an
    /// unknown reference. Needs no login: the reference is the worker's key.
    async fn complaint_status(
        &self,
        ctx: &Context<'_>,
        reference: String,
    ) -> async_graphql::Result<Option<ComplaintStatus>> {
        Ok(complaint::by_reference(graphql::db(ctx)?, &reference)
            .await?
            .map(ComplaintStatus))
    }

    /// The complaints the calling intake partner recorded (an admin: all), newest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn complaints(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Complaint>> {
        let identity = graphql::mutation::require(ctx, &[Role::Intake])?;
        let listing = complaint::list_own(graphql::db(ctx)?, identity, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, Complaint))
    }

    /// Misuse reports the secretariat confirmed (false claims of the mark, copied certificate
    /// numbers, fake agents), newest first. The secretariat also sees those awaiting review.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn misuse_reports(
        &self,
        ctx: &Context<'_>,
        filter: Option<MisuseReportFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<MisuseReport>> {
        let private = matches!(
            ctx.data::<Caller>(),
            Ok(Caller::Authenticated(identity)) if matches!(identity.role, Role::Admin | Role::Editor)
        );
        let filter = filter.unwrap_or_default();
        let recruiter_id = match &filter.recruiter_id {
            Some(id) => Some(ids::decode_id_of(Kind::Recruiter, id)?),
            None => None,
        };
        let filter = misuse::MisuseReportFilter {
            kind: filter.kind.map(|kinds| kinds.into_iter().map(Into::into).collect()),
            recruiter_id,
            status: filter
                .status
                .map(|statuses| statuses.into_iter().map(Into::into).collect()),
        };
        let listing = misuse::list(graphql::db(ctx)?, &filter, private, &PageArgs::forward(first, after)).await?;
        Ok(connection(listing, |row| MisuseReport { row, private }))
    }
}
