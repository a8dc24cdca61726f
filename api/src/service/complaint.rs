//! The complaint ledger: complaints about recruiters, recorded by intake partners on workers'
//! behalf, built so that nothing public can identify the worker.
//!
//! - A complaint holds only the recruiter, the corridor, categories from a closed list, dates,
//!   its stage and its outcome: no name, no contact, no free text.
//! - The worker gets a tracking reference (128 random bits, in base 32); the database keeps only
//!   its SHA-256, so `complaintStatus` can answer without the reference being stored.
//! - In public, a recruiter's complaints are counts by category and by outcome, and a count is
//!   shown only when at least [`MIN_PUBLIC_COUNT`] complaints fall in it.
//! - A public case number (`C-2026-000042`) is what a certification decision cites.
//! - An intake partner sees and moves only the complaints it recorded; to any other it answers
//!   as if they did not exist.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{complaint, recruiter};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Digest;

use super::page::{self, Listing, Ordering, PageArgs};
use crate::{
    auth::{Identity, Role},
    changes::{self, Actor, Change},
    error::{AppError, AppResult},
    vocab::{self, ComplaintCategory, ComplaintOutcome, ComplaintStage, Remedy},
};

/// A count is published only when at least this many complaints fall in it, so that no single
/// complaint can be recognised from the summary.
pub const MIN_PUBLIC_COUNT: u64 = 3;

/// One entry of a complaint's stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    pub from: Option<String>,
    pub to: String,
    pub at: DateTime<Utc>,
}

/// What an intake partner records.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub recruiter_id: i64,
    pub corridor: Option<(String, String)>,
    pub categories: Vec<ComplaintCategory>,
    pub received_on: NaiveDate,
}

/// A fresh tracking reference: 128 random bits in base 32, in groups of four for reading out
/// over the phone (`K7QH-3M9T-…`).
fn new_reference() -> AppResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| AppError::internal(anyhow::anyhow!("no randomness: {error}")))?;
    let text = data_encoding::BASE32_NOPAD.encode(&bytes);
    Ok(text
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The reference as typed by a person, in the form it was hashed: upper case, no separators,
/// and the digits people type for the letters base 32 uses (`0` for `O`, `1` for `I`, `8` for
/// `B`) read as those letters.
fn normalise_reference(reference: &str) -> String {
    reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|character| match character.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            other => other,
        })
        .collect()
}

fn reference_hash(reference: &str) -> String {
    hex::encode(sha2::Sha256::digest(normalise_reference(reference).as_bytes()))
}

fn history_of(row: &complaint::Model) -> AppResult<Vec<StageChange>> {
    serde_json::from_str(&row.stage_history).map_err(|error| {
        AppError::internal(anyhow::anyhow!(
            "complaint {} has a corrupt stage history: {error}",
            row.id
        ))
    })
}

pub fn stage_history(row: &complaint::Model) -> Vec<StageChange> {
    history_of(row).unwrap_or_default()
}

/// The stages a complaint may move to from `from`.
fn next_stages(from: ComplaintStage) -> &'static [ComplaintStage] {
    use ComplaintStage::*;
    match from {
        Received => &[Referred, UnderInvestigation, Resolved, Closed],
        Referred => &[UnderInvestigation, Resolved, Closed],
        UnderInvestigation => &[Resolved, Closed],
        Resolved => &[Closed],
        Closed => &[],
    }
}

/// A stage history as the ledger keeps it: it starts with the complaint received, each move is
/// one the order of stages allows, from where the previous one ended and no earlier, and it
/// ends at `stage`.
pub fn check_history(history: &[StageChange], stage: &str) -> Result<(), String> {
    let starts_received = history
        .first()
        .is_some_and(|first| first.from.is_none() && first.to == ComplaintStage::Received.as_str());
    if !starts_received {
        return Err("stage_history must start with the complaint received (`from: null, to: received`)".to_owned());
    }
    for pair in history.windows(2) {
        let (before, change) = (&pair[0], &pair[1]);
        let from = change.from.as_deref().and_then(ComplaintStage::parse);
        let to = ComplaintStage::parse(&change.to);
        let allowed = match (from, to) {
            (Some(from), Some(to)) => {
                change.from.as_deref() == Some(before.to.as_str()) && next_stages(from).contains(&to)
            }
            _ => false,
        };
        if !allowed {
            return Err(format!(
                "stage_history moves from {} to {} after reaching {}: not a move the order of stages allows",
                change.from.as_deref().unwrap_or("nothing"),
                change.to,
                before.to
            ));
        }
        if change.at < before.at {
            return Err(format!("stage_history goes back in time at {}", change.at));
        }
    }
    if history.last().is_some_and(|last| last.to != stage) {
        return Err(format!("stage is {stage} but stage_history ends elsewhere"));
    }
    Ok(())
}

/// Records a complaint; returns it with the worker's tracking reference, shown this once.
pub async fn record(
    db: &sea_orm::DatabaseConnection,
    identity: &Identity,
    complaint: NewComplaint,
    now: DateTime<Utc>,
) -> AppResult<(complaint::Model, String)> {
    if complaint.categories.is_empty() {
        return Err(AppError::bad_input("`categories` must name at least one category"));
    }
    let mut categories: Vec<&str> = complaint.categories.iter().map(|category| category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    if let Some((origin, destination)) = &complaint.corridor {
        vocab::check_country(origin).map_err(AppError::BadInput)?;
        vocab::check_country(destination).map_err(AppError::BadInput)?;
        if origin == destination {
            return Err(AppError::bad_input("the corridor's origin and destination must differ"));
        }
    }
    let today = now.date_naive();
    if complaint.received_on > today {
        return Err(AppError::bad_input(format!(
            "`receivedOn` ({}) is in the future",
            complaint.received_on
        )));
    }
    let txn = changes::begin_write(db).await?;
    recruiter::Entity::find_by_id(complaint.recruiter_id)
        .filter(recruiter::Column::ArchivedAt.is_null())
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no recruiter with that id".to_owned()))?;
    let year = complaint.received_on.year();
    // The next number after the year's highest (numbers are zero-padded, so the highest sorts
    // last); taken under the write lock, so two writers never draw the same one.
    let prefix = format!("C-{year}-");
    let highest = complaint::Entity::find()
        .filter(complaint::Column::CaseNumber.starts_with(prefix.as_str()))
        .order_by_desc(complaint::Column::CaseNumber)
        .one(&*txn)
        .await?
        .and_then(|row| row.case_number[prefix.len()..].parse::<u64>().ok())
        .unwrap_or(0);
    let reference = new_reference()?;
    let history = vec![StageChange {
        from: None,
        to: ComplaintStage::Received.as_str().to_owned(),
        at: now,
    }];
    let (origin, destination) = complaint.corridor.unzip();
    let saved = complaint::ActiveModel {
        case_number: Set(format!("{prefix}{:06}", highest + 1)),
        reference_hash: Set(reference_hash(&reference)),
        recruiter_id: Set(complaint.recruiter_id),
        origin: Set(origin),
        destination: Set(destination),
        categories: Set(json!(categories).to_string()),
        received_on: Set(complaint.received_on),
        stage: Set(ComplaintStage::Received.as_str().to_owned()),
        stage_history: Set(json!(history).to_string()),
        outcome: Set(None),
        remedy: Set(None),
        recorded_by: Set(identity.subject.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let change = Change::of("complaint", saved.id, "create", None, &saved);
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    Ok((saved, reference))
}

/// The complaint as its recorder (or an admin) may see it; to anyone else, not found.
async fn owned(txn: &impl ConnectionTrait, identity: &Identity, id: i64) -> AppResult<complaint::Model> {
    complaint::Entity::find_by_id(id)
        .one(txn)
        .await?
        .filter(|row| identity.role == Role::Admin || row.recorded_by == identity.subject)
        .ok_or_else(|| AppError::NotFound("no complaint with that id among those you recorded".to_owned()))
}

/// What a move to a new stage sets.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: ComplaintStage,
    pub outcome: Option<ComplaintOutcome>,
    pub remedy: Option<Remedy>,
}

/// Moves a complaint to its next stage. An outcome is given when (and only when) it is
/// resolved; a remedy when (and only when) the outcome is `remediated`.
pub async fn move_stage(
    db: &sea_orm::DatabaseConnection,
    identity: &Identity,
    id: i64,
    expected_version: i32,
    change: Move,
    now: DateTime<Utc>,
) -> AppResult<complaint::Model> {
    let txn = changes::begin_write(db).await?;
    let current = owned(&*txn, identity, id).await?;
    if current.version != expected_version {
        return Err(super::write::stale("complaint", current.version, expected_version));
    }
    let from = ComplaintStage::stored(&current.stage, "complaint.stage")?;
    if !next_stages(from).contains(&change.to) {
        let allowed: Vec<&str> = next_stages(from).iter().map(|stage| stage.as_str()).collect();
        return Err(AppError::Conflict(format!(
            "a complaint cannot move from {} to {}; from {} it may move to: {}",
            from.as_str(),
            change.to.as_str(),
            from.as_str(),
            if allowed.is_empty() {
                "nothing (it is closed)".to_owned()
            } else {
                allowed.join(", ")
            }
        )));
    }
    let (outcome, remedy) = match (change.to, change.outcome, change.remedy) {
        (ComplaintStage::Resolved, None, _) => {
            return Err(AppError::bad_input("a resolved complaint needs an `outcome`"));
        }
        (ComplaintStage::Resolved, Some(ComplaintOutcome::Remediated), None) => {
            return Err(AppError::bad_input("a remediated complaint needs a `remedy`"));
        }
        (ComplaintStage::Resolved, Some(outcome), remedy) => {
            if outcome != ComplaintOutcome::Remediated && remedy.is_some() {
                return Err(AppError::bad_input(
                    "a `remedy` goes only with the outcome `remediated`",
                ));
            }
            (
                Some(outcome.as_str().to_owned()),
                remedy.map(|remedy| remedy.as_str().to_owned()),
            )
        }
        (_, Some(_), _) | (_, _, Some(_)) => {
            return Err(AppError::bad_input(
                "an `outcome` (and a `remedy`) is given only when the complaint is resolved",
            ));
        }
        // Closing keeps what resolving decided.
        (_, None, None) => (current.outcome.clone(), current.remedy.clone()),
    };
    let mut history = history_of(&current)?;
    history.push(StageChange {
        from: Some(from.as_str().to_owned()),
        to: change.to.as_str().to_owned(),
        at: now,
    });
    let mut updated: complaint::ActiveModel = current.clone().into();
    updated.stage = Set(change.to.as_str().to_owned());
    updated.stage_history = Set(json!(history).to_string());
    updated.outcome = Set(outcome);
    updated.remedy = Set(remedy);
    updated.version = Set(current.version + 1);
    updated.updated_at = Set(now);
    let saved = updated.update(&*txn).await?;
    let change = Change::of("complaint", id, "stage", Some(&current), &saved);
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The complaints the caller recorded (an admin: all), newest first.
pub async fn list_own(
    db: &sea_orm::DatabaseConnection,
    identity: &Identity,
    args: &PageArgs,
) -> AppResult<Listing<complaint::Model>> {
    let mut select = complaint::Entity::find();
    if identity.role != Role::Admin {
        select = select.filter(complaint::Column::RecordedBy.eq(identity.subject.as_str()));
    }
    let ordering = Ordering::by_id(
        "complaint_newest",
        sea_orm::sea_query::Expr::col((complaint::Entity, complaint::Column::Id)),
        true,
    );
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.id)]).await
}

/// The complaint with this tracking reference, if any.
pub async fn by_reference(db: &impl ConnectionTrait, reference: &str) -> AppResult<Option<complaint::Model>> {
    let normalised = normalise_reference(reference);
    if normalised.is_empty() || normalised.len() > 64 {
        return Err(AppError::bad_input(
            "`reference` is the tracking reference the worker was given, such as `K7QH-3M9T-XW2P-…`",
        ));
    }
    Ok(complaint::Entity::find()
        .filter(complaint::Column::ReferenceHash.eq(reference_hash(reference)))
        .one(db)
        .await?)
}

/// What the public may know of a recruiter's complaints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub total: u64,
    /// (category, count), counts of at least [`MIN_PUBLIC_COUNT`] only.
    pub by_category: Vec<(String, u64)>,
    /// (outcome, count) of resolved complaints, counts of at least [`MIN_PUBLIC_COUNT`] only.
    pub by_outcome: Vec<(String, u64)>,
}

/// The published summary of these complaints: `None` below [`MIN_PUBLIC_COUNT`] in all.
pub fn summarise(complaints: &[complaint::Model]) -> Option<Summary> {
    let total = complaints.len() as u64;
    if total < MIN_PUBLIC_COUNT {
        return None;
    }
    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_outcome: BTreeMap<String, u64> = BTreeMap::new();
    for complaint in complaints {
        for category in crate::db::json_list::<String>(&complaint.categories) {
            *by_category.entry(category).or_default() += 1;
        }
        if let Some(outcome) = &complaint.outcome {
            *by_outcome.entry(outcome.clone()).or_default() += 1;
        }
    }
    let published = |counts: BTreeMap<String, u64>| -> Vec<(String, u64)> {
        counts
            .into_iter()
            .filter(|(_, count)| *count >= MIN_PUBLIC_COUNT)
            .collect()
    };
    Some(Summary {
        total,
        by_category: published(by_category),
        by_outcome: published(by_outcome),
    })
}

/// The complaints of these recruiters, by recruiter (for the batch loader).
pub async fn of_recruiters(
    db: &impl ConnectionTrait,
    recruiter_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<complaint::Model>>> {
    let mut grouped: HashMap<i64, Vec<complaint::Model>> = HashMap::new();
    for row in complaint::Entity::find()
        .filter(complaint::Column::RecruiterId.is_in(recruiter_ids.iter().copied()))
        .all(db)
        .await?
    {
        grouped.entry(row.recruiter_id).or_default().push(row);
    }
    Ok(grouped)
}

/// A certification decision may cite complaints about its recruiter that were upheld or
/// remediated; anything else is refused, naming the case.
pub async fn check_cited(txn: &impl ConnectionTrait, recruiter_id: i64, cases: &[String]) -> AppResult<Vec<String>> {
    let mut cited: Vec<String> = cases.iter().map(|case| case.trim().to_uppercase()).collect();
    cited.sort();
    cited.dedup();
    if cited.len() > 20 {
        return Err(AppError::bad_input("a decision cites at most 20 complaint cases"));
    }
    let found = complaint::Entity::find()
        .filter(complaint::Column::CaseNumber.is_in(cited.clone()))
        .all(txn)
        .await?;
    for case in &cited {
        let Some(row) = found.iter().find(|row| &row.case_number == case) else {
            return Err(AppError::bad_input(format!("no complaint case `{case}`")));
        };
        if row.recruiter_id != recruiter_id {
            return Err(AppError::bad_input(format!(
                "complaint case `{case}` is about another recruiter"
            )));
        }
        if !matches!(row.outcome.as_deref(), Some("upheld" | "remediated")) {
            return Err(AppError::bad_input(format!(
                "complaint case `{case}` was not upheld: a decision may cite only upheld or remediated complaints"
            )));
        }
    }
    Ok(cited)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complaint(categories: &[&str], outcome: Option<&str>) -> complaint::Model {
        let now = Utc::now();
        complaint::Model {
            id: 1,
            case_number: "C-2026-000001".to_owned(),
            reference_hash: String::new(),
            recruiter_id: 1,
            origin: None,
            destination: None,
            categories: json!(categories).to_string(),
            received_on: now.date_naive(),
            stage: "received".to_owned(),
            stage_history: "[]".to_owned(),
            outcome: outcome.map(str::to_owned),
            remedy: None,
            recorded_by: "intake".to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_summary_hides_every_count_under_three() {
        let two = [
            complaint(&["recruitment_fees"], None),
            complaint(&["recruitment_fees"], None),
        ];
        assert_eq!(summarise(&two), None, "two complaints: nothing is shown");
        let four = [
            complaint(&["recruitment_fees", "documents_withheld"], Some("upheld")),
            complaint(&["recruitment_fees"], Some("upheld")),
            complaint(&["recruitment_fees", "contract_substitution"], Some("upheld")),
            complaint(&["documents_withheld"], Some("not_upheld")),
        ];
        let summary = summarise(&four).expect("four complaints are shown");
        assert_eq!(summary.total, 4);
        assert_eq!(summary.by_category, vec![("recruitment_fees".to_owned(), 3)]);
        assert_eq!(summary.by_outcome, vec![("upheld".to_owned(), 3)]);
    }

    #[test]
    fn references_are_long_random_and_read_back_however_typed() {
        let reference = new_reference().expect("randomness");
        assert_eq!(reference.replace('-', "").len(), 26, "{reference}");
        assert_ne!(reference, new_reference().expect("randomness"));
        let typed = reference
            .to_lowercase()
            .replace('-', " ")
            .replace('o', "0")
            .replace('i', "1");
        assert_eq!(reference_hash(&typed), reference_hash(&reference));
        assert_ne!(reference_hash("K7QH"), reference_hash(&reference));
    }

    #[test]
    fn complaints_move_forward_only_and_stop_when_closed() {
        assert!(next_stages(ComplaintStage::Received).contains(&ComplaintStage::Referred));
        assert!(!next_stages(ComplaintStage::Resolved).contains(&ComplaintStage::Received));
        assert!(next_stages(ComplaintStage::Closed).is_empty());
    }
}
