//! The mutations' input types: the interchange records ([`crate::interchange`]) as GraphQL
//! inputs. The format itself knows nothing of GraphQL; each input converts into its record, so a
//! `save*` mutation and a bulk import go through the same validation.

use async_graphql::InputObject;
use chrono::NaiveDate;

use crate::interchange::{
    AuthorisedChannelRecord, CommitmentRecord, CorridorRecord, FeeRecord, LicenceRecord, OpeningHoursRecord,
    OrganisationRecord, RecruiterRecord, ServiceChannelRecord, SupportServiceRecord, TrademarkRightRecord,
    TrainingListingRecord, TrainingProviderRecord,
};

/// An origin -> destination pair of ISO 3166-1 alpha-2 codes.
#[derive(Debug, Clone, InputObject)]
pub struct CorridorPairInput {
    pub origin: String,
    pub destination: String,
}

impl From<CorridorPairInput> for CorridorRecord {
    fn from(input: CorridorPairInput) -> Self {
        Self {
            origin: input.origin,
            destination: input.destination,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct RecruiterInput {
    pub external_id: String,
    pub legal_name: String,
    #[graphql(default)]
    pub trading_names: Vec<String>,
    #[graphql(default)]
    pub former_names: Vec<String>,
    pub slug: String,
    /// ISO 3166-1 alpha-2 country of registration.
    pub country: String,
    #[graphql(default)]
    pub city: Option<String>,
    #[graphql(default)]
    pub address: Option<String>,
    #[graphql(default)]
    pub website: Option<String>,
    /// The organisation's public contact address (never a person's private one).
    #[graphql(default)]
    pub email: Option<String>,
    #[graphql(default)]
    pub phone: Option<String>,
    #[graphql(default)]
    pub description: Option<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Lower snake_case sector vocabulary (`construction`, `domestic_work`, ...).
    pub sectors: Vec<String>,
    pub corridors: Vec<CorridorPairInput>,
    /// `none`, `entry`, `level_1`, `level_2`, `level_3`.
    pub cbp_level: String,
    #[graphql(default)]
    pub licences: Vec<LicenceInput>,
    /// External ids of recruiters at the other end of its corridors.
    #[graphql(default)]
    pub partners: Vec<String>,
    /// Scheme-qualified identifiers in the org-id.guide style (`NP-CRO-45995`: a register's
    /// list code, then the identifier in it), so other datasets can join.
    #[graphql(default)]
    pub identifiers: Vec<String>,
}

impl From<RecruiterInput> for RecruiterRecord {
    fn from(input: RecruiterInput) -> Self {
        Self {
            external_id: input.external_id,
            legal_name: input.legal_name,
            trading_names: input.trading_names,
            former_names: input.former_names,
            slug: input.slug,
            country: input.country,
            city: input.city,
            address: input.address,
            website: input.website,
            email: input.email,
            phone: input.phone,
            description: input.description,
            languages: input.languages,
            sectors: input.sectors,
            corridors: input.corridors.into_iter().map(Into::into).collect(),
            cbp_level: input.cbp_level,
            licences: input.licences.into_iter().map(Into::into).collect(),
            partners: input.partners,
            identifiers: input.identifiers,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct LicenceInput {
    pub issuing_authority: String,
    pub country: String,
    pub licence_number: String,
    /// `valid`, `suspended`, `revoked`, `expired`.
    pub status: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// External id of the licensing authority that issued it (see `licensingAuthorities`);
    /// `issuingAuthority` and `country` must then be that authority's.
    pub authority: Option<String>,
}

impl From<LicenceInput> for LicenceRecord {
    fn from(input: LicenceInput) -> Self {
        Self {
            issuing_authority: input.issuing_authority,
            country: input.country,
            licence_number: input.licence_number,
            status: input.status,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            authority: input.authority,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct MarkRightInput {
    pub external_id: String,
    pub recruiter: String,
    pub licence_number: String,
    pub mark: String,
    /// `website`, `print`, `social_media`, `signage`.
    pub media: Vec<String>,
    /// Bare host names allowed to display the mark, e.g. `example.com.np`.
    pub domains: Vec<String>,
    pub granted_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    /// `active`, `suspended`, `revoked`.
    pub status: String,
}

impl From<MarkRightInput> for TrademarkRightRecord {
    fn from(input: MarkRightInput) -> Self {
        Self {
            external_id: input.external_id,
            recruiter: input.recruiter,
            licence_number: input.licence_number,
            mark: input.mark,
            media: input.media,
            domains: input.domains,
            granted_on: input.granted_on,
            expires_on: input.expires_on,
            status: input.status,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct OrganisationInput {
    pub external_id: String,
    pub name: String,
    /// `brand`, `supplier`, `employer`, `industry_association`.
    pub kind: String,
    pub country: String,
    #[graphql(default)]
    pub sector: Option<String>,
    #[graphql(default)]
    pub website: Option<String>,
    /// Scheme-qualified identifiers in the org-id.guide style (`GB-COH-01234567`).
    #[graphql(default)]
    pub identifiers: Vec<String>,
}

impl From<OrganisationInput> for OrganisationRecord {
    fn from(input: OrganisationInput) -> Self {
        Self {
            external_id: input.external_id,
            name: input.name,
            kind: input.kind,
            country: input.country,
            sector: input.sector,
            website: input.website,
            identifiers: input.identifiers,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct CommitmentInput {
    pub external_id: String,
    pub organisation: String,
    pub framework: String,
    /// `own_operations`, `direct_suppliers`, `whole_supply_chain`.
    pub scope: String,
    #[graphql(default)]
    pub sectors: Vec<String>,
    #[graphql(default)]
    pub corridors: Vec<CorridorPairInput>,
    pub made_on: NaiveDate,
    #[graphql(default)]
    pub statement_url: Option<String>,
    /// `active`, `lapsed`, `withdrawn`.
    pub status: String,
}

impl From<CommitmentInput> for CommitmentRecord {
    fn from(input: CommitmentInput) -> Self {
        Self {
            external_id: input.external_id,
            organisation: input.organisation,
            framework: input.framework,
            scope: input.scope,
            sectors: input.sectors,
            corridors: input.corridors.into_iter().map(Into::into).collect(),
            made_on: input.made_on,
            statement_url: input.statement_url,
            status: input.status,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct TrainingProviderInput {
    pub external_id: String,
    pub name: String,
    /// `ngo`, `training_institute`, `university`, `trade_union`, `international_organisation`,
    /// `consultancy`, `certification_body`, `government`.
    pub kind: String,
    pub countries: Vec<String>,
    pub languages: Vec<String>,
    #[graphql(default)]
    pub website: Option<String>,
}

impl From<TrainingProviderInput> for TrainingProviderRecord {
    fn from(input: TrainingProviderInput) -> Self {
        Self {
            external_id: input.external_id,
            name: input.name,
            kind: input.kind,
            countries: input.countries,
            languages: input.languages,
            website: input.website,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct TrainingListingInput {
    pub external_id: String,
    pub provider: String,
    pub title: String,
    /// `cbp_entry`, ..., `post_arrival_orientation` (see the interchange spec).
    pub programme: String,
    pub audience: String,
    /// `online`, `in_person`, `blended`.
    pub delivery: String,
    #[graphql(default)]
    pub country: Option<String>,
    #[graphql(default)]
    pub city: Option<String>,
    pub languages: Vec<String>,
    #[graphql(default)]
    pub starts_on: Option<NaiveDate>,
    #[graphql(default)]
    pub ends_on: Option<NaiveDate>,
    /// Null when free.
    #[graphql(default)]
    pub fee: Option<FeeInput>,
    #[graphql(default)]
    pub registration_url: Option<String>,
}

impl From<TrainingListingInput> for TrainingListingRecord {
    fn from(input: TrainingListingInput) -> Self {
        Self {
            external_id: input.external_id,
            provider: input.provider,
            title: input.title,
            programme: input.programme,
            audience: input.audience,
            delivery: input.delivery,
            country: input.country,
            city: input.city,
            languages: input.languages,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            fee: input.fee.map(Into::into),
            registration_url: input.registration_url,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct FeeInput {
    /// Decimal string, e.g. `"50.00"`.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

impl From<FeeInput> for FeeRecord {
    fn from(input: FeeInput) -> Self {
        Self {
            amount: input.amount,
            currency: input.currency,
        }
    }
}

/// A support service, as the `support_service` line of the interchange format.
#[derive(Debug, Clone, InputObject)]
pub struct SupportServiceInput {
    pub external_id: String,
    pub name: String,
    /// `migrant_resource_centre`, `help_desk`, `hotline`, `legal_aid`, `labour_attache`.
    pub kind: String,
    pub operator: String,
    pub countries: Vec<String>,
    #[graphql(default)]
    pub cities: Vec<String>,
    /// Empty: it helps every migrant in its countries.
    #[graphql(default)]
    pub corridors: Vec<CorridorPairInput>,
    pub languages: Vec<String>,
    pub channels: Vec<ServiceChannelInput>,
    pub free: bool,
    #[graphql(default)]
    pub website: Option<String>,
}

#[derive(Debug, Clone, InputObject)]
pub struct ServiceChannelInput {
    /// `phone`, `whatsapp`, `viber`, `messenger`, `email`, `walk_in`, `web`.
    pub kind: String,
    pub address: String,
    #[graphql(default)]
    pub hours: Vec<OpeningHoursInput>,
    /// IANA time zone, e.g. `Asia/Kathmandu`.
    pub time_zone: String,
}

#[derive(Debug, Clone, InputObject)]
pub struct OpeningHoursInput {
    /// `mon` .. `sun`.
    pub days: Vec<String>,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM` (`24:00` for midnight).
    pub closes: String,
}

impl From<SupportServiceInput> for SupportServiceRecord {
    fn from(input: SupportServiceInput) -> Self {
        Self {
            external_id: input.external_id,
            name: input.name,
            kind: input.kind,
            operator: input.operator,
            countries: input.countries,
            cities: input.cities,
            corridors: input.corridors.into_iter().map(Into::into).collect(),
            languages: input.languages,
            channels: input
                .channels
                .into_iter()
                .map(|channel| ServiceChannelRecord {
                    kind: channel.kind,
                    address: channel.address,
                    hours: channel
                        .hours
                        .into_iter()
                        .map(|hours| OpeningHoursRecord {
                            days: hours.days,
                            opens: hours.opens,
                            closes: hours.closes,
                        })
                        .collect(),
                    time_zone: channel.time_zone,
                })
                .collect(),
            free: input.free,
            website: input.website,
        }
    }
}

/// A recruiter's branch office or authorised representative, as the `authorised_channel` line
/// of the interchange format.
#[derive(Debug, Clone, InputObject)]
pub struct AuthorisedChannelInput {
    pub external_id: String,
    /// External id of the recruiter.
    pub recruiter: String,
    /// `head_office`, `branch_office`, `representative`.
    pub kind: String,
    pub name: String,
    pub country: String,
    #[graphql(default)]
    pub city: Option<String>,
    #[graphql(default)]
    pub address: Option<String>,
    #[graphql(default)]
    pub phones: Vec<String>,
    #[graphql(default)]
    pub web_addresses: Vec<String>,
    #[graphql(default)]
    pub agent_numbers: Vec<String>,
    pub valid_from: NaiveDate,
    #[graphql(default)]
    pub valid_until: Option<NaiveDate>,
}

impl From<AuthorisedChannelInput> for AuthorisedChannelRecord {
    fn from(input: AuthorisedChannelInput) -> Self {
        Self {
            external_id: input.external_id,
            recruiter: input.recruiter,
            kind: input.kind,
            name: input.name,
            country: input.country,
            city: input.city,
            address: input.address,
            phones: input.phones,
            web_addresses: input.web_addresses,
            agent_numbers: input.agent_numbers,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
        }
    }
}
