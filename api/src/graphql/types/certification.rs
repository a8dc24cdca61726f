use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{certification, status_change};

use super::{Audit, CertificationBody, CorridorRef, Recruiter, enums, json_list};
use crate::{
    graphql,
    ids::{self, Kind},
    interchange::CorridorRecord,
    service::{
        certification::{self as lifecycle, CertificationStatus},
        trust,
    },
};

/// A recruiter's certification against the ethical-recruitment standard.
#[derive(Clone)]
pub struct Certification(pub certification::Model);

/// What a certification covers.
#[derive(SimpleObject)]
pub struct CertificationScope {
    pub corridors: Vec<CorridorRef>,
    pub sectors: Vec<String>,
}

/// One public entry of a certification's status history.
#[derive(SimpleObject)]
pub struct StatusChange {
    /// Absent for the first entry (the application).
    #[graphql(name = "from")]
    pub from_status: Option<enums::CertificationStatus>,
    #[graphql(name = "to")]
    pub to_status: enums::CertificationStatus,
    pub at: DateTime<Utc>,
    /// Public reason category, e.g. `audit_passed`.
    pub reason_category: String,
    /// The organisation that recorded it: the secretariat or a certification body.
    pub recorded_by: String,
    /// Public case numbers of the upheld complaints the decision rests on.
    pub complaint_cases: Vec<String>,
}

impl TryFrom<status_change::Model> for StatusChange {
    type Error = crate::error::AppError;

    /// A corrupt status in the history is an `INTERNAL` error, never a made-up transition.
    fn try_from(model: status_change::Model) -> Result<Self, Self::Error> {
        let from_status = match model.from_status.as_deref() {
            Some(from) => Some(CertificationStatus::stored(from, "status_change.from_status")?.into()),
            None => None,
        };
        Ok(Self {
            from_status,
            to_status: CertificationStatus::stored(&model.to_status, "status_change.to_status")?.into(),
            at: model.at,
            reason_category: model.reason,
            recorded_by: model.recorded_by,
            complaint_cases: crate::db::json_list(&model.complaint_cases),
        })
    }
}

impl Certification {
    /// When the next scheduled audit falls due, from the policy, the history and the audits.
    async fn audit_due(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<NaiveDate>> {
        let loaders = graphql::loaders(ctx)?;
        let (history, policies, audits) = futures_util::try_join!(
            loaders.history.load_one(self.0.id),
            loaders.policies.load_one(()),
            loaders.audits.load_one(self.0.id)
        )?;
        let policy = lifecycle::policy_for(&policies.unwrap_or_default(), &self.0.scheme);
        Ok(trust::next_due(
            &history.unwrap_or_default(),
            policy,
            &audits.unwrap_or_default(),
            self.0.expires_on,
        ))
    }
}

#[Object]
impl Certification {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Certification, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn certificate_number(&self) -> &str {
        &self.0.certificate_number
    }

    /// Status today: a `CERTIFIED` record past its expiry date shows as `EXPIRED`.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<enums::CertificationStatus> {
        // Shown: a corrupt stored value is an error here, not the conservative reading the
        // checks use (`stored_status`).
        let recorded = CertificationStatus::stored(&self.0.status, "certification.status")?;
        Ok(lifecycle::effective_status(recorded, self.0.expires_on, graphql::facts(ctx)?.today).into())
    }

    /// The last status recorded in the lifecycle, before dates are taken into account.
    async fn recorded_status(&self) -> async_graphql::Result<enums::CertificationStatus> {
        Ok(CertificationStatus::stored(&self.0.status, "certification.status")?.into())
    }

    /// Certified today.
    async fn certified(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(lifecycle::status_today(&self.0, graphql::facts(ctx)?.today) == CertificationStatus::Certified)
    }

    async fn scheme(&self) -> &str {
        &self.0.scheme
    }

    /// The certification body that audited.
    async fn certification_body(&self) -> Option<&str> {
        self.0.certification_body.as_deref()
    }

    async fn issued_on(&self) -> Option<NaiveDate> {
        self.0.issued_on
    }

    async fn expires_on(&self) -> Option<NaiveDate> {
        self.0.expires_on
    }

    /// When the next surveillance or recertification audit falls due: the scheme's audit
    /// policy counted from the certification (or latest recertification) and the scheduled
    /// audits recorded since; once the recertification audit is held, the expiry date, by which
    /// the decision must be recorded. In the past when the audit is overdue. Null unless
    /// certified or suspended today.
    async fn next_audit_due(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<NaiveDate>> {
        let today = graphql::facts(ctx)?.today;
        let status = lifecycle::status_today(&self.0, today);
        if !matches!(status, CertificationStatus::Certified | CertificationStatus::Suspended) {
            return Ok(None);
        }
        self.audit_due(ctx).await
    }

    /// The next audit's due date has passed while the certificate is in force (or suspended):
    /// the body has not audited on time.
    async fn audit_overdue(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let today = graphql::facts(ctx)?.today;
        Ok(trust::audit_overdue(&self.0, self.audit_due(ctx).await?, today))
    }

    /// The certification body that audits it, as a public record with its approval history.
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

    /// Whether its certification body is approved by the scheme today. False when the body is
    /// suspended, withdrawn or no longer listed, and for a certificate whose body the directory
    /// does not hold as a record.
    async fn body_in_good_standing(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let Some(body_id) = self.0.body_id else {
            return Ok(false);
        };
        let body = graphql::loaders(ctx)?.body.load_one(body_id).await?;
        Ok(body.as_ref().is_some_and(trust::in_good_standing))
    }

    /// Every audit of this certification, oldest first.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::STATUS_HISTORY, child_complexity)"
    )]
    async fn audits(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Audit>> {
        let audits = graphql::loaders(ctx)?
            .audits
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(audits.into_iter().map(Audit).collect())
    }

    /// The most recent audit.
    async fn last_audit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Audit>> {
        let audits = graphql::loaders(ctx)?
            .audits
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(audits.into_iter().next_back().map(Audit))
    }

    async fn scope(&self) -> CertificationScope {
        CertificationScope {
            corridors: json_list::<CorridorRecord>(&self.0.scope_corridors)
                .into_iter()
                .map(CorridorRef::from)
                .collect(),
            sectors: json_list(&self.0.scope_sectors),
        }
    }

    /// Every status transition, oldest first; kept forever.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::STATUS_HISTORY, child_complexity)"
    )]
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<StatusChange>> {
        let history = graphql::loaders(ctx)?
            .history
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(history
            .into_iter()
            .map(StatusChange::try_from)
            .collect::<Result<Vec<_>, _>>()?)
    }

    async fn recruiter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Recruiter>> {
        Ok(graphql::loaders(ctx)?
            .recruiter
            .load_one(self.0.recruiter_id)
            .await?
            .map(Recruiter))
    }
}

/// The answer to "is this certificate genuine and valid today?".
pub struct CertificateVerification {
    pub number: String,
    pub certification: Option<certification::Model>,
    pub checked_at: DateTime<Utc>,
    pub today: NaiveDate,
    /// Signed receipt of this check, when asked for.
    pub receipt: Option<String>,
    /// The holder, when a bulk check loaded it with every other answer's (else `recruiter`
    /// loads it): per-answer loads would split into batches as a long list resolves.
    pub holder: Option<entity::recruiter::Model>,
}

#[Object]
impl CertificateVerification {
    /// The number as it was asked for.
    async fn number(&self) -> &str {
        &self.number
    }

    /// Whether the directory knows this certificate number.
    async fn found(&self) -> bool {
        self.certification.is_some()
    }

    /// Whether the certificate is valid today.
    async fn certified(&self) -> bool {
        self.certification.as_ref().is_some_and(|certification| {
            lifecycle::status_today(certification, self.today) == CertificationStatus::Certified
        })
    }

    async fn status(&self) -> Option<enums::CertificationStatus> {
        self.certification
            .as_ref()
            .map(|certification| lifecycle::status_today(certification, self.today).into())
    }

    /// When the check was made.
    async fn checked_at(&self) -> DateTime<Utc> {
        self.checked_at
    }

    /// Whether the holder has a licence gap: certified today while none of its national
    /// licences is valid today (see `Recruiter.licenceGap`). Null for an unknown number.
    async fn licence_gap(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        match self.recruiter(ctx).await? {
            Some(holder) => holder.licence_gap(ctx).await.map(Some),
            None => Ok(None),
        }
    }

    /// Whether the certificate's certification body is approved by the scheme today (see
    /// `Certification.bodyInGoodStanding`). Null for an unknown number.
    async fn body_in_good_standing(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        match &self.certification {
            Some(certification) => Certification(certification.clone())
                .body_in_good_standing(ctx)
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// The holder.
    async fn recruiter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Recruiter>> {
        let Some(certification) = &self.certification else {
            return Ok(None);
        };
        if let Some(holder) = &self.holder {
            return Ok(Some(Recruiter(holder.clone())));
        }
        Ok(graphql::loaders(ctx)?
            .recruiter
            .load_one(certification.recruiter_id)
            .await?
            .map(Recruiter))
    }

    /// Scope, validity and status history.
    async fn certification(&self) -> Option<Certification> {
        self.certification.clone().map(Certification)
    }

    /// With `verifyCertificate(receipt: true)`: a compact JWS signed with the directory's receipt
    /// key (public keys at `/.well-known/jwks.json`) stating the number, the answer and the time.
    /// In `verifyCertificates`, the batch's own `receipt` covers every answer instead.
    #[graphql(cache_control(no_cache))]
    async fn receipt(&self) -> Option<&str> {
        self.receipt.as_deref()
    }
}
