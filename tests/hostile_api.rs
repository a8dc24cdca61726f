//! Hostile requests, as the open internet sends them: deep nesting, alias floods, fragment
//! cycles and bombs, huge and negative page sizes, malformed JSON, wrong content types,
//! invalid UTF-8, forged cursors and IDs, injection strings in every string argument of every
//! root query (listed from the schema itself), oversized bodies, batch floods, forged tokens on
//! every mutation, and slow clients.
//!
//! Each must get a clear 4xx or a GraphQL error with a code: never a 5xx, never `INTERNAL`,
//! never a message showing SQL, file paths or a panic. After the suite the server still
//! answers normally and the directory is unchanged (its export is byte-identical). Run with
//! `--nocapture` for the tally of what was tried and how it was answered.

//!
//! The attacks live in `tests/hostile/`, one module per kind.

mod common;
mod hostile;

use common::{Server, token};
use hostile::*;
use serde_json::{Value, json};

#[tokio::test]
async fn hostile_requests_get_clear_refusals_and_change_nothing() {
    // Rate limiting is off so that every request reaches the check it is aimed at.
    let server = Server::start_with(&[("RATE_LIMIT", "0")]);
    let before = export(&server);
    let mut suite = Suite::new(&server.url);

    let introspection = {
        let (_, body) = suite.graphql("introspection", INTROSPECTION, json!({}), &[]).await;
        assert!(body["errors"].is_null(), "introspection: {body}");
        body["data"].clone()
    };
    let sample_id = {
        let (_, body) = suite
            .graphql(
                "a recruiter id",
                "{ recruiters(first: 1) { nodes { id } } }",
                json!({}),
                &[],
            )
            .await;
        body["data"]["recruiters"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let schema = Schema::new(&introspection, &sample_id);

    shape::run(&mut suite).await;
    forgeries::cursors_and_ids(&mut suite, &sample_id).await;
    injection::run(&mut suite, &schema).await;
    transport::run(&mut suite).await;
    forgeries::tokens_and_request_ids(&mut suite, &schema).await;

    // The server still answers normally, and nothing changed.
    let (_, body) = suite
        .graphql("after the suite", NESTED_PAGE, json!({ "n": 40 }), &[])
        .await;
    assert_eq!(
        body["data"]["recruiters"]["nodes"].as_array().map(Vec::len),
        Some(40),
        "the server still serves"
    );
    let ready = suite
        .http
        .get(format!("{}/readyz", suite.url))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let after = export(&server);
    assert!(before == after, "the directory changed under hostile requests");
    suite.report(after.len(), hash_of(&after));
    assert!(
        suite.failures.is_empty(),
        "{} hostile requests were mishandled:\n{}",
        suite.failures.len(),
        suite.failures.join("\n")
    );
}

#[tokio::test]
async fn a_query_past_the_time_limit_is_abandoned_with_a_clear_error() {
    let server = Server::start_with(&[("REQUEST_TIMEOUT", "1ms"), ("RATE_LIMIT", "0"), ("CACHE_TTL", "0")]);
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/graphql", server.url))
        .query(&[("query", NESTED_PAGE), ("variables", "{\"n\": 100}")])
        .header("x-request-id", "slow-query-1")
        .send()
        .await
        .expect("request");
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(response.headers()["x-request-id"], "slow-query-1");
    let body: Value = response.json().await.expect("JSON");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "TIMEOUT", "{body}");
    assert_eq!(error["extensions"]["requestId"], "slow-query-1", "{body}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("ran longer than 0.001s") && message.contains("`first`"),
        "{message}"
    );
    // Mutations are not cut short: a write either commits or rolls back on its own.
    let admin = token("admin", "alice", None);
    let saved = http
        .post(format!("{}/graphql", server.url))
        .bearer_auth(&admin)
        .json(&json!({ "query": "mutation($i: OrganisationInput!) { saveOrganisation(input: $i) { name } }",
                       "variables": { "i": { "externalId": "org-slow", "name": "Slow Ltd", "kind": "brand", "country": "GB" } } }))
        .send()
        .await
        .expect("mutation")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(saved["data"]["saveOrganisation"]["name"], "Slow Ltd", "{saved}");
    let health = http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
}
