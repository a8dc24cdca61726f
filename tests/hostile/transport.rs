//! Attacks on the transport: malformed bodies and content types, invalid UTF-8, oversized
//! bodies and batches, and slow clients.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use super::*;

pub async fn run(suite: &mut Suite) {
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
        let request = get(suite, query_string);
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
    let mixed = json!([{ "query": "{ __typename }" }, { "query": THREE_DEEP }, { "query": "{ nope }" }]);
    let request = suite.http.post(format!("{}/graphql", suite.url)).json(&mixed);
    suite
        .send("batch mixing good, too complex and invalid", request, &[])
        .await;

    suite.section("slow clients");
    slow_clients(suite).await;
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
