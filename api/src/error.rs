//! The API's one error type and its codes ([`ErrorCode`]), mapped once to a GraphQL error (with
//! `extensions.code`) and once to an HTTP answer for what is refused before GraphQL runs
//! ([`AppError::http_response`]): no other code builds an error body.
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
    /// What was asked for existed and no longer does: a withdrawn, refused or expired
    /// certificate's credential (HTTP 410).
    Gone(String),
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
    /// The operation is larger than the limits allow (depth, aliases, complexity, ...); the
    /// message gives the figures.
    QueryTooComplex(String),
    /// An automatic persisted query the server does not hold: the client sends the full query
    /// (Apollo's protocol; answered with HTTP 200 so the client retries).
    PersistedQueryNotFound,
    /// A request over HTTP in a form the endpoint does not take: a body that is not
    /// `application/json` (415), a mutation over `GET` (405). The code is `BAD_USER_INPUT`.
    WrongRequest {
        status: u16,
        message: String,
    },
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

    pub fn kind(&self) -> ErrorCode {
        match self {
            Self::BadInput(_) | Self::WrongRequest { .. } => ErrorCode::BadUserInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Gone(_) => ErrorCode::Gone,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::Unavailable { .. } => ErrorCode::Unavailable,
            Self::Timeout(_) => ErrorCode::Timeout,
            Self::FellBehind(_) => ErrorCode::FellBehind,
            Self::QueryTooComplex(_) => ErrorCode::QueryTooComplex,
            Self::PersistedQueryNotFound => ErrorCode::PersistedQueryNotFound,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// `extensions.code`.
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The status of an HTTP answer that refuses the request before GraphQL runs.
    pub fn http_status(&self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;
        match self {
            Self::WrongRequest { status, .. } => StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
            Self::BadInput(_) | Self::QueryTooComplex(_) | Self::FellBehind(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Gone(_) => StatusCode::GONE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            // Apollo clients retry with the full query only after a 200.
            Self::PersistedQueryNotFound => StatusCode::OK,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The GraphQL response document of this error alone: `{"errors": [{message, extensions}]}`.
    pub fn body(&self) -> serde_json::Value {
        let mut extensions = serde_json::json!({ "code": self.code() });
        if let Self::Unavailable { retry_after_secs, .. } = self {
            extensions[RETRY_AFTER_EXTENSION] = serde_json::json!(retry_after_secs);
        }
        serde_json::json!({ "errors": [{ "message": self.message(), "extensions": extensions }] })
    }

    /// The HTTP answer refusing a request before GraphQL runs: the code's status, the error
    /// document, `Allow` for a wrong method, `Retry-After` for `UNAVAILABLE`. The caller may add
    /// headers and choose the media type (`application/graphql-response+json` or JSON).
    pub fn http_response(&self) -> actix_web::HttpResponseBuilder {
        use actix_web::http::{StatusCode, header};
        if let Self::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut response = actix_web::HttpResponse::build(self.http_status());
        if self.http_status() == StatusCode::METHOD_NOT_ALLOWED {
            response.insert_header((header::ALLOW, "POST"));
        }
        if let Self::Unavailable { retry_after_secs, .. } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        response
    }

    /// The message a user sees: never SQL, paths or stack traces.
    pub fn message(&self) -> String {
        match self {
            Self::BadInput(message)
            | Self::NotFound(message)
            | Self::Gone(message)
            | Self::Conflict(message)
            | Self::Unauthenticated(message)
            | Self::Forbidden(message)
            | Self::RateLimited(message)
            | Self::Unavailable { message, .. }
            | Self::Timeout(message)
            | Self::FellBehind(message)
            | Self::QueryTooComplex(message)
            | Self::WrongRequest { message, .. } => message.clone(),
            Self::PersistedQueryNotFound => "PersistedQueryNotFound".to_owned(),
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

impl From<AppError> for async_graphql::ServerError {
    /// For refusals outside resolvers (parsing, validation, limits), which carry no path.
    fn from(error: AppError) -> Self {
        let mut server_error = async_graphql::ServerError::new(error.message(), None);
        let extensions = server_error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", error.code());
        if let AppError::Unavailable { retry_after_secs, .. } = &error {
            extensions.set(RETRY_AFTER_EXTENSION, *retry_after_secs);
        }
        server_error
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

/// Every `extensions.code` a client may receive, and so may branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadUserInput,
    NotFound,
    Gone,
    Conflict,
    Unauthenticated,
    Forbidden,
    RateLimited,
    Unavailable,
    Timeout,
    FellBehind,
    QueryTooComplex,
    PersistedQueryNotFound,
    Internal,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Gone => "GONE",
            Self::Conflict => "CONFLICT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Timeout => "TIMEOUT",
            Self::FellBehind => "FELL_BEHIND",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::Internal => "INTERNAL",
        }
    }
}
