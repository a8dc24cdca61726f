//! What the operator of a deployment runs: backup and restore, `import --check`, progress on
//! long commands, error output meant for people, and the Grafana dashboard against `/metrics`.

mod common;

use std::{
    collections::BTreeSet,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
};

use common::{Server, token, wait_until};
use serde_json::{Value, json};

const SAVE_ORGANISATION: &str = "mutation($input: OrganisationInput!) { saveOrganisation(input: $input) { version } }";

fn organisation(number: usize) -> Value {
    json!({ "externalId": format!("org-backup-{number:05}"), "name": format!("Backup Brand {number:05}"),
            "kind": "brand", "country": "GB", "sector": "apparel" })
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the binary with only the given settings (no server needed).
fn directory(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_directory"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied());
    command.output().expect("run the directory binary")
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The number of a load organisation a line of an export holds, if it is one.
fn load_number(line: &str) -> Option<usize> {
    let record: Value = serde_json::from_str(line).expect("a JSON line");
    record["external_id"]
        .as_str()?
        .strip_prefix("org-backup-")?
        .parse()
        .ok()
}

/// A backup taken while a client keeps writing is one consistent moment of the directory:
/// restored into an empty data directory it holds exactly the writes made before some point,
/// every other record as it was, the same keys, and a search index that is current.
#[tokio::test]
async fn a_backup_taken_under_write_load_restores_to_one_consistent_moment() {
    let server = Server::start();
    let scratch = tempfile::tempdir().expect("scratch directory");
    let backup = scratch.path().join("directory.backup");
    let backup_arg = backup.to_str().expect("UTF-8 path");
    if common::database_url().is_some() {
        // On PostgreSQL the standard tools do it; the command says which.
        let refused = server.cli(&["backup", backup_arg]);
        assert!(!refused.status.success());
        assert!(stderr(&refused).contains("pg_dump"), "{}", stderr(&refused));
        assert!(!backup.exists());
        return;
    }

    // The load: one organisation after another, each write awaited, until told to stop.
    let written = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (client, written, stop) = (server.client(), written.clone(), stop.clone());
        async move {
            let editor = token("editor", "backup-load", None);
            let mut number = 0;
            while !stop.load(Ordering::SeqCst) {
                number += 1;
                let saved = client
                    .data_as(
                        Some(&editor),
                        SAVE_ORGANISATION,
                        json!({ "input": organisation(number) }),
                    )
                    .await;
                assert_eq!(saved["saveOrganisation"]["version"], 1, "{saved}");
                written.store(number, Ordering::SeqCst);
            }
        }
    });
    assert!(
        wait_until(60, async || written.load(Ordering::SeqCst) >= 20).await,
        "the load started"
    );
    let taken = tokio::task::spawn_blocking({
        let child = server.cli_spawn(&["backup", backup_arg]);
        move || child.wait_with_output().expect("backup")
    })
    .await
    .expect("backup thread");
    let during = written.load(Ordering::SeqCst);
    assert!(
        wait_until(60, async || written.load(Ordering::SeqCst) >= during + 10).await,
        "the load went on after the backup"
    );
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("the load");
    let total = written.load(Ordering::SeqCst);
    assert!(taken.status.success(), "backup failed: {}", stderr(&taken));
    assert!(
        stdout(&taken).contains("backed up the directory to"),
        "{}",
        stdout(&taken)
    );
    assert!(!scratch.path().join("directory.backup.partial").exists());
    let again = server.cli(&["backup", backup_arg]);
    assert!(!again.status.success(), "a backup never overwrites a file");
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));

    // Restore into an empty data directory.
    let restored = tempfile::tempdir().expect("restore directory");
    let restored_dir = restored.path().to_str().expect("UTF-8 path");
    let restore = directory(&["restore", backup_arg], &[("DATA_DIR", restored_dir)]);
    assert!(restore.status.success(), "restore failed: {}", stderr(&restore));
    assert!(stdout(&restore).contains("records indexed"), "{}", stdout(&restore));
    let refused = directory(&["restore", backup_arg], &[("DATA_DIR", restored_dir)]);
    assert!(!refused.status.success(), "restoring over a directory is refused");
    assert!(
        stderr(&refused).contains("empty data directory"),
        "{}",
        stderr(&refused)
    );

    // The keys came back byte for byte, readable by their owner only.
    let mut keys = 0;
    for name in ["jwt-secret", "api-key-secret", "webhook-secret-keys", "receipt-key.pem"] {
        let Ok(original) = std::fs::read(server.data_dir().join(name)) else {
            continue;
        };
        let copy = restored.path().join(name);
        assert_eq!(std::fs::read(&copy).ok(), Some(original), "{name} restored");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&copy).expect(name).permissions().mode() & 0o077,
            0,
            "{name}"
        );
        keys += 1;
    }
    assert!(
        keys >= 2,
        "the server keeps its generated keys in DATA_DIR ({keys} found)"
    );

    // The restored directory is the live one without the writes made after some point.
    let live_export = scratch.path().join("live.jsonl");
    let exported = server.cli(&["export", live_export.to_str().expect("path")]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let restored_export = scratch.path().join("restored.jsonl");
    let exported = directory(
        &["export", restored_export.to_str().expect("path")],
        &[("DATA_DIR", restored_dir)],
    );
    assert!(exported.status.success(), "{}", stderr(&exported));
    let restored_lines = lines(&restored_export);
    let kept: BTreeSet<usize> = restored_lines.iter().filter_map(|line| load_number(line)).collect();
    let moment = kept.len();
    assert_eq!(
        kept,
        (1..=moment).collect(),
        "the writes in the backup are a prefix of the writes made"
    );
    assert!(
        (20..total).contains(&moment),
        "the backup holds {moment} of {total} writes: taken during the load"
    );
    let expected: Vec<String> = lines(&live_export)
        .into_iter()
        .filter(|line| load_number(line).is_none_or(|number| number <= moment))
        .collect();
    assert_eq!(restored_lines, expected, "every other record is as it was");

    // A server on the restored data directory answers from a current index at once.
    let restored_server = Server::start_on(restored, &[]);
    let client = restored_server.client();
    let ready: Value = client.get("/readyz").await.json().await.expect("readyz");
    assert_eq!(ready["search"]["lag"], 0, "{ready}");
    let found = client
        .data(
            "query($q: String!) { search(query: $q, first: 5) { edges { node { ... on Organisation { name } } } } }",
            json!({ "q": format!("Backup Brand {moment:05}") }),
        )
        .await;
    let names: Vec<&str> = found["search"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|edge| edge["node"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&format!("Backup Brand {moment:05}").as_str()),
        "{names:?}"
    );
}

/// `import --check` runs every rule of an import, the directory's current state included,
/// reports each bad line, and writes nothing either way.
#[tokio::test]
async fn import_check_reports_every_problem_and_changes_nothing() {
    let server = Server::start();
    let scratch = tempfile::tempdir().expect("scratch directory");
    let export = |name: &str| {
        let path = scratch.path().join(name);
        let exported = server.cli(&["export", path.to_str().expect("path")]);
        assert!(exported.status.success(), "{}", stderr(&exported));
        lines(&path)
    };
    let before = export("before.jsonl");
    let taken_slug = before
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON"))
        .find(|record| record["type"] == "recruiter")
        .expect("a recruiter in the sample")["slug"]
        .as_str()
        .expect("a slug")
        .to_owned();
    let first = |kind: &str| -> Value {
        let marker = format!("\"type\":\"{kind}\"");
        serde_json::from_str(
            before
                .iter()
                .find(|line| line.contains(&marker))
                .expect("a line of that type"),
        )
        .expect("JSON")
    };
    let mut new_recruiter = first("recruiter");
    new_recruiter["external_id"] = json!("rec-check-new");
    new_recruiter["slug"] = json!("check-new-agency");
    new_recruiter["partners"] = json!([]);
    for (index, licence) in new_recruiter["licences"]
        .as_array_mut()
        .expect("licences")
        .iter_mut()
        .enumerate()
    {
        licence["licence_number"] = json!(format!("LIC-CHECK-NEW-{index}"));
    }
    let mut clash = new_recruiter.clone();
    clash["external_id"] = json!("rec-check-clash");
    clash["slug"] = json!(taken_slug);
    for (index, licence) in clash["licences"]
        .as_array_mut()
        .expect("licences")
        .iter_mut()
        .enumerate()
    {
        licence["licence_number"] = json!(format!("LIC-CHECK-CLASH-{index}"));
    }
    let organisation = json!({ "type": "organisation", "external_id": "org-check-1", "name": "Check Brand",
                               "kind": "brand", "country": "GB", "sector": "apparel" });
    let mut commitment_to_nobody = first("commitment");
    commitment_to_nobody["external_id"] = json!("com-check-1");
    commitment_to_nobody["organisation"] = json!("org-nobody");

    let bad = scratch.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        [&organisation, &clash, &commitment_to_nobody]
            .map(Value::to_string)
            .join("\n"),
    )
    .expect("write");
    let checked = server.cli(&["import", "--check", bad.to_str().expect("path")]);
    assert!(!checked.status.success(), "a bad file fails the check");
    let report = stderr(&checked);
    assert!(
        report.contains("line 2") && report.contains(&taken_slug),
        "the slug taken in the directory is found (only the directory knows): {report}"
    );
    assert!(
        report.contains("line 3") && report.contains("org-nobody"),
        "the missing reference is found: {report}"
    );
    assert!(report.contains("would be refused whole"), "{report}");

    let good = scratch.path().join("good.jsonl");
    std::fs::write(&good, [&organisation, &new_recruiter].map(Value::to_string).join("\n")).expect("write");
    let checked = server.cli(&["import", "--check", good.to_str().expect("path")]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert!(
        stdout(&checked).contains("would import 2 records") && stdout(&checked).contains("nothing was written"),
        "{}",
        stdout(&checked)
    );
    assert_eq!(export("after.jsonl"), before, "a check writes nothing");
    let imported = server.cli(&["import", good.to_str().expect("path")]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains("imported 2 records"),
        "{}",
        stdout(&imported)
    );
}

/// Away from a terminal, long commands log how far they got at `PROGRESS_INTERVAL`, then
/// print their summary.
#[tokio::test]
async fn long_commands_log_their_progress_when_not_on_a_terminal() {
    let server = Server::start();
    let scratch = tempfile::tempdir().expect("scratch directory");
    let file = scratch.path().join("directory.jsonl");
    let quick = [("PROGRESS_INTERVAL", "1ms"), ("RUST_LOG", "info")];
    let exported = server.cli_with(&["export", file.to_str().expect("path")], &quick);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let log = stderr(&exported);
    assert!(
        log.contains("export: reading") || log.contains("export: writing"),
        "progress lines: {log}"
    );
    assert!(log.contains("exported"), "the summary: {log}");
    let checked = server.cli_with(&["import", "--check", file.to_str().expect("path")], &quick);
    assert!(checked.status.success(), "{}", stderr(&checked));
    let log = stderr(&checked);
    let progress: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("import: checking") || line.contains("import: resolving"))
        .collect();
    assert!(!progress.is_empty(), "progress lines: {log}");
    assert!(
        progress
            .iter()
            .any(|line| line.contains(" of ") && line.contains("left")),
        "each says how far and how long: {progress:?}"
    );
    assert!(stdout(&checked).contains("nothing was written"), "{}", stdout(&checked));
    // The export of the directory as it stands, checked against that directory: re-importing
    // it would change nothing (the sample's partnerships are written on both sides).
    assert!(
        stdout(&checked).contains("would import 0 records"),
        "{}",
        stdout(&checked)
    );
}

/// A command that fails says what went wrong and what to do, with no stack trace unless one
/// is asked for.
#[test]
fn a_failed_command_says_what_went_wrong_and_what_to_do() {
    let scratch = tempfile::tempdir().expect("scratch directory");
    let data_dir = scratch.path().to_str().expect("UTF-8 path");
    let missing = scratch.path().join("no-such-file.jsonl");
    let missing = missing.to_str().expect("UTF-8 path");
    let failed = directory(&["import", missing], &[("DATA_DIR", data_dir)]);
    assert_eq!(failed.status.code(), Some(1));
    let told = stderr(&failed);
    assert!(told.starts_with("error: "), "{told}");
    assert!(told.contains(missing), "names the file: {told}");
    assert!(told.contains("what to do: check the path"), "{told}");
    assert!(
        !told.contains("panicked") && !told.contains("directory_api::"),
        "no stack trace: {told}"
    );

    let asked = directory(&["import", missing], &[("DATA_DIR", data_dir), ("RUST_BACKTRACE", "1")]);
    assert_eq!(asked.status.code(), Some(1));
    assert!(
        stderr(&asked).contains("directory_api::"),
        "RUST_BACKTRACE=1 adds the trace: {}",
        stderr(&asked)
    );

    let postgres = directory(
        &["backup", "x.backup"],
        &[
            ("DATA_DIR", data_dir),
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        ],
    );
    assert_eq!(postgres.status.code(), Some(1));
    assert!(stderr(&postgres).contains("pg_dump -Fc"), "{}", stderr(&postgres));

    let not_a_backup = scratch.path().join("not-a-backup");
    std::fs::write(&not_a_backup, "just text").expect("write");
    let empty = scratch.path().join("empty");
    let refused = directory(
        &["restore", not_a_backup.to_str().expect("path")],
        &[("DATA_DIR", empty.to_str().expect("path"))],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).starts_with("error: "), "{}", stderr(&refused));
    assert!(
        !empty.join("directory.sqlite3").exists() && !empty.join("directory.sqlite3.partial").exists(),
        "a failed restore leaves nothing behind"
    );
}

/// Every metric the Grafana dashboard in `ops/grafana/` queries is one the server exports,
/// and the dashboard shows what an operator needs.
#[tokio::test]
async fn the_dashboard_queries_only_metrics_the_server_exports() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ops/grafana/directory.json");
    let dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the dashboard")).expect("valid JSON");
    let mut expressions = Vec::new();
    collect_expressions(&dashboard, &mut expressions);
    assert!(expressions.len() >= 10, "{} queries", expressions.len());
    let used: BTreeSet<String> = expressions
        .iter()
        .flat_map(|expression| {
            expression
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|word| word.starts_with("directory_"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    for needed in [
        "directory_http_requests_total",
        "directory_http_request_duration_seconds_bucket",
        "directory_cache_hits_total",
        "directory_redis_errors_total",
        "directory_rate_limited_total",
        "directory_search_index_lag",
        "directory_webhook_queue_depth",
    ] {
        assert!(used.contains(needed), "the dashboard shows {needed}: {used:?}");
    }

    let server = Server::start();
    let client = server.client();
    client.data("{ recruiters(first: 1) { totalCount } }", json!({})).await;
    let metrics = client.get("/metrics").await.text().await.expect("metrics");
    let exported: BTreeSet<&str> = metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split(['{', ' ']).next())
        .collect();
    let missing: Vec<&String> = used.iter().filter(|name| !exported.contains(name.as_str())).collect();
    assert!(missing.is_empty(), "not on /metrics: {missing:?}\n{metrics}");
}

fn collect_expressions(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("expr" | "query", Value::String(expression)) => into.push(expression.clone()),
                    ("query", Value::Object(query)) => {
                        if let Some(Value::String(expression)) = query.get("query") {
                            into.push(expression.clone());
                        }
                    }
                    _ => collect_expressions(value, into),
                }
            }
        }
        Value::Array(values) => values.iter().for_each(|value| collect_expressions(value, into)),
        _ => {}
    }
}
