//! Live updates over WebSocket (graphql-transport-ws). Events come from the change log, which
//! every server follows, so a subscriber learns of a transition whichever server recorded it.

use std::collections::HashSet;

use async_graphql::{Context, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::{certification, change_log, status_change};
use futures_util::{Stream, StreamExt};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio_stream::wrappers::BroadcastStream;

use crate::{
    error::{AppError, AppResult},
    graphql::types::{Certification, Recruiter},
    ids::{self, Kind},
    search::Search,
    service::certification::CertificationStatus,
};

#[derive(Default)]
pub struct Subscription;

/// A certification moved along its lifecycle (or was created or archived).
pub struct CertificationEvent {
    sequence: i64,
    certification: certification::Model,
    recruiter: Option<entity::recruiter::Model>,
    change: Option<status_change::Model>,
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
    async fn from(&self) -> Option<CertificationStatus> {
        self.change
            .as_ref()
            .and_then(|change| change.from_status.as_deref())
            .and_then(CertificationStatus::parse)
    }

    /// The status this transition moved to (not the certification's status now: a later
    /// decision may already have moved it on).
    async fn to(&self) -> Option<CertificationStatus> {
        match &self.change {
            Some(change) => CertificationStatus::parse(&change.to_status),
            None => CertificationStatus::parse(&self.certification.status),
        }
    }

    async fn at(&self) -> Option<DateTime<Utc>> {
        self.change.as_ref().map(|change| change.at)
    }

    async fn reason_category(&self) -> Option<&str> {
        self.change.as_ref().map(|change| change.reason.as_str())
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
    let change = status_change::Entity::find()
        .filter(status_change::Column::CertificationId.eq(certification_id))
        .filter(status_change::Column::At.lte(entry.recorded_at))
        .order_by_desc(status_change::Column::At)
        .order_by_desc(status_change::Column::Id)
        .one(db)
        .await?;
    let recruiter = entity::recruiter::Entity::find_by_id(certification.recruiter_id)
        .one(db)
        .await?;
    Ok(Some(CertificationEvent {
        sequence,
        certification,
        recruiter,
        change,
    }))
}

#[Subscription]
impl Subscription {
    /// Each certification change, for the given recruiters (all when absent), as it is
    /// recorded.
    async fn certification_changed(
        &self,
        ctx: &Context<'_>,
        recruiter_ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<impl Stream<Item = CertificationEvent> + use<>> {
        let watched: Option<HashSet<i64>> = match recruiter_ids {
            Some(ids) => Some(
                ids.iter()
                    .map(|id| ids::decode_id_of(Kind::Recruiter, id))
                    .collect::<AppResult<_>>()?,
            ),
            None => None,
        };
        let search = ctx
            .data::<Search>()
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
        let feed = BroadcastStream::new(search.subscribe());
        crate::metrics::SUBSCRIPTIONS_STARTED.inc();
        Ok(feed.filter_map(move |entry| {
            let _running = &slot;
            let db = db.clone();
            let watched = watched.clone();
            async move {
                // A subscriber too slow to keep up misses entries rather than stalling others.
                let entry = entry.ok()?;
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
                wanted.then_some(event)
            }
        }))
    }
}
