//! A recruiter as schema.org JSON-LD: an `Organization` with its certifications
//! (`hasCertification`) and licences, for search engines, link previews and other directories.
//!
//! Served by `GET /recruiters/{slug}` with `Accept: application/ld+json` and embedded by the
//! widget's recruiter card (which loads it from there), so both say the same thing. Only public
//! data: the organisation's public contact, its names, place, certifications and licences.
//! "Active" is the certification's status today (`status_today`), as everywhere else.

use chrono::NaiveDate;
use entity::{certification, licence, recruiter};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::{
    db::json_list,
    error::AppResult,
    service::certification::{CertificationStatus, status_today},
};

/// The media type of the document.
pub const MEDIA_TYPE: &str = "application/ld+json";

/// The document for the recruiter at `slug`; `None` if no listed recruiter has it.
/// `base` is the directory's public address (no trailing slash).
pub async fn recruiter_document(
    db: &DatabaseConnection,
    slug: &str,
    base: &str,
    today: NaiveDate,
) -> AppResult<Option<Value>> {
    let Some(recruiter) = crate::service::recruiter::find_by_slug(db, slug).await? else {
        return Ok(None);
    };
    let certifications = certification::Entity::find()
        .filter(certification::Column::RecruiterId.eq(recruiter.id))
        .filter(certification::Column::ArchivedAt.is_null())
        .order_by_asc(certification::Column::Id)
        .all(db)
        .await?;
    let licences = licence::Entity::find()
        .filter(licence::Column::RecruiterId.eq(recruiter.id))
        .order_by_asc(licence::Column::Position)
        .all(db)
        .await?;
    Ok(Some(organisation(&recruiter, &certifications, &licences, base, today)))
}

/// What stays as it is in a URL path segment or query value: RFC 3986's unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value percent-encoded for a URL path segment or query value (`ERS NP/1` -> `ERS%20NP%2F1`).
pub fn encoded(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, UNRESERVED).to_string()
}

/// The `Organization` node; pure, so the mapping is tested without a database.
pub fn organisation(
    recruiter: &recruiter::Model,
    certifications: &[certification::Model],
    licences: &[licence::Model],
    base: &str,
    today: NaiveDate,
) -> Value {
    let page = format!("{base}/recruiters/{}", encoded(&recruiter.slug));
    let mut alternate: Vec<String> = json_list(&recruiter.trading_names);
    alternate.extend(json_list::<String>(&recruiter.former_names));
    let mut identifiers = vec![json!({
        "@type": "PropertyValue",
        "propertyID": "directory",
        "value": recruiter.external_id,
    })];
    identifiers.extend(
        json_list::<String>(&recruiter.identifiers)
            .into_iter()
            .map(|identifier| {
                let (list, local) = crate::vocab::split_org_identifier(&identifier).unwrap_or_default();
                json!({
                    "@type": "PropertyValue",
                    "propertyID": list,
                    "value": local,
                    "identifier": identifier,
                })
            }),
    );
    identifiers.extend(licences.iter().map(|licence| {
        json!({
            "@type": "PropertyValue",
            "propertyID": format!("licence:{}", licence.country),
            "name": licence.issuing_authority,
            "value": licence.licence_number,
        })
    }));
    let certifications: Vec<Value> = certifications
        .iter()
        .map(|certification| {
            let active = status_today(certification, today) == CertificationStatus::Certified;
            let number = &certification.certificate_number;
            let mut node = json!({
                "@type": "Certification",
                "@id": format!("{base}/credentials/{}", encoded(number)),
                "name": certification.scheme,
                "certificationIdentification": number,
                "certificationStatus": if active {
                    "https://schema.org/CertificationActive"
                } else {
                    "https://schema.org/CertificationInactive"
                },
                "url": format!("{base}/verify?number={}", encoded(number)),
            });
            let extra = [
                ("validFrom", certification.issued_on.map(|date| json!(date))),
                ("expires", certification.expires_on.map(|date| json!(date))),
                (
                    "issuedBy",
                    certification
                        .certification_body
                        .as_ref()
                        .map(|body| json!({ "@type": "Organization", "name": body })),
                ),
            ];
            if let Some(node) = node.as_object_mut() {
                node.extend(
                    extra
                        .into_iter()
                        .filter_map(|(key, value)| Some((key.to_owned(), value?))),
                );
            }
            node
        })
        .collect();
    let mut address = json!({ "@type": "PostalAddress", "addressCountry": recruiter.country });
    let mut document = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": page,
        "url": page,
        "name": recruiter.legal_name,
        "legalName": recruiter.legal_name,
        "identifier": identifiers,
        "knowsLanguage": json_list::<String>(&recruiter.languages),
        "hasCertification": certifications,
    });
    let optional = [
        ("alternateName", (!alternate.is_empty()).then(|| json!(alternate))),
        ("sameAs", recruiter.website.as_ref().map(|website| json!([website]))),
        ("email", recruiter.email.as_ref().map(|email| json!(email))),
        ("telephone", recruiter.phone.as_ref().map(|phone| json!(phone))),
        ("description", recruiter.description.as_ref().map(|text| json!(text))),
    ];
    if let Some(address) = address.as_object_mut() {
        if let Some(city) = &recruiter.city {
            address.insert("addressLocality".to_owned(), json!(city));
        }
        if let Some(street) = &recruiter.address {
            address.insert("streetAddress".to_owned(), json!(street));
        }
    }
    if let Some(node) = document.as_object_mut() {
        node.insert("address".to_owned(), address);
        node.extend(
            optional
                .into_iter()
                .filter_map(|(key, value)| Some((key.to_owned(), value?))),
        );
    }
    document
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::Utc;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("a date")
    }

    pub(crate) fn recruiter() -> recruiter::Model {
        recruiter::Model {
            id: 7,
            external_id: "rec-7".to_owned(),
            slug: "himalayan-overseas".to_owned(),
            slug_key: "himalayan-overseas".to_owned(),
            legal_name: "हिमालयन ओभरसिज प्रा. लि.".to_owned(),
            trading_names: r#"["Himalayan Overseas"]"#.to_owned(),
            former_names: "[]".to_owned(),
            country: "NP".to_owned(),
            city: Some("Kathmandu".to_owned()),
            address: None,
            website: Some("https://himalayan.example".to_owned()),
            email: None,
            phone: Some("+9771234567".to_owned()),
            description: None,
            languages: r#"["ne","en"]"#.to_owned(),
            sectors: "[]".to_owned(),
            corridors: "[]".to_owned(),
            cbp_level: "none".to_owned(),
            identifiers: r#"["NP-CRO-45995"]"#.to_owned(),
            version: 1,
            content_hash: None,
            certified_until: Some(day(30)),
            archived_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    pub(crate) fn certification(number: &str, status: &str, expires: u32) -> certification::Model {
        certification::Model {
            id: 1,
            external_id: format!("cert-{number}"),
            recruiter_id: 7,
            certificate_number: number.to_owned(),
            number_key: number.to_lowercase(),
            scheme: "Ethical recruitment standard".to_owned(),
            certification_body: Some("Audit Body Ltd".to_owned()),
            body_id: None,
            audit_due_on: None,
            status: status.to_owned(),
            issued_on: Some(day(1)),
            expires_on: Some(day(expires)),
            scope_corridors: "[]".to_owned(),
            scope_sectors: "[]".to_owned(),
            version: 1,
            content_hash: None,
            archived_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn an_organisation_with_its_certifications_active_only_while_certified_today() {
        let certifications = [
            certification("ERS NP/1", "certified", 30),
            certification("ERS-NP-2", "certified", 29),
        ];
        let document = organisation(&recruiter(), &certifications, &[], "https://dir.example", day(30));
        assert_eq!(document["@type"], "Organization");
        assert_eq!(document["@id"], "https://dir.example/recruiters/himalayan-overseas");
        assert_eq!(document["name"], "हिमालयन ओभरसिज प्रा. लि.");
        assert_eq!(document["alternateName"], json!(["Himalayan Overseas"]));
        assert_eq!(document["address"]["addressCountry"], "NP");
        assert_eq!(document["telephone"], "+9771234567");
        assert!(document.get("email").is_none(), "no empty contact is invented");
        assert_eq!(
            document["identifier"][1],
            json!({ "@type": "PropertyValue", "propertyID": "NP-CRO", "value": "45995", "identifier": "NP-CRO-45995" })
        );
        let first = &document["hasCertification"][0];
        assert_eq!(first["certificationIdentification"], "ERS NP/1");
        assert_eq!(first["certificationStatus"], "https://schema.org/CertificationActive");
        assert_eq!(first["url"], "https://dir.example/verify?number=ERS%20NP%2F1");
        assert_eq!(first["issuedBy"]["name"], "Audit Body Ltd");
        assert_eq!(first["expires"], "2026-11-30");
        // Expired yesterday: inactive today.
        assert_eq!(
            document["hasCertification"][1]["certificationStatus"],
            "https://schema.org/CertificationInactive"
        );
    }
}
