use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::{training_listing, training_provider};

use super::enums;
use super::json_list;
use crate::{
    graphql,
    ids::{self, Kind},
    vocab::{Audience, Delivery, Programme, ProviderKind},
};

/// An organisation offering training.
#[derive(Clone)]
pub struct TrainingProvider(pub training_provider::Model);

#[Object]
impl TrainingProvider {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::TrainingProvider, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> async_graphql::Result<enums::ProviderKind> {
        Ok(ProviderKind::stored(&self.0.kind, "training_provider.kind")?.into())
    }

    async fn countries(&self) -> Vec<String> {
        json_list(&self.0.countries)
    }

    async fn languages(&self) -> Vec<String> {
        json_list(&self.0.languages)
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// Its listings, soonest first.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::LISTINGS, child_complexity)"
    )]
    async fn listings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TrainingListing>> {
        let listings = graphql::loaders(ctx)?
            .listings
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(listings.into_iter().map(TrainingListing).collect())
    }
}

/// A fee: a decimal amount in an ISO 4217 currency.
#[derive(SimpleObject)]
pub struct Fee {
    /// Decimal string, e.g. `"150.00"`, so no precision is lost.
    pub amount: String,
    pub currency: String,
}

/// A scheduled training programme.
pub struct TrainingListing(pub training_listing::Model);

#[Object]
impl TrainingListing {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::TrainingListing, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn programme(&self) -> async_graphql::Result<enums::Programme> {
        Ok(Programme::stored(&self.0.programme, "training_listing.programme")?.into())
    }

    async fn audience(&self) -> async_graphql::Result<enums::Audience> {
        Ok(Audience::stored(&self.0.audience, "training_listing.audience")?.into())
    }

    async fn delivery(&self) -> async_graphql::Result<enums::Delivery> {
        Ok(Delivery::stored(&self.0.delivery, "training_listing.delivery")?.into())
    }

    /// Where it is held; absent for online-only listings.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    async fn languages(&self) -> Vec<String> {
        json_list(&self.0.languages)
    }

    async fn starts_on(&self) -> Option<NaiveDate> {
        self.0.starts_on
    }

    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }

    /// Absent when the listing is free.
    async fn fee(&self) -> Option<Fee> {
        match (&self.0.fee_amount, &self.0.fee_currency) {
            (Some(amount), Some(currency)) => Some(Fee {
                amount: amount.clone(),
                currency: currency.clone(),
            }),
            _ => None,
        }
    }

    async fn free(&self) -> bool {
        self.0.fee_amount.is_none()
    }

    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }

    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TrainingProvider>> {
        Ok(graphql::loaders(ctx)?
            .provider
            .load_one(self.0.provider_id)
            .await?
            .map(TrainingProvider))
    }
}
