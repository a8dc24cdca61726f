//! Live status changes over a real WebSocket (graphql-transport-ws), as a brand's system
//! watching its suppliers' recruiters receives them.

mod common;

use common::{Server, token};
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
