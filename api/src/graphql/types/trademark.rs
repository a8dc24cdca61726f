use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::trademark_right;

use super::{Recruiter, enums, json_list};
use crate::{
    graphql,
    ids::{self, Kind},
    service::{
        standing,
        trademark::{MarkUse, MarkUseStatus},
    },
    vocab::{MarkRightStatus, Medium},
};

/// The right of a certified recruiter to display the certification mark.
pub struct MarkRight(pub trademark_right::Model);

#[Object]
impl MarkRight {
    pub(crate) async fn id(&self) -> ID {
        ID(ids::encode_id(Kind::TrademarkRight, self.0.id))
    }

    /// Stable identifier in the open-data format; references in imports and `save*` use it.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }

    /// Increases with every change; send it back as `expectedVersion` when you change the record.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn licence_number(&self) -> &str {
        &self.0.licence_number
    }

    async fn mark(&self) -> &str {
        &self.0.mark
    }

    async fn media(&self) -> Vec<enums::Medium> {
        json_list::<String>(&self.0.media)
            .iter()
            .filter_map(|medium| Medium::parse(medium))
            .map(Into::into)
            .collect()
    }

    /// Web domains allowed to display the mark.
    async fn domains(&self) -> Vec<String> {
        json_list(&self.0.domains)
    }

    async fn granted_on(&self) -> NaiveDate {
        self.0.granted_on
    }

    async fn expires_on(&self) -> Option<NaiveDate> {
        self.0.expires_on
    }

    /// The recorded status; see `inForce` for whether the right applies today.
    async fn status(&self) -> async_graphql::Result<enums::MarkRightStatus> {
        Ok(MarkRightStatus::stored(&self.0.status, "trademark_right.status")?.into())
    }

    /// Active, within its dates, and its recruiter certified today.
    async fn in_force(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(standing::right_in_force(&self.0, graphql::facts(ctx)?.today))
    }

    async fn recruiter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Recruiter>> {
        Ok(graphql::loaders(ctx)?
            .recruiter
            .load_one(self.0.recruiter_id)
            .await?
            .map(Recruiter))
    }
}

/// Whether a website may display the certification mark today, and for whom.
pub struct MarkUseVerification(pub MarkUse);

#[Object]
impl MarkUseVerification {
    /// The domain checked, normalised (no scheme, `www.` or path).
    async fn domain(&self) -> &str {
        &self.0.domain
    }

    async fn allowed(&self) -> bool {
        self.0.status == MarkUseStatus::Allowed
    }

    async fn status(&self) -> enums::MarkUseStatus {
        self.0.status.into()
    }

    /// A sentence a person can read.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    async fn recruiter(&self) -> Option<Recruiter> {
        self.0
            .recruiter
            .clone()
            .filter(|recruiter| recruiter.archived_at.is_none())
            .map(Recruiter)
    }

    async fn mark_right(&self) -> Option<MarkRight> {
        self.0.right.clone().map(MarkRight)
    }

    /// Set when the secretariat confirmed a report that this domain shows the mark falsely.
    async fn warning(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Option<String>> {
        let key = format!("domain:{}", self.0.domain);
        let report = crate::service::misuse::confirmed_for(crate::graphql::db(ctx)?, &[key]).await?;
        Ok(report.as_ref().map(crate::service::misuse::warning))
    }
}
