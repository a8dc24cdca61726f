use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::{commitment, organisation};

use super::{CorridorRef, enums, json_list};
use crate::{
    graphql,
    ids::{self, Kind},
    interchange::CorridorRecord,
    vocab::{CommitmentScope, CommitmentStatus, OrganisationKind},
};

/// A brand, supplier, employer or industry association.
#[derive(Clone)]
pub struct Organisation(pub organisation::Model);

#[Object]
impl Organisation {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Organisation, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> async_graphql::Result<enums::OrganisationKind> {
        Ok(OrganisationKind::stored(&self.0.kind, "organisation.kind")?.into())
    }

    async fn country(&self) -> &str {
        &self.0.country
    }

    async fn sector(&self) -> Option<&str> {
        self.0.sector.as_deref()
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// Scheme-qualified identifiers in the org-id.guide style (`GB-COH-01234567`), so other
    /// datasets can join. Empty where none is known.
    async fn identifiers(&self) -> Vec<String> {
        json_list(&self.0.identifiers)
    }

    /// Its public Employer Pays commitments, oldest first.
    #[graphql(
        complexity = "crate::graphql::limits::list_cost(crate::graphql::limits::typical::COMMITMENTS, child_complexity)"
    )]
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Commitment>> {
        let commitments = graphql::loaders(ctx)?
            .commitments
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(commitments.into_iter().map(Commitment).collect())
    }
}

/// A public commitment to the Employer Pays Principle: no worker pays recruitment fees or
/// related costs.
pub struct Commitment(pub commitment::Model);

#[Object]
impl Commitment {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::Commitment, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn framework(&self) -> &str {
        &self.0.framework
    }

    async fn scope(&self) -> async_graphql::Result<enums::CommitmentScope> {
        Ok(CommitmentScope::stored(&self.0.scope, "commitment.scope")?.into())
    }

    async fn sectors(&self) -> Vec<String> {
        json_list(&self.0.sectors)
    }

    async fn corridors(&self) -> Vec<CorridorRef> {
        json_list::<CorridorRecord>(&self.0.corridors)
            .into_iter()
            .map(CorridorRef::from)
            .collect()
    }

    async fn made_on(&self) -> NaiveDate {
        self.0.made_on
    }

    /// Address of the public statement.
    async fn statement_url(&self) -> Option<&str> {
        self.0.statement_url.as_deref()
    }

    async fn status(&self) -> async_graphql::Result<enums::CommitmentStatus> {
        Ok(CommitmentStatus::stored(&self.0.status, "commitment.status")?.into())
    }

    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        Ok(graphql::loaders(ctx)?
            .organisation
            .load_one(self.0.organisation_id)
            .await?
            .map(Organisation))
    }
}
