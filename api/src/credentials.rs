//! Certificates as W3C Verifiable Credentials (VC Data Model 2.0), secured as JWTs with the
//! directory's signing key (the receipts' key, published at `/.well-known/jwks.json`), and
//! their status in two Bitstring Status Lists the directory serves (W3C Bitstring Status List
//! 1.0): `suspension` and `revocation`. A verifier holding a credential learns of a suspension
//! or a withdrawal from the list alone, without asking about the one certificate, and can do
//! all of it offline with the key set and the lists (`examples/verify_credential.rs`).
//!
//! A certificate's position in both lists is its certification's database id, which never
//! changes. Bit 0 is the most significant bit of the first byte, as the specification says.
//! "Today" is the one of `service::certification::status_today`, as everywhere.

use std::io::Write;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{certification, recruiter};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Value, json};

use crate::{
    error::{AppError, AppResult},
    receipt::ReceiptSigner,
    service::{
        certification::{CertificationStatus, holder_is_live, status_today},
        verification::certifications_by_numbers,
    },
};

/// The smallest list the specification allows (16 KiB), so that one certificate's position
/// says little about which it is.
pub const MIN_LIST_BITS: usize = 131_072;

/// The media type of a credential secured as a JWT (VC-JOSE-COSE).
pub const MEDIA_TYPE: &str = "application/vc+jwt";

/// The two lists, by their `statusPurpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Set while a certification is suspended; cleared when it is reinstated.
    Suspension,
    /// Set for good when a certification is withdrawn or its record (or its holder's) archived.
    Revocation,
}

impl Purpose {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "suspension" => Some(Self::Suspension),
            "revocation" => Some(Self::Revocation),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspension => "suspension",
            Self::Revocation => "revocation",
        }
    }
}

fn status_list_url(base: &str, purpose: Purpose) -> String {
    format!("{base}/credentials/status/{}", purpose.as_str())
}

/// The end of a day, as an instant.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc()
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The credential of certificate `number`, signed: for a certification that is certified or
/// suspended today. Anything else is `NOT_FOUND` (unknown, or never certified) or `GONE`.
pub async fn credential(
    db: &DatabaseConnection,
    signer: &ReceiptSigner,
    base: &str,
    number: &str,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let today = now.date_naive();
    let Some(found) = certifications_by_numbers(db, &[number.to_owned()])
        .await?
        .pop()
        .flatten()
    else {
        return Err(AppError::NotFound(format!(
            "the directory knows no certificate `{number}`: check the number (case and spaces do not matter)"
        )));
    };
    let status = status_today(&found, today);
    match status {
        CertificationStatus::Certified | CertificationStatus::Suspended => {}
        CertificationStatus::Applicant | CertificationStatus::Deferred => {
            return Err(AppError::NotFound(format!(
                "certificate `{number}` has not been certified: its status is {}",
                status.as_str()
            )));
        }
        CertificationStatus::Rejected | CertificationStatus::Withdrawn | CertificationStatus::Expired => {
            return Err(AppError::Gone(format!(
                "certificate `{number}` is {} and no credential is issued for it any more",
                status.as_str()
            )));
        }
    }
    let (Some(issued_on), Some(expires_on)) = (found.issued_on, found.expires_on) else {
        return Err(AppError::Gone(format!("certificate `{number}` has no validity period")));
    };
    let holder = recruiter::Entity::find_by_id(found.recruiter_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the holder of certificate `{number}` is not in the directory")))?;
    let id = format!("{base}/credentials/{}", found.certificate_number);
    let index = found.id.to_string();
    let entry = |purpose: Purpose| {
        json!({
            "id": format!("{}#{index}", status_list_url(base, purpose)),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose.as_str(),
            "statusListIndex": index,
            "statusListCredential": status_list_url(base, purpose),
        })
    };
    let claims = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": id,
        "type": ["VerifiableCredential", "EthicalRecruitmentCertificate"],
        "issuer": { "id": base, "name": "Ethical recruitment directory" },
        "validFrom": start_of(issued_on),
        "validUntil": end_of(expires_on),
        "credentialSubject": {
            "id": format!("{base}/recruiters/{}", holder.slug),
            "type": "Organization",
            "legalName": holder.legal_name,
            "country": holder.country,
            "certification": {
                "certificateNumber": found.certificate_number,
                "scheme": found.scheme,
                "certificationBody": found.certification_body,
                "issuedOn": issued_on,
                "expiresOn": expires_on,
            },
        },
        "credentialStatus": [entry(Purpose::Suspension), entry(Purpose::Revocation)],
        // The JWT's own claims (VC-JOSE-COSE): who signed, when, and for how long it holds.
        "iss": crate::receipt::ISSUER,
        "jti": id,
        "iat": now.timestamp(),
        "nbf": start_of(issued_on).timestamp(),
        "exp": end_of(expires_on).timestamp(),
    });
    signer.sign(claims).await
}

/// The ids whose bit is set in a list today.
async fn flagged(db: &DatabaseConnection, purpose: Purpose) -> AppResult<Vec<i64>> {
    use certification::Column;
    let condition = match purpose {
        // Suspended today: stored as suspended, live, held by a live recruiter (an expired
        // suspension is not reinstated, but its credential has run out anyway).
        Purpose::Suspension => Condition::all()
            .add(Column::Status.eq("suspended"))
            .add(Column::ArchivedAt.is_null())
            .add(holder_is_live()),
        // Withdrawn or refused, or gone from the directory with its record or its holder.
        Purpose::Revocation => Condition::any()
            .add(Column::Status.is_in(["withdrawn", "rejected"]))
            .add(Column::ArchivedAt.is_not_null())
            .add(Condition::all().add(holder_is_live()).not()),
    };
    Ok(certification::Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(condition)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The bitstring with `set` positions on, at least [`MIN_LIST_BITS`] long, gzipped and
/// multibase-encoded (`u` + base64url without padding), as `encodedList` carries it.
pub fn encode_list(set: &[i64]) -> AppResult<String> {
    let largest = set.iter().copied().max().unwrap_or(0);
    let needed = usize::try_from(largest).unwrap_or(0) + 1;
    let bits = needed.div_ceil(MIN_LIST_BITS).max(1) * MIN_LIST_BITS;
    let mut bytes = vec![0_u8; bits / 8];
    for index in set.iter().filter_map(|index| usize::try_from(*index).ok()) {
        bytes[index / 8] |= 0x80 >> (index % 8);
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&bytes).map_err(AppError::internal)?;
    let compressed = gzip.finish().map_err(AppError::internal)?;
    Ok(format!("u{}", URL_SAFE_NO_PAD.encode(compressed)))
}

/// The status list credential of `purpose` as it is now, signed. Valid for a day; verifiers
/// fetch it again to see changes (the HTTP answer may be cached for a minute).
pub async fn status_list(
    db: &DatabaseConnection,
    signer: &ReceiptSigner,
    base: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let set = flagged(db, purpose).await?;
    let url = status_list_url(base, purpose);
    let claims: Value = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": { "id": base, "name": "Ethical recruitment directory" },
        "validFrom": now,
        "validUntil": now + chrono::Duration::days(1),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": encode_list(&set)?,
        },
        "iss": crate::receipt::ISSUER,
        "jti": url,
        "iat": now.timestamp(),
        "exp": (now + chrono::Duration::days(1)).timestamp(),
    });
    signer.sign(claims).await
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn decode(encoded: &str) -> Vec<u8> {
        let compressed = URL_SAFE_NO_PAD
            .decode(encoded.strip_prefix('u').expect("multibase base64url"))
            .expect("base64url");
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_end(&mut bytes)
            .expect("gzip");
        bytes
    }

    #[test]
    fn bit_zero_is_the_leftmost_bit_and_the_list_has_the_minimum_length() {
        let bytes = decode(&encode_list(&[0, 9, 131_071]).expect("encoded"));
        assert_eq!(bytes.len() * 8, MIN_LIST_BITS);
        assert_eq!(bytes[0], 0b1000_0000);
        assert_eq!(bytes[1], 0b0100_0000);
        assert_eq!(bytes[MIN_LIST_BITS / 8 - 1], 0b0000_0001);
        assert_eq!(bytes.iter().map(|byte| byte.count_ones()).sum::<u32>(), 3);
    }

    #[test]
    fn a_list_grows_by_whole_minimum_lengths() {
        assert_eq!(decode(&encode_list(&[]).expect("encoded")).len() * 8, MIN_LIST_BITS);
        let bytes = decode(&encode_list(&[131_072]).expect("encoded"));
        assert_eq!(bytes.len() * 8, 2 * MIN_LIST_BITS);
        assert_eq!(bytes[131_072 / 8], 0b1000_0000);
    }
}
