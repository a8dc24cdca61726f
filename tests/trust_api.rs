//! The chain of trust behind a certificate (issue 14): certification bodies, their auditors,
//! audits and licensing authorities as public records; a body's standing on every certificate;
//! overdue audits; who may write what; and the refusals, against the real server.

mod common;

use std::collections::HashSet;

use common::{Client, Server, token, ws};
use serde_json::{Value, json};

const WALK: &str = "query($n: String!) { verifyCertificate(number: $n) {
    found certified status bodyInGoodStanding licenceGap
    recruiter { legalName licences { licenceNumber validToday authority { name country registerUrl lastReconciledAt } } }
    certification {
      certificateNumber nextAuditDue auditOverdue bodyInGoodStanding
      body { id name status inGoodStanding history { from to at reasonCategory recordedBy } }
      lastAudit { kind announced startedOn endedOn workersInterviewed sitesVisited outcome
        body { name } leadAuditor { name status socialAuditorCourseCompletedOn body { name } }
        findings { principle { code title } rating summary }
        correctiveActions { principle { code } description dueOn closedOn overdue } }
      audits { kind announced startedOn }
    } } }";

/// Every recruiter with its certifications' chain-of-trust facts, page by page.
async fn every_certification(client: &Client) -> Vec<Value> {
    let query = "query($after: String) { recruiters(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id slug licenceGap certifications { certificateNumber externalId status nextAuditDue auditOverdue
          bodyInGoodStanding body { id name status } audits { kind announced } } } } }";
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = client.data(query, json!({ "after": after })).await;
        for node in data["recruiters"]["nodes"].as_array().unwrap() {
            for certification in node["certifications"].as_array().unwrap() {
                let mut certification = certification.clone();
                certification["recruiterId"] = node["id"].clone();
                certification["licenceGap"] = node["licenceGap"].clone();
                out.push(certification);
            }
        }
        if data["recruiters"]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = data["recruiters"]["pageInfo"]["endCursor"].clone();
    }
}

async fn overdue_recruiters(client: &Client) -> HashSet<String> {
    let query = "query($after: String) { recruiters(first: 100, after: $after, filter: { auditOverdue: true }) {
        pageInfo { hasNextPage endCursor } nodes { id } } }";
    let mut out = HashSet::new();
    let mut after = Value::Null;
    loop {
        let data = client.data(query, json!({ "after": after })).await;
        for node in data["recruiters"]["nodes"].as_array().unwrap() {
            out.insert(node["id"].as_str().unwrap().to_owned());
        }
        if data["recruiters"]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = data["recruiters"]["pageInfo"]["endCursor"].clone();
    }
}

fn today(client_today: &str) -> chrono::NaiveDate {
    client_today.parse().expect("a date")
}

#[tokio::test]
async fn a_brand_walks_from_a_certificate_to_its_last_audit_and_the_sample_shows_every_state() {
    let server = Server::start();
    let client = server.client();
    let certifications = every_certification(&client).await;
    let today = today(&chrono::Utc::now().date_naive().to_string());

    // The registers: bodies with their approval, one of them suspended; auditors; authorities.
    let data = client
        .data(
            "{ certificationBodies { totalCount nodes { id name status inGoodStanding auditCountries
                 history { from to } auditors { name status } } }
               auditors(first: 100) { totalCount nodes { name status body { name } socialAuditorCourseCompletedOn } }
               licensingAuthorities(first: 100) { totalCount nodes { name country registerUrl registerShows lastReconciledAt } } }",
            json!({}),
        )
        .await;
    let bodies = data["certificationBodies"]["nodes"].as_array().unwrap();
    assert_eq!(data["certificationBodies"]["totalCount"], 6);
    let suspended: Vec<&Value> = bodies.iter().filter(|body| body["status"] == "SUSPENDED").collect();
    assert_eq!(suspended.len(), 1, "one suspended body: {bodies:#?}");
    assert_eq!(suspended[0]["inGoodStanding"], false);
    assert_eq!(
        suspended[0]["history"].as_array().unwrap().last().unwrap()["from"],
        "APPROVED"
    );
    for body in bodies {
        assert_eq!(body["history"][0]["to"], "APPLICANT");
        assert_eq!(body["auditors"].as_array().unwrap().len(), 3);
        assert!(!body["auditCountries"].as_array().unwrap().is_empty());
    }
    let auditors = data["auditors"]["nodes"].as_array().unwrap();
    assert_eq!(data["auditors"]["totalCount"], 18);
    assert!(auditors.iter().any(|auditor| auditor["status"] == "SUSPENDED"));
    assert!(
        auditors
            .iter()
            .all(|auditor| auditor["socialAuditorCourseCompletedOn"].is_string())
    );
    // No contact of a person anywhere in an auditor's public record.
    assert!(auditors.iter().all(|auditor| {
        auditor
            .as_object()
            .unwrap()
            .keys()
            .all(|key| !["email", "phone"].contains(&key.as_str()))
    }));
    let authorities = data["licensingAuthorities"]["nodes"].as_array().unwrap();
    assert!(authorities.len() >= 10);
    assert!(authorities.iter().any(|authority| {
        authority["country"] == "NP"
            && authority["registerUrl"].is_string()
            && authority["lastReconciledAt"].is_string()
    }));

    // Every certificate refers to its body record; the suspended body's certificates say so.
    assert!(
        certifications
            .iter()
            .all(|certification| certification["body"].is_object())
    );
    for certification in &certifications {
        let approved = certification["body"]["status"] == "APPROVED";
        assert_eq!(certification["bodyInGoodStanding"], approved, "{certification}");
    }
    assert!(
        certifications
            .iter()
            .any(|certification| certification["bodyInGoodStanding"] == false)
    );

    // Overdue audits: shown on the certificate, in the past, and the filter finds exactly
    // the recruiters holding one.
    let overdue: Vec<&Value> = certifications
        .iter()
        .filter(|certification| certification["auditOverdue"] == true)
        .collect();
    assert!(!overdue.is_empty(), "the sample shows an overdue audit");
    for certification in &overdue {
        assert!(matches!(
            certification["status"].as_str(),
            Some("CERTIFIED" | "SUSPENDED")
        ));
        let due = certification["nextAuditDue"]
            .as_str()
            .unwrap()
            .parse::<chrono::NaiveDate>()
            .unwrap();
        assert!(due < today, "{certification}");
    }
    let holders: HashSet<String> = overdue
        .iter()
        .map(|certification| certification["recruiterId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(overdue_recruiters(&client).await, holders);
    for certification in certifications
        .iter()
        .filter(|certification| certification["auditOverdue"] == false)
    {
        if let Some(due) = certification["nextAuditDue"].as_str() {
            assert!(due.parse::<chrono::NaiveDate>().unwrap() >= today, "{certification}");
        }
    }
    // Unannounced and special audits, and a licence gap, are in the sample too.
    let audits: Vec<&Value> = certifications
        .iter()
        .flat_map(|certification| certification["audits"].as_array().unwrap())
        .collect();
    assert!(
        audits
            .iter()
            .any(|audit| audit["announced"] == false && audit["kind"] == "SURVEILLANCE")
    );
    assert!(audits.iter().any(|audit| audit["kind"] == "SPECIAL"));
    assert!(
        certifications
            .iter()
            .any(|certification| certification["licenceGap"] == true)
    );

    // The due-diligence walk, in one request: certificate -> body -> last audit -> findings.
    let audited = certifications
        .iter()
        .find(|certification| {
            certification["status"] == "CERTIFIED"
                && certification["bodyInGoodStanding"] == true
                && certification["audits"].as_array().unwrap().len() > 1
        })
        .expect("a certified recruiter with audits");
    let walk = client.data(WALK, json!({ "n": audited["certificateNumber"] })).await["verifyCertificate"].clone();
    assert_eq!(walk["found"], true);
    assert_eq!(walk["bodyInGoodStanding"], true);
    assert_eq!(walk["certification"]["body"]["status"], "APPROVED");
    let last = &walk["certification"]["lastAudit"];
    assert_eq!(last["body"]["name"], walk["certification"]["body"]["name"]);
    assert_eq!(
        last["leadAuditor"]["body"]["name"],
        walk["certification"]["body"]["name"]
    );
    assert!(last["workersInterviewed"].as_i64().unwrap() > 0);
    assert!(last["sitesVisited"].as_i64().unwrap() > 0);
    let findings = last["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        assert!(["A", "B", "C", "D", "E", "F", "G"].contains(&finding["principle"]["code"].as_str().unwrap()));
        assert!(finding["summary"].as_str().unwrap().len() > 20);
    }
    let audits = walk["certification"]["audits"].as_array().unwrap();
    assert_eq!(audits[0]["kind"], "INITIAL");
    assert_eq!(audits.last().unwrap()["startedOn"], last["startedOn"]);
    let licences = walk["recruiter"]["licences"].as_array().unwrap();
    assert!(licences.iter().all(|licence| licence["authority"]["name"].is_string()));

    // A suspended body's certificate, verified: still certified by its own status, but the
    // body is not in good standing (in the batch answer and the receipt's subject too).
    let of_suspended = certifications
        .iter()
        .find(|certification| certification["bodyInGoodStanding"] == false)
        .unwrap();
    let answer = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { bodyInGoodStanding certification { body { status } } }
               verifyCertificates(numbers: [$n]) { results { bodyInGoodStanding } } }",
            json!({ "n": of_suspended["certificateNumber"] }),
        )
        .await;
    assert_eq!(answer["verifyCertificate"]["bodyInGoodStanding"], false);
    assert_eq!(
        answer["verifyCertificate"]["certification"]["body"]["status"],
        "SUSPENDED"
    );
    assert_eq!(answer["verifyCertificates"]["results"][0]["bodyInGoodStanding"], false);
    // The page without JavaScript says the same, with the last audit's date.
    let page = |number: &Value| format!("/verify?number={}&lang=en", number.as_str().unwrap());
    let warned = client
        .get(&page(&of_suspended["certificateNumber"]))
        .await
        .text()
        .await
        .unwrap();
    assert!(warned.contains("is not approved by the scheme today"), "{warned}");
    let fine = client
        .get(&page(&audited["certificateNumber"]))
        .await
        .text()
        .await
        .unwrap();
    assert!(!fine.contains("is not approved by the scheme today"), "{fine}");
    let last_audit = last["endedOn"].as_str().or(last["startedOn"].as_str()).unwrap();
    assert!(fine.contains(&format!("last audit {last_audit}")), "{fine}");
    // An unknown number has no body to speak of.
    let unknown = client
        .data(
            "{ verifyCertificate(number: \"ERS-XX-0000-0000000\") { found bodyInGoodStanding } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown["verifyCertificate"]["bodyInGoodStanding"], Value::Null);

    // Filters and refusals of the lists.
    let by_body = client
        .data(
            "query($b: ID!) { recruiters(first: 5, filter: { certificationBody: $b }) { totalCount
                 nodes { certifications { body { id } } } } }",
            json!({ "b": suspended[0]["id"] }),
        )
        .await;
    assert!(by_body["recruiters"]["totalCount"].as_i64().unwrap() > 0);
    for node in by_body["recruiters"]["nodes"].as_array().unwrap() {
        assert!(
            node["certifications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["body"]["id"] == suspended[0]["id"])
        );
    }
    let (code, message) = client
        .error(
            "{ certificationBodies(filter: { country: \"Nepal\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    let (code, _) = client
        .error(
            "{ recruiters(filter: { certificationBody: \"nonsense\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    let node = client
        .data(
            "query($id: ID!) { node(id: $id) { ... on CertificationBody { name } } }",
            json!({ "id": suspended[0]["id"] }),
        )
        .await;
    assert_eq!(node["node"]["name"], suspended[0]["name"]);
}

/// A certified certificate of an approved body, and that body's name and id.
async fn approved_certificate(client: &Client) -> (Value, String, String) {
    let certifications = every_certification(client).await;
    let chosen = certifications
        .into_iter()
        .find(|certification| certification["status"] == "CERTIFIED" && certification["bodyInGoodStanding"] == true)
        .expect("a certified certificate of an approved body");
    let name = chosen["body"]["name"].as_str().unwrap().to_owned();
    let id = chosen["body"]["id"].as_str().unwrap().to_owned();
    (chosen, name, id)
}

#[tokio::test]
async fn while_a_body_is_suspended_its_decisions_are_refused_and_watchers_are_told() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "secretariat-desk", None);
    let (certificate, body_name, body_id) = approved_certificate(&client).await;
    let certifier = token("certifier", "auditor-desk", Some(&body_name));
    let number = certificate["certificateNumber"].as_str().unwrap().to_owned();

    // Subscribed to every certification change before the body is suspended.
    let mut socket = ws::connect(&server).await.expect("WebSocket");
    ws::subscribe(
        &mut socket,
        "watch",
        "subscription { certificationChanged { cause to certification { certificateNumber bodyInGoodStanding } } }",
    )
    .await;
    assert!(
        common::wait_until(30, async || {
            let metrics = client.get("/metrics").await.text().await.unwrap();
            metrics.lines().any(|line| {
                line.strip_prefix("directory_subscriptions_started_total ")
                    .and_then(|value| value.trim().parse::<f64>().ok())
                    .is_some_and(|value| value >= 1.0)
            })
        })
        .await,
        "the subscription started"
    );

    // Only the secretariat decides a body's approval.
    let decide = "mutation($id: ID!, $v: Int!, $to: BodyStatus!, $r: String!) {
        decideCertificationBody(id: $id, expectedVersion: $v, to: $to, reasonCategory: $r) {
          version status inGoodStanding history { from to reasonCategory recordedBy } } }";
    let version = client
        .data(
            "query($id: ID!) { certificationBody(id: $id) { version } }",
            json!({ "id": body_id }),
        )
        .await["certificationBody"]["version"]
        .clone();
    let vars = json!({ "id": body_id, "v": version, "to": "SUSPENDED", "r": "oversight_audit_nonconformity" });
    let (code, _) = client.error_as(Some(&certifier), decide, vars.clone()).await;
    assert_eq!(code, "FORBIDDEN");
    let (code, _) = client.error_as(None, decide, vars.clone()).await;
    assert_eq!(code, "UNAUTHENTICATED");
    let (code, message) = client
        .error_as(
            Some(&editor),
            decide,
            json!({ "id": body_id, "v": version, "to": "APPLICANT", "r": "x" }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert!(
        message.contains("allowed transitions are to suspended, withdrawn"),
        "{message}"
    );
    let suspended = client.data_as(Some(&editor), decide, vars).await["decideCertificationBody"].clone();
    assert_eq!(suspended["status"], "SUSPENDED");
    assert_eq!(suspended["inGoodStanding"], false);
    let last = suspended["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last,
        json!({ "from": "APPROVED", "to": "SUSPENDED", "reasonCategory": "oversight_audit_nonconformity", "recordedBy": "secretariat" })
    );

    // The subscriber hears of the body's certificates, each now not in good standing.
    let mut heard = Vec::new();
    while heard.len() < 3 {
        let message = ws::next_message(&mut socket).await.expect("an event");
        let event = &message["payload"]["data"]["certificationChanged"];
        assert_eq!(event["cause"], "body_standing", "{message}");
        assert_eq!(event["certification"]["bodyInGoodStanding"], false);
        heard.push(event["certification"]["certificateNumber"].as_str().unwrap().to_owned());
    }
    // Mirrors following the change feed see the same entries.
    let feed = client.get("/open-data/changes?since=0").await.text().await.unwrap();
    let body_standing: Vec<Value> = feed
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|entry| entry["operation"] == "body_standing")
        .collect();
    assert!(body_standing.len() >= 3, "{feed}");
    assert!(body_standing.iter().all(|entry| entry["type"] == "certification"));

    // Verification says so; the certificate's own status is untouched.
    let answer = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { certified bodyInGoodStanding } }",
            json!({ "n": number }),
        )
        .await;
    assert_eq!(
        answer["verifyCertificate"],
        json!({ "certified": true, "bodyInGoodStanding": false })
    );

    // Its certifier's decisions are refused, and so is a new application.
    let cert_query = "query($n: String!) { verifyCertificate(number: $n) { certification { id version } } }";
    let current = client.data(cert_query, json!({ "n": number })).await["verifyCertificate"]["certification"].clone();
    let decide_certificate = "mutation($id: ID!, $v: Int!, $to: CertificationStatus!) {
        recordCertificationDecision(id: $id, expectedVersion: $v, to: $to, reasonCategory: \"audit_nonconformity\") { status } }";
    let (code, message) = client
        .error_as(
            Some(&certifier),
            decide_certificate,
            json!({ "id": current["id"], "v": current["version"], "to": "SUSPENDED" }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
    assert!(
        message.contains(&body_name) && message.contains("suspended"),
        "{message}"
    );
    let (code, message) = client
        .error_as(
            Some(&certifier),
            "mutation($r: String!) { createCertification(input: { externalId: \"cert-new-1\", recruiter: $r,
               certificateNumber: \"ERS-NEW-0001\", scheme: \"Ethical Recruitment Standard 2.0\" }) { status } }",
            json!({ "r": "rec-0000001" }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
    // The secretariat may still suspend the certificate itself (it is not certifying).
    let admin = token("admin", "secretariat-admin", None);
    let suspended_certificate = client
        .data_as(
            Some(&admin),
            decide_certificate,
            json!({ "id": current["id"], "v": current["version"], "to": "SUSPENDED" }),
        )
        .await;
    assert_eq!(
        suspended_certificate["recordCertificationDecision"]["status"],
        "SUSPENDED"
    );

    // Approved again, the body's certifier decides again.
    let version = client
        .data(
            "query($id: ID!) { certificationBody(id: $id) { version } }",
            json!({ "id": body_id }),
        )
        .await["certificationBody"]["version"]
        .clone();
    client
        .data_as(
            Some(&editor),
            decide,
            json!({ "id": body_id, "v": version, "to": "APPROVED", "r": "corrective_action_completed" }),
        )
        .await;
    let current = client.data(cert_query, json!({ "n": number })).await["verifyCertificate"]["certification"].clone();
    let reinstated = client
        .data_as(
            Some(&certifier),
            decide_certificate,
            json!({ "id": current["id"], "v": current["version"], "to": "CERTIFIED" }),
        )
        .await;
    assert_eq!(reinstated["recordCertificationDecision"]["status"], "CERTIFIED");

    // The audit trail holds the body's decisions with who made them.
    let trail = client
        .data_as(
            Some(&admin),
            "query($id: ID!) { auditLog(entityId: $id, first: 10) { nodes { action actor } } }",
            json!({ "id": body_id }),
        )
        .await;
    let actions: Vec<(&str, &str)> = trail["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| (node["action"].as_str().unwrap(), node["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|(action, actor)| *action == "certification_body.update" && *actor == "secretariat-desk")
            .count(),
        2,
        "{actions:?}"
    );
}

#[tokio::test]
async fn audits_are_recorded_only_by_their_bodys_certifier_and_move_the_next_due_date() {
    let server = Server::start();
    let client = server.client();
    let certifications = every_certification(&client).await;
    let overdue = certifications
        .iter()
        .find(|certification| certification["auditOverdue"] == true && certification["bodyInGoodStanding"] == true)
        .expect("an overdue audit of an approved body")
        .clone();
    let body_name = overdue["body"]["name"].as_str().unwrap().to_owned();
    let body_id = overdue["body"]["id"].as_str().unwrap().to_owned();
    let own = token("certifier", "auditor-desk", Some(&body_name));
    let other_body = certifications
        .iter()
        .find(|certification| certification["body"]["name"] != body_name.as_str())
        .unwrap()["body"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = token("certifier", "other-desk", Some(&other_body));

    let data = client
        .data(
            "query($b: ID!) { certificationBody(id: $b) { auditors { externalId status } } auditors(first: 100) { nodes { externalId status body { id } } } }",
            json!({ "b": body_id }),
        )
        .await;
    let lead = data["certificationBody"]["auditors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|auditor| auditor["status"] == "APPROVED")
        .unwrap()["externalId"]
        .clone();
    let foreign_lead = data["auditors"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|auditor| auditor["body"]["id"] != body_id.as_str() && auditor["status"] == "APPROVED")
        .unwrap()["externalId"]
        .clone();
    let body_external = client
        .data(
            "query($b: ID!) { certificationBody(id: $b) { externalId } }",
            json!({ "b": body_id }),
        )
        .await["certificationBody"]["externalId"]
        .clone();
    let today = chrono::Utc::now().date_naive();
    let audit = |lead: &Value, summary: &str, principle: &str| {
        json!({
            "externalId": "audit-new-0001",
            "certification": overdue["externalId"],
            "kind": "SURVEILLANCE",
            "announced": false,
            "startedOn": (today - chrono::Duration::days(1)).to_string(),
            "endedOn": today.to_string(),
            "body": body_external,
            "leadAuditor": lead,
            "workersInterviewed": 21,
            "sitesVisited": 2,
            "outcome": "passed_with_corrective_actions",
            "findings": [{
                "principle": principle,
                "rating": "MINOR_NONCONFORMITY",
                "summary": summary,
                "correctiveActions": [{ "description": "Translate contracts into Nepali", "dueOn": (today + chrono::Duration::days(60)).to_string() }]
            }]
        })
    };
    let record = "mutation($input: AuditInput!) { recordAudit(input: $input) { kind announced
        leadAuditor { externalId } findings { principle { code } rating } correctiveActions { dueOn closedOn overdue } } }";
    let fine = audit(&lead, "Contracts were given only in English.", "principle-ers-e");

    // Refusals first: nothing is written by any of them.
    let (code, _) = client.error_as(None, record, json!({ "input": fine })).await;
    assert_eq!(code, "UNAUTHENTICATED");
    let (code, message) = client.error_as(Some(&other), record, json!({ "input": fine })).await;
    assert_eq!(code, "FORBIDDEN", "{message}");
    let (code, message) = client
        .error_as(
            Some(&own),
            record,
            json!({ "input": audit(&foreign_lead, "Contracts were given only in English.", "principle-ers-e") }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(message.contains("audits for another body"), "{message}");
    let (code, message) = client
        .error_as(
            Some(&own),
            record,
            json!({ "input": audit(&lead, "Worker Ram (+977 9841234567) said so", "principle-ers-e") }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("must not identify"), "{message}");
    let (code, message) = client
        .error_as(
            Some(&own),
            record,
            json!({ "input": audit(&lead, "Contracts were given only in English.", "principle-none") }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("principle `principle-none`"), "{message}");
    let still = every_certification(&client).await;
    let again = still
        .iter()
        .find(|c| c["certificateNumber"] == overdue["certificateNumber"])
        .unwrap();
    assert_eq!(again["auditOverdue"], true);
    assert_eq!(
        again["audits"].as_array().unwrap().len(),
        overdue["audits"].as_array().unwrap().len()
    );

    // The body's certifier records it: the audit is public, and the next one falls due later.
    let recorded = client.data_as(Some(&own), record, json!({ "input": fine })).await;
    assert_eq!(recorded["recordAudit"]["announced"], false);
    assert_eq!(
        recorded["recordAudit"]["findings"][0],
        json!({ "principle": { "code": "E" }, "rating": "MINOR_NONCONFORMITY" })
    );
    assert_eq!(recorded["recordAudit"]["correctiveActions"][0]["overdue"], false);
    let after = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { certification { auditOverdue nextAuditDue lastAudit { leadAuditor { externalId } } } } }",
            json!({ "n": overdue["certificateNumber"] }),
        )
        .await["verifyCertificate"]["certification"]
        .clone();
    assert_eq!(after["auditOverdue"], false);
    assert!(
        after["nextAuditDue"]
            .as_str()
            .unwrap()
            .parse::<chrono::NaiveDate>()
            .unwrap()
            > today
    );
    assert_eq!(after["lastAudit"]["leadAuditor"]["externalId"], lead);
    assert!(
        !overdue_recruiters(&client)
            .await
            .contains(overdue["recruiterId"].as_str().unwrap())
    );

    // A certifier of another body cannot archive it; its own can, and the audit is overdue again.
    let audit_id = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { certification { lastAudit { id } } } }",
            json!({ "n": overdue["certificateNumber"] }),
        )
        .await["verifyCertificate"]["certification"]["lastAudit"]["id"]
        .clone();
    let archive = "mutation($id: ID!) { archive(id: $id, expectedVersion: 1) }";
    let (code, _) = client.error_as(Some(&other), archive, json!({ "id": audit_id })).await;
    assert_eq!(code, "FORBIDDEN");
    client.data_as(Some(&own), archive, json!({ "id": audit_id })).await;
    assert!(
        overdue_recruiters(&client)
            .await
            .contains(overdue["recruiterId"].as_str().unwrap())
    );
}

#[tokio::test]
async fn an_import_is_refused_when_its_chain_of_trust_does_not_hold() {
    let server = Server::start();
    let client = server.client();
    let admin = token("admin", "secretariat-admin", None);
    let import =
        "mutation($lines: String!) { importRecords(jsonLines: $lines) { certificationBodies auditors audits } }";
    let body = json!({ "type": "certification_body", "external_id": "body-test", "name": "Test Assurance Ltd.",
        "country": "GB", "website": null, "audit_countries": ["NP"], "status": "approved",
        "status_history": [
          { "from": null, "to": "applicant", "at": "2025-01-01T09:00:00Z", "reason": "application_received", "recorded_by": "secretariat" },
          { "from": "applicant", "to": "approved", "at": "2025-03-01T09:00:00Z", "reason": "approval_granted", "recorded_by": "secretariat" } ] });
    let certification = |number: &str, certified_at: &str| {
        json!({ "type": "certification", "external_id": format!("cert-{number}"), "recruiter": "rec-0000001",
            "certificate_number": number, "scheme": "Ethical Recruitment Standard 2.0",
            "certification_body": "Test Assurance Ltd.", "body": "body-test", "status": "certified",
            "issued_on": &certified_at[..10], "expires_on": "2028-01-01", "scope_corridors": [], "scope_sectors": [],
            "status_history": [
              { "from": null, "to": "applicant", "at": "2024-12-01T09:00:00Z", "reason": "application_received", "recorded_by": "secretariat" },
              { "from": "applicant", "to": "certified", "at": certified_at, "reason": "audit_passed", "recorded_by": "Test Assurance Ltd." } ] })
    };
    let lines = |records: &[Value]| records.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");

    // A decision before the body was approved: refused, naming the line, nothing written.
    let (code, message) = client
        .error_as(
            Some(&admin),
            import,
            json!({ "lines": lines(&[body.clone(), certification("ERS-T-1", "2025-02-01T09:00:00Z")]) }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(
        message.contains("line 2") && message.contains("while Test Assurance Ltd. was applicant"),
        "{message}"
    );
    let bodies = client.data("{ certificationBodies { totalCount } }", json!({})).await;
    assert_eq!(bodies["certificationBodies"]["totalCount"], 6);

    // A certificate naming its body otherwise than the body's record: refused.
    let mut misnamed = certification("ERS-T-2", "2025-04-01T09:00:00Z");
    misnamed["certification_body"] = json!("Someone Else Ltd.");
    let (code, message) = client
        .error_as(
            Some(&admin),
            import,
            json!({ "lines": lines(&[body.clone(), misnamed]) }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(message.contains("is named `Test Assurance Ltd.`"), "{message}");

    // An impossible approval history and an audit naming an auditor of another body: refused.
    let mut impossible = body.clone();
    impossible["status_history"][1]["to"] = json!("withdrawn");
    impossible["status_history"][1]["from"] = json!("approved");
    impossible["status"] = json!("withdrawn");
    let (code, message) = client
        .error_as(Some(&admin), import, json!({ "lines": lines(&[impossible]) }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(message.contains("status_history entry 2"), "{message}");

    // An auditor approved before completing the social-auditor course: refused.
    let untrained = json!({ "type": "auditor", "external_id": "auditor-untrained", "name": "Untrained Auditor", "body": "body-01",
        "status": "approved", "course_completed_on": null, "status_history": [
          { "from": null, "to": "applicant", "at": "2025-01-01T09:00:00Z", "reason": "application_received", "recorded_by": "secretariat" },
          { "from": "applicant", "to": "approved", "at": "2025-03-02T09:00:00Z", "reason": "approval_granted", "recorded_by": "secretariat" } ] });
    let (code, message) = client
        .error_as(Some(&admin), import, json!({ "lines": lines(&[untrained]) }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(message.contains("social-auditor course"), "{message}");

    // The same records, in order: accepted, and the body's certificate refers to it.
    let auditor = json!({ "type": "auditor", "external_id": "auditor-test", "name": "Test Auditor", "body": "body-test",
        "status": "approved", "course_completed_on": "2024-11-01", "status_history": [
          { "from": null, "to": "applicant", "at": "2025-01-01T09:00:00Z", "reason": "application_received", "recorded_by": "secretariat" },
          { "from": "applicant", "to": "approved", "at": "2025-03-02T09:00:00Z", "reason": "approval_granted", "recorded_by": "secretariat" } ] });
    let audit = json!({ "type": "audit", "external_id": "audit-test", "certification": "cert-ERS-T-3", "kind": "initial",
        "announced": true, "started_on": "2025-03-20", "ended_on": "2025-03-22", "body": "body-test",
        "lead_auditor": "auditor-test", "workers_interviewed": 12, "sites_visited": 1, "outcome": "passed",
        "findings": [{ "principle": "principle-ers-c", "rating": "conforming", "summary": "No fees were charged to workers.", "corrective_actions": [] }] });
    let imported = client
        .data_as(
            Some(&admin),
            import,
            json!({ "lines": lines(&[body, auditor, certification("ERS-T-3", "2025-04-01T09:00:00Z"), audit]) }),
        )
        .await;
    assert_eq!(
        imported["importRecords"],
        json!({ "certificationBodies": 1, "auditors": 1, "audits": 1 })
    );
    let walk = client.data(WALK, json!({ "n": "ERS-T-3" })).await;
    assert_eq!(
        walk["verifyCertificate"]["certification"]["body"]["name"],
        "Test Assurance Ltd."
    );
    assert_eq!(
        walk["verifyCertificate"]["certification"]["lastAudit"]["findings"][0]["principle"]["code"],
        "C"
    );
}

#[tokio::test]
async fn the_secretariat_keeps_the_registers_and_each_can_be_found_by_what_it_is() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "secretariat-desk", None);
    let certifier = token("certifier", "auditor-desk", Some("Sentinel Certification Ltd."));

    // A licensing authority: created, listed by country, replaced with its version.
    let save_authority = "mutation($input: LicensingAuthorityInput!, $v: Int) {
        saveLicensingAuthority(input: $input, expectedVersion: $v) { id version name country registerUrl lastReconciledAt } }";
    let authority = json!({ "externalId": "authority-ke-test", "name": "National Employment Authority", "country": "KE",
        "registerUrl": "https://www.nea.go.ke", "registerShows": "Licensed private employment agencies",
        "lastReconciledAt": "2026-11-01T08:00:00Z" });
    let (code, _) = client
        .error_as(Some(&certifier), save_authority, json!({ "input": authority }))
        .await;
    assert_eq!(code, "FORBIDDEN");
    let mut bad = authority.clone();
    bad["country"] = json!("Kenya");
    let (code, message) = client
        .error_as(Some(&editor), save_authority, json!({ "input": bad }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("ISO 3166-1"), "{message}");
    let saved = client
        .data_as(Some(&editor), save_authority, json!({ "input": authority }))
        .await;
    assert_eq!(saved["saveLicensingAuthority"]["version"], 1);
    let (code, _) = client
        .error_as(Some(&editor), save_authority, json!({ "input": authority }))
        .await;
    assert_eq!(code, "CONFLICT", "creating it twice");
    let listed = client
        .data(
            "{ licensingAuthorities(filter: { country: \"KE\" }) { nodes { name registerUrl } } }",
            json!({}),
        )
        .await;
    assert!(
        listed["licensingAuthorities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|node| node["registerUrl"] == "https://www.nea.go.ke")
    );

    // A body starts as an applicant; its details change without touching its history; it is
    // approved by a decision; its name is unique.
    let save_body = "mutation($input: CertificationBodyInput!, $v: Int) {
        saveCertificationBody(input: $input, expectedVersion: $v) { id version name status history { from to } auditCountries } }";
    let body = json!({ "externalId": "body-test", "name": "Harbour Assurance Ltd.", "country": "KE", "auditCountries": ["KE", "UG"] });
    let created =
        client.data_as(Some(&editor), save_body, json!({ "input": body })).await["saveCertificationBody"].clone();
    assert_eq!(created["status"], "APPLICANT");
    assert_eq!(created["history"], json!([{ "from": null, "to": "APPLICANT" }]));
    let mut renamed = body.clone();
    renamed["auditCountries"] = json!(["KE", "UG", "TZ"]);
    let updated = client
        .data_as(Some(&editor), save_body, json!({ "input": renamed, "v": 1 }))
        .await["saveCertificationBody"]
        .clone();
    assert_eq!(
        (updated["version"].clone(), updated["status"].clone()),
        (json!(2), json!("APPLICANT"))
    );
    assert_eq!(updated["history"].as_array().unwrap().len(), 1);
    let mut taken = body.clone();
    taken["externalId"] = json!("body-other");
    taken["name"] = json!("  sentinel certification LTD. ");
    let (code, message) = client
        .error_as(Some(&editor), save_body, json!({ "input": taken }))
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
    assert!(message.contains("certification body name"), "{message}");
    let decide = "mutation($id: ID!, $v: Int!, $to: BodyStatus!) {
        decideCertificationBody(id: $id, expectedVersion: $v, to: $to, reasonCategory: \"approval_granted\") { version status } }";
    let approved = client
        .data_as(
            Some(&editor),
            decide,
            json!({ "id": created["id"], "v": 2, "to": "APPROVED" }),
        )
        .await;
    assert_eq!(
        approved["decideCertificationBody"],
        json!({ "version": 3, "status": "APPROVED" })
    );
    let (code, _) = client
        .error_as(
            Some(&editor),
            decide,
            json!({ "id": created["id"], "v": 2, "to": "SUSPENDED" }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "a stale version");
    let found = client
        .data(
            "{ a: certificationBodies(filter: { auditsIn: \"TZ\" }) { nodes { name } }
               b: certificationBodies(filter: { status: [SUSPENDED] }) { nodes { name } }
               c: certificationBodies(filter: { country: \"KE\", status: [APPROVED] }) { nodes { name } } }",
            json!({}),
        )
        .await;
    let audits_in_tz = found["a"]["nodes"].as_array().unwrap();
    assert!(
        audits_in_tz.contains(&json!({ "name": "Harbour Assurance Ltd." })),
        "{audits_in_tz:?}"
    );
    assert_eq!(found["b"]["nodes"].as_array().unwrap().len(), 1);
    assert!(
        found["c"]["nodes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "name": "Harbour Assurance Ltd." }))
    );

    // An auditor of that body: approval needs the social-auditor course first.
    let save_auditor = "mutation($input: AuditorInput!, $v: Int) {
        saveAuditor(input: $input, expectedVersion: $v) { id version status body { name } } }";
    let auditor = json!({ "externalId": "auditor-test", "name": "Wanjiku Kamau", "body": "body-test" });
    let created = client
        .data_as(Some(&editor), save_auditor, json!({ "input": auditor }))
        .await["saveAuditor"]
        .clone();
    assert_eq!(created["body"]["name"], "Harbour Assurance Ltd.");
    let decide_auditor = "mutation($id: ID!, $v: Int!) {
        decideAuditor(id: $id, expectedVersion: $v, to: APPROVED, reasonCategory: \"approval_granted\") { version status } }";
    let (code, message) = client
        .error_as(Some(&editor), decide_auditor, json!({ "id": created["id"], "v": 1 }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(message.contains("social-auditor course"), "{message}");
    let mut trained = auditor.clone();
    trained["socialAuditorCourseCompletedOn"] = json!("2026-03-06");
    client
        .data_as(Some(&editor), save_auditor, json!({ "input": trained, "v": 1 }))
        .await;
    let approved = client
        .data_as(Some(&editor), decide_auditor, json!({ "id": created["id"], "v": 2 }))
        .await;
    assert_eq!(approved["decideAuditor"], json!({ "version": 3, "status": "APPROVED" }));
    let listed = client
        .data(
            "query($b: ID!) { auditors(filter: { body: $b, status: [APPROVED] }) { nodes { name } } }",
            json!({ "b": found_body_id(&client, "Harbour Assurance Ltd.").await }),
        )
        .await;
    assert_eq!(listed["auditors"]["nodes"], json!([{ "name": "Wanjiku Kamau" }]));

    // An import may not rewrite an approval history: it only grows.
    let admin = token("admin", "secretariat-admin", None);
    let export = server.cli(&["export", "-"]);
    let line = String::from_utf8(export.stdout)
        .unwrap()
        .lines()
        .find(|line| line.contains("\"external_id\":\"body-test\""))
        .unwrap()
        .to_owned();
    let mut rewritten: Value = serde_json::from_str(&line).unwrap();
    rewritten["status_history"][0]["reason"] = json!("invited");
    let (code, message) = client
        .error_as(
            Some(&admin),
            "mutation($l: String!) { importRecords(jsonLines: $l) { certificationBodies } }",
            json!({ "l": rewritten.to_string() }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("the history can only grow"), "{message}");

    // Search: recruiters by the body that certifies them, with the body facet.
    let searched = client
        .data(
            "{ search(query: \"\", filter: { recordTypes: [RECRUITER], certificationBody: [\"body-01\"] }, first: 100) {
                 totalCount facets { certificationBody { value count } }
                 nodes { ... on Recruiter { certifications { body { externalId } } } } } }",
            json!({}),
        )
        .await;
    let total = searched["search"]["totalCount"].as_i64().unwrap();
    assert!(total > 0);
    let facet = searched["search"]["facets"]["certificationBody"].as_array().unwrap();
    assert!(
        facet
            .iter()
            .any(|entry| entry["value"] == "body-01" && entry["count"] == total),
        "{facet:?}"
    );
    for node in searched["search"]["nodes"].as_array().unwrap() {
        assert!(
            node["certifications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["body"]["externalId"] == "body-01")
        );
    }
}

async fn found_body_id(client: &Client, name: &str) -> Value {
    let bodies = client
        .data("{ certificationBodies(first: 100) { nodes { id name } } }", json!({}))
        .await;
    bodies["certificationBodies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|body| body["name"] == name)
        .unwrap()["id"]
        .clone()
}

#[tokio::test]
async fn a_directory_written_before_audits_were_records_gets_its_due_dates_at_start() {
    use sea_orm::ConnectionTrait;
    // No response cache: the database is changed behind the server's back.
    let mut server = Server::start_with(&[("CACHE_TTL", "0")]);
    let client = server.client();
    let overdue = overdue_recruiters(&client).await;
    assert!(!overdue.is_empty());
    // As a directory migrated from before this release: no certificate has its date stored.
    let db = sea_orm::Database::connect(server.database_url())
        .await
        .expect("connect");
    db.execute_unprepared("UPDATE certification SET audit_due_on = NULL")
        .await
        .expect("clear the dates");
    db.close().await.expect("close");
    assert!(
        overdue_recruiters(&server.client()).await.is_empty(),
        "the filter reads the stored date"
    );
    server.restart();
    assert_eq!(overdue_recruiters(&server.client()).await, overdue);
}
