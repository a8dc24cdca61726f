//! Webhook signing secrets at rest: sealed with XChaCha20-Poly1305 (an authenticated cipher)
//! under a key the database never holds, so a dump or a replica of the database cannot sign
//! events as the directory.
//!
//! Keys come from `WEBHOOK_SECRET_KEYS` (`id:hex,id:hex`, 32-byte keys in hex) or from the file
//! `DATA_DIR/webhook-secret-keys` (one `id:hex` per line), generated on first start. The first key
//! seals; every listed key opens. To rotate, put a new key first and keep the old ones listed: at
//! start each server re-seals every secret under the first key, after which old keys can go.
//! Servers of one deployment must share the keys.
//!
//! A sealed secret is stored as `sealed:v1:<key id>:<base64url(nonce ‖ ciphertext)>`.

use std::path::Path;

use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use entity::webhook;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::error::{AppError, AppResult};

const PREFIX: &str = "sealed:v1:";
/// Bound into every ciphertext, so a sealed value cannot be passed off as another kind of one.
const CONTEXT: &[u8] = b"directory webhook secret v1";
pub const KEY_FILE: &str = "webhook-secret-keys";

/// The keys that seal and open webhook secrets; the first one seals.
#[derive(Clone)]
pub struct SecretKeys {
    keys: Vec<(String, XChaCha20Poly1305)>,
}

impl std::fmt::Debug for SecretKeys {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        formatter.debug_struct("SecretKeys").field("ids", &ids).finish()
    }
}

impl SecretKeys {
    /// Parses `id:hex` entries separated by commas or new lines (`#` starts a comment line).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        for entry in text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
        {
            let (id, hex) = entry
                .split_once(':')
                .context("each webhook secret key is `id:hex` (an id, a colon, 64 hex digits)")?;
            anyhow::ensure!(
                !id.is_empty()
                    && id.len() <= 32
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "a webhook secret key id is 1 to 32 letters, digits, `-` or `_`: `{id}` is not"
            );
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|index| {
                    hex.get(index..index + 2)
                        .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                })
                .collect::<Option<_>>()
                .filter(|bytes: &Vec<u8>| bytes.len() == 32)
                .with_context(|| format!("webhook secret key `{id}` must be 64 hex digits (32 bytes)"))?;
            anyhow::ensure!(
                keys.iter().all(|(known, _)| known != id),
                "webhook secret key id `{id}` is listed twice"
            );
            let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| anyhow::anyhow!("bad key length"))?;
            keys.push((id.to_owned(), cipher));
        }
        anyhow::ensure!(!keys.is_empty(), "no webhook secret key is given");
        Ok(Self { keys })
    }

    /// `WEBHOOK_SECRET_KEYS`, else the key file under `DATA_DIR`, generated with one key if absent.
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        if let Some(text) = config
            .webhook_secret_keys
            .as_deref()
            .filter(|text| !text.trim().is_empty())
        {
            return Self::parse(text).context("WEBHOOK_SECRET_KEYS");
        }
        let path = config.data_dir.join(KEY_FILE);
        Self::from_file(&path)
    }

    fn from_file(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => return Self::parse(&text).with_context(|| format!("{}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness for a webhook key: {error}"))?;
        let hex = hex::encode(bytes);
        let id = format!("k{}-{}", chrono::Utc::now().format("%Y%m%d"), &hex[..6]);
        crate::auth::write_private(
            path,
            format!("# Keys sealing webhook secrets (the first seals; all open). Keep this file secret.\n{id}:{hex}\n"),
        )?;
        tracing::info!(path = %path.display(), "generated a key for webhook secrets");
        Self::parse(&format!("{id}:{hex}"))
    }

    fn current(&self) -> &(String, XChaCha20Poly1305) {
        // `parse` refuses an empty list.
        &self.keys[0]
    }

    /// Seals a secret under the first key.
    pub fn seal(&self, secret: &str) -> AppResult<String> {
        let (id, cipher) = self.current();
        let mut nonce = [0_u8; 24];
        getrandom::fill(&mut nonce).map_err(|error| AppError::internal(anyhow::anyhow!("no randomness: {error}")))?;
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: CONTEXT,
                },
            )
            .map_err(|_| AppError::internal(anyhow::anyhow!("cannot seal a webhook secret")))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("{PREFIX}{id}:{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Opens a stored secret. A value stored before secrets were sealed is returned as it is
    /// (the start-up re-seal leaves none behind).
    pub fn open(&self, stored: &str) -> Result<String, String> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let (id, encoded) = rest.split_once(':').ok_or("a sealed secret without its key id")?;
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(known, _)| known == id)
            .ok_or_else(|| format!("the secret is sealed under key `{id}`, which is not configured"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| "a sealed secret that is not base64url".to_owned())?;
        if bytes.len() < 24 {
            return Err("a sealed secret too short to hold its nonce".to_owned());
        }
        let (nonce, sealed) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce
            .try_into()
            .map_err(|_| "a sealed secret without its nonce".to_owned())?;
        let opened = cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: CONTEXT,
                },
            )
            .map_err(|_| format!("the secret sealed under key `{id}` does not open: it was altered"))?;
        String::from_utf8(opened).map_err(|_| "a sealed secret that is not text".to_owned())
    }

    /// Whether a stored value is sealed under the first key.
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(id, _)| id == self.current().0)
    }

    /// Re-seals under the first key every secret that is not: sealed under an older key, or
    /// stored before secrets were sealed. Run at start; returns how many were re-sealed. A
    /// secret that does not open (its key is not configured here) is left as it is and logged:
    /// its webhook's deliveries wait until the keys are fixed.
    pub async fn reseal_all(&self, db: &DatabaseConnection) -> anyhow::Result<usize> {
        let hooks = webhook::Entity::find().all(db).await?;
        let stale: Vec<webhook::Model> = hooks
            .into_iter()
            .filter(|hook| {
                !self.is_current(&hook.secret)
                    || hook
                        .previous_secret
                        .as_deref()
                        .is_some_and(|previous| !self.is_current(previous))
            })
            .collect();
        if stale.is_empty() {
            return Ok(0);
        }
        let txn = crate::changes::begin_write(db).await?;
        let mut resealed = 0;
        for hook in &stale {
            let reseal = |stored: &str| -> Result<String, String> {
                let secret = self.open(stored)?;
                self.seal(&secret).map_err(|error| error.message())
            };
            let previous = hook.previous_secret.as_deref().map(reseal).transpose();
            match (reseal(&hook.secret), previous) {
                (Ok(secret), Ok(previous)) => {
                    let mut row: webhook::ActiveModel = hook.clone().into();
                    row.secret = Set(secret);
                    row.previous_secret = Set(previous);
                    row.update(&*txn).await?;
                    resealed += 1;
                }
                (Err(reason), _) | (_, Err(reason)) => {
                    tracing::error!(webhook = hook.id, %reason, "cannot re-seal a webhook secret: check WEBHOOK_SECRET_KEYS");
                }
            }
        }
        txn.commit().await?;
        tracing::info!(count = resealed, key = %self.current().0, "webhook secrets re-sealed under the current key");
        Ok(resealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "old:0000000000000000000000000000000000000000000000000000000000000001";
    const NEW: &str = "new:00000000000000000000000000000000000000000000000000000000000000ff";

    #[test]
    fn a_sealed_secret_opens_only_unaltered_and_under_a_listed_key() {
        let old = SecretKeys::parse(OLD).expect("one key");
        let sealed = old.seal("whsec_abc").expect("sealed");
        assert!(sealed.starts_with("sealed:v1:old:"), "{sealed}");
        assert!(!sealed.contains("whsec_abc"));
        assert_ne!(
            sealed,
            old.seal("whsec_abc").expect("sealed"),
            "a fresh nonce each time"
        );
        assert_eq!(old.open(&sealed), Ok("whsec_abc".to_owned()));

        // Rotation: the new key seals, the old one still opens.
        let rotated = SecretKeys::parse(&format!("{NEW},{OLD}")).expect("two keys");
        assert_eq!(rotated.open(&sealed), Ok("whsec_abc".to_owned()));
        assert!(!rotated.is_current(&sealed));
        assert!(rotated.is_current(&rotated.seal("x").expect("sealed")));
        // A key that is gone cannot open, and says which one is missing.
        let only_new = SecretKeys::parse(NEW).expect("one key");
        assert!(only_new.open(&sealed).unwrap_err().contains("`old`"));

        // One flipped character anywhere in the ciphertext is refused.
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("text");
        assert!(old.open(&altered).unwrap_err().contains("altered"));
        // A value stored before sealing is read as it is.
        assert_eq!(old.open("whsec_plain"), Ok("whsec_plain".to_owned()));
    }

    #[test]
    fn a_key_file_with_comments_and_one_key_per_line_is_read() {
        let keys = SecretKeys::parse(&format!("# rotated today, keep the old one\n{NEW}\n\n# old\n{OLD}\n"))
            .expect("two keys");
        let sealed = SecretKeys::parse(OLD).expect("old").seal("s").expect("sealed");
        assert_eq!(keys.open(&sealed), Ok("s".to_owned()));
        assert!(keys.is_current(&keys.seal("s").expect("sealed")) && keys.seal("s").expect("sealed").contains(":new:"));
    }

    #[test]
    fn bad_key_lists_are_refused_with_a_reason() {
        for (text, reason) in [
            ("", "no webhook secret key"),
            ("k1", "`id:hex`"),
            ("k1:abcd", "64 hex digits"),
            (&format!("{OLD},{OLD}"), "listed twice"),
            (
                "bad id:0000000000000000000000000000000000000000000000000000000000000001",
                "letters, digits",
            ),
        ] {
            let error = SecretKeys::parse(text)
                .err()
                .map(|error| format!("{error:#}"))
                .unwrap_or_default();
            assert!(error.contains(reason), "{text}: {error}");
        }
    }
}
