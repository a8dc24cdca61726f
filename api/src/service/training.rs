//! Training providers and their listings.

use chrono::NaiveDate;
use entity::{
    training_listing, training_listing_language, training_provider, training_provider_country,
    training_provider_language,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Func, IntoColumnRef, Query},
};
use serde_json::json;

use super::page::{self, KeyKind, Listing, Ordering, PageArgs};
use crate::{
    error::{AppError, AppResult},
    vocab::{self, Audience, Delivery, Programme, ProviderKind},
};

#[derive(Debug, Clone, Default)]
pub struct TrainingProviderFilter {
    /// Providers working in this country.
    pub country: Option<String>,
    /// Providers teaching in this language (ISO 639-1).
    pub language: Option<String>,
    pub kind: Option<Vec<ProviderKind>>,
}

#[derive(Debug, Clone, Default)]
pub struct TrainingListingFilter {
    /// Listings held in this country.
    pub country: Option<String>,
    /// Listings held in any of these countries (a corridor's two ends, say).
    pub countries: Option<Vec<String>>,
    /// Listings taught in this language (ISO 639-1).
    pub language: Option<String>,
    pub programme: Option<Vec<Programme>>,
    pub audience: Option<Vec<Audience>>,
    pub delivery: Option<Vec<Delivery>>,
    /// Listings starting on or after this date.
    pub starts_after: Option<NaiveDate>,
    /// `true`: free listings only; `false`: paid only.
    pub free: Option<bool>,
}

/// `owner IN (SELECT owner_column FROM table WHERE value_column = value)`: a list-valued
/// field's filter, read from its join table's `(value, owner)` index.
pub(crate) fn listed_in<E: EntityTrait>(
    owner: impl IntoColumnRef,
    table: E,
    owner_column: E::Column,
    value_column: E::Column,
    value: &str,
) -> Condition {
    let holders = Query::select()
        .column(owner_column)
        .from(table)
        .and_where(Expr::col(value_column).eq(value))
        .to_owned();
    Condition::all().add(Expr::col(owner).in_subquery(holders))
}

pub async fn providers(
    db: &DatabaseConnection,
    filter: &TrainingProviderFilter,
    args: &PageArgs,
) -> AppResult<Listing<training_provider::Model>> {
    let mut condition = Condition::all().add(training_provider::Column::ArchivedAt.is_null());
    if let Some(country) = &filter.country {
        vocab::check_country(country).map_err(AppError::BadInput)?;
        condition = condition.add(listed_in(
            (training_provider::Entity, training_provider::Column::Id),
            training_provider_country::Entity,
            training_provider_country::Column::ProviderId,
            training_provider_country::Column::Country,
            country,
        ));
    }
    if let Some(language) = &filter.language {
        vocab::check_language(language).map_err(AppError::BadInput)?;
        condition = condition.add(listed_in(
            (training_provider::Entity, training_provider::Column::Id),
            training_provider_language::Entity,
            training_provider_language::Column::ProviderId,
            training_provider_language::Column::Language,
            language,
        ));
    }
    if let Some(kinds) = filter.kind.as_ref().filter(|kinds| !kinds.is_empty()) {
        condition = condition.add(training_provider::Column::Kind.is_in(kinds.iter().map(|kind| kind.as_str())));
    }
    let ordering = page::by_text_then_id(
        "provider_name",
        Expr::col((training_provider::Entity, training_provider::Column::Name)),
        Expr::col((training_provider::Entity, training_provider::Column::Id)),
    );
    let select = training_provider::Entity::find().filter(condition);
    page::fetch(db, select, &ordering, args, |row| vec![json!(row.name), json!(row.id)]).await
}

impl TrainingListingFilter {
    pub fn condition(&self) -> AppResult<Condition> {
        let mut condition = Condition::all().add(training_listing::Column::ArchivedAt.is_null());
        let mut countries: Vec<&String> = self.country.iter().collect();
        countries.extend(self.countries.iter().flatten());
        for country in &countries {
            vocab::check_country(country).map_err(AppError::BadInput)?;
        }
        if !countries.is_empty() {
            condition = condition.add(training_listing::Column::Country.is_in(countries.into_iter().cloned()));
        }
        if let Some(language) = &self.language {
            vocab::check_language(language).map_err(AppError::BadInput)?;
            condition = condition.add(listed_in(
                (training_listing::Entity, training_listing::Column::Id),
                training_listing_language::Entity,
                training_listing_language::Column::ListingId,
                training_listing_language::Column::Language,
                language,
            ));
        }
        if let Some(programmes) = self.programme.as_ref().filter(|values| !values.is_empty()) {
            condition =
                condition.add(training_listing::Column::Programme.is_in(programmes.iter().map(|value| value.as_str())));
        }
        if let Some(audiences) = self.audience.as_ref().filter(|values| !values.is_empty()) {
            condition =
                condition.add(training_listing::Column::Audience.is_in(audiences.iter().map(|value| value.as_str())));
        }
        if let Some(deliveries) = self.delivery.as_ref().filter(|values| !values.is_empty()) {
            condition =
                condition.add(training_listing::Column::Delivery.is_in(deliveries.iter().map(|value| value.as_str())));
        }
        if let Some(starts_after) = self.starts_after {
            condition = condition.add(training_listing::Column::StartsOn.gte(starts_after));
        }
        match self.free {
            Some(true) => condition = condition.add(training_listing::Column::FeeAmount.is_null()),
            Some(false) => condition = condition.add(training_listing::Column::FeeAmount.is_not_null()),
            None => {}
        }
        Ok(condition)
    }
}

/// Listings without a start date sort last (a date both databases compare correctly as text).
fn undated() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

pub async fn listings(
    db: &DatabaseConnection,
    filter: &TrainingListingFilter,
    args: &PageArgs,
) -> AppResult<Listing<training_listing::Model>> {
    let starts_on = Func::coalesce([
        Expr::col((training_listing::Entity, training_listing::Column::StartsOn)),
        Expr::val(undated()),
    ]);
    let ordering = Ordering {
        name: "listing_starts_on".to_owned(),
        exprs: vec![
            starts_on.into(),
            Expr::col((training_listing::Entity, training_listing::Column::Id)),
        ],
        kinds: vec![KeyKind::Date, KeyKind::Int],
        descending: false,
    };
    let select = training_listing::Entity::find().filter(filter.condition()?);
    page::fetch(db, select, &ordering, args, |row| {
        vec![json!(row.starts_on.unwrap_or_else(undated).to_string()), json!(row.id)]
    })
    .await
}
