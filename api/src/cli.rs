//! The `directory` command line.

use actix_web::{App, HttpServer, middleware, web};
use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::io::AsyncReadExt;
use tracing_subscriber::EnvFilter;

use std::{path::PathBuf, time::Duration};

use crate::{
    auth::{self, Role},
    cache::{PersistedQueries, ResponseCache, Store},
    changes::Actor,
    config::Config,
    db,
    graphql::schema,
    http::{self, AppState},
    metrics::Metrics,
    progress::{Progress, Unit},
    ratelimit::{ApiKeys, RateLimiter},
    search::Search,
    service::{export, import, recruiter},
};

#[derive(Debug, Parser)]
#[command(
    name = "directory",
    version,
    about = "The open directory of ethical labour recruitment"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the API (the default).
    Serve,
    /// Import a JSON Lines file of the open-data format (`-` for standard input): all or
    /// nothing, and re-importing the same file changes nothing.
    Import {
        file: PathBuf,
        /// Check the file against every rule of an import, the directory's current state
        /// included, and report; change nothing.
        #[arg(long)]
        check: bool,
    },
    /// Export the whole directory as JSON Lines of the open-data format (`-` for standard
    /// output); importing the file into an empty directory gives the same directory.
    Export { file: PathBuf },
    /// Write the private ledger (complaints and misuse reports, which the open-data format
    /// leaves out) as JSON Lines to FILE (`-` for standard output). Keep it as safe as a backup.
    ExportLedger { file: PathBuf },
    /// Import a ledger file written by `export-ledger`: all or nothing, naming every bad line;
    /// the recruiters it names must be in the directory. Re-importing changes nothing.
    ImportLedger { file: PathBuf },
    /// Rebuild the search index from the database, beside the live one, then swap it in;
    /// running servers switch to it within a second.
    Reindex,
    /// Write a consistent snapshot of the embedded SQLite database and its keys to FILE, while
    /// the server runs (on PostgreSQL: use pg_dump).
    Backup { file: PathBuf },
    /// Restore a backup into an empty DATA_DIR and build its search index (on PostgreSQL: use
    /// pg_restore).
    Restore { file: PathBuf },
    /// Mint a signed token for an operator (needs the signing secret or private key).
    Token {
        #[arg(long, value_enum)]
        role: Role,
        /// Who the token is for; recorded in the audit trail.
        #[arg(long)]
        sub: String,
        /// The certification body a certifier acts for.
        #[arg(long)]
        body: Option<String>,
        /// How long the token is valid, e.g. `1h`, `30m`, `7d`.
        #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
        ttl: Duration,
        /// PEM private key, for RS256 and ES256.
        #[arg(long)]
        private_key: Option<PathBuf>,
    },
    /// Mint an API key (sent as `X-Api-Key`) that gives a partner its own, larger rate limit.
    ApiKey {
        /// Who the key is for (letters, digits, `-`, `_`); rate limits are counted per name.
        #[arg(long)]
        name: String,
    },
}

/// Entry point of the binary: runs the command; a failure is told to a person (see [`report`])
/// and the exit status is 1.
pub fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            std::process::ExitCode::FAILURE
        }
    }
}

/// Prints what went wrong, why, and what to do about it; the backtrace only when asked for
/// with `RUST_BACKTRACE=1` (a person reading a failed import needs the line, not the frames).
fn report(error: &anyhow::Error) {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  because: {cause}");
    }
    if let Some(advice) = advice(error) {
        eprintln!("  what to do: {advice}");
    }
    if error.backtrace().status() == std::backtrace::BacktraceStatus::Captured {
        eprintln!("\n{}", error.backtrace());
    }
}

/// Advice for the causes a person can fix, found anywhere in the error's chain.
fn advice(error: &anyhow::Error) -> Option<&'static str> {
    use std::io::ErrorKind;
    error.chain().find_map(|cause| {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                ErrorKind::NotFound => Some("check the path: the file or directory does not exist"),
                ErrorKind::PermissionDenied => {
                    Some("check the permissions: the user running `directory` must be able to read and write it")
                }
                ErrorKind::AddrInUse => {
                    Some("another process listens on that address: stop it, or set BIND to another one (port 0 picks a free port)")
                }
                ErrorKind::StorageFull => Some("free some disk space, or point DATA_DIR at a larger disk"),
                _ => None,
            };
        }
        match cause.downcast_ref::<sea_orm::DbErr>() {
            Some(sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_)) => Some(
                "check that the database is running and that DATABASE_URL is right (unset it to use the embedded \
                 SQLite database under DATA_DIR)",
            ),
            _ => None,
        }
    })
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_writer(std::io::stderr);
    if cli.config.log_json {
        // One JSON object per line, for log collectors.
        logs.json().init();
    } else {
        logs.init();
    }
    if let Some(start) = cli.config.clock_start {
        crate::clock::start_at(start);
    }
    crate::changes::set_write_lock_timeout(cli.config.write_lock_timeout);
    actix_web::rt::System::new().block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(cli.config).await,
            Command::Import { file, check } => import_file(&cli.config, &file, check).await,
            Command::Export { file } => export_file(&cli.config, &file).await,
            Command::ExportLedger { file } => {
                let (db, _) = db::connect(&cli.config).await?;
                let records = crate::service::ledger::export(&db).await?;
                let text = crate::service::ledger::to_json_lines(&records);
                if file.as_os_str() == "-" {
                    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
                } else {
                    std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
                    println!("exported {} ledger records to {}", records.len(), file.display());
                }
                Ok(())
            }
            Command::ImportLedger { file } => {
                let (db, _) = db::connect(&cli.config).await?;
                let text = if file.as_os_str() == "-" {
                    std::io::read_to_string(std::io::stdin())?
                } else {
                    std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?
                };
                let records = crate::service::ledger::parse(&text)?;
                let summary =
                    crate::service::ledger::import(&db, &records, &Actor::system("import-ledger"), crate::clock::now())
                        .await?;
                println!(
                    "imported the ledger: {} complaints, {} misuse reports; {} unchanged",
                    summary.complaints, summary.misuse_reports, summary.unchanged
                );
                Ok(())
            }
            Command::Reindex => {
                let (db, _) = db::connect(&cli.config).await?;
                let started = std::time::Instant::now();
                let progress = Progress::start("reindex", cli.config.progress_interval);
                let count = crate::search::reindex(&db, &cli.config.data_dir, &progress).await?;
                drop(progress);
                println!("reindexed {count} records in {:.1}s", started.elapsed().as_secs_f64());
                Ok(())
            }
            Command::Backup { file } => {
                let started = std::time::Instant::now();
                let progress = Progress::start("backup", cli.config.progress_interval);
                let summary = crate::backup::backup(&cli.config, &file, &progress).await?;
                drop(progress);
                println!(
                    "backed up the directory to {} in {:.1}s: {}, change-log position {}, {} key files \
                     (keep the backup as safe as DATA_DIR: it holds the directory's keys)",
                    file.display(),
                    started.elapsed().as_secs_f64(),
                    indicatif::HumanBytes(summary.bytes),
                    summary.position,
                    summary.key_files
                );
                Ok(())
            }
            Command::Restore { file } => {
                let started = std::time::Instant::now();
                let progress = Progress::start("restore", cli.config.progress_interval);
                let summary = crate::backup::restore(&cli.config, &file, &progress).await?;
                drop(progress);
                println!(
                    "restored {} into {} in {:.1}s: change-log position {}, {} key files, {} records indexed; \
                     start the server with DATA_DIR={}",
                    file.display(),
                    cli.config.data_dir.display(),
                    started.elapsed().as_secs_f64(),
                    summary.position,
                    summary.key_files,
                    summary.indexed,
                    cli.config.data_dir.display()
                );
                Ok(())
            }
            Command::Token {
                role,
                sub,
                body,
                ttl,
                private_key,
            } => {
                let token = auth::mint(&cli.config, private_key.as_deref(), &sub, role, body.as_deref(), ttl)?;
                println!("{token}");
                Ok(())
            }
            Command::ApiKey { name } => {
                let minted = ApiKeys::from_config(&cli.config)?.mint(&name)?;
                println!("{}", minted.key);
                eprintln!("key id (to revoke it: `revokeApiKey`): {}", minted.id);
                Ok(())
            }
        }
    })
}

/// Opens the database, loads the sample directory into an empty one, and serves HTTP.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    // First: a receipt key that cannot sign stops the server before it touches the database.
    let receipts = crate::receipt::ReceiptSigner::from_config(&config)?;
    let (db, statements) = db::connect(&config).await?;
    if config.sample_data && recruiter::is_empty(&db).await? {
        load_sample(&db).await?;
    }
    crate::service::trust::backfill_audit_due(&db).await?;
    let search = Search::open(db.clone(), &config.data_dir).await?;
    // The index holds every entry up to its position; the feed follows the log from there.
    let feed = crate::changes::Feed::new(
        db.clone(),
        std::sync::Arc::new(search.clone()),
        search.index().position(),
    );
    // By default every half second: a write made through another server is visible here
    // within a second.
    feed.spawn(config.follow_interval);
    let api_keys = ApiKeys::from_config(&config)?;
    crate::service::api_key::follow(db.clone(), api_keys.clone(), feed.subscribe()).await?;
    let secret_keys = crate::webhook::secrets::SecretKeys::from_config(&config)?;
    secret_keys.reseal_all(&db).await?;
    crate::webhook::spawn(
        db.clone(),
        config.webhooks.clone(),
        secret_keys.clone(),
        feed.subscribe(),
    );
    let open_data = crate::open_data::OpenData::open(db.clone(), &config.data_dir, &config.open_data_licence)?;
    open_data.spawn(&feed, config.open_data_interval);
    let metrics = Metrics::new();
    let store = match &config.redis_url {
        Some(url) if !url.trim().is_empty() => {
            tracing::info!("response cache, persisted queries and rate limits in Redis");
            Store::redis(url, &config.redis_prefix, metrics.clone())?
        }
        _ => Store::memory(
            config.cache_memory_mb * 1024 * 1024,
            Duration::from_secs(config.cache_ttl),
        ),
    };
    let state = AppState {
        schema: schema::build(
            db.clone(),
            search.clone(),
            feed.clone(),
            receipts.clone(),
            config.webhooks.clone(),
            secret_keys,
            config.request_timeout,
        ),
        search,
        receipts,
        db,
        statements,
        verifier: crate::auth::Verifier::from_config(&config)?,
        cache: ResponseCache::new(store.clone(), Duration::from_secs(config.cache_ttl)),
        feed,
        open_data,
        public_url: config.public_url.clone(),
        persisted: PersistedQueries::new(if store.is_redis() {
            store.clone()
        } else {
            // Persisted queries outlive cached answers by far.
            Store::memory(16 * 1024 * 1024, Duration::from_secs(7 * 24 * 3_600))
        }),
        websockets: crate::http::websocket::Registry::new(crate::http::websocket::Limits {
            connections_per_client: config.ws_max_connections,
            subscriptions_per_client: config.ws_max_subscriptions,
            idle_timeout: config.ws_idle_timeout,
        }),
        limiter: RateLimiter::new(store, config.rate_limit, config.rate_limit_keyed, api_keys)
            .with_ipv6_prefix(config.rate_limit_ipv6_prefix)
            .with_trusted_proxies(
                crate::ratelimit::parse_trusted_proxies(&config.trusted_proxies)
                    .map_err(|reason| anyhow::anyhow!("TRUSTED_PROXIES: {reason}"))?,
            ),
        metrics,
        http_max_age: config.http_max_age,
        request_timeout: config.request_timeout,
    };
    // GraphiQL's files are compressed before the first visitor asks for them.
    tokio::task::spawn_blocking(http::warm_assets);
    let cors_origins = config.cors_origins.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(state.clone()))
            .wrap(http::cors(&cors_origins))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(crate::metrics::record))
            .wrap(middleware::from_fn(http::request_id::middleware))
            .configure(http::routes)
    })
    // On SIGTERM or SIGINT: stop accepting, let in-flight requests finish, then exit.
    .shutdown_timeout(config.shutdown_timeout)
    // Slow clients: the request head must arrive within 5 s of connecting (else 408 and the
    // connection is closed), an idle keep-alive connection is closed after 15 s, a closing one
    // gets 2 s; the body must arrive within `REQUEST_TIMEOUT` (see `http::request_id`).
    .client_request_timeout(Duration::from_secs(5))
    .keep_alive(Duration::from_secs(15))
    .client_disconnect_timeout(Duration::from_secs(2))
    .bind(config.bind)?;
    for address in server.addrs() {
        // The test harness and people read the chosen address here (the port may be 0).
        println!("directory listening on http://{address}");
    }
    let server = server.run();
    if config.exit_on_stdin_close {
        // A plain thread, not the runtime's blocking pool: a read of stdin cannot be
        // cancelled, and the runtime would wait for it forever on the way out.
        let handle = server.handle();
        let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut buffer = [0_u8; 64];
            while matches!(std::io::Read::read(&mut std::io::stdin(), &mut buffer), Ok(read) if read > 0) {}
            let _ = closed.send(());
        });
        actix_web::rt::spawn(async move {
            if on_close.await.is_ok() {
                handle.stop(true).await;
            }
        });
    }
    server.await?;
    Ok(())
}

async fn load_sample(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    // Dated relative to today, so the sample looks the same whenever it is loaded.
    let records: Vec<_> = crate::sample::sample_directory_on(crate::clock::today())
        .into_iter()
        .enumerate()
        .map(|(index, record)| (index + 1, record))
        .collect();
    let started = std::time::Instant::now();
    match import::import(db, &records, &Actor::system("sample-data")).await {
        Ok(summary) => {
            // Complaints and misuse reports are private, outside the interchange format.
            crate::service::voice_sample::load(db, crate::clock::now()).await?;
            tracing::info!(
                records = summary.total(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "loaded the sample directory"
            );
            Ok(())
        }
        Err(import::ImportError::Invalid { errors, total }) => {
            anyhow::bail!(
                "the sample directory is invalid ({total} errors), first: {:?}",
                errors.first()
            )
        }
        Err(import::ImportError::Failed(error)) => Err(error.into()),
    }
}

/// After a bulk import. On PostgreSQL the import's own updates (the standing written into every
/// corridor row) leave dead row versions and no statistics, and the planner then reads the heap
/// instead of the covering indexes (a corridor count took 92 ms instead of 1 ms at 100 000
/// recruiters). A failure is logged: autovacuum gets there later anyway.
///
/// On SQLite the import's one transaction sits in the write-ahead log (as large as the data it
/// wrote) until a checkpoint copies it into the database file; until then every read looks its
/// pages up in the log, and a server that only reads never checkpoints. The import therefore
/// checkpoints and truncates the log (a busy reader makes that partial: also only logged).
async fn refresh_statistics(db: &sea_orm::DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    let (statement, what) = if db::is_postgres(db) {
        ("VACUUM (ANALYZE)", "vacuum and analyse")
    } else {
        ("PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint the write-ahead log")
    };
    if let Err(error) = db.execute_unprepared(statement).await {
        tracing::warn!(%error, "could not {what} after the import");
    }
}

/// `directory import FILE`: prints what was written, or every bad line (up to a limit). With
/// `--check`, what would be written.
async fn import_file(config: &Config, file: &std::path::Path, check: bool) -> anyhow::Result<()> {
    // A file is read from disk on each pass, so its size does not bound the import; standard
    // input cannot be read twice, so it is held in memory.
    let stdin = if file.as_os_str() == "-" {
        let mut text = String::new();
        tokio::io::stdin().read_to_string(&mut text).await?;
        Some(text)
    } else {
        None
    };
    let source = match &stdin {
        Some(text) => import::Source::Text(text),
        None => {
            // Before the database is opened (or created): a mistyped path is told at once.
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
            import::Source::File(file)
        }
    };
    let (db, _) = db::connect(config).await?;
    let started = std::time::Instant::now();
    let mode = if check {
        import::Mode::Check
    } else {
        import::Mode::Write
    };
    let progress = Progress::start("import", config.progress_interval);
    let imported = import::import_with(&db, source, &Actor::system("cli-import"), mode, &progress).await;
    drop(progress);
    match imported {
        Ok(summary) => {
            if !check {
                refresh_statistics(&db).await;
            }
            let counts = format!(
                "{} recruiters, {} certifications, {} trademark rights, {} organisations, {} commitments, \
                 {} training providers, {} training listings, {} licensing authorities, {} certification bodies, \
                 {} auditors, {} principles, {} audits, {} support services, {} authorised channels; {} unchanged; \
                 {} values normalised",
                summary.recruiters,
                summary.certifications,
                summary.trademark_rights,
                summary.organisations,
                summary.commitments,
                summary.training_providers,
                summary.training_listings,
                summary.licensing_authorities,
                summary.certification_bodies,
                summary.auditors,
                summary.principles,
                summary.audits,
                summary.support_services,
                summary.authorised_channels,
                summary.unchanged,
                summary.normalised
            );
            let elapsed = started.elapsed().as_secs_f64();
            if check {
                println!(
                    "checked in {elapsed:.1}s: the file is valid and would import {} records ({counts}); nothing was written",
                    summary.total()
                );
            } else {
                println!("imported {} records in {elapsed:.1}s ({counts})", summary.total());
            }
            Ok(())
        }
        Err(import::ImportError::Invalid { errors, total }) => {
            for error in &errors {
                eprintln!("line {}: {}", error.line, error.message);
            }
            if total > errors.len() {
                eprintln!("... and {} more", total - errors.len());
            }
            if check {
                anyhow::bail!(
                    "{total} {}: the file would be refused whole; fix the lines above and check again",
                    errors_word(total)
                )
            }
            anyhow::bail!(
                "{total} {}: nothing was imported; fix the lines above and import the file again",
                errors_word(total)
            )
        }
        Err(import::ImportError::Failed(error)) => Err(error.into()),
    }
}

/// `directory export FILE`.
async fn export_file(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let (db, _) = db::connect(config).await?;
    let progress = Progress::start("export", config.progress_interval);
    progress.phase("reading", Unit::Records, None);
    let records = export::export(&db).await?;
    let bar = progress.phase("writing", Unit::Records, Some(records.len() as u64));
    if file.as_os_str() == "-" {
        export::write_json_lines(&records, std::io::BufWriter::new(std::io::stdout().lock()), bar)?;
    } else {
        let out =
            std::fs::File::create(file).map_err(|error| anyhow::anyhow!("cannot write {}: {error}", file.display()))?;
        export::write_json_lines(&records, std::io::BufWriter::new(out), bar)
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", file.display()))?;
        drop(progress);
        eprintln!("exported {} records to {}", records.len(), file.display());
    }
    Ok(())
}

fn errors_word(count: usize) -> &'static str {
    if count == 1 { "error" } else { "errors" }
}
