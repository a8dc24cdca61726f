use async_graphql::{
    Context, Enum, InputObject, Object, SimpleObject, Union,
    connection::{Connection, ConnectionNameType, Edge, EdgeNameType},
};
use search_index::{MAX_RESULT_WINDOW, RecordType};
use serde_json::json;

use crate::{
    error::AppError,
    graphql::{
        self,
        query::filters::CorridorInput,
        types::{
            Organisation, Recruiter, SupportService, TrainingListing, TrainingProvider, enums::CertificationStatus,
        },
    },
    ids,
    search::{OwnedSearchRequest, Search},
    service::{certification, page::PageArgs, recruiter},
};

#[derive(Default)]
pub struct SearchQuery;

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchRecordType {
    Recruiter,
    Organisation,
    TrainingProvider,
    TrainingListing,
    SupportService,
}

impl From<SearchRecordType> for RecordType {
    fn from(kind: SearchRecordType) -> Self {
        match kind {
            SearchRecordType::Recruiter => RecordType::Recruiter,
            SearchRecordType::Organisation => RecordType::Organisation,
            SearchRecordType::TrainingProvider => RecordType::TrainingProvider,
            SearchRecordType::TrainingListing => RecordType::TrainingListing,
            SearchRecordType::SupportService => RecordType::SupportService,
        }
    }
}

/// The filter of `recruiters`, plus the record types to search.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    pub record_types: Option<Vec<SearchRecordType>>,
    pub country: Option<String>,
    pub corridor: Option<CorridorInput>,
    /// Records in any of these sectors.
    pub sectors: Option<Vec<String>>,
    /// Records in any of these languages (ISO 639-1).
    pub languages: Option<Vec<String>>,
    /// Recruiters certified today (or not).
    pub certified: Option<bool>,
    pub certification_status: Option<Vec<CertificationStatus>>,
    /// Records certified by any of these bodies (`CertificationBody.externalId`, e.g. `body-01`).
    pub certification_body: Option<Vec<String>>,
}

impl SearchFilter {
    fn into_index_filter(self, today: chrono::NaiveDate) -> Result<search_index::Filter, AppError> {
        recruiter::check_filter_codes(
            self.country.as_deref(),
            self.corridor.clone().map(recruiter::CorridorInput::from).as_ref(),
            self.sectors.as_deref().unwrap_or_default(),
            self.languages.as_deref().unwrap_or_default(),
        )?;
        let corridor: recruiter::CorridorInput = self.corridor.map(Into::into).unwrap_or_default();
        Ok(search_index::Filter {
            record_types: self
                .record_types
                .unwrap_or_default()
                .into_iter()
                .map(RecordType::from)
                .collect(),
            country: self.country,
            corridor_origin: corridor.origin,
            corridor_destination: corridor.destination,
            sectors: self.sectors.unwrap_or_default(),
            languages: self.languages.unwrap_or_default(),
            certified: self.certified,
            certification_statuses: self
                .certification_status
                .unwrap_or_default()
                .into_iter()
                .map(|status| certification::CertificationStatus::from(status).as_str().to_owned())
                .collect(),
            certification_bodies: self.certification_body.unwrap_or_default(),
            today: crate::search::documents::day_number(today),
        })
    }
}

/// A search result.
#[derive(Union)]
pub enum SearchHit {
    Recruiter(Recruiter),
    Organisation(Organisation),
    TrainingProvider(TrainingProvider),
    SupportService(SupportService),
    TrainingListing(TrainingListing),
}

/// How well a hit matched, and where.
#[derive(SimpleObject)]
pub struct SearchEdgeFields {
    /// Relevance; higher is better (0 when browsing without words).
    pub score: f64,
    /// Snippets with the matched words wrapped in `<mark>...</mark>` (HTML-escaped otherwise).
    pub highlights: Vec<String>,
}

#[derive(SimpleObject)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts over the whole filtered result, for narrowing a search.
#[derive(SimpleObject)]
pub struct SearchFacets {
    pub record_type: Vec<FacetCount>,
    pub country: Vec<FacetCount>,
    /// `ORIGIN-DESTINATION`, e.g. `NP-QA`.
    pub corridor: Vec<FacetCount>,
    pub sector: Vec<FacetCount>,
    pub language: Vec<FacetCount>,
    pub certification_status: Vec<FacetCount>,
    /// By certification body (`CertificationBody.externalId`).
    pub certification_body: Vec<FacetCount>,
}

#[derive(SimpleObject)]
pub struct SearchTotals {
    pub total_count: u64,
    pub facets: SearchFacets,
}

pub struct SearchConnectionName;

impl ConnectionNameType for SearchConnectionName {
    fn type_name<T: async_graphql::OutputType>() -> String {
        "SearchConnection".to_owned()
    }
}

pub struct SearchEdgeName;

impl EdgeNameType for SearchEdgeName {
    fn type_name<T: async_graphql::OutputType>() -> String {
        "SearchEdge".to_owned()
    }
}

pub type SearchConnection =
    Connection<String, SearchHit, SearchTotals, SearchEdgeFields, SearchConnectionName, SearchEdgeName>;

fn counts(values: Vec<(String, u64)>) -> Vec<FacetCount> {
    values
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect()
}

#[Object]
impl SearchQuery {
    /// Full-text search over recruiters, organisations, training providers and listings, in
    /// any script, tolerant of typos, as the user types. An empty query browses with facets.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        filter: Option<SearchFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        if query.chars().count() > 1_000 {
            return Err(AppError::bad_input("the search text is longer than 1000 characters: shorten it").into());
        }
        let request = PageArgs::forward(first, after.clone()).validate()?;
        let offset = match &after {
            Some(cursor) => ids::decode_cursor::<usize>("search", cursor)?.saturating_add(1),
            None => 0,
        };
        let limit = usize::try_from(request.size).unwrap_or(0);
        if offset.saturating_add(limit) > MAX_RESULT_WINDOW {
            return Err(AppError::bad_input(format!(
                "search pages end at result {MAX_RESULT_WINDOW}: narrow the search with words or filters"
            ))
            .into());
        }
        let filter = filter
            .unwrap_or_default()
            .into_index_filter(graphql::facts(ctx)?.today)?;
        let search = ctx
            .data::<Search>()
            .map_err(|_| AppError::internal(anyhow::anyhow!("no search index")))?;
        let results = search
            .search(OwnedSearchRequest {
                query,
                filter,
                limit,
                offset,
                // Facets cost a pass over every match: counted only when selected.
                facets: ctx.look_ahead().field("facets").exists(),
                // Snippets cost a stored-document read per hit: made only when selected.
                highlights: ctx.look_ahead().field("edges").field("highlights").exists(),
            })
            .await?;

        let loaders = graphql::loaders(ctx)?;
        let ids_of = |kind: RecordType| -> Vec<i64> {
            results
                .hits
                .iter()
                .filter(|hit| hit.record_type == kind)
                .map(|hit| hit.id)
                .collect()
        };
        let (recruiters, organisations, providers, listings, services) = futures_util::try_join!(
            loaders.recruiter.load_many(ids_of(RecordType::Recruiter)),
            loaders.organisation.load_many(ids_of(RecordType::Organisation)),
            loaders.provider.load_many(ids_of(RecordType::TrainingProvider)),
            loaders.listing.load_many(ids_of(RecordType::TrainingListing)),
            loaders.service.load_many(ids_of(RecordType::SupportService)),
        )?;
        let has_next = (offset + results.hits.len()) < usize::try_from(results.total).unwrap_or(usize::MAX);
        let totals = SearchTotals {
            total_count: results.total,
            facets: SearchFacets {
                record_type: counts(results.facets.record_type),
                country: counts(results.facets.country),
                corridor: counts(results.facets.corridor),
                sector: counts(results.facets.sector),
                language: counts(results.facets.language),
                certification_status: counts(results.facets.certification_status),
                certification_body: counts(results.facets.certification_body),
            },
        };
        let mut connection = Connection::with_additional_fields(offset > 0, has_next, totals);
        for (position, hit) in results.hits.into_iter().enumerate() {
            // A record archived a moment ago may still be in the index: leave it out.
            let node = match hit.record_type {
                RecordType::Recruiter => recruiters
                    .get(&hit.id)
                    .cloned()
                    .map(|row| SearchHit::Recruiter(Recruiter(row))),
                RecordType::Organisation => organisations
                    .get(&hit.id)
                    .cloned()
                    .map(|row| SearchHit::Organisation(Organisation(row))),
                RecordType::TrainingProvider => providers
                    .get(&hit.id)
                    .cloned()
                    .map(|row| SearchHit::TrainingProvider(TrainingProvider(row))),
                RecordType::TrainingListing => listings
                    .get(&hit.id)
                    .cloned()
                    .map(|row| SearchHit::TrainingListing(TrainingListing(row))),
                RecordType::SupportService => services
                    .get(&hit.id)
                    .cloned()
                    .map(|row| SearchHit::SupportService(SupportService(row))),
            };
            if let Some(node) = node {
                let cursor = ids::encode_cursor("search", &json!(offset + position));
                connection.edges.push(Edge::with_additional_fields(
                    cursor,
                    node,
                    SearchEdgeFields {
                        score: f64::from(hit.score),
                        highlights: hit.highlights,
                    },
                ));
            }
        }
        Ok(connection)
    }
}
