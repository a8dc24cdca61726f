//! The HTTP front door: GraphQL, GraphiQL and health endpoints.

mod assets;
mod credentials;
mod embed;
mod graphiql;
mod graphql;
mod json_ld;
mod open_data;
pub mod request_id;
mod verify;
pub mod websocket;
mod wellknown;

use actix_web::{HttpResponse, Responder, get, web};
use sea_orm::DatabaseConnection;

use crate::{db::StatementCounter, graphql::schema::DirectorySchema};

/// What every request handler shares; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub schema: DirectorySchema,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    pub verifier: crate::auth::Verifier,
    pub search: crate::search::Search,
    pub receipts: crate::receipt::ReceiptSigner,
    pub cache: crate::cache::ResponseCache,
    /// This server's follower of the change log; its position is the cache generation.
    pub feed: crate::changes::Feed,
    /// `PUBLIC_URL`: the directory's address from outside, for credentials' identifiers.
    pub public_url: Option<String>,
    /// The open-data download this server keeps current.
    pub open_data: crate::open_data::OpenData,
    pub persisted: crate::cache::PersistedQueries,
    pub limiter: crate::ratelimit::RateLimiter,
    /// What each client holds open over WebSocket.
    pub websockets: websocket::Registry,
    pub metrics: crate::metrics::Metrics,
    /// `max-age` for public `GET /graphql` answers.
    pub http_max_age: u64,
    /// How long a query may run and a request body may take to arrive (`REQUEST_TIMEOUT`).
    pub request_timeout: std::time::Duration,
}

pub fn routes(config: &mut web::ServiceConfig) {
    // `/graphql` first: actix tries routes in the order they are registered, and the others
    // are patterns matched with a regular expression each, on every request that passes them.
    config
        .app_data(web::PayloadConfig::new(graphql::MAX_BODY_BYTES))
        .route("/graphql", web::post().to(graphql::post))
        .route("/graphql", web::get().to(graphql::get))
        .service(graphiql::page)
        .service(graphiql::asset)
        .service(healthz)
        .service(readyz)
        .service(metrics)
        .service(embed::script)
        .service(embed::message_file)
        .service(json_ld::recruiter_document)
        .configure(verify::routes)
        .service(wellknown::jwks)
        .configure(open_data::routes)
        .configure(credentials::routes);
}

pub use graphiql::warm as warm_assets;
pub use verify::{TEXT_LINE_CHARS, text_line};

/// The directory's address: `PUBLIC_URL`, or the scheme and host the request arrived with.
fn public_base(state: &AppState, request: &actix_web::HttpRequest) -> String {
    match &state.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let info = request.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

/// The process is alive.
#[get("/healthz")]
async fn healthz() -> impl Responder {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The process can serve: the database answers and the search index is open, with how far
/// the index lags behind the change log and whether it can be written.
///
/// `503` only when the database does not answer. An index that cannot be written (disk full,
/// directory unwritable) is `200` with `"status": "degraded"`: reads, searches (from the
/// index's last commit) and writes still work, so a load balancer should keep the server,
/// while monitoring alerts on anything but `ready`; the index catches up once the cause is gone.
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> impl Responder {
    let database = state.db.ping().await;
    // A database that did not answer the ping is not asked again (each try waits seconds).
    let latest = match &database {
        Ok(()) => crate::changes::latest_seq(&state.db).await.unwrap_or(0),
        Err(_) => 0,
    };
    let position = state.search.index().position();
    let lag = u64::try_from(latest).unwrap_or(0).saturating_sub(position);
    let health = state.search.health();
    let status = match (&database, health.writable) {
        (Err(_), _) => "unavailable",
        (Ok(()), false) => "degraded",
        (Ok(()), true) => "ready",
    };
    let mut search = serde_json::json!({
        "position": position,
        "lag": lag,
        "generation": state.search.generation(),
        "published": state.feed.position(),
    });
    let health_fields = serde_json::to_value(&health);
    if let (Some(search), Ok(serde_json::Value::Object(health))) = (search.as_object_mut(), health_fields) {
        search.extend(health);
    }
    let body = serde_json::json!({
        "status": status,
        "database": if database.is_ok() { "ok" } else { "unreachable" },
        "search": search,
    });
    match database {
        Ok(()) => HttpResponse::Ok().json(body),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(body)
        }
    }
}

/// Prometheus text exposition (OpenMetrics).
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> impl Responder {
    let metrics = &state.metrics;
    let statements = state.statements.get();
    metrics
        .sql_statements
        .inc_by(statements.saturating_sub(metrics.sql_statements.get()));
    let position = state.search.index().position();
    metrics.index_position.set(i64::try_from(position).unwrap_or(i64::MAX));
    if let Ok(latest) = crate::changes::latest_seq(&state.db).await {
        let lag = u64::try_from(latest).unwrap_or(0).saturating_sub(position);
        metrics.index_lag.set(i64::try_from(lag).unwrap_or(i64::MAX));
    }
    if let Ok(depth) = crate::webhook::worker::queue_depth(&state.db).await {
        metrics
            .webhook_queue_depth
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
    }
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(metrics.encode())
}

/// CORS for partner websites calling the API from a browser: `CORS_ORIGINS` is `*` (any
/// origin) or a comma-separated list of origins.
pub fn cors(origins: &str) -> actix_cors::Cors {
    use actix_web::http::header;
    let cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .max_age(3_600);
    if origins.trim() == "*" {
        return cors.allow_any_origin();
    }
    origins
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .fold(cors, |cors, origin| cors.allowed_origin(origin))
}
