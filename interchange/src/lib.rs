//! The JSON Lines interchange format of `shared/spec/interchange.md`: one typed record a line.
//!
//! These types are the single description of the open-data format. Import parses into them
//! (unknown fields are refused so that a typo never vanishes silently), export writes them, and
//! the sample directory is generated as them, so the sample goes through the same validation as
//! any bulk import.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The sector vocabulary of `sectors` (recruiters, commitments, scopes) and an organisation's
/// `sector`. Sectors stay strings in the API (the list grows with the scheme) and are checked
/// on import against this list.
pub const SECTORS: &[&str] = &[
    "agriculture",
    "apparel",
    "automotive",
    "cleaning_facilities",
    "construction",
    "domestic_work",
    "electronics",
    "facilities_management",
    "fishing",
    "food_beverage",
    "health_care",
    "hospitality",
    "logistics",
    "manufacturing",
    "oil_gas",
    "retail",
    "seafood",
    "security",
    "transport_logistics",
    "other",
];

/// One line of an interchange file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    LicensingAuthority(LicensingAuthorityRecord),
    CertificationBody(CertificationBodyRecord),
    Auditor(AuditorRecord),
    Principle(PrincipleRecord),
    Recruiter(RecruiterRecord),
    Certification(CertificationRecord),
    Audit(AuditRecord),
    TrademarkRight(TrademarkRightRecord),
    Organisation(OrganisationRecord),
    Commitment(CommitmentRecord),
    TrainingProvider(TrainingProviderRecord),
    TrainingListing(TrainingListingRecord),
    SupportService(SupportServiceRecord),
    AuthorisedChannel(AuthorisedChannelRecord),
}

impl Record {
    /// The `type` of the line, e.g. `trademark_right`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Record::LicensingAuthority(_) => "licensing_authority",
            Record::CertificationBody(_) => "certification_body",
            Record::Auditor(_) => "auditor",
            Record::Principle(_) => "principle",
            Record::Audit(_) => "audit",
            Record::Recruiter(_) => "recruiter",
            Record::Certification(_) => "certification",
            Record::TrademarkRight(_) => "trademark_right",
            Record::Organisation(_) => "organisation",
            Record::Commitment(_) => "commitment",
            Record::TrainingProvider(_) => "training_provider",
            Record::TrainingListing(_) => "training_listing",
            Record::SupportService(_) => "support_service",
            Record::AuthorisedChannel(_) => "authorised_channel",
        }
    }

    /// Position of the record's type in a file: referenced types come first.
    pub fn type_order(&self) -> u8 {
        match self {
            Record::LicensingAuthority(_) => 0,
            Record::CertificationBody(_) => 1,
            Record::Auditor(_) => 2,
            Record::Principle(_) => 3,
            Record::Recruiter(_) => 4,
            Record::Certification(_) => 5,
            Record::Audit(_) => 6,
            Record::TrademarkRight(_) => 7,
            Record::Organisation(_) => 8,
            Record::Commitment(_) => 9,
            Record::TrainingProvider(_) => 10,
            Record::TrainingListing(_) => 11,
            Record::SupportService(_) => 12,
            Record::AuthorisedChannel(_) => 13,
        }
    }

    pub fn external_id(&self) -> &str {
        match self {
            Record::LicensingAuthority(r) => &r.external_id,
            Record::CertificationBody(r) => &r.external_id,
            Record::Auditor(r) => &r.external_id,
            Record::Principle(r) => &r.external_id,
            Record::Audit(r) => &r.external_id,
            Record::Recruiter(r) => &r.external_id,
            Record::Certification(r) => &r.external_id,
            Record::TrademarkRight(r) => &r.external_id,
            Record::Organisation(r) => &r.external_id,
            Record::Commitment(r) => &r.external_id,
            Record::TrainingProvider(r) => &r.external_id,
            Record::TrainingListing(r) => &r.external_id,
            Record::SupportService(r) => &r.external_id,
            Record::AuthorisedChannel(r) => &r.external_id,
        }
    }
}

/// An origin -> destination pair of ISO 3166-1 alpha-2 codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorridorRecord {
    pub origin: String,
    pub destination: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecruiterRecord {
    pub external_id: String,
    pub legal_name: String,
    #[serde(default)]
    pub trading_names: Vec<String>,
    #[serde(default)]
    pub former_names: Vec<String>,
    pub slug: String,
    /// ISO 3166-1 alpha-2 country of registration.
    pub country: String,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// The organisation's public contact address (never a person's private one).
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Lower snake_case sector vocabulary (`construction`, `domestic_work`, ...).
    pub sectors: Vec<String>,
    pub corridors: Vec<CorridorRecord>,
    /// `none`, `entry`, `level_1`, `level_2`, `level_3`.
    pub cbp_level: String,
    #[serde(default)]
    pub licences: Vec<LicenceRecord>,
    /// External ids of recruiters at the other end of its corridors.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Scheme-qualified identifiers in the org-id.guide style (`NP-CRO-45995`: a register's
    /// list code, then the identifier in it), so other datasets can join.
    #[serde(default)]
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceRecord {
    pub issuing_authority: String,
    pub country: String,
    pub licence_number: String,
    /// `valid`, `suspended`, `revoked`, `expired`.
    pub status: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// External id of the licensing authority that issued it; `issuing_authority` and
    /// `country` must then be that authority's name and country.
    #[serde(default)]
    pub authority: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificationRecord {
    pub external_id: String,
    /// External id of the certified recruiter.
    pub recruiter: String,
    pub certificate_number: String,
    pub scheme: String,
    #[serde(default)]
    pub certification_body: Option<String>,
    /// `applicant`, `deferred`, `rejected`, `certified`, `suspended`, `withdrawn`, `expired`.
    pub status: String,
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
    #[serde(default)]
    pub scope_corridors: Vec<CorridorRecord>,
    #[serde(default)]
    pub scope_sectors: Vec<String>,
    /// Every transition, oldest first; the last `to` equals `status`.
    pub status_history: Vec<StatusChangeRecord>,
    /// External id of the certification body that audits it; `certification_body` must then
    /// be that body's name.
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRecord {
    pub from: Option<String>,
    pub to: String,
    pub at: DateTime<Utc>,
    /// Public reason category, e.g. `audit_passed`.
    pub reason: String,
    /// The organisation that recorded it (secretariat or a certification body), never a person.
    pub recorded_by: String,
    /// Public case numbers of the complaints the decision rests on (`C-2026-000042`); left out
    /// of the line when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complaint_cases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrademarkRightRecord {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRecord {
    pub external_id: String,
    pub name: String,
    /// `brand`, `supplier`, `employer`, `industry_association`.
    pub kind: String,
    pub country: String,
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// Scheme-qualified identifiers in the org-id.guide style (`GB-COH-01234567`).
    #[serde(default)]
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRecord {
    pub external_id: String,
    pub organisation: String,
    pub framework: String,
    /// `own_operations`, `direct_suppliers`, `whole_supply_chain`.
    pub scope: String,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub corridors: Vec<CorridorRecord>,
    pub made_on: NaiveDate,
    #[serde(default)]
    pub statement_url: Option<String>,
    /// `active`, `lapsed`, `withdrawn`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingProviderRecord {
    pub external_id: String,
    pub name: String,
    /// `ngo`, `training_institute`, `university`, `trade_union`, `international_organisation`,
    /// `consultancy`, `certification_body`, `government`.
    pub kind: String,
    pub countries: Vec<String>,
    pub languages: Vec<String>,
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingListingRecord {
    pub external_id: String,
    pub provider: String,
    pub title: String,
    /// `cbp_entry`, ..., `post_arrival_orientation` (see the interchange spec).
    pub programme: String,
    pub audience: String,
    /// `online`, `in_person`, `blended`.
    pub delivery: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    pub languages: Vec<String>,
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Null when free.
    #[serde(default)]
    pub fee: Option<FeeRecord>,
    #[serde(default)]
    pub registration_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeRecord {
    /// Decimal string, e.g. `"50.00"`.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// A national authority that licenses recruiters; licences refer to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicensingAuthorityRecord {
    pub external_id: String,
    pub name: String,
    pub country: String,
    /// The address of the authority's own public register of licensed recruiters.
    #[serde(default)]
    pub register_url: Option<String>,
    /// What that register shows (licence status, branches, blacklist, ...), in a sentence.
    #[serde(default)]
    pub register_shows: Option<String>,
    /// When the directory last reconciled its licences with that register.
    #[serde(default)]
    pub reconciled_at: Option<DateTime<Utc>>,
}

/// A certification body and its approval by the scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificationBodyRecord {
    pub external_id: String,
    /// Unique; certificates and certifiers' tokens name the body by it.
    pub name: String,
    pub country: String,
    #[serde(default)]
    pub website: Option<String>,
    /// Countries it may audit in.
    #[serde(default)]
    pub audit_countries: Vec<String>,
    /// `applicant`, `approved`, `suspended`, `withdrawn`.
    pub status: String,
    /// The approval history, oldest first; the last `to` equals `status`.
    pub status_history: Vec<StatusChangeRecord>,
}

/// The public professional record of an approved auditor (no private contact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditorRecord {
    pub external_id: String,
    /// The name under which the auditor is approved.
    pub name: String,
    /// External id of the certification body the auditor audits for.
    pub body: String,
    /// `applicant`, `approved`, `suspended`, `withdrawn`.
    pub status: String,
    pub status_history: Vec<StatusChangeRecord>,
    /// When the auditor completed the social-auditor course.
    #[serde(default)]
    pub course_completed_on: Option<NaiveDate>,
}

/// A principle of a scheme's standard; audit findings are reported per principle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipleRecord {
    pub external_id: String,
    pub scheme: String,
    pub code: String,
    pub title: String,
    /// Order within the scheme.
    pub position: i32,
}

/// An audit of a certification. Nothing in it may identify a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    pub external_id: String,
    /// External id of the certification audited.
    pub certification: String,
    /// `initial`, `surveillance`, `recertification`, `special`.
    pub kind: String,
    pub announced: bool,
    pub started_on: NaiveDate,
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
    /// External id of the certification body that audited.
    #[serde(default)]
    pub body: Option<String>,
    /// External id of the lead auditor, an auditor of that body.
    #[serde(default)]
    pub lead_auditor: Option<String>,
    pub workers_interviewed: u32,
    pub sites_visited: u32,
    /// `pending`, `passed`, `passed_with_corrective_actions`, `failed`.
    pub outcome: String,
    #[serde(default)]
    pub findings: Vec<FindingRecord>,
}

/// The public summary of what an audit found against one principle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingRecord {
    /// External id of the principle.
    pub principle: String,
    /// `conforming`, `observation`, `minor_nonconformity`, `major_nonconformity`.
    pub rating: String,
    pub summary: String,
    #[serde(default)]
    pub corrective_actions: Vec<CorrectiveActionRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectiveActionRecord {
    pub description: String,
    pub due_on: NaiveDate,
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
}

/// Where a migrant worker or jobseeker can get help: a Migrant Resource Centre, a civil-society
/// help desk, a hotline, legal aid, a labour attaché.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportServiceRecord {
    pub external_id: String,
    pub name: String,
    /// `migrant_resource_centre`, `help_desk`, `hotline`, `legal_aid`, `labour_attache`.
    pub kind: String,
    /// Who runs it (a ministry, an NGO, a trade union, an embassy).
    pub operator: String,
    /// Countries where it is, or which it serves (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    #[serde(default)]
    pub cities: Vec<String>,
    /// Corridors it serves; empty: every migrant in its countries.
    #[serde(default)]
    pub corridors: Vec<CorridorRecord>,
    /// Languages it helps in (ISO 639-1).
    pub languages: Vec<String>,
    /// How to reach it, each with its opening hours.
    pub channels: Vec<ServiceChannelRecord>,
    /// Whether help costs the worker nothing.
    pub free: bool,
    #[serde(default)]
    pub website: Option<String>,
}

/// One way of reaching a support service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceChannelRecord {
    /// `phone`, `whatsapp`, `viber`, `messenger`, `email`, `walk_in`, `web`.
    pub kind: String,
    /// A phone number with its country code, an address, a web address; for `walk_in`, the
    /// street address.
    pub address: String,
    /// When it answers; empty: hours not published.
    #[serde(default)]
    pub hours: Vec<OpeningHoursRecord>,
    /// IANA time zone of the hours, e.g. `Asia/Kathmandu`.
    pub time_zone: String,
}

/// Days of the week and the times of day, in the channel's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHoursRecord {
    /// `mon` .. `sun`.
    pub days: Vec<String>,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`, after `opens`; `24:00` for midnight.
    pub closes: String,
}

/// A branch office or authorised representative of a recruiter, with its public business
/// contacts, so that a jobseeker can tell a real agent from an impersonator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorisedChannelRecord {
    pub external_id: String,
    /// External id of the recruiter.
    pub recruiter: String,
    /// `head_office`, `branch_office`, `representative`.
    pub kind: String,
    /// The office's or the representative business's name.
    pub name: String,
    pub country: String,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// Business phone numbers, international format (stored and shown as E.164).
    #[serde(default)]
    pub phones: Vec<String>,
    /// Web and social-media pages (`https://www.facebook.com/...`).
    #[serde(default)]
    pub web_addresses: Vec<String>,
    /// Agent registration numbers issued by the national authority.
    #[serde(default)]
    pub agent_numbers: Vec<String>,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}
