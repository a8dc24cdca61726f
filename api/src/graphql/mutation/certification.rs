use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;

use super::require;
use crate::{
    auth::Role,
    error::AppError,
    graphql::{
        self,
        types::{Certification, MarkRight, enums},
    },
    ids::{self, Kind},
    interchange::{CertificationRecord, Record, StatusChangeRecord},
    service::{
        certification::CertificationStatus,
        write::{self, Decision},
    },
};

#[derive(Default)]
pub struct CertificationMutation;

/// An application for certification; it starts as `APPLICANT`.
#[derive(InputObject)]
pub struct NewCertificationInput {
    pub external_id: String,
    /// The recruiter's external id.
    pub recruiter: String,
    pub certificate_number: String,
    pub scheme: String,
    /// A certifier may only name its own certification body (the default for it).
    pub certification_body: Option<String>,
    #[graphql(default)]
    pub scope_corridors: Vec<super::inputs::CorridorPairInput>,
    #[graphql(default)]
    pub scope_sectors: Vec<String>,
}

#[Object]
impl CertificationMutation {
    /// Records an application for certification.
    async fn create_certification(
        &self,
        ctx: &Context<'_>,
        input: NewCertificationInput,
    ) -> async_graphql::Result<Certification> {
        let identity = require(ctx, &[Role::Certifier])?;
        let facts = graphql::facts(ctx)?;
        let body = match (&identity.body, input.certification_body) {
            (Some(own), Some(named)) if *own != named => {
                return Err(AppError::Forbidden(format!("you act for {own}, not for {named}")).into());
            }
            (Some(own), _) => Some(own.clone()),
            (None, named) => named,
        };
        // The body's record, when the directory has one: the certificate then refers to it.
        let body_record = match &body {
            Some(name) => crate::service::trust::body_by_name(graphql::db(ctx)?, name).await?,
            None => None,
        };
        let record = CertificationRecord {
            external_id: input.external_id,
            recruiter: input.recruiter,
            certificate_number: input.certificate_number,
            scheme: input.scheme,
            certification_body: body,
            status: CertificationStatus::Applicant.as_str().to_owned(),
            issued_on: None,
            expires_on: None,
            scope_corridors: input.scope_corridors.into_iter().map(Into::into).collect(),
            scope_sectors: input.scope_sectors,
            status_history: vec![StatusChangeRecord {
                from: None,
                to: CertificationStatus::Applicant.as_str().to_owned(),
                at: facts.now,
                reason: "application_received".to_owned(),
                recorded_by: write::recorded_by(identity),
                complaint_cases: Vec::new(),
            }],
            body: body_record.map(|body| body.external_id),
        };
        let id = write::save(graphql::db(ctx)?, identity, Record::Certification(record), None).await?;
        let model = crate::service::certification::find_by_id(graphql::db(ctx)?, id).await?;
        Ok(Certification(model.ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("certification {id} vanished"))
        })?))
    }

    /// Moves a certification one step along its lifecycle; any other step is a `CONFLICT`
    /// that names the allowed ones. Certifying or recertifying starts a validity period
    /// (`issuedOn` defaults to today, `expiresOn` to three years later).
    #[allow(clippy::too_many_arguments)]
    async fn record_certification_decision(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        to: enums::CertificationStatus,
        #[graphql(desc = "Public reason category, e.g. `audit_passed`, `complaint_upheld`.")] reason_category: String,
        issued_on: Option<NaiveDate>,
        expires_on: Option<NaiveDate>,
        #[graphql(
            desc = "Public case numbers of upheld or remediated complaints about the recruiter that the decision rests on (`C-2026-000042`); they appear in the public history.",
            default
        )]
        complaint_cases: Vec<String>,
    ) -> async_graphql::Result<Certification> {
        let identity = require(ctx, &[Role::Certifier])?;
        let certification_id = ids::decode_id_of(Kind::Certification, &id)?;
        let decision = Decision {
            to: to.into(),
            reason: reason_category,
            issued_on,
            expires_on,
            complaint_cases,
        };
        let now = graphql::facts(ctx)?.now;
        let saved = write::decide(
            graphql::db(ctx)?,
            identity,
            certification_id,
            expected_version,
            decision,
            now,
        )
        .await?;
        Ok(Certification(saved))
    }

    /// Suspends, reinstates or revokes a mark right, and/or changes the web domains allowed to
    /// display the mark.
    async fn change_mark_right(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        status: Option<enums::MarkRightStatus>,
        domains: Option<Vec<String>>,
    ) -> async_graphql::Result<MarkRight> {
        let identity = require(ctx, &[Role::Certifier])?;
        let right_id = ids::decode_id_of(Kind::TrademarkRight, &id)?;
        let now = graphql::facts(ctx)?.now;
        let saved = write::change_mark_right(
            graphql::db(ctx)?,
            identity,
            right_id,
            expected_version,
            status.map(Into::into),
            domains,
            now,
        )
        .await?;
        Ok(MarkRight(saved))
    }
}
