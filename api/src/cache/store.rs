//! Where cached answers, persisted queries and rate-limit state live: Redis when `REDIS_URL`
//! is set (shared by every server of a deployment), this process's memory otherwise.
//!
//! Redis is an accelerator, never a dependency: every call has a short deadline, a failure is
//! logged and counted and answered as "not there", and after a failure Redis is left alone for
//! a moment (so a dead Redis costs requests nothing, not a timeout each). The
//! `ConnectionManager` reconnects by itself once Redis is back.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use actix_web::web::Bytes;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::metrics::Metrics;

/// How long one Redis call may take before the request goes on without it.
const REDIS_DEADLINE: Duration = Duration::from_millis(150);
/// After a Redis failure, how long to skip Redis before trying again.
const BACK_OFF: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub enum Store {
    Memory(moka::future::Cache<String, Bytes>),
    Redis(Arc<RedisStore>),
}

pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    /// Milliseconds since `epoch` before which Redis is not tried (0: try).
    skip_until: AtomicU64,
    epoch: Instant,
    metrics: Metrics,
}

impl Store {
    /// An in-process store holding at most `capacity_bytes` of values, each for at most `ttl`.
    pub fn memory(capacity_bytes: u64, ttl: Duration) -> Self {
        let cache = moka::future::Cache::builder()
            .max_capacity(capacity_bytes)
            .weigher(|key: &String, value: &Bytes| u32::try_from(key.len() + value.len()).unwrap_or(u32::MAX))
            .time_to_live(ttl.max(Duration::from_secs(1)))
            .build();
        Self::Memory(cache)
    }

    /// A Redis store. It connects lazily, so a server starts (and serves from the database)
    /// while Redis is down.
    pub fn redis(url: &str, prefix: &str, metrics: Metrics) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).map_err(|error| anyhow::anyhow!("REDIS_URL is not usable: {error}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(REDIS_DEADLINE))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|error| anyhow::anyhow!("cannot set up the Redis connection: {error}"))?;
        Ok(Self::Redis(Arc::new(RedisStore {
            connection,
            prefix: prefix.to_owned(),
            skip_until: AtomicU64::new(0),
            epoch: Instant::now(),
            metrics,
        })))
    }

    pub fn is_redis(&self) -> bool {
        matches!(self, Self::Redis(_))
    }

    pub async fn get(&self, key: &str) -> Option<Bytes> {
        match self {
            Self::Memory(cache) => cache.get(key).await,
            Self::Redis(redis) => {
                let value: Option<Vec<u8>> = redis.call(redis::cmd("GET").arg(redis.key(key))).await.flatten();
                value.map(Bytes::from)
            }
        }
    }

    /// Stores a value for `ttl` (in memory: for the store's own time to live).
    pub async fn set(&self, key: &str, value: Bytes, ttl: Duration) {
        match self {
            Self::Memory(cache) => cache.insert(key.to_owned(), value).await,
            Self::Redis(redis) => {
                let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                let _: Option<()> = redis
                    .call(
                        redis::cmd("SET")
                            .arg(redis.key(key))
                            .arg(value.as_ref())
                            .arg("PX")
                            .arg(millis),
                    )
                    .await;
            }
        }
    }

    /// Runs a Lua script in Redis; `None` when this is the memory store or Redis failed.
    pub async fn eval<T: redis::FromRedisValue>(
        &self,
        script: &redis::Script,
        keys: &[&str],
        args: &[String],
    ) -> Option<T> {
        let Self::Redis(redis) = self else {
            return None;
        };
        if redis.skipping() {
            return None;
        }
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(redis.key(key));
        }
        for arg in args {
            invocation.arg(arg);
        }
        let mut connection = redis.connection.clone();
        let outcome = tokio::time::timeout(REDIS_DEADLINE, invocation.invoke_async(&mut connection)).await;
        redis.settle(outcome)
    }
}

impl RedisStore {
    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    fn skipping(&self) -> bool {
        self.now_millis() < self.skip_until.load(Ordering::Relaxed)
    }

    fn now_millis(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn call<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Option<T> {
        if self.skipping() {
            return None;
        }
        let mut connection = self.connection.clone();
        let outcome = tokio::time::timeout(REDIS_DEADLINE, command.query_async(&mut connection)).await;
        self.settle(outcome)
    }

    /// Turns a call's outcome into a value, or into a logged, counted failure and a pause.
    fn settle<T>(&self, outcome: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>) -> Option<T> {
        let error = match outcome {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {} ms", REDIS_DEADLINE.as_millis()),
        };
        self.metrics.redis_errors.inc();
        let pause_until = self.now_millis() + u64::try_from(BACK_OFF.as_millis()).unwrap_or(1_000);
        let previous = self.skip_until.swap(pause_until, Ordering::Relaxed);
        if previous <= self.now_millis() {
            // Once per pause, not once per request.
            tracing::warn!(%error, "Redis unavailable; serving without it for a moment");
        }
        None
    }
}
