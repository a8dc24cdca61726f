use async_graphql::{Context, Object};

use crate::{
    error::AppError,
    graphql::{
        self,
        types::{CertificateVerification, MarkUseVerification},
    },
    service::{certification, trademark},
};

#[derive(Default)]
pub struct VerificationQuery;

#[Object]
impl VerificationQuery {
    /// Is this certificate genuine and valid today? Numbers match ignoring case and spaces.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        number: String,
    ) -> async_graphql::Result<CertificateVerification> {
        if number.trim().is_empty() || number.chars().count() > 100 {
            return Err(AppError::bad_input("`number` must be a certificate number of 1 to 100 characters").into());
        }
        let facts = graphql::facts(ctx)?;
        let found = certification::find_by_number(graphql::db(ctx)?, &number).await?;
        Ok(CertificateVerification {
            number,
            certification: found,
            checked_at: facts.now,
            today: facts.today,
        })
    }

    /// May the website at this domain display the certification mark today? Accepts a bare
    /// domain or a full address.
    async fn verify_mark_use(&self, ctx: &Context<'_>, domain: String) -> async_graphql::Result<MarkUseVerification> {
        let verdict = trademark::verify_mark_use(graphql::db(ctx)?, &domain, graphql::facts(ctx)?.today).await?;
        Ok(MarkUseVerification(verdict))
    }
}
