//! The index itself: opening (and recreating when unusable), writing, and searching.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, Searcher, SegmentReader,
    TantivyDocument, TantivyError, Term,
};

use crate::Error;
use crate::document::{Document, RecordType};
use crate::facets::{FacetCountCollector, FacetCounts, Facets, sorted_counts};
use crate::highlight::{StoredText, highlights};
use crate::query::{QueryPlan, SearchRequest, and, build_query, certified_on, lapsed_on, not};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema, names, to_tantivy_document};
use crate::tokenizer::{MultilingualTokenizer, TOKENIZER_NAME};

/// Writer memory per indexing thread. Tantivy needs at least 15 MB; more means fewer, larger
/// segments on a rebuild.
const WRITER_MEMORY_PER_THREAD: usize = 64 * 1024 * 1024;
/// Indexing threads, at most; the machine's cores are shared with the API.
const MAX_WRITER_THREADS: usize = 4;
/// `offset + limit` beyond this is refused: deep pages cost memory and nobody reads them.
pub const MAX_RESULT_WINDOW: usize = 10_000;
/// Certified-today records get this much more score: about one BM25 word's worth, which decides
/// between equally (or nearly equally) relevant records but never crosses a ranking tier.
const CERTIFIED_SCORE_BONUS: Score = 1.0;

/// A hit: which record, how well it matched, and snippets of where.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub record_type: RecordType,
    pub id: i64,
    /// Higher is better; 0 when browsing (empty query), where order is certified then name.
    pub score: f32,
    /// Snippets with matched words wrapped in `<mark>…</mark>`, HTML-escaped otherwise.
    pub highlights: Vec<String>,
}

/// One page of hits, the total number of matches and facet counts over all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// What each commit records, so a restart knows where the index stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct CommitPayload {
    schema_version: u32,
    /// The change-log position the index has caught up to.
    position: u64,
    /// False until a full rebuild has been committed: an index created empty is not yet a
    /// faithful copy of the database, even if later catch-ups were applied to it.
    complete: bool,
}

/// The Tantivy index of every searchable record. `Send + Sync`; share it through an `Arc`.
///
/// All methods block (Tantivy does file I/O and CPU work): call them from a blocking thread.
pub struct SearchIndex {
    fields: Fields,
    reader: IndexReader,
    /// Tantivy allows one writer per index; the mutex serialises `apply` and `replace_all`.
    writer: Mutex<IndexWriter>,
    position: AtomicU64,
    needs_rebuild: AtomicBool,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SearchIndex")
            .field("position", &self.position())
            .field("needs_rebuild", &self.needs_rebuild())
            .finish_non_exhaustive()
    }
}

/// Why an existing index could not be used as it is.
enum Unusable {
    /// Another process holds the writer lock: not ours to wipe.
    Locked,
    /// Corrupt, of another schema, or never completed its first commit: recreate it.
    Invalid(String),
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if missing.
    ///
    /// If `dir` holds no index, a corrupt one, or one of another schema version, the index files
    /// are removed, an empty index is created, and [`needs_rebuild`](Self::needs_rebuild) is true
    /// until [`replace_all`](Self::replace_all) commits. Only Tantivy's own files are removed, but
    /// the directory should still be dedicated to the index.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })?;
        let (schema, fields) = build_schema();
        if dir.join("meta.json").exists() {
            match Self::open_existing(dir, &schema, fields) {
                Ok(index) => return Ok(index),
                Err(Unusable::Locked) => {
                    return Err(Error::Locked { path: dir.to_owned() });
                }
                Err(Unusable::Invalid(reason)) => {
                    tracing::warn!(dir = %dir.display(), %reason, "search index unusable; recreating it empty");
                    remove_index_files(dir)?;
                }
            }
        } else {
            tracing::info!(dir = %dir.display(), "no search index yet; creating it empty");
            // Leftovers of an index whose meta.json was lost are garbage now.
            remove_index_files(dir)?;
        }
        let index = Index::create_in_dir(dir, schema).map_err(|error| locked_or(error, dir))?;
        Self::initialise_new(index, fields).map_err(|error| locked_or(error, dir))
    }

    /// Removes the index files in `dir` (Tantivy's own: meta, lock and segment files), leaving
    /// anything else there.
    pub fn remove_files(dir: &Path) -> Result<(), Error> {
        remove_index_files(dir)
    }

    /// An index that lives in memory only, for tests. It starts empty, with `needs_rebuild()`.
    pub fn open_in_ram() -> Result<Self, Error> {
        let (schema, fields) = build_schema();
        Ok(Self::initialise_new(Index::create_in_ram(schema), fields)?)
    }

    /// True while the index is not known to hold every record: created empty (first start,
    /// corruption, schema change) and no full rebuild committed since.
    pub fn needs_rebuild(&self) -> bool {
        self.needs_rebuild.load(Ordering::Acquire)
    }

    /// The change-log position stored with the last commit (0 if none).
    pub fn position(&self) -> u64 {
        self.position.load(Ordering::Acquire)
    }

    /// Replaces documents by key (delete then add), deletes `deletes` keys, and commits with
    /// `position`. The reader is reloaded before returning, so a search right after sees the
    /// change. On error nothing of the batch is kept.
    pub fn apply(&self, upserts: Vec<Document>, deletes: Vec<String>, position: u64) -> Result<(), Error> {
        let mut writer = self.lock_writer();
        let result = (|| {
            for key in &deletes {
                writer.delete_term(Term::from_field_text(self.fields.key, key));
            }
            for document in &upserts {
                writer.delete_term(Term::from_field_text(self.fields.key, &document.key));
                writer.add_document(to_tantivy_document(&self.fields, document))?;
            }
            let complete = !self.needs_rebuild();
            self.commit(&mut writer, position, complete)
        })();
        if result.is_err() {
            discard_uncommitted(&mut writer);
        }
        result
    }

    /// Deletes everything and adds `documents` in one commit: searches see the old index until the
    /// new one is complete, then the new one. Clears [`needs_rebuild`](Self::needs_rebuild).
    pub fn replace_all(&self, documents: Vec<Document>, position: u64) -> Result<(), Error> {
        let mut writer = self.lock_writer();
        let result = (|| {
            writer.delete_all_documents()?;
            for document in &documents {
                writer.add_document(to_tantivy_document(&self.fields, document))?;
            }
            self.commit(&mut writer, position, true)
        })();
        match result {
            Ok(()) => {
                self.needs_rebuild.store(false, Ordering::Release);
                Ok(())
            }
            Err(error) => {
                discard_uncommitted(&mut writer);
                Err(error)
            }
        }
    }

    /// Searches. Any query text is accepted: it is cut into words, never parsed as syntax, and
    /// text with no words browses everything the filter allows (certified first, then by name).
    pub fn search(&self, request: &SearchRequest<'_>) -> Result<SearchResults, Error> {
        self.run(request, true)
    }

    /// [`SearchIndex::search`] without facet counts (empty in the results): the hits and the
    /// total only, which is what most searches show, at a fraction of the work.
    pub fn search_without_facets(&self, request: &SearchRequest<'_>) -> Result<SearchResults, Error> {
        self.run(request, false)
    }

    fn run(&self, request: &SearchRequest<'_>, with_facets: bool) -> Result<SearchResults, Error> {
        let facet_collector = FacetCountCollector { values: with_facets };
        let window_end = request
            .offset
            .checked_add(request.limit)
            .filter(|end| *end <= MAX_RESULT_WINDOW)
            .ok_or(Error::ResultWindowTooLarge { max: MAX_RESULT_WINDOW })?;
        let searcher = self.reader.searcher();
        let plan = QueryPlan::new(request.query);
        let query = build_query(&self.fields, &plan, request.filter);
        let today = request.filter.today;

        let (scored_docs, facet_counts) = if request.limit == 0 || window_end == 0 {
            let facet_counts = searcher.search(&query, &facet_collector)?;
            (Vec::new(), facet_counts)
        } else if plan.is_empty() {
            browse(
                &searcher,
                &self.fields,
                &*query,
                facet_collector,
                today,
                request.limit,
                request.offset,
            )?
        } else {
            rank(
                &searcher,
                &*query,
                facet_collector,
                today,
                request.limit,
                request.offset,
            )?
        };
        let total = facet_counts.matched;
        let mut facets = facet_counts.into_facets();
        if with_facets {
            statuses_on(&searcher, &self.fields, &*query, today, &mut facets)?;
        }

        let hits = scored_docs
            .into_iter()
            .map(|(score, address)| {
                if request.highlights && !plan.is_empty() {
                    self.hit_with_highlights(&searcher, &plan, score, address)
                } else {
                    let (record_type, id) = reference(&searcher, address)?;
                    Ok(Hit {
                        record_type,
                        id,
                        score,
                        highlights: Vec::new(),
                    })
                }
            })
            .collect::<Result<Vec<Hit>, Error>>()?;
        Ok(SearchResults { total, hits, facets })
    }

    /// Number of live documents, for readiness checks and tests.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn open_existing(dir: &Path, schema: &Schema, fields: Fields) -> Result<Self, Unusable> {
        let mut index = Index::open_in_dir(dir).map_err(invalid)?;
        if index.schema() != *schema {
            return Err(Unusable::Invalid("schema differs from this build's".to_owned()));
        }
        prepare(&mut index).map_err(invalid)?;
        let metas = index.load_metas().map_err(invalid)?;
        let payload = metas
            .payload
            .as_deref()
            .ok_or_else(|| Unusable::Invalid("no commit payload".to_owned()))?;
        let payload: CommitPayload = serde_json::from_str(payload)
            .map_err(|error| Unusable::Invalid(format!("unreadable commit payload: {error}")))?;
        if payload.schema_version != SCHEMA_VERSION {
            return Err(Unusable::Invalid(format!(
                "schema version {} instead of {SCHEMA_VERSION}",
                payload.schema_version
            )));
        }
        let writer = new_writer(&index).map_err(|error| match error {
            TantivyError::LockFailure(..) => Unusable::Locked,
            other => invalid(other),
        })?;
        let reader = new_reader(&index).map_err(invalid)?;
        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
            position: AtomicU64::new(payload.position),
            needs_rebuild: AtomicBool::new(!payload.complete),
        })
    }

    /// Sets up a freshly created (empty) index and commits a payload that marks it incomplete.
    fn initialise_new(mut index: Index, fields: Fields) -> Result<Self, TantivyError> {
        prepare(&mut index)?;
        let writer = new_writer(&index)?;
        let reader = new_reader(&index)?;
        let search_index = SearchIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
            position: AtomicU64::new(0),
            needs_rebuild: AtomicBool::new(true),
        };
        {
            let mut writer = search_index.lock_writer();
            search_index
                .commit(&mut writer, 0, false)
                .map_err(|error| match error {
                    Error::Tantivy(tantivy_error) => tantivy_error,
                    other => TantivyError::InternalError(other.to_string()),
                })?;
        }
        Ok(search_index)
    }

    /// A poisoned lock means a panic mid-write; the uncommitted work is dropped and the writer
    /// reused from the last commit.
    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|poisoned: PoisonError<_>| {
            let mut writer = poisoned.into_inner();
            discard_uncommitted(&mut writer);
            writer
        })
    }

    fn commit(&self, writer: &mut IndexWriter, position: u64, complete: bool) -> Result<(), Error> {
        let payload = CommitPayload {
            schema_version: SCHEMA_VERSION,
            position,
            complete,
        };
        let payload_json =
            serde_json::to_string(&payload).map_err(|error| TantivyError::InternalError(error.to_string()))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload_json);
        prepared.commit()?;
        self.reader.reload()?;
        self.position.store(position, Ordering::Release);
        Ok(())
    }

    /// A hit read from its stored document, with snippets of where the query matched.
    fn hit_with_highlights(
        &self,
        searcher: &Searcher,
        plan: &QueryPlan,
        score: Score,
        address: DocAddress,
    ) -> Result<Hit, Error> {
        let stored: TantivyDocument = searcher.doc(address)?;
        let text = |field| {
            stored
                .get_first(field)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
        };
        let all_text = |field| -> Vec<&str> { stored.get_all(field).filter_map(|value| value.as_str()).collect() };
        let record_type_name = text(self.fields.record_type);
        let record_type = record_type_name
            .parse::<RecordType>()
            .map_err(|error| Error::CorruptDocument(error.to_string()))?;
        let id = stored
            .get_first(self.fields.id)
            .and_then(|value| value.as_i64())
            .ok_or_else(|| Error::CorruptDocument("document without an id".to_owned()))?;
        let highlights = highlights(
            plan,
            &StoredText {
                title: text(self.fields.title),
                names: all_text(self.fields.names),
                identifiers: all_text(self.fields.identifiers),
                body: all_text(self.fields.body),
            },
        );
        Ok(Hit {
            record_type,
            id,
            score,
            highlights,
        })
    }
}

/// Ranks by text relevance, records certified on `today` nudged up, and counts facets over all
/// matches.
fn rank(
    searcher: &Searcher,
    query: &dyn Query,
    facet_collector: FacetCountCollector,
    today: u64,
    limit: usize,
    offset: usize,
) -> Result<(Vec<(Score, DocAddress)>, FacetCounts), Error> {
    let today = today.max(1);
    let top = TopDocs::with_limit(limit)
        .and_offset(offset)
        .tweak_score(move |segment_reader: &SegmentReader| {
            let certified_until = certified_until_column(segment_reader);
            move |doc: DocId, score: Score| {
                if certified_until.first(doc).unwrap_or(0) >= today {
                    score + CERTIFIED_SCORE_BONUS
                } else {
                    score
                }
            }
        });
    let (top_docs, facet_counts) = searcher.search(query, &(top, facet_collector))?;
    Ok((top_docs, facet_counts))
}

/// Lists everything the filter allows: records certified on `today` first, then the others,
/// each part by name. The two parts are two sorted searches, so "certified" is decided by the
/// search's own date, never by one stored in the index.
fn browse(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    facet_collector: FacetCountCollector,
    today: u64,
    limit: usize,
    offset: usize,
) -> Result<(Vec<(Score, DocAddress)>, FacetCounts), Error> {
    let facet_counts = searcher.search(query, &facet_collector)?;
    let certified = and(query.box_clone(), certified_on(fields, today));
    let by_name = |limit: usize, offset: usize| {
        TopDocs::with_limit(limit)
            .and_offset(offset)
            .order_by_string_fast_field(names::TITLE_SORT, Order::Asc)
    };
    let certified_count = searcher.search(&*certified, &Count)?;
    let mut browsed: Vec<(Score, DocAddress)> = Vec::with_capacity(limit);
    if offset < certified_count {
        let docs = searcher.search(&*certified, &by_name(limit, offset))?;
        browsed.extend(docs.into_iter().map(|(_name, address)| (0.0, address)));
    }
    if browsed.len() < limit {
        let rest = and(query.box_clone(), not(certified_on(fields, today)));
        let rest_offset = offset.saturating_sub(certified_count);
        let docs = searcher.search(&*rest, &by_name(limit - browsed.len(), rest_offset))?;
        browsed.extend(docs.into_iter().map(|(_name, address)| (0.0, address)));
    }
    Ok((browsed, facet_counts))
}

/// Facet counts of certification statuses as they stand on `today`: the index records which
/// certifications were recorded as `certified`; whether each still is on `today` follows from
/// the dates, so "certified" and "expired" are counted with two range queries.
fn statuses_on(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    today: u64,
    facets: &mut Facets,
) -> Result<(), Error> {
    if !facets
        .certification_status
        .iter()
        .any(|(status, _)| status == "certified")
    {
        return Ok(());
    }
    let certified = searcher.search(&*and(query.box_clone(), certified_on(fields, today)), &Count)? as u64;
    let lapsed_not_expired = and(
        and(query.box_clone(), lapsed_on(fields, today)),
        not(Box::new(TermQuery::new(
            Term::from_field_text(fields.certification_status, "expired"),
            IndexRecordOption::Basic,
        ))),
    );
    let lapsed = searcher.search(&*lapsed_not_expired, &Count)? as u64;
    let mut counts: std::collections::HashMap<String, u64> =
        std::mem::take(&mut facets.certification_status).into_iter().collect();
    counts.remove("certified");
    if certified > 0 {
        counts.insert("certified".to_owned(), certified);
    }
    if lapsed > 0 {
        *counts.entry("expired".to_owned()).or_default() += lapsed;
    }
    facets.certification_status = sorted_counts(counts);
    Ok(())
}

/// The `certified_until` column of a segment; an unreadable one ranks every record as
/// uncertified rather than failing the search.
/// Which record a document is, read from the fast columns: no stored document is touched.
fn reference(searcher: &Searcher, address: DocAddress) -> Result<(RecordType, i64), Error> {
    let corrupt = |what: &str| Error::CorruptDocument(format!("document without {what}"));
    let fast = searcher.segment_reader(address.segment_ord).fast_fields();
    let id = fast
        .i64(names::ID)?
        .first(address.doc_id)
        .ok_or_else(|| corrupt("an id"))?;
    let types = fast.str(names::RECORD_TYPE)?.ok_or_else(|| corrupt("a record type"))?;
    let ord = types
        .term_ords(address.doc_id)
        .next()
        .ok_or_else(|| corrupt("a record type"))?;
    let mut name = String::new();
    types.ord_to_str(ord, &mut name).map_err(TantivyError::from)?;
    let record_type = name
        .parse::<RecordType>()
        .map_err(|error| Error::CorruptDocument(error.to_string()))?;
    Ok((record_type, id))
}

fn certified_until_column(segment_reader: &SegmentReader) -> Column<u64> {
    segment_reader
        .fast_fields()
        .u64(names::CERTIFIED_UNTIL)
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "certified_until column unreadable; ranking without it");
            Column::build_empty_column(segment_reader.max_doc())
        })
}

/// What every opened index needs and Tantivy does not store: the tokenizer. A search runs its
/// segments on the calling thread: the server already runs searches side by side, one per core
/// (`api/src/search`), and a pool of search threads under them only added hand-offs between
/// threads and threads' worth of allocator memory (with both changes and mimalloc, the load
/// benchmark's searches went from 2.43 to 2.18 ms of CPU each; the three were not separated).
fn prepare(index: &mut Index) -> tantivy::Result<()> {
    register_tokenizer(index);
    Ok(())
}

fn register_tokenizer(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER_NAME, TextAnalyzer::from(MultilingualTokenizer::default()));
}

fn new_writer(index: &Index) -> tantivy::Result<IndexWriter> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .clamp(1, MAX_WRITER_THREADS);
    index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
}

fn new_reader(index: &Index) -> tantivy::Result<IndexReader> {
    index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()
}

/// Rolls back to the last commit after a failed write, so the next write starts clean.
fn discard_uncommitted(writer: &mut IndexWriter) {
    if let Err(error) = writer.rollback() {
        tracing::error!(%error, "search index rollback failed");
    }
}

fn invalid(error: TantivyError) -> Unusable {
    Unusable::Invalid(error.to_string())
}

fn locked_or(error: TantivyError, dir: &Path) -> Error {
    match error {
        TantivyError::LockFailure(..) => Error::Locked { path: dir.to_owned() },
        other => Error::Tantivy(other),
    }
}

/// Removes the files Tantivy writes (meta, lock and segment files), leaving anything else.
fn remove_index_files(dir: &Path) -> Result<(), Error> {
    let io_error = |path: PathBuf| move |source| Error::Io { path, source };
    let entries = fs::read_dir(dir).map_err(io_error(dir.to_owned()))?;
    for entry in entries {
        let entry = entry.map_err(io_error(dir.to_owned()))?;
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        if is_tantivy_file(name) && entry.path().is_file() {
            fs::remove_file(entry.path()).map_err(io_error(entry.path()))?;
        }
    }
    Ok(())
}

/// `meta.json`, `.managed.json`, `.tantivy-*.lock`, and segment files named
/// `<32 hex digits>.<component>` (deletes: `<32 hex>.<opstamp>.del`).
fn is_tantivy_file(name: &str) -> bool {
    if matches!(name, "meta.json" | ".managed.json") || name.starts_with(".tantivy-") {
        return true;
    }
    let Some((segment_id, component)) = name.split_once('.') else {
        return false;
    };
    segment_id.len() == 32 && segment_id.bytes().all(|byte| byte.is_ascii_hexdigit()) && !component.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_tantivy_files() {
        assert!(is_tantivy_file("meta.json"));
        assert!(is_tantivy_file(".managed.json"));
        assert!(is_tantivy_file(".tantivy-writer.lock"));
        assert!(is_tantivy_file("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_tantivy_file("0123456789abcdef0123456789abcdef.42.del"));
        assert!(!is_tantivy_file("directory.sqlite"));
        assert!(!is_tantivy_file("0123456789abcdef0123456789abcdef"));
        assert!(!is_tantivy_file("notes.txt"));
    }
}
