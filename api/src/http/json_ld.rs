//! `GET /recruiters/{slug}` with `Accept: application/ld+json`: the recruiter as schema.org
//! JSON-LD ([`crate::json_ld`]). Other media types are refused with `406`, naming the one served:
//! the directory's human pages are its partners' websites and the widget.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, Accept, Header},
    web,
};

use super::AppState;
use crate::{error::AppError, json_ld};

/// Whether the client takes JSON-LD: `application/ld+json`, `application/json` or anything.
fn accepts_json_ld(request: &HttpRequest) -> bool {
    let Ok(accept) = Accept::parse(request) else {
        return true; // no (or an unreadable) Accept header: anything goes
    };
    accept.is_empty()
        || accept.iter().any(|item| {
            let mime = &item.item;
            let any = mime.type_() == mime::STAR;
            let json = mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::STAR || mime.subtype() == mime::JSON || mime.subtype().as_str() == "ld");
            item.quality > header::Quality::ZERO && (any || json)
        })
}

fn refused(error: &AppError) -> HttpResponse {
    error.http_response().json(error.body())
}

#[get("/recruiters/{slug}")]
pub async fn recruiter_document(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> HttpResponse {
    if !accepts_json_ld(&request) {
        let error = AppError::WrongRequest {
            status: 406,
            message: "this address serves `application/ld+json` (schema.org): ask for it in `Accept`, or query `recruiter(slug:)` at /graphql".to_owned(),
        };
        return error
            .http_response()
            .insert_header((header::VARY, "Accept"))
            .json(error.body());
    }
    if slug.trim().is_empty() || slug.chars().count() > 200 {
        return refused(&AppError::bad_input("a slug has 1 to 200 characters"));
    }
    let base = super::public_base(&state, &request);
    let today = crate::clock::now().date_naive();
    match json_ld::recruiter_document(&state.db, &slug, &base, today).await {
        Ok(Some(document)) => HttpResponse::Ok()
            .content_type(json_ld::MEDIA_TYPE)
            .insert_header((header::VARY, "Accept"))
            .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
            .json(document),
        Ok(None) => refused(&AppError::NotFound(format!(
            "no recruiter with the slug `{}` is listed",
            slug.trim()
        ))),
        Err(error) => refused(&error),
    }
}
