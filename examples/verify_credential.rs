//! Verifies a certificate's Verifiable Credential offline, as a brand's system or an auditor
//! would: with nothing but the directory's published key set and its two status lists, fetched
//! beforehand (or mirrored). No question goes to the directory about the one certificate.
//!
//! ```sh
//! curl -s http://127.0.0.1:8080/credentials/ERS-NP-2025-0000188 > credential.jwt
//! curl -s http://127.0.0.1:8080/.well-known/jwks.json > jwks.json
//! curl -s http://127.0.0.1:8080/credentials/status/suspension > suspension.jwt
//! curl -s http://127.0.0.1:8080/credentials/status/revocation > revocation.jwt
//! cargo run --example verify_credential -- credential.jwt jwks.json suspension.jwt revocation.jwt
//! ```
//!
//! Prints `VALID: ...` and exits 0, or `REFUSED: <why>` and exits 1: a signature that does not
//! verify with the published key (a changed claim, another key), a credential outside its
//! validity, or a status bit set in a list (suspended, withdrawn).

use std::{io::Read, process::ExitCode};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde_json::Value;

/// The `iss` of everything the directory signs.
const ISSUER: &str = "ethical-recruitment-directory";

/// Verifies a JWT against the key set (the key named by `kid`, with the algorithm the key set
/// says, never the one the token claims) and returns its claims; `exp` and `nbf` are checked.
fn verified(token: &str, jwks: &JwkSet) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token.trim()).map_err(|error| format!("not a JWT: {error}"))?;
    let kid = header.kid.ok_or("the token names no key (`kid`)")?;
    let jwk = jwks
        .find(&kid)
        .ok_or_else(|| format!("key `{kid}` is not in the key set: not signed by this directory"))?;
    let algorithm = jwk
        .common
        .key_algorithm
        .and_then(|algorithm| Algorithm::try_from(algorithm).ok())
        .ok_or_else(|| format!("key `{kid}` names no signing algorithm"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|error| format!("unusable key: {error}"))?;
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[ISSUER]);
    validation.set_required_spec_claims(&["iss", "exp"]);
    validation.validate_nbf = true;
    jsonwebtoken::decode::<Value>(token.trim(), &key, &validation)
        .map(|data| data.claims)
        .map_err(|error| format!("the signature or validity does not hold: {error}"))
}

/// Whether bit `index` is set in a status list's `encodedList` (multibase base64url of the
/// gzipped bitstring; bit 0 is the most significant bit of the first byte).
fn bit(encoded: &str, index: usize) -> Result<bool, String> {
    let compressed = URL_SAFE_NO_PAD
        .decode(
            encoded
                .strip_prefix('u')
                .ok_or("`encodedList` is not multibase base64url")?,
        )
        .map_err(|error| format!("`encodedList` is not base64url: {error}"))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut bytes)
        .map_err(|error| format!("`encodedList` is not gzip: {error}"))?;
    let byte = bytes
        .get(index / 8)
        .ok_or_else(|| format!("index {index} is outside the list of {} bits", bytes.len() * 8))?;
    Ok(byte & (0x80 >> (index % 8)) != 0)
}

fn check(credential: &str, jwks: &JwkSet, lists: &[String]) -> Result<String, String> {
    let claims = verified(credential, jwks)?;
    let types = claims["type"].as_array().cloned().unwrap_or_default();
    if !types.iter().any(|kind| kind == "VerifiableCredential") {
        return Err("not a Verifiable Credential".to_owned());
    }
    // The status lists, verified the same way, by the URL they are published at.
    let mut by_url = std::collections::HashMap::new();
    for list in lists {
        let list = verified(list, jwks).map_err(|why| format!("a status list: {why}"))?;
        by_url.insert(list["id"].as_str().unwrap_or_default().to_owned(), list);
    }
    for entry in claims["credentialStatus"].as_array().cloned().unwrap_or_default() {
        let url = entry["statusListCredential"].as_str().unwrap_or_default();
        let purpose = entry["statusPurpose"].as_str().unwrap_or_default();
        let list = by_url
            .get(url)
            .ok_or_else(|| format!("the {purpose} list `{url}` was not given"))?;
        if list["credentialSubject"]["statusPurpose"] != purpose {
            return Err(format!("`{url}` is not a {purpose} list"));
        }
        let index: usize = entry["statusListIndex"]
            .as_str()
            .and_then(|index| index.parse().ok())
            .ok_or("a status entry has no index")?;
        let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap_or_default();
        if bit(encoded, index)? {
            let state = if purpose == "suspension" {
                "suspended"
            } else {
                "revoked (withdrawn)"
            };
            return Err(format!(
                "the certificate is {state} according to the directory's {purpose} list"
            ));
        }
    }
    let subject = &claims["credentialSubject"];
    let certification = &subject["certification"];
    Ok(format!(
        "{} ({}) holds certificate {} under {}, certified by {}, until {}",
        subject["legalName"].as_str().unwrap_or("?"),
        subject["country"].as_str().unwrap_or("?"),
        certification["certificateNumber"].as_str().unwrap_or("?"),
        certification["scheme"].as_str().unwrap_or("?"),
        certification["certificationBody"].as_str().unwrap_or("?"),
        certification["expiresOn"].as_str().unwrap_or("?"),
    ))
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [credential, jwks, lists @ ..] = arguments.as_slice() else {
        eprintln!("usage: verify_credential CREDENTIAL.jwt JWKS.json STATUS-LIST.jwt...");
        return ExitCode::from(2);
    };
    let read = |path: &String| std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"));
    let outcome = (|| {
        let jwks: JwkSet =
            serde_json::from_str(&read(jwks)?).map_err(|error| format!("{jwks} is not a JWK set: {error}"))?;
        let lists = lists.iter().map(read).collect::<Result<Vec<_>, _>>()?;
        check(&read(credential)?, &jwks, &lists)
    })();
    match outcome {
        Ok(holder) => {
            println!("VALID: {holder}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            println!("REFUSED: {why}");
            ExitCode::FAILURE
        }
    }
}
