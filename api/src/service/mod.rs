//! Domain services: one module per concept. GraphQL resolvers call these; so do the CLI
//! commands. They take a database connection and return `AppResult`.

pub mod api_key;
pub mod certification;
pub mod commitment;
pub mod complaint;
pub mod contact;
pub mod corridor;
pub mod export;
pub mod import;
pub mod ledger;
pub mod misuse;
pub mod page;
pub mod records;
pub mod recruiter;
pub mod standing;
pub mod support;
pub mod trademark;
pub mod training;
pub mod trust;
pub mod verification;
pub mod voice_sample;
pub mod write;
