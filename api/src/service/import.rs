//! Bulk import of the JSON Lines interchange format: all or nothing.
//!
//! Three passes: parse every line, check every record on its own (`validate`), then resolve
//! references and uniqueness against the file and the database and write everything in one
//! transaction. Any error in any pass names its line and nothing is written. Rows are written in
//! batches with identifiers assigned here, which keeps a 100 000-recruiter import fast.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::{
    certification, commitment, commitment_corridor, licence, organisation, recruiter,
    recruiter_corridor, recruiter_language, recruiter_partner, recruiter_sector, status_change,
    trademark_domain, trademark_right, training_listing, training_provider,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, Iterable, QueryFilter, QuerySelect, Statement,
    TransactionTrait,
};

use super::{
    certification::{CertificationStatus, check_transition},
    changes::{self, Actor, Change},
};
use crate::{
    error::AppError,
    interchange::*,
    vocab::{self, Violation, normalise_domain, normalise_key},
};

/// At most this many errors are reported; the rest are counted.
pub const MAX_REPORTED_ERRORS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: usize,
    pub message: String,
}

#[derive(Debug)]
pub enum ImportError {
    /// The file is wrong; nothing was written.
    Invalid {
        errors: Vec<LineError>,
        total: usize,
    },
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

/// How many records of each type were written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub recruiters: usize,
    pub certifications: usize,
    pub trademark_rights: usize,
    pub organisations: usize,
    pub commitments: usize,
    pub training_providers: usize,
    pub training_listings: usize,
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
        self.total += 1;
        if self.reported.len() < MAX_REPORTED_ERRORS {
            self.reported.push(LineError {
                line,
                message: message.into(),
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

/// Parses JSON Lines; blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<(usize, Record)>, ImportError> {
    let mut records = Vec::new();
    let mut errors = Errors::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(record) => records.push((index + 1, record)),
            Err(error) => errors.push(index + 1, format!("not a valid record: {error}")),
        }
    }
    errors.into_result()?;
    Ok(records)
}

/// Parses, validates and writes `text` in one transaction.
pub async fn import_text(
    db: &DatabaseConnection,
    text: &str,
    actor: &Actor,
) -> Result<ImportSummary, ImportError> {
    let records = parse(text)?;
    import(db, &records, actor).await
}

/// Validates and writes `records` (with their line numbers) in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    records: &[(usize, Record)],
    actor: &Actor,
) -> Result<ImportSummary, ImportError> {
    let mut errors = Errors::default();
    for (line, record) in records {
        for violation in validate(record) {
            errors.push(
                *line,
                format!(
                    "{} `{}`: {violation}",
                    record_type(record),
                    record.external_id()
                ),
            );
        }
    }
    errors.into_result()?;
    let txn = db.begin().await?;
    changes::lock_writes(&txn).await?;
    let summary = Writer::new(&txn).await?.write(records, actor).await?;
    txn.commit().await?;
    Ok(summary)
}

fn record_type(record: &Record) -> &'static str {
    match record {
        Record::Recruiter(_) => "recruiter",
        Record::Certification(_) => "certification",
        Record::TrademarkRight(_) => "trademark_right",
        Record::Organisation(_) => "organisation",
        Record::Commitment(_) => "commitment",
        Record::TrainingProvider(_) => "training_provider",
        Record::TrainingListing(_) => "training_listing",
    }
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
            self.violations
                .push("sectors must name at least one sector".to_owned());
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
            self.violations
                .push(format!("{what} lists the same value twice"));
        }
    }

    fn recruiter(&mut self, recruiter: &RecruiterRecord) {
        self.run(vocab::check_not_blank(&recruiter.legal_name, "legal_name"));
        for name in recruiter
            .trading_names
            .iter()
            .chain(&recruiter.former_names)
        {
            self.run(vocab::check_not_blank(name, "a trading or former name"));
        }
        self.run(vocab::check_slug(&recruiter.slug));
        self.run(vocab::check_country(&recruiter.country));
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
            self.run(vocab::check_not_blank(
                &licence.licence_number,
                "licence_number",
            ));
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
        self.optional_text(
            certification.certification_body.as_deref(),
            "certification_body",
        );
        self.run(vocab::check_date_order(
            certification.issued_on,
            certification.expires_on,
            "issued_on",
            "expires_on",
        ));
        self.corridors(&certification.scope_corridors, false);
        self.sectors(&certification.scope_sectors, false);
        let Some(status) = CertificationStatus::parse(&certification.status) else {
            let allowed: Vec<&str> = CertificationStatus::ALL
                .iter()
                .map(|status| status.as_str())
                .collect();
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
            self.violations.push(
                "issued_on and expires_on are required once a certification has been certified"
                    .to_owned(),
            );
        }
        if !ever_certified
            && (certification.issued_on.is_some() || certification.expires_on.is_some())
        {
            self.violations.push(
                "issued_on and expires_on must be null before the first certification".to_owned(),
            );
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
                self.violations.push(format!(
                    "status_history entry {entry}: unknown status `{}`",
                    change.to
                ));
                continue;
            };
            let from_status = match from {
                Some((text, None)) => {
                    self.violations.push(format!(
                        "status_history entry {entry}: unknown status `{text}`"
                    ));
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
        self.run(vocab::check_not_blank(
            &right.licence_number,
            "licence_number",
        ));
        self.run(vocab::check_not_blank(&right.mark, "mark"));
        if right.media.is_empty() {
            self.violations
                .push("media must name at least one medium".to_owned());
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
                self.violations.push(format!(
                    "country is required for {} delivery",
                    listing.delivery
                ));
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
                self.violations.push(format!(
                    "fee amount `{}` is not a decimal such as `150.00`",
                    fee.amount
                ));
            }
            self.run(vocab::check_currency(&fee.currency));
        }
        self.optional_url(listing.registration_url.as_deref(), "registration_url");
    }
}

fn json_list<T: serde::Serialize>(values: &[T]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

/// External ids resolved to database ids, per record type.
type Resolved = HashMap<(&'static str, String), i64>;

/// The write pass: assigns ids, resolves references, checks uniqueness, writes batches.
struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    next_ids: HashMap<&'static str, i64>,
    resolved: Resolved,
    errors: Errors,
    changes: Vec<Change>,
}

/// Rows waiting to be inserted, in foreign-key order.
#[derive(Default)]
struct Batch {
    recruiters: Vec<recruiter::ActiveModel>,
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
    commitments: Vec<commitment::ActiveModel>,
    commitment_corridors: Vec<commitment_corridor::ActiveModel>,
    providers: Vec<training_provider::ActiveModel>,
    listings: Vec<training_listing::ActiveModel>,
}

const TABLES: [&str; 8] = [
    "recruiter",
    "licence",
    "certification",
    "status_change",
    "trademark_right",
    "organisation",
    "commitment",
    "training_provider",
];

impl<'a> Writer<'a> {
    async fn new(txn: &'a DatabaseTransaction) -> Result<Self, ImportError> {
        let mut next_ids = HashMap::new();
        for table in TABLES.into_iter().chain(["training_listing"]) {
            let row = txn
                .query_one_raw(Statement::from_string(
                    txn.get_database_backend(),
                    format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
                ))
                .await?;
            let max: i64 = match row {
                Some(row) => row.try_get_by_index(0)?,
                None => 0,
            };
            next_ids.insert(table, max + 1);
        }
        Ok(Self {
            txn,
            next_ids,
            resolved: Resolved::new(),
            errors: Errors::default(),
            changes: Vec::new(),
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
        records: &[(usize, Record)],
        actor: &Actor,
    ) -> Result<ImportSummary, ImportError> {
        self.preload(records).await?;
        self.check_unique_keys(records).await?;
        let now = Utc::now();
        let mut batch = Batch::default();
        let mut summary = ImportSummary::default();
        for (line, record) in records {
            let line = *line;
            let key = (record_type(record), record.external_id().to_owned());
            if self.resolved.contains_key(&key) {
                self.errors
                    .push(line, format!("{} `{}` already exists", key.0, key.1));
                continue;
            }
            let after = serde_json::to_string(record).ok();
            let (entity_type, id) = match record {
                Record::Recruiter(record) => {
                    summary.recruiters += 1;
                    ("recruiter", self.recruiter(line, record, now, &mut batch))
                }
                Record::Certification(record) => {
                    summary.certifications += 1;
                    (
                        "certification",
                        self.certification(line, record, now, &mut batch),
                    )
                }
                Record::TrademarkRight(record) => {
                    summary.trademark_rights += 1;
                    (
                        "trademark_right",
                        self.trademark_right(line, record, now, &mut batch),
                    )
                }
                Record::Organisation(record) => {
                    summary.organisations += 1;
                    ("organisation", self.organisation(record, now, &mut batch))
                }
                Record::Commitment(record) => {
                    summary.commitments += 1;
                    ("commitment", self.commitment(line, record, now, &mut batch))
                }
                Record::TrainingProvider(record) => {
                    summary.training_providers += 1;
                    ("training_provider", self.provider(record, now, &mut batch))
                }
                Record::TrainingListing(record) => {
                    summary.training_listings += 1;
                    (
                        "training_listing",
                        self.listing(line, record, now, &mut batch),
                    )
                }
            };
            self.resolved.insert(key, id);
            self.changes.push(Change {
                entity_type,
                entity_id: id,
                operation: "create",
                before: None,
                after,
            });
        }
        std::mem::take(&mut self.errors).into_result()?;
        self.flush(batch).await?;
        self.advance_sequences().await?;
        changes::record(self.txn, actor, now, std::mem::take(&mut self.changes)).await?;
        Ok(summary)
    }

    /// Finds records that already exist and references that point into the database.
    async fn preload(&mut self, records: &[(usize, Record)]) -> Result<(), ImportError> {
        let mut wanted: HashMap<&'static str, HashSet<String>> = HashMap::new();
        for (_, record) in records {
            wanted
                .entry(record_type(record))
                .or_default()
                .insert(record.external_id().to_owned());
            let mut refer = |kind: &'static str, external_id: &str| {
                wanted
                    .entry(kind)
                    .or_default()
                    .insert(external_id.to_owned());
            };
            match record {
                Record::Recruiter(recruiter) => recruiter
                    .partners
                    .iter()
                    .for_each(|partner| refer("recruiter", partner)),
                Record::Certification(certification) => {
                    refer("recruiter", &certification.recruiter)
                }
                Record::TrademarkRight(right) => refer("recruiter", &right.recruiter),
                Record::Commitment(commitment) => refer("organisation", &commitment.organisation),
                Record::TrainingListing(listing) => refer("training_provider", &listing.provider),
                Record::Organisation(_) | Record::TrainingProvider(_) => {}
            }
        }
        for (kind, external_ids) in wanted {
            let external_ids: Vec<String> = external_ids.into_iter().collect();
            for chunk in external_ids.chunks(500) {
                let found: Vec<(i64, String)> = match kind {
                    "recruiter" => {
                        select_ids::<recruiter::Entity>(
                            self.txn,
                            recruiter::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                    "certification" => {
                        select_ids::<certification::Entity>(
                            self.txn,
                            certification::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                    "trademark_right" => {
                        select_ids::<trademark_right::Entity>(
                            self.txn,
                            trademark_right::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                    "organisation" => {
                        select_ids::<organisation::Entity>(
                            self.txn,
                            organisation::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                    "commitment" => {
                        select_ids::<commitment::Entity>(
                            self.txn,
                            commitment::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                    "training_provider" => {
                        select_ids::<training_provider::Entity>(
                            self.txn,
                            training_provider::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                    _ => {
                        select_ids::<training_listing::Entity>(
                            self.txn,
                            training_listing::Column::ExternalId,
                            chunk,
                        )
                        .await?
                    }
                };
                for (id, external_id) in found {
                    self.resolved.insert((kind, external_id), id);
                }
            }
        }
        Ok(())
    }

    /// Public identifiers are unique case- and space-insensitively, within the file and
    /// against the database.
    async fn check_unique_keys(&mut self, records: &[(usize, Record)]) -> Result<(), ImportError> {
        let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
        let mut keys: Vec<(usize, &'static str, String, String)> = Vec::new();
        for (line, record) in records {
            match record {
                Record::Recruiter(recruiter) => {
                    keys.push((
                        *line,
                        "slug",
                        normalise_key(&recruiter.slug),
                        recruiter.slug.clone(),
                    ));
                    for licence in &recruiter.licences {
                        keys.push((
                            *line,
                            "licence number",
                            normalise_key(&licence.licence_number),
                            licence.licence_number.clone(),
                        ));
                    }
                }
                Record::Certification(certification) => keys.push((
                    *line,
                    "certificate number",
                    normalise_key(&certification.certificate_number),
                    certification.certificate_number.clone(),
                )),
                Record::TrademarkRight(right) => keys.push((
                    *line,
                    "trademark licence number",
                    normalise_key(&right.licence_number),
                    right.licence_number.clone(),
                )),
                _ => {}
            }
        }
        for (line, kind, key, shown) in &keys {
            if let Some(first) = seen.insert((kind, key.clone()), *line) {
                self.errors.push(
                    *line,
                    format!("{kind} `{shown}` is already used on line {first}"),
                );
            }
        }
        for kind in [
            "slug",
            "licence number",
            "certificate number",
            "trademark licence number",
        ] {
            let of_kind: Vec<String> = keys
                .iter()
                .filter(|entry| entry.1 == kind)
                .map(|entry| entry.2.clone())
                .collect();
            for chunk in of_kind.chunks(500) {
                let taken: Vec<String> = match kind {
                    "slug" => {
                        select_keys::<recruiter::Entity>(
                            self.txn,
                            recruiter::Column::SlugKey,
                            chunk,
                        )
                        .await?
                    }
                    "licence number" => {
                        select_keys::<licence::Entity>(self.txn, licence::Column::NumberKey, chunk)
                            .await?
                    }
                    "certificate number" => {
                        select_keys::<certification::Entity>(
                            self.txn,
                            certification::Column::NumberKey,
                            chunk,
                        )
                        .await?
                    }
                    _ => {
                        select_keys::<trademark_right::Entity>(
                            self.txn,
                            trademark_right::Column::NumberKey,
                            chunk,
                        )
                        .await?
                    }
                };
                for taken_key in taken {
                    if let Some((line, _, _, shown)) = keys
                        .iter()
                        .find(|entry| entry.1 == kind && entry.2 == taken_key)
                    {
                        self.errors.push(
                            *line,
                            format!("{kind} `{shown}` is already used in the directory"),
                        );
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
                self.errors.push(line, format!("{kind} `{external_id}` is not defined on an earlier line nor in the directory"));
                0
            }
        }
    }

    fn recruiter(
        &mut self,
        line: usize,
        record: &RecruiterRecord,
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.next_id("recruiter");
        batch.recruiters.push(recruiter::ActiveModel {
            id: Set(id),
            external_id: Set(record.external_id.clone()),
            slug: Set(record.slug.clone()),
            slug_key: Set(normalise_key(&record.slug)),
            legal_name: Set(record.legal_name.trim().to_owned()),
            trading_names: Set(json_list(&record.trading_names)),
            former_names: Set(json_list(&record.former_names)),
            country: Set(record.country.clone()),
            city: Set(record.city.clone()),
            address: Set(record.address.clone()),
            website: Set(record.website.clone()),
            email: Set(record.email.clone()),
            phone: Set(record.phone.clone()),
            description: Set(record.description.clone()),
            languages: Set(json_list(&record.languages)),
            sectors: Set(json_list(&record.sectors)),
            corridors: Set(json_list(&record.corridors)),
            cbp_level: Set(record.cbp_level.clone()),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
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
            batch.corridors.push(recruiter_corridor::ActiveModel {
                recruiter_id: Set(id),
                origin: Set(corridor.origin.clone()),
                destination: Set(corridor.destination.clone()),
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
            let partner_id = self.reference(line, "recruiter", partner);
            batch.partners.push(recruiter_partner::ActiveModel {
                recruiter_id: Set(id),
                partner_id: Set(partner_id),
            });
        }
        id
    }

    fn certification(
        &mut self,
        line: usize,
        record: &CertificationRecord,
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let recruiter_id = self.reference(line, "recruiter", &record.recruiter);
        let id = self.next_id("certification");
        batch.certifications.push(certification::ActiveModel {
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
            scope_corridors: Set(json_list(&record.scope_corridors)),
            scope_sectors: Set(json_list(&record.scope_sectors)),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for change in &record.status_history {
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
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let recruiter_id = self.reference(line, "recruiter", &record.recruiter);
        let id = self.next_id("trademark_right");
        batch.rights.push(trademark_right::ActiveModel {
            id: Set(id),
            external_id: Set(record.external_id.clone()),
            recruiter_id: Set(recruiter_id),
            licence_number: Set(record.licence_number.clone()),
            number_key: Set(normalise_key(&record.licence_number)),
            mark: Set(record.mark.clone()),
            media: Set(json_list(&record.media)),
            domains: Set(json_list(&record.domains)),
            granted_on: Set(record.granted_on),
            expires_on: Set(record.expires_on),
            status: Set(record.status.clone()),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
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
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.next_id("organisation");
        batch.organisations.push(organisation::ActiveModel {
            id: Set(id),
            external_id: Set(record.external_id.clone()),
            name: Set(record.name.clone()),
            kind: Set(record.kind.clone()),
            country: Set(record.country.clone()),
            sector: Set(record.sector.clone()),
            website: Set(record.website.clone()),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        id
    }

    fn commitment(
        &mut self,
        line: usize,
        record: &CommitmentRecord,
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let organisation_id = self.reference(line, "organisation", &record.organisation);
        let id = self.next_id("commitment");
        batch.commitments.push(commitment::ActiveModel {
            id: Set(id),
            external_id: Set(record.external_id.clone()),
            organisation_id: Set(organisation_id),
            framework: Set(record.framework.clone()),
            scope: Set(record.scope.clone()),
            sectors: Set(json_list(&record.sectors)),
            corridors: Set(json_list(&record.corridors)),
            made_on: Set(record.made_on),
            statement_url: Set(record.statement_url.clone()),
            status: Set(record.status.clone()),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for corridor in &record.corridors {
            batch
                .commitment_corridors
                .push(commitment_corridor::ActiveModel {
                    commitment_id: Set(id),
                    origin: Set(corridor.origin.clone()),
                    destination: Set(corridor.destination.clone()),
                });
        }
        id
    }

    fn provider(
        &mut self,
        record: &TrainingProviderRecord,
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.next_id("training_provider");
        batch.providers.push(training_provider::ActiveModel {
            id: Set(id),
            external_id: Set(record.external_id.clone()),
            name: Set(record.name.clone()),
            kind: Set(record.kind.clone()),
            countries: Set(json_list(&record.countries)),
            languages: Set(json_list(&record.languages)),
            website: Set(record.website.clone()),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        id
    }

    fn listing(
        &mut self,
        line: usize,
        record: &TrainingListingRecord,
        now: chrono::DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let provider_id = self.reference(line, "training_provider", &record.provider);
        let id = self.next_id("training_listing");
        batch.listings.push(training_listing::ActiveModel {
            id: Set(id),
            external_id: Set(record.external_id.clone()),
            provider_id: Set(provider_id),
            title: Set(record.title.clone()),
            programme: Set(record.programme.clone()),
            audience: Set(record.audience.clone()),
            delivery: Set(record.delivery.clone()),
            country: Set(record.country.clone()),
            city: Set(record.city.clone()),
            languages: Set(json_list(&record.languages)),
            starts_on: Set(record.starts_on),
            ends_on: Set(record.ends_on),
            fee_amount: Set(record.fee.as_ref().map(|fee| fee.amount.clone())),
            fee_currency: Set(record.fee.as_ref().map(|fee| fee.currency.clone())),
            registration_url: Set(record.registration_url.clone()),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        id
    }

    async fn flush(&self, batch: Batch) -> Result<(), ImportError> {
        insert_all(self.txn, batch.recruiters).await?;
        insert_all(self.txn, batch.languages).await?;
        insert_all(self.txn, batch.sectors).await?;
        insert_all(self.txn, batch.corridors).await?;
        insert_all(self.txn, batch.licences).await?;
        insert_all(self.txn, batch.partners).await?;
        insert_all(self.txn, batch.certifications).await?;
        insert_all(self.txn, batch.history).await?;
        insert_all(self.txn, batch.rights).await?;
        insert_all(self.txn, batch.domains).await?;
        insert_all(self.txn, batch.organisations).await?;
        insert_all(self.txn, batch.commitments).await?;
        insert_all(self.txn, batch.commitment_corridors).await?;
        insert_all(self.txn, batch.providers).await?;
        insert_all(self.txn, batch.listings).await?;
        Ok(())
    }

    /// Ids were assigned here, so PostgreSQL's sequences must be moved past them.
    async fn advance_sequences(&self) -> Result<(), ImportError> {
        if self.txn.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for table in TABLES.into_iter().chain(["training_listing"]) {
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

async fn select_ids<E: EntityTrait>(
    txn: &DatabaseTransaction,
    column: E::Column,
    external_ids: &[String],
) -> Result<Vec<(i64, String)>, ImportError>
where
    E::Column: ColumnTrait,
{
    use std::str::FromStr;
    let id_column = E::Column::from_str("id")
        .map_err(|_| AppError::internal(anyhow::anyhow!("no id column")))?;
    Ok(E::find()
        .select_only()
        .column(id_column)
        .column(column)
        .filter(column.is_in(external_ids.iter().cloned()))
        .into_tuple::<(i64, String)>()
        .all(txn)
        .await?)
}

async fn select_keys<E: EntityTrait>(
    txn: &DatabaseTransaction,
    column: E::Column,
    keys: &[String],
) -> Result<Vec<String>, ImportError> {
    Ok(E::find()
        .select_only()
        .column(column)
        .filter(column.is_in(keys.iter().cloned()))
        .into_tuple::<String>()
        .all(txn)
        .await?)
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
