//! GraphQL output types. They wrap entity models so that IDs, names and deprecations of the
//! public API stay free of the database layout.

mod certification;
mod commitment;
mod connection;
mod corridor;
pub mod enums;
mod node;
mod recruiter;
mod trademark;
mod training;
mod trust;
mod verification;
pub mod webhook;

pub use certification::{CertificateVerification, Certification, StatusChange};
pub use commitment::{Commitment, Organisation};
pub use connection::{CountedConnection, connection};
pub use corridor::Corridor;
pub use node::Node;
pub use recruiter::{CorridorRef, Licence, Recruiter};
pub use trademark::{MarkRight, MarkUseVerification};
pub use training::{Fee, TrainingListing, TrainingProvider};
pub use trust::{ApprovalChange, Audit, Auditor, CertificationBody, LicensingAuthority};
pub use verification::{CertificateVerifications, LicenceLookup, LicenceLookups};

pub(crate) use crate::db::json_list;
