//! Forgeries: cursors and IDs, tokens on every mutation, request ids.

use std::collections::BTreeMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::*;
use crate::common::{TEST_SECRET, now, sign, token};

pub async fn cursors_and_ids(suite: &mut Suite, sample_id: &str) {
    suite.section("forged cursors and ids");
    let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
    let search_cursor = |offset: &str| b64(&format!("{{\"v\":1,\"o\":\"search\",\"k\":{offset}}}"));
    let recruiter_cursor = {
        let (_, body) = suite
            .graphql(
                "a real cursor",
                "{ recruiters(first: 1) { pageInfo { endCursor } } }",
                json!({}),
                &[],
            )
            .await;
        body["data"]["recruiters"]["pageInfo"]["endCursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let mut cursors = vec![
        String::new(),
        "!!!".to_owned(),
        "====".to_owned(),
        recruiter_cursor[..recruiter_cursor.len() / 2].to_owned(),
        format!("{recruiter_cursor}A"),
        recruiter_cursor.replace('-', "+").replace('_', "/"),
        b64("not json"),
        b64("{}"),
        b64("{\"v\":2,\"o\":\"name_asc\",\"k\":[\"a\",1]}"),
        b64("{\"v\":1,\"o\":\"some_other_order\",\"k\":[\"a\",1]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[1,\"a\"]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"a\"]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"a\",1,2,3]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"' OR 1=1 --\",99999999999999999999]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[\"a\\u0000b\",1]}"),
        b64("{\"v\":1,\"o\":\"name_asc\",\"k\":[null,null]}"),
        b64("{\"v\":1,\"o\":\"certified_first\",\"k\":[\"x\",\"y\",\"z\"]}"),
        search_cursor("-1"),
        search_cursor("18446744073709551615"),
        search_cursor("9999"),
        search_cursor("1e9"),
        search_cursor("\"0\""),
    ];
    cursors.push(b64(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))));
    // Well-formed positions, if odd ones: a keyset cursor is only a position to resume from.
    let long_key = b64(&format!(
        "{{\"v\":1,\"o\":\"name_asc\",\"k\":[\"{}\",1]}}",
        "A".repeat(50_000)
    ));
    cursors.push(long_key.clone());
    let paged = [
        "query($c: String) { recruiters(first: 5, after: $c) { totalCount } }",
        "query($c: String) { recruiters(last: 5, before: $c) { totalCount } }",
        "query($c: String) { recruiters(first: 5, after: $c, orderBy: { field: COUNTRY, direction: DESC }) { totalCount } }",
        "query($c: String) { search(query: \"\", first: 5, after: $c) { totalCount } }",
        "query($c: String) { organisations(first: 5, after: $c) { totalCount } }",
        "query($c: String) { commitments(first: 5, after: $c) { totalCount } }",
        "query($c: String) { trainingProviders(first: 5, after: $c) { totalCount } }",
        "query($c: String) { trainingListings(first: 5, after: $c) { totalCount } }",
        "query($c: String) { corridor(origin: \"NP\", destination: \"QA\") { recruiters(first: 5, after: $c) { totalCount } } }",
        "query($c: String) { corridor(origin: \"NP\", destination: \"QA\") { commitments(first: 5, after: $c) { totalCount } } }",
    ];
    for query in paged {
        for cursor in &cursors {
            let (_, body) = suite
                .graphql("forged cursor", query, json!({ "c": cursor }), &[cursor])
                .await;
            let position = cursor == &recruiter_cursor || cursor == &long_key;
            if !cursor.is_empty() && body["errors"].is_null() && !position {
                suite.fail("forged cursor", format!("accepted `{}` in {query}", shorten(cursor)));
            }
        }
    }
    let mut forged_ids = vec![
        String::new(),
        " ".to_owned(),
        "42".to_owned(),
        sample_id[..sample_id.len() / 2].to_owned(),
        format!("{sample_id}="),
        format!("{sample_id}{sample_id}"),
        b64("v1:Recruiter:abc"),
        b64("v1:Recruiter:-1"),
        b64("v1:Recruiter:0"),
        b64("v1:Recruiter:99999999999999999999"),
        b64("v1:Recruiter:9223372036854775807"),
        b64("v1:Recruiter:1:2"),
        b64("v1:Recruiter: 1"),
        b64("v2:Recruiter:1"),
        b64("v1:recruiter:1"),
        b64("v1:Nope:1"),
        b64("v1:Certification:1"),
        b64("v1:Organisation:1"),
        b64("v1:MarkRight:1"),
        b64("v1:Recruiter:1' OR 1=1 --"),
        b64("v1:Recruiter:\u{0}"),
        b64(&format!("v1:Recruiter:{}", "9".repeat(10_000))),
        "djE6UmVjcnVpdGVyOjE=".to_owned(),
        "djE6UmVjcnVpdGVyOjE+/".to_owned(),
    ];
    forged_ids.push("\u{202E}".repeat(100));
    // Well-formed IDs may answer (the record, `null`, or NOT_FOUND, or BAD_USER_INPUT for an ID
    // of another kind); every other forgery must be refused with BAD_USER_INPUT, as forged
    // cursors are.
    let well_formed: Vec<String> = [
        "v1:Recruiter:-1",
        "v1:Recruiter:0",
        "v1:Recruiter:9223372036854775807",
        "v1:Certification:1",
        "v1:Organisation:1",
        "v1:MarkRight:1",
    ]
    .iter()
    .map(|text| b64(text))
    .collect();
    for id in &forged_ids {
        for (query, variables, field) in [
            ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id }), "node"),
            (
                "query($id: ID) { recruiter(id: $id) { id } }",
                json!({ "id": id }),
                "recruiter",
            ),
            (
                "query($id: ID, $s: String) { recruiter(id: $id, slug: $s) { id } }",
                json!({ "id": id, "s": "x" }),
                "recruiter",
            ),
        ] {
            let (status, body) = suite.graphql("forged id", query, variables, &[id]).await;
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let answered = body["errors"].is_null() && body["data"].get(field).is_some();
            let refused = code == "BAD_USER_INPUT";
            let acceptable = if well_formed.contains(id) {
                refused || answered || code == "NOT_FOUND"
            } else {
                refused
            };
            if !acceptable {
                suite.fail(
                    "forged id",
                    format!(
                        "{id:?}: expected a clear refusal, got HTTP {status} {}",
                        shorten(&body.to_string())
                    ),
                );
            }
        }
    }
}

pub async fn tokens_and_request_ids(suite: &mut Suite, schema: &Schema) {
    suite.section("mutations without or with wrong tokens");
    let forged_tokens = {
        let claims = |changes: Value| {
            let mut claims = json!({ "sub": "mallory", "role": "admin", "iss": "directory", "aud": "directory-api",
                                     "exp": now() + 600, "nbf": now() - 5, "iat": now() });
            if let (Some(claims), Some(changes)) = (claims.as_object_mut(), changes.as_object()) {
                claims.extend(changes.clone());
            }
            claims
        };
        let valid_claims = claims(json!({}));
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}"),
            URL_SAFE_NO_PAD.encode(valid_claims.to_string())
        );
        let valid = sign(&valid_claims, TEST_SECRET);
        let tampered = {
            let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
            parts[1] = URL_SAFE_NO_PAD.encode(claims(json!({ "sub": "root" })).to_string());
            parts.join(".")
        };
        vec![
            ("garbage", "not-a-token".to_owned()),
            ("empty", String::new()),
            ("alg none", unsigned),
            ("tampered payload", tampered),
            (
                "wrong secret",
                sign(&valid_claims, "another-secret-of-at-least-thirty-two-bytes"),
            ),
            ("expired", sign(&claims(json!({ "exp": now() - 3_600 })), TEST_SECRET)),
            (
                "not yet valid",
                sign(&claims(json!({ "nbf": now() + 3_600 })), TEST_SECRET),
            ),
            (
                "wrong issuer",
                sign(&claims(json!({ "iss": "someone-else" })), TEST_SECRET),
            ),
            (
                "wrong audience",
                sign(&claims(json!({ "aud": "other-api" })), TEST_SECRET),
            ),
            ("unknown role", sign(&claims(json!({ "role": "root" })), TEST_SECRET)),
            ("no subject", sign(&claims(json!({ "sub": null })), TEST_SECRET)),
            ("long token", "a".repeat(6_000)),
        ]
    };
    let mut mutations = 0;
    for field in schema.fields(&schema.mutation) {
        let name = field["name"].as_str().unwrap_or_default().to_owned();
        let (query, variables) = schema.call("mutation", &field, &BTreeMap::new());
        mutations += 1;
        let (_, body) = suite
            .graphql(&format!("{name} without a token"), &query, variables.clone(), &[])
            .await;
        if body["errors"].is_null() {
            suite.fail(&name, "ran without a token".to_owned());
        }
        for (what, bearer) in &forged_tokens {
            let (_, body) = suite
                .graphql_as(
                    &format!("{name} with a {what} token"),
                    bearer,
                    &query,
                    variables.clone(),
                )
                .await;
            let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default();
            if code != "UNAUTHENTICATED" {
                suite.fail(
                    &name,
                    format!("a {what} token got `{code}`: {}", shorten(&body.to_string())),
                );
            }
        }
    }
    assert!(mutations >= 8, "every mutation is listed from the schema: {mutations}");
    let request = suite
        .http
        .post(format!("{}/graphql", suite.url))
        .header("authorization", format!("Bearer {}", "a".repeat(100_000)))
        .json(&json!({ "query": "mutation { archive(id: \"x\", expectedVersion: 1) }" }));
    let (status, _) = suite.send("a 100 KB Authorization header", request, &[]).await;
    if !(400..500).contains(&status) {
        suite.fail("100 KB header", format!("expected a 4xx, got {status}"));
    }
    let editor = token("editor", "eve", None);
    for (query, variables) in [
        (
            "mutation($l: String!) { importRecords(jsonLines: $l) { recruiters } }",
            json!({ "l": "" }),
        ),
        ("{ auditLog(first: 5) { totalCount } }", json!({})),
    ] {
        let (_, body) = suite
            .graphql_as("an editor beyond its role", &editor, query, variables)
            .await;
        let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default();
        if code != "FORBIDDEN" {
            suite.fail("editor beyond its role", format!("got `{code}`"));
        }
    }

    suite.section("request ids");
    let request = suite
        .http
        .get(format!("{}/healthz", suite.url))
        .header("x-request-id", "partner-trace-0042");
    let response = request.send().await.expect("healthz");
    suite.count(format!("HTTP {} ok", response.status().as_u16()));
    assert_eq!(
        response.headers()["x-request-id"],
        "partner-trace-0042",
        "a sane incoming id is kept"
    );
    for forged in ["two words", "<script>", &"x".repeat(500)] {
        let response = suite
            .http
            .get(format!("{}/healthz", suite.url))
            .header("x-request-id", forged)
            .send()
            .await
            .expect("healthz");
        suite.count(format!("HTTP {} ok", response.status().as_u16()));
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            id != forged && id.len() == 32,
            "an unsafe incoming id is replaced: {id}"
        );
    }
}
