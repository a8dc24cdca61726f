//! The private ledger's own JSON Lines: complaints and misuse reports, for an operator moving
//! them between deployments or loading a case system's history (`directory export-ledger`,
//! `directory import-ledger`).
//!
//! They are not in the open-data format on purpose: that format is public, mirrored and
//! downloaded by anyone, and a complaint shown one by one would defeat the rule that only
//! counts of at least three are public; a report is private until confirmed. The ledger file is
//! as sensitive as the database and is handled like a backup.
//!
//! The same rules as the API hold on import: vocabularies, a stage history that follows the
//! order of stages, an outcome only on a resolved complaint, a reference kept only as its hash,
//! a recruiter that exists; all or nothing, naming every bad line; each record written lands in
//! the change log and the audit trail. Re-importing an export changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{complaint, misuse_report, recruiter};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::complaint::StageChange;
use crate::{
    changes::{self, Actor, Change},
    error::{AppError, AppResult},
    vocab::{self, ComplaintCategory, ComplaintOutcome, ComplaintStage, MisuseKind, MisuseStatus, Remedy},
};

/// One line of a ledger file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LedgerRecord {
    Complaint(ComplaintLine),
    MisuseReport(MisuseReportLine),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintLine {
    /// The public case number; a complaint is updated by it.
    pub case_number: String,
    /// SHA-256 (hex) of the worker's tracking reference: the reference itself is never stored.
    pub reference_hash: String,
    /// External id of the recruiter.
    pub recruiter: String,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub categories: Vec<String>,
    pub received_on: NaiveDate,
    pub stage: String,
    pub stage_history: Vec<StageChange>,
    pub outcome: Option<String>,
    pub remedy: Option<String>,
    /// The intake partner (token subject) that recorded it.
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MisuseReportLine {
    pub kind: String,
    pub value: String,
    /// External id of the recruiter misused, if known.
    pub recruiter: Option<String>,
    pub details: Option<String>,
    pub status: String,
    pub public_note: Option<String>,
    /// With `kind` and `value`, what identifies a report across deployments.
    pub reported_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The whole ledger: complaints by case number, then reports by the time they came in.
pub async fn export(db: &impl ConnectionTrait) -> AppResult<Vec<LedgerRecord>> {
    let recruiters: HashMap<i64, String> = recruiter::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let name = |id: i64| -> AppResult<String> {
        recruiters
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("recruiter {id} of the ledger is missing")))
    };
    let mut out = Vec::new();
    for row in complaint::Entity::find()
        .order_by_asc(complaint::Column::CaseNumber)
        .all(db)
        .await?
    {
        out.push(LedgerRecord::Complaint(ComplaintLine {
            stage_history: super::complaint::stage_history(&row),
            categories: crate::db::json_list(&row.categories),
            recruiter: name(row.recruiter_id)?,
            case_number: row.case_number,
            reference_hash: row.reference_hash,
            origin: row.origin,
            destination: row.destination,
            received_on: row.received_on,
            stage: row.stage,
            outcome: row.outcome,
            remedy: row.remedy,
            recorded_by: row.recorded_by,
        }));
    }
    for row in misuse_report::Entity::find()
        .order_by_asc(misuse_report::Column::ReportedAt)
        .order_by_asc(misuse_report::Column::Id)
        .all(db)
        .await?
    {
        out.push(LedgerRecord::MisuseReport(MisuseReportLine {
            recruiter: row.recruiter_id.map(name).transpose()?,
            kind: row.kind,
            value: row.value,
            details: row.details,
            status: row.status,
            public_note: row.public_note,
            reported_at: row.reported_at,
            decided_at: row.decided_at,
        }));
    }
    Ok(out)
}

/// What an import wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LedgerSummary {
    pub complaints: usize,
    pub misuse_reports: usize,
    pub unchanged: usize,
}

/// The rules a complaint line obeys on its own.
fn check_complaint(line: &ComplaintLine, today: NaiveDate) -> Vec<String> {
    let mut errors = Vec::new();
    let mut run = |result: Result<(), String>| {
        if let Err(error) = result {
            errors.push(error);
        }
    };
    run(vocab::check_not_blank(&line.case_number, "case_number"));
    run(vocab::check_not_blank(&line.recorded_by, "recorded_by"));
    if line.reference_hash.len() != 64
        || !line
            .reference_hash
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
    {
        run(Err(
            "reference_hash must be the 64 lower-case hex digits of a SHA-256".to_owned()
        ));
    }
    match (&line.origin, &line.destination) {
        (Some(origin), Some(destination)) => {
            run(vocab::check_country(origin));
            run(vocab::check_country(destination));
            if origin == destination {
                run(Err("origin and destination must differ".to_owned()));
            }
        }
        (None, None) => {}
        _ => run(Err("give both origin and destination, or neither".to_owned())),
    }
    if line.categories.is_empty() {
        run(Err("categories must name at least one category".to_owned()));
    }
    for category in &line.categories {
        run(vocab::check_vocab(
            category,
            "complaint category",
            ComplaintCategory::VALUES,
        ));
    }
    if line.received_on > today {
        run(Err(format!("received_on ({}) is in the future", line.received_on)));
    }
    run(vocab::check_vocab(
        &line.stage,
        "complaint stage",
        ComplaintStage::VALUES,
    ));
    run(super::complaint::check_history(&line.stage_history, &line.stage));
    let resolved = line.stage_history.iter().any(|change| change.to == "resolved");
    match (&line.outcome, resolved) {
        (Some(outcome), true) => run(vocab::check_vocab(
            outcome,
            "complaint outcome",
            ComplaintOutcome::VALUES,
        )),
        (None, true) => run(Err("a resolved complaint needs an outcome".to_owned())),
        (Some(_), false) => run(Err("only a resolved complaint has an outcome".to_owned())),
        (None, false) => {}
    }
    match (&line.remedy, line.outcome.as_deref()) {
        (Some(remedy), Some("remediated")) => run(vocab::check_vocab(remedy, "remedy", Remedy::VALUES)),
        (None, Some("remediated")) => run(Err("a remediated complaint needs a remedy".to_owned())),
        (Some(_), _) => run(Err("a remedy goes only with the outcome `remediated`".to_owned())),
        (None, _) => {}
    }
    errors
}

/// The rules a misuse report line obeys on its own; its compared key when they hold.
fn check_report(line: &MisuseReportLine) -> Result<String, Vec<String>> {
    let mut errors = Vec::new();
    let kind = MisuseKind::parse(&line.kind);
    if kind.is_none() {
        errors.extend(vocab::check_vocab(&line.kind, "misuse report kind", MisuseKind::VALUES).err());
    }
    let status = MisuseStatus::parse(&line.status);
    if status.is_none() {
        errors.extend(vocab::check_vocab(&line.status, "misuse report status", MisuseStatus::VALUES).err());
    }
    match (status, line.decided_at) {
        (Some(MisuseStatus::Received), Some(_)) => errors.push("a received report has no decided_at".to_owned()),
        (Some(MisuseStatus::Confirmed | MisuseStatus::Rejected), None) => {
            errors.push("a decided report needs decided_at".to_owned());
        }
        (_, Some(decided)) if decided < line.reported_at => errors.push("decided_at is before reported_at".to_owned()),
        _ => {}
    }
    if line
        .details
        .as_ref()
        .is_some_and(|details| details.chars().count() > super::misuse::MAX_DETAILS_CHARS)
    {
        errors.push(format!(
            "details is longer than {} characters",
            super::misuse::MAX_DETAILS_CHARS
        ));
    }
    if let Some(note) = &line.public_note {
        errors.extend(super::trust::check_identifies_nobody(note, "public_note").err());
    }
    let key = kind.map(|kind| super::misuse::value_key(kind, &line.value));
    match key {
        Some(Ok(key)) if errors.is_empty() => Ok(key),
        Some(Err(AppError::BadInput(error))) => {
            errors.push(error);
            Err(errors)
        }
        Some(Err(_)) => {
            errors.push(format!("value `{}` cannot be read", line.value));
            Err(errors)
        }
        _ => Err(errors),
    }
}

/// Imports a ledger file, all or nothing: every bad line is named and nothing is written.
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    lines: &[(usize, LedgerRecord)],
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<LedgerSummary> {
    let today = now.date_naive();
    let mut errors: Vec<String> = Vec::new();
    let mut keys: HashMap<usize, String> = HashMap::new();
    let mut cases = HashSet::new();
    let mut hashes = HashSet::new();
    for (line, record) in lines {
        match record {
            LedgerRecord::Complaint(complaint) => {
                errors.extend(
                    check_complaint(complaint, today)
                        .into_iter()
                        .map(|error| format!("line {line}: {error}")),
                );
                if !cases.insert(complaint.case_number.clone()) {
                    errors.push(format!(
                        "line {line}: case {} appears twice in the file",
                        complaint.case_number
                    ));
                }
                if !hashes.insert(complaint.reference_hash.clone()) {
                    errors.push(format!("line {line}: the reference_hash appears twice in the file"));
                }
            }
            LedgerRecord::MisuseReport(report) => match check_report(report) {
                Ok(key) => {
                    keys.insert(*line, key);
                }
                Err(found) => errors.extend(found.into_iter().map(|error| format!("line {line}: {error}"))),
            },
        }
    }
    let txn = changes::begin_write(db).await?;
    let wanted: Vec<String> = lines
        .iter()
        .filter_map(|(_, record)| match record {
            LedgerRecord::Complaint(complaint) => Some(complaint.recruiter.clone()),
            LedgerRecord::MisuseReport(report) => report.recruiter.clone(),
        })
        .collect();
    let recruiters: HashMap<String, i64> = recruiter::Entity::find()
        .filter(recruiter::Column::ExternalId.is_in(wanted))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|row| (row.external_id, row.id))
        .collect();
    // What the directory already holds of the file, read once, a bounded list at a time: the
    // complaints by case number and by reference hash, the reports by compared value.
    let mut case_numbers = Vec::new();
    let mut reference_hashes = Vec::new();
    for (_, record) in lines {
        if let LedgerRecord::Complaint(complaint) = record {
            case_numbers.push(complaint.case_number.clone());
            reference_hashes.push(complaint.reference_hash.clone());
        }
    }
    let value_keys: Vec<String> = keys.values().cloned().collect();
    let mut by_case: HashMap<String, complaint::Model> = HashMap::new();
    let mut by_hash: HashMap<String, String> = HashMap::new();
    for (column, wanted) in [
        (complaint::Column::CaseNumber, &case_numbers),
        (complaint::Column::ReferenceHash, &reference_hashes),
    ] {
        for chunk in wanted.chunks(500) {
            for row in complaint::Entity::find()
                .filter(column.is_in(chunk.iter().cloned()))
                .all(&*txn)
                .await?
            {
                by_hash.insert(row.reference_hash.clone(), row.case_number.clone());
                by_case.insert(row.case_number.clone(), row);
            }
        }
    }
    let mut reports: HashMap<(String, String, DateTime<Utc>), misuse_report::Model> = HashMap::new();
    for chunk in value_keys.chunks(500) {
        for row in misuse_report::Entity::find()
            .filter(misuse_report::Column::ValueKey.is_in(chunk.iter().cloned()))
            .all(&*txn)
            .await?
        {
            reports.insert((row.kind.clone(), row.value_key.clone(), row.reported_at), row);
        }
    }
    let mut summary = LedgerSummary::default();
    let mut logged = Vec::new();
    for (line, record) in lines {
        let recruiter_of = |external_id: &str, errors: &mut Vec<String>| -> i64 {
            recruiters.get(external_id).copied().unwrap_or_else(|| {
                errors.push(format!(
                    "line {line}: recruiter `{external_id}` is not in the directory"
                ));
                0
            })
        };
        match record {
            LedgerRecord::Complaint(line_record) => {
                let recruiter_id = recruiter_of(&line_record.recruiter, &mut errors);
                if !errors.is_empty() {
                    continue;
                }
                let stored = by_case.get(&line_record.case_number).cloned();
                let holder = by_hash.get(&line_record.reference_hash);
                if holder.is_some_and(|holder| *holder != line_record.case_number) {
                    errors.push(format!(
                        "line {line}: the reference_hash belongs to another complaint of the directory"
                    ));
                    continue;
                }
                let categories = json!(line_record.categories).to_string();
                let history = json!(line_record.stage_history).to_string();
                let unchanged = stored.as_ref().is_some_and(|stored| {
                    stored.reference_hash == line_record.reference_hash
                        && stored.recruiter_id == recruiter_id
                        && stored.origin == line_record.origin
                        && stored.destination == line_record.destination
                        && stored.categories == categories
                        && stored.received_on == line_record.received_on
                        && stored.stage == line_record.stage
                        && stored.stage_history == history
                        && stored.outcome == line_record.outcome
                        && stored.remedy == line_record.remedy
                        && stored.recorded_by == line_record.recorded_by
                });
                if unchanged {
                    summary.unchanged += 1;
                    continue;
                }
                let mut row = complaint::ActiveModel {
                    case_number: Set(line_record.case_number.clone()),
                    reference_hash: Set(line_record.reference_hash.clone()),
                    recruiter_id: Set(recruiter_id),
                    origin: Set(line_record.origin.clone()),
                    destination: Set(line_record.destination.clone()),
                    categories: Set(categories),
                    received_on: Set(line_record.received_on),
                    stage: Set(line_record.stage.clone()),
                    stage_history: Set(history),
                    outcome: Set(line_record.outcome.clone()),
                    remedy: Set(line_record.remedy.clone()),
                    recorded_by: Set(line_record.recorded_by.clone()),
                    updated_at: Set(now),
                    ..Default::default()
                };
                let saved = match &stored {
                    Some(stored) => {
                        row.id = Set(stored.id);
                        row.version = Set(stored.version + 1);
                        row.update(&*txn).await?
                    }
                    None => {
                        row.version = Set(1);
                        row.created_at = Set(now);
                        row.insert(&*txn).await?
                    }
                };
                let operation = if stored.is_some() { "import_update" } else { "import" };
                logged.push(Change::of("complaint", saved.id, operation, stored.as_ref(), &saved));
                summary.complaints += 1;
            }
            LedgerRecord::MisuseReport(report) => {
                let recruiter_id = report
                    .recruiter
                    .as_deref()
                    .map(|external_id| recruiter_of(external_id, &mut errors));
                let Some(key) = keys.get(line).cloned() else { continue };
                if !errors.is_empty() {
                    continue;
                }
                let stored = reports
                    .get(&(report.kind.clone(), key.clone(), report.reported_at))
                    .cloned();
                let unchanged = stored.as_ref().is_some_and(|stored| {
                    stored.value == report.value
                        && stored.recruiter_id == recruiter_id
                        && stored.details == report.details
                        && stored.status == report.status
                        && stored.public_note == report.public_note
                        && stored.decided_at == report.decided_at
                });
                if unchanged {
                    summary.unchanged += 1;
                    continue;
                }
                let mut row = misuse_report::ActiveModel {
                    kind: Set(report.kind.clone()),
                    value: Set(report.value.clone()),
                    value_key: Set(key),
                    recruiter_id: Set(recruiter_id),
                    details: Set(report.details.clone()),
                    status: Set(report.status.clone()),
                    public_note: Set(report.public_note.clone()),
                    reported_at: Set(report.reported_at),
                    decided_at: Set(report.decided_at),
                    updated_at: Set(now),
                    ..Default::default()
                };
                let saved = match &stored {
                    Some(stored) => {
                        row.id = Set(stored.id);
                        row.version = Set(stored.version + 1);
                        row.update(&*txn).await?
                    }
                    None => {
                        row.version = Set(1);
                        row.created_at = Set(now);
                        row.insert(&*txn).await?
                    }
                };
                let operation = if stored.is_some() { "import_update" } else { "import" };
                logged.push(Change::of(
                    "misuse_report",
                    saved.id,
                    operation,
                    stored.as_ref(),
                    &saved,
                ));
                summary.misuse_reports += 1;
            }
        }
    }
    if !errors.is_empty() {
        // Dropping the transaction rolls back whatever was written: all or nothing.
        let shown: Vec<String> = errors.iter().take(20).cloned().collect();
        return Err(AppError::bad_input(format!(
            "{} errors, nothing was imported: {}",
            errors.len(),
            shown.join("; ")
        )));
    }
    changes::record(&txn, actor, now, logged).await?;
    txn.commit().await?;
    Ok(summary)
}

/// Reads a ledger file: one record a line, blank lines skipped, every unreadable line named.
pub fn parse(text: &str) -> AppResult<Vec<(usize, LedgerRecord)>> {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<LedgerRecord>(line) {
            Ok(record) => records.push((index + 1, record)),
            Err(error) => errors.push(format!("line {}: {error}", index + 1)),
        }
    }
    if errors.is_empty() {
        return Ok(records);
    }
    let shown: Vec<String> = errors.iter().take(20).cloned().collect();
    Err(AppError::bad_input(format!(
        "{} unreadable lines, nothing was imported: {}",
        errors.len(),
        shown.join("; ")
    )))
}

/// JSON Lines of `records`.
pub fn to_json_lines(records: &[LedgerRecord]) -> String {
    let mut out = String::new();
    for record in records {
        out.push_str(&serde_json::to_string(record).unwrap_or_default());
        out.push('\n');
    }
    out
}
