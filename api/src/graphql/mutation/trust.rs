//! Writes of the chain of trust: the secretariat manages licensing authorities, certification
//! bodies and auditors (and decides their approval); a certifier records the audits of its own
//! body's certifications. Each goes through the import's validation and writer.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};

use super::{records::reload, require};
use crate::{
    auth::Role,
    graphql::{
        self,
        types::{Audit, Auditor, CertificationBody, LicensingAuthority, enums},
    },
    ids::{self, Kind},
    interchange::{
        AuditRecord, AuditorRecord, CertificationBodyRecord, CorrectiveActionRecord, FindingRecord,
        LicensingAuthorityRecord, Record,
    },
    service::write::{self, ApprovalDecision},
};

#[derive(Default)]
pub struct TrustMutation;

#[derive(InputObject)]
pub struct LicensingAuthorityInput {
    pub external_id: String,
    pub name: String,
    pub country: String,
    pub register_url: Option<String>,
    pub register_shows: Option<String>,
    pub last_reconciled_at: Option<DateTime<Utc>>,
}

/// A certification body. Its approval is decided with `decideCertificationBody`; a new body
/// starts as `APPLICANT`.
#[derive(InputObject)]
pub struct CertificationBodyInput {
    pub external_id: String,
    pub name: String,
    pub country: String,
    pub website: Option<String>,
    #[graphql(default)]
    pub audit_countries: Vec<String>,
}

/// An auditor's public professional record. Approval is decided with `decideAuditor`.
#[derive(InputObject)]
pub struct AuditorInput {
    pub external_id: String,
    pub name: String,
    /// External id of the certification body the auditor audits for.
    pub body: String,
    pub social_auditor_course_completed_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct CorrectiveActionInput {
    pub description: String,
    pub due_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct FindingInput {
    /// External id of the principle of the standard.
    pub principle: String,
    pub rating: enums::FindingRating,
    /// A public summary: never a worker's name or contact.
    pub summary: String,
    #[graphql(default)]
    pub corrective_actions: Vec<CorrectiveActionInput>,
}

#[derive(InputObject)]
pub struct AuditInput {
    pub external_id: String,
    /// External id of the audited certification.
    pub certification: String,
    pub kind: enums::AuditKind,
    pub announced: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// External id of the auditing body (a certifier's own).
    pub body: Option<String>,
    /// External id of the lead auditor, an auditor of that body approved on `startedOn`.
    pub lead_auditor: Option<String>,
    pub workers_interviewed: u32,
    pub sites_visited: u32,
    /// `pending`, `passed`, `passed_with_corrective_actions`, `failed`.
    pub outcome: String,
    #[graphql(default)]
    pub findings: Vec<FindingInput>,
}

impl From<AuditInput> for AuditRecord {
    fn from(input: AuditInput) -> Self {
        Self {
            external_id: input.external_id,
            certification: input.certification,
            kind: crate::vocab::AuditKind::from(input.kind).as_str().to_owned(),
            announced: input.announced,
            started_on: input.started_on,
            ended_on: input.ended_on,
            body: input.body,
            lead_auditor: input.lead_auditor,
            workers_interviewed: input.workers_interviewed,
            sites_visited: input.sites_visited,
            outcome: input.outcome,
            findings: input
                .findings
                .into_iter()
                .map(|finding| FindingRecord {
                    principle: finding.principle,
                    rating: crate::vocab::FindingRating::from(finding.rating).as_str().to_owned(),
                    summary: finding.summary,
                    corrective_actions: finding
                        .corrective_actions
                        .into_iter()
                        .map(|action| CorrectiveActionRecord {
                            description: action.description,
                            due_on: action.due_on,
                            closed_on: action.closed_on,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Moves a body's or an auditor's approval one step (the secretariat's decision).
async fn decide(
    ctx: &Context<'_>,
    kind: Kind,
    id: &ID,
    expected_version: i32,
    to: enums::ApprovalStatus,
    reason_category: String,
) -> async_graphql::Result<i64> {
    let identity = require(ctx, &[Role::Editor])?;
    let key = ids::decode_id_of(kind, id)?;
    let decision = ApprovalDecision {
        to: to.into(),
        reason: reason_category,
    };
    let now = graphql::facts(ctx)?.now;
    write::decide_approval(graphql::db(ctx)?, identity, kind, key, expected_version, decision, now).await?;
    Ok(key)
}

#[Object]
impl TrustMutation {
    /// Creates a licensing authority, or replaces it when `expectedVersion` is given (editors:
    /// the secretariat).
    async fn save_licensing_authority(
        &self,
        ctx: &Context<'_>,
        input: LicensingAuthorityInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<LicensingAuthority> {
        let identity = require(ctx, &[Role::Editor])?;
        let record = Record::LicensingAuthority(LicensingAuthorityRecord {
            external_id: input.external_id,
            name: input.name,
            country: input.country,
            register_url: input.register_url,
            register_shows: input.register_shows,
            reconciled_at: input.last_reconciled_at,
        });
        let id = write::save(graphql::db(ctx)?, identity, record, expected_version).await?;
        Ok(LicensingAuthority(
            reload::<entity::licensing_authority::Entity>(ctx, id).await?,
        ))
    }

    /// Creates a certification body (as an applicant), or replaces its details when
    /// `expectedVersion` is given; its approval history is kept (editors: the secretariat).
    async fn save_certification_body(
        &self,
        ctx: &Context<'_>,
        input: CertificationBodyInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<CertificationBody> {
        let identity = require(ctx, &[Role::Editor])?;
        let db = graphql::db(ctx)?;
        let (status, status_history) = write::approval_of(
            db,
            Kind::CertificationBody,
            &input.external_id,
            identity,
            graphql::facts(ctx)?.now,
        )
        .await?;
        let record = Record::CertificationBody(CertificationBodyRecord {
            external_id: input.external_id,
            name: input.name,
            country: input.country,
            website: input.website,
            audit_countries: input.audit_countries,
            status,
            status_history,
        });
        let id = write::save(db, identity, record, expected_version).await?;
        Ok(CertificationBody(
            reload::<entity::certification_body::Entity>(ctx, id).await?,
        ))
    }

    /// Approves, suspends or withdraws a certification body (editors: the secretariat). While
    /// it is not approved its decisions are refused; its certificates say
    /// `bodyInGoodStanding: false` and subscribers of `certificationChanged` are told.
    async fn decide_certification_body(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        to: enums::ApprovalStatus,
        reason_category: String,
    ) -> async_graphql::Result<CertificationBody> {
        let key = decide(ctx, Kind::CertificationBody, &id, expected_version, to, reason_category).await?;
        Ok(CertificationBody(
            reload::<entity::certification_body::Entity>(ctx, key).await?,
        ))
    }

    /// Creates an auditor's record (as an applicant), or replaces its details when
    /// `expectedVersion` is given; the approval history is kept (editors: the secretariat).
    async fn save_auditor(
        &self,
        ctx: &Context<'_>,
        input: AuditorInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Auditor> {
        let identity = require(ctx, &[Role::Editor])?;
        let db = graphql::db(ctx)?;
        let (status, status_history) = write::approval_of(
            db,
            Kind::Auditor,
            &input.external_id,
            identity,
            graphql::facts(ctx)?.now,
        )
        .await?;
        let record = Record::Auditor(AuditorRecord {
            external_id: input.external_id,
            name: input.name,
            body: input.body,
            status,
            status_history,
            course_completed_on: input.social_auditor_course_completed_on,
        });
        let id = write::save(db, identity, record, expected_version).await?;
        Ok(Auditor(reload::<entity::auditor::Entity>(ctx, id).await?))
    }

    /// Approves, suspends or withdraws an auditor (editors: the secretariat).
    async fn decide_auditor(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        to: enums::ApprovalStatus,
        reason_category: String,
    ) -> async_graphql::Result<Auditor> {
        let key = decide(ctx, Kind::Auditor, &id, expected_version, to, reason_category).await?;
        Ok(Auditor(reload::<entity::auditor::Entity>(ctx, key).await?))
    }

    /// Records an audit of a certification, or replaces it when `expectedVersion` is given. A
    /// certifier records audits only of its own body's certifications, as its own body.
    async fn record_audit(
        &self,
        ctx: &Context<'_>,
        input: AuditInput,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Audit> {
        let identity = require(ctx, &[Role::Certifier])?;
        let id = write::save(
            graphql::db(ctx)?,
            identity,
            Record::Audit(input.into()),
            expected_version,
        )
        .await?;
        Ok(Audit(reload::<entity::audit::Entity>(ctx, id).await?))
    }
}
