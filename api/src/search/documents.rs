//! Turns database records into search documents, in batches (a fixed number of queries per
//! batch, whatever its size).

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{certification, licence, organisation, recruiter, trademark_right, training_listing, training_provider};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use search_index::{Document, RecordType};

use crate::{
    db::json_list,
    error::AppResult,
    interchange::CorridorRecord,
    service::certification::{CertificationStatus, stored_status},
};

/// A date as the index keeps it: days since 1970-01-01 (at least 1; 0 means "no date").
pub fn day_number(date: NaiveDate) -> u64 {
    let days = date.signed_duration_since(NaiveDate::default()).num_days();
    u64::try_from(days).unwrap_or(0).max(1)
}

pub fn key(record_type: RecordType, id: i64) -> String {
    format!("{}:{id}", record_type.as_str())
}

/// Documents for live recruiters among `ids`; missing or archived ones are absent.
pub async fn recruiters(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Document>> {
    let rows = recruiter::Entity::find()
        .filter(recruiter::Column::Id.is_in(ids.iter().copied()))
        .filter(recruiter::Column::ArchivedAt.is_null())
        .all(db)
        .await?;
    let mut certifications: HashMap<i64, Vec<certification::Model>> = HashMap::new();
    for row in certification::Entity::find()
        .filter(certification::Column::RecruiterId.is_in(ids.iter().copied()))
        .filter(certification::Column::ArchivedAt.is_null())
        .all(db)
        .await?
    {
        certifications.entry(row.recruiter_id).or_default().push(row);
    }
    let mut licences: HashMap<i64, Vec<String>> = HashMap::new();
    for row in licence::Entity::find()
        .filter(licence::Column::RecruiterId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        licences.entry(row.recruiter_id).or_default().push(row.licence_number);
    }
    for row in trademark_right::Entity::find()
        .filter(trademark_right::Column::RecruiterId.is_in(ids.iter().copied()))
        .filter(trademark_right::Column::ArchivedAt.is_null())
        .all(db)
        .await?
    {
        licences.entry(row.recruiter_id).or_default().push(row.licence_number);
    }
    // A handful of bodies: read whole, for the body facet.
    let body_names: HashMap<i64, String> = entity::certification_body::Entity::find()
        .filter(entity::certification_body::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|body| (body.id, body.external_id))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let held = certifications.remove(&row.id).unwrap_or_default();
            let recorded_certified = || {
                held.iter()
                    .filter(|certification| stored_status(certification) == CertificationStatus::Certified)
            };
            let mut document = Document::new(
                RecordType::Recruiter,
                row.id,
                key(RecordType::Recruiter, row.id),
                row.legal_name.clone(),
            );
            document.names = json_list::<String>(&row.trading_names)
                .into_iter()
                .chain(json_list::<String>(&row.former_names))
                .collect();
            document.identifiers = std::iter::once(row.slug.clone())
                .chain(
                    held.iter()
                        .map(|certification| certification.certificate_number.clone()),
                )
                .chain(licences.remove(&row.id).unwrap_or_default())
                .chain(json_list::<String>(&row.identifiers))
                .collect();
            document.body = [row.city.clone(), row.description.clone()]
                .into_iter()
                .flatten()
                .collect();
            document.country = Some(row.country.clone());
            document.corridors = json_list::<CorridorRecord>(&row.corridors)
                .into_iter()
                .map(|corridor| (corridor.origin, corridor.destination))
                .collect();
            document.sectors = json_list(&row.sectors);
            document.languages = json_list(&row.languages);
            // The standing as dates: each search compares them with its own day.
            document.certified_until = row.certified_until.map_or(0, day_number);
            document.earliest_certified_expiry = recorded_certified()
                .map(|certification| certification.expires_on.map_or(1, day_number))
                .min()
                .unwrap_or(0);
            let mut status_names: Vec<String> = held
                .iter()
                .map(|certification| stored_status(certification).as_str().to_owned())
                .collect();
            status_names.sort();
            status_names.dedup();
            document.certification_statuses = status_names;
            let mut bodies: Vec<String> = held
                .iter()
                .filter_map(|certification| certification.body_id)
                .filter_map(|body_id| body_names.get(&body_id).cloned())
                .collect();
            bodies.sort();
            bodies.dedup();
            document.certification_bodies = bodies;
            document
        })
        .collect())
}

pub async fn organisations(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Document>> {
    let rows = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .filter(organisation::Column::ArchivedAt.is_null())
        .all(db)
        .await?;
    let mut commitments: HashMap<i64, Vec<entity::commitment::Model>> = HashMap::new();
    for row in entity::commitment::Entity::find()
        .filter(entity::commitment::Column::OrganisationId.is_in(ids.iter().copied()))
        .filter(entity::commitment::Column::ArchivedAt.is_null())
        .all(db)
        .await?
    {
        commitments.entry(row.organisation_id).or_default().push(row);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let held = commitments.remove(&row.id).unwrap_or_default();
            let mut document = Document::new(
                RecordType::Organisation,
                row.id,
                key(RecordType::Organisation, row.id),
                row.name.clone(),
            );
            document.body = held.iter().map(|commitment| commitment.framework.clone()).collect();
            document.identifiers = json_list(&row.identifiers);
            document.country = Some(row.country.clone());
            document.sectors = row
                .sector
                .iter()
                .cloned()
                .chain(
                    held.iter()
                        .flat_map(|commitment| json_list::<String>(&commitment.sectors)),
                )
                .collect();
            document.sectors.sort();
            document.sectors.dedup();
            document.corridors = held
                .iter()
                .flat_map(|commitment| json_list::<CorridorRecord>(&commitment.corridors))
                .map(|corridor| (corridor.origin, corridor.destination))
                .collect();
            document.corridors.sort();
            document.corridors.dedup();
            document
        })
        .collect())
}

pub async fn providers(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Document>> {
    let rows = training_provider::Entity::find()
        .filter(training_provider::Column::Id.is_in(ids.iter().copied()))
        .filter(training_provider::Column::ArchivedAt.is_null())
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut document = Document::new(
                RecordType::TrainingProvider,
                row.id,
                key(RecordType::TrainingProvider, row.id),
                row.name.clone(),
            );
            document.countries = json_list(&row.countries);
            document.languages = json_list(&row.languages);
            document.body = row.website.iter().cloned().collect();
            document
        })
        .collect())
}

pub async fn listings(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Document>> {
    let rows = training_listing::Entity::find()
        .filter(training_listing::Column::Id.is_in(ids.iter().copied()))
        .filter(training_listing::Column::ArchivedAt.is_null())
        .all(db)
        .await?;
    let provider_ids: Vec<i64> = rows.iter().map(|row| row.provider_id).collect();
    let provider_names: HashMap<i64, String> = training_provider::Entity::find()
        .filter(training_provider::Column::Id.is_in(provider_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|provider| (provider.id, provider.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut document = Document::new(
                RecordType::TrainingListing,
                row.id,
                key(RecordType::TrainingListing, row.id),
                row.title.clone(),
            );
            document.body = [
                Some(row.programme.replace('_', " ")),
                row.city.clone(),
                provider_names.get(&row.provider_id).cloned(),
            ]
            .into_iter()
            .flatten()
            .collect();
            document.country = row.country.clone();
            document.countries = row.country.iter().cloned().collect();
            document.languages = json_list(&row.languages);
            document
        })
        .collect())
}

/// Support services: found by name, operator, cities and kind, filtered by countries,
/// corridors and languages like the rest.
pub async fn support_services(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<Document>> {
    let rows = entity::support_service::Entity::find()
        .filter(entity::support_service::Column::Id.is_in(ids.iter().copied()))
        .filter(entity::support_service::Column::ArchivedAt.is_null())
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut document = Document::new(
                RecordType::SupportService,
                row.id,
                key(RecordType::SupportService, row.id),
                row.name.clone(),
            );
            document.names = vec![row.operator.clone()];
            document.body = std::iter::once(row.kind.replace('_', " "))
                .chain(json_list::<String>(&row.cities))
                .collect();
            let countries: Vec<String> = json_list(&row.countries);
            document.country = countries.first().cloned();
            document.countries = countries;
            document.corridors = json_list::<CorridorRecord>(&row.corridors)
                .into_iter()
                .map(|corridor| (corridor.origin, corridor.destination))
                .collect();
            document.languages = json_list(&row.languages);
            document
        })
        .collect())
}
