//! Live status changes over a real WebSocket (graphql-transport-ws), as a brand's system
//! watching its suppliers' recruiters receives them.

mod common;

use common::{Server, token, wait_until, ws};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

/// The next message that is not an event recorded at or before `baseline`.
async fn next_event_after(
    socket: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
    baseline: i64,
) -> Value {
    loop {
        let message = next_message(socket).await;
        let sequence = message["payload"]["data"]["certificationChanged"]["sequence"].as_i64();
        if sequence.is_none_or(|sequence| sequence > baseline) {
            return message;
        }
    }
}

async fn next_message(
    socket: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .expect("a valid frame");
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).expect("JSON message");
            if value["type"] != "ping" {
                return value;
            }
        }
    }
}

#[tokio::test]
async fn a_subscriber_is_told_of_each_transition_of_the_recruiters_it_watches() {
    let server = Server::start();
    let client = server.client();
    let data = client
        .data(
            "{ recruiters(filter: { certified: true }, first: 2) { nodes { id legalName
                 certifications { id version status certificationBody } } } }",
            json!({}),
        )
        .await;
    let watched = data["recruiters"]["nodes"][0].clone();
    let other = data["recruiters"]["nodes"][1].clone();
    let certification = watched["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "CERTIFIED")
        .unwrap()
        .clone();
    let other_certification = other["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "CERTIFIED")
        .unwrap()
        .clone();

    let url = format!("{}/graphql", server.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    // Subscribe once this server has followed the change log to its end, so the subscription
    // gets the transitions below and not the sample directory's own history catching up.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let ready: Value = client.get("/readyz").await.json().await.unwrap();
        if ready["search"]["lag"] == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the index never caught up: {ready}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("WebSocket upgrade on /graphql");
    socket
        .send(Message::text(json!({ "type": "connection_init" }).to_string()))
        .await
        .unwrap();
    assert_eq!(next_message(&mut socket).await["type"], "connection_ack");
    let subscription = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($ids: [ID!]) { certificationChanged(recruiterIds: $ids) {
                    sequence from to reasonCategory recruiter { legalName } certification { certificateNumber status } } }",
        "variables": { "ids": [watched["id"]] } } });
    socket.send(Message::text(subscription.to_string())).await.unwrap();
    // The writes start once the subscription follows the change feed (no fixed sleep).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let metrics = client.get("/metrics").await.text().await.unwrap();
        let started = metrics
            .lines()
            .find_map(|line| line.strip_prefix("directory_subscriptions_started_total "))
            .and_then(|value| value.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if started >= 1.0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the subscription never started:\n{metrics}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // Events of writes made before this point (if any reach the new subscriber) are not the
    // subject here: the ones below come after this change-log position.
    let baseline: Value = client.get("/readyz").await.json().await.unwrap();
    let baseline = baseline["search"]["position"].as_i64().expect("the index position");
    let admin = token("admin", "admin", None);
    let decide = "mutation($id: ID!, $v: Int!, $to: CertificationStatus!) {
        recordCertificationDecision(id: $id, expectedVersion: $v, to: $to, reasonCategory: \"complaint_upheld\") { version } }";
    // A change to a recruiter nobody watches is not sent; the watched one's are, in order.
    client
        .data_as(
            Some(&admin),
            decide,
            json!({ "id": other_certification["id"], "v": other_certification["version"], "to": "SUSPENDED" }),
        )
        .await;
    client
        .data_as(
            Some(&admin),
            decide,
            json!({ "id": certification["id"], "v": certification["version"], "to": "SUSPENDED" }),
        )
        .await;
    let reinstated = certification["version"].as_i64().unwrap() + 1;
    client
        .data_as(
            Some(&admin),
            decide,
            json!({ "id": certification["id"], "v": reinstated, "to": "CERTIFIED" }),
        )
        .await;

    let first = next_event_after(&mut socket, baseline).await;
    assert_eq!(first["type"], "next", "{first}");
    let event = &first["payload"]["data"]["certificationChanged"];
    assert_eq!(event["recruiter"]["legalName"], watched["legalName"]);
    assert_eq!(
        (event["from"].as_str(), event["to"].as_str()),
        (Some("CERTIFIED"), Some("SUSPENDED")),
        "{first}"
    );
    assert_eq!(event["reasonCategory"], "complaint_upheld");
    let second = next_event_after(&mut socket, baseline).await;
    let event_two = &second["payload"]["data"]["certificationChanged"];
    assert_eq!(
        (event_two["from"].as_str(), event_two["to"].as_str()),
        (Some("SUSPENDED"), Some("CERTIFIED"))
    );
    assert!(event_two["sequence"].as_i64() > event["sequence"].as_i64());

    // Malformed ids are refused when subscribing, with the usual error code.
    let bad = json!({ "id": "2", "type": "subscribe", "payload": { "query": "subscription { certificationChanged(recruiterIds: [\"nope\"]) { sequence } }" } });
    socket.send(Message::text(bad.to_string())).await.unwrap();
    let refused = next_message(&mut socket).await;
    assert_eq!(refused["id"], "2");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
}

/// A client that reconnects passes the sequence of the last event it received and gets every
/// transition since, in order, then the live ones: nothing missed, nothing twice.
#[tokio::test]
async fn a_subscriber_that_reconnects_after_a_sequence_misses_nothing() {
    const BODY: &str = "Resume Certification Ltd.";
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let client = server.client();
    let lines = [
        json!({"type":"recruiter","external_id":"rec-resume","legal_name":"Resume Test Manpower","trading_names":[],
               "slug":"resume-test-manpower","country":"NP","languages":["ne"],"sectors":["construction"],
               "corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none"}),
        json!({"type":"certification","external_id":"cert-resume","recruiter":"rec-resume","certificate_number":"ERS-RESUME-1",
               "scheme":"Ethical Recruitment Standard 2.0","certification_body":BODY,"status":"certified",
               "issued_on":"2025-03-15","expires_on":"2099-03-14","scope_corridors":[],"scope_sectors":[],
               "status_history":[
                 {"from":null,"to":"applicant","at":"2024-11-02T09:00:00Z","reason":"application_received","recorded_by":"secretariat"},
                 {"from":"applicant","to":"certified","at":"2025-03-15T10:00:00Z","reason":"audit_passed","recorded_by":BODY}]}),
    ];
    let text = lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    client
        .data_as(
            Some(&token("admin", "secretariat", None)),
            "mutation($l: String!) { importRecords(jsonLines: $l) { certifications } }",
            json!({ "l": text }),
        )
        .await;
    // Subscribe once this server has followed the log to its end (the import is not news).
    assert!(
        wait_until(30, async || {
            let ready: Value = client.get("/readyz").await.json().await.expect("readyz");
            ready["search"]["lag"] == 0
        })
        .await
    );
    let found = client
        .data(
            "{ recruiter(slug: \"resume-test-manpower\") { id certifications { id version } } }",
            json!({}),
        )
        .await;
    let recruiter = found["recruiter"]["id"].clone();
    let certification = found["recruiter"]["certifications"][0]["id"].clone();
    let mut version = found["recruiter"]["certifications"][0]["version"].as_i64().unwrap();
    let certifier = token("certifier", "auditor", Some(BODY));
    let mut decide = async |to: &str| {
        let decided = client
            .data_as(
                Some(&certifier),
                "mutation($id: ID!, $v: Int!, $to: CertificationStatus!) {
                   recordCertificationDecision(id: $id, expectedVersion: $v, to: $to, reasonCategory: \"review\") { version } }",
                json!({ "id": certification, "v": version, "to": to }),
            )
            .await;
        version = decided["recordCertificationDecision"]["version"].as_i64().unwrap();
    };
    const WATCH: &str = "subscription($r: [ID!], $after: Int) { certificationChanged(recruiterIds: $r, after: $after) {
        sequence from to } }";
    let start = |after: Option<i64>| {
        json!({ "id": "watch", "type": "subscribe",
                "payload": { "query": WATCH, "variables": { "r": [recruiter], "after": after } } })
    };
    let event = |message: Option<Value>| {
        let message = message.expect("an event");
        assert!(message["payload"]["errors"].is_null(), "{message}");
        message["payload"]["data"]["certificationChanged"].clone()
    };

    let mut socket = ws::connect(&server).await.expect("connected");
    socket
        .send(Message::text(start(None).to_string()))
        .await
        .expect("subscribe");
    decide("SUSPENDED").await;
    let first = event(ws::next_message(&mut socket).await);
    assert_eq!(
        (first["from"].as_str(), first["to"].as_str()),
        (Some("CERTIFIED"), Some("SUSPENDED"))
    );
    drop(socket);

    // Two decisions while the client is away.
    decide("CERTIFIED").await;
    decide("SUSPENDED").await;
    let mut socket = ws::connect(&server).await.expect("connected again");
    socket
        .send(Message::text(start(first["sequence"].as_i64()).to_string()))
        .await
        .expect("resume");
    let second = event(ws::next_message(&mut socket).await);
    let third = event(ws::next_message(&mut socket).await);
    assert_eq!(
        (second["from"].as_str(), second["to"].as_str()),
        (Some("SUSPENDED"), Some("CERTIFIED"))
    );
    assert_eq!(
        (third["from"].as_str(), third["to"].as_str()),
        (Some("CERTIFIED"), Some("SUSPENDED"))
    );
    assert!(first["sequence"].as_i64() < second["sequence"].as_i64());
    assert!(second["sequence"].as_i64() < third["sequence"].as_i64());
    // Then the live ones, each once.
    decide("CERTIFIED").await;
    let fourth = event(ws::next_message(&mut socket).await);
    assert_eq!(
        (fourth["from"].as_str(), fourth["to"].as_str()),
        (Some("SUSPENDED"), Some("CERTIFIED"))
    );
    assert!(third["sequence"].as_i64() < fourth["sequence"].as_i64());
}

/// 2 500 certifications imported at once while a client watches everything: it gets every
/// event, in order, or a `FELL_BEHIND` error naming where to resume, and resuming there
/// brings the rest; never a silent gap, never an event twice.
#[tokio::test]
async fn a_large_import_while_subscribed_arrives_whole_or_with_a_clear_error() {
    const COUNT: usize = 2_500;
    let server = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let lines = batch("bulk", COUNT);
    const WATCH: &str = "subscription($after: Int) { certificationChanged(after: $after) { sequence certification { certificateNumber } } }";
    let subscribe = |after: Option<i64>| {
        json!({ "id": "all", "type": "subscribe", "payload": { "query": WATCH, "variables": { "after": after } } })
            .to_string()
    };
    let mut socket = ws::connect(&server).await.expect("connected");
    socket.send(Message::text(subscribe(None))).await.expect("subscribe");
    // Too large for one request: imported from a file, as an operator would, by the command
    // line beside the running server (which learns of it from the change log).
    let file = tempfile::NamedTempFile::new().expect("a file");
    std::fs::write(file.path(), lines.join("\n")).expect("write the file");
    let imported = server.cli(&["import", file.path().to_str().expect("a path")]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );

    let mut numbers = std::collections::BTreeSet::new();
    let mut last = i64::MIN;
    let mut resumed = 0;
    while numbers.len() < COUNT {
        let message = ws::next_message(&mut socket).await.expect("an event or an error");
        if let Some(error) = message["payload"]["errors"].get(0) {
            assert_eq!(error["extensions"]["code"], "FELL_BEHIND", "{message}");
            let text = error["message"].as_str().unwrap_or_default();
            let after: i64 = text
                .split("`after: ")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .and_then(|number| number.parse().ok())
                .unwrap_or_else(|| panic!("no sequence to resume after in {text:?}"));
            assert!(after >= last, "resume at {after}, behind the last event {last}");
            resumed += 1;
            assert!(resumed <= 20, "fell behind again and again");
            socket = ws::connect(&server).await.expect("connected again");
            socket
                .send(Message::text(subscribe(Some(after))))
                .await
                .expect("resume");
            continue;
        }
        let event = &message["payload"]["data"]["certificationChanged"];
        let sequence = event["sequence"].as_i64().expect("a sequence");
        assert!(sequence > last, "out of order or twice: {sequence} after {last}");
        last = sequence;
        let number = event["certification"]["certificateNumber"].as_str().expect("a number");
        assert!(numbers.insert(number.to_owned()), "{number} twice");
    }
    println!("{COUNT} events received, resumed {resumed} time(s)");
}

/// Records of a batch: a recruiter and its applicant certification each.
fn batch(name: &str, count: usize) -> Vec<String> {
    (0..count)
        .flat_map(|index| {
            [
                json!({"type":"recruiter","external_id":format!("rec-{name}-{index}"),"legal_name":format!("{name} Manpower {index}"),
                       "trading_names":[],"slug":format!("{name}-manpower-{index}"),"country":"NP","languages":["ne"],
                       "sectors":["construction"],"corridors":[{"origin":"NP","destination":"QA"}],"cbp_level":"none"}),
                json!({"type":"certification","external_id":format!("cert-{name}-{index}"),"recruiter":format!("rec-{name}-{index}"),
                       "certificate_number":format!("ERS-{name}-{index}"),"scheme":"Ethical Recruitment Standard 2.0",
                       "certification_body":"Spine Certification Ltd.","status":"applicant","issued_on":null,"expires_on":null,
                       "scope_corridors":[],"scope_sectors":[],
                       "status_history":[{"from":null,"to":"applicant","at":"2025-01-02T09:00:00Z",
                                          "reason":"application_received","recorded_by":"secretariat"}]}),
            ]
        })
        .map(|line| line.to_string())
        .collect()
}

/// `directory reindex` swaps a rebuilt index in while writes go on through the server and
/// beside it (the command line): the subscriber gets every change once and in order, the
/// server's generation never moves back, and everything written is searchable.
#[tokio::test]
async fn a_reindex_while_subscribed_loses_nothing_repeats_nothing_and_never_goes_back() {
    const PER_BATCH: usize = 8;
    // No timer in the test's time: the server reads the log only when it settles its own
    // writes, so command-line writes reach it only with the rebuilt index or its next write.
    let server = Server::start_with(&[("SAMPLE_DATA", "false"), ("FOLLOW_INTERVAL", "1h")]);
    let client = server.client();
    let admin = token("admin", "secretariat", None);
    const WATCH: &str = "subscription { certificationChanged { sequence certification { certificateNumber } } }";
    let mut socket = ws::connect(&server).await.expect("connected");
    socket
        .send(Message::text(
            json!({ "id": "all", "type": "subscribe", "payload": { "query": WATCH } }).to_string(),
        ))
        .await
        .expect("subscribe");
    assert!(
        wait_until(30, async || {
            let metrics = client.get("/metrics").await.text().await.expect("metrics");
            metrics.contains("directory_subscriptions_started_total 1")
        })
        .await,
        "the subscription started"
    );
    let scratch = tempfile::tempdir().expect("scratch");
    let mut published = Vec::new();
    let through_server = async |name: &str| {
        let imported = client
            .data_as(
                Some(&admin),
                "mutation($l: String!) { importRecords(jsonLines: $l) { certifications } }",
                json!({ "l": batch(name, PER_BATCH).join("\n") }),
            )
            .await;
        assert_eq!(imported["importRecords"]["certifications"], PER_BATCH, "{imported}");
    };
    let beside = |name: &str| {
        let file = scratch.path().join(format!("{name}.jsonl"));
        std::fs::write(&file, batch(name, PER_BATCH).join("\n")).expect("write");
        let imported = server.cli(&["import", file.to_str().expect("path")]);
        assert!(
            imported.status.success(),
            "{}",
            String::from_utf8_lossy(&imported.stderr)
        );
    };
    let readyz = async || -> Value { client.get("/readyz").await.json().await.expect("readyz") };

    through_server("alpha").await;
    published.push(readyz().await["search"]["published"].as_u64().expect("published"));
    beside("bravo");
    // A rebuild that holds bravo, which the server has not read yet ...
    let reindexed = server.cli(&["reindex"]);
    assert!(
        reindexed.status.success(),
        "{}",
        String::from_utf8_lossy(&reindexed.stderr)
    );
    // ... is swapped in when the server next settles, after its own write.
    through_server("charlie").await;
    published.push(readyz().await["search"]["published"].as_u64().expect("published"));
    // A rebuild that starts before writes the server then publishes (it is behind them when it
    // is swapped in) while the command line writes too.
    let rebuild = server.cli_spawn(&["reindex"]);
    through_server("delta").await;
    published.push(readyz().await["search"]["published"].as_u64().expect("published"));
    beside("echo");
    let rebuilt = tokio::task::spawn_blocking(move || rebuild.wait_with_output().expect("reindex"))
        .await
        .expect("reindex thread");
    assert!(rebuilt.status.success(), "{}", String::from_utf8_lossy(&rebuilt.stderr));
    through_server("foxtrot").await;
    let ready = readyz().await;
    published.push(ready["search"]["published"].as_u64().expect("published"));
    assert!(
        published.windows(2).all(|pair| pair[0] < pair[1]),
        "the generation only moves forward: {published:?}"
    );
    assert_eq!(ready["search"]["lag"], 0, "{ready}");
    assert_eq!(ready["search"]["published"], ready["search"]["position"], "{ready}");

    let mut numbers = std::collections::BTreeSet::new();
    let mut last = i64::MIN;
    while numbers.len() < 6 * PER_BATCH {
        let message = ws::next_message(&mut socket).await.expect("an event");
        assert!(message["payload"]["errors"].is_null(), "{message}");
        let event = &message["payload"]["data"]["certificationChanged"];
        let sequence = event["sequence"].as_i64().expect("a sequence");
        assert!(sequence > last, "out of order or twice: {sequence} after {last}");
        last = sequence;
        let number = event["certification"]["certificateNumber"].as_str().expect("a number");
        assert!(numbers.insert(number.to_owned()), "{number} twice");
    }
    for name in ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"] {
        let found = client
            .data(
                "query($q: String!) { search(query: $q, first: 100) { edges { node { ... on Recruiter { legalName } } } } }",
                json!({ "q": format!("{name} Manpower") }),
            )
            .await;
        let prefix = format!("{name} Manpower ");
        let hits = found["search"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|edge| {
                edge["node"]["legalName"]
                    .as_str()
                    .is_some_and(|legal| legal.starts_with(&prefix))
            })
            .count();
        assert_eq!(hits, PER_BATCH, "{name} searchable: {found}");
    }
}
