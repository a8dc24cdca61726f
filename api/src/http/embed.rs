//! `GET /embed.js`: the widget partner websites add with one `<script>` tag.
//!
//! The script is compiled into the binary ([`super::assets`]), so it always matches the API it
//! talks to. Partner pages load it on every visit, often on slow connections, so it is small on
//! the wire and cacheable: browsers and CDNs keep it for five minutes (a fix reaches every
//! partner site within that time) and may keep using a stale copy for a day while they
//! revalidate in the background.

use std::sync::LazyLock;

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{HeaderName, HeaderValue},
    route, web,
};

use super::assets::Asset;
use crate::i18n;

/// The widget's source (readable; gzip on the wire makes it small). The English messages and
/// the list of languages are filled in once, from [`crate::i18n`], so an English page needs no
/// second request and the widget never asks for a language the server does not have.
const SOURCE: &str = include_str!("embed.js");

static SCRIPT: LazyLock<&'static str> = LazyLock::new(|| {
    let codes: Vec<&str> = i18n::all().iter().map(i18n::Messages::code).collect();
    let source = SOURCE
        .replacen("/*ENGLISH*/{}", i18n::english().source().trim(), 1)
        .replacen("/*LANGUAGES*/[]", &serde_json::json!(codes).to_string(), 1);
    source.leak()
});

/// Five minutes fresh, then revalidated; a day of stale-while-revalidate keeps partner pages
/// fast while the check happens.
const CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=86400";

static WIDGET: LazyLock<Asset> =
    LazyLock::new(|| Asset::new(SCRIPT.as_bytes(), "text/javascript; charset=utf-8", CACHE_CONTROL));

/// The message files, one asset each (with the widget's caching).
static MESSAGES: LazyLock<Vec<(&'static str, Asset)>> = LazyLock::new(|| {
    i18n::all()
        .iter()
        .map(|messages| {
            let asset = Asset::new(
                messages.source().as_bytes(),
                "application/json; charset=utf-8",
                CACHE_CONTROL,
            );
            (messages.code(), asset)
        })
        .collect()
});

fn cross_origin(mut response: HttpResponse) -> HttpResponse {
    // Partner pages that isolate themselves (COEP) may still load it.
    response.headers_mut().insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    response
}

#[route("/embed.js", method = "GET", method = "HEAD")]
pub async fn script(request: HttpRequest) -> HttpResponse {
    cross_origin(WIDGET.respond(&request))
}

/// `GET /embed/messages/{code}.json`: the widget's words in one language (see [`crate::i18n`]).
#[route("/embed/messages/{file}", method = "GET", method = "HEAD")]
pub async fn message_file(request: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let code = file.strip_suffix(".json").unwrap_or_default();
    match MESSAGES.iter().find(|(served, _)| *served == code) {
        Some((_, asset)) => cross_origin(asset.respond(&request)),
        None => {
            let codes: Vec<&str> = i18n::all().iter().map(i18n::Messages::code).collect();
            let error = crate::error::AppError::NotFound(format!(
                "no messages for `{}`; the languages are {}",
                file.chars().take(20).collect::<String>(),
                codes.join(", ")
            ));
            error.http_response().json(error.body())
        }
    }
}
