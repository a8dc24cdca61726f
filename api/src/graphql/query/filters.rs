//! The query arguments that narrow and order lists, as GraphQL inputs. Each converts into the
//! service's own filter (`crate::service`), which knows nothing of GraphQL.

use async_graphql::{ID, InputObject};
use chrono::NaiveDate;

use super::super::types::enums::{
    self, Audience, CbpLevel, CertificationStatus, CommitmentScope, CommitmentStatus, Delivery, OrderDirection,
    OrganisationKind, Programme, ProviderKind, RecruiterOrderField, ServiceChannelKind, SupportKind,
};
use crate::{
    error::{AppError, AppResult},
    service::{commitment, recruiter, support, training, trust},
};

/// An origin -> destination pair; either end may be left out to mean "any".
#[derive(InputObject, Debug, Clone, Default)]
pub struct CorridorInput {
    /// Country of origin (ISO 3166-1 alpha-2).
    pub origin: Option<String>,
    /// Country of destination (ISO 3166-1 alpha-2).
    pub destination: Option<String>,
}

impl From<CorridorInput> for recruiter::CorridorInput {
    fn from(input: CorridorInput) -> Self {
        Self {
            origin: input.origin,
            destination: input.destination,
        }
    }
}

/// Narrows a list of recruiters; every criterion given must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct RecruiterFilter {
    /// Country of registration (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Recruiters serving this corridor.
    pub corridor: Option<CorridorInput>,
    /// Recruiters serving any of these sectors.
    pub sectors: Option<Vec<String>>,
    /// Recruiters serving any of these languages (ISO 639-1).
    pub languages: Option<Vec<String>>,
    /// `true`: certified today (status and validity dates); `false`: not certified today.
    pub certified: Option<bool>,
    /// Recruiters holding a certification whose status today is one of these.
    pub certification_status: Option<Vec<CertificationStatus>>,
    /// Recruiters at one of these capacity-building levels.
    pub cbp_level: Option<Vec<CbpLevel>>,
    /// `true`: recruiters with a certificate in force (or suspended) whose next audit is
    /// overdue today (see `Certification.auditOverdue`); `false`: those with none.
    pub audit_overdue: Option<bool>,
    /// Recruiters holding a certificate of this certification body (a `CertificationBody.id`).
    pub certification_body: Option<ID>,
}

impl From<RecruiterFilter> for recruiter::RecruiterFilter {
    fn from(input: RecruiterFilter) -> Self {
        Self {
            country: input.country,
            corridor: input.corridor.map(Into::into),
            sectors: input.sectors,
            languages: input.languages,
            certified: input.certified,
            certification_status: input
                .certification_status
                .map(|values| values.into_iter().map(Into::into).collect()),
            cbp_level: input
                .cbp_level
                .map(|values| values.into_iter().map(Into::into).collect()),
            audit_overdue: input.audit_overdue,
            certification_body: input.certification_body.map(|id| id.0),
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct RecruiterOrder {
    #[graphql(default)]
    pub field: RecruiterOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<RecruiterOrder> for recruiter::RecruiterOrder {
    fn from(input: RecruiterOrder) -> Self {
        Self {
            field: input.field.into(),
            direction: input.direction.into(),
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub country: Option<String>,
    pub kind: Option<Vec<OrganisationKind>>,
    pub sector: Option<String>,
    /// The organisation with this scheme-qualified identifier (`GB-COH-01234567`; the list
    /// code's case and surrounding spaces do not matter).
    pub identifier: Option<String>,
}

impl From<OrganisationFilter> for commitment::OrganisationFilter {
    fn from(input: OrganisationFilter) -> Self {
        Self {
            country: input.country,
            kind: input.kind.map(|values| values.into_iter().map(Into::into).collect()),
            sector: input.sector,
            identifier: input.identifier,
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct CommitmentFilter {
    /// Commitments covering this corridor.
    pub corridor: Option<CorridorInput>,
    /// Commitments covering this sector.
    pub sector: Option<String>,
    pub scope: Option<Vec<CommitmentScope>>,
    pub status: Option<Vec<CommitmentStatus>>,
    /// Commitments of organisations based in this country.
    pub country: Option<String>,
}

impl From<CommitmentFilter> for commitment::CommitmentFilter {
    fn from(input: CommitmentFilter) -> Self {
        Self {
            corridor: input.corridor.map(Into::into),
            sector: input.sector,
            scope: input.scope.map(|values| values.into_iter().map(Into::into).collect()),
            status: input.status.map(|values| values.into_iter().map(Into::into).collect()),
            country: input.country,
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct TrainingProviderFilter {
    /// Providers working in this country.
    pub country: Option<String>,
    /// Providers teaching in this language (ISO 639-1).
    pub language: Option<String>,
    pub kind: Option<Vec<ProviderKind>>,
}

impl From<TrainingProviderFilter> for training::TrainingProviderFilter {
    fn from(input: TrainingProviderFilter) -> Self {
        Self {
            country: input.country,
            language: input.language,
            kind: input.kind.map(|values| values.into_iter().map(Into::into).collect()),
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct TrainingListingFilter {
    /// Listings held in this country.
    pub country: Option<String>,
    /// Listings held in any of these countries (a corridor's two ends, say).
    pub countries: Option<Vec<String>>,
    /// Listings taught in this language (ISO 639-1).
    pub language: Option<String>,
    pub programme: Option<Vec<Programme>>,
    pub audience: Option<Vec<Audience>>,
    pub delivery: Option<Vec<Delivery>>,
    /// Listings starting on or after this date.
    pub starts_after: Option<NaiveDate>,
    /// `true`: free listings only; `false`: paid only.
    pub free: Option<bool>,
}

impl From<TrainingListingFilter> for training::TrainingListingFilter {
    fn from(input: TrainingListingFilter) -> Self {
        Self {
            country: input.country,
            countries: input.countries,
            language: input.language,
            programme: input
                .programme
                .map(|values| values.into_iter().map(Into::into).collect()),
            audience: input
                .audience
                .map(|values| values.into_iter().map(Into::into).collect()),
            delivery: input
                .delivery
                .map(|values| values.into_iter().map(Into::into).collect()),
            starts_after: input.starts_after,
            free: input.free,
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct CertificationBodyFilter {
    /// Where the body is established (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Bodies that may audit in this country.
    pub audits_in: Option<String>,
    pub status: Option<Vec<enums::ApprovalStatus>>,
}

impl From<CertificationBodyFilter> for trust::BodyFilter {
    fn from(input: CertificationBodyFilter) -> Self {
        Self {
            country: input.country,
            audits_in: input.audits_in,
            status: input.status.map(|values| values.into_iter().map(Into::into).collect()),
        }
    }
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct AuditorFilter {
    /// Auditors of this certification body (a `CertificationBody.id`).
    pub body: Option<ID>,
    pub status: Option<Vec<enums::ApprovalStatus>>,
}

#[derive(InputObject, Debug, Clone, Default)]
pub struct LicensingAuthorityFilter {
    pub country: Option<String>,
}

impl From<LicensingAuthorityFilter> for trust::AuthorityFilter {
    fn from(input: LicensingAuthorityFilter) -> Self {
        Self { country: input.country }
    }
}

/// Narrows the support services; every criterion given must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct SupportServiceFilter {
    /// Services in, or serving, this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Services for migrants of this corridor (both ends): those listed for it, and those
    /// that help every migrant in one of its two countries.
    pub corridor: Option<CorridorInput>,
    /// Services that help in this language (ISO 639-1).
    pub language: Option<String>,
    pub kind: Option<Vec<SupportKind>>,
    /// Services reachable on any of these channels.
    pub channel: Option<Vec<ServiceChannelKind>>,
    /// `true`: free services only; `false`: paid only.
    pub free: Option<bool>,
}

impl TryFrom<SupportServiceFilter> for support::SupportServiceFilter {
    type Error = AppError;

    fn try_from(input: SupportServiceFilter) -> AppResult<Self> {
        let corridor = match input.corridor {
            None => None,
            Some(CorridorInput {
                origin: Some(origin),
                destination: Some(destination),
            }) => Some((origin, destination)),
            Some(_) => {
                return Err(AppError::bad_input(
                    "`filter.corridor` needs both `origin` and `destination`; use `country` for one country",
                ));
            }
        };
        Ok(Self {
            country: input.country,
            corridor,
            language: input.language,
            kind: input.kind.map(|values| values.into_iter().map(Into::into).collect()),
            channel: input.channel.map(|values| values.into_iter().map(Into::into).collect()),
            free: input.free,
        })
    }
}
