//! `/.well-known/` documents: the public keys that verify the directory's receipts.

use actix_web::{HttpResponse, Responder, get, http::header, web};

use super::AppState;

/// How long a client may keep the key set. Short enough that a newly rotated key is picked up
/// the same hour; retired keys stay in the set, so a stale copy still verifies old receipts.
const MAX_AGE_SECONDS: u32 = 3_600;

/// The JWK Set of the receipt keys (RFC 7517): the signing key first, then retired ones.
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> impl Responder {
    HttpResponse::Ok()
        .content_type("application/jwk-set+json")
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={MAX_AGE_SECONDS}")))
        .json(state.receipts.jwks())
}
