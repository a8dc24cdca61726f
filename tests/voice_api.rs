//! Worker voice (issue 15): the complaint ledger that protects the worker, and misuse reports
//! against impersonators, against the real server.

mod common;

use common::{Client, Server, token};
use serde_json::{Value, json};

const RECORD: &str = "mutation($input: ComplaintInput!) { recordComplaint(input: $input) {
    trackingReference complaint { id caseNumber version stage categories recordedBy corridor { origin destination } } } }";

const MOVE: &str = "mutation($id: ID!, $v: Int!, $to: ComplaintStage!, $o: ComplaintOutcome, $r: Remedy) {
    moveComplaint(id: $id, expectedVersion: $v, to: $to, outcome: $o, remedy: $r) {
      version stage outcome remedy history { from to } } }";

const STATUS: &str = "query($r: String!) { complaintStatus(reference: $r) { stage outcome remedy } }";

const SUMMARY: &str = "query($id: ID!) { node(id: $id) { ... on Recruiter {
    complaintSummary { total byCategory { value count } byOutcome { value count } } } } }";

/// Every recruiter's id, slug, standing and complaint summary.
async fn summaries(client: &Client) -> Vec<Value> {
    let query = "query($after: String) { recruiters(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id slug certified complaintSummary { total byCategory { value count } byOutcome { value count } }
          certifications { id version status certificationBody } } } }";
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = client.data(query, json!({ "after": after })).await;
        out.extend(data["recruiters"]["nodes"].as_array().unwrap().iter().cloned());
        if data["recruiters"]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = data["recruiters"]["pageInfo"]["endCursor"].clone();
    }
}

async fn record(client: &Client, intake: &str, recruiter: &Value, categories: &[&str]) -> Value {
    client
        .data_as(
            Some(intake),
            RECORD,
            json!({ "input": { "recruiterId": recruiter["id"], "corridor": { "origin": "NP", "destination": "QA" },
                "categories": categories, "receivedOn": "2026-01-15" } }),
        )
        .await["recordComplaint"]
        .clone()
}

async fn resolve(client: &Client, intake: &str, complaint: &Value, outcome: &str) -> Value {
    let moved = client
        .data_as(
            Some(intake),
            MOVE,
            json!({ "id": complaint["id"], "v": complaint["version"], "to": "UNDER_INVESTIGATION" }),
        )
        .await["moveComplaint"]
        .clone();
    client
        .data_as(
            Some(intake),
            MOVE,
            json!({ "id": complaint["id"], "v": moved["version"], "to": "RESOLVED", "o": outcome }),
        )
        .await["moveComplaint"]
        .clone()
}

#[tokio::test]
async fn a_complaint_is_heard_without_exposing_the_worker() {
    let server = Server::start();
    let client = server.client();
    let intake = token("intake", "pourakhi-nepal", None);
    let other_intake = token("intake", "mrc-dhaka", None);
    let partner = token("partner", "brand-x", None);
    let admin = token("admin", "secretariat-admin", None);

    // The sample: one recruiter's summary is public, with its small counts hidden; every
    // summary anywhere holds counts of 3 or more only.
    let recruiters = summaries(&client).await;
    let shown: Vec<&Value> = recruiters.iter().filter(|r| !r["complaintSummary"].is_null()).collect();
    assert_eq!(shown.len(), 1, "one sample recruiter has enough complaints to show");
    assert_eq!(
        shown[0]["complaintSummary"],
        json!({ "total": 5,
                "byCategory": [{ "value": "documents_withheld", "count": 3 }, { "value": "recruitment_fees", "count": 4 }],
                "byOutcome": [{ "value": "upheld", "count": 3 }] }),
        "contract substitution (1) and remediated (1) are hidden"
    );
    for recruiter in &recruiters {
        let summary = &recruiter["complaintSummary"];
        if summary.is_null() {
            continue;
        }
        assert!(summary["total"].as_u64().unwrap() >= 3);
        for cell in summary["byCategory"]
            .as_array()
            .unwrap()
            .iter()
            .chain(summary["byOutcome"].as_array().unwrap())
        {
            assert!(cell["count"].as_u64().unwrap() >= 3, "{recruiter}");
        }
    }

    // Nothing in the public shapes can hold who complained.
    let shapes = client
        .data(
            "{ status: __type(name: \"ComplaintStatus\") { fields { name } }
               summary: __type(name: \"ComplaintSummary\") { fields { name } }
               count: __type(name: \"CountOf\") { fields { name } } }",
            json!({}),
        )
        .await;
    let names = |kind: &str| -> Vec<String> {
        shapes[kind]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| field["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("status"), ["stage", "outcome", "remedy"]);
    assert_eq!(names("summary"), ["total", "byCategory", "byOutcome"]);
    assert_eq!(names("count"), ["value", "count"]);

    // Only intake partners record complaints. (A certified recruiter without any complaint:
    // the admin sees which ones have some.)
    let complained = client
        .data_as(
            Some(&admin),
            "{ complaints(first: 100) { nodes { recruiter { id } } } }",
            json!({}),
        )
        .await;
    let complained: Vec<&Value> = complained["complaints"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| &node["recruiter"]["id"])
        .collect();
    assert_eq!(complained.len(), 7, "the sample's complaints");
    let quiet = recruiters
        .iter()
        .find(|r| r["certified"] == true && !complained.contains(&&r["id"]))
        .expect("a certified recruiter with no complaints");
    let input = json!({ "input": { "recruiterId": quiet["id"], "categories": ["RECRUITMENT_FEES"], "receivedOn": "2026-01-15" } });
    assert_eq!(client.error(RECORD, input.clone()).await.0, "UNAUTHENTICATED");
    assert_eq!(
        client.error_as(Some(&partner), RECORD, input.clone()).await.0,
        "FORBIDDEN"
    );
    let (code, message) = client
        .error_as(
            Some(&intake),
            RECORD,
            json!({ "input": { "recruiterId": quiet["id"], "categories": [], "receivedOn": "2026-01-15" } }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("at least one category"), "{message}");
    let (code, message) = client
        .error_as(
            Some(&intake),
            RECORD,
            json!({ "input": { "recruiterId": quiet["id"], "categories": ["OTHER"], "receivedOn": "2099-01-01" } }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("in the future"), "{message}");

    // A complaint: the worker gets a reference that shows the stage and nothing else.
    let first = record(&client, &intake, quiet, &["RECRUITMENT_FEES", "DOCUMENTS_WITHHELD"]).await;
    let reference = first["trackingReference"].as_str().unwrap().to_owned();
    assert!(reference.replace('-', "").len() >= 26, "{reference}");
    assert_eq!(first["complaint"]["stage"], "RECEIVED");
    assert_eq!(first["complaint"]["recordedBy"], "pourakhi-nepal");
    let status = client.data(STATUS, json!({ "r": reference })).await;
    assert_eq!(
        status["complaintStatus"],
        json!({ "stage": "RECEIVED", "outcome": null, "remedy": null })
    );
    let typed = reference.to_lowercase().replace('-', " ");
    let status = client.data(STATUS, json!({ "r": typed })).await;
    assert_eq!(
        status["complaintStatus"]["stage"], "RECEIVED",
        "read back however typed"
    );
    let unknown = client
        .data(STATUS, json!({ "r": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG" }))
        .await;
    assert_eq!(unknown["complaintStatus"], Value::Null);

    // Another intake partner neither sees nor moves it; a brand cannot list complaints at all.
    let theirs = client
        .data_as(
            Some(&other_intake),
            "{ complaints(first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(theirs["complaints"]["totalCount"], 0);
    let (code, _) = client
        .error_as(
            Some(&other_intake),
            MOVE,
            json!({ "id": first["complaint"]["id"], "v": 1, "to": "REFERRED" }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(
        client
            .error_as(Some(&partner), "{ complaints { totalCount } }", json!({}))
            .await
            .0,
        "FORBIDDEN"
    );
    let mine = client
        .data_as(
            Some(&intake),
            "{ complaints(first: 100) { totalCount nodes { caseNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine["complaints"]["totalCount"], 1);

    // Its stages follow their order; outcomes go with resolving only.
    let id = first["complaint"]["id"].clone();
    let (code, message) = client
        .error_as(Some(&intake), MOVE, json!({ "id": id, "v": 1, "to": "RESOLVED" }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("needs an `outcome`"), "{message}");
    let (code, message) = client
        .error_as(
            Some(&intake),
            MOVE,
            json!({ "id": id, "v": 1, "to": "RESOLVED", "o": "REMEDIATED" }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("needs a `remedy`"), "{message}");
    let (code, message) = client
        .error_as(
            Some(&intake),
            MOVE,
            json!({ "id": id, "v": 1, "to": "REFERRED", "o": "UPHELD" }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    let resolved = client
        .data_as(
            Some(&intake),
            MOVE,
            json!({ "id": id, "v": 1, "to": "RESOLVED", "o": "REMEDIATED", "r": "FEES_REIMBURSED" }),
        )
        .await["moveComplaint"]
        .clone();
    assert_eq!(
        resolved["history"],
        json!([{ "from": null, "to": "RECEIVED" }, { "from": "RECEIVED", "to": "RESOLVED" }])
    );
    let (code, message) = client
        .error_as(
            Some(&intake),
            MOVE,
            json!({ "id": id, "v": resolved["version"], "to": "REFERRED" }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert!(message.contains("may move to: closed"), "{message}");
    let (code, _) = client
        .error_as(Some(&intake), MOVE, json!({ "id": id, "v": 1, "to": "CLOSED" }))
        .await;
    assert_eq!(code, "CONFLICT", "a stale version is refused");
    let status = client.data(STATUS, json!({ "r": reference })).await;
    assert_eq!(
        status["complaintStatus"],
        json!({ "stage": "RESOLVED", "outcome": "REMEDIATED", "remedy": "FEES_REIMBURSED" })
    );

    // The summary appears at the third complaint, and each count at its third.
    let node = |recruiter: &Value| json!({ "id": recruiter["id"] });
    let second = record(&client, &intake, quiet, &["RECRUITMENT_FEES"]).await;
    assert_eq!(
        client.data(SUMMARY, node(quiet)).await["node"]["complaintSummary"],
        Value::Null,
        "two complaints show nothing"
    );
    let third = record(&client, &other_intake, quiet, &["CONTRACT_SUBSTITUTION"]).await;
    assert_eq!(
        client.data(SUMMARY, node(quiet)).await["node"]["complaintSummary"],
        json!({ "total": 3, "byCategory": [], "byOutcome": [] }),
        "three complaints: the total, but no category reaches 3"
    );
    let upheld = resolve(&client, &intake, &second["complaint"], "UPHELD").await;
    assert_eq!(upheld["outcome"], "UPHELD");
    record(&client, &other_intake, quiet, &["RECRUITMENT_FEES"]).await;
    assert_eq!(
        client.data(SUMMARY, node(quiet)).await["node"]["complaintSummary"],
        json!({ "total": 4, "byCategory": [{ "value": "recruitment_fees", "count": 3 }], "byOutcome": [] })
    );

    // A suspension cites the upheld complaint in the public history; other cases are refused.
    let certification = quiet["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "CERTIFIED")
        .expect("a certified certification");
    let certifier = token(
        "certifier",
        "body",
        Some(certification["certificationBody"].as_str().unwrap()),
    );
    let decide = "mutation($id: ID!, $v: Int!, $cases: [String!]!) { recordCertificationDecision(id: $id,
        expectedVersion: $v, to: SUSPENDED, reasonCategory: \"complaint_upheld\", complaintCases: $cases) {
        status history { to reasonCategory complaintCases } } }";
    for (case, expected) in [
        (third["complaint"]["caseNumber"].clone(), "was not upheld"),
        (json!("C-1999-000001"), "no complaint case"),
        (
            json!(shown_case(&client, &admin, &shown[0]["id"]).await),
            "about another recruiter",
        ),
    ] {
        let (code, message) = client
            .error_as(
                Some(&certifier),
                decide,
                json!({ "id": certification["id"], "v": certification["version"], "cases": [case] }),
            )
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{message}");
        assert!(message.contains(expected), "{message}");
    }
    let suspended = client
        .data_as(
            Some(&certifier),
            decide,
            json!({ "id": certification["id"], "v": certification["version"], "cases": [second["complaint"]["caseNumber"]] }),
        )
        .await;
    let history = suspended["recordCertificationDecision"]["history"].as_array().unwrap();
    assert_eq!(
        history.last().unwrap(),
        &json!({ "to": "SUSPENDED", "reasonCategory": "complaint_upheld", "complaintCases": [second["complaint"]["caseNumber"]] })
    );

    // In the audit trail, never in the public change feed.
    let trail = client
        .data_as(
            Some(&admin),
            "query($id: ID!) { auditLog(entityId: $id, first: 10) { nodes { action actor } } }",
            json!({ "id": id }),
        )
        .await;
    let actions: Vec<&str> = trail["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["complaint.stage", "complaint.create"], "{trail}");
    let feed = client
        .get("/open-data/changes?since=0&limit=100000")
        .await
        .text()
        .await
        .unwrap();
    assert!(!feed.contains("complaint\""), "the public feed names no complaint");
    assert!(!feed.contains(&reference));
}

/// The case number of one of the sample recruiter's complaints (as the admin sees them).
async fn shown_case(client: &Client, admin: &str, recruiter_id: &Value) -> String {
    let all = client
        .data_as(
            Some(admin),
            "{ complaints(first: 100) { nodes { caseNumber recruiter { id } } } }",
            json!({}),
        )
        .await;
    all["complaints"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| &node["recruiter"]["id"] == recruiter_id)
        .map(|node| node["caseNumber"].as_str().unwrap().to_owned())
        .expect("a sample complaint")
}

const REPORTS: &str = "query($status: [MisuseStatus!]) { misuseReports(first: 100, filter: { status: $status }) {
    totalCount nodes { id version kind value status publicNote details decidedOn recruiter { slug } } } }";

const REPORT: &str = "mutation($input: MisuseReportInput!) { reportMisuse(input: $input) }";

#[tokio::test]
async fn impersonators_reported_and_confirmed_are_flagged_by_the_checks() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "secretariat-editor", None);

    // The sample: two confirmed reports in public (without what reporters wrote), one awaiting
    // review that only the secretariat sees.
    let public = client.data(REPORTS, json!({ "status": null })).await["misuseReports"].clone();
    assert_eq!(public["totalCount"], 2, "{public}");
    for node in public["nodes"].as_array().unwrap() {
        assert_eq!(node["status"], "CONFIRMED");
        assert_eq!(node["details"], Value::Null);
    }
    let asked = client.data(REPORTS, json!({ "status": ["RECEIVED"] })).await["misuseReports"].clone();
    assert_eq!(asked["totalCount"], 2, "the public cannot ask for unconfirmed reports");
    let private = client.data_as(Some(&editor), REPORTS, json!({ "status": null })).await["misuseReports"].clone();
    assert_eq!(private["totalCount"], 3);
    assert!(
        private["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|node| node["details"].is_string())
    );

    // The checks warn about confirmed impersonators, however the value is spelled.
    let nodes = public["nodes"].as_array().unwrap();
    let fake_site = nodes.iter().find(|node| node["kind"] == "MARK_DISPLAY").unwrap();
    let domain = fake_site["value"]
        .as_str()
        .unwrap()
        .replace("https://", "WWW.")
        .to_uppercase()
        + "/about";
    let mark = client
        .data(
            "query($d: String!) { verifyMarkUse(domain: $d) { allowed warning } }",
            json!({ "d": domain }),
        )
        .await;
    assert_eq!(mark["verifyMarkUse"]["allowed"], false);
    assert!(
        mark["verifyMarkUse"]["warning"]
            .as_str()
            .unwrap()
            .contains("impersonator"),
        "{mark}"
    );
    let fake_page = nodes.iter().find(|node| node["kind"] == "FAKE_AGENT").unwrap();
    let page = fake_page["value"].as_str().unwrap().replace("https://www.", "m.");
    let contact = client
        .data(
            "query($v: String!) { verifyContact(value: $v) { authorised warning } }",
            json!({ "v": page }),
        )
        .await;
    assert_eq!(contact["verifyContact"]["authorised"], false);
    assert!(
        contact["verifyContact"]["warning"]
            .as_str()
            .unwrap()
            .contains("impersonator"),
        "{contact}"
    );

    // Anyone reports; nothing shows until the secretariat confirms.
    let (code, message) = client
        .error(
            REPORT,
            json!({ "input": { "kind": "MARK_DISPLAY", "value": "not a domain" } }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("invalid web domain"), "{message}");
    let (code, message) = client
        .error(
            REPORT,
            json!({ "input": { "kind": "FAKE_AGENT", "value": "+977 9801234567", "details": "x".repeat(2_001) } }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("longer than 2000"), "{message}");
    let filed = client
        .data(
            REPORT,
            json!({ "input": { "kind": "FAKE_AGENT", "value": "+977 980-1234567", "details": "asked me for 1500 USD" } }),
        )
        .await;
    assert_eq!(filed["reportMisuse"], true);
    let before = client
        .data("{ verifyContact(value: \"009779801234567\") { warning } }", json!({}))
        .await;
    assert_eq!(
        before["verifyContact"]["warning"],
        Value::Null,
        "not public before review"
    );
    let waiting = client
        .data_as(Some(&editor), REPORTS, json!({ "status": ["RECEIVED"] }))
        .await["misuseReports"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["value"] == "+977 980-1234567")
        .cloned()
        .expect("the new report, for the secretariat");
    let decide = "mutation($id: ID!, $v: Int!, $to: MisuseStatus!, $note: String) {
        decideMisuseReport(id: $id, expectedVersion: $v, to: $to, publicNote: $note) { version status publicNote } }";
    assert_eq!(
        client
            .error(
                decide,
                json!({ "id": waiting["id"], "v": waiting["version"], "to": "CONFIRMED" })
            )
            .await
            .0,
        "UNAUTHENTICATED"
    );
    let (code, message) = client
        .error_as(
            Some(&editor),
            decide,
            json!({ "id": waiting["id"], "v": waiting["version"], "to": "CONFIRMED", "note": "call fake@agent.example" }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "a public note names nobody: {message}");
    let confirmed = client
        .data_as(
            Some(&editor),
            decide,
            json!({ "id": waiting["id"], "v": waiting["version"], "to": "CONFIRMED", "note": "poses as a licensed sub-agent" }),
        )
        .await["decideMisuseReport"]
        .clone();
    assert_eq!(confirmed["status"], "CONFIRMED");
    let (code, _) = client
        .error_as(
            Some(&editor),
            decide,
            json!({ "id": waiting["id"], "v": confirmed["version"], "to": "CONFIRMED" }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let after = client
        .data(
            "{ verifyContact(value: \"009779801234567\") { authorised warning } }",
            json!({}),
        )
        .await;
    assert!(
        after["verifyContact"]["warning"]
            .as_str()
            .unwrap()
            .contains("poses as a licensed sub-agent"),
        "{after}"
    );
    let public = client.data(REPORTS, json!({ "status": null })).await["misuseReports"].clone();
    assert_eq!(public["totalCount"], 3);
}

#[tokio::test]
async fn misuse_reports_are_rate_limited_per_client() {
    let server = Server::start_with(&[("RATE_LIMIT", "100000")]);
    let client = server.client();
    for n in 0..5 {
        let filed = client
            .data(
                REPORT,
                json!({ "input": { "kind": "CERTIFICATE_NUMBER", "value": format!("ERS-FAKE-{n}") } }),
            )
            .await;
        assert_eq!(filed["reportMisuse"], true);
    }
    let (code, message) = client
        .error(
            REPORT,
            json!({ "input": { "kind": "CERTIFICATE_NUMBER", "value": "ERS-FAKE-6" } }),
        )
        .await;
    assert_eq!(code, "RATE_LIMITED");
    assert!(message.contains("5 misuse reports an hour"), "{message}");
    // Reads are not affected.
    let read = client.data("{ misuseReports { totalCount } }", json!({})).await;
    assert_eq!(read["misuseReports"]["totalCount"], 2);
}

/// Runs `directory <args>` and returns its standard output, failing with its error output.
fn run(server: &Server, args: &[&str]) -> String {
    let output = server.cli(args);
    assert!(
        output.status.success(),
        "directory {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[tokio::test]
async fn the_private_ledger_has_its_own_file_all_or_nothing_and_never_in_the_open_data() {
    let server = Server::start();
    let client = server.client();
    let admin = token("admin", "secretariat-admin", None);
    let ledger = run(&server, &["export-ledger", "-"]);
    let lines: Vec<Value> = ledger
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(
        lines.iter().filter(|line| line["type"] == "complaint").count(),
        7,
        "the sample's complaints"
    );
    assert_eq!(lines.iter().filter(|line| line["type"] == "misuse_report").count(), 3);
    for line in lines.iter().filter(|line| line["type"] == "complaint") {
        assert_eq!(
            line["reference_hash"].as_str().unwrap().len(),
            64,
            "only the hash: {line}"
        );
    }
    // The open data has none of it.
    let open = run(&server, &["export", "-"]);
    assert!(!open.contains("\"type\":\"complaint\"") && !open.contains("\"type\":\"misuse_report\""));

    // Importing it again changes nothing.
    let file = server.data_dir().join("ledger.jsonl");
    std::fs::write(&file, &ledger).expect("write the ledger");
    let again = run(&server, &["import-ledger", file.to_str().unwrap()]);
    assert!(
        again.contains("0 complaints, 0 misuse reports; 10 unchanged"),
        "{again}"
    );

    // A bad line anywhere: every one is named and nothing is written, not even the good ones.
    let mut good = lines[0].clone();
    good["case_number"] = json!("C-2026-900001");
    good["reference_hash"] = json!("ab".repeat(32));
    let mut skipped_stage = lines[0].clone();
    skipped_stage["case_number"] = json!("C-2026-900002");
    skipped_stage["reference_hash"] = json!("cd".repeat(32));
    skipped_stage["stage"] = json!("closed");
    skipped_stage["stage_history"] = json!([
        { "from": null, "to": "received", "at": "2026-01-15T09:00:00Z" },
        { "from": "closed", "to": "referred", "at": "2026-01-16T09:00:00Z" } ]);
    let mut unknown = lines[0].clone();
    unknown["case_number"] = json!("C-2026-900003");
    unknown["reference_hash"] = json!("ef".repeat(32));
    unknown["recruiter"] = json!("rec-9999999");
    let bad = [&good, &skipped_stage, &unknown]
        .iter()
        .map(|line| line.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&file, &bad).expect("write");
    let refused = server.cli(&["import-ledger", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("line 2") && said.contains("order of stages"), "{said}");
    assert!(said.contains("line 3") && said.contains("rec-9999999"), "{said}");
    assert_eq!(run(&server, &["export-ledger", "-"]), ledger, "nothing was written");

    // The good line alone lands, with its audit entry.
    std::fs::write(&file, good.to_string()).expect("write");
    let landed = run(&server, &["import-ledger", file.to_str().unwrap()]);
    assert!(landed.contains("1 complaints, 0 misuse reports"), "{landed}");
    let all = client
        .data_as(
            Some(&admin),
            "{ complaints(first: 100) { totalCount } auditLog(first: 1) { nodes { action actor } } }",
            json!({}),
        )
        .await;
    assert_eq!(all["complaints"]["totalCount"], 8);
    assert_eq!(
        all["auditLog"]["nodes"][0],
        json!({ "action": "complaint.import", "actor": "import-ledger" })
    );

    // Numbering goes on after the highest number of the year, imported ones included.
    let intake = token("intake", "pourakhi-nepal", None);
    let recruiter = client
        .data("{ recruiters(first: 1) { nodes { id } } }", json!({}))
        .await["recruiters"]["nodes"][0]
        .clone();
    let next = record(&client, &intake, &recruiter, &["OTHER"]).await;
    assert_eq!(next["complaint"]["caseNumber"], "C-2026-900002");
}
