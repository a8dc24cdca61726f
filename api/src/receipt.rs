//! Signed receipts of verifications: a brand's proof that it checked, what it checked, the
//! answer and when, which anyone can verify later with the directory's public key alone.
//!
//! A receipt is a compact JWS (`EdDSA` over Ed25519, or `ES256` for a P-256 key) whose header
//! names the key (`kid`, its RFC 7638 thumbprint); the public keys are served as a JWK Set at
//! `GET /.well-known/jwks.json`. The private key comes from `RECEIPT_KEY` (a PEM file that every
//! server of a deployment shares) or is generated once into `DATA_DIR/receipt-key.pem`.
//! `PUBLIC KEY` blocks in the same file are retired keys: still published, so that receipts
//! they signed keep verifying after a key change, but never used to sign.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::Context;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{certification, licence, recruiter};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation,
    jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash},
};
use serde::{Deserialize, Serialize};

use crate::{
    config::Config,
    error::{AppError, AppResult},
    ids::{self, Kind},
    service::{certification as lifecycle, verification},
};

/// The `iss` of every receipt: who states the answers.
pub const ISSUER: &str = "ethical-recruitment-directory";

/// File under `DATA_DIR` that holds the generated key when `RECEIPT_KEY` is unset.
pub const GENERATED_KEY_FILE: &str = "receipt-key.pem";

/// The PKCS#8 (RFC 8410) prefix of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// Signs receipts; built once at start and shared (cheap to clone).
#[derive(Clone)]
pub struct ReceiptSigner(Arc<Inner>);

struct Inner {
    key: EncodingKey,
    algorithm: Algorithm,
    kid: String,
    jwks: JwkSet,
}

impl std::fmt::Debug for ReceiptSigner {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ReceiptSigner")
            .field("algorithm", &self.0.algorithm)
            .field("kid", &self.0.kid)
            .finish_non_exhaustive()
    }
}

impl ReceiptSigner {
    /// The key of `RECEIPT_KEY`, or the one generated under `DATA_DIR` (made on first use).
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let (pem, source) = match &config.receipt_key {
            Some(path) => (
                std::fs::read_to_string(path)
                    .with_context(|| format!("RECEIPT_KEY: cannot read {}", path.display()))?,
                path.clone(),
            ),
            None => {
                let path = config.data_dir.join(GENERATED_KEY_FILE);
                (generated_key(&path)?, path)
            }
        };
        let signer = Self::from_pem(&pem).with_context(|| format!("receipt key {}", source.display()))?;
        tracing::info!(kid = %signer.kid(), key = %source.display(), "verification receipts are signed");
        Ok(signer)
    }

    /// A signer from PEM text: one `PRIVATE KEY` (PKCS#8, Ed25519 or P-256) that signs, and any
    /// number of `PUBLIC KEY` blocks of retired keys, published beside it.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let blocks = pem_blocks(pem);
        let mut private = blocks.iter().filter(|(label, _)| label.ends_with("PRIVATE KEY"));
        let (label, block) = private
            .next()
            .context("no `PRIVATE KEY` block: give a PKCS#8 Ed25519 or P-256 private key in PEM")?;
        anyhow::ensure!(
            private.next().is_none(),
            "more than one private key: keep one `PRIVATE KEY` (the signing key) and give retired keys as `PUBLIC KEY` blocks"
        );
        anyhow::ensure!(
            label == "PRIVATE KEY",
            "a `{label}` block is not supported: give a PKCS#8 `PRIVATE KEY` (Ed25519 or P-256), e.g. from `openssl genpkey -algorithm ed25519`"
        );
        let (key, algorithm) = if let Ok(key) = EncodingKey::from_ed_pem(block.as_bytes()) {
            (key, Algorithm::EdDSA)
        } else if let Ok(key) = EncodingKey::from_ec_pem(block.as_bytes()) {
            (key, Algorithm::ES256)
        } else {
            anyhow::bail!("the private key is neither Ed25519 nor P-256 in PKCS#8 form");
        };
        let signing_jwk = Jwk::from_encoding_key(&key, algorithm)
            .map_err(|error| anyhow::anyhow!("cannot derive the public key ({error}): use Ed25519 or P-256"))?;
        let signing_jwk = published(signing_jwk)?;
        let kid = signing_jwk.common.key_id.clone().unwrap_or_default();
        let mut keys = vec![signing_jwk];
        for (label, block) in blocks.iter().filter(|(label, _)| label == "PUBLIC KEY") {
            let retired = if let Ok(key) = DecodingKey::from_ed_pem(block.as_bytes()) {
                Jwk::from_decoding_key(&key, Some(Algorithm::EdDSA))
            } else {
                let key = DecodingKey::from_ec_pem(block.as_bytes())
                    .map_err(|error| anyhow::anyhow!("a retired `{label}` is neither Ed25519 nor P-256: {error}"))?;
                Jwk::from_decoding_key(&key, Some(Algorithm::ES256))
            }
            .map_err(|error| anyhow::anyhow!("a retired public key cannot be published: {error}"))?;
            let retired = published(retired)?;
            if !keys.iter().any(|known| known.common.key_id == retired.common.key_id) {
                keys.push(retired);
            }
        }
        let signer = Self(Arc::new(Inner {
            key,
            algorithm,
            kid,
            jwks: JwkSet { keys },
        }));
        signer.self_check()?;
        Ok(signer)
    }

    /// The id of the signing key, as in every receipt's header.
    pub fn kid(&self) -> &str {
        &self.0.kid
    }

    /// The public keys, the signing one first.
    pub fn jwks(&self) -> &JwkSet {
        &self.0.jwks
    }

    /// Signs `claims` as a compact JWS. A receipt of 1 000 answers is some 200 KB, so this
    /// runs off the async workers.
    pub async fn sign<T: Serialize + Send + 'static>(&self, claims: T) -> AppResult<String> {
        let signer = self.clone();
        tokio::task::spawn_blocking(move || signer.sign_now(&claims))
            .await
            .map_err(AppError::internal)?
    }

    fn sign_now<T: Serialize>(&self, claims: &T) -> AppResult<String> {
        let mut header = Header::new(self.0.algorithm);
        header.kid = Some(self.0.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.0.key).map_err(AppError::internal)
    }

    /// Proves at start that the published key verifies what the private key signs.
    fn self_check(&self) -> anyhow::Result<()> {
        let token = self
            .sign_now(&serde_json::json!({ "iss": ISSUER, "probe": true }))
            .map_err(anyhow::Error::from)?;
        let claims = verify(&token, self.jwks()).map_err(|reason| anyhow::anyhow!("self-check failed: {reason}"))?;
        anyhow::ensure!(
            claims["probe"] == true,
            "self-check failed: the claims did not round-trip"
        );
        Ok(())
    }
}

/// Adds what a verifier needs to pick the key: `kid` (RFC 7638 thumbprint) and `use: sig`.
fn published(mut jwk: Jwk) -> anyhow::Result<Jwk> {
    let thumbprint = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .map_err(|error| anyhow::anyhow!("cannot compute the key's thumbprint: {error}"))?;
    jwk.common.key_id = Some(thumbprint);
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Ok(jwk)
}

/// Verifies a receipt against a JWK Set, as a brand or an auditor would, and returns its claims.
/// Receipts do not expire: they record a check made at `iat`.
pub fn verify(token: &str, jwks: &JwkSet) -> Result<serde_json::Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|error| format!("not a JWS: {error}"))?;
    let kid = header.kid.ok_or("the receipt names no key (`kid`)")?;
    let jwk = jwks.find(&kid).ok_or_else(|| format!("key `{kid}` is not published"))?;
    let algorithm = jwk
        .common
        .key_algorithm
        .and_then(|algorithm| Algorithm::try_from(algorithm).ok())
        .ok_or_else(|| format!("key `{kid}` names no signing algorithm"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|error| format!("unusable key: {error}"))?;
    // The key's algorithm, never the one the token claims.
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[ISSUER]);
    validation.set_required_spec_claims(&["iss"]);
    validation.validate_exp = false;
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|error| format!("invalid receipt: {error}"))
}

/// The labelled PEM blocks of `text`, each with its armour (as the PEM parser wants it).
fn pem_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after_begin = &rest[start + "-----BEGIN ".len()..];
        let Some(label_end) = after_begin.find("-----") else {
            break;
        };
        let label = after_begin[..label_end].to_owned();
        let end_marker = format!("-----END {label}-----");
        let Some(end) = rest[start..].find(&end_marker) else {
            break;
        };
        let block_end = start + end + end_marker.len();
        blocks.push((label, rest[start..block_end].to_owned()));
        rest = &rest[block_end..];
    }
    blocks
}

/// The generated key at `path`, made on first use. Written beside and linked into place, so
/// that two servers starting on one `DATA_DIR` agree on one key and never read half a file.
fn generated_key(path: &Path) -> anyhow::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        return Ok(existing);
    }
    let directory = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&directory).with_context(|| format!("cannot create {}", directory.display()))?;
    let mut der = ED25519_PKCS8_PREFIX.to_vec();
    let mut seed = [0_u8; 32];
    getrandom::fill(&mut seed).map_err(|error| anyhow::anyhow!("no randomness for a receipt key: {error}"))?;
    der.extend_from_slice(&seed);
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(&der)
    );
    let draft = directory.join(format!(".{GENERATED_KEY_FILE}.{}", std::process::id()));
    write_private(&draft, &pem)?;
    let linked = std::fs::hard_link(&draft, path);
    let _ = std::fs::remove_file(&draft);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a receipt signing key; set RECEIPT_KEY to share one key between servers");
            Ok(pem)
        }
        // Another process made it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        }
        Err(error) => Err(error).with_context(|| format!("cannot write {}", path.display())),
    }
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// The claims of a receipt: who states it, when, for which day, what was asked and each answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt<A> {
    pub iss: String,
    /// When the check was made (seconds since the epoch, UTC).
    pub iat: i64,
    /// A unique id, for quoting a receipt in a report or an audit.
    pub jti: String,
    /// What was checked: `certificates` or `licences`.
    pub checked: String,
    /// The day (UTC) for which "certified today" was computed.
    pub today: NaiveDate,
    /// One answer per number asked, in the order asked.
    pub results: Vec<A>,
}

impl<A> Receipt<A> {
    pub fn new(checked: &str, checked_at: DateTime<Utc>, today: NaiveDate, results: Vec<A>) -> AppResult<Self> {
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(|error| AppError::internal(anyhow::anyhow!("no randomness: {error}")))?;
        Ok(Self {
            iss: ISSUER.to_owned(),
            iat: checked_at.timestamp(),
            jti: hex::encode(bytes),
            checked: checked.to_owned(),
            today,
            results,
        })
    }
}

/// One certificate number and what the directory answered for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateAnswer {
    /// As asked.
    pub number: String,
    pub found: bool,
    /// Certified today.
    pub certified: bool,
    /// Status today, as in the API (`CERTIFIED`, `SUSPENDED`, `EXPIRED`...).
    pub status: Option<String>,
    /// The number as the directory holds it.
    pub certificate_number: Option<String>,
    /// The holder's global ID and legal name.
    pub recruiter_id: Option<String>,
    pub legal_name: Option<String>,
    pub expires_on: Option<NaiveDate>,
    /// Whether the certificate's certification body was approved by the scheme at the check.
    pub body_in_good_standing: Option<bool>,
}

impl CertificateAnswer {
    pub fn new(
        number: &str,
        certification: Option<&certification::Model>,
        holder: Option<&recruiter::Model>,
        body: Option<&entity::certification_body::Model>,
        today: NaiveDate,
    ) -> Self {
        let status = certification.map(|certification| lifecycle::status_today(certification, today));
        Self {
            number: number.to_owned(),
            found: certification.is_some(),
            certified: status == Some(lifecycle::CertificationStatus::Certified),
            status: status.map(|status| status.as_str().to_ascii_uppercase()),
            certificate_number: certification.map(|certification| certification.certificate_number.clone()),
            recruiter_id: holder.map(|holder| ids::encode_id(Kind::Recruiter, holder.id)),
            legal_name: holder.map(|holder| holder.legal_name.clone()),
            expires_on: certification.and_then(|certification| certification.expires_on),
            body_in_good_standing: certification.map(|_| body.is_some_and(crate::service::trust::in_good_standing)),
        }
    }
}

/// One licence number and what the directory answered for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenceAnswer {
    /// As asked.
    pub number: String,
    pub found: bool,
    /// The number as the directory holds it, and the licence's own status and validity.
    pub licence_number: Option<String>,
    pub licence_status: Option<String>,
    pub licence_valid_today: bool,
    /// The holder's global ID and legal name, and whether it is certified today.
    pub recruiter_id: Option<String>,
    pub legal_name: Option<String>,
    pub certified: bool,
}

impl LicenceAnswer {
    pub fn new(
        number: &str,
        licence: Option<&licence::Model>,
        holder: Option<&recruiter::Model>,
        certified: bool,
        today: NaiveDate,
    ) -> Self {
        Self {
            number: number.to_owned(),
            found: licence.is_some(),
            licence_number: licence.map(|licence| licence.licence_number.clone()),
            licence_status: licence.map(|licence| licence.status.to_ascii_uppercase()),
            licence_valid_today: licence.is_some_and(|licence| verification::licence_valid_today(licence, today)),
            recruiter_id: holder.map(|holder| ids::encode_id(Kind::Recruiter, holder.id)),
            legal_name: holder.map(|holder| holder.legal_name.clone()),
            certified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated_pem() -> String {
        let directory = tempfile_dir();
        let pem = generated_key(&directory.join(GENERATED_KEY_FILE)).unwrap();
        std::fs::remove_dir_all(directory).unwrap();
        pem
    }

    fn tempfile_dir() -> PathBuf {
        let mut bytes = [0_u8; 8];
        getrandom::fill(&mut bytes).unwrap();
        let name = hex::encode(bytes);
        std::env::temp_dir().join(format!("receipt-test-{name}"))
    }

    #[tokio::test]
    async fn a_generated_key_signs_receipts_its_jwks_verifies() {
        let pem = generated_pem();
        let signer = ReceiptSigner::from_pem(&pem).unwrap();
        let jwk = &signer.jwks().keys[0];
        assert_eq!(jwk.common.key_id.as_deref(), Some(signer.kid()));
        let json = serde_json::to_value(jwk).unwrap();
        assert_eq!(
            (json["kty"].as_str(), json["crv"].as_str()),
            (Some("OKP"), Some("Ed25519"))
        );
        assert_eq!(json["alg"], "EdDSA");
        assert!(json.get("d").is_none(), "the JWKS must not carry the private key");

        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let receipt = Receipt::new(
            "certificates",
            crate::clock::now(),
            today,
            vec![CertificateAnswer::new("ERS-XX-1", None, None, None, today)],
        )
        .unwrap();
        let token = signer.sign(receipt).await.unwrap();
        let claims = verify(&token, signer.jwks()).unwrap();
        assert_eq!(claims["results"][0]["number"], "ERS-XX-1");
        assert_eq!(claims["results"][0]["found"], false);

        let other = ReceiptSigner::from_pem(&generated_pem()).unwrap();
        assert!(verify(&token, other.jwks()).unwrap_err().contains("not published"));
    }

    #[test]
    fn retired_public_keys_stay_published_and_bad_files_are_refused() {
        let old = ReceiptSigner::from_pem(&generated_pem()).unwrap();
        let old_x = serde_json::to_value(&old.jwks().keys[0]).unwrap()["x"]
            .as_str()
            .unwrap()
            .to_owned();
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(old_x).unwrap();
        let mut spki = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
        spki.extend_from_slice(&raw);
        let public_pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(spki)
        );
        let rotated = ReceiptSigner::from_pem(&format!("{}{public_pem}", generated_pem())).unwrap();
        assert_eq!(rotated.jwks().keys.len(), 2);
        assert_ne!(rotated.kid(), old.kid());
        assert!(rotated.jwks().find(old.kid()).is_some());

        assert!(ReceiptSigner::from_pem("").is_err());
        assert!(ReceiptSigner::from_pem(&public_pem).is_err());
        let two = format!("{}{}", generated_pem(), generated_pem());
        let message = format!("{:#}", ReceiptSigner::from_pem(&two).unwrap_err());
        assert!(message.contains("more than one private key"), "{message}");
    }

    #[test]
    fn the_generated_key_is_made_once() {
        let directory = tempfile_dir();
        let path = directory.join(GENERATED_KEY_FILE);
        let first = generated_key(&path).unwrap();
        assert_eq!(generated_key(&path).unwrap(), first);
        let entries = std::fs::read_dir(&directory).unwrap().count();
        std::fs::remove_dir_all(directory).unwrap();
        assert_eq!(entries, 1, "no draft is left behind");
    }
}
