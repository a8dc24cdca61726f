//! Receipts: a brand's proof of a check. Verified here as a third party would, with nothing but
//! the JWK Set the server publishes at `/.well-known/jwks.json` and `jsonwebtoken`.

mod common;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{Client, Server};
use jsonwebtoken::{
    Algorithm, DecodingKey, Validation,
    errors::ErrorKind,
    jwk::{AlgorithmParameters, JwkSet},
};
use serde_json::{Value, json};

async fn jwks(client: &Client) -> JwkSet {
    client
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .expect("a JWK Set")
}

/// Why a receipt was refused: `jsonwebtoken`'s error kind, or `UnknownKid`.
fn refusal(error: jsonwebtoken::errors::Error) -> String {
    match error.kind() {
        ErrorKind::InvalidSignature => "InvalidSignature".to_owned(),
        ErrorKind::InvalidAlgorithm => "InvalidAlgorithm".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Verifies a receipt with a published key, as anyone can: the key is picked by `kid`, the
/// algorithm is the key's, never the one the token claims.
fn verify(token: &str, jwks: &JwkSet) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(refusal)?;
    let kid = header.kid.ok_or("NoKid")?;
    let jwk = jwks.find(&kid).ok_or("UnknownKid")?;
    let algorithm: Algorithm = jwk
        .common
        .key_algorithm
        .expect("the key names its algorithm")
        .try_into()
        .expect("a signing algorithm");
    let mut validation = Validation::new(algorithm);
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["iss"]);
    validation.set_issuer(&["ethical-recruitment-directory"]);
    let key = DecodingKey::from_jwk(jwk).map_err(refusal)?;
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(refusal)
}

/// A certified, a suspended (or otherwise not certified) and an unknown certificate number.
async fn sample_numbers(client: &Client) -> (String, String) {
    let data = client
        .data(
            "{ recruiters(first: 100) { nodes { certifications { certificateNumber status } } } }",
            json!({}),
        )
        .await;
    let certifications: Vec<Value> = data["recruiters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|node| node["certifications"].as_array().unwrap().clone())
        .collect();
    let pick = |certified: bool| {
        certifications
            .iter()
            .find(|certification| (certification["status"] == "CERTIFIED") == certified)
            .map(|certification| certification["certificateNumber"].as_str().unwrap().to_owned())
            .unwrap()
    };
    (pick(true), pick(false))
}

const BULK: &str = "query($numbers: [String!]!) { verifyCertificates(numbers: $numbers, receipt: true) {
    checkedAt receipt results { number found certified status bodyInGoodStanding recruiter { id legalName } certification { certificateNumber expiresOn } } } }";

/// Swaps the payload of a compact JWS for `claims`, keeping header and signature.
fn with_payload(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap()),
        parts[2]
    )
}

#[tokio::test]
async fn a_receipt_states_the_check_and_verifies_with_the_published_key_alone() {
    let server = Server::start();
    let client = server.client();

    let response = client.get("/.well-known/jwks.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/jwk-set+json");
    let cache_control = response.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(
        cache_control.contains("public") && cache_control.contains("max-age="),
        "{cache_control}"
    );
    let raw: Value = response.json().await.unwrap();
    let key = &raw["keys"][0];
    assert_eq!(
        (&key["kty"], &key["crv"], &key["alg"], &key["use"]),
        (&json!("OKP"), &json!("Ed25519"), &json!("EdDSA"), &json!("sig"))
    );
    assert!(key["kid"].is_string());
    assert!(key.get("d").is_none(), "the private key is never published");
    let jwks: JwkSet = serde_json::from_value(raw.clone()).unwrap();

    let (certified, not_certified) = sample_numbers(&client).await;
    let asked = [
        certified.to_lowercase(),
        not_certified.clone(),
        "ERS-XX-1999-0000000".to_owned(),
        certified.clone(),
    ];
    let data = client.data(BULK, json!({ "numbers": asked })).await;
    let answer = &data["verifyCertificates"];
    let receipt = answer["receipt"].as_str().expect("a receipt when asked for");
    let header = jsonwebtoken::decode_header(receipt).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());

    let claims = verify(receipt, &jwks).expect("the receipt verifies");
    assert_eq!(claims["iss"], "ethical-recruitment-directory");
    assert_eq!(claims["checked"], "certificates");
    assert!(claims["jti"].as_str().is_some_and(|jti| jti.len() == 32));
    let checked_at = answer["checkedAt"].as_str().unwrap();
    assert_eq!(
        claims["today"],
        &checked_at[..10],
        "certified is stated for the day of the check"
    );
    let iat = claims["iat"].as_i64().unwrap();
    assert!((common::now() as i64 - iat).abs() < 120, "iat is the time of the check");
    // Every number asked, in order, duplicates included, each with the answer the API gave.
    let stated = claims["results"].as_array().unwrap();
    let results = answer["results"].as_array().unwrap();
    assert_eq!(stated.len(), asked.len());
    for ((stated, result), asked) in stated.iter().zip(results).zip(&asked) {
        assert_eq!(stated["number"], asked.as_str());
        assert_eq!(stated["found"], result["found"]);
        assert_eq!(stated["certified"], result["certified"]);
        assert_eq!(stated["status"], result["status"]);
        assert_eq!(stated["recruiterId"], result["recruiter"]["id"]);
        assert_eq!(stated["legalName"], result["recruiter"]["legalName"]);
        assert_eq!(
            stated["certificateNumber"],
            result["certification"]["certificateNumber"]
        );
        assert_eq!(stated["expiresOn"], result["certification"]["expiresOn"]);
        assert_eq!(stated["bodyInGoodStanding"], result["bodyInGoodStanding"]);
    }
    assert_eq!(
        (&stated[0]["certified"], &stated[1]["certified"], &stated[2]["found"]),
        (&json!(true), &json!(false), &json!(false))
    );

    // One certificate: the existing contract holds (no receipt unless asked), and when asked
    // the receipt states that one number.
    let single =
        "query($n: String!, $r: Boolean) { verifyCertificate(number: $n, receipt: $r) { found certified receipt } }";
    let plain = client.data(single, json!({ "n": certified })).await;
    assert_eq!(plain["verifyCertificate"]["receipt"], Value::Null);
    let signed = client.data(single, json!({ "n": certified, "r": true })).await;
    let claims = verify(signed["verifyCertificate"]["receipt"].as_str().unwrap(), &jwks).unwrap();
    assert_eq!(claims["results"].as_array().unwrap().len(), 1);
    assert_eq!(claims["results"][0]["number"], certified.as_str());
    assert_eq!(claims["results"][0]["certified"], true);

    // Licences too: who holds each, and whether the holder is certified today.
    let licences = client
        .data(
            "{ recruiters(first: 3) { nodes { id legalName certified licences { licenceNumber } } } }",
            json!({}),
        )
        .await;
    let holder = &licences["recruiters"]["nodes"][0];
    let licence = holder["licences"][0]["licenceNumber"].as_str().unwrap();
    let data = client
        .data(
            "query($n: [String!]!) { recruitersByLicence(numbers: $n, receipt: true) { receipt results { number found certified } } }",
            json!({ "n": [licence, "NO-SUCH-LICENCE"] }),
        )
        .await;
    let claims = verify(data["recruitersByLicence"]["receipt"].as_str().unwrap(), &jwks).unwrap();
    assert_eq!(claims["checked"], "licences");
    assert_eq!(claims["results"][0]["number"], licence);
    assert_eq!(claims["results"][0]["found"], true);
    assert_eq!(claims["results"][0]["recruiterId"], holder["id"]);
    assert_eq!(claims["results"][0]["legalName"], holder["legalName"]);
    assert_eq!(claims["results"][0]["certified"], holder["certified"]);
    assert_eq!(
        claims["results"][1],
        json!({ "number": "NO-SUCH-LICENCE", "found": false, "licenceNumber": null,
        "licenceStatus": null, "licenceValidToday": false, "recruiterId": null, "legalName": null, "certified": false })
    );
}

#[tokio::test]
async fn an_altered_receipt_or_one_signed_with_another_key_fails() {
    let server = Server::start();
    let client = server.client();
    let published = jwks(&client).await;
    let (_, not_certified) = sample_numbers(&client).await;
    let data = client.data(BULK, json!({ "numbers": [not_certified] })).await;
    let receipt = data["verifyCertificates"]["receipt"].as_str().unwrap().to_owned();
    let claims = verify(&receipt, &published).unwrap();
    assert_eq!(claims["results"][0]["certified"], false);

    // The payload changed (a brand claiming its recruiter was certified), re-encoded, the
    // header and signature kept: the signature no longer matches.
    let mut forged = claims.clone();
    forged["results"][0]["certified"] = json!(true);
    forged["results"][0]["status"] = json!("CERTIFIED");
    assert_eq!(
        verify(&with_payload(&receipt, &forged), &published),
        Err("InvalidSignature".to_owned())
    );
    // So does moving the date of the check.
    let mut backdated = claims.clone();
    backdated["iat"] = json!(claims["iat"].as_i64().unwrap() - 86_400 * 365);
    assert_eq!(
        verify(&with_payload(&receipt, &backdated), &published),
        Err("InvalidSignature".to_owned())
    );
    // A signature changed by one bit.
    let parts: Vec<&str> = receipt.split('.').collect();
    let flipped_signature = {
        let mut signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        signature[0] ^= 1;
        format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(signature))
    };
    assert_eq!(
        verify(&flipped_signature, &published),
        Err("InvalidSignature".to_owned())
    );
    // Algorithm confusion: an HMAC "signed" with the public key's bytes is refused, because the
    // verifier takes the algorithm from the published key, not from the token.
    let AlgorithmParameters::OctetKeyPair(public) = &published.keys[0].algorithm else {
        panic!("an Ed25519 key");
    };
    let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
    header.kid = published.keys[0].common.key_id.clone();
    let confused = jsonwebtoken::encode(
        &header,
        &forged,
        &jsonwebtoken::EncodingKey::from_secret(public.x.as_bytes()),
    )
    .unwrap();
    assert_eq!(verify(&confused, &published), Err("InvalidAlgorithm".to_owned()));

    // A receipt from a server with another key: its `kid` is not published here, and forced
    // onto this server's key its signature does not verify either.
    let stranger = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let strangers = stranger.client();
    let foreign = strangers
        .data(BULK, json!({ "numbers": ["ERS-XX-1999-0000000"] }))
        .await["verifyCertificates"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign_jwks = jwks(&strangers).await;
    assert!(
        verify(&foreign, &foreign_jwks).is_ok(),
        "it verifies with its own server's key"
    );
    assert_ne!(foreign_jwks.keys[0].common.key_id, published.keys[0].common.key_id);
    assert_eq!(
        verify(&foreign, &published),
        Err("UnknownKid".to_owned()),
        "unknown kid"
    );
    let mut impostor = published.clone();
    impostor.keys[0].common.key_id = foreign_jwks.keys[0].common.key_id.clone();
    assert_eq!(verify(&foreign, &impostor), Err("InvalidSignature".to_owned()));
}

/// Ed25519 `PUBLIC KEY` PEM (SubjectPublicKeyInfo, RFC 8410) from a JWK's `x`.
fn public_pem(jwks: &JwkSet) -> String {
    let AlgorithmParameters::OctetKeyPair(public) = &jwks.keys[0].algorithm else {
        panic!("an Ed25519 key");
    };
    let mut der = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    der.extend(URL_SAFE_NO_PAD.decode(&public.x).unwrap());
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

/// Servers of one deployment share `RECEIPT_KEY`, so a receipt from any of them verifies with
/// the key set of any other; after a key change the old public key stays published, so old
/// receipts keep verifying.
#[tokio::test]
async fn servers_sharing_receipt_key_agree_and_retired_keys_stay_published() {
    let first = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let generated = first.data_dir().join("receipt-key.pem");
    let pem = std::fs::read_to_string(&generated).expect("a key generated into DATA_DIR");
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&generated).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the private key is readable by its owner only");
    }
    let first_jwks = jwks(&first.client()).await;
    let old_receipt = first
        .client()
        .data(BULK, json!({ "numbers": ["ERS-XX-1999-0000000"] }))
        .await["verifyCertificates"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();

    let keys = tempfile::tempdir().unwrap();
    let shared_key = keys.path().join("receipt-key.pem");
    std::fs::write(&shared_key, &pem).unwrap();
    let second = Server::start_beside_with(&first, &[("RECEIPT_KEY", shared_key.to_str().unwrap())]);
    let second_jwks = jwks(&second.client()).await;
    assert_eq!(second_jwks, first_jwks, "one key for the deployment");
    let from_second = second
        .client()
        .data(BULK, json!({ "numbers": ["ERS-XX-1999-0000001"] }))
        .await["verifyCertificates"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(verify(&from_second, &first_jwks).is_ok());

    // A key change: a new private key, and the old public key kept in the same file.
    let newer = Server::start_with(&[("SAMPLE_DATA", "false")]);
    let new_pem = std::fs::read_to_string(newer.data_dir().join("receipt-key.pem")).unwrap();
    let rotated_key = keys.path().join("rotated.pem");
    std::fs::write(&rotated_key, format!("{new_pem}{}", public_pem(&first_jwks))).unwrap();
    let rotated = Server::start_beside_with(&first, &[("RECEIPT_KEY", rotated_key.to_str().unwrap())]);
    let rotated_jwks = jwks(&rotated.client()).await;
    assert_eq!(rotated_jwks.keys.len(), 2);
    assert_eq!(
        rotated_jwks.keys[1], first_jwks.keys[0],
        "the retired key is still published"
    );
    assert!(
        verify(&old_receipt, &rotated_jwks).is_ok(),
        "an old receipt still verifies"
    );
    let new_receipt = rotated
        .client()
        .data(BULK, json!({ "numbers": ["ERS-XX-1999-0000002"] }))
        .await["verifyCertificates"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        jsonwebtoken::decode_header(&new_receipt).unwrap().kid,
        rotated_jwks.keys[0].common.key_id,
        "new receipts are signed with the new key"
    );
    assert!(verify(&new_receipt, &rotated_jwks).is_ok());
    assert!(verify(&new_receipt, &first_jwks).is_err());
}

/// A receipt key that cannot sign stops the server at start, naming the setting.
#[test]
fn an_unusable_receipt_key_stops_the_server_with_a_clear_message() {
    let data_dir = tempfile::tempdir().unwrap();
    let key = data_dir.path().join("not-a-key.pem");
    std::fs::write(
        &key,
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
    for (path, hint) in [
        (key.to_str().unwrap().to_owned(), "PRIVATE KEY"),
        (
            data_dir.path().join("missing.pem").to_str().unwrap().to_owned(),
            "RECEIPT_KEY",
        ),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_directory"))
            .args(["serve", "--exit-on-stdin-close"])
            .env("BIND", "127.0.0.1:0")
            .env("DATA_DIR", data_dir.path())
            .env_remove("DATABASE_URL")
            .env("SAMPLE_DATA", "false")
            .env("RECEIPT_KEY", &path)
            .env("JWT_SECRET", common::TEST_SECRET)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(!output.status.success(), "the server must not start with {path}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(hint), "{path}: {stderr}");
    }
}
