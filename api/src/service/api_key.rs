//! Revoking API keys. A revocation is a write like any other (admin only, under the write
//! lock, in the change log and the audit trail); every server keeps the set of revoked keys in
//! memory and refreshes it when it follows a revocation in the change log, so a key revoked
//! through one server is refused by all of them within a second.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{api_key_revocation, change_log};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use tokio::sync::broadcast;

use crate::changes::{self, Actor, Change};
use crate::{
    auth::Identity,
    error::{AppError, AppResult},
    ratelimit::ApiKeys,
};

/// The change-log entity of a revocation.
const ENTITY: &str = "api_key";

/// Revokes a key (given by its id, `<name>.<id>`, or as the whole key). Refused when it is
/// revoked already.
pub async fn revoke(
    db: &DatabaseConnection,
    identity: &Identity,
    key_or_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<api_key_revocation::Model> {
    let key_id = ApiKeys::id_of(key_or_id).to_owned();
    let valid = !key_id.is_empty()
        && key_id.len() <= 96
        && key_id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    if !valid {
        return Err(AppError::bad_input(
            "`keyId` is the id `directory api-key` printed (`<name>.<id>`), or the key itself",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::bad_input(
            "`reason` says in 1 to 500 characters why the key is revoked",
        ));
    }
    let txn = changes::begin_write(db).await?;
    let existing = api_key_revocation::Entity::find()
        .filter(api_key_revocation::Column::KeyId.eq(key_id.clone()))
        .one(&*txn)
        .await?;
    if let Some(existing) = existing {
        return Err(AppError::Conflict(format!(
            "API key `{key_id}` was revoked already, on {}",
            existing.revoked_at.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    let saved = api_key_revocation::ActiveModel {
        key_id: Set(key_id),
        revoked_at: Set(now),
        revoked_by: Set(identity.subject.clone()),
        reason: Set(reason.to_owned()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let change = Change {
        entity_type: ENTITY,
        entity_id: saved.id,
        operation: "revoke",
        before: None,
        after: serde_json::to_string(&serde_json::json!({
            "keyId": saved.key_id, "reason": saved.reason, "revokedAt": saved.revoked_at,
        }))
        .ok(),
    };
    changes::record(&txn, &Actor::from(identity), now, vec![change]).await?;
    txn.commit().await?;
    tracing::info!(key = %saved.key_id, by = %saved.revoked_by, "API key revoked");
    Ok(saved)
}

/// Every revoked key id.
pub async fn revoked_ids(db: &DatabaseConnection) -> AppResult<HashSet<String>> {
    let ids: Vec<String> = api_key_revocation::Entity::find()
        .select_only()
        .column(api_key_revocation::Column::KeyId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Loads the revoked keys, then keeps `keys` current by following the change log: reloaded on
/// each revocation, and whenever this follower fell behind the feed.
pub async fn follow(
    db: DatabaseConnection,
    keys: ApiKeys,
    mut feed: broadcast::Receiver<change_log::Model>,
) -> anyhow::Result<()> {
    keys.set_revoked(revoked_ids(&db).await?);
    tokio::spawn(async move {
        loop {
            let reload = match feed.recv().await {
                Ok(entry) => entry.entity_type == ENTITY,
                Err(broadcast::error::RecvError::Lagged(_)) => true,
                Err(broadcast::error::RecvError::Closed) => return,
            };
            if !reload {
                continue;
            }
            // Until the reload succeeds, the last known set stays in force.
            loop {
                match revoked_ids(&db).await {
                    Ok(ids) => {
                        keys.set_revoked(ids);
                        break;
                    }
                    Err(error) => {
                        tracing::warn!(error = ?error, "could not read revoked API keys; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        }
    });
    Ok(())
}
