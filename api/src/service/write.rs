//! Authenticated writes: one record at a time, each in its own transaction holding the write
//! lock, with optimistic concurrency (`expected_version`), the change log and the audit trail.
//!
//! Saving a whole record goes through the same validation and writer as a bulk import, so a
//! mutation and an import line obey exactly the same rules.

use chrono::{DateTime, Months, NaiveDate, Utc};
use entity::{certification, status_change, trademark_domain, trademark_right};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
};

use super::{
    certification::{CertificationStatus, check_transition, stored_status},
    import::{self, ImportError},
};
use crate::{
    auth::{Identity, Role},
    changes::{self, Actor, Change},
    error::{AppError, AppResult},
    interchange::Record,
    vocab::{self, MarkRightStatus},
};

impl From<&Identity> for Actor {
    fn from(identity: &Identity) -> Self {
        Actor {
            subject: identity.subject.clone(),
            role: identity.role.as_str().to_owned(),
        }
    }
}

/// Who a status-history entry says recorded it: the certifier's body, or the secretariat.
pub fn recorded_by(identity: &Identity) -> String {
    identity.body.clone().unwrap_or_else(|| "secretariat".to_owned())
}

fn import_error(error: ImportError) -> AppError {
    match error {
        ImportError::Failed(error) => error,
        ImportError::Invalid { errors, .. } => {
            let message = errors
                .iter()
                .map(|error| error.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            if errors.iter().any(|error| error.conflict) {
                AppError::Conflict(message)
            } else {
                AppError::BadInput(message)
            }
        }
    }
}

pub(crate) fn stale(kind: &str, current: i32, expected: i32) -> AppError {
    AppError::Conflict(format!(
        "this {kind} was changed by someone else (it is at version {current}, you sent {expected}): reload it and apply your change again"
    ))
}

async fn begin(db: &DatabaseConnection) -> AppResult<changes::WriteTransaction> {
    changes::begin_write(db).await
}

/// Creates (no `expected_version`) or replaces (the version it was based on) a whole record.
/// Returns the record's database id.
pub async fn save(
    db: &DatabaseConnection,
    identity: &Identity,
    record: Record,
    expected_version: Option<i32>,
) -> AppResult<i64> {
    let mut record = record;
    import::normalise(&mut record);
    let violations = import::validate(&record);
    if !violations.is_empty() {
        return Err(AppError::BadInput(violations.join("; ")));
    }
    let txn = begin(db).await?;
    authorise_save(&txn, identity, &record).await?;
    let current = import::current_version(&txn, &record).await?;
    match (current, expected_version) {
        (Some(_), None) => {
            return Err(AppError::Conflict(format!(
                "`{}` already exists: pass `expectedVersion` to replace it",
                record.external_id()
            )));
        }
        (Some((_, current)), Some(expected)) if current != expected => {
            return Err(stale("record", current, expected));
        }
        (None, Some(_)) => {
            return Err(AppError::NotFound(format!(
                "`{}` does not exist: leave `expectedVersion` out to create it",
                record.external_id()
            )));
        }
        _ => {}
    }
    let outcome = import::write_records(&txn, &[(1, record)], &Actor::from(identity))
        .await
        .map_err(import_error)?;
    txn.commit().await?;
    match (outcome.written.first(), current) {
        (Some((_, id, _)), _) => Ok(*id),
        // Unchanged: the record is exactly as stored, and nothing was written.
        (None, Some((id, _))) => Ok(id),
        (None, None) => Err(AppError::internal(anyhow::anyhow!("a new record was not written"))),
    }
}

/// A certification decision: one lifecycle step, recorded forever in the status history.
pub struct Decision {
    pub to: CertificationStatus,
    pub reason: String,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    /// Public case numbers of the complaints the decision rests on.
    pub complaint_cases: Vec<String>,
}

/// Certificates run three years unless the decision says otherwise.
const DEFAULT_VALIDITY_MONTHS: u32 = 36;

pub async fn decide(
    db: &DatabaseConnection,
    identity: &Identity,
    certification_id: i64,
    expected_version: i32,
    decision: Decision,
    now: DateTime<Utc>,
) -> AppResult<certification::Model> {
    let reason = decision.reason.trim();
    if reason.is_empty() || !reason.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'_') {
        return Err(AppError::bad_input(
            "`reasonCategory` must be a lower snake_case category such as `audit_passed`",
        ));
    }
    let txn = begin(db).await?;
    let current = live_certification(&txn, certification_id).await?;
    authorise_certification(identity, &current)?;
    if current.version != expected_version {
        return Err(stale("certification", current.version, expected_version));
    }
    let from = stored_status(&current);
    check_transition(Some(from), decision.to).map_err(AppError::Conflict)?;
    crate::service::trust::check_decision_allowed(&*txn, &current, decision.to, identity.role == Role::Certifier)
        .await?;
    let cited = crate::service::complaint::check_cited(&*txn, current.recruiter_id, &decision.complaint_cases).await?;
    let mut updated: certification::ActiveModel = current.clone().into();
    if decision.to == CertificationStatus::Certified && from != CertificationStatus::Suspended {
        // A certification or recertification starts a new validity period.
        let issued_on = decision.issued_on.unwrap_or(now.date_naive());
        let expires_on = match decision.expires_on {
            Some(expires_on) => expires_on,
            None => issued_on
                .checked_add_months(Months::new(DEFAULT_VALIDITY_MONTHS))
                .and_then(|date| date.pred_opt())
                .ok_or_else(|| AppError::bad_input("`issuedOn` is out of range"))?,
        };
        vocab::check_date_order(Some(issued_on), Some(expires_on), "issuedOn", "expiresOn")
            .map_err(AppError::BadInput)?;
        updated.issued_on = Set(Some(issued_on));
        updated.expires_on = Set(Some(expires_on));
    } else if decision.issued_on.is_some() || decision.expires_on.is_some() {
        return Err(AppError::bad_input(
            "`issuedOn` and `expiresOn` are only set when certifying or recertifying",
        ));
    }
    updated.status = Set(decision.to.as_str().to_owned());
    updated.version = Set(current.version + 1);
    updated.content_hash = Set(None);
    updated.updated_at = Set(now);
    let saved = updated.update(&*txn).await?;
    status_change::ActiveModel {
        certification_id: Set(certification_id),
        from_status: Set(Some(from.as_str().to_owned())),
        to_status: Set(decision.to.as_str().to_owned()),
        at: Set(now),
        reason: Set(reason.to_owned()),
        recorded_by: Set(recorded_by(identity)),
        complaint_cases: Set(crate::db::to_json_text(&cited)),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let change = Change {
        entity_type: "certification",
        entity_id: certification_id,
        operation: "decision",
        before: serde_json::to_string(&current).ok(),
        after: serde_json::to_string(&saved).ok(),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    // A certification or recertification restarts the audit schedule.
    crate::service::trust::refresh_audit_due(&*txn, &[certification_id]).await?;
    let saved = certification::Entity::find_by_id(certification_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a decided certification vanished")))?;
    txn.commit().await?;
    Ok(saved)
}

async fn live_certification(txn: &DatabaseTransaction, id: i64) -> AppResult<certification::Model> {
    certification::Entity::find_by_id(id)
        .filter(certification::Column::ArchivedAt.is_null())
        .one(txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no certification with that id".to_owned()))
}

/// A certifier acts only on certifications audited by its own certification body.
pub fn authorise_certification(identity: &Identity, certification: &certification::Model) -> AppResult<()> {
    if identity.role != Role::Certifier || identity.body == certification.certification_body {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "this certification is audited by {}, not by {}",
        certification
            .certification_body
            .as_deref()
            .unwrap_or("no certification body"),
        identity.body.as_deref().unwrap_or("your body")
    )))
}

/// A certifier acts only on mark rights of recruiters its body has certified.
pub async fn authorise_recruiter_for_certifier(
    txn: &impl sea_orm::ConnectionTrait,
    identity: &Identity,
    recruiter_id: i64,
) -> AppResult<()> {
    if identity.role != Role::Certifier {
        return Ok(());
    }
    let audited = certification::Entity::find()
        .filter(certification::Column::RecruiterId.eq(recruiter_id))
        .filter(certification::Column::CertificationBody.eq(identity.body.clone()))
        // An application alone is not enough: the body must have certified the recruiter.
        .filter(certification::Column::IssuedOn.is_not_null())
        .filter(certification::Column::ArchivedAt.is_null())
        .one(txn)
        .await?;
    if audited.is_some() {
        return Ok(());
    }
    Err(AppError::Forbidden(
        "your certification body does not certify this recruiter".to_owned(),
    ))
}

/// The only status changes of a mark right: active and suspended move between each other or
/// to revoked; a revoked right is final.
pub fn check_right_transition(from: MarkRightStatus, to: MarkRightStatus) -> AppResult<()> {
    let allowed = match from {
        MarkRightStatus::Active => &[MarkRightStatus::Suspended, MarkRightStatus::Revoked][..],
        MarkRightStatus::Suspended => &[MarkRightStatus::Active, MarkRightStatus::Revoked][..],
        MarkRightStatus::Revoked => &[][..],
    };
    if allowed.contains(&to) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|status| status.as_str()).collect();
    Err(AppError::Conflict(format!(
        "a {} mark right cannot become {}: allowed: {}",
        from.as_str(),
        to.as_str(),
        if names.is_empty() {
            "none, a revoked right is final".to_owned()
        } else {
            names.join(", ")
        }
    )))
}

/// An approval decision on a certification body or an auditor.
pub struct ApprovalDecision {
    pub to: crate::vocab::ApprovalStatus,
    pub reason: String,
}

/// The approval status and history a body or an auditor keeps when its details are saved: the
/// stored ones, or an application made now for a new record.
pub async fn approval_of(
    db: &DatabaseConnection,
    kind: crate::ids::Kind,
    external_id: &str,
    identity: &Identity,
    now: DateTime<Utc>,
) -> AppResult<(String, Vec<crate::interchange::StatusChangeRecord>)> {
    use crate::{ids::Kind, service::trust::stored_history};
    let stored = match kind {
        Kind::CertificationBody => entity::certification_body::Entity::find()
            .filter(entity::certification_body::Column::ExternalId.eq(external_id))
            .one(db)
            .await?
            .map(|row| (row.status, row.status_history)),
        _ => entity::auditor::Entity::find()
            .filter(entity::auditor::Column::ExternalId.eq(external_id))
            .one(db)
            .await?
            .map(|row| (row.status, row.status_history)),
    };
    match stored {
        Some((status, history)) => Ok((status, stored_history(&history, "status_history")?)),
        None => Ok((
            crate::vocab::ApprovalStatus::Applicant.as_str().to_owned(),
            vec![crate::interchange::StatusChangeRecord {
                from: None,
                to: crate::vocab::ApprovalStatus::Applicant.as_str().to_owned(),
                at: now,
                reason: "application_received".to_owned(),
                recorded_by: recorded_by(identity),
                complaint_cases: Vec::new(),
            }],
        )),
    }
}

/// Moves a certification body's or an auditor's approval one step, recorded forever in its
/// public history (through the same writer as a save, so the same rules hold).
pub async fn decide_approval(
    db: &DatabaseConnection,
    identity: &Identity,
    kind: crate::ids::Kind,
    id: i64,
    expected_version: i32,
    decision: ApprovalDecision,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use crate::{ids::Kind, service::trust::check_approval_transition, vocab::ApprovalStatus};
    let reason = decision.reason.trim();
    if reason.is_empty() || !reason.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'_') {
        return Err(AppError::bad_input(
            "`reasonCategory` must be a lower snake_case category such as `approval_granted`",
        ));
    }
    let table = match kind {
        Kind::CertificationBody => "certification_body",
        _ => "auditor",
    };
    let mut found = crate::service::export::records_of(db, &[(table, id)]).await?;
    let record = found
        .remove(&(table, id))
        .ok_or_else(|| AppError::NotFound(format!("no {} with that id", table.replace('_', " "))))?;
    let (mut record, status, history) = match record {
        Record::CertificationBody(mut body) => {
            let (status, history) = (body.status.clone(), std::mem::take(&mut body.status_history));
            (Record::CertificationBody(body), status, history)
        }
        Record::Auditor(mut auditor) => {
            let (status, history) = (auditor.status.clone(), std::mem::take(&mut auditor.status_history));
            (Record::Auditor(auditor), status, history)
        }
        _ => {
            return Err(AppError::internal(anyhow::anyhow!(
                "{table} {id} read back as another type"
            )));
        }
    };
    let from = ApprovalStatus::stored(&status, "status")?;
    check_approval_transition(Some(from), decision.to).map_err(AppError::Conflict)?;
    let mut history = history;
    history.push(crate::interchange::StatusChangeRecord {
        from: Some(from.as_str().to_owned()),
        to: decision.to.as_str().to_owned(),
        at: now,
        reason: reason.to_owned(),
        recorded_by: recorded_by(identity),
        complaint_cases: Vec::new(),
    });
    match &mut record {
        Record::CertificationBody(body) => {
            body.status = decision.to.as_str().to_owned();
            body.status_history = history;
        }
        Record::Auditor(auditor) => {
            auditor.status = decision.to.as_str().to_owned();
            auditor.status_history = history;
        }
        _ => {}
    }
    save(db, identity, record, Some(expected_version)).await?;
    Ok(())
}

/// Who may save this record, judged on the record as stored (not only on the input), inside
/// the write's transaction: a certifier may only replace a mark right that belongs to a
/// recruiter its body certified, and only give it to such a recruiter; nobody may revive a
/// revoked right or make any other change of status the lifecycle forbids.
async fn authorise_save(txn: &DatabaseTransaction, identity: &Identity, record: &Record) -> AppResult<()> {
    if let Record::Audit(audit) = record {
        return authorise_audit(txn, identity, audit).await;
    }
    let Record::TrademarkRight(right) = record else {
        return Ok(());
    };
    let stored = trademark_right::Entity::find()
        .filter(trademark_right::Column::ExternalId.eq(right.external_id.as_str()))
        .one(txn)
        .await?;
    if let Some(stored) = &stored {
        authorise_recruiter_for_certifier(txn, identity, stored.recruiter_id).await?;
        // A corrupt stored status refuses the write (`INTERNAL`) rather than guessing.
        let from = MarkRightStatus::stored(&stored.status, "trademark_right.status")?;
        if let Some(to) = MarkRightStatus::parse(&right.status)
            && to != from
        {
            check_right_transition(from, to)?;
        }
    }
    if identity.role == Role::Certifier {
        let owner = entity::recruiter::Entity::find()
            .filter(entity::recruiter::Column::ExternalId.eq(right.recruiter.as_str()))
            .one(txn)
            .await?
            .ok_or_else(|| AppError::bad_input(format!("recruiter `{}` does not exist", right.recruiter)))?;
        authorise_recruiter_for_certifier(txn, identity, owner.id).await?;
    }
    Ok(())
}

/// A certifier records audits only of certifications its own body audits, only as its own
/// body, and only replaces audits of such certifications.
async fn authorise_audit(
    txn: &DatabaseTransaction,
    identity: &Identity,
    audit: &crate::interchange::AuditRecord,
) -> AppResult<()> {
    if identity.role != Role::Certifier {
        return Ok(());
    }
    let stored = entity::audit::Entity::find()
        .filter(entity::audit::Column::ExternalId.eq(audit.external_id.as_str()))
        .one(txn)
        .await?;
    if let Some(stored) = stored {
        let audited = live_certification(txn, stored.certification_id).await?;
        authorise_certification(identity, &audited)?;
    }
    let certification = certification::Entity::find()
        .filter(certification::Column::ExternalId.eq(audit.certification.as_str()))
        .filter(certification::Column::ArchivedAt.is_null())
        .one(txn)
        .await?
        .ok_or_else(|| AppError::bad_input(format!("certification `{}` does not exist", audit.certification)))?;
    authorise_certification(identity, &certification)?;
    let own = identity.body.as_deref().unwrap_or_default();
    let body = match &audit.body {
        Some(body) => {
            entity::certification_body::Entity::find()
                .filter(entity::certification_body::Column::ExternalId.eq(body.as_str()))
                .one(txn)
                .await?
        }
        None => None,
    };
    if body.is_none_or(|body| vocab::normalise_key(&body.name) != vocab::normalise_key(own)) {
        return Err(AppError::Forbidden(format!(
            "you record audits as {own}: set `body` to its external id"
        )));
    }
    Ok(())
}

/// Changes a mark right's status and/or allowed domains.
pub async fn change_mark_right(
    db: &DatabaseConnection,
    identity: &Identity,
    right_id: i64,
    expected_version: i32,
    status: Option<MarkRightStatus>,
    domains: Option<Vec<String>>,
    now: DateTime<Utc>,
) -> AppResult<trademark_right::Model> {
    let txn = begin(db).await?;
    let current = trademark_right::Entity::find_by_id(right_id)
        .filter(trademark_right::Column::ArchivedAt.is_null())
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no mark right with that id".to_owned()))?;
    authorise_recruiter_for_certifier(&*txn, identity, current.recruiter_id).await?;
    if current.version != expected_version {
        return Err(stale("mark right", current.version, expected_version));
    }
    let mut updated: trademark_right::ActiveModel = current.clone().into();
    if let Some(status) = status {
        let from = MarkRightStatus::stored(&current.status, "trademark_right.status")?;
        check_right_transition(from, status)?;
        updated.status = Set(status.as_str().to_owned());
    }
    if let Some(domains) = &domains {
        let mut normalised: Vec<String> = Vec::new();
        for domain in domains {
            let domain = vocab::normalise_domain(domain);
            vocab::check_domain(&domain).map_err(AppError::BadInput)?;
            if !normalised.contains(&domain) {
                normalised.push(domain);
            }
        }
        trademark_domain::Entity::delete_many()
            .filter(trademark_domain::Column::RightId.eq(right_id))
            .exec(&*txn)
            .await?;
        if !normalised.is_empty() {
            trademark_domain::Entity::insert_many(normalised.iter().map(|domain| trademark_domain::ActiveModel {
                right_id: Set(right_id),
                domain: Set(domain.clone()),
            }))
            .exec_without_returning(&*txn)
            .await?;
        }
        updated.domains = Set(crate::db::to_json_text(&normalised));
    }
    updated.version = Set(current.version + 1);
    updated.content_hash = Set(None);
    updated.updated_at = Set(now);
    let saved = updated.update(&*txn).await?;
    let change = Change {
        entity_type: "trademark_right",
        entity_id: right_id,
        operation: "update",
        before: serde_json::to_string(&current).ok(),
        after: serde_json::to_string(&saved).ok(),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    // Recording the change moved the right's standing: answer with it.
    let saved = trademark_right::Entity::find_by_id(right_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a saved mark right vanished")))?;
    txn.commit().await?;
    Ok(saved)
}

/// Archives a record: it leaves public results but stays in the database and its history.
pub async fn archive(
    db: &DatabaseConnection,
    identity: &Identity,
    kind: crate::ids::Kind,
    id: i64,
    expected_version: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use crate::ids::Kind;
    let txn = begin(db).await?;
    macro_rules! archive_row {
        ($entity:ident, $name:literal) => {{
            let current = entity::$entity::Entity::find_by_id(id)
                .filter(entity::$entity::Column::ArchivedAt.is_null())
                .one(&*txn)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("no {} with that id", $name)))?;
            if current.version != expected_version {
                return Err(stale($name, current.version, expected_version));
            }
            let mut updated: entity::$entity::ActiveModel = current.clone().into();
            updated.archived_at = Set(Some(now));
            updated.version = Set(current.version + 1);
            updated.content_hash = Set(None);
            updated.updated_at = Set(now);
            let saved = updated.update(&*txn).await?;
            Change {
                entity_type: $name,
                entity_id: id,
                operation: "archive",
                before: serde_json::to_string(&current).ok(),
                after: serde_json::to_string(&saved).ok(),
            }
        }};
    }
    let change = match kind {
        Kind::Certification => {
            let current = live_certification(&txn, id).await?;
            authorise_certification(identity, &current)?;
            archive_row!(certification, "certification")
        }
        Kind::TrademarkRight => {
            if let Some(right) = trademark_right::Entity::find_by_id(id).one(&*txn).await? {
                authorise_recruiter_for_certifier(&*txn, identity, right.recruiter_id).await?;
            }
            archive_row!(trademark_right, "trademark_right")
        }
        Kind::Recruiter => archive_row!(recruiter, "recruiter"),
        Kind::Organisation => archive_row!(organisation, "organisation"),
        Kind::Commitment => archive_row!(commitment, "commitment"),
        Kind::TrainingProvider => archive_row!(training_provider, "training_provider"),
        Kind::TrainingListing => archive_row!(training_listing, "training_listing"),
        Kind::Audit => {
            if let Some(audit) = entity::audit::Entity::find_by_id(id).one(&*txn).await? {
                let audited = live_certification(&txn, audit.certification_id).await?;
                authorise_certification(identity, &audited)?;
            }
            archive_row!(audit, "audit")
        }
        Kind::CertificationBody => archive_row!(certification_body, "certification_body"),
        Kind::Auditor => archive_row!(auditor, "auditor"),
        Kind::LicensingAuthority => archive_row!(licensing_authority, "licensing_authority"),
        Kind::SupportService => archive_row!(support_service, "support_service"),
        Kind::AuthorisedChannel => archive_row!(authorised_channel, "authorised_channel"),
        Kind::Complaint | Kind::MisuseReport => {
            return Err(AppError::bad_input(
                "complaints are closed (`moveComplaint`) and misuse reports rejected (`decideMisuseReport`), not archived",
            ));
        }
    };
    let audited = (change.entity_type == "audit")
        .then_some(change.before.as_deref())
        .flatten()
        .and_then(|before| serde_json::from_str::<serde_json::Value>(before).ok())
        .and_then(|audit| audit["certification_id"].as_i64());
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    if let Some(certification_id) = audited {
        // The audit no longer counts: the next one may be due sooner.
        crate::service::trust::refresh_audit_due(&*txn, &[certification_id]).await?;
    }
    txn.commit().await?;
    Ok(())
}
