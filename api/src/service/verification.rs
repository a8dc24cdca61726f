//! Bulk verification for brands: a supplier list of certificate or licence numbers, answered in
//! the order asked, in a number of SQL statements that does not grow with the list.
//!
//! Numbers match through the same normalised `number_key` as single lookups (case and spaces
//! ignored), so `verifyCertificates([n])` and `verifyCertificate(n)` always agree.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{certification, licence, recruiter};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    error::{AppError, AppResult},
    service::certification::{CertificationStatus, status_today},
    vocab::normalise_key,
};

/// The most identifiers one request may check: a large supplier list, still one response.
pub const MAX_NUMBERS: usize = 1_000;

/// Keys per `IN (...)` list: far below SQLite's and PostgreSQL's bind-parameter limits, so a
/// full request costs two statements per table.
const CHUNK: usize = 500;

/// The longest identifier accepted, as for `verifyCertificate`.
const MAX_NUMBER_CHARS: usize = 100;

/// Refuses a list that is too long or holds a blank or overlong identifier, naming the culprit.
pub fn check_numbers(numbers: &[String], what: &str) -> AppResult<()> {
    if numbers.len() > MAX_NUMBERS {
        return Err(AppError::bad_input(format!(
            "`numbers` holds {} {what} numbers; at most {MAX_NUMBERS} may be checked in one request: split the list",
            numbers.len()
        )));
    }
    for (index, number) in numbers.iter().enumerate() {
        if number.trim().is_empty() || number.chars().count() > MAX_NUMBER_CHARS {
            return Err(AppError::bad_input(format!(
                "`numbers[{index}]` must be a {what} number of 1 to {MAX_NUMBER_CHARS} characters"
            )));
        }
    }
    Ok(())
}

/// The distinct normalised keys of `numbers`, in chunks for `IN (...)` lists.
fn key_chunks(numbers: &[String]) -> Vec<Vec<String>> {
    let mut keys: Vec<String> = numbers.iter().map(|number| normalise_key(number)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.chunks(CHUNK).map(<[String]>::to_vec).collect()
}

/// One certificate number checked for a person (the `/verify` page, the SMS line): what the
/// number names, as `verifyCertificate` answers it.
#[derive(Debug)]
pub struct CertificateCheck {
    /// The number as asked.
    pub number: String,
    /// The live certification and its listed holder; `None` for an unknown number.
    pub found: Option<(certification::Model, recruiter::Model)>,
    pub today: NaiveDate,
    /// The chain of trust behind a found certificate: its body's record and its latest audit.
    pub trust: Trust,
}

/// What stands behind a certificate, for the pages that show one.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub body: Option<entity::certification_body::Model>,
    pub last_audit: Option<entity::audit::Model>,
}

impl CertificateCheck {
    /// The certification's status today; `None` when the number is unknown.
    pub fn status(&self) -> Option<CertificationStatus> {
        self.found
            .as_ref()
            .map(|(certification, _)| status_today(certification, self.today))
    }

    /// The `status.*` message key of the answer (`NOT_FOUND` for an unknown number).
    pub fn status_key(&self) -> String {
        match self.status() {
            Some(status) => format!("status.{}", status.as_str().to_ascii_uppercase()),
            None => "status.NOT_FOUND".to_owned(),
        }
    }
}

/// Checks one certificate number as `verifyCertificate` does (archived records and holders
/// are unknown).
pub async fn check_certificate(db: &DatabaseConnection, number: &str, today: NaiveDate) -> AppResult<CertificateCheck> {
    let certification = super::certification::find_by_number(db, number).await?;
    let found = match certification {
        Some(certification) => super::recruiter::find_by_id(db, certification.recruiter_id)
            .await?
            .map(|holder| (certification, holder)),
        None => None,
    };
    let mut trust = Trust::default();
    if let Some((certification, _)) = &found {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        if let Some(body_id) = certification.body_id {
            trust.body = entity::certification_body::Entity::find_by_id(body_id).one(db).await?;
        }
        trust.last_audit = entity::audit::Entity::find()
            .filter(entity::audit::Column::CertificationId.eq(certification.id))
            .filter(entity::audit::Column::ArchivedAt.is_null())
            .order_by_desc(entity::audit::Column::StartedOn)
            .order_by_desc(entity::audit::Column::Id)
            .one(db)
            .await?;
    }
    Ok(CertificateCheck {
        number: number.trim().to_owned(),
        found,
        today,
        trust,
    })
}

/// For each asked number, in order (duplicates included), the live certification it names.
pub async fn certifications_by_numbers(
    db: &DatabaseConnection,
    numbers: &[String],
) -> AppResult<Vec<Option<certification::Model>>> {
    let mut by_key: HashMap<String, certification::Model> = HashMap::new();
    for keys in key_chunks(numbers) {
        let rows = certification::Entity::find()
            .filter(certification::Column::NumberKey.is_in(keys))
            .filter(certification::Column::ArchivedAt.is_null())
            .filter(super::certification::holder_is_live())
            .all(db)
            .await?;
        by_key.extend(rows.into_iter().map(|row| (row.number_key.clone(), row)));
    }
    Ok(numbers
        .iter()
        .map(|number| by_key.get(&normalise_key(number)).cloned())
        .collect())
}

/// For each asked number, in order (duplicates included), the national licence it names.
pub async fn licences_by_numbers(
    db: &DatabaseConnection,
    numbers: &[String],
) -> AppResult<Vec<Option<licence::Model>>> {
    let mut by_key: HashMap<String, licence::Model> = HashMap::new();
    for keys in key_chunks(numbers) {
        let rows = licence::Entity::find()
            .filter(licence::Column::NumberKey.is_in(keys))
            .all(db)
            .await?;
        by_key.extend(rows.into_iter().map(|row| (row.number_key.clone(), row)));
    }
    Ok(numbers
        .iter()
        .map(|number| by_key.get(&normalise_key(number)).cloned())
        .collect())
}

/// A licence in force today: `valid` and within its dates (as `Licence.validToday` answers).
pub fn licence_valid_today(licence: &licence::Model, today: NaiveDate) -> bool {
    let started = licence.valid_from.is_none_or(|from| from <= today);
    let not_ended = licence.valid_until.is_none_or(|until| until >= today);
    licence.status == "valid" && started && not_ended
}

/// A licence gap: the recruiter is certified today while none of its national licences (issued
/// in its country of registration) is valid today. Certification does not replace the licence
/// the law requires, so brands are warned.
pub fn licence_gap(recruiter: &recruiter::Model, licences: &[licence::Model], today: NaiveDate) -> bool {
    super::standing::in_force(recruiter.certified_until, today)
        && !licences
            .iter()
            .any(|licence| licence.country == recruiter.country && licence_valid_today(licence, today))
}

/// The certification that answers "is this recruiter certified today?": the one certified
/// today, or else the most recent (highest id), whose status says why not.
pub fn relevant_certification(
    certifications: &[certification::Model],
    today: NaiveDate,
) -> Option<&certification::Model> {
    certifications
        .iter()
        .find(|certification| status_today(certification, today) == CertificationStatus::Certified)
        .or_else(|| certifications.iter().max_by_key(|certification| certification.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_bounded_and_every_number_is_checked() {
        let numbers: Vec<String> = (0..MAX_NUMBERS).map(|n| format!("ERS-NP-2024-{n:07}")).collect();
        assert!(check_numbers(&numbers, "certificate").is_ok());
        let mut too_many = numbers.clone();
        too_many.push("one more".to_owned());
        let message = check_numbers(&too_many, "certificate").unwrap_err().message();
        assert!(message.contains("at most 1000"), "{message}");
        // A number may be exactly as long as the limit, not longer.
        assert!(check_numbers(&["N".repeat(MAX_NUMBER_CHARS)], "licence").is_ok());
        let message = check_numbers(&["N".repeat(MAX_NUMBER_CHARS + 1)], "licence")
            .unwrap_err()
            .message();
        assert!(message.contains("`numbers[0]`"), "{message}");
        let blank = vec!["ERS-1".to_owned(), "  ".to_owned()];
        let message = check_numbers(&blank, "licence").unwrap_err().message();
        assert!(
            message.contains("`numbers[1]`") && message.contains("licence number"),
            "{message}"
        );
    }

    #[test]
    fn a_licence_gap_is_certified_today_without_a_valid_licence_of_its_own_country() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 6, d).expect("a date");
        let licence = |country: &str, status: &str, until: u32| licence::Model {
            id: 1,
            recruiter_id: 1,
            position: 0,
            issuing_authority: "Department of Foreign Employment".to_owned(),
            country: country.to_owned(),
            licence_number: "7/077/078".to_owned(),
            number_key: "7/077/078".to_owned(),
            authority_id: None,
            status: status.to_owned(),
            valid_from: None,
            valid_until: Some(day(until)),
        };
        let recruiter = |certified_until: Option<NaiveDate>| recruiter::Model {
            certified_until,
            country: "NP".to_owned(),
            ..crate::json_ld::tests::recruiter()
        };
        let certified = recruiter(Some(day(30)));
        assert!(!licence_gap(&certified, &[licence("NP", "valid", 20)], day(15)));
        // Expired yesterday, suspended, or of another country: a gap.
        assert!(licence_gap(&certified, &[licence("NP", "valid", 14)], day(15)));
        assert!(licence_gap(&certified, &[licence("NP", "suspended", 20)], day(15)));
        assert!(licence_gap(&certified, &[licence("QA", "valid", 20)], day(15)));
        assert!(licence_gap(&certified, &[], day(15)));
        // Not certified today: no gap to warn of.
        assert!(!licence_gap(&recruiter(Some(day(14))), &[], day(15)));
        assert!(!licence_gap(&recruiter(None), &[], day(15)));
    }

    /// Found by cargo-mutants: no end-to-end test had a licence outside its dates.
    #[test]
    fn a_licence_is_valid_from_its_first_to_its_last_day_and_only_when_valid() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 6, d).expect("a date");
        let licence = |status: &str, from: Option<NaiveDate>, until: Option<NaiveDate>| licence::Model {
            id: 1,
            recruiter_id: 1,
            position: 0,
            issuing_authority: "Department of Foreign Employment".to_owned(),
            country: "NP".to_owned(),
            licence_number: "7/077/078".to_owned(),
            number_key: "7/077/078".to_owned(),
            authority_id: None,
            status: status.to_owned(),
            valid_from: from,
            valid_until: until,
        };
        let dated = licence("valid", Some(day(10)), Some(day(20)));
        assert!(!licence_valid_today(&dated, day(9)));
        assert!(licence_valid_today(&dated, day(10)));
        assert!(licence_valid_today(&dated, day(20)));
        assert!(!licence_valid_today(&dated, day(21)));
        assert!(licence_valid_today(&licence("valid", None, None), day(1)));
        assert!(!licence_valid_today(&licence("suspended", None, None), day(15)));
        assert!(!licence_valid_today(
            &licence("suspended", Some(day(10)), Some(day(20))),
            day(15)
        ));
    }

    #[test]
    fn keys_are_normalised_deduplicated_and_chunked() {
        let mut numbers: Vec<String> = (0..1_200).map(|n| format!("ERS-NP-{n}")).collect();
        numbers.push(" ers-np-7 ".to_owned());
        let chunks = key_chunks(&numbers);
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), vec![500, 500, 200]);
        assert!(chunks.iter().flatten().all(|key| key == &normalise_key(key)));
    }
}
