//! The corridor page as an index: each recruiter's corridor rows carry its name, the last day it
//! is certified and whether it is listed (maintained by every write, see
//! `api/src/service/standing.rs`), so "certified first, then by name" and the corridor's counts
//! read one index range instead of every recruiter row of the corridor.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_recruiter_corridor_page";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string("legal_name").default("").to_owned(),
            date_null("certified_until").to_owned(),
            boolean("listed").default(true).to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("recruiter_corridor").add_column(column).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table("recruiter_corridor")
                    .col("origin")
                    .col("destination")
                    .col("listed")
                    .col("legal_name")
                    .col("recruiter_id")
                    .col("certified_until")
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE recruiter_corridor SET \
                   legal_name = (SELECT r.legal_name FROM recruiter r WHERE r.id = recruiter_corridor.recruiter_id), \
                   certified_until = (SELECT r.certified_until FROM recruiter r WHERE r.id = recruiter_corridor.recruiter_id), \
                   listed = (SELECT CASE WHEN r.archived_at IS NULL THEN TRUE ELSE FALSE END FROM recruiter r \
                             WHERE r.id = recruiter_corridor.recruiter_id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table("recruiter_corridor").to_owned())
            .await?;
        for column in ["listed", "certified_until", "legal_name"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("recruiter_corridor")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
