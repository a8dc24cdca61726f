//! Bulk import benchmark: generates a directory of N recruiters (default 100 000) with their
//! certifications and mark rights, writes it as JSON Lines, and imports it into a fresh
//! SQLite file (or `DATABASE_URL`), printing the timings.
//!
//! `cargo bench -p directory-api --bench import` (or `-- 20000` for a smaller run).

use std::time::Instant;

use directory_api::{
    changes::Actor,
    db,
    interchange::Record,
    sample,
    service::{export, import},
};

fn main() -> anyhow::Result<()> {
    let recruiters: usize = std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(recruiters))
}

async fn run(recruiters: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let records: Vec<Record> = sample::generated_directory(recruiters, 7);
    let text = export::to_json_lines(&records);
    println!(
        "generated {} records ({:.1} MB of JSON Lines) in {:.2}s",
        records.len(),
        text.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let directory = std::env::temp_dir().join(format!("directory-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&directory)?;
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", directory.join("bench.sqlite3").display()));
    let (connection, _) = db::connect_url(&url).await?;

    let started = Instant::now();
    let parsed = import::parse(&text).map_err(|error| anyhow::anyhow!("{error:?}"))?;
    let parse_seconds = started.elapsed().as_secs_f64();
    let summary = import::import(&connection, &parsed, &Actor::system("bench"))
        .await
        .map_err(|error| anyhow::anyhow!("{error:?}"))?;
    let total_seconds = started.elapsed().as_secs_f64();
    println!(
        "imported {} recruiters, {} certifications, {} mark rights ({} records) in {total_seconds:.1}s (parse {parse_seconds:.1}s)",
        summary.recruiters,
        summary.certifications,
        summary.trademark_rights,
        summary.total()
    );

    let started = Instant::now();
    let again = import::import(&connection, &parsed, &Actor::system("bench"))
        .await
        .map_err(|error| anyhow::anyhow!("{error:?}"))?;
    println!(
        "re-import of the same file: {} unchanged, {} written, in {:.1}s",
        again.unchanged,
        again.total(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let exported = export::export(&connection)
        .await
        .map_err(|error| anyhow::anyhow!("{}", error.message()))?;
    println!(
        "exported {} records in {:.1}s",
        exported.len(),
        started.elapsed().as_secs_f64()
    );
    drop(connection);
    std::fs::remove_dir_all(&directory).ok();
    Ok(())
}
