//! `directory backup FILE` and `directory restore FILE` for the embedded SQLite database.
//!
//! A backup is one SQLite file: a consistent snapshot of the live database taken with
//! `VACUUM INTO` (it reads inside one read transaction, so a server may keep writing; the copy
//! is what the database held when the snapshot began), plus the keys `DATA_DIR` holds (token
//! secret, API-key secret, webhook-secret keys, receipt signing key) in a table of their own,
//! since a database restored without the key that sealed its webhook secrets is not a working
//! directory. The copy is written under a temporary name, checked (`PRAGMA integrity_check`)
//! and only then given its name, so a backup that failed never looks like one that worked.
//!
//! Restoring puts the database and the keys into an empty `DATA_DIR` and builds the search
//! index; a server started there serves the directory as it was.
//!
//! On PostgreSQL the standard tools do this better (`pg_dump -Fc`, `pg_restore`; README
//! "Operations"), and both commands say so.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::{
    config::Config,
    db,
    progress::{Progress, Unit},
};

/// The files of `DATA_DIR` a backup carries, when they exist (a key given in the environment
/// instead is the operator's to keep).
const KEY_FILES: [&str; 4] = [
    crate::auth::SECRET_FILE,
    crate::ratelimit::API_KEY_SECRET_FILE,
    crate::webhook::secrets::KEY_FILE,
    crate::receipt::GENERATED_KEY_FILE,
];

/// The table of a backup file that holds the keys; a restore removes it.
const KEYS_TABLE: &str = "directory_backup_files";

/// What a backup or a restore did, for the summary line.
#[derive(Debug)]
pub struct Summary {
    pub bytes: u64,
    /// The change-log position the copy reflects.
    pub position: i64,
    pub key_files: usize,
    /// Records in the rebuilt search index (restore only).
    pub indexed: usize,
}

fn postgres_advice(command: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "`directory {command}` is for the embedded SQLite database; DATABASE_URL points at PostgreSQL. \
         Use PostgreSQL's own tools instead: `pg_dump -Fc -f directory.dump \"$DATABASE_URL\"` to back up \
         and `pg_restore --clean --if-exists -d \"$DATABASE_URL\" directory.dump` to restore (README, \"Operations\")"
    )
}

fn is_postgres_url(config: &Config) -> bool {
    config
        .database_url
        .as_deref()
        .is_some_and(|url| url.starts_with("postgres:") || url.starts_with("postgresql:"))
}

/// An SQL string literal.
fn quoted(path: &Path) -> anyhow::Result<String> {
    let text = path
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path; choose another name", path.display()))?;
    Ok(format!("'{}'", text.replace('\'', "''")))
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await?
        .with_context(|| format!("`{sql}` returned no row"))?;
    Ok(row.try_get_by_index(0)?)
}

async fn open_file(path: &Path) -> anyhow::Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode=rw", path.display());
    Ok(sea_orm::Database::connect(url).await?)
}

/// `PRAGMA integrity_check` answers the single row `ok` for a sound file.
async fn check_integrity(db: &DatabaseConnection, what: &Path) -> anyhow::Result<()> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check".to_owned(),
        ))
        .await?;
    let findings: Vec<String> = rows
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    ensure!(
        findings == ["ok"],
        "{} is damaged (integrity check: {}); take the backup again, or restore an older one",
        what.display(),
        findings.join("; ")
    );
    Ok(())
}

/// `directory backup FILE`: a consistent snapshot of the live database and its keys.
pub async fn backup(config: &Config, file: &Path, progress: &Progress) -> anyhow::Result<Summary> {
    if is_postgres_url(config) {
        return Err(postgres_advice("backup"));
    }
    ensure!(
        !file.exists(),
        "{} already exists: choose a new name (a backup never overwrites a file)",
        file.display()
    );
    let (db, _) = db::connect(config).await?;
    let partial = PathBuf::from(format!("{}.partial", file.display()));
    let _ = std::fs::remove_file(&partial);
    let pages = scalar(&db, "PRAGMA page_count").await? - scalar(&db, "PRAGMA freelist_count").await?;
    let expected = u64::try_from(pages * scalar(&db, "PRAGMA page_size").await?).unwrap_or(0);
    let bar = progress.phase("copying", Unit::Bytes, Some(expected));
    // The snapshot runs on one of the pool's connections; the bar follows the copy's size.
    let vacuum = format!("VACUUM INTO {}", quoted(&partial)?);
    let copied = {
        let copy = db.execute_unprepared(&vacuum);
        tokio::pin!(copy);
        loop {
            tokio::select! {
                result = &mut copy => break result,
                () = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                    bar.set_position(std::fs::metadata(&partial).map(|metadata| metadata.len()).unwrap_or(0));
                }
            }
        }
    };
    if let Err(error) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(anyhow::Error::new(error).context(format!(
            "could not write the backup to {}: check that its directory exists and has room",
            partial.display()
        )));
    }
    db.close().await?;
    let summary = finish_backup(config, &partial).await;
    match summary {
        Ok(summary) => {
            std::fs::rename(&partial, file).with_context(|| format!("could not name the backup {}", file.display()))?;
            Ok(summary)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// Adds the keys to the copy and checks it.
async fn finish_backup(config: &Config, partial: &Path) -> anyhow::Result<Summary> {
    let copy = open_file(partial).await?;
    copy.execute_unprepared(&format!(
        "CREATE TABLE {KEYS_TABLE} (name TEXT PRIMARY KEY, content BLOB NOT NULL)"
    ))
    .await?;
    let mut key_files = 0;
    for name in KEY_FILES {
        let path = config.data_dir.join(name);
        let content = match std::fs::read(&path) {
            Ok(content) => content,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
        };
        copy.execute_raw(Statement::from_sql_and_values(
            copy.get_database_backend(),
            format!("INSERT INTO {KEYS_TABLE} (name, content) VALUES (?, ?)"),
            [name.into(), content.into()],
        ))
        .await?;
        key_files += 1;
    }
    check_integrity(&copy, partial).await?;
    let position = scalar(&copy, "SELECT COALESCE(MAX(seq), 0) FROM change_log").await?;
    copy.close().await?;
    Ok(Summary {
        bytes: std::fs::metadata(partial)?.len(),
        position,
        key_files,
        indexed: 0,
    })
}

/// `directory restore FILE`: the backup's database and keys into an empty `DATA_DIR`, then a
/// fresh search index.
pub async fn restore(config: &Config, file: &Path, progress: &Progress) -> anyhow::Result<Summary> {
    if is_postgres_url(config) {
        return Err(postgres_advice("restore"));
    }
    ensure!(
        config.database_url.is_none(),
        "restore writes the embedded database under DATA_DIR; unset DATABASE_URL and point DATA_DIR at an \
         empty directory"
    );
    let database = config.data_dir.join(db::SQLITE_FILE);
    let occupied: Vec<String> = std::iter::once(db::SQLITE_FILE)
        .chain(KEY_FILES)
        .filter(|name| config.data_dir.join(name).exists())
        .map(str::to_owned)
        .collect();
    if !occupied.is_empty() {
        bail!(
            "{} already holds a directory ({}): restore only into an empty data directory, e.g. \
             `DATA_DIR=./restored directory restore {}`",
            config.data_dir.display(),
            occupied.join(", "),
            file.display()
        );
    }
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read the backup {}: check the path", file.display()))?
        .len();
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let partial = config.data_dir.join(format!("{}.partial", db::SQLITE_FILE));
    {
        let bar = progress.phase("copying", Unit::Bytes, Some(size));
        let mut from = std::io::BufReader::new(std::fs::File::open(file)?);
        let mut to = std::fs::File::create(&partial)?;
        std::io::copy(&mut bar.wrap_read(&mut from), &mut to)
            .with_context(|| format!("could not copy the backup into {}", config.data_dir.display()))?;
        to.sync_all()?;
    }
    let restored = async {
        let copy = open_file(&partial).await?;
        check_integrity(&copy, file).await?;
        let is_backup = scalar(
            &copy,
            &format!(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('{KEYS_TABLE}', 'change_log')"
            ),
        )
        .await?;
        ensure!(
            is_backup == 2,
            "{} is not a backup made by `directory backup`",
            file.display()
        );
        let rows = copy
            .query_all_raw(Statement::from_string(
                copy.get_database_backend(),
                format!("SELECT name, content FROM {KEYS_TABLE}"),
            ))
            .await?;
        let mut key_files = 0;
        for row in rows {
            let name: String = row.try_get_by_index(0)?;
            let content: Vec<u8> = row.try_get_by_index(1)?;
            ensure!(
                KEY_FILES.contains(&name.as_str()),
                "the backup holds an unexpected file `{name}`; it was not made by `directory backup`"
            );
            crate::auth::write_private(&config.data_dir.join(&name), &content)?;
            key_files += 1;
        }
        copy.execute_unprepared(&format!("DROP TABLE {KEYS_TABLE}")).await?;
        let position = scalar(&copy, "SELECT COALESCE(MAX(seq), 0) FROM change_log").await?;
        copy.close().await?;
        Ok((key_files, position))
    }
    .await;
    let (key_files, position) = match restored {
        Ok(restored) => restored,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            for name in KEY_FILES {
                let _ = std::fs::remove_file(config.data_dir.join(name));
            }
            return Err(error);
        }
    };
    std::fs::rename(&partial, &database)?;
    // Connecting applies any migration a newer binary brings; then the index is built.
    let (db, _) = db::connect(config).await?;
    let indexed = crate::search::reindex(&db, &config.data_dir, progress).await?;
    Ok(Summary {
        bytes: size,
        position,
        key_files,
        indexed,
    })
}
