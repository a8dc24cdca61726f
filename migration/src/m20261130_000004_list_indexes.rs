//! The list-valued fields that queries filter on get join tables with an index, as the first
//! migration's convention asks: a commitment's sectors, a training provider's countries and
//! languages, a listing's languages. Until now these filters were `LIKE` over the JSON text,
//! which reads every row of the family. The JSON columns stay: they are what is shown and
//! exported, in the order given; the join tables are what is searched.
//!
//! Also a narrow index for counting a corridor's recruiters (`totalCount` of every corridor
//! page): the page's index carries names, so counting through it reads about five times the
//! pages.

use sea_orm_migration::prelude::*;

use crate::m20261122_000001_directory::{index, join_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (join table, owner column, owner table, value column, owner's JSON column)
const LISTS: [(&str, &str, &str, &str, &str); 4] = [
    ("commitment_sector", "commitment_id", "commitment", "sector", "sectors"),
    (
        "training_provider_country",
        "provider_id",
        "training_provider",
        "country",
        "countries",
    ),
    (
        "training_provider_language",
        "provider_id",
        "training_provider",
        "language",
        "languages",
    ),
    (
        "training_listing_language",
        "listing_id",
        "training_listing",
        "language",
        "languages",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for (table, owner_column, owner_table, value_column, json_column) in LISTS {
            manager
                .create_table(join_table(table, owner_column, owner_table, &[value_column]))
                .await?;
            manager
                .create_index(index(table, &[value_column, owner_column]))
                .await?;
            // What is already in the directory, from the JSON arrays.
            let elements = match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    format!("jsonb_array_elements_text(o.{json_column}::jsonb) AS j(value)")
                }
                _ => format!("json_each(o.{json_column}) AS j"),
            };
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "INSERT INTO {table} ({owner_column}, {value_column}) \
                     SELECT DISTINCT o.id, j.value FROM {owner_table} o, {elements}"
                ))
                .await?;
        }
        manager
            .create_index(index("recruiter_corridor", &["origin", "destination", "listed"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_recruiter_corridor_origin_destination_listed")
                    .table("recruiter_corridor")
                    .to_owned(),
            )
            .await?;
        for (table, ..) in LISTS {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
