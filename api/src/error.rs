//! The API's one error type, mapped once to GraphQL `extensions.code`.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any `Display`
//! error into a plain error without a code, so without `Display` the only way out of a resolver
//! is the `From` impl below, which always sets the code and never shows internals.

use std::sync::Arc;

use async_graphql::ErrorExtensions;

#[derive(Debug, Clone)]
pub enum AppError {
    /// The caller sent something invalid; the message says what to fix.
    BadInput(String),
    /// A record that was asked for by identifier does not exist.
    NotFound(String),
    /// The request contradicts the current state (lifecycle, uniqueness, stale version).
    Conflict(String),
    Unauthenticated(String),
    Forbidden(String),
    /// The caller spent its rate-limit budget; the message says when to retry.
    RateLimited(String),
    /// The server cannot do this now (another write holds the directory's write lock, say) but
    /// will soon: the answer carries `extensions.retryAfter` and HTTP `Retry-After`.
    Unavailable {
        message: String,
        retry_after_secs: u64,
    },
    /// The operation ran past its time limit and was stopped.
    Timeout(String),
    /// A subscriber fell so far behind the change log that events could not be kept for it;
    /// the message names the sequence to resume after.
    FellBehind(String),
    /// Anything unexpected: logged in full, answered with a generic message.
    Internal(Arc<anyhow::Error>),
}

impl AppError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadInput(message.into())
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(error.into()))
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict(_) => "CONFLICT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Unavailable { .. } => "UNAVAILABLE",
            Self::Timeout(_) => "TIMEOUT",
            Self::FellBehind(_) => "FELL_BEHIND",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The message a user sees: never SQL, paths or stack traces.
    pub fn message(&self) -> String {
        match self {
            Self::BadInput(message)
            | Self::NotFound(message)
            | Self::Conflict(message)
            | Self::Unauthenticated(message)
            | Self::Forbidden(message)
            | Self::RateLimited(message)
            | Self::Unavailable { message, .. }
            | Self::Timeout(message)
            | Self::FellBehind(message) => message.clone(),
            Self::Internal(_) => "internal error, please retry later".to_owned(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::internal(error)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        if let AppError::Internal(cause) = &error {
            tracing::error!(error = ?cause, "internal error");
        }
        async_graphql::Error::new(error.message()).extend_with(|_, extensions| {
            extensions.set("code", error.code());
            if let AppError::Unavailable { retry_after_secs, .. } = &error {
                extensions.set(RETRY_AFTER_EXTENSION, *retry_after_secs);
            }
        })
    }
}

impl From<AppError> for anyhow::Error {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Internal(cause) => anyhow::anyhow!("{cause:#}"),
            other => anyhow::anyhow!("{}: {}", other.code(), other.message()),
        }
    }
}

/// `extensions.retryAfter`: seconds after which an `UNAVAILABLE` operation may be retried; the
/// HTTP layer copies it into a `Retry-After` header.
pub const RETRY_AFTER_EXTENSION: &str = "retryAfter";

pub type AppResult<T> = Result<T, AppError>;
