use async_graphql::{Context, ErrorExtensions, Object};
use sea_orm::EntityTrait;

use super::{
    inputs::{
        AuthorisedChannelInput, CommitmentInput, MarkRightInput, OrganisationInput, RecruiterInput,
        SupportServiceInput, TrainingListingInput, TrainingProviderInput,
    },
    require,
};
use crate::{
    auth::Role,
    changes::Actor,
    error::AppError,
    graphql::{
        self,
        types::{
            AuthorisedChannel, Commitment, MarkRight, Organisation, Recruiter, SupportService, TrainingListing,
            TrainingProvider,
        },
    },
    interchange::Record,
    service::{
        import::{self, ImportError, ImportSummary},
        write,
    },
};

#[derive(Default)]
pub struct RecordMutation;

/// How many records of each type were created or updated (unchanged ones are not counted).
#[derive(async_graphql::SimpleObject)]
pub struct ImportResult {
    /// Records identical to what the directory already holds (nothing was written for them).
    unchanged: usize,
    recruiters: usize,
    certifications: usize,
    trademark_rights: usize,
    organisations: usize,
    commitments: usize,
    training_providers: usize,
    training_listings: usize,
    licensing_authorities: usize,
    certification_bodies: usize,
    auditors: usize,
    principles: usize,
    audits: usize,
    support_services: usize,
    authorised_channels: usize,
    /// Values taken in their canonical form instead of as written, such as the host names of
    /// mark rights (`https://www.Example.COM./shop` is stored as `example.com`).
    normalised: usize,
}

impl From<ImportSummary> for ImportResult {
    fn from(summary: ImportSummary) -> Self {
        Self {
            unchanged: summary.unchanged,
            recruiters: summary.recruiters,
            certifications: summary.certifications,
            trademark_rights: summary.trademark_rights,
            organisations: summary.organisations,
            commitments: summary.commitments,
            training_providers: summary.training_providers,
            training_listings: summary.training_listings,
            licensing_authorities: summary.licensing_authorities,
            certification_bodies: summary.certification_bodies,
            auditors: summary.auditors,
            principles: summary.principles,
            audits: summary.audits,
            support_services: summary.support_services,
            authorised_channels: summary.authorised_channels,
            normalised: summary.normalised,
        }
    }
}

/// Loads a freshly written row for the response.
pub(super) async fn reload<E: EntityTrait>(ctx: &Context<'_>, id: i64) -> async_graphql::Result<E::Model>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(graphql::db(ctx)?)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("written record {id} vanished")).into())
}

#[Object]
impl RecordMutation {
    /// Creates a recruiter, or replaces it when `expectedVersion` (its current `version`) is
    /// given. References (`partners`) are external ids, as in the open-data format.
    async fn save_recruiter(
        &self,
        ctx: &Context<'_>,
        input: RecruiterInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Recruiter> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::Recruiter(input.into()),
            expected_version,
        )
        .await?;
        Ok(Recruiter(reload::<entity::recruiter::Entity>(ctx, id).await?))
    }

    async fn save_organisation(
        &self,
        ctx: &Context<'_>,
        input: OrganisationInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Organisation> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::Organisation(input.into()),
            expected_version,
        )
        .await?;
        Ok(Organisation(reload::<entity::organisation::Entity>(ctx, id).await?))
    }

    /// `organisation` is the organisation's external id.
    async fn save_commitment(
        &self,
        ctx: &Context<'_>,
        input: CommitmentInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Commitment> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::Commitment(input.into()),
            expected_version,
        )
        .await?;
        Ok(Commitment(reload::<entity::commitment::Entity>(ctx, id).await?))
    }

    async fn save_training_provider(
        &self,
        ctx: &Context<'_>,
        input: TrainingProviderInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<TrainingProvider> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::TrainingProvider(input.into()),
            expected_version,
        )
        .await?;
        Ok(TrainingProvider(
            reload::<entity::training_provider::Entity>(ctx, id).await?,
        ))
    }

    /// `provider` is the provider's external id.
    async fn save_training_listing(
        &self,
        ctx: &Context<'_>,
        input: TrainingListingInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<TrainingListing> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::TrainingListing(input.into()),
            expected_version,
        )
        .await?;
        Ok(TrainingListing(
            reload::<entity::training_listing::Entity>(ctx, id).await?,
        ))
    }

    /// Creates a support service, or replaces it when `expectedVersion` is given.
    async fn save_support_service(
        &self,
        ctx: &Context<'_>,
        input: SupportServiceInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<SupportService> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::SupportService(input.into()),
            expected_version,
        )
        .await?;
        Ok(SupportService(
            reload::<entity::support_service::Entity>(ctx, id).await?,
        ))
    }

    /// Creates a recruiter's branch office or authorised representative, or replaces it when
    /// `expectedVersion` is given. `recruiter` is the recruiter's external id.
    async fn save_authorised_channel(
        &self,
        ctx: &Context<'_>,
        input: AuthorisedChannelInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<AuthorisedChannel> {
        let identity = require(ctx, &[Role::Editor])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::AuthorisedChannel(input.into()),
            expected_version,
        )
        .await?;
        Ok(AuthorisedChannel(
            reload::<entity::authorised_channel::Entity>(ctx, id).await?,
        ))
    }

    /// Grants (or replaces) a right to display the certification mark. A certifier may only do
    /// so for recruiters its certification body certifies.
    async fn save_mark_right(
        &self,
        ctx: &Context<'_>,
        input: MarkRightInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<MarkRight> {
        let identity = require(ctx, &[Role::Certifier])?;
        // Ownership is checked inside the write, on the stored right and on its new holder.
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::TrademarkRight(input.into()),
            expected_version,
        )
        .await?;
        Ok(MarkRight(reload::<entity::trademark_right::Entity>(ctx, id).await?))
    }

    /// Imports JSON Lines of the open-data format (admin only): all or nothing, and
    /// idempotent. On error nothing changes and `extensions.lines` lists the bad lines.
    async fn import_records(&self, ctx: &Context<'_>, json_lines: String) -> async_graphql::Result<ImportResult> {
        let identity = require(ctx, &[Role::Admin])?;
        let imported = import::import_text(graphql::db(ctx)?, &json_lines, &Actor::from(identity)).await;
        match imported {
            Ok(summary) => Ok(summary.into()),
            Err(ImportError::Failed(error)) => Err(error.into()),
            Err(ImportError::Invalid { errors, total }) => {
                let lines: Vec<async_graphql::Value> = errors
                    .iter()
                    .map(|error| {
                        async_graphql::Value::from_json(
                            serde_json::json!({ "line": error.line, "message": error.message }),
                        )
                        .unwrap_or_default()
                    })
                    .collect();
                let first = errors
                    .first()
                    .map(|error| format!("line {}: {}", error.line, error.message))
                    .unwrap_or_default();
                Err(async_graphql::Error::new(format!(
                    "the import has {total} errors and changed nothing; first: {first}"
                ))
                .extend_with(|_, extensions| {
                    extensions.set("code", crate::error::ErrorCode::BadUserInput.as_str());
                    extensions.set("lines", async_graphql::Value::List(lines.clone()));
                    extensions.set("total", total as u64);
                }))
            }
        }
    }
}
