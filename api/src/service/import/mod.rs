//! Bulk import of the JSON Lines interchange format: all or nothing.
//!
//! Two passes over the source (`Source`), one record or one chunk at a time, so memory is
//! bounded by an outline of the file and one chunk whatever the file's size. The first parses
//! every line, checks every record on its own (`validate`) and outlines it (identifiers,
//! references, unique keys). The second, in one transaction, resolves references and uniqueness
//! against the outline and the database and writes chunk by chunk, each with its change-log and
//! audit entries. Any error in any pass names its line and nothing is written. Rows are written
//! in batches with identifiers assigned here, which keeps a 100 000-recruiter import fast.
//!
//! The steps have a file each: `parse` (reading a source into records, and spelling canonically
//! what has one canonical form), `validate` (the rules one record obeys, and the outline of a
//! file) and `write` (the transaction). How a record maps to rows and back is
//! [`crate::service::records`], which export shares.

mod parse;
mod validate;
mod write;

pub use parse::{Source, normalise, parse, parse_line};
use validate::Outline;
pub use validate::validate;
use write::Writer;
pub use write::{WriteOutcome, content_hash, current_version};

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::{
    changes::{self, Actor},
    error::AppError,
    interchange::*,
    progress::{Progress, ProgressBar},
};

/// At most this many errors are reported; the rest are counted.
pub const MAX_REPORTED_ERRORS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: usize,
    pub message: String,
    /// `true` when the record clashes with the directory's state (a taken identifier, a
    /// history that would be rewritten) rather than being malformed.
    pub conflict: bool,
}

#[derive(Debug)]
pub enum ImportError {
    /// The file is wrong; nothing was written.
    Invalid { errors: Vec<LineError>, total: usize },
    /// The database failed; nothing was written.
    Failed(AppError),
}

impl From<AppError> for ImportError {
    fn from(error: AppError) -> Self {
        Self::Failed(error)
    }
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Failed(error.into())
    }
}

/// How many records of each type were created or updated (unchanged ones are not counted).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records identical to what the directory already holds (nothing was written for them).
    pub unchanged: usize,
    pub recruiters: usize,
    pub certifications: usize,
    pub trademark_rights: usize,
    pub organisations: usize,
    pub commitments: usize,
    pub training_providers: usize,
    pub training_listings: usize,
    pub licensing_authorities: usize,
    pub certification_bodies: usize,
    pub auditors: usize,
    pub principles: usize,
    pub audits: usize,
    pub support_services: usize,
    pub authorised_channels: usize,
    /// Values taken in their canonical form instead of as written, such as the host names of
    /// mark rights (`https://www.Example.COM./shop` is stored as `example.com`).
    pub normalised: usize,
}

impl ImportSummary {
    pub fn total(&self) -> usize {
        self.recruiters
            + self.certifications
            + self.trademark_rights
            + self.organisations
            + self.commitments
            + self.training_providers
            + self.training_listings
            + self.licensing_authorities
            + self.certification_bodies
            + self.auditors
            + self.principles
            + self.audits
            + self.support_services
            + self.authorised_channels
    }
}

/// Collects errors up to the reporting limit while counting all of them.
#[derive(Default)]
struct Errors {
    reported: Vec<LineError>,
    total: usize,
}

impl Errors {
    fn push(&mut self, line: usize, message: impl Into<String>) {
        self.add(line, message.into(), false);
    }

    fn push_conflict(&mut self, line: usize, message: impl Into<String>) {
        self.add(line, message.into(), true);
    }

    fn add(&mut self, line: usize, message: String, conflict: bool) {
        self.total += 1;
        if self.reported.len() < MAX_REPORTED_ERRORS {
            self.reported.push(LineError {
                line,
                message,
                conflict,
            });
        }
    }

    fn into_result(self) -> Result<(), ImportError> {
        if self.total == 0 {
            return Ok(());
        }
        Err(ImportError::Invalid {
            errors: self.reported,
            total: self.total,
        })
    }
}

/// Parses, validates and writes `text` in one transaction.
pub async fn import_text(db: &DatabaseConnection, text: &str, actor: &Actor) -> Result<ImportSummary, ImportError> {
    import_from(db, Source::Text(text), actor).await
}

/// Validates and writes `records` (with their line numbers) in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    records: &[(usize, Record)],
    actor: &Actor,
) -> Result<ImportSummary, ImportError> {
    import_from(db, Source::Records(records), actor).await
}

/// Whether an import writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Write,
    /// Every rule of an import, the checks against the directory included, in a read
    /// transaction; nothing is written (`directory import --check`).
    Check,
}

/// Checks every record of `source` on its own, then resolves, checks against the directory and
/// writes them all in one transaction, a chunk at a time. Any error in any pass names its line
/// and nothing is written.
pub async fn import_from(
    db: &DatabaseConnection,
    source: Source<'_>,
    actor: &Actor,
) -> Result<ImportSummary, ImportError> {
    import_with(db, source, actor, Mode::Write, &Progress::hidden()).await
}

/// [`import_from`], or only its checks, showing its progress. With [`Mode::Check`] the summary
/// says what an import would write.
pub async fn import_with(
    db: &DatabaseConnection,
    source: Source<'_>,
    actor: &Actor,
    mode: Mode,
    progress: &Progress,
) -> Result<ImportSummary, ImportError> {
    let (unit, size) = source.size();
    let outline = check(source, progress.phase("checking", unit, size))?;
    let outcome = match mode {
        Mode::Write => {
            let txn = changes::begin_write(db).await?;
            let outcome = Writer::new(&txn, mode)
                .await?
                .write(source, &outline, actor, progress.phase("writing", unit, size))
                .await?;
            txn.commit().await?;
            outcome
        }
        Mode::Check => {
            // A read transaction: one consistent view of the directory, and no write lock.
            let txn = db.begin().await?;
            let outcome = Writer::new(&txn, mode)
                .await?
                .write(source, &outline, actor, progress.phase("resolving", unit, size))
                .await?;
            txn.rollback().await?;
            outcome
        }
    };
    Ok(ImportSummary {
        normalised: outline.normalised,
        ..outcome.summary
    })
}

/// The first pass: every line parses and every record obeys the rules it can be checked
/// against on its own; returns the outline the write pass needs. Lines that do not parse are
/// reported alone, before any record is checked: the rest of a file that is not the format is
/// not worth reading error by error.
fn check(source: Source<'_>, progress: &ProgressBar) -> Result<Outline, ImportError> {
    let mut unparsed = Errors::default();
    let mut invalid = Errors::default();
    let mut outline = Outline::default();
    let mut lines = source.lines(progress)?;
    while let Some((line, record)) = lines.next_line()? {
        match record {
            Ok(_) if unparsed.total > 0 => {}
            Ok(record) => {
                outline.add(line, &record, &mut invalid);
                for violation in validate(&record) {
                    let (kind, external_id) = (record_type(&record), record.external_id());
                    invalid.push(line, format!("{kind} `{external_id}`: {violation}"));
                }
            }
            Err(message) => unparsed.push(line, message),
        }
    }
    unparsed.into_result()?;
    invalid.into_result()?;
    outline.normalised = lines.normalised;
    Ok(outline)
}

/// Writes already validated records inside the caller's transaction (which holds the write
/// lock): records whose `external_id` exists are updated, unchanged ones are left alone.
pub async fn write_records(
    txn: &DatabaseTransaction,
    records: &[(usize, Record)],
    actor: &Actor,
) -> Result<WriteOutcome, ImportError> {
    let source = Source::Records(records);
    let mut outline = Outline::default();
    let mut ignored = Errors::default();
    for (line, record) in records {
        outline.add(*line, record, &mut ignored);
    }
    Writer::new(txn, Mode::Write)
        .await?
        .write(source, &outline, actor, &ProgressBar::hidden())
        .await
}

fn record_type(record: &Record) -> &'static str {
    record.type_name()
}
