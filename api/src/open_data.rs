//! Open data that others can mirror: the whole public directory as one download, regenerated
//! when the directory changes (not on every request), with a metadata document beside it, and
//! the public change feed that keeps a mirror current without downloading everything again.
//!
//! The download is the interchange format of `directory export`, gzipped, read in one
//! consistent snapshot of the database together with the change-log position it reflects. It
//! is written beside the live file and renamed over it, so a download in progress is never cut
//! and a reader never sees half a file. Each server keeps its own copy in `DATA_DIR/open-data`
//! and follows the change feed to know when to make a new one (at most once per
//! `OPEN_DATA_INTERVAL`). A server writes its first download when the first mirror asks (it
//! answers `503` with `Retry-After` meanwhile), so a server nobody mirrors from spends nothing
//! on it.
//!
//! Only public records appear: the interchange tables. Webhooks, API keys and anything else
//! of a partner's are never in the download nor in the feed.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::Duration,
};

use chrono::{DateTime, Utc};
use sea_orm::{AccessMode, DatabaseConnection, IsolationLevel, TransactionTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    changes::{self, Feed},
    error::{AppError, AppResult},
    interchange::Record,
    service::export::{self, PUBLIC_TABLES, RecordKey},
};

/// The file names under `DATA_DIR/open-data`.
pub const DOWNLOAD: &str = "directory.jsonl.gz";
const METADATA: &str = "directory.json";

/// What the metadata document says about the download beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The licence the data is published under (`OPEN_DATA_LICENCE`).
    pub licence: String,
    /// The change-log position the download reflects: a mirror continues from here with
    /// `/open-data/changes?since=`.
    pub position: u64,
    pub generated_at: DateTime<Utc>,
    /// Records per type (`recruiter`, `certification`, ...).
    pub counts: BTreeMap<String, usize>,
    pub records: usize,
    /// Size of the gzipped file and its SHA-256, in hex.
    pub bytes: u64,
    pub sha256: String,
    pub format: String,
    pub download: String,
    pub changes: String,
}

/// One server's open-data files; cheap to clone.
#[derive(Clone)]
pub struct OpenData {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    directory: PathBuf,
    licence: String,
    current: RwLock<Option<Metadata>>,
    /// Signalled when someone asks for the download or its metadata.
    asked: tokio::sync::Notify,
}

impl OpenData {
    /// Picks up the files a previous run left; [`OpenData::spawn`] keeps them current.
    pub fn open(db: DatabaseConnection, data_dir: &Path, licence: &str) -> anyhow::Result<Self> {
        let directory = data_dir.join("open-data");
        std::fs::create_dir_all(&directory)?;
        let current = std::fs::read(directory.join(METADATA))
            .ok()
            .and_then(|text| serde_json::from_slice::<Metadata>(&text).ok())
            .filter(|metadata| metadata.licence == licence && directory.join(DOWNLOAD).is_file());
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                directory,
                licence: licence.to_owned(),
                current: RwLock::new(current),
                asked: tokio::sync::Notify::new(),
            }),
        })
    }

    /// Someone wants the download: the first one gets written if there is none yet.
    pub fn ask(&self) {
        self.inner.asked.notify_one();
    }

    /// The download's metadata; `None` until the first one is written.
    pub fn metadata(&self) -> Option<Metadata> {
        self.inner.current.read().ok().and_then(|current| current.clone())
    }

    pub fn download_path(&self) -> PathBuf {
        self.inner.directory.join(DOWNLOAD)
    }

    /// Writes a new download of the directory as it is now, and its metadata.
    pub async fn regenerate(&self) -> AppResult<Metadata> {
        // One snapshot for the records and the position they reflect.
        // (SQLite: a read transaction is a snapshot already; PostgreSQL needs REPEATABLE READ.)
        let txn = if crate::db::is_postgres(&self.inner.db) {
            self.inner
                .db
                .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await?
        } else {
            self.inner.db.begin().await?
        };
        let position = u64::try_from(changes::latest_seq(&txn).await?).unwrap_or(0);
        let records = export::export(&txn).await?;
        txn.commit().await?;
        let directory = self.inner.directory.clone();
        let licence = self.inner.licence.clone();
        let metadata = tokio::task::spawn_blocking(move || write_files(&directory, &records, position, licence))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        if let Ok(mut current) = self.inner.current.write() {
            *current = Some(metadata.clone());
        }
        tracing::info!(
            position,
            records = metadata.records,
            bytes = metadata.bytes,
            "open-data download written"
        );
        Ok(metadata)
    }

    /// Writes the first download once someone asks for it (or at once, if an earlier run left
    /// one), then a new one whenever the feed has published changes since the last, at most
    /// once per `interval`.
    pub fn spawn(&self, feed: &Feed, interval: Duration) {
        let open_data = self.clone();
        let feed = feed.clone();
        let mut published = feed.subscribe();
        tokio::spawn(async move {
            if open_data.metadata().is_none() {
                open_data.inner.asked.notified().await;
            }
            loop {
                let behind = open_data
                    .metadata()
                    .is_none_or(|metadata| metadata.position < feed.position());
                if behind && let Err(error) = open_data.regenerate().await {
                    tracing::warn!(error = ?error, "could not write the open-data download; retrying");
                }
                tokio::time::sleep(interval).await;
                // Wait for something new (a lagged receiver has news too).
                if open_data
                    .metadata()
                    .is_some_and(|metadata| metadata.position >= feed.position())
                {
                    match published.recv().await {
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    }
                }
            }
        });
    }
}

/// A writer that hashes what goes through it and counts the bytes.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.hasher.update(&buffer[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the gzipped download and its metadata beside the live ones, then renames them over.
fn write_files(directory: &Path, records: &[Record], position: u64, licence: String) -> anyhow::Result<Metadata> {
    let draft = directory.join(format!(".{DOWNLOAD}.{}", std::process::id()));
    let file = std::fs::File::create(&draft)?;
    let hashing = Hashing {
        inner: std::io::BufWriter::new(file),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let mut gzip = flate2::write::GzEncoder::new(hashing, flate2::Compression::default());
    export::write_json_lines(records, &mut gzip, &crate::progress::ProgressBar::hidden())?;
    let mut hashing = gzip.finish()?;
    hashing.flush()?;
    hashing.inner.get_ref().sync_all()?;
    let mut counts = BTreeMap::new();
    for record in records {
        *counts.entry(record.type_name().to_owned()).or_insert(0) += 1;
    }
    let metadata = Metadata {
        licence,
        position,
        generated_at: crate::clock::now(),
        counts,
        records: records.len(),
        bytes: hashing.bytes,
        sha256: hex::encode(hashing.hasher.finalize()),
        format: "JSON Lines of the interchange format (shared/spec/interchange.md), gzipped".to_owned(),
        download: "/open-data/directory.jsonl.gz".to_owned(),
        changes: format!("/open-data/changes?since={position}"),
    };
    let metadata_draft = directory.join(format!(".{METADATA}.{}", std::process::id()));
    std::fs::write(&metadata_draft, serde_json::to_vec_pretty(&metadata)?)?;
    std::fs::rename(&draft, directory.join(DOWNLOAD))?;
    std::fs::rename(&metadata_draft, directory.join(METADATA))?;
    Ok(metadata)
}

/// One line of the public change feed.
#[derive(Debug, Serialize)]
pub struct PublicChange {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// The record's type as in the interchange format (`recruiter`, `certification`, ...).
    #[serde(rename = "type")]
    pub record_type: &'static str,
    /// The record's `external_id`.
    pub external_id: String,
    /// `create`, `update`, `archive`, ...
    pub operation: String,
    /// The record as it is now (a mirror applying the feed in order ends at the current
    /// directory); `null` when it is archived or no longer public.
    pub record: Option<Record>,
}

/// At most this many change-log entries are read per request of the feed.
pub const MAX_CHANGES: u64 = 10_000;

/// The public changes among the log entries after `since` (at most `limit` entries are
/// read), and the position to ask from next.
pub async fn changes_since(db: &DatabaseConnection, since: u64, limit: u64) -> AppResult<(Vec<PublicChange>, u64)> {
    let entries = changes::entries_after(db, since, limit.clamp(1, MAX_CHANGES)).await?;
    let next = entries
        .last()
        .map_or(since, |entry| u64::try_from(entry.seq).unwrap_or(since));
    let public: Vec<(&'static str, &entity::change_log::Model)> = entries
        .iter()
        // `standing` entries are derived (a recruiter's standing moved with a certification);
        // the certification's own entry carries the change.
        .filter(|entry| entry.operation != "standing")
        .filter_map(|entry| {
            PUBLIC_TABLES
                .iter()
                .find(|table| **table == entry.entity_type)
                .map(|table| (*table, entry))
        })
        .collect();
    let keys: Vec<RecordKey> = public.iter().map(|(table, entry)| (*table, entry.entity_id)).collect();
    let records = export::records_of(db, &keys).await?;
    let mut names: BTreeMap<&'static str, export::ExternalIds> = BTreeMap::new();
    for table in PUBLIC_TABLES {
        let ids: Vec<i64> = keys
            .iter()
            .filter(|(kind, _)| *kind == table)
            .map(|(_, id)| *id)
            .collect();
        if !ids.is_empty() {
            names.insert(table, external_ids(db, table, &ids).await?);
        }
    }
    let lines = public
        .into_iter()
        .map(|(table, entry)| PublicChange {
            seq: entry.seq,
            at: entry.recorded_at,
            record_type: table,
            external_id: names
                .get(table)
                .and_then(|names| names.get(&entry.entity_id))
                .cloned()
                .unwrap_or_default(),
            operation: entry.operation.clone(),
            record: records.get(&(table, entry.entity_id)).cloned(),
        })
        .collect();
    Ok((lines, next))
}

async fn external_ids(db: &DatabaseConnection, table: &str, ids: &[i64]) -> AppResult<export::ExternalIds> {
    use entity::*;
    Ok(match table {
        "recruiter" => export::external_ids_of::<recruiter::Entity>(db, ids, false).await?,
        "certification" => export::external_ids_of::<certification::Entity>(db, ids, false).await?,
        "trademark_right" => export::external_ids_of::<trademark_right::Entity>(db, ids, false).await?,
        "organisation" => export::external_ids_of::<organisation::Entity>(db, ids, false).await?,
        "commitment" => export::external_ids_of::<commitment::Entity>(db, ids, false).await?,
        "training_provider" => export::external_ids_of::<training_provider::Entity>(db, ids, false).await?,
        "training_listing" => export::external_ids_of::<training_listing::Entity>(db, ids, false).await?,
        "licensing_authority" => export::external_ids_of::<licensing_authority::Entity>(db, ids, false).await?,
        "certification_body" => export::external_ids_of::<certification_body::Entity>(db, ids, false).await?,
        "auditor" => export::external_ids_of::<auditor::Entity>(db, ids, false).await?,
        "principle" => export::external_ids_of::<principle::Entity>(db, ids, false).await?,
        "audit" => export::external_ids_of::<audit::Entity>(db, ids, false).await?,
        "support_service" => export::external_ids_of::<support_service::Entity>(db, ids, false).await?,
        "authorised_channel" => export::external_ids_of::<authorised_channel::Entity>(db, ids, false).await?,
        _ => export::ExternalIds::new(),
    })
}
