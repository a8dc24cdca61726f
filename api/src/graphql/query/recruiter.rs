use async_graphql::{Context, ID, Object};
use sea_orm::{EntityTrait, QueryFilter};

use super::filters;
use crate::{
    error::AppError,
    graphql::{
        self,
        types::{
            Certification, Commitment, CountedConnection, MarkRight, Node, Organisation, Recruiter, TrainingListing,
            TrainingProvider, connection,
        },
    },
    ids::{self, Kind},
    service::{page::PageArgs, recruiter},
};

#[derive(Default)]
pub struct RecruiterQuery;

#[Object]
impl RecruiterQuery {
    /// Fetches any record by its global ID; null if it does not exist (or was archived).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let (kind, key) = ids::decode_id(&id)?;
        let db = graphql::db(ctx)?;
        let live = |archived_at: Option<chrono::DateTime<chrono::Utc>>| archived_at.is_none();
        let node = match kind {
            Kind::Recruiter => recruiter::find_by_id(db, key)
                .await?
                .map(|row| Node::Recruiter(Recruiter(row))),
            // Both go with their recruiter when it is archived.
            Kind::Certification => crate::service::certification::find_by_id(db, key)
                .await?
                .map(|row| Node::Certification(Certification(row))),
            Kind::TrademarkRight => entity::trademark_right::Entity::find_by_id(key)
                .filter(crate::service::certification::live_recruiter((
                    entity::trademark_right::Entity,
                    entity::trademark_right::Column::RecruiterId,
                )))
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::MarkRight(MarkRight(row))),
            Kind::Organisation => entity::organisation::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::Organisation(Organisation(row))),
            Kind::Commitment => entity::commitment::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::Commitment(Commitment(row))),
            Kind::TrainingProvider => entity::training_provider::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::TrainingProvider(TrainingProvider(row))),
            Kind::TrainingListing => entity::training_listing::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::TrainingListing(TrainingListing(row))),
            Kind::CertificationBody => crate::service::trust::find_body(db, key)
                .await?
                .map(|row| Node::CertificationBody(crate::graphql::types::CertificationBody(row))),
            Kind::Auditor => entity::auditor::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::Auditor(crate::graphql::types::Auditor(row))),
            Kind::LicensingAuthority => entity::licensing_authority::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::LicensingAuthority(crate::graphql::types::LicensingAuthority(row))),
            Kind::Audit => entity::audit::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::Audit(crate::graphql::types::Audit(row))),
            Kind::SupportService => entity::support_service::Entity::find_by_id(key)
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::SupportService(crate::graphql::types::SupportService(row))),
            // A channel goes with its recruiter when it is archived.
            Kind::AuthorisedChannel => entity::authorised_channel::Entity::find_by_id(key)
                .filter(crate::service::certification::live_recruiter((
                    entity::authorised_channel::Entity,
                    entity::authorised_channel::Column::RecruiterId,
                )))
                .one(db)
                .await
                .map_err(AppError::from)?
                .filter(|row| live(row.archived_at))
                .map(|row| Node::AuthorisedChannel(crate::graphql::types::AuthorisedChannel(row))),
            // Private records: never reachable by id in public.
            Kind::Complaint | Kind::MisuseReport => None,
        };
        Ok(node)
    }

    /// One recruiter, by `id`, by `slug` (case-insensitive) or by a scheme-qualified
    /// `identifier` such as a company-register number (`NP-CRO-45995`). Unknown ones are
    /// `NOT_FOUND`.
    async fn recruiter(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        identifier: Option<String>,
    ) -> async_graphql::Result<Option<Recruiter>> {
        let db = graphql::db(ctx)?;
        let found = match (id, slug, identifier) {
            (Some(id), None, None) => recruiter::find_by_id(db, ids::decode_id_of(Kind::Recruiter, &id)?).await?,
            (None, Some(slug), None) => recruiter::find_by_slug(db, &slug).await?,
            (None, None, Some(identifier)) => recruiter::find_by_identifier(db, &identifier).await?,
            _ => return Err(AppError::bad_input("pass exactly one of `id`, `slug` or `identifier`").into()),
        };
        match found {
            Some(row) => Ok(Some(Recruiter(row))),
            None => Err(AppError::NotFound(
                "no recruiter with that id, slug or identifier: check it, or search by name".to_owned(),
            )
            .into()),
        }
    }

    /// Recruiters matching a filter, in pages of at most 100.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn recruiters(
        &self,
        ctx: &Context<'_>,
        filter: Option<filters::RecruiterFilter>,
        order_by: Option<filters::RecruiterOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Recruiter>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let listing = recruiter::list(
            graphql::db(ctx)?,
            &filter.map(Into::into).unwrap_or_default(),
            order_by.map(Into::into).unwrap_or_default(),
            &args,
            graphql::facts(ctx)?.today,
        )
        .await?;
        Ok(connection(listing, Recruiter))
    }
}
