//! The write pass: one transaction, ids assigned here, references and unique keys resolved
//! against the outline and the directory, rows written in batches with their change-log and
//! audit entries.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{
    audit, audit_policy, auditor, authorised_channel, authorised_contact, certification, certification_body,
    commitment, commitment_corridor, commitment_sector, licence, licensing_authority, organisation,
    organisation_identifier, principle, recruiter, recruiter_corridor, recruiter_identifier, recruiter_language,
    recruiter_partner, recruiter_sector, status_change, support_service, support_service_channel,
    support_service_corridor, support_service_country, support_service_language, trademark_domain, trademark_right,
    training_listing, training_listing_language, training_provider, training_provider_country,
    training_provider_language,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, Iterable,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::{Errors, ImportError, ImportSummary, Mode, Outline, Source, record_type, validate::KeyKind};
use crate::service::{
    contact,
    records::{self, AuditRefs},
    trust,
};
use crate::{
    changes::{self, Actor, Change},
    error::AppError,
    interchange::*,
    progress::ProgressBar,
    vocab::{ApprovalStatus, normalise_key},
};

/// The database ids of the records written, in input order, with the operation done.
#[derive(Debug, Default)]
pub struct WriteOutcome {
    pub summary: ImportSummary,
    pub written: Vec<(&'static str, i64, &'static str)>,
}

/// A record already in the directory.
#[derive(Debug, Clone, Copy)]
pub(super) struct Existing {
    pub(super) id: i64,
    pub(super) version: i32,
}

pub(super) type Key = (&'static str, String);

/// The write pass: assigns ids, resolves references, checks uniqueness, writes batches.
pub(super) struct Writer<'a> {
    pub(super) txn: &'a DatabaseTransaction,
    pub(super) mode: Mode,
    pub(super) next_ids: HashMap<&'static str, i64>,
    /// Every external id known so far: in the database or earlier in the input.
    pub(super) resolved: HashMap<Key, i64>,
    /// Records of the input that already exist, and their content hashes.
    pub(super) existing: HashMap<Key, (Existing, Option<String>)>,
    /// Recorded history of existing certifications, which an update may only extend.
    pub(super) histories: HashMap<i64, Vec<status_change::Model>>,
    /// The chain of trust as it stands (a few hundred rows at most, read whole), updated as
    /// the input defines more: certifications and audits are checked against it.
    pub(super) bodies: HashMap<i64, BodyFacts>,
    pub(super) authorities: HashMap<i64, (String, String)>,
    pub(super) auditors: HashMap<i64, (i64, Vec<StatusChangeRecord>)>,
    pub(super) policies: Vec<audit_policy::Model>,
    /// Certifications whose next audit may have moved: recomputed once everything is written.
    pub(super) due_touched: Vec<i64>,
    /// Bodies whose approval status this write changes: their certificates' watchers are told.
    pub(super) standing_moved: Vec<i64>,
    pub(super) errors: Errors,
}

/// What a certification or an audit is checked against of its body.
#[derive(Clone)]
pub(super) struct BodyFacts {
    pub(super) name: String,
    pub(super) history: Vec<StatusChangeRecord>,
}

/// Rows waiting to be written, in foreign-key order.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) recruiters: Vec<recruiter::ActiveModel>,
    pub(super) recruiter_identifiers: Vec<recruiter_identifier::ActiveModel>,
    pub(super) languages: Vec<recruiter_language::ActiveModel>,
    pub(super) sectors: Vec<recruiter_sector::ActiveModel>,
    pub(super) corridors: Vec<recruiter_corridor::ActiveModel>,
    pub(super) licences: Vec<licence::ActiveModel>,
    pub(super) partners: Vec<recruiter_partner::ActiveModel>,
    pub(super) certifications: Vec<certification::ActiveModel>,
    pub(super) history: Vec<status_change::ActiveModel>,
    pub(super) rights: Vec<trademark_right::ActiveModel>,
    pub(super) domains: Vec<trademark_domain::ActiveModel>,
    pub(super) organisations: Vec<organisation::ActiveModel>,
    pub(super) organisation_identifiers: Vec<organisation_identifier::ActiveModel>,
    pub(super) commitments: Vec<commitment::ActiveModel>,
    pub(super) commitment_corridors: Vec<commitment_corridor::ActiveModel>,
    pub(super) commitment_sectors: Vec<commitment_sector::ActiveModel>,
    pub(super) providers: Vec<training_provider::ActiveModel>,
    pub(super) provider_countries: Vec<training_provider_country::ActiveModel>,
    pub(super) provider_languages: Vec<training_provider_language::ActiveModel>,
    pub(super) listings: Vec<training_listing::ActiveModel>,
    pub(super) listing_languages: Vec<training_listing_language::ActiveModel>,
    pub(super) authorities: Vec<licensing_authority::ActiveModel>,
    pub(super) bodies: Vec<certification_body::ActiveModel>,
    pub(super) auditors: Vec<auditor::ActiveModel>,
    pub(super) principles: Vec<principle::ActiveModel>,
    pub(super) audits: Vec<audit::ActiveModel>,
    pub(super) services: Vec<support_service::ActiveModel>,
    pub(super) service_countries: Vec<support_service_country::ActiveModel>,
    pub(super) service_corridors: Vec<support_service_corridor::ActiveModel>,
    pub(super) service_languages: Vec<support_service_language::ActiveModel>,
    pub(super) service_channels: Vec<support_service_channel::ActiveModel>,
    pub(super) channels: Vec<authorised_channel::ActiveModel>,
    pub(super) contacts: Vec<authorised_contact::ActiveModel>,
    /// Existing records being replaced: their children are deleted before the inserts.
    pub(super) updated: HashMap<&'static str, Vec<i64>>,
    /// `(line, recruiter id, partner's external id)`, resolved after every line is read.
    pub(super) pending_partners: Vec<(usize, i64, String)>,
}

pub(super) const TABLES: [&str; 16] = [
    "licensing_authority",
    "certification_body",
    "auditor",
    "principle",
    "audit",
    "recruiter",
    "licence",
    "certification",
    "status_change",
    "trademark_right",
    "organisation",
    "commitment",
    "training_provider",
    "training_listing",
    "support_service",
    "authorised_channel",
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
    pub(super) async fn new(txn: &'a DatabaseTransaction, mode: Mode) -> Result<Self, ImportError> {
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
        let mut bodies = HashMap::new();
        for body in certification_body::Entity::find().all(txn).await? {
            let history = trust::stored_history(&body.status_history, "certification_body.status_history")?;
            bodies.insert(
                body.id,
                BodyFacts {
                    name: body.name,
                    history,
                },
            );
        }
        let authorities = licensing_authority::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|authority| (authority.id, (authority.name, authority.country)))
            .collect();
        let mut auditors = HashMap::new();
        for auditor in auditor::Entity::find().all(txn).await? {
            let history = trust::stored_history(&auditor.status_history, "auditor.status_history")?;
            auditors.insert(auditor.id, (auditor.body_id, history));
        }
        Ok(Self {
            txn,
            mode,
            next_ids,
            resolved: HashMap::new(),
            existing: HashMap::new(),
            histories: HashMap::new(),
            bodies,
            authorities,
            auditors,
            policies: audit_policy::Entity::find().all(txn).await?,
            due_touched: Vec::new(),
            standing_moved: Vec::new(),
            errors: Errors::default(),
        })
    }

    pub(super) fn next_id(&mut self, table: &'static str) -> i64 {
        let next = self.next_ids.entry(table).or_insert(1);
        let id = *next;
        *next += 1;
        id
    }

    pub(super) async fn write(
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
            self.due_touched.sort_unstable();
            self.due_touched.dedup();
            trust::refresh_audit_due(self.txn, &self.due_touched).await?;
            // A body's approval moved: each of its live certificates gets a change-log entry,
            // so subscribers, caches and other servers hear that `bodyInGoodStanding` changed.
            if !self.standing_moved.is_empty() {
                let certifications: Vec<i64> = certification::Entity::find()
                    .select_only()
                    .column(certification::Column::Id)
                    .filter(certification::Column::BodyId.is_in(self.standing_moved.iter().copied()))
                    .filter(certification::Column::ArchivedAt.is_null())
                    .into_tuple()
                    .all(self.txn)
                    .await?;
                let changes = certifications
                    .into_iter()
                    .map(|id| Change {
                        entity_type: "certification",
                        entity_id: id,
                        operation: "body_standing",
                        before: None,
                        after: None,
                    })
                    .collect();
                changes::record_part(self.txn, actor, now, changes, &mut logged).await?;
            }
            self.advance_sequences().await?;
        }
        Ok(outcome)
    }

    /// Adds one record to the batch; the change to log, or `None` when it is unchanged.
    pub(super) fn record(
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
            Record::LicensingAuthority(record) => self.authority(record, existing, hash, now, batch),
            Record::CertificationBody(record) => self.body(line, record, existing, hash, now, batch),
            Record::Auditor(record) => self.auditor(line, record, existing, hash, now, batch),
            Record::Principle(record) => {
                let id = self.id_for("principle", existing);
                batch
                    .principles
                    .push(record_columns!(records::principle_row(record, id), existing, hash, now));
                id
            }
            Record::Audit(record) => self.audit(line, record, existing, hash, now, batch),
            Record::SupportService(record) => self.support_service(record, existing, hash, now, batch),
            Record::AuthorisedChannel(record) => self.authorised_channel(line, record, existing, hash, now, batch),
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
    pub(super) async fn row_images(
        &self,
        rows: &[(&'static str, i64)],
    ) -> Result<HashMap<(&'static str, i64), String>, ImportError> {
        let mut images = HashMap::new();
        for kind in crate::service::export::PUBLIC_TABLES {
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
                    "licensing_authority" => {
                        row_json::<licensing_authority::Entity>(
                            self.txn,
                            licensing_authority::Column::Id,
                            chunk,
                            |row| row.id,
                        )
                        .await?
                    }
                    "certification_body" => {
                        row_json::<certification_body::Entity>(self.txn, certification_body::Column::Id, chunk, |row| {
                            row.id
                        })
                        .await?
                    }
                    "auditor" => {
                        row_json::<auditor::Entity>(self.txn, auditor::Column::Id, chunk, |row| row.id).await?
                    }
                    "principle" => {
                        row_json::<principle::Entity>(self.txn, principle::Column::Id, chunk, |row| row.id).await?
                    }
                    "audit" => row_json::<audit::Entity>(self.txn, audit::Column::Id, chunk, |row| row.id).await?,
                    "support_service" => {
                        row_json::<support_service::Entity>(self.txn, support_service::Column::Id, chunk, |row| row.id)
                            .await?
                    }
                    "authorised_channel" => {
                        row_json::<authorised_channel::Entity>(self.txn, authorised_channel::Column::Id, chunk, |row| {
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
    pub(super) async fn preload(&mut self, outline: &Outline) -> Result<(), ImportError> {
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
                    "licensing_authority" => select_existing::<licensing_authority::Entity>(self.txn, chunk).await?,
                    "certification_body" => select_existing::<certification_body::Entity>(self.txn, chunk).await?,
                    "auditor" => select_existing::<auditor::Entity>(self.txn, chunk).await?,
                    "principle" => select_existing::<principle::Entity>(self.txn, chunk).await?,
                    "audit" => select_existing::<audit::Entity>(self.txn, chunk).await?,
                    "support_service" => select_existing::<support_service::Entity>(self.txn, chunk).await?,
                    "authorised_channel" => select_existing::<authorised_channel::Entity>(self.txn, chunk).await?,
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
    pub(super) async fn check_unique_keys(&mut self, outline: &Outline) -> Result<(), ImportError> {
        let mut seen: HashMap<(KeyKind, &str), usize> = HashMap::new();
        let keys = &outline.keys;
        for key in keys {
            if let Some(first) = seen.insert((key.kind, key.normalised.as_str()), key.line) {
                self.errors.push(
                    key.line,
                    format!("{} `{}` is already used on line {first}", key.kind.label(), key.shown),
                );
            }
        }
        // Where each key appears in the input, so a large re-import stays linear.
        let mut by_key: HashMap<(KeyKind, &str), Vec<usize>> = HashMap::new();
        for (position, entry) in keys.iter().enumerate() {
            by_key
                .entry((entry.kind, entry.normalised.as_str()))
                .or_default()
                .push(position);
        }
        for kind in KeyKind::ALL {
            let of_kind: Vec<String> = keys
                .iter()
                .filter(|entry| entry.kind == kind)
                .map(|entry| entry.normalised.clone())
                .collect();
            for chunk in of_kind.chunks(500) {
                let taken = self.taken_keys(kind, chunk).await?;
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
                                format!("{} `{}` is already used in the directory", kind.label(), key.shown),
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The keys of `chunk` of this kind that the directory already holds, with their holder's
    /// id (the record's own id, or its recruiter's for a licence).
    async fn taken_keys(&self, kind: KeyKind, chunk: &[String]) -> Result<Vec<(String, i64)>, ImportError> {
        let txn = self.txn;
        Ok(match kind {
            KeyKind::Slug => {
                select_keys::<recruiter::Entity>(txn, recruiter::Column::SlugKey, recruiter::Column::Id, chunk).await?
            }
            KeyKind::LicenceNumber => {
                select_keys::<licence::Entity>(txn, licence::Column::NumberKey, licence::Column::RecruiterId, chunk)
                    .await?
            }
            KeyKind::CertificateNumber => {
                select_keys::<certification::Entity>(
                    txn,
                    certification::Column::NumberKey,
                    certification::Column::Id,
                    chunk,
                )
                .await?
            }
            KeyKind::TrademarkLicenceNumber => {
                select_keys::<trademark_right::Entity>(
                    txn,
                    trademark_right::Column::NumberKey,
                    trademark_right::Column::Id,
                    chunk,
                )
                .await?
            }
            KeyKind::RecruiterIdentifier => {
                select_keys::<recruiter_identifier::Entity>(
                    txn,
                    recruiter_identifier::Column::IdentifierKey,
                    recruiter_identifier::Column::RecruiterId,
                    chunk,
                )
                .await?
            }
            KeyKind::OrganisationIdentifier => {
                select_keys::<organisation_identifier::Entity>(
                    txn,
                    organisation_identifier::Column::IdentifierKey,
                    organisation_identifier::Column::OrganisationId,
                    chunk,
                )
                .await?
            }
            KeyKind::BodyName => {
                select_keys::<certification_body::Entity>(
                    txn,
                    certification_body::Column::NameKey,
                    certification_body::Column::Id,
                    chunk,
                )
                .await?
            }
        })
    }

    pub(super) fn reference(&mut self, line: usize, kind: &'static str, external_id: &str) -> i64 {
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

    pub(super) fn id_for(&mut self, table: &'static str, existing: Option<Existing>) -> i64 {
        match existing {
            Some(existing) => existing.id,
            None => self.next_id(table),
        }
    }

    pub(super) fn recruiter(
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
        batch
            .recruiters
            .push(record_columns!(records::recruiter_row(record, id), existing, hash, now));
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
            let authority_id = licence.authority.as_deref().map(|authority| {
                let authority_id = self.reference(line, "licensing_authority", authority);
                if let Some((name, country)) = self.authorities.get(&authority_id)
                    && (*name != licence.issuing_authority || *country != licence.country)
                {
                    self.errors.push(
                        line,
                        format!(
                            "licence {}: issuing_authority and country must be `{name}` and {country}, those of authority `{authority}`",
                            licence.licence_number
                        ),
                    );
                }
                authority_id
            });
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
                authority_id: Set(authority_id),
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
    pub(super) fn certification(
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
        let body_id = record
            .body
            .as_deref()
            .map(|body| self.reference(line, "certification_body", body));
        let body = body_id.and_then(|body_id| self.bodies.get(&body_id).cloned());
        if let (Some(body), Some(named)) = (&body, &record.certification_body)
            && body.name != *named
        {
            self.errors.push(
                line,
                format!(
                    "certification_body is `{named}` but body `{}` is named `{}`",
                    record.body.as_deref().unwrap_or_default(),
                    body.name
                ),
            );
        }
        let id = self.id_for("certification", existing);
        let mut row = records::certification_row(record, id, recruiter_id, body_id);
        if existing.is_some() {
            self.due_touched.push(id);
        } else {
            // A new certification has no audits yet, unless later lines add them (which
            // touch it again).
            let history: Vec<status_change::Model> = record
                .status_history
                .iter()
                .map(|change| status_change::Model {
                    id: 0,
                    certification_id: id,
                    from_status: change.from.clone(),
                    to_status: change.to.clone(),
                    at: change.at,
                    reason: change.reason.clone(),
                    recorded_by: change.recorded_by.clone(),
                    complaint_cases: crate::db::to_json_text(&change.complaint_cases),
                })
                .collect();
            let policy = crate::service::certification::policy_for(&self.policies, &record.scheme);
            row.audit_due_on = Set(trust::next_due(&history, policy, &[], record.expires_on));
        }
        batch.certifications.push(record_columns!(row, existing, hash, now));
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
            // While a body is not approved its decisions are refused, and nothing of it is
            // certified, recertified or reinstated.
            if let Some(body) = &body {
                let by_body = change.recorded_by == body.name;
                let standing = trust::approval_status_at(&body.history, change.at);
                if (by_body || change.to == "certified") && standing != Some(ApprovalStatus::Approved) {
                    self.errors.push_conflict(
                        line,
                        format!(
                            "status_history: the move to {} at {} was made while {} was {}: a body's decisions count only while it is approved",
                            change.to,
                            change.at.to_rfc3339(),
                            body.name,
                            standing.map_or("not yet an applicant", ApprovalStatus::as_str)
                        ),
                    );
                }
            }
            let change_id = self.next_id("status_change");
            batch.history.push(status_change::ActiveModel {
                id: Set(change_id),
                certification_id: Set(id),
                from_status: Set(change.from.clone()),
                to_status: Set(change.to.clone()),
                at: Set(change.at),
                reason: Set(change.reason.clone()),
                recorded_by: Set(change.recorded_by.clone()),
                complaint_cases: Set(crate::db::to_json_text(&change.complaint_cases)),
            });
        }
        id
    }

    pub(super) fn trademark_right(
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
            records::trademark_right_row(record, id, recruiter_id),
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

    pub(super) fn organisation(
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
            records::organisation_row(record, id),
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

    pub(super) fn commitment(
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
            records::commitment_row(record, id, organisation_id),
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

    pub(super) fn provider(
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
            records::training_provider_row(record, id),
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

    pub(super) fn listing(
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
            records::training_listing_row(record, id, provider_id),
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

    pub(super) fn support_service(
        &mut self,
        record: &SupportServiceRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let id = self.id_for("support_service", existing);
        batch.services.push(record_columns!(
            records::support_service_row(record, id),
            existing,
            hash,
            now
        ));
        for country in &record.countries {
            batch.service_countries.push(support_service_country::ActiveModel {
                service_id: Set(id),
                country: Set(country.clone()),
            });
        }
        for corridor in &record.corridors {
            batch.service_corridors.push(support_service_corridor::ActiveModel {
                service_id: Set(id),
                origin: Set(corridor.origin.clone()),
                destination: Set(corridor.destination.clone()),
            });
        }
        for language in &record.languages {
            batch.service_languages.push(support_service_language::ActiveModel {
                service_id: Set(id),
                language: Set(language.clone()),
            });
        }
        let kinds: std::collections::BTreeSet<&String> = record.channels.iter().map(|channel| &channel.kind).collect();
        for kind in kinds {
            batch.service_channels.push(support_service_channel::ActiveModel {
                service_id: Set(id),
                kind: Set(kind.clone()),
            });
        }
        id
    }

    pub(super) fn authorised_channel(
        &mut self,
        line: usize,
        record: &AuthorisedChannelRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        use sea_orm::ActiveValue::Set;
        let recruiter_id = self.reference(line, "recruiter", &record.recruiter);
        let id = self.id_for("authorised_channel", existing);
        batch.channels.push(record_columns!(
            records::authorised_channel_row(record, id, recruiter_id),
            existing,
            hash,
            now
        ));
        // Validation has normalised every contact already; a failure here cannot happen.
        let keys = contact::channel_keys(
            &record.country,
            &record.phones,
            &record.web_addresses,
            &record.agent_numbers,
        )
        .unwrap_or_default();
        for (kind, key) in keys {
            batch.contacts.push(authorised_contact::ActiveModel {
                channel_id: Set(id),
                kind: Set(kind.as_str().to_owned()),
                contact_key: Set(key),
            });
        }
        id
    }

    pub(super) fn authority(
        &mut self,
        record: &LicensingAuthorityRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        let id = self.id_for("licensing_authority", existing);
        batch
            .authorities
            .push(record_columns!(records::authority_row(record, id), existing, hash, now));
        self.authorities
            .insert(id, (record.name.clone(), record.country.clone()));
        id
    }

    /// An approval history is public and kept forever: an update may only add entries.
    fn history_only_grows(&mut self, line: usize, stored: &[StatusChangeRecord], incoming: &[StatusChangeRecord]) {
        for (position, kept) in stored.iter().enumerate() {
            if incoming.get(position) != Some(kept) {
                self.errors.push_conflict(
                    line,
                    format!(
                        "status_history entry {} differs from the recorded one: the history can only grow",
                        position + 1
                    ),
                );
                return;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn body(
        &mut self,
        line: usize,
        record: &CertificationBodyRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        let id = self.id_for("certification_body", existing);
        if existing.is_some()
            && let Some(stored) = self.bodies.get(&id)
        {
            self.history_only_grows(line, &stored.history.clone(), &record.status_history);
        }
        let before = self
            .bodies
            .get(&id)
            .and_then(|body| body.history.last())
            .map(|change| change.to.clone());
        if existing.is_some() && before.as_deref() != Some(record.status.as_str()) {
            self.standing_moved.push(id);
        }
        batch
            .bodies
            .push(record_columns!(records::body_row(record, id), existing, hash, now));
        self.bodies.insert(
            id,
            BodyFacts {
                name: record.name.clone(),
                history: record.status_history.clone(),
            },
        );
        id
    }

    pub(super) fn auditor(
        &mut self,
        line: usize,
        record: &AuditorRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        let body_id = self.reference(line, "certification_body", &record.body);
        let id = self.id_for("auditor", existing);
        if existing.is_some()
            && let Some((_, stored)) = self.auditors.get(&id)
        {
            self.history_only_grows(line, &stored.clone(), &record.status_history);
        }
        batch.auditors.push(record_columns!(
            records::auditor_row(record, id, body_id),
            existing,
            hash,
            now
        ));
        self.auditors.insert(id, (body_id, record.status_history.clone()));
        id
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn audit(
        &mut self,
        line: usize,
        record: &AuditRecord,
        existing: Option<Existing>,
        hash: String,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) -> i64 {
        let certification_id = self.reference(line, "certification", &record.certification);
        let body_id = record
            .body
            .as_deref()
            .map(|body| self.reference(line, "certification_body", body));
        let lead_auditor_id = record
            .lead_auditor
            .as_deref()
            .map(|auditor| self.reference(line, "auditor", auditor));
        for finding in &record.findings {
            self.reference(line, "principle", &finding.principle);
        }
        if let Some(auditor_id) = lead_auditor_id
            && let Some((auditor_body, history)) = self.auditors.get(&auditor_id)
        {
            if body_id.is_some_and(|body_id| body_id != *auditor_body) {
                self.errors.push(
                    line,
                    format!(
                        "lead_auditor `{}` audits for another body than `{}`",
                        record.lead_auditor.as_deref().unwrap_or_default(),
                        record.body.as_deref().unwrap_or_default()
                    ),
                );
            }
            let start = record.started_on.and_hms_opt(23, 59, 59).map(|time| time.and_utc());
            let standing = start.and_then(|start| trust::approval_status_at(history, start));
            if standing != Some(ApprovalStatus::Approved) {
                self.errors.push_conflict(
                    line,
                    format!(
                        "lead_auditor `{}` was not approved on {}: only approved auditors lead audits",
                        record.lead_auditor.as_deref().unwrap_or_default(),
                        record.started_on
                    ),
                );
            }
        }
        let id = self.id_for("audit", existing);
        let refs = AuditRefs {
            certification_id,
            body_id,
            lead_auditor_id,
        };
        batch.audits.push(record_columns!(
            records::audit_row(record, id, refs),
            existing,
            hash,
            now
        ));
        self.due_touched.push(certification_id);
        id
    }

    pub(super) async fn flush(&self, mut batch: Batch) -> Result<(), ImportError> {
        let updated = std::mem::take(&mut batch.updated);
        let updated_of = |kind: &str| updated.get(kind).cloned().unwrap_or_default();
        // Replaced records lose their dependent rows; the batch holds their new ones.
        let txn = self.txn;
        for ids in updated_of("recruiter").chunks(500) {
            delete_owned::<recruiter_identifier::Entity>(txn, recruiter_identifier::Column::RecruiterId, ids).await?;
            delete_owned::<recruiter_language::Entity>(txn, recruiter_language::Column::RecruiterId, ids).await?;
            delete_owned::<recruiter_sector::Entity>(txn, recruiter_sector::Column::RecruiterId, ids).await?;
            delete_owned::<recruiter_corridor::Entity>(txn, recruiter_corridor::Column::RecruiterId, ids).await?;
            delete_owned::<licence::Entity>(txn, licence::Column::RecruiterId, ids).await?;
            delete_owned::<recruiter_partner::Entity>(txn, recruiter_partner::Column::RecruiterId, ids).await?;
        }
        for ids in updated_of("organisation").chunks(500) {
            delete_owned::<organisation_identifier::Entity>(txn, organisation_identifier::Column::OrganisationId, ids)
                .await?;
        }
        for ids in updated_of("trademark_right").chunks(500) {
            delete_owned::<trademark_domain::Entity>(txn, trademark_domain::Column::RightId, ids).await?;
        }
        for ids in updated_of("commitment").chunks(500) {
            delete_owned::<commitment_corridor::Entity>(txn, commitment_corridor::Column::CommitmentId, ids).await?;
            delete_owned::<commitment_sector::Entity>(txn, commitment_sector::Column::CommitmentId, ids).await?;
        }
        for ids in updated_of("training_provider").chunks(500) {
            delete_owned::<training_provider_country::Entity>(txn, training_provider_country::Column::ProviderId, ids)
                .await?;
            delete_owned::<training_provider_language::Entity>(
                txn,
                training_provider_language::Column::ProviderId,
                ids,
            )
            .await?;
        }
        for ids in updated_of("training_listing").chunks(500) {
            delete_owned::<training_listing_language::Entity>(txn, training_listing_language::Column::ListingId, ids)
                .await?;
        }
        for ids in updated_of("support_service").chunks(500) {
            delete_owned::<support_service_country::Entity>(txn, support_service_country::Column::ServiceId, ids)
                .await?;
            delete_owned::<support_service_corridor::Entity>(txn, support_service_corridor::Column::ServiceId, ids)
                .await?;
            delete_owned::<support_service_language::Entity>(txn, support_service_language::Column::ServiceId, ids)
                .await?;
            delete_owned::<support_service_channel::Entity>(txn, support_service_channel::Column::ServiceId, ids)
                .await?;
        }
        for ids in updated_of("authorised_channel").chunks(500) {
            delete_owned::<authorised_contact::Entity>(txn, authorised_contact::Column::ChannelId, ids).await?;
        }
        upsert_all(self.txn, batch.authorities, &updated_of("licensing_authority"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        upsert_all(self.txn, batch.bodies, &updated_of("certification_body"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        upsert_all(self.txn, batch.auditors, &updated_of("auditor"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        upsert_all(self.txn, batch.principles, &updated_of("principle"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
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
        upsert_all(self.txn, batch.audits, &updated_of("audit"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
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
        upsert_all(self.txn, batch.services, &updated_of("support_service"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.service_countries).await?;
        insert_all(self.txn, batch.service_corridors).await?;
        insert_all(self.txn, batch.service_languages).await?;
        insert_all(self.txn, batch.service_channels).await?;
        upsert_all(self.txn, batch.channels, &updated_of("authorised_channel"), |row| {
            row.id.clone().unwrap()
        })
        .await?;
        insert_all(self.txn, batch.contacts).await?;
        Ok(())
    }

    /// Ids were assigned here, so PostgreSQL's sequences must be moved past them.
    pub(super) async fn advance_sequences(&self) -> Result<(), ImportError> {
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

pub(super) fn summary_count<'s>(summary: &'s mut ImportSummary, record: &Record) -> &'s mut usize {
    match record {
        Record::Recruiter(_) => &mut summary.recruiters,
        Record::Certification(_) => &mut summary.certifications,
        Record::TrademarkRight(_) => &mut summary.trademark_rights,
        Record::Organisation(_) => &mut summary.organisations,
        Record::Commitment(_) => &mut summary.commitments,
        Record::TrainingProvider(_) => &mut summary.training_providers,
        Record::TrainingListing(_) => &mut summary.training_listings,
        Record::LicensingAuthority(_) => &mut summary.licensing_authorities,
        Record::CertificationBody(_) => &mut summary.certification_bodies,
        Record::Auditor(_) => &mut summary.auditors,
        Record::Principle(_) => &mut summary.principles,
        Record::Audit(_) => &mut summary.audits,
        Record::SupportService(_) => &mut summary.support_services,
        Record::AuthorisedChannel(_) => &mut summary.authorised_channels,
    }
}

/// `(id, external_id, version, content_hash)` of the records with these external ids.
pub(super) async fn select_existing<E: EntityTrait>(
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

/// Deletes the rows of `E` whose `owner` column is one of `ids` (the dependent rows of
/// records being replaced).
async fn delete_owned<E: EntityTrait>(
    txn: &DatabaseTransaction,
    owner: E::Column,
    ids: &[i64],
) -> Result<(), ImportError> {
    E::delete_many()
        .filter(owner.is_in(ids.iter().copied()))
        .exec(txn)
        .await?;
    Ok(())
}

/// `(key, owner id)` of identifiers already taken.
pub(super) async fn select_keys<E: EntityTrait>(
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

pub(super) async fn row_json<E>(
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
pub(super) async fn upsert_all<A>(
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
pub(super) async fn insert_all<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<(), ImportError>
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
        Record::LicensingAuthority(_) => select_existing::<licensing_authority::Entity>(txn, &external_ids).await,
        Record::CertificationBody(_) => select_existing::<certification_body::Entity>(txn, &external_ids).await,
        Record::Auditor(_) => select_existing::<auditor::Entity>(txn, &external_ids).await,
        Record::Principle(_) => select_existing::<principle::Entity>(txn, &external_ids).await,
        Record::Audit(_) => select_existing::<audit::Entity>(txn, &external_ids).await,
        Record::SupportService(_) => select_existing::<support_service::Entity>(txn, &external_ids).await,
        Record::AuthorisedChannel(_) => select_existing::<authorised_channel::Entity>(txn, &external_ids).await,
    };
    match found {
        Ok(rows) => Ok(rows.first().map(|(id, _, version, _)| (*id, *version))),
        Err(ImportError::Failed(error)) => Err(error),
        Err(ImportError::Invalid { .. }) => Err(AppError::internal(anyhow::anyhow!("lookup failed"))),
    }
}
