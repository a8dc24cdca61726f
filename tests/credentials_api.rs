//! Certificates as Verifiable Credentials, verified offline by `examples/verify_credential.rs`
//! with only the published key set and the status lists: a sound credential passes; a changed
//! claim, another directory's key, a suspension and a withdrawal are each refused; withdrawn,
//! unknown and never-certified certificates get clear 410 and 404 answers.

mod common;

use std::path::Path;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{Server, token};
use serde_json::{Value, json};

async fn text(server: &Server, path: &str) -> (u16, String, String) {
    let response = reqwest::get(format!("{}{path}", server.url)).await.expect("GET");
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, media, response.text().await.expect("a body"))
}

/// The files a verifier keeps, written into `dir`: the key set and the two status lists.
async fn fetch_trust(server: &Server, dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for (name, path) in [
        ("jwks.json", "/.well-known/jwks.json"),
        ("suspension.jwt", "/credentials/status/suspension"),
        ("revocation.jwt", "/credentials/status/revocation"),
    ] {
        let (status, _, body) = text(server, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let file = dir.join(name);
        std::fs::write(&file, body).expect("write");
        files.push(file.to_str().expect("UTF-8 path").to_owned());
    }
    files
}

/// Runs the example on a credential and the trust files: (passed, what it printed).
fn verify(dir: &Path, credential: &str, trust: &[String]) -> (bool, String) {
    let file = dir.join("credential.jwt");
    std::fs::write(&file, credential).expect("write");
    let output = std::process::Command::new(common::example_binary("verify_credential"))
        .arg(&file)
        .args(trust)
        .output()
        .expect("run the example");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

#[tokio::test]
async fn a_credential_verifies_offline_and_a_changed_claim_another_key_or_a_revocation_do_not() {
    let server = Server::start();
    let client = server.client();
    let found = client
        .data(
            "{ recruiters(filter: { certified: true }, first: 1) { nodes { legalName
                 certifications { id version certificateNumber status certificationBody } } } }",
            json!({}),
        )
        .await;
    let recruiter = &found["recruiters"]["nodes"][0];
    let certification = recruiter["certifications"]
        .as_array()
        .expect("certifications")
        .iter()
        .find(|certification| certification["status"] == "CERTIFIED")
        .expect("a certified certification")
        .clone();
    let number = certification["certificateNumber"].as_str().expect("a number");

    let (status, media, credential) = text(&server, &format!("/credentials/{number}")).await;
    assert_eq!(status, 200, "{credential}");
    assert_eq!(media, "application/vc+jwt");
    let issued = claims(&credential);
    assert_eq!(
        issued["type"],
        json!(["VerifiableCredential", "EthicalRecruitmentCertificate"])
    );
    assert_eq!(issued["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(issued["credentialSubject"]["legalName"], recruiter["legalName"]);
    assert_eq!(
        issued["credentialSubject"]["certification"]["certificateNumber"],
        number
    );
    let purposes: Vec<&str> = issued["credentialStatus"]
        .as_array()
        .expect("status entries")
        .iter()
        .filter_map(|entry| entry["statusPurpose"].as_str())
        .collect();
    assert_eq!(purposes, ["suspension", "revocation"]);

    let dir = tempfile::tempdir().expect("a directory");
    let trust = fetch_trust(&server, dir.path()).await;
    let (passed, said) = verify(dir.path(), &credential, &trust);
    assert!(passed, "a sound credential verifies offline: {said}");
    assert!(said.starts_with("VALID:") && said.contains(number), "{said}");

    // A changed claim: the holder's name swapped, the signature kept.
    let mut forged = claims(&credential);
    forged["credentialSubject"]["legalName"] = json!("Someone Else Manpower");
    let parts: Vec<&str> = credential.split('.').collect();
    let altered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).expect("JSON")),
        parts[2]
    );
    let (passed, said) = verify(dir.path(), &altered, &trust);
    assert!(
        !passed && said.starts_with("REFUSED:"),
        "a changed claim is refused: {said}"
    );

    // Another directory's key set (its own generated key).
    let other = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let other_dir = tempfile::tempdir().expect("a directory");
    let mut other_trust = fetch_trust(&other, other_dir.path()).await;
    other_trust[1..].clone_from_slice(&trust[1..]);
    let (passed, said) = verify(dir.path(), &credential, &other_trust);
    assert!(
        !passed && said.contains("not in the key set"),
        "another key is refused: {said}"
    );

    // Suspended: the credential still verifies its signature, the list says suspended.
    let certifier = token("certifier", "auditor", certification["certificationBody"].as_str());
    let decided = client
        .data_as(
            Some(&certifier),
            "mutation($id: ID!, $v: Int!) { recordCertificationDecision(id: $id, expectedVersion: $v, to: SUSPENDED,
               reasonCategory: \"complaint_upheld\") { version } }",
            json!({ "id": certification["id"], "v": certification["version"] }),
        )
        .await;
    let version = decided["recordCertificationDecision"]["version"]
        .as_i64()
        .expect("a version");
    let trust = fetch_trust(&server, dir.path()).await;
    let (passed, said) = verify(dir.path(), &credential, &trust);
    assert!(
        !passed && said.contains("suspended"),
        "a suspension shows in the list: {said}"
    );

    // Withdrawn: revoked in the list, and the credential is gone.
    client
        .data_as(
            Some(&certifier),
            "mutation($id: ID!, $v: Int!) { recordCertificationDecision(id: $id, expectedVersion: $v, to: WITHDRAWN,
               reasonCategory: \"complaint_upheld\") { version } }",
            json!({ "id": certification["id"], "v": version }),
        )
        .await;
    let trust = fetch_trust(&server, dir.path()).await;
    let (passed, said) = verify(dir.path(), &credential, &trust);
    assert!(
        !passed && said.contains("revoked"),
        "a withdrawal shows in the list: {said}"
    );
    let (status, _, body) = text(&server, &format!("/credentials/{number}")).await;
    assert_eq!(status, 410, "{body}");
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "GONE", "{body}");

    let (status, _, body) = text(&server, "/credentials/ERS-NO-SUCH-NUMBER").await;
    assert_eq!(status, 404, "{body}");
    let (status, _, _) = text(&server, "/credentials/status/everything").await;
    assert_eq!(status, 404);
}
