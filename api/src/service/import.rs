//! Bulk import of the JSON Lines interchange format: all or nothing.
//!
//! Two passes over the source (`Source`), one record or one chunk at a time, so memory is
//! bounded by an outline of the file and one chunk whatever the file's size. The first parses
//! every line, checks every record on its own (`validate`) and outlines it (identifiers,
//! references, unique keys). The second, in one transaction, resolves references and uniqueness
//! against the outline and the database and writes chunk by chunk, each with its change-log and
//! audit entries. Any error in any pass names its line and nothing is written. Rows are written
//! in batches with identifiers assigned here, which keeps a 100 000-recruiter import fast.

use std::{
    borrow::Cow,
    collections::{BTreeSet, HashMap, HashSet},
    fs::File,
    io::{BufRead, BufReader},
    path::Path,
};

use chrono::{DateTime, Utc};
use entity::{
    certification, commitment, commitment_corridor, commitment_sector, licence, organisation, organisation_identifier,
    recruiter, recruiter_corridor, recruiter_identifier, recruiter_language, recruiter_partner, recruiter_sector,
    status_change, trademark_domain, trademark_right, training_listing, training_listing_language, training_provider,
    training_provider_country, training_provider_language,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    EntityTrait, Iterable, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};

use super::certification::{CertificationStatus, check_transition};
use crate::{
    changes::{self, Actor, Change},
    error::AppError,
    interchange::*,
    progress::{Progress, ProgressBar, Unit},
    vocab::{self, Violation, normalise_domain, normalise_key},
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

/// Parses one line of the interchange format; the message says what is wrong with it.
pub fn parse_line(line: &str) -> Result<Record, String> {
    fn holds_nul(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(text) => text.contains('\0'),
            serde_json::Value::Array(values) => values.iter().any(holds_nul),
            serde_json::Value::Object(fields) => {
                fields.iter().any(|(key, value)| key.contains('\0') || holds_nul(value))
            }
            _ => false,
        }
    }
    let record = serde_json::from_str::<Record>(line).map_err(|error| format!("not a valid record: {error}"))?;
    // No field may hold NUL (PostgreSQL refuses it in text); JSON spells it `\u0000`.
    if line.contains("\\u0000") && serde_json::from_str::<serde_json::Value>(line).is_ok_and(|value| holds_nul(&value))
    {
        return Err("a field holds a NUL character (`\\u0000`): remove it".to_owned());
    }
    Ok(record)
}

/// Puts what has one canonical form into it, so a file is not refused for how a value is
/// spelled: the host names of a mark right lose their scheme, path, port, `www.`, case and
/// trailing dot, and international names become ASCII (`bücher.example` is stored as
/// `xn--bcher-kva.example`), as `verifyMarkUse` compares them. A host that becomes one already
/// listed is dropped; the same host written twice the same way is left for validation to
/// report. Returns how many values changed.
pub fn normalise(record: &mut Record) -> usize {
    let identifiers = match record {
        Record::Recruiter(recruiter) => Some(&mut recruiter.identifiers),
        Record::Organisation(organisation) => Some(&mut organisation.identifiers),
        _ => None,
    };
    if let Some(identifiers) = identifiers {
        let mut changed = 0;
        for identifier in identifiers.iter_mut() {
            let canonical = vocab::normalise_org_identifier(identifier);
            if canonical != *identifier {
                *identifier = canonical;
                changed += 1;
            }
        }
        return changed;
    }
    let Record::TrademarkRight(right) = record else {
        return 0;
    };
    let mut changed = 0;
    let mut kept: Vec<(String, String)> = Vec::with_capacity(right.domains.len());
    for written in right.domains.drain(..) {
        let canonical = normalise_domain(&written);
        if canonical != written {
            changed += 1;
        }
        let spelled_otherwise = kept
            .iter()
            .any(|(existing, as_written)| *existing == canonical && *as_written != written);
        if !spelled_otherwise {
            kept.push((canonical, written));
        }
    }
    right.domains = kept.into_iter().map(|(canonical, _)| canonical).collect();
    changed
}

/// Parses JSON Lines; blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<(usize, Record)>, ImportError> {
    let mut records = Vec::new();
    let mut errors = Errors::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(record) => records.push((index + 1, record)),
            Err(message) => errors.push(index + 1, message),
        }
    }
    errors.into_result()?;
    Ok(records)
}

/// Records written per batch in the write pass: what an import holds in memory at once, beside
/// its outline.
#[cfg(not(test))]
const CHUNK: usize = 5_000;
/// A few records in unit tests, so that every import there crosses chunk boundaries.
#[cfg(test)]
const CHUNK: usize = 7;

/// Where an import's records come from. A source is read twice, one record or one chunk at a
/// time: once to check every record and outline the file (identifiers, references, unique
/// keys), once to write. So an import's memory is bounded by its outline and one chunk, not by
/// the size of the file, and it still writes all or nothing in one transaction.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// Records already parsed, with their line numbers (the sample data, a single save).
    Records(&'a [(usize, Record)]),
    /// JSON Lines in memory (the `importRecords` mutation, standard input).
    Text(&'a str),
    /// A JSON Lines file, read from disk on each pass (`directory import FILE`).
    File(&'a Path),
}

/// One line of a source: its number and its record, or why it is not one.
type Line<'a> = (usize, Result<Cow<'a, Record>, String>);

/// The lines of a source, in order; blank lines are skipped. Parsed records come out
/// normalised ([`normalise`]).
struct Lines<'a> {
    inner: LinesInner<'a>,
    /// Values normalised so far.
    normalised: usize,
    /// Moved by the bytes (or records) read.
    progress: ProgressBar,
}

enum LinesInner<'a> {
    Records(std::slice::Iter<'a, (usize, Record)>),
    Text(std::iter::Enumerate<std::str::Lines<'a>>),
    File {
        reader: BufReader<File>,
        number: usize,
        buffer: Vec<u8>,
    },
}

impl<'a> Source<'a> {
    /// How much there is to read, for the progress display: bytes of a file or text, or
    /// records.
    fn size(self) -> (Unit, Option<u64>) {
        match self {
            Source::Records(records) => (Unit::Records, u64::try_from(records.len()).ok()),
            Source::Text(text) => (Unit::Bytes, u64::try_from(text.len()).ok()),
            Source::File(path) => (Unit::Bytes, std::fs::metadata(path).ok().map(|metadata| metadata.len())),
        }
    }

    fn lines(self, progress: &ProgressBar) -> Result<Lines<'a>, ImportError> {
        let inner = match self {
            Source::Records(records) => LinesInner::Records(records.iter()),
            Source::Text(text) => LinesInner::Text(text.lines().enumerate()),
            Source::File(path) => {
                let file = File::open(path)
                    .map_err(|error| AppError::BadInput(format!("cannot read {}: {error}", path.display())))?;
                LinesInner::File {
                    reader: BufReader::with_capacity(1 << 20, file),
                    number: 0,
                    buffer: Vec::new(),
                }
            }
        };
        Ok(Lines {
            inner,
            normalised: 0,
            progress: progress.clone(),
        })
    }
}

impl<'a> Lines<'a> {
    /// The next non-blank line; an error only when the file cannot be read.
    fn next_line(&mut self) -> Result<Option<Line<'a>>, ImportError> {
        let Lines {
            inner,
            normalised,
            progress,
        } = self;
        let mut parse = |line: &str| {
            parse_line(line).map(|mut record| {
                *normalised += normalise(&mut record);
                Cow::Owned(record)
            })
        };
        loop {
            match inner {
                LinesInner::Records(records) => {
                    progress.inc(1);
                    return Ok(records.next().map(|(line, record)| (*line, Ok(Cow::Borrowed(record)))));
                }
                LinesInner::Text(lines) => {
                    let Some((index, line)) = lines.next() else {
                        return Ok(None);
                    };
                    progress.inc(line.len() as u64 + 1);
                    if !line.trim().is_empty() {
                        return Ok(Some((index + 1, parse(line))));
                    }
                }
                LinesInner::File { reader, number, buffer } => {
                    buffer.clear();
                    let read = reader
                        .read_until(b'\n', buffer)
                        .map_err(|error| AppError::BadInput(format!("cannot read the file: {error}")))?;
                    if read == 0 {
                        return Ok(None);
                    }
                    progress.inc(read as u64);
                    *number += 1;
                    let Ok(line) = std::str::from_utf8(buffer) else {
                        return Ok(Some((*number, Err("the line is not valid UTF-8".to_owned()))));
                    };
                    if !line.trim().is_empty() {
                        return Ok(Some((*number, parse(line.trim_end_matches(['\n', '\r'])))));
                    }
                }
            }
        }
    }

    /// The next chunk of up to `CHUNK` records. Every line parsed in the first pass, so a line
    /// that no longer does means the file changed under the import.
    fn next_chunk(&mut self) -> Result<Option<Vec<(usize, Cow<'a, Record>)>>, ImportError> {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match self.next_line()? {
                Some((line, Ok(record))) => chunk.push((line, record)),
                Some((line, Err(_))) => {
                    return Err(AppError::Conflict(format!(
                        "line {line} changed while it was being imported: nothing was imported, import the file again"
                    ))
                    .into());
                }
                None => break,
            }
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }
}

/// What the first pass keeps of every record: enough to resolve references and check unique
/// keys against the whole file and the database before anything is written.
#[derive(Default)]
struct Outline {
    /// Where each record (type, external id) is first defined.
    defined: HashMap<(&'static str, String), usize>,
    /// External ids looked up in the directory, by type: the records themselves (to update
    /// them) and every record they refer to.
    wanted: HashMap<&'static str, HashSet<String>>,
    /// Public identifiers that must be unique.
    keys: Vec<UniqueKey>,
    /// Values the source spelled otherwise than canonically ([`normalise`]).
    normalised: usize,
}

/// A public identifier of a record in the input.
struct UniqueKey {
    line: usize,
    /// Which identifier: slug, licence number, certificate number, trademark licence number.
    kind: &'static str,
    normalised: String,
    /// As written, for the error message.
    shown: String,
    /// The record that carries it.
    record: (&'static str, String),
}

impl Outline {
    fn add(&mut self, line: usize, record: &Record, errors: &mut Errors) {
        let kind = record_type(record);
        let external_id = record.external_id();
        if let Some(first) = self.defined.get(&(kind, external_id.to_owned())) {
            errors.push(
                line,
                format!("{kind} `{external_id}` is already defined on line {first}"),
            );
        } else {
            self.defined.insert((kind, external_id.to_owned()), line);
        }
        self.want(kind, external_id);
        let key = |kind: &'static str, value: &str| UniqueKey {
            line,
            kind,
            normalised: normalise_key(value),
            shown: value.to_owned(),
            record: (record_type(record), external_id.to_owned()),
        };
        let mut keys = Vec::new();
        match record {
            Record::Recruiter(recruiter) => {
                keys.push(key("slug", &recruiter.slug));
                for identifier in &recruiter.identifiers {
                    keys.push(key(
                        "recruiter identifier",
                        &vocab::normalise_org_identifier(identifier),
                    ));
                }
                for licence in &recruiter.licences {
                    keys.push(key("licence number", &licence.licence_number));
                }
                for partner in &recruiter.partners {
                    self.want("recruiter", partner);
                }
            }
            Record::Certification(certification) => {
                keys.push(key("certificate number", &certification.certificate_number));
                self.want("recruiter", &certification.recruiter);
            }
            Record::TrademarkRight(right) => {
                keys.push(key("trademark licence number", &right.licence_number));
                self.want("recruiter", &right.recruiter);
            }
            Record::Commitment(commitment) => self.want("organisation", &commitment.organisation),
            Record::TrainingListing(listing) => self.want("training_provider", &listing.provider),
            Record::Organisation(organisation) => {
                for identifier in &organisation.identifiers {
                    keys.push(key(
                        "organisation identifier",
                        &vocab::normalise_org_identifier(identifier),
                    ));
                }
            }
            Record::TrainingProvider(_) => {}
        }
        self.keys.extend(keys);
    }

    fn want(&mut self, kind: &'static str, external_id: &str) {
        let wanted = self.wanted.entry(kind).or_default();
        if !wanted.contains(external_id) {
            wanted.insert(external_id.to_owned());
        }
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

/// Every rule a record obeys on its own (references and uniqueness are checked when writing).
pub fn validate(record: &Record) -> Vec<Violation> {
    let mut check = Checker::default();
    check.run(vocab::check_not_blank(record.external_id(), "external_id"));
    match record {
        Record::Recruiter(recruiter) => check.recruiter(recruiter),
        Record::Certification(certification) => check.certification(certification),
        Record::TrademarkRight(right) => check.trademark_right(right),
        Record::Organisation(organisation) => {
            check.run(vocab::check_not_blank(&organisation.name, "name"));
            check.run(vocab::check_vocab(
                &organisation.kind,
                "organisation kind",
                vocab::OrganisationKind::VALUES,
            ));
            check.run(vocab::check_country(&organisation.country));
            if let Some(sector) = &organisation.sector {
                check.run(vocab::check_vocab(sector, "sector", vocab::SECTORS));
            }
            check.optional_url(organisation.website.as_deref(), "website");
            check.identifiers(&organisation.identifiers);
        }
        Record::Commitment(commitment) => {
            check.run(vocab::check_not_blank(&commitment.framework, "framework"));
            check.run(vocab::check_vocab(
                &commitment.scope,
                "commitment scope",
                vocab::CommitmentScope::VALUES,
            ));
            check.run(vocab::check_vocab(
                &commitment.status,
                "commitment status",
                vocab::CommitmentStatus::VALUES,
            ));
            check.sectors(&commitment.sectors, false);
            check.corridors(&commitment.corridors, false);
            check.optional_url(commitment.statement_url.as_deref(), "statement_url");
        }
        Record::TrainingProvider(provider) => {
            check.run(vocab::check_not_blank(&provider.name, "name"));
            check.run(vocab::check_vocab(
                &provider.kind,
                "provider kind",
                vocab::ProviderKind::VALUES,
            ));
            check.countries(&provider.countries);
            check.languages(&provider.languages, true);
            check.optional_url(provider.website.as_deref(), "website");
        }
        Record::TrainingListing(listing) => check.training_listing(listing),
    }
    check.violations
}

#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn run(&mut self, result: Result<(), Violation>) {
        if let Err(violation) = result {
            self.violations.push(violation);
        }
    }

    fn optional_url(&mut self, url: Option<&str>, what: &str) {
        if let Some(url) = url {
            self.run(vocab::check_url(url, what));
        }
    }

    fn optional_text(&mut self, text: Option<&str>, what: &str) {
        if let Some(text) = text {
            self.run(vocab::check_not_blank(text, what));
        }
    }

    fn languages(&mut self, languages: &[String], required: bool) {
        if required && languages.is_empty() {
            self.violations
                .push("languages must name at least one ISO 639-1 code".to_owned());
        }
        for language in languages {
            self.run(vocab::check_language(language));
        }
        self.no_duplicates(languages, "languages");
    }

    fn countries(&mut self, countries: &[String]) {
        for country in countries {
            self.run(vocab::check_country(country));
        }
        self.no_duplicates(countries, "countries");
    }

    fn sectors(&mut self, sectors: &[String], required: bool) {
        if required && sectors.is_empty() {
            self.violations.push("sectors must name at least one sector".to_owned());
        }
        for sector in sectors {
            self.run(vocab::check_vocab(sector, "sector", vocab::SECTORS));
        }
        self.no_duplicates(sectors, "sectors");
    }

    fn corridors(&mut self, corridors: &[CorridorRecord], required: bool) {
        if required && corridors.is_empty() {
            self.violations
                .push("corridors must name at least one origin -> destination pair".to_owned());
        }
        for corridor in corridors {
            self.run(vocab::check_country(&corridor.origin));
            self.run(vocab::check_country(&corridor.destination));
            if corridor.origin == corridor.destination {
                self.violations.push(format!(
                    "corridor {0} -> {0} has the same origin and destination",
                    corridor.origin
                ));
            }
        }
        let unique: HashSet<&CorridorRecord> = corridors.iter().collect();
        if unique.len() != corridors.len() {
            self.violations
                .push("corridors lists the same corridor twice".to_owned());
        }
    }

    fn no_duplicates(&mut self, values: &[String], what: &str) {
        let unique: HashSet<&String> = values.iter().collect();
        if unique.len() != values.len() {
            self.violations.push(format!("{what} lists the same value twice"));
        }
    }

    fn identifiers(&mut self, identifiers: &[String]) {
        if identifiers.len() > 20 {
            self.violations
                .push(format!("{} identifiers; at most 20 may be listed", identifiers.len()));
        }
        for identifier in identifiers {
            self.run(vocab::check_org_identifier(identifier));
        }
    }

    fn recruiter(&mut self, recruiter: &RecruiterRecord) {
        self.run(vocab::check_not_blank(&recruiter.legal_name, "legal_name"));
        for name in recruiter.trading_names.iter().chain(&recruiter.former_names) {
            self.run(vocab::check_not_blank(name, "a trading or former name"));
        }
        self.run(vocab::check_slug(&recruiter.slug));
        self.run(vocab::check_country(&recruiter.country));
        self.identifiers(&recruiter.identifiers);
        self.optional_text(recruiter.city.as_deref(), "city");
        self.optional_text(recruiter.address.as_deref(), "address");
        self.optional_text(recruiter.phone.as_deref(), "phone");
        self.optional_url(recruiter.website.as_deref(), "website");
        if let Some(email) = &recruiter.email {
            let valid = email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
            if !valid {
                self.violations
                    .push(format!("email `{email}` is not an e-mail address"));
            }
        }
        if let Some(description) = &recruiter.description
            && description.chars().count() > 5_000
        {
            self.violations
                .push("description is longer than 5000 characters".to_owned());
        }
        self.languages(&recruiter.languages, true);
        self.sectors(&recruiter.sectors, true);
        self.corridors(&recruiter.corridors, true);
        self.run(vocab::check_vocab(
            &recruiter.cbp_level,
            "cbp_level",
            vocab::CbpLevel::VALUES,
        ));
        for licence in &recruiter.licences {
            self.run(vocab::check_not_blank(
                &licence.issuing_authority,
                "licence issuing_authority",
            ));
            self.run(vocab::check_country(&licence.country));
            self.run(vocab::check_not_blank(&licence.licence_number, "licence_number"));
            self.run(vocab::check_vocab(
                &licence.status,
                "licence status",
                vocab::LicenceStatus::VALUES,
            ));
            self.run(vocab::check_date_order(
                licence.valid_from,
                licence.valid_until,
                "valid_from",
                "valid_until",
            ));
        }
        self.no_duplicates(&recruiter.partners, "partners");
    }

    fn certification(&mut self, certification: &CertificationRecord) {
        self.run(vocab::check_not_blank(
            &certification.certificate_number,
            "certificate_number",
        ));
        self.run(vocab::check_not_blank(&certification.scheme, "scheme"));
        self.optional_text(certification.certification_body.as_deref(), "certification_body");
        self.run(vocab::check_date_order(
            certification.issued_on,
            certification.expires_on,
            "issued_on",
            "expires_on",
        ));
        self.corridors(&certification.scope_corridors, false);
        self.sectors(&certification.scope_sectors, false);
        let Some(status) = CertificationStatus::parse(&certification.status) else {
            let allowed: Vec<&str> = CertificationStatus::ALL.iter().map(|status| status.as_str()).collect();
            self.run(vocab::check_vocab(
                &certification.status,
                "certification status",
                &allowed,
            ));
            return;
        };
        self.history(&certification.status_history, status);
        let ever_certified = certification
            .status_history
            .iter()
            .any(|change| change.to == "certified");
        let has_dates = certification.issued_on.is_some() && certification.expires_on.is_some();
        if ever_certified && !has_dates {
            self.violations
                .push("issued_on and expires_on are required once a certification has been certified".to_owned());
        }
        if !ever_certified && (certification.issued_on.is_some() || certification.expires_on.is_some()) {
            self.violations
                .push("issued_on and expires_on must be null before the first certification".to_owned());
        }
    }

    fn history(&mut self, history: &[StatusChangeRecord], status: CertificationStatus) {
        let Some(last) = history.last() else {
            self.violations
                .push("status_history must contain at least the application entry".to_owned());
            return;
        };
        let mut previous: Option<&StatusChangeRecord> = None;
        for (position, change) in history.iter().enumerate() {
            let entry = position + 1;
            let from = change
                .from
                .as_deref()
                .map(|from| (from, CertificationStatus::parse(from)));
            let Some(to) = CertificationStatus::parse(&change.to) else {
                self.violations
                    .push(format!("status_history entry {entry}: unknown status `{}`", change.to));
                continue;
            };
            let from_status = match from {
                Some((text, None)) => {
                    self.violations
                        .push(format!("status_history entry {entry}: unknown status `{text}`"));
                    continue;
                }
                Some((_, Some(status))) => Some(status),
                None => None,
            };
            let expected_from = previous.map(|previous| previous.to.as_str());
            if change.from.as_deref() != expected_from {
                self.violations.push(format!(
                    "status_history entry {entry}: `from` is {:?} but the previous entry ended in {:?}",
                    change.from, expected_from
                ));
            } else if let Err(violation) = check_transition(from_status, to) {
                self.violations
                    .push(format!("status_history entry {entry}: {violation}"));
            }
            if previous.is_some_and(|previous| change.at < previous.at) {
                self.violations.push(format!(
                    "status_history entry {entry}: `at` is earlier than the entry before it"
                ));
            }
            self.run(vocab::check_not_blank(&change.reason, "reason"));
            self.run(vocab::check_not_blank(&change.recorded_by, "recorded_by"));
            previous = Some(change);
        }
        if last.to != status.as_str() {
            self.violations.push(format!(
                "status is {} but the last status_history entry is {}",
                status.as_str(),
                last.to
            ));
        }
    }

    fn trademark_right(&mut self, right: &TrademarkRightRecord) {
        self.run(vocab::check_not_blank(&right.licence_number, "licence_number"));
        self.run(vocab::check_not_blank(&right.mark, "mark"));
        if right.media.is_empty() {
            self.violations.push("media must name at least one medium".to_owned());
        }
        for medium in &right.media {
            self.run(vocab::check_vocab(medium, "medium", vocab::Medium::VALUES));
        }
        self.no_duplicates(&right.media, "media");
        for domain in &right.domains {
            self.run(vocab::check_domain(domain));
            if normalise_domain(domain) != *domain {
                self.violations.push(format!(
                    "domain `{domain}` must be written as `{}`",
                    normalise_domain(domain)
                ));
            }
        }
        self.no_duplicates(&right.domains, "domains");
        self.run(vocab::check_date_order(
            Some(right.granted_on),
            right.expires_on,
            "granted_on",
            "expires_on",
        ));
        self.run(vocab::check_vocab(
            &right.status,
            "trademark right status",
            vocab::MarkRightStatus::VALUES,
        ));
    }

    fn training_listing(&mut self, listing: &TrainingListingRecord) {
        self.run(vocab::check_not_blank(&listing.title, "title"));
        self.run(vocab::check_vocab(
            &listing.programme,
            "programme",
            vocab::Programme::VALUES,
        ));
        self.run(vocab::check_vocab(
            &listing.audience,
            "audience",
            vocab::Audience::VALUES,
        ));
        self.run(vocab::check_vocab(
            &listing.delivery,
            "delivery",
            vocab::Delivery::VALUES,
        ));
        match &listing.country {
            Some(country) => self.run(vocab::check_country(country)),
            None if listing.delivery != "online" => {
                self.violations
                    .push(format!("country is required for {} delivery", listing.delivery));
            }
            None => {}
        }
        self.optional_text(listing.city.as_deref(), "city");
        self.languages(&listing.languages, true);
        self.run(vocab::check_date_order(
            listing.starts_on,
            listing.ends_on,
            "starts_on",
            "ends_on",
        ));
        if let Some(fee) = &listing.fee {
            let (whole, fraction) = fee.amount.split_once('.').unwrap_or((&fee.amount, ""));
            let valid = !whole.is_empty()
                && whole.bytes().all(|byte| byte.is_ascii_digit())
                && fraction.len() <= 4
                && fraction.bytes().all(|byte| byte.is_ascii_digit());
            if !valid {
                self.violations
                    .push(format!("fee amount `{}` is not a decimal such as `150.00`", fee.amount));
            }
            self.run(vocab::check_currency(&fee.currency));
        }
        self.optional_url(listing.registration_url.as_deref(), "registration_url");
    }
}

/// The database ids of the records written, in input order, with the operation done.
#[derive(Debug, Default)]
pub struct WriteOutcome {
    pub summary: ImportSummary,
    pub written: Vec<(&'static str, i64, &'static str)>,
}

/// A record already in the directory.
#[derive(Debug, Clone, Copy)]
struct Existing {
    id: i64,
    version: i32,
}

type Key = (&'static str, String);

/// The write pass: assigns ids, resolves references, checks uniqueness, writes batches.
struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    mode: Mode,
    next_ids: HashMap<&'static str, i64>,
    /// Every external id known so far: in the database or earlier in the input.
    resolved: HashMap<Key, i64>,
    /// Records of the input that already exist, and their content hashes.
    existing: HashMap<Key, (Existing, Option<String>)>,
    /// Recorded history of existing certifications, which an update may only extend.
    histories: HashMap<i64, Vec<status_change::Model>>,
    errors: Errors,
}

/// Rows waiting to be written, in foreign-key order.
#[derive(Default)]
struct Batch {
    recruiters: Vec<recruiter::ActiveModel>,
    recruiter_identifiers: Vec<recruiter_identifier::ActiveModel>,
    languages: Vec<recruiter_language::ActiveModel>,
    sectors: Vec<recruiter_sector::ActiveModel>,
    corridors: Vec<recruiter_corridor::ActiveModel>,
    licences: Vec<licence::ActiveModel>,
    partners: Vec<recruiter_partner::ActiveModel>,
    certifications: Vec<certification::ActiveModel>,
    history: Vec<status_change::ActiveModel>,
    rights: Vec<trademark_right::ActiveModel>,
    domains: Vec<trademark_domain::ActiveModel>,
    organisations: Vec<organisation::ActiveModel>,
    organisation_identifiers: Vec<organisation_identifier::ActiveModel>,
    commitments: Vec<commitment::ActiveModel>,
    commitment_corridors: Vec<commitment_corridor::ActiveModel>,
    commitment_sectors: Vec<commitment_sector::ActiveModel>,
    providers: Vec<training_provider::ActiveModel>,
    provider_countries: Vec<training_provider_country::ActiveModel>,
    provider_languages: Vec<training_provider_language::ActiveModel>,
    listings: Vec<training_listing::ActiveModel>,
    listing_languages: Vec<training_listing_language::ActiveModel>,
    /// Existing records being replaced: their children are deleted before the inserts.
    updated: HashMap<&'static str, Vec<i64>>,
    /// `(line, recruiter id, partner's external id)`, resolved after every line is read.
    pending_partners: Vec<(usize, i64, String)>,
}

const TABLES: [&str; 9] = [
    "recruiter",
    "licence",
    "certification",
    "status_change",
    "trademark_right",
    "organisation",
    "commitment",
    "training_provider",
    "training_listing",
];

/// SHA-256 of the record's canonical JSON.
pub fn content_hash(record: &Record) -> String {
    use sha2::Digest;
    let canonical = serde_json::to_vec(record).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(&canonical))
}

/// Sets the fields every record table shares.
macro_rules! record_columns {
    ($model:expr, $existing:expr, $hash:expr, $now:expr) => {{
        use sea_orm::ActiveValue::{NotSet, Set};
        let mut model = $model;
        model.version = Set($existing.map_or(1, |existing: Existing| existing.version + 1));
        model.content_hash = Set(Some($hash));
        model.archived_at = Set(None);
        model.created_at = if $existing.is_some() { NotSet } else { Set($now) };
        model.updated_at = Set($now);
        model
    }};
}

impl<'a> Writer<'a> {
    async fn new(txn: &'a DatabaseTransaction, mode: Mode) -> Result<Self, ImportError> {
        let mut next_ids = HashMap::new();
        for table in TABLES {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            let row = txn
                .query_one_raw(Statement::from_string(txn.get_database_backend(), sql))
                .await?;
            let max: i64 = match row {
                Some(row) => row.try_get_by_index(0)?,
                None => 0,
            };
            next_ids.insert(table, max + 1);
        }
        Ok(Self {
            txn,
            mode,
            next_ids,
            resolved: HashMap::new(),
            existing: HashMap::new(),
            histories: HashMap::new(),
            errors: Errors::default(),
        })
    }

    fn next_id(&mut self, table: &'static str) -> i64 {
        let next = self.next_ids.entry(table).or_insert(1);
        let id = *next;
        *next += 1;
        id
    }

    async fn write(
        mut self,
        source: Source<'_>,
        outline: &Outline,
        actor: &Actor,
        progress: &ProgressBar,
    ) -> Result<WriteOutcome, ImportError> {
        self.preload(outline).await?;
        self.check_unique_keys(outline).await?;
        let now = crate::clock::now();
        let mut outcome = WriteOutcome::default();
        // Recruiters already in the change log of this transaction (see `changes::record_part`).
        let mut logged = BTreeSet::new();
        let mut pending_partners = Vec::new();
        let mut chunks = source.lines(progress)?;
        while let Some(chunk) = chunks.next_chunk()? {
            let mut batch = Batch::default();
            let mut changes: Vec<Change> = Vec::new();
            let mut updated_rows: Vec<(&'static str, i64)> = Vec::new();
            for (line, record) in &chunk {
                if let Some(change) = self.record(*line, record, now, &mut batch, &mut outcome) {
                    if change.operation == "update" {
                        updated_rows.push((change.entity_type, change.entity_id));
                    }
                    changes.push(change);
                }
            }
            pending_partners.append(&mut batch.pending_partners);
            // Once anything is wrong nothing more is written (the transaction is rolled back),
            // but the rest is still read so that every error is reported. A check reads and
            // resolves everything and writes nothing.
            if self.errors.total > 0 || self.mode == Mode::Check {
                continue;
            }
            let before = self.row_images(&updated_rows).await?;
            for change in &mut changes {
                change.before = before.get(&(change.entity_type, change.entity_id)).cloned();
            }
            self.flush(batch).await?;
            changes::record_part(self.txn, actor, now, changes, &mut logged).await?;
        }
        // Partnerships are mutual, so they are resolved once every recruiter is written.
        let mut batch = Batch::default();
        for (line, id, partner) in pending_partners {
            use sea_orm::ActiveValue::Set;
            let partner_id = self.reference(line, "recruiter", &partner);
            if partner_id == id {
                self.errors.push(line, "a recruiter cannot be its own partner");
            }
            batch.partners.push(recruiter_partner::ActiveModel {
                recruiter_id: Set(id),
                partner_id: Set(partner_id),
            });
        }
        std::mem::take(&mut self.errors).into_result()?;
        if self.mode == Mode::Write {
            self.flush(batch).await?;
            self.advance_sequences().await?;
        }
        Ok(outcome)
    }

    /// Adds one record to the batch; the change to log, or `None` when it is unchanged.
    fn record(
        &mut self,
        line: usize,
        record: &Record,
        now: DateTime<Utc>,
        batch: &mut Batch,
        outcome: &mut WriteOutcome,
    ) -> Option<Change> {
        let kind = record_type(record);
        let key = (kind, record.external_id().to_owned());
        let hash = content_hash(record);
        let existing = match self.existing.get(&key) {
            Some((_, Some(stored))) if *stored == hash => {
                outcome.summary.unchanged += 1;
                return None;
            }
            Some((existing, _)) => Some(*existing),
            None => None,
        };
        let id = match record {
            Record::Recruiter(record) => self.recruiter(line, record, existing, hash, now, batch),
            Record::Certification(record) => self.certification(line, record, existing, hash, now, batch),
            Record::TrademarkRight(record) => self.trademark_right(line, record, existing, hash, now, batch),
            Record::Organisation(record) => self.organisation(record, existing, hash, now, batch),
            Record::Commitment(record) => self.commitment(line, record, existing, hash, now, batch),
            Record::TrainingProvider(record) => self.provider(record, existing, hash, now, batch),
            Record::TrainingListing(record) => self.listing(line, record, existing, hash, now, batch),
        };
        *summary_count(&mut outcome.summary, record) += 1;
        let operation = if existing.is_some() { "update" } else { "create" };
        if existing.is_some() {
            batch.updated.entry(kind).or_default().push(id);
        }
        self.resolved.insert(key, id);
        outcome.written.push((kind, id, operation));
        Some(Change {
            entity_type: kind,
            entity_id: id,
            operation,
            before: None,
            after: serde_json::to_string(record).ok(),
        })
    }

    /// JSON images of rows about to be replaced, for the audit trail's "before".
    async fn row_images(
        &self,
        rows: &[(&'static str, i64)],
    ) -> Result<HashMap<(&'static str, i64), String>, ImportError> {
        let mut images = HashMap::new();
        for kind in super::export::PUBLIC_TABLES {
            let ids: Vec<i64> = rows
                .iter()
                .filter(|(row_kind, _)| *row_kind == kind)
                .map(|(_, id)| *id)
                .collect();
            for chunk in ids.chunks(500) {
                let json: Vec<(i64, String)> = match kind {
                    "recruiter" => {
                        row_json::<recruiter::Entity>(self.txn, recruiter::Column::Id, chunk, |row| row.id).await?
                    }
                    "certification" => {
                        row_json::<certification::Entity>(self.txn, certification::Column::Id, chunk, |row| row.id)
                            .await?
                    }
                    "trademark_right" => {
                        row_json::<trademark_right::Entity>(self.txn, trademark_right::Column::Id, chunk, |row| row.id)
                            .await?
                    }
                    "organisation" => {
                        row_json::<organisation::Entity>(self.txn, organisation::Column::Id, chunk, |row| row.id)
                            .await?
                    }
                    "commitment" => {
                        row_json::<commitment::Entity>(self.txn, commitment::Column::Id, chunk, |row| row.id).await?
                    }
                    "training_provider" => {
                        row_json::<training_provider::Entity>(self.txn, training_provider::Column::Id, chunk, |row| {
                            row.id
                        })
                        .await?
                    }
                    _ => {
                        row_json::<training_listing::Entity>(self.txn, training_listing::Column::Id, chunk, |row| {
                            row.id
                        })
                        .await?
                    }
                };
                images.extend(json.into_iter().map(|(id, image)| ((kind, id), image)));
            }
        }
        Ok(images)
    }

    /// Finds records that already exist and references that point into the database.
    async fn preload(&mut self, outline: &Outline) -> Result<(), ImportError> {
        for (kind, external_ids) in &outline.wanted {
            let kind = *kind;
            let external_ids: Vec<String> = external_ids.iter().cloned().collect();
            for chunk in external_ids.chunks(500) {
                let found = match kind {
                    "recruiter" => select_existing::<recruiter::Entity>(self.txn, chunk).await?,
                    "certification" => select_existing::<certification::Entity>(self.txn, chunk).await?,
                    "trademark_right" => select_existing::<trademark_right::Entity>(self.txn, chunk).await?,
                    "organisation" => select_existing::<organisation::Entity>(self.txn, chunk).await?,
                    "commitment" => select_existing::<commitment::Entity>(self.txn, chunk).await?,
                    "training_provider" => select_existing::<training_provider::Entity>(self.txn, chunk).await?,
                    _ => select_existing::<training_listing::Entity>(self.txn, chunk).await?,
                };
                for (id, external_id, version, hash) in found {
                    let key = (kind, external_id);
                    if outline.defined.contains_key(&key) {
                        self.existing.insert(key.clone(), (Existing { id, version }, hash));
                    }
                    self.resolved.insert(key, id);
                }
            }
        }
        let certification_ids: Vec<i64> = self
            .existing
            .iter()
            .filter(|((kind, _), _)| *kind == "certification")
            .map(|(_, (existing, _))| existing.id)
            .collect();
        for chunk in certification_ids.chunks(500) {
            let rows = status_change::Entity::find()
                .filter(status_change::Column::CertificationId.is_in(chunk.iter().copied()))
                .order_by_asc(status_change::Column::At)
                .order_by_asc(status_change::Column::Id)
                .all(self.txn)
                .await?;
            for row in rows {
                self.histories.entry(row.certification_id).or_default().push(row);
            }
        }
        Ok(())
    }

    /// Public identifiers are unique case- and space-insensitively, within the input and
    /// against the database (a record keeps its own identifiers when it is updated).
    async fn check_unique_keys(&mut self, outline: &Outline) -> Result<(), ImportError> {
        let mut seen: HashMap<(&'static str, &str), usize> = HashMap::new();
        let keys = &outline.keys;
        for key in keys {
            if let Some(first) = seen.insert((key.kind, key.normalised.as_str()), key.line) {
                self.errors.push(
                    key.line,
                    format!("{} `{}` is already used on line {first}", key.kind, key.shown),
                );
            }
        }
        // Where each key appears in the input, so a large re-import stays linear.
        let mut by_key: HashMap<(&'static str, &str), Vec<usize>> = HashMap::new();
        for (position, entry) in keys.iter().enumerate() {
            by_key
                .entry((entry.kind, entry.normalised.as_str()))
                .or_default()
                .push(position);
        }
        for kind in [
            "slug",
            "licence number",
            "certificate number",
            "trademark licence number",
            "recruiter identifier",
            "organisation identifier",
        ] {
            let of_kind: Vec<String> = keys
                .iter()
                .filter(|entry| entry.kind == kind)
                .map(|entry| entry.normalised.clone())
                .collect();
            for chunk in of_kind.chunks(500) {
                let taken: Vec<(String, i64)> = match kind {
                    "slug" => {
                        select_keys::<recruiter::Entity>(
                            self.txn,
                            recruiter::Column::SlugKey,
                            recruiter::Column::Id,
                            chunk,
                        )
                        .await?
                    }
                    "licence number" => {
                        select_keys::<licence::Entity>(
                            self.txn,
                            licence::Column::NumberKey,
                            licence::Column::RecruiterId,
                            chunk,
                        )
                        .await?
                    }
                    "recruiter identifier" => {
                        select_keys::<recruiter_identifier::Entity>(
                            self.txn,
                            recruiter_identifier::Column::IdentifierKey,
                            recruiter_identifier::Column::RecruiterId,
                            chunk,
                        )
                        .await?
                    }
                    "organisation identifier" => {
                        select_keys::<organisation_identifier::Entity>(
                            self.txn,
                            organisation_identifier::Column::IdentifierKey,
                            organisation_identifier::Column::OrganisationId,
                            chunk,
                        )
                        .await?
                    }
                    "certificate number" => {
                        select_keys::<certification::Entity>(
                            self.txn,
                            certification::Column::NumberKey,
                            certification::Column::Id,
                            chunk,
                        )
                        .await?
                    }
                    _ => {
                        select_keys::<trademark_right::Entity>(
                            self.txn,
                            trademark_right::Column::NumberKey,
                            trademark_right::Column::Id,
                            chunk,
                        )
                        .await?
                    }
                };
                for (taken_key, holder) in taken {
                    let Some(positions) = by_key.get(&(kind, taken_key.as_str())) else {
                        continue;
                    };
                    for position in positions {
                        let key = &keys[*position];
                        let owner = self.existing.get(&key.record).map(|(existing, _)| existing.id);
                        if owner != Some(holder) {
                            self.errors.push_conflict(
                                key.line,
                                format!("{kind} `{}` is already used in the directory", key.shown),
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn reference(&mut self, line: usize, kind: &'static str, external_id: &str) -> i64 {
        match self.resolved.get(&(kind, external_id.to_owned())) {
            Some(id) => *id,
            None => {
                self.errors.push(
                    line,
                    format!("{kind} `{external_id}` is not defined on an earlier line nor in the directory"),
                );
                0
            }
        }
    }

    fn id_for(&mut self, table: &'static str, existing: Option<Existing>) -> i64 {
        match existing {
            Some(existing) => existing.id,
            None => self.next_id(table),
        }
    }

    fn recruiter(
        &mut self,
        line: usize,
        record: &RecruiterRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.id_for("recruiter", existing);
        batch.recruiters.push(record_columns!(
            recruiter::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                slug: Set(record.slug.clone()),
                slug_key: Set(normalise_key(&record.slug)),
                legal_name: Set(record.legal_name.trim().to_owned()),
                trading_names: Set(crate::db::to_json_text(&record.trading_names)),
                former_names: Set(crate::db::to_json_text(&record.former_names)),
                country: Set(record.country.clone()),
                city: Set(record.city.clone()),
                address: Set(record.address.clone()),
                website: Set(record.website.clone()),
                email: Set(record.email.clone()),
                phone: Set(record.phone.clone()),
                description: Set(record.description.clone()),
                languages: Set(crate::db::to_json_text(&record.languages)),
                sectors: Set(crate::db::to_json_text(&record.sectors)),
                corridors: Set(crate::db::to_json_text(&record.corridors)),
                cbp_level: Set(record.cbp_level.clone()),
                identifiers: Set(crate::db::to_json_text(&record.identifiers)),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        for identifier in &record.identifiers {
            batch.recruiter_identifiers.push(recruiter_identifier::ActiveModel {
                recruiter_id: Set(id),
                identifier_key: Set(normalise_key(identifier)),
            });
        }
        for language in &record.languages {
            batch.languages.push(recruiter_language::ActiveModel {
                recruiter_id: Set(id),
                language: Set(language.clone()),
            });
        }
        for sector in &record.sectors {
            batch.sectors.push(recruiter_sector::ActiveModel {
                recruiter_id: Set(id),
                sector: Set(sector.clone()),
            });
        }
        for corridor in &record.corridors {
            // The standing columns are filled in by the standing refresh of this same write.
            batch.corridors.push(recruiter_corridor::ActiveModel {
                recruiter_id: Set(id),
                origin: Set(corridor.origin.clone()),
                destination: Set(corridor.destination.clone()),
                legal_name: Set(record.legal_name.clone()),
                certified_until: Set(None),
                listed: Set(true),
            });
        }
        for (position, licence) in record.licences.iter().enumerate() {
            let licence_id = self.next_id("licence");
            batch.licences.push(licence::ActiveModel {
                id: Set(licence_id),
                recruiter_id: Set(id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                issuing_authority: Set(licence.issuing_authority.clone()),
                country: Set(licence.country.clone()),
                licence_number: Set(licence.licence_number.clone()),
                number_key: Set(normalise_key(&licence.licence_number)),
                status: Set(licence.status.clone()),
                valid_from: Set(licence.valid_from),
                valid_until: Set(licence.valid_until),
            });
        }
        for partner in &record.partners {
            // Partnerships are mutual, so a partner may come later in the file (an export sorted
            // by external id has such lines); they are resolved once every recruiter is read.
            batch.pending_partners.push((line, id, partner.clone()));
        }
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn certification(
        &mut self,
        line: usize,
        record: &CertificationRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let recruiter_id = self.reference(line, "recruiter", &record.recruiter);
        let id = self.id_for("certification", existing);
        batch.certifications.push(record_columns!(
            certification::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                recruiter_id: Set(recruiter_id),
                certificate_number: Set(record.certificate_number.clone()),
                number_key: Set(normalise_key(&record.certificate_number)),
                scheme: Set(record.scheme.clone()),
                certification_body: Set(record.certification_body.clone()),
                status: Set(record.status.clone()),
                issued_on: Set(record.issued_on),
                expires_on: Set(record.expires_on),
                scope_corridors: Set(crate::db::to_json_text(&record.scope_corridors)),
                scope_sectors: Set(crate::db::to_json_text(&record.scope_sectors)),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        // The status history is public and kept forever: an update may only add entries.
        let recorded = self.histories.get(&id).cloned().unwrap_or_default();
        for (position, kept) in recorded.iter().enumerate() {
            let incoming = record.status_history.get(position);
            let same = incoming.is_some_and(|change| {
                change.from == kept.from_status
                    && change.to == kept.to_status
                    && change.at == kept.at
                    && change.reason == kept.reason
            });
            if !same {
                self.errors.push_conflict(
                    line,
                    format!(
                        "status_history entry {} differs from the recorded one: the history can only grow",
                        position + 1
                    ),
                );
                return id;
            }
        }
        for change in record.status_history.iter().skip(recorded.len()) {
            let change_id = self.next_id("status_change");
            batch.history.push(status_change::ActiveModel {
                id: Set(change_id),
                certification_id: Set(id),
                from_status: Set(change.from.clone()),
                to_status: Set(change.to.clone()),
                at: Set(change.at),
                reason: Set(change.reason.clone()),
                recorded_by: Set(change.recorded_by.clone()),
            });
        }
        id
    }

    fn trademark_right(
        &mut self,
        line: usize,
        record: &TrademarkRightRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let recruiter_id = self.reference(line, "recruiter", &record.recruiter);
        let id = self.id_for("trademark_right", existing);
        batch.rights.push(record_columns!(
            trademark_right::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                recruiter_id: Set(recruiter_id),
                licence_number: Set(record.licence_number.clone()),
                number_key: Set(normalise_key(&record.licence_number)),
                mark: Set(record.mark.clone()),
                media: Set(crate::db::to_json_text(&record.media)),
                domains: Set(crate::db::to_json_text(&record.domains)),
                granted_on: Set(record.granted_on),
                expires_on: Set(record.expires_on),
                status: Set(record.status.clone()),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        for domain in &record.domains {
            batch.domains.push(trademark_domain::ActiveModel {
                right_id: Set(id),
                domain: Set(domain.clone()),
            });
        }
        id
    }

    fn organisation(
        &mut self,
        record: &OrganisationRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.id_for("organisation", existing);
        batch.organisations.push(record_columns!(
            organisation::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                name: Set(record.name.clone()),
                kind: Set(record.kind.clone()),
                country: Set(record.country.clone()),
                sector: Set(record.sector.clone()),
                website: Set(record.website.clone()),
                identifiers: Set(crate::db::to_json_text(&record.identifiers)),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        for identifier in &record.identifiers {
            batch
                .organisation_identifiers
                .push(organisation_identifier::ActiveModel {
                    organisation_id: Set(id),
                    identifier_key: Set(normalise_key(identifier)),
                });
        }
        id
    }

    fn commitment(
        &mut self,
        line: usize,
        record: &CommitmentRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let organisation_id = self.reference(line, "organisation", &record.organisation);
        let id = self.id_for("commitment", existing);
        batch.commitments.push(record_columns!(
            commitment::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                organisation_id: Set(organisation_id),
                framework: Set(record.framework.clone()),
                scope: Set(record.scope.clone()),
                sectors: Set(crate::db::to_json_text(&record.sectors)),
                corridors: Set(crate::db::to_json_text(&record.corridors)),
                made_on: Set(record.made_on),
                statement_url: Set(record.statement_url.clone()),
                status: Set(record.status.clone()),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        for corridor in &record.corridors {
            batch.commitment_corridors.push(commitment_corridor::ActiveModel {
                commitment_id: Set(id),
                origin: Set(corridor.origin.clone()),
                destination: Set(corridor.destination.clone()),
            });
        }
        for sector in &record.sectors {
            batch.commitment_sectors.push(commitment_sector::ActiveModel {
                commitment_id: Set(id),
                sector: Set(sector.clone()),
            });
        }
        id
    }

    fn provider(
        &mut self,
        record: &TrainingProviderRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.id_for("training_provider", existing);
        batch.providers.push(record_columns!(
            training_provider::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                name: Set(record.name.clone()),
                kind: Set(record.kind.clone()),
                countries: Set(crate::db::to_json_text(&record.countries)),
                languages: Set(crate::db::to_json_text(&record.languages)),
                website: Set(record.website.clone()),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        for country in &record.countries {
            batch.provider_countries.push(training_provider_country::ActiveModel {
                provider_id: Set(id),
                country: Set(country.clone()),
            });
        }
        for language in &record.languages {
            batch.provider_languages.push(training_provider_language::ActiveModel {
                provider_id: Set(id),
                language: Set(language.clone()),
            });
        }
        id
    }

    fn listing(
        &mut self,
        line: usize,
        record: &TrainingListingRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let provider_id = self.reference(line, "training_provider", &record.provider);
        let id = self.id_for("training_listing", existing);
        batch.listings.push(record_columns!(
            training_listing::ActiveModel {
                id: Set(id),
                external_id: Set(record.external_id.clone()),
                provider_id: Set(provider_id),
                title: Set(record.title.clone()),
                programme: Set(record.programme.clone()),
                audience: Set(record.audience.clone()),
                delivery: Set(record.delivery.clone()),
                country: Set(record.country.clone()),
                city: Set(record.city.clone()),
                languages: Set(crate::db::to_json_text(&record.languages)),
                starts_on: Set(record.starts_on),
                ends_on: Set(record.ends_on),
                fee_amount: Set(record.fee.as_ref().map(|fee| fee.amount.clone())),
                fee_currency: Set(record.fee.as_ref().map(|fee| fee.currency.clone())),
                registration_url: Set(record.registration_url.clone()),
                ..Default::default()
            },
            existing,
            hash,
            now
        ));
        for language in &record.languages {
            batch.listing_languages.push(training_listing_language::ActiveModel {
                listing_id: Set(id),
                language: Set(language.clone()),
            });
        }
        id
    }

    async fn flush(&self, mut batch: Batch) -> Result<(), ImportError> {
        let updated = std::mem::take(&mut batch.updated);
        let updated_of = |kind: &str| updated.get(kind).cloned().unwrap_or_default();
        // Replaced records lose their dependent rows; the batch holds their new ones.
        for ids in updated_of("recruiter").chunks(500) {
            let ids = || ids.iter().copied();
            recruiter_identifier::Entity::delete_many()
                .filter(recruiter_identifier::Column::RecruiterId.is_in(ids()))
                .exec(self.txn)
                .await?;
            recruiter_language::Entity::delete_many()
                .filter(recruiter_language::Column::RecruiterId.is_in(ids()))
                .exec(self.txn)
                .await?;
            recruiter_sector::Entity::delete_many()
                .filter(recruiter_sector::Column::RecruiterId.is_in(ids()))
                .exec(self.txn)
                .await?;
            recruiter_corridor::Entity::delete_many()
                .filter(recruiter_corridor::Column::RecruiterId.is_in(ids()))
                .exec(self.txn)
                .await?;
            licence::Entity::delete_many()
                .filter(licence::Column::RecruiterId.is_in(ids()))
                .exec(self.txn)
                .await?;
            recruiter_partner::Entity::delete_many()
                .filter(recruiter_partner::Column::RecruiterId.is_in(ids()))
                .exec(self.txn)
                .await?;
        }
        for ids in updated_of("organisation").chunks(500) {
            organisation_identifier::Entity::delete_many()
                .filter(organisation_identifier::Column::OrganisationId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
        }
        for ids in updated_of("trademark_right").chunks(500) {
            trademark_domain::Entity::delete_many()
                .filter(trademark_domain::Column::RightId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
        }
        for ids in updated_of("commitment").chunks(500) {
            commitment_corridor::Entity::delete_many()
                .filter(commitment_corridor::Column::CommitmentId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
            commitment_sector::Entity::delete_many()
                .filter(commitment_sector::Column::CommitmentId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
        }
        for ids in updated_of("training_provider").chunks(500) {
            training_provider_country::Entity::delete_many()
                .filter(training_provider_country::Column::ProviderId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
            training_provider_language::Entity::delete_many()
                .filter(training_provider_language::Column::ProviderId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
        }
        for ids in updated_of("training_listing").chunks(500) {
            training_listing_language::Entity::delete_many()
                .filter(training_listing_language::Column::ListingId.is_in(ids.iter().copied()))
                .exec(self.txn)
                .await?;
        }
        upsert_all(self.txn, batch.recruiters, &updated_of("recruiter"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.recruiter_identifiers).await?;
        insert_all(self.txn, batch.languages).await?;
        insert_all(self.txn, batch.sectors).await?;
        insert_all(self.txn, batch.corridors).await?;
        insert_all(self.txn, batch.licences).await?;
        insert_all(self.txn, batch.partners).await?;
        upsert_all(self.txn, batch.certifications, &updated_of("certification"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.history).await?;
        upsert_all(self.txn, batch.rights, &updated_of("trademark_right"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.domains).await?;
        upsert_all(self.txn, batch.organisations, &updated_of("organisation"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.organisation_identifiers).await?;
        upsert_all(self.txn, batch.commitments, &updated_of("commitment"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.commitment_corridors).await?;
        insert_all(self.txn, batch.commitment_sectors).await?;
        upsert_all(self.txn, batch.providers, &updated_of("training_provider"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.provider_countries).await?;
        insert_all(self.txn, batch.provider_languages).await?;
        upsert_all(self.txn, batch.listings, &updated_of("training_listing"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.listing_languages).await?;
        Ok(())
    }

    /// Ids were assigned here, so PostgreSQL's sequences must be moved past them.
    async fn advance_sequences(&self) -> Result<(), ImportError> {
        if self.txn.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for table in TABLES {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
            );
            self.txn
                .execute_raw(Statement::from_string(DatabaseBackend::Postgres, sql))
                .await?;
        }
        Ok(())
    }
}

fn summary_count<'s>(summary: &'s mut ImportSummary, record: &Record) -> &'s mut usize {
    match record {
        Record::Recruiter(_) => &mut summary.recruiters,
        Record::Certification(_) => &mut summary.certifications,
        Record::TrademarkRight(_) => &mut summary.trademark_rights,
        Record::Organisation(_) => &mut summary.organisations,
        Record::Commitment(_) => &mut summary.commitments,
        Record::TrainingProvider(_) => &mut summary.training_providers,
        Record::TrainingListing(_) => &mut summary.training_listings,
    }
}

/// `(id, external_id, version, content_hash)` of the records with these external ids.
async fn select_existing<E: EntityTrait>(
    txn: &DatabaseTransaction,
    external_ids: &[String],
) -> Result<Vec<(i64, String, i32, Option<String>)>, ImportError> {
    use std::str::FromStr;
    let column =
        |name: &str| E::Column::from_str(name).map_err(|_| AppError::internal(anyhow::anyhow!("no column {name}")));
    Ok(E::find()
        .select_only()
        .column(column("id")?)
        .column(column("external_id")?)
        .column(column("version")?)
        .column(column("content_hash")?)
        .filter(column("external_id")?.is_in(external_ids.iter().cloned()))
        .into_tuple()
        .all(txn)
        .await?)
}

/// `(key, owner id)` of identifiers already taken.
async fn select_keys<E: EntityTrait>(
    txn: &DatabaseTransaction,
    key_column: E::Column,
    owner_column: E::Column,
    keys: &[String],
) -> Result<Vec<(String, i64)>, ImportError> {
    Ok(E::find()
        .select_only()
        .column(key_column)
        .column(owner_column)
        .filter(key_column.is_in(keys.iter().cloned()))
        .into_tuple()
        .all(txn)
        .await?)
}

async fn row_json<E>(
    txn: &DatabaseTransaction,
    id_column: E::Column,
    ids: &[i64],
    id_of: impl Fn(&E::Model) -> i64,
) -> Result<Vec<(i64, String)>, ImportError>
where
    E: EntityTrait,
    E::Model: serde::Serialize,
{
    let rows = E::find().filter(id_column.is_in(ids.iter().copied())).all(txn).await?;
    Ok(rows
        .iter()
        .map(|row| (id_of(row), serde_json::to_string(row).unwrap_or_default()))
        .collect())
}

/// Inserts new rows in batches and updates existing ones (listed in `updated`) one by one.
async fn upsert_all<A>(
    txn: &DatabaseTransaction,
    rows: Vec<A>,
    updated: &[i64],
    id_of: impl Fn(&A) -> i64,
) -> Result<(), ImportError>
where
    A: ActiveModelTrait + Send + sea_orm::ActiveModelBehavior,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    let updated: HashSet<i64> = updated.iter().copied().collect();
    let (updates, inserts): (Vec<A>, Vec<A>) = rows.into_iter().partition(|row| updated.contains(&id_of(row)));
    for row in updates {
        row.update(txn).await?;
    }
    insert_all(txn, inserts).await
}

/// Inserts rows in batches small enough for both databases' bound-parameter limits.
async fn insert_all<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<(), ImportError>
where
    A: ActiveModelTrait + Send,
{
    const PARAMETERS_PER_STATEMENT: usize = 30_000;
    if rows.is_empty() {
        return Ok(());
    }
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_batch = (PARAMETERS_PER_STATEMENT / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_batch).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The id and stored version of the record with this record's type and external id, if any.
pub async fn current_version(txn: &DatabaseTransaction, record: &Record) -> Result<Option<(i64, i32)>, AppError> {
    let external_ids = [record.external_id().to_owned()];
    let found = match record {
        Record::Recruiter(_) => select_existing::<recruiter::Entity>(txn, &external_ids).await,
        Record::Certification(_) => select_existing::<certification::Entity>(txn, &external_ids).await,
        Record::TrademarkRight(_) => select_existing::<trademark_right::Entity>(txn, &external_ids).await,
        Record::Organisation(_) => select_existing::<organisation::Entity>(txn, &external_ids).await,
        Record::Commitment(_) => select_existing::<commitment::Entity>(txn, &external_ids).await,
        Record::TrainingProvider(_) => select_existing::<training_provider::Entity>(txn, &external_ids).await,
        Record::TrainingListing(_) => select_existing::<training_listing::Entity>(txn, &external_ids).await,
    };
    match found {
        Ok(rows) => Ok(rows.first().map(|(id, _, version, _)| (*id, *version))),
        Err(ImportError::Failed(error)) => Err(error),
        Err(ImportError::Invalid { .. }) => Err(AppError::internal(anyhow::anyhow!("lookup failed"))),
    }
}
