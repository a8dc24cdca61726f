//! Attacks on the shape of a query: depth, nesting, aliases, root fields, fragment cycles
//! and bombs, page sizes.

use std::time::{Duration, Instant};

use serde_json::json;

use super::*;

pub async fn run(suite: &mut Suite) {
    suite.section("depth and complexity");
    let mut deep = String::from("legalName");
    for _ in 0..10 {
        deep = format!("certifications {{ recruiter {{ {deep} }} }}");
    }
    let deep = format!("{{ recruiters(first: 1) {{ nodes {{ {deep} }} }} }}");
    suite
        .refused("fields nested 23 deep", &deep, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let braces = format!("{{{}x{}}}", "a {".repeat(5_000), "}".repeat(5_000));
    suite
        .refused("5 000 nested braces", &braces, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let lists = format!(
        "{{ recruiters(filter: {{ sectors: {}{} }}) {{ totalCount }} }}",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    suite
        .refused("20 000 nested list brackets", &lists, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let body = suite
        .refused(
            "first: 100, partners three levels deep",
            THREE_DEEP,
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("more than 20000") && message.contains("`first`"),
        "the refusal says how to fix it: {message}"
    );
    let (_, body) = suite
        .graphql("the everyday nested page of 100", NESTED_PAGE, json!({ "n": 100 }), &[])
        .await;
    assert_eq!(
        body["data"]["recruiters"]["nodes"].as_array().map(Vec::len),
        Some(100),
        "a realistic page of 100 with nested lists passes: {}",
        shorten(&body.to_string())
    );
    let corridor_everything = "{ corridor(origin: \"NP\", destination: \"QA\") {
        recruiters(first: 100) { totalCount nodes { legalName certified licences { status } } }
        commitments(first: 100) { nodes { framework organisation { name } } }
        trainingListings(first: 100) { nodes { title provider { name } } } } }";
    let (_, body) = suite
        .graphql("a corridor's three lists of 100", corridor_everything, json!({}), &[])
        .await;
    assert!(body["errors"].is_null(), "{}", shorten(&body.to_string()));
    let duplicated = format!(
        "{{ recruiters(first: 100) {{ nodes {{ {} }} }} }}",
        "legalName ".repeat(20_000)
    );
    suite
        .refused("one field 20 000 times", &duplicated, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;

    suite.section("aliases, root fields and fragments");
    let aliases = (0..31)
        .map(|index| format!("a{index}: recruiters(first: 1) {{ totalCount }}"))
        .collect::<Vec<_>>();
    suite
        .refused(
            "31 aliases",
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    let aliases = (0..3_000)
        .map(|index| format!("a{index}: __typename"))
        .collect::<Vec<_>>();
    suite
        .refused(
            "3 000 aliases",
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    let nested_aliases = (0..40).map(|index| format!("n{index}: legalName")).collect::<Vec<_>>();
    let query = format!(
        "{{ recruiters(first: 1) {{ nodes {{ {} }} }} }}",
        nested_aliases.join(" ")
    );
    suite
        .refused("40 aliases deep inside", &query, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let roots = (0..21).map(|_| "__typename").collect::<Vec<_>>().join(" ");
    suite
        .refused(
            "21 root fields",
            &format!("{{ {roots} }}"),
            json!({}),
            &["QUERY_TOO_COMPLEX"],
        )
        .await;
    for (what, query) in [
        (
            "a fragment spreading itself",
            "{ ...A } fragment A on Query { __typename ...A }",
        ),
        (
            "two fragments spreading each other",
            "{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }",
        ),
        (
            "a cycle below a field",
            "{ recruiters(first: 1) { nodes { ...R } } } fragment R on Recruiter { partners { ...R } }",
        ),
    ] {
        suite
            .refused(what, query, json!({}), &["BAD_USER_INPUT", "QUERY_TOO_COMPLEX"])
            .await;
    }
    let mut bomb = String::from("query { ...F0 }\n");
    for level in 0..30 {
        bomb.push_str(&format!(
            "fragment F{level} on Query {{ ...F{next} ...F{next} }}\n",
            next = level + 1
        ));
    }
    bomb.push_str("fragment F30 on Query { __typename }\n");
    let started = Instant::now();
    suite
        .refused("fragment bomb: 2^30 spreads", &bomb, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let mut wide = String::from("query { ...F0 }\n");
    for level in 0..8 {
        let spreads = vec![format!("...F{}", level + 1); 300].join(" ");
        wide.push_str(&format!("fragment F{level} on Query {{ {spreads} }}\n"));
    }
    wide.push_str("fragment F8 on Query { __typename }\n");
    suite
        .refused("fragment bomb: 300^8 spreads", &wide, json!({}), &["QUERY_TOO_COMPLEX"])
        .await;
    let cyclic_wide = format!("{{ ...A }} fragment A on Query {{ {} }}", "...A ".repeat(20_000));
    suite
        .refused(
            "a fragment spreading itself 20 000 times",
            &cyclic_wide,
            json!({}),
            &["BAD_USER_INPUT", "QUERY_TOO_COMPLEX"],
        )
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "fragment bombs are refused at once"
    );

    suite.section("page sizes");
    let connections = [
        ("recruiters", "recruiters(first: $n) { totalCount }"),
        ("recruiters last", "recruiters(last: $n) { totalCount }"),
        ("search", "search(query: \"a\", first: $n) { totalCount }"),
        ("organisations", "organisations(first: $n) { totalCount }"),
        ("commitments", "commitments(first: $n) { totalCount }"),
        ("trainingProviders", "trainingProviders(first: $n) { totalCount }"),
        ("trainingListings", "trainingListings(first: $n) { totalCount }"),
        (
            "corridor recruiters",
            "corridor(origin: \"NP\", destination: \"QA\") { recruiters(first: $n) { totalCount } }",
        ),
        (
            "corridor commitments",
            "corridor(origin: \"NP\", destination: \"QA\") { commitments(first: $n) { totalCount } }",
        ),
        (
            "corridor listings",
            "corridor(origin: \"NP\", destination: \"QA\") { trainingListings(first: $n) { totalCount } }",
        ),
    ];
    for (what, field) in connections {
        let query = format!("query($n: Int) {{ {field} }}");
        for size in [json!(101), json!(i32::MAX), json!(-1), json!(i32::MIN)] {
            suite
                .refused(
                    &format!("{what} size {size}"),
                    &query,
                    json!({ "n": size }),
                    &["BAD_USER_INPUT"],
                )
                .await;
        }
        for size in [json!(2_147_483_648_i64), json!(1e300), json!("100"), json!([100])] {
            suite
                .refused(
                    &format!("{what} size {size}"),
                    &query,
                    json!({ "n": size }),
                    &["BAD_USER_INPUT"],
                )
                .await;
        }
        let literal = field.replace("$n", "99999999999999999999");
        suite
            .refused(
                &format!("{what} literal overflow"),
                &format!("{{ {literal} }}"),
                json!({}),
                &["BAD_USER_INPUT"],
            )
            .await;
    }
    suite
        .refused(
            "first and last together",
            "{ recruiters(first: 5, last: 5) { totalCount } }",
            json!({}),
            &["BAD_USER_INPUT"],
        )
        .await;
}
