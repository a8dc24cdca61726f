//! Hostile requests, as the open internet sends them: deep nesting, alias floods, fragment
//! cycles and bombs, huge and negative page sizes, malformed JSON, wrong content types,
//! invalid UTF-8, forged cursors and IDs, injection strings in every string argument of every
//! root query (listed from the schema itself), oversized bodies, batch floods, forged tokens on
//! every mutation, and slow clients.
//!
//! Each must get a clear 4xx or a GraphQL error with a code: never a 5xx, never `INTERNAL`,
//! never a message showing SQL, file paths or a panic. After the suite the server still
//! answers normally and the directory is unchanged (its export is byte-identical). Run with
//! `--nocapture` for the tally of what was tried and how it was answered.

mod common;

use std::{
    collections::BTreeMap,
    hash::{Hash, Hasher},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{Server, TEST_SECRET, now, sign, token};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Codes a refusal may carry.
const ALLOWED_CODES: &[&str] = &[
    "BAD_USER_INPUT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "CONFLICT",
    "QUERY_TOO_COMPLEX",
    "RATE_LIMITED",
    "PERSISTED_QUERY_NOT_FOUND",
];

/// Signs of internals in a message (compared in lower case, after the client's own input is
/// removed from it).
const LEAKS: &[&str] = &[
    "sqlx",
    "sea_orm",
    "sea-orm",
    "dberr",
    "database error",
    "error returned from database",
    "sqlite",
    "postgres",
    "syntax error",
    "no such column",
    "no such table",
    "violates",
    "/tmp/",
    "/root/",
    "/work/",
    "/var/",
    "/home/",
    ".rs:",
    "panicked",
    "backtrace",
    "tantivy",
    "internal error",
];

/// Strings that break naive code: SQL and LIKE, NUL, huge, bidirectional overrides, search
/// syntax, markup and template injection, header injection, normalisation bombs.
fn injections() -> Vec<String> {
    let mut strings: Vec<String> = [
        "' OR 1=1 --",
        "\"; DROP TABLE recruiter; --",
        "1' UNION SELECT password FROM users --",
        "%",
        "_",
        "%_%' ESCAPE '\\",
        "\\",
        "\u{0}",
        "a\u{0}b",
        "\u{202E}gnp.exe\u{202C}",
        "\u{200D}\u{200B}\u{FEFF}",
        "name:* OR",
        "title:\"x\" AND -y +z~2 field:[a TO z] ^3 (((",
        "+ - && || ! ( ) { } [ ] ^ \" ~ * ? : \\ /",
        "*",
        "<script>alert(1)</script>",
        "${jndi:ldap://example.invalid/a} {{7*7}}",
        "a\r\nX-Injected: 1",
        "",
        "   ",
        "😀🇳🇵",
        "NP-QA",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    strings.push("A".repeat(100_000));
    strings.push("\u{FDFA}".repeat(5_000));
    strings.push("e\u{301}".repeat(2_000));
    strings
}

/// Runs requests, judges each answer and tallies the outcomes.
struct Suite {
    http: reqwest::Client,
    url: String,
    tried: usize,
    outcomes: BTreeMap<String, usize>,
    sections: BTreeMap<&'static str, usize>,
    section: &'static str,
    failures: Vec<String>,
}

impl Suite {
    fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            url: url.to_owned(),
            tried: 0,
            outcomes: BTreeMap::new(),
            sections: BTreeMap::new(),
            section: "",
            failures: Vec::new(),
        }
    }

    fn section(&mut self, name: &'static str) {
        self.section = name;
    }

    fn count(&mut self, outcome: String) {
        self.tried += 1;
        *self.sections.entry(self.section).or_default() += 1;
        *self.outcomes.entry(outcome).or_default() += 1;
    }

    fn fail(&mut self, what: &str, why: String) {
        self.failures
            .push(format!("[{}] {}: {}", self.section, shorten(what), shorten(&why)));
    }

    /// Judges an answer: no 5xx, errors coded and free of internals. Returns the body.
    fn judge(&mut self, what: &str, status: u16, text: &str, echoed: &[&str]) -> Value {
        let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let mut codes: Vec<String> = Vec::new();
        if status >= 500 {
            self.fail(what, format!("HTTP {status}: {}", shorten(text)));
        }
        if let Some(errors) = body.get("errors").and_then(Value::as_array) {
            for error in errors {
                let code = error["extensions"]["code"].as_str().unwrap_or("(no code)").to_owned();
                if !ALLOWED_CODES.contains(&code.as_str()) {
                    self.fail(what, format!("code {code}: {}", shorten(&error.to_string())));
                }
                let mut message = error["message"].as_str().unwrap_or_default().to_owned();
                for input in echoed.iter().filter(|input| !input.is_empty()) {
                    message = message.replace(input, "");
                    // Messages quote long input cut short.
                    let prefix: String = input.chars().take(40).collect();
                    message = message.replace(&prefix, "");
                }
                let lowered = message.to_lowercase();
                if let Some(leak) = LEAKS.iter().find(|leak| lowered.contains(*leak)) {
                    self.fail(what, format!("message shows `{leak}`: {}", shorten(&message)));
                }
                codes.push(code);
            }
        }
        let shown = if codes.is_empty() {
            if status < 300 {
                "ok".to_owned()
            } else {
                "(no GraphQL error)".to_owned()
            }
        } else {
            codes.sort();
            codes.dedup();
            codes.join("+")
        };
        self.count(format!("HTTP {status} {shown}"));
        body
    }

    async fn send(&mut self, what: &str, request: reqwest::RequestBuilder, echoed: &[&str]) -> (u16, Value) {
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                if !response.headers().contains_key("x-request-id") {
                    self.fail(what, "no X-Request-Id header".to_owned());
                }
                let text = response.text().await.unwrap_or_default();
                let body = self.judge(what, status, &text, echoed);
                (status, body)
            }
            Err(error) => {
                self.fail(what, format!("no answer: {error}"));
                self.count("no answer".to_owned());
                (0, Value::Null)
            }
        }
    }

    async fn graphql(&mut self, what: &str, query: &str, variables: Value, echoed: &[&str]) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        self.send(what, request, echoed).await
    }

    async fn graphql_as(&mut self, what: &str, bearer: &str, query: &str, variables: Value) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}/graphql", self.url))
            .header("authorization", format!("Bearer {bearer}"))
            .json(&json!({ "query": query, "variables": variables }));
        self.send(what, request, &[]).await
    }

    async fn raw_post(&mut self, what: &str, content_type: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let mut request = self.http.post(format!("{}/graphql", self.url)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.send(what, request, &[]).await
    }

    /// Expects a refusal with one of `codes`.
    async fn refused(&mut self, what: &str, query: &str, variables: Value, codes: &[&str]) -> Value {
        let (status, body) = self.graphql(what, query, variables, &[]).await;
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if !codes.contains(&code.as_str()) {
            self.fail(
                what,
                format!("expected {codes:?}, got HTTP {status} {}", shorten(&body.to_string())),
            );
        }
        body
    }

    /// Sends raw bytes over TCP and reads until the server answers or closes (or `wait` ends).
    async fn raw_tcp(&mut self, what: &str, bytes: &[u8], wait: Duration) -> String {
        let address = self.url.trim_start_matches("http://").to_owned();
        let answer = async {
            let mut stream = TcpStream::connect(&address).await.ok()?;
            // The server may answer (and close) before it has read everything.
            let _ = stream.write_all(bytes).await;
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer).await;
            Some(String::from_utf8_lossy(&answer).into_owned())
        };
        let answer = tokio::time::timeout(wait, answer)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let status = status_of(&answer);
        if status >= 500 || status == 0 {
            self.fail(what, format!("answer: {}", shorten(&answer)));
        }
        self.count(format!("HTTP {status} (raw)"));
        answer
    }

    fn report(&self, export_bytes: usize, export_hash: u64) {
        println!("\n== hostile requests: {} tried", self.tried);
        println!("-- by section:");
        for (section, count) in &self.sections {
            println!("   {count:>5}  {section}");
        }
        println!("-- outcomes (status, error codes):");
        for (outcome, count) in &self.outcomes {
            println!("   {count:>5}  {outcome}");
        }
        println!("-- export before and after: identical, {export_bytes} bytes, hash {export_hash:016x}");
    }
}

fn status_of(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn shorten(text: &str) -> String {
    text.chars().take(240).collect()
}

fn export(server: &Server) -> String {
    let output = server.cli(&["export", "-"]);
    assert!(
        output.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 export")
}

fn hash_of(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

// ---------------------------------------------------------------------------------------------
// The schema, from introspection: every root field, its arguments and their input types.

const INTROSPECTION: &str = "query {
  __schema { queryType { name } mutationType { name }
    types { kind name
      fields(includeDeprecated: true) { name args { name type { ...T } } type { ...T } }
      inputFields { name type { ...T } }
      enumValues(includeDeprecated: true) { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";

struct Schema {
    types: BTreeMap<String, Value>,
    query: String,
    mutation: String,
    /// A real record's id, so that calls get past id checks to the ones that matter.
    id: String,
}

/// A step into an argument value: an input object's field, or a list's element.
#[derive(Clone, Debug)]
enum Step {
    Field(String),
    Element,
}

impl Schema {
    fn new(introspection: &Value, id: &str) -> Self {
        let schema = &introspection["__schema"];
        let types = schema["types"]
            .as_array()
            .expect("types")
            .iter()
            .map(|kind| (kind["name"].as_str().unwrap_or_default().to_owned(), kind.clone()))
            .collect();
        Self {
            types,
            query: schema["queryType"]["name"].as_str().unwrap_or("Query").to_owned(),
            mutation: schema["mutationType"]["name"].as_str().unwrap_or("Mutation").to_owned(),
            id: id.to_owned(),
        }
    }

    fn fields(&self, root: &str) -> Vec<Value> {
        self.types[root]["fields"].as_array().cloned().unwrap_or_default()
    }

    /// `[String!]!` from a type reference.
    fn type_text(reference: &Value) -> String {
        match reference["kind"].as_str() {
            Some("NON_NULL") => format!("{}!", Self::type_text(&reference["ofType"])),
            Some("LIST") => format!("[{}]", Self::type_text(&reference["ofType"])),
            _ => reference["name"].as_str().unwrap_or_default().to_owned(),
        }
    }

    fn named(reference: &Value) -> &Value {
        match reference["kind"].as_str() {
            Some("NON_NULL" | "LIST") => Self::named(&reference["ofType"]),
            _ => reference,
        }
    }

    /// A value the type accepts, with only required input fields.
    fn minimal(&self, reference: &Value, depth: usize) -> Value {
        match reference["kind"].as_str() {
            Some("NON_NULL") => self.minimal(&reference["ofType"], depth),
            Some("LIST") => json!([self.minimal(&reference["ofType"], depth)]),
            Some("ENUM") => {
                let name = reference["name"].as_str().unwrap_or_default();
                self.types[name]["enumValues"][0]["name"].clone()
            }
            Some("INPUT_OBJECT") if depth < 4 => {
                let name = reference["name"].as_str().unwrap_or_default();
                let mut object = serde_json::Map::new();
                for field in self.types[name]["inputFields"].as_array().into_iter().flatten() {
                    if field["type"]["kind"] == "NON_NULL" {
                        let value = self.minimal(&field["type"], depth + 1);
                        object.insert(field["name"].as_str().unwrap_or_default().to_owned(), value);
                    }
                }
                Value::Object(object)
            }
            _ => match reference["name"].as_str() {
                Some("Int") => json!(1),
                Some("Float") => json!(1.5),
                Some("Boolean") => json!(false),
                Some("Date" | "NaiveDate") => json!("2025-01-01"),
                Some("DateTime") => json!("2025-01-01T00:00:00Z"),
                Some("ID") => json!(self.id),
                _ => json!("x"),
            },
        }
    }

    /// Where a string can go in a value of this type.
    fn string_slots(&self, reference: &Value, depth: usize) -> Vec<Vec<Step>> {
        match reference["kind"].as_str() {
            Some("NON_NULL") => self.string_slots(&reference["ofType"], depth),
            Some("LIST") => self
                .string_slots(&reference["ofType"], depth)
                .into_iter()
                .map(|path| std::iter::once(Step::Element).chain(path).collect())
                .collect(),
            Some("SCALAR") if matches!(reference["name"].as_str(), Some("String" | "ID")) => vec![Vec::new()],
            Some("INPUT_OBJECT") if depth < 3 => {
                let name = reference["name"].as_str().unwrap_or_default();
                let mut slots = Vec::new();
                for field in self.types[name]["inputFields"].as_array().into_iter().flatten() {
                    let field_name = field["name"].as_str().unwrap_or_default().to_owned();
                    for path in self.string_slots(&field["type"], depth + 1) {
                        slots.push(std::iter::once(Step::Field(field_name.clone())).chain(path).collect());
                    }
                }
                slots
            }
            _ => Vec::new(),
        }
    }

    /// A value of this type with `text` at `path` and minimal values elsewhere.
    fn with_text(&self, reference: &Value, path: &[Step], text: &str) -> Value {
        let Some((step, rest)) = path.split_first() else {
            return json!(text);
        };
        match (reference["kind"].as_str(), step) {
            (Some("NON_NULL"), _) => self.with_text(&reference["ofType"], path, text),
            (Some("LIST"), Step::Element) => json!([self.with_text(&reference["ofType"], rest, text)]),
            (Some("INPUT_OBJECT"), Step::Field(field_name)) => {
                let mut object = self.minimal(reference, 0);
                let name = reference["name"].as_str().unwrap_or_default();
                let field = self.types[name]["inputFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|field| field["name"] == field_name.as_str())
                    .cloned()
                    .unwrap_or(Value::Null);
                object[field_name.as_str()] = self.with_text(&field["type"], rest, text);
                object
            }
            _ => json!(text),
        }
    }

    /// `operation` calling `field` with `values` for some arguments (variables) and minimal
    /// values for the other required ones.
    fn call(&self, operation: &str, field: &Value, values: &BTreeMap<String, Value>) -> (String, Value) {
        let mut declarations = Vec::new();
        let mut arguments = Vec::new();
        let mut variables = serde_json::Map::new();
        for (index, argument) in field["args"].as_array().into_iter().flatten().enumerate() {
            let name = argument["name"].as_str().unwrap_or_default();
            let value = match values.get(name) {
                Some(value) => value.clone(),
                None if argument["type"]["kind"] == "NON_NULL" => self.minimal(&argument["type"], 0),
                None => continue,
            };
            declarations.push(format!("$a{index}: {}", Self::type_text(&argument["type"])));
            arguments.push(format!("{name}: $a{index}"));
            variables.insert(format!("a{index}"), value);
        }
        let returns = Self::named(&field["type"]);
        let selection = match returns["kind"].as_str() {
            Some("OBJECT" | "INTERFACE" | "UNION") => " { __typename }",
            _ => "",
        };
        let header = if declarations.is_empty() {
            String::new()
        } else {
            format!("({})", declarations.join(", "))
        };
        let call = if arguments.is_empty() {
            String::new()
        } else {
            format!("({})", arguments.join(", "))
        };
        let name = field["name"].as_str().unwrap_or_default();
        (
            format!("{operation}{header} {{ {name}{call}{selection} }}"),
            Value::Object(variables),
        )
    }
}

// ---------------------------------------------------------------------------------------------

/// A GraphQL-level check of the nested query partners run every day.
const NESTED_PAGE: &str = "query($n: Int) { recruiters(first: $n) { totalCount nodes {
    legalName corridors { origin destination } certified
    certifications { certificateNumber status nextAuditDue history { from to at } recruiter { slug } }
    licences { licenceNumber validToday } markRights { licenceNumber inForce domains }
    partners { legalName certified } } } }";

#[tokio::test]
async fn hostile_requests_get_clear_refusals_and_change_nothing() {
    // Rate limiting is off so that every request reaches the check it is aimed at.
    let server = Server::start_with(&[("RATE_LIMIT", "0")]);
    let before = export(&server);
    let mut suite = Suite::new(&server.url);

    let introspection = {
        let (_, body) = suite.graphql("introspection", INTROSPECTION, json!({}), &[]).await;
        assert!(body["errors"].is_null(), "introspection: {body}");
        body["data"].clone()
    };
    let sample_id = {
        let (_, body) = suite
            .graphql(
                "a recruiter id",
                "{ recruiters(first: 1) { nodes { id } } }",
                json!({}),
                &[],
            )
            .await;
        body["data"]["recruiters"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let schema = Schema::new(&introspection, &sample_id);

    suite.section("depth and complexity");
    let mut deep = String::from("legalName");
    for _ in 0..10 {
        deep = format!("certifications {{ recruiter {{ {deep} }} }}");
    }
    let deep = format!("{{ recruiters(first: 1) {{ nodes {{ {deep} }} }} }}");
    suite
        .refused("fields nested 23 deep", &deep, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let braces = format!("{{{}x{}}}", "a {".repeat(5_000), "}".repeat(5_000));
    suite
        .refused("5 000 nested braces", &braces, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let lists = format!(
        "{{ recruiters(filter: {{ sectors: {}{} }}) {{ totalCount }} }}",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    suite
        .refused("20 000 nested list brackets", &lists, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let three_deep = "{ recruiters(first: 100) { nodes { partners { legalName partners { legalName
        partners { legalName certifications { certificateNumber history { to } } } } } } } }";
    let body = suite
        .refused(
            "first: 100, partners three levels deep",
            three_deep,
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("more than 20000") && message.contains("`first`"),
        "the refusal says how to fix it: {message}"
    );
    let (_, body) = suite
        .graphql("the everyday nested page of 100", NESTED_PAGE, json!({ "n": 100 }), &[])
        .await;
    assert_eq!(
        body["data"]["recruiters"]["nodes"].as_array().map(Vec::len),
        Some(100),
        "a realistic page of 100 with nested lists passes: {}",
        shorten(&body.to_string())
    );
    let corridor_everything = "{ corridor(origin: \"NP\", destination: \"QA\") {
        recruiters(first: 100) { totalCount nodes { legalName certified licences { status } } }
        commitments(first: 100) { nodes { framework organisation { name } } }
        trainingListings(first: 100) { nodes { title provider { name } } } } }";
    let (_, body) = suite
        .graphql("a corridor's three lists of 100", corridor_everything, json!({}), &[])
        .await;
    assert!(body["errors"].is_null(), "{}", shorten(&body.to_string()));
    let duplicated = format!(
        "{{ recruiters(first: 100) {{ nodes {{ {} }} }} }}",
        "legalName ".repeat(20_000)
    );
    suite
        .refused("one field 20 000 times", &duplicated, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;

    suite.section("aliases, root fields and fragments");
    let aliases = (0..31)
        .map(|index| format!("a{index}: recruiters(first: 1) {{ totalCount }}"))
        .collect::<Vec<_>>();
    suite
        .refused(
            "31 aliases",
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    let aliases = (0..3_000)
        .map(|index| format!("a{index}: __typename"))
        .collect::<Vec<_>>();
    suite
        .refused(
            "3 000 aliases",
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    let nested_aliases = (0..40).map(|index| format!("n{index}: legalName")).collect::<Vec<_>>();
    let query = format!(
        "{{ recruiters(first: 1) {{ nodes {{ {} }} }} }}",
        nested_aliases.join(" ")
    );
    suite
        .refused("40 aliases deep inside", &query, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let roots = (0..21).map(|_| "__typename").collect::<Vec<_>>().join(" ");
    suite
        .refused(
            "21 root fields",
            &format!("{{ {roots} }}"),
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    for (what, query) in [
        (
            "a fragment spreading itself",
            "{ ...A } fragment A on Query { __typename ...A }",
        ),
        (
            "two fragments spreading each other",
            "{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }",
        ),
        (
            "a cycle below a field",
            "{ recruiters(first: 1) { nodes { ...R } } } fragment R on Recruiter { partners { ...R } }",
        ),
    ] {
        suite
            .refused(what, query, json!({}), &["BAD_USER_INPUT", "QUERY_TOO_COMPLEX"])
            .await;
    }
    let mut bomb = String::from("query { ...F0 }\n");
    for level in 0..30 {
        bomb.push_str(&format!(
            "fragment F{level} on Query {{ ...F{next} ...F{next} }}\n",
            next = level + 1
        ));
    }
    bomb.push_str("fragment F30 on Query { __typename }\n");
    let started = Instant::now();
    suite
        .refused("fragment bomb: 2^30 spreads", &bomb, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let mut wide = String::from("query { ...F0 }\n");
    for level in 0..8 {
        let spreads = vec![format!("...F{}", level + 1); 300].join(" ");
        wide.push_str(&format!("fragment F{level} on Query {{ {spreads} }}\n"));
    }
    wide.push_str("fragment F8 on Query { __typename }\n");
    suite
        .refused("fragment bomb: 300^8 spreads", &wide, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let cyclic_wide = format!("{{ ...A }} fragment A on Query {{ {} }}", "...A ".repeat(20_000));
    suite
        .refused(
            "a fragment spreading itself 20 000 times",
            &cyclic_wide,
            json!({}),
            &["BAD_USER_INPUT", "QUERY_TOO_COMPLEX"],
        )
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "fragment bombs are refused at once"
    );

    suite.section("page sizes");
    let connections = [
        ("recruiters", "recruiters(first: $n) { totalCount }"),
        ("recruiters last", "recruiters(last: $n) { totalCount }"),
        ("search", "search(query: \"a\", first: $n) { totalCount }"),
        ("organisations", "organisations(first: $n) { totalCount }"),
        ("commitments", "commitments(first: $n) { totalCount }"),
        ("trainingProviders", "trainingProviders(first: $n) { totalCount }"),
        ("trainingListings", "trainingListings(first: $n) { totalCount }"),
        (
            "corridor recruiters",
            "corridor(origin: \"NP\", destination: \"QA\") { recruiters(first: $n) { totalCount } }",
        ),
        (
            "corridor commitments",
            "corridor(origin: \"NP\", destination: \"QA\") { commitments(first: $n) { totalCount } }",
        ),
        (
            "corridor listings",
            "corridor(origin: \"NP\", destination: \"QA\") { trainingListings(first: $n) { totalCount } }",
        ),
    ];
    for (what, field) in connections {
        let query = format!("query($n: Int) {{ {field} }}");
        for size in [json!(101), json!(i32::MAX), json!(-1), json!(i32::MIN)] {
            suite
                .refused(
                    &format!("{what} size {size}"),
                    &query,
                    json!({ "n": size }),
                    &["BAD_USER_INPUT"],
                )
                .await;
        }
        for size in [json!(2_147_483_648_i64), json!(1e300), json!("100"), json!([100])] {
            suite
                .refused(
                    &format!("{what} size {size}"),
                    &query,
                    json!({ "n": size }),
                    &["BAD_USER_INPUT"],
                )
                .await;
        }
        let literal = field.replace("$n", "99999999999999999999");
        suite
            .refused(
                &format!("{what} literal overflow"),
                &format!("{{ {literal} }}"),
                json!({}),
                &["BAD_USER_INPUT"],
            )
            .await;
    }
    suite
        .refused(
            "first and last together",
            "{ recruiters(first: 5, last: 5) { totalCount } }",
            json!({}),
            &["BAD_USER_INPUT"],
        )
        .await;

    suite.section("forged cursors and ids");
    let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
    let search_cursor = |offset: &str| b64(&format!("{{\"v\":1,\"o\":\"search\",\"k\":{offset}}}"));
    let recruiter_cursor = {
        let (_, body) = suite
            .graphql(
                "a real cursor",
                "{ recruiters(first: 1) { pageInfo { endCursor } } }",
                json!({}),
                &[],
            )
            .await;
        body["data"]["recruiters"]["pageInfo"]["endCursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let mut cursors = vec![
        String::new(),
        "!!!".to_owned(),
        "====".to_owned(),
        recruiter_cursor[..recruiter_cursor.len() / 2].to_owned(),
        format!("{recruiter_cursor}A"),
        recruiter_cursor.replace('-', "+").replace('_', "/"),
        b64("not json"),
        b64("{}"),
        b64("{\"v\":2,\"o\":\"name_asc\",\"k\":[\"a\",1]}"),
        b64("{\"v\":1,\"o\":\"some_other_order\",\"k\":[\"a\",1]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[1,\"a\"]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"a\"]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"a\",1,2,3]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"' OR 1=1 --\",99999999999999999999]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"a\\u0000b\",1]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[null,null]}"),
        b64("{\"v\":1,\"o\":\"certified_first\",\"k\":[\"x\",\"y\",\"z\"]}"),
        search_cursor("-1"),
        search_cursor("18446744073709551615"),
        search_cursor("9999"),
        search_cursor("1e9"),
        search_cursor("\"0\""),
    ];
    cursors.push(b64(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))));
    // Well-formed positions, if odd ones: a keyset cursor is only a position to resume from.
    let long_key = b64(&format!(
        "{{\"v\":1,\"o\":\"name_asc\",\"k\":[\"{}\",1]}}",
        "A".repeat(50_000)
    ));
    cursors.push(long_key.clone());
    let paged = [
        "query($c: String) { recruiters(first: 5, after: $c) { totalCount } }",
        "query($c: String) { recruiters(last: 5, before: $c) { totalCount } }",
        "query($c: String) { recruiters(first: 5, after: $c, orderBy: { field: COUNTRY, direction: DESC }) { totalCount } }",
        "query($c: String) { search(query: \"\", first: 5, after: $c) { totalCount } }",
        "query($c: String) { organisations(first: 5, after: $c) { totalCount } }",
        "query($c: String) { commitments(first: 5, after: $c) { totalCount } }",
        "query($c: String) { trainingProviders(first: 5, after: $c) { totalCount } }",
        "query($c: String) { trainingListings(first: 5, after: $c) { totalCount } }",
        "query($c: String) { corridor(origin: \"NP\", destination: \"QA\") { recruiters(first: 5, after: $c) { totalCount } } }",
        "query($c: String) { corridor(origin: \"NP\", destination: \"QA\") { commitments(first: 5, after: $c) { totalCount } } }",
    ];
    for query in paged {
        for cursor in &cursors {
            let (_, body) = suite
                .graphql("forged cursor", query, json!({ "c": cursor }), &[cursor])
                .await;
            let position = cursor == &recruiter_cursor || cursor == &long_key;
            if !cursor.is_empty() && body["errors"].is_null() && !position {
                suite.fail("forged cursor", format!("accepted `{}` in {query}", shorten(cursor)));
            }
        }
    }
    let mut forged_ids = vec![
        String::new(),
        " ".to_owned(),
        "42".to_owned(),
        sample_id[..sample_id.len() / 2].to_owned(),
        format!("{sample_id}="),
        format!("{sample_id}{sample_id}"),
        b64("v1:Recruiter:abc"),
        b64("v1:Recruiter:-1"),
        b64("v1:Recruiter:0"),
        b64("v1:Recruiter:99999999999999999999"),
        b64("v1:Recruiter:9223372036854775807"),
        b64("v1:Recruiter:1:2"),
        b64("v1:Recruiter: 1"),
        b64("v2:Recruiter:1"),
        b64("v1:recruiter:1"),
        b64("v1:Nope:1"),
        b64("v1:Certification:1"),
        b64("v1:Organisation:1"),
        b64("v1:MarkRight:1"),
        b64("v1:Recruiter:1' OR 1=1 --"),
        b64("v1:Recruiter:\u{0}"),
        b64(&format!("v1:Recruiter:{}", "9".repeat(10_000))),
        "djE6UmVjcnVpdGVyOjE=".to_owned(),
        "djE6UmVjcnVpdGVyOjE+/".to_owned(),
    ];
    forged_ids.push("\u{202E}".repeat(100));
    // Well-formed IDs may answer (the record, `null`, or NOT_FOUND, or BAD_USER_INPUT for an ID
    // of another kind); every other forgery must be refused with BAD_USER_INPUT, as forged
    // cursors are.
    let well_formed: Vec<String> = [
        "v1:Recruiter:-1",
        "v1:Recruiter:0",
        "v1:Recruiter:9223372036854775807",
        "v1:Certification:1",
        "v1:Organisation:1",
        "v1:MarkRight:1",
    ]
    .iter()
    .map(|text| b64(text))
    .collect();
    for id in &forged_ids {
        for (query, variables, field) in [
            ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id }), "node"),
            (
                "query($id: ID) { recruiter(id: $id) { id } }",
                json!({ "id": id }),
                "recruiter",
            ),
            (
                "query($id: ID, $s: String) { recruiter(id: $id, slug: $s) { id } }",
                json!({ "id": id, "s": "x" }),
                "recruiter",
            ),
        ] {
            let (status, body) = suite.graphql("forged id", query, variables, &[id]).await;
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let answered = body["errors"].is_null() && body["data"].get(field).is_some();
            let refused = code == "BAD_USER_INPUT";
            let acceptable = if well_formed.contains(id) {
                refused || answered || code == "NOT_FOUND"
            } else {
                refused
            };
            if !acceptable {
                suite.fail(
                    "forged id",
                    format!(
                        "{id:?}: expected a clear refusal, got HTTP {status} {}",
                        shorten(&body.to_string())
                    ),
                );
            }
        }
    }

    suite.section("injection strings in every string argument of every root query");
    let strings = injections();
    let mut slots_tried = Vec::new();
    for field in schema.fields(&schema.query) {
        let field_name = field["name"].as_str().unwrap_or_default().to_owned();
        if field_name.starts_with("__") {
            continue;
        }
        for argument in field["args"].as_array().cloned().unwrap_or_default() {
            let argument_name = argument["name"].as_str().unwrap_or_default().to_owned();
            for path in schema.string_slots(&argument["type"], 0) {
                slots_tried.push(format!("{field_name}.{argument_name}{path:?}"));
                for text in &strings {
                    let value = schema.with_text(&argument["type"], &path, text);
                    let values = BTreeMap::from([(argument_name.clone(), value)]);
                    let (query, variables) = schema.call("query", &field, &values);
                    suite
                        .graphql(
                            &format!("{field_name}({argument_name}) injection"),
                            &query,
                            variables,
                            &[text],
                        )
                        .await;
                }
            }
        }
    }
    println!("string arguments covered: {}", slots_tried.len());
    assert!(
        slots_tried.len() >= 20
            && [
                "recruiters.filter",
                "search.query",
                "corridor.origin",
                "verifyMarkUse.domain"
            ]
            .iter()
            .all(|slot| slots_tried.iter().any(|tried| tried.starts_with(slot))),
        "every root query's string arguments are reached: {slots_tried:?}"
    );
    // The same strings as GraphQL literals, escaped as a client would.
    for text in strings.iter().take(20) {
        let literal = serde_json::to_string(text).unwrap_or_default();
        let query = format!("{{ search(query: {literal}) {{ totalCount }} recruiter(slug: {literal}) {{ id }} }}");
        suite.graphql("injection as literals", &query, json!({}), &[text]).await;
    }

    suite.section("malformed bodies and content types");
    let json = Some("application/json");
    let deep_json = format!(
        "{{\"query\":\"{{ __typename }}\",\"variables\":{{\"a\":{}1{}}}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let bodies: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        ("empty body", json, Vec::new()),
        ("not JSON", json, b"query { recruiters { totalCount } }".to_vec()),
        ("truncated JSON", json, b"{\"query\": \"{ __typename }".to_vec()),
        ("JSON null", json, b"null".to_vec()),
        ("JSON string", json, b"\"{ __typename }\"".to_vec()),
        ("JSON number", json, b"42".to_vec()),
        ("query is a number", json, b"{\"query\": 1}".to_vec()),
        ("no query", json, b"{\"variables\": {}}".to_vec()),
        (
            "variables a string",
            json,
            b"{\"query\": \"{ __typename }\", \"variables\": \"x\"}".to_vec(),
        ),
        (
            "operationName unknown",
            json,
            b"{\"query\": \"query A { __typename }\", \"operationName\": \"B\"}".to_vec(),
        ),
        (
            "two operations, no name",
            json,
            b"{\"query\": \"query A { __typename } query B { __typename }\"}".to_vec(),
        ),
        ("JSON nested 10 000 deep", json, deep_json.into_bytes()),
        (
            "lone surrogate escape",
            json,
            b"{\"query\": \"{ search(query: \\\"\\ud800\\\") { totalCount } }\"}".to_vec(),
        ),
        (
            "invalid UTF-8 in a string",
            json,
            b"{\"query\": \"{ search(query: \\\"\xff\xfe\\\") { totalCount } }\"}".to_vec(),
        ),
        (
            "invalid UTF-8 outside strings",
            json,
            b"{\"query\"\xff: \"{ __typename }\"}".to_vec(),
        ),
        (
            "UTF-16 body",
            json,
            "{\"query\":\"{ __typename }\"}"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
        ),
        (
            "BOM then JSON",
            json,
            b"\xef\xbb\xbf{\"query\": \"{ __typename }\"}".to_vec(),
        ),
        ("empty batch", json, b"[]".to_vec()),
        ("batch of nulls", json, b"[null, null]".to_vec()),
        (
            "text/plain",
            Some("text/plain"),
            b"{\"query\": \"{ __typename }\"}".to_vec(),
        ),
        (
            "form",
            Some("application/x-www-form-urlencoded"),
            b"query=%7B__typename%7D".to_vec(),
        ),
        (
            "multipart",
            Some("multipart/form-data; boundary=x"),
            b"--x\r\n\r\n{}\r\n--x--".to_vec(),
        ),
        (
            "application/graphql",
            Some("application/graphql"),
            b"{ __typename }".to_vec(),
        ),
        ("no content type", None, b"{\"query\": \"{ __typename }\"}".to_vec()),
        (
            "content type garbage",
            Some(";;;/"),
            b"{\"query\": \"{ __typename }\"}".to_vec(),
        ),
        (
            "application/jsonx",
            Some("application/jsonx"),
            b"{\"query\": \"{ __typename }\"}".to_vec(),
        ),
        ("xml", Some("application/xml"), b"<query/>".to_vec()),
    ];
    for (what, content_type, body) in bodies {
        let (status, _) = suite.raw_post(what, content_type, body).await;
        if !(400..500).contains(&status) {
            suite.fail(what, format!("expected a 4xx, got {status}"));
        }
    }
    let get = |suite: &Suite, query: &str| suite.http.get(format!("{}/graphql?{query}", suite.url));
    for (what, query_string) in [
        ("GET without query", ""),
        ("GET invalid percent-encoded UTF-8", "query=%FF%FE%FD"),
        ("GET broken percent-encoding", "query=%G0%"),
        ("GET variables not JSON", "query=%7B__typename%7D&variables=%7Bnope"),
        (
            "GET mutation",
            "query=mutation%7Barchive(id%3A%22x%22%2CexpectedVersion%3A1)%7D",
        ),
        ("GET NUL byte", "query=%7B__typename%00%7D"),
        (
            "GET injection in variables",
            "query=query(%24s%3AString!)%7Bsearch(query%3A%24s)%7BtotalCount%7D%7D&variables=%7B%22s%22%3A%22name%3A*%20OR%22%7D",
        ),
    ] {
        let request = get(&suite, query_string);
        suite.send(what, request, &[]).await;
    }
    let long_request = format!(
        "GET /graphql?query={}%7B__typename%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "%20".repeat(40_000)
    );
    suite
        .raw_tcp(
            "GET with a 120 KB query string",
            long_request.as_bytes(),
            Duration::from_secs(10),
        )
        .await;
    suite
        .raw_tcp(
            "raw invalid UTF-8 in the request target",
            b"GET /graphql?query=\xff\xfe{__typename} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            Duration::from_secs(10),
        )
        .await;
    suite
        .raw_tcp(
            "raw garbage instead of HTTP",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not HTTP at all\r\n\r\n",
            Duration::from_secs(10),
        )
        .await;
    suite
        .raw_tcp(
            "conflicting Content-Length headers",
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 50\r\nConnection: close\r\n\r\n{\"a\":",
            Duration::from_secs(10),
        )
        .await;

    suite.section("oversized bodies and batches");
    let padded = |size: usize| {
        let filler = " ".repeat(size);
        format!("{{\"query\": \"{{ __typename }}{filler}\"}}").into_bytes()
    };
    for (what, size) in [("257 KiB body", 257 * 1024), ("4 MiB body", 4 * 1024 * 1024)] {
        let (status, _) = suite.raw_post(what, json, padded(size)).await;
        if status != 413 {
            suite.fail(what, format!("expected 413, got {status}"));
        }
    }
    let mut chunked = b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                        Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        .to_vec();
    for _ in 0..64 {
        chunked.extend_from_slice(b"4000\r\n");
        chunked.extend(std::iter::repeat_n(b' ', 0x4000));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = suite
        .raw_tcp("1 MiB chunked body without a length", &chunked, Duration::from_secs(10))
        .await;
    if status_of(&answer) != 413 {
        suite.fail("chunked body", format!("expected 413: {}", shorten(&answer)));
    }
    let batch = |count: usize| {
        json!(
            (0..count)
                .map(|_| json!({ "query": "{ recruiters(first: 1) { totalCount } }" }))
                .collect::<Vec<_>>()
        )
    };
    for count in [11, 1_000] {
        let request = suite.http.post(format!("{}/graphql", suite.url)).json(&batch(count));
        let (status, _) = suite.send(&format!("batch of {count}"), request, &[]).await;
        if status != 400 {
            suite.fail("batch", format!("a batch of {count} got {status}"));
        }
    }
    let request = suite.http.post(format!("{}/graphql", suite.url)).json(&batch(10));
    let (status, body) = suite.send("batch of 10", request, &[]).await;
    if status != 200 || body.as_array().map(Vec::len) != Some(10) {
        suite.fail("batch of 10", format!("HTTP {status}: {}", shorten(&body.to_string())));
    }
    let mixed = json!([{ "query": "{ __typename }" }, { "query": three_deep }, { "query": "{ nope }" }]);
    let request = suite.http.post(format!("{}/graphql", suite.url)).json(&mixed);
    suite
        .send("batch mixing good, too complex and invalid", request, &[])
        .await;

    suite.section("mutations without or with wrong tokens");
    let forged_tokens = {
        let claims = |changes: Value| {
            let mut claims = json!({ "sub": "mallory", "role": "admin", "iss": "directory", "aud": "directory-api",
                                     "exp": now() + 600, "nbf": now() - 5, "iat": now() });
            if let (Some(claims), Some(changes)) = (claims.as_object_mut(), changes.as_object()) {
                claims.extend(changes.clone());
            }
            claims
        };
        let valid_claims = claims(json!({}));
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}"),
            URL_SAFE_NO_PAD.encode(valid_claims.to_string())
        );
        let valid = sign(&valid_claims, TEST_SECRET);
        let tampered = {
            let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
            parts[1] = URL_SAFE_NO_PAD.encode(claims(json!({ "sub": "root" })).to_string());
            parts.join(".")
        };
        vec![
            ("garbage", "not-a-token".to_owned()),
            ("empty", String::new()),
            ("alg none", unsigned),
            ("tampered payload", tampered),
            (
                "wrong secret",
                sign(&valid_claims, "another-secret-of-at-least-thirty-two-bytes"),
            ),
            ("expired", sign(&claims(json!({ "exp": now() - 3_600 })), TEST_SECRET)),
            (
                "not yet valid",
                sign(&claims(json!({ "nbf": now() + 3_600 })), TEST_SECRET),
            ),
            (
                "wrong issuer",
                sign(&claims(json!({ "iss": "someone-else" })), TEST_SECRET),
            ),
            (
                "wrong audience",
                sign(&claims(json!({ "aud": "other-api" })), TEST_SECRET),
            ),
            ("unknown role", sign(&claims(json!({ "role": "root" })), TEST_SECRET)),
            ("no subject", sign(&claims(json!({ "sub": null })), TEST_SECRET)),
            ("long token", "a".repeat(6_000)),
        ]
    };
    let mut mutations = 0;
    for field in schema.fields(&schema.mutation) {
        let name = field["name"].as_str().unwrap_or_default().to_owned();
        let (query, variables) = schema.call("mutation", &field, &BTreeMap::new());
        mutations += 1;
        let (_, body) = suite
            .graphql(&format!("{name} without a token"), &query, variables.clone(), &[])
            .await;
        if body["errors"].is_null() {
            suite.fail(&name, "ran without a token".to_owned());
        }
        for (what, bearer) in &forged_tokens {
            let (_, body) = suite
                .graphql_as(
                    &format!("{name} with a {what} token"),
                    bearer,
                    &query,
                    variables.clone(),
                )
                .await;
            let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default();
            if code != "UNAUTHENTICATED" {
                suite.fail(
                    &name,
                    format!("a {what} token got `{code}`: {}", shorten(&body.to_string())),
                );
            }
        }
    }
    assert!(mutations >= 8, "every mutation is listed from the schema: {mutations}");
    let request = suite
        .http
        .post(format!("{}/graphql", suite.url))
        .header("authorization", format!("Bearer {}", "a".repeat(100_000)))
        .json(&json!({ "query": "mutation { archive(id: \"x\", expectedVersion: 1) }" }));
    let (status, _) = suite.send("a 100 KB Authorization header", request, &[]).await;
    if !(400..500).contains(&status) {
        suite.fail("100 KB header", format!("expected a 4xx, got {status}"));
    }
    let editor = token("editor", "eve", None);
    for (query, variables) in [
        (
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
            json!({ "l": "" }),
        ),
        ("{ auditLog(first: 5) { totalCount } }", json!({})),
    ] {
        let (_, body) = suite
            .graphql_as("an editor beyond its role", &editor, query, variables)
            .await;
        let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default();
        if code != "FORBIDDEN" {
            suite.fail("editor beyond its role", format!("got `{code}`"));
        }
    }

    suite.section("request ids");
    let request = suite
        .http
        .get(format!("{}/healthz", suite.url))
        .header("x-request-id", "partner-trace-0042");
    let response = request.send().await.expect("healthz");
    suite.count(format!("HTTP {} ok", response.status().as_u16()));
    assert_eq!(
        response.headers()["x-request-id"],
        "partner-trace-0042",
        "a sane incoming id is kept"
    );
    for forged in ["two words", "<script>", &"x".repeat(500)] {
        let response = suite
            .http
            .get(format!("{}/healthz", suite.url))
            .header("x-request-id", forged)
            .send()
            .await
            .expect("healthz");
        suite.count(format!("HTTP {} ok", response.status().as_u16()));
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            id != forged && id.len() == 32,
            "an unsafe incoming id is replaced: {id}"
        );
    }

    suite.section("slow clients");
    slow_clients(&mut suite).await;

    // The server still answers normally, and nothing changed.
    let (_, body) = suite
        .graphql("after the suite", NESTED_PAGE, json!({ "n": 40 }), &[])
        .await;
    assert_eq!(
        body["data"]["recruiters"]["nodes"].as_array().map(Vec::len),
        Some(40),
        "the server still serves"
    );
    let ready = suite
        .http
        .get(format!("{}/readyz", suite.url))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let after = export(&server);
    assert!(before == after, "the directory changed under hostile requests");
    suite.report(after.len(), hash_of(&after));
    assert!(
        suite.failures.is_empty(),
        "{} hostile requests were mishandled:\n{}",
        suite.failures.len(),
        suite.failures.join("\n")
    );
}

/// Clients that trickle a body, trickle headers, or connect and say nothing are cut off in
/// time, while everyone else is served as usual.
async fn slow_clients(suite: &mut Suite) {
    let address = suite.url.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    // Connect and send nothing.
    let mut idle = Vec::new();
    for _ in 0..30 {
        idle.push(TcpStream::connect(&address).await.expect("connect"));
    }
    // Headers, then a body one byte a second.
    let mut tricklers = Vec::new();
    for _ in 0..10 {
        let address = address.clone();
        tricklers.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.ok()?;
            let head =
                "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n";
            stream.write_all(head.as_bytes()).await.ok()?;
            let sent = Instant::now();
            for byte in b"{\"query\": \"{ __typename }\"".iter().cycle().take(200) {
                if stream.write_all(&[*byte]).await.is_err() {
                    break;
                }
                let mut answer = [0_u8; 512];
                match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut answer)).await {
                    Ok(Ok(read)) => {
                        return Some((String::from_utf8_lossy(&answer[..read]).into_owned(), sent.elapsed()));
                    }
                    Ok(Err(_)) => return Some((String::new(), sent.elapsed())),
                    Err(_) => {}
                }
            }
            None
        }));
    }
    // A request line, then a header line every second.
    let mut slow_heads = Vec::new();
    for _ in 0..5 {
        let address = address.clone();
        slow_heads.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.ok()?;
            stream.write_all(b"GET /healthz HTTP/1.1\r\n").await.ok()?;
            let sent = Instant::now();
            for index in 0..60 {
                if stream
                    .write_all(format!("X-Slow-{index}: 1\r\n").as_bytes())
                    .await
                    .is_err()
                {
                    return Some((String::new(), sent.elapsed()));
                }
                let mut answer = [0_u8; 512];
                match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut answer)).await {
                    Ok(Ok(read)) => {
                        return Some((String::from_utf8_lossy(&answer[..read]).into_owned(), sent.elapsed()));
                    }
                    Ok(Err(_)) => return Some((String::new(), sent.elapsed())),
                    Err(_) => {}
                }
            }
            None
        }));
    }
    // Meanwhile, everyone else is served promptly.
    for round in 0..8 {
        let asked = Instant::now();
        let (_, body) = suite
            .graphql(
                "a normal client beside slow ones",
                "{ recruiters(first: 5) { totalCount } }",
                json!({ "r": round }),
                &[],
            )
            .await;
        let waited = asked.elapsed();
        if body["errors"].is_array() || waited > Duration::from_secs(2) {
            suite.fail(
                "normal client",
                format!("answered in {waited:?}: {}", shorten(&body.to_string())),
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for stream in &mut idle {
        let mut answer = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
        let status = status_of(&String::from_utf8_lossy(&answer));
        match closed {
            Ok(_) => suite.count(format!("idle connection closed (HTTP {status})")),
            Err(_) => suite.fail("idle connection", "still open after 10 s".to_owned()),
        }
    }
    for (what, handles, limit) in [
        ("body trickled a byte a second", tricklers, Duration::from_secs(14)),
        ("headers trickled a line a second", slow_heads, Duration::from_secs(9)),
    ] {
        for handle in handles {
            match handle.await.ok().flatten() {
                Some((answer, waited)) if waited <= limit => {
                    let status = status_of(&answer);
                    if status != 0 && status != 408 && status != 400 {
                        suite.fail(what, format!("answered {status} after {waited:?}"));
                    }
                    suite.count(format!("{what}: cut off (HTTP {status})"));
                }
                Some((_, waited)) => suite.fail(what, format!("cut off only after {waited:?}")),
                None => suite.fail(what, "never cut off".to_owned()),
            }
        }
    }
    println!("slow clients handled in {:?}", started.elapsed());
}

/// A query running past `REQUEST_TIMEOUT` is abandoned with a clear error and the request id;
/// the server goes on serving.
#[tokio::test]
async fn a_query_past_the_time_limit_is_abandoned_with_a_clear_error() {
    let server = Server::start_with(&[("REQUEST_TIMEOUT", "1ms"), ("RATE_LIMIT", "0"), ("CACHE_TTL", "0")]);
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/graphql", server.url))
        .query(&[("query", NESTED_PAGE), ("variables", "{\"n\": 100}")])
        .header("x-request-id", "slow-query-1")
        .send()
        .await
        .expect("request");
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(response.headers()["x-request-id"], "slow-query-1");
    let body: Value = response.json().await.expect("JSON");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "TIMEOUT", "{body}");
    assert_eq!(error["extensions"]["requestId"], "slow-query-1", "{body}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("ran longer than 0.001s") && message.contains("`first`"),
        "{message}"
    );
    // Mutations are not cut short: a write either commits or rolls back on its own.
    let admin = token("admin", "alice", None);
    let saved = http
        .post(format!("{}/graphql", server.url))
        .bearer_auth(&admin)
        .json(&json!({ "query": "mutation($i: OrganisationInput!) { saveOrganisation(input: $i) { name } }",
                       "variables": { "i": { "externalId": "org-slow", "name": "Slow Ltd", "kind": "brand", "country": "GB" } } }))
        .send()
        .await
        .expect("mutation")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(saved["data"]["saveOrganisation"]["name"], "Slow Ltd", "{saved}");
    let health = http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
}
