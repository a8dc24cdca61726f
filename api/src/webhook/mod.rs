//! Signed webhooks: a partner registers a URL and the recruiters it watches, and every
//! certification transition of those recruiters is POSTed to it, signed with a secret only the
//! partner and the directory know (the worker in `worker.rs` queues and delivers them).
//!
//! Registering, rotating and deleting are writes like any other: validated, in one transaction
//! holding the write lock, audited and appended to the change log. The secret is shown once,
//! in the answer that created or rotated it, and is never part of the change log or the audit
//! trail.

pub mod address;
pub mod secrets;
pub mod worker;

use std::collections::BTreeSet;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use entity::{recruiter, webhook, webhook_delivery};
use hmac::{Hmac, Mac, digest::KeyInit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, sea_query::Expr,
};
use serde::Serialize;
use sha2::Sha256;

use crate::{
    auth::{Identity, Role},
    changes::{self, Actor, Change},
    error::{AppError, AppResult},
    ids::{self, Kind},
};

pub use worker::spawn;

/// The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub const SIGNATURE_HEADER: &str = "X-Directory-Signature";
/// The event's id: the same for every attempt and every webhook, so receivers can dedupe.
pub const EVENT_ID_HEADER: &str = "X-Directory-Event-Id";
/// 1 for the first attempt, 2 for the first retry...
pub const ATTEMPT_HEADER: &str = "X-Directory-Delivery-Attempt";

/// Keeps one partner from queueing unbounded work.
const MAX_WEBHOOKS_PER_OWNER: u64 = 25;
const MAX_WATCHED_RECRUITERS: usize = 1_000;
const MAX_URL_LENGTH: usize = 2_048;

/// Webhooks are not directory records (no `node(id:)`), but their IDs look the same.
const WEBHOOK_ID_KIND: &str = "Webhook";
const DELIVERY_ID_KIND: &str = "WebhookDelivery";

pub fn encode_webhook_id(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{WEBHOOK_ID_KIND}:{id}"))
}

pub fn encode_delivery_id(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{DELIVERY_ID_KIND}:{id}"))
}

pub fn decode_webhook_id(global_id: &str) -> AppResult<i64> {
    let malformed =
        || AppError::bad_input("malformed webhook id: use an `id` returned by `registerWebhook` or `webhooks`");
    let bytes = URL_SAFE_NO_PAD.decode(global_id.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    text.strip_prefix(&format!("v1:{WEBHOOK_ID_KIND}:"))
        .and_then(|number| number.parse::<i64>().ok())
        .ok_or_else(malformed)
}

/// A new signing secret: 32 random bytes, base64url, with a prefix that secret scanners and
/// people recognise. The whole string is the HMAC key.
fn new_secret() -> AppResult<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| AppError::internal(anyhow::anyhow!("no randomness: {error}")))?;
    Ok(format!("whsec_{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Hex HMAC-SHA256 of `"<timestamp>.<body>"`: signing the time with the body lets a receiver
/// refuse replays of an old, validly signed request.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The value of [`SIGNATURE_HEADER`]: one `v1=` per secret, the current one first (after a
/// rotation the previous secret signs too, for a grace period); a receiver accepts the request
/// when any of them matches its secret.
pub fn signature_header(secrets: &[String], timestamp: i64, body: &str) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&signature(secret, timestamp, body));
    }
    header
}

/// What is POSTed for one certification transition (the body, as JSON). Statuses are spelt as
/// in the GraphQL API.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Stable across attempts and webhooks: receivers dedupe on it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The change-log position that recorded the transition.
    pub sequence: i64,
    pub recruiter_id: String,
    pub certification_id: String,
    pub certificate_number: String,
    /// Absent for a new application.
    pub from: Option<String>,
    pub to: String,
    pub at: DateTime<Utc>,
    pub reason_category: String,
    /// Only in a `certification.body_standing_changed` event: whether the certificate's
    /// certification body is approved by the scheme now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_in_good_standing: Option<bool>,
}

pub const EVENT_TYPE: &str = "certification.status_changed";

/// The event of a certificate whose certification body was approved, suspended or withdrawn:
/// `to` is the certificate's own (unchanged) status, `reasonCategory` the body's decision.
pub const BODY_EVENT_TYPE: &str = "certification.body_standing_changed";

/// The recruiters a webhook watches (empty: all).
pub fn watched(model: &webhook::Model) -> Vec<i64> {
    crate::db::json_list(&model.recruiter_ids)
}

/// What the change log and the audit trail keep of a webhook: everything but its secret.
#[derive(Serialize)]
struct AuditImage<'a> {
    id: i64,
    owner: &'a str,
    owner_role: &'a str,
    url: &'a str,
    recruiter_ids: Vec<i64>,
    created_at: DateTime<Utc>,
    secret_rotated_at: Option<DateTime<Utc>>,
    disabled_at: Option<DateTime<Utc>>,
    disabled_reason: Option<&'a str>,
}

fn audit_image(model: &webhook::Model) -> Option<String> {
    serde_json::to_string(&AuditImage {
        id: model.id,
        owner: &model.owner_sub,
        owner_role: &model.owner_role,
        url: &model.url,
        recruiter_ids: watched(model),
        created_at: model.created_at,
        secret_rotated_at: model.secret_rotated_at,
        disabled_at: model.disabled_at,
        disabled_reason: model.disabled_reason.as_deref(),
    })
    .ok()
}

/// A receiver's address: absolute http(s), no user name or password (they would end up in
/// logs and in the audit trail), no fragment.
pub fn check_url(input: &str) -> AppResult<String> {
    let input = input.trim();
    if input.len() > MAX_URL_LENGTH {
        return Err(AppError::bad_input(format!(
            "`url` is longer than {MAX_URL_LENGTH} characters"
        )));
    }
    crate::vocab::check_url(input, "`url`").map_err(AppError::BadInput)?;
    let parsed = reqwest::Url::parse(input)
        .map_err(|error| AppError::bad_input(format!("`url` is not a valid address: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(AppError::bad_input("`url` must start with https:// or http://"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AppError::bad_input(
            "`url` must not contain a user name or password: the signature authenticates the directory",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(AppError::bad_input("`url` needs a host"));
    }
    if parsed.fragment().is_some() {
        return Err(AppError::bad_input("`url` must not contain a `#fragment`"));
    }
    Ok(parsed.to_string())
}

/// The webhooks a caller may see: its own, or all for an admin.
pub fn visible_to(identity: &Identity) -> Condition {
    if identity.role == Role::Admin {
        return Condition::all();
    }
    Condition::all()
        .add(webhook::Column::OwnerSub.eq(identity.subject.clone()))
        .add(webhook::Column::OwnerRole.eq(identity.role.as_str()))
}

/// A webhook the caller may see. Another partner's webhook is "not found", not "forbidden":
/// its existence is nobody else's business.
pub async fn find_visible(
    db: &impl sea_orm::ConnectionTrait,
    identity: &Identity,
    id: i64,
) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id)
        .filter(visible_to(identity))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no webhook with that id among yours".to_owned()))
}

/// A new webhook and its secret (the only time the secret is shown).
pub struct Registration {
    pub webhook: webhook::Model,
    pub secret: String,
}

/// Registers a receiver for the transitions of `recruiter_ids` (all recruiters when empty).
pub async fn register(
    db: &DatabaseConnection,
    keys: &secrets::SecretKeys,
    identity: &Identity,
    url: &str,
    allow_private: bool,
    recruiter_ids: Vec<i64>,
    now: DateTime<Utc>,
) -> AppResult<Registration> {
    let url = check_url(url)?;
    check_target(&url, allow_private)?;
    let recruiter_ids: Vec<i64> = recruiter_ids.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
    if recruiter_ids.len() > MAX_WATCHED_RECRUITERS {
        return Err(AppError::bad_input(format!(
            "a webhook watches at most {MAX_WATCHED_RECRUITERS} recruiters: register several, or leave `recruiterIds` out to watch all"
        )));
    }
    let secret = new_secret()?;
    let txn = changes::begin_write(db).await?;
    check_recruiters_exist(&*txn, &recruiter_ids).await?;
    check_room(&*txn, &identity.subject, identity.role.as_str()).await?;
    // Transitions recorded from now on; the cursor of the worker may still be behind.
    let created_seq = changes::latest_seq(&*txn).await?;
    let saved = webhook::ActiveModel {
        owner_sub: Set(identity.subject.clone()),
        owner_role: Set(identity.role.as_str().to_owned()),
        url: Set(url),
        secret: Set(keys.seal(&secret)?),
        recruiter_ids: Set(crate::db::to_json_text(&recruiter_ids)),
        created_seq: Set(created_seq),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let change = Change {
        entity_type: "webhook",
        entity_id: saved.id,
        operation: "create",
        before: None,
        after: audit_image(&saved),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    tracing::info!(webhook = saved.id, owner = %saved.owner_sub, "webhook registered");
    Ok(Registration { webhook: saved, secret })
}

/// The receiver's address may be sent to: not inside the deployment unless allowed.
fn check_target(url: &str, allow_private: bool) -> AppResult<()> {
    let parsed = reqwest::Url::parse(url).map_err(|error| AppError::bad_input(format!("`url`: {error}")))?;
    address::check_host(&parsed, allow_private).map_err(AppError::BadInput)
}

/// An owner holds at most `MAX_WEBHOOKS_PER_OWNER` live webhooks.
async fn check_room(txn: &impl sea_orm::ConnectionTrait, owner_sub: &str, owner_role: &str) -> AppResult<()> {
    let owned = webhook::Entity::find()
        .filter(webhook::Column::OwnerSub.eq(owner_sub))
        .filter(webhook::Column::OwnerRole.eq(owner_role))
        .filter(webhook::Column::DisabledAt.is_null())
        .count(txn)
        .await?;
    if owned >= MAX_WEBHOOKS_PER_OWNER {
        return Err(AppError::Conflict(format!(
            "{owned} webhooks are already live for this owner, the most allowed: delete one first"
        )));
    }
    Ok(())
}

/// Every id names a recruiter, or the registration is refused naming the unknown ones.
async fn check_recruiters_exist(txn: &impl sea_orm::ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    let mut found: BTreeSet<i64> = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<i64> = recruiter::Entity::find()
            .select_only()
            .column(recruiter::Column::Id)
            .filter(recruiter::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        found.extend(rows);
    }
    let unknown: Vec<String> = ids
        .iter()
        .filter(|id| !found.contains(id))
        .take(5)
        .map(|id| ids::encode_id(Kind::Recruiter, *id))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(AppError::bad_input(format!(
        "`recruiterIds` names recruiters that do not exist: {}",
        unknown.join(", ")
    )))
}

/// Stops deliveries to a webhook. Its row and delivery log stay (the audit trail refers to
/// them); queued deliveries are marked failed.
pub async fn delete(
    db: &DatabaseConnection,
    identity: &Identity,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<webhook::Model> {
    let txn = changes::begin_write(db).await?;
    let current = live(&*txn, identity, id).await?;
    let mut updated: webhook::ActiveModel = current.clone().into();
    updated.disabled_at = Set(Some(now));
    let saved = updated.update(&*txn).await?;
    fail_pending(&txn, id, "webhook deleted before delivery").await?;
    let change = Change {
        entity_type: "webhook",
        entity_id: id,
        operation: "delete",
        before: audit_image(&current),
        after: audit_image(&saved),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Marks a webhook's queued deliveries failed, saying why.
async fn fail_pending(txn: &sea_orm::DatabaseTransaction, id: i64, why: &str) -> AppResult<()> {
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(worker::FAILED))
        .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(why))
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .filter(webhook_delivery::Column::State.eq(worker::PENDING))
        .exec(txn)
        .await?;
    Ok(())
}

/// Disables a webhook whose receiver kept failing: nothing more is sent, its queued deliveries
/// are marked failed, and its owner sees why (`disabledReason`). Written like any other write:
/// under the write lock, in the change log and the audit trail, by the system.
pub async fn disable(db: &DatabaseConnection, id: i64, reason: String, now: DateTime<Utc>) -> AppResult<()> {
    let txn = changes::begin_write(db).await?;
    let Some(current) = webhook::Entity::find_by_id(id).one(&*txn).await? else {
        return Ok(());
    };
    if current.disabled_at.is_some() {
        return Ok(());
    }
    let mut updated: webhook::ActiveModel = current.clone().into();
    updated.disabled_at = Set(Some(now));
    updated.disabled_reason = Set(Some(reason.clone()));
    let saved = updated.update(&*txn).await?;
    fail_pending(&txn, id, "webhook disabled before delivery").await?;
    let change = Change {
        entity_type: "webhook",
        entity_id: id,
        operation: "disable",
        before: audit_image(&current),
        after: audit_image(&saved),
    };
    changes::record(&txn, &Actor::system("webhook-worker"), now, vec![change]).await?;
    txn.commit().await?;
    tracing::warn!(webhook = id, owner = %saved.owner_sub, %reason, "webhook disabled");
    Ok(())
}

/// Turns deliveries back on for a webhook the directory disabled (its receiver kept failing),
/// once its owner has mended the receiver. Only transitions recorded from now on are sent:
/// what happened while it was off stays in each certification's public history. A deleted
/// webhook stays deleted; an active one is answered as it is.
pub async fn enable(
    db: &DatabaseConnection,
    identity: &Identity,
    id: i64,
    allow_private: bool,
    now: DateTime<Utc>,
) -> AppResult<webhook::Model> {
    let txn = changes::begin_write(db).await?;
    let current = find_visible(&*txn, identity, id).await?;
    match (current.disabled_at, &current.disabled_reason) {
        (None, _) => return Ok(current),
        (Some(_), None) => return Err(AppError::NotFound("this webhook was deleted".to_owned())),
        (Some(_), Some(_)) => {}
    }
    // The rules may have changed since it was registered (e.g. private targets allowed then).
    check_target(&current.url, allow_private)?;
    check_room(&*txn, &current.owner_sub, &current.owner_role).await?;
    let mut updated: webhook::ActiveModel = current.clone().into();
    updated.disabled_at = Set(None);
    updated.disabled_reason = Set(None);
    updated.failures_in_a_row = Set(0);
    // Nothing recorded while it was off is sent now.
    updated.created_seq = Set(changes::latest_seq(&*txn).await?);
    let saved = updated.update(&*txn).await?;
    let change = Change {
        entity_type: "webhook",
        entity_id: id,
        operation: "enable",
        before: audit_image(&current),
        after: audit_image(&saved),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    tracing::info!(webhook = id, owner = %saved.owner_sub, "webhook enabled again");
    Ok(saved)
}

/// Replaces a webhook's secret; deliveries from now on (retries included) are signed with
/// the new one, and for `grace` also with the one it replaces.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    keys: &secrets::SecretKeys,
    identity: &Identity,
    id: i64,
    grace: std::time::Duration,
    now: DateTime<Utc>,
) -> AppResult<Registration> {
    let secret = new_secret()?;
    let txn = changes::begin_write(db).await?;
    let current = live(&*txn, identity, id).await?;
    let mut updated: webhook::ActiveModel = current.clone().into();
    updated.secret = Set(keys.seal(&secret)?);
    updated.secret_rotated_at = Set(Some(now));
    let grace = chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::zero());
    if grace > chrono::Duration::zero() {
        updated.previous_secret = Set(Some(current.secret.clone()));
        updated.previous_secret_until = Set(Some(now + grace));
    } else {
        updated.previous_secret = Set(None);
        updated.previous_secret_until = Set(None);
    }
    let saved = updated.update(&*txn).await?;
    let change = Change {
        entity_type: "webhook",
        entity_id: id,
        operation: "rotate_secret",
        before: audit_image(&current),
        after: audit_image(&saved),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    Ok(Registration { webhook: saved, secret })
}

async fn live(txn: &impl sea_orm::ConnectionTrait, identity: &Identity, id: i64) -> AppResult<webhook::Model> {
    let current = find_visible(txn, identity, id).await?;
    if current.disabled_at.is_some() {
        return Err(match &current.disabled_reason {
            Some(reason) => AppError::Conflict(format!(
                "this webhook was disabled ({reason}): mend the receiver, then call `enableWebhook`"
            )),
            None => AppError::NotFound("this webhook was deleted".to_owned()),
        });
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_a_known_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            expected,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // The signed text is "<t>.<body>".
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"whsec_x").unwrap();
        mac.update(b"1700000000.{\"a\":1}");
        let direct = hex::encode(mac.finalize().into_bytes());
        assert_eq!(signature("whsec_x", 1_700_000_000, "{\"a\":1}"), direct);
        // The same value as Python's `hmac.new(b"whsec_x", b'1700000000.{"a":1}', sha256)`.
        assert_eq!(
            direct,
            "b3438763ab46d9634b9844c8722818eaf523f803db1327484c6067462a5fd6d1"
        );
        assert_eq!(
            signature_header(&["whsec_x".to_owned()], 1_700_000_000, "{\"a\":1}"),
            format!("t=1700000000,v1={direct}")
        );
        // During a rotation's grace period: the new secret's signature first, then the old one's.
        let both = signature_header(
            &["whsec_new".to_owned(), "whsec_x".to_owned()],
            1_700_000_000,
            "{\"a\":1}",
        );
        assert!(
            both.starts_with("t=1700000000,v1=") && both.ends_with(&format!(",v1={direct}")),
            "{both}"
        );
    }

    #[test]
    fn urls_must_be_http_without_credentials() {
        assert_eq!(
            check_url(" https://hooks.example.org/directory?x=1 ").unwrap(),
            "https://hooks.example.org/directory?x=1"
        );
        assert!(check_url("http://127.0.0.1:9000/hook").is_ok());
        for bad in [
            "",
            "hooks.example.org",
            "ftp://hooks.example.org/",
            "https://user:pass@hooks.example.org/",
            "https://user@hooks.example.org/",
            "https:///path",
            "https://hooks.example.org/#frag",
            "https://exa mple.org/",
            "javascript:alert(1)",
        ] {
            let error = check_url(bad).unwrap_err();
            assert_eq!(error.code(), "BAD_USER_INPUT", "{bad}");
        }
    }

    #[test]
    fn webhook_ids_round_trip_and_are_not_record_ids() {
        let id = encode_webhook_id(7);
        assert_eq!(decode_webhook_id(&id).unwrap(), 7);
        assert!(decode_webhook_id(&ids::encode_id(Kind::Recruiter, 7)).is_err());
        assert!(decode_webhook_id("nope").is_err());
        assert!(ids::decode_id(&id).is_err());
    }

    #[test]
    fn secrets_are_random_and_url_safe() {
        let (first, second) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(first, second);
        let encoded = first.strip_prefix("whsec_").unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(encoded).unwrap().len(), 32);
    }
}
