//! Signed webhooks, end to end: a partner registers a receiver (a small HTTP server in this
//! test, failing when told to), a certifier records a transition, and the receiver gets it,
//! signed, retried after failures, once, across a restart, and only for what it watches.

mod common;

use std::{
    collections::{BTreeSet, HashMap},
    sync::{Arc, Mutex},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{Client, Server, token, wait_until};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// One request as the receiver saw it, and what it answered.
#[derive(Clone, Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
    answered: u16,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(&name.to_ascii_lowercase()).map_or("", String::as_str)
    }

    fn event(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// The body of every refusal of the test receivers: it must never show in the directory.
const RECEIVER_PRIVATE: &str = "stack trace of an internal service, db=10.0.0.7";

#[derive(Default)]
struct Log {
    /// Requests still to answer with a 500.
    failures_left: usize,
    /// Answer every request with a 307 to this address instead.
    redirect_to: Option<String>,
    received: Vec<Received>,
}

/// A webhook receiver on a local port: answers 500 to the first `failures` requests, then
/// 200. `stop` closes the port (connections are refused); `resume` opens it again.
struct Receiver {
    port: u16,
    log: Arc<Mutex<Log>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Receiver {
    async fn start(failures: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a receiver");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Log {
            failures_left: failures,
            ..Log::default()
        }));
        let task = Some(tokio::spawn(serve(listener, log.clone())));
        Self { port, log, task }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/directory", self.port)
    }

    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    async fn resume(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("bind the receiver's port again");
        self.task = Some(tokio::spawn(serve(listener, self.log.clone())));
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().received.clone()
    }

    fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|request| request.answered == 200)
            .collect()
    }
}

async fn serve(listener: TcpListener, log: Arc<Mutex<Log>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(answer(stream, log.clone()));
    }
}

/// Reads one HTTP/1.1 request (headers, then `Content-Length` bytes) and answers it.
async fn answer(mut stream: TcpStream, log: Arc<Mutex<Log>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        let Ok(read) = stream.read(&mut chunk).await else {
            return;
        };
        if read == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let Ok(read) = stream.read(&mut chunk).await else {
            return;
        };
        if read == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&buffer[header_end..header_end + length]).to_string();
    let (answered, location) = {
        let mut log = log.lock().unwrap();
        let answered = if log.redirect_to.is_some() {
            307
        } else if log.failures_left > 0 {
            log.failures_left -= 1;
            500
        } else {
            200
        };
        log.received.push(Received {
            headers,
            body,
            answered,
        });
        (answered, log.redirect_to.clone())
    };
    // What a receiver says in its body is its own business: the directory never shows it.
    let (reason, text) = match answered {
        200 => ("OK", "ok"),
        307 => ("Temporary Redirect", RECEIVER_PRIVATE),
        _ => ("Internal Server Error", RECEIVER_PRIVATE),
    };
    let location = location.map(|to| format!("location: {to}\r\n")).unwrap_or_default();
    let response = format!(
        "HTTP/1.1 {answered} {reason}\r\n{location}content-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Checks `X-Directory-Signature: t=<unix>,v1=<hex>` the way a receiver would: HMAC-SHA256
/// of `"<t>.<body>"` with the secret (computed here with an independent implementation, the
/// HS256 of `jsonwebtoken`), and a timestamp close to now.
fn signature_is_valid(request: &Received, secret: &str) -> bool {
    let header = request.header("X-Directory-Signature");
    let parts: Vec<(&str, &str)> = header.split(',').filter_map(|part| part.split_once('=')).collect();
    let timestamp = parts.iter().find(|(name, _)| *name == "t").map(|(_, value)| *value);
    let given: Vec<&str> = parts
        .iter()
        .filter(|(name, _)| *name == "v1")
        .map(|(_, value)| *value)
        .collect();
    let Some(timestamp) = timestamp else {
        return false;
    };
    let Ok(seconds) = timestamp.parse::<u64>() else {
        return false;
    };
    if seconds.abs_diff(common::now()) > 300 {
        return false;
    }
    let signed = format!("{timestamp}.{}", request.body);
    let mac = jsonwebtoken::crypto::sign(
        signed.as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        jsonwebtoken::Algorithm::HS256,
    )
    .expect("HMAC");
    let expected: String = URL_SAFE_NO_PAD
        .decode(mac)
        .expect("base64url")
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    // As a receiver does after a rotation: any `v1` of the header may match.
    given.contains(&expected.as_str())
}

/// A certified recruiter of the sample directory: its id and its certified certification.
struct Certified {
    recruiter_id: Value,
    certification: Value,
}

async fn certified_recruiters(client: &Client, count: usize) -> Vec<Certified> {
    let data = client
        .data(
            "{ recruiters(filter: { certified: true }, first: 20) { nodes { id
                 certifications { id version status certificationBody certificateNumber } } } }",
            json!({}),
        )
        .await;
    let found: Vec<Certified> = data["recruiters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|recruiter| {
            let certification = recruiter["certifications"]
                .as_array()?
                .iter()
                .find(|c| c["status"] == "CERTIFIED" && c["certificationBody"].is_string())?
                .clone();
            Some(Certified {
                recruiter_id: recruiter["id"].clone(),
                certification,
            })
        })
        .take(count)
        .collect();
    assert_eq!(
        found.len(),
        count,
        "the sample directory has {count} certified recruiters"
    );
    found
}

const DECIDE: &str = "mutation($id: ID!, $v: Int!, $to: CertificationStatus!, $r: String!) {
    recordCertificationDecision(id: $id, expectedVersion: $v, to: $to, reasonCategory: $r) { version status } }";

/// Records a transition as a certifier of the certification's own body; returns the new version.
async fn decide(client: &Client, certification: &Value, version: i64, to: &str, reason: &str) -> i64 {
    let certifier = token(
        "certifier",
        "auditor-1",
        Some(certification["certificationBody"].as_str().unwrap()),
    );
    let decided = client
        .data_as(
            Some(&certifier),
            DECIDE,
            json!({ "id": certification["id"], "v": version, "to": to, "r": reason }),
        )
        .await;
    assert_eq!(decided["recordCertificationDecision"]["status"], to);
    decided["recordCertificationDecision"]["version"].as_i64().unwrap()
}

const REGISTER: &str = "mutation($url: String!, $recruiters: [ID!]) {
    registerWebhook(input: { url: $url, recruiterIds: $recruiters }) { secret webhook { id url recruiterIds owner } } }";

/// Registers a webhook; returns its id and secret.
async fn register(client: &Client, partner: &str, url: &str, recruiters: Option<Vec<Value>>) -> (Value, String) {
    let data = client
        .data_as(Some(partner), REGISTER, json!({ "url": url, "recruiters": recruiters }))
        .await;
    let registration = &data["registerWebhook"];
    let secret = registration["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (registration["webhook"]["id"].clone(), secret)
}

const DELIVERIES: &str = "query($id: ID!) { webhook(id: $id) { deliveries(first: 20) { totalCount
    nodes { eventId sequence payload state attempts lastStatusCode lastError lastAttemptAt nextAttemptAt deliveredAt } } } }";

async fn deliveries(client: &Client, partner: &str, webhook: &Value) -> Vec<Value> {
    let data = client
        .data_as(Some(partner), DELIVERIES, json!({ "id": webhook }))
        .await;
    data["webhook"]["deliveries"]["nodes"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transition_is_delivered_once_signed_after_failed_attempts_and_only_to_its_watchers() {
    let server = Server::start_with(&[("WEBHOOK_RETRY_BASE", "200ms"), ("WEBHOOK_ALLOW_PRIVATE", "true")]);
    let client = server.client();
    let [watched, unwatched]: [Certified; 2] = certified_recruiters(&client, 2).await.try_into().ok().unwrap();
    let receiver = Receiver::start(2).await;
    let bystander = Receiver::start(0).await;
    let acme = token("partner", "acme-brand", None);
    let globex = token("partner", "globex-retail", None);
    let (webhook, secret) = register(
        &client,
        &acme,
        &receiver.url(),
        Some(vec![watched.recruiter_id.clone()]),
    )
    .await;
    let (other_webhook, _) = register(
        &client,
        &globex,
        &bystander.url(),
        Some(vec![unwatched.recruiter_id.clone()]),
    )
    .await;

    let version = watched.certification["version"].as_i64().unwrap();
    let version = decide(
        &client,
        &watched.certification,
        version,
        "SUSPENDED",
        "complaint_upheld",
    )
    .await;
    if !wait_until(30, async || !receiver.accepted().is_empty()).await {
        panic!(
            "not accepted within 30 s; received {:#?}; delivery log {:#?}",
            receiver.received(),
            deliveries(&client, &acme, &webhook).await
        );
    }

    // Two 500s, then accepted: three attempts of one event, the same body, each signed.
    let received = receiver.received();
    assert_eq!(received.len(), 3, "{received:#?}");
    assert_eq!(received.iter().map(|r| r.answered).collect::<Vec<_>>(), [500, 500, 200]);
    for (number, request) in received.iter().enumerate() {
        assert_eq!(request.header("X-Directory-Delivery-Attempt"), (number + 1).to_string());
        assert_eq!(request.header("Content-Type"), "application/json");
        assert_eq!(request.body, received[0].body);
        assert!(signature_is_valid(request, &secret), "bad signature: {request:#?}");
        assert!(!signature_is_valid(request, "whsec_someone-else"));
    }
    let event = received[0].event();
    assert_eq!(
        received[0].header("X-Directory-Event-Id"),
        event["id"].as_str().unwrap()
    );
    assert_eq!(event["type"], "certification.status_changed");
    assert_eq!(event["recruiterId"], watched.recruiter_id);
    assert_eq!(event["certificationId"], watched.certification["id"]);
    assert_eq!(event["certificateNumber"], watched.certification["certificateNumber"]);
    assert_eq!(event["from"], "CERTIFIED");
    assert_eq!(event["to"], "SUSPENDED");
    assert_eq!(event["reasonCategory"], "complaint_upheld");
    assert!(event["sequence"].as_i64().unwrap() > 0);
    assert!(event["at"].is_string());
    // A tampered body does not verify.
    let mut tampered = received[2].clone();
    tampered.body = tampered.body.replace("SUSPENDED", "CERTIFIED");
    assert!(!signature_is_valid(&tampered, &secret));

    // The delivery log shows the attempts and the outcome (recorded just after the answer).
    let mut log = Vec::new();
    wait_until(10, async || {
        log = deliveries(&client, &acme, &webhook).await;
        log.first().is_some_and(|delivery| delivery["state"] != "PENDING")
    })
    .await;
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["state"], "DELIVERED");
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["lastStatusCode"], 200);
    assert_eq!(log[0]["lastError"], Value::Null);
    assert_eq!(log[0]["nextAttemptAt"], Value::Null);
    assert!(log[0]["deliveredAt"].is_string());
    assert_eq!(log[0]["eventId"], event["id"]);
    assert_eq!(log[0]["sequence"], event["sequence"]);
    assert_eq!(log[0]["payload"].as_str().unwrap(), received[0].body);

    // Delivered exactly once: nothing more arrives, and the watcher of another recruiter got
    // nothing at all.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(receiver.received().len(), 3);
    assert_eq!(receiver.accepted().len(), 1);
    assert!(bystander.received().is_empty(), "{:#?}", bystander.received());
    assert!(deliveries(&client, &globex, &other_webhook).await.is_empty());

    // After a rotation, deliveries are signed with the new secret, and during the grace period
    // (a day by default) with the old one too, so the partner misses nothing while deploying.
    let rotated = client
        .data_as(
            Some(&acme),
            "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id secretRotatedAt } } }",
            json!({ "id": webhook }),
        )
        .await;
    let new_secret = rotated["rotateWebhookSecret"]["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated["rotateWebhookSecret"]["webhook"]["secretRotatedAt"].is_string());
    decide(&client, &watched.certification, version, "CERTIFIED", "reinstated").await;
    if !wait_until(30, async || receiver.accepted().len() == 2).await {
        panic!(
            "the second event was not accepted within 30 s; received {:#?}; delivery log {:#?}",
            receiver.received(),
            deliveries(&client, &acme, &webhook).await
        );
    }
    let second = receiver.accepted()[1].clone();
    assert_eq!(second.header("X-Directory-Delivery-Attempt"), "1");
    assert_eq!(second.event()["from"], "SUSPENDED");
    assert_eq!(second.event()["to"], "CERTIFIED");
    assert!(second.event()["sequence"].as_i64() > event["sequence"].as_i64());
    assert_ne!(second.event()["id"], event["id"]);
    assert!(signature_is_valid(&second, &new_secret));
    assert!(
        signature_is_valid(&second, &secret),
        "the old secret signs during the grace period"
    );
    let header = second.header("X-Directory-Signature");
    assert_eq!(header.matches("v1=").count(), 2, "{header}");
    assert!(!signature_is_valid(&second, "whsec_some-other-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_pending_across_a_restart_is_delivered_after_it() {
    // A short timeout keeps short the lease of an attempt cut off by the stop.
    let mut server = Server::start_with(&[
        ("WEBHOOK_RETRY_BASE", "200ms"),
        ("WEBHOOK_TIMEOUT", "2s"),
        ("WEBHOOK_ALLOW_PRIVATE", "true"),
    ]);
    let client = server.client();
    let [certified]: [Certified; 1] = certified_recruiters(&client, 1).await.try_into().ok().unwrap();
    let mut receiver = Receiver::start(0).await;
    receiver.stop().await;
    let partner = token("partner", "acme-brand", None);
    // No `recruiterIds`: every recruiter is watched.
    let (webhook, secret) = register(&client, &partner, &receiver.url(), None).await;
    let version = certified.certification["version"].as_i64().unwrap();
    decide(
        &client,
        &certified.certification,
        version,
        "SUSPENDED",
        "complaint_upheld",
    )
    .await;

    // The receiver is down: the delivery fails and waits in the queue.
    let mut failed = Vec::new();
    let attempted = wait_until(30, async || {
        failed = deliveries(&client, &partner, &webhook).await;
        failed.first().is_some_and(|delivery| delivery["lastError"].is_string())
    })
    .await;
    assert!(attempted, "no failed attempt within 30 s: {failed:#?}");
    assert!(failed[0]["attempts"].as_i64() >= Some(1));
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["state"], "PENDING");
    assert_eq!(failed[0]["lastStatusCode"], Value::Null);
    assert!(
        failed[0]["lastError"].as_str().unwrap().contains("connect"),
        "{failed:#?}"
    );
    assert!(failed[0]["nextAttemptAt"].is_string());

    // The server stops while the receiver is still down; both come back.
    server.stop();
    receiver.resume().await;
    server.restart();
    let client = server.client();
    if !wait_until(30, async || !receiver.accepted().is_empty()).await {
        panic!(
            "not delivered within 30 s of the restart; received {:#?}; delivery log {:#?}",
            receiver.received(),
            deliveries(&client, &partner, &webhook).await
        );
    }
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1, "delivered once: {received:#?}");
    assert!(signature_is_valid(&received[0], &secret));
    assert_eq!(received[0].event()["recruiterId"], certified.recruiter_id);
    let attempts: usize = received[0].header("X-Directory-Delivery-Attempt").parse().unwrap();
    assert!(attempts >= 2, "the attempt number carries over the restart");
    let mut log = Vec::new();
    wait_until(10, async || {
        log = deliveries(&client, &partner, &webhook).await;
        log.first().is_some_and(|delivery| delivery["state"] != "PENDING")
    })
    .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "DELIVERED");
    assert_eq!(log[0]["attempts"].as_u64(), Some(attempts as u64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_sharing_a_database_deliver_each_event_once() {
    let first = Server::start_with(&[("WEBHOOK_RETRY_BASE", "100ms"), ("WEBHOOK_ALLOW_PRIVATE", "true")]);
    // Servers of one deployment share the keys that seal webhook secrets.
    let keys = std::fs::read_to_string(first.data_dir().join("webhook-secret-keys")).expect("the generated key file");
    let second = Server::start_beside_with(
        &first,
        &[
            ("WEBHOOK_ALLOW_PRIVATE", "true"),
            ("WEBHOOK_SECRET_KEYS", keys.as_str()),
        ],
    );
    let (one, two) = (first.client(), second.client());
    let receiver = Receiver::start(0).await;
    let partner = token("partner", "acme-brand", None);
    register(&one, &partner, &receiver.url(), None).await;
    let certified = certified_recruiters(&one, 3).await;
    for recruiter in &certified {
        let version = recruiter.certification["version"].as_i64().unwrap();
        let version = decide(&one, &recruiter.certification, version, "SUSPENDED", "complaint_upheld").await;
        decide(&two, &recruiter.certification, version, "CERTIFIED", "reinstated").await;
    }
    let all_accepted = wait_until(30, async || receiver.accepted().len() >= 6).await;
    assert!(all_accepted, "six events within 30 s: {:#?}", receiver.received());
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let received = receiver.received();
    let events: BTreeSet<String> = received
        .iter()
        .map(|request| request.header("X-Directory-Event-Id").to_owned())
        .collect();
    assert_eq!(events.len(), 6, "{received:#?}");
    assert_eq!(received.len(), 6, "no event was sent twice: {received:#?}");
    // Each recruiter's two transitions arrive with increasing sequence numbers.
    let mut sequences: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for request in &received {
        let event = request.event();
        sequences
            .entry(event["recruiterId"].as_str().unwrap().to_owned())
            .or_default()
            .push((
                event["sequence"].as_i64().unwrap(),
                event["to"].as_str().unwrap().to_owned(),
            ));
    }
    for transitions in sequences.values_mut() {
        transitions.sort();
        let statuses: Vec<&str> = transitions.iter().map(|(_, to)| to.as_str()).collect();
        assert_eq!(statuses, ["SUSPENDED", "CERTIFIED"]);
    }
}

#[tokio::test]
async fn partners_manage_only_their_own_webhooks_and_bad_input_is_refused() {
    let server = Server::start();
    let client = server.client();
    let [certified]: [Certified; 1] = certified_recruiters(&client, 1).await.try_into().ok().unwrap();
    let acme = token("partner", "acme-brand", None);
    let globex = token("partner", "globex-retail", None);
    let admin = token("admin", "alice", None);
    let editor = token("editor", "ed", None);
    let (acme_hook, acme_secret) = register(
        &client,
        &acme,
        "https://hooks.acme.example/directory",
        Some(vec![certified.recruiter_id.clone()]),
    )
    .await;
    let (globex_hook, _) = register(&client, &globex, "https://globex.example/hooks", None).await;

    // Each partner sees its own; an admin sees all.
    let list = "{ webhooks(first: 10) { totalCount nodes { id url owner recruiterIds } } }";
    let own = client.data_as(Some(&acme), list, json!({})).await;
    assert_eq!(own["webhooks"]["totalCount"], 1);
    assert_eq!(own["webhooks"]["nodes"][0]["id"], acme_hook);
    assert_eq!(own["webhooks"]["nodes"][0]["owner"], "acme-brand");
    assert_eq!(
        own["webhooks"]["nodes"][0]["recruiterIds"],
        json!([certified.recruiter_id])
    );
    let all = client.data_as(Some(&admin), list, json!({})).await;
    assert_eq!(all["webhooks"]["totalCount"], 2);

    // Another partner's webhook does not exist as far as globex can tell.
    let one = "query($id: ID!) { webhook(id: $id) { url } }";
    let (code, _) = client.error_as(Some(&globex), one, json!({ "id": acme_hook })).await;
    assert_eq!(code, "NOT_FOUND");
    for mutation in [
        "mutation($id: ID!) { deleteWebhook(id: $id) { id } }",
        "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }",
    ] {
        let (code, _) = client
            .error_as(Some(&globex), mutation, json!({ "id": acme_hook }))
            .await;
        assert_eq!(code, "NOT_FOUND", "{mutation}");
    }
    let admin_view = client.data_as(Some(&admin), one, json!({ "id": globex_hook })).await;
    assert_eq!(admin_view["webhook"]["url"], "https://globex.example/hooks");

    // Webhooks are not public, and other roles cannot register them.
    let (code, _) = client.error(list, json!({})).await;
    assert_eq!(code, "UNAUTHENTICATED");
    let (code, _) = client.error_as(Some(&editor), list, json!({})).await;
    assert_eq!(code, "FORBIDDEN");
    let (code, _) = client
        .error_as(Some(&editor), REGISTER, json!({ "url": "https://editor.example/hook" }))
        .await;
    assert_eq!(code, "FORBIDDEN");

    // Bad addresses and unknown recruiters are refused, and nothing is registered.
    for url in [
        "ftp://hooks.example.org/directory",
        "https://user:password@hooks.example.org/directory",
        "https://token@hooks.example.org/directory",
        "hooks.example.org/directory",
        "https://",
        "",
        // Inside addresses, in every notation (nothing is ever sent to them: refused on sight).
        "http://127.0.0.1:6379/",
        "http://localhost:5432/",
        "http://[::1]:8080/x",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://[::ffff:127.0.0.1]/",
    ] {
        let (code, message) = client.error_as(Some(&acme), REGISTER, json!({ "url": url })).await;
        assert_eq!(code, "BAD_USER_INPUT", "{url}: {message}");
        assert!(message.contains("url"), "{message}");
    }
    let (code, message) = client
        .error_as(
            Some(&acme),
            REGISTER,
            json!({ "url": "https://hooks.acme.example/2", "recruiters": [certified.certification["id"]] }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    let unknown = URL_SAFE_NO_PAD.encode("v1:Recruiter:987654321");
    let (code, message) = client
        .error_as(
            Some(&acme),
            REGISTER,
            json!({ "url": "https://hooks.acme.example/2", "recruiters": [unknown] }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains(&unknown), "{message}");
    let own = client.data_as(Some(&acme), list, json!({})).await;
    assert_eq!(own["webhooks"]["totalCount"], 1);

    // Registrations are audited without their secret.
    let audit = client
        .data_as(
            Some(&admin),
            "{ auditLog(first: 10) { nodes { action actor actorRole after } } }",
            json!({}),
        )
        .await;
    let entries: Vec<&Value> = audit["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "webhook.create")
        .collect();
    assert_eq!(entries.len(), 2, "{audit:#}");
    assert!(
        entries
            .iter()
            .any(|entry| entry["actor"] == "acme-brand" && entry["actorRole"] == "partner")
    );
    assert!(
        entries
            .iter()
            .all(|entry| entry["after"].as_str().unwrap().contains("hooks"))
    );
    assert!(!audit.to_string().contains(&acme_secret));
    assert!(!audit.to_string().contains("whsec_"));

    // A partner deletes its own: it leaves the list, its log stays readable, and a second
    // delete finds nothing to delete.
    let delete = "mutation($id: ID!) { deleteWebhook(id: $id) { id deletedAt } }";
    let deleted = client.data_as(Some(&acme), delete, json!({ "id": acme_hook })).await;
    assert!(deleted["deleteWebhook"]["deletedAt"].is_string());
    let own = client.data_as(Some(&acme), list, json!({})).await;
    assert_eq!(own["webhooks"]["totalCount"], 0);
    let with_deleted = client
        .data_as(
            Some(&acme),
            "{ webhooks(includeDeleted: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(with_deleted["webhooks"]["totalCount"], 1);
    let (code, _) = client.error_as(Some(&acme), delete, json!({ "id": acme_hook })).await;
    assert_eq!(code, "NOT_FOUND");
    let (code, _) = client.error_as(Some(&acme), one, json!({ "id": "not-an-id" })).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

/// A secret is stored sealed: the database holds neither it nor anything it could be read back
/// from without the key; after the grace period (here none) only the new secret signs; a key
/// rotation re-seals every secret at start, and a server without the key cannot sign at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_sealed_at_rest_and_a_rotation_without_grace_signs_with_the_new_secret_only() {
    let mut server = Server::start_with(&[
        ("WEBHOOK_ALLOW_PRIVATE", "true"),
        ("WEBHOOK_SECRET_GRACE", "0s"),
        ("WEBHOOK_RETRY_BASE", "100ms"),
    ]);
    let client = server.client();
    let [watched]: [Certified; 1] = certified_recruiters(&client, 1).await.try_into().ok().unwrap();
    let receiver = Receiver::start(0).await;
    let acme = token("partner", "acme-brand", None);
    let (webhook, old_secret) = register(
        &client,
        &acme,
        &receiver.url(),
        Some(vec![watched.recruiter_id.clone()]),
    )
    .await;
    let rotated = client
        .data_as(
            Some(&acme),
            "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { previousSecretValidUntil } } }",
            json!({ "id": webhook }),
        )
        .await;
    let secret = rotated["rotateWebhookSecret"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        rotated["rotateWebhookSecret"]["webhook"]["previousSecretValidUntil"],
        Value::Null
    );

    let stored = stored_secrets(&server).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let (sealed, previous) = &stored[0];
    assert!(sealed.starts_with("sealed:v1:"), "{sealed}");
    for text in [sealed.as_str(), previous.as_deref().unwrap_or("")] {
        assert!(!text.contains(&secret) && !text.contains(&old_secret), "{text}");
        assert!(!text.contains(&secret["whsec_".len()..]));
    }

    let version = watched.certification["version"].as_i64().unwrap();
    decide(
        &client,
        &watched.certification,
        version,
        "SUSPENDED",
        "complaint_upheld",
    )
    .await;
    assert!(
        wait_until(30, async || !receiver.accepted().is_empty()).await,
        "{:#?}",
        receiver.received()
    );
    let delivered = receiver.accepted()[0].clone();
    assert!(signature_is_valid(&delivered, &secret));
    assert!(
        !signature_is_valid(&delivered, &old_secret),
        "no grace period: the old secret no longer signs"
    );

    // Key rotation: a new key first, the old one still listed; the restart re-seals under the new.
    let old_keys = std::fs::read_to_string(server.data_dir().join("webhook-secret-keys")).expect("key file");
    let new_key = format!("rotated:{}", "ab".repeat(32));
    let old_key = old_keys
        .lines()
        .find(|line| !line.starts_with('#') && !line.trim().is_empty())
        .expect("a key");
    server.restart_with("WEBHOOK_SECRET_KEYS", &format!("{new_key},{old_key}"));
    let resealed = stored_secrets(&server).await;
    assert!(resealed[0].0.starts_with("sealed:v1:rotated:"), "{:?}", resealed[0]);
    // ...and delivers, signed with the same secret, with only the new key from now on.
    server.restart_with("WEBHOOK_SECRET_KEYS", &new_key);
    let client = server.client();
    decide(&client, &watched.certification, version + 1, "CERTIFIED", "reinstated").await;
    assert!(
        wait_until(30, async || receiver.accepted().len() == 2).await,
        "{:#?}",
        receiver.received()
    );
    assert!(signature_is_valid(&receiver.accepted()[1], &secret));
}

/// The sealed secret and previous secret of every webhook, as stored.
async fn stored_secrets(server: &Server) -> Vec<(String, Option<String>)> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = sea_orm::Database::connect(server.database_url())
        .await
        .expect("connect to the database");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT secret, previous_secret FROM webhook ORDER BY id",
        ))
        .await
        .expect("read webhooks");
    rows.iter()
        .map(|row| {
            (
                row.try_get::<String>("", "secret").expect("secret"),
                row.try_get::<Option<String>>("", "previous_secret")
                    .expect("previous secret"),
            )
        })
        .collect()
}

/// A receiver that keeps failing is disabled, and its owner sees why; a healthy one is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_keeps_failing_is_disabled_with_a_visible_reason() {
    let server = Server::start_with(&[
        ("WEBHOOK_ALLOW_PRIVATE", "true"),
        ("WEBHOOK_MAX_ATTEMPTS", "1"),
        ("WEBHOOK_DISABLE_AFTER", "2"),
    ]);
    let client = server.client();
    let [watched]: [Certified; 1] = certified_recruiters(&client, 1).await.try_into().ok().unwrap();
    let failing = Receiver::start(usize::MAX).await;
    let healthy = Receiver::start(0).await;
    let acme = token("partner", "acme-brand", None);
    let (webhook, _) = register(&client, &acme, &failing.url(), Some(vec![watched.recruiter_id.clone()])).await;
    let (healthy_webhook, _) = register(&client, &acme, &healthy.url(), Some(vec![watched.recruiter_id.clone()])).await;
    const STATE: &str = "query($id: ID!) { webhook(id: $id) { disabledAt disabledReason deletedAt } }";

    let mut version = watched.certification["version"].as_i64().unwrap();
    for (step, to) in ["SUSPENDED", "CERTIFIED"].into_iter().enumerate() {
        version = decide(&client, &watched.certification, version, to, "review").await;
        assert!(
            wait_until(30, async || failing.received().len() > step
                && healthy.accepted().len() > step)
            .await,
            "delivery {step} was not attempted"
        );
        if step == 0 {
            // One delivery given up is not enough to disable it.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let state = client.data_as(Some(&acme), STATE, json!({ "id": webhook })).await;
            assert_eq!(state["webhook"]["disabledAt"], Value::Null, "{state}");
        }
    }
    let disabled = wait_until(30, async || {
        let state = client.data_as(Some(&acme), STATE, json!({ "id": webhook })).await;
        state["webhook"]["disabledAt"].is_string()
    })
    .await;
    assert!(disabled, "the failing webhook was not disabled");
    let state = client.data_as(Some(&acme), STATE, json!({ "id": webhook })).await;
    let reason = state["webhook"]["disabledReason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("2 deliveries in a row") && reason.contains("HTTP 500"),
        "{reason}"
    );
    assert!(!reason.contains("10.0.0.7"), "the receiver's body is shown: {reason}");
    assert_eq!(state["webhook"]["deletedAt"], Value::Null, "disabled is not deleted");
    let healthy_state = client
        .data_as(Some(&acme), STATE, json!({ "id": healthy_webhook }))
        .await;
    assert_eq!(healthy_state["webhook"]["disabledAt"], Value::Null, "{healthy_state}");

    // Nothing more is sent to it, and a rotation says why it cannot be used.
    let version = decide(&client, &watched.certification, version, "SUSPENDED", "review").await;
    assert!(wait_until(30, async || healthy.accepted().len() == 3).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(failing.received().len(), 2, "a disabled webhook got another delivery");
    let (code, message) = client
        .error_as(
            Some(&acme),
            "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }",
            json!({ "id": webhook }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "{message}");
    assert!(message.contains("disabled"), "{message}");
    // The audit trail records who disabled it.
    let admin = token("admin", "alice", None);
    let audit = client
        .data_as(
            Some(&admin),
            "{ auditLog(first: 50) { nodes { action actor } } }",
            json!({}),
        )
        .await;
    let actions: Vec<String> = audit["auditLog"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|node| {
            format!(
                "{} by {}",
                node["action"].as_str().unwrap_or(""),
                node["actor"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        actions
            .iter()
            .any(|action| action.starts_with("webhook.disable by webhook-worker")),
        "{actions:?}"
    );

    // Once the receiver is mended its owner turns it back on; another partner cannot even
    // see it, and nothing missed while it was off is sent.
    failing.log.lock().unwrap().failures_left = 0;
    const ENABLE: &str = "mutation($id: ID!) { enableWebhook(id: $id) { disabledAt disabledReason } }";
    let globex = token("partner", "globex", None);
    let (code, _) = client.error_as(Some(&globex), ENABLE, json!({ "id": webhook })).await;
    assert_eq!(code, "NOT_FOUND");
    let enabled = client.data_as(Some(&acme), ENABLE, json!({ "id": webhook })).await;
    assert_eq!(enabled["enableWebhook"]["disabledAt"], Value::Null, "{enabled}");
    assert_eq!(enabled["enableWebhook"]["disabledReason"], Value::Null, "{enabled}");
    decide(&client, &watched.certification, version, "CERTIFIED", "review").await;
    assert!(
        wait_until(30, async || failing.accepted().len() == 1).await,
        "the enabled webhook got no delivery: {:?}",
        failing.received().iter().map(|r| r.answered).collect::<Vec<_>>()
    );
    assert!(wait_until(30, async || healthy.accepted().len() == 4).await);
    assert_eq!(failing.received().len(), 3, "exactly the one new transition was sent");
    let event = failing.accepted()[0].event();
    assert_eq!(event["to"], "CERTIFIED", "{event}");
    // A deleted webhook stays deleted.
    client
        .data_as(
            Some(&acme),
            "mutation($id: ID!) { deleteWebhook(id: $id) { id } }",
            json!({ "id": healthy_webhook }),
        )
        .await;
    let (code, _) = client
        .error_as(Some(&acme), ENABLE, json!({ "id": healthy_webhook }))
        .await;
    assert_eq!(code, "NOT_FOUND");
}

/// A redirect is not followed (a receiver cannot bounce deliveries inside), and whatever a
/// receiver answers in its body never reaches the partner's delivery log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_not_followed_and_a_receivers_body_is_never_shown() {
    let server = Server::start_with(&[("WEBHOOK_ALLOW_PRIVATE", "true"), ("WEBHOOK_MAX_ATTEMPTS", "1")]);
    let client = server.client();
    let [watched]: [Certified; 1] = certified_recruiters(&client, 1).await.try_into().ok().unwrap();
    let inside = Receiver::start(0).await;
    let bouncing = Receiver::start(0).await;
    bouncing.log.lock().unwrap().redirect_to = Some(inside.url());
    let partner = token("partner", "acme-brand", None);
    let (webhook, _) = register(
        &client,
        &partner,
        &bouncing.url(),
        Some(vec![watched.recruiter_id.clone()]),
    )
    .await;
    let version = watched.certification["version"].as_i64().unwrap();
    decide(&client, &watched.certification, version, "SUSPENDED", "review").await;
    let mut log = Vec::new();
    let given_up = wait_until(30, async || {
        log = deliveries(&client, &partner, &webhook).await;
        log.first().is_some_and(|delivery| delivery["state"] == "FAILED")
    })
    .await;
    assert!(given_up, "the redirected delivery was not given up: {log:#?}");
    assert_eq!(bouncing.received().len(), 1);
    assert!(inside.received().is_empty(), "the redirect was followed");
    assert_eq!(log[0]["lastStatusCode"], 307, "{log:#?}");
    let shown = serde_json::to_string(&log).unwrap();
    assert!(!shown.contains("10.0.0.7"), "the receiver's body is shown: {shown}");
}

#[tokio::test]
async fn a_suspended_certification_body_is_delivered_to_the_watchers_of_its_certificates() {
    let server = Server::start_with(&[("WEBHOOK_RETRY_BASE", "200ms"), ("WEBHOOK_ALLOW_PRIVATE", "true")]);
    let client = server.client();
    let [watched]: [Certified; 1] = certified_recruiters(&client, 1).await.try_into().ok().unwrap();
    let receiver = Receiver::start(0).await;
    let acme = token("partner", "acme-brand", None);
    let (_, secret) = register(
        &client,
        &acme,
        &receiver.url(),
        Some(vec![watched.recruiter_id.clone()]),
    )
    .await;

    let body_name = watched.certification["certificationBody"].as_str().unwrap();
    let bodies = client
        .data(
            "{ certificationBodies(first: 100) { nodes { id name version } } }",
            json!({}),
        )
        .await;
    let body = bodies["certificationBodies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|body| body["name"] == body_name)
        .unwrap()
        .clone();
    let editor = token("editor", "secretariat-desk", None);
    client
        .data_as(
            Some(&editor),
            "mutation($id: ID!, $v: Int!) { decideCertificationBody(id: $id, expectedVersion: $v, to: SUSPENDED,
               reasonCategory: \"oversight_audit_nonconformity\") { status } }",
            json!({ "id": body["id"], "v": body["version"] }),
        )
        .await;
    assert!(
        wait_until(30, async || {
            receiver
                .accepted()
                .iter()
                .any(|request| request.event()["certificateNumber"] == watched.certification["certificateNumber"])
        })
        .await,
        "the body's suspension reached the watcher of its certificate: {:#?}",
        receiver.received()
    );
    let request = receiver
        .accepted()
        .into_iter()
        .find(|request| request.event()["certificateNumber"] == watched.certification["certificateNumber"])
        .unwrap();
    assert!(signature_is_valid(&request, &secret));
    let event = request.event();
    assert_eq!(event["type"], "certification.body_standing_changed");
    assert_eq!(event["bodyInGoodStanding"], false);
    assert_eq!(event["reasonCategory"], "oversight_audit_nonconformity");
    assert_eq!(event["to"], "CERTIFIED", "the certificate's own status is unchanged");
    assert_eq!(event["recruiterId"], watched.recruiter_id);
    // Only the watched recruiter's certificates are sent to this webhook.
    assert!(
        receiver
            .accepted()
            .iter()
            .all(|request| request.event()["recruiterId"] == watched.recruiter_id)
    );
}
