//! The index's schema, and how a [`Document`] maps onto it.

use std::collections::BTreeSet;

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::document::Document;
use crate::tokenizer::{TOKENIZER_NAME, normalize_identifier, normalize_phrase};

/// Bumped whenever the schema, the tokenizer's output or the document mapping changes, so an index
/// written by an older build is rebuilt instead of silently answering differently.
pub const SCHEMA_VERSION: u32 = 6;

/// Handles to every field, resolved once when the schema is built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Delete-by key; STRING so a term matches the whole key.
    pub key: Field,
    pub record_type: Field,
    pub id: Field,
    pub title: Field,
    /// The whole title, folded and space-joined, for exact-name matches.
    pub title_exact: Field,
    /// Fast-only copy of the folded title, to sort browse results by name.
    pub title_sort: Field,
    pub names: Field,
    pub names_exact: Field,
    /// Identifiers as written, tokenized: partial number matches and highlights.
    pub identifiers: Field,
    /// Identifiers reduced to letters and digits, for exact case/space-insensitive matches.
    pub identifier_exact: Field,
    pub body: Field,
    pub country: Field,
    /// "NP-QA": one value per corridor, so origin and destination filters hit the same pair.
    pub corridor: Field,
    pub corridor_origin: Field,
    pub corridor_destination: Field,
    pub sector: Field,
    pub language: Field,
    pub certification_status: Field,
    pub certification_body: Field,
    /// [`Document::certified_until`], a day number in a fast column for ranges and ranking.
    pub certified_until: Field,
    /// [`Document::earliest_certified_expiry`], a day number.
    pub earliest_certified_expiry: Field,
    /// Every facet value of the document as "dimension=value", in one fast column, so counting
    /// facets reads one column per matching document instead of six.
    pub facet: Field,
}

/// Field names, used by collectors that read fast columns by name.
pub(crate) mod names {
    pub const ID: &str = "id";
    pub const RECORD_TYPE: &str = "record_type";
    pub const CERTIFIED_UNTIL: &str = "certified_until";
    pub const TITLE_SORT: &str = "title_sort";
    pub const FACET: &str = "facet";
}

/// The facet dimensions, as they prefix values in the `facet` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FacetDimension {
    RecordType,
    Country,
    Corridor,
    Sector,
    Language,
    CertificationStatus,
    CertificationBody,
}

impl FacetDimension {
    pub const ALL: [FacetDimension; 7] = [
        FacetDimension::RecordType,
        FacetDimension::Country,
        FacetDimension::Corridor,
        FacetDimension::Sector,
        FacetDimension::Language,
        FacetDimension::CertificationStatus,
        FacetDimension::CertificationBody,
    ];

    /// Position in [`FacetDimension::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    fn as_str(self) -> &'static str {
        match self {
            FacetDimension::RecordType => "record_type",
            FacetDimension::Country => "country",
            FacetDimension::Corridor => "corridor",
            FacetDimension::Sector => "sector",
            FacetDimension::Language => "language",
            FacetDimension::CertificationStatus => "certification_status",
            FacetDimension::CertificationBody => "certification_body",
        }
    }

    /// "country=NP".
    fn encode(self, value: &str) -> String {
        format!("{}={value}", self.as_str())
    }

    /// Splits an encoded facet value back into its dimension and value.
    pub fn decode(encoded: &str) -> Option<(FacetDimension, &str)> {
        let (name, value) = encoded.split_once('=')?;
        let dimension = FacetDimension::ALL
            .into_iter()
            .find(|dimension| dimension.as_str() == name)?;
        Some((dimension, value))
    }
}

/// Builds the schema and its field handles. Deterministic, so comparing a stored index's schema
/// with this one tells whether it was written by a compatible build.
pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_NAME)
                .set_index_option(record),
        )
    };

    let fields = Fields {
        key: builder.add_text_field("key", STRING | STORED),
        // Fast too: a hit whose snippets nobody asked for is named from these columns, without
        // reading (and decompressing) its stored document.
        record_type: builder.add_text_field(names::RECORD_TYPE, STRING | STORED | FAST),
        id: builder.add_i64_field(names::ID, STORED | FAST),
        title: builder.add_text_field("title", text(IndexRecordOption::WithFreqsAndPositions) | STORED),
        title_exact: builder.add_text_field("title_exact", STRING),
        title_sort: builder.add_text_field(names::TITLE_SORT, TextOptions::default().set_fast("raw")),
        names: builder.add_text_field("names", text(IndexRecordOption::WithFreqs) | STORED),
        names_exact: builder.add_text_field("names_exact", STRING),
        identifiers: builder.add_text_field("identifiers", text(IndexRecordOption::WithFreqs) | STORED),
        identifier_exact: builder.add_text_field("identifier_exact", STRING),
        body: builder.add_text_field("body", text(IndexRecordOption::WithFreqs) | STORED),
        country: builder.add_text_field("country", STRING),
        corridor: builder.add_text_field("corridor", STRING),
        corridor_origin: builder.add_text_field("corridor_origin", STRING),
        corridor_destination: builder.add_text_field("corridor_destination", STRING),
        sector: builder.add_text_field("sector", STRING),
        language: builder.add_text_field("language", STRING),
        certification_status: builder.add_text_field("certification_status", STRING),
        certification_body: builder.add_text_field("certification_body", STRING),
        certified_until: builder.add_u64_field(names::CERTIFIED_UNTIL, INDEXED | FAST),
        earliest_certified_expiry: builder.add_u64_field("earliest_certified_expiry", INDEXED | FAST),
        facet: builder.add_text_field(names::FACET, TextOptions::default().set_fast("raw")),
    };
    (builder.build(), fields)
}

/// Countries are ISO 3166-1 alpha-2 codes: upper case.
pub(crate) fn normalize_country(value: &str) -> String {
    value.trim().to_uppercase()
}

/// Sectors, languages and statuses are compared lower case.
pub(crate) fn normalize_keyword(value: &str) -> String {
    value.trim().to_lowercase()
}

/// The corridor facet value: "NP-QA".
pub(crate) fn corridor_value(origin: &str, destination: &str) -> String {
    format!("{}-{}", normalize_country(origin), normalize_country(destination))
}

/// Maps a [`Document`] to what Tantivy stores and indexes.
pub(crate) fn to_tantivy_document(fields: &Fields, document: &Document) -> TantivyDocument {
    let mut indexed = TantivyDocument::new();
    indexed.add_text(fields.key, &document.key);
    indexed.add_text(fields.record_type, document.record_type.as_str());
    indexed.add_i64(fields.id, document.id);

    indexed.add_text(fields.title, &document.title);
    let title_phrase = normalize_phrase(&document.title);
    indexed.add_text(fields.title_sort, &title_phrase);
    if !title_phrase.is_empty() {
        indexed.add_text(fields.title_exact, &title_phrase);
    }

    for name in &document.names {
        indexed.add_text(fields.names, name);
        let name_phrase = normalize_phrase(name);
        if !name_phrase.is_empty() {
            indexed.add_text(fields.names_exact, &name_phrase);
        }
    }
    for identifier in &document.identifiers {
        indexed.add_text(fields.identifiers, identifier);
        let normalized = normalize_identifier(identifier);
        if !normalized.is_empty() {
            indexed.add_text(fields.identifier_exact, &normalized);
        }
    }
    for prose in &document.body {
        indexed.add_text(fields.body, prose);
    }

    let mut facets = Vec::new();
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.record_type,
        Some(FacetDimension::RecordType),
        std::iter::once(document.record_type.as_str().to_owned()),
    );
    let countries = document.country.iter().chain(&document.countries);
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.country,
        Some(FacetDimension::Country),
        countries.map(|country| normalize_country(country)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.corridor,
        Some(FacetDimension::Corridor),
        document
            .corridors
            .iter()
            .map(|(origin, destination)| corridor_value(origin, destination)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.corridor_origin,
        None,
        document.corridors.iter().map(|(origin, _)| normalize_country(origin)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.corridor_destination,
        None,
        document
            .corridors
            .iter()
            .map(|(_, destination)| normalize_country(destination)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.sector,
        Some(FacetDimension::Sector),
        document.sectors.iter().map(|value| normalize_keyword(value)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.language,
        Some(FacetDimension::Language),
        document.languages.iter().map(|value| normalize_keyword(value)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.certification_status,
        Some(FacetDimension::CertificationStatus),
        document
            .certification_statuses
            .iter()
            .map(|value| normalize_keyword(value)),
    );
    add_keywords(
        &mut indexed,
        &mut facets,
        fields.certification_body,
        Some(FacetDimension::CertificationBody),
        document
            .certification_bodies
            .iter()
            .map(|value| normalize_keyword(value)),
    );
    for facet in facets {
        indexed.add_text(fields.facet, &facet);
    }
    indexed.add_u64(fields.certified_until, document.certified_until);
    indexed.add_u64(fields.earliest_certified_expiry, document.earliest_certified_expiry);
    indexed
}

/// Adds each distinct non-empty value once to `field` (for filters) and, for a facet dimension,
/// to `facets`, so a facet counts a document once per value.
fn add_keywords(
    indexed: &mut TantivyDocument,
    facets: &mut Vec<String>,
    field: Field,
    dimension: Option<FacetDimension>,
    values: impl Iterator<Item = String>,
) {
    let distinct: BTreeSet<String> = values.filter(|value| !value.is_empty()).collect();
    for value in distinct {
        if let Some(dimension) = dimension {
            facets.push(dimension.encode(&value));
        }
        indexed.add_text(field, &value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_values_round_trip() {
        for (position, dimension) in FacetDimension::ALL.into_iter().enumerate() {
            assert_eq!(dimension.index(), position);
            let encoded = dimension.encode("domestic work=x");
            assert_eq!(FacetDimension::decode(&encoded), Some((dimension, "domestic work=x")));
        }
        assert_eq!(FacetDimension::decode("unknown=1"), None);
        assert_eq!(FacetDimension::decode("no separator"), None);
    }
}
