//! Opaque global IDs and pagination cursors.
//!
//! Both are versioned from day one (`v1`) so their format can change without breaking clients.
//! They are base64url text to clients; anything that does not decode is a `BAD_USER_INPUT`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{AppError, AppResult};

/// The kinds of record a global ID can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Recruiter,
    Certification,
    TrademarkRight,
    Organisation,
    Commitment,
    TrainingProvider,
    TrainingListing,
    CertificationBody,
    Auditor,
    LicensingAuthority,
    Audit,
    SupportService,
    AuthorisedChannel,
    Complaint,
    MisuseReport,
}

impl Kind {
    const ALL: [Kind; 15] = [
        Kind::CertificationBody,
        Kind::Auditor,
        Kind::LicensingAuthority,
        Kind::Audit,
        Kind::Recruiter,
        Kind::Certification,
        Kind::TrademarkRight,
        Kind::Organisation,
        Kind::Commitment,
        Kind::TrainingProvider,
        Kind::TrainingListing,
        Kind::SupportService,
        Kind::AuthorisedChannel,
        Kind::Complaint,
        Kind::MisuseReport,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Recruiter => "Recruiter",
            Kind::Certification => "Certification",
            Kind::TrademarkRight => "MarkRight",
            Kind::Organisation => "Organisation",
            Kind::Commitment => "Commitment",
            Kind::TrainingProvider => "TrainingProvider",
            Kind::TrainingListing => "TrainingListing",
            Kind::CertificationBody => "CertificationBody",
            Kind::Auditor => "Auditor",
            Kind::LicensingAuthority => "LicensingAuthority",
            Kind::Audit => "Audit",
            Kind::SupportService => "SupportService",
            Kind::AuthorisedChannel => "AuthorisedChannel",
            Kind::Complaint => "Complaint",
            Kind::MisuseReport => "MisuseReport",
        }
    }
}

pub fn encode_id(kind: Kind, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{}:{id}", kind.name()))
}

pub fn decode_id(global_id: &str) -> AppResult<(Kind, i64)> {
    let malformed = || {
        AppError::bad_input(format!(
            "malformed id `{}`: use an `id` returned by this API",
            truncate(global_id)
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(global_id.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let mut parts = text.splitn(3, ':');
    let (Some("v1"), Some(kind_name), Some(number)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed());
    };
    let kind = Kind::ALL
        .into_iter()
        .find(|kind| kind.name() == kind_name)
        .ok_or_else(malformed)?;
    let id = number.parse::<i64>().map_err(|_| malformed())?;
    Ok((kind, id))
}

/// Decodes an ID that must name a record of `kind`.
pub fn decode_id_of(kind: Kind, global_id: &str) -> AppResult<i64> {
    match decode_id(global_id)? {
        (found, id) if found == kind => Ok(id),
        (found, _) => Err(AppError::bad_input(format!(
            "id names a {}, expected a {}",
            found.name(),
            kind.name()
        ))),
    }
}

/// A keyset cursor: the ordering it belongs to and the sort key of the row it points at.
pub fn encode_cursor<K: Serialize>(ordering: &str, key: &K) -> String {
    let payload = serde_json::json!({ "v": 1, "o": ordering, "k": key });
    URL_SAFE_NO_PAD.encode(payload.to_string())
}

pub fn decode_cursor<K: DeserializeOwned>(ordering: &str, cursor: &str) -> AppResult<K> {
    #[derive(serde::Deserialize)]
    struct Payload<K> {
        v: u8,
        o: String,
        k: K,
    }
    let malformed = || {
        AppError::bad_input(format!(
            "malformed cursor `{}`: use a cursor returned by this query",
            truncate(cursor)
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| malformed())?;
    let payload: Payload<K> = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
    if payload.v != 1 {
        return Err(malformed());
    }
    if payload.o != ordering {
        return Err(AppError::bad_input(format!(
            "cursor belongs to ordering `{}`, not `{ordering}`: restart paging without a cursor",
            truncate(&payload.o)
        )));
    }
    Ok(payload.k)
}

fn truncate(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_forgeries() {
        let id = encode_id(Kind::Recruiter, 42);
        assert_eq!(decode_id(&id).unwrap(), (Kind::Recruiter, 42));
        assert_eq!(decode_id_of(Kind::Recruiter, &id).unwrap(), 42);
        assert_eq!(
            decode_id_of(Kind::Organisation, &id).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        for forged in [
            "",
            "42",
            "!!!",
            &URL_SAFE_NO_PAD.encode("v2:Recruiter:1"),
            &URL_SAFE_NO_PAD.encode("v1:Nope:1"),
        ] {
            assert_eq!(decode_id(forged).unwrap_err().code(), "BAD_USER_INPUT", "{forged}");
        }
    }

    #[test]
    fn cursors_are_bound_to_their_ordering() {
        let cursor = encode_cursor("name", &("Alpha", 3));
        assert_eq!(
            decode_cursor::<(String, i64)>("name", &cursor).unwrap(),
            ("Alpha".to_owned(), 3)
        );
        assert!(decode_cursor::<(String, i64)>("country", &cursor).is_err());
        assert!(decode_cursor::<(i64, i64)>("name", &cursor).is_err());
        assert!(decode_cursor::<(String, i64)>("name", "bm9wZQ").is_err());
    }
}
