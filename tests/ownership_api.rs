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

/// The roles of the matrix below. `certifier-a` acts for the body that certified every
/// recruiter of the fixture; `partner` owns every webhook of it.
const ROLES: [&str; 7] = [
    "anonymous",
    "partner",
    "other-partner",
    "editor",
    "certifier-b",
    "certifier-a",
    "admin",
];

fn bearer(role: &str) -> Option<String> {
    match role {
        "anonymous" => None,
        "partner" => Some(token("partner", "acme-brand", None)),
        "other-partner" => Some(token("partner", "globex", None)),
        "editor" => Some(token("editor", "editor-1", None)),
        "certifier-b" => Some(token("certifier", "auditor-b", Some(BODY_B))),
        "certifier-a" => Some(token("certifier", "auditor-a", Some(BODY_A))),
        "admin" => Some(token("admin", "secretariat-1", None)),
        other => panic!("no role {other}"),
    }
}

/// What a refused caller is told: who you are first, then whether you may; another partner's
/// webhook does not exist as far as a partner can tell.
fn refusal(role: &str, write: &str) -> &'static str {
    match role {
        "anonymous" => "UNAUTHENTICATED",
        "other-partner" if write.contains("Webhook") => "NOT_FOUND",
        _ => "FORBIDDEN",
    }
}

/// One numbered copy of everything a write can touch: a recruiter certified by body A, its
/// mark right, and a webhook of `partner` watching it.
fn slot_lines(slot: usize) -> Vec<Value> {
    vec![
        recruiter(
            &format!("rec-{slot}"),
            &format!("Slot {slot} Manpower"),
            &format!("slot-{slot}"),
        ),
        certified(
            &format!("cert-{slot}"),
            &format!("rec-{slot}"),
            &format!("ERS-SLOT-{slot}"),
            BODY_A,
        ),
        json!({"type":"trademark_right","external_id":format!("tm-{slot}"),"recruiter":format!("rec-{slot}"),
               "licence_number":format!("TM-SLOT-{slot}"),"mark":"ERS Certified Recruiter","media":["website"],
               "domains":[format!("slot-{slot}.example")],"granted_on":"2025-04-01","expires_on":null,"status":"active"}),
    ]
}

/// The ids and versions of one slot's records.
struct Slot {
    index: usize,
    recruiter: Value,
    certification: Value,
    right: Value,
    webhook: Value,
}

async fn slot(client: &Client, index: usize, webhook: Value) -> Slot {
    let found = client
        .data(
            "query($s: String!) { recruiter(slug: $s) { id version certifications { id version } markRights { id version } } }",
            json!({ "s": format!("slot-{index}") }),
        )
        .await;
    let recruiter = found["recruiter"].clone();
    assert!(recruiter.is_object(), "slot {index} was not imported: {found}");
    Slot {
        index,
        certification: recruiter["certifications"][0].clone(),
        right: recruiter["markRights"][0].clone(),
        recruiter,
        webhook,
    }
}

/// The domain a write of the matrix tries to add to a slot's mark right.
fn taken_over(slot: usize) -> String {
    format!("taken-over-{slot}.example")
}

/// A write of the matrix against one slot: its document and variables.
type Write = fn(&Slot) -> (&'static str, Value);

fn writes() -> Vec<(&'static str, &'static [&'static str], Write)> {
    vec![
        ("saveRecruiter", &["editor", "admin"], |slot| {
            (
                "mutation($i: RecruiterInput!, $v: Int) { saveRecruiter(input: $i, expectedVersion: $v) { version } }",
                json!({ "i": { "externalId": format!("rec-{}", slot.index), "legalName": "Renamed Manpower",
                               "slug": format!("slot-{}", slot.index), "country": "NP", "languages": ["ne"],
                               "sectors": ["construction"], "corridors": [{ "origin": "NP", "destination": "QA" }],
                               "cbpLevel": "none" },
                        "v": slot.recruiter["version"] }),
            )
        }),
        ("archive a recruiter", &["editor", "admin"], |slot| {
            (
                "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
                json!({ "id": slot.recruiter["id"], "v": slot.recruiter["version"] }),
            )
        }),
        ("createCertification for body A", &["certifier-a", "admin"], |slot| {
            (
                "mutation($i: NewCertificationInput!) { createCertification(input: $i) { id } }",
                json!({ "i": { "externalId": format!("cert-new-{}", slot.index), "recruiter": format!("rec-{}", slot.index),
                               "certificateNumber": format!("ERS-NEW-{}", slot.index), "scheme": "Ethical Recruitment Standard 2.0",
                               "certificationBody": BODY_A } }),
            )
        }),
        ("recordCertificationDecision", &["certifier-a", "admin"], |slot| {
            (
                "mutation($id: ID!, $v: Int!) { recordCertificationDecision(id: $id, expectedVersion: $v, to: SUSPENDED,
                   reasonCategory: \"complaint_upheld\") { status } }",
                json!({ "id": slot.certification["id"], "v": slot.certification["version"] }),
            )
        }),
        ("archive a certification", &["certifier-a", "admin"], |slot| {
            (
                "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
                json!({ "id": slot.certification["id"], "v": slot.certification["version"] }),
            )
        }),
        ("saveMarkRight, replacing", &["certifier-a", "admin"], |slot| {
            (
                "mutation($i: MarkRightInput!, $v: Int) { saveMarkRight(input: $i, expectedVersion: $v) { version } }",
                json!({ "i": { "externalId": format!("tm-{}", slot.index), "recruiter": format!("rec-{}", slot.index),
                               "licenceNumber": format!("TM-SLOT-{}", slot.index), "mark": "ERS Certified Recruiter",
                               "media": ["website"], "domains": [format!("slot-{}.example", slot.index), taken_over(slot.index)],
                               "grantedOn": "2025-04-01", "status": "active" },
                        "v": slot.right["version"] }),
            )
        }),
        ("saveMarkRight, creating", &["certifier-a", "admin"], |slot| {
            (
                "mutation($i: MarkRightInput!) { saveMarkRight(input: $i) { version } }",
                json!({ "i": { "externalId": format!("tm-new-{}", slot.index), "recruiter": format!("rec-{}", slot.index),
                               "licenceNumber": format!("TM-NEW-{}", slot.index), "mark": "ERS Certified Recruiter",
                               "media": ["website"], "domains": [taken_over(slot.index)],
                               "grantedOn": "2025-04-01", "status": "active" } }),
            )
        }),
        ("changeMarkRight", &["certifier-a", "admin"], |slot| {
            (
                "mutation($id: ID!, $v: Int!, $d: [String!]) { changeMarkRight(id: $id, expectedVersion: $v, domains: $d) { version } }",
                json!({ "id": slot.right["id"], "v": slot.right["version"], "d": [taken_over(slot.index)] }),
            )
        }),
        ("archive a mark right", &["certifier-a", "admin"], |slot| {
            (
                "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
                json!({ "id": slot.right["id"], "v": slot.right["version"] }),
            )
        }),
        ("rotateWebhookSecret", &["partner", "admin"], |slot| {
            (
                "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }",
                json!({ "id": slot.webhook }),
            )
        }),
        ("deleteWebhook", &["partner", "admin"], |slot| {
            (
                "mutation($id: ID!) { deleteWebhook(id: $id) { id } }",
                json!({ "id": slot.webhook }),
            )
        }),
        ("importRecords", &["admin"], |slot| {
            (
                "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
                json!({ "l": recruiter(&format!("rec-{}", slot.index), "Imported Over Manpower", &format!("slot-{}", slot.index)).to_string() }),
            )
        }),
    ]
}

/// Everything the public and the audit trail can see of a slot.
async fn public_state(client: &Client, index: usize) -> Value {
    client
        .data(
            "query($s: String!, $d: String!, $t: String!, $n: String!) {
               recruiter(slug: $s) { legalName version certified certifications { status version }
                                     markRights { status version domains } }
               verifyMarkUse(domain: $d) { allowed }
               takenOver: verifyMarkUse(domain: $t) { allowed }
               verifyCertificate(number: $n) { found status } }",
            json!({ "s": format!("slot-{index}"), "d": format!("slot-{index}.example"), "t": taken_over(index),
                    "n": format!("ERS-SLOT-{index}") }),
        )
        .await
}

async fn audit_entries(client: &Client) -> u64 {
    client
        .data_as(
            bearer("admin").as_deref(),
            "{ auditLog(first: 1) { totalCount } }",
            json!({}),
        )
        .await["auditLog"]["totalCount"]
        .as_u64()
        .expect("an audit count")
}

/// Every write × every role, each judged on the stored record it touches: the owner's roles
/// succeed (each on a fresh copy, so every success is real), every other caller is refused with
/// the code that says why, and a refused write leaves no trace: not in the record, not in what
/// the public sees, not in the audit trail. Runs on PostgreSQL too under `DATABASE_URL`.
#[tokio::test]
async fn every_write_is_judged_on_the_stored_record_it_touches() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false"), ("WEBHOOK_ALLOW_PRIVATE", "true")]);
    let client = server.client();
    let writes = writes();
    let successes: usize = writes.iter().map(|(_, allowed, _)| allowed.len()).sum();
    let slots = successes + 1;
    let lines: Vec<String> = (0..slots).flat_map(slot_lines).map(|line| line.to_string()).collect();
    client
        .data_as(
            bearer("admin").as_deref(),
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
            json!({ "l": lines.join("\n") }),
        )
        .await;
    // Webhooks of `partner`, one per slot, aimed at a closed loopback port (nothing listens;
    // no traffic leaves the machine).
    let partner = bearer("partner");
    let mut fixture = Vec::new();
    for index in 0..slots {
        let recruiter = slot(&client, index, Value::Null).await.recruiter["id"].clone();
        let hook = client
            .data_as(
                partner.as_deref(),
                "mutation($r: [ID!]) { registerWebhook(input: { url: \"http://127.0.0.1:9/closed\", recruiterIds: $r }) { webhook { id } } }",
                json!({ "r": [recruiter] }),
            )
            .await["registerWebhook"]["webhook"]["id"]
            .clone();
        fixture.push(slot(&client, index, hook).await);
    }
    let untouched = &fixture[0];
    let before = public_state(&client, 0).await;
    assert_eq!(before["verifyMarkUse"]["allowed"], true, "{before}");
    assert_eq!(before["verifyCertificate"]["status"], "CERTIFIED", "{before}");
    assert_eq!(before["takenOver"]["allowed"], false, "{before}");

    let mut fresh = fixture.iter().skip(1);
    let mut cells = 0;
    for (name, allowed, write) in &writes {
        for role in ROLES {
            cells += 1;
            let who = bearer(role);
            if allowed.contains(&role) {
                let target = fresh.next().expect("a fresh slot for every success");
                let (document, variables) = write(target);
                let audited = audit_entries(&client).await;
                let answer = client.graphql_as(who.as_deref(), document, variables).await;
                assert!(answer["errors"].is_null(), "{role} may {name}: {answer}");
                assert!(
                    audit_entries(&client).await > audited,
                    "{role} {name}: the write is not in the audit trail"
                );
            } else {
                let (document, variables) = write(untouched);
                let audited = audit_entries(&client).await;
                let answer = client.graphql_as(who.as_deref(), document, variables).await;
                let code = answer["errors"][0]["extensions"]["code"].as_str().unwrap_or("none");
                assert_eq!(code, refusal(role, name), "{role} may not {name}: {answer}");
                let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
                assert!(message.len() > 10, "{role} {name}: say why: {answer}");
                assert_eq!(
                    audit_entries(&client).await,
                    audited,
                    "{role} {name}: a refused write was audited"
                );
            }
        }
    }
    assert_eq!(cells, writes.len() * ROLES.len());
    assert!(fresh.next().is_none(), "every fresh slot was used");
    assert_eq!(
        public_state(&client, 0).await,
        before,
        "a refused write changed something"
    );
    // The slot's webhook is still its owner's, unrotated and live.
    let hook = client
        .data_as(
            partner.as_deref(),
            "query($id: ID!) { webhook(id: $id) { deletedAt secretRotatedAt } }",
            json!({ "id": untouched.webhook }),
        )
        .await;
    assert_eq!(hook["webhook"]["deletedAt"], Value::Null, "{hook}");
    assert_eq!(hook["webhook"]["secretRotatedAt"], Value::Null, "{hook}");
}
