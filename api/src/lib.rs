//! The directory's API: configuration, database, services and the GraphQL/HTTP front door.

// No `unwrap()` on a request path: a bad value is an error with a code, never a panic. Tests
// may unwrap.
#![warn(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod backup;
pub mod cache;
pub mod changes;
pub mod cli;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod ids;
pub use interchange;
pub mod json_ld;
pub mod metrics;
pub mod open_data;
pub mod progress;
pub mod ratelimit;
pub mod receipt;
pub use sample;
pub mod search;
pub mod service;
pub mod vocab;
pub mod webhook;
