//! Cost-based rate limits per client: an API key when the request carries a valid one
//! (`X-Api-Key`), else the IP address.
//!
//! The algorithm is GCRA (the generic cell rate algorithm, a leaky bucket kept as one
//! timestamp per client): a client may spend `limit` cost units per minute, all of them at once
//! if it saved them up. A GraphQL operation costs its complexity (so a page of 100 with nested
//! lists costs far more than one lookup), an answer from the cache costs 1. The state lives in
//! Redis when it is configured, shared by every server, so a client cannot multiply its budget
//! by spreading requests; the same algorithm runs in memory when Redis is unset or unreachable
//! (then each server counts alone, which is the safe direction to fail in).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use actix_web::HttpRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{cache::Store, error::AppError};

const WINDOW: Duration = Duration::from_secs(60);

/// GCRA in Redis: the same arithmetic as `Gcra::take`, on Redis's clock so that servers with
/// skewed clocks agree. Returns {allowed, retry after ms, ms until the bucket is full again}.
const GCRA_LUA: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + cost * interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return {0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now) + 1000)
return {1, 0, math.ceil(new_tat - now)}
";

/// Who is asking, for the rate limit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Client {
    Key(String),
    Address(String),
}

impl Client {
    /// The client's key in every per-client account (rate limits, WebSocket shares).
    pub fn bucket(&self) -> String {
        match self {
            Self::Key(name) => format!("v1:rate:key:{name}"),
            Self::Address(address) => format!("v1:rate:ip:{address}"),
        }
    }
}

/// The outcome of charging a client, with what the `RateLimit-*` headers say.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the client's budget is whole again.
    pub reset_secs: u64,
    /// Seconds to wait before the refused request would be allowed.
    pub retry_after_secs: u64,
}

impl Decision {
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![
            ("RateLimit-Limit", self.limit.to_string()),
            ("RateLimit-Remaining", self.remaining.to_string()),
            ("RateLimit-Reset", self.reset_secs.to_string()),
            ("RateLimit-Policy", format!("{};w={}", self.limit, WINDOW.as_secs())),
        ];
        if !self.allowed {
            headers.push(("Retry-After", self.retry_after_secs.max(1).to_string()));
        }
        headers
    }

    pub fn error(&self) -> AppError {
        AppError::RateLimited(format!(
            "rate limit reached: this client may spend {} cost units per minute (a query costs its complexity, a \
             cached answer 1); retry in {} s, ask for smaller pages, or send an API key (`X-Api-Key`) for a larger budget",
            self.limit,
            self.retry_after_secs.max(1)
        ))
    }
}

/// One IPv6 subscriber usually holds a whole /64: counting single addresses would let it
/// spread requests over 2^64 buckets.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// The bucket an address is counted in: the IPv4 address itself (also when it arrives as an
/// IPv4-mapped IPv6 address), or the IPv6 network of `ipv6_prefix` bits around it.
pub fn address_bucket(ip: std::net::IpAddr, ipv6_prefix: u8) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u32::from(ipv6_prefix.min(128));
                let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
                let network = std::net::Ipv6Addr::from(u128::from(v6) & mask);
                format!("{network}/{prefix}")
            }
        },
    }
}

/// The address a request comes from. A peer that is not a trusted proxy is the client, whatever
/// headers it sends. A trusted proxy's `X-Forwarded-For` is read from the right (the entry its
/// proxy added last), skipping trusted proxies; the first other address is the client. Entries
/// a client wrote itself sit further left and are never reached, so a client cannot choose its
/// own address. A header that cannot be read leaves the proxy's own address.
pub fn client_address(peer: IpAddr, forwarded: &[&str], trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(*ip, IpAddr::V4),
            IpAddr::V4(_) => *ip,
        };
        trusted.iter().any(|net| net.contains(&ip))
    };
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

/// Parses `TRUSTED_PROXIES`: addresses and networks (`10.0.0.0/8`, `2001:db8::/32`), separated
/// by commas.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("`{entry}` is neither an IP address nor a network such as 10.0.0.0/8"))
        })
        .collect()
}

#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    anonymous: u64,
    keyed: u64,
    script: redis::Script,
    local: Mutex<HashMap<String, f64>>,
    keys: ApiKeys,
    /// IPv6 clients are counted per network of this prefix length (a /64 is one subscriber).
    ipv6_prefix: u8,
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    trusted_proxies: Vec<ipnet::IpNet>,
}

impl RateLimiter {
    /// `anonymous` and `keyed` are cost units per minute; 0 turns the limit off.
    pub fn new(store: Store, anonymous: u64, keyed: u64, keys: ApiKeys) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                anonymous,
                keyed,
                script: redis::Script::new(GCRA_LUA),
                local: Mutex::new(HashMap::new()),
                keys,
                ipv6_prefix: DEFAULT_IPV6_PREFIX,
                trusted_proxies: Vec::new(),
            }),
        }
    }

    /// Counts IPv6 clients per network of `prefix` bits instead of the default /64.
    pub fn with_ipv6_prefix(self, prefix: u8) -> Self {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|_| unreachable!("called before the limiter is shared"));
        Self {
            inner: Arc::new(Inner {
                ipv6_prefix: prefix.clamp(32, 128),
                ..inner
            }),
        }
    }

    /// Believes `X-Forwarded-For` from these proxies (and only from them).
    pub fn with_trusted_proxies(self, proxies: Vec<ipnet::IpNet>) -> Self {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|_| unreachable!("called before the limiter is shared"));
        Self {
            inner: Arc::new(Inner {
                trusted_proxies: proxies,
                ..inner
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.inner.anonymous > 0
    }

    /// The client a request comes from: its API key when it sends one (which must be valid),
    /// else its address: the connection's peer, or, when the peer is a trusted proxy, the
    /// address that proxy says it forwarded for (see [`client_address`]).
    pub fn client(&self, request: &HttpRequest) -> Result<Client, AppError> {
        if let Some(key) = request.headers().get("x-api-key") {
            let key = key
                .to_str()
                .map_err(|_| AppError::Unauthenticated("the API key is not valid".to_owned()))?;
            return self.inner.keys.verify(key).map(Client::Key);
        }
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .collect();
        let address = request
            .peer_addr()
            .map(|peer| client_address(peer.ip(), &forwarded, &self.inner.trusted_proxies))
            .map(|address| address_bucket(address, self.inner.ipv6_prefix))
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(Client::Address(address))
    }

    /// Charges `cost` units to `client`; a refused charge spends nothing.
    pub async fn charge(&self, client: &Client, cost: u64) -> Decision {
        let limit = match client {
            Client::Key(_) => self.inner.keyed,
            Client::Address(_) => self.inner.anonymous,
        };
        let interval_ms = WINDOW.as_millis() as f64 / limit.max(1) as f64;
        self.take(&client.bucket(), interval_ms, limit, cost).await
    }

    /// Counts one event of a kind limited on its own, whatever the cost budget (a misuse
    /// report, say): at most `per_hour` per client, all at once if saved up. Shared by every
    /// server when Redis is set, like the cost budget.
    pub async fn take_event(&self, account: &str, client: &Client, per_hour: u64) -> Decision {
        let interval_ms = 3_600_000.0 / per_hour.max(1) as f64;
        let bucket = format!("v1:rate:{account}:{}", client.bucket());
        self.take(&bucket, interval_ms, per_hour, 1).await
    }

    /// GCRA on `bucket`: in Redis when it answers, else in this process.
    async fn take(&self, bucket: &str, interval_ms: f64, limit: u64, cost: u64) -> Decision {
        let cost = cost.clamp(1, limit.max(1));
        let shared: Option<(i64, i64, i64)> = self
            .inner
            .store
            .eval(
                &self.inner.script,
                &[bucket],
                &[interval_ms.to_string(), limit.to_string(), cost.to_string()],
            )
            .await;
        let (allowed, retry_ms, busy_ms) = match shared {
            Some((allowed, retry_ms, busy_ms)) => (allowed == 1, retry_ms.max(0) as f64, busy_ms.max(0) as f64),
            None => self.take_locally(bucket, interval_ms, limit, cost),
        };
        // Units still available: the budget minus what the bucket holds.
        let remaining = ((limit as f64 * interval_ms - busy_ms) / interval_ms).floor().max(0.0) as u64;
        Decision {
            allowed,
            limit,
            remaining: remaining.min(limit),
            reset_secs: (busy_ms / 1_000.0).ceil() as u64,
            retry_after_secs: (retry_ms / 1_000.0).ceil() as u64,
        }
    }

    /// GCRA in this process, as in `GCRA_LUA`.
    fn take_locally(&self, bucket: &str, interval_ms: f64, limit: u64, cost: u64) -> (bool, f64, f64) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs_f64() * 1_000.0)
            .unwrap_or_default();
        let mut buckets = self.inner.local.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > 100_000 {
            // Forget clients whose bucket has drained: they are back to a full budget anyway.
            buckets.retain(|_, tat| *tat > now);
        }
        let tat = buckets.get(bucket).copied().unwrap_or(now).max(now);
        let new_tat = tat + cost as f64 * interval_ms;
        let allow_at = new_tat - limit as f64 * interval_ms;
        if now < allow_at {
            return (false, allow_at - now, tat - now);
        }
        buckets.insert(bucket.to_owned(), new_tat);
        (true, 0.0, new_tat - now)
    }
}

/// API keys: `<name>.<id>.<signature>`, where the signature is an HMAC of `<name>.<id>` with
/// the deployment's secret, so any server can check a key without a lookup. `<name>.<id>` is
/// the key's id: not secret, printed by `directory api-key --name NAME`, and what
/// `revokeApiKey` takes. Rate limits count per name, so a partner's keys share one budget.
/// Keys minted before key ids (`<name>.<signature>`) have the id `<name>`.
#[derive(Clone)]
pub struct ApiKeys {
    secret: Vec<u8>,
    /// Ids of revoked keys, kept current by following the change log (`service::api_key`).
    revoked: Arc<std::sync::RwLock<std::collections::HashSet<String>>>,
}

/// The generated secret API keys are derived from, in `DATA_DIR`.
pub const API_KEY_SECRET_FILE: &str = "api-key-secret";

/// A key and its id, as minted.
pub struct MintedKey {
    pub key: String,
    pub id: String,
}

impl ApiKeys {
    pub fn new(secret: Vec<u8>) -> Self {
        Self {
            secret,
            revoked: Arc::default(),
        }
    }

    /// The configured secret (`API_KEY_SECRET`), else one generated once into
    /// `DATA_DIR/api-key-secret`, which `directory api-key` on the same machine also reads.
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        if let Some(secret) = config.api_key_secret.as_ref().filter(|secret| !secret.is_empty()) {
            anyhow::ensure!(secret.len() >= 32, "API_KEY_SECRET must be at least 32 characters long");
            return Ok(Self::new(secret.as_bytes().to_vec()));
        }
        let path = config.data_dir.join(API_KEY_SECRET_FILE);
        if let Some(existing) = crate::auth::read_secret_file(&path)? {
            return Ok(Self::new(existing));
        }
        std::fs::create_dir_all(&config.data_dir)?;
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness for an API key secret: {error}"))?;
        let generated = hex::encode(bytes);
        crate::auth::write_private(&path, &generated)?;
        Ok(Self::new(generated.into_bytes()))
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
        mac.update(payload.as_bytes());
        mac
    }

    /// A new key for `name` (letters, digits, `-` and `_`), with a random id.
    pub fn mint(&self, name: &str) -> anyhow::Result<MintedKey> {
        anyhow::ensure!(
            !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'),
            "an API key name is 1 to 64 letters, digits, `-` or `_`"
        );
        let mut bytes = [0_u8; 6];
        getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness for an API key id: {error}"))?;
        let id = format!("{name}.{}", hex::encode(bytes));
        let digest = self.mac(&id).finalize().into_bytes();
        let signature = hex::encode(digest);
        Ok(MintedKey {
            key: format!("{id}.{signature}"),
            id,
        })
    }

    /// The key's id: the key without its signature (an id passes through unchanged).
    pub fn id_of(key_or_id: &str) -> &str {
        let key_or_id = key_or_id.trim();
        match key_or_id.rsplit_once('.') {
            Some((id, signature)) if signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit()) => id,
            _ => key_or_id,
        }
    }

    /// The key's name when its signature is right and it is not revoked.
    pub fn verify(&self, key: &str) -> Result<String, AppError> {
        let invalid =
            || AppError::Unauthenticated("the API key is not valid; ask the directory's operators for one".to_owned());
        let (id, signature) = key.trim().rsplit_once('.').ok_or_else(invalid)?;
        let expected: Vec<u8> = (0..signature.len())
            .step_by(2)
            .map(|index| {
                signature
                    .get(index..index + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
            })
            .collect::<Option<_>>()
            .ok_or_else(invalid)?;
        // Constant-time comparison.
        self.mac(id).verify_slice(&expected).map_err(|_| invalid())?;
        if self.is_revoked(id) {
            return Err(AppError::Unauthenticated(
                "this API key was revoked; ask the directory's operators for a new one".to_owned(),
            ));
        }
        Ok(id.split('.').next().unwrap_or(id).to_owned())
    }

    fn is_revoked(&self, id: &str) -> bool {
        self.revoked
            .read()
            .map(|revoked| revoked.contains(id))
            .unwrap_or_else(|poisoned| poisoned.into_inner().contains(id))
    }

    /// Replaces the set of revoked key ids (read from the database by the follower).
    pub fn set_revoked(&self, ids: std::collections::HashSet<String>) {
        match self.revoked.write() {
            Ok(mut revoked) => *revoked = ids,
            Err(poisoned) => *poisoned.into_inner() = ids,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let ip = |text: &str| text.parse::<IpAddr>().expect("an address");
        let trusted = parse_trusted_proxies("10.0.0.0/8, 192.0.2.7,2001:db8::/32").expect("valid");
        // A direct client cannot choose its address.
        assert_eq!(
            client_address(ip("198.51.100.1"), &["203.0.113.9"], &trusted),
            ip("198.51.100.1")
        );
        // Behind a trusted proxy, the address the proxy added (the rightmost one)...
        assert_eq!(
            client_address(ip("10.1.2.3"), &["203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // ...not one the client wrote before it, and not another trusted proxy on the way.
        assert_eq!(
            client_address(ip("10.1.2.3"), &["1.1.1.1, 203.0.113.9, 192.0.2.7"], &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(
                ip("::ffff:10.1.2.3"),
                &["1.1.1.1", "2001:db8:1::5, 203.0.113.4"],
                &trusted
            ),
            ip("203.0.113.4")
        );
        // Nothing usable: the proxy itself.
        assert_eq!(client_address(ip("10.1.2.3"), &["not-an-ip"], &trusted), ip("10.1.2.3"));
        assert_eq!(client_address(ip("10.1.2.3"), &[], &trusted), ip("10.1.2.3"));
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert_eq!(parse_trusted_proxies("").map(|list| list.len()), Ok(0));
    }

    #[test]
    fn an_ipv6_network_shares_one_bucket_and_ipv4_counts_per_address() {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().expect("an address");
        let bucket = |text: &str| address_bucket(ip(text), DEFAULT_IPV6_PREFIX);
        assert_eq!(bucket("2001:db8:1:2::1"), bucket("2001:db8:1:2:ffff:ffff:ffff:fffe"));
        assert_eq!(bucket("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(bucket("2001:db8:1:2::1"), bucket("2001:db8:1:3::1"));
        assert_eq!(bucket("192.0.2.7"), "192.0.2.7");
        assert_ne!(bucket("192.0.2.7"), bucket("192.0.2.8"));
        assert_eq!(
            bucket("::ffff:192.0.2.7"),
            "192.0.2.7",
            "an IPv4-mapped address is that IPv4 address"
        );
        assert_eq!(address_bucket(ip("2001:db8:1:2::1"), 48), "2001:db8:1::/48");
        assert_eq!(address_bucket(ip("2001:db8::1"), 128), "2001:db8::1/128");
    }

    fn limiter(limit: u64) -> RateLimiter {
        RateLimiter::new(
            Store::memory(1 << 20, Duration::from_secs(60)),
            limit,
            limit * 10,
            ApiKeys::new(b"secret".to_vec()),
        )
    }

    #[tokio::test]
    async fn a_client_spends_its_budget_by_cost_and_is_then_refused() {
        let limiter = limiter(100);
        let client = Client::Address("192.0.2.1".to_owned());
        let first = limiter.charge(&client, 60).await;
        assert!(first.allowed);
        assert_eq!(first.remaining, 40);
        let refused = limiter.charge(&client, 60).await;
        assert!(!refused.allowed, "60 more units do not fit in the 40 left");
        assert!(refused.retry_after_secs >= 1 && refused.retry_after_secs <= 13);
        assert!(
            limiter.charge(&client, 40).await.allowed,
            "a refused charge spends nothing"
        );
        let other = limiter.charge(&Client::Address("192.0.2.2".to_owned()), 100).await;
        assert!(other.allowed, "each client has its own budget");
    }

    #[test]
    fn api_keys_verify_only_with_the_right_signature() {
        let keys = ApiKeys::new(b"secret".to_vec());
        let minted = keys.mint("acme-brand").expect("minted");
        let key = minted.key.clone();
        assert!(minted.id.starts_with("acme-brand."), "{}", minted.id);
        assert_eq!(ApiKeys::id_of(&key), minted.id);
        assert_eq!(ApiKeys::id_of(&minted.id), minted.id);
        assert_eq!(keys.verify(&key).ok().as_deref(), Some("acme-brand"));
        assert!(keys.verify(&key.replace("acme", "evil")).is_err());
        assert!(ApiKeys::new(b"other".to_vec()).verify(&key).is_err());
        assert!(keys.verify("no-signature").is_err());
        assert!(keys.mint("bad name").is_err());

        // Revoking one key refuses it, with its own message, and leaves the partner's other keys.
        let second = keys.mint("acme-brand").expect("minted");
        assert_ne!(second.id, minted.id);
        keys.set_revoked([minted.id.clone()].into_iter().collect());
        let refused = keys.verify(&key).err().map(|error| error.message()).unwrap_or_default();
        assert!(refused.contains("revoked"), "{refused}");
        assert_eq!(keys.verify(&second.key).ok().as_deref(), Some("acme-brand"));
    }
}
