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
    route,
};

use super::assets::Asset;

/// The widget's source, served as is (readable; gzip on the wire makes it small).
const SCRIPT: &str = include_str!("embed.js");

/// Five minutes fresh, then revalidated; a day of stale-while-revalidate keeps partner pages
/// fast while the check happens.
const CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=86400";

static WIDGET: LazyLock<Asset> =
    LazyLock::new(|| Asset::new(SCRIPT.as_bytes(), "text/javascript; charset=utf-8", CACHE_CONTROL));

#[route("/embed.js", method = "GET", method = "HEAD")]
pub async fn script(request: HttpRequest) -> HttpResponse {
    let mut response = WIDGET.respond(&request);
    // Partner pages that isolate themselves (COEP) may still load it.
    response.headers_mut().insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    response
}
