//! A deterministic, realistic sample directory, expressed as interchange records.
//!
//! The directory starts with data so that every page, filter and script has something real to
//! show, and the same generator at scale feeds the benchmarks. Everything is drawn from a seeded
//! ChaCha8 stream and fixed tables (the JSON files of `sample/data/`, compiled in; never the
//! clock, never a hash-map iteration order), so the output is byte-identical on every run and
//! platform. The records obey the import rules of
//! `shared/spec/interchange.md` because they go through the same validator as any bulk import:
//! references only point backwards, quoted identifiers are unique case- and space-insensitively,
//! and every certification history follows the lifecycle of `shared/spec/domain.md`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod help;
mod trust;

use interchange::{
    CertificationRecord, CommitmentRecord, CorridorRecord, FeeRecord, LicenceRecord, OrganisationRecord, Record,
    RecruiterRecord, StatusChangeRecord, TrademarkRightRecord, TrainingListingRecord, TrainingProviderRecord,
};

/// The sample directory loaded on first start: about 240 recruiters plus organisations, commitments, providers, listings.
pub fn sample_directory() -> Vec<Record> {
    generated_directory(SAMPLE_RECRUITERS, SAMPLE_SEED)
}

/// The day the sample's tables describe: the day after the last event of any history.
pub fn taken_on() -> NaiveDate {
    ymd(2026, 11, 1)
}

/// The sample directory as it would look if taken on `today`: every date moved by the same
/// number of days, so a new user (and every test) sees the same picture in any year: as many
/// certified recruiters, the same certificates about to expire, the same histories.
pub fn sample_directory_on(today: NaiveDate) -> Vec<Record> {
    let mut records = sample_directory();
    shift_dates(&mut records, (today - taken_on()).num_days());
    records
}

/// Moves every date of `records` by `days` (dates that would leave the calendar stay put).
pub fn shift_dates(records: &mut [Record], days: i64) {
    let by = Duration::days(days);
    let date = |value: &mut NaiveDate| {
        if let Some(moved) = value.checked_add_signed(by) {
            *value = moved;
        }
    };
    let optional = |value: &mut Option<NaiveDate>| {
        if let Some(value) = value.as_mut()
            && let Some(moved) = value.checked_add_signed(by)
        {
            *value = moved;
        }
    };
    for record in records {
        match record {
            Record::Recruiter(recruiter) => {
                for licence in &mut recruiter.licences {
                    optional(&mut licence.valid_from);
                    optional(&mut licence.valid_until);
                }
            }
            Record::Certification(certification) => {
                optional(&mut certification.issued_on);
                optional(&mut certification.expires_on);
                for change in &mut certification.status_history {
                    if let Some(moved) = change.at.checked_add_signed(by) {
                        change.at = moved;
                    }
                }
            }
            Record::TrademarkRight(right) => {
                date(&mut right.granted_on);
                optional(&mut right.expires_on);
            }
            Record::Commitment(commitment) => date(&mut commitment.made_on),
            Record::TrainingListing(listing) => {
                optional(&mut listing.starts_on);
                optional(&mut listing.ends_on);
            }
            Record::LicensingAuthority(authority) => {
                if let Some(reconciled) = authority.reconciled_at.as_mut()
                    && let Some(moved) = reconciled.checked_add_signed(by)
                {
                    *reconciled = moved;
                }
            }
            Record::CertificationBody(body) => {
                for change in &mut body.status_history {
                    if let Some(moved) = change.at.checked_add_signed(by) {
                        change.at = moved;
                    }
                }
            }
            Record::Auditor(auditor) => {
                optional(&mut auditor.course_completed_on);
                for change in &mut auditor.status_history {
                    if let Some(moved) = change.at.checked_add_signed(by) {
                        change.at = moved;
                    }
                }
            }
            Record::Audit(audit) => {
                date(&mut audit.started_on);
                optional(&mut audit.ended_on);
                for finding in &mut audit.findings {
                    for action in &mut finding.corrective_actions {
                        date(&mut action.due_on);
                        optional(&mut action.closed_on);
                    }
                }
            }
            Record::AuthorisedChannel(channel) => {
                date(&mut channel.valid_from);
                optional(&mut channel.valid_until);
            }
            Record::Organisation(_)
            | Record::TrainingProvider(_)
            | Record::Principle(_)
            | Record::SupportService(_) => {}
        }
    }
}

/// A larger generated directory of `recruiters` recruiters (with certifications and trademark rights) for benchmarks, e.g. 100_000. Same generator, deterministic for a given seed.
pub fn generated_directory(recruiters: usize, seed: u64) -> Vec<Record> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Recruiters go straight into the output: at 100 000 a second copy of them costs more
    // (in memory first touched) than generating them.
    let mut out = Vec::with_capacity(recruiters);
    generate_recruiters(&mut rng, recruiters, &mut out);
    let (certifications, rights) = generate_certifications(&mut rng, recruiters_in(&out), recruiters);

    // Commitments and orientation listings use corridors that recruiters actually serve, so a
    // corridor page is never empty. Sorted, so that their order does not depend on hashing.
    let mut served: Vec<Corridor> = recruiters_in(&out)
        .flat_map(|r| r.corridors.iter())
        .map(|c| (country(&c.origin).code, country(&c.destination).code))
        .collect::<FastSet<_>>()
        .into_iter()
        .collect();
    served.sort_unstable();

    // The fixed-size sets have their own stream so that they do not depend on `seed`.
    let mut fixed = ChaCha8Rng::seed_from_u64(FIXED_SEED);
    let organisations = organisations();
    let commitments = commitments(&mut fixed, &served);
    let providers = training_providers();
    let listings = training_listings(&mut fixed, &served);

    out.reserve_exact(
        certifications.len()
            + rights.len()
            + organisations.len()
            + commitments.len()
            + providers.len()
            + listings.len(),
    );
    out.extend(certifications.into_iter().map(Record::Certification));
    out.extend(rights.into_iter().map(Record::TrademarkRight));
    out.extend(organisations.into_iter().map(Record::Organisation));
    out.extend(commitments.into_iter().map(Record::Commitment));
    out.extend(providers.into_iter().map(Record::TrainingProvider));
    out.extend(listings.into_iter().map(Record::TrainingListing));
    mutual_partners(&mut out);
    trust::add_chain_of_trust(&mut out);
    help::add_help(&mut out);
    // Referenced types first, as the format asks (a stable sort: each type keeps its order).
    out.sort_by_key(Record::type_order);
    out
}

/// Partnerships are mutual: the generator links each recruiter to earlier ones, and here each
/// link is written on both sides, sorted, as the directory stores and exports them, so that
/// importing an export of the sample changes nothing.
fn mutual_partners(records: &mut [Record]) {
    let mut links: HashMap<String, Vec<String>> = HashMap::new();
    for recruiter in recruiters_in(records) {
        for partner in &recruiter.partners {
            links
                .entry(recruiter.external_id.clone())
                .or_default()
                .push(partner.clone());
            links
                .entry(partner.clone())
                .or_default()
                .push(recruiter.external_id.clone());
        }
    }
    for record in records.iter_mut() {
        let Record::Recruiter(recruiter) = record else {
            break;
        };
        let mut partners = links.remove(&recruiter.external_id).unwrap_or_default();
        partners.sort_unstable();
        partners.dedup();
        recruiter.partners = partners;
    }
}

/// The recruiters at the start of the output.
fn recruiters_in(records: &[Record]) -> impl Iterator<Item = &RecruiterRecord> {
    records.iter().map_while(|record| match record {
        Record::Recruiter(r) => Some(r),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------------
// Knobs
// ---------------------------------------------------------------------------------------------

const SAMPLE_RECRUITERS: usize = 240;
const SAMPLE_SEED: u64 = 20_260_501;
/// Seed of the fixed-size sets (organisations, commitments, training).
const FIXED_SEED: u64 = 0x00E7_41CA_1000;

/// Share of recruiters registered in a destination country (receiving agencies).
const RECEIVING_SHARE: f64 = 0.2;
/// Share of recruiters with at least one certification.
const CERTIFIED_SHARE: f64 = 0.75;
/// Share of certified recruiters whose first certification ended and who certified again.
const SECOND_CERTIFICATION_SHARE: f64 = 0.05;
/// Share of recruiters that used to trade under another name.
const FORMER_NAME_SHARE: f64 = 0.05;
/// Where each country's licence serials start.
const LICENCE_SERIAL_START: u32 = 100;
/// Tries with plain names before a city is added to the name to tell agencies apart.
const PLAIN_NAME_TRIES: usize = 4;
/// Tries in one country before the agency is registered in another one.
const NAME_TRIES: usize = 240;

const SCHEME: &str = "Ethical Recruitment Standard 2.0";
const MARK: &str = "ERS Certified Recruiter";
const SECRETARIAT: &str = "secretariat";

// ---------------------------------------------------------------------------------------------
// The fixed tables: data files in `sample/data/`, compiled in and read once
// ---------------------------------------------------------------------------------------------

/// Reads a table compiled in from `sample/data/`, borrowing its strings from the binary. The
/// files are part of the source: a broken one fails every test of this crate at once.
fn table<T: serde::Deserialize<'static>>(name: &str, json: &'static str) -> T {
    serde_json::from_str(json).unwrap_or_else(|error| panic!("sample/data/{name} does not parse: {error}"))
}

/// Naming styles by name: how agencies of a country name themselves, in their script and in
/// English.
static STYLES: LazyLock<HashMap<&'static str, Style>> =
    LazyLock::new(|| table("styles.json", include_str!("../data/styles.json")));

/// Where agencies are registered and where workers go, with their naming styles resolved.
static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    let mut countries: Vec<Country> = table("countries.json", include_str!("../data/countries.json"));
    for country in &mut countries {
        country.styles = country
            .style_names
            .iter()
            .map(|(name, weight)| {
                let style = STYLES
                    .get(name)
                    .unwrap_or_else(|| panic!("sample/data/countries.json: no style `{name}` in styles.json"));
                (style, *weight)
            })
            .collect();
    }
    countries
});

/// Certification bodies that audit against the standard (invented names).
static CERTIFICATION_BODIES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    table(
        "certification_bodies.json",
        include_str!("../data/certification_bodies.json"),
    )
});

/// Brands, suppliers, employers and associations: (name, kind, country, sector, host of the
/// website).
type OrganisationRow = (&'static str, &'static str, &'static str, &'static str, &'static str);
static ORGANISATIONS: LazyLock<Vec<OrganisationRow>> =
    LazyLock::new(|| table("organisations.json", include_str!("../data/organisations.json")));

/// Training providers (invented names).
static PROVIDERS: LazyLock<Vec<Provider>> =
    LazyLock::new(|| table("providers.json", include_str!("../data/providers.json")));

/// Training programmes and how many listings each has.
static PROGRAMMES: LazyLock<Vec<Programme>> =
    LazyLock::new(|| table("programmes.json", include_str!("../data/programmes.json")));

/// Rough local value of one US dollar, for fees in the listing's currency.
static EXCHANGE_RATES: LazyLock<Vec<(&'static str, f64)>> =
    LazyLock::new(|| table("exchange_rates.json", include_str!("../data/exchange_rates.json")));

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date in a table")
}

/// Histories start no earlier than this and end no later than [`history_end`].
fn history_start() -> NaiveDate {
    ymd(2019, 1, 1)
}

/// The day the sample "was taken": nothing in a history happens after it.
fn history_end() -> NaiveDate {
    ymd(2026, 10, 31)
}

// ---------------------------------------------------------------------------------------------
// Naming styles: how agencies of a country name themselves, in their script and in English
// ---------------------------------------------------------------------------------------------

/// A name part: its English (Latin) form and its form in the style's own language ("" when the
/// same as the Latin form).
type W = (&'static str, &'static str);

/// Order of the name parts (adjective, place, modifier, core).
#[derive(Clone, Copy, serde::Deserialize)]
enum Order {
    /// "Golden Himalayan Overseas Manpower"
    Pmc,
    /// "ធនធានមនុស្ស អន្តរជាតិ អង្គរ ថ្មី" (core, modifier, place, adjective: Khmer, Lao, Vietnamese)
    Cmp,
    /// "สยาม แรงงาน สากล" (place, adjective, core, modifier: Thai, French, German)
    Pcm,
}

/// A legal form: English suffix, and the words before and after the name in the own language.
#[derive(serde::Deserialize)]
struct Entity {
    latin: &'static str,
    before: &'static str,
    after: &'static str,
    /// Only used without a modifier (Arabic "مكتب" is masculine, the modifiers are feminine).
    plain_only: bool,
}

#[derive(serde::Deserialize)]
struct Style {
    /// Share of agencies registered under the own-language name (the rest register the English one).
    native_share: f64,
    /// Share of agencies that also publish the English name as a trading name when it differs.
    trading_share: f64,
    adjective_share: f64,
    adjectives: Vec<W>,
    places: Vec<W>,
    modifier_share: f64,
    modifiers: Vec<W>,
    cores: Vec<W>,
    entities: Vec<Entity>,
    order: Order,
    latin_order: Order,
    /// Between words in the own language ("" for Thai, Chinese, Japanese, Korean).
    joiner: &'static str,
    /// Between the legal form and the name in the own language.
    entity_gap: &'static str,
}

impl Style {
    /// Whether the style has no own-language forms (its names are written in English or in a
    /// language written in Latin script, such as Indonesian or German).
    fn is_latin_only(&self) -> bool {
        self.places.iter().all(|w| w.1.is_empty())
    }
}

// ---------------------------------------------------------------------------------------------
// Countries: where agencies are registered and where workers go
// ---------------------------------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct City {
    /// English or national Latin name, as shown in the directory.
    name: &'static str,
    /// Name in the country's script, used when a city tells two agencies' names apart.
    native: &'static str,
    /// Telephone area code.
    area: &'static str,
    /// Office code in licence numbers (India, Pakistan, Japan); "" elsewhere.
    code: &'static str,
}

#[derive(serde::Deserialize)]
struct Country {
    code: &'static str,
    /// As used inside a sentence ("the Philippines").
    name: &'static str,
    /// "Nepali workers".
    demonym: &'static str,
    tld: &'static str,
    /// Telephone pattern: `{a}` is the city's area code, `#` a digit.
    phone: &'static str,
    /// Address pattern: `{n}` a house number, `{m}` a small number, `{s}` a street, `{c}` the city.
    address: &'static str,
    cities: Vec<City>,
    streets: Vec<&'static str>,
    /// ISO 639-1, most used first (English is added to every agency separately).
    languages: Vec<&'static str>,
    authority: &'static str,
    /// Naming styles by name (keys of `styles.json`), with their weights.
    #[serde(rename = "styles")]
    style_names: Vec<(&'static str, u32)>,
    /// The same, resolved when the tables are loaded.
    #[serde(skip)]
    styles: Vec<(&'static Style, u32)>,
    /// Relative number of agencies registered here.
    weight: u32,
    /// For countries of origin: where their workers go.
    destinations: Vec<&'static str>,
    /// For countries of destination: the sectors that hire migrant workers.
    sectors: Vec<&'static str>,
    /// ISO 4217, for training fees.
    currency: &'static str,
}

impl Country {
    fn is_origin(&self) -> bool {
        !self.destinations.is_empty()
    }
}

/// A two-letter code as a number: comparing those is much cheaper than comparing strings, and
/// country lookups are in the generator's inner loop.
fn code_key(code: &str) -> u16 {
    match code.as_bytes() {
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    }
}

/// The country with this ISO code (all codes used by the generator are in the table).
fn country(code: &str) -> &'static Country {
    let key = code_key(code);
    COUNTRIES
        .iter()
        .find(|c| code_key(c.code) == key)
        .expect("country in the table")
}

fn language_name(code: &str) -> &'static str {
    match code {
        "ne" => "Nepali",
        "hi" => "Hindi",
        "bn" => "Bengali",
        "ur" => "Urdu",
        "si" => "Sinhala",
        "ta" => "Tamil",
        "tl" => "Filipino",
        "id" => "Indonesian",
        "jv" => "Javanese",
        "my" => "Burmese",
        "km" => "Khmer",
        "vi" => "Vietnamese",
        "lo" => "Lao",
        "am" => "Amharic",
        "om" => "Oromo",
        "ti" => "Tigrinya",
        "sw" => "Swahili",
        "lg" => "Luganda",
        "ar" => "Arabic",
        "ms" => "Malay",
        "ja" => "Japanese",
        "ko" => "Korean",
        "zh" => "Chinese",
        "th" => "Thai",
        "de" => "German",
        "ml" => "Malayalam",
        "te" => "Telugu",
        "pa" => "Punjabi",
        "ps" => "Pashto",
        _ => "English",
    }
}

/// "construction workers", "domestic workers"...
fn sector_adjective(sector: &str) -> &str {
    match sector {
        "domestic_work" => "domestic",
        "cleaning_facilities" => "cleaning",
        "transport_logistics" => "transport",
        "oil_gas" => "oil and gas",
        "food_beverage" => "food and beverage",
        "health_care" => "health care",
        "facilities_management" => "facilities management",
        "other" => "general",
        s => s,
    }
}

/// "jobs in construction", "in domestic work"...
fn sector_noun(sector: &str) -> &str {
    match sector {
        "domestic_work" => "domestic work",
        "cleaning_facilities" => "cleaning services",
        "transport_logistics" => "transport and logistics",
        "oil_gas" => "oil and gas",
        "food_beverage" => "food and beverage",
        "health_care" => "health care",
        "facilities_management" => "facilities management",
        "other" => "other sectors",
        s => s,
    }
}

// ---------------------------------------------------------------------------------------------
// Small random helpers
// ---------------------------------------------------------------------------------------------

/// The one random stream everything is drawn from (seeded, so the output is reproducible).
type Random = ChaCha8Rng;

/// FxHash: the generator's sets hold its own names, not hostile input, so they do not need
/// SipHash's protection and its cost shows at 100 000 recruiters. Never iterated, so the
/// output does not depend on it.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    /// Mixes the high bits down: hashbrown picks buckets with the low bits.
    fn finish(&self) -> u64 {
        let h = self.0 ^ (self.0 >> 33);
        h.wrapping_mul(0xff51_afd7_ed55_8ccd) ^ (h >> 29)
    }
}

type FastSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// (origin, destination) ISO codes.
type Corridor = (&'static str, &'static str);

/// One of `items` (a copy: the tables hold codes, words and references).
fn pick<T: Copy>(rng: &mut Random, items: &[T]) -> T {
    *pick_ref(rng, items)
}

fn pick_ref<'a, T>(rng: &mut Random, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One of `items`, each as likely as its weight.
fn pick_weighted<T: Copy>(rng: &mut Random, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.random_range(0..total);
    for &(item, weight) in items {
        if ticket < weight {
            return item;
        }
        ticket -= weight;
    }
    items[items.len() - 1].0
}

/// `k` distinct items (or all of them), kept in table order. The tables are short, so a bit
/// set of drawn positions does it without a scratch vector.
fn pick_distinct<T: Copy>(rng: &mut Random, items: &[T], k: usize) -> Vec<T> {
    let k = k.min(items.len());
    if items.len() > 64 {
        let mut indices: Vec<usize> = (0..items.len()).collect();
        indices.shuffle(rng);
        indices.truncate(k);
        indices.sort_unstable();
        return indices.into_iter().map(|i| items[i]).collect();
    }
    let mut chosen = 0u64;
    while (chosen.count_ones() as usize) < k {
        chosen |= 1 << rng.random_range(0..items.len());
    }
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| chosen >> i & 1 == 1)
        .map(|(_, item)| *item)
        .collect()
}

fn date_between(rng: &mut Random, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=span))
}

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(12 * years)).expect("date in range")
}

fn sub_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(12 * years)).expect("date in range")
}

/// Last day of a validity of `years` starting on `from`.
fn validity_end(from: NaiveDate, years: u32) -> NaiveDate {
    add_years(from, years) - Duration::days(1)
}

fn push_unique<'a>(list: &mut Vec<&'a str>, item: &'a str) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// "a", "a and b", "a, b and c".
fn english_list<'a>(items: impl ExactSizeIterator<Item = &'a str>) -> String {
    let last = items.len().saturating_sub(1);
    let mut out = String::with_capacity(48);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(if i == last { " and " } else { ", " });
        }
        out.push_str(item);
    }
    out
}

/// `prefix` and `n` zero-padded to `width` digits ("rec-0000042"); cheaper than `format!`,
/// which shows at 100 000 recruiters.
fn serial_id(prefix: &str, n: usize, width: usize) -> String {
    let mut digits = [b'0'; 20];
    let mut rest = n;
    let mut len = 0;
    while rest > 0 || len == 0 {
        digits[19 - len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let len = len.max(width).min(20);
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    out.extend(digits[20 - len..].iter().map(|&d| char::from(d)));
    out
}

/// Lower-cased, without whitespace: how the directory compares quoted names and numbers.
#[cfg(test)]
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// ASCII for the accented Latin letters used in the tables.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ'
        | 'ẵ' | 'ặ' => "a",
        'ç' => "c",
        'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ỉ' | 'ị' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ớ' | 'ờ' | 'ở'
        | 'ỡ' | 'ợ' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ư' | 'ụ' | 'ủ' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' => "u",
        'ý' | 'ÿ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        _ => return None,
    })
}

/// Lower-case ASCII words joined by hyphens ("Peñafrancia Manpower" -> "penafrancia-manpower").
#[cfg(test)]
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    slugify_into(text, &mut slug);
    slug
}

/// [`slugify`] into a buffer that the name loop reuses.
fn slugify_into(text: &str, slug: &mut String) {
    let mut gap = false;
    for c in text.chars() {
        let c = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            c.to_lowercase().next().unwrap_or(c)
        };
        let piece: Option<&str> = fold_char(c);
        let mut push = |s: &str| {
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push_str(s);
        };
        if let Some(ascii) = piece {
            push(ascii);
        } else if c.is_ascii_alphanumeric() {
            let mut buf = [0u8; 4];
            push(c.encode_utf8(&mut buf));
        } else {
            gap = true;
        }
    }
}

/// Fills a pattern: `{a}` with `area`, each `#` with a random digit.
fn phone_number(rng: &mut Random, pattern: &str, area: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + area.len());
    let (before, after) = pattern.split_once("{a}").unwrap_or((pattern, ""));
    for (i, part) in [before, after].into_iter().enumerate() {
        if i == 1 {
            out.push_str(area);
        }
        for c in part.chars() {
            if c == '#' {
                out.push(char::from(b'0' + rng.random_range(0..10u8)));
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// Fills an address pattern (see [`Country::address`]).
fn address(rng: &mut Random, pattern: &str, street: &str, city: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + street.len() + city.len() + 8);
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let key = &rest[start..start + 3];
        match key {
            "{n}" => {
                let _ = write!(out, "{}", rng.random_range(1..=250u32));
            }
            "{m}" => {
                let _ = write!(out, "{}", rng.random_range(1..=20u32));
            }
            "{s}" => out.push_str(street),
            _ => out.push_str(city),
        }
        rest = &rest[start + 3..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Agency names
// ---------------------------------------------------------------------------------------------

/// The parts drawn for one name.
struct Parts {
    adjective: Option<W>,
    place: W,
    modifier: Option<W>,
    core: W,
    entity: &'static Entity,
    /// A city added to tell two agencies apart.
    city: Option<&'static City>,
}

/// One agency's names, all unique in the directory.
struct AgencyName {
    legal: String,
    trading: Vec<String>,
    /// The English name without its legal form ("Himalayan Overseas Manpower").
    short: String,
    slug: String,
    city: Option<&'static City>,
}

/// Slugs and names already taken, and the buffers the name loop reuses so that a rejected try
/// allocates nothing.
///
/// The sets hold 64-bit hashes rather than the strings: a collision can only make a free name
/// look taken (the loop then draws another), never let a duplicate through, and at 100 000
/// recruiters it saves a copy of every name.
#[derive(Default)]
struct Registry {
    slugs: FastSet<u64>,
    names: FastSet<u64>,
    short: String,
    slug: String,
}

/// Hash of a name as the directory compares names: lower-cased, without whitespace.
fn name_key(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii() {
            hasher.add(u64::from(c.to_ascii_lowercase()));
        } else {
            for lower in c.to_lowercase() {
                hasher.add(u64::from(lower));
            }
        }
    }
    hasher.finish()
}

fn slug_key(slug: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(slug.as_bytes());
    hasher.write_u8(0xff);
    hasher.finish()
}

impl Registry {
    /// Takes the slug and the names (at most four) if none of them is taken yet.
    fn claim(&mut self, slug: &str, names: &[&str]) -> bool {
        let mut keys = [0u64; 4];
        let keys = &mut keys[..names.len()];
        for (key, name) in keys.iter_mut().zip(names) {
            *key = name_key(name);
        }
        let free = keys
            .iter()
            .enumerate()
            .all(|(i, k)| !self.names.contains(k) && !keys[..i].contains(k));
        if free {
            self.slugs.insert(slug_key(slug));
            self.names.extend(keys.iter().copied());
        }
        free
    }

    /// Writes the English words of `parts` and their slug into the buffers; false when the
    /// slug is taken.
    fn try_slug(&mut self, style: &Style, parts: &Parts) -> bool {
        self.short.clear();
        write_parts(&mut self.short, style.latin_order, parts, |w| w.0, " ");
        if let Some(city) = parts.city {
            self.short.push(' ');
            self.short.push_str(city.name);
        }
        self.slug.clear();
        slugify_into(&self.short, &mut self.slug);
        !self.slugs.contains(&slug_key(&self.slug))
    }
}

fn own_form(w: W) -> &'static str {
    if w.1.is_empty() { w.0 } else { w.1 }
}

/// Appends the words of a name in the given order; `form` picks the English or the
/// own-language form.
fn write_parts(out: &mut String, order: Order, parts: &Parts, form: fn(W) -> &'static str, joiner: &str) {
    let (a, p, m, c) = (
        parts.adjective.map(form),
        Some(form(parts.place)),
        parts.modifier.map(form),
        Some(form(parts.core)),
    );
    let words = match order {
        Order::Pmc => [a, p, m, c],
        Order::Cmp => [c, m, p, a],
        Order::Pcm => [p, a, c, m],
    };
    let mut first = true;
    for word in words.into_iter().flatten().filter(|w| !w.is_empty()) {
        if !first {
            out.push_str(joiner);
        }
        out.push_str(word);
        first = false;
    }
}

fn draw_parts(rng: &mut Random, style: &'static Style, city: Option<&'static City>) -> Parts {
    let adjective =
        (!style.adjectives.is_empty() && rng.random_bool(style.adjective_share)).then(|| pick(rng, &style.adjectives));
    let place = pick(rng, &style.places);
    let modifier =
        (!style.modifiers.is_empty() && rng.random_bool(style.modifier_share)).then(|| pick(rng, &style.modifiers));
    let core = pick(rng, &style.cores);
    let mut entity = pick_ref(rng, &style.entities);
    if entity.plain_only && modifier.is_some() {
        entity = style
            .entities
            .iter()
            .find(|e| !e.plain_only)
            .expect("a style has a legal form usable with a modifier");
    }
    Parts {
        adjective,
        place,
        modifier,
        core,
        entity,
        city,
    }
}

fn with_legal_form(name: &str, legal_form: &str) -> String {
    if legal_form.is_empty() {
        name.to_string()
    } else {
        format!("{name} {legal_form}")
    }
}

/// The name in the style's own language and script, with its legal form.
fn own_language_name(style: &Style, parts: &Parts) -> String {
    let mut name = String::with_capacity(96);
    if !parts.entity.before.is_empty() {
        name.push_str(parts.entity.before);
        name.push_str(style.entity_gap);
    }
    write_parts(&mut name, style.order, parts, own_form, style.joiner);
    if let Some(city) = parts.city {
        name.push(' ');
        name.push_str(city.native);
    }
    if !parts.entity.after.is_empty() {
        name.push_str(style.entity_gap);
        name.push_str(parts.entity.after);
    }
    name
}

/// Draws a name not yet used in the directory for an agency of `country`. After a few tries the
/// name carries a city (as branches and namesakes do); `None` when the country's names run out.
fn draw_agency_name(rng: &mut Random, reg: &mut Registry, country: &'static Country) -> Option<AgencyName> {
    for attempt in 0..NAME_TRIES {
        let style = pick_weighted(rng, &country.styles);
        let city = (attempt >= PLAIN_NAME_TRIES).then(|| pick_ref(rng, &country.cities));
        let parts = draw_parts(rng, style, city);
        if city.is_some_and(|c| parts.place.0.contains(c.name)) {
            continue;
        }
        if !reg.try_slug(style, &parts) {
            continue;
        }
        let (short, slug) = (reg.short.clone(), reg.slug.clone());
        let english = with_legal_form(&short, parts.entity.latin);
        let legal = if rng.random_bool(style.native_share) {
            own_language_name(style, &parts)
        } else {
            english.clone()
        };
        let mut trading = Vec::new();
        // Names equal but for case or spaces are caught by `claim` below.
        if legal != english {
            if rng.random_bool(style.trading_share) {
                trading.push(english);
            }
        } else if short != legal && rng.random_bool(0.25) {
            trading.push(short.clone());
        }
        let mut all: Vec<&str> = vec![&legal];
        all.extend(trading.iter().map(String::as_str));
        if !reg.claim(&slug, &all) {
            continue;
        }
        return Some(AgencyName {
            legal,
            trading,
            short,
            slug,
            city,
        });
    }
    None
}

/// A name the agency traded under before (in English), reserved so nobody else takes it.
fn draw_former_name(rng: &mut Random, reg: &mut Registry, country: &'static Country) -> Option<String> {
    for _ in 0..PLAIN_NAME_TRIES {
        let style = pick_weighted(rng, &country.styles);
        let parts = draw_parts(rng, style, None);
        if !reg.try_slug(style, &parts) {
            continue;
        }
        // As registered: in the Latin-script styles that is the own form ("PT ..."), in the
        // others the English one.
        let name = if style.is_latin_only() {
            own_language_name(style, &parts)
        } else {
            with_legal_form(&reg.short, parts.entity.latin)
        };
        let slug = reg.slug.clone();
        if reg.claim(&slug, &[&name]) {
            return Some(name);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Recruiters
// ---------------------------------------------------------------------------------------------

fn recruiter_id(index: usize) -> String {
    serial_id("rec-", index + 1, 7)
}

/// Everything the generator keeps while it adds recruiters one by one.
struct RecruiterState {
    reg: Registry,
    /// Next licence serial per country.
    licence_serials: HashMap<&'static str, u32>,
    /// Recruiters already generated, by corridor, to link partners backwards.
    senders: FastMap<Corridor, Vec<usize>>,
    receivers: FastMap<Corridor, Vec<usize>>,
    origins: Vec<(&'static Country, u32)>,
    destinations: Vec<(&'static Country, u32)>,
    /// For each destination, the countries whose workers go there.
    sources: FastMap<&'static str, Vec<&'static str>>,
    /// Once the name tables are used up, names are numbered branches; the next number.
    next_branch: Option<usize>,
}

fn generate_recruiters(rng: &mut Random, count: usize, out: &mut Vec<Record>) {
    let by_weight = |origin: bool| -> Vec<(&'static Country, u32)> {
        COUNTRIES
            .iter()
            .filter(|c| c.is_origin() == origin)
            .map(|c| (c, c.weight))
            .collect()
    };
    let mut state = RecruiterState {
        reg: Registry::default(),
        licence_serials: HashMap::new(),
        senders: FastMap::default(),
        receivers: FastMap::default(),
        origins: by_weight(true),
        destinations: by_weight(false),
        sources: COUNTRIES
            .iter()
            .map(|d| {
                let from = COUNTRIES
                    .iter()
                    .filter(|o| o.destinations.contains(&d.code))
                    .map(|o| o.code);
                (d.code, from.collect())
            })
            .collect(),
        next_branch: None,
    };
    for i in 0..count {
        out.push(Record::Recruiter(recruiter(rng, &mut state, i)));
    }
}

/// Picks a country of registration and a free name there, moving to another country when the
/// names of one run out (only happens at very large sizes). When the tables are used up
/// everywhere (several hundred thousand recruiters), names become numbered branches; smaller
/// directories never get there, so they are unchanged.
fn draw_registration(rng: &mut Random, state: &mut RecruiterState, receiving: bool) -> (&'static Country, AgencyName) {
    if state.next_branch.is_none() {
        for _ in 0..1_000 {
            let pool = if receiving { &state.destinations } else { &state.origins };
            let country = pick_weighted(rng, pool);
            if let Some(name) = draw_agency_name(rng, &mut state.reg, country) {
                return (country, name);
            }
        }
        state.next_branch = Some(2);
    }
    loop {
        let pool = if receiving { &state.destinations } else { &state.origins };
        let country = pick_weighted(rng, pool);
        let branch = state.next_branch.unwrap_or(2);
        state.next_branch = Some(branch + 1);
        if let Some(name) = numbered_agency_name(rng, &mut state.reg, country, branch) {
            return (country, name);
        }
    }
}

/// "Himalayan Overseas Manpower Pokhara Branch 7 Pvt. Ltd.": an English name from the tables
/// with a branch number, `None` when even that is taken.
fn numbered_agency_name(
    rng: &mut Random,
    reg: &mut Registry,
    country: &'static Country,
    branch: usize,
) -> Option<AgencyName> {
    let style = pick_weighted(rng, &country.styles);
    let city = Some(pick_ref(rng, &country.cities));
    let parts = draw_parts(rng, style, city);
    // Fills `reg.short` with the English words; whether their own slug is free does not
    // matter, the branch number makes this one new.
    let _ = reg.try_slug(style, &parts);
    let short = format!("{} Branch {branch}", reg.short);
    let mut slug = String::new();
    slugify_into(&short, &mut slug);
    let legal = with_legal_form(&short, parts.entity.latin);
    if !reg.claim(&slug, &[&legal]) {
        return None;
    }
    Some(AgencyName {
        legal,
        trading: Vec::new(),
        short,
        slug,
        city,
    })
}

fn recruiter(rng: &mut Random, state: &mut RecruiterState, index: usize) -> RecruiterRecord {
    let receiving = rng.random_bool(RECEIVING_SHARE);
    let (home, name) = draw_registration(rng, state, receiving);
    let city = name.city.unwrap_or_else(|| pick_ref(rng, &home.cities));
    let corridors = draw_corridors(rng, home, receiving.then(|| state.sources[home.code].as_slice()));
    let sectors = draw_sectors(rng, &corridors);
    let languages = draw_languages(rng, home, &corridors, receiving);
    let partners = link_partners(rng, state, index, &corridors, receiving);
    let licences = draw_licences(rng, state, home, city);
    let former_names = if rng.random_bool(FORMER_NAME_SHARE) {
        draw_former_name(rng, &mut state.reg, home).into_iter().collect()
    } else {
        Vec::new()
    };

    let street = pick(rng, &home.streets);
    // A DNS label holds at most 63 characters; long agency names are cut, as registrants do.
    let mut host: String = name.slug.split('-').collect::<String>().chars().take(63).collect();
    host.push('.');
    host.push_str(home.tld);
    let mailbox = pick(rng, &["info", "office", "contact"]);
    let profile = Profile {
        home,
        city,
        corridors,
        sectors,
        languages,
        receiving,
    };
    let description = describe(rng, &name.short, &profile);
    let Profile {
        corridors,
        sectors,
        languages,
        ..
    } = profile;

    RecruiterRecord {
        external_id: recruiter_id(index),
        legal_name: name.legal,
        trading_names: name.trading,
        former_names,
        slug: name.slug,
        country: home.code.to_string(),
        city: Some(city.name.to_string()),
        address: Some(address(rng, home.address, street, city.name)),
        website: Some(["https://www.", &host].concat()),
        email: Some([mailbox, "@", &host].concat()),
        phone: Some(phone_number(rng, home.phone, city.area)),
        description: Some(description),
        languages: languages.iter().map(|l| l.to_string()).collect(),
        sectors: sectors.iter().map(|s| s.to_string()).collect(),
        corridors: corridors
            .iter()
            .map(|(o, d)| CorridorRecord {
                origin: o.to_string(),
                destination: d.to_string(),
            })
            .collect(),
        cbp_level: pick_weighted(
            rng,
            &[
                ("none", 30),
                ("entry", 25),
                ("level_1", 20),
                ("level_2", 15),
                ("level_3", 10),
            ],
        )
        .to_string(),
        licences,
        partners,
        identifiers: company_register_number(home.code, index).into_iter().collect(),
    }
}

/// The company-register number of a sample recruiter, where the sample "knows" it: two in three
/// Nepali agencies, in the Nepal Company Registrar Office's list (`NP-CRO`). Derived from the
/// index, not drawn, so adding it left every other sample value as it was; distinct for every
/// index below 150 000 (7 919 is prime to 150 000).
fn company_register_number(country: &str, index: usize) -> Option<String> {
    (country == "NP" && !index.is_multiple_of(3)).then(|| format!("NP-CRO-{}", 10_000 + (index * 7_919) % 150_000))
}

/// 1-3 corridors: from the home country for a sending agency, into it from `sources` for a
/// receiving one.
fn draw_corridors(rng: &mut Random, home: &'static Country, sources: Option<&[&'static str]>) -> Vec<Corridor> {
    let k = pick_weighted(rng, &[(1usize, 50), (2, 35), (3, 15)]);
    if let Some(sources) = sources {
        pick_distinct(rng, sources, k)
            .into_iter()
            .map(|o| (o, home.code))
            .collect()
    } else {
        pick_distinct(rng, &home.destinations, k)
            .into_iter()
            .map(|d| (home.code, d))
            .collect()
    }
}

/// 1-3 sectors among those hiring migrant workers at the destinations, sorted.
fn draw_sectors(rng: &mut Random, corridors: &[Corridor]) -> Vec<&'static str> {
    let k = pick_weighted(rng, &[(1usize, 35), (2, 40), (3, 25)]);
    let mut sectors = Vec::with_capacity(k);
    for _ in 0..4 * k {
        let (_, destination) = pick(rng, corridors);
        push_unique(&mut sectors, pick(rng, &country(destination).sectors));
        if sectors.len() == k {
            break;
        }
    }
    sectors.sort_unstable();
    sectors
}

/// The home language, English, sometimes a second home language and the language spoken at the
/// other end (a destination's for senders, the workers' for receivers).
fn draw_languages(
    rng: &mut Random,
    home: &'static Country,
    corridors: &[Corridor],
    receiving: bool,
) -> Vec<&'static str> {
    let mut languages = vec![home.languages[0]];
    push_unique(&mut languages, "en");
    if home.languages.len() > 1 && rng.random_bool(0.4) {
        push_unique(&mut languages, pick(rng, &home.languages[1..]));
    }
    if receiving {
        for (origin, _) in corridors {
            push_unique(&mut languages, country(origin).languages[0]);
        }
    } else if rng.random_bool(0.3) {
        let (_, destination) = pick(rng, corridors);
        push_unique(&mut languages, country(destination).languages[0]);
    }
    languages
}

/// Links a sending agency to receiving agencies on its corridors (and the other way round),
/// only to recruiters generated before it so that references point backwards.
fn link_partners(
    rng: &mut Random,
    state: &mut RecruiterState,
    index: usize,
    corridors: &[Corridor],
    receiving: bool,
) -> Vec<String> {
    let (mine, others) = if receiving {
        (&mut state.receivers, &state.senders)
    } else {
        (&mut state.senders, &state.receivers)
    };
    let mut partners: Vec<String> = Vec::new();
    if rng.random_bool(if receiving { 0.35 } else { 0.5 }) {
        for corridor in corridors {
            if let Some(candidates) = others.get(corridor) {
                let partner = recruiter_id(pick(rng, candidates));
                if !partners.contains(&partner) {
                    partners.push(partner);
                }
            }
            if partners.len() == 2 {
                break;
            }
        }
    }
    for corridor in corridors {
        mine.entry(*corridor).or_default().push(index);
    }
    partners
}

/// The national licence (and, for some, the previous one it replaced).
fn draw_licences(
    rng: &mut Random,
    state: &mut RecruiterState,
    home: &'static Country,
    city: &'static City,
) -> Vec<LicenceRecord> {
    let status = pick_weighted(rng, &[("valid", 86), ("suspended", 5), ("revoked", 4), ("expired", 5)]);
    let valid_until = match status {
        "valid" => date_between(rng, ymd(2026, 11, 1), ymd(2030, 6, 30)),
        "expired" => date_between(rng, ymd(2021, 1, 1), ymd(2026, 6, 30)),
        _ => date_between(rng, ymd(2026, 1, 1), ymd(2029, 12, 31)),
    };
    let term = rng.random_range(2..=5);
    let valid_from = sub_years(valid_until, term) + Duration::days(1);
    let mut licences = vec![licence(rng, state, home, city, status, valid_from, valid_until)];
    if rng.random_bool(0.15) {
        let until = valid_from - Duration::days(1);
        let from = sub_years(until, rng.random_range(2..=5)) + Duration::days(1);
        licences.push(licence(rng, state, home, city, "expired", from, until));
    }
    licences
}

fn licence(
    rng: &mut Random,
    state: &mut RecruiterState,
    home: &'static Country,
    city: &'static City,
    status: &str,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
) -> LicenceRecord {
    // Registers started long before the directory: numbers do not begin at 1.
    let serial = state.licence_serials.entry(home.code).or_insert(LICENCE_SERIAL_START);
    *serial += 1;
    LicenceRecord {
        issuing_authority: home.authority.to_string(),
        country: home.code.to_string(),
        licence_number: licence_number(rng, home, city, *serial, valid_from),
        status: status.to_string(),
        valid_from: Some(valid_from),
        valid_until: Some(valid_until),
        authority: None,
    }
}

/// A licence number in the style of the issuing country; `serial` makes it unique, the prefixes
/// keep countries apart.
fn licence_number(rng: &mut Random, home: &Country, city: &City, serial: u32, from: NaiveDate) -> String {
    let year = from.year();
    match home.code {
        "NP" => {
            // Nepali fiscal years in Bikram Sambat, which starts mid-July.
            let bs = year + if from.month() >= 7 { 57 } else { 56 };
            format!("{serial}/{:03}/{:03}", bs % 1000, (bs + 1) % 1000)
        }
        "BD" => format!("RL-{serial:04}"),
        "IN" => format!(
            "B-{serial:04}/{}/PER/1000+/5/{}/{year}",
            city.code,
            rng.random_range(1000..10_000)
        ),
        "PK" => format!("{serial:04}/{}", city.code),
        "LK" => format!("RA/{serial:04}"),
        "PH" => {
            let office = if from < ymd(2023, 2, 3) { "POEA" } else { "DMW" };
            format!("{office}-{serial:03}-LB-{}-R", from.format("%m%d%Y"))
        }
        "ID" => format!("KEP.{serial}/PPTKLN/{year}"),
        "MM" => format!("MOLIP/OEA/{serial:04}"),
        "KH" => format!("MLVT/RA/{serial:04}"),
        "VN" => format!("{serial}/LĐTBXH-GP"),
        "LA" => format!("MLSW/{serial:04}"),
        "ET" => format!("MoLS/PEA/{serial:04}"),
        "KE" => format!("NEA/RPEA/{serial:04}"),
        "UG" => format!("MGLSD/EEU/{serial:04}"),
        "QA" => format!("QA-MOL-{serial:04}"),
        "AE" => format!("MOHRE-{serial:05}"),
        "SA" => format!("HRSD-{serial:06}"),
        "KW" => format!("PAM/{serial:04}"),
        "OM" => format!("OM-MOL/RA/{serial:04}"),
        "BH" => format!("LMRA-{serial:05}"),
        "MY" => format!("JTKSM {serial}"),
        "SG" => format!("{:02}C{serial:04}", year % 100),
        "JP" => format!("{}-ユ-{:06}", city.code, 300_000 + serial),
        "KR" => format!("MOEL-{serial:05}"),
        "HK" => format!("EA-{serial:05}"),
        "TH" => format!("น.{serial:04}/{}", year + 543),
        "JO" => format!("JO-MOL/{serial:04}"),
        "GB" => format!("GLAA{serial:04}"),
        "DE" => format!("BA-PV-{serial:05}"),
        "TW" => format!("勞仲字第{serial:04}號"),
        other => format!("{other}-{serial:05}"),
    }
}

/// What a recruiter does, as drawn: the facts its description is written from.
struct Profile {
    home: &'static Country,
    city: &'static City,
    corridors: Vec<Corridor>,
    sectors: Vec<&'static str>,
    languages: Vec<&'static str>,
    receiving: bool,
}

/// One or two sentences on what the agency does, where and for whom.
fn describe(rng: &mut Random, short: &str, profile: &Profile) -> String {
    let Profile {
        home,
        city,
        corridors,
        sectors,
        languages,
        receiving,
    } = profile;
    let workers = english_list(sectors.iter().map(|s| sector_adjective(s)));
    let langs = english_list(languages.iter().map(|l| language_name(l)));
    let city = city.name;
    let country_name = home.name;
    let mut text = String::with_capacity(256);
    // Writing to a String cannot fail.
    if *receiving {
        let origins = english_list(corridors.iter().map(|(o, _)| country(o).name));
        let _ = match rng.random_range(0..2) {
            0 => write!(
                text,
                "{short} places workers from {origins} with {workers} employers in {country_name}."
            ),
            _ => write!(
                text,
                "{short} is a receiving agency in {city} that brings {workers} workers from {origins} to employers across {country_name}."
            ),
        };
        let _ = match rng.random_range(0..4) {
            0 => write!(
                text,
                " Its {city} office arranges work permits, arrival and accommodation checks."
            ),
            1 => write!(text, " It works with partner agencies in {origins}."),
            2 => write!(text, " Staff speak {langs}."),
            _ => Ok(()),
        };
    } else {
        let destinations = english_list(corridors.iter().map(|(_, d)| country(d).name));
        let _ = match rng.random_range(0..3) {
            0 => write!(
                text,
                "{short} recruits {workers} workers in {country_name} for employers in {destinations}."
            ),
            1 => write!(
                text,
                "{short} is a recruitment agency in {city} placing {workers} workers with employers in {destinations}."
            ),
            _ => write!(
                text,
                "Based in {city}, {short} selects and prepares {workers} workers for jobs in {destinations}."
            ),
        };
        let (_, main_destination) = corridors[0];
        // The last sentence only adds something when there is more than one sector or corridor.
        let choices = if sectors.len() + corridors.len() > 2 { 5 } else { 4 };
        let _ = match rng.random_range(0..choices) {
            0 => write!(text, " Trade tests and interviews are held at its {city} office."),
            1 => write!(text, " Orientation sessions are given in {langs}."),
            2 => write!(text, " It has been recruiting since {}.", rng.random_range(1995..=2020)),
            3 => Ok(()),
            _ => write!(
                text,
                " Most of its placements are in {} in {}.",
                sector_noun(sectors[0]),
                country(main_destination).name
            ),
        };
    }
    text.shrink_to_fit();
    text
}

// ---------------------------------------------------------------------------------------------
// Certifications: histories that follow the lifecycle
// ---------------------------------------------------------------------------------------------

/// A certification's story, from application to its present status.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plan {
    Certified,
    CertifiedAfterDeferral,
    CertifiedAfterReapplication,
    Recertified,
    Reinstated,
    /// Still `certified` in the data although `expires_on` has passed: the directory must not
    /// show it as certified.
    StaleCertified,
    Applicant,
    ApplicantAfterExpiry,
    ApplicantAfterWithdrawal,
    Deferred,
    Rejected,
    RejectedAfterDeferral,
    Suspended,
    Withdrawn,
    WithdrawnAfterSuspension,
    Expired,
    /// The first certification of an agency that certified again later.
    OldExpired,
    OldWithdrawn,
}

/// How many of each story in every 60 certifications. A shuffled deck rather than independent
/// draws guarantees that every status (and about three stale certificates) is in the sample.
const PLAN_DECK: &[(Plan, usize)] = &[
    (Plan::Certified, 22),
    (Plan::CertifiedAfterDeferral, 4),
    (Plan::CertifiedAfterReapplication, 1),
    (Plan::Recertified, 6),
    (Plan::Reinstated, 2),
    (Plan::StaleCertified, 1),
    (Plan::Applicant, 3),
    (Plan::ApplicantAfterExpiry, 1),
    (Plan::ApplicantAfterWithdrawal, 1),
    (Plan::Deferred, 2),
    (Plan::Rejected, 2),
    (Plan::RejectedAfterDeferral, 1),
    (Plan::Suspended, 4),
    (Plan::Withdrawn, 3),
    (Plan::WithdrawnAfterSuspension, 1),
    (Plan::Expired, 6),
];

struct Deck {
    cards: Vec<Plan>,
    next: usize,
}

impl Deck {
    fn new() -> Self {
        let cards = PLAN_DECK
            .iter()
            .flat_map(|(plan, n)| std::iter::repeat_n(*plan, *n))
            .collect();
        Deck {
            cards,
            next: usize::MAX,
        }
    }

    fn draw(&mut self, rng: &mut Random) -> Plan {
        if self.next >= self.cards.len() {
            self.cards.shuffle(rng);
            self.next = 0;
        }
        self.next += 1;
        self.cards[self.next - 1]
    }
}

/// When a step happens, relative to the step before it.
#[derive(Clone, Copy)]
enum Gap {
    Days(i64, i64),
    /// The day after the current certificate's `expires_on`.
    DayAfterExpiry,
    /// Some days before the current certificate's `expires_on` (recertification).
    BeforeExpiry(i64, i64),
}

struct Step {
    to: &'static str,
    reason: &'static str,
    /// Recorded by the certification body rather than the secretariat.
    by_body: bool,
    gap: Gap,
}

/// Room for the longest story (four steps today).
const MAX_STEPS: usize = 6;

/// The steps of a plan; `anchor` is the step whose date is drawn from `window` (the first
/// certification, or the application), the others follow from it.
struct Script {
    steps: Vec<Step>,
    anchor: usize,
    window: (NaiveDate, NaiveDate),
}

fn applied() -> Step {
    Step {
        to: "applicant",
        reason: "application_received",
        by_body: false,
        gap: Gap::Days(0, 0),
    }
}
fn reapplied(lo: i64, hi: i64) -> Step {
    Step {
        to: "applicant",
        reason: "application_received",
        by_body: false,
        gap: Gap::Days(lo, hi),
    }
}
fn deferred() -> Step {
    Step {
        to: "deferred",
        reason: "information_requested",
        by_body: false,
        gap: Gap::Days(10, 40),
    }
}
/// Back from `deferred` once the missing information arrived.
fn supplied() -> Step {
    Step {
        to: "applicant",
        reason: "application_received",
        by_body: false,
        gap: Gap::Days(7, 40),
    }
}
fn certified(lo: i64, hi: i64) -> Step {
    Step {
        to: "certified",
        reason: "audit_passed",
        by_body: true,
        gap: Gap::Days(lo, hi),
    }
}
fn rejected(lo: i64, hi: i64) -> Step {
    Step {
        to: "rejected",
        reason: "application_rejected",
        by_body: true,
        gap: Gap::Days(lo, hi),
    }
}
fn suspended(rng: &mut Random, lo: i64, hi: i64) -> Step {
    let reason = pick(rng, &["complaint_upheld", "audit_nonconformity"]);
    Step {
        to: "suspended",
        reason,
        by_body: true,
        gap: Gap::Days(lo, hi),
    }
}
fn reinstated(lo: i64, hi: i64) -> Step {
    Step {
        to: "certified",
        reason: "corrective_action_completed",
        by_body: true,
        gap: Gap::Days(lo, hi),
    }
}
fn recertified() -> Step {
    Step {
        to: "certified",
        reason: "recertified",
        by_body: true,
        gap: Gap::BeforeExpiry(20, 60),
    }
}
fn withdrawn(rng: &mut Random, after_suspension: bool, lo: i64, hi: i64) -> Step {
    let voluntary = !after_suspension && rng.random_bool(0.7);
    let reason = if voluntary {
        "voluntary_withdrawal"
    } else {
        "unresolved_nonconformity"
    };
    Step {
        to: "withdrawn",
        reason,
        by_body: !voluntary,
        gap: Gap::Days(lo, hi),
    }
}
fn expired() -> Step {
    Step {
        to: "expired",
        reason: "certificate_expired",
        by_body: false,
        gap: Gap::DayAfterExpiry,
    }
}

/// The steps and date window of a plan. The windows keep every date between 2019-01-01 and
/// 2026-10-31, keep current certificates valid past 2027-06-01 and stale ones expired before 2026.
fn script(rng: &mut Random, plan: Plan) -> Script {
    let recent = (ymd(2024, 6, 2), ymd(2026, 9, 30));
    let (steps, anchor, window) = match plan {
        Plan::Certified => (vec![applied(), certified(60, 180)], 1, recent),
        Plan::CertifiedAfterDeferral => (vec![applied(), deferred(), supplied(), certified(45, 150)], 3, recent),
        Plan::CertifiedAfterReapplication => (
            vec![applied(), rejected(60, 150), reapplied(90, 300), certified(60, 150)],
            3,
            recent,
        ),
        Plan::Recertified => (
            vec![applied(), certified(60, 180), recertified()],
            1,
            (ymd(2021, 6, 1), ymd(2023, 8, 31)),
        ),
        Plan::Reinstated => (
            vec![
                applied(),
                certified(60, 180),
                suspended(rng, 60, 240),
                reinstated(30, 120),
            ],
            1,
            (ymd(2024, 6, 2), ymd(2025, 10, 31)),
        ),
        Plan::StaleCertified => (
            vec![applied(), certified(60, 180)],
            1,
            (ymd(2021, 6, 1), ymd(2022, 10, 31)),
        ),
        Plan::Applicant => (vec![applied()], 0, (ymd(2025, 11, 1), ymd(2026, 10, 15))),
        Plan::ApplicantAfterExpiry => (
            vec![applied(), certified(60, 180), expired(), reapplied(30, 200)],
            1,
            (ymd(2020, 1, 1), ymd(2023, 3, 31)),
        ),
        Plan::ApplicantAfterWithdrawal => (
            vec![
                applied(),
                certified(60, 180),
                withdrawn(rng, false, 120, 600),
                reapplied(60, 300),
            ],
            1,
            (ymd(2020, 1, 1), ymd(2023, 12, 31)),
        ),
        Plan::Deferred => (vec![applied(), deferred()], 0, (ymd(2026, 1, 1), ymd(2026, 9, 15))),
        Plan::Rejected => (
            vec![applied(), rejected(60, 200)],
            0,
            (ymd(2020, 1, 1), ymd(2026, 4, 1)),
        ),
        Plan::RejectedAfterDeferral => (
            vec![applied(), deferred(), supplied(), rejected(60, 180)],
            0,
            (ymd(2020, 1, 1), ymd(2026, 1, 31)),
        ),
        Plan::Suspended => (
            vec![applied(), certified(60, 180), suspended(rng, 60, 300)],
            1,
            (ymd(2023, 6, 1), ymd(2025, 12, 31)),
        ),
        Plan::Withdrawn => (
            vec![applied(), certified(60, 180), withdrawn(rng, false, 90, 700)],
            1,
            (ymd(2019, 9, 1), ymd(2024, 10, 31)),
        ),
        Plan::WithdrawnAfterSuspension => (
            vec![
                applied(),
                certified(60, 180),
                suspended(rng, 60, 300),
                withdrawn(rng, true, 30, 200),
            ],
            1,
            (ymd(2019, 9, 1), ymd(2024, 9, 30)),
        ),
        Plan::Expired => (
            vec![applied(), certified(60, 180), expired()],
            1,
            (ymd(2019, 11, 1), ymd(2023, 9, 30)),
        ),
        Plan::OldExpired => (
            vec![applied(), certified(60, 180), expired()],
            1,
            (ymd(2019, 11, 1), ymd(2021, 9, 30)),
        ),
        Plan::OldWithdrawn => (
            vec![applied(), certified(60, 180), withdrawn(rng, false, 90, 700)],
            1,
            (ymd(2019, 9, 1), ymd(2022, 6, 30)),
        ),
    };
    Script { steps, anchor, window }
}

/// Three years of validity from the day of (re)certification.
fn certificate_expiry(issued_on: NaiveDate) -> NaiveDate {
    validity_end(issued_on, 3)
}

/// Whether this transition starts a new validity (first certification or recertification).
fn starts_validity(from: Option<&str>, to: &str) -> bool {
    to == "certified" && matches!(from, Some("applicant") | Some("certified"))
}

/// Dates every step of a script, none before `not_before`, and writes the public history.
fn history(rng: &mut Random, script: &Script, body: &str, not_before: NaiveDate) -> Vec<StatusChangeRecord> {
    let steps = &script.steps;
    let mut gaps = [0i64; MAX_STEPS];
    for (gap, step) in gaps.iter_mut().zip(steps) {
        if let Gap::Days(lo, hi) = step.gap {
            *gap = rng.random_range(lo..=hi);
        }
    }
    let lead: i64 = gaps[1..=script.anchor].iter().sum();
    let lo = script.window.0.max(not_before + Duration::days(lead + 1));
    let hi = script.window.1;
    let anchor = date_between(rng, lo.min(hi), hi);

    let mut dates = [anchor; MAX_STEPS];
    for k in (0..script.anchor).rev() {
        dates[k] = dates[k + 1] - Duration::days(gaps[k + 1]);
    }
    let mut issued: Option<NaiveDate> = None;
    let mut from: Option<&str> = None;
    let mut entries = Vec::with_capacity(steps.len());
    for (k, step) in steps.iter().enumerate() {
        if k > script.anchor {
            let expiry = issued.map(certificate_expiry);
            dates[k] = match step.gap {
                Gap::Days(..) => dates[k - 1] + Duration::days(gaps[k]),
                Gap::DayAfterExpiry => expiry.expect("expiry follows a certification") + Duration::days(1),
                Gap::BeforeExpiry(lo, hi) => {
                    expiry.expect("recertification follows a certification") - Duration::days(rng.random_range(lo..=hi))
                }
            };
        }
        if starts_validity(from, step.to) {
            issued = Some(dates[k]);
        }
        let at = dates[k]
            .and_hms_opt(rng.random_range(8..18), rng.random_range(0..60), 0)
            .expect("valid time of day")
            .and_utc();
        entries.push(StatusChangeRecord {
            from: from.map(str::to_string),
            to: step.to.to_string(),
            at,
            reason: step.reason.to_string(),
            recorded_by: if step.by_body { body } else { SECRETARIAT }.to_string(),
            complaint_cases: Vec::new(),
        });
        from = Some(step.to);
    }
    entries
}

/// The date of the latest first certification or recertification in a history.
fn issued_on(history: &[StatusChangeRecord]) -> Option<NaiveDate> {
    history
        .iter()
        .rev()
        .find(|h| starts_validity(h.from.as_deref(), &h.to))
        .map(|h| h.at.date_naive())
}

/// A non-empty part of `items` (a corridor or sector list, at most three), in its order.
fn some_of<T: Clone>(rng: &mut Random, items: &[T]) -> Vec<T> {
    let subsets = 1u64 << items.len().min(63);
    let chosen = rng.random_range(1..subsets);
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| chosen >> i & 1 == 1)
        .map(|(_, item)| item.clone())
        .collect()
}

fn certification(
    rng: &mut Random,
    recruiter: &RecruiterRecord,
    serial: usize,
    plan: Plan,
    not_before: NaiveDate,
) -> CertificationRecord {
    let body = pick(rng, &CERTIFICATION_BODIES);
    let script = script(rng, plan);
    let status_history = history(rng, &script, body, not_before);
    let issued = issued_on(&status_history);
    // The number keeps the year of first issue (or of application) across recertifications.
    let year = status_history
        .iter()
        .find(|h| h.to == "certified")
        .unwrap_or(&status_history[0])
        .at
        .year();
    CertificationRecord {
        external_id: serial_id("cert-", serial, 7),
        recruiter: recruiter.external_id.clone(),
        certificate_number: format!("ERS-{}-{year}-{serial:07}", recruiter.country),
        scheme: SCHEME.to_string(),
        certification_body: Some(body.to_string()),
        status: status_history.last().expect("a history has entries").to.clone(),
        issued_on: issued,
        expires_on: issued.map(certificate_expiry),
        scope_corridors: some_of(rng, &recruiter.corridors),
        scope_sectors: some_of(rng, &recruiter.sectors),
        status_history,
        body: None,
    }
}

/// Certifications (about three in four recruiters) and the trademark rights of certified ones.
fn generate_certifications<'a>(
    rng: &mut Random,
    recruiters: impl Iterator<Item = &'a RecruiterRecord>,
    count: usize,
) -> (Vec<CertificationRecord>, Vec<TrademarkRightRecord>) {
    let mut deck = Deck::new();
    let mut certifications = Vec::with_capacity(count * 4 / 5 + 16);
    let mut rights = Vec::with_capacity(count / 2 + 16);
    for recruiter in recruiters {
        if !rng.random_bool(CERTIFIED_SHARE) {
            continue;
        }
        let current = if rng.random_bool(SECOND_CERTIFICATION_SHARE) {
            let old_plan = if rng.random_bool(0.5) {
                Plan::OldExpired
            } else {
                Plan::OldWithdrawn
            };
            let old = certification(rng, recruiter, certifications.len() + 1, old_plan, history_start());
            let ended = old
                .status_history
                .last()
                .expect("a history has entries")
                .at
                .date_naive();
            certifications.push(old);
            certification(
                rng,
                recruiter,
                certifications.len() + 1,
                Plan::Certified,
                ended + Duration::days(30),
            )
        } else {
            let plan = deck.draw(rng);
            certification(rng, recruiter, certifications.len() + 1, plan, history_start())
        };
        if let Some(right) = trademark_right(rng, recruiter, &current, rights.len() + 1) {
            rights.push(right);
        }
        certifications.push(current);
    }
    (certifications, rights)
}

/// The right to show the mark: active for most certified recruiters, suspended or revoked for
/// some whose certification was suspended or withdrawn.
fn trademark_right(
    rng: &mut Random,
    recruiter: &RecruiterRecord,
    certification: &CertificationRecord,
    serial: usize,
) -> Option<TrademarkRightRecord> {
    let status = match certification.status.as_str() {
        "certified" if rng.random_bool(0.85) => "active",
        "suspended" if rng.random_bool(0.6) => "suspended",
        "withdrawn" if rng.random_bool(0.4) => "revoked",
        _ => return None,
    };
    let issued = certification.issued_on?;
    let host = website_host(recruiter.website.as_deref()?);
    let granted = (issued + Duration::days(rng.random_range(7..=50))).min(history_end());
    let mut media = vec!["website".to_string()];
    for medium in ["print", "social_media", "signage"] {
        if rng.random_bool(0.5) {
            media.push(medium.to_string());
        }
    }
    Some(TrademarkRightRecord {
        external_id: serial_id("tm-", serial, 7),
        recruiter: recruiter.external_id.clone(),
        licence_number: format!("TM-{}-{serial:07}", recruiter.country),
        mark: MARK.to_string(),
        media,
        domains: vec![host],
        granted_on: granted,
        expires_on: certification.expires_on,
        status: status.to_string(),
    })
}

/// "https://www.example.com.np" -> "example.com.np".
fn website_host(url: &str) -> String {
    let host = url.split("://").nth(1).unwrap_or(url);
    let host = host.split('/').next().unwrap_or(host);
    host.strip_prefix("www.").unwrap_or(host).to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Organisations and their Employer Pays commitments (invented names, fixed set)
// ---------------------------------------------------------------------------------------------

const EMPLOYER_PAYS: &str = "Employer Pays Principle";

/// Frameworks other than the Employer Pays Principle that organisations commit to.
const OTHER_FRAMEWORKS: &[&str] = &[
    "Dhaka Principles for Migration with Dignity",
    "Responsible Labor Initiative",
    "Priority Industry Principles",
];

const STATEMENT_PATHS: &[&str] = &[
    "responsible-recruitment",
    "employer-pays",
    "sustainability/responsible-recruitment",
    "human-rights/recruitment-fees",
    "policies/employer-pays-statement",
];

fn organisation_id(index: usize) -> String {
    format!("org-{:06}", index + 1)
}

fn organisations() -> Vec<OrganisationRecord> {
    ORGANISATIONS
        .iter()
        .enumerate()
        .map(|(i, (name, kind, country, sector, host))| OrganisationRecord {
            external_id: organisation_id(i),
            name: name.to_string(),
            kind: kind.to_string(),
            country: country.to_string(),
            sector: Some(sector.to_string()),
            website: Some(format!("https://www.{host}")),
            // Companies House numbers for the British ones (`GB-COH`), eight digits.
            identifiers: (*country == "GB")
                .then(|| format!("GB-COH-{:08}", 4_000_000 + i * 104_729))
                .into_iter()
                .collect(),
        })
        .collect()
}

/// Served corridors relevant to an organisation: into its country when workers come to it,
/// otherwise into the destinations where its sector hires migrant workers.
fn relevant_corridors(served: &[Corridor], country_code: &str, sector: &str) -> Vec<Corridor> {
    let into_country: Vec<Corridor> = served.iter().copied().filter(|(_, d)| *d == country_code).collect();
    if !into_country.is_empty() {
        return into_country;
    }
    let by_sector: Vec<Corridor> = served
        .iter()
        .copied()
        .filter(|(_, d)| country(d).sectors.contains(&sector))
        .collect();
    if by_sector.is_empty() {
        served.to_vec()
    } else {
        by_sector
    }
}

/// About 70 commitments: one per organisation, two for every second and third of five.
fn commitments(rng: &mut Random, served: &[Corridor]) -> Vec<CommitmentRecord> {
    let mut out = Vec::new();
    for (i, (_, kind, country_code, sector, host)) in ORGANISATIONS.iter().enumerate() {
        let count = if i % 5 == 1 || i % 5 == 2 { 2 } else { 1 };
        let corridors = relevant_corridors(served, country_code, sector);
        for n in 0..count {
            // Mostly the Employer Pays Principle; a second commitment is made under the
            // framework the first was not.
            let previous = if n == 0 {
                None
            } else {
                out.last().map(|c: &CommitmentRecord| c.framework.as_str())
            };
            let framework = match previous {
                None if rng.random_bool(0.8) => EMPLOYER_PAYS,
                Some(first) if first != EMPLOYER_PAYS => EMPLOYER_PAYS,
                _ => pick(rng, OTHER_FRAMEWORKS),
            };
            let scope = match *kind {
                "brand" => pick(rng, &["whole_supply_chain", "whole_supply_chain", "direct_suppliers"]),
                "supplier" => pick(rng, &["own_operations", "direct_suppliers"]),
                "employer" => "own_operations",
                _ => "whole_supply_chain",
            };
            let mut sectors = vec![sector.to_string()];
            if rng.random_bool(0.3) {
                let extra = pick(
                    rng,
                    &[
                        "logistics",
                        "facilities_management",
                        "cleaning_facilities",
                        "manufacturing",
                    ],
                );
                if extra != *sector {
                    sectors.push(extra.to_string());
                }
            }
            let k = rng.random_range(1..=4);
            let chosen: Vec<CorridorRecord> = pick_distinct(rng, &corridors, k)
                .into_iter()
                .map(|(o, d)| CorridorRecord {
                    origin: o.to_string(),
                    destination: d.to_string(),
                })
                .collect();
            out.push(CommitmentRecord {
                external_id: format!("com-{:06}", out.len() + 1),
                organisation: organisation_id(i),
                framework: framework.to_string(),
                scope: scope.to_string(),
                sectors,
                corridors: chosen,
                made_on: date_between(rng, ymd(2016, 1, 1), history_end()),
                statement_url: Some(format!("https://www.{host}/{}", pick(rng, STATEMENT_PATHS))),
                status: pick_weighted(rng, &[("active", 80), ("lapsed", 12), ("withdrawn", 8)]).to_string(),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Training providers and listings (invented names, fixed set)
// ---------------------------------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct Provider {
    name: &'static str,
    kind: &'static str,
    countries: Vec<&'static str>,
    languages: Vec<&'static str>,
    website: &'static str,
}

fn training_providers() -> Vec<TrainingProviderRecord> {
    PROVIDERS
        .iter()
        .enumerate()
        .map(|(i, p)| TrainingProviderRecord {
            external_id: format!("tp-{:05}", i + 1),
            name: p.name.to_string(),
            kind: p.kind.to_string(),
            countries: p.countries.iter().map(|c| c.to_string()).collect(),
            languages: p.languages.iter().map(|l| l.to_string()).collect(),
            website: Some(p.website.to_string()),
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct Programme {
    code: &'static str,
    audience: &'static str,
    title: &'static str,
    /// Length in days (inclusive of both ends).
    days: (i64, i64),
    listings: usize,
    /// Provider kinds that run it.
    kinds: Vec<&'static str>,
    /// Typical fee in US dollars; `None` when always free.
    usd: Option<u32>,
}

/// A fee of about `usd` dollars in the currency used in `country` (dollars when unknown or
/// when the currency has no minor unit), rounded to a price people would set.
fn fee(usd: u32, country: Option<&str>) -> FeeRecord {
    let currency = country.map(|c| self::country(c).currency).unwrap_or("USD");
    let (currency, rate) = EXCHANGE_RATES
        .iter()
        .find(|(code, _)| *code == currency)
        .map(|(code, rate)| (*code, *rate))
        .unwrap_or(("USD", 1.0));
    let raw = f64::from(usd) * rate;
    let step = if raw >= 10_000.0 {
        500.0
    } else if raw >= 1_000.0 {
        50.0
    } else {
        5.0
    };
    let amount = ((raw / step).round() * step) as u64;
    FeeRecord {
        amount: format!("{amount}.00"),
        currency: currency.to_string(),
    }
}

/// A provider of one of `kinds` working in `country` (any provider of those kinds when none,
/// then any provider working there).
fn provider_for(rng: &mut Random, kinds: &[&str], country: Option<&str>) -> usize {
    let matching: Vec<usize> = (0..PROVIDERS.len())
        .filter(|&i| kinds.contains(&PROVIDERS[i].kind))
        .filter(|&i| country.is_none_or(|c| PROVIDERS[i].countries.contains(&c)))
        .collect();
    if !matching.is_empty() {
        return pick(rng, &matching);
    }
    let anywhere: Vec<usize> = (0..PROVIDERS.len())
        .filter(|&i| country.is_some_and(|c| PROVIDERS[i].countries.contains(&c)))
        .collect();
    pick(rng, &anywhere)
}

/// Where a listing takes place and in which languages, before its title and dates.
struct Venue {
    provider: usize,
    delivery: &'static str,
    country: Option<&'static str>,
    city: Option<&'static str>,
    languages: Vec<&'static str>,
    title: String,
}

fn delivery(rng: &mut Random) -> &'static str {
    pick_weighted(rng, &[("in_person", 55), ("online", 25), ("blended", 20)])
}

/// Orientation for migrants: before leaving in the country of origin, in its language; after
/// arriving in the destination, in the workers' language.
fn orientation_venue(rng: &mut Random, programme: &Programme, served: &[Corridor]) -> Venue {
    let (origin, destination) = pick(rng, served);
    let pre = programme.code == "pre_departure_orientation";
    let (place, title) = if pre {
        (
            country(origin),
            format!("{}: working in {}", programme.title, country(destination).name),
        )
    } else {
        (
            country(destination),
            format!("{} for {} workers", programme.title, country(origin).demonym),
        )
    };
    let delivery = delivery(rng);
    let mut languages = vec![country(origin).languages[0]];
    if !pre || rng.random_bool(0.3) {
        push_unique(&mut languages, "en");
    }
    Venue {
        provider: provider_for(rng, &programme.kinds, Some(place.code)),
        delivery,
        country: Some(place.code),
        city: (delivery != "online").then(|| pick_ref(rng, &place.cities).name),
        languages,
        title,
    }
}

fn general_venue(rng: &mut Random, programme: &Programme) -> Venue {
    let provider = provider_for(rng, &programme.kinds, None);
    let p = &PROVIDERS[provider];
    let delivery = delivery(rng);
    let place = (delivery != "online" || rng.random_bool(0.5)).then(|| country(pick(rng, &p.countries)));
    let mut languages: Vec<&'static str> = p
        .languages
        .iter()
        .copied()
        .filter(|l| *l == "en" || place.is_some_and(|c| c.languages.contains(l)))
        .collect();
    if languages.is_empty() {
        languages.push(p.languages[0]);
    }
    Venue {
        provider,
        delivery,
        country: place.map(|c| c.code),
        city: place
            .filter(|_| delivery != "online")
            .map(|c| pick_ref(rng, &c.cities).name),
        languages,
        title: programme.title.to_string(),
    }
}

/// About 90 listings covering every programme, in 2026 and 2027.
fn training_listings(rng: &mut Random, served: &[Corridor]) -> Vec<TrainingListingRecord> {
    let mut out = Vec::new();
    for programme in PROGRAMMES.iter() {
        for _ in 0..programme.listings {
            let venue = if programme.audience == "migrant_workers" {
                orientation_venue(rng, programme, served)
            } else {
                general_venue(rng, programme)
            };
            let starts_on = date_between(rng, ymd(2026, 1, 12), ymd(2027, 11, 30));
            let ends_on = starts_on + Duration::days(rng.random_range(programme.days.0..=programme.days.1) - 1);
            let fee = programme
                .usd
                .filter(|_| rng.random_bool(0.8))
                .map(|usd| fee(usd, venue.country));
            let external_id = format!("tl-{:06}", out.len() + 1);
            let title = match venue.city {
                Some(city) => format!("{}, {city}", venue.title),
                None => format!("{} (online)", venue.title),
            };
            out.push(TrainingListingRecord {
                registration_url: Some(format!("{}/register/{external_id}", PROVIDERS[venue.provider].website)),
                external_id,
                provider: format!("tp-{:05}", venue.provider + 1),
                title,
                programme: programme.code.to_string(),
                audience: programme.audience.to_string(),
                delivery: venue.delivery.to_string(),
                country: venue.country.map(str::to_string),
                city: venue.city.map(str::to_string),
                languages: venue.languages.iter().map(|l| l.to_string()).collect(),
                starts_on: Some(starts_on),
                ends_on: Some(ends_on),
                fee,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    use interchange::SECTORS;
    const STATUSES: &[&str] = &[
        "applicant",
        "deferred",
        "rejected",
        "certified",
        "suspended",
        "withdrawn",
        "expired",
    ];
    /// The lifecycle of `shared/spec/domain.md`.
    const TRANSITIONS: &[(&str, &str)] = &[
        ("applicant", "deferred"),
        ("deferred", "applicant"),
        ("applicant", "rejected"),
        ("applicant", "certified"),
        ("certified", "suspended"),
        ("suspended", "certified"),
        ("certified", "withdrawn"),
        ("suspended", "withdrawn"),
        ("certified", "expired"),
        ("rejected", "applicant"),
        ("expired", "applicant"),
        ("withdrawn", "applicant"),
        ("certified", "certified"),
    ];
    const REASONS: &[&str] = &[
        "application_received",
        "information_requested",
        "audit_passed",
        "audit_nonconformity",
        "corrective_action_completed",
        "complaint_upheld",
        "unresolved_nonconformity",
        "voluntary_withdrawal",
        "certificate_expired",
        "recertified",
        "application_rejected",
    ];
    const PROGRAMME_CODES: &[&str] = &[
        "cbp_entry",
        "cbp_level_1",
        "cbp_level_2",
        "cbp_level_3",
        "employer_training",
        "supplier_training",
        "brand_training",
        "government_licensing",
        "government_inspection",
        "consular_training",
        "civil_society_training",
        "social_auditor_course",
        "pre_departure_orientation",
        "post_arrival_orientation",
    ];
    const PROVIDER_KINDS: &[&str] = &[
        "ngo",
        "training_institute",
        "university",
        "trade_union",
        "international_organisation",
        "consultancy",
        "certification_body",
        "government",
    ];
    const AUDIENCES: &[&str] = &[
        "recruiters",
        "employers",
        "suppliers",
        "brands",
        "government_officials",
        "civil_society",
        "social_auditors",
        "migrant_workers",
    ];

    fn sample() -> &'static [Record] {
        static SAMPLE: OnceLock<Vec<Record>> = OnceLock::new();
        SAMPLE.get_or_init(sample_directory)
    }

    fn large() -> &'static [Record] {
        static LARGE: OnceLock<Vec<Record>> = OnceLock::new();
        LARGE.get_or_init(|| generated_directory(100_000, 1))
    }

    fn recruiters(records: &[Record]) -> Vec<&RecruiterRecord> {
        records
            .iter()
            .filter_map(|r| if let Record::Recruiter(x) = r { Some(x) } else { None })
            .collect()
    }
    fn certifications(records: &[Record]) -> Vec<&CertificationRecord> {
        records
            .iter()
            .filter_map(|r| {
                if let Record::Certification(x) = r {
                    Some(x)
                } else {
                    None
                }
            })
            .collect()
    }
    fn rights(records: &[Record]) -> Vec<&TrademarkRightRecord> {
        records
            .iter()
            .filter_map(|r| {
                if let Record::TrademarkRight(x) = r {
                    Some(x)
                } else {
                    None
                }
            })
            .collect()
    }
    fn commitments(records: &[Record]) -> Vec<&CommitmentRecord> {
        records
            .iter()
            .filter_map(|r| if let Record::Commitment(x) = r { Some(x) } else { None })
            .collect()
    }
    fn listings(records: &[Record]) -> Vec<&TrainingListingRecord> {
        records
            .iter()
            .filter_map(|r| {
                if let Record::TrainingListing(x) = r {
                    Some(x)
                } else {
                    None
                }
            })
            .collect()
    }

    fn rank(record: &Record) -> usize {
        usize::from(record.type_order())
    }

    fn is_country(code: &str) -> bool {
        code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
    }
    fn is_language(code: &str) -> bool {
        code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())
    }
    fn is_id(id: &str, prefix: &str, digits: usize) -> bool {
        id.strip_prefix(prefix)
            .is_some_and(|n| n.len() == digits && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The Unicode script of a letter, by code-point range (`None` for digits and punctuation).
    fn script(c: char) -> Option<&'static str> {
        Some(match u32::from(c) {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => "Latin",
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "Arabic",
            0x0900..=0x097F => "Devanagari",
            0x0980..=0x09FF => "Bengali",
            0x0D80..=0x0DFF => "Sinhala",
            0x0E00..=0x0E7F => "Thai",
            0x0E80..=0x0EFF => "Lao",
            0x1000..=0x109F => "Myanmar",
            0x1200..=0x139F => "Ethiopic",
            0x1780..=0x17FF => "Khmer",
            0x3040..=0x30FF => "Kana",
            0x4E00..=0x9FFF => "Han",
            0xAC00..=0xD7AF | 0x1100..=0x11FF => "Hangul",
            _ => return None,
        })
    }

    /// The script of a name: the first non-Latin one it uses, else Latin.
    fn name_script(name: &str) -> &'static str {
        let scripts: Vec<&str> = name.chars().filter_map(script).collect();
        scripts.iter().copied().find(|s| *s != "Latin").unwrap_or("Latin")
    }

    fn assert_unique<'a>(what: &str, values: impl IntoIterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for value in values {
            assert!(seen.insert(normalise(value)), "duplicate {what}: {value:?}");
        }
    }

    /// Every rule of the interchange format and the domain that a recruiter, certification
    /// and trademark right must follow.
    fn check_core(records: &[Record]) {
        // Order of record types and the external id formats.
        let ranks: Vec<usize> = records.iter().map(rank).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "record types out of order");
        let mut counters = [0usize; 14];
        for record in records {
            let r = rank(record);
            counters[r] += 1;
            let id = record.external_id();
            // Authorities and principles are named by what they are (`authority-np-01`,
            // `principle-ers-c`), the rest numbered in order.
            let (prefix, digits) = match record {
                Record::LicensingAuthority(_) => {
                    assert!(id.starts_with("authority-"), "bad external id {id}");
                    continue;
                }
                Record::Principle(_) => {
                    assert!(id.starts_with("principle-ers-"), "bad external id {id}");
                    continue;
                }
                Record::CertificationBody(_) => ("body-", 2),
                Record::Auditor(_) => ("auditor-", 3),
                Record::Recruiter(_) => ("rec-", 7),
                Record::Certification(_) => ("cert-", 7),
                Record::Audit(_) => ("audit-", 6),
                Record::TrademarkRight(_) => ("tm-", 7),
                Record::Organisation(_) => ("org-", 6),
                Record::Commitment(_) => ("com-", 6),
                Record::TrainingProvider(_) => ("tp-", 5),
                Record::TrainingListing(_) => ("tl-", 6),
                Record::SupportService(_) => ("sup-", 4),
                Record::AuthorisedChannel(_) => ("chan-", 6),
            };
            assert!(is_id(id, prefix, digits), "bad external id {id}");
            assert_eq!(id, serial_id(prefix, counters[r], digits), "ids are numbered in order");
        }

        // References only point backwards, but for partnerships: they are mutual, written on
        // both sides as an export writes them.
        let partnerships: HashSet<(&str, &str)> = recruiters_in(records)
            .flat_map(|r| r.partners.iter().map(move |p| (r.external_id.as_str(), p.as_str())))
            .collect();
        for (recruiter, partner) in &partnerships {
            assert!(
                partnerships.contains(&(*partner, *recruiter)),
                "{recruiter} lists {partner} as a partner, but not the other way round"
            );
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for record in records {
            let refs: Vec<&str> = match record {
                Record::Recruiter(_) => vec![],
                Record::Certification(c) => vec![&c.recruiter],
                Record::TrademarkRight(t) => vec![&t.recruiter],
                Record::Commitment(c) => vec![&c.organisation],
                Record::TrainingListing(l) => vec![&l.provider],
                Record::AuthorisedChannel(c) => vec![&c.recruiter],
                _ => vec![],
            };
            for target in refs {
                assert!(
                    seen.contains(target),
                    "{} refers forward to {target}",
                    record.external_id()
                );
            }
            seen.insert(record.external_id());
        }

        let recruiters = recruiters(records);
        let by_id: HashMap<&str, &RecruiterRecord> = recruiters.iter().map(|r| (r.external_id.as_str(), *r)).collect();
        for r in &recruiters {
            assert!(is_country(&r.country), "{}", r.country);
            let home = country(&r.country);
            assert!(
                r.slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.slug
            );
            assert!(
                !r.slug.starts_with('-') && !r.slug.ends_with('-') && !r.slug.contains("--"),
                "{}",
                r.slug
            );
            assert!(
                !r.languages.is_empty() && r.languages.iter().all(|l| is_language(l)),
                "{:?}",
                r.languages
            );
            assert!(
                !r.sectors.is_empty() && r.sectors.iter().all(|s| SECTORS.contains(&s.as_str())),
                "{:?}",
                r.sectors
            );
            assert!(["none", "entry", "level_1", "level_2", "level_3"].contains(&r.cbp_level.as_str()));
            assert!((1..=3).contains(&r.corridors.len()));
            let receiving = !home.is_origin();
            for c in &r.corridors {
                assert!(is_country(&c.origin) && is_country(&c.destination));
                assert_ne!(c.origin, c.destination);
                assert!(country(&c.origin).destinations.contains(&c.destination.as_str()));
                let own_end = if receiving { &c.destination } else { &c.origin };
                assert_eq!(own_end, &r.country, "corridors start (or end) at home");
            }
            let website = r.website.as_deref().expect("a website");
            let host = website_host(website);
            assert_eq!(website, format!("https://www.{host}"));
            assert!(host.ends_with(home.tld));
            let email = r.email.as_deref().expect("an email");
            assert!(email.ends_with(&format!("@{host}")));
            assert!(["info@", "office@", "contact@"].iter().any(|p| email.starts_with(p)));
            let phone = r.phone.as_deref().expect("a phone");
            assert!(
                phone.starts_with('+') && !phone.contains('#') && !phone.contains('{'),
                "{phone}"
            );
            assert!(
                r.city
                    .as_deref()
                    .is_some_and(|c| home.cities.iter().any(|x| x.name == c))
            );
            let description = r.description.as_deref().expect("a description");
            assert!(description.ends_with('.') && description.len() > 40, "{description}");
            assert!((1..=2).contains(&r.licences.len()));
            for l in &r.licences {
                assert_eq!(l.country, r.country);
                assert_eq!(l.issuing_authority, home.authority);
                assert!(["valid", "suspended", "revoked", "expired"].contains(&l.status.as_str()));
                assert!(l.valid_until >= l.valid_from);
                if l.status == "valid" {
                    assert!(l.valid_until.expect("an end") > history_end());
                }
            }
            for p in &r.partners {
                let partner = by_id[p.as_str()];
                assert_ne!(
                    country(&partner.country).is_origin(),
                    home.is_origin(),
                    "a partner is at the other end"
                );
                assert!(
                    partner.corridors.iter().any(|c| r.corridors.contains(c)),
                    "partners share a corridor"
                );
            }
        }

        // Public identifiers and names are unique, compared case- and space-insensitively.
        assert_unique("slug", recruiters.iter().map(|r| r.slug.as_str()));
        assert_unique(
            "name",
            recruiters.iter().flat_map(|r| {
                std::iter::once(r.legal_name.as_str())
                    .chain(r.trading_names.iter().map(String::as_str))
                    .chain(r.former_names.iter().map(String::as_str))
            }),
        );
        let certs = certifications(records);
        assert_unique(
            "certificate number",
            certs.iter().map(|c| c.certificate_number.as_str()),
        );
        let rights = rights(records);
        assert_unique(
            "licence number",
            recruiters
                .iter()
                .flat_map(|r| r.licences.iter().map(|l| l.licence_number.as_str()))
                .chain(rights.iter().map(|t| t.licence_number.as_str())),
        );

        // Certification histories follow the lifecycle.
        for c in &certs {
            let r = by_id[c.recruiter.as_str()];
            assert_eq!(c.scheme, SCHEME);
            let body = c.certification_body.as_deref().expect("a body");
            assert!(CERTIFICATION_BODIES.contains(&body));
            assert!(c.certificate_number.starts_with(&format!("ERS-{}-", r.country)));
            let history = &c.status_history;
            assert_eq!(history[0].from, None);
            assert_eq!(history[0].to, "applicant");
            for pair in history.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                assert_eq!(
                    b.from.as_deref(),
                    Some(a.to.as_str()),
                    "{}: from follows to",
                    c.external_id
                );
                assert!(
                    TRANSITIONS.contains(&(a.to.as_str(), b.to.as_str())),
                    "{}: {} -> {}",
                    c.external_id,
                    a.to,
                    b.to
                );
                assert!(b.at > a.at, "{}: times increase", c.external_id);
            }
            for h in history {
                assert!(REASONS.contains(&h.reason.as_str()), "{}", h.reason);
                assert!(h.recorded_by == SECRETARIAT || h.recorded_by == body);
                let day = h.at.date_naive();
                assert!(
                    day >= history_start() && day <= history_end(),
                    "{}: {day}",
                    c.external_id
                );
            }
            assert_eq!(c.status, history.last().expect("entries").to);
            assert!(STATUSES.contains(&c.status.as_str()));
            let expected_issue = issued_on(history);
            assert_eq!(c.issued_on, expected_issue);
            assert_eq!(
                c.expires_on,
                expected_issue.map(|d| add_years(d, 3) - Duration::days(1))
            );
            if history.iter().all(|h| h.to != "certified") {
                assert_eq!(c.issued_on, None);
            }
            if c.status == "expired" {
                assert!(c.expires_on.expect("expired after a certification") < history_end());
            }
            assert!(!c.scope_corridors.is_empty() && c.scope_corridors.iter().all(|x| r.corridors.contains(x)));
            assert!(!c.scope_sectors.is_empty() && c.scope_sectors.iter().all(|x| r.sectors.contains(x)));
        }

        // Trademark rights belong to certified (or suspended / withdrawn) recruiters.
        let latest: HashMap<&str, &CertificationRecord> = certs.iter().map(|c| (c.recruiter.as_str(), *c)).collect();
        for t in &rights {
            let r = by_id[t.recruiter.as_str()];
            let c = latest[t.recruiter.as_str()];
            assert_eq!(t.mark, MARK);
            assert!(t.licence_number.starts_with(&format!("TM-{}-", r.country)));
            assert_eq!(t.domains, vec![website_host(r.website.as_deref().expect("a website"))]);
            assert!(
                t.domains
                    .iter()
                    .all(|d| !d.starts_with("www.") && d.to_lowercase() == *d)
            );
            assert!(t.media.contains(&"website".to_string()));
            assert!(
                t.media
                    .iter()
                    .all(|m| ["website", "print", "social_media", "signage"].contains(&m.as_str()))
            );
            assert!(t.granted_on > c.issued_on.expect("issued"));
            assert_eq!(t.expires_on, c.expires_on);
            let expected = match c.status.as_str() {
                "certified" => "active",
                "suspended" => "suspended",
                "withdrawn" => "revoked",
                other => panic!("a right for a {other} certification"),
            };
            assert_eq!(t.status, expected);
        }
    }

    #[test]
    fn sample_is_deterministic() {
        let again = sample_directory();
        assert_eq!(sample(), again.as_slice());
        let lines = |records: &[Record]| -> Vec<String> {
            records
                .iter()
                .map(|r| serde_json::to_string(r).expect("serialisable"))
                .collect()
        };
        assert_eq!(lines(sample()), lines(&again));
        assert_eq!(generated_directory(500, 7), generated_directory(500, 7));
        assert_ne!(generated_directory(500, 7), generated_directory(500, 8));
    }

    #[test]
    fn sample_follows_every_rule() {
        check_core(sample());
    }

    #[test]
    fn sample_has_the_expected_shape() {
        let records = sample();
        let recruiters = recruiters(records);
        assert!(recruiters.len() >= 200, "{} recruiters", recruiters.len());
        let origins: BTreeSet<&str> = recruiters
            .iter()
            .flat_map(|r| r.corridors.iter().map(|c| c.origin.as_str()))
            .collect();
        let destinations: BTreeSet<&str> = recruiters
            .iter()
            .flat_map(|r| r.corridors.iter().map(|c| c.destination.as_str()))
            .collect();
        assert!(origins.len() >= 12, "{origins:?}");
        assert!(destinations.len() >= 12, "{destinations:?}");
        let receiving = recruiters.iter().filter(|r| !country(&r.country).is_origin()).count();
        assert!((30..=75).contains(&receiving), "{receiving} receiving agencies");
        let with_partners = recruiters.iter().filter(|r| !r.partners.is_empty()).count();
        assert!(with_partners >= 40, "{with_partners} recruiters with partners");
        let former = recruiters.iter().filter(|r| !r.former_names.is_empty()).count();
        assert!((4..=25).contains(&former), "{former} recruiters with former names");
        let levels: BTreeSet<&str> = recruiters.iter().map(|r| r.cbp_level.as_str()).collect();
        assert_eq!(levels.len(), 5);
        let licence_statuses: BTreeSet<&str> = recruiters
            .iter()
            .flat_map(|r| r.licences.iter().map(|l| l.status.as_str()))
            .collect();
        assert_eq!(licence_statuses.len(), 4);
    }

    #[test]
    fn sample_names_use_many_scripts() {
        let recruiters = recruiters(sample());
        let mut scripts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &recruiters {
            *scripts.entry(name_script(&r.legal_name)).or_default() += 1;
        }
        let non_latin = recruiters.len() - scripts.get("Latin").copied().unwrap_or(0);
        assert!(scripts.len() >= 6, "{scripts:?}");
        assert!(non_latin * 10 >= recruiters.len() * 3, "{scripts:?}");
        // Non-Latin legal names come with a Latin trading name.
        for r in recruiters.iter().filter(|r| name_script(&r.legal_name) != "Latin") {
            assert!(
                r.trading_names.iter().any(|t| name_script(t) == "Latin"),
                "{}",
                r.legal_name
            );
        }
        let accented = recruiters
            .iter()
            .filter(|r| r.legal_name.chars().any(|c| ('\u{C0}'..='\u{1EFF}').contains(&c)))
            .count();
        assert!(accented >= 10, "{accented} Latin names with accents");
    }

    #[test]
    fn sample_certifications_cover_every_status() {
        let records = sample();
        let certs = certifications(records);
        let recruiters = recruiters(records);
        let certified_recruiters: BTreeSet<&str> = certs.iter().map(|c| c.recruiter.as_str()).collect();
        let share = certified_recruiters.len() as f64 / recruiters.len() as f64;
        assert!((0.65..=0.85).contains(&share), "{share}");
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &certs {
            *by_status.entry(c.status.as_str()).or_default() += 1;
        }
        for status in STATUSES {
            assert!(
                by_status.contains_key(status),
                "no {status} certification: {by_status:?}"
            );
        }
        assert!(by_status["certified"] * 2 > certs.len(), "{by_status:?}");
        let transitions: BTreeSet<(&str, &str)> = certs
            .iter()
            .flat_map(|c| {
                c.status_history
                    .windows(2)
                    .map(|w| (w[0].to.as_str(), w[1].to.as_str()))
            })
            .collect();
        assert_eq!(
            transitions.len(),
            TRANSITIONS.len(),
            "every transition appears: {transitions:?}"
        );
        let stale = certs
            .iter()
            .filter(|c| c.status == "certified" && c.expires_on.is_some_and(|d| d < ymd(2026, 1, 1)))
            .count();
        assert!((1..=6).contains(&stale), "{stale} stale certificates");
        let current = certs.iter().filter(|c| c.status == "certified").count();
        let lasting = certs
            .iter()
            .filter(|c| c.status == "certified" && c.expires_on.is_some_and(|d| d > ymd(2027, 6, 1)))
            .count();
        assert!(
            lasting * 10 >= current * 8,
            "{lasting} of {current} certified stay valid past 2027-06-01"
        );
        let twice = certs.len() - certified_recruiters.len();
        assert!(twice >= 2, "a few recruiters certified twice");
        assert!(!rights(records).is_empty());
    }

    #[test]
    fn sample_fixed_sets_are_complete() {
        let records = sample();
        let served: HashSet<&CorridorRecord> = recruiters(records).iter().flat_map(|r| r.corridors.iter()).collect();
        let organisations: Vec<&OrganisationRecord> = records
            .iter()
            .filter_map(|r| if let Record::Organisation(x) = r { Some(x) } else { None })
            .collect();
        assert!((45..=60).contains(&organisations.len()));
        assert_unique("organisation", organisations.iter().map(|o| o.name.as_str()));
        let kinds: BTreeSet<&str> = organisations.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(
            kinds,
            BTreeSet::from(["brand", "employer", "industry_association", "supplier"])
        );
        for o in &organisations {
            assert!(is_country(&o.country));
            assert!(o.sector.as_deref().is_some_and(|s| SECTORS.contains(&s)));
        }
        let websites: HashMap<&str, &str> = organisations
            .iter()
            .map(|o| (o.external_id.as_str(), o.website.as_deref().expect("a website")))
            .collect();

        let commitments = commitments(records);
        assert!((60..=80).contains(&commitments.len()));
        for c in &commitments {
            assert!(["own_operations", "direct_suppliers", "whole_supply_chain"].contains(&c.scope.as_str()));
            assert!(["active", "lapsed", "withdrawn"].contains(&c.status.as_str()));
            assert!(c.sectors.iter().all(|s| SECTORS.contains(&s.as_str())));
            assert!(
                !c.corridors.is_empty() && c.corridors.iter().all(|x| served.contains(x)),
                "{:?}",
                c.corridors
            );
            assert!(c.made_on >= ymd(2016, 1, 1) && c.made_on <= history_end());
            let url = c.statement_url.as_deref().expect("a statement");
            assert!(url.starts_with(&format!("{}/", websites[c.organisation.as_str()])));
        }
        assert!(commitments.iter().filter(|c| c.status == "active").count() * 2 > commitments.len());

        let providers: Vec<&TrainingProviderRecord> = records
            .iter()
            .filter_map(|r| {
                if let Record::TrainingProvider(x) = r {
                    Some(x)
                } else {
                    None
                }
            })
            .collect();
        let provider_kinds: BTreeSet<&str> = providers.iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(provider_kinds, PROVIDER_KINDS.iter().copied().collect());
        assert_unique("provider", providers.iter().map(|p| p.name.as_str()));
        for p in &providers {
            assert!(p.countries.iter().all(|c| is_country(c)) && p.languages.iter().all(|l| is_language(l)));
        }

        let listings = listings(records);
        assert!((80..=100).contains(&listings.len()));
        let programmes: BTreeSet<&str> = listings.iter().map(|l| l.programme.as_str()).collect();
        assert_eq!(programmes, PROGRAMME_CODES.iter().copied().collect());
        for l in &listings {
            assert!(AUDIENCES.contains(&l.audience.as_str()));
            assert!(["online", "in_person", "blended"].contains(&l.delivery.as_str()));
            assert!(l.country.as_deref().is_none_or(is_country));
            assert!(
                l.country.is_some() || l.delivery == "online",
                "only online listings have no country"
            );
            assert!(!l.languages.is_empty() && l.languages.iter().all(|x| is_language(x)));
            let (starts, ends) = (l.starts_on.expect("a start"), l.ends_on.expect("an end"));
            assert!(ends >= starts && starts.year() >= 2026 && ends.year() <= 2027);
            if l.programme == "social_auditor_course" {
                assert_eq!(ends - starts, Duration::days(4), "five days");
            }
            if let Some(fee) = &l.fee {
                let (units, cents) = fee.amount.split_once('.').expect("a decimal");
                assert!(units.parse::<u64>().is_ok_and(|u| u > 0) && cents.len() == 2);
                assert!(fee.currency.len() == 3 && fee.currency.bytes().all(|b| b.is_ascii_uppercase()));
            }
            assert!(l.registration_url.as_deref().is_some_and(|u| u.starts_with("https://")));
            let country_code = l.country.as_deref().unwrap_or_default();
            match l.programme.as_str() {
                "pre_departure_orientation" => {
                    assert!(served.iter().any(|c| c.origin == country_code), "{}", l.title)
                }
                "post_arrival_orientation" => {
                    assert!(served.iter().any(|c| c.destination == country_code), "{}", l.title)
                }
                _ => {}
            }
        }
        assert!(listings.iter().any(|l| l.fee.is_none()) && listings.iter().any(|l| l.fee.is_some()));
    }

    #[test]
    fn the_sample_looks_the_same_whenever_it_is_loaded() {
        // Certified on the day the sample was taken, and on the day it is loaded years later.
        let certified_on = |records: &[Record], day: NaiveDate| {
            records
                .iter()
                .filter(|record| {
                    matches!(record, Record::Certification(c)
                        if c.status == "certified" && c.expires_on.is_some_and(|until| until >= day))
                })
                .count()
        };
        let taken = sample_directory();
        let later_day = taken_on() + Duration::days(5 * 365 + 17);
        let later = sample_directory_on(later_day);
        let certified = certified_on(&taken, taken_on());
        assert!(certified > 50, "{certified}");
        assert_eq!(certified_on(&later, later_day), certified);
        assert_eq!(
            certified_on(&taken, later_day),
            0,
            "without the shift, the sample would have aged"
        );
        assert_eq!(
            sample_directory_on(taken_on()),
            taken,
            "loaded on the day it was taken, nothing moves"
        );
    }

    #[test]
    fn slugs_and_hosts_are_ascii() {
        assert_eq!(slugify("Peñafrancia Manpower"), "penafrancia-manpower");
        assert_eq!(slugify("Süd Fachkräfte GmbH & Co. KG"), "sud-fachkrafte-gmbh-co-kg");
        assert_eq!(slugify("Pag-asa Global Staffing"), "pag-asa-global-staffing");
        assert_eq!(website_host("https://www.example.com.np"), "example.com.np");
        assert_eq!(serial_id("rec-", 42, 7), "rec-0000042");
        assert_eq!(english_list(["a", "b", "c"].into_iter()), "a, b and c");
    }

    #[test]
    fn large_directory_is_valid_and_unique() {
        let records = large();
        let recruiters = recruiters(records);
        assert_eq!(recruiters.len(), 100_000);
        let slugs: HashSet<&str> = recruiters.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(slugs.len(), 100_000);
        check_core(records);
    }
}
