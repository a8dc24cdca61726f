//! Database migrations, identical for SQLite and PostgreSQL; they run on every start.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_directory;
mod m20261123_000001_webhooks;
mod m20261130_000001_standing;
mod m20261130_000002_corridor_page;
mod m20261130_000003_keys_and_secrets;
mod m20261130_000004_list_indexes;
mod m20261201_000001_identifiers;
mod m20261202_000001_chain_of_trust;
mod m20261203_000001_worker_voice;
mod m20261203_000002_complaints_and_reports;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_directory::Migration),
            Box::new(m20261123_000001_webhooks::Migration),
            Box::new(m20261130_000001_standing::Migration),
            Box::new(m20261130_000002_corridor_page::Migration),
            Box::new(m20261130_000003_keys_and_secrets::Migration),
            Box::new(m20261130_000004_list_indexes::Migration),
            Box::new(m20261201_000001_identifiers::Migration),
            Box::new(m20261202_000001_chain_of_trust::Migration),
            Box::new(m20261203_000001_worker_voice::Migration),
            Box::new(m20261203_000002_complaints_and_reports::Migration),
        ]
    }
}
