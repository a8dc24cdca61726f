//! Faults the server must ride out: its PostgreSQL server restarting under load, and the disk
//! holding its search index filling up or its directory turning unwritable.
//!
//! The tests take turns (a mutex): one stops a database server, the other mounts file systems.
//! The PostgreSQL test runs its own throw-away cluster (`initdb` on a free port) and restarts
//! that one, not the cluster at `DATABASE_URL`, which other tests and programs on the machine
//! may be using at the same time; it runs when `DATABASE_URL` is PostgreSQL. The index test
//! mounts a small tmpfs, so it needs root. With `CI=true` a missing tool or privilege fails
//! the run; otherwise the test is skipped with the reason.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::{Server, database_url, token};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::{Value, json};

/// One test at a time: one stops a database server, the other mounts file systems.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// Skips (printing why) outside CI; fails in CI, where every suite must run.
fn unavailable(reason: &str) {
    assert!(!in_ci(), "CI=true and {reason}");
    println!("skipped: {reason}");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|error| format!("{command:?}: {error}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{command:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL restarted under load.

/// A PostgreSQL cluster of its own in a temporary directory, stopped and removed on drop (even
/// when the test fails half way).
struct Cluster {
    directory: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    fn create() -> Result<Self, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|error| format!("no PostgreSQL server binaries in /usr/lib/postgresql: {error}"))?
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .max()
            .ok_or("no initdb under /usr/lib/postgresql/*/bin")?;
        let directory = tempfile::tempdir().map_err(|error| error.to_string())?;
        if is_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            run(Command::new("chown").arg("postgres:").arg(directory.path()))?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| error.to_string())?
            .port();
        let cluster = Self { directory, bin, port };
        let data = cluster.data();
        cluster.tool(
            "initdb",
            &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
        )?;
        cluster.start()?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.directory.path().join("data").display().to_string()
    }

    /// Runs a server binary, as `postgres` when we are root.
    fn tool(&self, name: &str, args: &[&str]) -> Result<String, String> {
        let program = self.bin.join(name);
        let mut command = if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        run(command.args(args).current_dir("/"))
    }

    fn start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c max_connections=100",
            self.port,
            self.directory.path().display()
        );
        let log = self.directory.path().join("log").display().to_string();
        self.tool(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
        .map(|_| ())
    }

    /// A fast shutdown: sessions are cut, as in a restart by an operator or a failover.
    fn stop(&self) -> Result<(), String> {
        self.tool("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "-t", "60", "stop"])
            .map(|_| ())
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.tool("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Ok,
    /// A GraphQL error (code and request id) or an HTTP status without one.
    Refused {
        status: u16,
        code: String,
        request_id: Option<String>,
        header_id: Option<String>,
    },
    NoAnswer(String),
}

#[derive(Debug, Clone)]
struct Attempt {
    write: Option<String>,
    started: Duration,
    took: Duration,
    outcome: Outcome,
}

fn recruiter_input(external_id: &str) -> Value {
    json!({ "externalId": external_id, "legalName": format!("Fault Tolerant Recruitment {external_id}"), "slug": external_id,
            "country": "NP", "city": "Kathmandu", "languages": ["ne", "en"], "sectors": ["construction"],
            "corridors": [{ "origin": "NP", "destination": "QA" }], "cbpLevel": "level_1",
            "licences": [{ "issuingAuthority": "Department of Foreign Employment", "country": "NP",
                           "licenceNumber": format!("LIC-{external_id}"), "status": "valid",
                           "validFrom": "2024-01-01", "validUntil": "2028-12-31" }] })
}

const SAVE_RECRUITER: &str = "mutation($input: RecruiterInput!) { saveRecruiter(input: $input) { id version } }";
const READ: &str = "{ recruiters(first: 20) { totalCount nodes { legalName certified licences { status } } } }";

async fn attempt(http: &reqwest::Client, url: &str, admin: &str, write: Option<&str>, started: Instant) -> Attempt {
    let at = started.elapsed();
    let body = match write {
        Some(external_id) => json!({ "query": SAVE_RECRUITER, "variables": { "input": recruiter_input(external_id) } }),
        None => json!({ "query": READ }),
    };
    let mut request = http.post(format!("{url}/graphql")).json(&body);
    if write.is_some() {
        request = request.bearer_auth(admin);
    }
    let asked = Instant::now();
    let outcome = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let header_id = response
                .headers()
                .get("x-request-id")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let error = &body["errors"][0];
            if status == 200 && error.is_null() && !body["data"].is_null() {
                Outcome::Ok
            } else {
                Outcome::Refused {
                    status,
                    code: error["extensions"]["code"].as_str().unwrap_or_default().to_owned(),
                    request_id: error["extensions"]["requestId"].as_str().map(str::to_owned),
                    header_id,
                }
            }
        }
        Err(error) => Outcome::NoAnswer(error.to_string()),
    };
    Attempt {
        write: write.map(str::to_owned),
        started: at,
        took: asked.elapsed(),
        outcome,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarting_under_load_fails_fast_recovers_and_leaves_no_half_writes() {
    let _serial = SERIAL.lock().await;
    if database_url().is_none() {
        println!("skipped: runs when DATABASE_URL is PostgreSQL");
        return;
    }
    let cluster = match Cluster::create() {
        Ok(cluster) => cluster,
        Err(reason) => return unavailable(&format!("cannot run a PostgreSQL cluster of our own: {reason}")),
    };
    let admin_connection = Database::connect(cluster.url("postgres")).await.expect("own cluster");
    admin_connection
        .execute_unprepared("CREATE DATABASE faults")
        .await
        .expect("create database");
    drop(admin_connection);
    let database = cluster.url("faults");
    let server = Server::start_with(&[("DATABASE_URL", &database), ("RATE_LIMIT", "0"), ("CACHE_TTL", "0")]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let admin = token("admin", "fault-injector", None);

    // Load: four readers and two writers, each one request at a time, for the whole run.
    let started = Instant::now();
    let attempts = Arc::new(Mutex::new(Vec::<Attempt>::new()));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut workers = Vec::new();
    for worker in 0..6 {
        let (http, url, admin) = (http.clone(), server.url.clone(), admin.clone());
        let (attempts, running) = (attempts.clone(), running.clone());
        workers.push(tokio::spawn(async move {
            let mut sequence = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                sequence += 1;
                let external_id = format!("fault-w{worker}-{sequence}");
                let write = (worker < 2).then_some(external_id.as_str());
                let done = attempt(&http, &url, &admin, write, started).await;
                attempts.lock().expect("attempts").push(done);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }

    tokio::time::sleep(Duration::from_secs(3)).await;
    let stop_at = started.elapsed();
    cluster.stop().expect("stop PostgreSQL");
    let stopped_at = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ready = http.get(format!("{}/readyz", server.url)).send().await.expect("readyz");
    assert_eq!(ready.status(), 503, "/readyz says the database is down");
    let ready: Value = ready.json().await.expect("JSON");
    assert_eq!(ready["database"], "unreachable", "{ready}");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let start_at = started.elapsed();
    cluster.start().expect("start PostgreSQL again");
    let back_at = started.elapsed();
    tokio::time::sleep(Duration::from_secs(8)).await;
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    for worker in workers {
        worker.await.expect("worker");
    }
    let attempts = attempts.lock().expect("attempts").clone();

    // Requests failed fast and clearly while the database was away...
    let slowest = attempts.iter().map(|attempt| attempt.took).max().unwrap_or_default();
    let failed: Vec<&Attempt> = attempts
        .iter()
        .filter(|attempt| !matches!(attempt.outcome, Outcome::Ok))
        .collect();
    assert!(!failed.is_empty(), "the outage was felt");
    for attempt in &failed {
        match &attempt.outcome {
            Outcome::Refused {
                status,
                code,
                request_id,
                header_id,
            } => {
                let clear = (code == "INTERNAL" && request_id.is_some() && request_id == header_id) || *status == 503;
                assert!(
                    clear,
                    "a failure during the outage is INTERNAL with the request id, or 503: {attempt:?}"
                );
                assert!(
                    attempt.started + attempt.took >= stop_at && attempt.started <= back_at + Duration::from_secs(5),
                    "failed outside the outage: {attempt:?} (down {stop_at:?}..{back_at:?})"
                );
            }
            Outcome::NoAnswer(error) => panic!("no answer during the outage: {error} ({attempt:?})"),
            Outcome::Ok => {}
        }
        assert!(attempt.took <= Duration::from_secs(10), "a request hung: {attempt:?}");
    }
    // ...and the server recovered by itself once it was back.
    let recovered_at = attempts
        .iter()
        .filter(|attempt| attempt.started >= back_at && matches!(attempt.outcome, Outcome::Ok))
        .map(|attempt| attempt.started)
        .min()
        .expect("requests succeed again after the restart");
    assert!(
        recovered_at <= back_at + Duration::from_secs(5),
        "recovered only at {recovered_at:?} (back at {back_at:?})"
    );
    let late_failures: Vec<_> = attempts
        .iter()
        .filter(|attempt| attempt.started >= recovered_at + Duration::from_secs(1))
        .filter(|attempt| !matches!(attempt.outcome, Outcome::Ok))
        .collect();
    assert!(late_failures.is_empty(), "failures after recovery: {late_failures:?}");
    let ready = http.get(format!("{}/readyz", server.url)).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);

    // No write is half done: each is there whole, with its change-log and audit entries, or
    // not at all; every write that was answered as done is there.
    let connection = Database::connect(&database).await.expect("database");
    let rows = connection
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT r.external_id,
               (SELECT COUNT(*) FROM licence l WHERE l.recruiter_id = r.id) AS licences,
               (SELECT COUNT(*) FROM recruiter_language x WHERE x.recruiter_id = r.id) AS languages,
               (SELECT COUNT(*) FROM recruiter_corridor x WHERE x.recruiter_id = r.id) AS corridors,
               (SELECT COUNT(*) FROM change_log c WHERE c.entity_type = 'recruiter' AND c.entity_id = r.id) AS changes,
               (SELECT COUNT(*) FROM audit_log a WHERE a.entity_type = 'recruiter' AND a.entity_id = r.id) AS audits
             FROM recruiter r WHERE r.external_id LIKE 'fault-%'",
        ))
        .await
        .expect("query");
    let mut present = std::collections::BTreeSet::new();
    for row in &rows {
        let external_id: String = row.try_get("", "external_id").expect("external_id");
        let counts: Vec<i64> = ["licences", "languages", "corridors", "changes", "audits"]
            .iter()
            .map(|column| row.try_get("", column).expect("count"))
            .collect();
        assert_eq!(counts, vec![1, 2, 1, 1, 1], "{external_id} is whole");
        present.insert(external_id);
    }
    let orphans = connection
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT
               (SELECT COUNT(*) FROM change_log c WHERE c.entity_type = 'recruiter'
                  AND NOT EXISTS (SELECT 1 FROM recruiter r WHERE r.id = c.entity_id)) AS changes,
               (SELECT COUNT(*) FROM audit_log a WHERE a.entity_type = 'recruiter'
                  AND NOT EXISTS (SELECT 1 FROM recruiter r WHERE r.id = a.entity_id)) AS audits,
               (SELECT COUNT(*) FROM licence l WHERE NOT EXISTS (SELECT 1 FROM recruiter r WHERE r.id = l.recruiter_id)) AS licences",
        ))
        .await
        .expect("query")
        .expect("row");
    for column in ["changes", "audits", "licences"] {
        assert_eq!(orphans.try_get::<i64>("", column).expect("count"), 0, "orphan {column}");
    }
    let writes: Vec<&Attempt> = attempts.iter().filter(|attempt| attempt.write.is_some()).collect();
    let done: Vec<&str> = writes
        .iter()
        .filter(|attempt| matches!(attempt.outcome, Outcome::Ok))
        .filter_map(|attempt| attempt.write.as_deref())
        .collect();
    for external_id in &done {
        assert!(
            present.contains(*external_id),
            "{external_id} was answered as written but is missing"
        );
    }
    // The index follows the change log again.
    let mut lag = Value::Null;
    for _ in 0..50 {
        let ready: Value = http
            .get(format!("{}/readyz", server.url))
            .send()
            .await
            .expect("readyz")
            .json()
            .await
            .expect("JSON");
        lag = ready["search"]["lag"].clone();
        if lag == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(lag, 0, "the search index caught up after the restart");

    let reads = attempts.iter().filter(|attempt| attempt.write.is_none()).count();
    let failed_fast = failed.iter().map(|attempt| attempt.took).max().unwrap_or_default();
    println!(
        "PostgreSQL down {:.1}s..{:.1}s (stop took {:.1}s, start {:.1}s): {} reads and {} writes, {} failed \
         (slowest failure {:.2}s, slowest request {:.2}s), recovered {:.2}s after the restart; {} writes done, \
         {} present whole, no half writes",
        stop_at.as_secs_f64(),
        back_at.as_secs_f64(),
        (stopped_at - stop_at).as_secs_f64(),
        (back_at - start_at).as_secs_f64(),
        reads,
        writes.len(),
        failed.len(),
        failed_fast.as_secs_f64(),
        slowest.as_secs_f64(),
        (recovered_at.saturating_sub(back_at)).as_secs_f64(),
        done.len(),
        present.len()
    );
}

// ---------------------------------------------------------------------------------------------
// The search index's disk full, or its directory unwritable.

/// A small tmpfs mounted over a directory, unmounted on drop (lazily, in case a process still
/// has files open in it).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Result<Self, String> {
        run(Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path))?;
        Ok(Self { path: path.to_owned() })
    }

    /// `chattr +i` on the root directory: no file can be created in it, even by root (a
    /// read-only remount is refused while the index holds files open for writing).
    /// Makes the file system's root and the directories in it (the index's generations)
    /// immutable, or writable again.
    fn immutable(&self, immutable: bool) -> Result<(), String> {
        let flag = if immutable { "+i" } else { "-i" };
        let mut directories = vec![self.path.clone()];
        if let Ok(entries) = std::fs::read_dir(&self.path) {
            directories.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| path.is_dir()),
            );
        }
        run(Command::new("chattr").arg(flag).args(&directories)).map(|_| ())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = self.immutable(false);
        let _ = run(Command::new("umount").arg("-l").arg(&self.path));
    }
}

/// Fills a file system by writing to `path` until it refuses.
fn fill(path: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).expect("filler");
    let chunk = vec![0_u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
}

async fn readyz(http: &reqwest::Client, url: &str) -> (u16, Value) {
    let response = http.get(format!("{url}/readyz")).send().await.expect("readyz");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// Polls `/readyz` until `wanted` holds (or 15 s pass) and returns the last answer.
async fn readyz_until(http: &reqwest::Client, url: &str, wanted: impl Fn(&Value) -> bool) -> (u16, Value) {
    let mut last = readyz(http, url).await;
    for _ in 0..75 {
        if wanted(&last.1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        last = readyz(http, url).await;
    }
    last
}

/// Hits for `words` among `record_types` (e.g. `[ORGANISATION]`, or `[]` for all).
async fn search_count(client: &common::Client, words: &str, record_types: &str) -> u64 {
    let query = format!(
        "query($q: String!) {{ search(query: $q, filter: {{ recordTypes: {record_types} }}) {{ totalCount }} }}"
    );
    let data = client.data(&query, json!({ "q": words })).await;
    data["search"]["totalCount"].as_u64().unwrap_or(u64::MAX)
}

#[tokio::test]
async fn an_index_disk_full_or_unwritable_keeps_reads_up_and_says_so_in_readyz() {
    let _serial = SERIAL.lock().await;
    if !is_root() {
        return unavailable("mounting a small tmpfs for the index needs root");
    }
    let mut server = Server::start_with(&[("RATE_LIMIT", "0"), ("CACHE_TTL", "0")]);
    server.stop();
    // The index moves to a file system of 8 MiB (it needs well under 1 MiB); the server
    // rebuilds it there on start.
    let index = server.data_dir().join("search");
    std::fs::remove_dir_all(&index).expect("remove the index");
    std::fs::create_dir(&index).expect("index directory");
    let tmpfs = Tmpfs::mount(&index, "8m").expect("mount a tmpfs");
    server.restart();
    let client = server.client();
    let http = reqwest::Client::new();
    let admin = token("admin", "disk-filler", None);
    let save = "mutation($i: OrganisationInput!) { saveOrganisation(input: $i) { name } }";
    let organisation = |external_id: &str, name: &str| json!({ "i": { "externalId": external_id, "name": name, "kind": "brand", "country": "GB" } });
    let (status, ready) = readyz(&http, &server.url).await;
    assert_eq!((status, ready["status"].clone()), (200, json!("ready")), "{ready}");
    let himalayan = search_count(&client, "himalayan", "[]").await;
    assert!(himalayan > 0);

    for (fault, words, expected) in [
        ("full", "Zanzibarqueue Diskfullness", "full"),
        ("unwritable", "Quetzalwing Unwritableness", "not writable"),
    ] {
        let filler = index.join("filler");
        match fault {
            "full" => fill(&filler),
            _ => tmpfs.immutable(true).expect("make the index directory unwritable"),
        }
        // A write still succeeds: the database has it; only the index cannot follow yet.
        let external_id = format!("org-{fault}");
        let saved = client
            .data_as(Some(&admin), save, organisation(&external_id, words))
            .await;
        assert_eq!(saved["saveOrganisation"]["name"], words);
        let (status, ready) = readyz_until(&http, &server.url, |ready| ready["search"]["writable"] == false).await;
        assert_eq!(status, 200, "the server stays in service: {ready}");
        assert_eq!(ready["status"], "degraded", "{ready}");
        assert_eq!(ready["search"]["writable"], false, "{ready}");
        let error = ready["search"]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(expected) && !error.contains('/'),
            "says why, without paths: {error}"
        );
        assert!(ready["search"]["lag"].as_u64().unwrap_or(0) > 0, "{ready}");
        // Reads and searches keep working, from the index's last commit.
        let data = client.data("{ recruiters(first: 5) { totalCount } }", json!({})).await;
        assert!(data["recruiters"]["totalCount"].as_u64().unwrap_or(0) > 0);
        assert_eq!(search_count(&client, "himalayan", "[]").await, himalayan);
        assert_eq!(
            search_count(&client, words, "[ORGANISATION]").await,
            0,
            "not indexed while the disk refuses"
        );
        // The follower keeps retrying; once the disk takes writes again, the index catches up.
        tokio::time::sleep(Duration::from_secs(2)).await;
        match fault {
            "full" => std::fs::remove_file(&filler).expect("free the space"),
            _ => tmpfs.immutable(false).expect("make the index directory writable again"),
        }
        let (status, ready) = readyz_until(&http, &server.url, |ready| {
            ready["status"] == "ready" && ready["search"]["lag"] == 0
        })
        .await;
        assert_eq!((status, ready["status"].clone()), (200, json!("ready")), "{ready}");
        assert_eq!(ready["search"]["writable"], true, "{ready}");
        assert!(ready["search"]["error"].is_null(), "{ready}");
        assert_eq!(
            search_count(&client, words, "[ORGANISATION]").await,
            1,
            "indexed once the disk took writes again"
        );
    }
    server.stop();
    drop(tmpfs);
}
