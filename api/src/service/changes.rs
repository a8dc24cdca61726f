//! The change log and the audit trail: every write appends to both in its own transaction.
//!
//! The change log is the spine of the system: the search index, caches, subscriptions and the
//! other servers of a deployment follow its monotonic `seq` instead of being told by hand.
//! Writers hold a write lock for the whole transaction (an advisory lock on PostgreSQL, the
//! single writer on SQLite), so sequence numbers become visible in order and a follower that
//! has read up to `seq` never misses a smaller one committed later.

use chrono::{DateTime, Utc};
use entity::{audit_log, change_log};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryOrder, QuerySelect, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::error::AppResult;

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

/// Starts a write transaction holding the directory-wide write lock. On SQLite the
/// transaction is `IMMEDIATE`: it takes the database's write lock before reading, so two
/// writers queue instead of one failing on a stale snapshot.
pub async fn begin_write(db: &DatabaseConnection) -> AppResult<DatabaseTransaction> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let txn = db.begin_with_options(options).await?;
    lock_writes(&txn).await?;
    Ok(txn)
}

/// Takes the directory-wide write lock for the rest of the transaction.
pub async fn lock_writes(txn: &DatabaseTransaction) -> AppResult<()> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(7316001)",
        ))
        .await?;
    }
    Ok(())
}

/// Appends changes and their audit entries, in batches.
pub async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    at: DateTime<Utc>,
    changes: Vec<Change>,
) -> AppResult<()> {
    const BATCH: usize = 2_000;
    // The standing moves with the rows it is derived from, in the same transaction.
    let affected = super::standing::affected_recruiters(txn, &changes).await?;
    if !affected.is_empty() {
        super::standing::refresh(txn, Some(&affected)).await?;
    }
    // A recruiter whose standing moved without being written itself (the previous holder of a
    // certification an import moved elsewhere, say) gets a log entry of its own, so every
    // follower rebuilds what it shows of that recruiter too. Derived, so not in the audit trail.
    let written: std::collections::BTreeSet<i64> = changes
        .iter()
        .filter(|change| change.entity_type == "recruiter")
        .map(|change| change.entity_id)
        .collect();
    let standing_rows: Vec<change_log::ActiveModel> = affected
        .difference(&written)
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
