//! The middle layer of the tests: the questions partners ask, executed on the schema itself
//! (no HTTP) over the sample directory on a fixed day, their answers kept as JSON snapshots.
//! A change to what any of them answers shows up in review as a snapshot diff
//! (`INSTA_UPDATE=always cargo test -p directory-api --test queries` to accept one).
//!
//! Below: unit tests in the modules; above: end-to-end tests that start the binary (`tests/`).

use std::sync::Arc;

use async_graphql::Request;
use clap::Parser;
use directory_api::{
    auth::Caller,
    changes::{Actor, Feed},
    config::Config,
    db,
    graphql::schema::{self, DirectorySchema},
    sample,
    search::Search,
    service::import,
};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

/// The day every answer is given for: the sample directory is dated relative to it.
const TODAY: &str = "2026-06-01T12:00:00Z";

#[derive(Parser)]
struct Settings {
    #[command(flatten)]
    config: Config,
}

struct Directory {
    schema: DirectorySchema,
    db: sea_orm::DatabaseConnection,
    _data: tempfile::TempDir,
}

static DIRECTORY: OnceCell<Directory> = OnceCell::const_new();

/// The sample directory on `TODAY`, in an SQLite file of its own, and the schema over it.
async fn directory() -> &'static Directory {
    DIRECTORY
        .get_or_init(|| async {
            let today = chrono::DateTime::parse_from_rfc3339(TODAY).expect("a date").to_utc();
            directory_api::clock::start_at(today);
            let data = tempfile::tempdir().expect("a data directory");
            let database = format!("sqlite://{}?mode=rwc", data.path().join("directory.sqlite3").display());
            let settings = Settings::parse_from([
                "queries",
                "--data-dir",
                data.path().to_str().expect("a UTF-8 path"),
                "--database-url",
                &database,
                "--jwt-secret",
                "a-secret-for-the-middle-layer-tests-only",
            ]);
            let config = settings.config;
            let (db, _) = db::connect(&config).await.expect("the database");
            let records: Vec<_> = sample::sample_directory_on(today.date_naive())
                .into_iter()
                .enumerate()
                .map(|(index, record)| (index + 1, record))
                .collect();
            import::import(&db, &records, &Actor::system("sample-data"))
                .await
                .expect("the sample imports");
            let search = Search::open(db.clone(), &config.data_dir).await.expect("the index");
            let feed = Feed::new(db.clone(), Arc::new(search.clone()), search.index().position());
            let schema = schema::build(
                db.clone(),
                search,
                feed,
                directory_api::receipt::ReceiptSigner::from_config(&config).expect("a receipt key"),
                config.webhooks.clone(),
                directory_api::webhook::secrets::SecretKeys::from_config(&config).expect("webhook keys"),
                config.request_timeout,
            );
            Directory {
                schema,
                db,
                _data: data,
            }
        })
        .await
}

/// The answer to an anonymous request, as JSON.
async fn ask(query: &str, variables: Value) -> Value {
    let directory = directory().await;
    let request = Request::new(query).variables(async_graphql::Variables::from_json(variables));
    let request = schema::prepare(request, &directory.db, Caller::Anonymous);
    serde_json::to_value(directory.schema.execute(request).await).expect("JSON")
}

#[tokio::test]
async fn a_brand_verifies_certificates_and_licences_of_its_suppliers() {
    let certified = ask(
        "{ recruiters(filter: { certified: true, country: \"NP\" }, first: 2) {
             nodes { legalName certifications { certificateNumber } licences { licenceNumber } } } }",
        json!({}),
    )
    .await;
    let numbers: Vec<&str> = certified["data"]["recruiters"]["nodes"]
        .as_array()
        .expect("recruiters")
        .iter()
        .filter_map(|node| node["certifications"][0]["certificateNumber"].as_str())
        .chain(["ERS-NO-SUCH-NUMBER"])
        .collect();
    assert_eq!(
        numbers.len(),
        3,
        "two certified recruiters of Nepal in the sample: {certified}"
    );
    let verified = ask(
        "query($numbers: [String!]!) { verifyCertificates(numbers: $numbers) {
             results { number found certified status
                       certification { certificateNumber status issuedOn expiresOn certificationBody nextAuditDue }
                       recruiter { legalName country } } } }",
        json!({ "numbers": numbers }),
    )
    .await;
    insta::assert_json_snapshot!("verify_certificates", verified);
    let licence = certified["data"]["recruiters"]["nodes"][0]["licences"][0]["licenceNumber"].clone();
    let licences = ask(
        "query($numbers: [String!]!) { recruitersByLicence(numbers: $numbers) {
             results { number found certified licence { licenceNumber status validUntil } recruiter { legalName } } } }",
        json!({ "numbers": [licence, "NO-SUCH-LICENCE"] }),
    )
    .await;
    insta::assert_json_snapshot!("recruiters_by_licence", licences);
}

#[tokio::test]
async fn a_jobseeker_browses_a_corridor_and_searches_in_any_script() {
    let corridor = ask(
        "{ corridor(origin: \"NP\", destination: \"QA\") {
             certifiedRecruiterCount
             recruiters(first: 5) { totalCount nodes { legalName certified certifiedUntil languages } } } }",
        json!({}),
    )
    .await;
    insta::assert_json_snapshot!("corridor_np_qa", corridor);
    let search = ask(
        "query($q: String!) { search(query: $q, first: 5) {
             totalCount
             facets { recordType { value count } country { value count } }
             edges { highlights node { __typename ... on Recruiter { legalName country certified } } } } }",
        json!({ "q": "हिमालयन" }),
    )
    .await;
    insta::assert_json_snapshot!("search_devanagari", search);
    let typo = ask(
        "{ search(query: \"Anapurna\", first: 3) { totalCount edges { node { ... on Recruiter { legalName } } } } }",
        json!({}),
    )
    .await;
    insta::assert_json_snapshot!("search_with_a_typo", typo);
}

#[tokio::test]
async fn a_partner_site_checks_the_mark_and_a_client_gets_clear_errors() {
    let mark = ask(
        "{ recruiters(filter: { certified: true }, first: 1) { nodes { markRights { domains } } } }",
        json!({}),
    )
    .await;
    let domain = mark["data"]["recruiters"]["nodes"][0]["markRights"][0]["domains"][0]
        .as_str()
        .unwrap_or("example.com")
        .to_owned();
    let allowed = ask(
        "query($d: String!) { verifyMarkUse(domain: $d) { domain allowed status reason recruiter { legalName } } }",
        json!({ "d": format!("https://www.{domain}/jobs") }),
    )
    .await;
    insta::assert_json_snapshot!("verify_mark_use", allowed);
    let refused = ask("{ recruiters(first: 500) { totalCount } }", json!({})).await;
    insta::assert_json_snapshot!("page_too_large", refused);
    let unknown_country = ask("{ recruiters(filter: { country: \"XX\" }) { totalCount } }", json!({})).await;
    insta::assert_json_snapshot!("unknown_country", unknown_country);
}
