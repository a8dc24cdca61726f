//! The chain of trust behind every certificate, as public records: licensing authorities,
//! certification bodies and their approved auditors (each with an approval history), the
//! principles of the standard (data, so a scheme can change them) and the audits of a
//! certification with their findings and corrective actions.
//!
//! Histories, audit countries and findings are only displayed, so they are JSON text columns
//! (the first migration's convention). What queries filter or join on has a column and an index:
//! a certification's body, the date its next audit falls due (kept up to date by every write
//! that moves it, and compared with today when a query runs, like the standing dates), a
//! licence's authority and an audit's certification.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_directory::{foreign_key, index, with_record_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("licensing_authority")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("name"))
                    .col(string_len("country", 2))
                    .col(string_null("register_url"))
                    .col(text_null("register_shows"))
                    .col(timestamp_with_time_zone_null("reconciled_at"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("licensing_authority", &["country", "name", "id"]))
            .await?;
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("certification_body")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("name"))
                    .col(string_uniq("name_key"))
                    .col(string_len("country", 2))
                    .col(string_null("website"))
                    .col(text("audit_countries"))
                    .col(string("status"))
                    .col(text("status_history"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("certification_body", &["name", "id"]))
            .await?;
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("auditor")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("name"))
                    .col(big_integer("body_id"))
                    .col(string("status"))
                    .col(text("status_history"))
                    .col(date_null("course_completed_on"))
                    .foreign_key(&mut foreign_key("auditor", "body_id", "certification_body"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("auditor", &["body_id", "name", "id"]))
            .await?;
        manager.create_index(index("auditor", &["name", "id"])).await?;
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("principle")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("scheme"))
                    .col(string("code"))
                    .col(string("title"))
                    .col(integer("position"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("audit")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(big_integer("certification_id"))
                    .col(string("kind"))
                    .col(boolean("announced"))
                    .col(date("started_on"))
                    .col(date_null("ended_on"))
                    .col(big_integer_null("body_id"))
                    .col(big_integer_null("lead_auditor_id"))
                    .col(integer("workers_interviewed"))
                    .col(integer("sites_visited"))
                    .col(string("outcome"))
                    .col(text("findings"))
                    .foreign_key(&mut foreign_key("audit", "certification_id", "certification"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("audit", &["certification_id", "started_on"]))
            .await?;
        manager.create_index(index("audit", &["lead_auditor_id"])).await?;
        for (table, column) in [("certification", "body_id"), ("licence", "authority_id")] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(big_integer_null(column).to_owned())
                        .to_owned(),
                )
                .await?;
            manager.create_index(index(table, &[column])).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("certification")
                    .add_column(date_null("audit_due_on").to_owned())
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("certification", &["audit_due_on"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("certification", "audit_due_on"),
            ("certification", "body_id"),
            ("licence", "authority_id"),
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_{column}"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        for table in [
            "audit",
            "principle",
            "auditor",
            "certification_body",
            "licensing_authority",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
