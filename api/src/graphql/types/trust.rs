//! The chain of trust behind a certificate: certification bodies, approved auditors, audits and
//! licensing authorities (see [`crate::service::trust`]).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{audit, auditor, certification_body, licensing_authority, principle};

use super::{Certification, enums};
use crate::{
    error::AppResult,
    graphql,
    ids::{self, Kind},
    interchange::{FindingRecord, StatusChangeRecord},
    service::trust,
    vocab::{ApprovalStatus, AuditKind, FindingRating},
};

/// One public entry of an approval history (a body's or an auditor's).
#[derive(SimpleObject)]
pub struct ApprovalChange {
    /// Absent for the application.
    #[graphql(name = "from")]
    pub from_status: Option<enums::ApprovalStatus>,
    #[graphql(name = "to")]
    pub to_status: enums::ApprovalStatus,
    pub at: DateTime<Utc>,
    /// Public reason category, e.g. `approval_granted`.
    pub reason_category: String,
    /// Who recorded it: the scheme's secretariat.
    pub recorded_by: String,
}

fn approval_history(text: &str, column: &'static str) -> AppResult<Vec<ApprovalChange>> {
    trust::stored_history(text, column)?
        .into_iter()
        .map(|change: StatusChangeRecord| {
            let from_status = match change.from.as_deref() {
                Some(from) => Some(ApprovalStatus::stored(from, column)?.into()),
                None => None,
            };
            Ok(ApprovalChange {
                from_status,
                to_status: ApprovalStatus::stored(&change.to, column)?.into(),
                at: change.at,
                reason_category: change.reason,
                recorded_by: change.recorded_by,
            })
        })
        .collect()
}

/// A certification body: approved by the scheme to audit recruiters against the standard.
#[derive(Clone)]
pub struct CertificationBody(pub certification_body::Model);

#[Object]
impl CertificationBody {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::CertificationBody, self.0.id))
    }

    /// Stable identifier in the open-data format.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    /// As certificates name it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where it is established (ISO 3166-1 alpha-2).
    async fn country(&self) -> &str {
        &self.0.country
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The countries it may audit in.
    async fn audit_countries(&self) -> Vec<String> {
        super::json_list(&self.0.audit_countries)
    }

    /// Its approval by the scheme today.
    async fn status(&self) -> async_graphql::Result<enums::ApprovalStatus> {
        Ok(ApprovalStatus::stored(&self.0.status, "certification_body.status")?.into())
    }

    /// Approved today: its certificates stand behind it. A suspended or withdrawn body's
    /// certificates say `bodyInGoodStanding: false`.
    async fn in_good_standing(&self) -> bool {
        trust::in_good_standing(&self.0)
    }

    /// Every change of its approval, oldest first; kept forever.
    async fn history(&self) -> async_graphql::Result<Vec<ApprovalChange>> {
        Ok(approval_history(
            &self.0.status_history,
            "certification_body.status_history",
        )?)
    }

    /// Its auditors (approved or not), by name.
    async fn auditors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Auditor>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let rows = auditor::Entity::find()
            .filter(auditor::Column::BodyId.eq(self.0.id))
            .filter(auditor::Column::ArchivedAt.is_null())
            .order_by_asc(auditor::Column::Name)
            .order_by_asc(auditor::Column::Id)
            .all(graphql::db(ctx)?)
            .await
            .map_err(crate::error::AppError::from)?;
        Ok(rows.into_iter().map(Auditor).collect())
    }
}

/// The public professional record of an auditor approved by the scheme. No private contact.
#[derive(Clone)]
pub struct Auditor(pub auditor::Model);

#[Object]
impl Auditor {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Auditor, self.0.id))
    }

    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The name under which the auditor is approved.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The certification body the auditor audits for.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CertificationBody>> {
        Ok(graphql::loaders(ctx)?
            .body
            .load_one(self.0.body_id)
            .await?
            .map(CertificationBody))
    }

    async fn status(&self) -> async_graphql::Result<enums::ApprovalStatus> {
        Ok(ApprovalStatus::stored(&self.0.status, "auditor.status")?.into())
    }

    async fn history(&self) -> async_graphql::Result<Vec<ApprovalChange>> {
        Ok(approval_history(&self.0.status_history, "auditor.status_history")?)
    }

    /// When the auditor completed the social-auditor course (a prerequisite of approval).
    async fn social_auditor_course_completed_on(&self) -> Option<NaiveDate> {
        self.0.course_completed_on
    }
}

/// A national authority that licenses recruiters, and its own public register.
#[derive(Clone)]
pub struct LicensingAuthority(pub licensing_authority::Model);

#[Object]
impl LicensingAuthority {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::LicensingAuthority, self.0.id))
    }

    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The address of the authority's own public register of licensed recruiters.
    async fn register_url(&self) -> Option<&str> {
        self.0.register_url.as_deref()
    }

    /// What that register shows.
    async fn register_shows(&self) -> Option<&str> {
        self.0.register_shows.as_deref()
    }

    /// When the directory last compared its licences with that register; null if never.
    async fn last_reconciled_at(&self) -> Option<DateTime<Utc>> {
        self.0.reconciled_at
    }
}

/// A principle of the standard; audits report their findings per principle.
#[derive(SimpleObject)]
pub struct Principle {
    pub scheme: String,
    /// As the standard numbers it, e.g. `C`.
    pub code: String,
    pub title: String,
}

impl From<&principle::Model> for Principle {
    fn from(model: &principle::Model) -> Self {
        Self {
            scheme: model.scheme.clone(),
            code: model.code.clone(),
            title: model.title.clone(),
        }
    }
}

/// What an audit found against one principle: a public summary, never a worker's identity.
#[derive(SimpleObject)]
pub struct Finding {
    pub principle: Option<Principle>,
    pub rating: enums::FindingRating,
    pub summary: String,
}

/// A corrective action an audit asked for, and whether it was closed.
#[derive(SimpleObject)]
pub struct CorrectiveAction {
    /// The principle of the finding that asked for it.
    pub principle: Option<Principle>,
    pub description: String,
    pub due_on: NaiveDate,
    /// Null while open.
    pub closed_on: Option<NaiveDate>,
    /// Still open after its due date.
    pub overdue: bool,
}

/// An audit of a certification: who audited, when, how, and what was found.
#[derive(Clone)]
pub struct Audit(pub audit::Model);

impl Audit {
    fn findings_of(&self) -> AppResult<Vec<FindingRecord>> {
        serde_json::from_str(&self.0.findings).map_err(|error| {
            crate::error::AppError::internal(anyhow::anyhow!("corrupt row: `audit.findings`: {error}"))
        })
    }

    async fn principles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<principle::Model>> {
        Ok(graphql::loaders(ctx)?
            .principles
            .load_one(())
            .await?
            .unwrap_or_default())
    }
}

fn principle_named(principles: &[principle::Model], external_id: &str) -> Option<Principle> {
    principles
        .iter()
        .find(|principle| principle.external_id == external_id)
        .map(Principle::from)
}

#[Object]
impl Audit {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Audit, self.0.id))
    }

    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    async fn kind(&self) -> async_graphql::Result<enums::AuditKind> {
        Ok(AuditKind::stored(&self.0.kind, "audit.kind")?.into())
    }

    /// Whether the recruiter was told of the audit in advance.
    async fn announced(&self) -> bool {
        self.0.announced
    }

    async fn started_on(&self) -> NaiveDate {
        self.0.started_on
    }

    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }

    async fn workers_interviewed(&self) -> i32 {
        self.0.workers_interviewed
    }

    async fn sites_visited(&self) -> i32 {
        self.0.sites_visited
    }

    /// `pending`, `passed`, `passed_with_corrective_actions` or `failed`.
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }

    /// The certification body that audited.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CertificationBody>> {
        let Some(body_id) = self.0.body_id else {
            return Ok(None);
        };
        Ok(graphql::loaders(ctx)?
            .body
            .load_one(body_id)
            .await?
            .map(CertificationBody))
    }

    async fn lead_auditor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Auditor>> {
        let Some(auditor_id) = self.0.lead_auditor_id else {
            return Ok(None);
        };
        Ok(graphql::loaders(ctx)?.auditor.load_one(auditor_id).await?.map(Auditor))
    }

    /// The audited certification.
    async fn certification(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Certification>> {
        Ok(
            crate::service::certification::find_by_id(graphql::db(ctx)?, self.0.certification_id)
                .await?
                .map(Certification),
        )
    }

    /// The public summary per principle of the standard.
    async fn findings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Finding>> {
        let principles = self.principles(ctx).await?;
        self.findings_of()?
            .into_iter()
            .map(|finding| {
                Ok(Finding {
                    principle: principle_named(&principles, &finding.principle),
                    rating: FindingRating::stored(&finding.rating, "audit.findings")?.into(),
                    summary: finding.summary,
                })
            })
            .collect()
    }

    /// Every corrective action the findings asked for, with its due and closing dates.
    async fn corrective_actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CorrectiveAction>> {
        let principles = self.principles(ctx).await?;
        let today = graphql::facts(ctx)?.today;
        let mut actions = Vec::new();
        for finding in self.findings_of()? {
            for action in finding.corrective_actions {
                actions.push(CorrectiveAction {
                    principle: principle_named(&principles, &finding.principle),
                    overdue: action.closed_on.is_none() && action.due_on < today,
                    description: action.description,
                    due_on: action.due_on,
                    closed_on: action.closed_on,
                });
            }
        }
        Ok(actions)
    }
}
