//! Injection strings (SQL, LIKE, NUL, search syntax, markup, bidirectional overrides, huge
//! and normalisation bombs) in every string argument of every root query.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;

pub async fn run(suite: &mut Suite, schema: &Schema) {
    suite.section("injection strings in every string argument of every root query");
    let strings = injections();
    let mut slots_tried = Vec::new();
    for field in schema.fields(&schema.query) {
        let field_name = field["name"].as_str().unwrap_or_default().to_owned();
        if field_name.starts_with("__") {
            continue;
        }
        for argument in field["args"].as_array().cloned().unwrap_or_default() {
            let argument_name = argument["name"].as_str().unwrap_or_default().to_owned();
            for path in schema.string_slots(&argument["type"], 0) {
                slots_tried.push(format!("{field_name}.{argument_name}{path:?}"));
                for text in &strings {
                    let value = schema.with_text(&argument["type"], &path, text);
                    let values = BTreeMap::from([(argument_name.clone(), value)]);
                    let (query, variables) = schema.call("query", &field, &values);
                    suite
                        .graphql(
                            &format!("{field_name}({argument_name}) injection"),
                            &query,
                            variables,
                            &[text],
                        )
                        .await;
                }
            }
        }
    }
    println!("string arguments covered: {}", slots_tried.len());
    assert!(
        slots_tried.len() >= 20
            && [
                "recruiters.filter",
                "search.query",
                "corridor.origin",
                "verifyMarkUse.domain"
            ]
            .iter()
            .all(|slot| slots_tried.iter().any(|tried| tried.starts_with(slot))),
        "every root query's string arguments are reached: {slots_tried:?}"
    );
    // The same strings as GraphQL literals, escaped as a client would.
    for text in strings.iter().take(20) {
        let literal = serde_json::to_string(text).unwrap_or_default();
        let query = format!("{{ search(query: {literal}) {{ totalCount }} recruiter(slug: {literal}) {{ id }} }}");
        suite.graphql("injection as literals", &query, json!({}), &[text]).await;
    }
}
