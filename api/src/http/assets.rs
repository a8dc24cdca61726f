//! Files compiled into the binary and served as they are: the widget (`/embed.js`) and
//! GraphiQL with its libraries (`/graphiql/...`).
//!
//! Compiled in, so they always match the API they talk to and a server needs nothing from the
//! internet (no CDN: a visitor's address goes to no third party, and a strict content-security
//! policy holds). Each file is kept in two encodings, identity and gzip at the best level
//! (compressed once, on first use, instead of on every request by the response middleware),
//! each with a strong `ETag`, so revalidating costs a 304 without a body.

use std::{io::Write, sync::LazyLock};

use actix_web::{HttpRequest, HttpResponse, http::header};
use sha2::{Digest, Sha256};

/// One encoding of a file with its strong validator. RFC 9110 wants a strong ETag to differ
/// between content codings, so the gzip one carries a suffix.
struct Representation {
    body: Vec<u8>,
    etag: String,
}

/// A file served from memory.
pub struct Asset {
    content_type: &'static str,
    cache_control: &'static str,
    identity: &'static [u8],
    identity_etag: String,
    /// `None` if compressing failed (it cannot for an in-memory buffer); the identity is then
    /// served.
    gzip: LazyLock<Option<Representation>, Box<dyn FnOnce() -> Option<Representation> + Send>>,
}

impl Asset {
    pub fn new(content: &'static [u8], content_type: &'static str, cache_control: &'static str) -> Self {
        let hash = content_hash(content);
        let gzip_etag = format!("\"{hash}-gzip\"");
        Self {
            content_type,
            cache_control,
            identity: content,
            identity_etag: format!("\"{hash}\""),
            gzip: LazyLock::new(Box::new(move || {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                encoder.write_all(content).ok()?;
                Some(Representation {
                    body: encoder.finish().ok()?,
                    etag: gzip_etag,
                })
            })),
        }
    }

    /// Changes exactly when the content does: for cache-busting URLs.
    pub fn version(&self) -> &str {
        self.identity_etag.trim_matches('"')
    }

    /// Compresses now rather than on the first request.
    pub fn warm(&self) {
        LazyLock::force(&self.gzip);
    }

    /// The answer to a GET or HEAD: gzip when the client takes it, 304 when it already has
    /// this version.
    pub fn respond(&'static self, request: &HttpRequest) -> HttpResponse {
        let header_text = |name| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
        };
        let gzip = self
            .gzip
            .as_ref()
            .filter(|_| accepts_gzip(header_text(header::ACCEPT_ENCODING)));
        let (body, etag) = match gzip {
            Some(gzip) => (gzip.body.as_slice(), gzip.etag.as_str()),
            None => (self.identity, self.identity_etag.as_str()),
        };
        let revalidated = matches(header_text(header::IF_NONE_MATCH), etag);
        let mut response = if revalidated {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, self.cache_control))
            .insert_header((header::VARY, "Accept-Encoding"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
        if revalidated {
            return response.finish();
        }
        if gzip.is_some() {
            // Already encoded: the compression middleware leaves a response with this header alone.
            response.insert_header((header::CONTENT_ENCODING, "gzip"));
        }
        response.content_type(self.content_type).body(body)
    }

    #[cfg(test)]
    fn gzip_body(&self) -> Option<(&[u8], &str)> {
        self.gzip
            .as_ref()
            .map(|gzip| (gzip.body.as_slice(), gzip.etag.as_str()))
    }
}

/// The first 128 bits of the content's SHA-256: changes exactly when the file does and is the
/// same on every server of a deployment.
fn content_hash(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    hex::encode(&digest[..16])
}

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

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    const CONTENT: &[u8] = b"console.log('a file served from memory');";

    #[test]
    fn the_etags_are_strong_quoted_hashes_one_per_coding() {
        let asset = Asset::new(CONTENT, "text/javascript", "no-cache");
        let (gzip, gzip_etag) = asset.gzip_body().expect("gzip");
        assert_eq!(asset.identity_etag.len(), 34);
        assert!(asset.identity_etag.starts_with('"') && asset.identity_etag.ends_with('"'));
        assert_ne!(asset.identity_etag, gzip_etag);
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(gzip)
            .read_to_end(&mut unzipped)
            .expect("gunzip");
        assert_eq!(unzipped, CONTENT);
    }

    #[test]
    fn if_none_match_uses_weak_comparison_over_a_list() {
        let asset = Asset::new(CONTENT, "text/javascript", "no-cache");
        let etag = asset.identity_etag.as_str();
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
