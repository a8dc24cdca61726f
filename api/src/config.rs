//! One typed configuration, read from the environment at start (flags may override).
//! Every setting has a default that works on a fresh machine.

use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address the HTTP server listens on (port 0 picks a free port).
    #[arg(long, global = true, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Directory for the embedded database and the search index.
    #[arg(long, global = true, env = "DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; unset: an SQLite file under `DATA_DIR`.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Comma-separated origins allowed by CORS, or `*`.
    #[arg(long, global = true, env = "CORS_ORIGINS", default_value = "*")]
    pub cors_origins: String,
    /// Load the sample directory when the database is empty.
    #[arg(long, global = true, env = "SAMPLE_DATA", default_value_t = true, action = clap::ArgAction::Set)]
    pub sample_data: bool,
    /// Shared secret for HS256 tokens. Unset (and no public key): a secret generated once and
    /// kept in `DATA_DIR/jwt-secret`, which `directory token` on the same machine also reads.
    #[arg(long, global = true, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM file of the public key for RS256 or ES256 tokens (then `JWT_ALGORITHM` says which).
    #[arg(long, global = true, env = "JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
    /// `HS256`, `RS256` or `ES256`: the only algorithm accepted.
    #[arg(long, global = true, env = "JWT_ALGORITHM", default_value = "HS256")]
    pub jwt_algorithm: String,
    /// Required `iss` claim of tokens.
    #[arg(long, global = true, env = "JWT_ISSUER", default_value = "directory")]
    pub jwt_issuer: String,
    /// Required `aud` claim of tokens.
    #[arg(long, global = true, env = "JWT_AUDIENCE", default_value = "directory-api")]
    pub jwt_audience: String,
    /// `redis://host:port/db` for the shared response cache, persisted queries and rate limits
    /// of a scaled-out deployment. Unset: all three live in this process's memory.
    #[arg(long, global = true, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so several deployments (staging, production) can share one
    /// Redis without reading each other's answers.
    #[arg(long, global = true, env = "REDIS_PREFIX", default_value = "directory")]
    pub redis_prefix: String,
    /// How long a cached response may be served, in seconds (writes invalidate sooner).
    /// `0` turns the response cache off.
    #[arg(long, global = true, env = "CACHE_TTL", default_value_t = 60)]
    pub cache_ttl: u64,
    /// Memory for the in-process response cache, in MiB (when `REDIS_URL` is unset).
    #[arg(long, global = true, env = "CACHE_MEMORY_MB", default_value_t = 64)]
    pub cache_memory_mb: u64,
    /// `max-age` of `Cache-Control` on public `GET /graphql` answers, for CDNs and browsers.
    #[arg(long, global = true, env = "HTTP_MAX_AGE", default_value_t = 30)]
    pub http_max_age: u64,
    /// Cost units a client (IP address, or API key) may spend per minute; a query costs its
    /// GraphQL complexity, a cached answer 1. `0` turns rate limiting off.
    #[arg(long, global = true, env = "RATE_LIMIT", default_value_t = 300_000)]
    pub rate_limit: u64,
    /// Cost units per minute for a client with a valid API key (`X-Api-Key`).
    #[arg(long, global = true, env = "RATE_LIMIT_KEYED", default_value_t = 3_000_000)]
    pub rate_limit_keyed: u64,
    /// IPv6 clients share one rate-limit budget per network of this many bits (32 to 128).
    #[arg(long, global = true, env = "RATE_LIMIT_IPV6_PREFIX", default_value_t = 64,
          value_parser = clap::value_parser!(u8).range(32..=128))]
    pub rate_limit_ipv6_prefix: u8,
    /// Reverse proxies (addresses or networks, comma-separated) whose `X-Forwarded-For` names
    /// the client for rate limits. Unset: the connection's peer is the client, whatever
    /// headers it sends.
    #[arg(long, global = true, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Secret that signs API keys (`directory api-key`). Unset: generated once into
    /// `DATA_DIR/api-key-secret`. Servers of one deployment must share it.
    #[arg(long, global = true, env = "API_KEY_SECRET", hide_env_values = true)]
    pub api_key_secret: Option<String>,
    /// WebSocket connections one client (API key, else address) may hold open on a server.
    #[arg(long, global = true, env = "WS_MAX_CONNECTIONS", default_value_t = 16)]
    pub ws_max_connections: usize,
    /// Subscriptions one client may run at once on a server, over all its connections.
    #[arg(long, global = true, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 64)]
    pub ws_max_subscriptions: usize,
    /// The address the directory is reached at from outside (e.g. `https://directory.example`),
    /// for the identifiers in credentials; unset: the scheme and host each request arrived with.
    #[arg(long, global = true, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The licence the open-data download is published under (in its metadata document).
    #[arg(long, global = true, env = "OPEN_DATA_LICENCE", default_value = "CC-BY-4.0")]
    pub open_data_licence: String,
    /// The shortest time between two open-data downloads: after a change, a new one is written
    /// at most this long after the last, e.g. `60s`.
    #[arg(long, global = true, env = "OPEN_DATA_INTERVAL", default_value = "60s", value_parser = humantime::parse_duration)]
    pub open_data_interval: std::time::Duration,
    /// How often a server reads the change log for writes made elsewhere (other servers, the
    /// `directory` command); its own writes it applies before answering them, e.g. `500ms`.
    #[arg(long, global = true, env = "FOLLOW_INTERVAL", default_value = "500ms", value_parser = humantime::parse_duration)]
    pub follow_interval: std::time::Duration,
    /// A WebSocket connection on which no subscription runs and the client sends nothing for
    /// this long is closed, e.g. `5m`.
    #[arg(long, global = true, env = "WS_IDLE_TIMEOUT", default_value = "5m", value_parser = humantime::parse_duration)]
    pub ws_idle_timeout: std::time::Duration,
    /// Keys sealing webhook signing secrets at rest: `id:hex,id:hex` (32-byte keys in hex), the
    /// first sealing, all opening. Unset: `DATA_DIR/webhook-secret-keys`, generated once.
    /// Servers of one deployment must share them.
    #[arg(long, global = true, env = "WEBHOOK_SECRET_KEYS", hide_env_values = true)]
    pub webhook_secret_keys: Option<String>,
    /// Seconds a stopping server waits for in-flight requests to finish.
    #[arg(long, global = true, env = "SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// Webhook delivery: retries, back-off and timeouts.
    #[command(flatten)]
    pub webhooks: WebhookSettings,
    /// PEM file of the private key (PKCS#8 Ed25519 or P-256) that signs verification receipts;
    /// `PUBLIC KEY` blocks in it are retired keys, still published. Unset: a key generated once
    /// into `DATA_DIR/receipt-key.pem`. Servers of one deployment must share it.
    #[arg(long, global = true, env = "RECEIPT_KEY")]
    pub receipt_key: Option<PathBuf>,
    /// How long a GraphQL query may run, and a request body may take to arrive, before the
    /// request is abandoned, e.g. `10s`.
    #[arg(long, global = true, env = "REQUEST_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub request_timeout: std::time::Duration,
    /// How long a write waits for the directory's write lock (held by another write, an import
    /// on another server or by the `directory` command) before it is answered `UNAVAILABLE`
    /// with `Retry-After`, e.g. `5s`. Reads never wait for writes.
    #[arg(long, global = true, env = "WRITE_LOCK_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration)]
    pub write_lock_timeout: std::time::Duration,
    /// Logs as JSON lines (for a log collector) instead of text.
    #[arg(long, global = true, env = "LOG_JSON", default_value_t = false, action = clap::ArgAction::Set)]
    pub log_json: bool,
    /// How often the long commands (import, export, reindex, backup, restore) log how far they
    /// got when standard error is not a terminal (on a terminal they draw a progress bar).
    #[arg(long, global = true, env = "PROGRESS_INTERVAL", default_value = "10s", value_parser = humantime::parse_duration)]
    pub progress_interval: std::time::Duration,
    /// Start the server's clock at this instant (RFC 3339) instead of the system's; it runs on
    /// from there. For tests and demonstrations of what the directory answers on another day.
    #[arg(long, global = true, env = "CLOCK_START", value_parser = parse_instant)]
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// Exit when standard input closes: lets a test harness own the server's lifetime.
    #[arg(long, global = true, hide = true)]
    pub exit_on_stdin_close: bool,
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&chrono::Utc))
        .map_err(|error| format!("expected an RFC 3339 instant such as 2027-01-31T23:59:00Z: {error}"))
}

impl Config {
    /// The database URL in effect: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join(crate::db::SQLITE_FILE).display()
            ),
        }
    }
}

/// How webhook deliveries are retried. A failed delivery waits `retry_base`, then twice as
/// long each time (plus up to a quarter more, at random, so that receivers coming back up are
/// not hit by every server at once), at most `retry_max`, until `max_attempts` were made.
#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Wait after the first failed delivery, e.g. `1s` (tests use milliseconds).
    #[arg(long = "webhook-retry-base", global = true, env = "WEBHOOK_RETRY_BASE", default_value = "1s",
          value_parser = humantime::parse_duration)]
    pub retry_base: std::time::Duration,
    /// Longest wait between two attempts.
    #[arg(long = "webhook-retry-max", global = true, env = "WEBHOOK_RETRY_MAX", default_value = "1h",
          value_parser = humantime::parse_duration)]
    pub retry_max: std::time::Duration,
    /// Attempts before a delivery is given up and marked failed.
    #[arg(
        long = "webhook-max-attempts",
        global = true,
        env = "WEBHOOK_MAX_ATTEMPTS",
        default_value_t = 15
    )]
    pub max_attempts: u32,
    /// How long one POST to a receiver may take.
    #[arg(long = "webhook-timeout", global = true, env = "WEBHOOK_TIMEOUT", default_value = "10s",
          value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
    /// After a secret is rotated, deliveries are signed with both the new and the old secret
    /// for this long, so the partner can deploy the new one without missing events.
    #[arg(long = "webhook-secret-grace", global = true, env = "WEBHOOK_SECRET_GRACE", default_value = "24h",
          value_parser = humantime::parse_duration)]
    pub secret_grace: std::time::Duration,
    /// A webhook whose deliveries were given up this many times in a row is disabled, with
    /// the reason shown to its owner.
    #[arg(
        long = "webhook-disable-after",
        global = true,
        env = "WEBHOOK_DISABLE_AFTER",
        default_value_t = 5
    )]
    pub disable_after: u32,
    /// Allow receivers on private, loopback and other inside addresses (on-premises use).
    /// Off by default: a partner must not make the directory reach inside its network.
    #[arg(long = "webhook-allow-private", global = true, env = "WEBHOOK_ALLOW_PRIVATE", default_value_t = false,
          action = clap::ArgAction::Set)]
    pub allow_private: bool,
}
