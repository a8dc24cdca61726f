//! A recruiter's standing as dates (see `api/src/service/standing.rs`): the last day it is
//! certified, and the last day each mark right is in force, maintained by every write and
//! compared with today when a query runs. This migration adds the columns and computes them
//! once for the rows already there.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("recruiter")
                    .add_column(date_null("certified_until"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("trademark_right")
                    .add_column(date_null("in_force_until"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recruiter_certified_until")
                    .table("recruiter")
                    .col("certified_until")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The same statements as `standing::refresh`, over every row.
        db.execute_unprepared(
            "UPDATE recruiter SET certified_until = CASE WHEN archived_at IS NULL THEN \
               (SELECT MAX(CASE WHEN c.status = 'certified' AND c.archived_at IS NULL THEN c.expires_on END) \
                  FROM certification c WHERE c.recruiter_id = recruiter.id) END",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE trademark_right SET in_force_until = CASE WHEN archived_at IS NULL AND status = 'active' THEN \
               (SELECT CASE WHEN trademark_right.expires_on IS NULL OR trademark_right.expires_on > r.certified_until \
                            THEN r.certified_until ELSE trademark_right.expires_on END \
                  FROM recruiter r WHERE r.id = trademark_right.recruiter_id) END",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_recruiter_certified_until")
                    .table("recruiter")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("trademark_right")
                    .drop_column("in_force_until")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("recruiter")
                    .drop_column("certified_until")
                    .to_owned(),
            )
            .await
    }
}
