//! The sample's complaints and misuse reports. They are private records, outside the public
//! interchange format, so the sample directory cannot carry them: they are written through the
//! same services an intake partner and the secretariat use, right after the sample is imported.
//!
//! They show every state a user meets: a recruiter whose complaint summary is public (five
//! complaints, some counts hidden under 3), one with too few complaints for any summary,
//! complaints at every stage and outcome, two confirmed impersonators and a report still
//! awaiting review.

use chrono::{DateTime, Duration, Utc};
use entity::recruiter;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{
    complaint::{self, Move, NewComplaint},
    misuse::{self, NewReport},
};
use crate::{
    auth::{Identity, Role},
    error::AppResult,
    vocab::{ComplaintCategory as C, ComplaintOutcome as O, ComplaintStage as S, MisuseKind, MisuseStatus, Remedy},
};

/// The intake partner the sample's complaints are recorded by.
pub const SAMPLE_INTAKE: &str = "sample-intake-partner";

/// (categories, days before today received, stages moved through, outcome, remedy).
type Plan = (&'static [C], i64, &'static [S], Option<O>, Option<Remedy>);

const FIVE: [Plan; 5] = [
    (
        &[C::RecruitmentFees, C::DocumentsWithheld],
        400,
        &[S::UnderInvestigation, S::Resolved, S::Closed],
        Some(O::Upheld),
        None,
    ),
    (
        &[C::RecruitmentFees],
        300,
        &[S::Referred, S::UnderInvestigation, S::Resolved],
        Some(O::Remediated),
        Some(Remedy::FeesReimbursed),
    ),
    (
        &[C::RecruitmentFees, C::ContractSubstitution],
        200,
        &[S::UnderInvestigation, S::Resolved],
        Some(O::Upheld),
        None,
    ),
    (
        &[C::DocumentsWithheld, C::RecruitmentFees],
        90,
        &[S::UnderInvestigation, S::Resolved],
        Some(O::Upheld),
        None,
    ),
    (&[C::DocumentsWithheld], 20, &[S::Referred], None, None),
];

const TWO: [Plan; 2] = [
    (
        &[C::DeceptionAboutJob],
        150,
        &[S::UnderInvestigation, S::Resolved],
        Some(O::NotUpheld),
        None,
    ),
    (&[C::WagesWithheld], 10, &[], None, None),
];

/// Records the sample's complaints and misuse reports.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<()> {
    let recruiters = recruiter::Entity::find()
        .filter(recruiter::Column::ArchivedAt.is_null())
        .filter(recruiter::Column::CertifiedUntil.is_not_null())
        .order_by_asc(recruiter::Column::ExternalId)
        .all(db)
        .await?;
    let (Some(first), Some(second)) = (recruiters.first(), recruiters.get(1)) else {
        return Ok(());
    };
    let intake = Identity {
        subject: SAMPLE_INTAKE.to_owned(),
        role: Role::Intake,
        body: None,
    };
    for (recruiter, plans) in [(first, &FIVE[..]), (second, &TWO[..])] {
        let corridor = crate::db::json_list::<interchange::CorridorRecord>(&recruiter.corridors)
            .into_iter()
            .next()
            .map(|corridor| (corridor.origin, corridor.destination));
        for (categories, days_ago, stages, outcome, remedy) in plans {
            let received = now - Duration::days(*days_ago);
            let (mut saved, _reference) = complaint::record(
                db,
                &intake,
                NewComplaint {
                    recruiter_id: recruiter.id,
                    corridor: corridor.clone(),
                    categories: categories.to_vec(),
                    received_on: received.date_naive(),
                },
                received,
            )
            .await?;
            for (step, stage) in stages.iter().enumerate() {
                let resolved = *stage == S::Resolved;
                let at = received + Duration::days(7 * (step as i64 + 1));
                saved = complaint::move_stage(
                    db,
                    &intake,
                    saved.id,
                    saved.version,
                    Move {
                        to: *stage,
                        outcome: if resolved { *outcome } else { None },
                        remedy: if resolved { *remedy } else { None },
                    },
                    at.min(now),
                )
                .await?;
            }
        }
    }
    let secretariat = Identity {
        subject: "sample-data".to_owned(),
        role: Role::Editor,
        body: None,
    };
    let host = first
        .website
        .as_deref()
        .map(crate::vocab::normalise_domain)
        .unwrap_or_else(|| "example.com".to_owned());
    let label = host.split('.').next().unwrap_or("agency");
    let reports = [
        (
            MisuseKind::MarkDisplay,
            format!("https://{label}-jobs-abroad.com"),
            Some("a copy of the recruiter's site showing the mark and asking for fees"),
            MisuseStatus::Confirmed,
        ),
        (
            MisuseKind::FakeAgent,
            format!("https://www.facebook.com/{label}.recruitment.official"),
            Some("a social-media page posing as the recruiter's agent"),
            MisuseStatus::Confirmed,
        ),
        (
            MisuseKind::CertificateNumber,
            "ERS-XX-0000000".to_owned(),
            None,
            MisuseStatus::Received,
        ),
    ];
    for (kind, value, note, status) in reports {
        let report = misuse::report(
            db,
            NewReport {
                kind,
                value,
                recruiter_id: Some(first.id),
                details: Some("Reported by a jobseeker through a partner website.".to_owned()),
            },
            now - Duration::days(30),
        )
        .await?;
        if status != MisuseStatus::Received {
            misuse::decide(
                db,
                &secretariat,
                report.id,
                report.version,
                status,
                note.map(str::to_owned),
                now - Duration::days(25),
            )
            .await?;
        }
    }
    Ok(())
}
