use async_graphql::{ID, Interface};

use super::{
    Audit, Auditor, Certification, CertificationBody, Commitment, LicensingAuthority, MarkRight, Organisation,
    Recruiter, TrainingListing, TrainingProvider,
    help::{AuthorisedChannel, SupportService},
};

/// Any record with a global ID; fetch it again with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Recruiter(Recruiter),
    Certification(Certification),
    MarkRight(MarkRight),
    Organisation(Organisation),
    Commitment(Commitment),
    TrainingProvider(TrainingProvider),
    TrainingListing(TrainingListing),
    CertificationBody(CertificationBody),
    Auditor(Auditor),
    LicensingAuthority(LicensingAuthority),
    Audit(Audit),
    SupportService(SupportService),
    AuthorisedChannel(AuthorisedChannel),
}
