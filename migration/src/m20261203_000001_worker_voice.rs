//! Help and worker voice, first part: support services (where a migrant worker gets help, at
//! both ends of a corridor) and the authorised channels of recruiters (branch offices and
//! representatives with their public business contacts), against which `verifyContact` tells a
//! real agent from an impersonator.
//!
//! As elsewhere, list fields that are only displayed (cities, channels with their hours) are JSON
//! text; what queries filter on has a join table indexed by value: a service's countries,
//! corridors, languages and channel kinds. A channel's contacts are one table keyed by their
//! normalised form (E.164 for phones, host and path for web pages, upper case without
//! separators for agent numbers), so a lookup is one index probe whatever was typed.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_directory::{foreign_key, index, join_table, with_record_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (join table, value columns): the filtered lists of a support service.
const SERVICE_LISTS: [(&str, &[&str]); 4] = [
    ("support_service_country", &["country"]),
    ("support_service_corridor", &["origin", "destination"]),
    ("support_service_language", &["language"]),
    ("support_service_channel", &["kind"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("support_service")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(string("operator"))
                    .col(text("countries"))
                    .col(text("cities"))
                    .col(text("corridors"))
                    .col(text("languages"))
                    .col(text("channels"))
                    .col(boolean("free"))
                    .col(string_null("website"))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("support_service", &["name", "id"])).await?;
        for (table, columns) in SERVICE_LISTS {
            manager
                .create_table(join_table(table, "service_id", "support_service", columns))
                .await?;
            let mut by_value: Vec<&'static str> = columns.to_vec();
            by_value.push("service_id");
            manager.create_index(index(table, &by_value)).await?;
        }
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("authorised_channel")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(big_integer("recruiter_id"))
                    .col(string("kind"))
                    .col(string("name"))
                    .col(string_len("country", 2))
                    .col(string_null("city"))
                    .col(string_null("address"))
                    .col(text("phones"))
                    .col(text("web_addresses"))
                    .col(text("agent_numbers"))
                    .col(date("valid_from"))
                    .col(date_null("valid_until"))
                    .foreign_key(&mut foreign_key("authorised_channel", "recruiter_id", "recruiter"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("authorised_channel", &["recruiter_id", "id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("authorised_contact")
                    .col(big_integer("channel_id"))
                    .col(string("kind"))
                    .col(string("contact_key"))
                    .primary_key(Index::create().col("channel_id").col("kind").col("contact_key"))
                    .foreign_key(&mut foreign_key(
                        "authorised_contact",
                        "channel_id",
                        "authorised_channel",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("authorised_contact", &["contact_key", "channel_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut tables = vec!["authorised_contact", "authorised_channel"];
        tables.extend(SERVICE_LISTS.iter().map(|(table, _)| *table));
        tables.push("support_service");
        for table in tables {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
