//! `/open-data/...`: the download of the whole public directory, its metadata, and the public
//! change feed (see [`crate::open_data`]).

use actix_files::NamedFile;
use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, ContentDisposition, ContentEncoding, DispositionParam, DispositionType},
    web,
};
use serde::Deserialize;

use super::AppState;
use crate::{error::AppError, open_data};

/// Until the first download exists (a server that just started on a large directory).
fn not_ready() -> HttpResponse {
    let error = AppError::Unavailable {
        message: "the open-data download is being written: try again in a few seconds".to_owned(),
        retry_after_secs: 5,
    };
    error.http_response().json(error.body())
}

/// The gzipped JSON Lines, with `ETag`, `Last-Modified`, `Content-Length` and range requests
/// (a mirror on a poor connection resumes where it stopped).
#[get("/open-data/directory.jsonl.gz")]
async fn download(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    state.open_data.ask();
    if state.open_data.metadata().is_none() {
        return not_ready();
    }
    let file = match NamedFile::open_async(state.open_data.download_path()).await {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(%error, "cannot open the open-data download");
            return not_ready();
        }
    };
    let mut response = file
        .set_content_type(mime_gzip())
        // Already compressed: the response middleware must not encode it again.
        .set_content_encoding(ContentEncoding::Identity)
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(open_data::DOWNLOAD.to_owned())],
        })
        .into_response(&request);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    response
}

fn mime_gzip() -> mime::Mime {
    "application/gzip".parse().unwrap_or(mime::APPLICATION_OCTET_STREAM)
}

/// The metadata document: licence, position, date, counts per type, size and checksum.
#[get("/open-data/directory.json")]
async fn metadata(state: web::Data<AppState>) -> HttpResponse {
    state.open_data.ask();
    match state.open_data.metadata() {
        Some(metadata) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
            .json(metadata),
        None => not_ready(),
    }
}

#[derive(Deserialize)]
struct ChangesQuery {
    since: Option<String>,
    limit: Option<String>,
}

/// A whole number from the query string, or a clear refusal.
fn number(value: Option<&str>, name: &str, default: u64) -> Result<u64, AppError> {
    match value {
        None => Ok(default),
        Some(text) => text.trim().parse::<u64>().map_err(|_| {
            AppError::BadInput(format!(
                "`{name}` must be a whole number of 0 or more (a change-log position), not `{text}`"
            ))
        }),
    }
}

/// Every public change after `since`, one JSON object a line, oldest first. At most `limit`
/// (default and most 10 000) log entries are read per request; `X-Next-Since` says where to
/// continue, and an empty answer means the mirror is current.
#[get("/open-data/changes")]
async fn changes(state: web::Data<AppState>, query: web::Query<ChangesQuery>) -> HttpResponse {
    let asked = number(query.since.as_deref(), "since", 0).and_then(|since| {
        let limit = number(query.limit.as_deref(), "limit", open_data::MAX_CHANGES)?;
        Ok((since, limit))
    });
    let (since, limit) = match asked {
        Ok(asked) => asked,
        Err(error) => return error.http_response().json(error.body()),
    };
    match open_data::changes_since(&state.db, since, limit).await {
        Ok((lines, next)) => {
            let mut body = Vec::with_capacity(lines.len() * 512);
            for line in &lines {
                // Records hold only strings, dates and lists: serialising into memory cannot fail.
                if serde_json::to_writer(&mut body, line).is_ok() {
                    body.push(b'\n');
                }
            }
            HttpResponse::Ok()
                .content_type("application/jsonl; charset=utf-8")
                .insert_header(("X-Next-Since", next.to_string()))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(body)
        }
        Err(error) => error.http_response().json(error.body()),
    }
}

pub fn routes(config: &mut web::ServiceConfig) {
    config.service(download).service(metadata).service(changes);
}
