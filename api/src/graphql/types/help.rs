//! Help and worker voice: support services, recruiters' authorised channels and the answer of
//! `verifyContact`.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::{authorised_channel, support_service};
use interchange::{CorridorRecord, ServiceChannelRecord};

use super::{CorridorRef, Recruiter, enums, json_list};
use crate::{
    graphql,
    ids::{self, Kind},
    service::{contact, standing, support},
    vocab::{AuthorisedChannelKind, ServiceChannelKind, SupportKind, Weekday},
};

/// Where a migrant worker gets help: a Migrant Resource Centre, a civil-society help desk, a
/// hotline, legal aid, a labour attaché.
pub struct SupportService(pub support_service::Model);

#[Object]
impl SupportService {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::SupportService, self.0.id))
    }

    /// Stable identifier in the open-data format.
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

    async fn kind(&self) -> async_graphql::Result<enums::SupportKind> {
        Ok(SupportKind::stored(&self.0.kind, "support_service.kind")?.into())
    }

    /// Who runs it: a ministry, an NGO, a trade union, an embassy.
    async fn operator(&self) -> &str {
        &self.0.operator
    }

    /// Countries where it is or which it serves (ISO 3166-1 alpha-2).
    async fn countries(&self) -> Vec<String> {
        json_list(&self.0.countries)
    }

    async fn cities(&self) -> Vec<String> {
        json_list(&self.0.cities)
    }

    /// Corridors it is listed for; empty: it helps every migrant in its countries.
    async fn corridors(&self) -> Vec<CorridorRef> {
        json_list::<CorridorRecord>(&self.0.corridors)
            .into_iter()
            .map(CorridorRef::from)
            .collect()
    }

    /// Languages it helps in (ISO 639-1).
    async fn languages(&self) -> Vec<String> {
        json_list(&self.0.languages)
    }

    /// How to reach it, with opening hours.
    async fn channels(&self) -> Vec<ServiceChannel> {
        json_list::<ServiceChannelRecord>(&self.0.channels)
            .into_iter()
            .map(ServiceChannel)
            .collect()
    }

    /// Whether help costs the worker nothing.
    async fn free(&self) -> bool {
        self.0.free
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// Whether one of its channels answers now, by each channel's own clock; null when none
    /// publishes its hours.
    async fn open_now(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        let now = graphql::facts(ctx)?.now;
        let states: Vec<bool> = json_list::<ServiceChannelRecord>(&self.0.channels)
            .iter()
            .filter_map(|channel| support::open_at(channel, now))
            .collect();
        Ok((!states.is_empty()).then(|| states.contains(&true)))
    }
}

/// One way of reaching a support service.
pub struct ServiceChannel(ServiceChannelRecord);

#[Object]
impl ServiceChannel {
    async fn kind(&self) -> async_graphql::Result<enums::ServiceChannelKind> {
        Ok(ServiceChannelKind::stored(&self.0.kind, "support_service.channels.kind")?.into())
    }

    /// The number, address or page; for `WALK_IN`, the street address.
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// When it answers, in `timeZone`; empty: hours not published.
    async fn hours(&self) -> async_graphql::Result<Vec<OpeningHours>> {
        let mut out = Vec::with_capacity(self.0.hours.len());
        for hours in &self.0.hours {
            let mut days = Vec::with_capacity(hours.days.len());
            for day in &hours.days {
                days.push(Weekday::stored(day, "support_service.channels.hours.days")?.into());
            }
            out.push(OpeningHours {
                days,
                opens: hours.opens.clone(),
                closes: hours.closes.clone(),
            });
        }
        Ok(out)
    }

    /// IANA time zone of the hours, e.g. `Asia/Kathmandu`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// Whether it answers now by its own clock; null when its hours are not published.
    async fn open_now(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        Ok(support::open_at(&self.0, graphql::facts(ctx)?.now))
    }
}

/// Days of the week and the times of day (`HH:MM`, local to the channel's time zone).
#[derive(SimpleObject)]
pub struct OpeningHours {
    pub days: Vec<enums::Weekday>,
    pub opens: String,
    /// `24:00` is midnight at the end of the day.
    pub closes: String,
}

/// A branch office or authorised representative of a recruiter, with its public business
/// contacts. Anything else claiming to act for the recruiter is not vouched for.
pub struct AuthorisedChannel(pub authorised_channel::Model);

#[Object]
impl AuthorisedChannel {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::AuthorisedChannel, self.0.id))
    }

    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn kind(&self) -> async_graphql::Result<enums::AuthorisedChannelKind> {
        Ok(AuthorisedChannelKind::stored(&self.0.kind, "authorised_channel.kind")?.into())
    }

    /// The office's or the representative business's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn country(&self) -> &str {
        &self.0.country
    }

    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// Business phone numbers in E.164.
    async fn phones(&self) -> Vec<String> {
        json_list(&self.0.phones)
    }

    /// Web and social-media pages.
    async fn web_addresses(&self) -> Vec<String> {
        json_list(&self.0.web_addresses)
    }

    /// Agent registration numbers issued by the national authority.
    async fn agent_numbers(&self) -> Vec<String> {
        json_list(&self.0.agent_numbers)
    }

    async fn valid_from(&self) -> NaiveDate {
        self.0.valid_from
    }

    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
    }

    /// Valid today (between its dates). Whether it may be trusted also needs its recruiter
    /// certified today: `verifyContact` answers both.
    async fn valid_today(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(contact::channel_valid(&self.0, graphql::facts(ctx)?.today))
    }

    /// The recruiter it acts for; null when that recruiter is archived.
    async fn recruiter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Recruiter>> {
        Ok(graphql::loaders(ctx)?
            .recruiter
            .load_one(self.0.recruiter_id)
            .await?
            .map(Recruiter))
    }
}

/// The answer of `verifyContact`: whether a phone number, web or social-media page or agent
/// number is an authorised channel, valid today, of a recruiter certified today.
pub struct ContactVerification(pub contact::ContactCheck);

#[Object]
impl ContactVerification {
    /// The value as asked.
    async fn value(&self) -> &str {
        &self.0.value
    }

    /// What the value was read as.
    async fn kind(&self) -> enums::ContactKind {
        self.0.kind.into()
    }

    /// The form it was compared in: E.164 for a phone number, host and path for a page.
    async fn normalised(&self) -> &str {
        &self.0.normalised
    }

    /// True only for an authorised channel, valid today, of a recruiter certified today.
    async fn authorised(&self) -> bool {
        self.0.authorised
    }

    /// Why, in a sentence a person can act on.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// Set when the value belongs to a channel that must not be trusted today (expired, not yet
    /// valid, or of a recruiter that is not certified today).
    async fn warning(&self) -> Option<&str> {
        self.0.warning.as_deref()
    }

    /// The recruiter whose channel it is (certified or not).
    async fn recruiter(&self) -> Option<Recruiter> {
        self.0.recruiter.clone().map(Recruiter)
    }

    /// The channel the value belongs to.
    async fn channel(&self) -> Option<AuthorisedChannel> {
        self.0.channel.clone().map(AuthorisedChannel)
    }

    /// Since when the channel is authorised, when it is authorised today.
    async fn since(&self) -> Option<NaiveDate> {
        self.0
            .channel
            .as_ref()
            .filter(|_| self.0.authorised)
            .map(|channel| channel.valid_from)
    }

    /// Whether the recruiter is certified today.
    async fn recruiter_certified(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        let today = graphql::facts(ctx)?.today;
        Ok(self
            .0
            .recruiter
            .as_ref()
            .map(|recruiter| standing::in_force(recruiter.certified_until, today)))
    }
}
