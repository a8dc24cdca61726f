//! The chain of trust behind a certificate: the certification bodies the scheme approves, their
//! approved auditors, the audits of each certification with what they found, and the national
//! authorities behind recruiters' licences.
//!
//! Two facts here are read by every answer about a certificate, so each has one home:
//! - a body is *in good standing* while its approval status is `approved` (and it is not
//!   archived): [`in_good_standing`]. A suspended or withdrawn body's certificates say so.
//! - an audit is *overdue* when the date the next one falls due, counted by the scheme's audit
//!   policy from the certification and the audits recorded since, has passed: [`audit_due`],
//!   stored on the certification by every write that moves it ([`refresh_audit_due`]) so that a
//!   filter is an index range, and compared with today when a query runs.

use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, Utc};
use entity::{audit, auditor, certification, certification_body, licensing_authority, status_change};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use serde_json::json;

use super::{
    certification::{AuditPolicy, CertificationStatus, effective_status_condition, policy_for},
    page::{self, Listing, PageArgs},
};
use crate::{
    error::{AppError, AppResult},
    interchange::StatusChangeRecord,
    vocab::{self, ApprovalStatus, AuditKind, Violation},
};

// ---- approval of bodies and auditors ----

impl ApprovalStatus {
    /// The statuses this one may move to.
    pub fn allowed_next(self) -> &'static [Self] {
        use ApprovalStatus::*;
        match self {
            Applicant => &[Approved, Withdrawn],
            Approved => &[Suspended, Withdrawn],
            Suspended => &[Approved, Withdrawn],
            Withdrawn => &[Applicant],
        }
    }
}

/// Checks one step of an approval history; `from = None` is the application.
pub fn check_approval_transition(from: Option<ApprovalStatus>, to: ApprovalStatus) -> Result<(), Violation> {
    let Some(from) = from else {
        if to == ApprovalStatus::Applicant {
            return Ok(());
        }
        return Err(format!("an approval starts as applicant, not {}", to.as_str()));
    };
    if from.allowed_next().contains(&to) {
        return Ok(());
    }
    let allowed: Vec<&str> = from.allowed_next().iter().map(|status| status.as_str()).collect();
    Err(format!(
        "cannot go from {} to {}: from {} the allowed transitions are to {}",
        from.as_str(),
        to.as_str(),
        from.as_str(),
        allowed.join(", ")
    ))
}

/// Every rule an approval history obeys: it starts with the application, each step is allowed,
/// times never go back, and it ends in `status`.
pub fn check_approval_history(history: &[StatusChangeRecord], status: &str) -> Vec<Violation> {
    let mut violations = Vec::new();
    let Some(last) = history.last() else {
        return vec!["status_history must contain at least the application entry".to_owned()];
    };
    let mut previous: Option<&StatusChangeRecord> = None;
    for (position, change) in history.iter().enumerate() {
        let entry = position + 1;
        let Some(to) = ApprovalStatus::parse(&change.to) else {
            violations.push(format!(
                "status_history entry {entry}: unknown approval status `{}`: use one of {}",
                change.to,
                ApprovalStatus::VALUES.join(", ")
            ));
            continue;
        };
        let from = change.from.as_deref().map(ApprovalStatus::parse);
        if from.is_some_and(|from| from.is_none()) {
            violations.push(format!(
                "status_history entry {entry}: unknown approval status in `from`"
            ));
            continue;
        }
        let expected_from = previous.map(|previous| previous.to.as_str());
        if change.from.as_deref() != expected_from {
            violations.push(format!(
                "status_history entry {entry}: `from` is {:?} but the previous entry ended in {:?}",
                change.from, expected_from
            ));
        } else if let Err(violation) = check_approval_transition(from.flatten(), to) {
            violations.push(format!("status_history entry {entry}: {violation}"));
        }
        if previous.is_some_and(|previous| change.at < previous.at) {
            violations.push(format!(
                "status_history entry {entry}: `at` is earlier than the entry before it"
            ));
        }
        for (value, what) in [(&change.reason, "reason"), (&change.recorded_by, "recorded_by")] {
            if let Err(violation) = vocab::check_not_blank(value, what) {
                violations.push(format!("status_history entry {entry}: {violation}"));
            }
        }
        previous = Some(change);
    }
    if last.to != status {
        violations.push(format!(
            "status is {status} but the last status_history entry is {}",
            last.to
        ));
    }
    violations
}

/// The approval status in force at `at` by `history` (oldest first); `None` before the
/// application.
pub fn approval_status_at(history: &[StatusChangeRecord], at: DateTime<Utc>) -> Option<ApprovalStatus> {
    history
        .iter()
        .take_while(|change| change.at <= at)
        .last()
        .and_then(|change| ApprovalStatus::parse(&change.to))
}

/// A stored approval history (the JSON column of a body or an auditor).
pub fn stored_history(text: &str, column: &'static str) -> AppResult<Vec<StatusChangeRecord>> {
    serde_json::from_str(text)
        .map_err(|error| AppError::internal(anyhow::anyhow!("corrupt row: `{column}` is not a history: {error}")))
}

/// Whether a body may stand behind certificates today: approved, and not archived.
pub fn in_good_standing(body: &certification_body::Model) -> bool {
    body.archived_at.is_none() && body.status == ApprovalStatus::Approved.as_str()
}

/// Refuses a certification decision its body may not stand behind: while a body is not
/// approved no certifier of it records anything, and nobody certifies, recertifies or
/// reinstates one of its certificates.
pub async fn check_decision_allowed(
    db: &impl ConnectionTrait,
    certification: &certification::Model,
    to: CertificationStatus,
    by_certifier: bool,
) -> AppResult<()> {
    let Some(body_id) = certification.body_id else {
        return Ok(());
    };
    let body = certification_body::Entity::find_by_id(body_id).one(db).await?;
    let Some(body) = body else {
        return Ok(());
    };
    if in_good_standing(&body) || !(by_certifier || to == CertificationStatus::Certified) {
        return Ok(());
    }
    let status = if body.archived_at.is_some() {
        "archived"
    } else {
        body.status.as_str()
    };
    Err(AppError::Conflict(format!(
        "{} is {status}: the scheme does not accept its decisions while it is not approved; \
         the secretariat may withdraw or suspend its certificates, or approve the body again first",
        body.name
    )))
}

// ---- audits ----

/// Whether an audit of this kind is one of the scheduled audits of the policy (a special audit,
/// after a complaint say, is extra and moves nothing).
pub fn counts_toward_schedule(kind: AuditKind) -> bool {
    matches!(kind, AuditKind::Surveillance | AuditKind::Recertification)
}

/// When the next scheduled audit falls due, once `audits_done` scheduled audits have been held
/// since the certification (or the latest recertification): the policy's dates counted from
/// there, the last of the initial period being the recertification audit. `None` for a
/// certification never certified, and once the recertification audit is held (the decision
/// is then the body's to record, and the certificate's expiry bounds the wait). The date may be
/// in the past: then the audit is overdue.
pub fn audit_due(history: &[status_change::Model], policy: AuditPolicy, audits_done: usize) -> Option<NaiveDate> {
    let (anchor, recertified) = schedule_anchor(history)?;
    let (interval, limit) = if recertified {
        (policy.later_interval_months, None)
    } else {
        (policy.initial_interval_months, Some(policy.initial_period_months))
    };
    let done = u32::try_from(audits_done).unwrap_or(u32::MAX);
    let mut months = interval.saturating_mul(done.saturating_add(1));
    if let Some(limit) = limit {
        if interval.saturating_mul(done) >= limit {
            return None;
        }
        months = months.min(limit);
    }
    anchor.checked_add_months(Months::new(months))
}

/// When the next audit falls due (see [`audit_due`]): once the recertification audit is held,
/// the certificate's expiry, by which the recertification decision must be recorded. `None`
/// for a certification never certified.
pub fn next_due(
    history: &[status_change::Model],
    policy: AuditPolicy,
    audits: &[audit::Model],
    expires_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let (anchor, _) = schedule_anchor(history)?;
    audit_due(history, policy, scheduled_audits_since(audits, anchor)).or(expires_on)
}

/// The date the audit schedule counts from: the latest recertification, else the initial
/// certification; and whether it is a recertification.
pub fn schedule_anchor(history: &[status_change::Model]) -> Option<(NaiveDate, bool)> {
    let initial = history
        .iter()
        .rposition(|change| change.from_status.as_deref() == Some("applicant") && change.to_status == "certified")?;
    let recertification = history[initial..]
        .iter()
        .filter(|change| change.from_status.as_deref() == Some("certified") && change.to_status == "certified")
        .map(|change| change.at.date_naive())
        .next_back();
    Some(match recertification {
        Some(date) => (date, true),
        None => (history[initial].at.date_naive(), false),
    })
}

/// How many scheduled audits of `audits` were held since the schedule's anchor.
pub fn scheduled_audits_since(audits: &[audit::Model], anchor: NaiveDate) -> usize {
    audits
        .iter()
        .filter(|audit| audit.archived_at.is_none() && audit.started_on >= anchor)
        .filter(|audit| AuditKind::parse(&audit.kind).is_some_and(counts_toward_schedule))
        .count()
}

/// Recomputes the stored due date of the next audit of these certifications, inside the
/// writing transaction. Called by every write that moves it: a decision, a certification
/// record, an audit record.
pub async fn refresh_audit_due(db: &impl ConnectionTrait, certification_ids: &[i64]) -> AppResult<()> {
    let policies = entity::audit_policy::Entity::find().all(db).await?;
    for chunk in certification_ids.chunks(500) {
        let certifications = certification::Entity::find()
            .filter(certification::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let mut histories: HashMap<i64, Vec<status_change::Model>> = HashMap::new();
        for change in status_change::Entity::find()
            .filter(status_change::Column::CertificationId.is_in(chunk.iter().copied()))
            .order_by_asc(status_change::Column::At)
            .order_by_asc(status_change::Column::Id)
            .all(db)
            .await?
        {
            histories.entry(change.certification_id).or_default().push(change);
        }
        let mut audits: HashMap<i64, Vec<audit::Model>> = HashMap::new();
        for row in audit::Entity::find()
            .filter(audit::Column::CertificationId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            audits.entry(row.certification_id).or_default().push(row);
        }
        for row in certifications {
            let history = histories.remove(&row.id).unwrap_or_default();
            let held = audits.remove(&row.id).unwrap_or_default();
            let due = next_due(&history, policy_for(&policies, &row.scheme), &held, row.expires_on);
            if due != row.audit_due_on {
                let mut updated: certification::ActiveModel = row.into();
                updated.audit_due_on = Set(due);
                updated.update(db).await?;
            }
        }
    }
    Ok(())
}

/// Stores, once at start, the next audit date of live certificates that are certified or
/// suspended but have none: those of a directory written before audits were records. A
/// directory written since has them all (every write that moves one stores it), so this finds
/// nothing and writes nothing.
pub async fn backfill_audit_due(db: &DatabaseConnection) -> AppResult<usize> {
    use sea_orm::QuerySelect;
    let missing: Vec<i64> = certification::Entity::find()
        .select_only()
        .column(certification::Column::Id)
        .filter(certification::Column::AuditDueOn.is_null())
        .filter(certification::Column::Status.is_in(["certified", "suspended"]))
        .filter(certification::Column::ArchivedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if missing.is_empty() {
        return Ok(0);
    }
    let txn = crate::changes::begin_write(db).await?;
    refresh_audit_due(&*txn, &missing).await?;
    txn.commit().await?;
    tracing::info!(
        certificates = missing.len(),
        "stored the next audit date of certificates written before audits were records"
    );
    Ok(missing.len())
}

/// Certification rows whose next audit is overdue today: certified or suspended today, and the
/// stored due date has passed.
pub fn audit_overdue_condition(today: NaiveDate) -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(effective_status_condition(CertificationStatus::Certified, today))
                .add(effective_status_condition(CertificationStatus::Suspended, today)),
        )
        .add(certification::Column::AuditDueOn.lt(today))
}

/// Whether a certification's audit is overdue today, from its due date.
pub fn audit_overdue(certification: &certification::Model, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    let status = super::certification::status_today(certification, today);
    matches!(status, CertificationStatus::Certified | CertificationStatus::Suspended)
        && due.is_some_and(|due| due < today)
}

/// Public text of an audit (finding summaries, corrective actions) must not identify anyone: no
/// e-mail address and no phone number. Names cannot be recognised by a rule; the certifier
/// answers for those, and the audit trail says who wrote what.
pub fn check_identifies_nobody(text: &str, what: &str) -> Result<(), Violation> {
    let has_email = text.split_whitespace().any(|word| {
        word.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
    });
    let mut digits = 0usize;
    let mut longest = 0usize;
    for character in text.chars() {
        if character.is_ascii_digit() {
            digits += 1;
            longest = longest.max(digits);
        } else if !matches!(character, ' ' | '-' | '(' | ')' | '+' | '.') {
            digits = 0;
        }
    }
    if has_email || longest >= 8 {
        return Err(format!(
            "{what} looks like it holds an e-mail address or a phone number: public audit text must not \
             identify a worker or anyone else; describe the finding instead"
        ));
    }
    Ok(())
}

// ---- lists ----

#[derive(Debug, Clone, Default)]
pub struct BodyFilter {
    pub country: Option<String>,
    /// Bodies that may audit in this country.
    pub audits_in: Option<String>,
    pub status: Option<Vec<ApprovalStatus>>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditorFilter {
    pub body_id: Option<i64>,
    pub status: Option<Vec<ApprovalStatus>>,
}

#[derive(Debug, Clone, Default)]
pub struct AuthorityFilter {
    pub country: Option<String>,
}

/// Certification bodies, by name.
pub async fn bodies(
    db: &DatabaseConnection,
    filter: &BodyFilter,
    args: &PageArgs,
) -> AppResult<Listing<certification_body::Model>> {
    use certification_body::Column;
    let mut condition = Condition::all().add(Column::ArchivedAt.is_null());
    if let Some(country) = &filter.country {
        vocab::check_country(country).map_err(AppError::BadInput)?;
        condition = condition.add(Column::Country.eq(country.as_str()));
    }
    if let Some(country) = &filter.audits_in {
        vocab::check_country(country).map_err(AppError::BadInput)?;
        // A handful of bodies: the JSON text of their countries is read as it is.
        condition = condition.add(Column::AuditCountries.contains(format!("\"{country}\"")));
    }
    if let Some(statuses) = filter.status.as_ref().filter(|statuses| !statuses.is_empty()) {
        condition = condition.add(Column::Status.is_in(statuses.iter().map(|status| status.as_str())));
    }
    let ordering = page::by_text_then_id(
        "body_name",
        Expr::col((certification_body::Entity, Column::Name)),
        Expr::col((certification_body::Entity, Column::Id)),
    );
    let select = certification_body::Entity::find().filter(condition);
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.name), json!(row.id)]).await
}

/// Approved auditors (and those who were), by name.
pub async fn auditors(
    db: &DatabaseConnection,
    filter: &AuditorFilter,
    args: &PageArgs,
) -> AppResult<Listing<auditor::Model>> {
    use auditor::Column;
    let mut condition = Condition::all().add(Column::ArchivedAt.is_null());
    if let Some(body_id) = filter.body_id {
        condition = condition.add(Column::BodyId.eq(body_id));
    }
    if let Some(statuses) = filter.status.as_ref().filter(|statuses| !statuses.is_empty()) {
        condition = condition.add(Column::Status.is_in(statuses.iter().map(|status| status.as_str())));
    }
    let ordering = page::by_text_then_id(
        "auditor_name",
        Expr::col((auditor::Entity, Column::Name)),
        Expr::col((auditor::Entity, Column::Id)),
    );
    let select = auditor::Entity::find().filter(condition);
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.name), json!(row.id)]).await
}

/// Licensing authorities, by name.
pub async fn authorities(
    db: &DatabaseConnection,
    filter: &AuthorityFilter,
    args: &PageArgs,
) -> AppResult<Listing<licensing_authority::Model>> {
    use licensing_authority::Column;
    let mut condition = Condition::all().add(Column::ArchivedAt.is_null());
    if let Some(country) = &filter.country {
        vocab::check_country(country).map_err(AppError::BadInput)?;
        condition = condition.add(Column::Country.eq(country.as_str()));
    }
    let ordering = page::by_text_then_id(
        "authority_name",
        Expr::col((licensing_authority::Entity, Column::Name)),
        Expr::col((licensing_authority::Entity, Column::Id)),
    );
    let select = licensing_authority::Entity::find().filter(condition);
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.name), json!(row.id)]).await
}

/// The body of this name (as a certifier's token names it), compared case- and
/// space-insensitively.
pub async fn body_by_name(db: &DatabaseConnection, name: &str) -> AppResult<Option<certification_body::Model>> {
    Ok(certification_body::Entity::find()
        .filter(certification_body::Column::NameKey.eq(vocab::normalise_key(name)))
        .one(db)
        .await?)
}

pub async fn find_body(db: &DatabaseConnection, id: i64) -> AppResult<Option<certification_body::Model>> {
    Ok(certification_body::Entity::find_by_id(id)
        .filter(certification_body::Column::ArchivedAt.is_null())
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn change(from: Option<&str>, to: &str, day: (i32, u32, u32)) -> status_change::Model {
        status_change::Model {
            id: 0,
            certification_id: 1,
            from_status: from.map(str::to_owned),
            to_status: to.to_owned(),
            at: Utc.with_ymd_and_hms(day.0, day.1, day.2, 10, 0, 0).unwrap(),
            reason: "audit_passed".to_owned(),
            recorded_by: "secretariat".to_owned(),
            complaint_cases: "[]".to_owned(),
        }
    }

    const POLICY: AuditPolicy = AuditPolicy {
        initial_interval_months: 6,
        initial_period_months: 24,
        later_interval_months: 12,
    };

    #[test]
    fn the_next_audit_counts_the_scheduled_audits_held() {
        let history = [
            change(None, "applicant", (2024, 1, 10)),
            change(Some("applicant"), "certified", (2024, 3, 15)),
        ];
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(audit_due(&history, POLICY, 0), Some(date(2024, 9, 15)));
        assert_eq!(audit_due(&history, POLICY, 2), Some(date(2025, 9, 15)));
        // The fourth falls at the end of the initial period: the recertification.
        assert_eq!(audit_due(&history, POLICY, 3), Some(date(2026, 3, 15)));
        // Once the recertification audit is held, nothing more falls due before the decision.
        assert_eq!(audit_due(&history, POLICY, 4), None);
        let mut recertified = history.to_vec();
        recertified.push(change(Some("certified"), "certified", (2026, 3, 1)));
        assert_eq!(audit_due(&recertified, POLICY, 0), Some(date(2027, 3, 1)));
        assert_eq!(audit_due(&history[..1], POLICY, 0), None);
    }

    #[test]
    fn approvals_follow_their_lifecycle_and_are_read_at_a_moment() {
        let at = |day| Utc.with_ymd_and_hms(2025, 1, day, 0, 0, 0).unwrap();
        let entry = |from: Option<&str>, to: &str, day| StatusChangeRecord {
            from: from.map(str::to_owned),
            to: to.to_owned(),
            at: at(day),
            reason: "approval_granted".to_owned(),
            recorded_by: "secretariat".to_owned(),
            complaint_cases: Vec::new(),
        };
        let history = vec![
            entry(None, "applicant", 1),
            entry(Some("applicant"), "approved", 5),
            entry(Some("approved"), "suspended", 20),
        ];
        assert!(check_approval_history(&history, "suspended").is_empty());
        assert_eq!(approval_status_at(&history, at(4)), Some(ApprovalStatus::Applicant));
        assert_eq!(approval_status_at(&history, at(19)), Some(ApprovalStatus::Approved));
        assert_eq!(approval_status_at(&history, at(25)), Some(ApprovalStatus::Suspended));
        let mut wrong = history.clone();
        wrong.push(entry(Some("suspended"), "applicant", 21));
        let violations = check_approval_history(&wrong, "applicant");
        assert!(violations[0].contains("from suspended the allowed transitions are to approved, withdrawn"));
    }

    #[test]
    fn audit_text_may_not_carry_contacts() {
        assert!(check_identifies_nobody("Fees of USD 1,200 were charged to 14 workers", "summary").is_ok());
        assert!(check_identifies_nobody("Reported by ram@example.com", "summary").is_err());
        assert!(check_identifies_nobody("Call +977 98-4123-4567", "summary").is_err());
    }
}
