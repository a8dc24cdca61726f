//! The GraphQL enums of the domain's closed vocabularies ([`crate::vocab`]) and of the
//! services' enums: the same values, named in SCREAMING_SNAKE_CASE. Each is a remote enum, so it
//! converts to and from its domain type with `into()`, and the domain knows nothing of GraphQL.

use async_graphql::Enum;

/// Capacity-building level a recruiter has reached.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::CbpLevel")]
pub enum CbpLevel {
    None,
    Entry,
    #[graphql(name = "LEVEL_1")]
    Level1,
    #[graphql(name = "LEVEL_2")]
    Level2,
    #[graphql(name = "LEVEL_3")]
    Level3,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::LicenceStatus")]
pub enum LicenceStatus {
    Valid,
    Suspended,
    Revoked,
    Expired,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::Medium")]
pub enum Medium {
    Website,
    Print,
    SocialMedia,
    Signage,
}

/// The stored status of a mark right; whether it is in force also depends on its recruiter.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::MarkRightStatus")]
pub enum MarkRightStatus {
    Active,
    Suspended,
    Revoked,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::OrganisationKind")]
pub enum OrganisationKind {
    Brand,
    Supplier,
    Employer,
    IndustryAssociation,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::CommitmentScope")]
pub enum CommitmentScope {
    OwnOperations,
    DirectSuppliers,
    WholeSupplyChain,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::CommitmentStatus")]
pub enum CommitmentStatus {
    Active,
    Lapsed,
    Withdrawn,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::ProviderKind")]
pub enum ProviderKind {
    Ngo,
    TrainingInstitute,
    University,
    TradeUnion,
    InternationalOrganisation,
    Consultancy,
    CertificationBody,
    Government,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::Programme")]
pub enum Programme {
    CbpEntry,
    #[graphql(name = "CBP_LEVEL_1")]
    CbpLevel1,
    #[graphql(name = "CBP_LEVEL_2")]
    CbpLevel2,
    #[graphql(name = "CBP_LEVEL_3")]
    CbpLevel3,
    EmployerTraining,
    SupplierTraining,
    BrandTraining,
    GovernmentLicensing,
    GovernmentInspection,
    ConsularTraining,
    CivilSocietyTraining,
    SocialAuditorCourse,
    PreDepartureOrientation,
    PostArrivalOrientation,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::Audience")]
pub enum Audience {
    Recruiters,
    Employers,
    Suppliers,
    Brands,
    GovernmentOfficials,
    CivilSociety,
    SocialAuditors,
    MigrantWorkers,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::Delivery")]
pub enum Delivery {
    Online,
    InPerson,
    Blended,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::service::certification::CertificationStatus")]
pub enum CertificationStatus {
    Applicant,
    Deferred,
    Rejected,
    Certified,
    Suspended,
    Withdrawn,
    Expired,
}

/// Why a domain may or may not display the mark.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::service::trademark::MarkUseStatus")]
pub enum MarkUseStatus {
    /// An active right lists the domain and its recruiter is certified today.
    Allowed,
    /// No mark right lists this domain.
    NoRight,
    RightSuspended,
    RightRevoked,
    RightExpired,
    /// The right is active but its recruiter is not certified today.
    RecruiterNotCertified,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[graphql(remote = "crate::service::recruiter::RecruiterOrderField")]
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

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[graphql(remote = "crate::service::recruiter::OrderDirection")]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// A certification body's or an auditor's approval by the scheme (`BodyStatus`, the name
/// partners were given for it).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::ApprovalStatus", name = "BodyStatus")]
pub enum ApprovalStatus {
    Applicant,
    Approved,
    Suspended,
    Withdrawn,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::AuditKind")]
pub enum AuditKind {
    Initial,
    Surveillance,
    Recertification,
    Special,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::FindingRating")]
pub enum FindingRating {
    Conforming,
    Observation,
    MinorNonconformity,
    MajorNonconformity,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::SupportKind")]
pub enum SupportKind {
    MigrantResourceCentre,
    HelpDesk,
    Hotline,
    LegalAid,
    LabourAttache,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::ServiceChannelKind")]
pub enum ServiceChannelKind {
    Phone,
    Whatsapp,
    Viber,
    Messenger,
    Email,
    WalkIn,
    Web,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::AuthorisedChannelKind")]
pub enum AuthorisedChannelKind {
    HeadOffice,
    BranchOffice,
    Representative,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::Weekday")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// What `verifyContact` read the value as.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContactKind {
    Phone,
    Web,
    AgentNumber,
}

impl From<crate::service::contact::ContactKind> for ContactKind {
    fn from(kind: crate::service::contact::ContactKind) -> Self {
        use crate::service::contact::ContactKind as Kind;
        match kind {
            Kind::Phone => ContactKind::Phone,
            Kind::Web => ContactKind::Web,
            Kind::AgentNumber => ContactKind::AgentNumber,
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::ComplaintCategory")]
pub enum ComplaintCategory {
    RecruitmentFees,
    ContractSubstitution,
    DocumentsWithheld,
    DeceptionAboutJob,
    WagesWithheld,
    RestrictedMovement,
    HarassmentOrViolence,
    Other,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::ComplaintStage")]
pub enum ComplaintStage {
    Received,
    Referred,
    UnderInvestigation,
    Resolved,
    Closed,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::ComplaintOutcome")]
pub enum ComplaintOutcome {
    Upheld,
    NotUpheld,
    Remediated,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::Remedy")]
pub enum Remedy {
    FeesReimbursed,
    CompensationPaid,
    ContractHonoured,
    DocumentsReturned,
    Other,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::MisuseKind")]
pub enum MisuseKind {
    MarkDisplay,
    CertificateNumber,
    FakeAgent,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::vocab::MisuseStatus")]
pub enum MisuseStatus {
    Received,
    Confirmed,
    Rejected,
}
