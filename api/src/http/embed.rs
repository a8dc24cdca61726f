//! `GET /embed.js`: the widget partner websites add with one `<script>` tag.
//!
//! The script is compiled into the binary, so it always matches the API it talks to. Partner
//! pages load it on every visit, often on slow connections, so it is small on the wire (gzip
//! at the best level, done once, rather than the fast level the response middleware uses) and
//! cacheable: browsers and CDNs keep it for five minutes (a fix reaches every partner site
//! within that time) and may keep using a stale copy for a day while they revalidate in the
//! background; revalidating with `If-None-Match` costs a 304 without a body.

use std::{io::Write, sync::LazyLock};

use actix_web::{HttpRequest, HttpResponse, http::header, route};
use sha2::{Digest, Sha256};

/// The widget's source, served as is (readable; gzip on the wire makes it small).
const SCRIPT: &str = include_str!("embed.js");

/// Five minutes fresh, then revalidated; a day of stale-while-revalidate keeps partner pages
/// fast while the check happens.
const CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=86400";

/// One encoding of the script with its strong validator. RFC 9110 wants a strong ETag to
/// differ between content codings, so the gzip one carries a suffix.
struct Representation {
    body: Vec<u8>,
    etag: String,
}

/// The first 128 bits of the script's SHA-256: changes exactly when the script does and is
/// the same on every server of a deployment.
fn content_hash() -> String {
    let digest = Sha256::digest(SCRIPT.as_bytes());
    hex::encode(&digest[..16])
}

static IDENTITY: LazyLock<Representation> = LazyLock::new(|| Representation {
    body: SCRIPT.as_bytes().to_vec(),
    etag: format!("\"{}\"", content_hash()),
});

/// `None` if compressing failed (it cannot for an in-memory buffer); the identity is then served.
static GZIP: LazyLock<Option<Representation>> = LazyLock::new(|| {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(SCRIPT.as_bytes()).ok()?;
    Some(Representation {
        body: encoder.finish().ok()?,
        etag: format!("\"{}-gzip\"", content_hash()),
    })
});

/// Whether `Accept-Encoding` allows gzip (named or `*`, with a non-zero quality).
fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let refused = parts.any(|parameter| {
            parameter
                .strip_prefix("q=")
                .and_then(|quality| quality.parse::<f32>().ok())
                .is_some_and(|quality| quality <= 0.0)
        });
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// Whether an `If-None-Match` header names the version we would send (weak comparison, as
/// RFC 9110 asks for this header: `W/"x"` matches `"x"`; `*` matches anything).
fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        let candidate = candidate.strip_prefix("W/").unwrap_or(candidate);
        candidate == "*" || candidate == etag
    })
}

#[route("/embed.js", method = "GET", method = "HEAD")]
pub async fn script(request: HttpRequest) -> HttpResponse {
    let header_text = |name| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    };
    let gzip = GZIP
        .as_ref()
        .filter(|_| accepts_gzip(header_text(header::ACCEPT_ENCODING)));
    let representation = gzip.unwrap_or(&IDENTITY);
    let revalidated = matches(header_text(header::IF_NONE_MATCH), &representation.etag);
    let mut response = if revalidated {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, representation.etag.as_str()))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Partner pages that isolate themselves (COEP) may still load it.
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"));
    if revalidated {
        return response.finish();
    }
    if gzip.is_some() {
        // Already encoded: the compression middleware leaves a response with this header alone.
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    response
        .content_type("text/javascript; charset=utf-8")
        .body(representation.body.as_slice())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_etags_are_strong_quoted_hashes_one_per_coding() {
        let gzip = GZIP.as_ref().expect("gzip");
        assert_eq!(IDENTITY.etag.len(), 34);
        assert!(IDENTITY.etag.starts_with('"') && IDENTITY.etag.ends_with('"'));
        assert_ne!(IDENTITY.etag, gzip.etag);
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(gzip.body.as_slice())
            .read_to_string(&mut unzipped)
            .expect("gunzip");
        assert_eq!(unzipped, SCRIPT);
    }

    #[test]
    fn if_none_match_uses_weak_comparison_over_a_list() {
        let etag = IDENTITY.etag.as_str();
        assert!(matches(etag, etag));
        assert!(matches(&format!("W/{etag}"), etag));
        assert!(matches(&format!("\"old\", {etag}"), etag));
        assert!(matches("*", etag));
        assert!(!matches("\"old\"", etag));
        assert!(!matches("", etag));
    }

    #[test]
    fn gzip_is_chosen_only_when_accepted() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip(""));
    }
}
