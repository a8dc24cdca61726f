//! The GraphQL endpoint, following the GraphQL-over-HTTP specification rather than the
//! defaults of the stack: a bounded body, `application/json` requests only (415 otherwise, so
//! a `text/plain` form post cannot run anything), queries only over `GET` (405 for mutations),
//! a negotiated response type, and caps on batches, aliases and root fields checked before any
//! database work starts.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use async_graphql::{
    BatchRequest, BatchResponse, Request,
    parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet},
};
use serde_json::json;

use super::AppState;
use crate::graphql::schema;

/// Requests larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Operations in one batched request.
pub const MAX_BATCH: usize = 10;
/// Aliased fields in one document: aliases let one request ask for the same costly field many
/// times over.
pub const MAX_ALIASES: usize = 30;
/// Root fields of one operation.
pub const MAX_ROOT_FIELDS: usize = 20;

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

fn refuse(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response.insert_header((header::ALLOW, "POST"));
    }
    response
        .content_type("application/json")
        .json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }))
}

pub async fn post(state: web::Data<AppState>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media_type != "application/json" {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "send the request as `Content-Type: application/json`",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(error) => {
            let message = format!("the body is not a GraphQL request in JSON: {error}");
            return refuse(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message);
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
    let mut data = async_graphql::Data::default();
    data.insert(crate::graphql::Loaders::new(&state.db));
    data.insert(crate::graphql::RequestFacts::now());
    data.insert(crate::auth::Caller::Anonymous);
    async_graphql_actix_web::GraphQLSubscription::new(state.schema.clone())
        .with_data(data)
        .keepalive_timeout(std::time::Duration::from_secs(60))
        .start(&request, payload)
        .unwrap_or_else(|error| {
            refuse(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("cannot open a subscription: {error}"),
            )
        })
}

async fn query(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let parsed = match async_graphql::http::parse_query_string(request.query_string()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!("the query string is not a GraphQL request: {error}");
            return refuse(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message);
        }
    };
    execute(state, &request, BatchRequest::Single(parsed), true).await
}

async fn execute(state: web::Data<AppState>, http: &HttpRequest, batch: BatchRequest, over_get: bool) -> HttpResponse {
    let requests: Vec<Request> = match batch {
        BatchRequest::Single(request) => vec![request],
        BatchRequest::Batch(requests) => requests,
    };
    let batched = requests.len() > 1;
    if requests.is_empty() || requests.len() > MAX_BATCH {
        let message = format!("send between 1 and {MAX_BATCH} operations in one request");
        return refuse(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message);
    }
    for request in &requests {
        if let Err((status, code, message)) = check(request, over_get) {
            return refuse(status, code, &message);
        }
    }
    let authorization = http
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let caller = state.verifier.caller(authorization);
    let prepared: Vec<Request> = requests
        .into_iter()
        .map(|request| schema::prepare(request, &state.db, caller.clone()))
        .collect();
    let legacy = wants_legacy_json(http);
    let response = if batched {
        state.schema.execute_batch(BatchRequest::Batch(prepared)).await
    } else {
        let mut prepared = prepared;
        BatchResponse::Single(state.schema.execute(prepared.remove(0)).await)
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
    let content_type = if legacy { "application/json" } else { GRAPHQL_RESPONSE };
    HttpResponse::build(status).content_type(content_type).json(response)
}

/// Checks a request's shape before it runs.
fn check(request: &Request, over_get: bool) -> Result<(), (StatusCode, &'static str, String)> {
    let bad = |message: String| (StatusCode::BAD_REQUEST, "BAD_USER_INPUT", message);
    let document = async_graphql::parser::parse_query(&request.query)
        .map_err(|error| bad(format!("the query does not parse: {error}")))?;
    let operations: Vec<_> = document.operations.iter().collect();
    let chosen = match &request.operation_name {
        Some(name) => operations
            .iter()
            .find(|(operation_name, _)| operation_name.map(|n| n.as_str()) == Some(name.as_str())),
        None => operations.first(),
    };
    if let Some((_, operation)) = chosen {
        if over_get && operation.node.ty == OperationType::Mutation {
            return Err((
                StatusCode::METHOD_NOT_ALLOWED,
                "BAD_USER_INPUT",
                "mutations are only accepted over POST".to_owned(),
            ));
        }
        let roots = count_fields(&operation.node.selection_set.node, &document, 0).0;
        if roots > MAX_ROOT_FIELDS {
            return Err((
                StatusCode::BAD_REQUEST,
                "QUERY_TOO_COMPLEX",
                format!("an operation may ask for at most {MAX_ROOT_FIELDS} root fields, this one asks for {roots}"),
            ));
        }
    }
    let aliases = count_aliases(&document);
    if aliases > MAX_ALIASES {
        return Err((
            StatusCode::BAD_REQUEST,
            "QUERY_TOO_COMPLEX",
            format!("a request may use at most {MAX_ALIASES} aliases, this one uses {aliases}"),
        ));
    }
    Ok(())
}

/// Fields of a selection set, looking through inline fragments and fragment spreads (to a
/// bounded depth, so a cycle cannot loop).
fn count_fields(set: &SelectionSet, document: &ExecutableDocument, depth: usize) -> (usize, usize) {
    let mut fields = 0;
    let mut aliases = 0;
    if depth > 8 {
        return (0, 0);
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                fields += 1;
                if field.node.alias.is_some() {
                    aliases += 1;
                }
            }
            Selection::InlineFragment(fragment) => {
                let (more_fields, more_aliases) = count_fields(&fragment.node.selection_set.node, document, depth + 1);
                fields += more_fields;
                aliases += more_aliases;
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    let (more_fields, more_aliases) =
                        count_fields(&fragment.node.selection_set.node, document, depth + 1);
                    fields += more_fields;
                    aliases += more_aliases;
                }
            }
        }
    }
    (fields, aliases)
}

/// Aliases anywhere in the document's operations and fragments.
fn count_aliases(document: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, operation)| walk(&operation.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|fragment| walk(&fragment.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}
