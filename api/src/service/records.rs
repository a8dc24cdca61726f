//! How each interchange record maps to its rows and back: the one place import (record -> row,
//! `*_row`) and export (row -> record, `*_record`) share, so a field added to the format is
//! added here in both directions.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    audit, auditor, authorised_channel, certification, certification_body, commitment, licence, licensing_authority,
    organisation, principle, recruiter, status_change, support_service, trademark_right, training_listing,
    training_provider,
};
use sea_orm::{ActiveValue::Set, DerivePartialModel};
use serde::de::DeserializeOwned;

use crate::{
    error::{AppError, AppResult},
    interchange::*,
    vocab::normalise_key,
};

// ---- record -> row (import) ----

/// The `recruiter` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn recruiter_row(record: &RecruiterRecord, id: i64) -> recruiter::ActiveModel {
    recruiter::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        slug: Set(record.slug.clone()),
        slug_key: Set(normalise_key(&record.slug)),
        legal_name: Set(record.legal_name.trim().to_owned()),
        trading_names: Set(crate::db::to_json_text(&record.trading_names)),
        former_names: Set(crate::db::to_json_text(&record.former_names)),
        country: Set(record.country.clone()),
        city: Set(record.city.clone()),
        address: Set(record.address.clone()),
        website: Set(record.website.clone()),
        email: Set(record.email.clone()),
        phone: Set(record.phone.clone()),
        description: Set(record.description.clone()),
        languages: Set(crate::db::to_json_text(&record.languages)),
        sectors: Set(crate::db::to_json_text(&record.sectors)),
        corridors: Set(crate::db::to_json_text(&record.corridors)),
        cbp_level: Set(record.cbp_level.clone()),
        identifiers: Set(crate::db::to_json_text(&record.identifiers)),
        ..Default::default()
    }
}

/// The `certification` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn certification_row(
    record: &CertificationRecord,
    id: i64,
    recruiter_id: i64,
    body_id: Option<i64>,
) -> certification::ActiveModel {
    certification::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        recruiter_id: Set(recruiter_id),
        certificate_number: Set(record.certificate_number.clone()),
        number_key: Set(normalise_key(&record.certificate_number)),
        scheme: Set(record.scheme.clone()),
        certification_body: Set(record.certification_body.clone()),
        status: Set(record.status.clone()),
        issued_on: Set(record.issued_on),
        expires_on: Set(record.expires_on),
        scope_corridors: Set(crate::db::to_json_text(&record.scope_corridors)),
        scope_sectors: Set(crate::db::to_json_text(&record.scope_sectors)),
        body_id: Set(body_id),
        ..Default::default()
    }
}

/// The `trademark_right` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn trademark_right_row(
    record: &TrademarkRightRecord,
    id: i64,
    recruiter_id: i64,
) -> trademark_right::ActiveModel {
    trademark_right::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        recruiter_id: Set(recruiter_id),
        licence_number: Set(record.licence_number.clone()),
        number_key: Set(normalise_key(&record.licence_number)),
        mark: Set(record.mark.clone()),
        media: Set(crate::db::to_json_text(&record.media)),
        domains: Set(crate::db::to_json_text(&record.domains)),
        granted_on: Set(record.granted_on),
        expires_on: Set(record.expires_on),
        status: Set(record.status.clone()),
        ..Default::default()
    }
}

/// The `organisation` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn organisation_row(record: &OrganisationRecord, id: i64) -> organisation::ActiveModel {
    organisation::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        name: Set(record.name.clone()),
        kind: Set(record.kind.clone()),
        country: Set(record.country.clone()),
        sector: Set(record.sector.clone()),
        website: Set(record.website.clone()),
        identifiers: Set(crate::db::to_json_text(&record.identifiers)),
        ..Default::default()
    }
}

/// The `commitment` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn commitment_row(record: &CommitmentRecord, id: i64, organisation_id: i64) -> commitment::ActiveModel {
    commitment::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        organisation_id: Set(organisation_id),
        framework: Set(record.framework.clone()),
        scope: Set(record.scope.clone()),
        sectors: Set(crate::db::to_json_text(&record.sectors)),
        corridors: Set(crate::db::to_json_text(&record.corridors)),
        made_on: Set(record.made_on),
        statement_url: Set(record.statement_url.clone()),
        status: Set(record.status.clone()),
        ..Default::default()
    }
}

/// The `training_provider` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn training_provider_row(record: &TrainingProviderRecord, id: i64) -> training_provider::ActiveModel {
    training_provider::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        name: Set(record.name.clone()),
        kind: Set(record.kind.clone()),
        countries: Set(crate::db::to_json_text(&record.countries)),
        languages: Set(crate::db::to_json_text(&record.languages)),
        website: Set(record.website.clone()),
        ..Default::default()
    }
}

/// The `training_listing` row of a record (without the columns every record table shares, which the
/// writer sets).
pub(crate) fn training_listing_row(
    record: &TrainingListingRecord,
    id: i64,
    provider_id: i64,
) -> training_listing::ActiveModel {
    training_listing::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        provider_id: Set(provider_id),
        title: Set(record.title.clone()),
        programme: Set(record.programme.clone()),
        audience: Set(record.audience.clone()),
        delivery: Set(record.delivery.clone()),
        country: Set(record.country.clone()),
        city: Set(record.city.clone()),
        languages: Set(crate::db::to_json_text(&record.languages)),
        starts_on: Set(record.starts_on),
        ends_on: Set(record.ends_on),
        fee_amount: Set(record.fee.as_ref().map(|fee| fee.amount.clone())),
        fee_currency: Set(record.fee.as_ref().map(|fee| fee.currency.clone())),
        registration_url: Set(record.registration_url.clone()),
        ..Default::default()
    }
}

/// The `licensing_authority` row of a record (without the shared columns).
pub(crate) fn authority_row(record: &LicensingAuthorityRecord, id: i64) -> licensing_authority::ActiveModel {
    licensing_authority::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        name: Set(record.name.clone()),
        country: Set(record.country.clone()),
        register_url: Set(record.register_url.clone()),
        register_shows: Set(record.register_shows.clone()),
        reconciled_at: Set(record.reconciled_at),
        ..Default::default()
    }
}

/// The `certification_body` row of a record (without the shared columns).
pub(crate) fn body_row(record: &CertificationBodyRecord, id: i64) -> certification_body::ActiveModel {
    certification_body::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        name: Set(record.name.clone()),
        name_key: Set(normalise_key(&record.name)),
        country: Set(record.country.clone()),
        website: Set(record.website.clone()),
        audit_countries: Set(crate::db::to_json_text(&record.audit_countries)),
        status: Set(record.status.clone()),
        status_history: Set(crate::db::to_json_text(&record.status_history)),
        ..Default::default()
    }
}

/// The `auditor` row of a record (without the shared columns).
pub(crate) fn auditor_row(record: &AuditorRecord, id: i64, body_id: i64) -> auditor::ActiveModel {
    auditor::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        name: Set(record.name.clone()),
        body_id: Set(body_id),
        status: Set(record.status.clone()),
        status_history: Set(crate::db::to_json_text(&record.status_history)),
        course_completed_on: Set(record.course_completed_on),
        ..Default::default()
    }
}

/// The `principle` row of a record (without the shared columns).
pub(crate) fn principle_row(record: &PrincipleRecord, id: i64) -> principle::ActiveModel {
    principle::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        scheme: Set(record.scheme.clone()),
        code: Set(record.code.clone()),
        title: Set(record.title.clone()),
        position: Set(record.position),
        ..Default::default()
    }
}

/// The database ids an audit row refers to.
pub(crate) struct AuditRefs {
    pub(crate) certification_id: i64,
    pub(crate) body_id: Option<i64>,
    pub(crate) lead_auditor_id: Option<i64>,
}

/// The `audit` row of a record (without the shared columns). Findings keep the principles'
/// external ids, which are stable.
pub(crate) fn audit_row(record: &AuditRecord, id: i64, refs: AuditRefs) -> audit::ActiveModel {
    audit::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        certification_id: Set(refs.certification_id),
        kind: Set(record.kind.clone()),
        announced: Set(record.announced),
        started_on: Set(record.started_on),
        ended_on: Set(record.ended_on),
        body_id: Set(refs.body_id),
        lead_auditor_id: Set(refs.lead_auditor_id),
        workers_interviewed: Set(i32::try_from(record.workers_interviewed).unwrap_or(i32::MAX)),
        sites_visited: Set(i32::try_from(record.sites_visited).unwrap_or(i32::MAX)),
        outcome: Set(record.outcome.clone()),
        findings: Set(crate::db::to_json_text(&record.findings)),
        ..Default::default()
    }
}

// ---- row -> record (export) ----

#[derive(DerivePartialModel)]
#[sea_orm(entity = "recruiter::Entity")]
pub(crate) struct RecruiterRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) slug: String,
    pub(crate) legal_name: String,
    pub(crate) trading_names: String,
    pub(crate) former_names: String,
    pub(crate) country: String,
    pub(crate) city: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) website: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) languages: String,
    pub(crate) sectors: String,
    pub(crate) corridors: String,
    pub(crate) cbp_level: String,
    pub(crate) identifiers: String,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "licence::Entity")]
pub(crate) struct LicenceRow {
    pub(crate) id: i64,
    pub(crate) recruiter_id: i64,
    pub(crate) position: i32,
    pub(crate) issuing_authority: String,
    pub(crate) country: String,
    pub(crate) licence_number: String,
    pub(crate) status: String,
    pub(crate) valid_from: Option<NaiveDate>,
    pub(crate) valid_until: Option<NaiveDate>,
    pub(crate) authority_id: Option<i64>,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "certification::Entity")]
pub(crate) struct CertificationRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) recruiter_id: i64,
    pub(crate) certificate_number: String,
    pub(crate) scheme: String,
    pub(crate) certification_body: Option<String>,
    pub(crate) status: String,
    pub(crate) issued_on: Option<NaiveDate>,
    pub(crate) expires_on: Option<NaiveDate>,
    pub(crate) scope_corridors: String,
    pub(crate) scope_sectors: String,
    pub(crate) body_id: Option<i64>,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "status_change::Entity")]
pub(crate) struct StatusChangeRow {
    pub(crate) id: i64,
    pub(crate) certification_id: i64,
    pub(crate) from_status: Option<String>,
    pub(crate) to_status: String,
    pub(crate) at: DateTime<Utc>,
    pub(crate) reason: String,
    pub(crate) recorded_by: String,
    pub(crate) complaint_cases: String,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "trademark_right::Entity")]
pub(crate) struct TrademarkRightRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) recruiter_id: i64,
    pub(crate) licence_number: String,
    pub(crate) mark: String,
    pub(crate) media: String,
    pub(crate) domains: String,
    pub(crate) granted_on: NaiveDate,
    pub(crate) expires_on: Option<NaiveDate>,
    pub(crate) status: String,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "organisation::Entity")]
pub(crate) struct OrganisationRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) country: String,
    pub(crate) sector: Option<String>,
    pub(crate) website: Option<String>,
    pub(crate) identifiers: String,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "commitment::Entity")]
pub(crate) struct CommitmentRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) organisation_id: i64,
    pub(crate) framework: String,
    pub(crate) scope: String,
    pub(crate) sectors: String,
    pub(crate) corridors: String,
    pub(crate) made_on: NaiveDate,
    pub(crate) statement_url: Option<String>,
    pub(crate) status: String,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "training_provider::Entity")]
pub(crate) struct ProviderRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) countries: String,
    pub(crate) languages: String,
    pub(crate) website: Option<String>,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "training_listing::Entity")]
pub(crate) struct ListingRow {
    pub(crate) id: i64,
    pub(crate) external_id: String,
    pub(crate) provider_id: i64,
    pub(crate) title: String,
    pub(crate) programme: String,
    pub(crate) audience: String,
    pub(crate) delivery: String,
    pub(crate) country: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) languages: String,
    pub(crate) starts_on: Option<NaiveDate>,
    pub(crate) ends_on: Option<NaiveDate>,
    pub(crate) fee_amount: Option<String>,
    pub(crate) fee_currency: Option<String>,
    pub(crate) registration_url: Option<String>,
}

fn json_list<T: DeserializeOwned>(text: &str, column: &str, external_id: &str) -> AppResult<Vec<T>> {
    serde_json::from_str(text).map_err(|error| {
        AppError::internal(anyhow::anyhow!(
            "column `{column}` of `{external_id}` is not a JSON array: {error}"
        ))
    })
}

/// Database id -> external id, for the references a record writes.
pub(crate) type Names = std::collections::HashMap<i64, String>;

pub(crate) fn recruiter_record(
    row: RecruiterRow,
    partners: Vec<String>,
    licences: Vec<LicenceRow>,
    authorities: &Names,
) -> AppResult<RecruiterRecord> {
    let id = row.external_id.as_str();
    Ok(RecruiterRecord {
        trading_names: json_list(&row.trading_names, "trading_names", id)?,
        former_names: json_list(&row.former_names, "former_names", id)?,
        languages: json_list(&row.languages, "languages", id)?,
        sectors: json_list(&row.sectors, "sectors", id)?,
        corridors: json_list::<CorridorRecord>(&row.corridors, "corridors", id)?,
        identifiers: json_list(&row.identifiers, "identifiers", id)?,
        external_id: row.external_id,
        legal_name: row.legal_name,
        slug: row.slug,
        country: row.country,
        city: row.city,
        address: row.address,
        website: row.website,
        email: row.email,
        phone: row.phone,
        description: row.description,
        cbp_level: row.cbp_level,
        licences: licences
            .into_iter()
            .map(|licence| LicenceRecord {
                issuing_authority: licence.issuing_authority,
                country: licence.country,
                licence_number: licence.licence_number,
                status: licence.status,
                valid_from: licence.valid_from,
                valid_until: licence.valid_until,
                authority: licence.authority_id.and_then(|id| authorities.get(&id).cloned()),
            })
            .collect(),
        partners,
    })
}

pub(crate) fn certification_record(
    row: CertificationRow,
    recruiter: String,
    history: Vec<StatusChangeRow>,
    bodies: &Names,
) -> AppResult<CertificationRecord> {
    let body = row.body_id.and_then(|id| bodies.get(&id).cloned());
    let id = row.external_id.as_str();
    Ok(CertificationRecord {
        scope_corridors: json_list(&row.scope_corridors, "scope_corridors", id)?,
        scope_sectors: json_list(&row.scope_sectors, "scope_sectors", id)?,
        external_id: row.external_id,
        recruiter,
        certificate_number: row.certificate_number,
        scheme: row.scheme,
        certification_body: row.certification_body,
        status: row.status,
        issued_on: row.issued_on,
        expires_on: row.expires_on,
        status_history: history
            .into_iter()
            .map(|change| StatusChangeRecord {
                from: change.from_status,
                to: change.to_status,
                at: change.at,
                reason: change.reason,
                recorded_by: change.recorded_by,
                complaint_cases: crate::db::json_list(&change.complaint_cases),
            })
            .collect(),
        body,
    })
}

pub(crate) fn trademark_right_record(row: TrademarkRightRow, recruiter: String) -> AppResult<TrademarkRightRecord> {
    let id = row.external_id.as_str();
    Ok(TrademarkRightRecord {
        media: json_list(&row.media, "media", id)?,
        domains: json_list(&row.domains, "domains", id)?,
        external_id: row.external_id,
        recruiter,
        licence_number: row.licence_number,
        mark: row.mark,
        granted_on: row.granted_on,
        expires_on: row.expires_on,
        status: row.status,
    })
}

pub(crate) fn organisation_record(row: OrganisationRow) -> AppResult<OrganisationRecord> {
    Ok(OrganisationRecord {
        identifiers: json_list(&row.identifiers, "identifiers", &row.external_id)?,
        external_id: row.external_id,
        name: row.name,
        kind: row.kind,
        country: row.country,
        sector: row.sector,
        website: row.website,
    })
}

pub(crate) fn commitment_record(row: CommitmentRow, organisation: String) -> AppResult<CommitmentRecord> {
    let id = row.external_id.as_str();
    Ok(CommitmentRecord {
        sectors: json_list(&row.sectors, "sectors", id)?,
        corridors: json_list(&row.corridors, "corridors", id)?,
        external_id: row.external_id,
        organisation,
        framework: row.framework,
        scope: row.scope,
        made_on: row.made_on,
        statement_url: row.statement_url,
        status: row.status,
    })
}

pub(crate) fn provider_record(row: ProviderRow) -> AppResult<TrainingProviderRecord> {
    let id = row.external_id.as_str();
    Ok(TrainingProviderRecord {
        countries: json_list(&row.countries, "countries", id)?,
        languages: json_list(&row.languages, "languages", id)?,
        external_id: row.external_id,
        name: row.name,
        kind: row.kind,
        website: row.website,
    })
}

pub(crate) fn listing_record(row: ListingRow, provider: String) -> AppResult<TrainingListingRecord> {
    let id = row.external_id.as_str();
    let fee = match (row.fee_amount, row.fee_currency) {
        (Some(amount), Some(currency)) => Some(FeeRecord { amount, currency }),
        (None, None) => None,
        _ => {
            return Err(AppError::internal(anyhow::anyhow!(
                "training listing `{id}` has a fee amount without a currency or the reverse"
            )));
        }
    };
    Ok(TrainingListingRecord {
        languages: json_list(&row.languages, "languages", id)?,
        external_id: row.external_id,
        provider,
        title: row.title,
        programme: row.programme,
        audience: row.audience,
        delivery: row.delivery,
        country: row.country,
        city: row.city,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        fee,
        registration_url: row.registration_url,
    })
}

pub(crate) fn authority_record(row: licensing_authority::Model) -> LicensingAuthorityRecord {
    LicensingAuthorityRecord {
        external_id: row.external_id,
        name: row.name,
        country: row.country,
        register_url: row.register_url,
        register_shows: row.register_shows,
        reconciled_at: row.reconciled_at,
    }
}

pub(crate) fn body_record(row: certification_body::Model) -> AppResult<CertificationBodyRecord> {
    let id = row.external_id.as_str();
    Ok(CertificationBodyRecord {
        audit_countries: json_list(&row.audit_countries, "audit_countries", id)?,
        status_history: json_list(&row.status_history, "status_history", id)?,
        external_id: row.external_id,
        name: row.name,
        country: row.country,
        website: row.website,
        status: row.status,
    })
}

pub(crate) fn auditor_record(row: auditor::Model, body: String) -> AppResult<AuditorRecord> {
    let id = row.external_id.as_str();
    Ok(AuditorRecord {
        status_history: json_list(&row.status_history, "status_history", id)?,
        external_id: row.external_id,
        name: row.name,
        body,
        status: row.status,
        course_completed_on: row.course_completed_on,
    })
}

pub(crate) fn principle_record(row: principle::Model) -> PrincipleRecord {
    PrincipleRecord {
        external_id: row.external_id,
        scheme: row.scheme,
        code: row.code,
        title: row.title,
        position: row.position,
    }
}

/// An audit row as its record; `certification`, `body` and `lead_auditor` are the external ids
/// of the rows it refers to.
pub(crate) fn audit_record(
    row: audit::Model,
    certification: String,
    body: Option<String>,
    lead_auditor: Option<String>,
) -> AppResult<AuditRecord> {
    let id = row.external_id.as_str();
    Ok(AuditRecord {
        findings: json_list(&row.findings, "findings", id)?,
        external_id: row.external_id,
        certification,
        kind: row.kind,
        announced: row.announced,
        started_on: row.started_on,
        ended_on: row.ended_on,
        body,
        lead_auditor,
        workers_interviewed: u32::try_from(row.workers_interviewed).unwrap_or_default(),
        sites_visited: u32::try_from(row.sites_visited).unwrap_or_default(),
        outcome: row.outcome,
    })
}

// ---- help and worker voice ----

/// The `support_service` row of a record (without the shared record columns).
pub(crate) fn support_service_row(record: &SupportServiceRecord, id: i64) -> support_service::ActiveModel {
    support_service::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        name: Set(record.name.trim().to_owned()),
        kind: Set(record.kind.clone()),
        operator: Set(record.operator.trim().to_owned()),
        countries: Set(crate::db::to_json_text(&record.countries)),
        cities: Set(crate::db::to_json_text(&record.cities)),
        corridors: Set(crate::db::to_json_text(&record.corridors)),
        languages: Set(crate::db::to_json_text(&record.languages)),
        channels: Set(crate::db::to_json_text(&record.channels)),
        free: Set(record.free),
        website: Set(record.website.clone()),
        ..Default::default()
    }
}

pub(crate) fn support_service_record(row: support_service::Model) -> AppResult<SupportServiceRecord> {
    let id = row.external_id.as_str();
    Ok(SupportServiceRecord {
        countries: json_list(&row.countries, "countries", id)?,
        cities: json_list(&row.cities, "cities", id)?,
        corridors: json_list(&row.corridors, "corridors", id)?,
        languages: json_list(&row.languages, "languages", id)?,
        channels: json_list(&row.channels, "channels", id)?,
        external_id: row.external_id,
        name: row.name,
        kind: row.kind,
        operator: row.operator,
        free: row.free,
        website: row.website,
    })
}

/// The `authorised_channel` row of a record. Phones are stored in E.164 (validation has
/// checked that each one reads in the channel's country).
pub(crate) fn authorised_channel_row(
    record: &AuthorisedChannelRecord,
    id: i64,
    recruiter_id: i64,
) -> authorised_channel::ActiveModel {
    let phones: Vec<String> = record
        .phones
        .iter()
        .map(|phone| {
            crate::service::contact::normalise_phone(phone, Some(&record.country)).unwrap_or_else(|_| phone.clone())
        })
        .collect();
    authorised_channel::ActiveModel {
        id: Set(id),
        external_id: Set(record.external_id.clone()),
        recruiter_id: Set(recruiter_id),
        kind: Set(record.kind.clone()),
        name: Set(record.name.trim().to_owned()),
        country: Set(record.country.clone()),
        city: Set(record.city.clone()),
        address: Set(record.address.clone()),
        phones: Set(crate::db::to_json_text(&phones)),
        web_addresses: Set(crate::db::to_json_text(&record.web_addresses)),
        agent_numbers: Set(crate::db::to_json_text(&record.agent_numbers)),
        valid_from: Set(record.valid_from),
        valid_until: Set(record.valid_until),
        ..Default::default()
    }
}

pub(crate) fn authorised_channel_record(
    row: authorised_channel::Model,
    recruiter: String,
) -> AppResult<AuthorisedChannelRecord> {
    let id = row.external_id.as_str();
    Ok(AuthorisedChannelRecord {
        phones: json_list(&row.phones, "phones", id)?,
        web_addresses: json_list(&row.web_addresses, "web_addresses", id)?,
        agent_numbers: json_list(&row.agent_numbers, "agent_numbers", id)?,
        external_id: row.external_id,
        recruiter,
        kind: row.kind,
        name: row.name,
        country: row.country,
        city: row.city,
        address: row.address,
        valid_from: row.valid_from,
        valid_until: row.valid_until,
    })
}
