//! The HTTP front door: GraphQL, GraphiQL and health endpoints.

mod graphql;

use actix_web::{HttpResponse, Responder, get, web};
use async_graphql::http::GraphiQLSource;
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
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(graphiql)
        .service(healthz)
        .service(readyz)
        .service(metrics)
        .app_data(web::PayloadConfig::new(graphql::MAX_BODY_BYTES))
        .route("/graphql", web::post().to(graphql::post))
        .route("/graphql", web::get().to(graphql::get));
}

/// GraphiQL, for a person exploring the API.
#[get("/")]
async fn graphiql() -> impl Responder {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("Ethical recruitment directory")
        .finish();
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

/// The process is alive.
#[get("/healthz")]
async fn healthz() -> impl Responder {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The process can serve: the database answers and the search index is open, with how far
/// the index lags behind the change log.
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> impl Responder {
    let database = state.db.ping().await;
    let latest = crate::service::changes::latest_seq(&state.db).await.unwrap_or(0);
    let position = state.search.index().position();
    let lag = u64::try_from(latest).unwrap_or(0).saturating_sub(position);
    let body = serde_json::json!({
        "status": if database.is_ok() { "ready" } else { "unavailable" },
        "database": if database.is_ok() { "ok" } else { "unreachable" },
        "search": { "position": position, "lag": lag },
    });
    match database {
        Ok(()) => HttpResponse::Ok().json(body),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(body)
        }
    }
}

/// Prometheus text exposition.
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> impl Responder {
    let body = format!(
        "# HELP directory_sql_statements_total SQL statements run since the server started.\n\
         # TYPE directory_sql_statements_total counter\n\
         directory_sql_statements_total {}\n",
        state.statements.get()
    );
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body)
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
