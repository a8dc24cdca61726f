//! Scheme-qualified identifiers of recruiters and organisations, in the org-id.guide style
//! (`NP-CRO-45995`: a register's list code, then the identifier in that register), so other
//! datasets (company registers, supply-chain platforms, IATI) can join on them.
//!
//! As the first migration's convention asks: the identifiers as written are a JSON text column
//! (shown and exported in the order given), and their normalised form sits in a join table
//! under a unique index, for lookups and so that no two records claim one identifier.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_directory::{index, join_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (owner table, join table, owner column)
const OWNERS: [(&str, &str, &str); 2] = [
    ("recruiter", "recruiter_identifier", "recruiter_id"),
    ("organisation", "organisation_identifier", "organisation_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (owner, table, owner_column) in OWNERS {
            manager
                .alter_table(
                    Table::alter()
                        .table(owner)
                        .add_column(text("identifiers").default("[]").to_owned())
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(join_table(table, owner_column, owner, &["identifier_key"]))
                .await?;
            manager
                .create_index(index(table, &["identifier_key"]).unique().to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (owner, table, _) in OWNERS {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
            manager
                .alter_table(Table::alter().table(owner).drop_column("identifiers").to_owned())
                .await?;
        }
        Ok(())
    }
}
