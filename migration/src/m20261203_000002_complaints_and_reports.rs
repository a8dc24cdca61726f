//! Help and worker voice, second part: the complaint ledger and misuse reports.
//!
//! A complaint holds nothing that could identify the worker: the recruiter, the corridor,
//! categories from a closed list, dates, the stage and the outcome. The worker's tracking
//! reference is kept only as its SHA-256 (`reference_hash`): the database can answer "what
//! stage is the complaint with this reference at?" without holding the reference itself. A
//! public case number (`case_number`) is what certification decisions cite.
//!
//! A misuse report (a domain showing the mark, a copied certificate number, a fake agent) is
//! private until the secretariat confirms it; `value_key` is its value in the form the checks
//! compare (`verifyMarkUse`, `verifyContact`), indexed for their lookups. Nothing about who
//! reported is stored.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_directory::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("complaint")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("case_number"))
                    .col(string_uniq("reference_hash"))
                    .col(big_integer("recruiter_id"))
                    .col(string_len_null("origin", 2))
                    .col(string_len_null("destination", 2))
                    .col(text("categories"))
                    .col(date("received_on"))
                    .col(string("stage"))
                    .col(text("stage_history"))
                    .col(string_null("outcome"))
                    .col(string_null("remedy"))
                    .col(string("recorded_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key("complaint", "recruiter_id", "recruiter"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("complaint", &["recruiter_id"])).await?;
        manager.create_index(index("complaint", &["recorded_by", "id"])).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("status_change")
                    .add_column(text("complaint_cases").default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("misuse_report")
                    .col(big_pk_auto("id"))
                    .col(string("kind"))
                    .col(string("value"))
                    .col(string("value_key"))
                    .col(big_integer_null("recruiter_id"))
                    .col(text_null("details"))
                    .col(string("status"))
                    .col(text_null("public_note"))
                    .col(timestamp_with_time_zone("reported_at"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key("misuse_report", "recruiter_id", "recruiter"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("misuse_report", &["value_key", "status"]))
            .await?;
        manager.create_index(index("misuse_report", &["status", "id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("misuse_report").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("status_change")
                    .drop_column("complaint_cases")
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table("complaint").to_owned()).await?;
        Ok(())
    }
}
