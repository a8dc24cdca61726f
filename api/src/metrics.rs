//! What `GET /metrics` reports, in the Prometheus/OpenMetrics text format: requests and their
//! latency by route, the response cache, Redis failures, rate limiting, SQL statements, how
//! far the search index lags behind the change log and the webhook queue.
//! `ops/grafana/directory.json` is a dashboard of them (a test keeps the two in step).

use std::sync::Arc;

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

/// Every metric of one server; cheap to clone (all handles share their values).
/// Subscriptions that started following the change feed: they receive every change from
/// then on (tests wait on it instead of sleeping).
pub static SUBSCRIPTIONS_STARTED: std::sync::LazyLock<Counter> = std::sync::LazyLock::new(Counter::default);

#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    pub cache_hits: Counter,
    pub cache_misses: Counter,
    pub redis_errors: Counter,
    pub rate_limited: Counter,
    pub sql_statements: Counter,
    pub index_position: Gauge,
    pub index_lag: Gauge,
    pub webhook_queue_depth: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("directory");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        // 0.25 ms to about 8 s.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            latency.clone(),
        );
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let counter = Counter::default();
            registry.register(name, help, counter.clone());
            counter
        };
        let cache_hits = counter(
            &mut registry,
            "cache_hits",
            "GraphQL answers served from the response cache",
        );
        let cache_misses = counter(
            &mut registry,
            "cache_misses",
            "Cacheable GraphQL requests that had to run",
        );
        let redis_errors = counter(&mut registry, "redis_errors", "Redis calls that failed or timed out");
        let rate_limited = counter(&mut registry, "rate_limited", "Requests refused by the rate limit");
        let sql_statements = counter(
            &mut registry,
            "sql_statements",
            "SQL statements run since the server started",
        );
        registry.register(
            "subscriptions_started",
            "Subscriptions that started following the change feed",
            SUBSCRIPTIONS_STARTED.clone(),
        );
        let index_position = Gauge::default();
        registry.register(
            "search_index_position",
            "Change-log position the search index reflects",
            index_position.clone(),
        );
        let index_lag = Gauge::default();
        registry.register(
            "search_index_lag",
            "Change-log entries not yet in this server's search index",
            index_lag.clone(),
        );
        let webhook_queue_depth = Gauge::default();
        registry.register(
            "webhook_queue_depth",
            "Webhook deliveries waiting to be sent, due now or retrying later (shared by every server)",
            webhook_queue_depth.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            latency,
            cache_hits,
            cache_misses,
            redis_errors,
            rate_limited,
            sql_statements,
            index_position,
            index_lag,
            webhook_queue_depth,
        }
    }

    /// The text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Middleware: counts each request and times it, labelled by the matched route pattern (never
/// the raw path, so a scanner cannot blow up the number of series).
pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = std::time::Instant::now();
    let metrics = request
        .app_data::<actix_web::web::Data<crate::http::AppState>>()
        .map(|state| state.metrics.clone());
    // Known methods only: label values come from a fixed set, whatever clients send.
    let method = match request.method().as_str() {
        known @ ("GET" | "POST" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "PATCH") => known,
        _ => "OTHER",
    }
    .to_owned();
    let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let status = response.status().as_u16();
        metrics
            .requests
            .get_or_create(&RequestLabels {
                method,
                route: route.clone(),
                status,
            })
            .inc();
        metrics
            .latency
            .get_or_create(&RouteLabels { route })
            .observe(started.elapsed().as_secs_f64());
    }
    Ok(response)
}
