//! Webhooks: partners' registered receivers, the durable delivery queue (which is also the
//! delivery log), and the change-log position the enqueuer has reached.
//!
//! `next_attempt_at` and `locked_until` are epoch milliseconds rather than timestamps: the
//! worker compares them in SQL, and SQLite stores timestamps as text of varying width, which
//! does not compare in time order.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook")
                    .col(big_pk_auto("id"))
                    // The token subject and role that registered it: a partner sees only its own.
                    .col(string("owner_sub"))
                    .col(string("owner_role"))
                    .col(text("url"))
                    // HMAC key of the signatures; shown to the owner once, never read back.
                    .col(string("secret"))
                    // JSON array of recruiter ids; empty watches every recruiter.
                    .col(text("recruiter_ids"))
                    // The change-log position of its registration: later events only.
                    .col(big_integer("created_seq"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("secret_rotated_at"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_owner")
                    .table("webhook")
                    .col("owner_sub")
                    .col("owner_role")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_delivery")
                    .col(big_pk_auto("id"))
                    .col(big_integer("webhook_id"))
                    // The change-log entry that recorded the transition.
                    .col(big_integer("seq"))
                    // The status-history entry the event describes: one delivery per webhook.
                    .col(big_integer("status_change_id"))
                    .col(string("event_id"))
                    // The exact body POSTed (and signed), frozen when the event is enqueued.
                    .col(text("payload"))
                    // `pending`, `delivered` or `failed` (gave up, or the webhook was deleted).
                    .col(string("state"))
                    .col(integer("attempts").default(0))
                    .col(big_integer("next_attempt_at"))
                    .col(big_integer_null("locked_until"))
                    .col(integer_null("last_status"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("last_attempt_at"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhook_delivery", "webhook_id")
                            .to("webhook", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_delivery_event")
                    .table("webhook_delivery")
                    .col("webhook_id")
                    .col("status_change_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_delivery_log")
                    .table("webhook_delivery")
                    .col("webhook_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_delivery_due")
                    .table("webhook_delivery")
                    .col("state")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        // One row (id 1): how far the enqueuer has read the change log and the status history.
        manager
            .create_table(
                Table::create()
                    .table("webhook_cursor")
                    .col(integer("id").primary_key())
                    .col(big_integer("seq"))
                    .col(big_integer("status_change_id"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_cursor", "webhook_delivery", "webhook"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
