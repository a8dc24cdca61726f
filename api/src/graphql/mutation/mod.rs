//! Authenticated writes. Every mutation checks the caller's role, validates its input as an
//! import line would be, and runs in one transaction that also appends to the change log and
//! the audit trail.

mod certification;
pub(crate) mod inputs;
mod records;
mod trust;
mod voice;
mod webhook;

use async_graphql::{Context, ID, Object};

use crate::{
    auth::{Caller, Identity, Role},
    error::{AppError, AppResult},
    graphql,
    ids::{self, Kind},
    service::write,
};

#[derive(async_graphql::MergedObject, Default)]
pub struct Mutation(
    records::RecordMutation,
    certification::CertificationMutation,
    trust::TrustMutation,
    voice::VoiceMutation,
    ArchiveMutation,
    webhook::WebhookMutation,
    ApiKeyMutation,
);

#[derive(Default)]
struct ApiKeyMutation;

/// A revoked API key.
#[derive(async_graphql::SimpleObject)]
pub struct ApiKeyRevocation {
    /// `<name>.<id>`, as `directory api-key` printed it.
    pub key_id: String,
    pub revoked_at: chrono::DateTime<chrono::Utc>,
    pub revoked_by: String,
    pub reason: String,
}

#[Object]
impl ApiKeyMutation {
    /// Revokes one API key (admin): every server refuses it within about a second, while the
    /// partner's other keys keep working. `keyId` is the id `directory api-key` printed, or the
    /// key itself.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        key_id: String,
        reason: String,
    ) -> async_graphql::Result<ApiKeyRevocation> {
        let identity = require(ctx, &[Role::Admin])?;
        let now = graphql::facts(ctx)?.now;
        let revoked = crate::service::api_key::revoke(graphql::db(ctx)?, identity, &key_id, &reason, now).await?;
        Ok(ApiKeyRevocation {
            key_id: revoked.key_id,
            revoked_at: revoked.revoked_at,
            revoked_by: revoked.revoked_by,
            reason: revoked.reason,
        })
    }
}

/// The caller, if it holds one of `roles` (admin may do everything).
pub fn require<'a>(ctx: &Context<'a>, roles: &[Role]) -> AppResult<&'a Identity> {
    let caller = ctx
        .data::<Caller>()
        .map_err(|_| AppError::internal(anyhow::anyhow!("no caller in the request")))?;
    caller.require(roles)
}

#[derive(Default)]
struct ArchiveMutation;

#[Object]
impl ArchiveMutation {
    /// Archives a record: it leaves public results but stays in its history and the audit
    /// trail. Editors archive recruiters, organisations, commitments and training; certifiers
    /// their certifications and mark rights.
    async fn archive(&self, ctx: &Context<'_>, id: ID, expected_version: i32) -> async_graphql::Result<ID> {
        let (kind, key) = ids::decode_id(&id)?;
        let roles = match kind {
            Kind::Certification | Kind::TrademarkRight | Kind::Audit => &[Role::Certifier][..],
            _ => &[Role::Editor][..],
        };
        let identity = require(ctx, roles)?;
        let now = graphql::facts(ctx)?.now;
        write::archive(graphql::db(ctx)?, identity, kind, key, expected_version, now).await?;
        Ok(id)
    }
}
