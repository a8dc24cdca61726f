//! `GET /`: GraphiQL, for a person exploring the API, served entirely by this server.
//!
//! GraphiQL 3.8.3 and React 18.3.1 (their production builds, MIT-licensed, in
//! `api/assets/graphiql/` with their licences) are compiled into the binary, so the page works
//! with no internet and sends a visitor's address to no CDN. The page carries a
//! content-security policy that allows scripts, styles and connections from this server only;
//! GraphiQL's own start-up is a file (`/graphiql/init.js`), not inline code.
//!
//! To update GraphiQL: `npm pack graphiql@3 react@18 react-dom@18`, copy `graphiql.min.js`,
//! `graphiql.min.css` and the two `umd/*.production.min.js` files over these, and run the
//! browser test (`tests/browser_api.rs`). GraphiQL 4 and later ship no browser build.

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, get, http::header, route, web};

use super::assets::Asset;

/// Versioned URLs (`?v=` the content hash) may be kept for a year; the page is revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// What the page may load: everything from this server; inline styles (GraphiQL's editor sets
/// them) and `data:` fonts and images (its stylesheet embeds them); no inline script, no other
/// origin, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

struct Entry {
    name: &'static str,
    asset: Asset,
}

static FILES: LazyLock<[Entry; 5]> = LazyLock::new(|| {
    let javascript = "text/javascript; charset=utf-8";
    let entry = |name, content: &'static [u8], content_type| Entry {
        name,
        asset: Asset::new(content, content_type, IMMUTABLE),
    };
    [
        entry(
            "react.production.min.js",
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            javascript,
        ),
        entry(
            "react-dom.production.min.js",
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            javascript,
        ),
        entry(
            "graphiql.min.js",
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            javascript,
        ),
        entry(
            "graphiql.min.css",
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css; charset=utf-8",
        ),
        entry("init.js", include_bytes!("graphiql.js"), javascript),
    ]
});

fn url(name: &str) -> String {
    let version = FILES
        .iter()
        .find(|entry| entry.name == name)
        .map(|entry| entry.asset.version())
        .unwrap_or_default();
    format!("/graphiql/{name}?v={version}")
}

/// The page, built once: it names each file by its content hash.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ethical recruitment directory: GraphiQL</title>
<link rel="stylesheet" href="{css}">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. The API itself answers at <code>/graphql</code> without it.</noscript>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
<script src="{init}"></script>
</body>
</html>
"#,
        css = url("graphiql.min.css"),
        react = url("react.production.min.js"),
        react_dom = url("react-dom.production.min.js"),
        graphiql = url("graphiql.min.js"),
        init = url("init.js"),
    )
});

/// Compresses the files ahead of the first visitor (GraphiQL's script is 3.5 MB; gzip at the
/// best level takes a moment). Runs on a blocking thread at start.
pub fn warm() {
    for entry in FILES.iter() {
        entry.asset.warm();
    }
}

#[get("/")]
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(PAGE.as_str())
}

#[route("/graphiql/{name}", method = "GET", method = "HEAD")]
pub async fn asset(request: HttpRequest, name: web::Path<String>) -> HttpResponse {
    match FILES.iter().find(|entry| entry.name == name.as_str()) {
        Some(entry) => entry.asset.respond(&request),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such GraphiQL file"),
    }
}
