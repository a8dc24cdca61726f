//! Worker voice: intake partners record complaints and move them through their stages; anyone
//! reports a false claim (rate-limited); the secretariat confirms or rejects reports.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;

use super::{inputs::CorridorPairInput, require};
use crate::{
    auth::{Caller, Role},
    error::AppError,
    graphql::{
        self,
        cost::Charge,
        types::{Complaint, MisuseReport, RecordedComplaint, enums},
    },
    ids::{self, Kind},
    service::{complaint, misuse},
};

/// Reports one client may file per hour (every server together when Redis is set).
pub const MISUSE_REPORTS_PER_HOUR: u64 = 5;

#[derive(Default)]
pub struct VoiceMutation;

/// A complaint as an intake partner records it: no name, contact or story of the worker, only
/// what the ledger counts.
#[derive(InputObject)]
pub struct ComplaintInput {
    /// The recruiter complained about.
    pub recruiter_id: ID,
    /// The corridor the worker was recruited for.
    pub corridor: Option<CorridorPairInput>,
    pub categories: Vec<enums::ComplaintCategory>,
    /// When the intake partner received it.
    pub received_on: NaiveDate,
}

/// A false claim, as anyone may report it.
#[derive(InputObject)]
pub struct MisuseReportInput {
    pub kind: enums::MisuseKind,
    /// For `MARK_DISPLAY` a web domain or page; for `CERTIFICATE_NUMBER` the number; for
    /// `FAKE_AGENT` the phone number (with its country code), page or agent number.
    pub value: String,
    /// The recruiter whose name, mark or certificate is misused, if known.
    pub recruiter_id: Option<ID>,
    /// What happened, for the secretariat only (never published). Leave out names and
    /// contacts of people.
    pub details: Option<String>,
}

#[Object]
impl VoiceMutation {
    /// Records a complaint on a worker's behalf (intake partners). Answers with the tracking
    /// reference to give the worker, shown this once.
    async fn record_complaint(
        &self,
        ctx: &Context<'_>,
        input: ComplaintInput,
    ) -> async_graphql::Result<RecordedComplaint> {
        let identity = require(ctx, &[Role::Intake])?;
        let recruiter_id = ids::decode_id_of(Kind::Recruiter, &input.recruiter_id)?;
        let now = graphql::facts(ctx)?.now;
        let (saved, reference) = complaint::record(
            graphql::db(ctx)?,
            identity,
            complaint::NewComplaint {
                recruiter_id,
                corridor: input.corridor.map(|corridor| (corridor.origin, corridor.destination)),
                categories: input.categories.into_iter().map(Into::into).collect(),
                received_on: input.received_on,
            },
            now,
        )
        .await?;
        Ok(RecordedComplaint {
            complaint: Complaint(saved),
            tracking_reference: reference,
        })
    }

    /// Moves a complaint the caller recorded to its next stage: `RESOLVED` with an `outcome`
    /// (and a `remedy` when `REMEDIATED`), `CLOSED` to end it.
    async fn move_complaint(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        to: enums::ComplaintStage,
        outcome: Option<enums::ComplaintOutcome>,
        remedy: Option<enums::Remedy>,
    ) -> async_graphql::Result<Complaint> {
        let identity = require(ctx, &[Role::Intake])?;
        let key = ids::decode_id_of(Kind::Complaint, &id)?;
        let now = graphql::facts(ctx)?.now;
        let saved = complaint::move_stage(
            graphql::db(ctx)?,
            identity,
            key,
            expected_version,
            complaint::Move {
                to: to.into(),
                outcome: outcome.map(Into::into),
                remedy: remedy.map(Into::into),
            },
            now,
        )
        .await?;
        Ok(Complaint(saved))
    }

    /// Reports a false claim; no login needed, and nothing about the reporter is kept. The
    /// report stays private until the secretariat confirms it. Limited to 5 an hour per client.
    async fn report_misuse(&self, ctx: &Context<'_>, input: MisuseReportInput) -> async_graphql::Result<bool> {
        // No token is needed, but a token that was sent and is not acceptable is refused, as
        // everywhere: the caller meant to be someone and should know it is not.
        if let Ok(Caller::Rejected(reason)) = ctx.data::<Caller>() {
            return Err(AppError::Unauthenticated(reason.clone()).into());
        }
        if let Some(charge) = ctx.data_opt::<Charge>() {
            let decision = charge
                .limiter
                .take_event("misuse-report", &charge.client, MISUSE_REPORTS_PER_HOUR)
                .await;
            if !decision.allowed {
                return Err(AppError::RateLimited(format!(
                    "at most {MISUSE_REPORTS_PER_HOUR} misuse reports an hour may be sent from one client; retry in {} s",
                    decision.retry_after_secs.max(1)
                ))
                .into());
            }
        }
        let recruiter_id = match &input.recruiter_id {
            Some(id) => Some(ids::decode_id_of(Kind::Recruiter, id)?),
            None => None,
        };
        let now = graphql::facts(ctx)?.now;
        misuse::report(
            graphql::db(ctx)?,
            misuse::NewReport {
                kind: input.kind.into(),
                value: input.value,
                recruiter_id,
                details: input.details,
            },
            now,
        )
        .await?;
        Ok(true)
    }

    /// Confirms a report (it becomes public, and the checks warn about its value) or rejects
    /// it (the secretariat's editors). `publicNote` is published with a confirmation.
    async fn decide_misuse_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        to: enums::MisuseStatus,
        public_note: Option<String>,
    ) -> async_graphql::Result<MisuseReport> {
        let identity = require(ctx, &[Role::Editor])?;
        let key = ids::decode_id_of(Kind::MisuseReport, &id)?;
        let now = graphql::facts(ctx)?.now;
        let row = misuse::decide(
            graphql::db(ctx)?,
            identity,
            key,
            expected_version,
            to.into(),
            public_note,
            now,
        )
        .await?;
        Ok(MisuseReport { row, private: true })
    }
}
