//! Follows the change log: keeps the Tantivy index (the `search-index` crate) in step with the
//! database, answers searches, and publishes each change to this server's subscribers.
//!
//! The index stores the change-log position it reflects in each commit. On start it catches up
//! from there (or rebuilds when the index is missing, of an older schema, or ahead of the
//! database); after each write the writer catches up before answering, so a write is
//! searchable when its response arrives; a timer catches up with writes made elsewhere (the
//! CLI, other servers) and refreshes "certified today" when the date changes.

pub mod documents;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::Duration,
};

use chrono::NaiveDate;
use entity::{certification, change_log, commitment, recruiter, trademark_right, training_listing, training_provider};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use search_index::{Document, RecordType, SearchIndex, SearchRequest, SearchResults};
use tokio::sync::Mutex;

use crate::{
    error::{AppError, AppResult},
    service::changes,
};

/// Shared by every request of a server.
#[derive(Clone)]
pub struct Search {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    directory: PathBuf,
    index: RwLock<Arc<SearchIndex>>,
    /// The generation of the index directory this server has open (see `reindex`).
    generation: RwLock<String>,
    /// One catch-up at a time; holds the day "certified today" was last computed for.
    follower: Mutex<NaiveDate>,
    /// Every change-log entry this server follows, for subscriptions.
    feed: tokio::sync::broadcast::Sender<change_log::Model>,
}

/// How many change-log entries one catch-up step reads.
const CHANGES_PER_STEP: u64 = 5_000;
/// How many documents are built per batch of queries.
const DOCUMENTS_PER_BATCH: usize = 2_000;

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

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

fn read_generation(directory: &Path) -> String {
    std::fs::read_to_string(directory.join("GENERATION")).unwrap_or_default()
}

impl Search {
    /// Opens the index under `DATA_DIR/search` and brings it up to date with the database.
    pub async fn open(db: DatabaseConnection, data_dir: &Path) -> anyhow::Result<Self> {
        let directory = data_dir.join("search");
        std::fs::create_dir_all(&directory)?;
        let generation = read_generation(&directory);
        let opened = {
            let directory = directory.clone();
            tokio::task::spawn_blocking(move || SearchIndex::open(&directory)).await??
        };
        let search = Self {
            inner: Arc::new(Inner {
                db,
                directory,
                index: RwLock::new(Arc::new(opened)),
                generation: RwLock::new(generation),
                follower: Mutex::new(today()),
                feed: tokio::sync::broadcast::channel(1_024).0,
            }),
        };
        let latest = changes::latest_seq(&search.inner.db).await?;
        let index = search.index();
        if index.needs_rebuild() || index.position() > u64::try_from(latest).unwrap_or(0) {
            tracing::info!("search index missing, outdated or ahead of the database: rebuilding");
            search.rebuild().await?;
        } else {
            search.catch_up().await?;
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
        let _follower = self.inner.follower.lock().await;
        let position = changes::latest_seq(&self.inner.db).await?;
        let documents = all_documents(&self.inner.db, today()).await?;
        let index = self.index();
        blocking(move || index.replace_all(documents, u64::try_from(position).unwrap_or(0))).await
    }

    /// Applies every change-log entry the index has not seen yet and publishes it.
    pub async fn catch_up(&self) -> AppResult<()> {
        let day = self.inner.follower.lock().await;
        loop {
            let index = self.index();
            let from = i64::try_from(index.position()).unwrap_or(i64::MAX);
            let entries = change_log::Entity::find()
                .filter(change_log::Column::Seq.gt(from))
                .order_by_asc(change_log::Column::Seq)
                .limit(CHANGES_PER_STEP)
                .all(&self.inner.db)
                .await?;
            let Some(last) = entries.last().map(|entry| entry.seq) else {
                break;
            };
            let affected = affected_documents(&self.inner.db, &entries).await?;
            let (upserts, deletes) = build(&self.inner.db, &affected, *day).await?;
            let position = u64::try_from(last).unwrap_or(0);
            blocking(move || index.apply(upserts, deletes, position)).await?;
            for entry in entries {
                // No subscriber is not an error.
                let _ = self.inner.feed.send(entry);
            }
        }
        if *day != today() {
            // "Certified today" moves with the calendar: recompute every document once a day.
            drop(day);
            self.rebuild().await?;
            *self.inner.follower.lock().await = today();
        }
        Ok(())
    }

    /// Change-log entries as this server follows them, from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<change_log::Model> {
        self.inner.feed.subscribe()
    }

    pub async fn search(&self, request: OwnedSearchRequest) -> AppResult<SearchResults> {
        let index = self.index();
        blocking(move || {
            index.search(&SearchRequest {
                query: &request.query,
                filter: &request.filter,
                limit: request.limit,
                offset: request.offset,
            })
        })
        .await
    }

    /// Keeps following the change log (writes made by other processes) and picks up an index
    /// rebuilt by `directory reindex`.
    pub fn spawn_follower(&self, every: Duration) {
        let search = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                if let Err(error) = search.reopen_if_reindexed().await {
                    tracing::warn!(error = ?error, "could not open the rebuilt search index");
                }
                if let Err(error) = search.catch_up().await {
                    tracing::warn!(error = ?error, "search index catch-up failed; will retry");
                }
            }
        });
    }

    async fn reopen_if_reindexed(&self) -> anyhow::Result<()> {
        let current = read_generation(&self.inner.directory);
        let known = self
            .inner
            .generation
            .read()
            .map(|generation| generation.clone())
            .unwrap_or_default();
        if current == known {
            return Ok(());
        }
        let _follower = self.inner.follower.lock().await;
        let directory = self.inner.directory.clone();
        let reopened = tokio::task::spawn_blocking(move || SearchIndex::open(&directory)).await??;
        if let Ok(mut index) = self.inner.index.write() {
            *index = Arc::new(reopened);
        }
        if let Ok(mut generation) = self.inner.generation.write() {
            *generation = current;
        }
        tracing::info!("switched to the rebuilt search index");
        Ok(())
    }
}

/// A search request that owns its text, to cross into a blocking thread.
pub struct OwnedSearchRequest {
    pub query: String,
    pub filter: search_index::Filter,
    pub limit: usize,
    pub offset: usize,
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
    today: NaiveDate,
) -> AppResult<(Vec<Document>, Vec<String>)> {
    let mut upserts = Vec::new();
    for record_type in RecordType::ALL {
        let ids: Vec<i64> = affected
            .iter()
            .filter(|(kind, _)| *kind == record_type)
            .map(|(_, id)| *id)
            .collect();
        for chunk in ids.chunks(DOCUMENTS_PER_BATCH) {
            upserts.extend(documents_of(db, record_type, chunk, today).await?);
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

async fn documents_of(
    db: &DatabaseConnection,
    record_type: RecordType,
    ids: &[i64],
    today: NaiveDate,
) -> AppResult<Vec<Document>> {
    match record_type {
        RecordType::Recruiter => documents::recruiters(db, ids, today).await,
        RecordType::Organisation => documents::organisations(db, ids).await,
        RecordType::TrainingProvider => documents::providers(db, ids).await,
        RecordType::TrainingListing => documents::listings(db, ids).await,
    }
}

/// Every live record as a document.
pub async fn all_documents(db: &DatabaseConnection, today: NaiveDate) -> AppResult<Vec<Document>> {
    let mut all = Vec::new();
    for record_type in RecordType::ALL {
        let ids: Vec<i64> = match record_type {
            RecordType::Recruiter => live_ids::<recruiter::Entity>(db).await?,
            RecordType::Organisation => live_ids::<entity::organisation::Entity>(db).await?,
            RecordType::TrainingProvider => live_ids::<training_provider::Entity>(db).await?,
            RecordType::TrainingListing => live_ids::<training_listing::Entity>(db).await?,
        };
        for chunk in ids.chunks(DOCUMENTS_PER_BATCH) {
            all.extend(documents_of(db, record_type, chunk, today).await?);
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
pub async fn reindex(db: &DatabaseConnection, data_dir: &Path) -> anyhow::Result<usize> {
    let live = data_dir.join("search");
    let staging = data_dir.join(format!("search.building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)?;
    let position = changes::latest_seq(db).await?;
    let documents = all_documents(db, today()).await?;
    let count = documents.len();
    {
        let staging = staging.clone();
        tokio::task::spawn_blocking(move || -> Result<(), search_index::Error> {
            let index = SearchIndex::open(&staging)?;
            index.replace_all(documents, u64::try_from(position).unwrap_or(0))
        })
        .await??;
    }
    let generation = format!("{}-{}", chrono::Utc::now().timestamp_millis(), std::process::id());
    std::fs::write(staging.join("GENERATION"), &generation)?;
    let retired = data_dir.join(format!("search.retired-{}", std::process::id()));
    if live.exists() {
        std::fs::rename(&live, &retired)?;
    }
    std::fs::rename(&staging, &live)?;
    let _ = std::fs::remove_dir_all(&retired);
    Ok(count)
}
