//! The whole directory schema: every record family, the change log and the audit trail.
//!
//! Conventions: list-valued fields that are only displayed are JSON text columns; list-valued
//! fields that queries filter on (languages, sectors, corridors, mark domains) also get a
//! join table with an index. Identifiers the public quotes have a `*_key` column holding the
//! normalised form (lower case, no whitespace) under a unique index, so lookups and uniqueness
//! are case- and space-insensitive on both databases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns every editable record carries: optimistic-concurrency version, content hash, soft
/// archive, times.
pub(crate) fn with_record_columns(mut table: TableCreateStatement) -> TableCreateStatement {
    table
        .col(integer("version").default(1))
        // SHA-256 of the record as last written in interchange form: an import of an
        // unchanged record is recognised and changes nothing. NULL after other kinds of write.
        .col(string_null("content_hash"))
        .col(timestamp_with_time_zone_null("archived_at"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
    table
}

pub(crate) fn foreign_key(
    from_table: &'static str,
    from_column: &'static str,
    to_table: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_column)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    statement.to_owned()
}

pub(crate) fn join_table(
    name: &'static str,
    owner_column: &'static str,
    owner_table: &'static str,
    value_columns: &[&'static str],
) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(name).col(big_integer(owner_column));
    let mut primary = Index::create();
    primary.col(owner_column);
    for column in value_columns {
        table.col(string(*column));
        primary.col(*column);
    }
    table
        .primary_key(&mut primary)
        .foreign_key(&mut foreign_key(name, owner_column, owner_table));
    table.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The change log: every write appends here in the same transaction. The search index,
        // caches, subscriptions and other servers follow `seq`.
        manager
            .create_table(
                Table::create()
                    .table("change_log")
                    .col(big_pk_auto("seq"))
                    .col(string("entity_type"))
                    .col(big_integer("entity_id"))
                    .col(string("operation"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("actor_sub"))
                    .col(string("actor_role"))
                    .col(string("action"))
                    .col(string("entity_type"))
                    .col(big_integer_null("entity_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("audit_log", &["entity_type", "entity_id"]))
            .await?;

        // The surveillance-audit policy, kept as data so a scheme may change it. `scheme = '*'`
        // is the default policy.
        manager
            .create_table(
                Table::create()
                    .table("audit_policy")
                    .col(pk_auto("id"))
                    .col(string_uniq("scheme"))
                    .col(integer("initial_interval_months"))
                    .col(integer("initial_period_months"))
                    .col(integer("later_interval_months"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("audit_policy")
                    .columns([
                        "scheme",
                        "initial_interval_months",
                        "initial_period_months",
                        "later_interval_months",
                    ])
                    .values_panic(["*".into(), 6.into(), 24.into(), 12.into()])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("recruiter")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("slug"))
                    .col(string_uniq("slug_key"))
                    .col(string("legal_name"))
                    .col(text("trading_names"))
                    .col(text("former_names"))
                    .col(string_len("country", 2))
                    .col(string_null("city"))
                    .col(string_null("address"))
                    .col(string_null("website"))
                    .col(string_null("email"))
                    .col(string_null("phone"))
                    .col(text_null("description"))
                    .col(text("languages"))
                    .col(text("sectors"))
                    .col(text("corridors"))
                    .col(string("cbp_level"))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("recruiter", &["legal_name", "id"])).await?;
        manager.create_index(index("recruiter", &["country", "id"])).await?;
        manager.create_index(index("recruiter", &["updated_at", "id"])).await?;

        for (table, column) in [("recruiter_language", "language"), ("recruiter_sector", "sector")] {
            manager
                .create_table(join_table(table, "recruiter_id", "recruiter", &[column]))
                .await?;
            manager.create_index(index(table, &[column, "recruiter_id"])).await?;
        }
        manager
            .create_table(join_table(
                "recruiter_corridor",
                "recruiter_id",
                "recruiter",
                &["origin", "destination"],
            ))
            .await?;
        manager
            .create_index(index("recruiter_corridor", &["origin", "destination", "recruiter_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("recruiter_partner")
                    .col(big_integer("recruiter_id"))
                    .col(big_integer("partner_id"))
                    .primary_key(Index::create().col("recruiter_id").col("partner_id"))
                    .foreign_key(&mut foreign_key("recruiter_partner", "recruiter_id", "recruiter"))
                    .foreign_key(&mut foreign_key("recruiter_partner", "partner_id", "recruiter"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("recruiter_partner", &["partner_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("licence")
                    .col(big_pk_auto("id"))
                    .col(big_integer("recruiter_id"))
                    .col(integer("position"))
                    .col(string("issuing_authority"))
                    .col(string_len("country", 2))
                    .col(string("licence_number"))
                    .col(string_uniq("number_key"))
                    .col(string("status"))
                    .col(date_null("valid_from"))
                    .col(date_null("valid_until"))
                    .foreign_key(&mut foreign_key("licence", "recruiter_id", "recruiter"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("licence", &["recruiter_id"])).await?;

        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("certification")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(big_integer("recruiter_id"))
                    .col(string("certificate_number"))
                    .col(string_uniq("number_key"))
                    .col(string("scheme"))
                    .col(string_null("certification_body"))
                    .col(string("status"))
                    .col(date_null("issued_on"))
                    .col(date_null("expires_on"))
                    .col(text("scope_corridors"))
                    .col(text("scope_sectors"))
                    .foreign_key(&mut foreign_key("certification", "recruiter_id", "recruiter"))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("certification", &["recruiter_id"])).await?;
        manager
            .create_index(index("certification", &["status", "expires_on"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("status_change")
                    .col(big_pk_auto("id"))
                    .col(big_integer("certification_id"))
                    .col(string_null("from_status"))
                    .col(string("to_status"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("reason"))
                    .col(string("recorded_by"))
                    .foreign_key(&mut foreign_key("status_change", "certification_id", "certification"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("status_change", &["certification_id", "at"]))
            .await?;

        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("trademark_right")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(big_integer("recruiter_id"))
                    .col(string("licence_number"))
                    .col(string_uniq("number_key"))
                    .col(string("mark"))
                    .col(text("media"))
                    .col(text("domains"))
                    .col(date("granted_on"))
                    .col(date_null("expires_on"))
                    .col(string("status"))
                    .foreign_key(&mut foreign_key("trademark_right", "recruiter_id", "recruiter"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("trademark_right", &["recruiter_id"]))
            .await?;
        manager
            .create_table(join_table(
                "trademark_domain",
                "right_id",
                "trademark_right",
                &["domain"],
            ))
            .await?;
        manager.create_index(index("trademark_domain", &["domain"])).await?;

        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("organisation")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(string_len("country", 2))
                    .col(string_null("sector"))
                    .col(string_null("website"))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("organisation", &["name", "id"])).await?;
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("commitment")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(big_integer("organisation_id"))
                    .col(string("framework"))
                    .col(string("scope"))
                    .col(text("sectors"))
                    .col(text("corridors"))
                    .col(date("made_on"))
                    .col(string_null("statement_url"))
                    .col(string("status"))
                    .foreign_key(&mut foreign_key("commitment", "organisation_id", "organisation"))
                    .to_owned(),
            ))
            .await?;
        manager.create_index(index("commitment", &["organisation_id"])).await?;
        manager
            .create_table(join_table(
                "commitment_corridor",
                "commitment_id",
                "commitment",
                &["origin", "destination"],
            ))
            .await?;
        manager
            .create_index(index(
                "commitment_corridor",
                &["origin", "destination", "commitment_id"],
            ))
            .await?;

        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("training_provider")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(text("countries"))
                    .col(text("languages"))
                    .col(string_null("website"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_table(with_record_columns(
                Table::create()
                    .table("training_listing")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("external_id"))
                    .col(big_integer("provider_id"))
                    .col(string("title"))
                    .col(string("programme"))
                    .col(string("audience"))
                    .col(string("delivery"))
                    .col(string_len_null("country", 2))
                    .col(string_null("city"))
                    .col(text("languages"))
                    .col(date_null("starts_on"))
                    .col(date_null("ends_on"))
                    .col(string_null("fee_amount"))
                    .col(string_len_null("fee_currency", 3))
                    .col(string_null("registration_url"))
                    .foreign_key(&mut foreign_key("training_listing", "provider_id", "training_provider"))
                    .to_owned(),
            ))
            .await?;
        manager
            .create_index(index("training_listing", &["provider_id"]))
            .await?;
        manager
            .create_index(index("training_listing", &["country", "starts_on"]))
            .await?;
        Ok(())
    }
}
