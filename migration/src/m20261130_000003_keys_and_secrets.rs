//! Secrets and keys that can be rotated and revoked: a webhook keeps its previous secret (sealed,
//! like the current one) for a grace period after a rotation; a webhook whose receiver keeps
//! failing is disabled with a reason; API keys can be revoked one by one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            string_null("previous_secret"),
            timestamp_with_time_zone_null("previous_secret_until"),
            text_null("disabled_reason"),
            integer("failures_in_a_row").default(0).to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(Table::alter().table("webhook").add_column(&mut column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("api_key_revocation")
                    .col(big_pk_auto("id"))
                    // `<name>.<id>` of the key (`<name>` alone for keys minted before key ids).
                    .col(string_uniq("key_id"))
                    .col(timestamp_with_time_zone("revoked_at"))
                    .col(string("revoked_by"))
                    .col(text("reason"))
                    .to_owned(),
            )
            .await
    }
}
