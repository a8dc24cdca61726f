//! The partner-website widget (`GET /embed.js`) in a real headless Chromium.
//!
//! The partner page of `examples/partner-site/` is served from an origin of its own (a tiny
//! static server here), with its script tag pointed at a real API server that allows only that
//! origin, and driven through `chromedriver` with WebDriver (fantoccini): typing, arrow keys
//! and Enter, as a visitor would. Needs Debian's `chromium` and `chromium-driver`; without
//! them the browser test is skipped with a reason, unless `CI=true`, where it fails.

mod common;

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{Server, token};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element, key::Key};
use serde_json::{Value, json};

/// How long any one expected change on the page may take.
const PATIENCE: Duration = Duration::from_secs(15);

/// The address the example page's script tag points at (where `cargo run` listens).
const EXAMPLE_API: &str = "http://127.0.0.1:8080";

fn example_page() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/partner-site/index.html");
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The certificate number the example page shows a badge for.
fn example_certificate(page: &str) -> String {
    let start = page
        .find("number=\"")
        .expect("the example page has a certificate badge")
        + "number=\"".len();
    page[start..].split('"').next().unwrap_or_default().to_owned()
}

fn answer(mut stream: TcpStream, page: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
    }
    let request_line = String::from_utf8_lossy(&request)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let (status, body) = match request_line.split(' ').nth(1) {
        Some("/" | "/index.html") => ("200 OK", page),
        _ => ("404 Not Found", "not found"),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// A free local port (the listener is dropped, so a process started next can take it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn first_existing(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|path| path.is_file())
}

/// `chromedriver` and the Chromium binary, or why the test cannot run.
fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let driver = first_existing(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    // The binary itself rather than Debian's /usr/bin/chromium wrapper script, which adds
    // flags of its own from /etc/chromium.d.
    let chromium = first_existing(&["/usr/lib/chromium/chromium", "/usr/bin/chromium"]);
    match (driver, chromium) {
        (Some(driver), Some(chromium)) => Ok((driver, chromium)),
        (driver, _) => Err(format!(
            "{} not found: install them with `apt-get install -y chromium chromium-driver` (.ci/run does)",
            if driver.is_none() { "chromedriver" } else { "chromium" }
        )),
    }
}

/// `chromedriver` on a free port with a throw-away profile; stopped when dropped.
struct Browser {
    driver: Child,
    chromium: PathBuf,
    port: u16,
    profile: tempfile::TempDir,
}

impl Browser {
    /// `None` (after saying why) when Chromium is not installed and `CI` is unset.
    fn start() -> Option<Self> {
        let (driver, chromium) = match browser_tools() {
            Ok(tools) => tools,
            Err(reason) if std::env::var("CI").is_ok_and(|ci| ci == "true") => panic!("CI=true: {reason}"),
            Err(reason) => {
                eprintln!("skipping the headless-browser test: {reason}");
                return None;
            }
        };
        let port = free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("a profile directory");
        Some(Self {
            driver,
            chromium,
            port,
            profile,
        })
    }

    /// A WebDriver session, once chromedriver answers.
    async fn session(&self) -> Client {
        let url = format!("http://127.0.0.1:{}", self.port);
        let arguments = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1600",
        ]
        .map(String::from)
        .into_iter()
        .chain([format!("--user-data-dir={}", self.profile.path().display())])
        .collect::<Vec<_>>();
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": self.chromium, "args": arguments },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("an object literal")
        };
        let started = Instant::now();
        loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return client,
                Err(error) if started.elapsed() > PATIENCE => panic!("no WebDriver session: {error}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Everything the test looks at, read in one round trip from inside the widgets' shadow roots.
const SNAPSHOT: &str = r#"
const q = (root, selector) => (root ? root.querySelector(selector) : null);
const all = (root, selector) => (root ? [...root.querySelectorAll(selector)] : []);
const badge = (element) => {
  const shown = q(element && element.shadowRoot, '.badge');
  return shown ? { status: shown.dataset.status, text: shown.textContent } : null;
};
const card = (element) => {
  const root = element && element.shadowRoot;
  const heading = q(root, 'h3');
  if (!heading) return root ? { text: root.textContent } : null;
  return {
    name: heading.textContent, lang: heading.lang, dir: heading.dir, focused: root.activeElement === heading,
    text: root.textContent, images: all(root, 'img').length,
    corridors: all(root, '[data-corridor]').map((item) => [item.dataset.corridor, item.textContent]),
    certified: q(root, '[data-certified]') && q(root, '[data-certified]').dataset.certified,
    badges: all(root, 'certificate-badge').map((element) => [element.getAttribute('number'), badge(element)]),
  };
};
const directory = document.querySelector('recruitment-directory');
const root = directory && directory.shadowRoot;
const active = root && root.activeElement;
return {
  defined: !!customElements.get('recruitment-directory'),
  status: q(root, '#status') && q(root, '#status').textContent,
  statusLive: q(root, '#status') && q(root, '#status').getAttribute('aria-live'),
  label: q(root, 'label[for=q]') && q(root, 'label[for=q]').textContent,
  results: all(root, '#results button').map((button) => ({
    name: q(button, '.name').textContent, lang: q(button, '.name').lang, dir: q(button, '.name').dir,
    text: button.textContent,
  })),
  images: all(root, 'img').length,
  origins: all(root, '#o option').map((option) => option.value),
  focused: active ? (active.id || active.textContent) : null,
  card: card(q(root, 'recruiter-card')),
  partnerCard: card(document.querySelector('recruiter-card')),
  partnerBadge: badge(document.getElementById('partner-certificate')),
  visitorBadge: badge(document.getElementById('visitor-check')),
  pwned: window.__pwned || null,
};
"#;

/// Waits until `ready` holds for the partner page, or fails saying what was expected and what
/// was seen.
async fn eventually(browser: &Client, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    eventually_seen(browser, SNAPSHOT, what, ready).await
}

/// Waits until `ready` holds for what `script` reads of the page.
async fn eventually_seen(browser: &Client, script: &str, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let page = browser.execute(script, vec![]).await.expect("read the page");
        if ready(&page) {
            return page;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{what}: not within {PATIENCE:?}; the page shows {page:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn directory_element(browser: &Client, selector: &str) -> Element {
    browser
        .find(Locator::Css("recruitment-directory"))
        .await
        .expect("the directory element")
        .shadow_root()
        .await
        .expect("its shadow root")
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|error| panic!("{selector} in the directory: {error}"))
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_widget_script_is_cacheable_javascript_with_a_strong_etag() {
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let http = reqwest::Client::new();
    let url = format!("{}/embed.js", server.url);

    let response = http.get(&url).send().await.expect("GET /embed.js");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/javascript; charset=utf-8");
    assert_eq!(
        header("cache-control"),
        "public, max-age=300, stale-while-revalidate=86400"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    let etag = header("etag");
    assert!(etag.starts_with('"') && etag.ends_with('"'), "a strong ETag: {etag}");
    let script = response.text().await.expect("the script");
    assert!(script.contains("customElements.define('recruitment-directory'"));
    assert!(!script.contains(".innerHTML"), "data goes into the page as text only");

    let revalidated = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("conditional GET");
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"], etag.as_str());
    assert!(revalidated.bytes().await.expect("body").is_empty());
    let changed = http
        .get(&url)
        .header("if-none-match", "\"an-older-version\"")
        .send()
        .await
        .expect("conditional GET");
    assert_eq!(changed.status(), 200);

    // On the wire it is gzipped (and small: a slow connection loads it quickly), with its own
    // validator, and revalidates the same way.
    let raw = TcpStream::connect(server.url.trim_start_matches("http://")).and_then(|mut stream| {
        stream.write_all(b"GET /embed.js HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\nconnection: close\r\n\r\n")?;
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes)?;
        Ok(bytes)
    });
    let raw = raw.expect("a raw HTTP exchange");
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("headers")
        + 4;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(
        head.contains("vary: accept-encoding") || head.contains("vary: origin"),
        "{head}"
    );
    let gzip_etag = head
        .lines()
        .find_map(|line| line.strip_prefix("etag: "))
        .expect("an ETag")
        .to_owned();
    assert_ne!(gzip_etag, etag, "each content coding has its own strong validator");
    let body_bytes = raw.len() - split;
    assert!(body_bytes < 13 * 1024, "the gzipped widget is {body_bytes} bytes");
    eprintln!(
        "embed.js: {} bytes, about {body_bytes} bytes gzipped on the wire",
        script.len()
    );
}

#[tokio::test]
async fn a_partner_page_on_another_origin_searches_opens_a_card_and_shows_live_certificate_status() {
    let Some(chromium) = Browser::start() else {
        return;
    };
    // The partner site gets its own origin (another port) before the API starts, so that the
    // API can allow exactly that origin, as a deployment with `CORS_ORIGINS` set would.
    let page = example_page();
    let certificate = example_certificate(&page);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the partner site");
    let partner_origin = format!("http://{}", listener.local_addr().expect("address"));
    let server = Server::start_with(&[("CORS_ORIGINS", &partner_origin)]);
    serve_partner_page(listener, page.replace(EXAMPLE_API, &server.url));
    let client = server.client();

    // What the sample directory says about the example's certificate, straight from the API.
    let facts = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { found status
               certification { id version certificationBody lastAudit { startedOn endedOn } }
               recruiter { id legalName tradingNames country corridors { origin destination } } } }",
            json!({ "n": certificate }),
        )
        .await;
    let facts = facts["verifyCertificate"].clone();
    assert_eq!(
        facts["status"], "CERTIFIED",
        "the example page's certificate is certified in the sample: {facts}"
    );
    assert!(
        !text(&facts["recruiter"]["tradingNames"][0]).is_empty(),
        "the holder has a trading name to type: {facts}"
    );

    // CORS: the partner's origin may call the API; any other origin is refused.
    let http = reqwest::Client::new();
    let preflight = |origin: &str| {
        http.request(reqwest::Method::OPTIONS, format!("{}/graphql", server.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight(&partner_origin).await.expect("preflight");
    assert!(
        allowed.status().is_success(),
        "preflight from the partner: {}",
        allowed.status()
    );
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        partner_origin.as_str()
    );
    let refused = preflight("http://elsewhere.example").await.expect("preflight");
    assert!(refused.headers().get("access-control-allow-origin").is_none());

    // The visit runs as its own task so that the browser is closed even when it fails (a
    // killed chromedriver would leave Chromium running).
    let browser = chromium.session().await;
    let visit = tokio::spawn(visit(
        browser.clone(),
        partner_origin,
        server.url.clone(),
        certificate,
        facts,
    ));
    let outcome = visit.await;
    let _ = browser.close().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// Serves one page at `/` on `listener`, as a partner's web server would (everything else is a
/// 404), until the test process ends.
fn serve_partner_page(listener: TcpListener, page: String) {
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let page = page.clone();
            std::thread::spawn(move || answer(stream, &page));
        }
    });
}

/// A visitor on the partner page: search, keyboard, card, badges, live change, hostile data.
async fn visit(browser: Client, partner_origin: String, api: String, certificate: String, facts: Value) {
    let browser = &browser;
    let certificate = certificate.as_str();
    let legal_name = text(&facts["recruiter"]["legalName"]);
    let trading_name = text(&facts["recruiter"]["tradingNames"][0]);
    let api = common::Client::new(api);
    browser
        .goto(&format!("{partner_origin}/"))
        .await
        .expect("open the partner page");

    // The static badge: certified, with its holder's name in its own script.
    let page = eventually(browser, "the partner's badge shows CERTIFIED", |page| {
        page["partnerBadge"]["status"] == "CERTIFIED"
    })
    .await;
    let badge = text(&page["partnerBadge"]["text"]);
    assert!(
        badge.contains("Certified") && badge.contains(certificate) && badge.contains(legal_name),
        "{badge}"
    );
    // Who audited, and when last: the body's name and the last audit's date.
    let body = text(&facts["certification"]["certificationBody"]);
    assert!(badge.contains(&format!("audited by {body}")), "{badge}");
    if facts["certification"]["lastAudit"].is_object() {
        assert!(badge.contains("last audit "), "{badge}");
    }
    let page = eventually(browser, "the partner's card (by slug) shows its recruiter", |page| {
        page["partnerCard"]["name"] == legal_name
    })
    .await;
    assert_eq!(page["label"], "Search recruiters", "the search box is labelled");
    assert_eq!(page["statusLive"], "polite", "result counts are announced");
    let country = text(&facts["recruiter"]["country"]);
    let origin_code = text(&facts["recruiter"]["corridors"][0]["origin"]);
    eventually(browser, "the corridor filter offers the sample's origins", |page| {
        page["origins"]
            .as_array()
            .is_some_and(|origins| origins.iter().any(|code| code == origin_code))
    })
    .await;

    // Search by the trading name, as a visitor types it.
    let input = directory_element(browser, "#q").await;
    input.send_keys(trading_name).await.expect("type the query");
    let page = eventually(browser, "the search shows the holder", |page| {
        page["results"]
            .as_array()
            .is_some_and(|results| results.iter().any(|r| r["name"] == legal_name))
            && text(&page["status"]).contains("found")
    })
    .await;
    assert!(text(&page["status"]).contains("Recruiters found: "), "{page}");
    let first = &page["results"][0];
    assert_eq!(first["name"], legal_name, "the exact trading name ranks first: {page}");
    assert_eq!(first["dir"], "auto");
    if legal_name.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)) {
        assert_eq!(
            first["lang"],
            if country == "IN" { "hi" } else { "ne" },
            "Devanagari is marked up"
        );
    }

    // Keyboard: down from the search box to the first result, Enter opens its card, focus
    // lands on the card's heading.
    input.send_keys(&Key::Down.to_string()).await.expect("arrow down");
    let page = eventually(browser, "the first result has focus", |page| {
        text(&page["focused"]).contains(legal_name)
    })
    .await;
    assert!(page["card"].is_null(), "no card before one is opened");
    browser
        .active_element()
        .await
        .expect("the focused result")
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter");
    let page = eventually(browser, "the card opens with the certification", |page| {
        page["card"]["name"] == legal_name
            && page["card"]["badges"].as_array().is_some_and(|badges| {
                badges
                    .iter()
                    .any(|b| b[0] == certificate && b[1]["status"] == "CERTIFIED")
            })
    })
    .await;
    let card = &page["card"];
    assert_eq!(card["dir"], "auto");
    assert_eq!(card["certified"], "true");
    assert_eq!(card["focused"], true, "focus moves to the opened card");
    let corridors: Vec<&str> = card["corridors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| text(&c[0]))
        .collect();
    let expected: Vec<String> = facts["recruiter"]["corridors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}-{}", text(&c["origin"]), text(&c["destination"])))
        .collect();
    assert_eq!(corridors, expected, "the card lists the recruiter's corridors");
    for corridor in card["corridors"].as_array().unwrap() {
        let shown = text(&corridor[1]);
        assert!(
            shown.contains('→') && shown.len() > 7,
            "corridors read as country names: {shown}"
        );
    }
    assert!(text(&card["text"]).contains(trading_name));

    // A visitor checks an unknown number.
    let visitor = browser
        .find(Locator::Id("visitor-check"))
        .await
        .expect("the visitor's badge")
        .shadow_root()
        .await
        .expect("its shadow root")
        .find(Locator::Css("input"))
        .await
        .expect("its number field");
    visitor.send_keys("ERS-ZZ-1999-0000000").await.expect("type a number");
    visitor.send_keys(&Key::Enter.to_string()).await.expect("submit");
    let page = eventually(browser, "an unknown number is clearly not found", |page| {
        page["visitorBadge"]["status"] == "NOT_FOUND"
    })
    .await;
    let shown = text(&page["visitorBadge"]["text"]);
    assert!(
        shown.contains("Not found") && shown.contains("ERS-ZZ-1999-0000000"),
        "{shown}"
    );

    // Live: the certification body suspends the certificate; every badge on the page follows
    // within seconds (pushed over the subscription, long before the polling interval).
    let suspended = api
        .graphql_as(
            Some(&token("admin", "browser-test", None)),
            "mutation($id: ID!, $v: Int!) { recordCertificationDecision(id: $id, expectedVersion: $v,
               to: SUSPENDED, reasonCategory: \"complaint_upheld\") { status } }",
            json!({ "id": facts["certification"]["id"], "v": facts["certification"]["version"] }),
        )
        .await;
    assert_eq!(
        suspended["data"]["recordCertificationDecision"]["status"], "SUSPENDED",
        "{suspended}"
    );
    let page = eventually(browser, "the badges show the suspension live", |page| {
        page["partnerBadge"]["status"] == "SUSPENDED"
            && page["card"]["badges"].as_array().is_some_and(|badges| {
                badges
                    .iter()
                    .any(|b| b[0] == certificate && b[1]["status"] == "SUSPENDED")
            })
    })
    .await;
    assert!(text(&page["partnerBadge"]["text"]).contains("Suspended"));

    // Data is text, never markup: a recruiter named with HTML shows the HTML as text.
    let hostile = "Zyxwv <img src=x onerror=\"window.__pwned=1\"> Recruiting";
    let hostile_trading = "Zyxwv <img src=y onerror=\"window.__pwned=2\"> Trading";
    let saved = api
        .graphql_as(
            Some(&token("editor", "browser-test", None)),
            "mutation($input: RecruiterInput!) { saveRecruiter(input: $input) { id } }",
            json!({ "input": {
                "externalId": "rec-browser-hostile", "legalName": hostile, "tradingNames": [hostile_trading],
                "slug": "zyxwv-recruiting", "country": "NP", "languages": ["ne"], "sectors": ["construction"],
                "corridors": [{ "origin": "NP", "destination": "QA" }], "cbpLevel": "none" } }),
        )
        .await;
    assert!(saved["errors"].is_null(), "{saved}");
    input.clear().await.expect("clear the search box");
    input.send_keys("Zyxwv").await.expect("type the query");
    let page = eventually(browser, "the hostile name shows as text", |page| {
        page["results"]
            .as_array()
            .is_some_and(|results| results.iter().any(|r| r["name"] == hostile))
    })
    .await;
    let result = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == hostile)
        .unwrap();
    assert!(
        text(&result["text"]).contains(hostile_trading),
        "highlights are text too: {result}"
    );
    directory_element(browser, "#results button")
        .await
        .click()
        .await
        .expect("open the card");
    let page = eventually(browser, "the hostile card shows its name as text", |page| {
        page["card"]["name"] == hostile
    })
    .await;
    assert_eq!(page["images"], 0, "no element was made from data: {page}");
    assert_eq!(page["card"]["images"], 0, "no element was made from data: {page}");
    assert!(page["pwned"].is_null(), "no script from data ran");
}

/// GraphiQL at `/` comes entirely from the server: a content-security policy that allows no
/// other origin, and every file compressed and cacheable for good (its URL names its content).
#[tokio::test]
async fn graphiql_is_served_by_the_server_itself_under_a_content_security_policy() {
    let server = Server::start();
    // reqwest is built without gzip here: bodies arrive as sent.
    let http = reqwest::Client::new();
    let page = http.get(format!("{}/", server.url)).send().await.expect("GET /");
    assert!(page.status().is_success());
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("text")
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self';",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    let html = page.text().await.expect("the page");
    let sources: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/") || part.contains("://"))
        .collect();
    assert_eq!(
        sources.iter().filter(|source| source.starts_with("/graphiql/")).count(),
        5,
        "React, React DOM, GraphiQL's script and stylesheet, and its start-up file: {sources:?}"
    );
    assert!(
        sources.iter().all(|source| source.starts_with("/graphiql/")),
        "nothing from another origin: {sources:?}"
    );
    assert!(!html.contains("<script>"), "no inline script: the policy forbids it");

    let script = sources
        .iter()
        .find(|source| source.contains("graphiql.min.js"))
        .expect("GraphiQL's script");
    let file = http
        .get(format!("{}{script}", server.url))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("GraphiQL's script");
    assert!(file.status().is_success());
    assert_eq!(file.headers()["content-encoding"], "gzip");
    assert_eq!(file.headers()["cache-control"], "public, max-age=31536000, immutable");
    let etag = file.headers()["etag"].to_str().expect("etag").to_owned();
    let body = file.bytes().await.expect("body");
    assert!(
        body.len() < 1_500_000,
        "3.5 MB of script is well under 1.5 MB gzipped, got {}",
        body.len()
    );
    let again = http
        .get(format!("{}{script}", server.url))
        .header("accept-encoding", "gzip")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), reqwest::StatusCode::NOT_MODIFIED);
    let missing = http
        .get(format!("{}/graphiql/../Cargo.toml", server.url))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
}

/// What the GraphiQL page shows, read in one round trip.
const GRAPHIQL_SNAPSHOT: &str = r#"
const text = (selector) => { const element = document.querySelector(selector); return element ? element.innerText : null; };
return {
  loaded: !!document.querySelector('.graphiql-container'),
  result: text('.result-window'),
  docs: text('.graphiql-doc-explorer'),
  resources: performance.getEntriesByType('resource').map((entry) => entry.name),
};
"#;

async fn graphiql_until(browser: &Client, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    eventually_seen(browser, GRAPHIQL_SNAPSHOT, what, ready).await
}

/// A person opens GraphiQL: it loads the schema (the Docs panel lists the queries) and runs a
/// query, with every file and request going to the server itself.
#[tokio::test]
async fn graphiql_loads_the_schema_and_runs_a_query_with_nothing_from_elsewhere() {
    let Some(chromium) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let expected = server
        .client()
        .data("{ recruiters(first: 1) { totalCount } }", json!({}))
        .await["recruiters"]["totalCount"]
        .as_i64()
        .expect("a count");
    assert!(expected > 0, "the sample directory has recruiters");
    let browser = chromium.session().await;
    let url = server.url.clone();
    let visit = tokio::spawn({
        let browser = browser.clone();
        async move {
            let query = "{ recruiters(first: 1) { totalCount } }";
            let address = reqwest::Url::parse_with_params(&format!("{url}/"), [("query", query)]).expect("URL");
            browser.goto(address.as_str()).await.expect("open GraphiQL");
            graphiql_until(&browser, "GraphiQL renders", |page| page["loaded"] == true).await;
            browser
                .find(Locator::Css(".graphiql-execute-button"))
                .await
                .expect("the run button")
                .click()
                .await
                .expect("run the query");
            let page = graphiql_until(&browser, "the result shows", |page| {
                text(&page["result"]).contains("totalCount")
            })
            .await;
            // The result pane is an editor: its text has fold markers, so it is read, not parsed.
            let result = text(&page["result"]);
            assert!(
                result.contains(&format!("\"totalCount\": {expected}")),
                "the API's answer ({expected}) in the result pane: {result}"
            );
            browser
                .find(Locator::Css("[aria-label='Show Documentation Explorer']"))
                .await
                .expect("the Docs button")
                .click()
                .await
                .expect("open the docs");
            let page = graphiql_until(&browser, "the docs list the root types", |page| {
                text(&page["docs"]).contains("Query")
            })
            .await;
            browser
                .find(Locator::LinkText("Query"))
                .await
                .expect("the Query type in the docs")
                .click()
                .await
                .expect("open Query");
            graphiql_until(&browser, "the docs list the queries", |page| {
                let docs = text(&page["docs"]);
                docs.contains("verifyCertificate") && docs.contains("recruiters")
            })
            .await;
            let resources: Vec<&str> = page["resources"]
                .as_array()
                .expect("resources")
                .iter()
                .map(text)
                .collect();
            assert!(
                resources.iter().any(|resource| resource.ends_with("/graphql")),
                "the schema came from the API: {resources:?}"
            );
            assert!(
                resources.iter().all(|resource| resource.starts_with(&url)),
                "everything from the server itself: {resources:?}"
            );
        }
    });
    let outcome = visit.await;
    let _ = browser.close().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// The messages of one language, as the repository holds them.
fn messages(code: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("api/assets/i18n/{code}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("read the messages")).expect("JSON")
}

/// What the language test looks at on the partner page.
const LANGUAGE_SNAPSHOT: &str = r#"
const badge = (id) => {
  const element = document.getElementById(id);
  const shown = element && element.shadowRoot && element.shadowRoot.querySelector('.badge');
  return shown ? { text: shown.textContent, direction: getComputedStyle(shown).direction, lang: element.lang } : null;
};
const card = document.getElementById('card');
const article = card && card.shadowRoot && card.shadowRoot.querySelector('article');
const inner = card && card.shadowRoot && card.shadowRoot.querySelector('certificate-badge');
const innerBadge = inner && inner.shadowRoot && inner.shadowRoot.querySelector('.badge');
const ld = card && card.querySelector(':scope > script[type="application/ld+json"]');
const directory = document.querySelector('recruitment-directory');
const label = directory && directory.shadowRoot && directory.shadowRoot.querySelector('label[for=q]');
const help = document.querySelector('help-panel');
const helpRoot = help && help.shadowRoot && help.shadowRoot.querySelector('section');
return {
  ar: badge('ar'), ne: badge('ne'),
  help: helpRoot ? {
    title: helpRoot.querySelector('h3').textContent,
    sides: [...helpRoot.querySelectorAll('[data-country]')].map((side) => side.dataset.country),
    first: [...helpRoot.querySelectorAll('[data-country]')].map((side) => {
      const service = side.querySelector('.service strong');
      return service ? service.textContent : null;
    }),
    links: [...helpRoot.querySelectorAll('a[href]')].map((link) => link.getAttribute('href')),
    text: helpRoot.textContent,
  } : null,
  card: article ? { text: article.textContent, direction: getComputedStyle(article).direction } : null,
  jsonLd: ld ? JSON.parse(ld.textContent) : null,
  label: label ? label.textContent : null,
  innerBadge: innerBadge ? { text: innerBadge.textContent, direction: getComputedStyle(innerBadge).direction } : null,
};
"#;

/// What the test reads of the verification page.
const VERIFY_SNAPSHOT: &str = r#"
const answer = document.querySelector('.answer');
return {
  lang: document.documentElement.lang, direction: getComputedStyle(document.body).direction,
  status: answer ? answer.dataset.status : null, text: document.body.innerText,
  scripts: document.scripts.length, url: location.href,
};
"#;

/// The widget in the visitor's language: on an Arabic page it reads right to left, in a
/// Nepali section (Devanagari, a Brahmic script) it speaks Nepali; the card carries the
/// recruiter's JSON-LD; and the no-script verification page works in Chromium, its form
/// keeping the visitor's language.
#[tokio::test]
async fn the_widget_and_the_verification_page_speak_arabic_right_to_left_and_nepali() {
    let Some(chromium) = Browser::start() else {
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the partner site");
    let partner_origin = format!("http://{}", listener.local_addr().expect("address"));
    let server = Server::start_with(&[("CORS_ORIGINS", &partner_origin)]);
    let found = server
        .client()
        .data(
            "{ recruiters(filter: { certified: true }, first: 1) { nodes { slug legalName
                 certifications { certificateNumber status } } } }",
            json!({}),
        )
        .await;
    let recruiter = found["recruiters"]["nodes"][0].clone();
    let number = recruiter["certifications"]
        .as_array()
        .expect("certifications")
        .iter()
        .find(|certification| certification["status"] == "CERTIFIED")
        .map(|certification| text(&certification["certificateNumber"]).to_owned())
        .expect("a certified certificate");
    let page = format!(
        r#"<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>شريك</title>
<script src="{api}/embed.js" defer></script></head><body>
<recruiter-card id="card" slug="{slug}"></recruiter-card>
<certificate-badge id="ar" number="{number}"></certificate-badge>
<section lang="ne-NP"><certificate-badge id="ne" number="{number}"></certificate-badge>
<recruitment-directory></recruitment-directory>
<help-panel origin="NP" destination="QA"></help-panel></section>
</body></html>"#,
        api = server.url,
        slug = text(&recruiter["slug"]),
    );
    serve_partner_page(listener, page);

    let browser = chromium.session().await;
    let visit = tokio::spawn(visit_in_languages(
        browser.clone(),
        partner_origin,
        server.url.clone(),
        number,
        recruiter,
    ));
    let outcome = visit.await;
    let _ = browser.close().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

async fn visit_in_languages(browser: Client, partner_origin: String, api: String, number: String, recruiter: Value) {
    let browser = &browser;
    let (arabic, nepali, hindi) = (messages("ar"), messages("ne"), messages("hi"));
    let said = |messages: &Value, key: &str| text(&messages[key]).to_owned();
    browser.goto(&partner_origin).await.expect("open the partner page");
    let page = eventually_seen(
        browser,
        LANGUAGE_SNAPSHOT,
        "the widgets speak Arabic and Nepali",
        |page| {
            text(&page["ar"]["text"]).contains(&said(&arabic, "status.CERTIFIED"))
                && text(&page["ne"]["text"]).contains(&said(&nepali, "status.CERTIFIED"))
                && text(&page["card"]["text"]).contains(&said(&arabic, "card.basedIn"))
                && page["jsonLd"].is_object()
                && page["label"] == said(&nepali, "search.label").as_str()
        },
    )
    .await;
    assert_eq!(page["ar"]["direction"], "rtl", "{page:#}");
    assert_eq!(page["ar"]["lang"], "ar");
    assert_eq!(page["card"]["direction"], "rtl");
    assert_eq!(page["ne"]["direction"], "ltr");
    assert!(text(&page["ar"]["text"]).contains(&number));
    // The help panel, in Nepali: both ends of the corridor, services helping in Nepali first,
    // channels as links a phone can follow.
    let page = eventually_seen(browser, LANGUAGE_SNAPSHOT, "the Nepali help panel", |page| {
        page["help"].is_object()
    })
    .await;
    let help = &page["help"];
    assert_eq!(help["title"], said(&nepali, "help.title").as_str(), "{help:#}");
    assert_eq!(help["sides"], json!(["NP", "QA"]));
    assert_eq!(help["first"][0], "Migrant Resource Centre Kathmandu", "{help:#}");
    assert!(
        text(&help["text"]).contains(&said(&nepali, "help.kind.labour_attache")),
        "{help:#}"
    );
    let links: Vec<&str> = help["links"].as_array().unwrap().iter().map(text).collect();
    assert!(links.iter().any(|link| link.starts_with("tel:+977")), "{links:?}");
    assert!(
        links.iter().any(|link| link.starts_with("https://wa.me/977")),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .all(|link| ["tel:", "https://", "http://", "mailto:", "viber://"]
                .iter()
                .any(|scheme| link.starts_with(scheme))),
        "{links:?}"
    );
    // The badges inside the card (in its shadow root, where the page's `lang` cannot be seen)
    // speak the card's language too.
    let certificate_word = said(&arabic, "verify.certificate");
    let certificate_word = certificate_word
        .split("{number}")
        .map(str::trim)
        .find(|part| !part.is_empty())
        .unwrap_or_default()
        .to_owned();
    let page = eventually_seen(
        browser,
        LANGUAGE_SNAPSHOT,
        "the card's own badges speak Arabic",
        |page| text(&page["innerBadge"]["text"]).contains(&certificate_word),
    )
    .await;
    assert_eq!(page["innerBadge"]["direction"], "rtl", "{page:#}");
    // The card's JSON-LD is the directory's own document for the recruiter.
    let ld = &page["jsonLd"];
    assert_eq!(ld["@type"], "Organization");
    assert_eq!(ld["name"], recruiter["legalName"]);
    assert!(
        ld["hasCertification"].as_array().is_some_and(|nodes| nodes
            .iter()
            .any(|node| node["certificationIdentification"] == number.as_str())),
        "{ld:#}"
    );

    // The verification page, in Arabic: right to left, no script, the answer in Arabic.
    browser
        .goto(&format!("{api}/verify?number={number}&lang=ar"))
        .await
        .expect("open the verification page");
    let page = eventually_seen(browser, VERIFY_SNAPSHOT, "the Arabic verification page", |page| {
        page["status"] == "CERTIFIED"
    })
    .await;
    assert_eq!(page["lang"], "ar");
    assert_eq!(page["direction"], "rtl");
    assert_eq!(page["scripts"], 0);
    assert!(
        text(&page["text"]).contains(&said(&arabic, "verify.certifiedToday")),
        "{page:#}"
    );

    // In Hindi, the form asks about another number and the answer stays in Hindi.
    browser
        .goto(&format!("{api}/verify?lang=hi"))
        .await
        .expect("open the form");
    let input = browser.find(Locator::Css("#n")).await.expect("the number field");
    input.send_keys("ERS-ZZ-1999-0000000").await.expect("type");
    input.send_keys(&Key::Enter.to_string()).await.expect("submit");
    let page = eventually_seen(
        browser,
        VERIFY_SNAPSHOT,
        "the Hindi answer for an unknown number",
        |page| page["status"] == "NOT_FOUND",
    )
    .await;
    assert_eq!(page["lang"], "hi");
    assert_eq!(page["direction"], "ltr");
    assert!(
        text(&page["text"]).contains(&said(&hindi, "verify.notFound").replace("{number}", "ERS-ZZ-1999-0000000")),
        "{page:#}"
    );
}
