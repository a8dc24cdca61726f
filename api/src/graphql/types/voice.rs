//! Worker voice: complaints (as their intake partner sees them, as the worker sees them, and as
//! the public sees them: counts only) and misuse reports.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{complaint, misuse_report};

use super::{CorridorRef, Recruiter, enums};
use crate::{
    graphql,
    ids::{self, Kind},
    service::complaint::{self as ledger, Summary},
    vocab::{ComplaintCategory, ComplaintOutcome, ComplaintStage, MisuseKind, MisuseStatus, Remedy},
};

/// A complaint as the intake partner that recorded it sees it. Never public.
pub struct Complaint(pub complaint::Model);

#[Object]
impl Complaint {
    async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Complaint, self.0.id))
    }

    /// The public case number, which certification decisions cite (`C-2026-000042`).
    async fn case_number(&self) -> &str {
        &self.0.case_number
    }

    /// Send it back as `expectedVersion` when you move the complaint.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The recruiter complained about; null once archived.
    async fn recruiter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Recruiter>> {
        Ok(graphql::loaders(ctx)?
            .recruiter
            .load_one(self.0.recruiter_id)
            .await?
            .map(Recruiter))
    }

    async fn corridor(&self) -> Option<CorridorRef> {
        Some(CorridorRef {
            origin: self.0.origin.clone()?,
            destination: self.0.destination.clone()?,
        })
    }

    async fn categories(&self) -> async_graphql::Result<Vec<enums::ComplaintCategory>> {
        let mut out = Vec::new();
        for category in crate::db::json_list::<String>(&self.0.categories) {
            out.push(ComplaintCategory::stored(&category, "complaint.categories")?.into());
        }
        Ok(out)
    }

    async fn received_on(&self) -> NaiveDate {
        self.0.received_on
    }

    async fn stage(&self) -> async_graphql::Result<enums::ComplaintStage> {
        Ok(ComplaintStage::stored(&self.0.stage, "complaint.stage")?.into())
    }

    /// Every move, oldest first.
    async fn history(&self) -> async_graphql::Result<Vec<ComplaintStageChange>> {
        let mut out = Vec::new();
        for change in ledger::stage_history(&self.0) {
            out.push(ComplaintStageChange {
                from: match &change.from {
                    Some(from) => Some(ComplaintStage::stored(from, "complaint.stage_history")?.into()),
                    None => None,
                },
                to: ComplaintStage::stored(&change.to, "complaint.stage_history")?.into(),
                at: change.at,
            });
        }
        Ok(out)
    }

    async fn outcome(&self) -> async_graphql::Result<Option<enums::ComplaintOutcome>> {
        outcome(&self.0)
    }

    async fn remedy(&self) -> async_graphql::Result<Option<enums::Remedy>> {
        remedy(&self.0)
    }

    /// The intake partner that recorded it.
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }
}

fn outcome(row: &complaint::Model) -> async_graphql::Result<Option<enums::ComplaintOutcome>> {
    Ok(match &row.outcome {
        Some(outcome) => Some(ComplaintOutcome::stored(outcome, "complaint.outcome")?.into()),
        None => None,
    })
}

fn remedy(row: &complaint::Model) -> async_graphql::Result<Option<enums::Remedy>> {
    Ok(match &row.remedy {
        Some(remedy) => Some(Remedy::stored(remedy, "complaint.remedy")?.into()),
        None => None,
    })
}

/// One move of a complaint.
#[derive(SimpleObject)]
pub struct ComplaintStageChange {
    pub from: Option<enums::ComplaintStage>,
    pub to: enums::ComplaintStage,
    pub at: DateTime<Utc>,
}

/// A recorded complaint, with the tracking reference to give the worker. The reference is
/// shown this once: the directory keeps only its hash.
#[derive(SimpleObject)]
pub struct RecordedComplaint {
    pub complaint: Complaint,
    pub tracking_reference: String,
}

/// What the worker sees with their tracking reference: where the complaint is and how it
/// ended, nothing else.
pub struct ComplaintStatus(pub complaint::Model);

#[Object]
impl ComplaintStatus {
    async fn stage(&self) -> async_graphql::Result<enums::ComplaintStage> {
        Ok(ComplaintStage::stored(&self.0.stage, "complaint.stage")?.into())
    }

    async fn outcome(&self) -> async_graphql::Result<Option<enums::ComplaintOutcome>> {
        outcome(&self.0)
    }

    async fn remedy(&self) -> async_graphql::Result<Option<enums::Remedy>> {
        remedy(&self.0)
    }
}

/// A count of complaints with one value.
#[derive(SimpleObject)]
pub struct CountOf {
    /// The category or outcome, as the interchange vocabularies spell it (`recruitment_fees`).
    pub value: String,
    pub count: u64,
}

/// What the public may know of a recruiter's complaints: counts, each shown only when at least
/// 3 complaints fall in it, so that no single complaint can be recognised.
pub struct ComplaintSummary(pub Summary);

#[Object]
impl ComplaintSummary {
    /// Complaints recorded about the recruiter (the summary is absent below 3).
    async fn total(&self) -> u64 {
        self.0.total
    }

    /// By category; categories with fewer than 3 complaints are left out.
    async fn by_category(&self) -> Vec<CountOf> {
        counts(&self.0.by_category)
    }

    /// By outcome of the resolved ones; outcomes with fewer than 3 complaints are left out.
    async fn by_outcome(&self) -> Vec<CountOf> {
        counts(&self.0.by_outcome)
    }
}

fn counts(cells: &[(String, u64)]) -> Vec<CountOf> {
    cells
        .iter()
        .map(|(value, count)| CountOf {
            value: value.clone(),
            count: *count,
        })
        .collect()
}

/// A report of a false claim. Public once the secretariat confirmed it; what the reporter wrote
/// is never shown.
pub struct MisuseReport {
    pub row: misuse_report::Model,
    /// The secretariat's view: status and details of every report.
    pub private: bool,
}

#[Object]
impl MisuseReport {
    async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::MisuseReport, self.row.id))
    }

    async fn version(&self) -> i32 {
        self.row.version
    }

    async fn kind(&self) -> async_graphql::Result<enums::MisuseKind> {
        Ok(MisuseKind::stored(&self.row.kind, "misuse_report.kind")?.into())
    }

    /// The domain, page, number or agent reported.
    async fn value(&self) -> &str {
        &self.row.value
    }

    async fn status(&self) -> async_graphql::Result<enums::MisuseStatus> {
        Ok(MisuseStatus::stored(&self.row.status, "misuse_report.status")?.into())
    }

    /// The recruiter whose name, mark or certificate was misused.
    async fn recruiter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Recruiter>> {
        let Some(id) = self.row.recruiter_id else {
            return Ok(None);
        };
        Ok(graphql::loaders(ctx)?.recruiter.load_one(id).await?.map(Recruiter))
    }

    async fn reported_on(&self) -> NaiveDate {
        self.row.reported_at.date_naive()
    }

    /// When the secretariat confirmed (or rejected) it.
    async fn decided_on(&self) -> Option<NaiveDate> {
        self.row.decided_at.map(|at| at.date_naive())
    }

    /// What the secretariat published with its confirmation.
    async fn public_note(&self) -> Option<&str> {
        self.row.public_note.as_deref()
    }

    /// What the reporter wrote: the secretariat's eyes only (null for everyone else).
    async fn details(&self) -> Option<&str> {
        if self.private {
            self.row.details.as_deref()
        } else {
            None
        }
    }
}
