//! A partner's webhooks and their delivery logs (admins see everyone's).

use async_graphql::{Context, ID, Object};
use entity::webhook;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use crate::{
    auth::Role,
    graphql::{
        self,
        mutation::require,
        types::{CountedConnection, connection, webhook::Webhook},
    },
    service::page::{self, Ordering, PageArgs},
    webhook as hooks,
};

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Your webhooks, oldest first (an admin's token sees every partner's). Deleted ones only
    /// with `includeDeleted`.
    async fn webhooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_deleted: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Webhook>> {
        let identity = require(ctx, &[Role::Partner])?;
        let mut select = webhook::Entity::find().filter(hooks::visible_to(identity));
        if !include_deleted {
            select = select.filter(webhook::Column::DisabledAt.is_null());
        }
        let ordering = Ordering::by_id(
            "webhook_oldest",
            Expr::col((webhook::Entity, webhook::Column::Id)),
            false,
        );
        let listing = page::fetch(
            graphql::db(ctx)?,
            select,
            &ordering,
            &PageArgs::forward(first, after),
            |row| vec![json!(row.id)],
        )
        .await?;
        Ok(connection(listing, Webhook))
    }

    /// One of your webhooks (deleted ones too, with their delivery log).
    async fn webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        let identity = require(ctx, &[Role::Partner])?;
        let id = hooks::decode_webhook_id(&id)?;
        Ok(Webhook(hooks::find_visible(graphql::db(ctx)?, identity, id).await?))
    }
}
