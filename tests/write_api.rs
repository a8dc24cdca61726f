//! Writes over HTTP: tokens, roles, validation, the certification lifecycle, concurrency,
//! archiving, the audit trail and bulk import, as the secretariat and certification bodies use
//! them. Each test has a server of its own.

mod common;

use common::{Server, TEST_SECRET, now, sign, token};
use serde_json::{Value, json};

const SAVE_ORGANISATION: &str = "mutation($input: OrganisationInput!, $version: Int) {
    saveOrganisation(input: $input, expectedVersion: $version) { id externalId name version } }";

fn organisation(external_id: &str, name: &str) -> Value {
    json!({ "externalId": external_id, "name": name, "kind": "BRAND".to_lowercase(), "country": "GB", "sector": "apparel",
            "website": "https://www.example-brand.co.uk" })
}

fn recruiter(external_id: &str, slug: &str) -> Value {
    json!({ "externalId": external_id, "legalName": "Kathmandu Fair Recruitment Pvt. Ltd.", "slug": slug, "country": "NP",
            "city": "Kathmandu", "languages": ["ne", "en"], "sectors": ["construction"],
            "corridors": [{ "origin": "NP", "destination": "QA" }], "cbpLevel": "level_1",
            "licences": [{ "issuingAuthority": "Department of Foreign Employment", "country": "NP",
                           "licenceNumber": format!("LIC-{slug}"), "status": "valid", "validFrom": "2024-01-01", "validUntil": "2028-12-31" }] })
}

const SAVE_RECRUITER: &str = "mutation($input: RecruiterInput!, $version: Int) {
    saveRecruiter(input: $input, expectedVersion: $version) { id slug version certified languages } }";

async fn recruiter_count(client: &common::Client) -> u64 {
    client.data("{ recruiters { totalCount } }", json!({})).await["recruiters"]["totalCount"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn forged_expired_and_misaddressed_tokens_are_unauthenticated() {
    let server = Server::start();
    let client = server.client();
    let input = json!({ "input": organisation("org-test-1", "Tokens Ltd") });
    let claims = |overrides: Value| {
        let mut claims = json!({ "sub": "mallory", "role": "admin", "iss": "directory", "aud": "directory-api",
                                 "exp": now() + 600, "nbf": now() - 5, "iat": now() });
        for (key, value) in overrides.as_object().unwrap() {
            claims[key] = value.clone();
        }
        claims
    };
    let unsigned = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.",
            engine.encode(r#"{"alg":"none","typ":"JWT"}"#),
            engine.encode(claims(json!({})).to_string())
        )
    };
    let cases = [
        ("no token", None),
        ("alg none", Some(unsigned)),
        (
            "wrong key",
            Some(sign(&claims(json!({})), "another-secret-of-at-least-32-bytes!!")),
        ),
        (
            "expired",
            Some(sign(&claims(json!({ "exp": now() - 3600 })), TEST_SECRET)),
        ),
        (
            "not yet valid",
            Some(sign(&claims(json!({ "nbf": now() + 3600 })), TEST_SECRET)),
        ),
        (
            "wrong audience",
            Some(sign(&claims(json!({ "aud": "someone-else" })), TEST_SECRET)),
        ),
        (
            "wrong issuer",
            Some(sign(&claims(json!({ "iss": "evil" })), TEST_SECRET)),
        ),
        ("garbage", Some("not.a.token".to_owned())),
    ];
    for (case, bearer) in cases {
        let (code, message) = client
            .error_as(bearer.as_deref(), SAVE_ORGANISATION, input.clone())
            .await;
        assert_eq!(code, "UNAUTHENTICATED", "{case}: {message}");
    }
    let organisations = client
        .data("{ organisations(first: 100) { nodes { name } } }", json!({}))
        .await;
    assert!(!organisations.to_string().contains("Tokens Ltd"), "nothing was written");
    // A valid token for the same write works, and reads never need one.
    let written = client
        .data_as(Some(&token("admin", "alice", None)), SAVE_ORGANISATION, input)
        .await;
    assert_eq!(written["saveOrganisation"]["version"], 1);
}

#[tokio::test]
async fn each_role_may_do_only_its_own_writes() {
    let server = Server::start();
    let client = server.client();
    let admin = token("admin", "admin-1", None);
    let editor = token("editor", "editor-1", None);
    let sentinel = client
        .data("{ recruiters(filter: { certified: true }, first: 100) { nodes { externalId certifications { id version certificationBody status certificateNumber } } } }", json!({}))
        .await;
    let certification = sentinel["recruiters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["certifications"].as_array().unwrap().clone())
        .find(|c| c["status"] == "CERTIFIED")
        .unwrap();
    let body = certification["certificationBody"].as_str().unwrap().to_owned();
    let own_certifier = token("certifier", "auditor-1", Some(&body));
    let other_certifier = token("certifier", "auditor-2", Some("Some Other Certification Body"));
    let decide =
        "mutation($id: ID!, $v: Int!) { recordCertificationDecision(id: $id, expectedVersion: $v, to: SUSPENDED,
        reasonCategory: \"complaint_upheld\") { status version } }";
    let decision = json!({ "id": certification["id"], "v": certification["version"] });

    // Editors keep recruiters, organisations, commitments and training, not certifications.
    let (code, _) = client.error_as(Some(&editor), decide, decision.clone()).await;
    assert_eq!(code, "FORBIDDEN");
    let (code, _) = client
        .error_as(
            Some(&own_certifier),
            SAVE_ORGANISATION,
            json!({ "input": organisation("org-x", "X") }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    client
        .data_as(
            Some(&editor),
            SAVE_ORGANISATION,
            json!({ "input": organisation("org-x", "X") }),
        )
        .await;
    // A certifier acts only for its own certification body.
    let (code, message) = client.error_as(Some(&other_certifier), decide, decision.clone()).await;
    assert_eq!(code, "FORBIDDEN", "{message}");
    let decided = client.data_as(Some(&own_certifier), decide, decision).await;
    assert_eq!(decided["recordCertificationDecision"]["status"], "SUSPENDED");
    // Bulk import and the audit trail are for admins.
    let import = "mutation($l: String!) { importRecords(jsonLines: $l) { organisations unchanged } }";
    let line = r#"{"type":"organisation","external_id":"org-import-1","name":"Imported Brand","kind":"brand","country":"SE","sector":"retail","website":null}"#;
    for forbidden in [&editor, &own_certifier] {
        let (code, _) = client.error_as(Some(forbidden), import, json!({ "l": line })).await;
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = client
            .error_as(Some(forbidden), "{ auditLog(first: 5) { totalCount } }", json!({}))
            .await;
        assert_eq!(code, "FORBIDDEN");
    }
    assert_eq!(
        client.data_as(Some(&admin), import, json!({ "l": line })).await["importRecords"]["organisations"],
        1
    );
    let audit = client
        .data_as(
            Some(&admin),
            "{ auditLog(first: 3) { nodes { actor actorRole action entityType before after } } }",
            json!({}),
        )
        .await;
    let newest = &audit["auditLog"]["nodes"][0];
    assert_eq!(newest["actor"], "admin-1");
    assert_eq!(newest["action"], "organisation.create");
    let decision_entry = audit["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "certification.decision")
        .unwrap();
    assert_eq!(decision_entry["actor"], "auditor-1");
    assert!(decision_entry["before"].as_str().unwrap().contains("\"certified\""));
    assert!(decision_entry["after"].as_str().unwrap().contains("\"suspended\""));
    // The public history shows the body that recorded it, never the person.
    let public = client
        .data("query($n: String!) { verifyCertificate(number: $n) { found status certification { history { to recordedBy } } } }",
              json!({ "n": certification["certificateNumber"] }))
        .await;
    let answer = &public["verifyCertificate"];
    assert_eq!(answer["found"], true, "{public}");
    assert_eq!(answer["status"], "SUSPENDED", "{public}");
    let history = answer["certification"]["history"].as_array().expect("a history");
    let suspension = history.last().expect("the decision is in the history");
    assert_eq!(suspension["to"], "SUSPENDED");
    assert_eq!(suspension["recordedBy"], body.as_str());
    assert!(!public.to_string().contains("auditor-1"), "{public}");
}

#[tokio::test]
async fn the_certification_lifecycle_allows_exactly_its_transitions() {
    let server = Server::start();
    let client = server.client();
    let body = "Lifecycle Certification Ltd.";
    let certifier = token("certifier", "auditor", Some(body));
    let editor = token("editor", "editor", None);
    client
        .data_as(
            Some(&editor),
            SAVE_RECRUITER,
            json!({ "input": recruiter("rec-life", "lifecycle-agency") }),
        )
        .await;
    let created = client
        .data_as(
            Some(&certifier),
            "mutation { createCertification(input: { externalId: \"cert-life\", recruiter: \"rec-life\",
                certificateNumber: \"ERS-NP-2026-LIFE\", scheme: \"Ethical Recruitment Standard 2.0\",
                scopeCorridors: [{ origin: \"NP\", destination: \"QA\" }], scopeSectors: [\"construction\"] })
              { id version status certificationBody history { from to recordedBy } } }",
            json!({}),
        )
        .await["createCertification"]
        .clone();
    assert_eq!(created["status"], "APPLICANT");
    assert_eq!(created["certificationBody"], body);
    let id = created["id"].clone();
    let mut version = created["version"].as_i64().unwrap();
    let decide = "mutation($id: ID!, $v: Int!, $to: CertificationStatus!, $r: String!) {
        recordCertificationDecision(id: $id, expectedVersion: $v, to: $to, reasonCategory: $r)
        { status version issuedOn expiresOn nextAuditDue certified } }";
    // A path through every allowed transition.
    let path = [
        ("DEFERRED", "information_requested"),
        ("APPLICANT", "corrective_action_completed"),
        ("REJECTED", "application_rejected"),
        ("APPLICANT", "application_received"),
        ("CERTIFIED", "audit_passed"),
        ("CERTIFIED", "recertified"),
        ("SUSPENDED", "audit_nonconformity"),
        ("CERTIFIED", "corrective_action_completed"),
        ("WITHDRAWN", "voluntary_withdrawal"),
        ("APPLICANT", "application_received"),
        ("CERTIFIED", "audit_passed"),
        ("SUSPENDED", "complaint_upheld"),
        ("WITHDRAWN", "unresolved_nonconformity"),
        ("APPLICANT", "application_received"),
        ("CERTIFIED", "audit_passed"),
        ("EXPIRED", "certificate_expired"),
        ("APPLICANT", "application_received"),
    ];
    let allowed = |from: &str| -> &'static [&'static str] {
        match from {
            "APPLICANT" => &["DEFERRED", "REJECTED", "CERTIFIED"],
            "DEFERRED" | "REJECTED" | "WITHDRAWN" | "EXPIRED" => &["APPLICANT"],
            "CERTIFIED" => &["SUSPENDED", "WITHDRAWN", "EXPIRED", "CERTIFIED"],
            "SUSPENDED" => &["CERTIFIED", "WITHDRAWN"],
            _ => &[],
        }
    };
    let statuses = [
        "APPLICANT",
        "DEFERRED",
        "REJECTED",
        "CERTIFIED",
        "SUSPENDED",
        "WITHDRAWN",
        "EXPIRED",
    ];
    let mut visited = std::collections::BTreeSet::new();
    let mut status = "APPLICANT".to_owned();
    for (to, reason) in path {
        // Every step the lifecycle does not allow from here is refused, naming the allowed ones.
        if visited.insert(status.clone()) {
            for wrong in statuses.iter().filter(|target| !allowed(&status).contains(target)) {
                let variables = json!({ "id": id, "v": version, "to": wrong, "r": "test" });
                let (code, message) = client.error_as(Some(&certifier), decide, variables).await;
                assert_eq!(code, "CONFLICT", "{status} -> {wrong} must be refused");
                assert!(message.contains("allowed transitions are"), "{message}");
            }
        }
        let decided = client
            .data_as(
                Some(&certifier),
                decide,
                json!({ "id": id, "v": version, "to": to, "r": reason }),
            )
            .await;
        let decided = &decided["recordCertificationDecision"];
        assert_eq!(decided["status"], to);
        assert_eq!(decided["version"].as_i64().unwrap(), version + 1);
        if to == "CERTIFIED" {
            assert!(
                decided["expiresOn"].is_string() && decided["issuedOn"].is_string(),
                "{to} after {status}: {decided}"
            );
            assert!(decided["certified"].as_bool().unwrap());
            assert!(decided["expiresOn"].as_str().unwrap() > decided["issuedOn"].as_str().unwrap());
            assert!(decided["nextAuditDue"].is_string());
        }
        version += 1;
        status = to.to_owned();
    }
    assert_eq!(visited.len(), statuses.len(), "the path visits every status");
    let history = client
        .data("{ verifyCertificate(number: \" ers-np-2026 -life\") { certification { history { from to reasonCategory recordedBy } } } }", json!({}))
        .await;
    let history = history["verifyCertificate"]["certification"]["history"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(history.len(), path.len() + 1, "every transition is kept");
    assert!(history.iter().skip(1).all(|entry| entry["recordedBy"] == body));
    // A stale version is refused rather than overwriting a newer decision.
    let (code, message) = client
        .error_as(
            Some(&certifier),
            decide,
            json!({ "id": id, "v": version - 1, "to": "DEFERRED", "r": "x" }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert!(message.contains("version"), "{message}");
}

#[tokio::test]
async fn every_write_is_validated_and_all_or_nothing() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "editor", None);
    let before = recruiter_count(&client).await;
    let mut cases: Vec<(Value, &str, &str)> = Vec::new();
    let mut bad = recruiter("rec-bad", "bad-country");
    bad["country"] = json!("XX");
    cases.push((bad, "BAD_USER_INPUT", "country code"));
    let mut bad = recruiter("rec-bad", "bad-language");
    bad["languages"] = json!(["nepali"]);
    cases.push((bad, "BAD_USER_INPUT", "language"));
    let mut bad = recruiter("rec-bad", "bad-dates");
    bad["licences"][0]["validUntil"] = json!("2020-01-01");
    cases.push((bad, "BAD_USER_INPUT", "before"));
    let mut bad = recruiter("rec-bad", "bad-corridor");
    bad["corridors"] = json!([{ "origin": "NP", "destination": "NP" }]);
    cases.push((bad, "BAD_USER_INPUT", "same origin"));
    let mut bad = recruiter("rec-bad", "bad-sector");
    bad["sectors"] = json!(["mining"]);
    cases.push((bad, "BAD_USER_INPUT", "sector"));
    let mut bad = recruiter("rec-bad", "Bad Slug");
    bad["cbpLevel"] = json!("level_9");
    cases.push((bad, "BAD_USER_INPUT", "slug"));
    // An existing slug, compared without case and spaces, and a partner that does not exist.
    let taken = client
        .data("{ recruiters(first: 1) { nodes { slug } } }", json!({}))
        .await["recruiters"]["nodes"][0]["slug"]
        .clone();
    cases.push((
        recruiter("rec-bad", &taken.as_str().unwrap().to_uppercase()),
        "BAD_USER_INPUT",
        "slug",
    ));
    let duplicate = recruiter("rec-bad", taken.as_str().unwrap());
    cases.push((duplicate, "CONFLICT", "already used"));
    let mut bad = recruiter("rec-bad", "missing-partner");
    bad["partners"] = json!(["rec-does-not-exist"]);
    cases.push((bad, "BAD_USER_INPUT", "rec-does-not-exist"));
    for (input, expected, hint) in cases {
        let (code, message) = client
            .error_as(Some(&editor), SAVE_RECRUITER, json!({ "input": input }))
            .await;
        assert_eq!(code, expected, "{message}");
        assert!(message.contains(hint), "`{message}` should mention `{hint}`");
    }
    assert_eq!(
        recruiter_count(&client).await,
        before,
        "no invalid write changed anything"
    );
    let saved = client
        .data_as(
            Some(&editor),
            SAVE_RECRUITER,
            json!({ "input": recruiter("rec-good", "good-agency") }),
        )
        .await;
    assert_eq!(saved["saveRecruiter"]["version"], 1);
    assert_eq!(recruiter_count(&client).await, before + 1);
    let found = client
        .data(
            "{ recruiters(filter: { country: \"NP\", languages: [\"ne\"] }, first: 100) { nodes { slug } } }",
            json!({}),
        )
        .await;
    assert!(
        found.to_string().contains("good-agency"),
        "a write is visible to the next read"
    );
}

#[tokio::test]
async fn concurrent_updates_of_one_version_let_exactly_one_win() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "editor", None);
    let created = client
        .data_as(
            Some(&editor),
            SAVE_RECRUITER,
            json!({ "input": recruiter("rec-race", "race-agency") }),
        )
        .await;
    assert_eq!(created["saveRecruiter"]["version"], 1);
    let (code, _) = client
        .error_as(
            Some(&editor),
            SAVE_RECRUITER,
            json!({ "input": recruiter("rec-race", "race-agency") }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "creating an existing record needs expectedVersion");
    let mut first = recruiter("rec-race", "race-agency");
    first["languages"] = json!(["ne", "hi"]);
    let mut second = recruiter("rec-race", "race-agency");
    second["languages"] = json!(["ne", "ar"]);
    let (one, two) = tokio::join!(
        client.graphql_as(Some(&editor), SAVE_RECRUITER, json!({ "input": first, "version": 1 })),
        client.graphql_as(Some(&editor), SAVE_RECRUITER, json!({ "input": second, "version": 1 })),
    );
    let outcomes = [&one, &two];
    let winners: Vec<&&Value> = outcomes.iter().filter(|body| body.get("errors").is_none()).collect();
    let losers: Vec<&&Value> = outcomes.iter().filter(|body| body.get("errors").is_some()).collect();
    assert_eq!((winners.len(), losers.len()), (1, 1), "{one} {two}");
    assert_eq!(losers[0]["errors"][0]["extensions"]["code"], "CONFLICT");
    assert_eq!(winners[0]["data"]["saveRecruiter"]["version"], 2);
    let stored = client
        .data("{ recruiter(slug: \"race-agency\") { languages version } }", json!({}))
        .await;
    assert_eq!(
        stored["recruiter"]["languages"],
        winners[0]["data"]["saveRecruiter"]["languages"]
    );
}

#[tokio::test]
async fn archived_records_leave_public_results_but_stay_in_the_audit_trail() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "editor", None);
    let admin = token("admin", "admin", None);
    let target = client
        .data(
            "{ recruiters(first: 1) { totalCount nodes { id slug version } } }",
            json!({}),
        )
        .await;
    let node = &target["recruiters"]["nodes"][0];
    let total = target["recruiters"]["totalCount"].as_u64().unwrap();
    let archive = "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }";
    let (code, _) = client
        .error_as(Some(&editor), archive, json!({ "id": node["id"], "v": 99 }))
        .await;
    assert_eq!(code, "CONFLICT");
    client
        .data_as(
            Some(&editor),
            archive,
            json!({ "id": node["id"], "v": node["version"] }),
        )
        .await;
    assert_eq!(recruiter_count(&client).await, total - 1);
    let (code, _) = client
        .error(
            "query($s: String) { recruiter(slug: $s) { id } }",
            json!({ "s": node["slug"] }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(
        client
            .data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": node["id"] }))
            .await["node"],
        Value::Null
    );
    let audit = client
        .data_as(
            Some(&admin),
            "query($id: ID) { auditLog(entityId: $id) { nodes { action actor } } }",
            json!({ "id": node["id"] }),
        )
        .await;
    let actions: Vec<&str> = audit["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["recruiter.archive", "recruiter.create"]);
}

#[tokio::test]
async fn mark_rights_can_be_suspended_and_their_domains_changed() {
    let server = Server::start();
    let client = server.client();
    let admin = token("admin", "admin", None);
    let data = client
        .data("{ recruiters(filter: { certified: true }, first: 100) { nodes { markRights { id version inForce domains } } } }", json!({}))
        .await;
    let right = data["recruiters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["markRights"].as_array().unwrap().clone())
        .find(|m| m["inForce"] == true)
        .unwrap();
    let domain = right["domains"][0].as_str().unwrap().to_owned();
    let verify = "query($d: String!) { verifyMarkUse(domain: $d) { allowed status } }";
    assert_eq!(
        client.data(verify, json!({ "d": domain })).await["verifyMarkUse"]["allowed"],
        true
    );
    let change = "mutation($id: ID!, $v: Int!, $s: MarkRightStatus, $d: [String!]) {
        changeMarkRight(id: $id, expectedVersion: $v, status: $s, domains: $d) { status domains version inForce } }";
    let suspended = client
        .data_as(
            Some(&admin),
            change,
            json!({ "id": right["id"], "v": right["version"], "s": "SUSPENDED" }),
        )
        .await;
    assert_eq!(suspended["changeMarkRight"]["inForce"], false);
    assert_eq!(
        client.data(verify, json!({ "d": domain })).await["verifyMarkUse"]["status"],
        "RIGHT_SUSPENDED"
    );
    let moved = client
        .data_as(
            Some(&admin),
            change,
            json!({ "id": right["id"], "v": 2, "s": "ACTIVE", "d": ["https://www.new-domain.example.com.np/"] }),
        )
        .await;
    assert_eq!(
        moved["changeMarkRight"]["domains"],
        json!(["new-domain.example.com.np"])
    );
    assert_eq!(
        client.data(verify, json!({ "d": "new-domain.example.com.np" })).await["verifyMarkUse"]["allowed"],
        true
    );
    assert_eq!(
        client.data(verify, json!({ "d": domain })).await["verifyMarkUse"]["allowed"],
        false
    );
    client
        .data_as(
            Some(&admin),
            change,
            json!({ "id": right["id"], "v": 3, "s": "REVOKED" }),
        )
        .await;
    let (code, message) = client
        .error_as(
            Some(&admin),
            change,
            json!({ "id": right["id"], "v": 4, "s": "ACTIVE" }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
}

#[tokio::test]
async fn an_import_with_errors_changes_nothing_and_a_repeat_import_changes_nothing() {
    let server = Server::start();
    let client = server.client();
    let admin = token("admin", "admin", None);
    let import = "mutation($l: String!) { importRecords(jsonLines: $l) { organisations commitments unchanged } }";
    let good_org = r#"{"type":"organisation","external_id":"org-new-1","name":"Fairway Apparel AB","kind":"brand","country":"SE","sector":"apparel","website":"https://fairway.example.se"}"#;
    let good_commitment = r#"{"type":"commitment","external_id":"com-new-1","organisation":"org-new-1","framework":"Employer Pays Principle","scope":"whole_supply_chain","sectors":["apparel"],"corridors":[{"origin":"BD","destination":"MY"}],"made_on":"2025-02-01","statement_url":"https://fairway.example.se/epp","status":"active"}"#;
    let bad_country = r#"{"type":"organisation","external_id":"org-new-2","name":"Nowhere Ltd","kind":"brand","country":"XX","sector":null,"website":null}"#;
    let typo_field = r#"{"type":"organisation","external_id":"org-new-3","name":"Typo Ltd","kind":"brand","country":"GB","sectr":"retail"}"#;
    let dangling = r#"{"type":"commitment","external_id":"com-new-2","organisation":"org-missing","framework":"Employer Pays Principle","scope":"own_operations","made_on":"2025-02-01","status":"active"}"#;
    let file = [good_org, bad_country, good_commitment, typo_field].join("\n");
    let body = client.graphql_as(Some(&admin), import, json!({ "l": file })).await;
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    let lines: Vec<u64> = error["extensions"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        [4],
        "unparseable lines are reported first, before any record is checked"
    );
    let file = [good_org, bad_country, good_commitment, dangling].join("\n");
    let body = client.graphql_as(Some(&admin), import, json!({ "l": file })).await;
    let lines: Vec<u64> = body["errors"][0]["extensions"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2], "{body}");
    let organisations = client
        .data("{ organisations(first: 100) { totalCount nodes { name } } }", json!({}))
        .await;
    assert!(
        !organisations.to_string().contains("Fairway"),
        "nothing of a failed import lands"
    );

    let file = [good_org, good_commitment].join("\n");
    let first = client.data_as(Some(&admin), import, json!({ "l": file })).await;
    assert_eq!(
        first["importRecords"],
        json!({ "organisations": 1, "commitments": 1, "unchanged": 0 })
    );
    let again = client.data_as(Some(&admin), import, json!({ "l": file })).await;
    assert_eq!(
        again["importRecords"],
        json!({ "organisations": 0, "commitments": 0, "unchanged": 2 })
    );
    let corridor = client.data("{ corridor(origin: \"BD\", destination: \"MY\") { commitments(first: 100) { nodes { organisation { name } } } } }", json!({})).await;
    assert!(corridor.to_string().contains("Fairway Apparel AB"));
}

#[tokio::test]
async fn directory_token_mints_tokens_the_server_accepts() {
    let server = Server::start();
    let client = server.client();
    let output = server.cli(&["token", "--role", "editor", "--sub", "operator-7", "--ttl", "10m"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let minted = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let saved = client
        .data_as(
            Some(&minted),
            SAVE_ORGANISATION,
            json!({ "input": organisation("org-cli", "CLI Ltd") }),
        )
        .await;
    assert_eq!(saved["saveOrganisation"]["name"], "CLI Ltd");
    let refused = server.cli(&["token", "--role", "certifier", "--sub", "auditor"]);
    assert!(
        !refused.status.success(),
        "a certifier token needs its certification body"
    );
}

#[tokio::test]
async fn export_then_import_into_an_empty_directory_then_export_is_identical() {
    let original = Server::start();
    let empty = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let first = original.data_dir().join("first.jsonl");
    let second = empty.data_dir().join("second.jsonl");
    let output = original.cli(&["export", first.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(recruiter_count(&empty.client()).await, 0);
    let output = empty.cli(&["import", first.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let output = empty.cli(&["export", second.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (first, second) = (
        std::fs::read_to_string(first).unwrap(),
        std::fs::read_to_string(second).unwrap(),
    );
    assert!(
        first.lines().count() > 600,
        "the export holds the whole sample directory"
    );
    assert!(first == second, "the round trip changed the export");
    // The import ran in another process: the server's cached answers follow the change log
    // within a second.
    let expected = recruiter_count(&original.client()).await;
    let started = std::time::Instant::now();
    while recruiter_count(&empty.client()).await != expected {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "the server did not follow the import"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Importing the same file again changes nothing.
    let again = empty.cli(&["import", empty.data_dir().join("second.jsonl").to_str().unwrap()]);
    let report = String::from_utf8_lossy(&again.stdout);
    assert!(
        report.contains("imported 0 records") && report.contains(&format!("{} unchanged", first.lines().count())),
        "{report}"
    );
    // A file with a bad line is refused whole, naming the line.
    let broken = empty.data_dir().join("broken.jsonl");
    std::fs::write(&broken, format!("{}\n{{\"type\":\"organisation\",\"external_id\":\"org-z\",\"name\":\"Z\",\"kind\":\"brand\",\"country\":\"ZZ\"}}\n", first.lines().next().unwrap())).unwrap();
    let refused = empty.cli(&["import", broken.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// Every role against every kind of write: allowed ones succeed, the others are refused with
/// `FORBIDDEN` (or `UNAUTHENTICATED` without a token) and change nothing.
#[tokio::test]
async fn the_role_matrix_holds_for_every_kind_of_write() {
    let server = Server::start();
    let client = server.client();
    let sample = client
        .data("{ recruiters(filter: { certified: true }, first: 1) { nodes { externalId certifications { certificationBody } } }
                 organisations(first: 1) { nodes { externalId } } trainingProviders(first: 1) { nodes { externalId } } }", json!({}))
        .await;
    let recruiter_id = sample["recruiters"]["nodes"][0]["externalId"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = sample["recruiters"]["nodes"][0]["certifications"][0]["certificationBody"]
        .as_str()
        .unwrap()
        .to_owned();
    let organisation_id = sample["organisations"]["nodes"][0]["externalId"]
        .as_str()
        .unwrap()
        .to_owned();
    let provider_id = sample["trainingProviders"]["nodes"][0]["externalId"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens = [
        ("admin", Some(token("admin", "a", None))),
        ("editor", Some(token("editor", "e", None))),
        ("certifier", Some(token("certifier", "c", Some(&body)))),
        (
            "other-certifier",
            Some(token("certifier", "o", Some("Another Body Ltd."))),
        ),
        ("anonymous", None),
    ];
    for (role, bearer) in &tokens {
        let suffix = role.replace('-', "");
        let writes: Vec<(&str, String, Value, &[&str])> = vec![
            (
                "saveRecruiter",
                SAVE_RECRUITER.to_owned(),
                json!({ "input": recruiter(&format!("rec-{suffix}"), &format!("matrix-{suffix}")) }),
                &["admin", "editor"],
            ),
            (
                "saveOrganisation",
                SAVE_ORGANISATION.to_owned(),
                json!({ "input": organisation(&format!("org-{suffix}"), "Matrix Brand") }),
                &["admin", "editor"],
            ),
            (
                "saveCommitment",
                "mutation($i: CommitmentInput!) { saveCommitment(input: $i) { id } }".to_owned(),
                json!({ "i": { "externalId": format!("com-{suffix}"), "organisation": organisation_id, "framework": "Employer Pays Principle",
                            "scope": "own_operations", "madeOn": "2025-01-01", "status": "active" } }),
                &["admin", "editor"],
            ),
            (
                "saveTrainingProvider",
                "mutation($i: TrainingProviderInput!) { saveTrainingProvider(input: $i) { id } }".to_owned(),
                json!({ "i": { "externalId": format!("tp-{suffix}"), "name": "Matrix Academy", "kind": "ngo", "countries": ["NP"], "languages": ["ne"] } }),
                &["admin", "editor"],
            ),
            (
                "saveTrainingListing",
                "mutation($i: TrainingListingInput!) { saveTrainingListing(input: $i) { id } }".to_owned(),
                json!({ "i": { "externalId": format!("tl-{suffix}"), "provider": provider_id, "title": "Matrix course", "programme": "cbp_entry",
                            "audience": "recruiters", "delivery": "online", "languages": ["en"] } }),
                &["admin", "editor"],
            ),
            (
                "createCertification",
                "mutation($i: NewCertificationInput!) { createCertification(input: $i) { id } }".to_owned(),
                json!({ "i": { "externalId": format!("cert-{suffix}"), "recruiter": recruiter_id, "certificateNumber": format!("ERS-M-{suffix}"),
                            "scheme": "Ethical Recruitment Standard 2.0" } }),
                &["admin", "certifier", "other-certifier"],
            ),
            (
                "saveMarkRight",
                "mutation($i: MarkRightInput!) { saveMarkRight(input: $i) { id } }".to_owned(),
                json!({ "i": { "externalId": format!("tm-{suffix}"), "recruiter": recruiter_id, "licenceNumber": format!("TM-M-{suffix}"),
                            "mark": "ERS Certified Recruiter", "media": ["website"], "domains": [format!("{suffix}.example.org")],
                            "grantedOn": "2025-01-01", "status": "active" } }),
                &["admin", "certifier"],
            ),
            (
                "importRecords",
                "mutation($l: String!) { importRecords(jsonLines: $l) { organisations } }".to_owned(),
                json!({ "l": format!(r#"{{"type":"organisation","external_id":"org-imp-{suffix}","name":"Imported","kind":"brand","country":"SE"}}"#) }),
                &["admin"],
            ),
            (
                "auditLog",
                "{ auditLog(first: 1) { totalCount } }".to_owned(),
                json!({}),
                &["admin"],
            ),
        ];
        for (name, query, variables, allowed) in writes {
            let response = client.graphql_as(bearer.as_deref(), &query, variables).await;
            let code = response["errors"][0]["extensions"]["code"].as_str().map(str::to_owned);
            if allowed.contains(role) {
                assert_eq!(code, None, "{role} may {name}: {response}");
            } else if bearer.is_none() {
                assert_eq!(code.as_deref(), Some("UNAUTHENTICATED"), "{role} {name}: {response}");
            } else {
                assert_eq!(code.as_deref(), Some("FORBIDDEN"), "{role} may not {name}: {response}");
            }
        }
    }
}

#[tokio::test]
async fn partners_may_be_named_before_their_own_line() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let admin = token("admin", "admin", None);
    let line = |external_id: &str, slug: &str, country: &str, partner: &str| {
        json!({ "type": "recruiter", "external_id": external_id, "legal_name": format!("{slug} agency"), "slug": slug,
                "country": country, "languages": ["en"], "sectors": ["construction"],
                "corridors": [{ "origin": "NP", "destination": "QA" }], "cbp_level": "none", "partners": [partner] })
        .to_string()
    };
    let file = [
        line("rec-a", "sending-side", "NP", "rec-b"),
        line("rec-b", "receiving-side", "QA", "rec-a"),
    ]
    .join("\n");
    let imported = client
        .data_as(
            Some(&admin),
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
            json!({ "l": file }),
        )
        .await;
    assert_eq!(imported["importRecords"]["recruiters"], 2);
    let partners = client
        .data("{ recruiter(slug: \"sending-side\") { partners { slug } } }", json!({}))
        .await;
    assert_eq!(
        partners["recruiter"]["partners"],
        json!([{ "slug": "receiving-side" }]),
        "one partnership, named from both ends"
    );
    let dangling = line("rec-c", "lonely-side", "NP", "rec-nobody");
    let (code, message) = client
        .error_as(
            Some(&admin),
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
            json!({ "l": dangling }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("rec-nobody"), "{message}");
}

/// A re-imported record replaces its lists, and the filters over them follow: the old values no
/// longer find it, the new ones do.
#[tokio::test]
async fn replacing_a_records_lists_moves_it_between_filters() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let admin = token("admin", "admin", None);
    let file = |sector: &str, country: &str, language: &str| {
        [
            json!({ "type": "organisation", "external_id": "org-l", "name": "Lists Ltd", "kind": "brand", "country": "GB" }),
            json!({ "type": "commitment", "external_id": "com-l", "organisation": "org-l", "framework": "Employer Pays Principle",
                    "scope": "own_operations", "sectors": [sector], "made_on": "2025-02-01", "status": "active" }),
            json!({ "type": "training_provider", "external_id": "tp-l", "name": "Lists Training", "kind": "ngo",
                    "countries": [country], "languages": [language] }),
            json!({ "type": "training_listing", "external_id": "tl-l", "provider": "tp-l", "title": "Know your rights",
                    "programme": "cbp_entry", "audience": "migrant_workers", "delivery": "online", "languages": [language] }),
        ]
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
    };
    let import =
        "mutation($l: String!) { importRecords(jsonLines: $l) { commitments trainingProviders trainingListings } }";
    async fn found(client: &common::Client, sector: &str, country: &str, language: &str) -> [u64; 4] {
        let data = client
            .data(
                "query($s: String!, $c: String!, $l: String!) {
                   commitments(filter: { sector: $s }) { totalCount }
                   byCountry: trainingProviders(filter: { country: $c }) { totalCount }
                   byLanguage: trainingProviders(filter: { language: $l }) { totalCount }
                   trainingListings(filter: { language: $l }) { totalCount } }",
                json!({ "s": sector, "c": country, "l": language }),
            )
            .await;
        [
            data["commitments"]["totalCount"].as_u64().unwrap(),
            data["byCountry"]["totalCount"].as_u64().unwrap(),
            data["byLanguage"]["totalCount"].as_u64().unwrap(),
            data["trainingListings"]["totalCount"].as_u64().unwrap(),
        ]
    }
    let first = client
        .data_as(Some(&admin), import, json!({ "l": file("apparel", "NP", "ne") }))
        .await;
    assert_eq!(first["importRecords"]["commitments"], 1, "{first}");
    assert_eq!(found(&client, "apparel", "NP", "ne").await, [1, 1, 1, 1]);
    assert_eq!(found(&client, "construction", "QA", "ar").await, [0, 0, 0, 0]);

    let second = client
        .data_as(Some(&admin), import, json!({ "l": file("construction", "QA", "ar") }))
        .await;
    assert_eq!(second["importRecords"]["trainingListings"], 1, "{second}");
    assert_eq!(
        found(&client, "apparel", "NP", "ne").await,
        [0, 0, 0, 0],
        "the old values are gone"
    );
    assert_eq!(
        found(&client, "construction", "QA", "ar").await,
        [1, 1, 1, 1],
        "the new values find it"
    );
}

/// On SQLite, `directory import` leaves no write-ahead log behind: its one transaction is
/// checkpointed into the database file, so the server's reads do not look every page up in a
/// log as large as the import (a server that only reads never checkpoints it).
#[tokio::test]
async fn an_import_leaves_no_write_ahead_log_behind() {
    if common::database_url().is_some() {
        return; // PostgreSQL: no such log; the import vacuums and analyses instead.
    }
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let lines: Vec<String> = (0..400)
        .map(|n| {
            json!({ "type": "recruiter", "external_id": format!("rec-wal-{n}"), "legal_name": format!("Agency number {n} Pvt. Ltd."),
                    "slug": format!("agency-{n}"), "country": "NP", "languages": ["en", "ne"], "sectors": ["construction"],
                    "corridors": [{ "origin": "NP", "destination": "QA" }, { "origin": "NP", "destination": "MY" }],
                    "cbp_level": "none", "description": "A recruiter written to grow the write-ahead log. ".repeat(8) })
            .to_string()
        })
        .collect();
    let file = server.data_dir().join("wal.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write the file");
    let output = server.cli(&["import", file.to_str().expect("path")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let wal = server.data_dir().join("directory.sqlite3-wal");
    let size = std::fs::metadata(&wal).map_or(0, |metadata| metadata.len());
    assert!(size < 32 * 1024, "the import left a write-ahead log of {size} bytes");
    let count = server
        .client()
        .data("{ recruiters(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(count["recruiters"]["totalCount"], 400);
}

/// A file is not refused for how it spells a host name: an import (and `saveMarkRight`) stores
/// each in its canonical form, says how many it changed, and `verifyMarkUse` finds them in any
/// spelling.
#[tokio::test]
async fn host_names_are_taken_in_any_spelling_and_stored_canonically() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let admin = token("admin", "admin-1", None);
    let lines = [
        json!({"type":"recruiter","external_id":"rec-hosts","legal_name":"Host Spelling Manpower","trading_names":[],
               "slug":"host-spelling-manpower","country":"NP","languages":["ne"],"sectors":["construction"],
               "corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none"}),
        json!({"type":"certification","external_id":"cert-hosts","recruiter":"rec-hosts","certificate_number":"ERS-HOSTS-1",
               "scheme":"Ethical Recruitment Standard 2.0","certification_body":"Sentinel Certification Ltd.","status":"certified",
               "issued_on":"2025-03-15","expires_on":"2099-03-14","scope_corridors":[],"scope_sectors":[],
               "status_history":[
                 {"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"},
                 {"from":"applicant","to":"certified","at":"2025-03-15T10:00:00Z","reason":"audit_passed","recorded_by":"secretariat"}]}),
        json!({"type":"trademark_right","external_id":"tm-hosts","recruiter":"rec-hosts","licence_number":"TM-HOSTS-1",
               "mark":"ERS Certified Recruiter","media":["website"],"granted_on":"2025-04-01","expires_on":null,"status":"active",
               "domains":["https://www.Host-Spelling.COM./jobs?lang=ne", "Bücher-Agentur.example", "host-spelling.com"]}),
    ];
    let text = lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let imported = client
        .data_as(
            Some(&admin),
            "mutation($l: String!) { importRecords(jsonLines: $l) { trademarkRights normalised } }",
            json!({ "l": text }),
        )
        .await;
    assert_eq!(
        imported["importRecords"],
        json!({ "trademarkRights": 1, "normalised": 2 })
    );
    let rights = "{ recruiter(slug: \"host-spelling-manpower\") { markRights { domains } } }";
    let stored = client.data(rights, json!({})).await;
    assert_eq!(
        stored["recruiter"]["markRights"][0]["domains"],
        json!(["host-spelling.com", "xn--bcher-agentur-wob.example"]),
        "{stored}"
    );
    for spelling in [
        "host-spelling.com",
        "WWW.HOST-SPELLING.COM",
        "bücher-agentur.example",
        "xn--bcher-agentur-wob.example",
    ] {
        let answer = client
            .data(
                "query($d: String!) { verifyMarkUse(domain: $d) { allowed } }",
                json!({ "d": spelling }),
            )
            .await;
        assert_eq!(answer["verifyMarkUse"]["allowed"], true, "{spelling}: {answer}");
    }
    // A mutation takes the same spellings.
    let version = client
        .data(
            "{ recruiter(slug: \"host-spelling-manpower\") { markRights { version } } }",
            json!({}),
        )
        .await["recruiter"]["markRights"][0]["version"]
        .clone();
    let saved = client
        .data_as(
            Some(&admin),
            "mutation($i: MarkRightInput!, $v: Int) { saveMarkRight(input: $i, expectedVersion: $v) { domains } }",
            json!({ "i": { "externalId": "tm-hosts", "recruiter": "rec-hosts", "licenceNumber": "TM-HOSTS-1",
                           "mark": "ERS Certified Recruiter", "media": ["website"], "grantedOn": "2025-04-01", "status": "active",
                           "domains": ["http://Shop.Host-Spelling.com:8443/", "host-spelling.com"] },
                    "v": version }),
        )
        .await;
    assert_eq!(
        saved["saveMarkRight"]["domains"],
        json!(["shop.host-spelling.com", "host-spelling.com"])
    );
}
