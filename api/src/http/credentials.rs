//! `/credentials/...`: a certificate as a Verifiable Credential, and the status lists (see
//! [`crate::credentials`]).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};

use super::AppState;
use crate::{
    credentials::{self, Purpose},
    error::AppError,
};

fn signed(token: String, cache_control: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(credentials::MEDIA_TYPE)
        .insert_header((header::CACHE_CONTROL, cache_control))
        .body(token)
}

fn refused(error: AppError) -> HttpResponse {
    error.http_response().json(error.body())
}

/// The status list of `suspension` or `revocation`, as a signed credential.
#[get("/credentials/status/{purpose}")]
async fn status_list(state: web::Data<AppState>, request: HttpRequest, purpose: web::Path<String>) -> HttpResponse {
    let Some(purpose) = Purpose::parse(&purpose) else {
        return refused(AppError::NotFound(
            "the status lists are `/credentials/status/suspension` and `/credentials/status/revocation`".to_owned(),
        ));
    };
    let base = super::public_base(&state, &request);
    match credentials::status_list(&state.db, &state.receipts, &base, purpose, crate::clock::now()).await {
        // A change shows to verifiers within a minute.
        Ok(token) => signed(token, "public, max-age=60"),
        Err(error) => refused(error),
    }
}

/// A certificate as a Verifiable Credential: 200 with the JWT while it is certified or
/// suspended, 404 for an unknown or never-certified number, 410 once withdrawn, refused or
/// expired.
#[get("/credentials/{number}")]
async fn credential(state: web::Data<AppState>, request: HttpRequest, number: web::Path<String>) -> HttpResponse {
    if number.trim().is_empty() || number.chars().count() > 100 {
        return refused(AppError::bad_input("a certificate number has 1 to 100 characters"));
    }
    let base = super::public_base(&state, &request);
    match credentials::credential(&state.db, &state.receipts, &base, &number, crate::clock::now()).await {
        // Issued afresh each time (`iat`): never shared by caches.
        Ok(token) => signed(token, "no-store"),
        Err(error) => refused(error),
    }
}

pub fn routes(config: &mut web::ServiceConfig) {
    // The lists first: `/credentials/status/...` is not a certificate number.
    config.service(status_list).service(credential);
}
