//! Migrations that move data: a directory written before a migration reads the same after it.
//! Runs on SQLite, and on PostgreSQL too when `DATABASE_URL` names one (in a database of its
//! own, dropped afterwards).

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

/// Migrations before the one that added the list join tables.
const BEFORE_LIST_INDEXES: u32 = 5;

async fn run(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

async fn pairs(db: &DatabaseConnection, sql: &str) -> Vec<(i64, String)> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .iter()
        .map(|row| {
            (
                row.try_get_by_index(0).expect("id"),
                row.try_get_by_index(1).expect("value"),
            )
        })
        .collect()
}

/// Lists written as JSON before the join tables existed are found in them afterwards.
async fn list_join_tables_are_filled_from_the_json_lists(db: &DatabaseConnection) {
    Migrator::up(db, Some(BEFORE_LIST_INDEXES))
        .await
        .expect("the earlier migrations");
    let now = "'2026-01-01T00:00:00+00:00'";
    run(
        db,
        &format!(
            "INSERT INTO organisation (id, external_id, name, kind, country, created_at, updated_at) \
         VALUES (1, 'org-1', 'Org', 'brand', 'GB', {now}, {now})"
        ),
    )
    .await;
    run(db, &format!(
        "INSERT INTO commitment (id, external_id, organisation_id, framework, scope, sectors, corridors, made_on, status, created_at, updated_at) \
         VALUES (1, 'com-1', 1, 'Employer Pays Principle', 'own_operations', '[\"apparel\",\"construction\"]', '[]', '2025-01-01', 'active', {now}, {now})"
    ))
    .await;
    run(
        db,
        &format!(
            "INSERT INTO training_provider (id, external_id, name, kind, countries, languages, created_at, updated_at) \
         VALUES (1, 'tp-1', 'Provider', 'ngo', '[\"NP\",\"QA\"]', '[\"ne\"]', {now}, {now})"
        ),
    )
    .await;
    run(db, &format!(
        "INSERT INTO training_listing (id, external_id, provider_id, title, programme, audience, delivery, languages, created_at, updated_at) \
         VALUES (1, 'tl-1', 1, 'Course', 'cbp_entry', 'migrant_workers', 'online', '[\"ne\",\"en\"]', {now}, {now})"
    ))
    .await;
    Migrator::up(db, None).await.expect("the remaining migrations");
    let of = |pairs: &[(&str,)]| {
        pairs
            .iter()
            .map(|(value,)| (1_i64, (*value).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(
            db,
            "SELECT commitment_id, sector FROM commitment_sector ORDER BY sector"
        )
        .await,
        of(&[("apparel",), ("construction",)])
    );
    assert_eq!(
        pairs(
            db,
            "SELECT provider_id, country FROM training_provider_country ORDER BY country"
        )
        .await,
        of(&[("NP",), ("QA",)])
    );
    assert_eq!(
        pairs(
            db,
            "SELECT provider_id, language FROM training_provider_language ORDER BY language"
        )
        .await,
        of(&[("ne",)])
    );
    assert_eq!(
        pairs(
            db,
            "SELECT listing_id, language FROM training_listing_language ORDER BY language"
        )
        .await,
        of(&[("en",), ("ne",)])
    );
}

#[tokio::test]
async fn list_join_tables_are_filled_on_sqlite() {
    let path = std::env::temp_dir().join(format!("directory-migrations-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("open SQLite");
    list_join_tables_are_filled_from_the_json_lists(&db).await;
    db.close().await.expect("close");
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn list_join_tables_are_filled_on_postgres() {
    let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
    else {
        return;
    };
    let admin = Database::connect(&url).await.expect("connect to PostgreSQL");
    let name = format!("directory_migrations_{}", std::process::id());
    run(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
    run(&admin, &format!("CREATE DATABASE {name}")).await;
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    let db = Database::connect(format!("{base}/{name}"))
        .await
        .expect("connect to the new database");
    list_join_tables_are_filled_from_the_json_lists(&db).await;
    db.close().await.expect("close");
    run(&admin, &format!("DROP DATABASE {name}")).await;
}
