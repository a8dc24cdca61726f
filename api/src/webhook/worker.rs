//! The webhook worker: turns the change log into queued deliveries, and delivers them.
//!
//! Enqueueing follows the change log with a cursor kept in the database (`webhook_cursor`),
//! moved in the same transaction that inserts the deliveries, so an event is queued exactly
//! once whatever crashes; the broadcast feed of the search follower only wakes the worker
//! early. Delivering claims each due row with a lease (`locked_until`), so the servers of one
//! deployment never send the same row at the same time; a row stays queued until a receiver
//! answers 2xx or the attempts run out. Delivery is at least once: a server that dies after
//! the POST and before recording it sends again, and receivers dedupe on the event id.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{certification, change_log, status_change, webhook, webhook_cursor, webhook_delivery};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func, OnConflict},
};
use tokio::sync::broadcast;

use super::{ATTEMPT_HEADER, BODY_EVENT_TYPE, EVENT_ID_HEADER, EVENT_TYPE, Event, SIGNATURE_HEADER};
use crate::{
    changes,
    config::WebhookSettings,
    error::{AppError, AppResult},
    ids::{self, Kind},
};

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// The only row of `webhook_cursor`.
const CURSOR_ID: i32 = 1;
/// Status-history entries read per step of one enqueue transaction.
const CHANGES_PER_STEP: u64 = 1_000;
/// Due deliveries claimed (and sent concurrently) per round.
const DELIVERIES_PER_ROUND: u64 = 32;
/// A claim lasts `2 * timeout + LEASE_MARGIN`: long enough to send and record, short enough
/// that a row claimed by a server that died is sent again soon.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// The longest sleep between rounds, and the shortest.
const IDLE_WAIT: Duration = Duration::from_secs(10);
const SHORTEST_WAIT: Duration = Duration::from_millis(20);
const RETRY_AFTER_ERROR: Duration = Duration::from_secs(1);
/// How much of a receiver's error answer is kept in the delivery log.
const ERROR_EXCERPT: usize = 200;

fn millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Deliveries waiting to be sent (due now or retrying later), for `/metrics`.
pub async fn queue_depth(db: &DatabaseConnection) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(PENDING))
        .count(db)
        .await?)
}

/// Starts the worker on the current runtime. A round queues new transitions and sends due
/// deliveries; the worker then sleeps until the next delivery is due, until `feed` announces a
/// change-log entry (from this server or, within a second, any other), or for `IDLE_WAIT`,
/// which catches anything the feed missed.
pub fn spawn(
    db: DatabaseConnection,
    settings: WebhookSettings,
    keys: super::secrets::SecretKeys,
    feed: broadcast::Receiver<change_log::Model>,
) {
    let client = match reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
        // A redirect is not an acceptance: the partner fixes its URL instead.
        .redirect(reqwest::redirect::Policy::none())
        // Names resolve to public addresses only, and the connection goes to the checked ones.
        .dns_resolver(std::sync::Arc::new(super::address::PublicOnly {
            allow_private: settings.allow_private,
        }))
        .user_agent(concat!("directory-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(error = %error, "cannot build the webhook HTTP client: webhooks are not delivered");
            return;
        }
    };
    tokio::spawn(async move {
        let mut feed = Some(feed);
        loop {
            let mut failed = false;
            if let Err(error) = enqueue(&db).await {
                tracing::warn!(error = ?error, "could not queue webhook deliveries; will retry");
                failed = true;
            }
            if let Err(error) = deliver_due(&db, &client, &settings, &keys).await {
                tracing::warn!(error = ?error, "could not deliver webhooks; will retry");
                failed = true;
            }
            let wait = if failed {
                RETRY_AFTER_ERROR
            } else {
                match next_due(&db).await {
                    Ok(Some(due)) => Duration::from_millis(u64::try_from(due - millis(Utc::now())).unwrap_or(0))
                        .clamp(SHORTEST_WAIT, IDLE_WAIT),
                    Ok(None) => IDLE_WAIT,
                    Err(error) => {
                        tracing::warn!(error = ?error, "could not read the webhook queue; will retry");
                        RETRY_AFTER_ERROR
                    }
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                woken = next_change(&mut feed) => if !woken { feed = None },
            }
        }
    });
}

/// When the next pending delivery is due (epoch milliseconds): its next attempt, or the end of
/// the lease of a row another server is sending.
async fn next_due(db: &DatabaseConnection) -> AppResult<Option<i64>> {
    Ok(webhook_delivery::Entity::find()
        .select_only()
        .expr_as(
            Expr::cust("MIN(CASE WHEN locked_until > next_attempt_at THEN locked_until ELSE next_attempt_at END)"),
            "due",
        )
        .filter(webhook_delivery::Column::State.eq(PENDING))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten())
}

/// Waits for the next change-log entry, then drains the ones already waiting (one round of
/// work covers them all). False once the feed is closed; then only timers wake the worker.
async fn next_change(feed: &mut Option<broadcast::Receiver<change_log::Model>>) -> bool {
    let Some(receiver) = feed else {
        return std::future::pending().await;
    };
    match receiver.recv().await {
        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => loop {
            match receiver.try_recv() {
                Ok(_) | Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                Err(broadcast::error::TryRecvError::Empty) => return true,
                Err(broadcast::error::TryRecvError::Closed) => return false,
            }
        },
        Err(broadcast::error::RecvError::Closed) => false,
    }
}

/// A webhook as the enqueuer matches it.
struct Watcher {
    id: i64,
    created_seq: i64,
    /// Empty: every recruiter.
    recruiters: HashSet<i64>,
}

/// Queues one delivery per (watching webhook, status-history entry) recorded since the
/// cursor, and moves the cursor, in one transaction holding the directory's write lock: the
/// log cannot move meanwhile, and servers sharing the database take turns. Returns how many
/// deliveries were queued.
pub async fn enqueue(db: &DatabaseConnection) -> AppResult<usize> {
    // Cheap check first: most rounds find nothing new and take no lock.
    let latest = changes::latest_seq(db).await?;
    let cursor = webhook_cursor::Entity::find_by_id(CURSOR_ID).one(db).await?;
    if cursor.as_ref().is_some_and(|cursor| cursor.seq >= latest) {
        return Ok(0);
    }
    let txn = changes::begin_write(db).await?;
    let latest = changes::latest_seq(&*txn).await?;
    let newest_change: i64 = status_change::Entity::find()
        .select_only()
        .expr_as(Func::max(Expr::col(status_change::Column::Id)), "max")
        .into_tuple::<Option<i64>>()
        .one(&*txn)
        .await?
        .flatten()
        .unwrap_or(0);
    let now = Utc::now();
    // No cursor yet: the start of the log. Nothing older than a webhook is sent to it, so the
    // first round only moves the cursor, unless a webhook was registered before it ran.
    let cursor = match webhook_cursor::Entity::find_by_id(CURSOR_ID).one(&*txn).await? {
        Some(cursor) if cursor.seq >= latest => return Ok(0),
        Some(cursor) => cursor,
        None => {
            let start = webhook_cursor::Model {
                id: CURSOR_ID,
                seq: 0,
                status_change_id: 0,
                updated_at: now,
            };
            webhook_cursor::Entity::insert(webhook_cursor::ActiveModel::from(start.clone()))
                .exec_without_returning(&*txn)
                .await?;
            start
        }
    };
    let watchers: Vec<Watcher> = webhook::Entity::find()
        .filter(webhook::Column::DisabledAt.is_null())
        .filter(webhook::Column::CreatedSeq.lt(latest))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|hook| Watcher {
            id: hook.id,
            created_seq: hook.created_seq,
            recruiters: super::watched(&hook).into_iter().collect(),
        })
        .collect();
    let mut queued = 0;
    if !watchers.is_empty() {
        queued = queue_changes(&txn, &watchers, &cursor, latest, newest_change, now).await?;
        queued += queue_body_standing(&txn, &watchers, &cursor, latest, now).await?;
    }
    webhook_cursor::Entity::update_many()
        .col_expr(webhook_cursor::Column::Seq, Expr::value(latest))
        .col_expr(webhook_cursor::Column::StatusChangeId, Expr::value(newest_change))
        .col_expr(webhook_cursor::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_cursor::Column::Id.eq(CURSOR_ID))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    if queued > 0 {
        tracing::debug!(queued, up_to = latest, "queued webhook deliveries");
    }
    Ok(queued)
}

/// The status-history entries with ids in `(cursor, newest_change]` were all written by the
/// change-log entries in `(cursor, latest]` (both grow in commit order under the write lock).
async fn queue_changes(
    txn: &DatabaseTransaction,
    watchers: &[Watcher],
    cursor: &webhook_cursor::Model,
    latest: i64,
    newest_change: i64,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut attributed: HashMap<i64, i64> = HashMap::new();
    let mut after = cursor.status_change_id;
    let mut queued = 0;
    loop {
        let history = status_change::Entity::find()
            .filter(status_change::Column::Id.gt(after))
            .filter(status_change::Column::Id.lte(newest_change))
            .order_by_asc(status_change::Column::Id)
            .limit(CHANGES_PER_STEP)
            .all(txn)
            .await?;
        let Some(last) = history.last() else {
            break;
        };
        after = last.id;
        let certification_ids: Vec<i64> = history
            .iter()
            .map(|change| change.certification_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let certifications: HashMap<i64, (i64, String)> = certification::Entity::find()
            .select_only()
            .columns([
                certification::Column::Id,
                certification::Column::RecruiterId,
                certification::Column::CertificateNumber,
            ])
            .filter(certification::Column::Id.is_in(certification_ids.iter().copied()))
            .into_tuple::<(i64, i64, String)>()
            .all(txn)
            .await?
            .into_iter()
            .map(|(id, recruiter, number)| (id, (recruiter, number)))
            .collect();
        let mut entries: HashMap<i64, Vec<change_log::Model>> = HashMap::new();
        for entry in change_log::Entity::find()
            .filter(change_log::Column::EntityType.eq("certification"))
            .filter(change_log::Column::EntityId.is_in(certification_ids.iter().copied()))
            .filter(change_log::Column::Seq.gt(cursor.seq))
            .filter(change_log::Column::Seq.lte(latest))
            .order_by_asc(change_log::Column::Seq)
            .all(txn)
            .await?
        {
            entries.entry(entry.entity_id).or_default().push(entry);
        }
        let mut rows = Vec::new();
        for change in &history {
            let Some((recruiter_id, number)) = certifications.get(&change.certification_id) else {
                continue;
            };
            let recorded_by = entries.get(&change.certification_id).map(Vec::as_slice).unwrap_or(&[]);
            let floor = attributed.get(&change.certification_id).copied().unwrap_or(cursor.seq);
            let seq = attribute(change, recorded_by, floor).unwrap_or(latest);
            attributed.insert(change.certification_id, seq);
            let event = Event {
                id: format!("evt_{}", change.id),
                kind: EVENT_TYPE,
                sequence: seq,
                recruiter_id: ids::encode_id(Kind::Recruiter, *recruiter_id),
                certification_id: ids::encode_id(Kind::Certification, change.certification_id),
                certificate_number: number.clone(),
                from: change.from_status.as_deref().map(str::to_ascii_uppercase),
                to: change.to_status.to_ascii_uppercase(),
                at: change.at,
                reason_category: change.reason.clone(),
                body_in_good_standing: None,
            };
            let payload = serde_json::to_string(&event).map_err(AppError::internal)?;
            for watcher in watchers.iter().filter(|watcher| {
                seq > watcher.created_seq
                    && (watcher.recruiters.is_empty() || watcher.recruiters.contains(recruiter_id))
            }) {
                rows.push(webhook_delivery::ActiveModel {
                    webhook_id: Set(watcher.id),
                    seq: Set(seq),
                    status_change_id: Set(change.id),
                    event_id: Set(event.id.clone()),
                    payload: Set(payload.clone()),
                    state: Set(PENDING.to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(millis(now)),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
        queued += insert_deliveries(txn, &rows).await?;
    }
    Ok(queued)
}

/// Queues one delivery per (watching webhook, certificate whose body's approval moved) logged
/// since the cursor. Such an event has no status-history entry of its own: its delivery is
/// keyed by minus its change-log position, which no history entry's id can be.
async fn queue_body_standing(
    txn: &DatabaseTransaction,
    watchers: &[Watcher],
    cursor: &webhook_cursor::Model,
    latest: i64,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let entries = change_log::Entity::find()
        .filter(change_log::Column::EntityType.eq("certification"))
        .filter(change_log::Column::Operation.eq("body_standing"))
        .filter(change_log::Column::Seq.gt(cursor.seq))
        .filter(change_log::Column::Seq.lte(latest))
        .order_by_asc(change_log::Column::Seq)
        .all(txn)
        .await?;
    let mut queued = 0;
    for chunk in entries.chunks(CHANGES_PER_STEP as usize) {
        let ids: Vec<i64> = chunk.iter().map(|entry| entry.entity_id).collect();
        let certifications: HashMap<i64, certification::Model> = certification::Entity::find()
            .filter(certification::Column::Id.is_in(ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
        let body_ids: Vec<i64> = certifications.values().filter_map(|row| row.body_id).collect();
        let bodies: HashMap<i64, entity::certification_body::Model> = entity::certification_body::Entity::find()
            .filter(entity::certification_body::Column::Id.is_in(body_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
        let mut rows = Vec::new();
        for entry in chunk {
            let Some(certification) = certifications.get(&entry.entity_id) else {
                continue;
            };
            let Some(body) = certification.body_id.and_then(|id| bodies.get(&id)) else {
                continue;
            };
            let decision =
                crate::service::trust::stored_history(&body.status_history, "certification_body.status_history")?.pop();
            let event = Event {
                id: format!("evt_b{}", entry.seq),
                kind: BODY_EVENT_TYPE,
                sequence: entry.seq,
                recruiter_id: ids::encode_id(Kind::Recruiter, certification.recruiter_id),
                certification_id: ids::encode_id(Kind::Certification, certification.id),
                certificate_number: certification.certificate_number.clone(),
                from: None,
                to: certification.status.to_ascii_uppercase(),
                at: entry.recorded_at,
                reason_category: decision.map(|change| change.reason).unwrap_or_default(),
                body_in_good_standing: Some(crate::service::trust::in_good_standing(body)),
            };
            let payload = serde_json::to_string(&event).map_err(AppError::internal)?;
            for watcher in watchers.iter().filter(|watcher| {
                entry.seq > watcher.created_seq
                    && (watcher.recruiters.is_empty() || watcher.recruiters.contains(&certification.recruiter_id))
            }) {
                rows.push(webhook_delivery::ActiveModel {
                    webhook_id: Set(watcher.id),
                    seq: Set(entry.seq),
                    status_change_id: Set(-entry.seq),
                    event_id: Set(event.id.clone()),
                    payload: Set(payload.clone()),
                    state: Set(PENDING.to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(millis(now)),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
        queued += insert_deliveries(txn, &rows).await?;
    }
    Ok(queued)
}

/// Inserts deliveries, 500 a statement; one already queued for its (webhook, event) is kept as
/// it is, so following the same entry twice queues nothing twice. Returns how many were offered.
async fn insert_deliveries(txn: &DatabaseTransaction, rows: &[webhook_delivery::ActiveModel]) -> AppResult<usize> {
    for chunk in rows.chunks(500) {
        webhook_delivery::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    webhook_delivery::Column::WebhookId,
                    webhook_delivery::Column::StatusChangeId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(rows.len())
}

/// The change-log entry that wrote a status-history entry, among its certification's entries
/// at or after `floor` (the entry its previous history entry came from). A decision writes
/// one history entry stamped with the entry's own time; anything else (an application, a
/// save or an import that extends the history) is the next entry that is not a decision.
fn attribute(change: &status_change::Model, entries: &[change_log::Model], floor: i64) -> Option<i64> {
    let candidates = || entries.iter().filter(|entry| entry.seq >= floor);
    candidates()
        .find(|entry| entry.operation == "decision" && entry.recorded_at == change.at)
        .or_else(|| candidates().find(|entry| entry.operation != "decision"))
        .or_else(|| entries.last())
        .map(|entry| entry.seq)
}

/// A claimed delivery, ready to send.
struct Claimed {
    row: webhook_delivery::Model,
    url: String,
    /// The secrets that sign it: the current one, and the previous one during its grace period.
    secrets: Vec<String>,
    attempt: i32,
    lease: i64,
}

/// Claims and sends the deliveries that are due, concurrently.
async fn deliver_due(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    settings: &WebhookSettings,
    keys: &super::secrets::SecretKeys,
) -> AppResult<()> {
    let now = millis(Utc::now());
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(unlocked(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(DELIVERIES_PER_ROUND)
        .all(db)
        .await?;
    if due.is_empty() {
        return Ok(());
    }
    let hooks: HashMap<i64, webhook::Model> = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(due.iter().map(|row| row.webhook_id)))
        .filter(webhook::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|hook| (hook.id, hook))
        .collect();
    let lease = now + duration_millis(settings.timeout * 2 + LEASE_MARGIN);
    let mut sending = tokio::task::JoinSet::new();
    for row in due {
        let Some(hook) = hooks.get(&row.webhook_id) else {
            continue;
        };
        // Only the server whose UPDATE changes the row sends it.
        let claimed = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(lease))
            .col_expr(
                webhook_delivery::Column::Attempts,
                sea_orm::sea_query::ExprTrait::add(Expr::col(webhook_delivery::Column::Attempts), 1),
            )
            .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(Utc::now()))
            .filter(webhook_delivery::Column::Id.eq(row.id))
            .filter(webhook_delivery::Column::State.eq(PENDING))
            .filter(webhook_delivery::Column::Attempts.eq(row.attempts))
            .filter(unlocked(now))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let secrets = match signing_secrets(keys, hook) {
            Ok(secrets) => secrets,
            Err(reason) => {
                // The operator's to fix (a key was removed too early): nothing unsigned is sent.
                tracing::error!(webhook = hook.id, %reason, "cannot open a webhook secret; delivery held back");
                continue;
            }
        };
        let claim = Claimed {
            attempt: row.attempts + 1,
            url: hook.url.clone(),
            secrets,
            row,
            lease,
        };
        let (db, client, settings) = (db.clone(), client.clone(), settings.clone());
        sending.spawn(async move {
            let outcome = send(&client, &claim, settings.allow_private).await;
            if let Err(error) = record(&db, &settings, &claim, outcome).await {
                tracing::warn!(error = ?error, delivery = claim.row.id, "could not record a webhook delivery; it will be sent again");
            }
        });
    }
    while sending.join_next().await.is_some() {}
    Ok(())
}

/// The secrets a delivery is signed with now, opened.
fn signing_secrets(keys: &super::secrets::SecretKeys, hook: &webhook::Model) -> Result<Vec<String>, String> {
    let mut secrets = vec![keys.open(&hook.secret)?];
    if let (Some(previous), Some(until)) = (&hook.previous_secret, hook.previous_secret_until)
        && until > Utc::now()
    {
        secrets.push(keys.open(previous)?);
    }
    Ok(secrets)
}

/// Rows nobody holds a live lease on.
fn unlocked(now: i64) -> Condition {
    Condition::any()
        .add(webhook_delivery::Column::LockedUntil.is_null())
        .add(webhook_delivery::Column::LockedUntil.lt(now))
}

/// What a receiver answered: its status code (if it answered) and, unless 2xx, why not.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
}

async fn send(client: &reqwest::Client, claim: &Claimed, allow_private: bool) -> Outcome {
    // Address literals never reach the resolver: check them here, on every attempt.
    let checked = reqwest::Url::parse(&claim.url)
        .map_err(|error| error.to_string())
        .and_then(|url| super::address::check_host(&url, allow_private));
    if let Err(reason) = checked {
        return Outcome {
            status: None,
            error: Some(reason.replace("`url` points", "the receiver's address points")),
        };
    }
    let timestamp = Utc::now().timestamp();
    let response = client
        .post(&claim.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            SIGNATURE_HEADER,
            super::signature_header(&claim.secrets, timestamp, &claim.row.payload),
        )
        .header(EVENT_ID_HEADER, &claim.row.event_id)
        .header(ATTEMPT_HEADER, claim.attempt.to_string())
        .body(claim.row.payload.clone())
        .send()
        .await;
    match response {
        Ok(response) if response.status().is_success() => Outcome {
            status: Some(response.status().as_u16()),
            error: None,
        },
        // The receiver's body is never read back: whatever answered is not the partner's to see.
        Ok(response) => {
            let status = response.status();
            Outcome {
                status: Some(status.as_u16()),
                error: Some(format!("the receiver answered HTTP {status}")),
            }
        }
        Err(error) => Outcome {
            status: None,
            error: Some(describe(&error)),
        },
    }
}

/// A transport error in words a partner can act on (without the URL, which it knows).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "the receiver did not answer in time".to_owned();
    }
    if error.is_connect() {
        return "could not connect to the receiver".to_owned();
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    message.chars().take(ERROR_EXCERPT).collect()
}

/// Records an attempt: delivered, retried later, or given up. Only while the claim is still
/// ours (a row whose lease ran out may have been taken by another server).
async fn record(
    db: &DatabaseConnection,
    settings: &WebhookSettings,
    claim: &Claimed,
    outcome: Outcome,
) -> AppResult<()> {
    let now = Utc::now();
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(
            webhook_delivery::Column::LastStatus,
            Expr::value(outcome.status.map(i32::from)),
        )
        .col_expr(webhook_delivery::Column::LastError, Expr::value(outcome.error.clone()));
    if outcome.error.is_none() {
        update = update
            .col_expr(webhook_delivery::Column::State, Expr::value(DELIVERED))
            .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now));
    } else if u32::try_from(claim.attempt).unwrap_or(u32::MAX) >= settings.max_attempts {
        tracing::warn!(
            delivery = claim.row.id,
            webhook = claim.row.webhook_id,
            attempts = claim.attempt,
            "webhook delivery given up"
        );
        update = update.col_expr(webhook_delivery::Column::State, Expr::value(FAILED));
    } else {
        let wait = backoff(settings, claim.attempt);
        update = update.col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(millis(now) + duration_millis(wait)),
        );
    }
    let recorded = update
        .filter(webhook_delivery::Column::Id.eq(claim.row.id))
        .filter(webhook_delivery::Column::LockedUntil.eq(claim.lease))
        .exec(db)
        .await?;
    if recorded.rows_affected == 1 {
        let given_up =
            outcome.error.is_some() && u32::try_from(claim.attempt).unwrap_or(u32::MAX) >= settings.max_attempts;
        if outcome.error.is_none() {
            count_failures(db, claim.row.webhook_id, Expr::value(0)).await?;
        } else if given_up {
            let failures = count_failures(
                db,
                claim.row.webhook_id,
                sea_orm::sea_query::ExprTrait::add(Expr::col(webhook::Column::FailuresInARow), 1),
            )
            .await?;
            if failures >= i64::from(settings.disable_after.max(1)) {
                let reason = format!(
                    "{failures} deliveries in a row were given up after {} attempts each; the last: {}",
                    settings.max_attempts,
                    outcome.error.as_deref().unwrap_or("no answer")
                );
                super::disable(db, claim.row.webhook_id, reason, now).await?;
            }
        }
    }
    Ok(())
}

/// Sets a webhook's count of deliveries given up in a row; returns the new count.
async fn count_failures(
    db: &DatabaseConnection,
    webhook_id: i64,
    value: sea_orm::sea_query::SimpleExpr,
) -> AppResult<i64> {
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailuresInARow, value)
        .filter(webhook::Column::Id.eq(webhook_id))
        .exec(db)
        .await?;
    let count: Option<i32> = webhook::Entity::find_by_id(webhook_id)
        .select_only()
        .column(webhook::Column::FailuresInARow)
        .into_tuple()
        .one(db)
        .await?;
    Ok(i64::from(count.unwrap_or(0)))
}

/// `retry_base * 2^(attempt - 1)`, at most `retry_max`, plus up to a quarter more at random.
fn backoff(settings: &WebhookSettings, attempt: i32) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(30);
    let wait = settings
        .retry_base
        .saturating_mul(2_u32.saturating_pow(doublings))
        .min(settings.retry_max);
    let fraction = f64::from(getrandom::u32().unwrap_or(0)) / f64::from(u32::MAX);
    wait + wait.mul_f64(fraction / 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(base_ms: u64, max_ms: u64) -> WebhookSettings {
        WebhookSettings {
            retry_base: Duration::from_millis(base_ms),
            retry_max: Duration::from_millis(max_ms),
            max_attempts: 5,
            timeout: Duration::from_secs(1),
            allow_private: false,
            secret_grace: Duration::ZERO,
            disable_after: 5,
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let settings = settings(1_000, 10_000);
        for (attempt, base) in [
            (1, 1_000),
            (2, 2_000),
            (3, 4_000),
            (4, 8_000),
            (5, 10_000),
            (40, 10_000),
        ] {
            let wait = backoff(&settings, attempt).as_millis() as u64;
            assert!((base..=base + base / 4).contains(&wait), "attempt {attempt}: {wait} ms");
        }
    }

    fn entry(seq: i64, operation: &str, at: DateTime<Utc>) -> change_log::Model {
        change_log::Model {
            seq,
            entity_type: "certification".to_owned(),
            entity_id: 1,
            operation: operation.to_owned(),
            recorded_at: at,
        }
    }

    fn change(at: DateTime<Utc>) -> status_change::Model {
        status_change::Model {
            id: 1,
            certification_id: 1,
            from_status: None,
            to_status: "applicant".to_owned(),
            at,
            reason: "application_received".to_owned(),
            recorded_by: "secretariat".to_owned(),
            complaint_cases: "[]".to_owned(),
        }
    }

    #[test]
    fn history_entries_are_attributed_to_the_write_that_made_them() {
        let t = |seconds: i64| DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap();
        // An application, then two decisions, all between two rounds of the worker.
        let entries = [
            entry(10, "create", t(1)),
            entry(12, "decision", t(5)),
            entry(15, "decision", t(9)),
        ];
        assert_eq!(attribute(&change(t(0)), &entries, 9), Some(10));
        assert_eq!(attribute(&change(t(5)), &entries, 10), Some(12));
        assert_eq!(attribute(&change(t(9)), &entries, 12), Some(15));
        // A decision, then an import that adds history dated in the past.
        let entries = [entry(20, "decision", t(5)), entry(21, "update", t(6))];
        assert_eq!(attribute(&change(t(5)), &entries, 19), Some(20));
        assert_eq!(attribute(&change(t(-100)), &entries, 20), Some(21));
        // Several entries from one import go to that import.
        let entries = [entry(30, "create", t(1))];
        assert_eq!(attribute(&change(t(-5)), &entries, 29), Some(30));
        assert_eq!(attribute(&change(t(-4)), &entries, 30), Some(30));
        assert_eq!(attribute(&change(t(0)), &[], 0), None);
    }
}
