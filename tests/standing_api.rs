//! "Certified today" and "in force today" in every family of answer: the standing is kept as
//! dates and compared with the day of the question, so the last day of a certificate still
//! counts, the day after does not (with no rebuild in between), and an archived recruiter is
//! gone from every answer.

mod common;

use common::{Client, Server, token, wait_until, ws};
use serde_json::{Value, json};

const EXPIRES_ON: &str = "2031-03-14";
const LAST_DAY: &str = "2031-03-14T23:59:00Z";
const DAY_AFTER: &str = "2031-03-15T00:00:30Z";
const NUMBER: &str = "ERS-NP-2030-7700001";
const LICENCE: &str = "7/077/078";
const DOMAIN: &str = "standing-test-manpower.example";

/// A certified recruiter (certificate ending on `expires_on`, a mark right for `DOMAIN` that
/// outlives it, a national licence) and an uncertified one whose name sorts first, both on
/// the NP -> QA corridor.
fn directory(expires_on: &str) -> String {
    let lines = [
        json!({"type":"recruiter","external_id":"rec-standing","legal_name":"Standing Test Manpower",
               "trading_names":[],"slug":"standing-test-manpower","country":"NP","languages":["ne","en"],
               "sectors":["construction"],"corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"level_1",
               "licences":[{"issuing_authority":"Department of Foreign Employment","country":"NP",
                 "licence_number":LICENCE,"status":"valid","valid_from":"2020-01-01","valid_until":"2035-01-01"}]}),
        json!({"type":"recruiter","external_id":"rec-other","legal_name":"Another Test Agency",
               "trading_names":[],"slug":"another-test-agency","country":"NP","languages":["ne"],
               "sectors":["construction"],"corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none"}),
        json!({"type":"certification","external_id":"cert-standing","recruiter":"rec-standing",
               "certificate_number":NUMBER,"scheme":"Ethical Recruitment Standard 2.0",
               "certification_body":"Sentinel Certification Ltd.","status":"certified",
               "issued_on":"2025-03-15","expires_on":expires_on,
               "scope_corridors":[{"origin":"NP","destination":"QA"}],"scope_sectors":["construction"],
               "status_history":[
                 {"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"},
                 {"from":"applicant","to":"certified","at":"2025-03-15T10:00:00Z","reason":"audit_passed","recorded_by":"Sentinel Certification Ltd."}]}),
        json!({"type":"trademark_right","external_id":"tm-standing","recruiter":"rec-standing",
               "licence_number":"TM-NP-7700001","mark":"ERS Certified Recruiter","media":["website"],
               "domains":[DOMAIN],"granted_on":"2025-04-01","expires_on":"2040-01-01","status":"active"}),
    ];
    lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
}

async fn import(client: &Client, lines: &str) {
    let admin = token("admin", "secretariat", None);
    let data = client
        .data_as(
            Some(&admin),
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters certifications trademarkRights } }",
            json!({ "l": lines }),
        )
        .await;
    assert_eq!(
        data["importRecords"],
        json!({ "recruiters": 2, "certifications": 1, "trademarkRights": 1 })
    );
}

/// Every family of answer that says whether the recruiter is certified (or its mark in force).
const EVERY_ANSWER: &str = r#"query($n: String!, $d: String!, $l: String!) {
  recruiter(slug: "standing-test-manpower") { certified certifiedUntil markRights { inForce } }
  certifiedOnly: recruiters(filter: { certified: true }) { totalCount nodes { slug } }
  notCertified: recruiters(filter: { certified: false }) { totalCount }
  byStatus: recruiters(filter: { certificationStatus: [CERTIFIED] }) { totalCount }
  certifiedFirst: recruiters(orderBy: { field: CERTIFIED_FIRST }) { nodes { slug } }
  corridor(origin: "NP", destination: "QA") {
    certifiedRecruiterCount
    recruiters { nodes { slug certified } }
  }
  search(query: "", filter: { certified: true }) { totalCount }
  facets: search(query: "test") { facets { certificationStatus { value count } } }
  verifyCertificate(number: $n) { found certified status }
  verifyCertificates(numbers: [$n]) { results { found certified } }
  recruitersByLicence(numbers: [$l]) { results { found certified } }
  verifyMarkUse(domain: $d) { allowed status }
}"#;

async fn every_answer(client: &Client) -> Value {
    client
        .data(EVERY_ANSWER, json!({ "n": NUMBER, "d": DOMAIN, "l": LICENCE }))
        .await
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|node| node["slug"].as_str().expect("a slug"))
        .collect()
}

fn status_count(answer: &Value, status: &str) -> u64 {
    answer["facets"]["facets"]["certificationStatus"]
        .as_array()
        .expect("status facets")
        .iter()
        .find(|facet| facet["value"] == status)
        .map_or(0, |facet| facet["count"].as_u64().expect("a count"))
}

#[tokio::test]
async fn a_certificate_counts_through_its_last_day_and_not_the_day_after() {
    let mut server = Server::start_with(&[("SAMPLE_DATA", "false"), ("CLOCK_START", LAST_DAY)]);
    import(&server.client(), &directory(EXPIRES_ON)).await;

    let last_day = every_answer(&server.client()).await;
    assert_eq!(last_day["recruiter"]["certified"], true, "{last_day}");
    assert_eq!(last_day["recruiter"]["certifiedUntil"], EXPIRES_ON);
    assert_eq!(last_day["recruiter"]["markRights"][0]["inForce"], true);
    assert_eq!(slugs(&last_day["certifiedOnly"]["nodes"]), ["standing-test-manpower"]);
    assert_eq!(last_day["notCertified"]["totalCount"], 1);
    assert_eq!(last_day["byStatus"]["totalCount"], 1);
    assert_eq!(
        slugs(&last_day["certifiedFirst"]["nodes"]),
        ["standing-test-manpower", "another-test-agency"]
    );
    assert_eq!(last_day["corridor"]["certifiedRecruiterCount"], 1);
    assert_eq!(
        slugs(&last_day["corridor"]["recruiters"]["nodes"]),
        ["standing-test-manpower", "another-test-agency"]
    );
    assert_eq!(last_day["search"]["totalCount"], 1);
    assert_eq!(status_count(&last_day, "certified"), 1, "{last_day:#}");
    assert_eq!(status_count(&last_day, "expired"), 0);
    assert_eq!(
        last_day["verifyCertificate"],
        json!({ "found": true, "certified": true, "status": "CERTIFIED" })
    );
    assert_eq!(last_day["verifyCertificates"]["results"][0]["certified"], true);
    assert_eq!(last_day["recruitersByLicence"]["results"][0]["certified"], true);
    assert_eq!(
        last_day["verifyMarkUse"],
        json!({ "allowed": true, "status": "ALLOWED" })
    );

    // Midnight passes: the same server data, no job, no rebuild.
    server.restart_with("CLOCK_START", DAY_AFTER);
    let day_after = every_answer(&server.client()).await;
    assert_eq!(day_after["recruiter"]["certified"], false, "{day_after}");
    assert_eq!(day_after["recruiter"]["certifiedUntil"], Value::Null);
    assert_eq!(day_after["recruiter"]["markRights"][0]["inForce"], false);
    assert_eq!(day_after["certifiedOnly"]["totalCount"], 0);
    assert_eq!(day_after["notCertified"]["totalCount"], 2);
    assert_eq!(day_after["byStatus"]["totalCount"], 0);
    assert_eq!(
        slugs(&day_after["certifiedFirst"]["nodes"]),
        ["another-test-agency", "standing-test-manpower"]
    );
    assert_eq!(day_after["corridor"]["certifiedRecruiterCount"], 0);
    assert_eq!(
        slugs(&day_after["corridor"]["recruiters"]["nodes"]),
        ["another-test-agency", "standing-test-manpower"]
    );
    assert_eq!(day_after["search"]["totalCount"], 0);
    assert_eq!(status_count(&day_after, "certified"), 0);
    assert_eq!(status_count(&day_after, "expired"), 1);
    assert_eq!(
        day_after["verifyCertificate"],
        json!({ "found": true, "certified": false, "status": "EXPIRED" })
    );
    assert_eq!(day_after["verifyCertificates"]["results"][0]["certified"], false);
    assert_eq!(day_after["recruitersByLicence"]["results"][0]["certified"], false);
    assert_eq!(
        day_after["verifyMarkUse"],
        json!({ "allowed": false, "status": "RECRUITER_NOT_CERTIFIED" })
    );
}

/// The claims of a signed receipt (its signature is tested in `receipt_api.rs`).
fn receipt_claims(receipt: &Value) -> Value {
    use base64::Engine;
    let token = receipt.as_str().expect("a receipt");
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// What the pages for people say of `NUMBER` and its holder: the verification page's status
/// and answer, whether the SMS line says certified, the QR code's and the JSON-LD's statuses.
async fn pages_for_people(client: &Client) -> (u16, String, bool, u16, u16) {
    let page = client.get(&format!("/verify?number={NUMBER}&lang=en")).await;
    let page_status = page.status().as_u16();
    let body = page.text().await.expect("a page");
    let shown = body
        .split("data-status=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let line = client
        .get(&format!("/v/{NUMBER}?lang=en"))
        .await
        .text()
        .await
        .expect("a line");
    let qr = client.get(&format!("/verify/{NUMBER}/qr.svg")).await.status().as_u16();
    let json_ld = reqwest::Client::new()
        .get(format!("{}/recruiters/standing-test-manpower", client.url))
        .header("accept", "application/ld+json")
        .send()
        .await
        .expect("GET")
        .status()
        .as_u16();
    (page_status, shown, line.contains("CERTIFIED until"), qr, json_ld)
}

#[tokio::test]
async fn an_archived_recruiter_is_gone_from_every_answer() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    import(&client, &directory("2099-12-31")).await;
    let before = every_answer(&client).await;
    assert_eq!(before["verifyCertificate"]["certified"], true, "{before:#}");
    assert_eq!(before["verifyMarkUse"]["allowed"], true);
    assert_eq!(
        pages_for_people(&client).await,
        (200, "CERTIFIED".to_owned(), true, 200, 200)
    );

    let target = client
        .data(
            r#"{ recruiter(slug: "standing-test-manpower") { id version certifications { id } markRights { id } } }"#,
            json!({}),
        )
        .await;
    let admin = token("admin", "secretariat", None);
    client
        .data_as(
            Some(&admin),
            "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
            json!({ "id": target["recruiter"]["id"], "v": target["recruiter"]["version"] }),
        )
        .await;

    let after = client
        .data(
            &EVERY_ANSWER.replace(
                r#"recruiter(slug: "standing-test-manpower") { certified certifiedUntil markRights { inForce } }"#,
                "",
            ),
            json!({ "n": NUMBER, "d": DOMAIN, "l": LICENCE }),
        )
        .await;
    assert_eq!(after["certifiedOnly"]["totalCount"], 0, "{after}");
    assert_eq!(after["byStatus"]["totalCount"], 0);
    assert_eq!(slugs(&after["certifiedFirst"]["nodes"]), ["another-test-agency"]);
    assert_eq!(after["corridor"]["certifiedRecruiterCount"], 0);
    assert_eq!(
        slugs(&after["corridor"]["recruiters"]["nodes"]),
        ["another-test-agency"]
    );
    assert_eq!(after["search"]["totalCount"], 0);
    assert_eq!(status_count(&after, "certified"), 0);
    assert_eq!(
        after["verifyCertificate"],
        json!({ "found": false, "certified": false, "status": null })
    );
    assert_eq!(
        after["verifyCertificates"]["results"][0],
        json!({ "found": false, "certified": false })
    );
    assert_eq!(after["recruitersByLicence"]["results"][0]["certified"], false);
    assert_eq!(after["verifyMarkUse"]["allowed"], false);

    // Nor are its certificate and mark right reachable by their own ids.
    for id in [
        &target["recruiter"]["certifications"][0]["id"],
        &target["recruiter"]["markRights"][0]["id"],
    ] {
        assert!(id.is_string(), "{target}");
        let node = client
            .data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id }))
            .await;
        assert_eq!(node["node"], Value::Null, "{id}");
    }

    // The signed receipts state the same.
    let signed = client
        .data(
            r#"query($n: String!, $l: String!) {
                 single: verifyCertificate(number: $n, receipt: true) { receipt }
                 bulk: verifyCertificates(numbers: [$n], receipt: true) { receipt }
                 licences: recruitersByLicence(numbers: [$l], receipt: true) { receipt } }"#,
            json!({ "n": NUMBER, "l": LICENCE }),
        )
        .await;
    for (answer, receipt) in [
        ("single", &signed["single"]["receipt"]),
        ("bulk", &signed["bulk"]["receipt"]),
        ("licences", &signed["licences"]["receipt"]),
    ] {
        let claims = receipt_claims(receipt);
        let stated = &claims["results"][0];
        assert_eq!(stated["certified"], false, "{answer}: {claims}");
        assert_eq!(stated["found"], false, "{answer}: {claims}");
    }

    // The pages for people say the same: the verification page, the SMS line, the QR code and
    // the recruiter's JSON-LD.
    assert_eq!(
        pages_for_people(&client).await,
        (404, "NOT_FOUND".to_owned(), false, 404, 404)
    );
}

#[tokio::test]
async fn a_certification_moved_to_another_recruiter_leaves_its_previous_holder_everywhere() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let lines = directory("2099-12-31");
    import(&client, &lines).await;
    // The same certificate, now held by the other recruiter (an import moves it).
    let moved = lines.replace(
        r#""recruiter":"rec-standing","scheme""#,
        r#""recruiter":"rec-other","scheme""#,
    );
    assert_ne!(moved, lines);
    let admin = token("admin", "secretariat", None);
    let data = client
        .data_as(
            Some(&admin),
            "mutation($l: String!) { importRecords(jsonLines: $l) { certifications unchanged } }",
            json!({ "l": moved }),
        )
        .await;
    assert_eq!(data["importRecords"]["certifications"], 1, "{data}");

    let answer = client
        .data(
            r#"query($n: String!) {
                 previous: recruiter(slug: "standing-test-manpower") { certified certifications { certificateNumber } }
                 next: recruiter(slug: "another-test-agency") { certified }
                 verifyCertificate(number: $n) { recruiter { slug } }
                 byNumber: search(query: $n) { edges { score node { ... on Recruiter { slug } } } }
                 certified: search(query: "", filter: { certified: true }) { nodes { ... on Recruiter { slug } } } }"#,
            json!({ "n": NUMBER }),
        )
        .await;
    assert_eq!(answer["previous"]["certified"], false, "{answer}");
    assert_eq!(answer["previous"]["certifications"], json!([]));
    assert_eq!(answer["next"]["certified"], true);
    assert_eq!(answer["verifyCertificate"]["recruiter"]["slug"], "another-test-agency");
    // Only the new holder matches the number exactly; the previous one shares other words.
    let hits = answer["byNumber"]["edges"].as_array().expect("hits");
    assert_eq!(hits[0]["node"]["slug"], "another-test-agency", "{hits:?}");
    let exact = hits[0]["score"].as_f64().expect("a score");
    assert!(
        hits[1..]
            .iter()
            .all(|hit| hit["score"].as_f64().expect("a score") < exact / 2.0),
        "the previous holder still matches the number exactly: {hits:?}"
    );
    assert_eq!(answer["certified"]["nodes"], json!([{ "slug": "another-test-agency" }]));
}

/// A WebSocket connection held across midnight answers each operation for the day it runs on,
/// not the day the connection opened: the clock starts seconds before midnight of the
/// certificate's last day, and the same connection sees it lapse.
#[tokio::test]
async fn a_websocket_held_past_midnight_answers_for_the_new_day() {
    const SECONDS_BEFORE_MIDNIGHT: &str = "2031-03-14T23:59:50Z";
    let server = Server::start_with(&[("SAMPLE_DATA", "false"), ("CLOCK_START", SECONDS_BEFORE_MIDNIGHT)]);
    import(&server.client(), &directory(EXPIRES_ON)).await;
    let mut socket = ws::connect(&server).await.expect("connected");
    const VERIFY: &str = "query($n: String!) { verifyCertificate(number: $n) { certified } }";
    let mut operation = 0;
    let mut certified = async |socket: &mut ws::Socket| {
        operation += 1;
        let data = ws::query(socket, &format!("op-{operation}"), VERIFY, json!({ "n": NUMBER })).await;
        data["verifyCertificate"]["certified"].as_bool().expect("certified")
    };
    assert!(certified(&mut socket).await, "certified on its last day");
    // Midnight passes while the connection stays open.
    let lapsed = wait_until(60, async || !certified(&mut socket).await).await;
    assert!(lapsed, "the connection kept answering for the day it opened");
    let over_http = server.client().data(VERIFY, json!({ "n": NUMBER })).await;
    assert_eq!(over_http["verifyCertificate"]["certified"], false, "{over_http}");
}
