//! Organisations and their public Employer Pays commitments.

use entity::{commitment, commitment_corridor, commitment_sector, organisation, organisation_identifier};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::json;

use super::{
    page::{self, Listing, PageArgs},
    recruiter::CorridorInput,
};
use crate::{
    error::{AppError, AppResult},
    vocab::{self, CommitmentScope, CommitmentStatus, OrganisationKind},
};

#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub country: Option<String>,
    pub kind: Option<Vec<OrganisationKind>>,
    pub sector: Option<String>,
    /// The organisation with this scheme-qualified identifier (`GB-COH-01234567`; the list
    /// code's case and surrounding spaces do not matter).
    pub identifier: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CommitmentFilter {
    /// Commitments covering this corridor.
    pub corridor: Option<CorridorInput>,
    /// Commitments covering this sector.
    pub sector: Option<String>,
    pub scope: Option<Vec<CommitmentScope>>,
    pub status: Option<Vec<CommitmentStatus>>,
    /// Commitments of organisations based in this country.
    pub country: Option<String>,
}

pub async fn organisations(
    db: &DatabaseConnection,
    filter: &OrganisationFilter,
    args: &PageArgs,
) -> AppResult<Listing<organisation::Model>> {
    let mut condition = Condition::all().add(organisation::Column::ArchivedAt.is_null());
    if let Some(country) = &filter.country {
        vocab::check_country(country).map_err(AppError::BadInput)?;
        condition = condition.add(organisation::Column::Country.eq(country.as_str()));
    }
    if let Some(kinds) = filter.kind.as_ref().filter(|kinds| !kinds.is_empty()) {
        condition = condition.add(organisation::Column::Kind.is_in(kinds.iter().map(|kind| kind.as_str())));
    }
    if let Some(sector) = &filter.sector {
        vocab::check_vocab(sector, "sector", vocab::SECTORS).map_err(AppError::BadInput)?;
        condition = condition.add(organisation::Column::Sector.eq(sector.as_str()));
    }
    if let Some(identifier) = &filter.identifier {
        let key = vocab::normalise_key(&vocab::normalise_org_identifier(identifier));
        let holders = Query::select()
            .column(organisation_identifier::Column::OrganisationId)
            .from(organisation_identifier::Entity)
            .and_where(organisation_identifier::Column::IdentifierKey.eq(key))
            .to_owned();
        condition = condition.add(organisation::Column::Id.in_subquery(holders));
    }
    let ordering = page::by_text_then_id(
        "organisation_name",
        Expr::col((organisation::Entity, organisation::Column::Name)),
        Expr::col((organisation::Entity, organisation::Column::Id)),
    );
    let select = organisation::Entity::find().filter(condition);
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.name), json!(row.id)]).await
}

/// Condition on `commitment` for those covering a corridor (either end may be open).
pub fn covering_corridor(corridor: &CorridorInput) -> AppResult<Condition> {
    corridor.validate()?;
    let mut covering = Query::select();
    covering
        .column(commitment_corridor::Column::CommitmentId)
        .from(commitment_corridor::Entity);
    if let Some(origin) = &corridor.origin {
        covering.and_where(commitment_corridor::Column::Origin.eq(origin.as_str()));
    }
    if let Some(destination) = &corridor.destination {
        covering.and_where(commitment_corridor::Column::Destination.eq(destination.as_str()));
    }
    Ok(Condition::all().add(Expr::col((commitment::Entity, commitment::Column::Id)).in_subquery(covering.to_owned())))
}

pub async fn commitments(
    db: &DatabaseConnection,
    filter: &CommitmentFilter,
    args: &PageArgs,
) -> AppResult<Listing<commitment::Model>> {
    let mut condition = Condition::all().add(commitment::Column::ArchivedAt.is_null());
    if let Some(corridor) = &filter.corridor {
        condition = condition.add(covering_corridor(corridor)?);
    }
    if let Some(sector) = &filter.sector {
        vocab::check_vocab(sector, "sector", vocab::SECTORS).map_err(AppError::BadInput)?;
        let covering = Query::select()
            .column(commitment_sector::Column::CommitmentId)
            .from(commitment_sector::Entity)
            .and_where(commitment_sector::Column::Sector.eq(sector.as_str()))
            .to_owned();
        condition = condition.add(Expr::col((commitment::Entity, commitment::Column::Id)).in_subquery(covering));
    }
    if let Some(scopes) = filter.scope.as_ref().filter(|scopes| !scopes.is_empty()) {
        condition = condition.add(commitment::Column::Scope.is_in(scopes.iter().map(|scope| scope.as_str())));
    }
    if let Some(statuses) = filter.status.as_ref().filter(|statuses| !statuses.is_empty()) {
        condition = condition.add(commitment::Column::Status.is_in(statuses.iter().map(|status| status.as_str())));
    }
    if let Some(country) = &filter.country {
        vocab::check_country(country).map_err(AppError::BadInput)?;
        let based_there = Query::select()
            .column(organisation::Column::Id)
            .from(organisation::Entity)
            .and_where(organisation::Column::Country.eq(country.as_str()))
            .to_owned();
        condition =
            condition.add(Expr::col((commitment::Entity, commitment::Column::OrganisationId)).in_subquery(based_there));
    }
    list(db, condition, args).await
}

/// Commitments matching `condition`, most recent first.
pub async fn list(
    db: &DatabaseConnection,
    condition: Condition,
    args: &PageArgs,
) -> AppResult<Listing<commitment::Model>> {
    let ordering = page::Ordering {
        name: "commitment_made_on".to_owned(),
        exprs: vec![
            Expr::col((commitment::Entity, commitment::Column::MadeOn)),
            Expr::col((commitment::Entity, commitment::Column::Id)),
        ],
        kinds: vec![page::KeyKind::Date, page::KeyKind::Int],
        descending: true,
    };
    let select = commitment::Entity::find().filter(condition);
    page::fetch(db, select, &ordering, args, |row| {
        vec![json!(row.made_on.to_string()), json!(row.id)]
    })
    .await
}
