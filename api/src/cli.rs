//! The `directory` command line.

use actix_web::{App, HttpServer, middleware, web};
use clap::{Parser, Subcommand};
use tokio::io::AsyncReadExt;
use tracing_subscriber::EnvFilter;

use crate::{
    config::Config,
    db,
    graphql::schema,
    http::{self, AppState},
    service::{changes::Actor, import, recruiter},
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
}

/// Entry point of the binary.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    actix_web::rt::System::new().block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(cli.config).await,
        }
    })
}

/// Opens the database, loads the sample directory into an empty one, and serves HTTP.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let (db, statements) = db::connect(&config).await?;
    if config.sample_data && recruiter::is_empty(&db).await? {
        load_sample(&db).await?;
    }
    let state = AppState {
        schema: schema::build(db.clone()),
        db,
        statements,
    };
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(state.clone()))
            .wrap(middleware::Compress::default())
            .wrap(middleware::Logger::new("%r %s %Dms").log_target("http"))
            .configure(http::routes)
    })
    .bind(config.bind)?;
    for address in server.addrs() {
        // The test harness and people read the chosen address here (the port may be 0).
        println!("directory listening on http://{address}");
    }
    let server = server.run();
    if config.exit_on_stdin_close {
        let handle = server.handle();
        actix_web::rt::spawn(async move {
            let mut stdin = tokio::io::stdin();
            let mut buffer = [0_u8; 64];
            while matches!(stdin.read(&mut buffer).await, Ok(read) if read > 0) {}
            handle.stop(true).await;
        });
    }
    server.await?;
    Ok(())
}

async fn load_sample(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let records: Vec<_> = crate::sample::sample_directory()
        .into_iter()
        .enumerate()
        .map(|(index, record)| (index + 1, record))
        .collect();
    let started = std::time::Instant::now();
    match import::import(db, &records, &Actor::system("sample-data")).await {
        Ok(summary) => {
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
