use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{licence, recruiter};

use super::{Certification, MarkRight, enums, json_list};
use crate::{
    graphql,
    ids::{self, Kind},
    interchange::CorridorRecord,
    service::{standing, verification},
    vocab::{CbpLevel, LicenceStatus},
};

/// A labour recruitment agency that recruits across borders.
#[derive(Clone)]
pub struct Recruiter(pub recruiter::Model);

/// A migration corridor: country of origin -> country of destination.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct CorridorRef {
    pub origin: String,
    pub destination: String,
}

impl From<CorridorRecord> for CorridorRef {
    fn from(record: CorridorRecord) -> Self {
        Self {
            origin: record.origin,
            destination: record.destination,
        }
    }
}

#[Object]
impl Recruiter {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Recruiter, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Stable, URL-friendly identifier; looked up case-insensitively.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn legal_name(&self) -> &str {
        &self.0.legal_name
    }

    async fn trading_names(&self) -> Vec<String> {
        json_list(&self.0.trading_names)
    }

    /// Names the agency was known by before; searchable so that old names lead here.
    async fn former_names(&self) -> Vec<String> {
        json_list(&self.0.former_names)
    }

    /// Country of registration (ISO 3166-1 alpha-2).
    async fn country(&self) -> &str {
        &self.0.country
    }

    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The organisation's public contact address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// The organisation's public telephone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Scheme-qualified identifiers in the org-id.guide style, such as its company-register
    /// number (`NP-CRO-45995`: the register's list code, then the number in it), so other
    /// datasets can join. Empty where none is known.
    async fn identifiers(&self) -> Vec<String> {
        json_list(&self.0.identifiers)
    }

    /// Languages served (ISO 639-1).
    async fn languages(&self) -> Vec<String> {
        json_list(&self.0.languages)
    }

    async fn sectors(&self) -> Vec<String> {
        json_list(&self.0.sectors)
    }

    async fn corridors(&self) -> Vec<CorridorRef> {
        json_list::<CorridorRecord>(&self.0.corridors)
            .into_iter()
            .map(CorridorRef::from)
            .collect()
    }

    /// Capacity-building level reached; independent of certification.
    async fn cbp_level(&self) -> async_graphql::Result<enums::CbpLevel> {
        Ok(CbpLevel::stored(&self.0.cbp_level, "recruiter.cbp_level")?.into())
    }

    /// Certified today: a certification is `CERTIFIED` and not past its expiry date.
    async fn certified(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(standing::in_force(self.0.certified_until, graphql::facts(ctx)?.today))
    }

    /// Certified today while none of its national licences (issued in its country of
    /// registration) is valid today: certification does not replace the licence the law
    /// requires, so a brand should check before relying on the recruiter.
    pub(crate) async fn licence_gap(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let today = graphql::facts(ctx)?.today;
        if !standing::in_force(self.0.certified_until, today) {
            return Ok(false);
        }
        let licences = graphql::loaders(ctx)?
            .licences
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(verification::licence_gap(&self.0, &licences, today))
    }

    /// The last day the recruiter is certified, as things stand (a suspension, withdrawal or
    /// archiving ends it at once); null when it is not certified today.
    async fn certified_until(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<NaiveDate>> {
        let today = graphql::facts(ctx)?.today;
        Ok(self
            .0
            .certified_until
            .filter(|_| standing::in_force(self.0.certified_until, today)))
    }

    /// Complaints recorded about it, as counts by category and by outcome; null when fewer
    /// than 3 were recorded, and any count under 3 is left out, so that no single complaint
    /// (and no worker) can be recognised.
    async fn complaint_summary(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::ComplaintSummary>> {
        let complaints = graphql::loaders(ctx)?
            .complaints
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(crate::service::complaint::summarise(&complaints).map(super::ComplaintSummary))
    }

    /// Its branch offices and authorised representatives with their public business contacts,
    /// oldest first. `onlyValidToday` (the default) leaves out those past or not yet valid.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::CERTIFICATIONS, child_complexity)"
    )]
    async fn authorised_channels(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] only_valid_today: bool,
    ) -> async_graphql::Result<Vec<super::AuthorisedChannel>> {
        let today = graphql::facts(ctx)?.today;
        let channels = graphql::loaders(ctx)?
            .channels
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(channels
            .into_iter()
            .filter(|channel| !only_valid_today || crate::service::contact::channel_valid(channel, today))
            .map(super::AuthorisedChannel)
            .collect())
    }

    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::CERTIFICATIONS, child_complexity)"
    )]
    async fn certifications(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Certification>> {
        let certifications = graphql::loaders(ctx)?
            .certifications
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(certifications.into_iter().map(Certification).collect())
    }

    /// National recruitment licences; separate facts from certification.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::LICENCES, child_complexity)"
    )]
    async fn licences(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Licence>> {
        let licences = graphql::loaders(ctx)?
            .licences
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(licences.into_iter().map(Licence).collect())
    }

    /// Rights to display the certification mark.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::MARK_RIGHTS, child_complexity)"
    )]
    async fn mark_rights(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MarkRight>> {
        let rights = graphql::loaders(ctx)?
            .rights
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rights.into_iter().map(MarkRight).collect())
    }

    /// Recruiters at the other end of its corridors (sending or receiving side).
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::PARTNERS, child_complexity)"
    )]
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Recruiter>> {
        let loaders = graphql::loaders(ctx)?;
        let partner_ids = loaders.partners.load_one(self.0.id).await?.unwrap_or_default();
        let partners = loaders.recruiter.load_many(partner_ids.iter().copied()).await?;
        Ok(partner_ids
            .iter()
            .filter_map(|id| partners.get(id).cloned().map(Recruiter))
            .collect())
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A national recruitment licence.
pub struct Licence(pub licence::Model);

#[Object]
impl Licence {
    async fn issuing_authority(&self) -> &str {
        &self.0.issuing_authority
    }

    async fn country(&self) -> &str {
        &self.0.country
    }

    async fn licence_number(&self) -> &str {
        &self.0.licence_number
    }

    async fn status(&self) -> async_graphql::Result<enums::LicenceStatus> {
        Ok(LicenceStatus::stored(&self.0.status, "licence.status")?.into())
    }

    async fn valid_from(&self) -> Option<NaiveDate> {
        self.0.valid_from
    }

    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
    }

    /// `VALID` and within its dates today.
    async fn valid_today(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let today = graphql::facts(ctx)?.today;
        let started = self.0.valid_from.is_none_or(|from| from <= today);
        let not_ended = self.0.valid_until.is_none_or(|until| until >= today);
        Ok(self.0.status == "valid" && started && not_ended)
    }

    /// The national authority that issued it, with the address of its own register (to check
    /// the licence at the source).
    async fn authority(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::LicensingAuthority>> {
        let Some(authority_id) = self.0.authority_id else {
            return Ok(None);
        };
        Ok(graphql::loaders(ctx)?
            .authority
            .load_one(authority_id)
            .await?
            .map(super::LicensingAuthority))
    }
}
