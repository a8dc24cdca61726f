//! The right to display the certification mark, and whether a web domain may show it today.

use chrono::NaiveDate;
use entity::{recruiter, trademark_domain, trademark_right};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::standing;
use crate::{
    error::{AppError, AppResult},
    vocab::{self, MarkRightStatus},
};

/// Why a domain may or may not display the mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkUseStatus {
    /// An active right lists the domain and its recruiter is certified today.
    Allowed,
    /// No mark right lists this domain.
    NoRight,
    RightSuspended,
    RightRevoked,
    RightExpired,
    /// The right is active but its recruiter is not certified today.
    RecruiterNotCertified,
}

pub struct MarkUse {
    pub domain: String,
    pub status: MarkUseStatus,
    pub reason: String,
    pub right: Option<trademark_right::Model>,
    pub recruiter: Option<recruiter::Model>,
}

/// Whether a right is in force today and, if not, why. "In force" itself is the right's
/// maintained standing ([`standing::right_in_force`]); the other arms only name the reason.
pub fn right_status_today(right: &trademark_right::Model, today: NaiveDate) -> MarkUseStatus {
    match MarkRightStatus::parse(&right.status) {
        Some(MarkRightStatus::Suspended) => MarkUseStatus::RightSuspended,
        Some(MarkRightStatus::Revoked) | None => MarkUseStatus::RightRevoked,
        Some(MarkRightStatus::Active) if standing::right_in_force(right, today) => MarkUseStatus::Allowed,
        Some(MarkRightStatus::Active) if right.expires_on.is_some_and(|expires_on| expires_on < today) => {
            MarkUseStatus::RightExpired
        }
        Some(MarkRightStatus::Active) if right.granted_on > today => MarkUseStatus::NoRight,
        Some(MarkRightStatus::Active) => MarkUseStatus::RecruiterNotCertified,
    }
}

/// Checks a domain (or a full address: scheme, `www.`, port and path are ignored).
pub async fn verify_mark_use(db: &DatabaseConnection, input: &str, today: NaiveDate) -> AppResult<MarkUse> {
    let domain = vocab::normalise_domain(input);
    vocab::check_domain(&domain).map_err(AppError::BadInput)?;
    let right_ids: Vec<i64> = trademark_domain::Entity::find()
        .filter(trademark_domain::Column::Domain.eq(domain.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.right_id)
        .collect();
    let rights = trademark_right::Entity::find()
        .filter(trademark_right::Column::Id.is_in(right_ids))
        .filter(trademark_right::Column::ArchivedAt.is_null())
        // The rights of an archived recruiter are gone with it.
        .filter(super::certification::live_recruiter((
            trademark_right::Entity,
            trademark_right::Column::RecruiterId,
        )))
        .order_by_desc(trademark_right::Column::GrantedOn)
        .all(db)
        .await?;
    // The most favourable right decides: one allowed right is enough.
    let best = rights
        .into_iter()
        .map(|right| (right_status_today(&right, today), right))
        .min_by_key(|(status, _)| *status as u8);
    let Some((status, right)) = best else {
        return Ok(MarkUse {
            reason: format!("no mark right lists {domain}: this site may not display the certification mark"),
            domain,
            status: MarkUseStatus::NoRight,
            right: None,
            recruiter: None,
        });
    };
    let recruiter = recruiter::Entity::find_by_id(right.recruiter_id).one(db).await?;
    let holder = recruiter
        .as_ref()
        .map_or("its holder".to_owned(), |recruiter| recruiter.legal_name.clone());
    let number = &right.licence_number;
    let reason = match status {
        MarkUseStatus::Allowed => format!(
            "{holder} holds mark right {number}, active{}, and is certified today",
            right
                .expires_on
                .map(|date| format!(" until {date}"))
                .unwrap_or_default()
        ),
        MarkUseStatus::NoRight => format!("mark right {number} of {holder} only starts on {}", right.granted_on),
        MarkUseStatus::RightSuspended => format!("mark right {number} of {holder} is suspended"),
        MarkUseStatus::RightRevoked => format!("mark right {number} of {holder} has been revoked"),
        MarkUseStatus::RightExpired => format!(
            "mark right {number} of {holder} expired on {}",
            right.expires_on.map(|date| date.to_string()).unwrap_or_default()
        ),
        MarkUseStatus::RecruiterNotCertified => {
            format!("{holder} holds mark right {number} but is not certified today, so the right is not in force")
        }
    };
    Ok(MarkUse {
        domain,
        status,
        reason,
        right: Some(right),
        recruiter,
    })
}
