//! Finding recruiters: filters, orderings and lookups by id or slug.

use chrono::NaiveDate;
use entity::{recruiter, recruiter_corridor, recruiter_identifier, recruiter_language, recruiter_sector};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, Query},
};
use serde_json::{Value as Json, json};

use super::{
    certification::{self, CertificationStatus},
    page::{self, KeyKind, Listing, Ordering, PageArgs},
    standing,
};
use crate::{
    error::{AppError, AppResult},
    vocab::{self, CbpLevel},
};

/// An origin -> destination pair; either end may be left out to mean "any".
#[derive(Debug, Clone, Default)]
pub struct CorridorInput {
    /// Country of origin (ISO 3166-1 alpha-2).
    pub origin: Option<String>,
    /// Country of destination (ISO 3166-1 alpha-2).
    pub destination: Option<String>,
}

impl CorridorInput {
    pub fn validate(&self) -> AppResult<()> {
        if self.origin.is_none() && self.destination.is_none() {
            return Err(AppError::bad_input(
                "corridor needs an `origin`, a `destination` or both",
            ));
        }
        for code in self.origin.iter().chain(&self.destination) {
            vocab::check_country(code).map_err(AppError::BadInput)?;
        }
        Ok(())
    }
}

/// Checks the codes a recruiter filter (or search filter) may carry: country, corridor,
/// sectors and languages.
pub fn check_filter_codes(
    country: Option<&str>,
    corridor: Option<&CorridorInput>,
    sectors: &[String],
    languages: &[String],
) -> AppResult<()> {
    if let Some(country) = country {
        vocab::check_country(country).map_err(AppError::BadInput)?;
    }
    if let Some(corridor) = corridor {
        corridor.validate()?;
    }
    for sector in sectors {
        vocab::check_vocab(sector, "sector", vocab::SECTORS).map_err(AppError::BadInput)?;
    }
    for language in languages {
        vocab::check_language(language).map_err(AppError::BadInput)?;
    }
    Ok(())
}

/// Narrows a list of recruiters; every criterion given must hold.
#[derive(Debug, Clone, Default)]
pub struct RecruiterFilter {
    /// Country of registration (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Recruiters serving this corridor.
    pub corridor: Option<CorridorInput>,
    /// Recruiters serving any of these sectors.
    pub sectors: Option<Vec<String>>,
    /// Recruiters serving any of these languages (ISO 639-1).
    pub languages: Option<Vec<String>>,
    /// `true`: certified today (status and validity dates); `false`: not certified today.
    pub certified: Option<bool>,
    /// Recruiters holding a certification whose status today is one of these.
    pub certification_status: Option<Vec<CertificationStatus>>,
    /// Recruiters at one of these capacity-building levels.
    pub cbp_level: Option<Vec<CbpLevel>>,
    /// `true`: recruiters with a certificate in force (or suspended) whose next audit is
    /// overdue today; `false`: recruiters with none.
    pub audit_overdue: Option<bool>,
    /// Recruiters holding a live certification of this body (its global ID).
    pub certification_body: Option<String>,
}

impl RecruiterFilter {
    /// Checks every value and turns the filter into an SQL condition on `recruiter`.
    pub fn condition(&self, today: NaiveDate) -> AppResult<Condition> {
        use sea_orm::sea_query::ExprTrait;
        let id = || Expr::col((recruiter::Entity, recruiter::Column::Id));
        check_filter_codes(
            self.country.as_deref(),
            self.corridor.as_ref(),
            self.sectors.as_deref().unwrap_or_default(),
            self.languages.as_deref().unwrap_or_default(),
        )?;
        let mut condition = Condition::all().add(recruiter::Column::ArchivedAt.is_null());
        if let Some(country) = &self.country {
            condition = condition.add(recruiter::Column::Country.eq(country.as_str()));
        }
        if let Some(corridor) = &self.corridor {
            let mut serving = Query::select();
            serving
                .column(recruiter_corridor::Column::RecruiterId)
                .from(recruiter_corridor::Entity);
            if let Some(origin) = &corridor.origin {
                serving.and_where(recruiter_corridor::Column::Origin.eq(origin.as_str()));
            }
            if let Some(destination) = &corridor.destination {
                serving.and_where(recruiter_corridor::Column::Destination.eq(destination.as_str()));
            }
            condition = condition.add(id().in_subquery(serving.to_owned()));
        }
        if let Some(sectors) = self.sectors.as_ref().filter(|sectors| !sectors.is_empty()) {
            let serving = Query::select()
                .column(recruiter_sector::Column::RecruiterId)
                .from(recruiter_sector::Entity)
                .and_where(recruiter_sector::Column::Sector.is_in(sectors.iter().cloned()))
                .to_owned();
            condition = condition.add(id().in_subquery(serving));
        }
        if let Some(languages) = self.languages.as_ref().filter(|languages| !languages.is_empty()) {
            let speaking = Query::select()
                .column(recruiter_language::Column::RecruiterId)
                .from(recruiter_language::Entity)
                .and_where(recruiter_language::Column::Language.is_in(languages.iter().cloned()))
                .to_owned();
            condition = condition.add(id().in_subquery(speaking));
        }
        if let Some(certified) = self.certified {
            let column = (recruiter::Entity, recruiter::Column::CertifiedUntil);
            condition = condition.add(if certified {
                standing::in_force_condition(column, today)
            } else {
                standing::not_in_force_condition(column, today)
            });
        }
        if let Some(statuses) = self
            .certification_status
            .as_ref()
            .filter(|statuses| !statuses.is_empty())
        {
            condition = condition.add(id().in_subquery(certification::recruiters_with_status(statuses, today)));
        }
        if let Some(levels) = self.cbp_level.as_ref().filter(|levels| !levels.is_empty()) {
            condition = condition.add(recruiter::Column::CbpLevel.is_in(levels.iter().map(|level| level.as_str())));
        }
        if let Some(overdue) = self.audit_overdue {
            let holders = Query::select()
                .column(entity::certification::Column::RecruiterId)
                .from(entity::certification::Entity)
                .cond_where(crate::service::trust::audit_overdue_condition(today))
                .to_owned();
            condition = condition.add(if overdue {
                id().in_subquery(holders)
            } else {
                id().not_in_subquery(holders)
            });
        }
        if let Some(body) = &self.certification_body {
            let body_id = crate::ids::decode_id_of(crate::ids::Kind::CertificationBody, body)?;
            let holders = Query::select()
                .column(entity::certification::Column::RecruiterId)
                .from(entity::certification::Entity)
                .and_where(entity::certification::Column::BodyId.eq(body_id))
                .and_where(entity::certification::Column::ArchivedAt.is_null())
                .to_owned();
            condition = condition.add(id().in_subquery(holders));
        }
        Ok(condition)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecruiterOrderField {
    /// By legal name.
    #[default]
    Name,
    /// By country of registration, then legal name.
    Country,
    /// Most recently changed last (first with `DESC`).
    UpdatedAt,
    /// Recruiters certified today first, then by legal name.
    CertifiedFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RecruiterOrder {
    pub field: RecruiterOrderField,
    pub direction: OrderDirection,
}

fn ordering(order: RecruiterOrder, today: NaiveDate) -> Ordering {
    let column = |column: recruiter::Column| Expr::col((recruiter::Entity, column));
    let (name, exprs, kinds) = match order.field {
        RecruiterOrderField::Name => (
            "name",
            vec![column(recruiter::Column::LegalName), column(recruiter::Column::Id)],
            vec![KeyKind::Text, KeyKind::Int],
        ),
        RecruiterOrderField::Country => (
            "country",
            vec![
                column(recruiter::Column::Country),
                column(recruiter::Column::LegalName),
                column(recruiter::Column::Id),
            ],
            vec![KeyKind::Text, KeyKind::Text, KeyKind::Int],
        ),
        RecruiterOrderField::UpdatedAt => (
            "updated_at",
            vec![column(recruiter::Column::UpdatedAt), column(recruiter::Column::Id)],
            vec![KeyKind::Time, KeyKind::Int],
        ),
        RecruiterOrderField::CertifiedFirst => {
            // 0 for recruiters certified today, 1 for the others.
            let rank = Expr::case(
                standing::in_force_condition((recruiter::Entity, recruiter::Column::CertifiedUntil), today),
                0,
            )
            .finally(1);
            (
                "certified_first",
                vec![
                    rank.into(),
                    column(recruiter::Column::LegalName),
                    column(recruiter::Column::Id),
                ],
                vec![KeyKind::Int, KeyKind::Text, KeyKind::Int],
            )
        }
    };
    let descending = order.direction == OrderDirection::Desc;
    let direction = if descending { "desc" } else { "asc" };
    Ordering {
        name: format!("{name}_{direction}"),
        exprs,
        kinds,
        descending,
    }
}

/// One page of recruiters matching `filter`.
pub async fn list(
    db: &DatabaseConnection,
    filter: &RecruiterFilter,
    order: RecruiterOrder,
    args: &PageArgs,
    today: NaiveDate,
) -> AppResult<Listing<recruiter::Model>> {
    let select = recruiter::Entity::find().filter(filter.condition(today)?);
    let ordering = ordering(order, today);
    // The rank is computed in SQL from the row's standing; the cursor carries it.
    page::fetch(db, select, &ordering, args, |row| {
        let rank = if standing::in_force(row.certified_until, today) {
            0
        } else {
            1
        };
        sort_key(order.field, row, rank)
    })
    .await
}

fn sort_key(field: RecruiterOrderField, row: &recruiter::Model, rank: i64) -> Vec<Json> {
    match field {
        RecruiterOrderField::Name => vec![json!(row.legal_name), json!(row.id)],
        RecruiterOrderField::Country => {
            vec![json!(row.country), json!(row.legal_name), json!(row.id)]
        }
        RecruiterOrderField::UpdatedAt => vec![json!(row.updated_at.to_rfc3339()), json!(row.id)],
        RecruiterOrderField::CertifiedFirst => {
            vec![json!(rank), json!(row.legal_name), json!(row.id)]
        }
    }
}

/// How many recruiters match `filter`.
pub async fn count(db: &DatabaseConnection, filter: &RecruiterFilter, today: NaiveDate) -> AppResult<u64> {
    page::Counter::of(&recruiter::Entity::find().filter(filter.condition(today)?))
        .count(db)
        .await
}

pub async fn find_by_id(db: &DatabaseConnection, id: i64) -> AppResult<Option<recruiter::Model>> {
    Ok(recruiter::Entity::find_by_id(id)
        .filter(recruiter::Column::ArchivedAt.is_null())
        .one(db)
        .await?)
}

pub async fn find_by_external_id(db: &DatabaseConnection, external_id: &str) -> AppResult<Option<recruiter::Model>> {
    Ok(recruiter::Entity::find()
        .filter(recruiter::Column::ExternalId.eq(external_id))
        .one(db)
        .await?)
}

/// The listed recruiter with a scheme-qualified identifier (`NP-CRO-45995`), compared as
/// import stores it (list code in any case, spaces ignored).
pub async fn find_by_identifier(db: &DatabaseConnection, identifier: &str) -> AppResult<Option<recruiter::Model>> {
    let key = vocab::normalise_key(&vocab::normalise_org_identifier(identifier));
    let holders = sea_orm::sea_query::Query::select()
        .column(recruiter_identifier::Column::RecruiterId)
        .from(recruiter_identifier::Entity)
        .and_where(recruiter_identifier::Column::IdentifierKey.eq(key))
        .to_owned();
    Ok(recruiter::Entity::find()
        .filter(recruiter::Column::Id.in_subquery(holders))
        .filter(recruiter::Column::ArchivedAt.is_null())
        .one(db)
        .await?)
}

/// Looks a slug up case- and space-insensitively.
pub async fn find_by_slug(db: &DatabaseConnection, slug: &str) -> AppResult<Option<recruiter::Model>> {
    Ok(recruiter::Entity::find()
        .filter(recruiter::Column::SlugKey.eq(vocab::normalise_key(slug)))
        .filter(recruiter::Column::ArchivedAt.is_null())
        .one(db)
        .await?)
}

/// Whether the directory holds any recruiter yet (decides whether to load the sample).
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(recruiter::Entity::find()
        .select_only()
        .column(recruiter::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_none())
}
