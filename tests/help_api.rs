//! Help and worker voice (issue 15, first part), against the real server: where a jobseeker of a
//! corridor gets help in their language, and whether the agent who messaged them is real.

mod common;

use std::collections::HashSet;

use common::{Client, Server, token, wait_until};
use serde_json::{Value, json};

const CORRIDOR_HELP: &str = "query($o: String!, $d: String!, $l: String) { corridor(origin: $o, destination: $d) {
    supportAtOrigin(language: $l, first: 50) { totalCount nodes { name kind operator countries corridors { origin destination }
      languages free openNow channels { kind address timeZone openNow hours { days opens closes } } } }
    supportAtDestination(first: 50) { totalCount nodes { name kind countries corridors { origin destination } languages } } } }";

const VERIFY: &str = "query($v: String!, $c: String) { verifyContact(value: $v, country: $c) {
    value kind normalised authorised reason warning since recruiterCertified
    recruiter { slug legalName certified } channel { kind name validFrom validUntil validToday } } }";

/// Every channel of every recruiter (valid today or not), with its recruiter's standing.
async fn every_channel(client: &Client) -> Vec<Value> {
    let query = "query($after: String) { recruiters(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { slug certified authorisedChannels(onlyValidToday: false) { id kind name phones webAddresses agentNumbers
          validFrom validUntil validToday } } } }";
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = client.data(query, json!({ "after": after })).await;
        for node in data["recruiters"]["nodes"].as_array().unwrap() {
            for channel in node["authorisedChannels"].as_array().unwrap() {
                let mut channel = channel.clone();
                channel["slug"] = node["slug"].clone();
                channel["certified"] = node["certified"].clone();
                out.push(channel);
            }
        }
        if data["recruiters"]["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = data["recruiters"]["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_jobseeker_finds_help_on_their_corridor_in_their_language() {
    let server = Server::start();
    let client = server.client();

    let data = client
        .data(CORRIDOR_HELP, json!({ "o": "NP", "d": "QA", "l": "ne" }))
        .await;
    let at_origin = data["corridor"]["supportAtOrigin"]["nodes"].as_array().unwrap();
    let at_destination = data["corridor"]["supportAtDestination"]["nodes"].as_array().unwrap();
    let names = |nodes: &[Value]| -> HashSet<String> {
        nodes
            .iter()
            .map(|node| node["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        names(at_origin).contains("Migrant Resource Centre Kathmandu"),
        "{at_origin:?}"
    );
    assert!(
        at_origin.iter().any(|node| node["kind"] == "HOTLINE"),
        "a helpline at origin: {at_origin:?}"
    );
    for node in at_origin {
        assert_eq!(node["countries"], json!(["NP"]), "{node}");
        assert!(node["languages"].as_array().unwrap().contains(&json!("ne")), "{node}");
        let corridors = node["corridors"].as_array().unwrap();
        assert!(
            corridors.is_empty() || corridors.contains(&json!({ "origin": "NP", "destination": "QA" })),
            "{node}"
        );
        for channel in node["channels"].as_array().unwrap() {
            assert_eq!(channel["timeZone"], "Asia/Kathmandu", "{channel}");
            // Hours published: open or closed now; not published: unknown.
            assert_eq!(
                channel["openNow"].is_null(),
                channel["hours"].as_array().unwrap().is_empty(),
                "{channel}"
            );
        }
    }
    // Abroad: Nepal's labour attaché in Doha and the help desk for every migrant in Qatar, but
    // never another country's attaché.
    let abroad = names(at_destination);
    assert!(abroad.contains("Labour attaché of Nepal in Doha"), "{abroad:?}");
    assert!(abroad.contains("Migrant Workers' Help Desk Doha"), "{abroad:?}");
    for node in at_destination {
        assert_eq!(node["countries"], json!(["QA"]), "{node}");
        let corridors = node["corridors"].as_array().unwrap();
        assert!(
            corridors.is_empty() || corridors.contains(&json!({ "origin": "NP", "destination": "QA" })),
            "another corridor's service: {node}"
        );
    }
    let bangladesh = client
        .data(CORRIDOR_HELP, json!({ "o": "BD", "d": "QA", "l": null }))
        .await;
    let abroad_bd = names(
        bangladesh["corridor"]["supportAtDestination"]["nodes"]
            .as_array()
            .unwrap(),
    );
    assert!(
        abroad_bd.contains("Labour attaché of Bangladesh in Doha"),
        "{abroad_bd:?}"
    );
    assert!(!abroad_bd.contains("Labour attaché of Nepal in Doha"), "{abroad_bd:?}");

    // The same services through the list, by corridor, language, kind, channel and cost.
    let filtered = client
        .data(
            "{ all: supportServices(first: 100) { totalCount }
               corridor: supportServices(filter: { corridor: { origin: \"NP\", destination: \"QA\" } }, first: 100) { totalCount }
               whatsapp: supportServices(filter: { channel: [WHATSAPP], language: \"ne\" }, first: 100) {
                 nodes { languages channels { kind } } }
               paid: supportServices(filter: { free: false }, first: 100) { nodes { free kind } }
               attaches: supportServices(filter: { kind: [LABOUR_ATTACHE], country: \"QA\" }, first: 100) { nodes { kind countries } } }",
            json!({}),
        )
        .await;
    let total = filtered["all"]["totalCount"].as_u64().unwrap();
    assert!(total >= 40, "{total} services in the sample");
    let any_language = client
        .data(CORRIDOR_HELP, json!({ "o": "NP", "d": "QA", "l": null }))
        .await;
    assert_eq!(
        filtered["corridor"]["totalCount"].as_u64().unwrap(),
        any_language["corridor"]["supportAtOrigin"]["totalCount"]
            .as_u64()
            .unwrap()
            + any_language["corridor"]["supportAtDestination"]["totalCount"]
                .as_u64()
                .unwrap(),
        "the corridor filter is help at origin plus help at destination: {filtered}"
    );
    let whatsapp = filtered["whatsapp"]["nodes"].as_array().unwrap();
    assert!(!whatsapp.is_empty());
    for node in whatsapp {
        assert!(node["languages"].as_array().unwrap().contains(&json!("ne")), "{node}");
        assert!(
            node["channels"]
                .as_array()
                .unwrap()
                .iter()
                .any(|channel| channel["kind"] == "WHATSAPP"),
            "{node}"
        );
    }
    let paid = filtered["paid"]["nodes"].as_array().unwrap();
    assert!(!paid.is_empty(), "the sample has a paid service");
    assert!(paid.iter().all(|node| node["free"] == false), "{paid:?}");
    let attaches = filtered["attaches"]["nodes"].as_array().unwrap();
    assert!(attaches.len() >= 3, "{attaches:?}");
    assert!(
        attaches
            .iter()
            .all(|node| node["kind"] == "LABOUR_ATTACHE" && node["countries"] == json!(["QA"]))
    );

    // Search finds help by what it is called, in the same union as recruiters.
    let found = client
        .data(
            "{ search(query: \"resource centre kathmandu\", first: 5) { edges { node { __typename ... on SupportService { name } } } } }",
            json!({}),
        )
        .await;
    let first = &found["search"]["edges"][0]["node"];
    assert_eq!(first["__typename"], "SupportService", "{found}");
    assert_eq!(first["name"], "Migrant Resource Centre Kathmandu");

    // Bad filters get an error a person can act on.
    let (code, message) = client
        .error(
            "{ supportServices(filter: { corridor: { origin: \"NP\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("both `origin` and `destination`"), "{message}");
    let (code, message) = client
        .error(
            "{ supportServices(filter: { language: \"nepali\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("ISO 639-1"), "{message}");
}

#[tokio::test]
async fn a_jobseeker_checks_whether_the_agent_who_messaged_them_is_real() {
    let server = Server::start();
    let client = server.client();
    let channels = every_channel(&client).await;
    assert!(channels.len() >= 80, "{} channels in the sample", channels.len());

    // A head office of a recruiter certified today: its phone, in any spelling, is authorised.
    let head = channels
        .iter()
        .find(|channel| {
            channel["certified"] == true
                && channel["kind"] == "HEAD_OFFICE"
                && channel["validToday"] == true
                && !channel["phones"].as_array().unwrap().is_empty()
        })
        .expect("a certified recruiter's head office");
    let phone = head["phones"][0].as_str().unwrap();
    assert!(
        phone.starts_with('+') && phone[1..].bytes().all(|byte| byte.is_ascii_digit()),
        "E.164: {phone}"
    );
    let spaced = format!("{} {}-{}", &phone[..4], &phone[4..7], &phone[7..]);
    for spelling in [
        phone.to_owned(),
        spaced,
        format!("tel:{phone}"),
        format!("00{}", &phone[1..]),
    ] {
        let answer = client.data(VERIFY, json!({ "v": spelling, "c": null })).await["verifyContact"].clone();
        assert_eq!(answer["kind"], "PHONE", "{answer}");
        assert_eq!(answer["normalised"], phone, "{answer}");
        assert_eq!(answer["authorised"], true, "{answer}");
        assert_eq!(answer["recruiter"]["slug"], head["slug"], "{answer}");
        assert_eq!(answer["recruiterCertified"], true);
        assert_eq!(answer["since"], head["validFrom"], "{answer}");
        assert_eq!(answer["warning"], Value::Null, "{answer}");
    }
    // Its web site, and any page on it.
    if let Some(site) = head["webAddresses"][0].as_str() {
        let page = format!("{}/jobs/qatar?utm_source=facebook", site.trim_end_matches('/'));
        let answer = client.data(VERIFY, json!({ "v": page, "c": null })).await["verifyContact"].clone();
        assert_eq!(answer["kind"], "WEB", "{answer}");
        assert_eq!(answer["authorised"], true, "{answer}");
        assert_eq!(answer["recruiter"]["slug"], head["slug"]);
    }

    // A branch that closed: its page is no longer authorised, and the answer says so.
    let closed = channels
        .iter()
        .find(|channel| channel["validToday"] == false && !channel["webAddresses"].as_array().unwrap().is_empty())
        .expect("a closed branch in the sample");
    let page = closed["webAddresses"][0]
        .as_str()
        .unwrap()
        .to_uppercase()
        .replace("HTTPS://WWW.", "m.");
    let answer = client.data(VERIFY, json!({ "v": page, "c": null })).await["verifyContact"].clone();
    assert_eq!(answer["authorised"], false, "{answer}");
    assert_eq!(answer["channel"]["name"], closed["name"], "{answer}");
    assert!(answer["warning"].as_str().unwrap().contains("no longer"), "{answer}");
    assert_eq!(answer["since"], Value::Null);

    // A channel of a recruiter that is not certified today is not vouched for.
    let uncertified = channels
        .iter()
        .find(|channel| channel["certified"] == false && channel["validToday"] == true)
        .expect("a channel of a recruiter not certified today");
    let value = uncertified["phones"][0]
        .as_str()
        .or(uncertified["agentNumbers"][0].as_str())
        .or(uncertified["webAddresses"][0].as_str())
        .unwrap();
    let answer = client.data(VERIFY, json!({ "v": value, "c": null })).await["verifyContact"].clone();
    assert_eq!(answer["authorised"], false, "{answer}");
    assert_eq!(answer["recruiter"]["slug"], uncertified["slug"], "{answer}");
    assert!(
        answer["warning"].as_str().unwrap().contains("not certified today"),
        "{answer}"
    );

    // An agent number, however it is typed.
    if let Some(agent) = channels.iter().find(|channel| {
        channel["validToday"] == true
            && channel["certified"] == true
            && !channel["agentNumbers"].as_array().unwrap().is_empty()
    }) {
        let number = agent["agentNumbers"][0]
            .as_str()
            .unwrap()
            .to_lowercase()
            .replace('/', " ");
        let answer = client.data(VERIFY, json!({ "v": number, "c": null })).await["verifyContact"].clone();
        assert_eq!(answer["kind"], "AGENT_NUMBER", "{answer}");
        assert_eq!(answer["authorised"], true, "{answer}");
        assert_eq!(answer["channel"]["kind"], "REPRESENTATIVE");
    }

    // A number nobody listed: not authorised, nobody named.
    let answer = client.data(VERIFY, json!({ "v": "+977 1 5550123", "c": null })).await["verifyContact"].clone();
    assert_eq!(answer["authorised"], false, "{answer}");
    assert_eq!(answer["recruiter"], Value::Null);
    assert!(
        answer["reason"].as_str().unwrap().contains("not an authorised channel"),
        "{answer}"
    );

    // What cannot be read gets a clear error.
    for (value, country, expected) in [
        ("", None, "1 to 300 characters"),
        ("01-4411726", None, "country code"),
        ("+977 12", None, "not a valid phone number"),
        ("01-4411726", Some("XX"), "ISO 3166-1"),
    ] {
        let (code, message) = client.error(VERIFY, json!({ "v": value, "c": country })).await;
        assert_eq!(code, "BAD_USER_INPUT", "{value}: {message}");
        assert!(message.contains(expected), "{value}: {message}");
    }
}

const SAVE_CHANNEL: &str = "mutation($input: AuthorisedChannelInput!, $v: Int) {
    saveAuthorisedChannel(input: $input, expectedVersion: $v) { id version phones webAddresses validToday recruiter { slug } } }";

const SAVE_SERVICE: &str = "mutation($input: SupportServiceInput!) {
    saveSupportService(input: $input) { id name kind openNow channels { kind hours { days opens closes } } } }";

#[tokio::test]
async fn the_secretariat_keeps_services_and_channels_and_bad_ones_change_nothing() {
    let server = Server::start();
    let client = server.client();
    let editor = token("editor", "secretariat-editor", None);
    let certifier = token("certifier", "sentinel", Some("Sentinel Certification Ltd."));
    let admin = token("admin", "secretariat-admin", None);

    let recruiter = client
        .data(
            "{ recruiters(first: 1, filter: { certified: true, country: \"NP\" }) { nodes { id slug externalId version } } }",
            json!({}),
        )
        .await["recruiters"]["nodes"][0]
        .clone();
    let channel = json!({ "externalId": "chan-test-1", "recruiter": recruiter["externalId"], "kind": "representative",
        "name": "Pokhara sub-agent", "country": "NP", "city": "Pokhara", "phones": ["061-520117"],
        "webAddresses": ["https://www.tiktok.com/@pokhara.jobs"], "agentNumbers": ["DoFE/AG/2025/0042"],
        "validFrom": "2025-01-01" });

    // Only the secretariat's editors write channels.
    let (code, _) = client.error(SAVE_CHANNEL, json!({ "input": channel })).await;
    assert_eq!(code, "UNAUTHENTICATED");
    let (code, _) = client
        .error_as(Some(&certifier), SAVE_CHANNEL, json!({ "input": channel }))
        .await;
    assert_eq!(code, "FORBIDDEN");

    // Bad contacts are refused whole, naming what to fix.
    let mut bad = channel.clone();
    bad["phones"] = json!(["061-520117", "12"]);
    let (code, message) = client
        .error_as(Some(&editor), SAVE_CHANNEL, json!({ "input": bad }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT", "{message}");
    assert!(message.contains("`12`"), "{message}");
    let mut bad = channel.clone();
    bad["validUntil"] = json!("2024-12-31");
    let (code, message) = client
        .error_as(Some(&editor), SAVE_CHANNEL, json!({ "input": bad }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("valid_until"), "{message}");
    let answer = client.data(VERIFY, json!({ "v": "+977 61 520117", "c": null })).await["verifyContact"].clone();
    assert_eq!(answer["recruiter"], Value::Null, "nothing was written: {answer}");

    // A sound channel: stored in E.164, found by each of its contacts, in the audit trail.
    let saved = client
        .data_as(Some(&editor), SAVE_CHANNEL, json!({ "input": channel }))
        .await["saveAuthorisedChannel"]
        .clone();
    assert_eq!(saved["phones"], json!(["+97761520117"]));
    assert_eq!(saved["validToday"], true);
    assert_eq!(saved["recruiter"]["slug"], recruiter["slug"]);
    for value in ["+977 61 520117", "tiktok.com/@Pokhara.Jobs", "dofe-ag-2025-0042"] {
        let answer = client.data(VERIFY, json!({ "v": value, "c": null })).await["verifyContact"].clone();
        assert_eq!(answer["authorised"], true, "{value}: {answer}");
        assert_eq!(answer["since"], "2025-01-01");
    }
    let national = client.data(VERIFY, json!({ "v": "061 520117", "c": "NP" })).await["verifyContact"].clone();
    assert_eq!(national["authorised"], true, "{national}");
    let trail = client
        .data_as(
            Some(&admin),
            "query($id: ID!) { auditLog(entityId: $id, first: 5) { nodes { action actor } } }",
            json!({ "id": saved["id"] }),
        )
        .await;
    assert_eq!(
        trail["auditLog"]["nodes"][0],
        json!({ "action": "authorised_channel.create", "actor": "secretariat-editor" }),
        "{trail}"
    );

    // A stale version is refused; the channel is closed with the current one.
    let mut closing = channel.clone();
    closing["validUntil"] = json!("2025-06-30");
    let (code, _) = client
        .error_as(Some(&editor), SAVE_CHANNEL, json!({ "input": closing, "v": 7 }))
        .await;
    assert_eq!(code, "CONFLICT");
    let closed = client
        .data_as(
            Some(&editor),
            SAVE_CHANNEL,
            json!({ "input": closing, "v": saved["version"] }),
        )
        .await["saveAuthorisedChannel"]
        .clone();
    assert_eq!(closed["validToday"], false);
    let answer = client.data(VERIFY, json!({ "v": "+97761520117", "c": null })).await["verifyContact"].clone();
    assert_eq!(answer["authorised"], false, "{answer}");
    assert!(
        answer["warning"].as_str().unwrap().contains("2025-06-30")
            || answer["reason"].as_str().unwrap().contains("2025-06-30"),
        "{answer}"
    );

    // Archiving the recruiter takes its channels out of every answer.
    let reopened = client
        .data_as(
            Some(&editor),
            SAVE_CHANNEL,
            json!({ "input": channel, "v": closed["version"] }),
        )
        .await["saveAuthorisedChannel"]
        .clone();
    assert_eq!(reopened["validToday"], true);
    client
        .data_as(
            Some(&editor),
            "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) }",
            json!({ "id": recruiter["id"], "v": recruiter["version"] }),
        )
        .await;
    let answer = client.data(VERIFY, json!({ "v": "+97761520117", "c": null })).await["verifyContact"].clone();
    assert_eq!(answer["authorised"], false, "{answer}");
    assert_eq!(
        answer["recruiter"],
        Value::Null,
        "an archived recruiter is gone: {answer}"
    );
    let node = client
        .data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": saved["id"] }))
        .await;
    assert_eq!(node["node"], Value::Null, "{node}");

    // Support services: validated, then listed and searchable once the index follows the log.
    let service = json!({ "externalId": "sup-test-1", "name": "Pourakhi Women Migrant Help Desk", "kind": "help_desk",
        "operator": "Pourakhi Nepal", "countries": ["NP"], "cities": ["Kathmandu"],
        "corridors": [{ "origin": "NP", "destination": "KW" }], "languages": ["ne", "en"], "free": true,
        "channels": [{ "kind": "phone", "address": "+977 1 4111111", "timeZone": "Asia/Kathmandu",
          "hours": [{ "days": ["sun", "mon", "tue", "wed", "thu", "fri"], "opens": "10:00", "closes": "17:00" }] }] });
    for (field, value, expected) in [
        ("timeZone", json!("Nepal/Kathmandu"), "IANA"),
        (
            "hours",
            json!([{ "days": ["sun"], "opens": "17:00", "closes": "10:00" }]),
            "must be after opens",
        ),
        (
            "hours",
            json!([{ "days": ["funday"], "opens": "10:00", "closes": "17:00" }]),
            "unknown channels[0].hours[0] day",
        ),
        ("kind", json!("pager"), "unknown channels[0] kind"),
    ] {
        let mut bad = service.clone();
        bad["channels"][0][field] = value;
        let (code, message) = client
            .error_as(Some(&editor), SAVE_SERVICE, json!({ "input": bad }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{field}: {message}");
        assert!(message.contains(expected), "{field}: {message}");
    }
    let saved = client
        .data_as(Some(&editor), SAVE_SERVICE, json!({ "input": service }))
        .await["saveSupportService"]
        .clone();
    assert_eq!(saved["kind"], "HELP_DESK");
    assert!(saved["openNow"].is_boolean(), "{saved}");
    let listed = client
        .data(
            "{ corridor(origin: \"NP\", destination: \"KW\") { supportAtOrigin(first: 100) { nodes { name } } }
               other: corridor(origin: \"NP\", destination: \"QA\") { supportAtOrigin(first: 100) { nodes { name } } } }",
            json!({}),
        )
        .await;
    let names = |path: &Value| -> Vec<String> {
        path.as_array()
            .unwrap()
            .iter()
            .map(|node| node["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        names(&listed["corridor"]["supportAtOrigin"]["nodes"]).contains(&"Pourakhi Women Migrant Help Desk".to_owned())
    );
    assert!(
        !names(&listed["other"]["supportAtOrigin"]["nodes"]).contains(&"Pourakhi Women Migrant Help Desk".to_owned()),
        "listed for NP -> KW only"
    );
    let found = wait_until(20, async || {
        let data = client
            .data(
                "{ search(query: \"pourakhi\", filter: { recordTypes: [SUPPORT_SERVICE] }) { totalCount } }",
                json!({}),
            )
            .await;
        data["search"]["totalCount"] == 1
    })
    .await;
    assert!(found, "the index followed the log");
}
