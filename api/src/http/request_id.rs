//! Request ids and time limits.
//!
//! Every response carries `X-Request-Id` (the client's own when it sent a sane one, else a new
//! unique one), every log line written while the request is handled carries it (a tracing
//! span), and `INTERNAL` errors quote it in `extensions.requestId`, so a user who reports an
//! error can be matched with the server's log.
//!
//! Time limits: a request body must arrive within `REQUEST_TIMEOUT` (a client trickling it in
//! is answered `408` and disconnected instead of holding a worker's attention for ever). A
//! GraphQL query that runs longer is abandoned with `TIMEOUT` by `graphql::limits`, over HTTP
//! and WebSocket alike.

use std::{cell::Cell, panic::AssertUnwindSafe, rc::Rc, time::Duration};

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    error::PayloadError,
    http::{
        Method, StatusCode,
        header::{self, HeaderName, HeaderValue},
    },
    middleware::Next,
    web,
};
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError, Value};
use futures_util::{FutureExt, StreamExt};
use tracing::Instrument;

use super::AppState;
use crate::error::{AppError, ErrorCode};

/// The header that carries the id, both ways.
pub const HEADER: &str = "x-request-id";
/// Longest id accepted from a client.
const MAX_CLIENT_ID: usize = 128;
/// When the state is not reachable (it always is in `serve`).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The id of the request being handled, in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A client's id is kept if it is short and made of characters that are safe in logs and
/// headers; anything else is replaced (a log line must not be forged through it).
fn sane(candidate: &str) -> Option<String> {
    let safe =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b':' | b'/' | b'+' | b'=');
    let valid = !candidate.is_empty() && candidate.len() <= MAX_CLIENT_ID && candidate.bytes().all(safe);
    valid.then(|| candidate.to_owned())
}

/// A new id: this process's 64 random bits, then a count of the ids it has made, as 32 hex
/// digits. Unique across the servers of a deployment like 128 random bits would be, without
/// asking the kernel for randomness on every request (about 3 % of a cached answer's CPU in
/// `perf`).
fn generate() -> String {
    static PROCESS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let process = *PROCESS.get_or_init(|| {
        getrandom::u64().unwrap_or_else(|_| {
            // No system randomness: unique enough within one process.
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_nanos() as u64)
        })
    });
    let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{process:016x}{count:016x}")
}

/// The id of a request (empty before the middleware ran, e.g. in unit tests).
pub fn of(request: &HttpRequest) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default()
}

fn time_limit(request: &ServiceRequest) -> Duration {
    request
        .app_data::<web::Data<AppState>>()
        .map_or(DEFAULT_TIMEOUT, |state| state.request_timeout)
}

/// Ends the body stream with an error once `limit` has passed, and notes that it did.
fn with_deadline(payload: Payload, limit: Duration, timed_out: Rc<Cell<bool>>) -> Payload {
    let sleep = Box::pin(tokio::time::sleep(limit));
    let stream = futures_util::stream::unfold(Some((payload, sleep)), move |state| {
        let timed_out = timed_out.clone();
        async move {
            let (mut payload, mut sleep) = state?;
            // Biased: what has arrived is taken even when the time is up.
            tokio::select! {
                biased;
                chunk = payload.next() => chunk.map(|chunk| (chunk, Some((payload, sleep)))),
                () = &mut sleep => {
                    timed_out.set(true);
                    let error = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
                    Some((Err(PayloadError::Io(error)), None))
                }
            }
        }
    });
    let boxed: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<web::Bytes, PayloadError>>>> = Box::pin(stream);
    Payload::from(boxed)
}

/// actix answers a body it cannot read (too large, broken) with plain text; a GraphQL client
/// gets the same refusal as a GraphQL error with a code.
fn plain_refusal(response: &ServiceResponse<BoxBody>) -> Option<(StatusCode, String)> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json"));
    if response.request().path() != "/graphql" || !status.is_client_error() || is_json {
        return None;
    }
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "the request body is larger than {} KiB: send less (split a bulk import into several requests)",
            super::graphql::MAX_BODY_BYTES / 1024
        )
    } else {
        format!(
            "the request was refused ({}): send a GraphQL request as JSON",
            status.canonical_reason().unwrap_or("unreadable")
        )
    };
    Some((status, message))
}

/// The middleware (`App::wrap(from_fn(request_id::middleware))`).
pub async fn middleware(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(sane)
        .unwrap_or_else(generate);
    request.extensions_mut().insert(RequestId(id.clone()));
    let limit = time_limit(&request);
    let timed_out = Rc::new(Cell::new(false));
    // Only bodies of requests that send one: a WebSocket upgrade (`GET`) streams for hours.
    if matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH) {
        let payload = request.take_payload();
        request.set_payload(with_deadline(payload, limit, timed_out.clone()));
    }
    let started = std::time::Instant::now();
    let span = tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.path());
    let mut response = next.call(request).instrument(span.clone()).await?.map_into_boxed_body();
    let refusal = if timed_out.get() {
        span.in_scope(|| tracing::info!("request body did not arrive in time"));
        Some((
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {}s: send the whole request at once",
                limit.as_secs_f64()
            ),
        ))
    } else {
        plain_refusal(&response)
    };
    if let Some((status, message)) = refusal {
        let mut answer = HttpResponse::build(status);
        if status == StatusCode::REQUEST_TIMEOUT {
            answer.insert_header((header::CONNECTION, "close"));
        }
        // CORS headers stay, so that a browser client can read the refusal.
        for (name, value) in response.headers() {
            if name.as_str().starts_with("access-control-") || name == header::VARY {
                answer.append_header((name.clone(), value.clone()));
            }
        }
        let body = AppError::BadInput(message).body();
        response = response.into_response(answer.json(body)).map_into_boxed_body();
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static(HEADER), value);
    }
    // The access log: one line per request, in the request's span (id, method, path). Nothing
    // is formatted when `RUST_LOG` leaves `http` out.
    span.in_scope(|| {
        tracing::info!(
            target: "http",
            status = response.status().as_u16(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            "answered"
        );
    });
    Ok(response)
}

fn error_with(error: AppError, request_id: &str) -> ServerError {
    let mut error = ServerError::from(error);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("requestId", request_id);
    error
}

/// The largest `extensions.retryAfter` of the answer's `UNAVAILABLE` errors, for the HTTP
/// `Retry-After` header.
pub fn retry_after(response: &BatchResponse) -> Option<u64> {
    let responses: Vec<&Response> = match response {
        BatchResponse::Single(single) => vec![single],
        BatchResponse::Batch(batch) => batch.iter().collect(),
    };
    responses
        .into_iter()
        .flat_map(|response| response.errors.iter())
        .filter_map(|error| {
            error
                .extensions
                .as_ref()?
                .get(crate::error::RETRY_AFTER_EXTENSION)
                .cloned()
        })
        .filter_map(|value| match value {
            Value::Number(number) => number.as_u64(),
            _ => None,
        })
        .max()
}

/// Every operation of the request answered with the same error.
fn refusal(count: usize, batched: bool, error: ServerError) -> BatchResponse {
    let response = || Response::from_errors(vec![error.clone()]);
    if batched {
        BatchResponse::Batch((0..count).map(|_| response()).collect())
    } else {
        BatchResponse::Single(response())
    }
}

/// `extensions.requestId` on every `INTERNAL` error, for the user to quote; and a code on
/// the errors async-graphql raises about the request itself (no operation of that name, no
/// name given for several operations), which are the client's to fix.
fn finish_errors(response: &mut BatchResponse, request_id: &str) {
    let responses: Vec<&mut Response> = match response {
        BatchResponse::Single(single) => vec![single],
        BatchResponse::Batch(batch) => batch.iter_mut().collect(),
    };
    for error in responses.into_iter().flat_map(|response| response.errors.iter_mut()) {
        let outside_resolvers = error.path.is_empty();
        let extensions = error.extensions.get_or_insert_with(Default::default);
        match extensions.get("code") {
            Some(code)
                if *code == Value::from(ErrorCode::Internal.as_str())
                    || *code == Value::from(ErrorCode::Timeout.as_str()) =>
            {
                extensions.set("requestId", request_id)
            }
            None if outside_resolvers => extensions.set("code", ErrorCode::BadUserInput.as_str()),
            _ => {}
        }
    }
}

/// Runs prepared operations: a panic answered as `INTERNAL` instead of tearing down the worker,
/// and `INTERNAL` and `TIMEOUT` errors quoting the request id.
pub async fn execute(state: &AppState, http: &HttpRequest, mut prepared: Vec<Request>, batched: bool) -> BatchResponse {
    let request_id = of(http);
    let count = prepared.len();
    let run = async {
        if batched {
            state.schema.execute_batch(BatchRequest::Batch(prepared)).await
        } else {
            BatchResponse::Single(state.schema.execute(prepared.remove(0)).await)
        }
    };
    let outcome = AssertUnwindSafe(run).catch_unwind().await;
    let mut response = outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(panic = %what, "a GraphQL request panicked");
        let error = AppError::internal(anyhow::anyhow!("a GraphQL request panicked: {what}"));
        refusal(count, batched, error_with(error, &request_id))
    });
    finish_errors(&mut response, &request_id);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_only_when_sane() {
        assert_eq!(sane("abc-123_x.y:z"), Some("abc-123_x.y:z".to_owned()));
        for bad in ["", "a b", "line\nbreak", "<script>", "é", &"x".repeat(129)] {
            assert_eq!(sane(bad), None, "{bad:?}");
        }
        let generated = generate();
        assert_eq!(generated.len(), 32);
        assert!(sane(&generated).is_some());
        assert_ne!(generated, generate());
    }
}
