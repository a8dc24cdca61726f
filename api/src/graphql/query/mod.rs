//! The query root, merged from one object per domain.

mod audit;
mod commitment;
mod corridor;
pub(crate) mod filters;
mod help;
mod recruiter;
mod search;
mod training;
mod trust;
mod verification;
mod voice;
mod webhook;

#[derive(async_graphql::MergedObject, Default)]
pub struct Query(
    recruiter::RecruiterQuery,
    verification::VerificationQuery,
    corridor::CorridorQuery,
    commitment::CommitmentQuery,
    training::TrainingQuery,
    trust::TrustQuery,
    help::HelpQuery,
    voice::VoiceQuery,
    audit::AuditQuery,
    search::SearchQuery,
    webhook::WebhookQuery,
);
