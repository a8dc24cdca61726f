//! Charges each operation's cost to the caller's rate limit once validation has computed its
//! complexity, and refuses it there, before any resolver (or database) runs.
//!
//! The HTTP handler puts a `Charge` into the request's data and reads the decision back for
//! the `RateLimit-*` headers and the 429 status.

use std::sync::{Arc, Mutex};

use async_graphql::{
    ServerError, ValidationResult,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextValidation},
};

use crate::ratelimit::{Client, Decision, RateLimiter};

/// The rate-limit account of one request, and what charging it decided.
#[derive(Clone)]
pub struct Charge {
    pub limiter: RateLimiter,
    pub client: Client,
    decision: Arc<Mutex<Option<Decision>>>,
}

impl Charge {
    pub fn new(limiter: RateLimiter, client: Client) -> Self {
        Self {
            limiter,
            client,
            decision: Arc::default(),
        }
    }

    /// The decision of the (last) charge, if the operation got as far as being charged.
    pub fn decision(&self) -> Option<Decision> {
        self.decision
            .lock()
            .map(|decision| decision.clone())
            .unwrap_or_default()
    }

    fn record(&self, decision: Decision) {
        if let Ok(mut slot) = self.decision.lock() {
            *slot = Some(decision);
        }
    }
}

/// Takes "now" and "today" for each operation as it starts, over HTTP and over a WebSocket
/// alike: a connection held open past midnight answers its next query for the new day.
pub struct OperationFacts;

impl ExtensionFactory for OperationFacts {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationFactsExtension)
    }
}

struct OperationFactsExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for OperationFactsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> async_graphql::ServerResult<async_graphql::Request> {
        next.run(ctx, request.data(crate::graphql::RequestFacts::now())).await
    }
}

pub struct CostLimit;

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimitExtension)
    }
}

struct CostLimitExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for CostLimitExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let Some(charge) = ctx.data_opt::<Charge>() else {
            return Ok(result);
        };
        let decision = charge
            .limiter
            .charge(&charge.client, u64::try_from(result.complexity).unwrap_or(u64::MAX))
            .await;
        let allowed = decision.allowed;
        let error = decision.error();
        charge.record(decision);
        if allowed {
            Ok(result)
        } else {
            Err(vec![
                async_graphql::Error::from(error).into_server_error(async_graphql::Pos::default()),
            ])
        }
    }
}
