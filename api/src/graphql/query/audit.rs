use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use crate::{
    auth::Role,
    graphql::{
        self,
        mutation::require,
        types::{CountedConnection, connection},
    },
    ids::{self, Kind},
    service::page::{self, Ordering, PageArgs},
};

#[derive(Default)]
pub struct AuditQuery;

/// One recorded write: who, when, what, before and after. Admins only.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The token subject that wrote (or `system` work such as the sample data).
    pub actor: String,
    pub actor_role: String,
    /// e.g. `certification.decision`, `recruiter.update`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<ID>,
    /// JSON of the record before the write (absent when it was created).
    pub before: Option<String>,
    /// JSON of the record after the write.
    pub after: Option<String>,
}

fn kind_of(entity_type: &str) -> Option<Kind> {
    Some(match entity_type {
        "recruiter" => Kind::Recruiter,
        "certification" => Kind::Certification,
        "trademark_right" => Kind::TrademarkRight,
        "organisation" => Kind::Organisation,
        "commitment" => Kind::Commitment,
        "training_provider" => Kind::TrainingProvider,
        "training_listing" => Kind::TrainingListing,
        "certification_body" => Kind::CertificationBody,
        "auditor" => Kind::Auditor,
        "licensing_authority" => Kind::LicensingAuthority,
        "audit" => Kind::Audit,
        "support_service" => Kind::SupportService,
        "authorised_channel" => Kind::AuthorisedChannel,
        "complaint" => Kind::Complaint,
        "misuse_report" => Kind::MisuseReport,
        _ => return None,
    })
}

fn entity_type_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Recruiter => "recruiter",
        Kind::Certification => "certification",
        Kind::TrademarkRight => "trademark_right",
        Kind::Organisation => "organisation",
        Kind::Commitment => "commitment",
        Kind::TrainingProvider => "training_provider",
        Kind::TrainingListing => "training_listing",
        Kind::CertificationBody => "certification_body",
        Kind::Auditor => "auditor",
        Kind::LicensingAuthority => "licensing_authority",
        Kind::Audit => "audit",
        Kind::SupportService => "support_service",
        Kind::AuthorisedChannel => "authorised_channel",
        Kind::Complaint => "complaint",
        Kind::MisuseReport => "misuse_report",
    }
}

#[Object]
impl AuditQuery {
    /// The audit trail, newest first, optionally for one record (admins only).
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, None, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<AuditEntry>> {
        require(ctx, &[Role::Admin])?;
        let mut select = audit_log::Entity::find();
        if let Some(entity_id) = entity_id {
            let (kind, id) = ids::decode_id(&entity_id)?;
            select = select
                .filter(audit_log::Column::EntityType.eq(entity_type_of(kind)))
                .filter(audit_log::Column::EntityId.eq(id));
        }
        let ordering = Ordering::by_id(
            "audit_newest",
            Expr::col((audit_log::Entity, audit_log::Column::Id)),
            true,
        );
        let listing = page::fetch(
            graphql::db(ctx)?,
            select,
            &ordering,
            &PageArgs::forward(first, after),
            |row| vec![json!(row.id)],
        )
        .await?;
        Ok(connection(listing, |row| AuditEntry {
            at: row.at,
            actor: row.actor_sub,
            actor_role: row.actor_role,
            action: row.action,
            entity_id: kind_of(&row.entity_type)
                .zip(row.entity_id)
                .map(|(kind, id)| ID(ids::encode_id(kind, id))),
            entity_type: row.entity_type,
            before: row.before,
            after: row.after,
        }))
    }
}
