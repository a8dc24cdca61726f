//! Load benchmark: the real server (release build) on a generated directory of N recruiters
//! (default 100 000), loaded with `wrk` over HTTP, against a bare actix-web handler that returns
//! a fixed body on the same machine (the floor: what HTTP alone costs here).
//!
//! `cargo bench --bench load` (or `-- 20000` for a smaller directory; `LOAD_SECONDS=10` per
//! run; `REDIS_URL` for the Redis runs, default `redis://127.0.0.1:6379`; `LOAD_DATA_DIR=dir`
//! keeps the imported directory there for the next run). Needs `wrk`
//! (`apt-get install wrk`).
//!
//! Three request shapes, each as a `GET /graphql` query:
//! - lookup: `verifyCertificate` of one certificate number;
//! - corridor: the first 20 certified recruiters of a corridor;
//! - search: a two-word search.
//!
//! For each: no cache (`CACHE_TTL=0`: every request runs against SQLite and the index, the
//! cache-cold cost), and a warm cache in process and in Redis.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use directory_api::{interchange::Record, sample, service::export};

const CONNECTIONS: &str = "16";

fn main() -> anyhow::Result<()> {
    let recruiters: usize = std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(100_000);
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10);
    anyhow::ensure!(
        Command::new("wrk").arg("--version").output().is_ok(),
        "wrk is not installed (apt-get install wrk)"
    );
    let redis = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    // `LOAD_DATA_DIR`: keep the imported directory there and reuse it on the next run.
    let kept = std::env::var("LOAD_DATA_DIR").ok().map(PathBuf::from);
    let data_dir = kept
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("directory-load-bench-{}", std::process::id())));
    std::fs::create_dir_all(&data_dir)?;

    let records = sample::generated_directory(recruiters, 7);
    let (certificate, corridor) = pick_targets(&records)?;
    if !data_dir.join("directory.sqlite3").exists() {
        let file = data_dir.join("directory.jsonl");
        std::fs::write(&file, export::to_json_lines(&records))?;
        let started = Instant::now();
        let import = directory(&data_dir, &[])
            .arg("import")
            .arg(&file)
            .stdout(Stdio::null())
            .status()?;
        anyhow::ensure!(import.success(), "the import failed");
        std::fs::remove_file(&file)?;
        println!(
            "imported {} records ({recruiters} recruiters) in {:.1}s",
            records.len(),
            started.elapsed().as_secs_f64()
        );
    }
    println!("certificate {certificate}, corridor {}-{}", corridor.0, corridor.1);

    let shapes = [
        (
            "lookup by certificate number",
            format!("{{ verifyCertificate(number: \"{certificate}\") {{ found certified status recruiter {{ legalName slug }} }} }}"),
        ),
        (
            "first 20 certified of a corridor",
            format!(
                "{{ recruiters(first: 20, filter: {{ certified: true, corridor: {{ origin: \"{}\", destination: \"{}\" }} }}) \
                 {{ totalCount nodes {{ legalName slug country }} }} }}",
                corridor.0, corridor.1
            ),
        ),
        (
            "two-word search",
            "{ search(query: \"gulf recruitment\", first: 10) { totalCount edges { score node { ... on Recruiter { legalName slug } } } } }"
                .to_owned(),
        ),
    ];

    let mut rows = Vec::new();
    let floor = Floor::start()?;
    let measured = wrk(&format!("{}/", floor.url), seconds)?;
    rows.push(("floor: bare actix-web, fixed body".to_owned(), "-".to_owned(), measured));

    let setups: [(&str, Vec<(&str, String)>); 3] = [
        ("no cache (every request runs)", vec![("CACHE_TTL", "0".to_owned())]),
        ("warm, in-process cache", vec![]),
        (
            "warm, Redis cache",
            vec![
                ("REDIS_URL", redis.clone()),
                ("REDIS_PREFIX", format!("load-bench-{}", std::process::id())),
            ],
        ),
    ];
    for (setup, env) in &setups {
        let server = Server::start(&data_dir, env)?;
        for (shape, query) in &shapes {
            let url = format!("{}/graphql?query={}", server.url, encode(query));
            // One request first: it warms the cache (and checks the answer is not an error).
            let body = reqwest_get(&url)?;
            anyhow::ensure!(!body.contains("\"errors\""), "{shape} answered with errors: {body}");
            let measured = wrk(&url, seconds)?;
            rows.push(((*shape).to_owned(), (*setup).to_owned(), measured));
        }
    }

    println!("\n{recruiters} recruiters, wrk -t2 -c{CONNECTIONS} -d{seconds}s, server and wrk on the same machine\n");
    println!("| shape | cache | requests/s | p50 ms | p99 ms |");
    println!("|---|---|---:|---:|---:|");
    for (shape, setup, measured) in &rows {
        println!(
            "| {shape} | {setup} | {:.0} | {:.2} | {:.2} |",
            measured.rps, measured.p50_ms, measured.p99_ms
        );
    }
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    Ok(())
}

/// A certified certificate's number and the corridor with the most recruiters.
fn pick_targets(records: &[Record]) -> anyhow::Result<(String, (String, String))> {
    let mut certificate = None;
    let mut corridors = std::collections::HashMap::<(String, String), usize>::new();
    for record in records {
        match record {
            Record::Certification(certification)
                if certificate.is_none() && certification.status.eq_ignore_ascii_case("certified") =>
            {
                certificate = Some(certification.certificate_number.clone());
            }
            Record::Recruiter(recruiter) => {
                for corridor in &recruiter.corridors {
                    *corridors
                        .entry((corridor.origin.clone(), corridor.destination.clone()))
                        .or_default() += 1;
                }
            }
            _ => {}
        }
    }
    let corridor = corridors
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|(corridor, _)| corridor)
        .ok_or_else(|| anyhow::anyhow!("no corridors in the generated directory"))?;
    let certificate =
        certificate.ok_or_else(|| anyhow::anyhow!("no certified certificate in the generated directory"))?;
    Ok((certificate, corridor))
}

fn directory(data_dir: &Path, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_directory"));
    command
        .env("DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env("SAMPLE_DATA", "false")
        .env("RATE_LIMIT", "0")
        .env("RUST_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data_dir: &Path, env: &[(&str, String)]) -> anyhow::Result<Self> {
        let mut child = directory(data_dir, env)
            .arg("serve")
            .env("BIND", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .ok_or_else(|| anyhow::anyhow!("the server stopped before listening"))??;
            if let Some(url) = line.strip_prefix("directory listening on ") {
                break url.to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, url })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The floor: a bare actix-web handler with a fixed body, in this process.
struct Floor {
    url: String,
}

impl Floor {
    fn start() -> anyhow::Result<Self> {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let body = r#"{"data":{"verifyCertificate":{"found":true,"certified":true,"status":"CERTIFIED"}}}"#;
                let server = actix_web::HttpServer::new(move || {
                    actix_web::App::new().route(
                        "/",
                        actix_web::web::get().to(move || async move {
                            actix_web::HttpResponse::Ok()
                                .content_type("application/json")
                                .body(body)
                        }),
                    )
                })
                .bind("127.0.0.1:0");
                let Ok(server) = server else { return };
                let _ = sender.send(server.addrs()[0]);
                let _ = server.run().await;
            });
        });
        let address = receiver.recv_timeout(Duration::from_secs(10))?;
        Ok(Self {
            url: format!("http://{address}"),
        })
    }
}

struct Measured {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn wrk(url: &str, seconds: u64) -> anyhow::Result<Measured> {
    let output = Command::new("wrk")
        .args(["-t2", "-c", CONNECTIONS, "-d", &format!("{seconds}s"), "--latency", url])
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(!text.contains("Non-2xx"), "some requests failed under load:\n{text}");
    let field = |prefix: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(prefix).map(|rest| rest.trim().to_owned()))
    };
    let rps = field("Requests/sec:")
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no throughput in wrk's output:\n{text}"))?;
    let latency = |percentile: &str| {
        field(percentile)
            .and_then(|value| milliseconds(&value))
            .ok_or_else(|| anyhow::anyhow!("no {percentile} latency in wrk's output:\n{text}"))
    };
    Ok(Measured {
        rps,
        p50_ms: latency("50%")?,
        p99_ms: latency("99%")?,
    })
}

/// wrk's `1.23ms`, `456.00us`, `1.02s`.
fn milliseconds(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(number / 1_000.0),
        "ms" => Some(number),
        "s" => Some(number * 1_000.0),
        "m" => Some(number * 60_000.0),
        _ => None,
    }
}

fn encode(query: &str) -> String {
    query
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn reqwest_get(url: &str) -> anyhow::Result<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async { Ok(reqwest::get(url).await?.text().await?) })
}
