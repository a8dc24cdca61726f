//! Checks a brand's supplier list against the directory: which of the recruiters its suppliers
//! use are certified today, which are not and why, with signed receipts as proof of the check.
//!
//! ```sh
//! cargo run --example brand_check -- examples/suppliers.csv [--api http://127.0.0.1:8080] [--receipts DIR]
//! ```
//!
//! `--api` defaults to a directory running locally (`cargo run`), `--receipts` to
//! `./brand-check-receipts`.
//!
//! The CSV has a header row naming its columns: `supplier`, and `certificate_number` and/or
//! `licence_number` (the recruiter's certificate and national licence); an optional
//! `recruiter` column (the name the supplier gave) is shown beside the directory's name. Every
//! certificate number goes in one `verifyCertificates` request and every licence number in one
//! `recruitersByLicence` request (in chunks of 1 000), each asking for a receipt: a JWS the
//! directory signs, checked here against its published keys and saved for the brand's records.
//!
//! Copy it freely: it needs `reqwest`, `serde_json`, `tokio`, `csv` and `jsonwebtoken`.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::ExitCode,
};

use serde_json::{Value, json};

/// The most numbers the API checks in one request.
const CHUNK: usize = 1_000;

const CERTIFICATES_QUERY: &str = "query($numbers: [String!]!) {
  verifyCertificates(numbers: $numbers, receipt: true) {
    checkedAt receipt
    results { number found certified status
              certification { certificateNumber expiresOn }
              recruiter { id legalName country } }
  }
}";

const LICENCES_QUERY: &str = "query($numbers: [String!]!) {
  recruitersByLicence(numbers: $numbers, receipt: true) {
    checkedAt receipt
    results { number found certified
              licence { status validToday }
              recruiter { id legalName country }
              certification { certificateNumber status expiresOn } }
  }
}";

struct Options {
    csv: PathBuf,
    api: String,
    receipts: PathBuf,
}

/// One line of the supplier list.
struct Row {
    supplier: String,
    recruiter: Option<String>,
    certificate: Option<String>,
    licence: Option<String>,
}

/// What the directory answered for one list of numbers, and the receipts that prove it.
#[derive(Default)]
struct Answers {
    by_number: HashMap<String, Value>,
    receipts: Vec<String>,
    checked_at: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n\nusage: brand_check SUPPLIERS.csv [--api URL] [--receipts DIR]");
            return ExitCode::from(2);
        }
    };
    match run(&options).await {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("brand_check: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let mut csv = None;
    let mut api = "http://127.0.0.1:8080".to_owned();
    let mut receipts = PathBuf::from("brand-check-receipts");
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--api" => api = args.next().ok_or("--api needs a URL")?,
            "--receipts" => receipts = args.next().ok_or("--receipts needs a directory")?.into(),
            "-h" | "--help" => return Err("checks a supplier list against the directory".to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path if csv.is_none() => csv = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    Ok(Options {
        csv: csv.ok_or("give the supplier list: a CSV file")?,
        api: api.trim_end_matches('/').to_owned(),
        receipts,
    })
}

async fn run(options: &Options) -> Result<String, String> {
    let rows = read_rows(&options.csv)?;
    let http = reqwest::Client::new();
    let certificates = distinct(rows.iter().filter_map(|row| row.certificate.clone()));
    let licences = distinct(rows.iter().filter_map(|row| row.licence.clone()));
    let certificate_answers = ask(
        &http,
        &options.api,
        CERTIFICATES_QUERY,
        "verifyCertificates",
        &certificates,
    )
    .await?;
    let licence_answers = ask(&http, &options.api, LICENCES_QUERY, "recruitersByLicence", &licences).await?;

    let keys = fetch_keys(&http, &options.api).await?;
    std::fs::create_dir_all(&options.receipts)
        .map_err(|error| format!("cannot create {}: {error}", options.receipts.display()))?;
    let stamp = file_stamp(
        certificate_answers
            .checked_at
            .as_deref()
            .or(licence_answers.checked_at.as_deref()),
    );
    let mut saved = Vec::new();
    for (kind, answers) in [("certificates", &certificate_answers), ("licences", &licence_answers)] {
        for (index, receipt) in answers.receipts.iter().enumerate() {
            let kid = verify_receipt(receipt, &keys)
                .map_err(|error| format!("the {kind} receipt does not verify: {error}"))?;
            let path = options
                .receipts
                .join(format!("brand-check-{stamp}-{kind}-{}.jws", index + 1));
            std::fs::write(&path, receipt).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            saved.push((kind, path, kid));
        }
    }
    Ok(report(options, &rows, &certificate_answers, &licence_answers, &saved))
}

fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .comment(Some(b'#'))
        .from_path(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|error| format!("{}: {error}", path.display()))?
        .clone();
    let column = |name: &str| headers.iter().position(|header| header.eq_ignore_ascii_case(name));
    let supplier = column("supplier").ok_or_else(|| format!("{}: no `supplier` column", path.display()))?;
    let recruiter = column("recruiter");
    let certificate = column("certificate_number");
    let licence = column("licence_number");
    if certificate.is_none() && licence.is_none() {
        return Err(format!(
            "{}: give a `certificate_number` or a `licence_number` column (or both)",
            path.display()
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| format!("{}: {error}", path.display()))?;
        let field = |index: Option<usize>| {
            index
                .and_then(|index| record.get(index))
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        rows.push(Row {
            supplier: field(Some(supplier)).unwrap_or_else(|| "(no supplier name)".to_owned()),
            recruiter: field(recruiter),
            certificate: field(certificate),
            licence: field(licence),
        });
    }
    Ok(rows)
}

/// The numbers in first-seen order, each once.
fn distinct(numbers: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    numbers.filter(|number| seen.insert(number.clone())).collect()
}

/// Asks `field` about `numbers`, 1 000 at a time.
async fn ask(
    http: &reqwest::Client,
    api: &str,
    query: &str,
    field: &str,
    numbers: &[String],
) -> Result<Answers, String> {
    let mut answers = Answers::default();
    for chunk in numbers.chunks(CHUNK) {
        let response = http
            .post(format!("{api}/graphql"))
            .json(&json!({ "query": query, "variables": { "numbers": chunk } }))
            .send()
            .await
            .map_err(|error| format!("cannot reach the directory at {api}: {error}"))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|error| format!("{api} answered HTTP {status} without JSON: {error}"))?;
        if let Some(error) = body["errors"].get(0) {
            return Err(format!(
                "{field}: {} ({})",
                error["message"].as_str().unwrap_or("error"),
                error["extensions"]["code"].as_str().unwrap_or("no code")
            ));
        }
        let data = &body["data"][field];
        let results = data["results"]
            .as_array()
            .ok_or_else(|| format!("{field}: no results in the answer"))?;
        for result in results {
            let number = result["number"].as_str().unwrap_or_default().to_owned();
            answers.by_number.insert(number, result.clone());
        }
        if let Some(receipt) = data["receipt"].as_str() {
            answers.receipts.push(receipt.to_owned());
        }
        if let Some(checked_at) = data["checkedAt"].as_str() {
            answers.checked_at.get_or_insert_with(|| checked_at.to_owned());
        }
    }
    Ok(answers)
}

async fn fetch_keys(http: &reqwest::Client, api: &str) -> Result<jsonwebtoken::jwk::JwkSet, String> {
    http.get(format!("{api}/.well-known/jwks.json"))
        .send()
        .await
        .map_err(|error| format!("cannot fetch the directory's keys: {error}"))?
        .json()
        .await
        .map_err(|error| format!("the directory's keys are not a JWK Set: {error}"))
}

/// Checks a receipt's signature with the directory's published key; returns the key's id.
fn verify_receipt(receipt: &str, keys: &jsonwebtoken::jwk::JwkSet) -> Result<String, String> {
    let header = jsonwebtoken::decode_header(receipt).map_err(|error| error.to_string())?;
    let kid = header.kid.ok_or("it names no key")?;
    let jwk = keys.find(&kid).ok_or_else(|| format!("key {kid} is not published"))?;
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).map_err(|error| error.to_string())?;
    let algorithm = jwk
        .common
        .key_algorithm
        .and_then(|algorithm| jsonwebtoken::Algorithm::try_from(algorithm).ok())
        .ok_or("the key names no algorithm")?;
    let mut validation = jsonwebtoken::Validation::new(algorithm);
    // A receipt records a moment; it does not expire.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["iss"]);
    jsonwebtoken::decode::<Value>(receipt, &key, &validation).map_err(|error| error.to_string())?;
    Ok(kid)
}

/// `2026-11-23T10:04:05.123Z` -> `20261123T100405Z`, for file names.
fn file_stamp(checked_at: Option<&str>) -> String {
    let Some(checked_at) = checked_at else {
        return "unchecked".to_owned();
    };
    let seconds: String = checked_at
        .chars()
        .take(19)
        .filter(|character| character.is_ascii_alphanumeric())
        .collect();
    format!("{seconds}Z")
}

/// The verdict on one row: certified today or not, and the sentence that says why.
fn verdict(row: &Row, certificates: &Answers, licences: &Answers) -> (bool, String, Vec<String>) {
    let mut notes = Vec::new();
    let licence_answer = row.licence.as_ref().and_then(|number| licences.by_number.get(number));
    if let Some(number) = &row.certificate {
        let answer = certificates.by_number.get(number).cloned().unwrap_or(Value::Null);
        if let (Some(licence_number), Some(licence)) = (&row.licence, licence_answer) {
            notes.extend(licence_note(licence_number, licence, &answer["recruiter"]));
        }
        if answer["found"] != true {
            return (false, format!("certificate {number}: unknown to the directory"), notes);
        }
        let holder = holder(&answer["recruiter"]);
        // The number as the directory writes it (matching ignores case and spaces).
        let number = answer["certification"]["certificateNumber"].as_str().unwrap_or(number);
        let expires = answer["certification"]["expiresOn"].as_str().unwrap_or("?");
        if answer["certified"] == true {
            return (
                true,
                format!("{holder}, certificate {number}, valid until {expires}"),
                notes,
            );
        }
        let why = match answer["status"].as_str().unwrap_or("UNKNOWN") {
            "EXPIRED" => format!("expired on {expires}"),
            "APPLICANT" => "applicant, not certified yet".to_owned(),
            "DEFERRED" => "deferred, application incomplete".to_owned(),
            other => other.to_lowercase(),
        };
        return (false, format!("{holder}, certificate {number}: {why}"), notes);
    }
    if let Some(number) = &row.licence {
        let answer = licence_answer.cloned().unwrap_or(Value::Null);
        if answer["found"] != true {
            return (false, format!("licence {number}: unknown to the directory"), notes);
        }
        let holder = holder(&answer["recruiter"]);
        notes.extend(licence_note(number, &answer, &answer["recruiter"]));
        let certification = &answer["certification"];
        let certificate = certification["certificateNumber"].as_str().unwrap_or("?");
        let expires = certification["expiresOn"].as_str().unwrap_or("?");
        if answer["certified"] == true {
            let detail = format!("certificate {certificate}, valid until {expires}");
            return (true, format!("{holder}, by licence {number}, {detail}"), notes);
        }
        let why = match certification["status"].as_str() {
            None => "holds no certification".to_owned(),
            Some("EXPIRED") => format!("certificate {certificate} expired on {expires}"),
            Some(status) => format!("certificate {certificate} is {}", status.to_lowercase()),
        };
        return (false, format!("{holder}, by licence {number}: {why}"), notes);
    }
    (false, "no certificate or licence number given".to_owned(), notes)
}

/// A remark on a licence given beside a certificate, or held by a certified recruiter.
fn licence_note(number: &str, licence: &Value, certificate_holder: &Value) -> Option<String> {
    if licence["found"] != true {
        return Some(format!("licence {number} is unknown to the directory"));
    }
    if certificate_holder.is_object() && licence["recruiter"]["id"] != certificate_holder["id"] {
        return Some(format!(
            "licence {number} is held by another recruiter: {}",
            holder(&licence["recruiter"])
        ));
    }
    if licence["licence"]["validToday"] != true {
        let why = match licence["licence"]["status"].as_str().unwrap_or("?") {
            "VALID" => "outside its validity dates".to_owned(),
            other => other.to_lowercase(),
        };
        return Some(format!("licence {number} is not valid today: {why}"));
    }
    None
}

fn holder(recruiter: &Value) -> String {
    format!(
        "{} ({})",
        recruiter["legalName"].as_str().unwrap_or("?"),
        recruiter["country"].as_str().unwrap_or("?")
    )
}

fn report(
    options: &Options,
    rows: &[Row],
    certificates: &Answers,
    licences: &Answers,
    saved: &[(&str, PathBuf, String)],
) -> String {
    use std::fmt::Write;
    // `2026-11-23T10:04:05.123456789+00:00` -> `2026-11-23 10:04:05 UTC`.
    let checked_at = match certificates.checked_at.as_deref().or(licences.checked_at.as_deref()) {
        Some(at) if at.len() >= 19 => format!("{} {} UTC", &at[..10], &at[11..19]),
        Some(at) => at.to_owned(),
        None => "(nothing to check)".to_owned(),
    };
    let mut certified = Vec::new();
    let mut not_certified = Vec::new();
    let mut notes = Vec::new();
    for row in rows {
        let (ok, sentence, row_notes) = verdict(row, certificates, licences);
        let name = match &row.recruiter {
            Some(recruiter) => format!("{} (recruiter: {recruiter})", row.supplier),
            None => row.supplier.clone(),
        };
        let line = format!("  - {name}: {sentence}");
        if ok {
            certified.push(line);
        } else {
            not_certified.push(line);
        }
        notes.extend(
            row_notes
                .into_iter()
                .map(|note| format!("  - {}: {note}", row.supplier)),
        );
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Supplier check of {} against {} at {checked_at}",
        options.csv.display(),
        options.api
    );
    let _ = writeln!(
        out,
        "{} suppliers' recruiters: {} certified today, {} not.",
        rows.len(),
        certified.len(),
        not_certified.len()
    );
    let _ = writeln!(out, "\nCertified today ({}):", certified.len());
    for line in &certified {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\nNot certified today ({}):", not_certified.len());
    for line in &not_certified {
        let _ = writeln!(out, "{line}");
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\nNotes ({}):", notes.len());
        for line in &notes {
            let _ = writeln!(out, "{line}");
        }
    }
    if !saved.is_empty() {
        let _ = writeln!(
            out,
            "\nReceipts, signed by the directory and verified with {}/.well-known/jwks.json:",
            options.api
        );
        for (kind, path, kid) in saved {
            let _ = writeln!(out, "  - {kind}: {} (key {kid})", path.display());
        }
    }
    out
}
