//! Appending to the change log and the audit trail: every write appends to both in its own
//! transaction, holding the directory-wide write lock.
//!
//! The change log is the spine of the system: the search index, caches, subscriptions and the
//! other servers of a deployment follow its monotonic `seq` instead of being told by hand.
//! Writers hold a write lock for the whole transaction (an advisory lock on PostgreSQL, the
//! single writer on SQLite), so sequence numbers become visible in order and a follower that
//! has read up to `seq` never misses a smaller one committed later.

use std::{
    ops::Deref,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{audit_log, change_log};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryOrder, QuerySelect, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{AppError, AppResult};

/// Who is writing: a token subject and role, or the system itself (sample data, CLI import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub subject: String,
    pub role: String,
}

impl Actor {
    pub fn system(subject: &str) -> Self {
        Self {
            subject: subject.to_owned(),
            role: "system".to_owned(),
        }
    }
}

/// A change to append, with its audit entry.
#[derive(Debug, Clone)]
pub struct Change {
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub operation: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    /// A change of one row, with its JSON images before (absent for a creation) and after.
    pub fn of<T: serde::Serialize>(
        entity_type: &'static str,
        entity_id: i64,
        operation: &'static str,
        before: Option<&T>,
        after: &T,
    ) -> Self {
        Self {
            entity_type,
            entity_id,
            operation,
            before: before.and_then(|row| serde_json::to_string(row).ok()),
            after: serde_json::to_string(after).ok(),
        }
    }
}

/// How long a writer waits for the write lock (`WRITE_LOCK_TIMEOUT`), in milliseconds.
static WRITE_LOCK_TIMEOUT_MS: AtomicU64 = AtomicU64::new(5_000);

/// One writer at a time in this process. A writer waits here, holding no pooled connection,
/// so writers queued behind a long import cannot take the connections that reads need.
static WRITER: Semaphore = Semaphore::const_new(1);

/// Sets how long a writer waits for the write lock before it is answered `UNAVAILABLE`; read
/// once at start (`WRITE_LOCK_TIMEOUT`).
pub fn set_write_lock_timeout(timeout: Duration) {
    let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX).max(1);
    WRITE_LOCK_TIMEOUT_MS.store(millis, Ordering::Relaxed);
}

pub fn write_lock_timeout() -> Duration {
    Duration::from_millis(WRITE_LOCK_TIMEOUT_MS.load(Ordering::Relaxed))
}

/// The answer to a writer that waited its time for the lock.
fn busy() -> AppError {
    let waited = write_lock_timeout();
    AppError::Unavailable {
        message: format!(
            "the directory is busy with another write (an import, say) and this one waited {}s for its turn: \
             nothing was changed; send it again in a few seconds",
            waited.as_secs_f64()
        ),
        retry_after_secs: waited.as_secs().clamp(1, 60),
    }
}

/// Whether the database refused because another process holds the write lock: SQLite's busy
/// timeout ran out, or PostgreSQL's `lock_timeout` did.
fn is_lock_wait(error: &DbErr) -> bool {
    let text = error.to_string();
    text.contains("database is locked") || text.contains("lock timeout")
}

/// A transaction holding the directory-wide write lock, released when it commits or drops.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    _turn: SemaphorePermit<'static>,
}

impl Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

/// Starts a write transaction holding the directory-wide write lock, waiting for it at most
/// [`write_lock_timeout`] in all: first for this process's turn, then for the database's lock
/// (another server, or the `directory` command importing). A writer that does not get it in
/// time is answered `UNAVAILABLE` with a retry hint; nothing was written.
///
/// On SQLite the transaction is `IMMEDIATE`: it takes the database's write lock before
/// reading, so two writers queue instead of one failing on a stale snapshot (the busy timeout
/// of the connection is the write-lock timeout). On PostgreSQL an advisory lock is taken
/// under `lock_timeout`. Readers never wait: SQLite runs in WAL mode, PostgreSQL reads
/// snapshots.
pub async fn begin_write(db: &DatabaseConnection) -> AppResult<WriteTransaction> {
    let timeout = write_lock_timeout();
    let turn = tokio::time::timeout(timeout, WRITER.acquire())
        .await
        .map_err(|_| busy())?
        .map_err(AppError::internal)?;
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let txn = match db.begin_with_options(options).await {
        Ok(txn) => txn,
        Err(error) if is_lock_wait(&error) => return Err(busy()),
        Err(error) => return Err(error.into()),
    };
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        let millis = timeout.as_millis().max(1);
        for statement in [
            format!("SET LOCAL lock_timeout = '{millis}ms'"),
            "SELECT pg_advisory_xact_lock(7316001)".to_owned(),
            "SET LOCAL lock_timeout TO DEFAULT".to_owned(),
        ] {
            match txn
                .execute_raw(Statement::from_string(DatabaseBackend::Postgres, statement))
                .await
            {
                Ok(_) => {}
                Err(error) if is_lock_wait(&error) => return Err(busy()),
                Err(error) => return Err(error.into()),
            }
        }
    }
    Ok(WriteTransaction { txn, _turn: turn })
}

/// Appends changes and their audit entries, in batches.
pub async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    at: DateTime<Utc>,
    changes: Vec<Change>,
) -> AppResult<()> {
    record_part(txn, actor, at, changes, &mut std::collections::BTreeSet::new()).await
}

/// One part of a write recorded in parts (an import, a chunk at a time): like `record`, with
/// `logged` carrying the recruiters already in the log of this transaction from one part to the
/// next, so a recruiter whose standing moves in several parts gets one entry, not one per part.
pub async fn record_part(
    txn: &DatabaseTransaction,
    actor: &Actor,
    at: DateTime<Utc>,
    changes: Vec<Change>,
    logged: &mut std::collections::BTreeSet<i64>,
) -> AppResult<()> {
    const BATCH: usize = 2_000;
    // The standing moves with the rows it is derived from, in the same transaction.
    let affected = crate::service::standing::affected_recruiters(txn, &changes).await?;
    if !affected.is_empty() {
        crate::service::standing::refresh(txn, Some(&affected)).await?;
    }
    // A recruiter whose standing moved without being written itself (the previous holder of a
    // certification an import moved elsewhere, say) gets a log entry of its own, so every
    // follower rebuilds what it shows of that recruiter too. Derived, so not in the audit trail.
    logged.extend(
        changes
            .iter()
            .filter(|change| change.entity_type == "recruiter")
            .map(|change| change.entity_id),
    );
    let standing_rows: Vec<change_log::ActiveModel> = affected
        .iter()
        .filter(|recruiter_id| logged.insert(**recruiter_id))
        .map(|recruiter_id| change_log::ActiveModel {
            entity_type: Set("recruiter".to_owned()),
            entity_id: Set(*recruiter_id),
            operation: Set("standing".to_owned()),
            recorded_at: Set(at),
            ..Default::default()
        })
        .collect();
    for chunk in changes.chunks(BATCH) {
        let log_rows = chunk.iter().map(|change| change_log::ActiveModel {
            entity_type: Set(change.entity_type.to_owned()),
            entity_id: Set(change.entity_id),
            operation: Set(change.operation.to_owned()),
            recorded_at: Set(at),
            ..Default::default()
        });
        change_log::Entity::insert_many(log_rows).exec(txn).await?;
        let audit_rows = chunk.iter().map(|change| audit_log::ActiveModel {
            at: Set(at),
            actor_sub: Set(actor.subject.clone()),
            actor_role: Set(actor.role.clone()),
            action: Set(format!("{}.{}", change.entity_type, change.operation)),
            entity_type: Set(change.entity_type.to_owned()),
            entity_id: Set(Some(change.entity_id)),
            before: Set(change.before.clone()),
            after: Set(change.after.clone()),
            ..Default::default()
        });
        audit_log::Entity::insert_many(audit_rows).exec(txn).await?;
    }
    for chunk in standing_rows.chunks(BATCH) {
        change_log::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    Ok(())
}

/// The latest change-log position, 0 for an empty log.
pub async fn latest_seq(db: &impl ConnectionTrait) -> AppResult<i64> {
    let latest = change_log::Entity::find()
        .select_only()
        .column(change_log::Column::Seq)
        .order_by_desc(change_log::Column::Seq)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(latest.unwrap_or(0))
}

/// Up to `limit` change-log entries after position `after`, in order.
pub async fn entries_after(db: &impl ConnectionTrait, after: u64, limit: u64) -> AppResult<Vec<change_log::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(change_log::Entity::find()
        .filter(change_log::Column::Seq.gt(i64::try_from(after).unwrap_or(i64::MAX)))
        .order_by_asc(change_log::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}
