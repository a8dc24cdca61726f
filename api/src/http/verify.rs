//! "Is this certificate real?" for anyone, on any phone:
//!
//! - `GET /verify?number=...&lang=...`: a server-rendered page, no JavaScript, a few kilobytes,
//!   for feature-phone browsers and slow connections, in the visitor's language;
//! - `GET /v/{number}?lang=...`: the answer as one line of plain text of at most 160
//!   characters, for the SMS and USSD gateways partners run;
//! - `GET /verify/{number}/qr.svg`: a QR code pointing at the page, for printed certificates.
//!
//! All three answer as `verifyCertificate` does ([`verification::check_certificate`]), with the
//! words of [`crate::i18n`]. The language is `lang` if given, else the browser's
//! `Accept-Language`, else English.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, HeaderValue},
    web,
};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use crate::{
    clock,
    error::AppError,
    i18n::{self, Messages},
    json_ld::encoded,
    service::{
        certification::CertificationStatus,
        verification::{self, CertificateCheck},
    },
};

/// The longest certificate number looked up, as for `verifyCertificate`.
const MAX_NUMBER_CHARS: usize = 100;

/// What an SMS may carry, in characters.
pub const TEXT_LINE_CHARS: usize = 160;

/// The answers change with a decision or the calendar: a minute of caching at most.
const CACHE_CONTROL: &str = "public, max-age=60";

/// No script, no frames, no third party: the page is text, a form and links.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

#[derive(Deserialize)]
struct PageQuery {
    number: Option<String>,
    lang: Option<String>,
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

/// The answer box of the page.
struct Answer {
    /// `CERTIFIED`, ..., `NOT_FOUND`: for styling and for tests.
    status: String,
    label: String,
    tone: &'static str,
    symbol: &'static str,
    lines: Vec<String>,
}

struct LanguageLink {
    code: &'static str,
    name: String,
    href: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct Page<'a> {
    t: &'a Messages,
    title: String,
    number: &'a str,
    answer: Option<Answer>,
    qr: Option<String>,
    languages: Vec<LanguageLink>,
}

/// Looks `number` up, or `None` for a number that cannot exist (blank or overlong).
async fn check(state: &AppState, number: &str) -> Result<Option<CertificateCheck>, AppError> {
    if number.trim().is_empty() || number.chars().count() > MAX_NUMBER_CHARS {
        return Ok(None);
    }
    let today = clock::now().date_naive();
    verification::check_certificate(&state.db, number, today)
        .await
        .map(Some)
}

/// The colour and symbol of a status: green for certified, amber for suspended, grey while
/// undecided, red otherwise (also for an unknown number).
fn tone(status: Option<CertificationStatus>) -> (&'static str, &'static str) {
    match status {
        Some(CertificationStatus::Certified) => ("ok", "✓"),
        Some(CertificationStatus::Suspended) => ("warn", "!"),
        Some(CertificationStatus::Applicant | CertificationStatus::Deferred) => ("info", "•"),
        _ => ("bad", "✗"),
    }
}

fn answer(t: &Messages, check: &CertificateCheck, checked_at: &str) -> Answer {
    let status = check.status();
    let (tone, symbol) = tone(status);
    let key = check.status_key();
    let lines = match &check.found {
        None => vec![
            t.format("verify.notFound", &[("number", &check.number)]),
            t.text("verify.warning").to_owned(),
        ],
        Some((certification, holder)) => {
            let certified = status == Some(CertificationStatus::Certified);
            let mut lines = vec![
                format!(
                    "{} ({})",
                    t.format("verify.certificate", &[("number", &certification.certificate_number)]),
                    certification.scheme
                ),
                t.format("verify.heldBy", &[("name", &holder.legal_name)]),
            ];
            if let Some(expires) = certification.expires_on {
                let key = if certified {
                    "verify.validUntil"
                } else {
                    "verify.expiry"
                };
                lines.push(t.format(key, &[("date", &expires.to_string())]));
            }
            if let Some(body) = &certification.certification_body {
                lines.push(t.format("verify.auditedBy", &[("body", body)]));
                // Said of a body the directory holds as a record, and only when it is not approved.
                let suspended = check
                    .trust
                    .body
                    .as_ref()
                    .is_some_and(|body| !crate::service::trust::in_good_standing(body));
                if suspended {
                    lines.push(t.format("verify.bodyNotInGoodStanding", &[("body", body)]));
                }
            }
            if let Some(audit) = &check.trust.last_audit {
                let date = audit.ended_on.unwrap_or(audit.started_on).to_string();
                lines.push(t.format("verify.lastAudit", &[("date", &date)]));
            }
            let today = if certified {
                "verify.certifiedToday"
            } else {
                "verify.notCertifiedToday"
            };
            lines.push(t.text(today).to_owned());
            lines.push(t.format("verify.checkedAt", &[("time", checked_at)]));
            lines
        }
    };
    Answer {
        label: t.text(&key).to_owned(),
        status: key.trim_start_matches("status.").to_owned(),
        tone,
        symbol,
        lines,
    }
}

fn with_language(mut response: HttpResponse, t: &Messages) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(t.code()));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    response
}

fn refused(error: &AppError) -> HttpResponse {
    error.http_response().json(error.body())
}

/// The verification page. `200` with the form (and the answer for a known number), `404` for
/// a number the directory does not hold, so a link checker sees it too.
#[get("/verify")]
async fn verify_page(state: web::Data<AppState>, request: HttpRequest, query: web::Query<PageQuery>) -> HttpResponse {
    let t = i18n::negotiate(query.lang.as_deref(), &request);
    let asked: String = query
        .number
        .as_deref()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_NUMBER_CHARS)
        .collect();
    let check = match query.number.as_deref() {
        Some(number) if !asked.is_empty() => match check(&state, number).await {
            Ok(check) => check,
            Err(error) => return refused(&error),
        },
        _ => None,
    };
    let checked_at = clock::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let answer = if asked.is_empty() {
        None
    } else {
        // An overlong number is unknown without asking the database.
        let unknown = CertificateCheck {
            number: asked.clone(),
            found: None,
            today: clock::now().date_naive(),
            trust: Default::default(),
        };
        Some(answer(t, check.as_ref().unwrap_or(&unknown), &checked_at))
    };
    let found = check.as_ref().is_some_and(|check| check.found.is_some());
    let number_query = if asked.is_empty() {
        String::new()
    } else {
        format!("number={}&", encoded(&asked))
    };
    let page = Page {
        t,
        title: if asked.is_empty() {
            t.text("verify.title").to_owned()
        } else {
            format!("{asked} · {}", t.text("verify.title"))
        },
        number: &asked,
        qr: found.then(|| format!("verify/{}/qr.svg", encoded(&asked))),
        answer,
        languages: i18n::all()
            .iter()
            .filter(|other| other.code() != t.code())
            .map(|other| LanguageLink {
                code: other.code(),
                name: other.name().to_owned(),
                href: format!("verify?{number_query}lang={}", other.code()),
            })
            .collect(),
    };
    let html = match page.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "the verification page did not render");
            return refused(&AppError::internal(error));
        }
    };
    let mut response = if asked.is_empty() || found {
        HttpResponse::Ok()
    } else {
        HttpResponse::NotFound()
    };
    let response = response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(html);
    with_language(response, t)
}

/// `value` cut to `chars` characters, marked with an ellipsis when cut.
fn shortened(value: &str, chars: usize) -> String {
    if value.chars().count() <= chars {
        return value.to_owned();
    }
    let kept: String = value.chars().take(chars.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// The message `key` filled with `values`, shortening the holder's name and then the number
/// (never the status or the date) until it fits in [`TEXT_LINE_CHARS`].
fn fitted(t: &Messages, key: &str, values: &mut [(&str, String)]) -> String {
    let render = |values: &[(&str, String)]| {
        let borrowed: Vec<(&str, &str)> = values.iter().map(|(name, value)| (*name, value.as_str())).collect();
        t.format(key, &borrowed)
    };
    let mut text = render(values);
    for shrinkable in ["name", "number"] {
        let excess = text.chars().count().saturating_sub(TEXT_LINE_CHARS);
        if excess == 0 {
            break;
        }
        if let Some((_, value)) = values.iter_mut().find(|(name, _)| *name == shrinkable) {
            let length = value.chars().count();
            *value = shortened(value, length.saturating_sub(excess).max(1));
            text = render(values);
        }
    }
    text
}

/// The answer in one line of at most [`TEXT_LINE_CHARS`] characters.
pub fn text_line(t: &Messages, check: &CertificateCheck) -> String {
    // A name that ends the sentence loses its own full stop (`Pvt. Ltd.` + `.`).
    let name = |key: &str, holder: &entity::recruiter::Model| {
        let name = holder.legal_name.as_str();
        if t.text(key).contains("{name}.") {
            name.trim_end_matches('.')
        } else {
            name
        }
        .to_owned()
    };
    match (&check.found, check.status()) {
        (Some((certification, holder)), Some(CertificationStatus::Certified)) => fitted(
            t,
            "sms.certified",
            &mut [
                ("number", certification.certificate_number.clone()),
                (
                    "date",
                    certification
                        .expires_on
                        .map(|date| date.to_string())
                        .unwrap_or_default(),
                ),
                ("name", holder.legal_name.clone()),
            ],
        ),
        (Some((certification, holder)), _) => fitted(
            t,
            "sms.notCertified",
            &mut [
                ("number", certification.certificate_number.clone()),
                ("status", t.text(&check.status_key()).to_owned()),
                ("name", name("sms.notCertified", holder)),
            ],
        ),
        (None, _) => fitted(t, "sms.notFound", &mut [("number", check.number.clone())]),
    }
}

/// One line of plain text for SMS and USSD gateways: `200` for every well-formed number,
/// known or not (a gateway forwards the line either way); `400` for a blank or overlong one.
#[get("/v/{number}")]
async fn text_answer(
    state: web::Data<AppState>,
    request: HttpRequest,
    number: web::Path<String>,
    query: web::Query<LangQuery>,
) -> HttpResponse {
    let t = i18n::negotiate(query.lang.as_deref(), &request);
    let check = match check(&state, &number).await {
        Ok(Some(check)) => check,
        Ok(None) => {
            return refused(&AppError::bad_input(format!(
                "a certificate number has 1 to {MAX_NUMBER_CHARS} characters"
            )));
        }
        Err(error) => return refused(&error),
    };
    let response = HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text_line(t, &check));
    with_language(response, t)
}

/// A QR code (SVG) of the certificate's verification page, for printed certificates and office
/// walls. The page, not the status, is encoded, so a printed code stays right when the status
/// changes. `404` for a number the directory does not hold.
#[get("/verify/{number}/qr.svg")]
async fn qr_code(state: web::Data<AppState>, request: HttpRequest, number: web::Path<String>) -> HttpResponse {
    let check = match check(&state, &number).await {
        Ok(Some(check)) if check.found.is_some() => check,
        Ok(_) => {
            return refused(&AppError::NotFound(format!(
                "no certificate numbered `{}` is in the directory",
                shortened(number.trim(), MAX_NUMBER_CHARS)
            )));
        }
        Err(error) => return refused(&error),
    };
    let address = format!(
        "{}/verify?number={}",
        super::public_base(&state, &request),
        encoded(&check.number)
    );
    match qrcode::QrCode::new(address.as_bytes()) {
        Ok(code) => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(
                code.render::<qrcode::render::svg::Color<'_>>()
                    .min_dimensions(240, 240)
                    .quiet_zone(true)
                    .build(),
            ),
        Err(error) => refused(&AppError::internal(anyhow::anyhow!(
            "the QR code could not be made: {error}"
        ))),
    }
}

pub fn routes(config: &mut web::ServiceConfig) {
    config.service(verify_page).service(text_answer).service(qr_code);
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use entity::recruiter;

    use super::*;
    use crate::json_ld::tests::{certification, recruiter as listed};

    fn holder(name: &str) -> recruiter::Model {
        recruiter::Model {
            legal_name: name.to_owned(),
            ..listed()
        }
    }

    /// Every language, every kind of answer, with the longest number accepted and a long name
    /// in a non-Latin script: never more than an SMS carries, and the verdict always survives.
    #[test]
    fn the_text_line_fits_an_sms_in_every_language() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date");
        let long_name = "श्री हिमालयन ओभरसिज म्यानपावर एण्ड ट्राभल्स सर्भिसेस प्राइभेट लिमिटेड काठमाडौं नेपाल".repeat(2);
        let numbers = ["ERS-NP-2024-0000012".to_owned(), "N".repeat(MAX_NUMBER_CHARS)];
        for t in i18n::all() {
            for number in &numbers {
                let cases = [
                    (
                        Some((certification(number, "certified", 30), holder(&long_name))),
                        "sms.certified",
                    ),
                    (
                        Some((certification(number, "suspended", 30), holder("Short Ltd."))),
                        "sms.notCertified",
                    ),
                    (None, "sms.notFound"),
                ];
                for (found, key) in cases {
                    let holder_name = found.as_ref().map(|(_, holder)| holder.legal_name.clone());
                    let check = CertificateCheck {
                        number: number.clone(),
                        found,
                        today,
                        trust: Default::default(),
                    };
                    let line = text_line(t, &check);
                    assert!(
                        line.chars().count() <= TEXT_LINE_CHARS,
                        "{} {key}: {} characters: {line}",
                        t.code(),
                        line.chars().count()
                    );
                    assert!(
                        !line.contains('\n') && !line.contains('{'),
                        "{} {key}: {line}",
                        t.code()
                    );
                    // The fixed words of the message are all there, untouched.
                    let skeleton = t.text(key);
                    for word in skeleton
                        .split(['{', '}'])
                        .step_by(2)
                        .filter(|part| part.trim().len() > 3)
                    {
                        assert!(
                            line.contains(word.trim()),
                            "{} {key}: `{word}` lost in `{line}`",
                            t.code()
                        );
                    }
                    if number.len() < 30 {
                        assert!(line.contains(number.as_str()), "{} {key}: {line}", t.code());
                    }
                    if key == "sms.certified" {
                        assert!(line.contains("2026-11-30"), "{}: {line}", t.code());
                    }
                    assert!(!line.contains(".."), "{}: one full stop: {line}", t.code());
                    if key == "sms.notCertified" {
                        assert!(line.contains(t.text("status.SUSPENDED")), "{}: {line}", t.code());
                        if number.len() < 30 {
                            assert!(
                                line.contains(holder_name.as_deref().unwrap_or_default().trim_end_matches('.')),
                                "{}: {line}",
                                t.code()
                            );
                        }
                    }
                }
            }
        }
    }
}
