//! How a certification may change, what "certified today" means, and when the next audit falls.
//!
//! The lifecycle is the one of `shared/spec/domain.md`; every path that writes a status (import,
//! mutations) goes through [`check_transition`], and every path that reads one goes through
//! [`effective_status`], so a certificate past its expiry date never shows as certified.

use chrono::{Months, NaiveDate};
use entity::{audit_policy, certification, status_change};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Query, SelectStatement},
};

use crate::{
    error::{AppError, AppResult},
    vocab::Violation,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertificationStatus {
    Applicant,
    Deferred,
    Rejected,
    Certified,
    Suspended,
    Withdrawn,
    Expired,
}

impl CertificationStatus {
    pub const ALL: [Self; 7] = [
        Self::Applicant,
        Self::Deferred,
        Self::Rejected,
        Self::Certified,
        Self::Suspended,
        Self::Withdrawn,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Deferred => "deferred",
            Self::Rejected => "rejected",
            Self::Certified => "certified",
            Self::Suspended => "suspended",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// See `stored` in `vocab::vocabulary!`.
    pub fn stored(text: &str, column: &'static str) -> AppResult<Self> {
        Self::parse(text).ok_or_else(|| crate::vocab::corrupt(column, text, &Self::ALL.map(Self::as_str)))
    }

    /// The statuses this one may move to (`Certified -> Certified` is a recertification).
    pub fn allowed_next(self) -> &'static [Self] {
        use CertificationStatus::*;
        match self {
            Applicant => &[Deferred, Rejected, Certified],
            Deferred => &[Applicant],
            Rejected | Expired | Withdrawn => &[Applicant],
            Certified => &[Suspended, Withdrawn, Expired, Certified],
            Suspended => &[Certified, Withdrawn],
        }
    }
}

/// Checks one lifecycle step; `from = None` is the creation of the record.
pub fn check_transition(from: Option<CertificationStatus>, to: CertificationStatus) -> Result<(), Violation> {
    let Some(from) = from else {
        if to == CertificationStatus::Applicant {
            return Ok(());
        }
        return Err(format!("a certification starts as applicant, not {}", to.as_str()));
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

/// The status the public sees today: a `certified` record past its expiry date is expired,
/// whatever the stored status says.
pub fn effective_status(
    stored: CertificationStatus,
    expires_on: Option<NaiveDate>,
    today: NaiveDate,
) -> CertificationStatus {
    let lapsed = expires_on.is_none_or(|expires_on| expires_on < today);
    if stored == CertificationStatus::Certified && lapsed {
        return CertificationStatus::Expired;
    }
    stored
}

/// The status the certification's row records. The column only ever holds values written
/// through `CertificationStatus::as_str`; a corrupt one is logged as an error and read as
/// `APPLICANT`, the one status that certifies nothing, so a damaged row can never make a
/// recruiter certified.
pub fn stored_status(model: &certification::Model) -> CertificationStatus {
    CertificationStatus::stored(&model.status, "certification.status").unwrap_or_else(|error| {
        if let AppError::Internal(cause) = &error {
            tracing::error!(certification = model.id, error = %cause, "read as APPLICANT");
        }
        CertificationStatus::Applicant
    })
}

pub fn status_today(model: &certification::Model, today: NaiveDate) -> CertificationStatus {
    effective_status(stored_status(model), model.expires_on, today)
}

/// SQL condition on `certification` rows whose effective status today is `status`.
pub fn effective_status_condition(status: CertificationStatus, today: NaiveDate) -> Condition {
    use certification::Column;
    let live = Condition::all().add(Column::ArchivedAt.is_null());
    match status {
        CertificationStatus::Certified => live
            .add(Column::Status.eq("certified"))
            .add(Column::ExpiresOn.gte(today)),
        CertificationStatus::Expired => live.add(
            Condition::any().add(Column::Status.eq("expired")).add(
                Condition::all().add(Column::Status.eq("certified")).add(
                    Condition::any()
                        .add(Column::ExpiresOn.is_null())
                        .add(Column::ExpiresOn.lt(today)),
                ),
            ),
        ),
        other => live.add(Column::Status.eq(other.as_str())),
    }
}

/// `SELECT recruiter_id FROM certification WHERE <effective status is one of statuses>`.
pub fn recruiters_with_status(statuses: &[CertificationStatus], today: NaiveDate) -> SelectStatement {
    let mut any = Condition::any();
    for status in statuses {
        any = any.add(effective_status_condition(*status, today));
    }
    Query::select()
        .column(certification::Column::RecruiterId)
        .from(certification::Entity)
        .cond_where(any)
        .to_owned()
}

/// The surveillance-audit schedule of a scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditPolicy {
    pub initial_interval_months: u32,
    pub initial_period_months: u32,
    pub later_interval_months: u32,
}

impl From<&audit_policy::Model> for AuditPolicy {
    fn from(model: &audit_policy::Model) -> Self {
        let months = |value: i32| u32::try_from(value).unwrap_or(1).max(1);
        Self {
            initial_interval_months: months(model.initial_interval_months),
            initial_period_months: months(model.initial_period_months),
            later_interval_months: months(model.later_interval_months),
        }
    }
}

/// The next surveillance or recertification audit on or after `today`, following `policy`:
/// every `initial_interval` months for `initial_period` months after the initial certification
/// (the last one being the recertification), then every `later_interval` months after the
/// latest recertification. `None` unless the certification is certified or suspended today.
pub fn next_audit_due(
    status_today: CertificationStatus,
    history: &[status_change::Model],
    policy: AuditPolicy,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if !matches!(
        status_today,
        CertificationStatus::Certified | CertificationStatus::Suspended
    ) {
        return None;
    }
    let initial_index = history
        .iter()
        .rposition(|change| change.from_status.as_deref() == Some("applicant") && change.to_status == "certified")?;
    let initial = history[initial_index].at.date_naive();
    let latest_recertification = history[initial_index..]
        .iter()
        .filter(|change| change.from_status.as_deref() == Some("certified") && change.to_status == "certified")
        .map(|change| change.at.date_naive())
        .next_back();
    let (start, interval, limit) = match latest_recertification {
        Some(recertified) => (recertified, policy.later_interval_months, None),
        None => (
            initial,
            policy.initial_interval_months,
            Some(policy.initial_period_months),
        ),
    };
    let mut months = interval;
    loop {
        let due = start.checked_add_months(Months::new(months))?;
        let last_of_phase = limit.is_some_and(|limit| months + interval > limit);
        if due >= today || last_of_phase {
            return Some(due);
        }
        months += interval;
    }
}

/// The policy for `scheme`, falling back to the default (`*`).
pub fn policy_for(policies: &[audit_policy::Model], scheme: &str) -> AuditPolicy {
    policies
        .iter()
        .find(|policy| policy.scheme == scheme)
        .or_else(|| policies.iter().find(|policy| policy.scheme == "*"))
        .map(AuditPolicy::from)
        .unwrap_or(AuditPolicy {
            initial_interval_months: 6,
            initial_period_months: 24,
            later_interval_months: 12,
        })
}

/// Certifications whose holder is not archived: an archived recruiter's certificates are gone
/// from every answer with it. A correlated `EXISTS` (one primary-key probe per row): as
/// `recruiter_id IN (SELECT id ...)`, SQLite built the list of every live recruiter for each
/// lookup.
pub fn holder_is_live() -> sea_orm::sea_query::SimpleExpr {
    live_recruiter((certification::Entity, certification::Column::RecruiterId))
}

/// `EXISTS` a live (not archived) recruiter whose id is in `recruiter_id`.
pub fn live_recruiter(recruiter_id: impl sea_orm::sea_query::IntoColumnRef) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    let holder = Alias::new("holder");
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(entity::recruiter::Entity, holder.clone())
            .and_where(Expr::col((holder.clone(), entity::recruiter::Column::Id)).equals(recruiter_id))
            .and_where(Expr::col((holder, entity::recruiter::Column::ArchivedAt)).is_null())
            .to_owned(),
    )
}

pub async fn find_by_number(db: &DatabaseConnection, number: &str) -> AppResult<Option<certification::Model>> {
    Ok(certification::Entity::find()
        .filter(certification::Column::NumberKey.eq(crate::vocab::normalise_key(number)))
        .filter(certification::Column::ArchivedAt.is_null())
        .filter(holder_is_live())
        .one(db)
        .await?)
}

/// [`find_by_number`] with its holder, in one statement: a lookup that shows the holder would
/// otherwise need a second one (each statement is a round trip to the database).
pub async fn find_with_holder_by_number(
    db: &DatabaseConnection,
    number: &str,
) -> AppResult<Option<(certification::Model, entity::recruiter::Model)>> {
    use entity::recruiter;
    let holder = certification::Entity::belongs_to(recruiter::Entity)
        .from(certification::Column::RecruiterId)
        .to(recruiter::Column::Id)
        .into();
    let found = certification::Entity::find()
        .join(sea_orm::JoinType::InnerJoin, holder)
        .filter(certification::Column::NumberKey.eq(crate::vocab::normalise_key(number)))
        .filter(certification::Column::ArchivedAt.is_null())
        .filter(recruiter::Column::ArchivedAt.is_null())
        .select_also(recruiter::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(certification, holder)| Some((certification, holder?))))
}

pub async fn find_by_id(db: &DatabaseConnection, id: i64) -> AppResult<Option<certification::Model>> {
    Ok(certification::Entity::find_by_id(id)
        .filter(certification::Column::ArchivedAt.is_null())
        .filter(holder_is_live())
        .one(db)
        .await?)
}

pub async fn audit_policies(db: &DatabaseConnection) -> AppResult<Vec<audit_policy::Model>> {
    Ok(audit_policy::Entity::find()
        .order_by_asc(audit_policy::Column::Id)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::{CertificationStatus::*, *};

    #[test]
    fn only_the_lifecycle_transitions_are_allowed() {
        let allowed = [
            (Applicant, Deferred),
            (Deferred, Applicant),
            (Applicant, Rejected),
            (Applicant, Certified),
            (Certified, Suspended),
            (Suspended, Certified),
            (Certified, Withdrawn),
            (Suspended, Withdrawn),
            (Certified, Expired),
            (Rejected, Applicant),
            (Expired, Applicant),
            (Withdrawn, Applicant),
            (Certified, Certified),
        ];
        for from in CertificationStatus::ALL {
            for to in CertificationStatus::ALL {
                let result = check_transition(Some(from), to);
                assert_eq!(result.is_ok(), allowed.contains(&(from, to)), "{from:?} -> {to:?}");
            }
        }
        let message = check_transition(Some(Rejected), Certified).unwrap_err();
        assert!(message.contains("allowed transitions are to applicant"), "{message}");
        assert!(check_transition(None, Applicant).is_ok());
        assert!(check_transition(None, Certified).is_err());
    }

    #[test]
    fn certified_past_expiry_is_expired() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let yesterday = today.pred_opt();
        assert_eq!(effective_status(Certified, yesterday, today), Expired);
        assert_eq!(effective_status(Certified, Some(today), today), Certified);
        assert_eq!(effective_status(Certified, None, today), Expired);
        assert_eq!(effective_status(Suspended, yesterday, today), Suspended);
    }

    fn change(from: Option<&str>, to: &str, date: (i32, u32, u32)) -> status_change::Model {
        status_change::Model {
            id: 0,
            certification_id: 0,
            from_status: from.map(str::to_owned),
            to_status: to.to_owned(),
            at: Utc.with_ymd_and_hms(date.0, date.1, date.2, 10, 0, 0).unwrap(),
            reason: "audit_passed".to_owned(),
            recorded_by: "secretariat".to_owned(),
            complaint_cases: "[]".to_owned(),
        }
    }

    #[test]
    fn audits_every_six_months_for_two_years_then_yearly() {
        let policy = AuditPolicy {
            initial_interval_months: 6,
            initial_period_months: 24,
            later_interval_months: 12,
        };
        let history = vec![
            change(None, "applicant", (2025, 1, 10)),
            change(Some("applicant"), "certified", (2025, 3, 15)),
        ];
        let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            next_audit_due(Certified, &history, policy, on(2025, 4, 1)),
            Some(on(2025, 9, 15))
        );
        assert_eq!(
            next_audit_due(Certified, &history, policy, on(2026, 11, 22)),
            Some(on(2027, 3, 15))
        );
        // Past the two years without a recertification: the recertification audit is overdue.
        assert_eq!(
            next_audit_due(Certified, &history, policy, on(2027, 6, 1)),
            Some(on(2027, 3, 15))
        );
        let mut recertified = history.clone();
        recertified.push(change(Some("certified"), "certified", (2027, 3, 20)));
        assert_eq!(
            next_audit_due(Certified, &recertified, policy, on(2027, 6, 1)),
            Some(on(2028, 3, 20))
        );
        assert_eq!(
            next_audit_due(Certified, &recertified, policy, on(2028, 6, 1)),
            Some(on(2029, 3, 20))
        );
        assert_eq!(next_audit_due(Withdrawn, &history, policy, on(2025, 4, 1)), None);
    }
}
