//! The response cache and the store of persisted queries.
//!
//! A cached answer is found by a key made of everything that can change it: the query text
//! (normalised, so whitespace, commas and comments do not matter), the operation name, the
//! variables (with keys sorted), the day (`certified` is computed for today), and the
//! *generation*: the change-log position this server has applied and published
//! ([`crate::changes::Feed::position`]). A write moves the change log; the server that made it
//! settles its feed before answering, and every other server's feed does within a second, so
//! from then on every key is new and no old answer is found again. The generation never moves
//! backwards (old answers never come back) and never ahead of this server's index (an answer
//! cached under it holds every change up to it, whichever server made the change), so with
//! Redis the servers of a deployment share answers safely. Nothing is ever deleted or scanned:
//! old entries simply expire.
//! Only anonymous reads are cached; whatever a token may see is never shared.

mod normalise;
mod store;

use std::time::Duration;

use actix_web::web::Bytes;
use async_graphql::Request;
use sha2::{Digest, Sha256};

pub use normalise::normalise_query;
pub use store::Store;

/// A cached answer: the JSON body and its entity tag.
#[derive(Clone, Debug)]
pub struct Cached {
    pub body: Bytes,
    pub etag: String,
}

impl Cached {
    pub fn new(body: Bytes) -> Self {
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", hex::encode(&digest[..16]));
        Self { body, etag }
    }
}

/// Public answers, shared by every request of a server (and, with Redis, by every server).
#[derive(Clone)]
pub struct ResponseCache {
    store: Store,
    ttl: Duration,
}

impl ResponseCache {
    /// `ttl` zero: nothing is cached.
    pub fn new(store: Store, ttl: Duration) -> Self {
        Self { store, ttl }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    pub fn is_redis(&self) -> bool {
        self.store.is_redis()
    }

    /// The key of a request's answer at a given generation and day.
    pub fn key(request: &Request, generation: u64, today: chrono::NaiveDate) -> String {
        let mut hasher = Sha256::new();
        hasher.update(normalise_query(&request.query).as_bytes());
        hasher.update([0]);
        hasher.update(request.operation_name.as_deref().unwrap_or("").as_bytes());
        hasher.update([0]);
        // Most requests over GET carry no variables: no JSON to build for them.
        if request.variables.is_empty() {
            hasher.update(b"{}");
        } else {
            let variables = serde_json::to_value(&request.variables).unwrap_or_default();
            hasher.update(canonical_json(&variables).as_bytes());
        }
        hasher.update([0]);
        hasher.update(today.to_string().as_bytes());
        format!("v2:answer:{generation}:{}", hex::encode(hasher.finalize()))
    }

    /// A stored answer is its entity tag, a newline, then its body, so that a hit is answered
    /// without hashing the body again.
    pub async fn get(&self, key: &str) -> Option<Cached> {
        if !self.enabled() {
            return None;
        }
        let stored = self.store.get(key).await?;
        let split = stored.iter().position(|byte| *byte == b'\n')?;
        let etag = std::str::from_utf8(&stored[..split]).ok()?.to_owned();
        Some(Cached {
            body: stored.slice(split + 1..),
            etag,
        })
    }

    pub async fn put(&self, key: &str, answer: &Cached) {
        if self.enabled() {
            let mut stored = Vec::with_capacity(answer.etag.len() + 1 + answer.body.len());
            stored.extend_from_slice(answer.etag.as_bytes());
            stored.push(b'\n');
            stored.extend_from_slice(&answer.body);
            self.store.set(key, Bytes::from(stored), self.ttl).await;
        }
    }
}

/// Automatic persisted queries (Apollo's APQ protocol): a client sends
/// `extensions.persistedQuery.sha256Hash` and no query; when the server does not know the hash
/// it answers `PERSISTED_QUERY_NOT_FOUND` and the client sends the query once with its hash.
/// Resolved before anything else looks at the query, so limits and the cache see the real text.
#[derive(Clone)]
pub struct PersistedQueries {
    store: Store,
}

/// Persisted queries are kept this long after their last registration.
const PERSISTED_TTL: Duration = Duration::from_secs(7 * 24 * 3_600);

/// Why a persisted query could not be used; each maps to the error an Apollo client expects.
#[derive(Debug, PartialEq, Eq)]
pub enum PersistedQueryError {
    NotFound,
    HashMismatch,
    Unsupported(String),
}

impl PersistedQueries {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Fills in the query of a request that names a persisted one, or registers the query it
    /// carries under its hash. Requests without the extension pass unchanged.
    pub async fn resolve(&self, request: &mut Request) -> Result<(), PersistedQueryError> {
        let Some(extension) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let extension = serde_json::to_value(extension).unwrap_or_default();
        if extension.get("version").and_then(serde_json::Value::as_i64) != Some(1) {
            return Err(PersistedQueryError::Unsupported(
                "only version 1 of persisted queries is supported".to_owned(),
            ));
        }
        let hash = extension
            .get("sha256Hash")
            .and_then(serde_json::Value::as_str)
            .filter(|hash| hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .ok_or_else(|| PersistedQueryError::Unsupported("`sha256Hash` must be 64 hexadecimal digits".to_owned()))?
            .to_ascii_lowercase();
        let key = format!("v1:apq:{hash}");
        if request.query.is_empty() {
            let stored = self.store.get(&key).await.ok_or(PersistedQueryError::NotFound)?;
            request.query = String::from_utf8(stored.to_vec()).map_err(|_| PersistedQueryError::NotFound)?;
            return Ok(());
        }
        if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(PersistedQueryError::HashMismatch);
        }
        self.store
            .set(&key, Bytes::from(request.query.clone().into_bytes()), PERSISTED_TTL)
            .await;
        Ok(())
    }
}

/// JSON with object keys sorted at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}` give one key.
fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|left, right| left.0.cmp(right.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(key, value)| (key.clone(), sorted(value)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    // With serde_json's default map the sorted order is kept; sorting here does not rely on it.
    sorted(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, variables: serde_json::Value) -> Request {
        Request::new(query).variables(async_graphql::Variables::from_json(variables))
    }

    #[test]
    fn keys_ignore_layout_and_variable_order_but_not_meaning() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let key = |query: &str, variables| ResponseCache::key(&request(query, variables), 7, day);
        let base = key(
            "{ recruiters(first: 2) { totalCount } }",
            serde_json::json!({"a": 1, "b": [1, 2]}),
        );
        assert_eq!(
            base,
            key(
                "query {\n  recruiters(first: 2) , { totalCount } # count\n}",
                serde_json::json!({"b": [1, 2], "a": 1})
            )
        );
        assert_ne!(
            base,
            key(
                "{ recruiters(first: 3) { totalCount } }",
                serde_json::json!({"a": 1, "b": [1, 2]})
            )
        );
        assert_ne!(
            base,
            key(
                "{ recruiters(first: 2) { totalCount } }",
                serde_json::json!({"a": 2, "b": [1, 2]})
            )
        );
        let later = ResponseCache::key(
            &request(
                "{ recruiters(first: 2) { totalCount } }",
                serde_json::json!({"a": 1, "b": [1, 2]}),
            ),
            8,
            day,
        );
        assert_ne!(base, later, "a write (new generation) must change every key");
    }

    #[tokio::test]
    async fn persisted_queries_follow_the_apollo_protocol() {
        let store = PersistedQueries::new(Store::memory(1 << 20, Duration::from_secs(60)));
        let query = "{ recruiters(first: 1) { totalCount } }";
        let hash = hex::encode(Sha256::digest(query.as_bytes()));
        let with_hash = |query: &str, hash: &str| {
            let mut request = Request::new(query);
            request.extensions.insert(
                "persistedQuery".to_owned(),
                async_graphql::Value::from_json(serde_json::json!({"version": 1, "sha256Hash": hash}))
                    .unwrap_or_default(),
            );
            request
        };
        let mut unknown = with_hash("", &hash);
        assert_eq!(store.resolve(&mut unknown).await, Err(PersistedQueryError::NotFound));
        let mut wrong = with_hash("{ other }", &hash);
        assert_eq!(store.resolve(&mut wrong).await, Err(PersistedQueryError::HashMismatch));
        let mut register = with_hash(query, &hash);
        assert_eq!(store.resolve(&mut register).await, Ok(()));
        let mut known = with_hash("", &hash.to_ascii_uppercase());
        assert_eq!(store.resolve(&mut known).await, Ok(()));
        assert_eq!(known.query, query);
    }
}
