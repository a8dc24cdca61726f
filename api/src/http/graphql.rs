//! The GraphQL endpoint, following the GraphQL-over-HTTP specification rather than the
//! defaults of the stack: a bounded body, `application/json` requests only (415 otherwise, so
//! a `text/plain` form post cannot run anything), queries only over `GET` (405 for mutations),
//! a negotiated response type, and a cap on batches. The limits on the document itself
//! (aliases, root fields, depth, cost, time) are `graphql::limits`, which applies them to every
//! operation over HTTP and WebSocket alike.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use async_graphql::{BatchRequest, BatchResponse, Request, parser::types::OperationType};

use super::AppState;
use crate::{
    auth::Caller,
    cache::{PersistedQueryError, ResponseCache},
    error::AppError,
    graphql::{limits, schema},
    ratelimit::Decision,
};

/// Requests larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Operations in one batched request.
pub const MAX_BATCH: usize = 10;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Which media type the client accepts; the modern one unless it asks only for JSON.
fn wants_legacy_json(request: &HttpRequest) -> bool {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains(GRAPHQL_RESPONSE) && !accept.contains("*/*")
}

/// A request refused before GraphQL runs (the one mapping is [`AppError::http_response`]).
fn refuse(error: AppError) -> HttpResponse {
    error
        .http_response()
        .content_type("application/json")
        .json(error.body())
}

pub async fn post(state: web::Data<AppState>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media_type != "application/json" {
        return refuse(AppError::WrongRequest {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE.as_u16(),
            message: "send the request as `Content-Type: application/json`".to_owned(),
        });
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(error) => {
            let message = format!("the body is not a GraphQL request in JSON: {error}");
            return refuse(AppError::BadInput(message));
        }
    };
    execute(state, &request, batch, false).await
}

/// `GET /graphql` with `Upgrade: websocket`: subscriptions over graphql-transport-ws.
pub async fn get(state: web::Data<AppState>, request: HttpRequest, payload: web::Payload) -> HttpResponse {
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return query(state, request).await;
    }
    // Every operation on the connection is charged to the client that opened it, like a
    // request over HTTP; "today" is taken per operation (`cost::OperationFacts`).
    let client = match state.limiter.client(&request) {
        Ok(client) => client,
        Err(error) => return refuse(error),
    };
    let connection = match state.websockets.open(&client.bucket()) {
        Ok(connection) => connection,
        Err(error) => {
            state.metrics.rate_limited.inc();
            return refuse(error);
        }
    };
    let incoming = connection.watch(payload);
    let mut data = async_graphql::Data::default();
    data.insert(crate::graphql::Loaders::new(&state.db));
    data.insert(crate::auth::Caller::Anonymous);
    // Dropped with the connection's data when it closes, giving the client its slot back.
    data.insert(connection);
    if state.limiter.enabled() {
        data.insert(crate::graphql::cost::Charge::new(state.limiter.clone(), client));
    }
    async_graphql_actix_web::GraphQLSubscription::new(state.schema.clone())
        .with_data(data)
        .keepalive_timeout(std::time::Duration::from_secs(60))
        .start(&request, incoming)
        .unwrap_or_else(|error| refuse(AppError::BadInput(format!("cannot open a subscription: {error}"))))
}

async fn query(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let parsed = match async_graphql::http::parse_query_string(request.query_string()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!("the query string is not a GraphQL request: {error}");
            return refuse(AppError::BadInput(message));
        }
    };
    execute(state, &request, BatchRequest::Single(parsed), true).await
}

async fn execute(state: web::Data<AppState>, http: &HttpRequest, batch: BatchRequest, over_get: bool) -> HttpResponse {
    let mut requests: Vec<Request> = match batch {
        BatchRequest::Single(request) => vec![request],
        BatchRequest::Batch(requests) => requests,
    };
    let batched = requests.len() > 1;
    if requests.is_empty() || requests.len() > MAX_BATCH {
        let message = format!("send between 1 and {MAX_BATCH} operations in one request");
        return refuse(AppError::BadInput(message));
    }
    for request in &mut requests {
        if let Err(error) = state.persisted.resolve(request).await {
            return persisted_query_refusal(error);
        }
    }
    let client = match state.limiter.client(http) {
        Ok(client) => client,
        Err(error) => return refuse(error),
    };
    let authorization = http
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let caller = state.verifier.caller(authorization);
    let anonymous = matches!(caller, Caller::Anonymous);
    let legacy = wants_legacy_json(http);
    // Only anonymous single operations are looked up, and only answers to queries are ever
    // stored, so a hit is a query that passed every check below: it is answered without
    // parsing the document again.
    let cache_key = (!batched && anonymous && state.cache.enabled())
        .then(|| ResponseCache::key(&requests[0], state.feed.position(), crate::clock::now().date_naive()));
    let mut answer = Answer {
        legacy,
        over_get,
        public: cache_key.is_some(),
        max_age: state.http_max_age,
    };
    if let Some(key) = &cache_key
        && let Some(hit) = state.cache.get(key).await
    {
        state.metrics.cache_hits.inc();
        let decision = if state.limiter.enabled() {
            Some(state.limiter.charge(&client, 1).await)
        } else {
            None
        };
        if let Some(decision) = decision.as_ref().filter(|decision| !decision.allowed) {
            state.metrics.rate_limited.inc();
            return answer.rate_limited(decision);
        }
        return answer.cached(http, &hit, decision.as_ref());
    }
    let mut reads_only = true;
    for request in &mut requests {
        match check(request, over_get) {
            Ok(operation) => reads_only &= operation == Some(OperationType::Query),
            Err(error) => return refuse(error),
        }
    }
    // What a token may see is never shared.
    answer.public = !batched && reads_only && anonymous;
    let cache_key = cache_key.filter(|_| answer.public);
    if cache_key.is_some() {
        state.metrics.cache_misses.inc();
    }
    let charge = state
        .limiter
        .enabled()
        .then(|| crate::graphql::cost::Charge::new(state.limiter.clone(), client));
    let prepared: Vec<Request> = requests
        .into_iter()
        .map(|request| {
            let request = schema::prepare(request, &state.db, caller.clone()).data(limits::DocumentChecked);
            match &charge {
                Some(charge) => request.data(charge.clone()),
                None => request,
            }
        })
        .collect();
    // `INTERNAL` and `TIMEOUT` errors quote the request id.
    let response = super::request_id::execute(&state, http, prepared, batched).await;
    let retry_after = super::request_id::retry_after(&response);
    let decision = charge.and_then(|charge| charge.decision());
    if let Some(decision) = decision.as_ref().filter(|decision| !decision.allowed) {
        state.metrics.rate_limited.inc();
        return answer.rate_limited(decision);
    }
    let body = match serde_json::to_vec(&response) {
        Ok(body) => web::Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            return refuse(AppError::internal(error));
        }
    };
    // Fields marked `cache_control(no_cache)` (signed receipts: each must be a fresh check)
    // or private keep the whole answer out of every cache.
    let shareable = match &response {
        BatchResponse::Single(single) => {
            single.is_ok() && single.cache_control.public && single.cache_control.max_age >= 0
        }
        BatchResponse::Batch(_) => false,
    };
    // A request that failed before execution (no `data` at all) is a 400 under the modern
    // media type; with legacy `application/json` every GraphQL answer is a 200.
    let request_error = match &response {
        BatchResponse::Single(single) => single.data == async_graphql::Value::Null && !single.errors.is_empty(),
        BatchResponse::Batch(_) => false,
    };
    let status = if request_error && !legacy {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    // Tagged once, here: the tag is stored with the answer, so a hit does not hash it again.
    let tagged = (shareable && answer.public).then(|| crate::cache::Cached::new(body.clone()));
    if let (Some(tagged), Some(key)) = (&tagged, &cache_key) {
        state.cache.put(key, tagged).await;
    }
    let etag = tagged.map(|tagged| tagged.etag);
    let mut sent = answer.send(http, status, body, etag, decision.as_ref());
    if let Some(seconds) = retry_after
        && let Ok(value) = header::HeaderValue::from_str(&seconds.to_string())
    {
        sent.headers_mut().insert(header::RETRY_AFTER, value);
    }
    sent
}

/// How an answer is sent: media type, caching headers, rate-limit headers.
struct Answer {
    legacy: bool,
    over_get: bool,
    public: bool,
    max_age: u64,
}

impl Answer {
    fn content_type(&self) -> &'static str {
        if self.legacy {
            "application/json"
        } else {
            GRAPHQL_RESPONSE
        }
    }

    fn cached(&self, http: &HttpRequest, hit: &crate::cache::Cached, decision: Option<&Decision>) -> HttpResponse {
        self.send(http, StatusCode::OK, hit.body.clone(), Some(hit.etag.clone()), decision)
    }

    /// `ETag`, `Cache-Control` and `304 Not Modified` for public `GET` answers, which a CDN in
    /// front of partner sites may keep for `HTTP_MAX_AGE` seconds; everything else is `no-store`.
    fn send(
        &self,
        http: &HttpRequest,
        status: StatusCode,
        body: web::Bytes,
        etag: Option<String>,
        decision: Option<&Decision>,
    ) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        for (name, value) in decision.map(Decision::headers).unwrap_or_default() {
            response.insert_header((name, value));
        }
        let etag = etag.filter(|_| self.over_get);
        let Some(etag) = etag else {
            response.insert_header((header::CACHE_CONTROL, "no-store"));
            return response.content_type(self.content_type()).body(body);
        };
        response
            .insert_header((header::ETAG, etag.clone()))
            .insert_header((header::CACHE_CONTROL, format!("public, max-age={}", self.max_age)))
            .insert_header((header::VARY, "Accept"));
        if if_none_match(http, &etag) {
            return response.status(StatusCode::NOT_MODIFIED).finish();
        }
        response.content_type(self.content_type()).body(body)
    }

    fn rate_limited(&self, decision: &Decision) -> HttpResponse {
        let error = decision.error();
        let mut response = error.http_response();
        for (name, value) in decision.headers() {
            response.insert_header((name, value));
        }
        response.content_type(self.content_type()).json(error.body())
    }
}

/// Whether `If-None-Match` names this entity tag (weak comparison, as RFC 9110 asks for it).
fn if_none_match(http: &HttpRequest, etag: &str) -> bool {
    let Some(header) = http
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    header.trim() == "*" || header.split(',').any(|tag| bare(tag) == bare(etag))
}

/// The errors Apollo clients expect for automatic persisted queries (`PERSISTED_QUERY_NOT_FOUND`
/// is answered with 200, so the client retries with the full query).
fn persisted_query_refusal(error: PersistedQueryError) -> HttpResponse {
    refuse(match error {
        PersistedQueryError::NotFound => AppError::PersistedQueryNotFound,
        PersistedQueryError::HashMismatch => {
            AppError::bad_input("provided sha does not match query: send the SHA-256 of the exact query text")
        }
        PersistedQueryError::Unsupported(message) => AppError::BadInput(message),
    })
}

/// Checks a request's shape before it runs. The document parsed here stays in the request, so
/// the schema does not parse it again.
fn check(request: &mut Request, over_get: bool) -> Result<Option<OperationType>, AppError> {
    // Before anything recurses through the document (see `graphql::limits`).
    limits::check_nesting(&request.query)?;
    let operation_name = request.operation_name.clone();
    let document = request
        .parsed_query()
        .map_err(|error| AppError::BadInput(format!("the query does not parse: {}", error.message)))?;
    limits::check_document(document)?;
    let chosen = crate::graphql::chosen_operation(document, operation_name.as_deref());
    if over_get && chosen == Some(OperationType::Mutation) {
        return Err(AppError::WrongRequest {
            status: StatusCode::METHOD_NOT_ALLOWED.as_u16(),
            message: "mutations are only accepted over POST".to_owned(),
        });
    }
    Ok(chosen)
}
