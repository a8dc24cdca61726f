//! Controlled vocabularies and the format rules every record obeys (`shared/spec/domain.md`).
//!
//! The checks return a message a person can act on; callers add where it happened (an import
//! line, a mutation argument) and turn it into a `BAD_USER_INPUT`.

/// Defines a closed vocabulary once: the Rust enum and its interchange spelling (lower
/// snake_case). Its GraphQL enum (SCREAMING_SNAKE_CASE) is declared in `graphql/types/vocab.rs`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$variant_meta])* $variant),+ }

        impl $name {
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }

            /// A value read back from the database, whose column only ever holds values
            /// written by `as_str`: anything else is a corrupt row, answered `INTERNAL` (and
            /// logged with the column) rather than shown as some other value.
            pub fn stored(text: &str, column: &'static str) -> crate::error::AppResult<Self> {
                Self::parse(text).ok_or_else(|| crate::vocab::corrupt(column, text, Self::VALUES))
            }
        }
    };
}

/// The error for a stored value outside its vocabulary (see `stored` in `vocabulary!`).
pub fn corrupt(column: &'static str, text: &str, allowed: &[&str]) -> crate::error::AppError {
    crate::error::AppError::internal(anyhow::anyhow!(
        "corrupt row: `{column}` holds `{text}`, which is none of {allowed:?}"
    ))
}

vocabulary!(
    /// Capacity-building level a recruiter has reached.
    CbpLevel {
        None = "none",
        Entry = "entry",
        Level1 = "level_1",
        Level2 = "level_2",
        Level3 = "level_3",
    }
);
vocabulary!(LicenceStatus { Valid = "valid", Suspended = "suspended", Revoked = "revoked", Expired = "expired" });
vocabulary!(Medium { Website = "website", Print = "print", SocialMedia = "social_media", Signage = "signage" });
vocabulary!(
    /// The stored status of a mark right; whether it is in force also depends on its recruiter.
    MarkRightStatus { Active = "active", Suspended = "suspended", Revoked = "revoked" }
);
vocabulary!(OrganisationKind {
    Brand = "brand",
    Supplier = "supplier",
    Employer = "employer",
    IndustryAssociation = "industry_association",
});
vocabulary!(CommitmentScope {
    OwnOperations = "own_operations",
    DirectSuppliers = "direct_suppliers",
    WholeSupplyChain = "whole_supply_chain",
});
vocabulary!(CommitmentStatus { Active = "active", Lapsed = "lapsed", Withdrawn = "withdrawn" });
vocabulary!(ProviderKind {
    Ngo = "ngo",
    TrainingInstitute = "training_institute",
    University = "university",
    TradeUnion = "trade_union",
    InternationalOrganisation = "international_organisation",
    Consultancy = "consultancy",
    CertificationBody = "certification_body",
    Government = "government",
});
vocabulary!(Programme {
    CbpEntry = "cbp_entry",
    CbpLevel1 = "cbp_level_1",
    CbpLevel2 = "cbp_level_2",
    CbpLevel3 = "cbp_level_3",
    EmployerTraining = "employer_training",
    SupplierTraining = "supplier_training",
    BrandTraining = "brand_training",
    GovernmentLicensing = "government_licensing",
    GovernmentInspection = "government_inspection",
    ConsularTraining = "consular_training",
    CivilSocietyTraining = "civil_society_training",
    SocialAuditorCourse = "social_auditor_course",
    PreDepartureOrientation = "pre_departure_orientation",
    PostArrivalOrientation = "post_arrival_orientation",
});
vocabulary!(Audience {
    Recruiters = "recruiters",
    Employers = "employers",
    Suppliers = "suppliers",
    Brands = "brands",
    GovernmentOfficials = "government_officials",
    CivilSociety = "civil_society",
    SocialAuditors = "social_auditors",
    MigrantWorkers = "migrant_workers",
});
vocabulary!(Delivery { Online = "online", InPerson = "in_person", Blended = "blended" });
vocabulary!(
    /// A certification body's or an auditor's approval by the scheme.
    ApprovalStatus {
        Applicant = "applicant",
        Approved = "approved",
        Suspended = "suspended",
        Withdrawn = "withdrawn",
    }
);
vocabulary!(AuditKind {
    Initial = "initial",
    Surveillance = "surveillance",
    Recertification = "recertification",
    Special = "special",
});
vocabulary!(AuditOutcome {
    Pending = "pending",
    Passed = "passed",
    PassedWithCorrectiveActions = "passed_with_corrective_actions",
    Failed = "failed",
});
vocabulary!(FindingRating {
    Conforming = "conforming",
    Observation = "observation",
    MinorNonconformity = "minor_nonconformity",
    MajorNonconformity = "major_nonconformity",
});

vocabulary!(
    /// What a support service is.
    SupportKind {
        MigrantResourceCentre = "migrant_resource_centre",
        HelpDesk = "help_desk",
        Hotline = "hotline",
        LegalAid = "legal_aid",
        LabourAttache = "labour_attache",
    }
);
vocabulary!(
    /// How a support service is reached.
    ServiceChannelKind {
        Phone = "phone",
        Whatsapp = "whatsapp",
        Viber = "viber",
        Messenger = "messenger",
        Email = "email",
        WalkIn = "walk_in",
        Web = "web",
    }
);
vocabulary!(
    /// What an authorised channel of a recruiter is.
    AuthorisedChannelKind {
        HeadOffice = "head_office",
        BranchOffice = "branch_office",
        Representative = "representative",
    }
);
vocabulary!(
    /// A day of the week in opening hours.
    Weekday { Mon = "mon", Tue = "tue", Wed = "wed", Thu = "thu", Fri = "fri", Sat = "sat", Sun = "sun" }
);

vocabulary!(
    /// What a complaint is about.
    ComplaintCategory {
        RecruitmentFees = "recruitment_fees",
        ContractSubstitution = "contract_substitution",
        DocumentsWithheld = "documents_withheld",
        DeceptionAboutJob = "deception_about_job",
        WagesWithheld = "wages_withheld",
        RestrictedMovement = "restricted_movement",
        HarassmentOrViolence = "harassment_or_violence",
        Other = "other",
    }
);
vocabulary!(
    /// Where a complaint is in its handling.
    ComplaintStage {
        Received = "received",
        Referred = "referred",
        UnderInvestigation = "under_investigation",
        Resolved = "resolved",
        Closed = "closed",
    }
);
vocabulary!(
    /// How a resolved complaint ended.
    ComplaintOutcome { Upheld = "upheld", NotUpheld = "not_upheld", Remediated = "remediated" }
);
vocabulary!(
    /// The remedy of a remediated complaint.
    Remedy {
        FeesReimbursed = "fees_reimbursed",
        CompensationPaid = "compensation_paid",
        ContractHonoured = "contract_honoured",
        DocumentsReturned = "documents_returned",
        Other = "other",
    }
);
vocabulary!(
    /// What a misuse report is about.
    MisuseKind {
        /// A web domain or page showing the certification mark without the right.
        MarkDisplay = "mark_display",
        /// A certificate number used by someone other than its holder.
        CertificateNumber = "certificate_number",
        /// Someone posing as a recruiter's agent: a phone number, a page or an agent number.
        FakeAgent = "fake_agent",
    }
);
vocabulary!(
    /// A misuse report's review by the secretariat.
    MisuseStatus { Received = "received", Confirmed = "confirmed", Rejected = "rejected" }
);

/// An IANA time zone name (`Asia/Kathmandu`).
pub fn check_time_zone(name: &str) -> Result<(), Violation> {
    match name.parse::<chrono_tz::Tz>() {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "unknown time zone `{}`: use an IANA name such as `Asia/Kathmandu`",
            shorten(name)
        )),
    }
}

/// A time of day `HH:MM` (`24:00` is the end of the day), as minutes since midnight.
pub fn parse_time_of_day(text: &str) -> Result<u32, Violation> {
    let parsed = text.split_once(':').and_then(|(hours, minutes)| {
        let well_formed = hours.len() == 2 && minutes.len() == 2;
        let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
        (well_formed && minutes < 60 && (hours < 24 || (hours == 24 && minutes == 0))).then_some(hours * 60 + minutes)
    });
    parsed.ok_or_else(|| format!("invalid time `{}`: use HH:MM, such as `09:30`", shorten(text)))
}

/// Sectors stay strings in the API (the list grows with the scheme) but are checked here, against
/// the interchange format's list.
pub use interchange::SECTORS;

/// A message about a value that broke a rule.
pub type Violation = String;

pub fn check_vocab(value: &str, what: &str, allowed: &[&str]) -> Result<(), Violation> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(format!(
        "unknown {what} `{}`: use one of {}",
        shorten(value),
        allowed.join(", ")
    ))
}

/// ISO 3166-1 alpha-2, upper case (`NP`, `QA`).
pub fn check_country(code: &str) -> Result<(), Violation> {
    let well_formed = code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_uppercase());
    if well_formed && rust_iso3166::from_alpha2(code).is_some() {
        return Ok(());
    }
    Err(format!(
        "unknown country code `{}`: use an ISO 3166-1 alpha-2 code in upper case, such as `NP` or `QA`",
        shorten(code)
    ))
}

/// ISO 639-1, lower case (`ne`, `en`).
pub fn check_language(code: &str) -> Result<(), Violation> {
    let well_formed = code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_lowercase());
    if well_formed && isolang::Language::from_639_1(code).is_some() {
        return Ok(());
    }
    Err(format!(
        "unknown language code `{}`: use an ISO 639-1 code in lower case, such as `ne` or `en`",
        shorten(code)
    ))
}

/// ISO 4217 (`USD`).
pub fn check_currency(code: &str) -> Result<(), Violation> {
    if iso_currency::Currency::from_code(code).is_some() {
        return Ok(());
    }
    Err(format!(
        "unknown currency `{}`: use an ISO 4217 code such as `USD`",
        shorten(code)
    ))
}

pub fn check_not_blank(value: &str, what: &str) -> Result<(), Violation> {
    if value.trim().is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if value.chars().count() > 500 {
        return Err(format!("{what} is longer than 500 characters"));
    }
    Ok(())
}

/// A slug is lower-case ASCII letters, digits and single hyphens.
pub fn check_slug(slug: &str) -> Result<(), Violation> {
    let valid = !slug.is_empty()
        && slug.len() <= 120
        && slug
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if valid {
        return Ok(());
    }
    Err(format!(
        "invalid slug `{}`: use lower-case letters, digits and single hyphens",
        shorten(slug)
    ))
}

/// A scheme-qualified identifier in its canonical spelling: trimmed, the list code (the first
/// two parts, `NP-CRO`) in upper case, the identifier within the list as written.
pub fn normalise_org_identifier(identifier: &str) -> String {
    let trimmed = identifier.trim();
    let mut parts = trimmed.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(country), Some(register), Some(local)) => {
            format!(
                "{}-{}-{local}",
                country.to_ascii_uppercase(),
                register.to_ascii_uppercase()
            )
        }
        _ => trimmed.to_owned(),
    }
}

/// The list code (`NP-CRO`) and the identifier within it (`45995`) of a canonical identifier.
pub fn split_org_identifier(identifier: &str) -> Option<(&str, &str)> {
    let register_end = identifier.match_indices('-').nth(1)?.0;
    Some((&identifier[..register_end], &identifier[register_end + 1..]))
}

/// A scheme-qualified identifier in the org-id.guide style: `{country}-{register}-{identifier}`
/// (`NP-CRO-45995`, `GB-COH-01234567`, `XI-LEI-…`). The country is ISO 3166-1 alpha-2, or `XI`
/// (international) or `XM` (multilateral); the register code 2 to 12 letters or digits; the
/// identifier 1 to 100 visible characters.
pub fn check_org_identifier(identifier: &str) -> Result<(), Violation> {
    let advice = "use the org-id.guide form `{country}-{register}-{identifier}`, e.g. `NP-CRO-45995`";
    let Some((list, local)) = split_org_identifier(identifier) else {
        return Err(format!("invalid identifier `{}`: {advice}", shorten(identifier)));
    };
    let (country, register) = list.split_once('-').unwrap_or_default();
    let country_known = matches!(country, "XI" | "XM") || rust_iso3166::from_alpha2(country).is_some();
    if !country_known || country.len() != 2 {
        return Err(format!(
            "invalid identifier `{}`: `{country}` is not an ISO 3166-1 alpha-2 country (nor XI or XM); {advice}",
            shorten(identifier)
        ));
    }
    let register_valid = (2..=12).contains(&register.len())
        && register
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
    let local_valid = !local.is_empty()
        && local.chars().count() <= 100
        && !local
            .chars()
            .any(|character| character.is_whitespace() || character.is_control());
    if register_valid && local_valid {
        return Ok(());
    }
    Err(format!("invalid identifier `{}`: {advice}", shorten(identifier)))
}

/// An organisation's public e-mail address.
pub fn check_email(email: &str) -> Result<(), Violation> {
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
    });
    if valid {
        return Ok(());
    }
    Err(format!("email `{}` is not an e-mail address", shorten(email)))
}

/// An absolute `http(s)` address.
pub fn check_url(url: &str, what: &str) -> Result<(), Violation> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !url.contains(char::is_whitespace) => Ok(()),
        _ => Err(format!("{what} `{}` is not an absolute http(s) address", shorten(url))),
    }
}

pub fn check_date_order(
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
    start_name: &str,
    end_name: &str,
) -> Result<(), Violation> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(format!("{end_name} ({end}) is before {start_name} ({start})")),
        _ => Ok(()),
    }
}

/// The form identifiers are compared in: case- and whitespace-insensitive.
pub fn normalise_key(identifier: &str) -> String {
    identifier
        .chars()
        .filter(|character| !character.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A web host as allowed to show the mark: lower case, no scheme, path, port, `www.` or final
/// dot, international names in ASCII (punycode).
pub fn normalise_domain(input: &str) -> String {
    let lowered = input.trim().to_lowercase();
    let without_scheme = lowered.split("://").last().unwrap_or_default();
    let host_and_port = without_scheme.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host_and_port.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default().trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    // International names as their ASCII (punycode) form, as browsers send them; a name IDNA
    // refuses stays as it is, for `check_domain` to explain.
    match idna::domain_to_ascii(host) {
        Ok(ascii)
            if !ascii.is_empty()
                && ascii
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'.' || byte == b'-') =>
        {
            ascii
        }
        _ => host.to_owned(),
    }
}

pub fn check_domain(domain: &str) -> Result<(), Violation> {
    let valid = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if valid {
        return Ok(());
    }
    Err(format!(
        "invalid web domain `{}`: use a host name such as `example.com.np`",
        shorten(domain)
    ))
}

fn shorten(value: &str) -> String {
    let short: String = value.chars().take(60).collect();
    if short.len() < value.len() {
        format!("{short}...")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn org_identifiers_are_checked_and_spelled_canonically() {
        use super::{check_org_identifier, normalise_org_identifier, split_org_identifier};
        assert_eq!(
            normalise_org_identifier(" np-cro-45995-063-064 "),
            "NP-CRO-45995-063-064"
        );
        assert_eq!(
            split_org_identifier("NP-CRO-45995-063-064"),
            Some(("NP-CRO", "45995-063-064"))
        );
        for valid in [
            "NP-CRO-45995",
            "GB-COH-01234567",
            "XI-LEI-5493001KJTIIGC8Y1R12",
            "XM-DAC-41114",
        ] {
            assert!(check_org_identifier(valid).is_ok(), "{valid}");
        }
        for (invalid, why) in [
            ("NPCRO45995", "org-id.guide form"),
            ("NP-CRO-", "org-id.guide form"),
            ("NP-CRO-45 995", "org-id.guide form"),
            ("NP-C-1", "org-id.guide form"),
            ("np-CRO-1", "not an ISO 3166-1"),
            ("ZZ-CRO-1", "not an ISO 3166-1"),
            ("NEP-CRO-1", "not an ISO 3166-1"),
        ] {
            let message = check_org_identifier(invalid).expect_err(invalid);
            assert!(message.contains(why), "{invalid}: {message}");
        }
    }

    #[test]
    fn a_stored_value_outside_its_vocabulary_is_an_internal_error_naming_the_column() {
        assert_eq!(
            CbpLevel::stored("level_1", "recruiter.cbp_level").ok(),
            Some(CbpLevel::Level1)
        );
        let error = CbpLevel::stored("levle_1", "recruiter.cbp_level").expect_err("corrupt");
        assert_eq!(error.code(), "INTERNAL");
        let crate::error::AppError::Internal(cause) = error else {
            panic!("an internal error")
        };
        let said = cause.to_string();
        assert!(
            said.contains("recruiter.cbp_level") && said.contains("levle_1"),
            "{said}"
        );
    }

    use super::*;

    #[test]
    fn codes_follow_the_iso_standards() {
        assert!(check_country("NP").is_ok());
        for bad in ["np", "XX", "NPL", "", "N"] {
            assert!(check_country(bad).is_err(), "{bad}");
        }
        assert!(check_language("ne").is_ok());
        for bad in ["NE", "xx", "nep", ""] {
            assert!(check_language(bad).is_err(), "{bad}");
        }
        assert!(check_currency("USD").is_ok());
        assert!(check_currency("XYZ").is_err());
    }

    #[test]
    fn identifiers_compare_without_case_and_spaces() {
        assert_eq!(normalise_key(" ERS-NP 2024-0000001 "), "ers-np2024-0000001");
        assert_eq!(
            normalise_domain("https://WWW.Example.com.np:443/path?x"),
            "example.com.np"
        );
        assert_eq!(normalise_domain("example.org."), "example.org");
        assert!(check_domain("example.com.np").is_ok());
        assert!(check_domain("exa mple.com").is_err());
        assert!(check_slug("himalayan-overseas").is_ok());
        assert!(check_slug("Himalayan").is_err());
    }
}
