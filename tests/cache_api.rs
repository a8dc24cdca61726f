//! The response cache (in process and in Redis), HTTP caching, persisted queries, rate limits,
//! metrics and graceful shutdown, against the real server.

mod common;

use std::time::Duration;

use common::{Client, Server, token, wait_until};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const CANADA: &str = "{ organisations(filter: { country: \"CA\" }) { totalCount nodes { name } } }";

/// `REDIS_URL` for the tests that need a real Redis; `None` (skip) only outside CI.
fn redis_url() -> Option<String> {
    match std::env::var("REDIS_URL").ok().filter(|url| !url.is_empty()) {
        Some(url) => Some(url),
        None if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("REDIS_URL is not set: CI must run the Redis tests")
        }
        None => {
            eprintln!("skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379) to run the Redis tests");
            None
        }
    }
}

/// A Redis key prefix of this test's own, so servers of other tests never share answers.
fn prefix(name: &str) -> String {
    format!("dirtest-{}-{name}", std::process::id())
}

async fn add_organisation(client: &Client, external_id: &str, name: &str) {
    let editor = token("editor", "editor", None);
    let input = json!({ "externalId": external_id, "name": name, "kind": "brand", "country": "CA",
                        "sector": "apparel", "website": null });
    client
        .data_as(
            Some(&editor),
            "mutation($i: OrganisationInput!) { saveOrganisation(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
}

async fn get(client: &Client, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .get(format!("{}/graphql", client.url))
        .query(&[("query", query)]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("GET /graphql")
}

async fn metric(client: &Client, name: &str) -> f64 {
    let text = client.get("/metrics").await.text().await.expect("metrics text");
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or(0.0)
}

fn names(answer: &Value) -> Vec<String> {
    let mut names: Vec<String> = answer["data"]["organisations"]["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|node| node["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A read after one's own write never comes from the cache, with either store.
async fn reads_see_their_own_writes(server: &Server) {
    let client = server.client();
    add_organisation(&client, "org-cache-1", "Iqaluit Cached Parkas").await;
    let before = get(&client, CANADA, &[]).await.json::<Value>().await.expect("json");
    let hits = metric(&client, "directory_cache_hits_total").await;
    let again = get(&client, CANADA, &[]).await.json::<Value>().await.expect("json");
    assert_eq!(before, again);
    assert_eq!(
        metric(&client, "directory_cache_hits_total").await,
        hits + 1.0,
        "the second identical read is answered from the cache"
    );
    // The same query laid out differently, with a comment, is the same cached answer.
    let relaid =
        "# Canada\nquery {\n  organisations(filter: {country: \"CA\"}) {\n    totalCount, nodes { name }\n  }\n}";
    assert_eq!(
        get(&client, relaid, &[]).await.json::<Value>().await.expect("json"),
        before
    );
    assert_eq!(metric(&client, "directory_cache_hits_total").await, hits + 2.0);

    add_organisation(&client, "org-cache-2", "Whitehorse Fresh Mitts").await;
    let after = get(&client, CANADA, &[]).await.json::<Value>().await.expect("json");
    assert!(
        names(&after).contains(&"Whitehorse Fresh Mitts".to_owned()),
        "a read right after a write shows the write: {after}"
    );
    assert_eq!(
        after["data"]["organisations"]["totalCount"].as_i64(),
        before["data"]["organisations"]["totalCount"]
            .as_i64()
            .map(|count| count + 1)
    );
}

#[tokio::test]
async fn in_process_cache_never_serves_a_read_older_than_ones_own_write() {
    let server = Server::start();
    reads_see_their_own_writes(&server).await;
}

#[tokio::test]
async fn redis_cache_never_serves_a_read_older_than_ones_own_write() {
    let Some(redis) = redis_url() else { return };
    let prefix = prefix("own-write");
    let server = Server::start_with(&[("REDIS_URL", &redis), ("REDIS_PREFIX", &prefix)]);
    reads_see_their_own_writes(&server).await;
    assert_eq!(metric(&server.client(), "directory_redis_errors_total").await, 0.0);
}

#[tokio::test]
async fn two_servers_sharing_redis_show_a_write_everywhere_within_a_second() {
    let Some(redis) = redis_url() else { return };
    let prefix = prefix("two-servers");
    let settings = [("REDIS_URL", redis.as_str()), ("REDIS_PREFIX", prefix.as_str())];
    let first = Server::start_with(&settings);
    let second = Server::start_beside_with(&first, &settings);
    let (one, two) = (first.client(), second.client());
    // Both servers are at the same change-log position, so they share cached answers.
    let warmed = get(&one, CANADA, &[]).await.json::<Value>().await.expect("json");
    let hits = metric(&two, "directory_cache_hits_total").await;
    assert_eq!(
        get(&two, CANADA, &[]).await.json::<Value>().await.expect("json"),
        warmed
    );
    assert_eq!(
        metric(&two, "directory_cache_hits_total").await,
        hits + 1.0,
        "the second server found the first server's answer in Redis"
    );

    add_organisation(&one, "org-shared-cache", "Nunavut Shared Boots").await;
    let started = std::time::Instant::now();
    // The other server follows the log about once a second; the deadline is generous so a
    // loaded machine cannot fail it, and the time it took is printed.
    let seen = wait_until(20, async || {
        let answer = get(&two, CANADA, &[]).await.json::<Value>().await.expect("json");
        names(&answer).contains(&"Nunavut Shared Boots".to_owned())
    })
    .await;
    assert!(
        seen,
        "the other server still served the old answer after {:?}",
        started.elapsed()
    );
    println!(
        "a write through one server was visible in the other's cached reads after {:?}",
        started.elapsed()
    );
}

/// Whether an anonymous (cacheable) search through `client` finds `word`, and the server's
/// generation (the change-log position it has applied and published) when it answered.
async fn finds(client: &Client, word: &str) -> (bool, u64) {
    let query = format!("{{ search(query: \"{word}\") {{ totalCount }} }}");
    let answer = get(client, &query, &[]).await.json::<Value>().await.expect("json");
    let ready: Value = client.get("/readyz").await.json().await.expect("readyz");
    let total = answer["data"]["search"]["totalCount"].as_i64().expect("a count");
    (total > 0, ready["search"]["published"].as_u64().expect("published"))
}

/// Two servers share one Redis and write and search in turn, each learning of the other's
/// writes only when it settles its own (no timer in the test's time). A cached answer is keyed
/// by the generation of the server that made it, which never runs ahead of that server's
/// index: each server's searches always agree with its own generation, and a stale answer
/// made by one is never served by the other. (That they share answers at the same generation
/// is `two_servers_sharing_redis_show_a_write_everywhere_within_a_second`.)
#[tokio::test]
async fn two_servers_sharing_redis_never_serve_each_other_a_stale_search() {
    let Some(redis) = redis_url() else { return };
    let prefix = prefix("interleaved");
    let settings = [
        ("REDIS_URL", redis.as_str()),
        ("REDIS_PREFIX", prefix.as_str()),
        ("FOLLOW_INTERVAL", "1h"),
    ];
    let first = Server::start_with(&settings);
    let second = Server::start_beside_with(&first, &settings);
    let (one, two) = (first.client(), second.client());
    let words = [
        "Xylograph",
        "Bandoneon",
        "Corsetry",
        "Dulcimer",
        "Empennage",
        "Fumarole",
        "Gazpacho",
        "Hornbeam",
        "Isthmus",
    ];
    for (round, trio) in words.chunks(3).enumerate() {
        let [alpha, bravo, charlie] = [trio[0], trio[1], trio[2]];
        add_organisation(&one, &format!("org-alpha-{round}"), &format!("Ocelot {alpha}")).await;
        let (found, two_at) = finds(&two, alpha).await;
        let (_, one_at) = finds(&one, "Ocelot").await;
        assert!(two_at < one_at, "the second server has not read the first's write yet");
        assert!(!found, "the second server answers for its own generation ({two_at})");
        assert!(finds(&one, alpha).await.0, "the writer finds its write");

        add_organisation(&two, &format!("org-bravo-{round}"), &format!("Ocelot {bravo}")).await;
        assert!(
            finds(&two, alpha).await.0,
            "settling its own write, the second server applied the first's too"
        );
        assert!(finds(&two, bravo).await.0);
        let (found, one_at) = finds(&one, bravo).await;
        assert!(!found, "the first server answers for its own generation ({one_at})");

        add_organisation(&one, &format!("org-charlie-{round}"), &format!("Ocelot {charlie}")).await;
        for word in [alpha, bravo, charlie] {
            assert!(finds(&one, word).await.0, "{word} through the first server");
        }
        add_organisation(&two, &format!("org-delta-{round}"), &format!("Ocelot Delta {round}")).await;
        for word in [alpha, bravo, charlie] {
            assert!(finds(&two, word).await.0, "{word} through the second server");
        }
    }
}

#[tokio::test]
async fn get_answers_carry_an_etag_and_revalidate_with_304() {
    let server = Server::start();
    let client = server.client();
    let query = "{ organisations(first: 2) { nodes { name } } }";
    let first = get(&client, query, &[]).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong entity tag: {etag}"
    );
    let cache_control = first.headers()["cache-control"]
        .to_str()
        .expect("cache-control")
        .to_owned();
    assert!(cache_control.starts_with("public, max-age="), "{cache_control}");
    assert!(first.headers()["vary"].to_str().expect("vary").contains("Accept"));
    let body = first.text().await.expect("body");

    let revalidated = get(&client, query, &[("If-None-Match", &etag)]).await;
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().expect("etag"), etag);
    assert!(revalidated.text().await.expect("body").is_empty());
    let weak = format!("W/{etag}");
    assert_eq!(get(&client, query, &[("If-None-Match", &weak)]).await.status(), 304);
    let other = get(&client, query, &[("If-None-Match", "\"something-else\"")]).await;
    assert_eq!(other.status(), 200);
    assert_eq!(other.text().await.expect("body"), body);

    // After a write the answer changes, and so does its tag.
    add_organisation(&client, "org-etag", "Aardvark Etag Outfitters").await;
    let changed = get(&client, query, &[("If-None-Match", &etag)]).await;
    assert_eq!(changed.status(), 200, "a changed answer is sent in full");
    assert_ne!(changed.headers()["etag"].to_str().expect("etag"), etag);

    // What a token sees, POSTs and errors are never stored by a shared cache.
    let editor = token("editor", "editor", None);
    let private = get(&client, query, &[("Authorization", &format!("Bearer {editor}"))]).await;
    assert_eq!(private.headers()["cache-control"], "no-store");
    assert!(private.headers().get("etag").is_none());
    let posted = reqwest::Client::new()
        .post(format!("{}/graphql", client.url))
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("POST");
    assert_eq!(posted.headers()["cache-control"], "no-store");
    let failed = get(
        &client,
        "{ recruiter(slug: \"no-such-recruiter\") { id } verifyCertificate(number: \"\") { found } }",
        &[],
    )
    .await;
    assert_eq!(failed.headers()["cache-control"], "no-store");
    // A signed receipt records one check at one moment: it is never served from a cache.
    let receipt = "{ verifyCertificate(number: \"ERS-NP-2025-0000186\", receipt: true) { found receipt } }";
    let first = get(&client, receipt, &[]).await;
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first: Value = first.json().await.expect("json");
    let second: Value = get(&client, receipt, &[]).await.json().await.expect("json");
    assert!(first["data"]["verifyCertificate"]["receipt"].is_string(), "{first}");
    assert_ne!(
        first["data"]["verifyCertificate"]["receipt"], second["data"]["verifyCertificate"]["receipt"],
        "each check gets its own receipt"
    );
}

#[tokio::test]
async fn automatic_persisted_queries_work_over_get_and_post() {
    let server = Server::start();
    let client = server.client();
    let query = "{ organisations(first: 1) { totalCount } }";
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let http = reqwest::Client::new();
    let by_hash = || {
        http.get(format!("{}/graphql", client.url))
            .query(&[("extensions", extensions.as_str())])
    };

    let unknown: Value = by_hash().send().await.expect("GET").json().await.expect("json");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND");

    let registered: Value = http
        .post(format!("{}/graphql", client.url))
        .json(&json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    assert!(registered["data"]["organisations"]["totalCount"].as_i64().unwrap_or(0) > 0);

    let known: Value = by_hash().send().await.expect("GET").json().await.expect("json");
    assert_eq!(known["data"], registered["data"], "the hash alone now runs the query");

    let mismatch = http
        .post(format!("{}/graphql", client.url))
        .json(&json!({ "query": "{ organisations(first: 2) { totalCount } }",
                       "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .expect("POST");
    assert_eq!(mismatch.status(), 400);
    let mismatch: Value = mismatch.json().await.expect("json");
    assert_eq!(mismatch["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let bad_hash = http
        .get(format!("{}/graphql", client.url))
        .query(&[("extensions", r#"{"persistedQuery":{"version":1,"sha256Hash":"zz"}}"#)])
        .send()
        .await
        .expect("GET");
    assert_eq!(bad_hash.status(), 400);
}

#[tokio::test]
async fn rate_limits_charge_by_cost_and_say_when_to_retry() {
    let server = Server::start_with(&[("RATE_LIMIT", "20000"), ("RATE_LIMIT_KEYED", "200000")]);
    let client = server.client();
    let http = reqwest::Client::new();
    let post = |query: &str, key: Option<&str>| {
        let mut request = http
            .post(format!("{}/graphql", client.url))
            .json(&json!({ "query": query }));
        if let Some(key) = key {
            request = request.header("X-Api-Key", key);
        }
        request.send()
    };
    let cheap = "{ organisations(first: 1) { totalCount } }";
    let costly = "{ recruiters(first: 100) { nodes { legalName certifications { certificateNumber history { to at } } \
                  licences { licenceNumber } corridors { origin destination } } } }";

    let first = post(cheap, None).await.expect("POST");
    assert_eq!(first.status(), 200);
    let limit: u64 = first.headers()["ratelimit-limit"]
        .to_str()
        .expect("limit")
        .parse()
        .expect("number");
    let remaining: u64 = first.headers()["ratelimit-remaining"]
        .to_str()
        .expect("remaining")
        .parse()
        .expect("number");
    assert_eq!(limit, 20000);
    assert!(
        remaining < limit && remaining > limit - 50,
        "a cheap query costs little: {remaining} left"
    );
    assert!(first.headers().contains_key("ratelimit-reset"));

    let costly_answer = post(costly, None).await.expect("POST");
    let costly_status = costly_answer.status();
    let after_costly: Option<u64> = costly_answer
        .headers()
        .get("ratelimit-remaining")
        .and_then(|value| value.to_str().ok()?.parse().ok());
    let costly_body = costly_answer.text().await.expect("body");
    let after_costly =
        after_costly.unwrap_or_else(|| panic!("no RateLimit-Remaining ({costly_status}): {costly_body}"));
    assert_eq!(costly_status, 200, "{costly_body}");
    let costly_cost = remaining - after_costly;
    println!(
        "a cheap query cost {}, a page of 100 with nested lists {costly_cost}",
        limit - remaining
    );
    assert!(
        costly_cost > 50 * (limit - remaining),
        "an expensive query costs far more than a cheap one ({remaining} -> {after_costly})"
    );
    // Spend the rest of the budget (with pages of different sizes: a cached answer costs 1).
    let mut refused = None;
    for size in (80..100).rev() {
        let answer = post(&costly.replace("first: 100", &format!("first: {size}")), None)
            .await
            .expect("POST");
        if answer.status() == 429 {
            refused = Some(answer);
            break;
        }
    }
    let refused = refused.expect("the budget runs out");
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let left: u64 = refused.headers()["ratelimit-remaining"]
        .to_str()
        .expect("remaining")
        .parse()
        .expect("number");
    assert!(
        left < costly_cost,
        "refused only when the budget left ({left}) is less than the cost"
    );
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert!(body["errors"][0]["message"].as_str().unwrap_or("").contains("retry in"));
    assert!(body.get("data").is_none_or(Value::is_null), "nothing ran: {body}");
    assert!(metric(&client, "directory_rate_limited_total").await >= 1.0);

    // A partner with an API key has its own, larger budget; a forged key is refused.
    let minted = server.cli(&["api-key", "--name", "acme-brand"]);
    assert!(minted.status.success(), "{}", String::from_utf8_lossy(&minted.stderr));
    let key = String::from_utf8(minted.stdout).expect("utf-8").trim().to_owned();
    let keyed = post(costly, Some(&key)).await.expect("POST");
    assert_eq!(keyed.status(), 200);
    assert_eq!(keyed.headers()["ratelimit-limit"], "200000");
    let forged = post(cheap, Some("acme-brand.0000")).await.expect("POST");
    assert_eq!(forged.status(), 401);
    let forged: Value = forged.json().await.expect("json");
    assert_eq!(forged["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn metrics_report_requests_latency_cache_and_index_lag() {
    let server = Server::start();
    let client = server.client();
    get(&client, CANADA, &[]).await;
    get(&client, CANADA, &[]).await;
    let text = client.get("/metrics").await.text().await.expect("metrics");
    for series in [
        "directory_http_requests_total{method=\"GET\",route=\"/graphql\",status=\"200\"} 2",
        "directory_http_request_duration_seconds_bucket{",
        "directory_cache_hits_total 1",
        "directory_cache_misses_total 1",
        "directory_redis_errors_total 0",
        "directory_search_index_lag 0",
        "directory_sql_statements_total ",
    ] {
        assert!(text.contains(series), "`{series}` missing from /metrics:\n{text}");
    }
}

#[tokio::test]
async fn a_stopping_server_finishes_the_requests_it_has_started() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut server = Server::start();
    let address = server.url.trim_start_matches("http://").to_owned();
    // A request whose body is still arriving when the server is told to stop.
    let body = json!({ "query": "{ organisations(first: 3) { totalCount } }" }).to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    let (start, rest) = body.split_at(10);
    stream.write_all(start.as_bytes()).await.expect("write part");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopping = tokio::task::spawn_blocking(move || {
        let exit = server.terminate(Duration::from_secs(20));
        (server, exit)
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    // New connections are refused while the old request is still served.
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err()
            || reqwest::get(format!("http://{address}/healthz")).await.is_err(),
        "a stopping server takes no new requests"
    );
    stream.write_all(rest.as_bytes()).await.expect("write rest");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read response");
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the in-flight request was answered: {response}"
    );
    assert!(response.contains("totalCount"), "{response}");
    let (_server, exit) = stopping.await.expect("join");
    let exit = exit.expect("the server exits once its requests are done");
    assert!(exit.success(), "a clean exit: {exit:?}");
}
