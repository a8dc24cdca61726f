//! Webhooks and their delivery log, as their owners (and admins) see them. The secret is not
//! a field of `Webhook`: it is shown once, in a `WebhookRegistration`.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use super::{CountedConnection, connection};
use crate::{
    graphql,
    ids::{self, Kind},
    service::page::{self, Ordering, PageArgs},
    webhook::{self as hooks, worker},
};

/// A receiver of signed certification transitions.
pub struct Webhook(pub webhook::Model);

/// A webhook with its signing secret: the only time the secret is shown. Keep it; if it is
/// lost, `rotateWebhookSecret` makes a new one.
#[derive(SimpleObject)]
pub struct WebhookRegistration {
    pub webhook: Webhook,
    /// `whsec_...`: the HMAC-SHA256 key of the `X-Directory-Signature` header.
    pub secret: String,
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum WebhookDeliveryState {
    /// Queued: not sent yet, or failed and waiting for `nextAttemptAt`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after the last attempt, or the webhook was deleted first.
    Failed,
}

impl WebhookDeliveryState {
    fn stored(self) -> &'static str {
        match self {
            Self::Pending => worker::PENDING,
            Self::Delivered => worker::DELIVERED,
            Self::Failed => worker::FAILED,
        }
    }
}

#[Object]
impl Webhook {
    async fn id(&self) -> ID {
        ID(hooks::encode_webhook_id(self.0.id))
    }

    /// Where events are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The recruiters watched; empty: every recruiter.
    async fn recruiter_ids(&self) -> Vec<ID> {
        hooks::watched(&self.0)
            .into_iter()
            .map(|id| ID(ids::encode_id(Kind::Recruiter, id)))
            .collect()
    }

    /// The token subject that registered it.
    async fn owner(&self) -> &str {
        &self.0.owner_sub
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn secret_rotated_at(&self) -> Option<DateTime<Utc>> {
        self.0.secret_rotated_at
    }

    /// When its owner deleted it; nothing is delivered after that.
    async fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at.filter(|_| self.0.disabled_reason.is_none())
    }

    /// When the directory disabled it because its receiver kept failing (see
    /// `disabledReason`); nothing is delivered after that. Register the receiver again once
    /// it answers.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at.filter(|_| self.0.disabled_reason.is_some())
    }

    /// Why the directory disabled it.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }

    /// Until when deliveries are also signed with the secret that the last rotation replaced.
    async fn previous_secret_valid_until(&self) -> Option<DateTime<Utc>> {
        self.0.previous_secret_until.filter(|until| *until > Utc::now())
    }

    /// The delivery log, newest first: one entry per event, with its attempts.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        state: Option<WebhookDeliveryState>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<WebhookDelivery>> {
        let mut select = webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(self.0.id));
        if let Some(state) = state {
            select = select.filter(webhook_delivery::Column::State.eq(state.stored()));
        }
        let ordering = Ordering::by_id(
            "webhook_delivery_newest",
            Expr::col((webhook_delivery::Entity, webhook_delivery::Column::Id)),
            true,
        );
        let listing = page::fetch(
            graphql::db(ctx)?,
            select,
            &ordering,
            &PageArgs::forward(first, after),
            |row| vec![json!(row.id)],
        )
        .await?;
        Ok(connection(listing, WebhookDelivery))
    }
}

/// One event for one webhook: queued, then retried until delivered or given up.
pub struct WebhookDelivery(pub webhook_delivery::Model);

#[Object]
impl WebhookDelivery {
    async fn id(&self) -> ID {
        ID(hooks::encode_delivery_id(self.0.id))
    }

    /// The `X-Directory-Event-Id` header and the body's `id`: receivers dedupe on it.
    async fn event_id(&self) -> &str {
        &self.0.event_id
    }

    /// The change-log position of the transition.
    async fn sequence(&self) -> i64 {
        self.0.seq
    }

    /// The JSON body POSTed (the signature covers it byte for byte).
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    async fn state(&self) -> WebhookDeliveryState {
        match self.0.state.as_str() {
            worker::DELIVERED => WebhookDeliveryState::Delivered,
            worker::FAILED => WebhookDeliveryState::Failed,
            _ => WebhookDeliveryState::Pending,
        }
    }

    /// Attempts made so far (including one in flight).
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// The HTTP status of the last answer (absent if the receiver could not be reached).
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status
    }

    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_attempt_at
    }

    /// When the next attempt is due (only while pending).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.state == worker::PENDING)
            .then(|| DateTime::from_timestamp_millis(self.0.next_attempt_at))
            .flatten()
    }

    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }

    /// When the event was queued.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
