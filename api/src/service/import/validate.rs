//! The rules a record obeys on its own (`validate`), and the outline of a file the write pass
//! checks references and unique keys against.

use std::collections::{HashMap, HashSet};

use super::{Errors, record_type};
use crate::service::certification::{CertificationStatus, check_transition};
use crate::service::contact;
use crate::{
    interchange::*,
    vocab::{self, Violation, normalise_domain, normalise_key},
};

/// What the first pass keeps of every record: enough to resolve references and check unique
/// keys against the whole file and the database before anything is written.
#[derive(Default)]
pub(super) struct Outline {
    /// Where each record (type, external id) is first defined.
    pub(super) defined: HashMap<(&'static str, String), usize>,
    /// External ids looked up in the directory, by type: the records themselves (to update
    /// them) and every record they refer to.
    pub(super) wanted: HashMap<&'static str, HashSet<String>>,
    /// Public identifiers that must be unique.
    pub(super) keys: Vec<UniqueKey>,
    /// Values the source spelled otherwise than canonically ([`normalise`]).
    pub(super) normalised: usize,
}

/// The public identifiers that are unique across the directory, each in its own column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum KeyKind {
    Slug,
    LicenceNumber,
    CertificateNumber,
    TrademarkLicenceNumber,
    RecruiterIdentifier,
    OrganisationIdentifier,
    BodyName,
}

impl KeyKind {
    pub(super) const ALL: [Self; 7] = [
        Self::Slug,
        Self::LicenceNumber,
        Self::CertificateNumber,
        Self::TrademarkLicenceNumber,
        Self::RecruiterIdentifier,
        Self::OrganisationIdentifier,
        Self::BodyName,
    ];

    /// As error messages name it.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Slug => "slug",
            Self::LicenceNumber => "licence number",
            Self::CertificateNumber => "certificate number",
            Self::TrademarkLicenceNumber => "trademark licence number",
            Self::RecruiterIdentifier => "recruiter identifier",
            Self::OrganisationIdentifier => "organisation identifier",
            Self::BodyName => "certification body name",
        }
    }
}

/// A public identifier of a record in the input.
pub(super) struct UniqueKey {
    pub(super) line: usize,
    pub(super) kind: KeyKind,
    pub(super) normalised: String,
    /// As written, for the error message.
    pub(super) shown: String,
    /// The record that carries it.
    pub(super) record: (&'static str, String),
}

impl Outline {
    pub(super) fn add(&mut self, line: usize, record: &Record, errors: &mut Errors) {
        let kind = record_type(record);
        let external_id = record.external_id();
        if let Some(first) = self.defined.get(&(kind, external_id.to_owned())) {
            errors.push(
                line,
                format!("{kind} `{external_id}` is already defined on line {first}"),
            );
        } else {
            self.defined.insert((kind, external_id.to_owned()), line);
        }
        self.want(kind, external_id);
        let key = |kind: KeyKind, value: &str| UniqueKey {
            line,
            kind,
            normalised: normalise_key(value),
            shown: value.to_owned(),
            record: (record_type(record), external_id.to_owned()),
        };
        let mut keys = Vec::new();
        match record {
            Record::Recruiter(recruiter) => {
                keys.push(key(KeyKind::Slug, &recruiter.slug));
                for identifier in &recruiter.identifiers {
                    keys.push(key(
                        KeyKind::RecruiterIdentifier,
                        &vocab::normalise_org_identifier(identifier),
                    ));
                }
                for licence in &recruiter.licences {
                    keys.push(key(KeyKind::LicenceNumber, &licence.licence_number));
                    if let Some(authority) = &licence.authority {
                        self.want("licensing_authority", authority);
                    }
                }
                for partner in &recruiter.partners {
                    self.want("recruiter", partner);
                }
            }
            Record::Certification(certification) => {
                keys.push(key(KeyKind::CertificateNumber, &certification.certificate_number));
                self.want("recruiter", &certification.recruiter);
                if let Some(body) = &certification.body {
                    self.want("certification_body", body);
                }
            }
            Record::CertificationBody(body) => keys.push(key(KeyKind::BodyName, &body.name)),
            Record::Auditor(auditor) => self.want("certification_body", &auditor.body),
            Record::Audit(audit) => {
                self.want("certification", &audit.certification);
                if let Some(body) = &audit.body {
                    self.want("certification_body", body);
                }
                if let Some(auditor) = &audit.lead_auditor {
                    self.want("auditor", auditor);
                }
                for finding in &audit.findings {
                    self.want("principle", &finding.principle);
                }
            }
            Record::LicensingAuthority(_) | Record::Principle(_) => {}
            Record::TrademarkRight(right) => {
                keys.push(key(KeyKind::TrademarkLicenceNumber, &right.licence_number));
                self.want("recruiter", &right.recruiter);
            }
            Record::Commitment(commitment) => self.want("organisation", &commitment.organisation),
            Record::TrainingListing(listing) => self.want("training_provider", &listing.provider),
            Record::Organisation(organisation) => {
                for identifier in &organisation.identifiers {
                    keys.push(key(
                        KeyKind::OrganisationIdentifier,
                        &vocab::normalise_org_identifier(identifier),
                    ));
                }
            }
            Record::TrainingProvider(_) | Record::SupportService(_) => {}
            Record::AuthorisedChannel(channel) => self.want("recruiter", &channel.recruiter),
        }
        self.keys.extend(keys);
    }

    pub(super) fn want(&mut self, kind: &'static str, external_id: &str) {
        let wanted = self.wanted.entry(kind).or_default();
        if !wanted.contains(external_id) {
            wanted.insert(external_id.to_owned());
        }
    }
}

/// Every rule a record obeys on its own (references and uniqueness are checked when writing).
pub fn validate(record: &Record) -> Vec<Violation> {
    let mut check = Checker::default();
    check.run(vocab::check_not_blank(record.external_id(), "external_id"));
    match record {
        Record::Recruiter(recruiter) => check.recruiter(recruiter),
        Record::Certification(certification) => check.certification(certification),
        Record::TrademarkRight(right) => check.trademark_right(right),
        Record::Organisation(organisation) => {
            check.run(vocab::check_not_blank(&organisation.name, "name"));
            check.run(vocab::check_vocab(
                &organisation.kind,
                "organisation kind",
                vocab::OrganisationKind::VALUES,
            ));
            check.run(vocab::check_country(&organisation.country));
            if let Some(sector) = &organisation.sector {
                check.run(vocab::check_vocab(sector, "sector", vocab::SECTORS));
            }
            check.optional_url(organisation.website.as_deref(), "website");
            check.identifiers(&organisation.identifiers);
        }
        Record::Commitment(commitment) => {
            check.run(vocab::check_not_blank(&commitment.framework, "framework"));
            check.run(vocab::check_vocab(
                &commitment.scope,
                "commitment scope",
                vocab::CommitmentScope::VALUES,
            ));
            check.run(vocab::check_vocab(
                &commitment.status,
                "commitment status",
                vocab::CommitmentStatus::VALUES,
            ));
            check.sectors(&commitment.sectors, false);
            check.corridors(&commitment.corridors, false);
            check.optional_url(commitment.statement_url.as_deref(), "statement_url");
        }
        Record::TrainingProvider(provider) => {
            check.run(vocab::check_not_blank(&provider.name, "name"));
            check.run(vocab::check_vocab(
                &provider.kind,
                "provider kind",
                vocab::ProviderKind::VALUES,
            ));
            check.countries(&provider.countries);
            check.languages(&provider.languages, true);
            check.optional_url(provider.website.as_deref(), "website");
        }
        Record::TrainingListing(listing) => check.training_listing(listing),
        Record::LicensingAuthority(authority) => {
            check.run(vocab::check_not_blank(&authority.name, "name"));
            check.run(vocab::check_country(&authority.country));
            check.optional_url(authority.register_url.as_deref(), "register_url");
            check.optional_text(authority.register_shows.as_deref(), "register_shows");
        }
        Record::CertificationBody(body) => {
            check.run(vocab::check_not_blank(&body.name, "name"));
            check.run(vocab::check_country(&body.country));
            check.optional_url(body.website.as_deref(), "website");
            check.countries(&body.audit_countries);
            check.approval(&body.status, &body.status_history);
        }
        Record::Auditor(auditor) => {
            check.run(vocab::check_not_blank(&auditor.name, "name"));
            check.run(vocab::check_not_blank(&auditor.body, "body"));
            check.approval(&auditor.status, &auditor.status_history);
            // The social-auditor course is a prerequisite of approval.
            for change in auditor.status_history.iter().filter(|change| change.to == "approved") {
                let approved_on = change.at.date_naive();
                if auditor.course_completed_on.is_none_or(|course| course > approved_on) {
                    check.violations.push(format!(
                        "an auditor is approved only after completing the social-auditor course: \
                         course_completed_on must be on or before the approval of {approved_on}"
                    ));
                }
            }
        }
        Record::Principle(principle) => {
            check.run(vocab::check_not_blank(&principle.scheme, "scheme"));
            check.run(vocab::check_not_blank(&principle.code, "code"));
            check.run(vocab::check_not_blank(&principle.title, "title"));
        }
        Record::Audit(audit) => check.audit(audit),
        Record::SupportService(service) => check.support_service(service),
        Record::AuthorisedChannel(channel) => check.authorised_channel(channel),
    }
    check.violations
}

#[derive(Default)]
pub(super) struct Checker {
    pub(super) violations: Vec<Violation>,
}

impl Checker {
    pub(super) fn run(&mut self, result: Result<(), Violation>) {
        if let Err(violation) = result {
            self.violations.push(violation);
        }
    }

    pub(super) fn optional_url(&mut self, url: Option<&str>, what: &str) {
        if let Some(url) = url {
            self.run(vocab::check_url(url, what));
        }
    }

    pub(super) fn optional_text(&mut self, text: Option<&str>, what: &str) {
        if let Some(text) = text {
            self.run(vocab::check_not_blank(text, what));
        }
    }

    pub(super) fn languages(&mut self, languages: &[String], required: bool) {
        if required && languages.is_empty() {
            self.violations
                .push("languages must name at least one ISO 639-1 code".to_owned());
        }
        for language in languages {
            self.run(vocab::check_language(language));
        }
        self.no_duplicates(languages, "languages");
    }

    pub(super) fn countries(&mut self, countries: &[String]) {
        for country in countries {
            self.run(vocab::check_country(country));
        }
        self.no_duplicates(countries, "countries");
    }

    pub(super) fn sectors(&mut self, sectors: &[String], required: bool) {
        if required && sectors.is_empty() {
            self.violations.push("sectors must name at least one sector".to_owned());
        }
        for sector in sectors {
            self.run(vocab::check_vocab(sector, "sector", vocab::SECTORS));
        }
        self.no_duplicates(sectors, "sectors");
    }

    pub(super) fn corridors(&mut self, corridors: &[CorridorRecord], required: bool) {
        if required && corridors.is_empty() {
            self.violations
                .push("corridors must name at least one origin -> destination pair".to_owned());
        }
        for corridor in corridors {
            self.run(vocab::check_country(&corridor.origin));
            self.run(vocab::check_country(&corridor.destination));
            if corridor.origin == corridor.destination {
                self.violations.push(format!(
                    "corridor {0} -> {0} has the same origin and destination",
                    corridor.origin
                ));
            }
        }
        let unique: HashSet<&CorridorRecord> = corridors.iter().collect();
        if unique.len() != corridors.len() {
            self.violations
                .push("corridors lists the same corridor twice".to_owned());
        }
    }

    pub(super) fn no_duplicates(&mut self, values: &[String], what: &str) {
        let unique: HashSet<&String> = values.iter().collect();
        if unique.len() != values.len() {
            self.violations.push(format!("{what} lists the same value twice"));
        }
    }

    pub(super) fn identifiers(&mut self, identifiers: &[String]) {
        if identifiers.len() > 20 {
            self.violations
                .push(format!("{} identifiers; at most 20 may be listed", identifiers.len()));
        }
        for identifier in identifiers {
            self.run(vocab::check_org_identifier(identifier));
        }
    }

    pub(super) fn support_service(&mut self, service: &SupportServiceRecord) {
        self.run(vocab::check_not_blank(&service.name, "name"));
        self.run(vocab::check_not_blank(&service.operator, "operator"));
        self.run(vocab::check_vocab(
            &service.kind,
            "support service kind",
            vocab::SupportKind::VALUES,
        ));
        if service.countries.is_empty() {
            self.violations
                .push("countries must name at least one country the service is in or serves".to_owned());
        }
        self.countries(&service.countries);
        for city in &service.cities {
            self.run(vocab::check_not_blank(city, "a city"));
        }
        self.corridors(&service.corridors, false);
        self.languages(&service.languages, true);
        self.optional_url(service.website.as_deref(), "website");
        if service.channels.is_empty() {
            self.violations
                .push("channels must name at least one way of reaching the service".to_owned());
        }
        for (index, channel) in service.channels.iter().enumerate() {
            let at = format!("channels[{index}]");
            let kind = vocab::ServiceChannelKind::parse(&channel.kind);
            self.run(vocab::check_vocab(
                &channel.kind,
                &format!("{at} kind"),
                vocab::ServiceChannelKind::VALUES,
            ));
            self.run(vocab::check_not_blank(&channel.address, &format!("{at} address")));
            self.run(vocab::check_time_zone(&channel.time_zone).map_err(|message| format!("{at}: {message}")));
            let address = match kind {
                Some(
                    vocab::ServiceChannelKind::Phone
                    | vocab::ServiceChannelKind::Whatsapp
                    | vocab::ServiceChannelKind::Viber,
                ) => contact::normalise_phone(&channel.address, None).map(drop),
                Some(vocab::ServiceChannelKind::Web | vocab::ServiceChannelKind::Messenger) => {
                    vocab::check_url(&channel.address, "address")
                }
                Some(vocab::ServiceChannelKind::Email) => vocab::check_email(&channel.address),
                _ => Ok(()),
            };
            self.run(address.map_err(|message| format!("{at}: {message}")));
            for (position, hours) in channel.hours.iter().enumerate() {
                let at = format!("{at}.hours[{position}]");
                if hours.days.is_empty() {
                    self.violations.push(format!("{at}: days must name at least one day"));
                }
                for day in &hours.days {
                    self.run(vocab::check_vocab(day, &format!("{at} day"), vocab::Weekday::VALUES));
                }
                self.no_duplicates(&hours.days, &format!("{at} days"));
                match (
                    vocab::parse_time_of_day(&hours.opens),
                    vocab::parse_time_of_day(&hours.closes),
                ) {
                    (Ok(opens), Ok(closes)) if closes <= opens => self.violations.push(format!(
                        "{at}: closes ({}) must be after opens ({})",
                        hours.closes, hours.opens
                    )),
                    (opens, closes) => {
                        self.run(opens.map(drop).map_err(|message| format!("{at} opens: {message}")));
                        self.run(closes.map(drop).map_err(|message| format!("{at} closes: {message}")));
                    }
                }
            }
        }
    }

    pub(super) fn authorised_channel(&mut self, channel: &AuthorisedChannelRecord) {
        self.run(vocab::check_not_blank(&channel.recruiter, "recruiter"));
        self.run(vocab::check_not_blank(&channel.name, "name"));
        self.run(vocab::check_vocab(
            &channel.kind,
            "authorised channel kind",
            vocab::AuthorisedChannelKind::VALUES,
        ));
        self.run(vocab::check_country(&channel.country));
        self.optional_text(channel.city.as_deref(), "city");
        self.optional_text(channel.address.as_deref(), "address");
        self.run(vocab::check_date_order(
            Some(channel.valid_from),
            channel.valid_until,
            "valid_from",
            "valid_until",
        ));
        if channel.phones.is_empty() && channel.web_addresses.is_empty() && channel.agent_numbers.is_empty() {
            self.violations
                .push("an authorised channel lists at least one phone, web address or agent number".to_owned());
        }
        if channel.phones.len() + channel.web_addresses.len() + channel.agent_numbers.len() > 50 {
            self.violations
                .push("an authorised channel lists at most 50 contacts".to_owned());
        }
        if vocab::check_country(&channel.country).is_ok() {
            for phone in &channel.phones {
                self.run(contact::normalise_phone(phone, Some(&channel.country)).map(drop));
            }
        }
        for address in &channel.web_addresses {
            self.run(vocab::check_url(address, "web address"));
            self.run(contact::normalise_web(address).map(drop));
        }
        for number in &channel.agent_numbers {
            self.run(contact::normalise_agent_number(number).map(drop));
        }
    }

    pub(super) fn recruiter(&mut self, recruiter: &RecruiterRecord) {
        self.run(vocab::check_not_blank(&recruiter.legal_name, "legal_name"));
        for name in recruiter.trading_names.iter().chain(&recruiter.former_names) {
            self.run(vocab::check_not_blank(name, "a trading or former name"));
        }
        self.run(vocab::check_slug(&recruiter.slug));
        self.run(vocab::check_country(&recruiter.country));
        self.identifiers(&recruiter.identifiers);
        self.optional_text(recruiter.city.as_deref(), "city");
        self.optional_text(recruiter.address.as_deref(), "address");
        self.optional_text(recruiter.phone.as_deref(), "phone");
        self.optional_url(recruiter.website.as_deref(), "website");
        if let Some(email) = &recruiter.email {
            self.run(vocab::check_email(email));
        }
        if let Some(description) = &recruiter.description
            && description.chars().count() > 5_000
        {
            self.violations
                .push("description is longer than 5000 characters".to_owned());
        }
        self.languages(&recruiter.languages, true);
        self.sectors(&recruiter.sectors, true);
        self.corridors(&recruiter.corridors, true);
        self.run(vocab::check_vocab(
            &recruiter.cbp_level,
            "cbp_level",
            vocab::CbpLevel::VALUES,
        ));
        for licence in &recruiter.licences {
            self.run(vocab::check_not_blank(
                &licence.issuing_authority,
                "licence issuing_authority",
            ));
            self.run(vocab::check_country(&licence.country));
            self.run(vocab::check_not_blank(&licence.licence_number, "licence_number"));
            self.run(vocab::check_vocab(
                &licence.status,
                "licence status",
                vocab::LicenceStatus::VALUES,
            ));
            self.run(vocab::check_date_order(
                licence.valid_from,
                licence.valid_until,
                "valid_from",
                "valid_until",
            ));
            if let Some(authority) = &licence.authority {
                self.run(vocab::check_not_blank(authority, "licence authority"));
            }
        }
        self.no_duplicates(&recruiter.partners, "partners");
    }

    pub(super) fn certification(&mut self, certification: &CertificationRecord) {
        self.run(vocab::check_not_blank(
            &certification.certificate_number,
            "certificate_number",
        ));
        self.run(vocab::check_not_blank(&certification.scheme, "scheme"));
        self.optional_text(certification.certification_body.as_deref(), "certification_body");
        if let Some(body) = &certification.body {
            self.run(vocab::check_not_blank(body, "body"));
            if certification.certification_body.is_none() {
                self.violations
                    .push("certification_body must name the body that `body` refers to".to_owned());
            }
        }
        self.run(vocab::check_date_order(
            certification.issued_on,
            certification.expires_on,
            "issued_on",
            "expires_on",
        ));
        self.corridors(&certification.scope_corridors, false);
        self.sectors(&certification.scope_sectors, false);
        let Some(status) = CertificationStatus::parse(&certification.status) else {
            let allowed: Vec<&str> = CertificationStatus::ALL.iter().map(|status| status.as_str()).collect();
            self.run(vocab::check_vocab(
                &certification.status,
                "certification status",
                &allowed,
            ));
            return;
        };
        self.history(&certification.status_history, status);
        let ever_certified = certification
            .status_history
            .iter()
            .any(|change| change.to == "certified");
        let has_dates = certification.issued_on.is_some() && certification.expires_on.is_some();
        if ever_certified && !has_dates {
            self.violations
                .push("issued_on and expires_on are required once a certification has been certified".to_owned());
        }
        if !ever_certified && (certification.issued_on.is_some() || certification.expires_on.is_some()) {
            self.violations
                .push("issued_on and expires_on must be null before the first certification".to_owned());
        }
    }

    pub(super) fn history(&mut self, history: &[StatusChangeRecord], status: CertificationStatus) {
        let Some(last) = history.last() else {
            self.violations
                .push("status_history must contain at least the application entry".to_owned());
            return;
        };
        let mut previous: Option<&StatusChangeRecord> = None;
        for (position, change) in history.iter().enumerate() {
            let entry = position + 1;
            let from = change
                .from
                .as_deref()
                .map(|from| (from, CertificationStatus::parse(from)));
            let Some(to) = CertificationStatus::parse(&change.to) else {
                self.violations
                    .push(format!("status_history entry {entry}: unknown status `{}`", change.to));
                continue;
            };
            let from_status = match from {
                Some((text, None)) => {
                    self.violations
                        .push(format!("status_history entry {entry}: unknown status `{text}`"));
                    continue;
                }
                Some((_, Some(status))) => Some(status),
                None => None,
            };
            let expected_from = previous.map(|previous| previous.to.as_str());
            if change.from.as_deref() != expected_from {
                self.violations.push(format!(
                    "status_history entry {entry}: `from` is {:?} but the previous entry ended in {:?}",
                    change.from, expected_from
                ));
            } else if let Err(violation) = check_transition(from_status, to) {
                self.violations
                    .push(format!("status_history entry {entry}: {violation}"));
            }
            if previous.is_some_and(|previous| change.at < previous.at) {
                self.violations.push(format!(
                    "status_history entry {entry}: `at` is earlier than the entry before it"
                ));
            }
            self.run(vocab::check_not_blank(&change.reason, "reason"));
            self.run(vocab::check_not_blank(&change.recorded_by, "recorded_by"));
            previous = Some(change);
        }
        if last.to != status.as_str() {
            self.violations.push(format!(
                "status is {} but the last status_history entry is {}",
                status.as_str(),
                last.to
            ));
        }
    }

    pub(super) fn trademark_right(&mut self, right: &TrademarkRightRecord) {
        self.run(vocab::check_not_blank(&right.licence_number, "licence_number"));
        self.run(vocab::check_not_blank(&right.mark, "mark"));
        if right.media.is_empty() {
            self.violations.push("media must name at least one medium".to_owned());
        }
        for medium in &right.media {
            self.run(vocab::check_vocab(medium, "medium", vocab::Medium::VALUES));
        }
        self.no_duplicates(&right.media, "media");
        for domain in &right.domains {
            self.run(vocab::check_domain(domain));
            if normalise_domain(domain) != *domain {
                self.violations.push(format!(
                    "domain `{domain}` must be written as `{}`",
                    normalise_domain(domain)
                ));
            }
        }
        self.no_duplicates(&right.domains, "domains");
        self.run(vocab::check_date_order(
            Some(right.granted_on),
            right.expires_on,
            "granted_on",
            "expires_on",
        ));
        self.run(vocab::check_vocab(
            &right.status,
            "trademark right status",
            vocab::MarkRightStatus::VALUES,
        ));
    }

    pub(super) fn training_listing(&mut self, listing: &TrainingListingRecord) {
        self.run(vocab::check_not_blank(&listing.title, "title"));
        self.run(vocab::check_vocab(
            &listing.programme,
            "programme",
            vocab::Programme::VALUES,
        ));
        self.run(vocab::check_vocab(
            &listing.audience,
            "audience",
            vocab::Audience::VALUES,
        ));
        self.run(vocab::check_vocab(
            &listing.delivery,
            "delivery",
            vocab::Delivery::VALUES,
        ));
        match &listing.country {
            Some(country) => self.run(vocab::check_country(country)),
            None if listing.delivery != "online" => {
                self.violations
                    .push(format!("country is required for {} delivery", listing.delivery));
            }
            None => {}
        }
        self.optional_text(listing.city.as_deref(), "city");
        self.languages(&listing.languages, true);
        self.run(vocab::check_date_order(
            listing.starts_on,
            listing.ends_on,
            "starts_on",
            "ends_on",
        ));
        if let Some(fee) = &listing.fee {
            let (whole, fraction) = fee.amount.split_once('.').unwrap_or((&fee.amount, ""));
            let valid = !whole.is_empty()
                && whole.bytes().all(|byte| byte.is_ascii_digit())
                && fraction.len() <= 4
                && fraction.bytes().all(|byte| byte.is_ascii_digit());
            if !valid {
                self.violations
                    .push(format!("fee amount `{}` is not a decimal such as `150.00`", fee.amount));
            }
            self.run(vocab::check_currency(&fee.currency));
        }
        self.optional_url(listing.registration_url.as_deref(), "registration_url");
    }

    pub(super) fn approval(&mut self, status: &str, history: &[StatusChangeRecord]) {
        self.run(vocab::check_vocab(
            status,
            "approval status",
            vocab::ApprovalStatus::VALUES,
        ));
        self.violations
            .extend(crate::service::trust::check_approval_history(history, status));
    }

    pub(super) fn audit(&mut self, audit: &AuditRecord) {
        use crate::service::trust::check_identifies_nobody;
        self.run(vocab::check_not_blank(&audit.certification, "certification"));
        self.run(vocab::check_vocab(&audit.kind, "audit kind", vocab::AuditKind::VALUES));
        self.run(vocab::check_vocab(
            &audit.outcome,
            "audit outcome",
            vocab::AuditOutcome::VALUES,
        ));
        self.run(vocab::check_date_order(
            Some(audit.started_on),
            audit.ended_on,
            "started_on",
            "ended_on",
        ));
        let pending = audit.outcome == vocab::AuditOutcome::Pending.as_str();
        if !pending && audit.ended_on.is_none() {
            self.violations
                .push(format!("ended_on is required once the outcome is {}", audit.outcome));
        }
        if audit.sites_visited == 0 && !pending {
            self.violations
                .push("sites_visited must be at least 1 for a completed audit".to_owned());
        }
        let mut principles = HashSet::new();
        for finding in &audit.findings {
            if !principles.insert(finding.principle.as_str()) {
                self.violations.push(format!(
                    "findings name principle `{}` twice: give one finding per principle",
                    finding.principle
                ));
            }
            self.run(vocab::check_vocab(
                &finding.rating,
                "finding rating",
                vocab::FindingRating::VALUES,
            ));
            self.run(vocab::check_not_blank(&finding.summary, "finding summary"));
            self.run(check_identifies_nobody(&finding.summary, "a finding summary"));
            if finding.summary.chars().count() > 2_000 {
                self.violations
                    .push("a finding summary is longer than 2000 characters".to_owned());
            }
            for action in &finding.corrective_actions {
                self.run(vocab::check_not_blank(
                    &action.description,
                    "corrective action description",
                ));
                self.run(check_identifies_nobody(&action.description, "a corrective action"));
                self.run(vocab::check_date_order(
                    Some(audit.started_on),
                    Some(action.due_on),
                    "the audit's started_on",
                    "a corrective action's due_on",
                ));
                self.run(vocab::check_date_order(
                    Some(audit.started_on),
                    action.closed_on,
                    "the audit's started_on",
                    "a corrective action's closed_on",
                ));
            }
        }
    }
}
