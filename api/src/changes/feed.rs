//! One server's follower of the change log: its position, its search index, its subscribers.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use entity::change_log;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use tokio::sync::{Mutex, broadcast};

use crate::error::{AppError, AppResult};

/// How many change-log entries one step reads.
const ENTRIES_PER_STEP: u64 = 5_000;
/// Published entries a subscriber may be behind before it hears it fell behind.
const SUBSCRIBER_BUFFER: usize = 1_024;

/// The follower that must hold an entry before it is published: the search index.
pub trait Index: Send + Sync + 'static {
    /// Picks up an index replaced from outside (`directory reindex`), brought up to at least
    /// `published` before it is swapped in, so nothing this server already published goes
    /// missing from it and the feed never has to move back.
    fn refresh(&self, published: u64) -> BoxFuture<'_, AppResult<()>>;
    /// Applies entries, in order; applying one twice changes nothing.
    fn apply<'a>(&'a self, entries: &'a [change_log::Model]) -> BoxFuture<'a, AppResult<()>>;
}

/// Shared by every request of a server; cheap to clone.
#[derive(Clone)]
pub struct Feed {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    index: Arc<dyn Index>,
    /// The last entry applied and published.
    position: AtomicU64,
    /// One step at a time, so entries are published once and in order.
    step: Mutex<()>,
    published: broadcast::Sender<change_log::Model>,
}

impl Feed {
    /// A feed whose index already holds every entry up to `position`.
    pub fn new(db: DatabaseConnection, index: Arc<dyn Index>, position: u64) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                index,
                position: AtomicU64::new(position),
                step: Mutex::new(()),
                published: broadcast::channel(SUBSCRIBER_BUFFER).0,
            }),
        }
    }

    /// The generation: the change-log position this server has applied and published. Never
    /// moves backwards; never ahead of the search index.
    pub fn position(&self) -> u64 {
        self.inner.position.load(Ordering::Acquire)
    }

    /// Entries as this server publishes them, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<change_log::Model> {
        self.inner.published.subscribe()
    }

    /// Applies and publishes every entry committed so far. After this server's own write it
    /// returns once the write is searchable here and the generation has moved past it.
    pub async fn settle(&self) -> AppResult<()> {
        let _step = self.inner.step.lock().await;
        self.inner.index.refresh(self.position()).await?;
        loop {
            let entries = super::entries_after(&self.inner.db, self.position(), ENTRIES_PER_STEP).await?;
            let Some(last) = entries.last().map(|entry| entry.seq) else {
                return Ok(());
            };
            self.inner.index.apply(&entries).await?;
            self.inner
                .position
                .store(u64::try_from(last).unwrap_or(0), Ordering::Release);
            for entry in entries {
                // No subscriber is not an error.
                let _ = self.inner.published.send(entry);
            }
        }
    }

    /// Settles every `every`, so writes made elsewhere reach this server. A failing step is
    /// logged when a streak starts and when it ends, not every tick, and retried.
    pub fn spawn(&self, every: Duration) {
        use futures_util::FutureExt;
        let feed = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            let mut failing = false;
            loop {
                ticks.tick().await;
                // A panic in one step must not end the follower: the next tick retries.
                let outcome = std::panic::AssertUnwindSafe(feed.settle())
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| Err(AppError::internal(anyhow::anyhow!("change-feed step panicked"))));
                match outcome {
                    Ok(()) if failing => {
                        tracing::info!("following the change log works again");
                        failing = false;
                    }
                    Ok(()) => {}
                    Err(error) if !failing => {
                        tracing::warn!(error = ?error, "following the change log failed; retrying every tick");
                        failing = true;
                    }
                    Err(error) => tracing::debug!(error = ?error, "following the change log still fails"),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use sea_orm::{ActiveValue::Set, EntityTrait};

    use super::*;

    /// An index that records what it was given and can be told to fail or to have been
    /// replaced by a rebuild at some position.
    #[derive(Default)]
    struct Recorder {
        applied: StdMutex<Vec<i64>>,
        failing: std::sync::atomic::AtomicBool,
        refreshed_with: StdMutex<Vec<u64>>,
    }

    impl Index for Recorder {
        fn refresh(&self, published: u64) -> BoxFuture<'_, AppResult<()>> {
            self.refreshed_with.lock().unwrap().push(published);
            Box::pin(async { Ok(()) })
        }

        fn apply<'a>(&'a self, entries: &'a [change_log::Model]) -> BoxFuture<'a, AppResult<()>> {
            Box::pin(async move {
                if self.failing.load(Ordering::SeqCst) {
                    return Err(AppError::internal(anyhow::anyhow!("the disk is full")));
                }
                self.applied
                    .lock()
                    .unwrap()
                    .extend(entries.iter().map(|entry| entry.seq));
                Ok(())
            })
        }
    }

    async fn database() -> DatabaseConnection {
        use migration::MigratorTrait;
        // One connection: each connection to `:memory:` is a database of its own.
        let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).min_connections(1);
        let db = sea_orm::Database::connect(options).await.expect("database");
        migration::Migrator::up(&db, None).await.expect("migrate");
        db
    }

    async fn append(db: &DatabaseConnection, count: usize) {
        let rows = (0..count).map(|index| change_log::ActiveModel {
            entity_type: Set("recruiter".to_owned()),
            entity_id: Set(i64::try_from(index).unwrap() + 1),
            operation: Set("update".to_owned()),
            recorded_at: Set(chrono::Utc::now()),
            ..Default::default()
        });
        change_log::Entity::insert_many(rows).exec(db).await.expect("append");
    }

    #[tokio::test]
    async fn the_generation_follows_only_what_the_index_applied() {
        let db = database().await;
        let index = Arc::new(Recorder::default());
        let feed = Feed::new(db.clone(), index.clone(), 0);
        let mut published = feed.subscribe();
        append(&db, 3).await;
        assert_eq!(feed.position(), 0, "nothing applied yet");
        feed.settle().await.expect("settle");
        assert_eq!(feed.position(), 3);
        assert_eq!(*index.applied.lock().unwrap(), [1, 2, 3]);
        for seq in 1..=3 {
            assert_eq!(published.try_recv().expect("published").seq, seq);
        }

        // The index cannot be written: nothing is published and the generation stays where
        // the index is, however far the log goes.
        index.failing.store(true, Ordering::SeqCst);
        append(&db, 2).await;
        assert!(feed.settle().await.is_err());
        assert_eq!(feed.position(), 3, "never ahead of the index");
        assert!(
            published.try_recv().is_err(),
            "nothing published the index does not hold"
        );

        index.failing.store(false, Ordering::SeqCst);
        feed.settle().await.expect("settle");
        assert_eq!(feed.position(), 5);
        assert_eq!(
            *index.applied.lock().unwrap(),
            [1, 2, 3, 4, 5],
            "each entry once, in order"
        );
        assert_eq!(published.try_recv().expect("published").seq, 4);
        assert_eq!(published.try_recv().expect("published").seq, 5);
        assert_eq!(
            *index.refreshed_with.lock().unwrap(),
            [0, 3, 3],
            "a replaced index is asked to hold at least what was published"
        );
    }
}
