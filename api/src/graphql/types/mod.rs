//! GraphQL output types. They wrap entity models so that IDs, names and deprecations of the
//! public API stay free of the database layout.

mod certification;
mod commitment;
mod connection;
mod corridor;
pub mod enums;
mod help;
mod node;
mod recruiter;
mod trademark;
mod training;
mod trust;
mod verification;
mod voice;
pub mod webhook;

pub use certification::{CertificateVerification, Certification, StatusChange};
pub use commitment::{Commitment, Organisation};
pub use connection::{CountedConnection, connection};
pub use corridor::Corridor;
pub use help::{AuthorisedChannel, ContactVerification, OpeningHours, ServiceChannel, SupportService};
pub use node::Node;
pub use recruiter::{CorridorRef, Licence, Recruiter};
pub use trademark::{MarkRight, MarkUseVerification};
pub use training::{Fee, TrainingListing, TrainingProvider};
pub use trust::{ApprovalChange, Audit, Auditor, CertificationBody, LicensingAuthority};
pub use verification::{CertificateVerifications, LicenceLookup, LicenceLookups};
pub use voice::{Complaint, ComplaintStatus, ComplaintSummary, MisuseReport, RecordedComplaint};

pub(crate) use crate::db::json_list;
