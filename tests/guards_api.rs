//! One guarded path for every operation: the same limits over WebSocket as over HTTP, caps on
//! what a client holds open, the client's address only from trusted proxies, API keys revoked
//! one by one on every server, and writers that wait a bounded time for the write lock.

mod common;

use std::time::Duration;

use common::{
    Server, token,
    ws::{connect, next_message, subscribe},
};
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn websocket_operations_meet_the_same_limits_as_http() {
    let server = Server::start_with(&[("RATE_LIMIT", "0")]);
    let mut socket = connect(&server).await.expect("connected");
    // 31 aliases: refused over HTTP, and now over the WebSocket too.
    let aliased: String = (0..31)
        .map(|i| format!("a{i}: organisations(first: 1) {{ totalCount }} "))
        .collect();
    for (id, query) in [
        ("aliases", format!("{{ {aliased} }}")),
        (
            "roots",
            format!("{{ {} }}", (0..21).map(|_| "__typename").collect::<Vec<_>>().join(" ")),
        ),
    ] {
        subscribe(&mut socket, id, &query).await;
        let answer = next_message(&mut socket).await.expect("an answer");
        assert_eq!(answer["id"], id, "{answer}");
        let errors = if answer["type"] == "error" {
            &answer["payload"]
        } else {
            &answer["payload"]["errors"]
        };
        assert_eq!(errors[0]["extensions"]["code"], "QUERY_TOO_COMPLEX", "{answer}");
    }
    // A query within the limits runs.
    subscribe(&mut socket, "ok", "{ organisations(first: 1) { totalCount } }").await;
    let answer = next_message(&mut socket).await.expect("an answer");
    assert!(
        answer["payload"]["data"]["organisations"]["totalCount"].as_i64() > Some(0),
        "{answer}"
    );
}

/// A page whose answer takes more than a millisecond to compute.
const NESTED_PAGE: &str = "{ recruiters(first: 100) { totalCount nodes {
    legalName corridors { origin destination } certified
    certifications { certificateNumber status history { from to at } }
    partners { legalName certified } } } }";

#[tokio::test]
async fn a_websocket_query_past_the_time_limit_is_stopped_with_timeout() {
    let server = Server::start_with(&[("REQUEST_TIMEOUT", "1ms"), ("RATE_LIMIT", "0")]);
    let mut socket = connect(&server).await.expect("connected");
    subscribe(&mut socket, "slow", NESTED_PAGE).await;
    let answer = next_message(&mut socket).await.expect("an answer");
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "TIMEOUT",
        "{answer}"
    );
    // Over HTTP the same code, quoting the request id.
    let (code, message) = server.client().error(NESTED_PAGE, json!({})).await;
    assert_eq!(code, "TIMEOUT", "{message}");
}

#[tokio::test]
async fn a_client_holds_a_bounded_number_of_connections_and_subscriptions_and_idle_ones_close() {
    let server = Server::start_with(&[
        ("WS_MAX_CONNECTIONS", "2"),
        ("WS_MAX_SUBSCRIPTIONS", "2"),
        ("WS_IDLE_TIMEOUT", "4s"),
        ("RATE_LIMIT", "0"),
    ]);
    let mut first = connect(&server).await.expect("first connection");
    let watch = "subscription { certificationChanged { sequence } }";
    subscribe(&mut first, "s1", watch).await;
    subscribe(&mut first, "s2", watch).await;
    // Both run once the server counts them (no fixed sleep).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let metrics = server.client().get("/metrics").await.text().await.expect("metrics");
        let started = metrics
            .lines()
            .find_map(|line| line.strip_prefix("directory_subscriptions_started_total "))
            .and_then(|value| value.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if started >= 2.0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the subscriptions never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let second = connect(&server).await.expect("second connection");
    assert_eq!(connect(&server).await.err(), Some(429), "a third connection is refused");
    // Closing one gives the slot back.
    drop(second);
    let mut third = None;
    for _ in 0..200 {
        if let Ok(socket) = connect(&server).await {
            third = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut third = third.expect("a slot came back after a connection closed");
    // The client runs two subscriptions (on `first`) already.
    subscribe(&mut third, "s3", watch).await;
    let refused = next_message(&mut third).await.expect("an answer");
    assert_eq!(refused["id"], "s3", "{refused}");
    let errors = if refused["type"] == "error" {
        &refused["payload"]
    } else {
        &refused["payload"]["errors"]
    };
    assert_eq!(errors[0]["extensions"]["code"], "RATE_LIMITED", "{refused}");
    assert!(
        errors[0]["message"].as_str().unwrap_or("").contains("2 subscriptions"),
        "{refused}"
    );

    // `third` runs nothing and says nothing: it is closed after the idle timeout, while
    // `first`, with subscriptions running, stays open.
    let started = std::time::Instant::now();
    assert_eq!(next_message(&mut third).await, None, "the idle connection was closed");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "closed after {:?}",
        started.elapsed()
    );
    first
        .send(Message::text(json!({ "type": "ping" }).to_string()))
        .await
        .expect("the busy connection is still open");
    assert_eq!(
        next_message(&mut first).await.map(|m| m["type"].clone()),
        Some(json!("pong"))
    );
}

#[tokio::test]
async fn only_a_trusted_proxy_may_name_the_client_address() {
    // A budget of one cheap request a minute per client.
    let untrusted = Server::start_with(&[("RATE_LIMIT", "3"), ("CACHE_TTL", "0")]);
    let trusted = Server::start_with(&[
        ("RATE_LIMIT", "3"),
        ("CACHE_TTL", "0"),
        ("TRUSTED_PROXIES", "127.0.0.1, ::1"),
    ]);
    let http = reqwest::Client::new();
    let ask = async |server: &Server, forwarded: String| {
        http.post(format!("{}/graphql", server.url))
            .header("x-forwarded-for", forwarded)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };
    // Without trust, a client cannot make itself many clients by writing the header.
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(ask(&untrusted, format!("203.0.113.{i}")).await);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    // Behind a trusted proxy, each forwarded address has a budget of its own...
    for i in 0..8 {
        assert_eq!(ask(&trusted, format!("203.0.113.{i}")).await, 200, "client {i}");
    }
    // ...and one address is limited whatever it writes to the left of what the proxy added.
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(ask(&trusted, format!("198.51.100.{i}, 203.0.113.200")).await);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_revoked_api_key_is_refused_on_every_server_and_other_keys_keep_working() {
    let first = Server::start();
    let mint = || {
        let minted = first.cli(&["api-key", "--name", "acme-brand"]);
        assert!(minted.status.success(), "{}", String::from_utf8_lossy(&minted.stderr));
        let key = String::from_utf8(minted.stdout).expect("utf-8").trim().to_owned();
        let stderr = String::from_utf8(minted.stderr).expect("utf-8");
        let id = stderr.rsplit(": ").next().expect("the key id").trim().to_owned();
        (key, id)
    };
    let (key, id) = mint();
    let (other_key, _) = mint();
    assert!(key.starts_with(&format!("{id}.")), "{key} / {id}");
    let secret = std::fs::read_to_string(first.data_dir().join("api-key-secret")).expect("the key secret");
    let second = Server::start_beside_with(&first, &[("API_KEY_SECRET", secret.trim())]);
    let http = reqwest::Client::new();
    let status_with = async |server: &Server, key: &str| {
        http.post(format!("{}/graphql", server.url))
            .header("x-api-key", key)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };
    assert_eq!(status_with(&first, &key).await, 200);
    assert_eq!(status_with(&second, &key).await, 200);

    let revoke =
        "mutation($k: String!, $r: String!) { revokeApiKey(keyId: $k, reason: $r) { keyId revokedBy reason } }";
    let editor = token("editor", "eve", None);
    let (code, _) = first
        .client()
        .error_as(Some(&editor), revoke, json!({ "k": id, "r": "leaked" }))
        .await;
    assert_eq!(code, "FORBIDDEN");
    let admin = token("admin", "alice", None);
    let revoked = first
        .client()
        .data_as(
            Some(&admin),
            revoke,
            json!({ "k": id, "r": "leaked in a public repository" }),
        )
        .await;
    assert_eq!(revoked["revokeApiKey"]["keyId"], id.as_str());
    assert_eq!(revoked["revokeApiKey"]["revokedBy"], "alice");
    // Refused within seconds on both servers, which learn of it from the change log.
    for server in [&first, &second] {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while status_with(server, &key).await != 401 {
            assert!(
                std::time::Instant::now() < deadline,
                "a server still accepts the revoked key"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let refused: Value = http
        .post(format!("{}/graphql", second.url))
        .header("x-api-key", &key)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("revoked"),
        "{refused}"
    );
    // The partner's other key works; revoking twice says so; the whole key is accepted as id.
    assert_eq!(status_with(&first, &other_key).await, 200);
    assert_eq!(status_with(&second, &other_key).await, 200);
    let (code, message) = first
        .client()
        .error_as(Some(&admin), revoke, json!({ "k": key, "r": "again" }))
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_a_bounded_time_for_a_long_import_while_reads_go_on() {
    // An empty directory: the generated file's licence numbers would clash with the sample's.
    let server = Server::start_with(&[
        ("WRITE_LOCK_TIMEOUT", "300ms"),
        ("RATE_LIMIT", "0"),
        ("CACHE_TTL", "0"),
        ("SAMPLE_DATA", "false"),
    ]);
    let client = server.client();
    // A file large enough that importing it holds the write lock for seconds.
    let records = directory_api::sample::generated_directory(6_000, 11);
    let file = server.data_dir().join("large.jsonl");
    std::fs::write(&file, directory_api::service::export::to_json_lines(&records)).expect("write the file");
    let organisations_in_file = records
        .iter()
        .filter(|record| record.type_name() == "organisation")
        .count() as i64;
    let count = async || {
        let data = client
            .data("{ recruiters { totalCount } organisations { totalCount } }", json!({}))
            .await;
        (
            data["recruiters"]["totalCount"].as_i64().expect("count"),
            data["organisations"]["totalCount"].as_i64().expect("count"),
        )
    };
    let (recruiters_before, organisations_before) = count().await;

    let mut import = server.cli_spawn(&["import", file.to_str().expect("path")]);
    let admin = token("admin", "alice", None);
    let save = "mutation($i: OrganisationInput!) { saveOrganisation(input: $i) { name } }";
    let organisation = json!({ "i": { "externalId": "org-during-import", "name": "During Import Ltd", "kind": "brand", "country": "GB" } });
    let http = reqwest::Client::new();
    let mut refused = None;
    let mut written = 0;
    let mut slowest_read = Duration::ZERO;
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while import.try_wait().expect("import status").is_none() {
        assert!(std::time::Instant::now() < deadline, "the import did not finish");
        let started = std::time::Instant::now();
        let read = client
            .data("{ organisations(first: 3) { totalCount } }", json!({}))
            .await;
        assert!(read["organisations"]["totalCount"].is_i64(), "{read}");
        slowest_read = slowest_read.max(started.elapsed());
        if refused.is_none() {
            let organisation = json!({ "i": { "externalId": format!("org-during-import-{written}"),
                "name": "During Import Ltd", "kind": "brand", "country": "GB" } });
            let response = http
                .post(format!("{}/graphql", server.url))
                .bearer_auth(&admin)
                .json(&json!({ "query": save, "variables": organisation }))
                .send()
                .await
                .expect("request");
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|value| value.to_str().unwrap_or("").to_owned());
            let body: Value = response.json().await.expect("JSON");
            if body["errors"][0]["extensions"]["code"] == "UNAVAILABLE" {
                refused = Some((body, retry_after));
            } else {
                // Before the import took the lock: written.
                assert_eq!(body["data"]["saveOrganisation"]["name"], "During Import Ltd", "{body}");
                written += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let output = import.wait_with_output().expect("import output");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (body, retry_after) = refused.expect("a write during the import was answered UNAVAILABLE");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("busy") && message.contains("nothing was changed"),
        "{message}"
    );
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 1, "{body}");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert!(
        slowest_read < Duration::from_secs(2),
        "a read waited {slowest_read:?} behind the import"
    );
    // Nothing half done: the refused write is absent, the import complete; retried, the write
    // goes through.
    let (recruiters_after, organisations_after) = count().await;
    assert_eq!(recruiters_after, recruiters_before + 6_000);
    assert_eq!(
        organisations_after,
        organisations_before + organisations_in_file + written,
        "the refused write left nothing"
    );
    let saved = client.data_as(Some(&admin), save, organisation).await;
    assert_eq!(saved["saveOrganisation"]["name"], "During Import Ltd");
}

/// A secret file that is empty or too short would sign tokens (or API keys) anyone can forge:
/// the server refuses to start and names the file, for each of the two secrets; a long enough
/// file is used as it is.
#[test]
fn an_empty_or_short_secret_file_is_refused_at_start_naming_it() {
    for (file, contents) in [
        ("jwt-secret", ""),
        ("jwt-secret", "short-secret\n"),
        ("api-key-secret", ""),
        ("api-key-secret", "   \n"),
    ] {
        let data_dir = tempfile::tempdir().expect("a data directory");
        std::fs::write(data_dir.path().join(file), contents).expect("write the secret file");
        let started = std::process::Command::new(env!("CARGO_BIN_EXE_directory"))
            .args(["serve", "--exit-on-stdin-close"])
            .env("BIND", "127.0.0.1:0")
            .env("DATA_DIR", data_dir.path())
            .env("SAMPLE_DATA", "false")
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env_remove("JWT_SECRET")
            .env_remove("API_KEY_SECRET")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run the server");
        let stderr = String::from_utf8_lossy(&started.stderr);
        assert!(!started.status.success(), "{file} {contents:?}: the server started");
        assert!(
            stderr.contains(file) && stderr.contains("at least 32"),
            "{file} {contents:?}: {stderr}"
        );
    }
}
