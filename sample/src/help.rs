//! Help in the sample: support services at both ends of the corridors (resource centres,
//! hotlines, help desks, legal aid, labour attachés) and the authorised channels of the first
//! recruiters (head offices, branches, representatives with agent numbers).
//!
//! Drawn last, from a stream of its own, so the rest of the sample is the same with or without
//! it. It shows every state a jobseeker app meets: a channel authorised today, one that expired,
//! one of a recruiter that is not certified today, services free and paid, open all day and by
//! office hours.

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use interchange::{
    AuthorisedChannelRecord, CorridorRecord, OpeningHoursRecord, Record, ServiceChannelRecord, SupportServiceRecord,
};

use crate::{COUNTRIES, Country, Random, address, history_end, phone_number, serial_id, website_host};

const HELP_SEED: u64 = 0x4845_4c50;

/// Recruiters (the first ones) that publish authorised channels.
const RECRUITERS_WITH_CHANNELS: usize = 80;

/// The IANA time zone of each sample country's capital.
fn time_zone(code: &str) -> &'static str {
    match code {
        "NP" => "Asia/Kathmandu",
        "BD" => "Asia/Dhaka",
        "IN" => "Asia/Kolkata",
        "PK" => "Asia/Karachi",
        "LK" => "Asia/Colombo",
        "PH" => "Asia/Manila",
        "ID" => "Asia/Jakarta",
        "MM" => "Asia/Yangon",
        "KH" => "Asia/Phnom_Penh",
        "VN" => "Asia/Ho_Chi_Minh",
        "LA" => "Asia/Vientiane",
        "ET" => "Africa/Addis_Ababa",
        "KE" => "Africa/Nairobi",
        "UG" => "Africa/Kampala",
        "QA" => "Asia/Qatar",
        "AE" => "Asia/Dubai",
        "SA" => "Asia/Riyadh",
        "KW" => "Asia/Kuwait",
        "OM" => "Asia/Muscat",
        "BH" => "Asia/Bahrain",
        "MY" => "Asia/Kuala_Lumpur",
        "SG" => "Asia/Singapore",
        "JP" => "Asia/Tokyo",
        "KR" => "Asia/Seoul",
        "HK" => "Asia/Hong_Kong",
        "TH" => "Asia/Bangkok",
        "JO" => "Asia/Amman",
        "GB" => "Europe/London",
        "DE" => "Europe/Berlin",
        "TW" => "Asia/Taipei",
        _ => "UTC",
    }
}

/// Office days: Sunday to Thursday in the Gulf and Jordan, Sunday to Friday in Nepal, Monday
/// to Friday elsewhere.
fn office_days(code: &str) -> Vec<String> {
    let days: &[&str] = match code {
        "QA" | "SA" | "KW" | "OM" | "BH" | "JO" | "AE" => &["sun", "mon", "tue", "wed", "thu"],
        "NP" => &["sun", "mon", "tue", "wed", "thu", "fri"],
        _ => &["mon", "tue", "wed", "thu", "fri"],
    };
    days.iter().map(|day| (*day).to_owned()).collect()
}

fn hours(days: Vec<String>, opens: &str, closes: &str) -> Vec<OpeningHoursRecord> {
    vec![OpeningHoursRecord {
        days,
        opens: opens.to_owned(),
        closes: closes.to_owned(),
    }]
}

fn every_day() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|day| (*day).to_owned())
        .collect()
}

/// A phone number of `country` (in its capital) that libphonenumber accepts.
fn valid_phone(rng: &mut Random, country: &Country) -> Option<String> {
    let area = country.cities.first().map_or("", |city| city.area);
    valid_phone_in(rng, country, area)
}

/// A phone number with the area code `area` that libphonenumber accepts (drawn again until it
/// does).
fn valid_phone_in(rng: &mut Random, country: &Country, area: &str) -> Option<String> {
    (0..40).find_map(|_| {
        let candidate = phone_number(rng, country.phone, area);
        is_valid_phone(&candidate).then_some(candidate)
    })
}

fn is_valid_phone(text: &str) -> bool {
    phonenumber::parse(None, text).is_ok_and(|number| phonenumber::is_valid(&number))
}

/// A valid number in E.164, the form the directory stores a channel's phones in.
fn e164(text: &str) -> String {
    phonenumber::parse(None, text)
        .map(|number| number.format().mode(phonenumber::Mode::E164).to_string())
        .unwrap_or_else(|_| text.to_owned())
}

fn channel(kind: &str, address: String, hours: Vec<OpeningHoursRecord>, zone: &str) -> ServiceChannelRecord {
    ServiceChannelRecord {
        kind: kind.to_owned(),
        address,
        hours,
        time_zone: zone.to_owned(),
    }
}

/// Adds the support services and authorised channels to `out` (the caller sorts by type).
pub(crate) fn add_help(out: &mut Vec<Record>) {
    let mut rng = ChaCha8Rng::seed_from_u64(HELP_SEED);
    let services = support_services(&mut rng);
    let channels = authorised_channels(&mut rng, out);
    out.extend(services.into_iter().map(Record::SupportService));
    out.extend(channels.into_iter().map(Record::AuthorisedChannel));
}

fn support_services(rng: &mut Random) -> Vec<SupportServiceRecord> {
    let mut services = Vec::new();
    let push = |services: &mut Vec<SupportServiceRecord>, mut service: SupportServiceRecord| {
        service.external_id = serial_id("sup-", services.len() + 1, 4);
        services.push(service);
    };
    for origin in COUNTRIES.iter().filter(|country| country.is_origin()) {
        let zone = time_zone(origin.code);
        let capital = origin.cities.first().map_or("", |city| city.name);
        let mut languages: Vec<String> = origin.languages.iter().map(|code| (*code).to_owned()).collect();
        if !languages.iter().any(|code| code == "en") {
            languages.push("en".to_owned());
        }
        let street = origin.streets.first().copied().unwrap_or("Main Road");
        // A Migrant Resource Centre run by the government, for every corridor out of the country.
        let mut channels = vec![channel(
            "walk_in",
            address(rng, origin.address, street, capital),
            hours(office_days(origin.code), "09:00", "17:00"),
            zone,
        )];
        if let Some(phone) = valid_phone(rng, origin) {
            channels.push(channel(
                "phone",
                phone.clone(),
                hours(office_days(origin.code), "09:00", "17:00"),
                zone,
            ));
            channels.push(channel("whatsapp", phone, Vec::new(), zone));
        }
        channels.push(channel(
            "email",
            format!("mrc@migrant-help.{}", origin.tld.trim_start_matches('.')),
            Vec::new(),
            zone,
        ));
        push(
            &mut services,
            SupportServiceRecord {
                external_id: String::new(),
                name: format!("Migrant Resource Centre {capital}"),
                kind: "migrant_resource_centre".to_owned(),
                operator: origin.authority.to_owned(),
                countries: vec![origin.code.to_owned()],
                cities: vec![capital.to_owned()],
                corridors: Vec::new(),
                languages: languages.clone(),
                channels,
                free: true,
                website: Some(format!(
                    "https://mrc.migrant-help.{}",
                    origin.tld.trim_start_matches('.')
                )),
            },
        );
        // A round-the-clock hotline run by civil society.
        if let Some(phone) = valid_phone(rng, origin) {
            push(
                &mut services,
                SupportServiceRecord {
                    external_id: String::new(),
                    name: format!("Safe Migration Helpline ({})", origin.name.trim_start_matches("the ")),
                    kind: "hotline".to_owned(),
                    operator: "Safe Migration Network".to_owned(),
                    countries: vec![origin.code.to_owned()],
                    cities: Vec::new(),
                    corridors: Vec::new(),
                    languages: languages.clone(),
                    channels: vec![
                        channel("phone", phone.clone(), hours(every_day(), "00:00", "24:00"), zone),
                        channel("viber", phone, hours(every_day(), "08:00", "20:00"), zone),
                    ],
                    free: true,
                    website: None,
                },
            );
        }
        // At every destination: the origin country's labour attaché for that corridor, and a
        // legal-aid desk for its workers.
        for (index, destination_code) in origin.destinations.iter().enumerate() {
            let Some(destination) = COUNTRIES.iter().find(|country| country.code == *destination_code) else {
                continue;
            };
            let there = time_zone(destination.code);
            let city = destination.cities.first().map_or("", |city| city.name);
            let street = destination.streets.first().copied().unwrap_or("Embassy Road");
            let corridor = vec![CorridorRecord {
                origin: origin.code.to_owned(),
                destination: destination.code.to_owned(),
            }];
            let mut channels = vec![channel(
                "walk_in",
                address(rng, destination.address, street, city),
                hours(office_days(destination.code), "08:00", "14:00"),
                there,
            )];
            if let Some(phone) = valid_phone(rng, destination) {
                channels.push(channel(
                    "phone",
                    phone,
                    hours(office_days(destination.code), "08:00", "14:00"),
                    there,
                ));
            }
            push(
                &mut services,
                SupportServiceRecord {
                    external_id: String::new(),
                    name: format!("Labour attaché of {} in {city}", origin.name.trim_start_matches("the ")),
                    kind: "labour_attache".to_owned(),
                    operator: format!("Embassy of {}", origin.name.trim_start_matches("the ")),
                    countries: vec![destination.code.to_owned()],
                    cities: vec![city.to_owned()],
                    corridors: corridor.clone(),
                    languages: languages.clone(),
                    channels,
                    free: true,
                    website: None,
                },
            );
            if index == 0 {
                let mut channels = vec![channel(
                    "messenger",
                    format!("https://m.me/legalaid.{}", origin.code.to_lowercase()),
                    hours(every_day(), "10:00", "22:00"),
                    there,
                )];
                if let Some(phone) = valid_phone(rng, destination) {
                    channels.push(channel("whatsapp", phone, hours(every_day(), "10:00", "22:00"), there));
                }
                push(
                    &mut services,
                    SupportServiceRecord {
                        external_id: String::new(),
                        name: format!("Workers' Legal Aid Desk {city}"),
                        kind: "legal_aid".to_owned(),
                        operator: "Migrant Workers' Legal Aid Collective".to_owned(),
                        countries: vec![destination.code.to_owned()],
                        cities: vec![city.to_owned()],
                        corridors: corridor,
                        languages: languages.clone(),
                        channels,
                        // Some legal aid charges a small registration fee.
                        free: rng.random_bool(0.8),
                        website: None,
                    },
                );
            }
        }
    }
    // A help desk at every destination for every migrant there, in English and the local language.
    for destination in COUNTRIES.iter().filter(|country| !country.is_origin()) {
        let zone = time_zone(destination.code);
        let city = destination.cities.first().map_or("", |city| city.name);
        let mut languages: Vec<String> = destination.languages.iter().map(|code| (*code).to_owned()).collect();
        if !languages.iter().any(|code| code == "en") {
            languages.push("en".to_owned());
        }
        push(
            &mut services,
            SupportServiceRecord {
                external_id: String::new(),
                name: format!("Migrant Workers' Help Desk {city}"),
                kind: "help_desk".to_owned(),
                operator: "Migrant Workers Centre".to_owned(),
                countries: vec![destination.code.to_owned()],
                cities: vec![city.to_owned()],
                corridors: Vec::new(),
                languages,
                channels: vec![channel(
                    "web",
                    format!(
                        "https://helpdesk.migrant-help.{}",
                        destination.tld.trim_start_matches('.')
                    ),
                    Vec::new(),
                    zone,
                )],
                free: true,
                website: Some(format!(
                    "https://helpdesk.migrant-help.{}",
                    destination.tld.trim_start_matches('.')
                )),
            },
        );
    }
    services
}

/// Head offices (the recruiter's own phone and site), branches with a social-media page, and
/// representatives with agent numbers; a few branches closed before the sample was taken.
fn authorised_channels(rng: &mut Random, out: &[Record]) -> Vec<AuthorisedChannelRecord> {
    let mut channels = Vec::new();
    let taken = history_end();
    for record in out.iter().take(RECRUITERS_WITH_CHANNELS) {
        let Record::Recruiter(recruiter) = record else { break };
        let Some(home) = COUNTRIES.iter().find(|country| country.code == recruiter.country) else {
            continue;
        };
        let since = taken - Duration::days(rng.random_range(200..2_000));
        let host = recruiter.website.as_deref().map(website_host).unwrap_or_default();
        let phone = recruiter
            .phone
            .clone()
            .filter(|phone| is_valid_phone(phone))
            .or_else(|| valid_phone(rng, home))
            .map(|phone| e164(&phone));
        let add = |channels: &mut Vec<AuthorisedChannelRecord>, record: AuthorisedChannelRecord| {
            let mut record = record;
            record.external_id = serial_id("chan-", channels.len() + 1, 6);
            channels.push(record);
        };
        add(
            &mut channels,
            AuthorisedChannelRecord {
                external_id: String::new(),
                recruiter: recruiter.external_id.clone(),
                kind: "head_office".to_owned(),
                name: recruiter
                    .trading_names
                    .first()
                    .cloned()
                    .unwrap_or_else(|| recruiter.legal_name.clone()),
                country: recruiter.country.clone(),
                city: recruiter.city.clone(),
                address: recruiter.address.clone(),
                phones: phone.into_iter().collect(),
                web_addresses: recruiter.website.clone().into_iter().collect(),
                agent_numbers: Vec::new(),
                valid_from: since,
                valid_until: None,
            },
        );
        let page = host.split('.').next().unwrap_or_default().replace('-', "");
        if rng.random_bool(0.5) && !page.is_empty() {
            let city = home.cities.get(1).or(home.cities.first());
            // Every fifth branch closed some months before the sample was taken.
            let closed = rng
                .random_bool(0.2)
                .then(|| taken - Duration::days(rng.random_range(30..300)));
            let opened: NaiveDate = since + Duration::days(rng.random_range(30..180));
            add(
                &mut channels,
                AuthorisedChannelRecord {
                    external_id: String::new(),
                    recruiter: recruiter.external_id.clone(),
                    kind: "branch_office".to_owned(),
                    name: format!("{} branch", city.map_or("Regional", |city| city.name)),
                    country: recruiter.country.clone(),
                    city: city.map(|city| city.name.to_owned()),
                    address: city.map(|city| {
                        let street = home.streets.last().copied().unwrap_or("Main Road");
                        address(rng, home.address, street, city.name)
                    }),
                    phones: valid_phone_in(rng, home, city.map_or("", |city| city.area))
                        .or_else(|| valid_phone(rng, home))
                        .iter()
                        .map(|phone| e164(phone))
                        .collect(),
                    web_addresses: vec![format!(
                        "https://www.facebook.com/{page}.{}",
                        city.map_or("branch", |city| city.name).to_lowercase().replace(' ', "")
                    )],
                    agent_numbers: Vec::new(),
                    valid_from: opened.min(taken),
                    valid_until: closed.filter(|closed| *closed >= opened),
                },
            );
        }
        if rng.random_bool(0.3) {
            let name = format!("Registered sub-agent {}", channels.len() + 1);
            let number = format!("AG/{}/{:05}", recruiter.country, rng.random_range(1..100_000u32));
            add(
                &mut channels,
                AuthorisedChannelRecord {
                    external_id: String::new(),
                    recruiter: recruiter.external_id.clone(),
                    kind: "representative".to_owned(),
                    name,
                    country: recruiter.country.clone(),
                    city: recruiter.city.clone(),
                    address: None,
                    phones: valid_phone(rng, home).iter().map(|phone| e164(phone)).collect(),
                    web_addresses: Vec::new(),
                    agent_numbers: vec![number],
                    valid_from: since + Duration::days(60),
                    valid_until: Some(since + Duration::days(60 + 3 * 365)),
                },
            );
        }
    }
    channels
}
