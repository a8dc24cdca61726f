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
    /// Exit when standard input closes: lets a test harness own the server's lifetime.
    #[arg(long, global = true, hide = true)]
    pub exit_on_stdin_close: bool,
}

impl Config {
    /// The database URL in effect: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("directory.sqlite3").display()
            ),
        }
    }
}
