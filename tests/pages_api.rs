//! Every jobseeker, any phone: the no-script verification page (`/verify`), the one-line text
//! answer for SMS gateways (`/v/{number}`), the QR code of a certificate, a recruiter as
//! schema.org JSON-LD, and the widget's message files, each in the languages served.

mod common;

use std::collections::BTreeMap;

use common::Server;
use serde_json::{Value, json};

/// The languages the directory speaks, with their messages, as the repository holds them.
fn languages() -> BTreeMap<String, Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api/assets/i18n");
    std::fs::read_dir(&dir)
        .expect("the message files")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let code = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .expect("a code")
                .to_owned();
            let messages = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
            (code, messages)
        })
        .collect()
}

fn message<'a>(messages: &'a Value, key: &str) -> &'a str {
    messages[key].as_str().unwrap_or_else(|| panic!("no message `{key}`"))
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

async fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("GET");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("a body"),
    }
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// A certified and a suspended certificate of the sample directory, with their holders.
async fn sample_certificates(server: &Server) -> (Value, Value) {
    let client = server.client();
    let pick = async |status: &'static str| {
        let found = client
                .data(
                    "query($s: [CertificationStatus!]) { recruiters(filter: { certificationStatus: $s }, first: 1) {
                       nodes { slug legalName certifications { certificateNumber status expiresOn certificationBody } } } }",
                    json!({ "s": [status] }),
                )
                .await;
        let recruiter = found["recruiters"]["nodes"][0].clone();
        let certification = recruiter["certifications"]
            .as_array()
            .expect("certifications")
            .iter()
            .find(|certification| certification["status"] == status)
            .unwrap_or_else(|| panic!("a {status} certificate in the sample: {found}"))
            .clone();
        json!({ "recruiter": recruiter, "certification": certification })
    };
    (pick("CERTIFIED").await, pick("SUSPENDED").await)
}

#[tokio::test]
async fn the_verification_page_is_small_scriptless_and_speaks_the_visitors_language() {
    let server = Server::start();
    let (certified, suspended) = sample_certificates(&server).await;
    let number = certified["certification"]["certificateNumber"]
        .as_str()
        .expect("a number");
    let holder = certified["recruiter"]["legalName"].as_str().expect("a name");
    let languages = languages();
    assert_eq!(languages.len(), 14, "{:?}", languages.keys().collect::<Vec<_>>());

    for (code, messages) in &languages {
        let page = get(&server, &format!("/verify?number={number}&lang={code}"), &[]).await;
        assert_eq!(page.status, 200, "{code}: {}", page.body);
        assert!(page.body.len() < 10 * 1024, "{code}: {} bytes", page.body.len());
        assert!(!page.body.to_lowercase().contains("<script"), "{code}: no JavaScript");
        assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
        assert_eq!(page.header("content-language"), code.as_str());
        assert!(page.header("content-security-policy").contains("default-src 'none'"));
        let dir = if code == "ar" || code == "ur" { "rtl" } else { "ltr" };
        assert!(
            page.body.contains(&format!("<html lang=\"{code}\" dir=\"{dir}\">")),
            "{code}: {}",
            &page.body[..200]
        );
        assert!(page.body.contains("data-status=\"CERTIFIED\""), "{code}");
        for key in ["verify.title", "status.CERTIFIED", "verify.certifiedToday"] {
            assert!(page.body.contains(message(messages, key)), "{code}: `{key}` missing");
        }
        assert!(page.body.contains(holder), "{code}: the holder is named");
        // Every other language is one link away, named in its own script.
        for (other, other_messages) in &languages {
            if other != code {
                assert!(
                    page.body.contains(&format!(
                        "hreflang=\"{other}\">{}</a>",
                        message(other_messages, "language.name")
                    )),
                    "{code}: no link to {other}"
                );
            }
        }
    }

    // Without `lang`, the browser's languages choose; unknown ones fall back to English.
    let nepali = get(
        &server,
        &format!("/verify?number={number}"),
        &[("accept-language", "fr;q=1, ne-NP;q=0.8")],
    )
    .await;
    assert_eq!(nepali.header("content-language"), "ne");
    assert!(nepali.header("vary").to_ascii_lowercase().contains("accept-language"));
    let english = get(
        &server,
        &format!("/verify?number={number}"),
        &[("accept-language", "fr")],
    )
    .await;
    assert_eq!(english.header("content-language"), "en");

    // A suspended certificate says so, and that it is not certified today.
    let number = suspended["certification"]["certificateNumber"]
        .as_str()
        .expect("a number");
    let page = get(
        &server,
        &format!("/verify?number={}&lang=en", number.replace(' ', "%20")),
        &[],
    )
    .await;
    assert!(
        page.body.contains("data-status=\"SUSPENDED\"") && page.body.contains("Not certified today."),
        "{}",
        page.body
    );

    // An unknown number: 404, and a warning the visitor understands.
    let unknown = get(&server, "/verify?number=ERS-ZZ-1999-0000000&lang=en", &[]).await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .body
            .contains("No certificate numbered ERS-ZZ-1999-0000000 is in the directory.")
    );
    assert!(unknown.body.contains("false claim"));
    // No number yet: the form alone.
    let form = get(&server, "/verify", &[]).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"number\"") && !form.body.contains("data-status"));
    // Markup in the number is text, never markup.
    let hostile = get(&server, "/verify?number=%3Cimg%20src%3Dx%3E", &[]).await;
    assert!(
        hostile.body.contains("&lt;img src=x&gt;") || hostile.body.contains("&#60;img"),
        "{}",
        hostile.body
    );
    assert!(!hostile.body.contains("<img"), "{}", hostile.body);
}

#[tokio::test]
async fn the_text_answer_fits_an_sms_in_every_language() {
    let server = Server::start();
    let (certified, suspended) = sample_certificates(&server).await;
    let certified_number = certified["certification"]["certificateNumber"]
        .as_str()
        .expect("a number");
    let expires = certified["certification"]["expiresOn"].as_str().expect("a date");
    let suspended_number = suspended["certification"]["certificateNumber"]
        .as_str()
        .expect("a number");
    for (code, messages) in languages() {
        for (number, key) in [
            (certified_number, "status.CERTIFIED"),
            (suspended_number, "status.SUSPENDED"),
            ("ERS-ZZ-1999-0000000", "status.NOT_FOUND"),
        ] {
            let answer = get(&server, &format!("/v/{}?lang={code}", number.replace(' ', "%20")), &[]).await;
            assert_eq!(answer.status, 200, "{code} {number}: {}", answer.body);
            assert_eq!(answer.header("content-type"), "text/plain; charset=utf-8");
            assert_eq!(answer.header("content-language"), code);
            let line = &answer.body;
            assert!(
                line.chars().count() <= 160,
                "{code}: {} characters: {line}",
                line.chars().count()
            );
            assert!(!line.contains('\n'), "{code}: one line: {line}");
            assert!(line.contains(number), "{code}: the number is named: {line}");
            match key {
                "status.CERTIFIED" => assert!(line.contains(expires), "{code}: {line}"),
                "status.SUSPENDED" => assert!(line.contains(message(&messages, key)), "{code}: {line}"),
                _ => {
                    let verdict = message(&messages, "sms.notFound").replace("{number}", number);
                    assert_eq!(line, &verdict, "{code}");
                }
            }
        }
    }
    // `Accept-Language` works too; a blank number is refused with the usual error document.
    let answer = get(&server, &format!("/v/{certified_number}"), &[("accept-language", "ar")]).await;
    assert_eq!(answer.header("content-language"), "ar");
    let blank = get(&server, "/v/%20", &[]).await;
    assert_eq!(blank.status, 400);
    let error: Value = serde_json::from_str(&blank.body).expect("JSON");
    assert_eq!(error["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// The dark modules of the SVG the `qrcode` crate draws: one `M x y h w v h H x V y z` rect per
/// run of modules, in module units after the 4-module quiet zone scaled by `unit`.
fn rasterise(svg: &str) -> (usize, Vec<bool>) {
    let number = |text: &str, key: &str| -> usize {
        let start = text.find(key).expect(key) + key.len();
        text[start..]
            .split('"')
            .next()
            .and_then(|value| value.parse().ok())
            .expect("a number")
    };
    let size = number(svg, "width=\"");
    let mut dark = vec![false; size * size];
    let path = svg
        .split(" d=\"")
        .nth(1)
        .expect("a path")
        .split('"')
        .next()
        .expect("path data");
    for rect in path.split('M').filter(|rect| !rect.is_empty()) {
        let values: Vec<usize> = rect
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|part| !part.is_empty())
            .filter_map(|part| part.parse().ok())
            .collect();
        let (x, y, w, h) = (values[0], values[1], values[2], values[3]);
        for row in y..y + h {
            for column in x..x + w {
                dark[row * size + column] = true;
            }
        }
    }
    (size, dark)
}

#[tokio::test]
async fn a_certificates_qr_code_opens_its_verification_page() {
    let server = Server::start_with(&[("PUBLIC_URL", "https://directory.example")]);
    let (certified, _) = sample_certificates(&server).await;
    let number = certified["certification"]["certificateNumber"]
        .as_str()
        .expect("a number");
    let qr = get(&server, &format!("/verify/{number}/qr.svg"), &[]).await;
    assert_eq!(qr.status, 200, "{}", qr.body);
    assert_eq!(qr.header("content-type"), "image/svg+xml");
    assert!(qr.body.contains("<svg"), "{}", qr.body);
    // Decoded as a phone's camera would: the address of the certificate's page.
    let (size, dark) = rasterise(&qr.body);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| if dark[y * size + x] { 0 } else { 255 });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    let (_, content) = grids[0].decode().expect("the code decodes");
    assert_eq!(content, format!("https://directory.example/verify?number={number}"));

    let unknown = get(&server, "/verify/ERS-ZZ-1999-0000000/qr.svg", &[]).await;
    assert_eq!(unknown.status, 404);
    let error: Value = serde_json::from_str(&unknown.body).expect("JSON");
    assert_eq!(error["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn a_recruiter_as_schema_org_json_ld_says_what_the_api_says() {
    let server = Server::start_with(&[("PUBLIC_URL", "https://directory.example")]);
    let (certified, _) = sample_certificates(&server).await;
    let slug = certified["recruiter"]["slug"].as_str().expect("a slug");
    let facts = server
        .client()
        .data(
            "query($s: String!) { recruiter(slug: $s) { legalName country certified
               certifications { certificateNumber status expiresOn } } }",
            json!({ "s": slug }),
        )
        .await;
    let facts = &facts["recruiter"];

    let answer = get(
        &server,
        &format!("/recruiters/{slug}"),
        &[("accept", "application/ld+json")],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), "application/ld+json");
    let document: Value = serde_json::from_str(&answer.body).expect("JSON");
    assert_eq!(document["@context"], "https://schema.org");
    assert_eq!(document["@type"], "Organization");
    assert_eq!(document["@id"], format!("https://directory.example/recruiters/{slug}"));
    assert_eq!(document["name"], facts["legalName"]);
    assert_eq!(document["address"]["addressCountry"], facts["country"]);
    let listed: Vec<(&Value, bool)> = document["hasCertification"]
        .as_array()
        .expect("certifications")
        .iter()
        .map(|node| {
            (
                &node["certificationIdentification"],
                node["certificationStatus"] == "https://schema.org/CertificationActive",
            )
        })
        .collect();
    let expected: Vec<(&Value, bool)> = facts["certifications"]
        .as_array()
        .expect("certifications")
        .iter()
        .map(|certification| {
            (
                &certification["certificateNumber"],
                certification["status"] == "CERTIFIED",
            )
        })
        .collect();
    assert_eq!(listed, expected, "{document:#}");
    assert!(listed.iter().any(|(_, active)| *active));

    let html = get(&server, &format!("/recruiters/{slug}"), &[("accept", "text/html")]).await;
    assert_eq!(html.status, 406, "{}", html.body);
    assert!(html.body.contains("application/ld+json"));
    let unknown = get(
        &server,
        "/recruiters/no-such-recruiter",
        &[("accept", "application/ld+json")],
    )
    .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn the_widget_loads_each_language_from_the_server() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let script = get(&server, "/embed.js", &[]).await;
    // English is compiled in, the list of languages too.
    let english = &languages()["en"];
    assert!(script.body.contains(message(english, "search.label")));
    assert!(
        script
            .body
            .contains(r#"["en","ne","hi","bn","ur","si","tl","id","my","km","th","vi","am","ar"]"#)
    );
    for (code, messages) in languages() {
        let file = get(&server, &format!("/embed/messages/{code}.json"), &[]).await;
        assert_eq!(file.status, 200, "{code}");
        assert_eq!(file.header("content-type"), "application/json; charset=utf-8");
        assert!(!file.header("etag").is_empty());
        let served: Value = serde_json::from_str(&file.body).expect("JSON");
        assert_eq!(served, messages, "{code}");
    }
    let missing = get(&server, "/embed/messages/fr.json", &[]).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("ne, hi"), "{}", missing.body);
}

/// Certificate numbers may hold spaces and slashes: every page finds them, and the QR code's
/// address carries them encoded so a phone opens the right page.
#[tokio::test]
async fn a_number_with_spaces_and_slashes_is_found_by_every_page() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false"), ("PUBLIC_URL", "https://directory.example")]);
    let number = "ERS NP/2026 7";
    let lines = [
        json!({"type":"recruiter","external_id":"rec-slash","legal_name":"Slash Test Manpower Pvt. Ltd.",
               "slug":"slash-test-manpower","country":"NP","languages":["ne"],"sectors":["construction"],
               "corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none"}),
        json!({"type":"certification","external_id":"cert-slash","recruiter":"rec-slash",
               "certificate_number":number,"scheme":"Ethical Recruitment Standard 2.0","status":"certified",
               "issued_on":"2025-03-15","expires_on":"2099-03-14",
               "status_history":[
                 {"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"},
                 {"from":"applicant","to":"certified","at":"2025-03-15T10:00:00Z","reason":"audit_passed","recorded_by":"secretariat"}]}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    server
        .client()
        .data_as(
            Some(&common::token("admin", "secretariat", None)),
            "mutation($l: String!) { importRecords(jsonLines: $l) { certifications } }",
            json!({ "l": lines }),
        )
        .await;
    let encoded = "ERS%20NP%2F2026%207";

    let page = get(&server, &format!("/verify?number={encoded}&lang=en"), &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("data-status=\"CERTIFIED\""), "{}", page.body);
    // The page links its QR code with the number encoded.
    assert!(page.body.contains(&format!("verify/{encoded}/qr.svg")), "{}", page.body);

    let line = get(&server, &format!("/v/{encoded}?lang=en"), &[]).await;
    assert_eq!(line.status, 200, "{}", line.body);
    assert!(
        line.body.starts_with("ERS NP/2026 7: CERTIFIED until 2099-03-14."),
        "{}",
        line.body
    );

    let qr = get(&server, &format!("/verify/{encoded}/qr.svg"), &[]).await;
    assert_eq!(qr.status, 200, "{}", qr.body);
    let (size, dark) = rasterise(&qr.body);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| if dark[y * size + x] { 0 } else { 255 });
    let (_, content) = image.detect_grids()[0].decode().expect("the code decodes");
    assert_eq!(content, format!("https://directory.example/verify?number={encoded}"));
}
