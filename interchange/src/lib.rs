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
    Recruiter(RecruiterRecord),
    Certification(CertificationRecord),
    TrademarkRight(TrademarkRightRecord),
    Organisation(OrganisationRecord),
    Commitment(CommitmentRecord),
    TrainingProvider(TrainingProviderRecord),
    TrainingListing(TrainingListingRecord),
}

impl Record {
    /// The `type` of the line, e.g. `trademark_right`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Record::Recruiter(_) => "recruiter",
            Record::Certification(_) => "certification",
            Record::TrademarkRight(_) => "trademark_right",
            Record::Organisation(_) => "organisation",
            Record::Commitment(_) => "commitment",
            Record::TrainingProvider(_) => "training_provider",
            Record::TrainingListing(_) => "training_listing",
        }
    }

    /// Position of the record's type in a file: referenced types come first.
    pub fn type_order(&self) -> u8 {
        match self {
            Record::Recruiter(_) => 0,
            Record::Certification(_) => 1,
            Record::TrademarkRight(_) => 2,
            Record::Organisation(_) => 3,
            Record::Commitment(_) => 4,
            Record::TrainingProvider(_) => 5,
            Record::TrainingListing(_) => 6,
        }
    }

    pub fn external_id(&self) -> &str {
        match self {
            Record::Recruiter(r) => &r.external_id,
            Record::Certification(r) => &r.external_id,
            Record::TrademarkRight(r) => &r.external_id,
            Record::Organisation(r) => &r.external_id,
            Record::Commitment(r) => &r.external_id,
            Record::TrainingProvider(r) => &r.external_id,
            Record::TrainingListing(r) => &r.external_id,
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
