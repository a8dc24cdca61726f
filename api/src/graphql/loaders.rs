//! Batch loaders: nested lists cost one statement per level, whatever the page size.
//!
//! A fresh set is made for every request (see `Loaders::new`), so their caches never outlive
//! a request and never serve stale data.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    audit, audit_policy, auditor, authorised_channel, certification, certification_body, commitment, complaint,
    licence, licensing_authority, organisation, principle, recruiter, recruiter_partner, status_change,
    support_service, trademark_right, training_listing, training_provider,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;

/// Defines a loader of the rows of `$entity` whose `$parent` column is one of the keys.
macro_rules! children_loader {
    ($(#[$meta:meta])* $name:ident, $entity:ident, $parent:ident, $parent_field:ident, $order:ident $(, live: $archived:ident)?) => {
        $(#[$meta])*
        pub struct $name(DatabaseConnection);

        impl Loader<i64> for $name {
            type Value = Vec<$entity::Model>;
            type Error = AppError;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let select = $entity::Entity::find()
                    .filter($entity::Column::$parent.is_in(keys.iter().copied()))
                    .order_by_asc($entity::Column::$order)
                    .order_by_asc($entity::Column::Id);
                $(let select = select.filter($entity::Column::$archived.is_null());)?
                let mut grouped: HashMap<i64, Self::Value> = HashMap::new();
                for row in select.all(&self.0).await? {
                    grouped.entry(row.$parent_field).or_default().push(row);
                }
                Ok(grouped)
            }
        }
    };
}

/// Defines a loader of live (not archived) rows of `$entity` by primary key.
macro_rules! by_id_loader {
    ($name:ident, $entity:ident) => {
        pub struct $name(DatabaseConnection);

        impl Loader<i64> for $name {
            type Value = $entity::Model;
            type Error = AppError;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(keys.iter().copied()))
                    .filter($entity::Column::ArchivedAt.is_null())
                    .all(&self.0)
                    .await?;
                Ok(rows.into_iter().map(|row| (row.id, row)).collect())
            }
        }
    };
}

by_id_loader!(RecruiterById, recruiter);
by_id_loader!(OrganisationById, organisation);
by_id_loader!(ProviderById, training_provider);
by_id_loader!(ListingById, training_listing);
by_id_loader!(BodyById, certification_body);
by_id_loader!(AuditorById, auditor);
by_id_loader!(AuthorityById, licensing_authority);
by_id_loader!(ServiceById, support_service);
children_loader!(AuditsByCertification, audit, CertificationId, certification_id, StartedOn, live: ArchivedAt);
children_loader!(ComplaintsByRecruiter, complaint, RecruiterId, recruiter_id, Id);
children_loader!(ChannelsByRecruiter, authorised_channel, RecruiterId, recruiter_id, ValidFrom, live: ArchivedAt);

/// Every principle of every scheme; keyed by `()` so a request reads the small table once.
pub struct Principles(DatabaseConnection);

impl Loader<()> for Principles {
    type Value = Vec<principle::Model>;
    type Error = AppError;

    async fn load(&self, _: &[()]) -> Result<HashMap<(), Self::Value>, Self::Error> {
        let principles = principle::Entity::find()
            .order_by_asc(principle::Column::Scheme)
            .order_by_asc(principle::Column::Position)
            .all(&self.0)
            .await?;
        Ok(HashMap::from([((), principles)]))
    }
}
children_loader!(CertificationsByRecruiter, certification, RecruiterId, recruiter_id, Id, live: ArchivedAt);
children_loader!(
    HistoryByCertification,
    status_change,
    CertificationId,
    certification_id,
    At
);
children_loader!(LicencesByRecruiter, licence, RecruiterId, recruiter_id, Position);
children_loader!(RightsByRecruiter, trademark_right, RecruiterId, recruiter_id, Id, live: ArchivedAt);
children_loader!(CommitmentsByOrganisation, commitment, OrganisationId, organisation_id, MadeOn, live: ArchivedAt);
children_loader!(ListingsByProvider, training_listing, ProviderId, provider_id, StartsOn, live: ArchivedAt);

/// The recruiters at the other end of a partnership, in either direction.
pub struct PartnersOfRecruiter(DatabaseConnection);

impl Loader<i64> for PartnersOfRecruiter {
    type Value = Vec<i64>;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = recruiter_partner::Entity::find()
            .filter(
                Condition::any()
                    .add(recruiter_partner::Column::RecruiterId.is_in(keys.iter().copied()))
                    .add(recruiter_partner::Column::PartnerId.is_in(keys.iter().copied())),
            )
            .order_by_asc(recruiter_partner::Column::RecruiterId)
            .order_by_asc(recruiter_partner::Column::PartnerId)
            .all(&self.0)
            .await?;
        let mut partners: HashMap<i64, Vec<i64>> = HashMap::new();
        for row in rows {
            if keys.contains(&row.recruiter_id) {
                partners.entry(row.recruiter_id).or_default().push(row.partner_id);
            }
            if keys.contains(&row.partner_id) {
                partners.entry(row.partner_id).or_default().push(row.recruiter_id);
            }
        }
        // A partnership recorded from both ends is one partnership.
        for list in partners.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Ok(partners)
    }
}

/// Every audit policy; keyed by `()` so a request reads the small table at most once.
pub struct AuditPolicies(DatabaseConnection);

impl Loader<()> for AuditPolicies {
    type Value = Vec<audit_policy::Model>;
    type Error = AppError;

    async fn load(&self, _: &[()]) -> Result<HashMap<(), Self::Value>, Self::Error> {
        let policies = crate::service::certification::audit_policies(&self.0).await?;
        Ok(HashMap::from([((), policies)]))
    }
}

/// All loaders of one request.
pub struct Loaders {
    pub recruiter: DataLoader<RecruiterById>,
    pub organisation: DataLoader<OrganisationById>,
    pub provider: DataLoader<ProviderById>,
    pub listing: DataLoader<ListingById>,
    pub certifications: DataLoader<CertificationsByRecruiter>,
    pub history: DataLoader<HistoryByCertification>,
    pub licences: DataLoader<LicencesByRecruiter>,
    pub rights: DataLoader<RightsByRecruiter>,
    pub commitments: DataLoader<CommitmentsByOrganisation>,
    pub listings: DataLoader<ListingsByProvider>,
    pub partners: DataLoader<PartnersOfRecruiter>,
    pub policies: DataLoader<AuditPolicies>,
    pub body: DataLoader<BodyById>,
    pub auditor: DataLoader<AuditorById>,
    pub authority: DataLoader<AuthorityById>,
    pub audits: DataLoader<AuditsByCertification>,
    pub principles: DataLoader<Principles>,
    pub channels: DataLoader<ChannelsByRecruiter>,
    pub service: DataLoader<ServiceById>,
    pub complaints: DataLoader<ComplaintsByRecruiter>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        fn loader<L: Loader<K>, K: Send + Sync + std::hash::Hash + Eq + Clone + 'static>(inner: L) -> DataLoader<L> {
            DataLoader::new(inner, tokio::spawn)
        }
        Self {
            recruiter: loader(RecruiterById(db.clone())),
            organisation: loader(OrganisationById(db.clone())),
            provider: loader(ProviderById(db.clone())),
            listing: loader(ListingById(db.clone())),
            certifications: loader(CertificationsByRecruiter(db.clone())),
            history: loader(HistoryByCertification(db.clone())),
            licences: loader(LicencesByRecruiter(db.clone())),
            rights: loader(RightsByRecruiter(db.clone())),
            commitments: loader(CommitmentsByOrganisation(db.clone())),
            listings: loader(ListingsByProvider(db.clone())),
            partners: loader(PartnersOfRecruiter(db.clone())),
            policies: loader(AuditPolicies(db.clone())),
            body: loader(BodyById(db.clone())),
            auditor: loader(AuditorById(db.clone())),
            authority: loader(AuthorityById(db.clone())),
            audits: loader(AuditsByCertification(db.clone())),
            principles: loader(Principles(db.clone())),
            channels: loader(ChannelsByRecruiter(db.clone())),
            service: loader(ServiceById(db.clone())),
            complaints: loader(ComplaintsByRecruiter(db.clone())),
        }
    }
}
