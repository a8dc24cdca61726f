//! Open-data export in the JSON Lines interchange format of `shared/spec/interchange.md`: the
//! reverse of `import`.
//!
//! Every table is read once (ten queries whatever the size of the directory), references are
//! resolved through in-memory maps from database id to external id, and everything is sorted in
//! memory by byte order, so the output does not depend on the database's collation or on the ids
//! an import assigned: export -> import into an empty directory -> export is byte-identical.
//!
//! Only live records (`archived_at IS NULL`) are written, and a record that refers to an
//! archived one (a certification of an archived recruiter, a partner link to an archived
//! recruiter, ...) is left out, so the output never refers to something it does not contain.
//! Pass a transaction as `db` to read one consistent snapshot while writes go on.

use std::collections::{HashMap, HashSet};

use entity::{
    audit, auditor, authorised_channel, certification, certification_body, commitment, licence, licensing_authority,
    organisation, principle, recruiter, recruiter_partner, status_change, support_service, trademark_right,
    training_listing, training_provider,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PartialModelTrait, QueryFilter};

use super::records::{
    CertificationRow, CommitmentRow, LicenceRow, ListingRow, OrganisationRow, ProviderRow, RecruiterRow,
    StatusChangeRow, TrademarkRightRow, audit_record, auditor_record, authorised_channel_record, authority_record,
    body_record, certification_record, commitment_record, listing_record, organisation_record, principle_record,
    provider_record, recruiter_record, support_service_record, trademark_right_record,
};
use crate::{error::AppResult, interchange::Record};

/// Database id -> external id of the live records of one table.
pub type ExternalIds = HashMap<i64, String>;

/// Every live (archived_at IS NULL) record of the directory as interchange records, in the order
/// of interchange.md (recruiters, certifications, trademark rights, organisations, commitments,
/// training providers, training listings), each type sorted by external_id, references written as
/// the referenced record's external_id.
pub async fn export(db: &impl ConnectionTrait) -> AppResult<Vec<Record>> {
    // Two chains of reads side by side: on a pool they take two connections (never the whole
    // pool, so the rest of the server and the acquire timeout are unaffected), on a transaction
    // they simply take turns. The recruiters alone take about as long as all the rest.
    let recruiter_reads = async {
        let recruiters = live::<recruiter::Entity, RecruiterRow>(db, recruiter::Column::ArchivedAt).await?;
        let partners = recruiter_partner::Entity::find().all(db).await?;
        Ok::<_, DbErr>((recruiters, partners))
    };
    let other_reads = async {
        let licences = licence::Entity::find()
            .into_partial_model::<LicenceRow>()
            .all(db)
            .await?;
        let certifications =
            live::<certification::Entity, CertificationRow>(db, certification::Column::ArchivedAt).await?;
        let history = status_change::Entity::find()
            .into_partial_model::<StatusChangeRow>()
            .all(db)
            .await?;
        let rights =
            live::<trademark_right::Entity, TrademarkRightRow>(db, trademark_right::Column::ArchivedAt).await?;
        let organisations = live::<organisation::Entity, OrganisationRow>(db, organisation::Column::ArchivedAt).await?;
        let commitments = live::<commitment::Entity, CommitmentRow>(db, commitment::Column::ArchivedAt).await?;
        let providers =
            live::<training_provider::Entity, ProviderRow>(db, training_provider::Column::ArchivedAt).await?;
        let listings = live::<training_listing::Entity, ListingRow>(db, training_listing::Column::ArchivedAt).await?;
        Ok::<_, DbErr>((
            licences,
            certifications,
            history,
            rights,
            organisations,
            commitments,
            providers,
            listings,
        ))
    };
    let (
        (recruiters, partner_rows),
        (licence_rows, certifications, history_rows, rights, organisations, commitments, providers, listings),
    ) = tokio::try_join!(recruiter_reads, other_reads)?;
    let trust = Trust::read(db).await?;
    let help = Help::read(db).await?;

    let mut out = Vec::with_capacity(
        recruiters.len()
            + certifications.len()
            + rights.len()
            + organisations.len()
            + commitments.len()
            + providers.len()
            + listings.len(),
    );

    let authority_ids: ExternalIds = trust
        .authorities
        .iter()
        .map(|row| (row.id, row.external_id.clone()))
        .collect();
    let body_ids: ExternalIds = trust
        .bodies
        .iter()
        .map(|row| (row.id, row.external_id.clone()))
        .collect();
    for row in sorted(trust.authorities, |row| &row.external_id) {
        out.push(Record::LicensingAuthority(authority_record(row)));
    }
    for row in sorted(trust.bodies, |row| &row.external_id) {
        out.push(Record::CertificationBody(body_record(row)?));
    }
    let auditors: Vec<_> = trust
        .auditors
        .into_iter()
        .filter_map(|row| Some((body_ids.get(&row.body_id)?.clone(), row)))
        .collect();
    let auditor_ids: ExternalIds = auditors
        .iter()
        .map(|(_, row)| (row.id, row.external_id.clone()))
        .collect();
    for (body, row) in sorted(auditors, |(_, row)| &row.external_id) {
        out.push(Record::Auditor(auditor_record(row, body)?));
    }
    for row in sorted(trust.principles, |row| &row.external_id) {
        out.push(Record::Principle(principle_record(row)));
    }

    let recruiter_ids: ExternalIds = recruiters.iter().map(|row| (row.id, row.external_id.clone())).collect();
    let mut partners = partners_by_recruiter(partner_rows, &recruiter_ids);
    let mut licences = licences_by_recruiter(licence_rows, &recruiter_ids);
    for row in sorted(recruiters, |row| &row.external_id) {
        let partners = partners.remove(&row.id).unwrap_or_default();
        let licences = licences.remove(&row.id).unwrap_or_default();
        out.push(Record::Recruiter(recruiter_record(
            row,
            partners,
            licences,
            &authority_ids,
        )?));
    }

    let certifications: Vec<_> = certifications
        .into_iter()
        .filter_map(|row| Some((recruiter_ids.get(&row.recruiter_id)?.clone(), row)))
        .collect();
    let certification_ids: HashSet<i64> = certifications.iter().map(|(_, row)| row.id).collect();
    let certification_names: ExternalIds = certifications
        .iter()
        .map(|(_, row)| (row.id, row.external_id.clone()))
        .collect();
    let mut history = history_by_certification(history_rows, &certification_ids);
    for (recruiter, row) in sorted(certifications, |(_, row)| &row.external_id) {
        let history = history.remove(&row.id).unwrap_or_default();
        out.push(Record::Certification(certification_record(
            row, recruiter, history, &body_ids,
        )?));
    }
    let audits = trust
        .audits
        .into_iter()
        .filter_map(|row| Some((certification_names.get(&row.certification_id)?.clone(), row)));
    for (certification, row) in sorted(audits.collect(), |(_, row)| &row.external_id) {
        let body = row.body_id.and_then(|id| body_ids.get(&id).cloned());
        let lead = row.lead_auditor_id.and_then(|id| auditor_ids.get(&id).cloned());
        out.push(Record::Audit(audit_record(row, certification, body, lead)?));
    }

    let rights = rights
        .into_iter()
        .filter_map(|row| Some((recruiter_ids.get(&row.recruiter_id)?.clone(), row)));
    for (recruiter, row) in sorted(rights.collect(), |(_, row)| &row.external_id) {
        out.push(Record::TrademarkRight(trademark_right_record(row, recruiter)?));
    }

    let organisation_ids: ExternalIds = organisations
        .iter()
        .map(|row| (row.id, row.external_id.clone()))
        .collect();
    for row in sorted(organisations, |row| &row.external_id) {
        out.push(Record::Organisation(organisation_record(row)?));
    }
    let commitments = commitments
        .into_iter()
        .filter_map(|row| Some((organisation_ids.get(&row.organisation_id)?.clone(), row)));
    for (organisation, row) in sorted(commitments.collect(), |(_, row)| &row.external_id) {
        out.push(Record::Commitment(commitment_record(row, organisation)?));
    }

    let provider_ids: ExternalIds = providers.iter().map(|row| (row.id, row.external_id.clone())).collect();
    for row in sorted(providers, |row| &row.external_id) {
        out.push(Record::TrainingProvider(provider_record(row)?));
    }
    let listings = listings
        .into_iter()
        .filter_map(|row| Some((provider_ids.get(&row.provider_id)?.clone(), row)));
    for (provider, row) in sorted(listings.collect(), |(_, row)| &row.external_id) {
        out.push(Record::TrainingListing(listing_record(row, provider)?));
    }

    for row in sorted(help.services, |row| &row.external_id) {
        out.push(Record::SupportService(support_service_record(row)?));
    }
    let channels = help
        .channels
        .into_iter()
        .filter_map(|row| Some((recruiter_ids.get(&row.recruiter_id)?.clone(), row)));
    for (recruiter, row) in sorted(channels.collect(), |(_, row)| &row.external_id) {
        out.push(Record::AuthorisedChannel(authorised_channel_record(row, recruiter)?));
    }

    Ok(out)
}

/// A record of the directory named by its table (`change_log.entity_type`) and database id.
pub type RecordKey = (&'static str, i64);

/// The interchange tables, as `change_log.entity_type` names them: the public records.
pub const PUBLIC_TABLES: [&str; 14] = [
    "licensing_authority",
    "certification_body",
    "auditor",
    "principle",
    "audit",
    "recruiter",
    "certification",
    "trademark_right",
    "organisation",
    "commitment",
    "training_provider",
    "training_listing",
    "support_service",
    "authorised_channel",
];

/// The live records among `wanted`, as [`export`] writes them (a record that refers to an
/// archived one is left out, as there); archived, missing and non-public ones are absent.
pub async fn records_of(db: &impl ConnectionTrait, wanted: &[RecordKey]) -> AppResult<HashMap<RecordKey, Record>> {
    let ids = |table: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = wanted
            .iter()
            .filter(|(kind, _)| *kind == table)
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut out = HashMap::new();

    let recruiter_ids = ids("recruiter");
    let recruiters: Vec<RecruiterRow> =
        live_among::<recruiter::Entity, _>(db, recruiter::Column::ArchivedAt, recruiter::Column::Id, &recruiter_ids)
            .await?;
    let partner_rows: Vec<recruiter_partner::Model> =
        among::<recruiter_partner::Entity, _, _, _>(recruiter_partner::Column::RecruiterId, &recruiter_ids, |query| {
            query.all(db)
        })
        .await?;
    let licence_rows: Vec<LicenceRow> =
        among::<licence::Entity, _, _, _>(licence::Column::RecruiterId, &recruiter_ids, |query| {
            query.into_partial_model().all(db)
        })
        .await?;
    let mut named: Vec<i64> = recruiter_ids.clone();
    named.extend(partner_rows.iter().map(|row| row.partner_id));
    let names = external_ids_of::<recruiter::Entity>(db, &named, true).await?;
    let authority_ids: Vec<i64> = licence_rows.iter().filter_map(|row| row.authority_id).collect();
    let authorities = external_ids_of::<licensing_authority::Entity>(db, &authority_ids, true).await?;
    let mut partners = partners_by_recruiter(partner_rows, &names);
    let mut licences = licences_by_recruiter(licence_rows, &names);
    for row in recruiters {
        let id = row.id;
        let record = recruiter_record(
            row,
            partners.remove(&id).unwrap_or_default(),
            licences.remove(&id).unwrap_or_default(),
            &authorities,
        )?;
        out.insert(("recruiter", id), Record::Recruiter(record));
    }

    let certification_ids = ids("certification");
    let certifications: Vec<CertificationRow> = live_among::<certification::Entity, _>(
        db,
        certification::Column::ArchivedAt,
        certification::Column::Id,
        &certification_ids,
    )
    .await?;
    let owners: Vec<i64> = certifications.iter().map(|row| row.recruiter_id).collect();
    let owners = external_ids_of::<recruiter::Entity>(db, &owners, true).await?;
    let history_rows: Vec<StatusChangeRow> =
        among::<status_change::Entity, _, _, _>(status_change::Column::CertificationId, &certification_ids, |query| {
            query.into_partial_model().all(db)
        })
        .await?;
    let mut history = history_by_certification(history_rows, &certification_ids.iter().copied().collect());
    let body_ids: Vec<i64> = certifications.iter().filter_map(|row| row.body_id).collect();
    let bodies = external_ids_of::<certification_body::Entity>(db, &body_ids, true).await?;
    for row in certifications {
        let Some(recruiter) = owners.get(&row.recruiter_id).cloned() else {
            continue;
        };
        let id = row.id;
        let record = certification_record(row, recruiter, history.remove(&id).unwrap_or_default(), &bodies)?;
        out.insert(("certification", id), Record::Certification(record));
    }

    let rights: Vec<TrademarkRightRow> = live_among::<trademark_right::Entity, _>(
        db,
        trademark_right::Column::ArchivedAt,
        trademark_right::Column::Id,
        &ids("trademark_right"),
    )
    .await?;
    let owners: Vec<i64> = rights.iter().map(|row| row.recruiter_id).collect();
    let owners = external_ids_of::<recruiter::Entity>(db, &owners, true).await?;
    for row in rights {
        if let Some(recruiter) = owners.get(&row.recruiter_id).cloned() {
            let id = row.id;
            out.insert(
                ("trademark_right", id),
                Record::TrademarkRight(trademark_right_record(row, recruiter)?),
            );
        }
    }

    let organisations: Vec<OrganisationRow> = live_among::<organisation::Entity, _>(
        db,
        organisation::Column::ArchivedAt,
        organisation::Column::Id,
        &ids("organisation"),
    )
    .await?;
    for row in organisations {
        out.insert(
            ("organisation", row.id),
            Record::Organisation(organisation_record(row)?),
        );
    }
    let commitments: Vec<CommitmentRow> = live_among::<commitment::Entity, _>(
        db,
        commitment::Column::ArchivedAt,
        commitment::Column::Id,
        &ids("commitment"),
    )
    .await?;
    let owners: Vec<i64> = commitments.iter().map(|row| row.organisation_id).collect();
    let owners = external_ids_of::<organisation::Entity>(db, &owners, true).await?;
    for row in commitments {
        if let Some(organisation) = owners.get(&row.organisation_id).cloned() {
            let id = row.id;
            out.insert(
                ("commitment", id),
                Record::Commitment(commitment_record(row, organisation)?),
            );
        }
    }

    let providers: Vec<ProviderRow> = live_among::<training_provider::Entity, _>(
        db,
        training_provider::Column::ArchivedAt,
        training_provider::Column::Id,
        &ids("training_provider"),
    )
    .await?;
    for row in providers {
        let id = row.id;
        out.insert(
            ("training_provider", id),
            Record::TrainingProvider(provider_record(row)?),
        );
    }
    let listings: Vec<ListingRow> = live_among::<training_listing::Entity, _>(
        db,
        training_listing::Column::ArchivedAt,
        training_listing::Column::Id,
        &ids("training_listing"),
    )
    .await?;
    let owners: Vec<i64> = listings.iter().map(|row| row.provider_id).collect();
    let owners = external_ids_of::<training_provider::Entity>(db, &owners, true).await?;
    for row in listings {
        if let Some(provider) = owners.get(&row.provider_id).cloned() {
            let id = row.id;
            out.insert(
                ("training_listing", id),
                Record::TrainingListing(listing_record(row, provider)?),
            );
        }
    }
    out.extend(trust_records_of(db, &ids).await?);
    out.extend(help_records_of(db, &ids).await?);
    Ok(out)
}

/// [`records_of`] for support services and authorised channels.
async fn help_records_of(
    db: &impl ConnectionTrait,
    ids: &impl Fn(&str) -> Vec<i64>,
) -> AppResult<HashMap<RecordKey, Record>> {
    let mut out = HashMap::new();
    for row in
        among::<support_service::Entity, _, _, _>(support_service::Column::Id, &ids("support_service"), |query| {
            query.filter(support_service::Column::ArchivedAt.is_null()).all(db)
        })
        .await?
    {
        out.insert(
            ("support_service", row.id),
            Record::SupportService(support_service_record(row)?),
        );
    }
    let channels = among::<authorised_channel::Entity, _, _, _>(
        authorised_channel::Column::Id,
        &ids("authorised_channel"),
        |query| query.filter(authorised_channel::Column::ArchivedAt.is_null()).all(db),
    )
    .await?;
    let owners: Vec<i64> = channels.iter().map(|row| row.recruiter_id).collect();
    let owners = external_ids_of::<recruiter::Entity>(db, &owners, true).await?;
    for row in channels {
        if let Some(recruiter) = owners.get(&row.recruiter_id).cloned() {
            out.insert(
                ("authorised_channel", row.id),
                Record::AuthorisedChannel(authorised_channel_record(row, recruiter)?),
            );
        }
    }
    Ok(out)
}

/// [`records_of`] for the chain of trust.
async fn trust_records_of(
    db: &impl ConnectionTrait,
    ids: &impl Fn(&str) -> Vec<i64>,
) -> AppResult<HashMap<RecordKey, Record>> {
    let mut out = HashMap::new();
    for row in among::<licensing_authority::Entity, _, _, _>(
        licensing_authority::Column::Id,
        &ids("licensing_authority"),
        |query| query.filter(licensing_authority::Column::ArchivedAt.is_null()).all(db),
    )
    .await?
    {
        out.insert(
            ("licensing_authority", row.id),
            Record::LicensingAuthority(authority_record(row)),
        );
    }
    for row in among::<certification_body::Entity, _, _, _>(
        certification_body::Column::Id,
        &ids("certification_body"),
        |query| query.filter(certification_body::Column::ArchivedAt.is_null()).all(db),
    )
    .await?
    {
        out.insert(
            ("certification_body", row.id),
            Record::CertificationBody(body_record(row)?),
        );
    }
    let auditors = among::<auditor::Entity, _, _, _>(auditor::Column::Id, &ids("auditor"), |query| {
        query.filter(auditor::Column::ArchivedAt.is_null()).all(db)
    })
    .await?;
    let owners: Vec<i64> = auditors.iter().map(|row| row.body_id).collect();
    let owners = external_ids_of::<certification_body::Entity>(db, &owners, true).await?;
    for row in auditors {
        if let Some(body) = owners.get(&row.body_id).cloned() {
            out.insert(("auditor", row.id), Record::Auditor(auditor_record(row, body)?));
        }
    }
    for row in among::<principle::Entity, _, _, _>(principle::Column::Id, &ids("principle"), |query| {
        query.filter(principle::Column::ArchivedAt.is_null()).all(db)
    })
    .await?
    {
        out.insert(("principle", row.id), Record::Principle(principle_record(row)));
    }
    let audits = among::<audit::Entity, _, _, _>(audit::Column::Id, &ids("audit"), |query| {
        query.filter(audit::Column::ArchivedAt.is_null()).all(db)
    })
    .await?;
    let certifications: Vec<i64> = audits.iter().map(|row| row.certification_id).collect();
    let certifications = external_ids_of::<certification::Entity>(db, &certifications, true).await?;
    let bodies: Vec<i64> = audits.iter().filter_map(|row| row.body_id).collect();
    let bodies = external_ids_of::<certification_body::Entity>(db, &bodies, true).await?;
    let leads: Vec<i64> = audits.iter().filter_map(|row| row.lead_auditor_id).collect();
    let leads = external_ids_of::<auditor::Entity>(db, &leads, true).await?;
    for row in audits {
        let Some(certification) = certifications.get(&row.certification_id).cloned() else {
            continue;
        };
        let body = row.body_id.and_then(|id| bodies.get(&id).cloned());
        let lead = row.lead_auditor_id.and_then(|id| leads.get(&id).cloned());
        let id = row.id;
        out.insert(
            ("audit", id),
            Record::Audit(audit_record(row, certification, body, lead)?),
        );
    }
    Ok(out)
}

/// The chain of trust's live rows, read whole: a few hundred bodies, auditors, authorities and
/// principles, and the audits.
struct Trust {
    authorities: Vec<licensing_authority::Model>,
    bodies: Vec<certification_body::Model>,
    auditors: Vec<auditor::Model>,
    principles: Vec<principle::Model>,
    audits: Vec<audit::Model>,
}

impl Trust {
    async fn read(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Ok(Self {
            authorities: licensing_authority::Entity::find()
                .filter(licensing_authority::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
            bodies: certification_body::Entity::find()
                .filter(certification_body::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
            auditors: auditor::Entity::find()
                .filter(auditor::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
            principles: principle::Entity::find()
                .filter(principle::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
            audits: audit::Entity::find()
                .filter(audit::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
        })
    }
}

/// Support services and authorised channels, read whole (thousands of rows at most).
struct Help {
    services: Vec<support_service::Model>,
    channels: Vec<authorised_channel::Model>,
}

impl Help {
    async fn read(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Ok(Self {
            services: support_service::Entity::find()
                .filter(support_service::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
            channels: authorised_channel::Entity::find()
                .filter(authorised_channel::Column::ArchivedAt.is_null())
                .all(db)
                .await?,
        })
    }
}

/// How many ids go into one `IN (...)` list.
const IDS_PER_QUERY: usize = 500;

/// The rows of `E` whose `column` is one of `ids`, a bounded list at a time.
async fn among<E, T, F, Fut>(column: E::Column, ids: &[i64], run: F) -> Result<Vec<T>, DbErr>
where
    E: EntityTrait,
    F: Fn(sea_orm::Select<E>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, DbErr>>,
{
    let mut rows = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        rows.extend(run(E::find().filter(column.is_in(chunk.iter().copied()))).await?);
    }
    Ok(rows)
}

/// The live rows of `E` among `ids`, as the partial model `M`.
async fn live_among<E, M>(
    db: &impl ConnectionTrait,
    archived_at: E::Column,
    id: E::Column,
    ids: &[i64],
) -> Result<Vec<M>, DbErr>
where
    E: EntityTrait,
    M: PartialModelTrait + Send + Sync,
{
    among::<E, _, _, _>(id, ids, |query| {
        query.filter(archived_at.is_null()).into_partial_model::<M>().all(db)
    })
    .await
}

/// Database id -> external id of the rows of `E` among `ids`: only the live ones, or archived
/// ones too (a change feed names an archived record).
pub async fn external_ids_of<E>(db: &impl ConnectionTrait, ids: &[i64], live_only: bool) -> Result<ExternalIds, DbErr>
where
    E: EntityTrait,
{
    use sea_orm::QuerySelect;
    let id = column_named::<E>("id")?;
    let external_id = column_named::<E>("external_id")?;
    let archived_at = column_named::<E>("archived_at")?;
    let rows: Vec<(i64, String)> = among::<E, _, _, _>(id, ids, |query| {
        let query = query.select_only().column(id).column(external_id);
        let query = if live_only {
            query.filter(archived_at.is_null())
        } else {
            query
        };
        query.into_tuple().all(db)
    })
    .await?;
    Ok(rows.into_iter().collect())
}

fn column_named<E: EntityTrait>(name: &str) -> Result<E::Column, DbErr> {
    use std::str::FromStr;
    E::Column::from_str(name).map_err(|_| DbErr::Custom(format!("no column {name}")))
}

/// The live rows of a table, only the columns the interchange format needs.
async fn live<E, M>(db: &impl ConnectionTrait, archived_at: E::Column) -> Result<Vec<M>, DbErr>
where
    E: EntityTrait,
    M: PartialModelTrait + Send + Sync,
{
    E::find()
        .filter(archived_at.is_null())
        .into_partial_model::<M>()
        .all(db)
        .await
}

/// JSON Lines: one record per line, each ending in '\n'.
pub fn to_json_lines(records: &[Record]) -> String {
    let mut out = Vec::with_capacity(records.len() * 512);
    // Writing into memory cannot fail.
    let _ = write_json_lines(records, &mut out, &crate::progress::ProgressBar::hidden());
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`to_json_lines`] into `out`, a record at a time, moving `progress` by one per record.
pub fn write_json_lines(
    records: &[Record],
    mut out: impl std::io::Write,
    progress: &crate::progress::ProgressBar,
) -> std::io::Result<()> {
    for record in records {
        // The records hold only strings, dates, options and lists: serialising fails only when
        // `out` does.
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
        progress.inc(1);
    }
    out.flush()
}

/// Sorts rows by their external id, byte by byte (never the database's collation).
fn sorted<T>(mut rows: Vec<T>, key: impl Fn(&T) -> &String) -> std::vec::IntoIter<T> {
    rows.sort_unstable_by(|a, b| key(a).cmp(key(b)));
    rows.into_iter()
}

/// The live partners of each live recruiter, as external ids sorted.
fn partners_by_recruiter(
    rows: Vec<recruiter_partner::Model>,
    recruiter_ids: &ExternalIds,
) -> HashMap<i64, Vec<String>> {
    let mut partners: HashMap<i64, Vec<String>> = HashMap::new();
    for row in rows {
        if !recruiter_ids.contains_key(&row.recruiter_id) {
            continue;
        }
        if let Some(partner) = recruiter_ids.get(&row.partner_id) {
            partners.entry(row.recruiter_id).or_default().push(partner.clone());
        }
    }
    for list in partners.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    partners
}

/// The licences of each live recruiter, in their stored order (`position`, then id).
fn licences_by_recruiter(rows: Vec<LicenceRow>, recruiter_ids: &ExternalIds) -> HashMap<i64, Vec<LicenceRow>> {
    let mut licences: HashMap<i64, Vec<LicenceRow>> = HashMap::new();
    for row in rows {
        if recruiter_ids.contains_key(&row.recruiter_id) {
            licences.entry(row.recruiter_id).or_default().push(row);
        }
    }
    for list in licences.values_mut() {
        list.sort_unstable_by_key(|row| (row.position, row.id));
    }
    licences
}

/// The status history of each exported certification, oldest first (`at`, then id).
fn history_by_certification(
    rows: Vec<StatusChangeRow>,
    certification_ids: &HashSet<i64>,
) -> HashMap<i64, Vec<StatusChangeRow>> {
    let mut history: HashMap<i64, Vec<StatusChangeRow>> = HashMap::new();
    for row in rows {
        if certification_ids.contains(&row.certification_id) {
            history.entry(row.certification_id).or_default().push(row);
        }
    }
    for list in history.values_mut() {
        list.sort_unstable_by_key(|row| (row.at, row.id));
    }
    history
}

/// A JSON-array text column, decoded; a malformed one is an internal error naming the record.
#[cfg(test)]
mod tests {
    use std::{
        path::PathBuf,
        sync::atomic::{AtomicUsize, Ordering},
        time::Instant,
    };

    use sea_orm::{ConnectionTrait, DatabaseConnection};

    use super::*;
    use crate::{
        changes::Actor,
        db::{StatementCounter, connect_url},
        sample::{generated_directory, sample_directory},
        service::import,
    };

    /// The statements one export runs, whatever the size of the directory.
    const EXPORT_STATEMENTS: u64 = 17;

    /// A SQLite file in the system's temporary directory, removed when dropped.
    struct TempDb {
        path: PathBuf,
    }

    impl TempDb {
        fn new(name: &str) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_nanos())
                .unwrap_or_default();
            let path = std::env::temp_dir().join(format!(
                "directory-export-{name}-{}-{nanos}-{}.sqlite",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            Self { path }
        }

        async fn connect(&self) -> (DatabaseConnection, StatementCounter) {
            connect_url(&format!("sqlite://{}?mode=rwc", self.path.display()))
                .await
                .expect("the temporary database opens and migrates")
        }
    }

    impl TempDb {
        /// A file beside the database, removed with it.
        fn sibling(&self, name: &str) -> PathBuf {
            let mut path = self.path.clone().into_os_string();
            path.push(format!("-{name}"));
            PathBuf::from(path)
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(self.sibling("export.jsonl"));
            let _ = std::fs::remove_file(self.sibling("bad.jsonl"));
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut path = self.path.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    async fn import_all(db: &DatabaseConnection, records: &[Record]) {
        let numbered: Vec<(usize, Record)> = records
            .iter()
            .cloned()
            .enumerate()
            .map(|(index, record)| (index + 1, record))
            .collect();
        import::import(db, &numbered, &Actor::system("test"))
            .await
            .expect("the records import");
    }

    fn type_rank(record: &Record) -> u8 {
        record.type_order()
    }

    /// What an export of `records` must be: the order of interchange.md, each type sorted by
    /// external id, partners sorted.
    fn canonical(mut records: Vec<Record>) -> Vec<Record> {
        for record in &mut records {
            if let Record::Recruiter(recruiter) = record {
                recruiter.partners.sort();
            }
        }
        records.sort_by(|a, b| (type_rank(a), a.external_id()).cmp(&(type_rank(b), b.external_id())));
        records
    }

    /// Compares record by record so that a failure shows the first difference, not two dumps.
    fn assert_same_records(actual: &[Record], expected: &[Record]) {
        for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
            assert_eq!(actual, expected, "record {index} differs");
        }
        assert_eq!(actual.len(), expected.len(), "number of records");
    }

    #[tokio::test]
    async fn export_gives_back_the_sample_and_round_trips_byte_identically() {
        let sample = sample_directory();
        let first = TempDb::new("first");
        let (db, counter) = first.connect().await;
        import_all(&db, &sample).await;

        let before = counter.get();
        let exported = export(&db).await.expect("export");
        assert_eq!(counter.get() - before, EXPORT_STATEMENTS, "statements run");
        assert_same_records(&exported, &canonical(sample));
        let text = to_json_lines(&exported);
        assert_eq!(text.lines().count(), exported.len());
        assert!(text.ends_with('\n'));
        db.close().await.expect("close");

        // Through a file, as `directory import FILE` reads it: a chunk at a time (a few records
        // per chunk in unit tests, so references and partners cross chunks).
        let second = TempDb::new("second");
        let (db, _) = second.connect().await;
        let file = second.sibling("export.jsonl");
        std::fs::write(&file, &text).expect("write the export");
        import::import_from(&db, import::Source::File(&file), &Actor::system("test"))
            .await
            .expect("the export imports into an empty directory");
        let again = to_json_lines(&export(&db).await.expect("second export"));
        db.close().await.expect("close");
        assert!(again == text, "the second export differs from the first");
    }

    #[tokio::test]
    async fn a_file_with_one_bad_line_at_its_end_writes_nothing() {
        let records = canonical(sample_directory());
        let recruiters = records
            .iter()
            .filter(|record| matches!(record, Record::Recruiter(_)))
            .count();
        assert!(recruiters > 20, "the sample spans many chunks");
        let mut text = to_json_lines(&records);
        // Valid on its own; its reference is what is wrong, found only in the write pass, after
        // every chunk before it was written.
        let Some(Record::Certification(mut last)) = records
            .iter()
            .find(|record| matches!(record, Record::Certification(_)))
            .cloned()
        else {
            panic!("the sample has certifications")
        };
        last.external_id = "cert-late".to_owned();
        last.certificate_number = "LATE-0001".to_owned();
        last.recruiter = "nobody-by-this-id".to_owned();
        text.push_str(&serde_json::to_string(&Record::Certification(last)).expect("serialise"));
        text.push('\n');
        let bad_line = text.lines().count();

        let target = TempDb::new("bad-end");
        let (db, _) = target.connect().await;
        let file = target.sibling("bad.jsonl");
        std::fs::write(&file, &text).expect("write the file");
        let outcome = import::import_from(&db, import::Source::File(&file), &Actor::system("test")).await;
        let Err(import::ImportError::Invalid { errors, total }) = outcome else {
            panic!("the import must be refused, got {outcome:?}")
        };
        assert_eq!(total, 1, "{errors:?}");
        assert_eq!(errors[0].line, bad_line);
        assert!(errors[0].message.contains("nobody-by-this-id"), "{}", errors[0].message);
        assert!(export(&db).await.expect("export").is_empty(), "nothing was written");
        let logged = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) FROM change_log",
            ))
            .await
            .expect("count")
            .map(|row| row.try_get_by_index::<i64>(0).expect("count"));
        assert_eq!(logged, Some(0), "nothing was logged");
        db.close().await.expect("close");
    }

    #[tokio::test]
    async fn export_leaves_out_archived_records_and_what_refers_to_them() {
        let sample = sample_directory();
        // A recruiter that is someone's partner and holds a certification, an organisation with
        // commitments and a provider with listings.
        let certified: HashSet<&str> = sample
            .iter()
            .filter_map(|record| match record {
                Record::Certification(c) => Some(c.recruiter.as_str()),
                _ => None,
            })
            .collect();
        let recruiter = sample
            .iter()
            .find_map(|record| match record {
                Record::Recruiter(r) => r.partners.iter().find(|partner| certified.contains(partner.as_str())),
                _ => None,
            })
            .expect("the sample has a certified partner")
            .clone();
        let organisation = sample
            .iter()
            .find_map(|record| match record {
                Record::Commitment(c) => Some(c.organisation.clone()),
                _ => None,
            })
            .expect("the sample has commitments");
        let provider = sample
            .iter()
            .find_map(|record| match record {
                Record::TrainingListing(l) => Some(l.provider.clone()),
                _ => None,
            })
            .expect("the sample has listings");

        let temp = TempDb::new("archived");
        let (db, _) = temp.connect().await;
        import_all(&db, &sample).await;
        for (table, external_id) in [
            ("recruiter", &recruiter),
            ("organisation", &organisation),
            ("training_provider", &provider),
        ] {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET archived_at = '2026-01-01 00:00:00+00:00' WHERE external_id = '{external_id}'"
            ))
            .await
            .expect("archive");
        }
        let exported = export(&db).await.expect("export");
        db.close().await.expect("close");

        let mut expected = Vec::new();
        let mut partners_dropped = 0;
        // The archived recruiter's certifications go with it, and so do their audits.
        let gone: std::collections::HashSet<String> = sample
            .iter()
            .filter_map(|record| match record {
                Record::Certification(c) if c.recruiter == recruiter => Some(c.external_id.clone()),
                _ => None,
            })
            .collect();
        for record in sample {
            let keep = match &record {
                Record::Recruiter(r) => r.external_id != recruiter,
                Record::Certification(c) => c.recruiter != recruiter,
                Record::Audit(a) => !gone.contains(&a.certification),
                Record::LicensingAuthority(_)
                | Record::CertificationBody(_)
                | Record::Auditor(_)
                | Record::Principle(_) => true,
                Record::TrademarkRight(t) => t.recruiter != recruiter,
                Record::Organisation(o) => o.external_id != organisation,
                Record::Commitment(c) => c.organisation != organisation,
                Record::TrainingProvider(p) => p.external_id != provider,
                Record::TrainingListing(l) => l.provider != provider,
                Record::SupportService(_) => true,
                Record::AuthorisedChannel(c) => c.recruiter != recruiter,
            };
            if keep {
                let mut record = record;
                if let Record::Recruiter(r) = &mut record {
                    let before = r.partners.len();
                    r.partners.retain(|partner| *partner != recruiter);
                    partners_dropped += before - r.partners.len();
                }
                expected.push(record);
            }
        }
        assert!(partners_dropped > 0);
        assert_same_records(&exported, &canonical(expected));

        // Nothing in it refers to what was left out: it imports whole into an empty directory.
        let empty = TempDb::new("archived-reimport");
        let (db, _) = empty.connect().await;
        import_all(&db, &exported).await;
        db.close().await.expect("close");
    }

    /// `cargo test -p directory-api --lib export_of_100_000 -- --ignored --nocapture`
    #[tokio::test]
    #[ignore = "slow: imports 100 000 recruiters"]
    async fn export_of_100_000_recruiters_runs_fixed_statements_in_seconds() {
        let records = generated_directory(100_000, 1);
        let temp = TempDb::new("large");
        let (db, counter) = temp.connect().await;
        let started = Instant::now();
        import_all(&db, &records).await;
        eprintln!("import of {} records: {:?}", records.len(), started.elapsed());

        let before = counter.get();
        let started = Instant::now();
        let exported = export(&db).await.expect("export");
        let export_time = started.elapsed();
        let started = Instant::now();
        let text = to_json_lines(&exported);
        let write_time = started.elapsed();
        eprintln!(
            "export of {} records: {export_time:?}, JSON Lines ({} bytes): {write_time:?}",
            exported.len(),
            text.len()
        );
        assert_eq!(counter.get() - before, EXPORT_STATEMENTS, "statements run");
        assert_eq!(exported.len(), records.len());
        db.close().await.expect("close");
    }
}
