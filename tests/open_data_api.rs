//! Open data for mirrors: the download against an export (checksum, counts, ranges,
//! revalidation, regeneration after a change) and the public change feed against the log.

mod common;

use std::io::Read;

use common::{Server, token, wait_until};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SAVE_ORGANISATION: &str =
    "mutation($input: OrganisationInput!) { saveOrganisation(input: $input) { id version } }";

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip file of UTF-8 text");
    text
}

/// The export of the server's directory, as `directory export` writes it.
fn export(server: &Server) -> String {
    let exported = server.cli(&["export", "-"]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    String::from_utf8(exported.stdout).expect("UTF-8")
}

async fn metadata(client: &common::Client) -> Option<Value> {
    let response = client.get("/open-data/directory.json").await;
    (response.status() == 200).then_some(())?;
    response.json().await.ok()
}

/// The download is the export, gzipped, described truly by its metadata; it serves ranges and
/// revalidates, and a change to the directory brings a new one.
#[tokio::test]
async fn the_download_is_the_export_with_its_checksum_ranges_and_a_new_one_after_a_change() {
    let server = Server::start_with(&[("OPEN_DATA_INTERVAL", "1s")]);
    let client = server.client();
    assert!(
        wait_until(60, async || metadata(&client).await.is_some()).await,
        "the first download is written"
    );
    let described = metadata(&client).await.expect("metadata");
    assert_eq!(described["licence"], "CC-BY-4.0", "{described}");
    let ready: Value = client.get("/readyz").await.json().await.expect("readyz");
    assert_eq!(
        described["position"], ready["search"]["published"],
        "{described} {ready}"
    );

    let http = reqwest::Client::new();
    let url = format!("{}/open-data/directory.jsonl.gz", server.url);
    let response = http
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/gzip");
    assert!(headers.get("last-modified").is_some());
    assert_eq!(headers["accept-ranges"], "bytes");
    let etag = headers["etag"].to_str().expect("etag").to_owned();
    let body = response.bytes().await.expect("body");
    assert_eq!(
        headers["content-length"].to_str().expect("length"),
        body.len().to_string()
    );
    assert_eq!(described["bytes"], body.len(), "{described}");
    assert_eq!(
        described["sha256"].as_str().expect("a checksum"),
        hex::encode(Sha256::digest(&body)),
        "the checksum is the file's"
    );
    let text = gunzip(&body);
    assert_eq!(text, export(&server), "the download is the export, byte for byte");
    let mut counted = std::collections::BTreeMap::<String, u64>::new();
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).expect("a JSON line");
        *counted
            .entry(record["type"].as_str().expect("a type").to_owned())
            .or_default() += 1;
    }
    assert_eq!(described["counts"], json!(counted), "counts per record type");
    assert_eq!(described["records"], text.lines().count());

    let part = http
        .get(&url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .expect("a range");
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"].to_str().expect("range"),
        format!("bytes 100-199/{}", body.len())
    );
    assert_eq!(part.bytes().await.expect("part"), body.slice(100..200));
    let again = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), 304);

    // A change: a new download follows within the interval.
    let editor = token("editor", "open-data", None);
    let saved = client
        .data_as(
            Some(&editor),
            SAVE_ORGANISATION,
            json!({ "input": { "externalId": "org-open-data", "name": "Open Data Apparel", "kind": "brand",
                               "country": "GB", "sector": "apparel" } }),
        )
        .await;
    assert_eq!(saved["saveOrganisation"]["version"], 1, "{saved}");
    let before = described["position"].as_u64().expect("a position");
    assert!(
        wait_until(60, async || {
            metadata(&client)
                .await
                .is_some_and(|now| now["position"].as_u64().is_some_and(|position| position > before))
        })
        .await,
        "a new download after the change"
    );
    let body = http
        .get(&url)
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("body");
    let text = gunzip(&body);
    assert!(
        text.contains("\"external_id\":\"org-open-data\""),
        "the new download holds the change"
    );
    assert_eq!(text, export(&server));
}

async fn feed(server: &Server, since: u64) -> (Vec<Value>, u64) {
    let response = reqwest::get(format!("{}/open-data/changes?since={since}", server.url))
        .await
        .expect("the feed");
    assert_eq!(response.status(), 200);
    let next = response.headers()["x-next-since"]
        .to_str()
        .expect("text")
        .parse()
        .expect("a position");
    let text = response.text().await.expect("text");
    let lines = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    (lines, next)
}

/// The feed is the log's public entries in order, each with the record as it is now; private
/// records never appear, and bad positions are refused clearly.
#[tokio::test]
async fn the_change_feed_is_the_public_part_of_the_log() {
    // Webhooks may go to loopback here, so the private record below is really written.
    let server = Server::start_with(&[("WEBHOOK_ALLOW_PRIVATE", "true")]);
    let client = server.client();
    // Every public entry of the log, read from the database itself.
    let db = sea_orm::Database::connect(server.database_url())
        .await
        .expect("the database");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT seq, entity_type, operation FROM change_log ORDER BY seq".to_owned(),
        ))
        .await
        .expect("the log");
    let public = [
        "licensing_authority",
        "certification_body",
        "auditor",
        "principle",
        "audit",
        "recruiter",
        "certification",
        "trademark_right",
        "organisation",
        "commitment",
        "training_provider",
        "training_listing",
        "support_service",
        "authorised_channel",
    ];
    let logged: Vec<(i64, String, String)> = rows
        .iter()
        .map(|row| {
            (
                row.try_get_by_index::<i64>(0).expect("seq"),
                row.try_get_by_index::<String>(1).expect("type"),
                row.try_get_by_index::<String>(2).expect("operation"),
            )
        })
        .filter(|(_, kind, operation)| public.contains(&kind.as_str()) && operation != "standing")
        .collect();
    assert!(logged.len() > 500, "the sample's import is in the log");

    let mut since = 0;
    let mut fed = Vec::new();
    loop {
        let (lines, next) = feed(&server, since).await;
        if next == since {
            break;
        }
        fed.extend(lines);
        since = next;
    }
    let seen: Vec<(i64, String, String)> = fed
        .iter()
        .map(|line| {
            (
                line["seq"].as_i64().expect("seq"),
                line["type"].as_str().expect("type").to_owned(),
                line["operation"].as_str().expect("operation").to_owned(),
            )
        })
        .collect();
    assert_eq!(seen, logged, "the feed is the public part of the log, in order");
    // Each record as the export writes it (compared as JSON values: key order aside).
    let exported: std::collections::HashMap<(String, String), Value> = export(&server)
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("a JSON line");
            let key = (
                record["type"].as_str().unwrap_or_default().to_owned(),
                record["external_id"].as_str().unwrap_or_default().to_owned(),
            );
            (key, record)
        })
        .collect();
    for line in &fed {
        let key = (
            line["type"].as_str().unwrap_or_default().to_owned(),
            line["external_id"].as_str().unwrap_or_default().to_owned(),
        );
        assert_eq!(
            exported.get(&key),
            Some(&line["record"]),
            "{key:?} as the export writes it"
        );
    }

    // A write, an archive and a private record (a webhook) after the last position.
    let editor = token("editor", "open-data", None);
    let saved = client
        .data_as(
            Some(&editor),
            SAVE_ORGANISATION,
            json!({ "input": { "externalId": "org-feed", "name": "Feed Footwear", "kind": "brand",
                               "country": "GB", "sector": "retail" } }),
        )
        .await;
    let id = saved["saveOrganisation"]["id"].as_str().expect("an id").to_owned();
    let partner = token("partner", "feed-partner", None);
    let registered = client
        .data_as(
            Some(&partner),
            "mutation { registerWebhook(input: { url: \"http://127.0.0.1:9/hook\" }) { webhook { id } } }",
            json!({}),
        )
        .await;
    assert!(
        registered["registerWebhook"]["webhook"]["id"].is_string(),
        "{registered}"
    );
    client
        .data_as(
            Some(&editor),
            "mutation($id: ID!) { archive(id: $id, expectedVersion: 1) }",
            json!({ "id": id }),
        )
        .await;
    let (lines, next) = feed(&server, since).await;
    assert!(next > since);
    let summary: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|line| {
            (
                line["type"].as_str().unwrap_or_default(),
                line["external_id"].as_str().unwrap_or_default(),
                line["operation"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("organisation", "org-feed", "create"),
            ("organisation", "org-feed", "archive")
        ],
        "the write and the archive, and nothing of the webhook: {lines:?}"
    );
    assert!(
        lines.iter().all(|line| line["record"].is_null()),
        "archived now: {lines:?}"
    );
    let (lines, after) = feed(&server, next).await;
    assert!(lines.is_empty() && after == next, "a current mirror gets nothing");

    for bad in ["-1", "abc", "1e3"] {
        let response = reqwest::get(format!("{}/open-data/changes?since={bad}", server.url))
            .await
            .expect("the feed");
        assert_eq!(response.status(), 400, "since={bad}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    }
}

const IMPORT: &str = "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters organisations normalised } }";

fn recruiter_line(external_id: &str, slug: &str, identifiers: Value) -> String {
    json!({"type":"recruiter","external_id":external_id,"legal_name":format!("{slug} Pvt. Ltd."),"slug":slug,
           "country":"NP","languages":["ne"],"sectors":["construction"],
           "corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none","identifiers":identifiers})
    .to_string()
}

/// Recruiters and organisations carry scheme-qualified identifiers (org-id.guide style), so
/// other datasets can join: stored canonically, unique, found by lookup and by search, and
/// carried by the export, the open-data download and the JSON-LD.
#[tokio::test]
async fn scheme_qualified_identifiers_join_the_directory_to_other_registers() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let admin = token("admin", "secretariat", None);
    let lines = [
        recruiter_line(
            "rec-id-1",
            "kathmandu-joiners",
            json!(["np-cro-45995", " XI-LEI-5493001KJTIIGC8Y1R12 "]),
        ),
        json!({"type":"organisation","external_id":"org-id-1","name":"Joinable Retail plc","kind":"brand",
               "country":"GB","identifiers":["GB-COH-01234567"]})
        .to_string(),
    ]
    .join("\n");
    let imported = client.data_as(Some(&admin), IMPORT, json!({ "l": lines })).await;
    assert_eq!(
        imported["importRecords"],
        json!({ "recruiters": 1, "organisations": 1, "normalised": 2 })
    );

    // Looked up by identifier, in any case of its list code; shown canonically.
    let found = client
        .data(
            r#"{ recruiter(identifier: "NP-cro-45995") { slug identifiers }
                 organisations(filter: { identifier: "gb-coh-01234567" }) { nodes { name identifiers } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(found["recruiter"]["slug"], "kathmandu-joiners");
    assert_eq!(
        found["recruiter"]["identifiers"],
        json!(["NP-CRO-45995", "XI-LEI-5493001KJTIIGC8Y1R12"])
    );
    assert_eq!(
        found["organisations"]["nodes"][0]["identifiers"],
        json!(["GB-COH-01234567"])
    );
    let (code, message) = client
        .error(r#"{ recruiter(identifier: "NP-CRO-1") { slug } }"#, json!({}))
        .await;
    assert_eq!(code, "NOT_FOUND", "{message}");

    // Found by search, once the index has the write.
    let searched = wait_until(10, async || {
        let found = client
            .data(
                r#"{ search(query: "NP-CRO-45995") { edges { node { ... on Recruiter { slug } } } } }"#,
                json!({}),
            )
            .await;
        found["search"]["edges"][0]["node"]["slug"] == "kathmandu-joiners"
    })
    .await;
    assert!(searched, "search finds a recruiter by its register number");

    // One identifier, one record; and the form is checked, naming what to write.
    for (line, expected) in [
        (
            recruiter_line("rec-id-2", "another-joiner", json!(["NP-CRO-45995"])),
            "recruiter identifier `NP-CRO-45995` is already used in the directory",
        ),
        (
            recruiter_line("rec-id-2", "another-joiner", json!(["ZZ-CRO-1"])),
            "`ZZ` is not an ISO 3166-1 alpha-2 country",
        ),
        (
            recruiter_line("rec-id-2", "another-joiner", json!(["NPCRO45995"])),
            "use the org-id.guide form",
        ),
    ] {
        let (code, message) = client.error_as(Some(&admin), IMPORT, json!({ "l": line })).await;
        assert!(message.contains(expected), "{code}: {message}");
    }
    let twice = [
        recruiter_line("rec-id-2", "another-joiner", json!(["NP-CRO-777"])),
        recruiter_line("rec-id-3", "a-third-joiner", json!(["np-cro-777"])),
    ]
    .join("\n");
    let (_, message) = client.error_as(Some(&admin), IMPORT, json!({ "l": twice })).await;
    assert!(message.contains("already used on line 1"), "{message}");

    // The export, the open-data download and the JSON-LD carry them.
    let exported = export(&server);
    assert!(
        exported.contains(r#""identifiers":["NP-CRO-45995","XI-LEI-5493001KJTIIGC8Y1R12"]"#),
        "{exported}"
    );
    assert!(exported.contains(r#""identifiers":["GB-COH-01234567"]"#), "{exported}");
    let downloaded = wait_until(10, async || {
        let response = client.get("/open-data/directory.jsonl.gz").await;
        response.status() == 200 && gunzip(&response.bytes().await.expect("a body")).contains("NP-CRO-45995")
    })
    .await;
    assert!(downloaded, "the download carries the identifiers");
    let json_ld: Value = reqwest::Client::new()
        .get(format!("{}/recruiters/kathmandu-joiners", server.url))
        .header("accept", "application/ld+json")
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    let register = json_ld["identifier"]
        .as_array()
        .expect("identifiers")
        .iter()
        .find(|node| node["propertyID"] == "NP-CRO")
        .cloned();
    assert_eq!(register.map(|node| node["value"].clone()), Some(json!("45995")));
}
