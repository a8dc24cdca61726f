//! What the API feeds the index: one flat document per searchable record.

use std::fmt;
use std::str::FromStr;

/// The record families that are searchable together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    Recruiter,
    Organisation,
    TrainingProvider,
    TrainingListing,
    SupportService,
}

impl RecordType {
    pub const ALL: [RecordType; 5] = [
        RecordType::Recruiter,
        RecordType::Organisation,
        RecordType::TrainingProvider,
        RecordType::TrainingListing,
        RecordType::SupportService,
    ];

    /// The value stored in the index and reported in the record-type facet.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Recruiter => "recruiter",
            RecordType::Organisation => "organisation",
            RecordType::TrainingProvider => "training_provider",
            RecordType::TrainingListing => "training_listing",
            RecordType::SupportService => "support_service",
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The value was not one of [`RecordType::as_str`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown record type {0:?}; expected recruiter, organisation, training_provider, training_listing or support_service"
)]
pub struct UnknownRecordType(pub String);

impl FromStr for RecordType {
    type Err = UnknownRecordType;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        RecordType::ALL
            .into_iter()
            .find(|record_type| record_type.as_str() == value)
            .ok_or_else(|| UnknownRecordType(value.to_owned()))
    }
}

/// One searchable record, flattened by the API from whatever tables it spans.
///
/// Keyword values (countries, sectors, languages, statuses) are normalised on the way in:
/// countries upper case, the others lower case, so filters and facets agree whatever the caller's
/// casing.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Unique per record, e.g. `"recruiter:42"`; upserts and deletes go by it.
    pub key: String,
    pub record_type: RecordType,
    /// The database id, returned in hits.
    pub id: i64,
    /// Legal name, organisation name, provider name or listing title.
    pub title: String,
    /// Trading names and former names: searchable like the title, slightly less weight.
    pub names: Vec<String>,
    /// Slug, certificate, licence and trademark licence numbers: an exact match (ignoring case,
    /// spaces and punctuation) ranks first.
    pub identifiers: Vec<String>,
    /// City, description and other prose.
    pub body: Vec<String>,
    pub country: Option<String>,
    /// More countries for filters and facets (provider countries, listing country).
    pub countries: Vec<String>,
    /// (origin, destination) country pairs.
    pub corridors: Vec<(String, String)>,
    pub sectors: Vec<String>,
    pub languages: Vec<String>,
    /// Recorded certification statuses, e.g. `["certified", "suspended"]`. Which recorded
    /// `certified` ones hold on the day of a search follows from the two dates below.
    pub certification_statuses: Vec<String>,
    /// External ids of the certification bodies of the record's certifications (`body-01`).
    pub certification_bodies: Vec<String>,
    /// The last day the record is certified, as a day number (days since 1970-01-01; 0: not
    /// certified). A search compares it with its own `today`, so the index never goes stale at
    /// midnight: certified records rank above others at equal relevance, and are filterable.
    pub certified_until: u64,
    /// The earliest expiry among the certifications recorded as `certified`, as a day number
    /// (0: none; 1: one has no expiry date). Before a search's `today`, one of them has lapsed
    /// and counts as `expired` in filters and facets.
    pub earliest_certified_expiry: u64,
}

impl Document {
    /// A document with only the required parts set; handy for callers and tests.
    pub fn new(record_type: RecordType, id: i64, key: impl Into<String>, title: impl Into<String>) -> Self {
        Document {
            key: key.into(),
            record_type,
            id,
            title: title.into(),
            names: Vec::new(),
            identifiers: Vec::new(),
            body: Vec::new(),
            country: None,
            countries: Vec::new(),
            corridors: Vec::new(),
            sectors: Vec::new(),
            languages: Vec::new(),
            certification_statuses: Vec::new(),
            certification_bodies: Vec::new(),
            certified_until: 0,
            earliest_certified_expiry: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_type_round_trips_through_its_name() {
        for record_type in RecordType::ALL {
            assert_eq!(record_type.as_str().parse::<RecordType>(), Ok(record_type));
        }
        assert!("person".parse::<RecordType>().is_err());
    }
}
