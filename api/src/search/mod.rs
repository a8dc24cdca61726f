//! The Tantivy index (the `search-index` crate), kept in step with the database as the
//! follower of the change log that applies each entry before the server's feed publishes it
//! ([`crate::changes::Index`]), and the searches it answers.
//!
//! The index stores the change-log position it reflects in each commit. On start it catches up
//! from there (or rebuilds when the index is missing, of an older schema, or ahead of the
//! database); from then on the feed hands it every entry (after this server's own writes before
//! they are answered, and on a timer for writes made elsewhere). Documents hold a recruiter's
//! standing as dates and each search compares them with its own day, so nothing is recomputed
//! when the date changes.
//!
//! On disk the index lives in `DATA_DIR/search/<generation>/`, and the file
//! `DATA_DIR/search/CURRENT` names the generation in use. `directory reindex` builds a new
//! generation beside the live one and then replaces `CURRENT` in one rename; no directory an
//! index is open in is ever renamed. (Tantivy finds its files by path: a server still holding
//! an index whose directory was renamed away, as reindexing once did, committed into and
//! garbage-collected the new index put at that path until it noticed the swap.) A server
//! switches to the new generation on its next step and then deletes the one it left.

pub mod documents;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
};

use entity::{certification, change_log, commitment, recruiter, trademark_right, training_listing, training_provider};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use search_index::{Document, RecordType, SearchIndex, SearchRequest, SearchResults};
use tokio::sync::Mutex;

use crate::{
    changes,
    error::{AppError, AppResult},
    progress::{Progress, ProgressBar, Unit},
};

/// Shared by every request of a server.
#[derive(Clone)]
pub struct Search {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    /// `DATA_DIR/search`: `CURRENT` and a directory per generation.
    root: PathBuf,
    index: RwLock<Arc<SearchIndex>>,
    /// The generation of the index directory this server has open (see `reindex`).
    generation: RwLock<String>,
    /// One writer of the index at a time.
    writing: Mutex<()>,
    /// Whether the last write to the index succeeded, for `/readyz`.
    health: std::sync::Mutex<IndexHealth>,
    /// Searches running at once: one per core. More only queue inside the kernel's scheduler
    /// and each keeps a thread of the blocking pool (and its allocator's memory) alive; fewer
    /// leave a core idle.
    searching: tokio::sync::Semaphore,
}

/// Whether the index can be written (a full disk or an unwritable directory make commits
/// fail). Searches keep answering from the last commit meanwhile, and the follower retries
/// every second, so the index catches up by itself once the cause is fixed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndexHealth {
    pub writable: bool,
    /// What failed, without paths (the server log has the full error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(rename = "failingSince", skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl Default for IndexHealth {
    fn default() -> Self {
        Self {
            writable: true,
            error: None,
            failing_since: None,
        }
    }
}

/// A failed index write in words an operator can act on, without the paths the error holds.
fn describe(error: &AppError) -> String {
    let AppError::Internal(cause) = error else {
        return error.message();
    };
    let kind = cause
        .chain()
        .find_map(|source| source.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    // Tantivy keeps the I/O error's kind only in its message (as `StorageFull`, or the OS text).
    let text = format!("{cause:#}").to_lowercase();
    let says = |needles: &[&str]| needles.iter().any(|needle| text.contains(needle));
    if kind == Some(std::io::ErrorKind::StorageFull) || says(&["no space left", "storagefull"]) {
        "the disk holding the search index is full".to_owned()
    } else if kind == Some(std::io::ErrorKind::ReadOnlyFilesystem)
        || says(&["read-only file system", "readonlyfilesystem"])
    {
        "the search index is on a read-only file system".to_owned()
    } else if kind == Some(std::io::ErrorKind::PermissionDenied)
        || says(&["permission denied", "permissiondenied", "operation not permitted"])
    {
        "the search index directory is not writable (permission denied)".to_owned()
    } else if matches!(
        kind,
        Some(std::io::ErrorKind::NotADirectory | std::io::ErrorKind::NotFound)
    ) || says(&["not a directory", "notadirectory", "no such file", "notfound"])
    {
        "the search index directory is missing or not a directory".to_owned()
    } else {
        "the search index could not be written (the server log has the cause)".to_owned()
    }
}

/// How many change-log entries one catch-up step reads.
const CHANGES_PER_STEP: u64 = 5_000;
/// How many documents are built per batch of queries.
const DOCUMENTS_PER_BATCH: usize = 2_000;

fn index_error(error: search_index::Error) -> AppError {
    if error.is_bad_user_input() {
        return AppError::BadInput(error.to_string());
    }
    AppError::internal(error)
}

/// Runs blocking index work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, search_index::Error> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)?
        .map_err(index_error)
}

/// The file under `DATA_DIR/search` that names the generation in use.
const CURRENT: &str = "CURRENT";
/// The generation of an index no reindex has replaced yet.
const FIRST_GENERATION: &str = "initial";

/// The generation `CURRENT` names (the first one when there is none, or when it names something
/// that is not a plain directory name).
fn read_generation(root: &Path) -> String {
    std::fs::read_to_string(root.join(CURRENT))
        .map(|text| text.trim().to_owned())
        .ok()
        .filter(|name| {
            !name.is_empty()
                && name.len() <= 64
                && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        })
        .unwrap_or_else(|| FIRST_GENERATION.to_owned())
}

impl Search {
    /// Opens the index under `DATA_DIR/search` and brings it up to date with the database.
    pub async fn open(db: DatabaseConnection, data_dir: &Path) -> anyhow::Result<Self> {
        let root = data_dir.join("search");
        std::fs::create_dir_all(&root)?;
        if root.join("meta.json").exists() {
            // An index of the layout before generations, in `search/` itself: it is rebuilt in
            // its generation's directory below; its files are only in the way.
            tracing::info!(dir = %root.display(), "removing the search index of the earlier layout");
            SearchIndex::remove_files(&root)?;
        }
        let generation = read_generation(&root);
        let opened = {
            let directory = root.join(&generation);
            tokio::task::spawn_blocking(move || SearchIndex::open(&directory)).await??
        };
        let search = Self {
            inner: Arc::new(Inner {
                db,
                root,
                index: RwLock::new(Arc::new(opened)),
                generation: RwLock::new(generation),
                writing: Mutex::new(()),
                health: std::sync::Mutex::new(IndexHealth::default()),
                searching: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
                ),
            }),
        };
        let latest = changes::latest_seq(&search.inner.db).await?;
        let index = search.index();
        if index.needs_rebuild() || index.position() > u64::try_from(latest).unwrap_or(0) {
            tracing::info!("search index missing, outdated or ahead of the database: rebuilding");
            search.rebuild().await?;
        } else {
            let _writing = search.inner.writing.lock().await;
            search.catch_up(&index).await?;
        }
        Ok(search)
    }

    pub fn index(&self) -> Arc<SearchIndex> {
        self.inner
            .index
            .read()
            .map(|index| index.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Replaces the whole index with documents built from the database.
    pub async fn rebuild(&self) -> AppResult<()> {
        let _writing = self.inner.writing.lock().await;
        let position = changes::latest_seq(&self.inner.db).await?;
        let documents = all_documents(&self.inner.db, &ProgressBar::hidden()).await?;
        let index = self.index();
        let written = blocking(move || index.replace_all(documents, u64::try_from(position).unwrap_or(0))).await;
        self.record(&written);
        written
    }

    /// Whether the index can be written, as the last write found.
    pub fn health(&self) -> IndexHealth {
        self.inner
            .health
            .lock()
            .map(|health| health.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Notes the outcome of an index write; logs only when health changes (the follower retries
    /// every second, and one line per second would drown the log).
    fn record<T>(&self, outcome: &AppResult<T>) {
        let mut health = self
            .inner
            .health
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match outcome {
            Ok(_) if !health.writable => {
                tracing::info!("the search index is writable again");
                *health = IndexHealth::default();
            }
            Ok(_) => {}
            Err(error) if health.writable => {
                tracing::error!(error = ?error, "cannot write the search index; searches answer from its last commit, retrying");
                *health = IndexHealth {
                    writable: false,
                    error: Some(describe(error)),
                    failing_since: Some(chrono::Utc::now()),
                };
            }
            Err(error) => {
                tracing::debug!(error = ?error, "the search index is still not writable");
                health.error = Some(describe(error));
            }
        }
    }

    /// Brings `index` up to the latest change-log entry (the caller holds `writing`).
    async fn catch_up(&self, index: &Arc<SearchIndex>) -> AppResult<()> {
        loop {
            let entries = changes::entries_after(&self.inner.db, index.position(), CHANGES_PER_STEP).await?;
            if entries.is_empty() {
                return Ok(());
            }
            self.apply_to(index, &entries).await?;
        }
    }

    /// Rebuilds the documents `entries` touched, from the database as it is now, into `index`.
    async fn apply_to(&self, index: &Arc<SearchIndex>, entries: &[change_log::Model]) -> AppResult<()> {
        let Some(last) = entries.last().map(|entry| u64::try_from(entry.seq).unwrap_or(0)) else {
            return Ok(());
        };
        let affected = affected_documents(&self.inner.db, entries).await?;
        let (upserts, deletes) = build(&self.inner.db, &affected).await?;
        // An index swapped in by `directory reindex` may already be past these entries.
        let position = index.position().max(last);
        let index = index.clone();
        let written = blocking(move || index.apply(upserts, deletes, position)).await;
        self.record(&written);
        written
    }

    pub async fn search(&self, request: OwnedSearchRequest) -> AppResult<SearchResults> {
        let _slot = self.inner.searching.acquire().await.map_err(AppError::internal)?;
        let index = self.index();
        blocking(move || {
            let search = SearchRequest {
                query: &request.query,
                filter: &request.filter,
                limit: request.limit,
                offset: request.offset,
                highlights: request.highlights,
            };
            if request.facets {
                index.search(&search)
            } else {
                index.search_without_facets(&search)
            }
        })
        .await
    }

    /// Which build of the index this server has open (changes when `directory reindex` swaps
    /// in a rebuilt one); shown by `/readyz`.
    pub fn generation(&self) -> String {
        self.inner
            .generation
            .read()
            .map(|generation| generation.clone())
            .unwrap_or_default()
    }

    /// Switches to an index rebuilt by `directory reindex`, once it holds every entry the
    /// live one holds: a rebuild started before the latest writes is caught up first, so the
    /// server never answers from (or publishes as if from) an earlier position.
    async fn reopen_if_reindexed(&self) -> AppResult<()> {
        let current = read_generation(&self.inner.root);
        let left = self.generation();
        if current == left {
            return Ok(());
        }
        let _writing = self.inner.writing.lock().await;
        let directory = self.inner.root.join(&current);
        let reopened = Arc::new(blocking(move || SearchIndex::open(&directory)).await?);
        self.catch_up(&reopened).await?;
        if let Ok(mut index) = self.inner.index.write() {
            *index = reopened;
        }
        if let Ok(mut generation) = self.inner.generation.write() {
            *generation = current;
        }
        tracing::info!("switched to the rebuilt search index");
        // Nothing writes the generation left any more (writes hold `writing`); searches still
        // running on it keep their open files, which outlive the names.
        let left = self.inner.root.join(left);
        if let Err(error) = std::fs::remove_dir_all(&left) {
            tracing::warn!(%error, dir = %left.display(), "cannot remove the search index left behind");
        }
        Ok(())
    }
}

/// A search request that owns its text, to cross into a blocking thread.
pub struct OwnedSearchRequest {
    pub query: String,
    pub filter: search_index::Filter,
    pub limit: usize,
    pub offset: usize,
    /// Count facet values too (only when the caller asked for them).
    pub facets: bool,
    /// Snippets of where each hit matched (only when the caller asked for them).
    pub highlights: bool,
}

/// Documents touched by change-log entries: a certification or mark right changes its
/// recruiter's document, a commitment its organisation's, a provider its listings'.
async fn affected_documents(
    db: &DatabaseConnection,
    entries: &[change_log::Model],
) -> AppResult<BTreeSet<(RecordType, i64)>> {
    let ids_of = |kind: &str| -> Vec<i64> {
        entries
            .iter()
            .filter(|entry| entry.entity_type == kind)
            .map(|entry| entry.entity_id)
            .collect()
    };
    let mut affected: BTreeSet<(RecordType, i64)> = BTreeSet::new();
    affected.extend(ids_of("recruiter").into_iter().map(|id| (RecordType::Recruiter, id)));
    affected.extend(
        ids_of("organisation")
            .into_iter()
            .map(|id| (RecordType::Organisation, id)),
    );
    affected.extend(
        ids_of("training_provider")
            .into_iter()
            .map(|id| (RecordType::TrainingProvider, id)),
    );
    affected.extend(
        ids_of("training_listing")
            .into_iter()
            .map(|id| (RecordType::TrainingListing, id)),
    );
    affected.extend(
        ids_of("support_service")
            .into_iter()
            .map(|id| (RecordType::SupportService, id)),
    );
    let owned = [
        (
            owners::<certification::Entity>(db, &ids_of("certification"), "recruiter_id").await?,
            RecordType::Recruiter,
        ),
        (
            owners::<trademark_right::Entity>(db, &ids_of("trademark_right"), "recruiter_id").await?,
            RecordType::Recruiter,
        ),
        (
            owners::<commitment::Entity>(db, &ids_of("commitment"), "organisation_id").await?,
            RecordType::Organisation,
        ),
        (
            // A provider's name is part of its listings' documents.
            owned_by::<training_listing::Entity>(db, &ids_of("training_provider"), "provider_id").await?,
            RecordType::TrainingListing,
        ),
    ];
    for (ids, record_type) in owned {
        affected.extend(ids.into_iter().map(|id| (record_type, id)));
    }
    Ok(affected)
}

/// The `owner_column` of the rows with these ids (e.g. the recruiter of certifications).
async fn owners<E: EntityTrait>(db: &DatabaseConnection, ids: &[i64], owner_column: &str) -> AppResult<Vec<i64>> {
    select_column::<E>(db, "id", ids, owner_column).await
}

/// The ids of the rows whose `owner_column` is one of `owner_ids` (e.g. a provider's listings).
async fn owned_by<E: EntityTrait>(
    db: &DatabaseConnection,
    owner_ids: &[i64],
    owner_column: &str,
) -> AppResult<Vec<i64>> {
    select_column::<E>(db, owner_column, owner_ids, "id").await
}

async fn select_column<E: EntityTrait>(
    db: &DatabaseConnection,
    key: &str,
    keys: &[i64],
    wanted: &str,
) -> AppResult<Vec<i64>> {
    use std::str::FromStr;
    let column =
        |name: &str| E::Column::from_str(name).map_err(|_| AppError::internal(anyhow::anyhow!("no column {name}")));
    let mut found = Vec::new();
    for chunk in keys.chunks(500) {
        let rows: Vec<i64> = E::find()
            .select_only()
            .column(column(wanted)?)
            .filter(column(key)?.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Builds the affected documents; those whose record is gone or archived are deleted.
async fn build(
    db: &DatabaseConnection,
    affected: &BTreeSet<(RecordType, i64)>,
) -> AppResult<(Vec<Document>, Vec<String>)> {
    let mut upserts = Vec::new();
    for record_type in RecordType::ALL {
        let ids: Vec<i64> = affected
            .iter()
            .filter(|(kind, _)| *kind == record_type)
            .map(|(_, id)| *id)
            .collect();
        for chunk in ids.chunks(DOCUMENTS_PER_BATCH) {
            upserts.extend(documents_of(db, record_type, chunk).await?);
        }
    }
    let built: BTreeSet<&str> = upserts.iter().map(|document| document.key.as_str()).collect();
    let deletes = affected
        .iter()
        .map(|(record_type, id)| documents::key(*record_type, *id))
        .filter(|key| !built.contains(key.as_str()))
        .collect();
    Ok((upserts, deletes))
}

async fn documents_of(db: &DatabaseConnection, record_type: RecordType, ids: &[i64]) -> AppResult<Vec<Document>> {
    match record_type {
        RecordType::Recruiter => documents::recruiters(db, ids).await,
        RecordType::Organisation => documents::organisations(db, ids).await,
        RecordType::TrainingProvider => documents::providers(db, ids).await,
        RecordType::TrainingListing => documents::listings(db, ids).await,
        RecordType::SupportService => documents::support_services(db, ids).await,
    }
}

/// Every live record as a document; `progress` counts them once it knows how many there are.
pub async fn all_documents(db: &DatabaseConnection, progress: &ProgressBar) -> AppResult<Vec<Document>> {
    let mut live = Vec::new();
    for record_type in RecordType::ALL {
        let ids: Vec<i64> = match record_type {
            RecordType::Recruiter => live_ids::<recruiter::Entity>(db).await?,
            RecordType::Organisation => live_ids::<entity::organisation::Entity>(db).await?,
            RecordType::TrainingProvider => live_ids::<training_provider::Entity>(db).await?,
            RecordType::TrainingListing => live_ids::<training_listing::Entity>(db).await?,
            RecordType::SupportService => live_ids::<entity::support_service::Entity>(db).await?,
        };
        live.push((record_type, ids));
    }
    progress.set_length(live.iter().map(|(_, ids)| ids.len() as u64).sum());
    let mut all = Vec::new();
    for (record_type, ids) in live {
        for chunk in ids.chunks(DOCUMENTS_PER_BATCH) {
            all.extend(documents_of(db, record_type, chunk).await?);
            progress.inc(chunk.len() as u64);
        }
    }
    Ok(all)
}

async fn live_ids<E: EntityTrait>(db: &DatabaseConnection) -> AppResult<Vec<i64>> {
    use std::str::FromStr;
    let column =
        |name: &str| E::Column::from_str(name).map_err(|_| AppError::internal(anyhow::anyhow!("no column {name}")));
    Ok(E::find()
        .select_only()
        .column(column("id")?)
        .filter(column("archived_at")?.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// `directory reindex`: builds a fresh index beside the live one and swaps it in; running
/// servers notice the new generation and switch without a restart.
pub async fn reindex(db: &DatabaseConnection, data_dir: &Path, progress: &Progress) -> anyhow::Result<usize> {
    let root = data_dir.join("search");
    let generation = format!("{}-{}", chrono::Utc::now().timestamp_millis(), std::process::id());
    let building = root.join(&generation);
    std::fs::create_dir_all(&building)?;
    let position = changes::latest_seq(db).await?;
    let documents = all_documents(db, progress.phase("reading", Unit::Records, None)).await?;
    let count = documents.len();
    // Tantivy builds the index in one call: a spinner with the time it takes.
    progress.phase("indexing", Unit::Records, None);
    let built = {
        let building = building.clone();
        tokio::task::spawn_blocking(move || -> Result<(), search_index::Error> {
            let index = SearchIndex::open(&building)?;
            index.replace_all(documents, u64::try_from(position).unwrap_or(0))
        })
        .await?
    };
    if let Err(error) = built {
        let _ = std::fs::remove_dir_all(&building);
        return Err(error.into());
    }
    // The swap: one rename of a small file. A running server opens the new generation on its
    // next step (and deletes the one it leaves); with none running, the left one goes now.
    let left = read_generation(&root);
    let draft = root.join(format!(".{CURRENT}.{}", std::process::id()));
    std::fs::write(&draft, &generation)?;
    std::fs::rename(&draft, root.join(CURRENT))?;
    let left = root.join(left);
    if left.is_dir() && !server_holds(&left) {
        let _ = std::fs::remove_dir_all(&left);
    }
    Ok(count)
}

/// Whether a process has the index in `directory` open for writing (a running server does).
fn server_holds(directory: &Path) -> bool {
    matches!(SearchIndex::open(directory), Err(search_index::Error::Locked { .. }))
}

impl changes::Index for Search {
    /// The index in use always holds at least what the feed published: it only moves forward,
    /// and a rebuilt one is caught up to the latest entry before it is swapped in.
    fn refresh(&self, _published: u64) -> futures_util::future::BoxFuture<'_, AppResult<()>> {
        Box::pin(self.reopen_if_reindexed())
    }

    fn apply<'a>(&'a self, entries: &'a [change_log::Model]) -> futures_util::future::BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let _writing = self.inner.writing.lock().await;
            let index = self.index();
            self.apply_to(&index, entries).await
        })
    }
}
