//! What one client may hold open over WebSocket: a cap on connections and on running
//! subscriptions per client (its API key, else its address, as for rate limits), and an idle
//! timeout that closes a connection on which nothing runs and nothing is said.
//!
//! Operations on a connection go through the same guards as over HTTP (cost charged, limits and
//! time limit, "today" per operation: see `graphql::cost` and `graphql::limits`); this module
//! bounds what a connection holds while it is open.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use futures_util::Stream;

use crate::error::{AppError, AppResult};

/// Settings (`WS_MAX_CONNECTIONS`, `WS_MAX_SUBSCRIPTIONS`, `WS_IDLE_TIMEOUT`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connections_per_client: usize,
    pub subscriptions_per_client: usize,
    pub idle_timeout: Duration,
}

#[derive(Default)]
struct Held {
    connections: usize,
    subscriptions: usize,
}

/// What each client holds open on this server; shared by every worker.
#[derive(Clone)]
pub struct Registry {
    limits: Limits,
    held: Arc<Mutex<HashMap<String, Held>>>,
}

impl Registry {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            held: Arc::default(),
        }
    }

    pub fn idle_timeout(&self) -> Duration {
        self.limits.idle_timeout
    }

    fn with_held<T>(&self, client: &str, change: impl FnOnce(&mut Held) -> T) -> T {
        let mut held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = held.entry(client.to_owned()).or_default();
        let outcome = change(entry);
        if entry.connections == 0 && entry.subscriptions == 0 {
            held.remove(client);
        }
        outcome
    }

    /// A connection for `client`, or `RATE_LIMITED` when it holds its share already. The
    /// connection counts until the returned value is dropped (when the connection closes).
    pub fn open(&self, client: &str) -> AppResult<Connection> {
        let cap = self.limits.connections_per_client;
        let opened = self.with_held(client, |held| {
            if held.connections >= cap {
                return false;
            }
            held.connections += 1;
            true
        });
        if !opened {
            return Err(AppError::RateLimited(format!(
                "this client has {cap} WebSocket connections open already, the most it may: run several \
                 subscriptions over one connection, or close one first"
            )));
        }
        Ok(Connection {
            registry: self.clone(),
            client: client.to_owned(),
            running: Arc::default(),
        })
    }
}

/// One open connection: in its connection data, so subscriptions started on it find it. Drops
/// with the connection.
pub struct Connection {
    registry: Registry,
    client: String,
    /// Subscriptions running on this connection (the idle timeout waits while any runs).
    running: Arc<AtomicUsize>,
}

impl Connection {
    /// A running subscription, or `RATE_LIMITED` when the client runs its share already. It
    /// counts until the returned value is dropped (when the subscription's stream ends).
    pub fn start_subscription(&self) -> AppResult<Subscription> {
        let cap = self.registry.limits.subscriptions_per_client;
        let started = self.registry.with_held(&self.client, |held| {
            if held.subscriptions >= cap {
                return false;
            }
            held.subscriptions += 1;
            true
        });
        if !started {
            return Err(AppError::RateLimited(format!(
                "this client runs {cap} subscriptions already, the most it may: one subscription can watch \
                 many recruiters (`recruiterIds`), or complete one first"
            )));
        }
        self.running.fetch_add(1, Ordering::SeqCst);
        Ok(Subscription {
            registry: self.registry.clone(),
            client: self.client.clone(),
            running: self.running.clone(),
        })
    }

    /// The idle timeout for this connection's incoming messages.
    pub fn watch<S>(&self, incoming: S) -> IdleCutoff<S> {
        IdleCutoff {
            incoming,
            idle: self.registry.limits.idle_timeout,
            deadline: Box::pin(tokio::time::sleep(self.registry.limits.idle_timeout)),
            running: self.running.clone(),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.registry.with_held(&self.client, |held| {
            held.connections = held.connections.saturating_sub(1);
        });
    }
}

/// A running subscription's place in its client's share.
pub struct Subscription {
    registry: Registry,
    client: String,
    running: Arc<AtomicUsize>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
        self.registry.with_held(&self.client, |held| {
            held.subscriptions = held.subscriptions.saturating_sub(1);
        });
    }
}

/// The incoming side of a connection, ended (which closes the connection) once the client has
/// sent nothing for the idle timeout while no subscription runs on it.
pub struct IdleCutoff<S> {
    incoming: S,
    idle: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    running: Arc<AtomicUsize>,
}

impl<S: Stream + Unpin> Stream for IdleCutoff<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        if let Poll::Ready(item) = Pin::new(&mut this.incoming).poll_next(cx) {
            let next = tokio::time::Instant::now() + this.idle;
            this.deadline.as_mut().reset(next);
            return Poll::Ready(item);
        }
        while this.deadline.as_mut().poll(cx).is_ready() {
            if this.running.load(Ordering::SeqCst) == 0 {
                tracing::debug!("WebSocket connection closed after its idle timeout");
                return Poll::Ready(None);
            }
            let next = tokio::time::Instant::now() + this.idle;
            this.deadline.as_mut().reset(next);
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(connections: usize, subscriptions: usize) -> Registry {
        Registry::new(Limits {
            connections_per_client: connections,
            subscriptions_per_client: subscriptions,
            idle_timeout: Duration::from_secs(60),
        })
    }

    #[test]
    fn a_client_holds_at_most_its_share_and_gets_it_back_on_close() {
        let registry = registry(2, 3);
        let first = registry.open("a").expect("first");
        let second = registry.open("a").expect("second");
        let refused = registry.open("a").err().expect("third is refused");
        assert_eq!(refused.code(), "RATE_LIMITED");
        assert!(
            refused.message().contains("2 WebSocket connections"),
            "{}",
            refused.message()
        );
        // Another client has its own share.
        let _other = registry.open("b").expect("another client");
        drop(first);
        let _again = registry.open("a").expect("a slot came back");

        let subscriptions: Vec<_> = (0..3)
            .map(|_| second.start_subscription().expect("within the cap"))
            .collect();
        assert_eq!(
            second.start_subscription().err().map(|error| error.code()),
            Some("RATE_LIMITED")
        );
        drop(subscriptions);
        assert!(second.start_subscription().is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_ends_unless_a_subscription_runs() {
        use futures_util::StreamExt;
        let registry = Registry::new(Limits {
            connections_per_client: 4,
            subscriptions_per_client: 4,
            idle_timeout: Duration::from_secs(10),
        });
        let connection = registry.open("a").expect("open");
        let subscription = connection.start_subscription().expect("start");
        let mut incoming = connection.watch(futures_util::stream::pending::<u8>());
        // A running subscription keeps it open past the timeout...
        let waited = tokio::time::timeout(Duration::from_secs(25), incoming.next()).await;
        assert!(waited.is_err(), "closed while a subscription ran");
        // ...and once none runs, it closes within one more timeout.
        drop(subscription);
        let ended = tokio::time::timeout(Duration::from_secs(21), incoming.next()).await;
        assert_eq!(ended, Ok(None));
    }
}
