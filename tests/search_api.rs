//! Search over HTTP, as jobseeker apps and brands use it: relevance, typos, prefixes, folding,
//! every script, facets with filters, paging, freshness after a write and catch-up after a
//! restart.

mod common;

use common::{Server, shared, token};
use serde_json::{Value, json};

const SEARCH: &str = "query($q: String!, $f: SearchFilter, $first: Int, $after: String) {
    search(query: $q, filter: $f, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      facets { recordType { value count } country { value count } corridor { value count }
               sector { value count } language { value count } certificationStatus { value count } }
      edges { cursor score highlights node { __typename
        ... on Recruiter { id legalName tradingNames slug country certified corridors { origin destination }
                           certifications { certificateNumber } licences { licenceNumber } }
        ... on Organisation { name } ... on TrainingProvider { name } ... on TrainingListing { title } } } } }";

async fn search(client: &common::Client, query: &str, filter: Value) -> Value {
    client
        .data(SEARCH, json!({ "q": query, "f": filter, "first": 20 }))
        .await["search"]
        .clone()
}

fn names(result: &Value) -> Vec<String> {
    result["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            node["legalName"]
                .as_str()
                .or(node["name"].as_str())
                .or(node["title"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Every recruiter of the sample, for picking real words to search for.
async fn recruiters(client: &common::Client) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = client
            .data(
                "query($a: String) { recruiters(first: 100, after: $a) { pageInfo { hasNextPage endCursor }
                   nodes { legalName tradingNames slug certified certifications { certificateNumber status } } } }",
                json!({ "a": after }),
            )
            .await;
        all.extend(page["recruiters"]["nodes"].as_array().unwrap().clone());
        if !page["recruiters"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return all;
        }
        after = page["recruiters"]["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn an_exact_identifier_ranks_first() {
    let client = shared();
    let all = recruiters(&client).await;
    let holder = all
        .iter()
        .find(|r| r["certifications"].as_array().unwrap().len() == 1)
        .unwrap();
    let number = holder["certifications"][0]["certificateNumber"].as_str().unwrap();
    for typed in [number.to_owned(), number.to_lowercase(), number.replace('-', " - ")] {
        let result = search(&client, &typed, json!({})).await;
        assert_eq!(names(&result)[0], holder["legalName"].as_str().unwrap(), "{typed}");
    }
    let by_slug = search(&client, holder["slug"].as_str().unwrap(), json!({})).await;
    assert_eq!(names(&by_slug)[0], holder["legalName"].as_str().unwrap());
}

#[tokio::test]
async fn typos_prefixes_and_accents_are_forgiven() {
    let client = shared();
    for (typed, expected) in [
        ("manpowr", "manpower"),
        ("recruitmnet", "recruitment"),
        ("overs", "overseas"),
        ("Societe", "société"),
    ] {
        let result = search(&client, typed, json!({})).await;
        let found = names(&result);
        assert!(!found.is_empty(), "{typed} finds something");
        let first_names: String = result["edges"]
            .as_array()
            .unwrap()
            .iter()
            .take(5)
            .map(|edge| {
                format!(
                    "{} {}",
                    edge["node"]["legalName"]
                        .as_str()
                        .or(edge["node"]["name"].as_str())
                        .or(edge["node"]["title"].as_str())
                        .unwrap_or_default(),
                    edge["node"]["tradingNames"]
                )
            })
            .collect::<Vec<_>>()
            .join(" | ")
            .to_lowercase();
        assert!(
            first_names.contains(expected),
            "{typed} should find {expected}: {first_names}"
        );
        assert!(
            result["edges"][0]["highlights"].to_string().contains("<mark>"),
            "{typed}: {}",
            result["edges"][0]
        );
    }
}

#[tokio::test]
async fn names_are_found_in_every_script_by_any_word_and_by_a_prefix() {
    let client = shared();
    let all = recruiters(&client).await;
    let scripts: [(&str, std::ops::RangeInclusive<u32>); 6] = [
        ("Devanagari", 0x0900..=0x097F),
        ("Bengali", 0x0980..=0x09FF),
        ("Arabic", 0x0600..=0x06FF),
        ("Thai", 0x0E00..=0x0E7F),
        ("Myanmar", 0x1000..=0x109F),
        ("Khmer", 0x1780..=0x17FF),
    ];
    for (script, range) in scripts {
        let holder = all
            .iter()
            .find(|r| {
                r["legalName"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .any(|c| range.contains(&(c as u32)))
            })
            .unwrap_or_else(|| panic!("a {script} name in the sample"));
        let name = holder["legalName"].as_str().unwrap();
        // A word of the name in that script (for Thai, Burmese and Khmer the words run together:
        // the first few letters of the name are a prefix of its first word).
        let word: String = name
            .split_whitespace()
            .find(|word| word.chars().any(|c| range.contains(&(c as u32))))
            .unwrap()
            .to_owned();
        let prefix: String = word.chars().take(3.max(word.chars().count() / 2)).collect();
        for typed in [word.clone(), prefix] {
            let result = search(&client, &typed, json!({})).await;
            assert!(
                names(&result).iter().any(|found| found == name),
                "{script}: `{typed}` should find {name}: {:?}",
                names(&result)
            );
        }
    }
}

#[tokio::test]
async fn certified_recruiters_rank_above_others_at_equal_relevance() {
    let client = shared();
    let result = client
        .data(
            SEARCH,
            json!({ "q": "", "f": { "recordTypes": ["RECRUITER"] }, "first": 100 }),
        )
        .await["search"]
        .clone();
    let certified: Vec<bool> = result["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["certified"].as_bool().unwrap())
        .collect();
    let first_uncertified = certified.iter().position(|flag| !flag).unwrap_or(certified.len());
    assert!(
        certified[first_uncertified..].iter().all(|flag| !flag),
        "browsing lists certified recruiters first"
    );
}

#[tokio::test]
async fn filters_apply_inside_the_index_and_facets_count_the_whole_result() {
    let client = shared();
    let everything = search(&client, "", json!({})).await;
    let total = everything["totalCount"].as_u64().unwrap();
    let by_type: u64 = everything["facets"]["recordType"]
        .as_array()
        .unwrap()
        .iter()
        .map(|facet| facet["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_type, total, "record-type facet counts add up to the total");
    assert!(
        everything["facets"]["recordType"].as_array().unwrap().len() == 5,
        "{}",
        everything["facets"]["recordType"]
    );

    let filter =
        json!({ "corridor": { "origin": "NP", "destination": "QA" }, "certified": true, "recordTypes": ["RECRUITER"] });
    let narrowed = search(&client, "", filter).await;
    let count = narrowed["totalCount"].as_u64().unwrap();
    assert!(count > 0 && count < total);
    let corridor_facet = narrowed["facets"]["corridor"]
        .as_array()
        .unwrap()
        .iter()
        .find(|facet| facet["value"] == "NP-QA")
        .unwrap();
    assert_eq!(corridor_facet["count"].as_u64().unwrap(), count);
    for edge in narrowed["edges"].as_array().unwrap() {
        assert_eq!(edge["node"]["certified"], true);
        assert!(
            edge["node"]["corridors"]
                .as_array()
                .unwrap()
                .contains(&json!({ "origin": "NP", "destination": "QA" }))
        );
    }
    let in_db = client
        .data("{ recruiters(filter: { corridor: { origin: \"NP\", destination: \"QA\" }, certified: true }) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        in_db["recruiters"]["totalCount"].as_u64().unwrap(),
        count,
        "the index agrees with the database"
    );
    let status_facet = narrowed["facets"]["certificationStatus"].as_array().unwrap();
    assert!(
        status_facet
            .iter()
            .any(|facet| facet["value"] == "certified" && facet["count"].as_u64().unwrap() == count)
    );

    let (code, _) = client
        .error(SEARCH, json!({ "q": "x", "f": { "country": "XX" } }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

#[tokio::test]
async fn pages_follow_one_another() {
    let client = shared();
    let first = client.data(SEARCH, json!({ "q": "", "first": 5 })).await["search"].clone();
    let second = client
        .data(
            SEARCH,
            json!({ "q": "", "first": 5, "after": first["pageInfo"]["endCursor"] }),
        )
        .await["search"]
        .clone();
    let one = names(&first);
    let two = names(&second);
    assert_eq!((one.len(), two.len()), (5, 5));
    assert!(one.iter().all(|name| !two.contains(name)));
    let (code, _) = client
        .error(SEARCH, json!({ "q": "", "first": 5, "after": "bogus" }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

#[tokio::test]
async fn hostile_queries_answer_or_refuse_cleanly() {
    let client = shared();
    let long = "manpower ".repeat(100);
    let nasty = [
        "",
        "   ",
        "!!!???",
        "title:(a OR",
        "*",
        "\"unbalanced",
        "a AND OR NOT",
        "\u{0007}\u{001b}[31m",
        "نيبال Nepal नेपाल ประเทศไทย",
        "💼🌏",
        "%_\\'; DROP TABLE recruiter; --",
        &long,
    ];
    for query in nasty {
        let body = client.graphql(SEARCH, json!({ "q": query, "first": 5 })).await;
        assert!(body["data"]["search"].is_object(), "`{query}`: {body}");
    }
    let (code, _) = client.error(SEARCH, json!({ "q": "x".repeat(10_000) })).await;
    assert_eq!(code, "BAD_USER_INPUT");
    // No text anywhere may hold a NUL: refused with a message, never stored or searched.
    let (code, message) = client.error(SEARCH, json!({ "q": "\u{0000}\u{0007}" })).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("NUL"), "{message}");
}

#[tokio::test]
async fn a_write_is_searchable_when_its_response_arrives_and_a_restart_catches_up() {
    let mut server = Server::start();
    let editor = token("editor", "editor", None);
    let input = json!({ "externalId": "rec-fresh", "legalName": "Zanzibar Horizon Recruitment Ltd.", "slug": "zanzibar-horizon",
        "country": "TZ", "languages": ["sw", "en"], "sectors": ["hospitality"], "corridors": [{ "origin": "TZ", "destination": "OM" }],
        "cbpLevel": "entry" });
    let client = server.client();
    client
        .data_as(
            Some(&editor),
            "mutation($i: RecruiterInput!) { saveRecruiter(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    let found = search(&client, "zanzibar horizon", json!({})).await;
    assert_eq!(
        names(&found).first().map(String::as_str),
        Some("Zanzibar Horizon Recruitment Ltd.")
    );

    // Changes made while the server is down (here by the CLI) are caught up before it serves.
    server.stop();
    let file = server.data_dir().join("late.jsonl");
    std::fs::write(&file, r#"{"type":"organisation","external_id":"org-late","name":"Quetzal Late Arrivals Cooperative","kind":"employer","country":"GT","sector":"agriculture","website":null}"#).unwrap();
    let output = server.cli(&["import", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    server.restart();
    let client = server.client();
    let found = search(&client, "quetzal", json!({})).await;
    assert_eq!(names(&found), ["Quetzal Late Arrivals Cooperative"]);
    let ready: Value = client.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["search"]["lag"], 0, "{ready}");

    // An archived record leaves the index too.
    let recruiter = client
        .data("{ recruiter(slug: \"zanzibar-horizon\") { id version } }", json!({}))
        .await;
    client
        .data_as(
            Some(&editor),
            "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
            json!({ "id": recruiter["recruiter"]["id"], "v": recruiter["recruiter"]["version"] }),
        )
        .await;
    assert!(
        names(&search(&client, "zanzibar horizon", json!({})).await)
            .iter()
            .all(|name| !name.contains("Zanzibar"))
    );

    // `directory reindex` rebuilds aside and the running server switches to it: the index it
    // has open is a new build, and it answers from that build.
    let generation = |ready: Value| ready["search"]["generation"].as_str().map(str::to_owned);
    let before: Value = client.get("/readyz").await.json().await.unwrap();
    let output = server.cli(&["reindex"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now: Value = client.get("/readyz").await.json().await.unwrap();
        if generation(now.clone()).is_some() && generation(now.clone()) != generation(before.clone()) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server never switched to the rebuilt index: {now}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        names(&search(&client, "quetzal", json!({})).await),
        ["Quetzal Late Arrivals Cooperative"]
    );
    // The rebuild was built in a directory of its own, named by `search/CURRENT`; nothing was
    // renamed under the running server, and the generation it left is deleted once it switched.
    let root = server.data_dir().join("search");
    let current = std::fs::read_to_string(root.join("CURRENT")).expect("search/CURRENT");
    assert_eq!(
        Some(current.trim().to_owned()),
        generation(client.get("/readyz").await.json().await.unwrap())
    );
    let generations: Vec<String> = std::fs::read_dir(&root)
        .expect("search/")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        generations,
        [current.trim().to_owned()],
        "only the generation in use is left"
    );
    assert!(
        !root.join("meta.json").exists(),
        "no index files outside the generations"
    );
}

#[tokio::test]
async fn two_servers_on_one_database_behave_as_one_directory() {
    let first = Server::start();
    let second = Server::start_beside(&first);
    let editor = token("editor", "editor", None);
    let input = json!({ "externalId": "org-shared", "name": "Yellowknife Shared Outfitters", "kind": "brand", "country": "CA",
                        "sector": "apparel", "website": null });
    first
        .client()
        .data_as(
            Some(&editor),
            "mutation($i: OrganisationInput!) { saveOrganisation(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    let other = second.client();
    // The other server's reads come from the shared database at once...
    let listed = other
        .data(
            "{ organisations(filter: { country: \"CA\" }) { nodes { name } } }",
            json!({}),
        )
        .await;
    assert!(listed.to_string().contains("Yellowknife"));
    // ...and its own search index follows the change log within about a second.
    let started = std::time::Instant::now();
    loop {
        if names(&search(&other, "yellowknife", json!({})).await) == ["Yellowknife Shared Outfitters"] {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the second server's index did not follow the write"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    println!(
        "a write through one server was searchable through the other after {:?}",
        started.elapsed()
    );
}
