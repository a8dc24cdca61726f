//! Connecting to the database (embedded SQLite by default, PostgreSQL by URL) and migrating it.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::config::Config;

/// Counts the SQL statements the server has run: the N+1 guard in tests reads it, and so will
/// `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The embedded database's file in `DATA_DIR`.
pub const SQLITE_FILE: &str = "directory.sqlite3";

/// Opens (creating if needed) and migrates the configured database.
pub async fn connect(config: &Config) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let url = config.database_url();
    if url.starts_with("sqlite:") && config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    }
    connect_url(&url).await
}

pub async fn connect_url(url: &str) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 16 })
        // While the database is down a request fails within seconds instead of queueing: a
        // pooled connection is checked before use (a restarted server has dropped it), and
        // opening a new one is retried only until the acquire timeout.
        .acquire_timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(3))
        // SQLite is a file: a pooled connection cannot go stale, and the check costs a statement.
        .test_before_acquire(!url.starts_with("sqlite:"))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|sqlite| {
            // WAL lets readers work while a write is in progress; foreign keys are enforced.
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                // A writer waits this long for another process's write (`directory import`
                // while the server runs), then is answered `UNAVAILABLE`.
                .busy_timeout(crate::changes::write_lock_timeout())
                // Each connection keeps 4 MiB of pages (SQLite's default is 2 MiB). No `mmap`:
                // every pooled connection would map the file again, and resident memory would
                // count the same pages up to eight times.
                .pragma("cache_size", "-4096")
        });
    let mut connection = Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(url)))?;
    let counter = StatementCounter::default();
    let count = counter.0.clone();
    connection.set_metric_callback(move |_| {
        count.fetch_add(1, Ordering::Relaxed);
    });
    Migrator::up(&connection, None)
        .await
        .context("database migration failed")?;
    if connection.get_database_backend() == DatabaseBackend::Sqlite && !sqlite_plans_are_stable(&connection).await {
        tracing::warn!(
            "this build's SQLite lacks SQLITE_ENABLE_QPSG: statements with `LIMIT ?` are planned again on \
             every execution; build from the repository, whose .cargo/config.toml sets it"
        );
    }
    tracing::info!(backend = ?connection.get_database_backend(), "database ready");
    Ok((connection, counter))
}

/// Whether the bundled SQLite keeps a prepared statement's plan whatever values are bound
/// (`SQLITE_ENABLE_QPSG`, see `.cargo/config.toml`), so that the statement cache holds.
pub async fn sqlite_plans_are_stable(connection: &DatabaseConnection) -> bool {
    use sea_orm::ConnectionTrait;
    let used = connection
        .query_one_raw(sea_orm::Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT sqlite_compileoption_used('ENABLE_QPSG')",
        ))
        .await;
    matches!(used, Ok(Some(row)) if row.try_get_by_index::<i64>(0).is_ok_and(|used| used == 1))
}

pub fn is_postgres(connection: &DatabaseConnection) -> bool {
    connection.get_database_backend() == DatabaseBackend::Postgres
}

/// A URL without its password, for logs and errors.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// List-valued columns are JSON arrays in text columns: written here...
pub fn to_json_text<T: serde::Serialize>(values: &[T]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

/// ...and read here. A value the service layer did not write (a corrupt row) is logged as an
/// error and reads as empty: never silently, and never as something it did not say.
pub fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_else(|error| {
        tracing::error!(%error, value = %text.chars().take(200).collect::<String>(), "corrupt list column read as empty");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    /// Without the flag every page and every `.one()` is parsed and planned again on each run
    /// (see `.cargo/config.toml`): a silent loss of speed that only a benchmark would show.
    #[tokio::test]
    async fn the_bundled_sqlite_keeps_a_statements_plan_whatever_is_bound() {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("open SQLite");
        assert!(
            super::sqlite_plans_are_stable(&db).await,
            "SQLite was built without SQLITE_ENABLE_QPSG: is .cargo/config.toml's LIBSQLITE3_FLAGS in effect?"
        );
    }
}
