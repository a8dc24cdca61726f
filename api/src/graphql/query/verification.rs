use std::collections::HashMap;

use async_graphql::{Context, Object};
use entity::{certification, licence, recruiter};

use crate::{
    error::{AppError, AppResult},
    graphql::{
        self, RequestFacts,
        types::{
            CertificateVerification, CertificateVerifications, LicenceLookup, LicenceLookups, MarkUseVerification,
        },
    },
    receipt::{CertificateAnswer, LicenceAnswer, Receipt, ReceiptSigner},
    service::{
        certification as lifecycle, standing, trademark,
        verification::{self, MAX_NUMBERS},
    },
};

#[derive(Default)]
pub struct VerificationQuery;

/// A bulk field costs its selection once per number asked, as a page of that many records
/// would; counted up to the 1 000 allowed, so that a longer list is refused by the resolver
/// with a message about the list rather than as too complex. A 1 000-number request fits the
/// schema's limit of 20 000 with up to 19 fields selected per answer.
fn per_number(numbers: usize, child_complexity: usize) -> usize {
    numbers
        .clamp(1, MAX_NUMBERS)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

#[Object]
impl VerificationQuery {
    /// Is this certificate genuine and valid today? Numbers match ignoring case and spaces.
    /// With `receipt: true` the answer carries a signed receipt of the check.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        number: String,
        #[graphql(default_with = "Some(false)")] receipt: Option<bool>,
    ) -> async_graphql::Result<CertificateVerification> {
        if number.trim().is_empty() || number.chars().count() > 100 {
            return Err(AppError::bad_input("`number` must be a certificate number of 1 to 100 characters").into());
        }
        let facts = graphql::facts(ctx)?;
        let db = graphql::db(ctx)?;
        let receipt = receipt.unwrap_or(false);
        let fields = ctx.look_ahead();
        // The holder in the same statement when the answer shows it.
        let (found, holder) = if receipt || fields.field("recruiter").exists() || fields.field("licenceGap").exists() {
            match lifecycle::find_with_holder_by_number(db, &number).await? {
                Some((certification, holder)) => (Some(certification), Some(holder)),
                None => (None, None),
            }
        } else {
            (lifecycle::find_by_number(db, &number).await?, None)
        };
        let receipt = if receipt {
            let holders: HashMap<i64, recruiter::Model> =
                holder.iter().map(|holder| (holder.id, holder.clone())).collect();
            let found = std::slice::from_ref(&found);
            Some(certificates_receipt(ctx, std::slice::from_ref(&number), found, &holders, facts).await?)
        } else {
            None
        };
        Ok(CertificateVerification {
            number,
            certification: found,
            checked_at: facts.now,
            today: facts.today,
            receipt,
            holder,
        })
    }

    /// Checks up to 1 000 certificate numbers at once, e.g. the recruiters of a brand's
    /// suppliers: one answer per number, in the order asked, unknown ones included
    /// (`found: false`). Numbers match ignoring case and spaces; `certified` is for today.
    /// With `receipt: true` the answer carries one signed receipt covering every number.
    /// Counts its selection once per number towards the complexity limit.
    #[graphql(complexity = "per_number(numbers.len(), child_complexity)")]
    async fn verify_certificates(
        &self,
        ctx: &Context<'_>,
        numbers: Vec<String>,
        #[graphql(default_with = "Some(false)")] receipt: Option<bool>,
    ) -> async_graphql::Result<CertificateVerifications> {
        verification::check_numbers(&numbers, "certificate")?;
        let facts = graphql::facts(ctx)?;
        let found = verification::certifications_by_numbers(graphql::db(ctx)?, &numbers).await?;
        let receipt = receipt.unwrap_or(false);
        // The holders in one statement, when the answers or the receipt name them.
        let holders = if receipt || ctx.look_ahead().field("results").field("recruiter").exists() {
            holders(
                ctx,
                found.iter().flatten().map(|certification| certification.recruiter_id),
            )
            .await?
        } else {
            HashMap::new()
        };
        let receipt = if receipt {
            Some(certificates_receipt(ctx, &numbers, &found, &holders, facts).await?)
        } else {
            None
        };
        let results = numbers
            .into_iter()
            .zip(found)
            .map(|(number, certification)| {
                let holder = certification
                    .as_ref()
                    .and_then(|certification| holders.get(&certification.recruiter_id))
                    .cloned();
                CertificateVerification {
                    number,
                    certification,
                    checked_at: facts.now,
                    today: facts.today,
                    receipt: None,
                    holder,
                }
            })
            .collect();
        Ok(CertificateVerifications {
            results,
            checked_at: facts.now,
            receipt,
        })
    }

    /// Which recruiters hold these national licence numbers (up to 1 000): one answer per
    /// number, in the order asked, unknown ones included (`found: false`). Numbers match
    /// ignoring case and spaces. A licence is not a certification: `certified` says whether
    /// the holder is certified today. With `receipt: true` the answer carries one signed
    /// receipt covering every number. Counts its selection once per number towards the
    /// complexity limit.
    #[graphql(complexity = "per_number(numbers.len(), child_complexity)")]
    async fn recruiters_by_licence(
        &self,
        ctx: &Context<'_>,
        numbers: Vec<String>,
        #[graphql(default_with = "Some(false)")] receipt: Option<bool>,
    ) -> async_graphql::Result<LicenceLookups> {
        verification::check_numbers(&numbers, "licence")?;
        let facts = graphql::facts(ctx)?;
        let licences = verification::licences_by_numbers(graphql::db(ctx)?, &numbers).await?;
        let holders = holders(ctx, licences.iter().flatten().map(|licence| licence.recruiter_id)).await?;
        // Every holder's certifications in one statement, whether the answers or the receipt
        // need them; per-answer loads would split into batches as a long list resolves.
        let certifications = graphql::loaders(ctx)?
            .certifications
            .load_many(holders.keys().copied())
            .await?;
        let relevant: HashMap<i64, certification::Model> = certifications
            .iter()
            .filter_map(|(id, list)| {
                verification::relevant_certification(list, facts.today).map(|found| (*id, found.clone()))
            })
            .collect();
        let answers: Vec<(String, Option<licence::Model>, Option<recruiter::Model>)> = numbers
            .into_iter()
            .zip(licences)
            .map(|(number, licence)| {
                let holder = licence
                    .as_ref()
                    .and_then(|licence| holders.get(&licence.recruiter_id))
                    .cloned();
                // A licence counts only while its holder is listed.
                let licence = licence.filter(|_| holder.is_some());
                (number, licence, holder)
            })
            .collect();
        let receipt = if receipt.unwrap_or(false) {
            let stated = answers
                .iter()
                .map(|(number, licence, holder)| {
                    let certified = holder
                        .as_ref()
                        .is_some_and(|holder| standing::in_force(holder.certified_until, facts.today));
                    LicenceAnswer::new(number, licence.as_ref(), holder.as_ref(), certified, facts.today)
                })
                .collect();
            Some(sign(ctx, Receipt::new("licences", facts.now, facts.today, stated)?).await?)
        } else {
            None
        };
        let results = answers
            .into_iter()
            .map(|(number, licence, holder)| {
                let certification = holder.as_ref().and_then(|holder| relevant.get(&holder.id).cloned());
                LicenceLookup::new(number, licence, holder, certification)
            })
            .collect();
        Ok(LicenceLookups {
            results,
            checked_at: facts.now,
            receipt,
        })
    }

    /// May the website at this domain display the certification mark today? Accepts a bare
    /// domain or a full address.
    async fn verify_mark_use(&self, ctx: &Context<'_>, domain: String) -> async_graphql::Result<MarkUseVerification> {
        let verdict = trademark::verify_mark_use(graphql::db(ctx)?, &domain, graphql::facts(ctx)?.today).await?;
        Ok(MarkUseVerification(verdict))
    }
}

/// The listed recruiters among `ids`, through the request's loader (one statement, and later
/// `recruiter` fields of the same request are served from its cache).
async fn holders(
    ctx: &Context<'_>,
    ids: impl Iterator<Item = i64>,
) -> async_graphql::Result<HashMap<i64, recruiter::Model>> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(graphql::loaders(ctx)?.recruiter.load_many(ids).await?)
}

/// A signed receipt of a certificate check: every number asked and its answer.
async fn certificates_receipt(
    ctx: &Context<'_>,
    numbers: &[String],
    found: &[Option<certification::Model>],
    holders: &HashMap<i64, recruiter::Model>,
    facts: RequestFacts,
) -> async_graphql::Result<String> {
    let mut body_ids: Vec<i64> = found
        .iter()
        .flatten()
        .filter_map(|certification| certification.body_id)
        .collect();
    body_ids.sort_unstable();
    body_ids.dedup();
    let bodies = graphql::loaders(ctx)?.body.load_many(body_ids).await?;
    let answers = numbers
        .iter()
        .zip(found)
        .map(|(number, certification)| {
            let holder = certification
                .as_ref()
                .and_then(|certification| holders.get(&certification.recruiter_id));
            let body = certification
                .as_ref()
                .and_then(|certification| certification.body_id)
                .and_then(|body_id| bodies.get(&body_id));
            CertificateAnswer::new(number, certification.as_ref(), holder, body, facts.today)
        })
        .collect();
    Ok(sign(ctx, Receipt::new("certificates", facts.now, facts.today, answers)?).await?)
}

async fn sign<A: serde::Serialize + Send + 'static>(ctx: &Context<'_>, receipt: Receipt<A>) -> AppResult<String> {
    let signer = ctx
        .data::<ReceiptSigner>()
        .map_err(|error| AppError::internal(anyhow::anyhow!("no receipt signer: {}", error.message)))?;
    signer.sign(receipt).await
}
