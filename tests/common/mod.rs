//! Test harness: starts the real `directory` binary on a free port and speaks HTTP to it.
//!
//! With `DATABASE_URL=postgres://...` every server gets a fresh PostgreSQL database (dropped
//! afterwards); otherwise an SQLite file in a temporary directory. A `DATABASE_URL` that is
//! not a PostgreSQL URL fails the run, and so does an unreachable PostgreSQL: nothing falls back
//! quietly.

#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use serde_json::{Value, json};

pub mod ws;

pub struct Server {
    child: Child,
    pub url: String,
    data_dir: tempfile::TempDir,
    postgres: Option<PostgresDatabase>,
    env: Vec<(String, String)>,
}

static SHARED: std::sync::OnceLock<std::sync::Mutex<Server>> = std::sync::OnceLock::new();

/// One server with the sample directory, shared by the read-only tests of a test binary. It
/// stops when the test process exits (its standard input closes).
pub fn shared_url() -> String {
    SHARED
        .get_or_init(|| std::sync::Mutex::new(Server::start()))
        .lock()
        .map(|server| server.url.clone())
        .unwrap_or_default()
}

/// A client for the shared server.
pub fn shared() -> Client {
    Client::new(shared_url())
}

static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);

/// A PostgreSQL database made for one server.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    fn create(admin_url: &str) -> Self {
        let name = format!(
            "dirtest_{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, Ordering::SeqCst)
        );
        run_sql(admin_url, &drop_stale_databases_sql(std::process::id()));
        run_sql(admin_url, &format!("CREATE DATABASE {name}"));
        Self {
            admin_url: admin_url.to_owned(),
            name,
        }
    }

    fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map_or(self.admin_url.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        run_sql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// Databases of earlier test processes (a shared server's database outlives its process) are
/// dropped once nobody is connected to them; this process's own are left alone.
fn drop_stale_databases_sql(own_pid: u32) -> String {
    format!(
        "DO $$ DECLARE db record; BEGIN \
           FOR db IN SELECT datname FROM pg_database \
                     WHERE datname LIKE 'dirtest\\_%' AND datname NOT LIKE 'dirtest\\_{own_pid}\\_%' LOOP \
             IF NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = db.datname) THEN \
               BEGIN EXECUTE 'DROP DATABASE IF EXISTS ' || quote_ident(db.datname); \
               EXCEPTION WHEN OTHERS THEN NULL; END; \
             END IF; \
           END LOOP; END $$"
    )
}

/// Runs one statement on its own runtime (usable from `Drop` and from any test runtime).
fn run_sql(url: &str, sql: &str) {
    let url = url.to_owned();
    let sql = sql.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            use sea_orm::ConnectionTrait;
            let connection = sea_orm::Database::connect(&url)
                .await
                .unwrap_or_else(|error| panic!("PostgreSQL at DATABASE_URL is not reachable: {error}"));
            if let Err(error) = connection.execute_unprepared(&sql).await
                && !sql.starts_with("DO ")
            {
                panic!("{sql}: {error}");
            }
        });
    })
    .join()
    .expect("sql thread");
}

/// Starts the binary and waits for the address it prints.
fn spawn(data_dir: &std::path::Path, postgres: Option<&PostgresDatabase>, env: &[(String, String)]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_directory"));
    command
        .arg("serve")
        .arg("--exit-on-stdin-close")
        .env("BIND", "127.0.0.1:0")
        .env("DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        // Redis and rate limits only where a test asks for them (servers of different tests
        // must not share cached answers, and suites must not trip over each other's budget).
        .env_remove("REDIS_URL")
        .env("RATE_LIMIT", "0")
        .env("JWT_SECRET", TEST_SECRET)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(postgres) = postgres {
        command.env("DATABASE_URL", postgres.url());
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start the directory binary");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("directory listening on ") {
                let _ = sender.send(url.to_owned());
            }
        }
    });
    let url = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("the server printed its address");
    (child, url)
}

/// The PostgreSQL URL the tests run against, or `None` for the embedded SQLite default (when
/// `DATABASE_URL` is unset or empty). Any other value is a mistake, never a silent fallback.
pub fn database_url() -> Option<String> {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())?;
    assert!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "DATABASE_URL must be a postgres:// URL (or unset for SQLite), not {url:?}"
    );
    Some(url)
}

impl Server {
    /// A server with the sample directory.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    pub fn start_with(env: &[(&str, &str)]) -> Self {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let postgres = database_url().map(|url| PostgresDatabase::create(&url));
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        let (child, url) = spawn(data_dir.path(), postgres.as_ref(), &env);
        Self {
            child,
            url,
            data_dir,
            postgres,
            env,
        }
    }

    /// A server on the embedded database of an existing data directory (a restored backup).
    pub fn start_on(data_dir: tempfile::TempDir, env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = std::iter::once(("SAMPLE_DATA", "false"))
            .chain(env.iter().copied())
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        let (child, url) = spawn(data_dir.path(), None, &env);
        Self {
            child,
            url,
            data_dir,
            postgres: None,
            env,
        }
    }

    /// A second server on the same database, with a search index of its own, as in a
    /// scaled-out deployment.
    pub fn start_beside(other: &Server) -> Self {
        Self::start_beside_with(other, &[])
    }

    /// `start_beside` with more settings (e.g. the same `REDIS_URL` as the first server).
    pub fn start_beside_with(other: &Server, more: &[(&str, &str)]) -> Self {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let database = match &other.postgres {
            Some(postgres) => postgres.url(),
            None => format!(
                "sqlite://{}?mode=rwc",
                other.data_dir.path().join("directory.sqlite3").display()
            ),
        };
        let mut env = vec![
            ("DATABASE_URL".to_owned(), database),
            ("SAMPLE_DATA".to_owned(), "false".to_owned()),
        ];
        env.extend(more.iter().map(|(key, value)| (key.to_string(), value.to_string())));
        let (child, url) = spawn(data_dir.path(), None, &env);
        Self {
            child,
            url,
            data_dir,
            postgres: None,
            env,
        }
    }

    /// Restarts on the same data with one setting changed or added (e.g. `CLOCK_START`).
    pub fn restart_with(&mut self, key: &str, value: &str) {
        self.env.retain(|(existing, _)| existing != key);
        self.env.push((key.to_owned(), value.to_owned()));
        self.restart();
    }

    /// Stops the server and starts it again on the same data (index and database).
    pub fn restart(&mut self) {
        self.stop();
        let (child, url) = spawn(self.data_dir.path(), self.postgres.as_ref(), &self.env);
        self.child = child;
        self.url = url;
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM, as an orchestrator stopping the server would, and waits (at most
    /// `within`) for the process to exit; `None` if it did not.
    pub fn terminate(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(exit)) = self.child.try_wait() {
                return Some(exit);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn client(&self) -> Client {
        Client::new(self.url.clone())
    }

    /// Runs a `directory` subcommand against this server's database; returns its stdout.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.cli_with(args, &[])
    }

    /// `cli` with more settings (they may override `RUST_LOG`).
    pub fn cli_with(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_directory"));
        command
            .args(args)
            .env("DATA_DIR", self.data_dir.path())
            .env("JWT_SECRET", TEST_SECRET)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied());
        match &self.postgres {
            Some(postgres) => command.env("DATABASE_URL", postgres.url()),
            None => command.env_remove("DATABASE_URL"),
        };
        command.output().expect("run the directory binary")
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// The URL of this server's database, for tests that check what is stored.
    pub fn database_url(&self) -> String {
        match &self.postgres {
            Some(postgres) => postgres.url(),
            None => format!(
                "sqlite://{}?mode=rw",
                self.data_dir.path().join("directory.sqlite3").display()
            ),
        }
    }

    /// Runs a `directory` subcommand against this server's database in the background.
    pub fn cli_spawn(&self, args: &[&str]) -> std::process::Child {
        let mut command = Command::new(env!("CARGO_BIN_EXE_directory"));
        command
            .args(args)
            .env("DATA_DIR", self.data_dir.path())
            .env("JWT_SECRET", TEST_SECRET)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        match &self.postgres {
            Some(postgres) => command.env("DATABASE_URL", postgres.url()),
            None => command.env_remove("DATABASE_URL"),
        };
        command.spawn().expect("run the directory binary")
    }
}

/// The HS256 secret test servers run with.
pub const TEST_SECRET: &str = "test-secret-of-at-least-thirty-two-bytes";

/// Signs claims with `secret` (HS256).
pub fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// A valid token for the test servers.
pub fn token(role: &str, subject: &str, body: Option<&str>) -> String {
    let mut claims = json!({ "sub": subject, "role": role, "iss": "directory", "aud": "directory-api",
                             "exp": now() + 600, "nbf": now() - 5, "iat": now() });
    if let Some(body) = body {
        claims["body"] = json!(body);
    }
    sign(&claims, TEST_SECRET)
}

/// Speaks HTTP to a server, as a partner's client would. One per test: an HTTP client is
/// bound to the runtime of the test that made it.
pub struct Client {
    pub url: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(url: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Self { url, http }
    }

    /// POSTs a GraphQL query and returns the whole response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(None, query, variables).await
    }

    /// POSTs a GraphQL query with `Authorization: Bearer <token>`.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        assert!(!response.status().is_server_error(), "HTTP {}", response.status());
        response.json().await.expect("JSON body")
    }

    /// Runs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        self.data_as(None, query, variables).await
    }

    pub async fn data_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Runs a query that must fail and returns its first error's code and message.
    pub async fn error(&self, query: &str, variables: Value) -> (String, String) {
        self.error_as(None, query, variables).await
    }

    pub async fn error_as(&self, token: Option<&str>, query: &str, variables: Value) -> (String, String) {
        let body = self.graphql_as(token, query, variables).await;
        let error = &body["errors"][0];
        assert!(error.is_object(), "expected an error: {body:#}");
        (
            error["extensions"]["code"].as_str().unwrap_or_default().to_owned(),
            error["message"].as_str().unwrap_or_default().to_owned(),
        )
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request")
    }

    /// The server's SQL statement counter, from `/metrics`.
    pub async fn statements(&self) -> u64 {
        let text = self.get("/metrics").await.text().await.expect("metrics");
        text.lines()
            .find_map(|line| line.strip_prefix("directory_sql_statements_total "))
            .and_then(|value| value.trim().parse().ok())
            .expect("statement counter in /metrics")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        drop(self.postgres.take());
    }
}

/// Polls `check` until it holds, for at most `seconds`; false if it never did. Tests wait on
/// conditions with a generous deadline, never for a fixed time: a loaded 2-core machine makes
/// any fixed margin flaky.
pub async fn wait_until(seconds: u64, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    while !check().await {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

/// An example's executable (`examples/<name>.rs`): the one `cargo test` built beside this test (it builds examples
/// to check they compile) when it is newer than the example's source, else one built now with
/// the same cargo, profile and target directory (cargo names the executable it made).
pub fn example_binary(name: &str) -> std::path::PathBuf {
    use std::path::PathBuf;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let modified = |path: &std::path::Path| std::fs::metadata(path).and_then(|metadata| metadata.modified()).ok();
    let this_test = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test>-<hash> -> target/<profile>/examples/<name>
    if let Some(profile_dir) = this_test.parent().and_then(std::path::Path::parent) {
        let built = profile_dir
            .join("examples")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let newest_source = [root.join(format!("examples/{name}.rs")), root.join("Cargo.toml")]
            .iter()
            .filter_map(|path| modified(path))
            .max();
        if let (Some(built_at), Some(source_at)) = (modified(&built), newest_source)
            && built_at > source_at
        {
            return built;
        }
    }
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "--example", name, "--message-format=json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"));
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let output = command.output().expect("run cargo");
    assert!(
        output.status.success(),
        "cargo build --example {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the example's executable")
}
