//! A graphql-transport-ws client for the tests that speak WebSocket.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use super::Server;

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection; `Err` holds the HTTP status of a refused upgrade.
pub async fn connect(server: &Server) -> Result<Socket, u16> {
    let url = format!("{}/graphql", server.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, _)) => {
            socket
                .send(Message::text(json!({ "type": "connection_init" }).to_string()))
                .await
                .expect("send");
            assert_eq!(
                next_message(&mut socket).await.map(|m| m["type"].clone()),
                Some(json!("connection_ack"))
            );
            Ok(socket)
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(error) => panic!("WebSocket upgrade failed: {error}"),
    }
}

/// The next text message that is not a ping; `None` once the server closed the connection.
pub async fn next_message(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .expect("a message (or the close) within 15 s");
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(&text).expect("JSON message");
                if value["type"] != "ping" && value["type"] != "complete" {
                    return Some(value);
                }
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

pub async fn subscribe(socket: &mut Socket, id: &str, query: &str) {
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
    socket.send(Message::text(message.to_string())).await.expect("send");
}

/// Runs one query over the connection (as graphql-transport-ws does, with `subscribe`) and
/// returns its `data`; panics on errors.
pub async fn query(socket: &mut Socket, id: &str, document: &str, variables: Value) -> Value {
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": document, "variables": variables } });
    socket.send(Message::text(message.to_string())).await.expect("send");
    let answer = next_message(socket).await.expect("an answer");
    assert_eq!(answer["type"], "next", "{answer}");
    assert_eq!(answer["id"], id, "{answer}");
    assert!(answer["payload"]["errors"].is_null(), "{answer}");
    answer["payload"]["data"].clone()
}
