//! Registering, rotating, enabling and deleting webhooks: partners for themselves, admins for anyone.

use async_graphql::{Context, ID, InputObject, Object};

use super::require;
use crate::{
    auth::Role,
    error::AppResult,
    graphql::{
        self,
        types::webhook::{Webhook, WebhookRegistration},
    },
    ids::{self, Kind},
    webhook as hooks,
};

#[derive(Default)]
pub struct WebhookMutation;

/// A receiver to register.
#[derive(InputObject)]
pub struct RegisterWebhookInput {
    /// An absolute `https://` (or `http://`) address without user name or password.
    pub url: String,
    /// The recruiters to watch (up to 1 000); absent or empty: every recruiter.
    pub recruiter_ids: Option<Vec<ID>>,
}

fn registration(registered: hooks::Registration) -> WebhookRegistration {
    WebhookRegistration {
        webhook: Webhook(registered.webhook),
        secret: registered.secret,
    }
}

/// Whether private and loopback targets are allowed (`WEBHOOK_ALLOW_PRIVATE`, off by default).
fn allow_private(ctx: &Context<'_>) -> bool {
    ctx.data::<crate::config::WebhookSettings>()
        .map(|settings| settings.allow_private)
        .unwrap_or(false)
}

fn secret_keys<'a>(ctx: &Context<'a>) -> AppResult<&'a hooks::secrets::SecretKeys> {
    ctx.data::<hooks::secrets::SecretKeys>()
        .map_err(|_| crate::error::AppError::internal(anyhow::anyhow!("no webhook secret keys")))
}

#[Object]
impl WebhookMutation {
    /// Registers a URL to receive each certification transition of the watched recruiters,
    /// POSTed as JSON and signed (`X-Directory-Signature`). The answer holds the signing
    /// secret: it is shown this once.
    async fn register_webhook(
        &self,
        ctx: &Context<'_>,
        input: RegisterWebhookInput,
    ) -> async_graphql::Result<WebhookRegistration> {
        let identity = require(ctx, &[Role::Partner])?;
        let recruiter_ids = input
            .recruiter_ids
            .unwrap_or_default()
            .iter()
            .map(|id| ids::decode_id_of(Kind::Recruiter, id))
            .collect::<AppResult<Vec<i64>>>()?;
        let now = graphql::facts(ctx)?.now;
        let allow_private = allow_private(ctx);
        let registered = hooks::register(
            graphql::db(ctx)?,
            secret_keys(ctx)?,
            identity,
            &input.url,
            allow_private,
            recruiter_ids,
            now,
        )
        .await?;
        Ok(registration(registered))
    }

    /// Replaces a webhook's signing secret (shown in the answer, once). Every delivery from
    /// now on, retries included, is signed with the new one, and for a grace period
    /// (`WEBHOOK_SECRET_GRACE`, a day by default) also with the old one: the signature header
    /// then carries two `v1=` values, and a receiver accepts either.
    async fn rotate_webhook_secret(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<WebhookRegistration> {
        let identity = require(ctx, &[Role::Partner])?;
        let id = hooks::decode_webhook_id(&id)?;
        let now = graphql::facts(ctx)?.now;
        let grace = ctx
            .data::<crate::config::WebhookSettings>()
            .map(|settings| settings.secret_grace)
            .unwrap_or_default();
        Ok(registration(
            hooks::rotate_secret(graphql::db(ctx)?, secret_keys(ctx)?, identity, id, grace, now).await?,
        ))
    }

    /// Turns a webhook the directory disabled (its receiver kept failing) back on, once the
    /// receiver answers again. Transitions recorded while it was off are not sent; they stay
    /// in each certification's public history.
    async fn enable_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        let identity = require(ctx, &[Role::Partner])?;
        let id = hooks::decode_webhook_id(&id)?;
        let now = graphql::facts(ctx)?.now;
        let allow_private = allow_private(ctx);
        Ok(Webhook(
            hooks::enable(graphql::db(ctx)?, identity, id, allow_private, now).await?,
        ))
    }

    /// Deletes a webhook: nothing more is sent, queued deliveries are marked failed; its
    /// delivery log stays readable through `webhook(id:)`.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        let identity = require(ctx, &[Role::Partner])?;
        let id = hooks::decode_webhook_id(&id)?;
        let now = graphql::facts(ctx)?.now;
        Ok(Webhook(hooks::delete(graphql::db(ctx)?, identity, id, now).await?))
    }
}
