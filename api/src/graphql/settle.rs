//! After a mutation, the request settles on this server's change feed before it answers: the
//! search index applies the write and the cache generation moves past it, so the writer's next
//! read (a search included) finds the change. One extension for every mutation, over HTTP and
//! WebSocket alike, so no mutation can forget; a failure is logged, not returned (the write
//! committed, and the feed's timer retries within a second).

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    Request, Response, ServerResult,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest},
    parser::types::OperationType,
};

use crate::changes::Feed;

pub struct SettleWrites;

impl ExtensionFactory for SettleWrites {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SettleWritesExtension::default())
    }
}

#[derive(Default)]
struct SettleWritesExtension {
    /// Whether the operation that runs is a mutation.
    mutation: AtomicBool,
}

/// Whether the operation the request runs is a mutation (the same choice as the HTTP layer's,
/// `graphql::chosen_operation`). A document that does not parse is left to the execution.
fn is_mutation(request: &mut Request) -> bool {
    let wanted = request.operation_name.clone();
    request
        .parsed_query()
        .is_ok_and(|document| super::chosen_operation(document, wanted.as_deref()) == Some(OperationType::Mutation))
}

#[async_graphql::async_trait::async_trait]
impl Extension for SettleWritesExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.mutation.store(is_mutation(&mut request), Ordering::Relaxed);
        next.run(ctx, request).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        if self.mutation.load(Ordering::Relaxed)
            && let Some(feed) = ctx.data_opt::<Feed>()
            && let Err(error) = feed.settle().await
        {
            tracing::warn!(error = ?error, "settling the change feed after a write failed; its timer retries");
        }
        response
    }
}
