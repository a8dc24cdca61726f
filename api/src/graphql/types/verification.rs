//! Answers to bulk checks of a supplier list, each with an optional signed receipt.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use entity::{certification, licence, recruiter};

use super::{CertificateVerification, Certification, Licence, Recruiter};
use crate::{graphql, service::standing};

/// The answers to a list of certificate numbers.
pub struct CertificateVerifications {
    pub results: Vec<CertificateVerification>,
    pub checked_at: DateTime<Utc>,
    pub receipt: Option<String>,
}

#[Object]
impl CertificateVerifications {
    /// One answer per number asked, in the order asked; unknown and repeated numbers included.
    async fn results(&self) -> &[CertificateVerification] {
        &self.results
    }

    /// When the check was made.
    async fn checked_at(&self) -> DateTime<Utc> {
        self.checked_at
    }

    /// With `receipt: true`: a compact JWS, signed with the directory's receipt key (public keys
    /// at `/.well-known/jwks.json`), stating every number asked, each answer and the time.
    // Each receipt records its own check: marked so a response cache can pass it by.
    #[graphql(cache_control(no_cache))]
    async fn receipt(&self) -> Option<&str> {
        self.receipt.as_deref()
    }
}

/// The answers to a list of national licence numbers.
pub struct LicenceLookups {
    pub results: Vec<LicenceLookup>,
    pub checked_at: DateTime<Utc>,
    pub receipt: Option<String>,
}

#[Object]
impl LicenceLookups {
    /// One answer per number asked, in the order asked; unknown and repeated numbers included.
    async fn results(&self) -> &[LicenceLookup] {
        &self.results
    }

    /// When the check was made.
    async fn checked_at(&self) -> DateTime<Utc> {
        self.checked_at
    }

    /// With `receipt: true`: a compact JWS, signed with the directory's receipt key (public keys
    /// at `/.well-known/jwks.json`), stating every number asked, each answer and the time.
    // Each receipt records its own check: marked so a response cache can pass it by.
    #[graphql(cache_control(no_cache))]
    async fn receipt(&self) -> Option<&str> {
        self.receipt.as_deref()
    }
}

/// Which recruiter holds a national licence number.
pub struct LicenceLookup {
    number: String,
    /// Present only while the holder is listed: a licence counts only with its holder.
    held: Option<Held>,
}

struct Held {
    licence: licence::Model,
    holder: recruiter::Model,
    /// The holder's certification valid today, or else its most recent one.
    certification: Option<certification::Model>,
}

impl LicenceLookup {
    /// `certification` is the holder's relevant one (see `verification::relevant_certification`),
    /// loaded with every other holder's by the root resolver, so no answer loads on its own.
    pub fn new(
        number: String,
        licence: Option<licence::Model>,
        holder: Option<recruiter::Model>,
        certification: Option<certification::Model>,
    ) -> Self {
        let held = licence.zip(holder).map(|(licence, holder)| Held {
            licence,
            holder,
            certification,
        });
        Self { number, held }
    }
}

#[Object]
impl LicenceLookup {
    /// The number as it was asked for.
    async fn number(&self) -> &str {
        &self.number
    }

    /// Whether the directory knows this licence number (held by a recruiter it lists).
    async fn found(&self) -> bool {
        self.held.is_some()
    }

    /// The licence: issuing authority, status and validity. A licence is not a certification.
    async fn licence(&self) -> Option<Licence> {
        self.held.as_ref().map(|held| Licence(held.licence.clone()))
    }

    /// The recruiter that holds it.
    async fn recruiter(&self) -> Option<Recruiter> {
        self.held.as_ref().map(|held| Recruiter(held.holder.clone()))
    }

    /// Whether the holder is certified today (a certification `CERTIFIED` and not past expiry).
    async fn certified(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let today = graphql::facts(ctx)?.today;
        Ok(self
            .held
            .as_ref()
            .is_some_and(|held| standing::in_force(held.holder.certified_until, today)))
    }

    /// The holder's certification that is valid today, or else its most recent one (whose
    /// status says why the holder is not certified); null when it has none.
    async fn certification(&self) -> Option<Certification> {
        self.held
            .as_ref()
            .and_then(|held| held.certification.clone())
            .map(Certification)
    }
}
