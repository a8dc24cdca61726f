//! The read API over HTTP, against the sample directory, as partners and apps use it.

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{Client, shared};
use serde_json::{Value, json};

const RECRUITER_FIELDS: &str = "id slug legalName country languages sectors cbpLevel certified
    corridors { origin destination }
    certifications { certificateNumber status recordedStatus expiresOn history { from to } }";

/// Walks every page of `recruiters(filter:)` forwards and returns the nodes.
async fn all_recruiters(client: &Client, filter: Value) -> Vec<Value> {
    let query = format!(
        "query($filter: RecruiterFilter, $after: String) {{
           recruiters(filter: $filter, first: 100, after: $after) {{
             totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {RECRUITER_FIELDS} }} }} }}"
    );
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = client.data(&query, json!({ "filter": filter, "after": after })).await;
        let connection = &data["recruiters"];
        nodes.extend(connection["nodes"].as_array().cloned().unwrap_or_default());
        if !connection["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false) {
            assert_eq!(
                connection["totalCount"].as_u64(),
                Some(nodes.len() as u64),
                "totalCount matches what paging returns"
            );
            return nodes;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn health_readiness_and_graphiql() {
    let client = shared();
    assert_eq!(client.get("/healthz").await.status(), 200);
    let ready = client.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["database"], "ok");
    let page = client.get("/").await.text().await.unwrap();
    assert!(page.to_lowercase().contains("graphiql"), "GraphiQL is served at /");
}

#[tokio::test]
async fn the_sample_directory_is_rich_enough_to_explore() {
    let client = shared();
    let recruiters = all_recruiters(&client, json!({})).await;
    assert!(recruiters.len() >= 200, "{} recruiters", recruiters.len());
    let origins: BTreeSet<&str> = recruiters
        .iter()
        .flat_map(|r| r["corridors"].as_array().unwrap())
        .filter_map(|c| c["origin"].as_str())
        .collect();
    let destinations: BTreeSet<&str> = recruiters
        .iter()
        .flat_map(|r| r["corridors"].as_array().unwrap())
        .filter_map(|c| c["destination"].as_str())
        .collect();
    assert!(
        origins.len() >= 10 && destinations.len() >= 10,
        "{origins:?} {destinations:?}"
    );
    let non_latin = recruiters
        .iter()
        .filter(|r| r["legalName"].as_str().unwrap().chars().any(|c| c as u32 > 0x0590))
        .count();
    assert!(non_latin >= 20, "names in several scripts: {non_latin}");
    for status in [
        "APPLICANT",
        "DEFERRED",
        "REJECTED",
        "CERTIFIED",
        "SUSPENDED",
        "WITHDRAWN",
        "EXPIRED",
    ] {
        let data = client
            .data(
                "query($s: [CertificationStatus!]) { recruiters(filter: { certificationStatus: $s }) { totalCount } }",
                json!({ "s": [status] }),
            )
            .await;
        assert!(
            data["recruiters"]["totalCount"].as_u64().unwrap() > 0,
            "some recruiter has a {status} certification"
        );
    }
    let others = client
        .data("{ organisations { totalCount } commitments { totalCount } trainingProviders { totalCount } trainingListings { totalCount } }", json!({}))
        .await;
    for field in ["organisations", "commitments", "trainingProviders", "trainingListings"] {
        assert!(others[field]["totalCount"].as_u64().unwrap() >= 10, "{field}: {others}");
    }
}

#[tokio::test]
async fn pages_forwards_and_backwards_agree() {
    let client = shared();
    let forwards = all_recruiters(&client, json!({ "country": "NP" })).await;
    assert!(forwards.len() > 7);
    let names: Vec<&str> = forwards.iter().map(|r| r["legalName"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by legal name");
    let unique: HashSet<&str> = forwards.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), forwards.len(), "no recruiter twice");

    let query = "query($before: String) { recruiters(filter: { country: \"NP\" }, last: 7, before: $before) {
        pageInfo { hasPreviousPage startCursor } nodes { id } } }";
    let mut backwards: Vec<String> = Vec::new();
    let mut before = Value::Null;
    loop {
        let data = client.data(query, json!({ "before": before })).await;
        let page: Vec<String> = data["recruiters"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        backwards.splice(0..0, page);
        if !data["recruiters"]["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = data["recruiters"]["pageInfo"]["startCursor"].clone();
    }
    let forward_ids: Vec<String> = forwards.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(backwards, forward_ids);

    let descending = client
        .data(
            "{ recruiters(first: 5, orderBy: { field: NAME, direction: DESC }) { nodes { legalName } } }",
            json!({}),
        )
        .await;
    let names = strings(&Value::Array(
        descending["recruiters"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["legalName"].clone())
            .collect(),
    ));
    let mut reversed = names.clone();
    reversed.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, reversed);
}

#[tokio::test]
async fn every_filter_narrows_to_matching_recruiters() {
    let client = shared();
    let all = all_recruiters(&client, json!({})).await.len();

    let nepal_qatar = all_recruiters(&client, json!({ "corridor": { "origin": "NP", "destination": "QA" } })).await;
    assert!(
        !nepal_qatar.is_empty() && nepal_qatar.len() < all,
        "{} of {all}",
        nepal_qatar.len()
    );
    for recruiter in nepal_qatar {
        assert!(
            recruiter["corridors"]
                .as_array()
                .unwrap()
                .contains(&json!({ "origin": "NP", "destination": "QA" }))
        );
    }
    let construction = all_recruiters(&client, json!({ "sectors": ["construction"] })).await;
    assert!(!construction.is_empty() && construction.len() < all);
    assert!(
        construction
            .iter()
            .all(|r| strings(&r["sectors"]).contains(&"construction".to_owned()))
    );
    let nepali = all_recruiters(&client, json!({ "languages": ["ne"] })).await;
    assert!(
        !nepali.is_empty()
            && nepali
                .iter()
                .all(|r| strings(&r["languages"]).contains(&"ne".to_owned()))
    );
    let level_2 = all_recruiters(&client, json!({ "cbpLevel": ["LEVEL_2"] })).await;
    assert!(!level_2.is_empty() && level_2.iter().all(|r| r["cbpLevel"] == "LEVEL_2"));

    let certified = all_recruiters(&client, json!({ "certified": true })).await;
    let not_certified = all_recruiters(&client, json!({ "certified": false })).await;
    assert!(!certified.is_empty() && !not_certified.is_empty());
    assert!(certified.iter().all(|r| r["certified"] == true));
    assert!(not_certified.iter().all(|r| r["certified"] == false));
    assert_eq!(certified.len() + not_certified.len(), all);

    let suspended = all_recruiters(&client, json!({ "certificationStatus": ["SUSPENDED"] })).await;
    assert!(!suspended.is_empty());
    assert!(suspended.iter().all(|r| {
        r["certifications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["status"] == "SUSPENDED")
    }));

    let combined = all_recruiters(
        &client,
        json!({ "country": "NP", "certified": true, "sectors": ["construction"] }),
    )
    .await;
    assert!(!combined.is_empty());
    assert!(combined.iter().all(|r| r["country"] == "NP"
        && r["certified"] == true
        && strings(&r["sectors"]).contains(&"construction".to_owned())));
}

#[tokio::test]
async fn certified_is_computed_from_dates_not_the_stored_status() {
    let client = shared();
    let expired = all_recruiters(&client, json!({ "certificationStatus": ["EXPIRED"] })).await;
    let lapsed: Vec<&Value> = expired
        .iter()
        .flat_map(|r| r["certifications"].as_array().unwrap())
        .filter(|c| c["recordedStatus"] == "CERTIFIED" && c["status"] == "EXPIRED")
        .collect();
    assert!(
        !lapsed.is_empty(),
        "the sample holds certificates stored as certified but past their expiry"
    );
    let number = lapsed[0]["certificateNumber"].as_str().unwrap();
    let data = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { found certified status recruiter { certified } certification { expiresOn } } }",
            json!({ "n": number }),
        )
        .await;
    let verification = &data["verifyCertificate"];
    assert_eq!(verification["found"], true);
    assert_eq!(verification["certified"], false);
    assert_eq!(verification["status"], "EXPIRED");
}

#[tokio::test]
async fn verify_certificate_answers_holder_scope_validity_and_history() {
    let client = shared();
    let certified = all_recruiters(&client, json!({ "certified": true })).await;
    let certificate = certified[0]["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "CERTIFIED")
        .unwrap();
    let number = certificate["certificateNumber"].as_str().unwrap();
    // Looked up ignoring case and spaces, as people type them.
    let typed = format!(" {} ", number.to_lowercase().replacen('-', " - ", 1));
    let data = client
        .data(
            "query($n: String!) { verifyCertificate(number: $n) { number found certified status
               recruiter { legalName certified }
               certification { certificateNumber scheme certificationBody issuedOn expiresOn nextAuditDue
                 scope { corridors { origin destination } sectors } history { from to at reasonCategory recordedBy } } } }",
            json!({ "n": typed }),
        )
        .await;
    let verification = &data["verifyCertificate"];
    assert_eq!(verification["found"], true);
    assert_eq!(verification["certified"], true);
    assert_eq!(verification["status"], "CERTIFIED");
    assert_eq!(verification["recruiter"]["legalName"], certified[0]["legalName"]);
    let certification = &verification["certification"];
    assert_eq!(certification["certificateNumber"], number);
    assert!(certification["expiresOn"].as_str().unwrap() >= certification["issuedOn"].as_str().unwrap());
    assert!(
        certification["nextAuditDue"].is_string(),
        "a certified certificate has a next audit date"
    );
    let history = certification["history"].as_array().unwrap();
    assert_eq!(history[0]["from"], Value::Null);
    assert_eq!(history[0]["to"], "APPLICANT");
    assert_eq!(history.last().unwrap()["to"], "CERTIFIED");

    let unknown = client
        .data(
            "{ verifyCertificate(number: \"ERS-XX-0000-0000000\") { found certified status recruiter { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        unknown["verifyCertificate"],
        json!({ "found": false, "certified": false, "status": null, "recruiter": null })
    );
}

#[tokio::test]
async fn verify_mark_use_allows_only_domains_of_rights_in_force() {
    let client = shared();
    let data = client
        .data(
            "{ recruiters(filter: { certified: true }, first: 100) { nodes { legalName markRights { status inForce domains } } } }",
            json!({}),
        )
        .await;
    let (holder, domain) = data["recruiters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| {
            r["markRights"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["inForce"] == true)
                .map(|m| (r["legalName"].clone(), m["domains"][0].as_str().unwrap().to_owned()))
        })
        .expect("a certified recruiter with a mark right in force");
    let query =
        "query($d: String!) { verifyMarkUse(domain: $d) { domain allowed status reason recruiter { legalName } } }";
    for asked in [
        domain.clone(),
        format!("https://www.{domain}/about?x=1"),
        domain.to_uppercase(),
    ] {
        let verdict = client.data(query, json!({ "d": asked })).await["verifyMarkUse"].clone();
        assert_eq!(verdict["allowed"], true, "{asked}: {verdict}");
        assert_eq!(verdict["domain"], domain.as_str());
        assert_eq!(verdict["recruiter"]["legalName"], holder);
    }
    let verdict = client
        .data(query, json!({ "d": "fake-certified-recruiter.example" }))
        .await["verifyMarkUse"]
        .clone();
    assert_eq!(verdict["allowed"], false);
    assert_eq!(verdict["status"], "NO_RIGHT");
    assert!(
        verdict["reason"]
            .as_str()
            .unwrap()
            .contains("fake-certified-recruiter.example")
    );

    // A right whose recruiter is not certified today is not in force.
    let uncertified = client
        .data(
            "{ recruiters(filter: { certified: false }, first: 100) { nodes { markRights { domains status } } } }",
            json!({}),
        )
        .await;
    // The sample holds mark rights of recruiters that are no longer certified: their sites
    // may not show the mark.
    let domain = uncertified["recruiters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["markRights"].as_array().unwrap())
        .find_map(|m| m["domains"][0].as_str().map(str::to_owned))
        .expect("an uncertified recruiter with a mark right in the sample");
    let verdict = client.data(query, json!({ "d": domain })).await["verifyMarkUse"].clone();
    assert_eq!(verdict["allowed"], false, "{verdict}");
    let (code, _) = client.error(query, json!({ "d": "not a domain" })).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

#[tokio::test]
async fn recruiters_are_found_by_slug_and_global_id() {
    let client = shared();
    let first = client
        .data("{ recruiters(first: 1) { nodes { id slug legalName } } }", json!({}))
        .await["recruiters"]["nodes"][0]
        .clone();
    let by_slug = client
        .data(
            "query($s: String) { recruiter(slug: $s) { id legalName } }",
            json!({ "s": first["slug"].as_str().unwrap().to_uppercase() }),
        )
        .await;
    assert_eq!(by_slug["recruiter"]["id"], first["id"]);
    let by_node = client
        .data(
            "query($id: ID!) { node(id: $id) { id ... on Recruiter { legalName } } }",
            json!({ "id": first["id"] }),
        )
        .await;
    assert_eq!(by_node["node"]["legalName"], first["legalName"]);

    let other = client
        .data("{ organisations(first: 1) { nodes { id name } } trainingListings(first: 1) { nodes { id title } } commitments(first: 1) { nodes { id framework } } }", json!({}))
        .await;
    for (field, name) in [
        ("organisations", "name"),
        ("trainingListings", "title"),
        ("commitments", "framework"),
    ] {
        let node = &other[field]["nodes"][0];
        let fetched = client
            .data(
                "query($id: ID!) { node(id: $id) { id ... on Organisation { name } ... on TrainingListing { title } ... on Commitment { framework } } }",
                json!({ "id": node["id"] }),
            )
            .await;
        assert_eq!(fetched["node"][name], node[name], "{field}");
    }
}

#[tokio::test]
async fn a_corridor_shows_certified_recruiters_first_with_commitments_and_training() {
    let client = shared();
    let data = client
        .data(
            "{ corridor(origin: \"NP\", destination: \"QA\") { origin destination certifiedRecruiterCount
                 recruiters(first: 100) { totalCount nodes { certified corridors { origin destination } } }
                 commitments(first: 100) { totalCount nodes { corridors { origin destination } } }
                 trainingListings(first: 100) { totalCount nodes { country } } }
               toMalaysia: corridor(origin: \"NP\", destination: \"MY\") {
                 commitments(first: 100) { nodes { corridors { origin destination } } } } }",
            json!({}),
        )
        .await;
    let corridor = &data["corridor"];
    let recruiters = corridor["recruiters"]["nodes"].as_array().unwrap();
    assert!(!recruiters.is_empty());
    let flags: Vec<bool> = recruiters.iter().map(|r| r["certified"].as_bool().unwrap()).collect();
    let certified = flags.iter().filter(|flag| **flag).count();
    assert!(
        flags[..certified].iter().all(|flag| *flag),
        "certified recruiters come first: {flags:?}"
    );
    assert_eq!(corridor["certifiedRecruiterCount"].as_u64(), Some(certified as u64));
    assert!(recruiters.iter().all(|r| {
        r["corridors"]
            .as_array()
            .unwrap()
            .contains(&json!({ "origin": "NP", "destination": "QA" }))
    }));
    // The sample has no commitment on NP -> QA, and some on NP -> MY.
    assert!(corridor["commitments"]["nodes"].as_array().unwrap().is_empty());
    let commitments = data["toMalaysia"]["commitments"]["nodes"].as_array().unwrap();
    assert!(!commitments.is_empty(), "the sample has commitments on NP -> MY");
    for commitment in commitments {
        assert!(
            commitment["corridors"]
                .as_array()
                .unwrap()
                .contains(&json!({ "origin": "NP", "destination": "MY" })),
            "{commitment}"
        );
    }
    let listings = corridor["trainingListings"]["nodes"].as_array().unwrap();
    assert!(!listings.is_empty(), "the sample has training on NP -> QA");
    assert!(listings.iter().all(|l| l["country"] == "NP" || l["country"] == "QA"));

    let (code, message) = client
        .error(
            "{ corridor(origin: \"NP\", destination: \"ZZ\") { origin } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("ZZ"), "{message}");
}

#[tokio::test]
async fn organisations_commitments_and_training_filter_and_page() {
    let client = shared();
    let data = client
        .data(
            "{ brands: organisations(filter: { kind: [BRAND] }, first: 100) { totalCount nodes { kind commitments { framework } } }
               active: commitments(filter: { status: [ACTIVE], sector: \"construction\" }, first: 100) { nodes { status sectors organisation { name } } }
               providers: trainingProviders(filter: { kind: [NGO] }) { nodes { kind listings { title } } }
               free: trainingListings(filter: { free: true }, first: 100) { nodes { free fee { amount } } }
               pdo: trainingListings(filter: { programme: [PRE_DEPARTURE_ORIENTATION] }, first: 100) { totalCount nodes { programme startsOn } } }",
            json!({}),
        )
        .await;
    assert!(
        !data["brands"]["nodes"].as_array().unwrap().is_empty()
            && data["brands"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["kind"] == "BRAND")
    );
    let active = data["active"]["nodes"].as_array().unwrap();
    assert!(!active.is_empty(), "the sample has active construction commitments");
    for commitment in active {
        assert_eq!(commitment["status"], "ACTIVE");
        assert!(strings(&commitment["sectors"]).contains(&"construction".to_owned()));
        assert!(commitment["organisation"]["name"].is_string());
    }
    assert!(
        !data["providers"]["nodes"].as_array().unwrap().is_empty()
            && data["providers"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["kind"] == "NGO")
    );
    assert!(
        !data["free"]["nodes"].as_array().unwrap().is_empty()
            && data["free"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["free"] == true && l["fee"].is_null())
    );
    let starts: Vec<&str> = data["pdo"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["startsOn"].as_str())
        .collect();
    assert!(
        starts.len() >= 2,
        "the sample has dated orientation listings: {starts:?}"
    );
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "soonest first");

    let first_page = client
        .data(
            "{ trainingListings(first: 3) { pageInfo { endCursor hasNextPage } nodes { id } } }",
            json!({}),
        )
        .await;
    let cursor = first_page["trainingListings"]["pageInfo"]["endCursor"].clone();
    let second_page = client
        .data(
            "query($a: String) { trainingListings(first: 3, after: $a) { nodes { id } } }",
            json!({ "a": cursor }),
        )
        .await;
    let first_ids = strings(&Value::Array(
        first_page["trainingListings"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].clone())
            .collect(),
    ));
    let second_ids = strings(&Value::Array(
        second_page["trainingListings"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].clone())
            .collect(),
    ));
    assert_eq!(second_ids.len(), 3);
    assert!(first_ids.iter().all(|id| !second_ids.contains(id)));
}

#[tokio::test]
async fn bad_input_gets_a_coded_error_never_a_500() {
    let client = shared();
    let cases = [
        (
            "{ recruiters(filter: { country: \"XX\" }) { totalCount } }",
            "BAD_USER_INPUT",
            "XX",
        ),
        (
            "{ recruiters(filter: { country: \"np\" }) { totalCount } }",
            "BAD_USER_INPUT",
            "upper case",
        ),
        (
            "{ recruiters(filter: { languages: [\"nepali\"] }) { totalCount } }",
            "BAD_USER_INPUT",
            "ISO 639-1",
        ),
        (
            "{ recruiters(filter: { sectors: [\"mining\"] }) { totalCount } }",
            "BAD_USER_INPUT",
            "mining",
        ),
        (
            "{ recruiters(first: 5000) { totalCount } }",
            "BAD_USER_INPUT",
            "between 0 and 100",
        ),
        (
            "{ recruiters(first: -1) { totalCount } }",
            "BAD_USER_INPUT",
            "between 0 and 100",
        ),
        (
            "{ recruiters(first: 5, last: 5) { totalCount } }",
            "BAD_USER_INPUT",
            "either",
        ),
        (
            "{ recruiters(after: \"not-a-cursor\") { totalCount } }",
            "BAD_USER_INPUT",
            "cursor",
        ),
        (
            "{ recruiters(after: \"eyJ2IjoxLCJvIjoibmFtZV9hc2MiLCJrIjpbMSwyXX0\") { totalCount } }",
            "BAD_USER_INPUT",
            "cursor",
        ),
        ("{ node(id: \"garbage\") { id } }", "BAD_USER_INPUT", "malformed id"),
        (
            "{ recruiter(id: \"djE6T3JnYW5pc2F0aW9uOjE\") { id } }",
            "BAD_USER_INPUT",
            "expected a Recruiter",
        ),
        (
            "{ recruiter(slug: \"no-such-agency\") { id } }",
            "NOT_FOUND",
            "no recruiter",
        ),
        ("{ recruiter { id } }", "BAD_USER_INPUT", "exactly one"),
        (
            "{ verifyCertificate(number: \"\") { found } }",
            "BAD_USER_INPUT",
            "certificate number",
        ),
        (
            "{ trainingListings(filter: { language: \"xx\" }) { totalCount } }",
            "BAD_USER_INPUT",
            "language",
        ),
    ];
    for (query, expected_code, hint) in cases {
        let (code, message) = client.error(query, json!({})).await;
        assert_eq!(code, expected_code, "{query}: {message}");
        assert!(message.contains(hint), "{query}: `{message}` should mention `{hint}`");
    }
    // A cursor of one ordering is refused by another.
    let page = client
        .data("{ recruiters(first: 1) { pageInfo { endCursor } } }", json!({}))
        .await;
    let (code, message) = client
        .error(
            "query($a: String) { recruiters(first: 1, after: $a, orderBy: { field: COUNTRY }) { totalCount } }",
            json!({ "a": page["recruiters"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
}

/// No N+1: a page of recruiters with every nested list costs the same number of statements
/// whether it holds 40 or 100 recruiters (both pages hold recruiters with partners, mark rights
/// and licences, so every loader runs in both). Needs a server of its own, so that no other test's
/// queries are counted.
#[tokio::test]
async fn nested_lists_cost_a_fixed_number_of_statements() {
    let server = common::Server::start();
    let client = server.client();
    let query = "query($n: Int) { recruiters(first: $n) { totalCount nodes {
        legalName corridors { origin destination } certified
        certifications { certificateNumber status nextAuditDue history { from to at } recruiter { slug } }
        licences { licenceNumber validToday } markRights { licenceNumber inForce domains }
        partners { legalName certified } } } }";
    let mut costs = Vec::new();
    for size in [40, 100] {
        // The server's background work (following the change log) also runs statements now
        // and then: the least of three runs is the query's own cost.
        let mut runs = Vec::new();
        for _ in 0..3 {
            let before = client.statements().await;
            let data = client.data(query, json!({ "n": size })).await;
            assert_eq!(data["recruiters"]["nodes"].as_array().unwrap().len(), size);
            runs.push(client.statements().await - before);
        }
        costs.push(runs.into_iter().min().unwrap_or(u64::MAX));
    }
    // Batches are formed per scheduling round, so a loader can occasionally run twice; the
    // bound holds for any page size.
    assert!(
        costs.iter().all(|cost| *cost <= 12),
        "statements for 40 and 100 recruiters: {costs:?}"
    );
    assert!(
        costs[1] <= costs[0] + 1,
        "statements grow with the page size: {costs:?}"
    );
    println!(
        "a page of 100 recruiters with nested lists costs {} SQL statements",
        costs[1]
    );
}

/// The endpoint follows the GraphQL-over-HTTP specification, not the stack's defaults.
#[tokio::test]
async fn the_endpoint_speaks_graphql_over_http() {
    let client = shared();
    let http = reqwest::Client::new();
    let url = format!("{}/graphql", client.url);
    let query = json!({ "query": "{ recruiters(first: 1) { totalCount } }" });

    let modern = http.post(&url).json(&query).send().await.unwrap();
    assert_eq!(modern.status(), 200);
    assert_eq!(modern.headers()["content-type"], "application/graphql-response+json");
    let legacy = http
        .post(&url)
        .header("accept", "application/json")
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.headers()["content-type"], "application/json");

    // A request that cannot run is a 400 under the modern media type, a 200 under the legacy one.
    let invalid = json!({ "query": "{ recruiters { noSuchField } }" });
    assert_eq!(http.post(&url).json(&invalid).send().await.unwrap().status(), 400);
    let legacy_invalid = http
        .post(&url)
        .header("accept", "application/json")
        .json(&invalid)
        .send()
        .await
        .unwrap();
    assert_eq!(legacy_invalid.status(), 200);
    let body: Value = legacy_invalid.json().await.unwrap();
    assert!(
        !body.to_string().contains("Did you mean"),
        "no field suggestions: {body}"
    );

    // Queries over GET; mutations only over POST.
    let get = http
        .get(&url)
        .query(&[("query", "{ recruiters(first: 1) { totalCount } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    let mutation = http
        .get(&url)
        .query(&[("query", "mutation { archive(id: \"x\", expectedVersion: 1) }")])
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");

    // Only JSON bodies: a form or text/plain post (the CSRF path) runs nothing.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"] {
        let response = http
            .post(&url)
            .header("content-type", content_type)
            .body(query.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415, "{content_type}");
    }
    let oversized = json!({ "query": format!("{{ recruiters(first: 1) {{ totalCount }} }} #{}", "x".repeat(300_000)) });
    assert_eq!(http.post(&url).json(&oversized).send().await.unwrap().status(), 413);
    let malformed = http
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    // Caps on aliases, root fields and batches, before any database work.
    let aliases: String = (0..40)
        .map(|i| format!("a{i}: recruiters(first: 1) {{ totalCount }} "))
        .collect();
    let body: Value = http
        .post(&url)
        .json(&json!({ "query": format!("{{ {aliases} }}") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX");
    let batch: Vec<Value> = (0..11).map(|_| query.clone()).collect();
    assert_eq!(http.post(&url).json(&batch).send().await.unwrap().status(), 400);
    let small_batch: Vec<Value> = (0..2).map(|_| query.clone()).collect();
    let answers: Value = http
        .post(&url)
        .json(&small_batch)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answers.as_array().map(Vec::len), Some(2));
}

/// Browsers on partner sites may call the API only from the origins in `CORS_ORIGINS`.
#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let server = common::Server::start_with(&[("CORS_ORIGINS", "https://partner.example, https://other.example")]);
    let http = reqwest::Client::new();
    let url = format!("{}/graphql", server.url);
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight("https://partner.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://partner.example"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let simple = http
        .get(&url)
        .query(&[("query", "{ recruiters(first: 1) { totalCount } }")])
        .header("origin", "https://other.example")
        .send()
        .await
        .unwrap();
    assert_eq!(simple.headers()["access-control-allow-origin"], "https://other.example");
}

#[tokio::test]
async fn a_corridor_pages_through_every_recruiter_once_certified_first() {
    let client = shared();
    let whole = client
        .data(
            "{ corridor(origin: \"NP\", destination: \"QA\") { recruiters(first: 100) { totalCount nodes { slug certified } } } }",
            json!({}),
        )
        .await;
    let whole = &whole["corridor"]["recruiters"];
    let all: Vec<(String, bool)> = whole["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            (
                node["slug"].as_str().unwrap().to_owned(),
                node["certified"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(whole["totalCount"].as_u64(), Some(all.len() as u64));
    let certified = all.iter().filter(|(_, certified)| *certified).count();
    assert!(
        certified > 0 && certified < all.len(),
        "both kinds on the corridor: {all:?}"
    );
    assert!(
        all[..certified].iter().all(|(_, certified)| *certified),
        "certified first: {all:?}"
    );

    // Small pages, cursor after cursor, cross from the certified to the others and give the
    // same list, each recruiter once.
    let mut paged: Vec<(String, bool)> = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = client
            .data(
                "query($a: String) { corridor(origin: \"NP\", destination: \"QA\") {
                   recruiters(first: 7, after: $a) { pageInfo { hasNextPage endCursor } nodes { slug certified } } } }",
                json!({ "a": after }),
            )
            .await;
        let page = &page["corridor"]["recruiters"];
        paged.extend(page["nodes"].as_array().unwrap().iter().map(|node| {
            (
                node["slug"].as_str().unwrap().to_owned(),
                node["certified"].as_bool().unwrap(),
            )
        }));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged, all);
    let (code, _) = client
        .error(
            "{ corridor(origin: \"NP\", destination: \"QA\") { recruiters(first: 5, after: \"bm9wZQ\") { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

/// The list-valued filters (a commitment's sectors, a provider's countries and languages, a
/// listing's languages) read join tables: each must find exactly the records whose list holds
/// the value, no more and no fewer, for every value the sample uses.
#[tokio::test]
async fn list_filters_find_exactly_the_records_whose_list_holds_the_value() {
    let client = shared();
    let all = client
        .data(
            "{ commitments(first: 100) { totalCount nodes { externalId sectors } }
               trainingProviders(first: 100) { totalCount nodes { externalId countries languages } }
               trainingListings(first: 100) { totalCount nodes { externalId languages } } }",
            json!({}),
        )
        .await;
    // (family, filter field, list field of a node)
    let cases = [
        ("commitments", "sector", "sectors"),
        ("trainingProviders", "country", "countries"),
        ("trainingProviders", "language", "languages"),
        ("trainingListings", "language", "languages"),
    ];
    for (family, filter, field) in cases {
        let nodes = all[family]["nodes"].as_array().unwrap();
        assert_eq!(
            all[family]["totalCount"].as_u64(),
            Some(nodes.len() as u64),
            "{family}: one page holds them all"
        );
        let values: BTreeSet<String> = nodes.iter().flat_map(|node| strings(&node[field])).collect();
        assert!(
            values.len() >= 2,
            "{family}: the sample uses several {field}: {values:?}"
        );
        for value in values {
            let expected: BTreeSet<String> = nodes
                .iter()
                .filter(|node| strings(&node[field]).contains(&value))
                .map(|node| node["externalId"].as_str().unwrap().to_owned())
                .collect();
            let query = format!(
                "query($v: String!) {{ {family}(filter: {{ {filter}: $v }}, first: 100) {{ totalCount nodes {{ externalId }} }} }}"
            );
            let found = client.data(&query, json!({ "v": value })).await;
            let found_ids: BTreeSet<String> = found[family]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|node| node["externalId"].as_str().unwrap().to_owned())
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(found_ids, expected, "{family}({filter}: {value})");
            assert_eq!(found[family]["totalCount"].as_u64(), Some(expected.len() as u64));
        }
    }
}
