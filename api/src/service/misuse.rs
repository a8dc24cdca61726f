//! Misuse reports: anyone may report a false claim (a web domain or page showing the mark, a
//! certificate number used by someone else, a fake agent). A report is private until the
//! secretariat confirms it; confirmed reports are public, and `verifyMarkUse` and
//! `verifyContact` warn when the value they check is a known impersonator.
//!
//! Each report is keyed the way the checks compare values, so a report of
//! `https://www.Fake-Agency.com/jobs` warns `verifyMarkUse("fake-agency.com")`, and a report of
//! `+977 980-1234567` warns `verifyContact("009779801234567")`.

use chrono::{DateTime, Utc};
use entity::{misuse_report, recruiter};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{
    contact,
    page::{self, Listing, Ordering, PageArgs},
};
use crate::{
    auth::Identity,
    changes::{self, Actor, Change},
    error::{AppError, AppResult},
    vocab::{self, MisuseKind, MisuseStatus},
};

/// The most a reporter may write in `details`.
pub const MAX_DETAILS_CHARS: usize = 2_000;

/// The key a value is compared by: `domain:…` for a web host, `certificate:…` for a
/// certificate number, the contact kind and key (`phone:+977…`, `web:…`, `agent_number:…`) for
/// an agent. A value that cannot be read is refused with the reason.
pub fn value_key(kind: MisuseKind, value: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > contact::MAX_VALUE_CHARS {
        return Err(AppError::bad_input(format!(
            "`value` must be 1 to {} characters",
            contact::MAX_VALUE_CHARS
        )));
    }
    Ok(match kind {
        MisuseKind::MarkDisplay => {
            let domain = vocab::normalise_domain(value);
            vocab::check_domain(&domain).map_err(AppError::BadInput)?;
            format!("domain:{domain}")
        }
        MisuseKind::CertificateNumber => format!("certificate:{}", vocab::normalise_key(value)),
        MisuseKind::FakeAgent => {
            let kind = contact::classify(value);
            let key = match kind {
                contact::ContactKind::Phone => contact::normalise_phone(value, None),
                contact::ContactKind::Web => contact::normalise_web(value),
                contact::ContactKind::AgentNumber => contact::normalise_agent_number(value),
            }
            .map_err(AppError::BadInput)?;
            format!("{}:{key}", kind.as_str())
        }
    })
}

/// What someone reports.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub kind: MisuseKind,
    pub value: String,
    pub recruiter_id: Option<i64>,
    pub details: Option<String>,
}

/// Files a report (anyone may; the caller rate-limits). Nothing about the reporter is kept.
pub async fn report(
    db: &sea_orm::DatabaseConnection,
    report: NewReport,
    now: DateTime<Utc>,
) -> AppResult<misuse_report::Model> {
    let key = value_key(report.kind, &report.value)?;
    let details = report
        .details
        .map(|details| details.trim().to_owned())
        .filter(|details| !details.is_empty());
    if details
        .as_ref()
        .is_some_and(|details| details.chars().count() > MAX_DETAILS_CHARS)
    {
        return Err(AppError::bad_input(format!(
            "`details` is longer than {MAX_DETAILS_CHARS} characters"
        )));
    }
    let txn = changes::begin_write(db).await?;
    if let Some(recruiter_id) = report.recruiter_id {
        recruiter::Entity::find_by_id(recruiter_id)
            .filter(recruiter::Column::ArchivedAt.is_null())
            .one(&*txn)
            .await?
            .ok_or_else(|| AppError::NotFound("no recruiter with that id".to_owned()))?;
    }
    let saved = misuse_report::ActiveModel {
        kind: Set(report.kind.as_str().to_owned()),
        value: Set(report.value.trim().to_owned()),
        value_key: Set(key),
        recruiter_id: Set(report.recruiter_id),
        details: Set(details),
        status: Set(MisuseStatus::Received.as_str().to_owned()),
        public_note: Set(None),
        reported_at: Set(now),
        decided_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let change = Change::of("misuse_report", saved.id, "create", None, &saved);
    let reporter = Actor {
        subject: "anonymous".to_owned(),
        role: "public".to_owned(),
    };
    changes::record(&txn, &reporter, now, vec![change]).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The secretariat's decision on a report: confirmed (public from now on) or rejected. A
/// confirmed report may later be rejected (withdrawn on appeal); a rejected one stays so.
pub async fn decide(
    db: &sea_orm::DatabaseConnection,
    identity: &Identity,
    id: i64,
    expected_version: i32,
    to: MisuseStatus,
    public_note: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<misuse_report::Model> {
    let public_note = public_note
        .map(|note| note.trim().to_owned())
        .filter(|note| !note.is_empty());
    if let Some(note) = &public_note {
        vocab::check_not_blank(note, "publicNote").map_err(AppError::BadInput)?;
        crate::service::trust::check_identifies_nobody(note, "publicNote").map_err(AppError::BadInput)?;
    }
    let txn = changes::begin_write(db).await?;
    let current = misuse_report::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no misuse report with that id".to_owned()))?;
    if current.version != expected_version {
        return Err(super::write::stale("misuse report", current.version, expected_version));
    }
    let from = MisuseStatus::stored(&current.status, "misuse_report.status")?;
    let allowed = matches!(
        (from, to),
        (MisuseStatus::Received, MisuseStatus::Confirmed | MisuseStatus::Rejected)
            | (MisuseStatus::Confirmed, MisuseStatus::Rejected)
    );
    if !allowed {
        return Err(AppError::Conflict(format!(
            "a {} report cannot become {}: a received report is confirmed or rejected, a confirmed one may be rejected",
            from.as_str(),
            to.as_str()
        )));
    }
    let mut updated: misuse_report::ActiveModel = current.clone().into();
    updated.status = Set(to.as_str().to_owned());
    updated.public_note = Set(public_note);
    updated.decided_at = Set(Some(now));
    updated.version = Set(current.version + 1);
    updated.updated_at = Set(now);
    let saved = updated.update(&*txn).await?;
    let change = Change::of("misuse_report", id, "decision", Some(&current), &saved);
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    Ok(saved)
}

#[derive(Debug, Clone, Default)]
pub struct MisuseReportFilter {
    pub kind: Option<Vec<MisuseKind>>,
    pub recruiter_id: Option<i64>,
    /// Only the secretariat sees reports that are not confirmed.
    pub status: Option<Vec<MisuseStatus>>,
}

/// Reports, newest first. `private` (the secretariat) sees every status; everyone else only
/// confirmed ones, whatever the filter asks.
pub async fn list(
    db: &sea_orm::DatabaseConnection,
    filter: &MisuseReportFilter,
    private: bool,
    args: &PageArgs,
) -> AppResult<Listing<misuse_report::Model>> {
    let mut select = misuse_report::Entity::find();
    if !private {
        select = select.filter(misuse_report::Column::Status.eq(MisuseStatus::Confirmed.as_str()));
    } else if let Some(statuses) = filter.status.as_ref().filter(|statuses| !statuses.is_empty()) {
        select = select.filter(misuse_report::Column::Status.is_in(statuses.iter().map(|status| status.as_str())));
    }
    if let Some(kinds) = filter.kind.as_ref().filter(|kinds| !kinds.is_empty()) {
        select = select.filter(misuse_report::Column::Kind.is_in(kinds.iter().map(|kind| kind.as_str())));
    }
    if let Some(recruiter_id) = filter.recruiter_id {
        select = select.filter(misuse_report::Column::RecruiterId.eq(recruiter_id));
    }
    let ordering = Ordering::by_id(
        "misuse_newest",
        sea_orm::sea_query::Expr::col((misuse_report::Entity, misuse_report::Column::Id)),
        true,
    );
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.id)]).await
}

/// The latest confirmed report on any of `keys`, for the checks' warnings.
pub async fn confirmed_for(db: &impl ConnectionTrait, keys: &[String]) -> AppResult<Option<misuse_report::Model>> {
    if keys.is_empty() {
        return Ok(None);
    }
    Ok(misuse_report::Entity::find()
        .filter(misuse_report::Column::ValueKey.is_in(keys.iter().cloned()))
        .filter(misuse_report::Column::Status.eq(MisuseStatus::Confirmed.as_str()))
        .order_by_desc(misuse_report::Column::Id)
        .one(db)
        .await?)
}

/// The warning a check gives for a confirmed report.
pub fn warning(report: &misuse_report::Model) -> String {
    let when = report
        .decided_at
        .map(|at| at.date_naive().to_string())
        .unwrap_or_default();
    match report.public_note.as_deref() {
        Some(note) => format!("reported and confirmed as an impersonator on {when}: {note}"),
        None => format!("reported and confirmed as an impersonator on {when}: do not trust it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_keyed_as_the_checks_compare() {
        assert_eq!(
            value_key(MisuseKind::MarkDisplay, "https://www.Fake-Agency.com/jobs").ok(),
            Some("domain:fake-agency.com".to_owned())
        );
        assert_eq!(
            value_key(MisuseKind::CertificateNumber, " ers-np 2024-0000001 ").ok(),
            Some("certificate:ers-np2024-0000001".to_owned())
        );
        assert_eq!(
            value_key(MisuseKind::FakeAgent, "+977 1-4411726").ok(),
            Some("phone:+97714411726".to_owned())
        );
        assert_eq!(
            value_key(MisuseKind::FakeAgent, "https://m.facebook.com/FakeAgency").ok(),
            Some("web:facebook.com/fakeagency".to_owned())
        );
        assert!(value_key(MisuseKind::MarkDisplay, "not a domain").is_err());
        assert!(value_key(MisuseKind::FakeAgent, "").is_err());
    }
}
