//! The chain of trust of the sample: the licensing authorities behind its licences, the
//! certification bodies behind its certificates with their auditors, the principles of the
//! standard, and the audits of the first certifications.
//!
//! It is drawn after everything else, from a stream of its own, so the rest of the sample is the
//! same with or without it; it only adds references (`authority` on licences, `body` on
//! certifications) to records already drawn. It shows every state a user should meet: an
//! approved body and a suspended one, an approved auditor and a suspended one, announced and
//! unannounced audits, open and closed corrective actions, audits held on time and one overdue.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use interchange::{
    AuditRecord, AuditorRecord, CertificationBodyRecord, CertificationRecord, CorrectiveActionRecord, FindingRecord,
    LicensingAuthorityRecord, PrincipleRecord, Record, StatusChangeRecord,
};

use crate::{CERTIFICATION_BODIES, COUNTRIES, SCHEME, SECRETARIAT, history_end, serial_id, ymd};

const TRUST_SEED: u64 = 0x7275_5354;

/// Certifications of this many recruiters (the first ones) get their audits: enough to show
/// every state, few enough that the benchmarks' large directories stay what they measure.
const AUDITED_CERTIFICATIONS: usize = 240;

/// The body whose approval the scheme suspended shortly before the sample was taken.
const SUSPENDED_BODY: &str = "Crescent Compliance Certification LLC";

/// The principles of the standard, as the scheme numbers them.
const PRINCIPLES: [(&str, &str); 7] = [
    (
        "A",
        "Respect for laws, fundamental principles and rights at work, and professional codes",
    ),
    ("B", "Respect for ethical and professional conduct"),
    (
        "C",
        "Prohibition of recruitment fees and related costs to jobseekers and workers",
    ),
    ("D", "Respect for freedom of movement"),
    ("E", "Respect for transparency of terms and conditions of employment"),
    ("F", "Respect for confidentiality and data protection"),
    ("G", "Respect for access to remedy"),
];

/// Public register addresses of the authorities that publish one.
const REGISTERS: [(&str, &str); 8] = [
    ("NP", "https://dofe.gov.np"),
    ("PH", "https://dmw.gov.ph"),
    ("BD", "https://bmet.gov.bd"),
    ("LK", "https://slbfe.lk"),
    ("ID", "https://bp2mi.go.id"),
    ("AE", "https://mohre.gov.ae"),
    ("SG", "https://mom.gov.sg"),
    ("GB", "https://gla.gov.uk"),
];

/// Names under which the sample's auditors are approved (invented).
const AUDITOR_NAMES: [&str; 18] = [
    "Anjali Shrestha",
    "Marco Villanueva",
    "Farhana Rahman",
    "Daniel Okoth",
    "Siti Nurhaliza Azmi",
    "Thomas Berger",
    "Priya Nair",
    "Kwame Mensah",
    "Nguyen Thi Lan",
    "Sophie Laurent",
    "Rashid Al-Mansoori",
    "Maria Santos",
    "Hiroshi Tanaka",
    "Aisha Bello",
    "Carlos Mendoza",
    "Elena Petrova",
    "Sunil Perera",
    "Grace Wanjiru",
];

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, 0, 0).expect("a valid hour").and_utc()
}

fn entry(from: Option<&str>, to: &str, when: DateTime<Utc>, reason: &str) -> StatusChangeRecord {
    StatusChangeRecord {
        from: from.map(str::to_owned),
        to: to.to_owned(),
        at: when,
        reason: reason.to_owned(),
        recorded_by: SECRETARIAT.to_owned(),
        complaint_cases: Vec::new(),
    }
}

/// Adds the chain of trust to `out` (records in any order: the caller sorts by type).
pub(crate) fn add_chain_of_trust(out: &mut Vec<Record>) {
    let mut rng = ChaCha8Rng::seed_from_u64(TRUST_SEED);
    let mut added = authorities(out);
    let (bodies, auditors) = bodies_and_auditors(&mut rng, out);
    added.extend(bodies.into_iter().map(Record::CertificationBody));
    let principles: Vec<PrincipleRecord> = PRINCIPLES
        .iter()
        .enumerate()
        .map(|(position, (code, title))| PrincipleRecord {
            external_id: format!("principle-ers-{}", code.to_lowercase()),
            scheme: SCHEME.to_owned(),
            code: (*code).to_owned(),
            title: (*title).to_owned(),
            position: i32::try_from(position + 1).unwrap_or(i32::MAX),
        })
        .collect();
    let audits = audits(&mut rng, out, &auditors, &principles);
    added.extend(auditors.into_iter().map(Record::Auditor));
    added.extend(principles.into_iter().map(Record::Principle));
    added.extend(audits.into_iter().map(Record::Audit));
    out.extend(added);
}

/// One authority per (country, name) that licenses the sample's recruiters; every licence
/// refers to its authority.
fn authorities(out: &mut [Record]) -> Vec<Record> {
    let mut ids: BTreeMap<(String, String), String> = BTreeMap::new();
    for record in out.iter_mut() {
        let Record::Recruiter(recruiter) = record else { continue };
        for licence in &mut recruiter.licences {
            let key = (licence.country.clone(), licence.issuing_authority.clone());
            let next = ids.len() + 1;
            let id = ids
                .entry(key)
                .or_insert_with(|| format!("authority-{}-{next:02}", licence.country.to_lowercase()))
                .clone();
            licence.authority = Some(id);
        }
    }
    ids.into_iter()
        .enumerate()
        .map(|(index, ((country, name), external_id))| {
            let register = REGISTERS.iter().find(|(code, _)| *code == country).map(|(_, url)| *url);
            let reconciled = history_end() - Duration::days(i64::try_from(index % 20).unwrap_or(0));
            Record::LicensingAuthority(LicensingAuthorityRecord {
                external_id,
                register_url: register.map(str::to_owned),
                register_shows: register.map(|_| {
                    "Each licensed agency's licence number, name, address and licence status, and agencies whose \
                     licence was cancelled"
                        .to_owned()
                }),
                reconciled_at: register.map(|_| at(reconciled, 6)),
                name,
                country,
            })
        })
        .collect()
}

/// The bodies of the sample's certificates, approved before their first decision (one
/// suspended after its last), with three auditors each; every certification refers to its
/// body.
fn bodies_and_auditors(rng: &mut ChaCha8Rng, out: &mut [Record]) -> (Vec<CertificationBodyRecord>, Vec<AuditorRecord>) {
    let approved_on = ymd(2018, 9, 3);
    let mut bodies = Vec::new();
    let mut auditors = Vec::new();
    for (index, name) in CERTIFICATION_BODIES.iter().enumerate() {
        let external_id = format!("body-{:02}", index + 1);
        let mut last_decision: Option<DateTime<Utc>> = None;
        let mut countries: Vec<String> = Vec::new();
        for record in out.iter_mut() {
            let Record::Certification(certification) = record else {
                continue;
            };
            if certification.certification_body.as_deref() != Some(*name) {
                continue;
            }
            certification.body = Some(external_id.clone());
            for change in &certification.status_history {
                if change.recorded_by == *name || change.to == "certified" {
                    last_decision = last_decision.max(Some(change.at));
                }
            }
            for corridor in &certification.scope_corridors {
                if !countries.contains(&corridor.origin) {
                    countries.push(corridor.origin.clone());
                }
            }
        }
        countries.sort();
        let country = COUNTRIES[index * 3 % COUNTRIES.len()].code;
        let mut status_history = vec![
            entry(
                None,
                "applicant",
                at(approved_on - Duration::days(120), 9),
                "application_received",
            ),
            entry(Some("applicant"), "approved", at(approved_on, 9), "approval_granted"),
        ];
        if *name == SUSPENDED_BODY {
            // The day after its last decision, so every decision it made was made while approved.
            let suspended = last_decision.map_or(history_end(), |last| last.date_naive() + Duration::days(1));
            status_history.push(entry(
                Some("approved"),
                "suspended",
                at(suspended.min(history_end()), 12),
                "oversight_audit_nonconformity",
            ));
        }
        let status = status_history
            .last()
            .map(|change| change.to.clone())
            .unwrap_or_default();
        for seat in 0..3 {
            let number = index * 3 + seat;
            let auditor_approved = approved_on + Duration::days(30 + 7 * i64::try_from(seat).unwrap_or(0));
            let mut history = vec![
                entry(
                    None,
                    "applicant",
                    at(auditor_approved - Duration::days(60), 9),
                    "application_received",
                ),
                entry(
                    Some("applicant"),
                    "approved",
                    at(auditor_approved, 9),
                    "approval_granted",
                ),
            ];
            // One auditor is suspended (after every audit it led: the sample's audits are led
            // by the first two of each body).
            if number == 5 {
                history.push(entry(
                    Some("approved"),
                    "suspended",
                    at(history_end() - Duration::days(40), 9),
                    "competence_review",
                ));
            }
            let course = auditor_approved - Duration::days(rng.random_range(90..400));
            auditors.push(AuditorRecord {
                external_id: serial_id("auditor-", number + 1, 3),
                name: AUDITOR_NAMES[number % AUDITOR_NAMES.len()].to_owned(),
                body: external_id.clone(),
                status: history.last().map(|change| change.to.clone()).unwrap_or_default(),
                status_history: history,
                course_completed_on: Some(course),
            });
        }
        bodies.push(CertificationBodyRecord {
            external_id,
            name: (*name).to_owned(),
            country: country.to_owned(),
            website: Some(format!(
                "https://www.{}.example",
                name.split_whitespace().next().unwrap_or("body").to_lowercase()
            )),
            audit_countries: countries,
            status,
            status_history,
        });
    }
    (bodies, auditors)
}

/// The dates the audit schedule counts from: the first certification, then each
/// recertification (`true` for those).
fn anchors(certification: &CertificationRecord) -> Vec<(NaiveDate, bool)> {
    let mut anchors = Vec::new();
    for change in &certification.status_history {
        match (change.from.as_deref(), change.to.as_str()) {
            (Some("applicant"), "certified") => {
                // A new certification after an expiry or withdrawal starts a new schedule.
                anchors.clear();
                anchors.push((change.at.date_naive(), false));
            }
            (Some("certified"), "certified") => anchors.push((change.at.date_naive(), true)),
            _ => {}
        }
    }
    anchors
}

/// The audits of the first certifications, held as the default policy schedules them (every 6
/// months for 2 years after certification, the last being the recertification audit, then
/// every 12 months after each recertification), a few days before each falls due, up to the
/// day the sample was taken: the initial audit before certification, about a third of
/// surveillance audits unannounced, now and then a special audit after a complaint. One
/// certificate in nine misses its latest audit, which is then overdue.
fn audits(
    rng: &mut ChaCha8Rng,
    out: &[Record],
    auditors: &[AuditorRecord],
    principles: &[PrincipleRecord],
) -> Vec<AuditRecord> {
    const INITIAL_INTERVAL: u32 = 6;
    const INITIAL_PERIOD: u32 = 24;
    const LATER_INTERVAL: u32 = 12;
    let mut audits = Vec::new();
    let certifications = out.iter().filter_map(|record| match record {
        Record::Certification(certification) => Some(certification),
        _ => None,
    });
    for (index, certification) in certifications.take(AUDITED_CERTIFICATIONS).enumerate() {
        let Some(body) = &certification.body else { continue };
        let anchors = anchors(certification);
        let Some(&(certified, _)) = anchors.first() else {
            continue;
        };
        // Audits end with the certificate's last move (expiry, withdrawal) or the sample's day.
        let last_day = certification
            .status_history
            .last()
            .map(|change| change.at.date_naive())
            .filter(|_| !matches!(certification.status.as_str(), "certified" | "suspended"))
            .unwrap_or(history_end());
        let leads: Vec<&AuditorRecord> = auditors
            .iter()
            .filter(|auditor| auditor.body == *body)
            .take(2)
            .collect();
        let overdue = index % 9 == 4;
        let mut held: Vec<(&str, bool, NaiveDate)> =
            vec![("initial", true, certified - Duration::days(rng.random_range(20..45)))];
        for (position, &(anchor, recertified)) in anchors.iter().enumerate() {
            let phase_end = anchors.get(position + 1).map_or(last_day, |next| next.0);
            let (interval, limit) = if recertified {
                (LATER_INTERVAL, u32::MAX)
            } else {
                (INITIAL_INTERVAL, INITIAL_PERIOD)
            };
            let mut months = interval;
            while let Some(due) = anchor.checked_add_months(Months::new(months.min(limit))) {
                if due >= phase_end {
                    break;
                }
                let last_of_phase = months >= limit;
                let kind = if last_of_phase {
                    "recertification"
                } else {
                    "surveillance"
                };
                let early = Duration::days(rng.random_range(0..20));
                held.push((kind, kind == "recertification" || !rng.random_bool(0.35), due - early));
                if last_of_phase {
                    break;
                }
                months += interval;
            }
        }
        // An overdue certificate's latest audit, due in the last months, was never held.
        if overdue
            && held.len() > 1
            && held
                .last()
                .is_some_and(|(_, _, start)| *start > history_end() - Duration::days(150))
        {
            held.pop();
        }
        for (kind, announced, start) in held {
            let lead = leads[rng.random_range(0..leads.len())];
            let ended = start + Duration::days(rng.random_range(1..4));
            audits.push(audit(
                rng,
                certification,
                body,
                lead,
                principles,
                (kind, announced, start, ended),
                audits.len() + 1,
            ));
            if kind == "surveillance" && rng.random_bool(0.06) {
                let special = ended + Duration::days(rng.random_range(20..60));
                if special <= last_day {
                    audits.push(audit(
                        rng,
                        certification,
                        body,
                        lead,
                        principles,
                        ("special", false, special, special + Duration::days(1)),
                        audits.len() + 1,
                    ));
                }
            }
        }
    }
    audits
}

#[allow(clippy::too_many_arguments)]
fn audit(
    rng: &mut ChaCha8Rng,
    certification: &CertificationRecord,
    body: &str,
    lead: &AuditorRecord,
    principles: &[PrincipleRecord],
    (kind, announced, started, ended): (&str, bool, NaiveDate, NaiveDate),
    serial: usize,
) -> AuditRecord {
    let mut findings = Vec::new();
    let chosen = rng.random_range(1..=3usize);
    let mut used: Vec<usize> = Vec::new();
    while used.len() < chosen {
        let principle = rng.random_range(0..principles.len());
        if !used.contains(&principle) {
            used.push(principle);
        }
    }
    used.sort_unstable();
    let open_allowed = ended > history_end() - Duration::days(120);
    for principle in used {
        let roll: f64 = rng.random();
        let (rating, summary, action) = match PRINCIPLES[principle].0 {
            "C" if roll < 0.3 => (
                "major_nonconformity",
                "Workers interviewed reported paying medical-test and visa costs that the agency should have borne.",
                Some("Reimburse the costs to every affected worker and show the payments to the auditor."),
            ),
            "E" if roll < 0.4 => (
                "minor_nonconformity",
                "Contracts were shown to workers on the day of departure rather than before they accepted the job.",
                Some(
                    "Give each worker the contract in a language they read at the job offer, and keep their signed receipt.",
                ),
            ),
            "F" if roll < 0.3 => (
                "minor_nonconformity",
                "Copies of workers' passports were kept in an unlocked cabinet.",
                Some("Keep identity documents under lock and limit access to named staff."),
            ),
            "G" if roll < 0.4 => (
                "observation",
                "The grievance hotline is advertised only in English.",
                None,
            ),
            _ => (
                "conforming",
                "Policies, records and worker interviews showed the principle applied in practice.",
                None,
            ),
        };
        let corrective_actions = action
            .map(|description| {
                let due = ended + Duration::days(if rating == "major_nonconformity" { 60 } else { 90 });
                let closed = if open_allowed && rng.random_bool(0.5) {
                    None
                } else {
                    Some(ended + Duration::days(rng.random_range(14..55)))
                };
                vec![CorrectiveActionRecord {
                    description: description.to_owned(),
                    due_on: due,
                    closed_on: closed,
                }]
            })
            .unwrap_or_default();
        findings.push(FindingRecord {
            principle: principles[principle].external_id.clone(),
            rating: rating.to_owned(),
            summary: summary.to_owned(),
            corrective_actions,
        });
    }
    let worst = findings
        .iter()
        .map(|finding| finding.rating.as_str())
        .find(|rating| rating.ends_with("nonconformity"));
    AuditRecord {
        external_id: serial_id("audit-", serial, 6),
        certification: certification.external_id.clone(),
        kind: kind.to_owned(),
        announced,
        started_on: started,
        ended_on: Some(ended),
        body: Some(body.to_owned()),
        lead_auditor: Some(lead.external_id.clone()),
        workers_interviewed: rng.random_range(8..40),
        sites_visited: rng.random_range(1..4),
        outcome: if worst.is_some() {
            "passed_with_corrective_actions"
        } else {
            "passed"
        }
        .to_owned(),
        findings,
    }
}
