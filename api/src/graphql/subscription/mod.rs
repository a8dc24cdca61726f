//! Live updates over WebSocket (graphql-transport-ws). Events come from the change log, which
//! every server follows, so a subscriber learns of a transition whichever server recorded it.

use std::collections::HashSet;

use async_graphql::{Context, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::{certification, change_log, status_change};
use futures_util::{Stream, StreamExt, future};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use crate::{
    changes::Feed,
    error::{AppError, AppResult},
    graphql::types::{Certification, Recruiter, enums},
    ids::{self, Kind},
    service::certification::CertificationStatus,
};

#[derive(Default)]
pub struct Subscription;

/// How many certification changes a resuming subscriber is sent from the log at most; one
/// further behind reads the history with queries and subscribes again from a recent sequence.
const MAX_REPLAY: u64 = 10_000;

/// The certification entries of the change log after `after`, in order, for a subscriber
/// that resumes.
async fn replay(db: &DatabaseConnection, after: i64) -> AppResult<Vec<change_log::Model>> {
    let entries = change_log::Entity::find()
        .filter(change_log::Column::Seq.gt(after))
        .filter(change_log::Column::EntityType.eq("certification"))
        .order_by_asc(change_log::Column::Seq)
        .limit(MAX_REPLAY + 1)
        .all(db)
        .await?;
    if entries.len() as u64 > MAX_REPLAY {
        return Err(AppError::FellBehind(format!(
            "more than {MAX_REPLAY} certification changes were recorded after sequence {after}: read their \
             history with queries, then subscribe again with a recent `after`"
        )));
    }
    Ok(entries)
}

/// The error that ends a subscription whose client could not keep up with the live feed.
fn fell_behind(missed: u64, last: i64) -> async_graphql::Error {
    AppError::FellBehind(format!(
        "this subscription fell {missed} changes behind and they were not sent: subscribe again with \
         `after: {last}` to receive every change since the last one sent"
    ))
    .into()
}

/// A certification moved along its lifecycle (or was created or archived).
pub struct CertificationEvent {
    sequence: i64,
    certification: certification::Model,
    recruiter: Option<entity::recruiter::Model>,
    change: Option<status_change::Model>,
    cause: String,
}

#[Object]
impl CertificationEvent {
    /// Position in the directory's change log: strictly increasing.
    async fn sequence(&self) -> i64 {
        self.sequence
    }

    async fn certification(&self) -> Certification {
        Certification(self.certification.clone())
    }

    async fn recruiter(&self) -> Option<Recruiter> {
        self.recruiter.clone().map(Recruiter)
    }

    /// The status before this transition (absent for a new application).
    async fn from(&self) -> Option<enums::CertificationStatus> {
        self.change
            .as_ref()
            .and_then(|change| change.from_status.as_deref())
            .and_then(CertificationStatus::parse)
            .map(Into::into)
    }

    /// The status this transition moved to (not the certification's status now: a later
    /// decision may already have moved it on).
    async fn to(&self) -> Option<enums::CertificationStatus> {
        let to = match &self.change {
            Some(change) => &change.to_status,
            None => &self.certification.status,
        };
        CertificationStatus::parse(to).map(Into::into)
    }

    async fn at(&self) -> Option<DateTime<Utc>> {
        self.change.as_ref().map(|change| change.at)
    }

    async fn reason_category(&self) -> Option<&str> {
        self.change.as_ref().map(|change| change.reason.as_str())
    }

    /// What moved: `decision`, `create`, `update`, `archive`, or `body_standing` when the
    /// certificate's certification body was approved, suspended or withdrawn (then `from`, `at`
    /// and `reasonCategory` are null: read `certification { bodyInGoodStanding body { status
    /// history } }`).
    async fn cause(&self) -> &str {
        &self.cause
    }
}

/// The event of one change-log entry. Its status change is the one recorded by that write (a
/// decision's status change carries the entry's own timestamp), not the latest one: by the time
/// a subscriber's stream gets to an entry, later writes may already have added more.
async fn event(db: &DatabaseConnection, entry: &change_log::Model) -> AppResult<Option<CertificationEvent>> {
    let (sequence, certification_id) = (entry.seq, entry.entity_id);
    let Some(certification) = certification::Entity::find_by_id(certification_id).one(db).await? else {
        return Ok(None);
    };
    let change = if entry.operation == "body_standing" {
        None
    } else {
        status_change::Entity::find()
            .filter(status_change::Column::CertificationId.eq(certification_id))
            .filter(status_change::Column::At.lte(entry.recorded_at))
            .order_by_desc(status_change::Column::At)
            .order_by_desc(status_change::Column::Id)
            .one(db)
            .await?
    };
    let recruiter = entity::recruiter::Entity::find_by_id(certification.recruiter_id)
        .one(db)
        .await?;
    Ok(Some(CertificationEvent {
        sequence,
        certification,
        recruiter,
        change,
        cause: entry.operation.clone(),
    }))
}

#[Subscription]
impl Subscription {
    /// Each certification change, for the given recruiters (all when absent), as it is
    /// recorded. With `after` (the `sequence` of the last event a client received) every
    /// change since is sent first, in order, then the live ones, so a client that reconnects
    /// misses nothing. A subscriber that falls too far behind gets a `FELL_BEHIND` error naming
    /// the sequence to resume after, and the stream ends: never a silent gap.
    async fn certification_changed(
        &self,
        ctx: &Context<'_>,
        recruiter_ids: Option<Vec<ID>>,
        after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<CertificationEvent>> + use<>> {
        let watched: Option<HashSet<i64>> = match recruiter_ids {
            Some(ids) => Some(
                ids.iter()
                    .map(|id| ids::decode_id_of(Kind::Recruiter, id))
                    .collect::<AppResult<_>>()?,
            ),
            None => None,
        };
        let feed = ctx
            .data::<Feed>()
            .map_err(|_| AppError::internal(anyhow::anyhow!("no change feed")))?;
        let db = ctx
            .data::<DatabaseConnection>()
            .map_err(|_| AppError::internal(anyhow::anyhow!("no database")))?
            .clone();
        // Counted against the client's share until the stream ends (over HTTP there is no
        // connection, and async-graphql does not run subscriptions there).
        let slot = ctx
            .data_opt::<crate::http::websocket::Connection>()
            .map(crate::http::websocket::Connection::start_subscription)
            .transpose()?;
        // Follow the feed before reading the backlog: what commits after the read is in the
        // feed, and entries in both are sent once (by sequence).
        let feed = BroadcastStream::new(feed.subscribe());
        let backlog = match after {
            Some(after) => replay(&db, after).await?,
            None => Vec::new(),
        };
        crate::metrics::SUBSCRIPTIONS_STARTED.inc();
        let live = feed.map(|entry| entry.map_err(|BroadcastStreamRecvError::Lagged(missed)| missed));
        let entries = futures_util::stream::iter(backlog.into_iter().map(Ok)).chain(live);
        // The last sequence passed on; after a gap, nothing more.
        let start = after.unwrap_or(i64::MIN);
        let in_order = entries
            .scan((start, false), |(last, ended), entry| {
                let next = match entry {
                    _ if *ended => None,
                    Ok(entry) if entry.seq <= *last => Some(None),
                    Ok(entry) => {
                        *last = entry.seq;
                        Some(Some(Ok(entry)))
                    }
                    Err(missed) => {
                        *ended = true;
                        Some(Some(Err(fell_behind(missed, *last))))
                    }
                };
                future::ready(next)
            })
            .filter_map(future::ready);
        Ok(in_order.filter_map(move |entry| {
            let _running = &slot;
            let db = db.clone();
            let watched = watched.clone();
            async move {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => return Some(Err(error)),
                };
                if entry.entity_type != "certification" {
                    return None;
                }
                let event = match event(&db, &entry).await {
                    Ok(event) => event?,
                    Err(error) => {
                        tracing::warn!(error = ?error, "could not load a certification event");
                        return None;
                    }
                };
                let wanted = watched
                    .as_ref()
                    .is_none_or(|watched| watched.contains(&event.certification.recruiter_id));
                wanted.then_some(Ok(event))
            }
        }))
    }
}
