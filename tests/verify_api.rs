//! Bulk verification for brands: a supplier list of up to 1 000 certificate or licence numbers
//! in one request, each answered in the order asked, in a bounded number of SQL statements;
//! and the brand example (`examples/brand_check.rs`) run against a real server.

mod common;

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    process::Command,
};

use common::{Client, Server};
use serde_json::{Value, json};

/// What the directory lists, read page by page through the ordinary API.
struct Known {
    /// certificate number -> (certified today, status today, holder's legal name)
    certificates: Vec<(String, bool, String, String)>,
    /// licence number -> (holder's legal name, holder certified today)
    licences: Vec<(String, String, bool)>,
}

async fn known(client: &Client) -> Known {
    let query = "query($after: String) { recruiters(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { legalName certified certifications { certificateNumber status } licences { licenceNumber } } } }";
    let mut known = Known {
        certificates: Vec::new(),
        licences: Vec::new(),
    };
    let mut after = Value::Null;
    loop {
        let data = client.data(query, json!({ "after": after })).await;
        for node in data["recruiters"]["nodes"].as_array().unwrap() {
            let name = node["legalName"].as_str().unwrap().to_owned();
            for certification in node["certifications"].as_array().unwrap() {
                let status = certification["status"].as_str().unwrap().to_owned();
                known.certificates.push((
                    certification["certificateNumber"].as_str().unwrap().to_owned(),
                    status == "CERTIFIED",
                    status,
                    name.clone(),
                ));
            }
            for licence in node["licences"].as_array().unwrap() {
                known.licences.push((
                    licence["licenceNumber"].as_str().unwrap().to_owned(),
                    name.clone(),
                    node["certified"].as_bool().unwrap(),
                ));
            }
        }
        if data["recruiters"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["recruiters"]["pageInfo"]["endCursor"].clone();
    }
    assert!(known.certificates.len() > 100 && known.licences.len() > 100);
    known
}

/// Numbers as people type them: lower case, with spaces.
fn typed(number: &str) -> String {
    format!(" {} ", number.to_lowercase().replacen('-', " - ", 1))
}

/// 1 000 numbers: every `unknown_every`-th one unknown (each different), the others known ones
/// repeated (some typed loosely). Returns the list and, for each entry, the known index or None.
fn thousand(
    known_count: usize,
    unknown_every: usize,
    known_number: impl Fn(usize) -> String,
) -> (Vec<String>, Vec<Option<usize>>) {
    let mut numbers = Vec::new();
    let mut expected = Vec::new();
    for index in 0..1_000 {
        if index % unknown_every == 0 {
            numbers.push(format!("UNKNOWN-{index:05}"));
            expected.push(None);
        } else {
            let which = (index * 7) % known_count;
            let number = known_number(which);
            numbers.push(if index % 3 == 0 { typed(&number) } else { number });
            expected.push(Some(which));
        }
    }
    (numbers, expected)
}

const CERTIFICATES: &str = "query($numbers: [String!]!) { verifyCertificates(numbers: $numbers) {
    checkedAt receipt results { number found certified status recruiter { legalName } certification { certificateNumber } } } }";

#[tokio::test]
async fn a_thousand_certificate_numbers_are_answered_in_the_order_asked() {
    let server = Server::start();
    let client = server.client();
    let known = known(&client).await;
    let (numbers, expected) = thousand(known.certificates.len(), 4, |which| known.certificates[which].0.clone());
    let data = client.data(CERTIFICATES, json!({ "numbers": numbers })).await;
    let answer = &data["verifyCertificates"];
    assert!(answer["receipt"].is_null(), "a receipt only when asked for");
    assert!(answer["checkedAt"].is_string());
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 1_000, "every number is answered");
    let mut repeated = HashMap::new();
    for ((result, asked), expected) in results.iter().zip(&numbers).zip(&expected) {
        assert_eq!(result["number"], asked.as_str(), "answers come in the order asked");
        match expected {
            None => assert_eq!(
                (
                    &result["found"],
                    &result["certified"],
                    &result["status"],
                    &result["recruiter"]
                ),
                (&json!(false), &json!(false), &Value::Null, &Value::Null),
                "{asked}"
            ),
            Some(which) => {
                let (number, certified, status, holder) = &known.certificates[*which];
                assert_eq!(result["found"], true, "{asked}");
                assert_eq!(result["certified"], *certified, "{asked}");
                assert_eq!(result["status"], status.as_str(), "{asked}");
                assert_eq!(result["recruiter"]["legalName"], holder.as_str(), "{asked}");
                assert_eq!(result["certification"]["certificateNumber"], number.as_str());
                // A number asked again gets the same answer again.
                let first = repeated.entry(number.clone()).or_insert_with(|| result.clone());
                assert_eq!(first["certified"], result["certified"]);
            }
        }
    }
    assert!(repeated.len() < 750, "the list holds duplicates");

    // The same semantics as `verifyCertificate`, one number at a time.
    let single = "query($n: String!) { verifyCertificate(number: $n) { number found certified status } }";
    for index in [0, 1, 3, 5] {
        let one = client.data(single, json!({ "n": numbers[index] })).await;
        let result = &results[index];
        for field in ["number", "found", "certified", "status"] {
            assert_eq!(
                one["verifyCertificate"][field], result[field],
                "{field} of {}",
                numbers[index]
            );
        }
    }
}

#[tokio::test]
async fn a_thousand_licence_numbers_name_their_holders() {
    let server = Server::start();
    let client = server.client();
    let known = known(&client).await;
    let (numbers, expected) = thousand(known.licences.len(), 5, |which| known.licences[which].0.clone());
    let query = "query($numbers: [String!]!) { recruitersByLicence(numbers: $numbers) {
        checkedAt receipt results { number found certified licence { licenceNumber validToday }
          recruiter { legalName certified } certification { certificateNumber status } } } }";
    let data = client.data(query, json!({ "numbers": numbers })).await;
    let results = data["recruitersByLicence"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1_000);
    assert!(data["recruitersByLicence"]["receipt"].is_null());
    // Both kinds of holder must be among the answers, or half of the checks below never run.
    let (mut certified_holders, mut uncertified_holders) = (0, 0);
    for ((result, asked), expected) in results.iter().zip(&numbers).zip(&expected) {
        assert_eq!(result["number"], asked.as_str(), "answers come in the order asked");
        match expected {
            None => {
                assert_eq!(result["found"], false, "{asked}");
                assert_eq!(result["certified"], false, "{asked}");
                assert!(
                    result["licence"].is_null() && result["recruiter"].is_null() && result["certification"].is_null()
                );
            }
            Some(which) => {
                let (number, holder, certified) = &known.licences[*which];
                assert_eq!(result["found"], true, "{asked}");
                assert_eq!(result["licence"]["licenceNumber"], number.as_str());
                assert_eq!(result["recruiter"]["legalName"], holder.as_str(), "{asked}");
                assert_eq!(result["certified"], *certified, "{asked}");
                assert_eq!(result["recruiter"]["certified"], *certified, "{asked}");
                if *certified {
                    certified_holders += 1;
                    assert_eq!(result["certification"]["status"], "CERTIFIED", "{asked}");
                } else {
                    uncertified_holders += 1;
                }
            }
        }
    }
    assert!(
        certified_holders > 0 && uncertified_holders > 0,
        "{certified_holders} certified and {uncertified_holders} uncertified holders checked"
    );
}

#[tokio::test]
async fn more_than_a_thousand_numbers_or_a_blank_one_are_refused() {
    let server = Server::start();
    let client = server.client();
    let too_many: Vec<String> = (0..1_001).map(|n| format!("ERS-NP-2024-{n:07}")).collect();
    for field in ["verifyCertificates", "recruitersByLicence"] {
        let query = format!("query($numbers: [String!]!) {{ {field}(numbers: $numbers) {{ results {{ number }} }} }}");
        let (code, message) = client.error(&query, json!({ "numbers": too_many })).await;
        assert_eq!(code, "BAD_USER_INPUT", "{field}: {message}");
        assert!(
            message.contains("1001") && message.contains("at most 1000") && message.contains("split"),
            "{field}: {message}"
        );
        let (code, message) = client
            .error(&query, json!({ "numbers": ["ERS-NP-2024-0000001", "RL-0101", "  "] }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{field}: {message}");
        assert!(message.contains("`numbers[2]`"), "{field}: {message}");
        // An empty list is a list with nothing to check, not an error.
        let data = client.data(&query, json!({ "numbers": [] })).await;
        assert_eq!(data[field]["results"], json!([]));
    }

    // A bulk field costs its selection once per number: a modest selection for 1 000 numbers
    // fits (tested above); a sprawling one fits for a few numbers, not for 1 000.
    let sprawling = "query($numbers: [String!]!) { verifyCertificates(numbers: $numbers) { results {
        number found certified status recruiter { legalName certified partners { legalName certified } }
        certification { certificateNumber expiresOn history { from to at } } } } }";
    let numbers: Vec<String> = (0..1_000).map(|n| format!("UNKNOWN-{n}")).collect();
    let (code, message) = client.error(sprawling, json!({ "numbers": numbers })).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{message}");
    let few = client.data(sprawling, json!({ "numbers": &numbers[..10] })).await;
    assert_eq!(few["verifyCertificates"]["results"].as_array().unwrap().len(), 10);
}

/// The least statement count of five runs of `query` (the server's background work also runs
/// statements now and then); each run asks a differently ordered list, so no cache answers it.
async fn statements_for(client: &Client, query: &str, numbers: &[String]) -> u64 {
    let mut runs = Vec::new();
    for run in 0..5 {
        let mut list = numbers.to_vec();
        list.rotate_left(run);
        let before = client.statements().await;
        let data = client.data(query, json!({ "numbers": list })).await;
        let field = data.as_object().unwrap().values().next().unwrap();
        assert_eq!(field["results"].as_array().unwrap().len(), numbers.len());
        assert!(field["receipt"].is_string());
        runs.push(client.statements().await - before);
    }
    runs.into_iter().min().unwrap_or(u64::MAX)
}

/// A list of 1 000 numbers costs what a list of 10 costs, give or take one chunk: numbers are
/// looked up 500 keys per statement, holders and their certifications once for the whole list.
/// Nested fields of the holders go through the request's batch loaders, whose batches form per
/// scheduling round, so they add a few statements, never one per number. A server of its own,
/// so that no other test's queries are counted; each figure includes the one statement of the
/// counter's own `/metrics` read.
#[tokio::test]
async fn bulk_checks_cost_a_bounded_number_of_statements() {
    let server = Server::start_with(&[("CACHE_TTL", "0")]);
    let client = server.client();
    let known = known(&client).await;
    // 500 distinct unknown numbers plus known ones: more than one chunk of keys.
    let (certificates, _) = thousand(known.certificates.len(), 2, |which| known.certificates[which].0.clone());
    let (licences, _) = thousand(known.licences.len(), 2, |which| known.licences[which].0.clone());
    let cases = [
        (
            "certificates, as a brand asks",
            "query($numbers: [String!]!) { verifyCertificates(numbers: $numbers, receipt: true) { checkedAt receipt
               results { number found certified status certification { certificateNumber expiresOn }
                         recruiter { id legalName country } } } }",
            &certificates,
            2,
        ),
        (
            "licences, as a brand asks",
            "query($numbers: [String!]!) { recruitersByLicence(numbers: $numbers, receipt: true) { checkedAt receipt
               results { number found certified licence { status validToday } recruiter { id legalName country }
                         certification { certificateNumber status expiresOn } } } }",
            &licences,
            2,
        ),
        (
            "certificates with nested holder fields",
            "query($numbers: [String!]!) { verifyCertificates(numbers: $numbers, receipt: true) { receipt
               results { number found certified status recruiter { legalName certified }
                         certification { expiresOn nextAuditDue } } } }",
            &certificates,
            4,
        ),
        (
            "licences with nested holder fields",
            "query($numbers: [String!]!) { recruitersByLicence(numbers: $numbers, receipt: true) { receipt
               results { number found certified licence { validToday } recruiter { legalName certified }
                         certification { certificateNumber nextAuditDue } } } }",
            &licences,
            4,
        ),
    ];
    for (what, query, numbers, slack) in cases {
        let small = statements_for(&client, query, &numbers[..10]).await;
        let large = statements_for(&client, query, numbers).await;
        println!("{what}: 10 numbers cost {small} SQL statements, 1 000 numbers {large}");
        assert!(
            large <= small + slack,
            "{what}: 10 numbers cost {small} statements, 1 000 cost {large}"
        );
        assert!(large <= 20, "{what}: 1 000 numbers cost {large} statements");
    }
}

/// The lines of one section of the report (after its heading, up to the blank line).
fn section<'a>(report: &'a str, heading: &str) -> Vec<&'a str> {
    report
        .lines()
        .skip_while(|line| !line.starts_with(heading))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .collect()
}

/// The README's example, run as a brand would: every supplier lands on the side the API says,
/// with the reason, and the receipts are saved and verify with the published key.
#[tokio::test]
async fn the_brand_example_reports_who_is_certified_today() {
    let binary = common::example_binary("brand_check");
    let server = Server::start();
    let client = server.client();
    let suppliers = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/suppliers.csv");
    let receipts = tempfile::tempdir().unwrap();
    let output = Command::new(&binary)
        .arg(&suppliers)
        .args(["--api", &server.url, "--receipts"])
        .arg(receipts.path())
        .output()
        .expect("run brand_check");
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "brand_check failed: {}\n{report}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");

    // Every row of the CSV, on the side the API puts it.
    let certified_lines = section(&report, "Certified today");
    let not_certified_lines = section(&report, "Not certified today");
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_path(&suppliers)
        .unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 12, "the sample list has a dozen suppliers or more");
    let mut expected_certified = 0;
    for row in &rows {
        let (supplier, certificate, licence) = (&row[0], &row[2], &row[3]);
        let certified = if !certificate.is_empty() {
            let data = client
                .data(
                    "query($n: String!) { verifyCertificate(number: $n) { certified } }",
                    json!({ "n": certificate }),
                )
                .await;
            data["verifyCertificate"]["certified"] == true
        } else {
            let data = client
                .data(
                    "query($n: [String!]!) { recruitersByLicence(numbers: $n) { results { certified } } }",
                    json!({ "n": [licence] }),
                )
                .await;
            data["recruitersByLicence"]["results"][0]["certified"] == true
        };
        let (side, other) = if certified {
            (&certified_lines, &not_certified_lines)
        } else {
            (&not_certified_lines, &certified_lines)
        };
        let prefix = format!("  - {supplier} ");
        assert!(
            side.iter().any(|line| line.starts_with(&prefix)),
            "{supplier} (certified: {certified})\n{report}"
        );
        assert!(
            !other.iter().any(|line| line.starts_with(&prefix)),
            "{supplier} on both sides\n{report}"
        );
        expected_certified += usize::from(certified);
    }
    assert!(
        expected_certified >= 5 && rows.len() - expected_certified >= 5,
        "both sides are represented"
    );
    assert!(
        report.contains(&format!(
            "{} suppliers' recruiters: {expected_certified} certified today, {} not.",
            rows.len(),
            rows.len() - expected_certified
        )),
        "{report}"
    );

    // The reasons, for the rows whose status does not change with the calendar.
    let line_of = |supplier: &str| {
        not_certified_lines
            .iter()
            .find(|line| line.starts_with(&format!("  - {supplier} ")))
            .copied()
            .unwrap_or_else(|| panic!("{supplier} is not certified\n{report}"))
    };
    // The sample's dates move with the day it was loaded (`sample::sample_directory_on`).
    let expired = format!(
        "certificate ERS-PK-2021-0000111: expired on {}",
        sample_date("2024-09-19")
    );
    for (supplier, reason) in [
        (
            "Gulf Facilities Management LLC",
            "certificate ERS-AE-2025-0000095: suspended",
        ),
        ("Lahore Leather Tannery", expired.as_str()),
        ("Chennai Garment Exports", "certificate ERS-IN-2021-0000022: withdrawn"),
        (
            "Colombo Apparel",
            "certificate ERS-LK-2026-0000184: applicant, not certified yet",
        ),
        (
            "Mombasa Tea Estates",
            "certificate ERS-KE-2019-0009999: unknown to the directory",
        ),
        (
            "Leeds Care Homes Ltd.",
            "by licence GLAA0102: certificate ERS-GB-2023-0000073 is suspended",
        ),
        (
            "Kampala Flower Farms",
            "by licence MGLSD/EEU/0108: holds no certification",
        ),
        (
            "Doha Construction W.L.L.",
            "licence 999/999/999: unknown to the directory",
        ),
    ] {
        assert!(
            line_of(supplier).ends_with(reason),
            "{supplier}: expected `{reason}`\n{report}"
        );
    }
    // A number typed in lower case is matched, and shown as the directory writes it.
    assert!(report.contains("certificate ERS-MY-2022-0000098"), "{report}");
    let notes = section(&report, "Notes");
    assert!(
        notes
            .iter()
            .any(|line| line.contains("Sialkot Sports Goods: licence RL-0104 is held by another recruiter")),
        "{report}"
    );

    // Two receipts, saved where the report says, that verify with the published key alone and
    // state exactly the numbers of the list.
    let saved: Vec<(String, PathBuf)> = section(&report, "Receipts")
        .iter()
        .map(|line| {
            let (kind, rest) = line.trim_start_matches("  - ").split_once(": ").unwrap();
            let path = rest.split(" (key ").next().unwrap();
            (kind.to_owned(), PathBuf::from(path))
        })
        .collect();
    assert_eq!(
        saved.iter().map(|(kind, _)| kind.as_str()).collect::<Vec<_>>(),
        ["certificates", "licences"]
    );
    let jwks: jsonwebtoken::jwk::JwkSet = client.get("/.well-known/jwks.json").await.json().await.unwrap();
    for (kind, path) in saved {
        assert!(path.starts_with(receipts.path()), "{}", path.display());
        let token = std::fs::read_to_string(&path).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["iss"]);
        let claims =
            jsonwebtoken::decode::<Value>(&token, &jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap(), &validation)
                .unwrap()
                .claims;
        assert_eq!(claims["checked"], kind.as_str());
        let column = if kind == "certificates" { 2 } else { 3 };
        let mut seen = HashSet::new();
        let asked: Vec<&str> = rows
            .iter()
            .map(|row| &row[column])
            .filter(|number| !number.is_empty() && seen.insert(number.to_owned()))
            .collect();
        let stated: Vec<&str> = claims["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| result["number"].as_str().unwrap())
            .collect();
        assert_eq!(stated, asked, "the {kind} receipt states every number of the list");
    }

    // A list longer than one request: 1 000 numbers per request, a receipt for each.
    let long_list = receipts.path().join("long.csv");
    let mut csv_text = "supplier,certificate_number,licence_number\n".to_owned();
    for index in 0..1_050 {
        csv_text.push_str(&format!(
            "Supplier {index},UNKNOWN-CERT-{index},UNKNOWN-LICENCE-{index}\n"
        ));
    }
    csv_text.push_str("Kathmandu Knitwear Pvt. Ltd.,ERS-NP-2026-0000044,104/081/082\n");
    std::fs::write(&long_list, csv_text).unwrap();
    let long_receipts = receipts.path().join("long");
    let output = Command::new(&binary)
        .arg(&long_list)
        .args(["--api", &server.url, "--receipts"])
        .arg(&long_receipts)
        .output()
        .unwrap();
    let long_report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{}\n{long_report}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(long_report.contains("1051 suppliers' recruiters"), "{long_report}");
    let kinds: Vec<&str> = section(&long_report, "Receipts")
        .iter()
        .map(|line| line.trim_start_matches("  - ").split(':').next().unwrap())
        .collect();
    assert_eq!(kinds, ["certificates", "certificates", "licences", "licences"]);
    assert_eq!(std::fs::read_dir(&long_receipts).unwrap().count(), 4);

    // A list without the columns it needs is refused with a message saying which.
    let bad = receipts.path().join("bad.csv");
    std::fs::write(&bad, "name,number\nAcme,ERS-1\n").unwrap();
    let output = Command::new(&binary)
        .arg(&bad)
        .args(["--api", &server.url])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no `supplier` column"));
}

/// A date of the sample's tables as the sample loaded today shows it.
fn sample_date(date: &str) -> String {
    let date: chrono::NaiveDate = date.parse().expect("a date");
    let shift = chrono::Utc::now().date_naive() - directory_api::sample::taken_on();
    (date + shift).to_string()
}

/// A recruiter certified today with its NP licence in `licence` (or none).
fn gap_case(slug: &str, number: &str, certified: bool, licence: Option<(&str, &str, &str)>) -> String {
    let licences: Vec<Value> = licence
        .into_iter()
        .map(|(country, status, until)| {
            json!({"issuing_authority":"Department of Foreign Employment","country":country,
                   "licence_number":format!("L-{slug}"),"status":status,"valid_from":"2020-01-01","valid_until":until})
        })
        .collect();
    let (status, history) = if certified {
        (
            "certified",
            json!([{"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"},
                   {"from":"applicant","to":"certified","at":"2025-03-15T10:00:00Z","reason":"audit_passed","recorded_by":"secretariat"}]),
        )
    } else {
        (
            "applicant",
            json!([{"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"}]),
        )
    };
    [
        json!({"type":"recruiter","external_id":format!("rec-{slug}"),"legal_name":format!("{slug} Pvt. Ltd."),
               "slug":slug,"country":"NP","languages":["ne"],"sectors":["construction"],
               "corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none","licences":licences}),
        json!({"type":"certification","external_id":format!("cert-{slug}"),"recruiter":format!("rec-{slug}"),
               "certificate_number":number,"scheme":"Ethical Recruitment Standard 2.0","status":status,
               "issued_on":if certified { json!("2025-03-15") } else { Value::Null },
               "expires_on":if certified { json!("2099-03-14") } else { Value::Null },
               "status_history":history}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n")
}

/// Brands are warned when a certified recruiter has no valid national licence of its own
/// country (a licence gap), on the recruiter and in the verification answer.
#[tokio::test]
async fn a_certified_recruiter_without_a_valid_licence_of_its_country_has_a_licence_gap() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let cases = [
        ("licensed", "GAP-1", true, Some(("NP", "valid", "2099-01-01")), false),
        ("lapsed", "GAP-2", true, Some(("NP", "valid", "2021-01-01")), true),
        (
            "suspended-licence",
            "GAP-3",
            true,
            Some(("NP", "suspended", "2099-01-01")),
            true,
        ),
        (
            "foreign-licence",
            "GAP-4",
            true,
            Some(("QA", "valid", "2099-01-01")),
            true,
        ),
        ("unlicensed", "GAP-5", true, None, true),
        ("not-certified", "GAP-6", false, None, false),
    ];
    let lines: Vec<String> = cases
        .iter()
        .map(|(slug, number, certified, licence, _)| gap_case(slug, number, *certified, *licence))
        .collect();
    client
        .data_as(
            Some(&common::token("admin", "secretariat", None)),
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
            json!({ "l": lines.join("\n") }),
        )
        .await;
    for (slug, number, _, _, gap) in cases {
        let answer = client
            .data(
                "query($s: String!, $n: String!) { recruiter(slug: $s) { licenceGap }
                   verifyCertificate(number: $n) { licenceGap }
                   verifyCertificates(numbers: [$n]) { results { licenceGap } } }",
                json!({ "s": slug, "n": number }),
            )
            .await;
        assert_eq!(answer["recruiter"]["licenceGap"], gap, "{slug}: {answer}");
        assert_eq!(answer["verifyCertificate"]["licenceGap"], gap, "{slug}: {answer}");
        assert_eq!(
            answer["verifyCertificates"]["results"][0]["licenceGap"], gap,
            "{slug}: {answer}"
        );
    }
    let unknown = client
        .data(r#"{ verifyCertificate(number: "GAP-404") { licenceGap } }"#, json!({}))
        .await;
    assert_eq!(unknown["verifyCertificate"]["licenceGap"], Value::Null);
}
