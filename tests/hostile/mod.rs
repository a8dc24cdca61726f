//! The hostile suite's harness: the requests it sends, how it judges each answer, and the
//! schema it reads the arguments to attack from. The attacks, by kind, are the modules below;
//! `tests/hostile_api.rs` runs them in turn against one server.

pub mod forgeries;
pub mod injection;
pub mod shape;
pub mod transport;

use std::{
    collections::BTreeMap,
    hash::{Hash, Hasher},
    time::Duration,
};

use crate::common::Server;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Codes a refusal may carry.
pub const ALLOWED_CODES: &[&str] = &[
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
pub const LEAKS: &[&str] = &[
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
pub fn injections() -> Vec<String> {
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
pub struct Suite {
    pub http: reqwest::Client,
    pub url: String,
    pub tried: usize,
    pub outcomes: BTreeMap<String, usize>,
    pub sections: BTreeMap<&'static str, usize>,
    pub section: &'static str,
    pub failures: Vec<String>,
}

impl Suite {
    pub fn new(url: &str) -> Self {
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

    pub fn section(&mut self, name: &'static str) {
        self.section = name;
    }

    pub fn count(&mut self, outcome: String) {
        self.tried += 1;
        *self.sections.entry(self.section).or_default() += 1;
        *self.outcomes.entry(outcome).or_default() += 1;
    }

    pub fn fail(&mut self, what: &str, why: String) {
        self.failures
            .push(format!("[{}] {}: {}", self.section, shorten(what), shorten(&why)));
    }

    /// Judges an answer: no 5xx, errors coded and free of internals. Returns the body.
    pub fn judge(&mut self, what: &str, status: u16, text: &str, echoed: &[&str]) -> Value {
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

    pub async fn send(&mut self, what: &str, request: reqwest::RequestBuilder, echoed: &[&str]) -> (u16, Value) {
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

    pub async fn graphql(&mut self, what: &str, query: &str, variables: Value, echoed: &[&str]) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        self.send(what, request, echoed).await
    }

    pub async fn graphql_as(&mut self, what: &str, bearer: &str, query: &str, variables: Value) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}/graphql", self.url))
            .header("authorization", format!("Bearer {bearer}"))
            .json(&json!({ "query": query, "variables": variables }));
        self.send(what, request, &[]).await
    }

    pub async fn raw_post(&mut self, what: &str, content_type: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let mut request = self.http.post(format!("{}/graphql", self.url)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.send(what, request, &[]).await
    }

    /// Expects a refusal with one of `codes`.
    pub async fn refused(&mut self, what: &str, query: &str, variables: Value, codes: &[&str]) -> Value {
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
    pub async fn raw_tcp(&mut self, what: &str, bytes: &[u8], wait: Duration) -> String {
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

    pub fn report(&self, export_bytes: usize, export_hash: u64) {
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

pub fn status_of(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

pub fn shorten(text: &str) -> String {
    text.chars().take(240).collect()
}

pub fn export(server: &Server) -> String {
    let output = server.cli(&["export", "-"]);
    assert!(
        output.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 export")
}

pub fn hash_of(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

// ---------------------------------------------------------------------------------------------
// The schema, from introspection: every root field, its arguments and their input types.

pub const INTROSPECTION: &str = "query {
  __schema { queryType { name } mutationType { name }
    types { kind name
      fields(includeDeprecated: true) { name args { name type { ...T } } type { ...T } }
      inputFields { name type { ...T } }
      enumValues(includeDeprecated: true) { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";

pub struct Schema {
    pub types: BTreeMap<String, Value>,
    pub query: String,
    pub mutation: String,
    /// A real record's id, so that calls get past id checks to the ones that matter.
    pub id: String,
}

/// A step into an argument value: an input object's field, or a list's element.
#[derive(Clone, Debug)]
pub enum Step {
    Field(String),
    Element,
}

impl Schema {
    pub fn new(introspection: &Value, id: &str) -> Self {
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

    pub fn fields(&self, root: &str) -> Vec<Value> {
        self.types[root]["fields"].as_array().cloned().unwrap_or_default()
    }

    /// `[String!]!` from a type reference.
    pub fn type_text(reference: &Value) -> String {
        match reference["kind"].as_str() {
            Some("NON_NULL") => format!("{}!", Self::type_text(&reference["ofType"])),
            Some("LIST") => format!("[{}]", Self::type_text(&reference["ofType"])),
            _ => reference["name"].as_str().unwrap_or_default().to_owned(),
        }
    }

    pub fn named(reference: &Value) -> &Value {
        match reference["kind"].as_str() {
            Some("NON_NULL" | "LIST") => Self::named(&reference["ofType"]),
            _ => reference,
        }
    }

    /// A value the type accepts, with only required input fields.
    pub fn minimal(&self, reference: &Value, depth: usize) -> Value {
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
    pub fn string_slots(&self, reference: &Value, depth: usize) -> Vec<Vec<Step>> {
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
    pub fn with_text(&self, reference: &Value, path: &[Step], text: &str) -> Value {
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
    pub fn call(&self, operation: &str, field: &Value, values: &BTreeMap<String, Value>) -> (String, Value) {
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
pub const NESTED_PAGE: &str = "query($n: Int) { recruiters(first: $n) { totalCount nodes {
    legalName corridors { origin destination } certified
    certifications { certificateNumber status nextAuditDue history { from to at } recruiter { slug } }
    licences { licenceNumber validToday } markRights { licenceNumber inForce domains }
    partners { legalName certified } } } }";

/// A page of 100 recruiters with partners three levels deep: over the complexity limit.
pub const THREE_DEEP: &str = "{ recruiters(first: 100) { nodes { partners { legalName partners { legalName
        partners { legalName certifications { certificateNumber history { to } } } } } } } }";
