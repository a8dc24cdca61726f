//! Writes are authorised against the stored record they touch, inside the write's transaction:
//! a certification body cannot rewrite, move or revive a mark right of a recruiter another body
//! certified, whatever the input says.

mod common;

use common::{Client, Server, token};
use serde_json::{Value, json};

const BODY_A: &str = "Body A Certification";
const BODY_B: &str = "Body B Certification";

fn certified(external_id: &str, recruiter: &str, number: &str, body: &str) -> Value {
    json!({"type":"certification","external_id":external_id,"recruiter":recruiter,
           "certificate_number":number,"scheme":"Ethical Recruitment Standard 2.0",
           "certification_body":body,"status":"certified","issued_on":"2025-03-15","expires_on":"2099-03-14",
           "scope_corridors":[],"scope_sectors":[],
           "status_history":[
             {"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"},
             {"from":"applicant","to":"certified","at":"2025-03-15T10:00:00Z","reason":"audit_passed","recorded_by":body}]})
}

fn recruiter(external_id: &str, name: &str, slug: &str) -> Value {
    json!({"type":"recruiter","external_id":external_id,"legal_name":name,"trading_names":[],"slug":slug,
           "country":"NP","languages":["ne"],"sectors":["construction"],
           "corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none"})
}

async fn setup(client: &Client) {
    let lines = [
        recruiter("rec-a", "Alpha Ownership Manpower", "alpha-ownership-manpower"),
        recruiter("rec-b", "Beta Ownership Manpower", "beta-ownership-manpower"),
        certified("cert-a", "rec-a", "ERS-OWN-A-1", BODY_A),
        certified("cert-b", "rec-b", "ERS-OWN-B-1", BODY_B),
        json!({"type":"trademark_right","external_id":"tm-a","recruiter":"rec-a","licence_number":"TM-OWN-A-1",
               "mark":"ERS Certified Recruiter","media":["website"],"domains":["alpha-ownership.example"],
               "granted_on":"2025-04-01","expires_on":null,"status":"active"}),
    ];
    let text = lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    client
        .data_as(
            Some(&token("admin", "secretariat", None)),
            "mutation($l: String!) { importRecords(jsonLines: $l) { trademarkRights } }",
            json!({ "l": text }),
        )
        .await;
}

const RIGHT: &str = r#"{ recruiter(slug: "alpha-ownership-manpower") {
    markRights { id version status domains recruiter { slug } } } }"#;

const SAVE: &str = "mutation($i: MarkRightInput!, $v: Int) { saveMarkRight(input: $i, expectedVersion: $v) { version domains status } }";

fn right_input(recruiter: &str, domains: &[&str], status: &str) -> Value {
    json!({ "externalId": "tm-a", "recruiter": recruiter, "licenceNumber": "TM-OWN-A-1",
            "mark": "ERS Certified Recruiter", "media": ["website"], "domains": domains,
            "grantedOn": "2025-04-01", "status": status })
}

async fn stored_right(client: &Client) -> Value {
    client.data(RIGHT, json!({})).await["recruiter"]["markRights"][0].clone()
}

async fn allowed(client: &Client, domain: &str) -> bool {
    client
        .data(
            "query($d: String!) { verifyMarkUse(domain: $d) { allowed } }",
            json!({ "d": domain }),
        )
        .await["verifyMarkUse"]["allowed"]
        .as_bool()
        .expect("allowed")
}

#[tokio::test]
async fn a_certifier_cannot_rewrite_move_or_revive_another_bodys_mark_right() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    setup(&client).await;
    let body_a = token("certifier", "auditor-a", Some(BODY_A));
    let body_b = token("certifier", "auditor-b", Some(BODY_B));
    let before = stored_right(&client).await;
    let version = before["version"].clone();

    // Body B moves body A's right to its own recruiter and adds a domain: refused.
    let (code, message) = client
        .error_as(
            Some(&body_b),
            SAVE,
            json!({ "i": right_input("rec-b", &["alpha-ownership.example", "evil.example"], "active"), "v": version }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN", "{message}");
    // Nor may it rewrite the right in place.
    let (code, _) = client
        .error_as(
            Some(&body_b),
            SAVE,
            json!({ "i": right_input("rec-a", &["evil.example"], "active"), "v": version }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let (code, _) = client
        .error_as(
            Some(&body_b),
            "mutation($id: ID!, $v: Int!) { changeMarkRight(id: $id, expectedVersion: $v, domains: [\"evil.example\"]) { version } }",
            json!({ "id": before["id"], "v": version }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let (code, _) = client
        .error_as(
            Some(&body_b),
            "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
            json!({ "id": before["id"], "v": version }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    assert_eq!(stored_right(&client).await, before, "nothing changed");
    assert!(!allowed(&client, "evil.example").await);
    assert!(allowed(&client, "alpha-ownership.example").await);

    // The owner's body may change it.
    let saved = client
        .data_as(
            Some(&body_a),
            SAVE,
            json!({ "i": right_input("rec-a", &["alpha-ownership.example", "shop.alpha-ownership.example"], "active"), "v": version }),
        )
        .await;
    let version = saved["saveMarkRight"]["version"].clone();
    assert!(allowed(&client, "shop.alpha-ownership.example").await);

    // A revoked right is final, through `saveMarkRight` as through `changeMarkRight`.
    let revoked = client
        .data_as(
            Some(&body_a),
            SAVE,
            json!({ "i": right_input("rec-a", &["alpha-ownership.example"], "revoked"), "v": version }),
        )
        .await;
    assert_eq!(revoked["saveMarkRight"]["status"], "REVOKED");
    let (code, message) = client
        .error_as(
            Some(&body_a),
            SAVE,
            json!({ "i": right_input("rec-a", &["alpha-ownership.example"], "active"), "v": revoked["saveMarkRight"]["version"] }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
    assert!(message.contains("revoked right is final"), "{message}");
    assert!(!allowed(&client, "alpha-ownership.example").await);
}
