//! SeaORM entities of the directory, one module per table (see `migration/` for the schema).
//! Relations are resolved by the API's batch loaders, so the entities declare none.

pub mod api_key_revocation;
pub mod audit;
pub mod audit_log;
pub mod audit_policy;
pub mod auditor;
pub mod certification;
pub mod certification_body;
pub mod change_log;
pub mod commitment;
pub mod commitment_corridor;
pub mod commitment_sector;
pub mod licence;
pub mod licensing_authority;
pub mod organisation;
pub mod organisation_identifier;
pub mod principle;
pub mod recruiter;
pub mod recruiter_corridor;
pub mod recruiter_identifier;
pub mod recruiter_language;
pub mod recruiter_partner;
pub mod recruiter_sector;
pub mod status_change;
pub mod trademark_domain;
pub mod trademark_right;
pub mod training_listing;
pub mod training_listing_language;
pub mod training_provider;
pub mod training_provider_country;
pub mod training_provider_language;
pub mod webhook;
pub mod webhook_cursor;
pub mod webhook_delivery;
