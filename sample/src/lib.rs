//! A deterministic, realistic sample directory, expressed as interchange records.
//!
//! The directory starts with data so that every page, filter and script has something real to
//! show, and the same generator at scale feeds the benchmarks. Everything is drawn from a seeded
//! ChaCha8 stream and fixed tables (never the clock, never a hash-map iteration order), so the
//! output is byte-identical on every run and platform. The records obey the import rules of
//! `shared/spec/interchange.md` because they go through the same validator as any bulk import:
//! references only point backwards, quoted identifiers are unique case- and space-insensitively,
//! and every certification history follows the lifecycle of `shared/spec/domain.md`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

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
            Record::Organisation(_) | Record::TrainingProvider(_) => {}
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

/// Certification bodies that audit against the standard (invented names).
const CERTIFICATION_BODIES: &[&str] = &[
    "Sentinel Certification Ltd.",
    "Northstar Assurance Pte. Ltd.",
    "Equitas Audit Services S.A.",
    "Crescent Compliance Certification LLC",
    "Kestrel Social Assurance GmbH",
    "Lotus Verification Co., Ltd.",
];

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
#[derive(Clone, Copy)]
enum Order {
    /// "Golden Himalayan Overseas Manpower"
    Pmc,
    /// "ធនធានមនុស្ស អន្តរជាតិ អង្គរ ថ្មី" (core, modifier, place, adjective: Khmer, Lao, Vietnamese)
    Cmp,
    /// "สยาม แรงงาน สากล" (place, adjective, core, modifier: Thai, French, German)
    Pcm,
}

/// A legal form: English suffix, and the words before and after the name in the own language.
struct Entity {
    latin: &'static str,
    before: &'static str,
    after: &'static str,
    /// Only used without a modifier (Arabic "مكتب" is masculine, the modifiers are feminine).
    plain_only: bool,
}

const fn ent(latin: &'static str, before: &'static str, after: &'static str) -> Entity {
    Entity {
        latin,
        before,
        after,
        plain_only: false,
    }
}

struct Style {
    /// Share of agencies registered under the own-language name (the rest register the English one).
    native_share: f64,
    /// Share of agencies that also publish the English name as a trading name when it differs.
    trading_share: f64,
    adjective_share: f64,
    adjectives: &'static [W],
    places: &'static [W],
    modifier_share: f64,
    modifiers: &'static [W],
    cores: &'static [W],
    entities: &'static [Entity],
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

const BASE_STYLE: Style = Style {
    native_share: 1.0,
    trading_share: 1.0,
    adjective_share: 0.3,
    adjectives: &[],
    places: &[],
    modifier_share: 0.6,
    modifiers: &[],
    cores: &[],
    entities: &[],
    order: Order::Pmc,
    latin_order: Order::Pmc,
    joiner: " ",
    entity_gap: " ",
};

const NEPALI: Style = Style {
    native_share: 0.6,
    adjectives: &[
        ("New", "न्यू"),
        ("Royal", "रोयल"),
        ("Golden", "गोल्डेन"),
        ("Shree", "श्री"),
        ("Grand", "ग्राण्ड"),
        ("Great", "ग्रेट"),
    ],
    places: &[
        ("Himalayan", "हिमालयन"),
        ("Everest", "एभरेष्ट"),
        ("Annapurna", "अन्नपूर्ण"),
        ("Sagarmatha", "सगरमाथा"),
        ("Gorkha", "गोरखा"),
        ("Lumbini", "लुम्बिनी"),
        ("Sunkoshi", "सुनकोशी"),
        ("Makalu", "मकालु"),
        ("Dhaulagiri", "धौलागिरी"),
        ("Manaslu", "मनास्लु"),
        ("Kanchenjunga", "कञ्चनजङ्घा"),
        ("Pashupati", "पशुपति"),
        ("Bagmati", "बागमती"),
        ("Koshi", "कोशी"),
        ("Gandaki", "गण्डकी"),
        ("Karnali", "कर्णाली"),
        ("Mechi", "मेची"),
        ("Trishuli", "त्रिशूली"),
        ("Rara", "रारा"),
        ("Phewa", "फेवा"),
        ("Shikhar", "शिखर"),
        ("Suryodaya", "सूर्योदय"),
        ("Naya Bihani", "नयाँ बिहानी"),
        ("Samriddhi", "समृद्धि"),
        ("Shubhayatra", "शुभयात्रा"),
        ("Machhapuchchhre", "माछापुच्छ्रे"),
        ("Ganesh Himal", "गणेश हिमाल"),
        ("Langtang", "लाङटाङ"),
        ("Nilgiri", "नीलगिरी"),
        ("Mustang", "मुस्ताङ"),
    ],
    modifiers: &[
        ("Overseas", "ओभरसिज"),
        ("International", "इन्टरनेशनल"),
        ("Global", "ग्लोबल"),
        ("Gulf", "गल्फ"),
        ("Asia", "एसिया"),
    ],
    cores: &[
        ("Manpower", "म्यानपावर"),
        ("Manpower Services", "म्यानपावर सर्भिसेस"),
        ("Human Resources", "ह्युमन रिसोर्स"),
        ("Employment Services", "इम्प्लोयमेन्ट सर्भिसेस"),
        ("Recruitment", "रिक्रुटमेन्ट"),
        ("Placement Services", "प्लेसमेन्ट सर्भिसेस"),
        ("HR Solutions", "एचआर सोलुसन्स"),
        ("Job Consultancy", "जब कन्सल्टेन्सी"),
        ("Manpower Consultancy", "म्यानपावर कन्सल्टेन्सी"),
    ],
    entities: &[
        ent("Pvt. Ltd.", "", "प्रा. लि."),
        ent("Private Limited", "", "प्राइभेट लिमिटेड"),
    ],
    ..BASE_STYLE
};

const HINDI: Style = Style {
    native_share: 0.4,
    adjectives: &[
        ("New", "न्यू"),
        ("Royal", "रॉयल"),
        ("Golden", "गोल्डन"),
        ("Grand", "ग्रैंड"),
        ("Perfect", "परफेक्ट"),
    ],
    places: &[
        ("Shree Balaji", "श्री बालाजी"),
        ("Sai Kripa", "साई कृपा"),
        ("Ganga", "गंगा"),
        ("Yamuna", "यमुना"),
        ("Kaveri", "कावेरी"),
        ("Narmada", "नर्मदा"),
        ("Bharat", "भारत"),
        ("Hindustan", "हिंदुस्तान"),
        ("Vishwas", "विश्वास"),
        ("Lakshmi", "लक्ष्मी"),
        ("Shakti", "शक्ति"),
        ("Suraj", "सूरज"),
        ("Pragati", "प्रगति"),
        ("Navjeevan", "नवजीवन"),
        ("Sagar", "सागर"),
        ("Himgiri", "हिमगिरि"),
        ("Saraswati", "सरस्वती"),
        ("Arihant", "अरिहंत"),
        ("Siddhivinayak", "सिद्धिविनायक"),
        ("Ashoka", "अशोका"),
        ("Kailash", "कैलाश"),
        ("Indus", "इंडस"),
        ("Deccan", "दक्कन"),
        ("Malabar", "मालाबार"),
        ("Konkan", "कोंकण"),
        ("Tirupati", "तिरुपति"),
        ("Amrit", "अमृत"),
        ("Vindhya", "विंध्य"),
    ],
    modifiers: &[
        ("Overseas", "ओवरसीज़"),
        ("International", "इंटरनेशनल"),
        ("Global", "ग्लोबल"),
        ("Gulf", "गल्फ"),
    ],
    cores: &[
        ("Manpower Consultants", "मैनपावर कंसल्टेंट्स"),
        ("Placement Services", "प्लेसमेंट सर्विसेज"),
        ("Recruiting Agency", "रिक्रूटिंग एजेंसी"),
        ("Manpower Services", "मैनपावर सर्विसेज"),
        ("HR Consultants", "एचआर कंसल्टेंट्स"),
        ("Associates", "एसोसिएट्स"),
        ("Enterprises", "एंटरप्राइजेज"),
        ("Career Services", "करियर सर्विसेज"),
    ],
    entities: &[
        ent("Pvt. Ltd.", "", "प्रा. लि."),
        ent("Private Limited", "", "प्राइवेट लिमिटेड"),
    ],
    ..BASE_STYLE
};

const BENGALI: Style = Style {
    native_share: 0.6,
    adjectives: &[
        ("New", "নিউ"),
        ("Royal", "রয়েল"),
        ("Golden", "গোল্ডেন"),
        ("Grand", "গ্র্যান্ড"),
    ],
    places: &[
        ("Dhaka", "ঢাকা"),
        ("Chattogram", "চট্টগ্রাম"),
        ("Padma", "পদ্মা"),
        ("Meghna", "মেঘনা"),
        ("Jamuna", "যমুনা"),
        ("Sonar Bangla", "সোনার বাংলা"),
        ("Bangla", "বাংলা"),
        ("Sundarban", "সুন্দরবন"),
        ("Rupsha", "রূপসা"),
        ("Karnaphuli", "কর্ণফুলী"),
        ("Surma", "সুরমা"),
        ("Teesta", "তিস্তা"),
        ("Shapla", "শাপলা"),
        ("Doel", "দোয়েল"),
        ("Al-Amin", "আল-আমিন"),
        ("Al-Madina", "আল-মদিনা"),
        ("Bismillah", "বিসমিল্লাহ"),
        ("Rahmania", "রহমানিয়া"),
        ("Noor", "নূর"),
        ("Shah Jalal", "শাহজালাল"),
        ("Rupali", "রূপালী"),
        ("Sonali", "সোনালী"),
        ("Ekushey", "একুশে"),
        ("Lal Sabuj", "লাল সবুজ"),
        ("Nabil", "নাবিল"),
        ("Mohona", "মোহনা"),
        ("Bonolota", "বনলতা"),
        ("Dhansiri", "ধানসিঁড়ি"),
        ("Kushiara", "কুশিয়ারা"),
        ("Madhumati", "মধুমতি"),
    ],
    modifiers: &[
        ("Overseas", "ওভারসীজ"),
        ("International", "ইন্টারন্যাশনাল"),
        ("Gulf", "গালফ"),
        ("Global", "গ্লোবাল"),
    ],
    cores: &[
        ("Recruiting Agency", "রিক্রুটিং এজেন্সি"),
        ("Manpower", "ম্যানপাওয়ার"),
        ("Manpower Services", "ম্যানপাওয়ার সার্ভিসেস"),
        ("Human Resources", "হিউম্যান রিসোর্সেস"),
        ("Employment Services", "এমপ্লয়মেন্ট সার্ভিসেস"),
        ("Job Centre", "জব সেন্টার"),
    ],
    entities: &[ent("", "", ""), ent("Ltd.", "", "লিমিটেড")],
    ..BASE_STYLE
};

const URDU: Style = Style {
    native_share: 0.5,
    adjectives: &[("New", "نیو"), ("Royal", "رائل"), ("Golden", "گولڈن")],
    places: &[
        ("Al-Khair", "الخیر"),
        ("Al-Noor", "النور"),
        ("Pak", "پاک"),
        ("Indus", "انڈس"),
        ("Ravi", "راوی"),
        ("Chenab", "چناب"),
        ("Jhelum", "جہلم"),
        ("Margalla", "مارگلہ"),
        ("Khyber", "خیبر"),
        ("Quaid", "قائد"),
        ("Shaheen", "شاہین"),
        ("Iqbal", "اقبال"),
        ("Mehran", "مہران"),
        ("Al-Madina", "المدینہ"),
        ("Al-Rehman", "الرحمٰن"),
        ("Hilal", "ہلال"),
        ("Karakoram", "قراقرم"),
        ("Bolan", "بولان"),
        ("Kohinoor", "کوہ نور"),
        ("Zamzam", "زمزم"),
        ("Al-Falah", "الفلاح"),
        ("Sitara", "ستارہ"),
        ("Sarhad", "سرحد"),
        ("Taj", "تاج"),
    ],
    modifiers: &[
        ("Overseas", "اوورسیز"),
        ("International", "انٹرنیشنل"),
        ("Gulf", "گلف"),
        ("Global", "گلوبل"),
    ],
    cores: &[
        ("Employment Promoters", "ایمپلائمنٹ پروموٹرز"),
        ("Manpower Services", "مین پاور سروسز"),
        ("Recruiting Agency", "ریکروٹنگ ایجنسی"),
        ("Human Resources", "ہیومن ریسورسز"),
        ("Trade Links", "ٹریڈ لنکس"),
        ("Enterprises", "انٹرپرائزز"),
    ],
    entities: &[ent("", "", ""), ent("Pvt. Ltd.", "", "پرائیویٹ لمیٹڈ")],
    ..BASE_STYLE
};

const SINHALA: Style = Style {
    native_share: 0.5,
    adjectives: &[("New", "නිව්"), ("Royal", "රෝයල්"), ("Golden", "ගෝල්ඩන්")],
    places: &[
        ("Lanka", "ලංකා"),
        ("Ceylon", "සිලෝන්"),
        ("Serendib", "සෙරන්ඩිබ්"),
        ("Ruhuna", "රුහුණ"),
        ("Kelani", "කැළණි"),
        ("Mahaweli", "මහවැලි"),
        ("Sigiri", "සීගිරි"),
        ("Lak Mini", "ලක් මිණි"),
        ("Anuradha", "අනුරාධ"),
        ("Lotus", "ලෝටස්"),
        ("Sapphire", "සැෆයර්"),
        ("Araliya", "අරලිය"),
        ("Nelum", "නෙළුම්"),
        ("Sandun", "සඳුන්"),
        ("Kalyani", "කල්‍යාණි"),
        ("Udaya", "උදය"),
        ("Sampath", "සම්පත්"),
        ("Ruwan", "රුවන්"),
        ("Tharu", "තරු"),
        ("Rajarata", "රජරට"),
        ("Dambadiva", "දඹදිව"),
        ("Sri Pada", "ශ්‍රී පාද"),
    ],
    modifiers: &[
        ("Overseas", "ඕවර්සීස්"),
        ("International", "ඉන්ටර්නැෂනල්"),
        ("Global", "ග්ලෝබල්"),
    ],
    cores: &[
        ("Manpower", "මෑන්පවර්"),
        ("Employment Agency", "එම්ප්ලොයිමන්ට් ඒජන්සි"),
        ("Foreign Employment Agency", "විදේශ රැකියා ඒජන්සිය"),
        ("Recruitment", "රික්රූට්මන්ට්"),
        ("Human Resources", "හියුමන් රිසෝසස්"),
        ("Job Placements", "ජොබ් ප්ලේස්මන්ට්ස්"),
    ],
    entities: &[ent("(Pvt) Ltd", "", "(පෞද්ගලික) සමාගම")],
    ..BASE_STYLE
};

const BURMESE: Style = Style {
    native_share: 0.8,
    adjectives: &[("Maha", "မဟာ"), ("New", "နယူး")],
    places: &[
        ("Shwe Myanmar", "ရွှေမြန်မာ"),
        ("Ayeyarwady", "ဧရာဝတီ"),
        ("Bagan", "ပုဂံ"),
        ("Yadanar", "ရတနာ"),
        ("Thanlwin", "သံလွင်"),
        ("Chindwin", "ချင်းတွင်း"),
        ("Myat", "မြတ်"),
        ("Aung", "အောင်"),
        ("Zeyar", "ဇေယျာ"),
        ("Thiri", "သီရိ"),
        ("Padauk", "ပိတောက်"),
        ("Kanbawza", "ကမ္ဘောဇ"),
        ("Mya", "မြ"),
        ("Ngwe", "ငွေ"),
        ("Shwe Bo", "ရွှေဘို"),
        ("Sein", "စိန်"),
        ("Shwe Taung", "ရွှေတောင်"),
        ("Hninsi", "နှင်းဆီ"),
        ("Thukha", "သုခ"),
        ("Mingalar", "မင်္ဂလာ"),
        ("Shwe Pyi", "ရွှေပြည်"),
        ("Myitta", "မေတ္တာ"),
    ],
    modifiers: &[("International", "နိုင်ငံတကာ"), ("Overseas", "ပြည်ပ")],
    cores: &[
        ("Employment Agency", "အလုပ်အကိုင်ရှာဖွေရေး"),
        ("Human Resources", "လူ့စွမ်းအား"),
        ("Job Services", "အလုပ်အကိုင်ဝန်ဆောင်မှု"),
        ("Manpower Services", "လုပ်သားဝန်ဆောင်မှု"),
        ("Recruitment", "ဝန်ထမ်းခေါ်ယူရေး"),
    ],
    entities: &[ent("Co., Ltd.", "", "ကုမ္ပဏီ လီမိတက်"), ent("Company", "", "ကုမ္ပဏီ")],
    ..BASE_STYLE
};

const KHMER: Style = Style {
    native_share: 0.8,
    adjectives: &[("New", "ថ្មី"), ("Golden", "មាស")],
    places: &[
        ("Angkor", "អង្គរ"),
        ("Mekong", "មេគង្គ"),
        ("Bayon", "បាយ័ន"),
        ("Tonle Sap", "ទន្លេសាប"),
        ("Preah Vihear", "ព្រះវិហារ"),
        ("Kampuchea", "កម្ពុជា"),
        ("Sovann", "សុវណ្ណ"),
        ("Phnom Kulen", "ភ្នំគូលែន"),
        ("Reaksmey", "រស្មី"),
        ("Sokha", "សុខា"),
        ("Chenla", "ចេនឡា"),
        ("Apsara", "អប្សរា"),
        ("Rumduol", "រំដួល"),
        ("Seila", "សីលា"),
        ("Bopha", "បុប្ផា"),
        ("Koh Kong", "កោះកុង"),
        ("Vimean", "វិមាន"),
        ("Tep Monorom", "ទេពមនោរម្យ"),
        ("Bokor", "បូកគោ"),
        ("Mondulkiri", "មណ្ឌលគិរី"),
    ],
    modifiers: &[("International", "អន្តរជាតិ"), ("Overseas", "ក្រៅប្រទេស")],
    cores: &[
        ("Human Resources", "ធនធានមនុស្ស"),
        ("Manpower", "កម្លាំងពលកម្ម"),
        ("Recruitment", "ជ្រើសរើសបុគ្គលិក"),
        ("Employment Services", "សេវាការងារ"),
        ("Labour Supply", "ផ្គត់ផ្គង់ពលករ"),
    ],
    entities: &[ent("Co., Ltd.", "ក្រុមហ៊ុន", ""), ent("Co., Ltd.", "ក្រុមហ៊ុន", "ឯ.ក")],
    order: Order::Cmp,
    ..BASE_STYLE
};

const LAO: Style = Style {
    native_share: 0.8,
    adjectives: &[("New", "ໃໝ່"), ("Golden", "ຄຳ")],
    places: &[
        ("Lane Xang", "ລ້ານຊ້າງ"),
        ("Mekong", "ແມ່ຂອງ"),
        ("Champa", "ຈຳປາ"),
        ("Savan", "ສະຫວັນ"),
        ("Dok Champa", "ດອກຈຳປາ"),
        ("Phou Bia", "ພູເບ້ຍ"),
        ("Sisavang", "ສີສະຫວ່າງ"),
        ("Keo", "ແກ້ວ"),
        ("Sengdao", "ແສງດາວ"),
        ("Souksavanh", "ສຸກສະຫວັນ"),
        ("Thongkham", "ທອງຄຳ"),
        ("Phonsavan", "ໂພນສະຫວັນ"),
        ("Nam Ngum", "ນ້ຳງືມ"),
        ("Sengsavang", "ແສງສະຫວ່າງ"),
    ],
    modifiers: &[("International", "ສາກົນ"), ("Overseas", "ຕ່າງປະເທດ")],
    cores: &[
        ("Labour Recruitment", "ຈັດຫາແຮງງານ"),
        ("Human Resources", "ຊັບພະຍາກອນມະນຸດ"),
        ("Employment Services", "ບໍລິການຈັດຫາງານ"),
        ("Manpower", "ກຳລັງແຮງງານ"),
    ],
    entities: &[
        ent("Co., Ltd.", "ບໍລິສັດ", "ຈຳກັດ"),
        ent("Sole Co., Ltd.", "ບໍລິສັດ", "ຈຳກັດຜູ້ດຽວ"),
    ],
    order: Order::Cmp,
    ..BASE_STYLE
};

/// French parts shared by the Cambodian and Lao agencies registered as a "Société".
const FRENCH_MODIFIERS: &[W] = &[
    ("International", "et d'Échanges Internationaux"),
    ("Overseas", "et de Services à l'Étranger"),
];
const FRENCH_CORES: &[W] = &[
    ("Recruitment", "de Recrutement"),
    ("Manpower", "de Main-d'Œuvre"),
    ("Placement Services", "de Placement"),
    ("Human Resources", "de Ressources Humaines"),
    ("Labour Services", "de Services du Travail"),
];
const FRENCH_ENTITIES: &[Entity] = &[
    ent("Co., Ltd.", "Société", ""),
    ent("Ltd.", "Compagnie", ""),
    ent("Co., Ltd.", "Société", "SARL"),
];

const FRENCH_KH: Style = Style {
    places: &[
        ("Angkor", "Angkor"),
        ("Mekong", "Mékong"),
        ("Tonle Sap", "Tonlé Sap"),
        ("Bassac", "Bassac"),
        ("Indochina", "Indochine"),
        ("Khmer Pearl", "Perle Khmère"),
        ("Kep", "Kep"),
        ("Kampuchea", "Kampuchéa"),
    ],
    modifiers: FRENCH_MODIFIERS,
    cores: FRENCH_CORES,
    entities: FRENCH_ENTITIES,
    order: Order::Pcm,
    ..BASE_STYLE
};

const FRENCH_LA: Style = Style {
    places: &[
        ("Lane Xang", "Lane Xang"),
        ("Champa", "Champa"),
        ("Mekong", "Mékong"),
        ("Indochina", "Indochine"),
        ("Plain of Jars", "Plaine des Jarres"),
        ("Bolovens", "Bolovens"),
        ("Wat Phou", "Vat Phou"),
        ("Khone", "Khône"),
    ],
    modifiers: FRENCH_MODIFIERS,
    cores: FRENCH_CORES,
    entities: FRENCH_ENTITIES,
    order: Order::Pcm,
    ..BASE_STYLE
};

const VIETNAMESE: Style = Style {
    places: &[
        ("Sao Mai", "Sao Mai"),
        ("Hong Ha", "Hồng Hà"),
        ("Thang Long", "Thăng Long"),
        ("Hoang Long", "Hoàng Long"),
        ("Song Da", "Sông Đà"),
        ("Phu Gia", "Phú Gia"),
        ("An Phat", "An Phát"),
        ("Minh Khang", "Minh Khang"),
        ("Tan Phat", "Tân Phát"),
        ("Dai Viet", "Đại Việt"),
        ("Lac Hong", "Lạc Hồng"),
        ("Hoa Binh", "Hòa Bình"),
        ("Truong Son", "Trường Sơn"),
        ("Thanh Cong", "Thành Công"),
        ("Phuong Nam", "Phương Nam"),
        ("Hung Vuong", "Hùng Vương"),
        ("Bach Dang", "Bạch Đằng"),
        ("Ha Long", "Hạ Long"),
        ("Kim Ngan", "Kim Ngân"),
        ("Tan Tien", "Tân Tiến"),
        ("Sai Gon", "Sài Gòn"),
        ("Me Kong", "Mê Kông"),
        ("Viet Nhat", "Việt Nhật"),
        ("Viet Han", "Việt Hàn"),
        ("Viet Duc", "Việt Đức"),
        ("Hoang Gia", "Hoàng Gia"),
        ("Phu Thinh", "Phú Thịnh"),
        ("Thien An", "Thiên An"),
        ("Binh Minh", "Bình Minh"),
        ("Hai Dang", "Hải Đăng"),
        ("Ngoc Lan", "Ngọc Lan"),
        ("Tri Viet", "Trí Việt"),
        ("Tam Phuc", "Tâm Phúc"),
        ("Vinh Hung", "Vĩnh Hưng"),
        ("Quang Minh", "Quang Minh"),
        ("Dong A", "Đông Á"),
        ("Nam Viet", "Nam Việt"),
        ("Hanh Phuc", "Hạnh Phúc"),
        ("Thai Son", "Thái Sơn"),
        ("Hoang Ha", "Hoàng Hà"),
    ],
    modifiers: &[("International", "Quốc tế"), ("Global", "Toàn cầu")],
    cores: &[
        ("Manpower", "Nhân lực"),
        ("Human Resources", "Nguồn Nhân lực"),
        ("Labour Supply", "Cung ứng Nhân lực"),
        ("Labour Export", "Xuất khẩu Lao động"),
        ("Labour Cooperation", "Hợp tác Lao động"),
        ("Manpower Development", "Phát triển Nhân lực"),
        ("Labour and Trade", "Lao động và Thương mại"),
        ("Education and Manpower", "Giáo dục và Nhân lực"),
        ("Overseas Employment", "Việc làm Ngoài nước"),
        ("Manpower Investment", "Đầu tư Nhân lực"),
    ],
    entities: &[
        ent("JSC", "Công ty Cổ phần", ""),
        ent("Co., Ltd.", "Công ty TNHH", ""),
        ent("One Member Co., Ltd.", "Công ty TNHH MTV", ""),
    ],
    order: Order::Cmp,
    ..BASE_STYLE
};

const AMHARIC: Style = Style {
    native_share: 0.5,
    adjective_share: 0.4,
    adjectives: &[("Ethio", "ኢትዮ"), ("Addis", "አዲስ")],
    places: &[
        ("Abay", "ዓባይ"),
        ("Selam", "ሰላም"),
        ("Tana", "ጣና"),
        ("Lalibela", "ላሊበላ"),
        ("Axum", "አክሱም"),
        ("Habesha", "ሐበሻ"),
        ("Entoto", "እንጦጦ"),
        ("Awash", "አዋሽ"),
        ("Fana", "ፋና"),
        ("Tsehay", "ፀሐይ"),
        ("Meskel", "መስቀል"),
        ("Gion", "ግዮን"),
        ("Dashen", "ዳሽን"),
        ("Yegna", "የኛ"),
        ("Sheba", "ሳባ"),
        ("Wegagen", "ወጋገን"),
        ("Nile", "ናይል"),
        ("Simien", "ስሜን"),
        ("Gondar", "ጎንደር"),
        ("Harar", "ሐረር"),
        ("Zemen", "ዘመን"),
        ("Birhan", "ብርሃን"),
        ("Bisrat", "ብሥራት"),
        ("Hiwot", "ሕይወት"),
    ],
    modifiers: &[("International", "ኢንተርናሽናል"), ("Overseas", "ኦቨርሲስ"), ("Global", "ግሎባል")],
    cores: &[
        ("Foreign Employment Agency", "የውጭ ሀገር ሥራ ስምሪት ኤጀንሲ"),
        ("Employment Agency", "ሥራ ስምሪት ኤጀንሲ"),
        ("Manpower Services", "የሰው ኃይል አገልግሎት"),
        ("Recruitment", "ምልመላ"),
        ("Job Placement", "የሥራ ምደባ"),
    ],
    entities: &[ent("PLC", "", "ኃ/የተ/የግ/ማ"), ent("", "", "")],
    ..BASE_STYLE
};

const ARABIC: Style = Style {
    native_share: 0.7,
    places: &[
        ("Al Khaleej", "الخليج"),
        ("Al Nokhba", "النخبة"),
        ("Al Saqr", "الصقر"),
        ("Al Reyada", "الريادة"),
        ("Al Amana", "الأمانة"),
        ("Al Baraka", "البركة"),
        ("Al Wafa", "الوفاء"),
        ("Al Noor", "النور"),
        ("Al Fajr", "الفجر"),
        ("Al Waha", "الواحة"),
        ("Al Jazeera", "الجزيرة"),
        ("Al Sahel", "الساحل"),
        ("Al Marjan", "المرجان"),
        ("Al Lulu", "اللؤلؤ"),
        ("Al Dana", "الدانة"),
        ("Al Yasmeen", "الياسمين"),
        ("Al Ameen", "الأمين"),
        ("Al Thiqa", "الثقة"),
        ("Al Itqan", "الإتقان"),
        ("Al Tamayuz", "التميز"),
        ("Al Manara", "المنارة"),
        ("Al Rawabi", "الروابي"),
        ("Al Bayan", "البيان"),
        ("Al Najah", "النجاح"),
        ("Al Safwa", "الصفوة"),
        ("Al Fursan", "الفرسان"),
        ("Al Shammari", "الشمري"),
        ("Al Otaibi", "العتيبي"),
        ("Al Mutairi", "المطيري"),
        ("Al Dosari", "الدوسري"),
        ("Al Qahtani", "القحطاني"),
        ("Al Harbi", "الحربي"),
        ("Al Ghamdi", "الغامدي"),
        ("Al Zahrani", "الزهراني"),
        ("Al Ansari", "الأنصاري"),
        ("Al Kuwari", "الكواري"),
        ("Al Marri", "المري"),
        ("Al Hajri", "الهاجري"),
        ("Al Kaabi", "الكعبي"),
        ("Al Mansoori", "المنصوري"),
        ("Al Balushi", "البلوشي"),
        ("Al Hinai", "الهنائي"),
        ("Al Sulaiti", "السليطي"),
        ("Al Rashidi", "الرشيدي"),
        ("Al Azmi", "العازمي"),
        ("Al Nuaimi", "النعيمي"),
    ],
    modifier_share: 0.4,
    modifiers: &[
        ("International", "الدولية"),
        ("United", "المتحدة"),
        ("Modern", "الحديثة"),
        ("Golden", "الذهبية"),
    ],
    cores: &[
        ("Recruitment", "للاستقدام"),
        ("Manpower Services", "لخدمات العمالة"),
        ("Manpower Supply", "لتوريد العمالة"),
        ("Recruitment Services", "لخدمات الاستقدام"),
        ("Employment Services", "لخدمات التوظيف"),
        ("Domestic Labour Recruitment", "لاستقدام العمالة المنزلية"),
        ("Manpower", "للقوى العاملة"),
        ("Human Resources", "للموارد البشرية"),
    ],
    entities: &[
        Entity {
            latin: "Office",
            before: "مكتب",
            after: "",
            plain_only: true,
        },
        ent("Company", "شركة", ""),
        ent("Establishment", "مؤسسة", ""),
        ent("W.L.L.", "شركة", "ذ.م.م"),
    ],
    ..BASE_STYLE
};

const THAI: Style = Style {
    native_share: 0.9,
    places: &[
        ("Siam", "สยาม"),
        ("Chao Phraya", "เจ้าพระยา"),
        ("Rattanakosin", "รัตนโกสินทร์"),
        ("Lanna", "ล้านนา"),
        ("Isan", "อีสาน"),
        ("Sukhothai", "สุโขทัย"),
        ("Ayutthaya", "อยุธยา"),
        ("Andaman", "อันดามัน"),
        ("Mae Khong", "แม่โขง"),
        ("Thai Charoen", "ไทยเจริญ"),
        ("Sap Charoen", "ทรัพย์เจริญ"),
        ("Rung Rueang", "รุ่งเรือง"),
        ("Mongkol", "มงคล"),
        ("Suwan", "สุวรรณ"),
        ("Chaiyo", "ไชโย"),
        ("Sombat", "สมบัติ"),
        ("Thong", "ทอง"),
        ("Pattana", "พัฒนา"),
        ("Samut", "สมุทร"),
        ("Nakhon", "นคร"),
        ("Kasem", "เกษม"),
        ("Wattana", "วัฒนา"),
        ("Siri", "ศิริ"),
        ("Prasert", "ประเสริฐ"),
    ],
    modifiers: &[("International", "สากล"), ("Inter", "อินเตอร์"), ("Global", "โกลบอล")],
    cores: &[
        ("Labour", "แรงงาน"),
        ("Recruitment", "จัดหางาน"),
        ("Human Resources", "ทรัพยากรมนุษย์"),
        ("Manpower", "กำลังคน"),
        ("Employment Services", "บริการจัดหางาน"),
    ],
    entities: &[ent("Co., Ltd.", "บริษัท", "จำกัด")],
    order: Order::Pcm,
    joiner: "",
    ..BASE_STYLE
};

const JAPANESE: Style = Style {
    native_share: 0.9,
    places: &[
        ("Sakura", "さくら"),
        ("Fuji", "富士"),
        ("Asahi", "朝日"),
        ("Hikari", "ひかり"),
        ("Midori", "みどり"),
        ("Aoba", "青葉"),
        ("Tokai", "東海"),
        ("Kanto", "関東"),
        ("Kansai", "関西"),
        ("Kyushu", "九州"),
        ("Chubu", "中部"),
        ("Hokuriku", "北陸"),
        ("Setouchi", "瀬戸内"),
        ("Nihon", "日本"),
        ("Yamato", "大和"),
        ("Mirai", "未来"),
        ("Hinode", "日の出"),
        ("Wakaba", "若葉"),
        ("Kizuna", "絆"),
        ("Tsubasa", "翼"),
        ("Nagomi", "和"),
        ("Taiyo", "太陽"),
    ],
    modifiers: &[("International", "国際"), ("Global", "グローバル"), ("Asia", "アジア")],
    cores: &[
        ("Human Resources", "人材"),
        ("Human Resources Services", "人材サービス"),
        ("Career Support", "キャリアサポート"),
        ("Staffing", "人材派遣"),
        ("Workforce Development", "人材開発"),
    ],
    entities: &[
        ent("Co., Ltd.", "株式会社", ""),
        ent("Co., Ltd.", "", "株式会社"),
        ent("Business Cooperative", "", "事業協同組合"),
    ],
    joiner: "",
    entity_gap: "",
    ..BASE_STYLE
};

const KOREAN: Style = Style {
    native_share: 0.9,
    places: &[
        ("Hanbit", "한빛"),
        ("Hangang", "한강"),
        ("Mugunghwa", "무궁화"),
        ("Baekdu", "백두"),
        ("Halla", "한라"),
        ("Saerom", "새롬"),
        ("Haeorum", "해오름"),
        ("Arirang", "아리랑"),
        ("Dongbang", "동방"),
        ("Seorabeol", "서라벌"),
        ("Gaon", "가온"),
        ("Nuri", "누리"),
        ("Haenam", "해남"),
        ("Jinju", "진주"),
        ("Daehan", "대한"),
        ("Sejong", "세종"),
        ("Hanul", "한울"),
        ("Bitna", "빛나"),
        ("Saebit", "새빛"),
        ("Dasom", "다솜"),
    ],
    modifiers: &[
        ("Global", "글로벌"),
        ("International", "인터내셔널"),
        ("Asia", "아시아"),
    ],
    cores: &[
        ("Manpower", "인력"),
        ("Human Resources", "인재"),
        ("Manpower Development", "인력개발"),
        ("HR", "에이치알"),
        ("Staffing", "스태핑"),
    ],
    entities: &[
        ent("Co., Ltd.", "주식회사", ""),
        ent("Co., Ltd.", "", "주식회사"),
        ent("Inc.", "(주)", ""),
    ],
    joiner: "",
    ..BASE_STYLE
};

const CHINESE_TW: Style = Style {
    native_share: 0.9,
    places: &[
        ("Formosa", "福爾摩沙"),
        ("Taiwan", "台灣"),
        ("Yushan", "玉山"),
        ("Alishan", "阿里山"),
        ("Sun Moon", "日月"),
        ("Hua Yang", "華揚"),
        ("Tai Ping", "太平"),
        ("Xin Yi", "信義"),
        ("Yong Sheng", "永盛"),
        ("Hong Yuan", "宏遠"),
        ("Jin Fu", "金福"),
        ("Fu Sheng", "富盛"),
        ("Cheng Xin", "誠信"),
        ("Quan Yi", "全益"),
        ("Tian Xiang", "天祥"),
        ("Da An", "大安"),
        ("Long Teng", "龍騰"),
        ("Jia Hui", "佳輝"),
        ("Ming Tai", "明泰"),
        ("Sheng Da", "盛達"),
        ("Heng Chang", "恆昌"),
        ("Rui Feng", "瑞豐"),
        ("Bao Fu", "寶福"),
        ("Kai Xuan", "凱旋"),
    ],
    modifiers: &[("International", "國際"), ("Global", "環球"), ("Asia", "亞洲")],
    cores: &[
        ("Manpower Agency", "人力仲介"),
        ("Human Resources", "人力資源"),
        ("Manpower Services", "人力服務"),
        ("Manpower Consulting", "人力顧問"),
    ],
    entities: &[ent("Co., Ltd.", "", "有限公司"), ent("Corporation", "", "股份有限公司")],
    joiner: "",
    entity_gap: "",
    ..BASE_STYLE
};

const CHINESE_HK: Style = Style {
    native_share: 0.5,
    places: &[
        ("Victoria", "維多利亞"),
        ("Harbour", "海港"),
        ("Kowloon", "九龍"),
        ("Golden Bauhinia", "金紫荊"),
        ("Lion Rock", "獅子山"),
        ("Wing On", "永安"),
        ("Kam Wah", "金華"),
        ("Sun Wah", "新華"),
        ("Tai Fung", "泰豐"),
        ("Wing Fat", "永發"),
        ("Po Kwong", "寶光"),
        ("Hang Fung", "恒豐"),
        ("Fook Lam", "福臨"),
        ("Lucky Star", "吉星"),
        ("Pearl River", "珠江"),
        ("Sai Kung", "西貢"),
        ("Lantau", "大嶼"),
        ("Shing Fung", "成豐"),
        ("Chun Hing", "駿興"),
        ("Man Yee", "文儀"),
        ("Kwong Wah", "廣華"),
        ("Yue Hing", "裕興"),
    ],
    modifiers: &[("International", "國際"), ("Global", "環球"), ("Asia", "亞洲")],
    cores: &[
        ("Employment Agency", "僱傭代理"),
        ("Employment Centre", "僱傭中心"),
        ("Human Resources", "人力資源"),
        ("Domestic Helper Agency", "家務助理中心"),
    ],
    entities: &[ent("Limited", "", "有限公司"), ent("Company", "", "公司")],
    joiner: "",
    entity_gap: "",
    ..BASE_STYLE
};

const FILIPINO: Style = Style {
    trading_share: 0.4,
    adjectives: &[("New", ""), ("Golden", ""), ("Royal", ""), ("Grand", ""), ("Prime", "")],
    places: &[
        ("Manila Bay", ""),
        ("Peñafrancia", ""),
        ("Santo Niño", ""),
        ("Dasmariñas", ""),
        ("Visayas", ""),
        ("Mindanao", ""),
        ("Luzon", ""),
        ("Intramuros", ""),
        ("Bagong Buhay", ""),
        ("Mabuhay", ""),
        ("Bayanihan", ""),
        ("Sampaguita", ""),
        ("Pag-asa", ""),
        ("Taal", ""),
        ("Mayon", ""),
        ("Boracay", ""),
        ("Maharlika", ""),
        ("Bicol", ""),
        ("Ilocos", ""),
        ("Tagaytay", ""),
        ("San Lorenzo", ""),
        ("Nuestra Señora", ""),
        ("Las Piñas", ""),
        ("Marikina", ""),
        ("Bohol", ""),
        ("Palawan", ""),
    ],
    modifiers: &[
        ("Global", ""),
        ("International", ""),
        ("Overseas", ""),
        ("Worldwide", ""),
        ("Asia Pacific", ""),
    ],
    cores: &[
        ("Staffing", ""),
        ("Manpower Services", ""),
        ("Recruitment Agency", ""),
        ("Placement Agency", ""),
        ("Human Resources", ""),
        ("Manpower Agency", ""),
        ("Employment Agency", ""),
        ("Manpower Resources", ""),
        ("Workforce Solutions", ""),
    ],
    entities: &[
        ent("Inc.", "", "Inc."),
        ent("Corporation", "", "Corporation"),
        ent("Corp.", "", "Corp."),
        ent("Co.", "", "Co."),
    ],
    ..BASE_STYLE
};

const INDONESIAN: Style = Style {
    trading_share: 0.4,
    modifier_share: 0.8,
    places: &[
        ("Bina", ""),
        ("Sinar", ""),
        ("Karya", ""),
        ("Mitra", ""),
        ("Duta", ""),
        ("Putra", ""),
        ("Bintang", ""),
        ("Cahaya", ""),
        ("Citra", ""),
        ("Graha", ""),
        ("Tunas", ""),
        ("Bumi", ""),
        ("Surya", ""),
        ("Mega", ""),
        ("Arta", ""),
        ("Dharma", ""),
        ("Bakti", ""),
        ("Insan", ""),
        ("Lintas", ""),
        ("Gemilang", ""),
    ],
    modifiers: &[
        ("Jaya", ""),
        ("Mandiri", ""),
        ("Perkasa", ""),
        ("Abadi", ""),
        ("Lestari", ""),
        ("Utama", ""),
        ("Sejahtera", ""),
        ("Mulia", ""),
        ("Sentosa", ""),
        ("Makmur", ""),
    ],
    cores: &[
        ("Tenaga Kerja", ""),
        ("Nusantara", ""),
        ("Persada", ""),
        ("Indonesia", ""),
        ("Internasional", ""),
        ("Sumber Daya", ""),
        ("Global", ""),
        ("Raya", ""),
    ],
    entities: &[ent("", "PT", ""), ent("", "PT.", "")],
    ..BASE_STYLE
};

const EAST_AFRICAN: Style = Style {
    trading_share: 0.4,
    adjectives: &[
        ("New", ""),
        ("Royal", ""),
        ("Premier", ""),
        ("Elite", ""),
        ("Bright", ""),
        ("Golden", ""),
    ],
    places: &[
        ("Savannah", ""),
        ("Kilimanjaro", ""),
        ("Rift Valley", ""),
        ("Tana River", ""),
        ("Victoria", ""),
        ("Nile", ""),
        ("Pearl", ""),
        ("Amani", ""),
        ("Jambo", ""),
        ("Harambee", ""),
        ("Tumaini", ""),
        ("Baraka", ""),
        ("Safari", ""),
        ("Zawadi", ""),
        ("Imani", ""),
        ("Upendo", ""),
        ("Rwenzori", ""),
        ("Elgon", ""),
        ("Ebony", ""),
        ("Acacia", ""),
        ("Equator", ""),
        ("Kazi", ""),
        ("Simba", ""),
        ("Twiga", ""),
    ],
    modifiers: &[("Global", ""), ("International", ""), ("Overseas", ""), ("Africa", "")],
    cores: &[
        ("Recruitment Agency", ""),
        ("Employment Agency", ""),
        ("Manpower Services", ""),
        ("Human Resources", ""),
        ("Placement Services", ""),
        ("Staffing Solutions", ""),
        ("Career Consultants", ""),
        ("Jobs Bureau", ""),
    ],
    entities: &[ent("Limited", "", "Limited"), ent("Ltd", "", "Ltd")],
    ..BASE_STYLE
};

const MALAYSIAN: Style = Style {
    trading_share: 0.5,
    places: &[
        ("Mutiara", ""),
        ("Cahaya", ""),
        ("Bintang", ""),
        ("Harmoni", ""),
        ("Seri", ""),
        ("Permata", ""),
        ("Delima", ""),
        ("Wawasan", ""),
        ("Gemilang", ""),
        ("Murni", ""),
        ("Setia", ""),
        ("Bayu", ""),
        ("Kenanga", ""),
        ("Melati", ""),
        ("Impian", ""),
        ("Sinar", ""),
        ("Jati", ""),
        ("Cempaka", ""),
        ("Teratai", ""),
        ("Orkid", ""),
        ("Suria", ""),
        ("Intan", ""),
        ("Nilam", ""),
        ("Zamrud", ""),
    ],
    modifiers: &[("Global", ""), ("Asia", ""), ("Jaya", ""), ("Maju", "")],
    cores: &[
        ("Resources", ""),
        ("Human Resources", ""),
        ("Manpower", ""),
        ("Workforce", ""),
        ("Recruitment", ""),
        ("Services", ""),
    ],
    entities: &[
        ent("Sdn. Bhd.", "Agensi Pekerjaan", "Sdn. Bhd."),
        ent("Sdn. Bhd.", "", "Sdn. Bhd."),
    ],
    ..BASE_STYLE
};

const SINGAPOREAN: Style = Style {
    trading_share: 0.4,
    adjectives: &[
        ("Premier", ""),
        ("Prime", ""),
        ("Apex", ""),
        ("Elite", ""),
        ("First", ""),
        ("Summit", ""),
    ],
    places: &[
        ("Lion City", ""),
        ("Merlion", ""),
        ("Orchid", ""),
        ("Marina", ""),
        ("Straits", ""),
        ("Kallang", ""),
        ("Bukit Timah", ""),
        ("Jurong", ""),
        ("Changi", ""),
        ("Sentosa", ""),
        ("Tanjong", ""),
        ("Serangoon", ""),
        ("Novena", ""),
        ("Katong", ""),
        ("Harbourfront", ""),
        ("Clementi", ""),
        ("Tampines", ""),
        ("Pasir Ris", ""),
    ],
    modifiers: &[("Global", ""), ("Asia", ""), ("International", ""), ("Pacific", "")],
    cores: &[
        ("Employment Agency", ""),
        ("Manpower", ""),
        ("Staffing", ""),
        ("HR Services", ""),
        ("Employment Services", ""),
        ("Workforce Solutions", ""),
    ],
    entities: &[ent("Pte. Ltd.", "", "Pte. Ltd.")],
    ..BASE_STYLE
};

const BRITISH: Style = Style {
    trading_share: 0.4,
    adjectives: &[
        ("Premier", ""),
        ("Prime", ""),
        ("Select", ""),
        ("First Choice", ""),
        ("Summit", ""),
    ],
    places: &[
        ("Thames", ""),
        ("Pennine", ""),
        ("Cotswold", ""),
        ("Albion", ""),
        ("Severn", ""),
        ("Mersey", ""),
        ("Humber", ""),
        ("Chiltern", ""),
        ("Wessex", ""),
        ("Mercia", ""),
        ("Northumbria", ""),
        ("Fenland", ""),
        ("Solent", ""),
        ("Caledonian", ""),
        ("Brunel", ""),
        ("Kingsway", ""),
        ("Highgate", ""),
        ("Blackfriars", ""),
        ("Windsor", ""),
        ("Clydeside", ""),
    ],
    modifiers: &[("Global", ""), ("International", "")],
    cores: &[
        ("Recruitment", ""),
        ("Staffing", ""),
        ("Workforce", ""),
        ("Nursing Recruitment", ""),
        ("Healthcare Staffing", ""),
        ("Agricultural Labour", ""),
    ],
    entities: &[
        ent("Ltd", "", "Ltd"),
        ent("Limited", "", "Limited"),
        ent("LLP", "", "LLP"),
    ],
    ..BASE_STYLE
};

const GERMAN: Style = Style {
    trading_share: 0.4,
    places: &[
        ("Rhein", ""),
        ("Elbe", ""),
        ("Main", ""),
        ("Donau", ""),
        ("Nord", ""),
        ("Süd", ""),
        ("Bodensee", ""),
        ("Harz", ""),
        ("Alster", ""),
        ("Spree", ""),
        ("Weser", ""),
        ("Taunus", ""),
        ("Schwarzwald", ""),
        ("Allgäu", ""),
        ("Münsterland", ""),
        ("Havel", ""),
        ("Neckar", ""),
    ],
    modifier_share: 0.4,
    modifiers: &[("International", ""), ("Global", ""), ("Europa", "")],
    cores: &[
        ("Personalvermittlung", ""),
        ("Fachkräfte", ""),
        ("Pflegepersonal", ""),
        ("Personaldienste", ""),
        ("Arbeitsvermittlung", ""),
        ("Fachkräftevermittlung", ""),
    ],
    entities: &[
        ent("GmbH", "", "GmbH"),
        ent("GmbH & Co. KG", "", "GmbH & Co. KG"),
        ent("UG (haftungsbeschränkt)", "", "UG (haftungsbeschränkt)"),
    ],
    order: Order::Pcm,
    latin_order: Order::Pcm,
    ..BASE_STYLE
};

// ---------------------------------------------------------------------------------------------
// Countries: where agencies are registered and where workers go
// ---------------------------------------------------------------------------------------------

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

const fn city(name: &'static str, native: &'static str, area: &'static str) -> City {
    City {
        name,
        native,
        area,
        code: "",
    }
}

const fn city_coded(name: &'static str, native: &'static str, area: &'static str, code: &'static str) -> City {
    City {
        name,
        native,
        area,
        code,
    }
}

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
    cities: &'static [City],
    streets: &'static [&'static str],
    /// ISO 639-1, most used first (English is added to every agency separately).
    languages: &'static [&'static str],
    authority: &'static str,
    styles: &'static [(&'static Style, u32)],
    /// Relative number of agencies registered here.
    weight: u32,
    /// For countries of origin: where their workers go.
    destinations: &'static [&'static str],
    /// For countries of destination: the sectors that hire migrant workers.
    sectors: &'static [&'static str],
    /// ISO 4217, for training fees.
    currency: &'static str,
}

impl Country {
    fn is_origin(&self) -> bool {
        !self.destinations.is_empty()
    }
}

const GULF_CITIES_QA: &[City] = &[
    city("Doha", "الدوحة", ""),
    city("Al Wakrah", "الوكرة", ""),
    city("Al Rayyan", "الريان", ""),
    city("Al Khor", "الخور", ""),
];

const COUNTRIES: &[Country] = &[
    // ---- countries of origin ----
    Country {
        code: "NP",
        name: "Nepal",
        demonym: "Nepali",
        tld: "com.np",
        phone: "+977 {a} 4######",
        address: "{n} {s}, {c}",
        cities: &[
            city("Kathmandu", "काठमाडौं", "1"),
            city("Lalitpur", "ललितपुर", "1"),
            city("Pokhara", "पोखरा", "61"),
            city("Biratnagar", "विराटनगर", "21"),
            city("Dharan", "धरान", "25"),
            city("Butwal", "बुटवल", "71"),
            city("Bharatpur", "भरतपुर", "56"),
            city("Birgunj", "वीरगञ्ज", "51"),
            city("Nepalgunj", "नेपालगञ्ज", "81"),
            city("Janakpur", "जनकपुर", "41"),
        ],
        streets: &[
            "Tribhuvan Marg",
            "Bhanu Marg",
            "Main Road",
            "Sahid Marg",
            "Buddha Marg",
            "Ganesh Marg",
            "Mahendra Path",
            "Civic Centre Road",
        ],
        languages: &["ne", "hi"],
        authority: "Department of Foreign Employment",
        styles: &[(&NEPALI, 1)],
        weight: 10,
        destinations: &["QA", "AE", "SA", "KW", "MY", "JP", "KR", "BH", "OM"],
        sectors: &[],
        currency: "NPR",
    },
    Country {
        code: "BD",
        name: "Bangladesh",
        demonym: "Bangladeshi",
        tld: "com.bd",
        phone: "+880 {a} 9######",
        address: "House {n}, {s}, {c}",
        cities: &[
            city("Dhaka", "ঢাকা", "2"),
            city("Chattogram", "চট্টগ্রাম", "31"),
            city("Sylhet", "সিলেট", "821"),
            city("Cumilla", "কুমিল্লা", "81"),
            city("Khulna", "খুলনা", "41"),
            city("Rajshahi", "রাজশাহী", "721"),
            city("Barishal", "বরিশাল", "431"),
            city("Mymensingh", "ময়মনসিংহ", "91"),
        ],
        streets: &[
            "Station Road",
            "Sadar Road",
            "College Road",
            "Airport Road",
            "Shahid Minar Road",
            "Kazi Nazrul Islam Avenue",
        ],
        languages: &["bn"],
        authority: "Bureau of Manpower, Employment and Training",
        styles: &[(&BENGALI, 1)],
        weight: 12,
        destinations: &["SA", "AE", "QA", "KW", "OM", "MY", "SG", "BH", "JO"],
        sectors: &[],
        currency: "BDT",
    },
    Country {
        code: "IN",
        name: "India",
        demonym: "Indian",
        tld: "co.in",
        phone: "+91 {a} 2######",
        address: "{n}, {s}, {c}",
        cities: &[
            city_coded("Mumbai", "मुंबई", "22", "MUM"),
            city_coded("New Delhi", "नई दिल्ली", "11", "DEL"),
            city_coded("Chennai", "चेन्नई", "44", "CHE"),
            city_coded("Hyderabad", "हैदराबाद", "40", "HYD"),
            city_coded("Kochi", "कोच्चि", "484", "COK"),
            city_coded("Thiruvananthapuram", "तिरुवनंतपुरम", "471", "TVM"),
            city_coded("Lucknow", "लखनऊ", "522", "LKO"),
            city_coded("Patna", "पटना", "612", "PAT"),
            city_coded("Jaipur", "जयपुर", "141", "JAI"),
            city_coded("Amritsar", "अमृतसर", "183", "ASR"),
        ],
        streets: &[
            "Link Road",
            "MG Road",
            "Station Road",
            "Nehru Nagar",
            "Gandhi Road",
            "Ring Road",
            "Park Street",
            "Civil Lines",
        ],
        languages: &["hi", "ml", "ta", "te", "pa"],
        authority: "Protector General of Emigrants, Ministry of External Affairs",
        styles: &[(&HINDI, 1)],
        weight: 12,
        destinations: &["AE", "SA", "QA", "KW", "OM", "BH", "GB", "DE", "SG"],
        sectors: &[],
        currency: "INR",
    },
    Country {
        code: "PK",
        name: "Pakistan",
        demonym: "Pakistani",
        tld: "com.pk",
        phone: "+92 {a} 3######",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city_coded("Lahore", "لاہور", "42", "LHR"),
            city_coded("Karachi", "کراچی", "21", "KHI"),
            city_coded("Islamabad", "اسلام آباد", "51", "ISB"),
            city_coded("Rawalpindi", "راولپنڈی", "51", "RWP"),
            city_coded("Peshawar", "پشاور", "91", "PEW"),
            city_coded("Faisalabad", "فیصل آباد", "41", "FSD"),
            city_coded("Sialkot", "سیالکوٹ", "52", "SKT"),
            city_coded("Multan", "ملتان", "61", "MUX"),
        ],
        streets: &[
            "Mall Road",
            "Jinnah Avenue",
            "GT Road",
            "Allama Iqbal Road",
            "Shahrah-e-Quaid-e-Azam",
            "Saddar Road",
            "Ferozepur Road",
        ],
        languages: &["ur", "pa", "ps"],
        authority: "Bureau of Emigration and Overseas Employment",
        styles: &[(&URDU, 1)],
        weight: 10,
        destinations: &["SA", "AE", "QA", "OM", "KW", "BH", "GB", "MY"],
        sectors: &[],
        currency: "PKR",
    },
    Country {
        code: "LK",
        name: "Sri Lanka",
        demonym: "Sri Lankan",
        tld: "lk",
        phone: "+94 {a} 2######",
        address: "No. {n}, {s}, {c}",
        cities: &[
            city("Colombo", "කොළඹ", "11"),
            city("Kandy", "මහනුවර", "81"),
            city("Kurunegala", "කුරුණෑගල", "37"),
            city("Negombo", "මීගමුව", "31"),
            city("Galle", "ගාල්ල", "91"),
            city("Matara", "මාතර", "41"),
            city("Jaffna", "යාපනය", "21"),
            city("Anuradhapura", "අනුරාධපුරය", "25"),
        ],
        streets: &[
            "Galle Road",
            "Kandy Road",
            "Main Street",
            "Temple Road",
            "Station Road",
            "Negombo Road",
            "Hospital Road",
            "Lake Road",
        ],
        languages: &["si", "ta"],
        authority: "Sri Lanka Bureau of Foreign Employment",
        styles: &[(&SINHALA, 1)],
        weight: 7,
        destinations: &["QA", "KW", "AE", "SA", "JO", "KR", "JP", "OM"],
        sectors: &[],
        currency: "LKR",
    },
    Country {
        code: "PH",
        name: "the Philippines",
        demonym: "Filipino",
        tld: "com.ph",
        phone: "+63 {a} 8###-####",
        address: "{n} {s}, {c}",
        cities: &[
            city("Manila", "Manila", "2"),
            city("Quezon City", "Quezon City", "2"),
            city("Makati", "Makati", "2"),
            city("Pasay", "Pasay", "2"),
            city("Cebu City", "Cebu City", "32"),
            city("Davao City", "Davao City", "82"),
            city("Iloilo City", "Iloilo City", "33"),
            city("Baguio", "Baguio", "74"),
        ],
        streets: &[
            "Rizal Avenue",
            "Mabini Street",
            "Bonifacio Drive",
            "Quezon Boulevard",
            "Osmeña Boulevard",
            "Aguinaldo Highway",
            "Del Pilar Street",
            "Luna Street",
        ],
        languages: &["tl"],
        authority: "Department of Migrant Workers",
        styles: &[(&FILIPINO, 1)],
        weight: 11,
        destinations: &["SA", "AE", "QA", "KW", "HK", "SG", "JP", "TW", "GB", "DE"],
        sectors: &[],
        currency: "PHP",
    },
    Country {
        code: "ID",
        name: "Indonesia",
        demonym: "Indonesian",
        tld: "co.id",
        phone: "+62 {a} 5######",
        address: "Jl. {s} No. {n}, {c}",
        cities: &[
            city("Jakarta", "Jakarta", "21"),
            city("Surabaya", "Surabaya", "31"),
            city("Bandung", "Bandung", "22"),
            city("Semarang", "Semarang", "24"),
            city("Malang", "Malang", "341"),
            city("Mataram", "Mataram", "370"),
            city("Medan", "Medan", "61"),
            city("Cirebon", "Cirebon", "231"),
        ],
        streets: &[
            "Jenderal Sudirman",
            "Gatot Subroto",
            "Diponegoro",
            "Ahmad Yani",
            "Gajah Mada",
            "Pahlawan",
            "Merdeka",
            "Veteran",
        ],
        languages: &["id", "jv"],
        authority: "BP2MI",
        styles: &[(&INDONESIAN, 1)],
        weight: 8,
        destinations: &["MY", "HK", "TW", "SG", "JP", "KR", "SA"],
        sectors: &[],
        currency: "IDR",
    },
    Country {
        code: "MM",
        name: "Myanmar",
        demonym: "Myanmar",
        tld: "com.mm",
        phone: "+95 {a} 3######",
        address: "No. {n}, {s}, {c}",
        cities: &[
            city("Yangon", "ရန်ကုန်", "1"),
            city("Mandalay", "မန္တလေး", "2"),
            city("Mawlamyine", "မော်လမြိုင်", "57"),
            city("Naypyidaw", "နေပြည်တော်", "67"),
            city("Bago", "ပဲခူး", "52"),
            city("Pathein", "ပုသိမ်", "42"),
        ],
        streets: &[
            "Strand Road",
            "Station Road",
            "Main Road",
            "Thiri Mingalar Street",
            "Bogyoke Road",
            "Min Nandar Road",
        ],
        languages: &["my"],
        authority: "Ministry of Labour",
        styles: &[(&BURMESE, 1)],
        weight: 5,
        destinations: &["TH", "MY", "JP", "SG", "KR"],
        sectors: &[],
        currency: "USD",
    },
    Country {
        code: "KH",
        name: "Cambodia",
        demonym: "Cambodian",
        tld: "com.kh",
        phone: "+855 {a} 2## ###",
        address: "No. {n}, {s}, {c}",
        cities: &[
            city("Phnom Penh", "ភ្នំពេញ", "23"),
            city("Siem Reap", "សៀមរាប", "63"),
            city("Battambang", "បាត់ដំបង", "53"),
            city("Kampong Cham", "កំពង់ចាម", "42"),
            city("Kampot", "កំពត", "33"),
            city("Sihanoukville", "ក្រុងព្រះសីហនុ", "34"),
        ],
        streets: &[
            "National Road 4",
            "Preah Monivong Boulevard",
            "Street 63",
            "Sothearos Boulevard",
            "Russian Federation Boulevard",
            "Street 2004",
        ],
        languages: &["km"],
        authority: "Ministry of Labour and Vocational Training",
        styles: &[(&KHMER, 3), (&FRENCH_KH, 1)],
        weight: 4,
        destinations: &["TH", "MY", "KR", "JP"],
        sectors: &[],
        currency: "USD",
    },
    Country {
        code: "VN",
        name: "Viet Nam",
        demonym: "Vietnamese",
        tld: "com.vn",
        phone: "+84 {a} 3###-####",
        address: "Số {n} {s}, {c}",
        cities: &[
            city("Hà Nội", "Hà Nội", "24"),
            city("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", "28"),
            city("Hải Phòng", "Hải Phòng", "225"),
            city("Đà Nẵng", "Đà Nẵng", "236"),
            city("Vinh", "Vinh", "238"),
            city("Thanh Hóa", "Thanh Hóa", "237"),
            city("Bắc Giang", "Bắc Giang", "204"),
            city("Nam Định", "Nam Định", "228"),
        ],
        streets: &[
            "Nguyễn Trãi",
            "Lê Lợi",
            "Trần Hưng Đạo",
            "Hai Bà Trưng",
            "Lý Thường Kiệt",
            "Quang Trung",
            "Nguyễn Huệ",
            "Lê Duẩn",
        ],
        languages: &["vi"],
        authority: "Department of Overseas Labour (DOLAB)",
        styles: &[(&VIETNAMESE, 1)],
        weight: 6,
        destinations: &["JP", "TW", "KR", "DE", "SA"],
        sectors: &[],
        currency: "USD",
    },
    Country {
        code: "LA",
        name: "Lao PDR",
        demonym: "Lao",
        tld: "la",
        phone: "+856 {a} 2## ###",
        address: "House {n}, {s}, {c}",
        cities: &[
            city("Vientiane", "ວຽງຈັນ", "21"),
            city("Savannakhet", "ສະຫວັນນະເຂດ", "41"),
            city("Luang Prabang", "ຫຼວງພະບາງ", "71"),
            city("Pakse", "ປາກເຊ", "31"),
            city("Thakhek", "ທ່າແຂກ", "51"),
        ],
        streets: &[
            "Lane Xang Avenue",
            "Souphanouvong Road",
            "Kaysone Phomvihane Road",
            "Samsenthai Road",
            "Setthathirath Road",
            "Thadeua Road",
        ],
        languages: &["lo", "th"],
        authority: "Ministry of Labour and Social Welfare",
        styles: &[(&LAO, 2), (&FRENCH_LA, 1)],
        weight: 2,
        destinations: &["TH", "JP", "KR"],
        sectors: &[],
        currency: "USD",
    },
    Country {
        code: "ET",
        name: "Ethiopia",
        demonym: "Ethiopian",
        tld: "com.et",
        phone: "+251 {a} 5## ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Addis Ababa", "አዲስ አበባ", "11"),
            city("Bahir Dar", "ባሕር ዳር", "58"),
            city("Dire Dawa", "ድሬ ዳዋ", "25"),
            city("Hawassa", "ሀዋሳ", "46"),
            city("Mekelle", "መቐለ", "34"),
            city("Adama", "አዳማ", "22"),
        ],
        streets: &[
            "Africa Avenue",
            "Churchill Avenue",
            "Ras Mekonnen Street",
            "Haile Gebrselassie Road",
            "Main Street",
            "Bole Road",
        ],
        languages: &["am", "om", "ti"],
        authority: "Ministry of Labour and Skills",
        styles: &[(&AMHARIC, 1)],
        weight: 4,
        destinations: &["SA", "AE", "JO", "KW", "QA"],
        sectors: &[],
        currency: "USD",
    },
    Country {
        code: "KE",
        name: "Kenya",
        demonym: "Kenyan",
        tld: "co.ke",
        phone: "+254 {a} 2######",
        address: "Suite {n}, {s}, {c}",
        cities: &[
            city("Nairobi", "Nairobi", "20"),
            city("Mombasa", "Mombasa", "41"),
            city("Kisumu", "Kisumu", "57"),
            city("Nakuru", "Nakuru", "51"),
            city("Eldoret", "Eldoret", "53"),
            city("Thika", "Thika", "67"),
        ],
        streets: &[
            "Moi Avenue",
            "Kenyatta Avenue",
            "Ngong Road",
            "Oginga Odinga Street",
            "Haile Selassie Avenue",
            "Waiyaki Way",
        ],
        languages: &["sw"],
        authority: "National Employment Authority",
        styles: &[(&EAST_AFRICAN, 1)],
        weight: 5,
        destinations: &["SA", "QA", "AE", "OM", "GB"],
        sectors: &[],
        currency: "USD",
    },
    Country {
        code: "UG",
        name: "Uganda",
        demonym: "Ugandan",
        tld: "co.ug",
        phone: "+256 {a} 2#####",
        address: "Plot {n}, {s}, {c}",
        cities: &[
            city("Kampala", "Kampala", "414"),
            city("Entebbe", "Entebbe", "414"),
            city("Jinja", "Jinja", "434"),
            city("Mbarara", "Mbarara", "485"),
            city("Gulu", "Gulu", "471"),
            city("Mbale", "Mbale", "454"),
        ],
        streets: &[
            "Kampala Road",
            "Jinja Road",
            "Entebbe Road",
            "Bombo Road",
            "Main Street",
            "Nkrumah Road",
        ],
        languages: &["lg", "sw"],
        authority: "Ministry of Gender, Labour and Social Development",
        styles: &[(&EAST_AFRICAN, 1)],
        weight: 3,
        destinations: &["SA", "AE", "QA", "JO", "OM"],
        sectors: &[],
        currency: "USD",
    },
    // ---- countries of destination ----
    Country {
        code: "QA",
        name: "Qatar",
        demonym: "Qatari",
        tld: "com.qa",
        phone: "+974 4### ####",
        address: "Office {n}, {s}, {c}",
        cities: GULF_CITIES_QA,
        streets: &["Al Sadd Street", "C Ring Road", "Salwa Road", "Al Matar Street"],
        languages: &["ar"],
        authority: "Ministry of Labour",
        styles: &[(&ARABIC, 1)],
        weight: 6,
        destinations: &[],
        sectors: &[
            "construction",
            "hospitality",
            "security",
            "facilities_management",
            "domestic_work",
            "oil_gas",
            "transport_logistics",
        ],
        currency: "QAR",
    },
    Country {
        code: "AE",
        name: "the United Arab Emirates",
        demonym: "Emirati",
        tld: "ae",
        phone: "+971 {a} 3## ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Dubai", "دبي", "4"),
            city("Abu Dhabi", "أبوظبي", "2"),
            city("Sharjah", "الشارقة", "6"),
            city("Ajman", "عجمان", "6"),
            city("Al Ain", "العين", "3"),
        ],
        streets: &[
            "Sheikh Zayed Road",
            "Al Maktoum Road",
            "Hamdan Street",
            "Al Wahda Street",
            "Khalid bin Al Waleed Road",
        ],
        languages: &["ar"],
        authority: "Ministry of Human Resources and Emiratisation",
        styles: &[(&ARABIC, 1)],
        weight: 8,
        destinations: &[],
        sectors: &[
            "construction",
            "hospitality",
            "domestic_work",
            "retail",
            "facilities_management",
            "security",
            "logistics",
        ],
        currency: "AED",
    },
    Country {
        code: "SA",
        name: "Saudi Arabia",
        demonym: "Saudi",
        tld: "com.sa",
        phone: "+966 {a} 4## ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Riyadh", "الرياض", "11"),
            city("Jeddah", "جدة", "12"),
            city("Dammam", "الدمام", "13"),
            city("Makkah", "مكة", "12"),
            city("Al Khobar", "الخبر", "13"),
            city("Madinah", "المدينة المنورة", "14"),
        ],
        streets: &[
            "King Fahd Road",
            "Prince Sultan Street",
            "Olaya Street",
            "King Abdulaziz Road",
            "Al Madinah Road",
        ],
        languages: &["ar"],
        authority: "Ministry of Human Resources and Social Development",
        styles: &[(&ARABIC, 1)],
        weight: 8,
        destinations: &[],
        sectors: &[
            "construction",
            "domestic_work",
            "oil_gas",
            "health_care",
            "cleaning_facilities",
            "transport_logistics",
            "agriculture",
        ],
        currency: "SAR",
    },
    Country {
        code: "KW",
        name: "Kuwait",
        demonym: "Kuwaiti",
        tld: "com.kw",
        phone: "+965 2### ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Kuwait City", "مدينة الكويت", ""),
            city("Hawalli", "حولي", ""),
            city("Farwaniya", "الفروانية", ""),
            city("Salmiya", "السالمية", ""),
            city("Jahra", "الجهراء", ""),
        ],
        streets: &["Fahad Al-Salem Street", "Gulf Road", "Tunis Street", "Airport Road"],
        languages: &["ar"],
        authority: "Public Authority for Manpower",
        styles: &[(&ARABIC, 1)],
        weight: 4,
        destinations: &[],
        sectors: &[
            "domestic_work",
            "construction",
            "cleaning_facilities",
            "oil_gas",
            "food_beverage",
        ],
        currency: "USD",
    },
    Country {
        code: "OM",
        name: "Oman",
        demonym: "Omani",
        tld: "om",
        phone: "+968 24## ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Muscat", "مسقط", ""),
            city("Sohar", "صحار", ""),
            city("Salalah", "صلالة", ""),
            city("Nizwa", "نزوى", ""),
            city("Sur", "صور", ""),
        ],
        streets: &["Sultan Qaboos Street", "Al Khuwair Street", "Dohat Al Adab Street"],
        languages: &["ar"],
        authority: "Ministry of Labour",
        styles: &[(&ARABIC, 1)],
        weight: 3,
        destinations: &[],
        sectors: &["construction", "domestic_work", "fishing", "oil_gas", "hospitality"],
        currency: "USD",
    },
    Country {
        code: "BH",
        name: "Bahrain",
        demonym: "Bahraini",
        tld: "com.bh",
        phone: "+973 17## ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Manama", "المنامة", ""),
            city("Muharraq", "المحرق", ""),
            city("Riffa", "الرفاع", ""),
            city("Isa Town", "مدينة عيسى", ""),
        ],
        streets: &[
            "Government Avenue",
            "Exhibition Road",
            "Sheikh Isa Avenue",
            "Budaiya Highway",
        ],
        languages: &["ar"],
        authority: "Labour Market Regulatory Authority",
        styles: &[(&ARABIC, 1)],
        weight: 2,
        destinations: &[],
        sectors: &[
            "construction",
            "domestic_work",
            "hospitality",
            "retail",
            "cleaning_facilities",
        ],
        currency: "USD",
    },
    Country {
        code: "MY",
        name: "Malaysia",
        demonym: "Malaysian",
        tld: "com.my",
        phone: "+60 {a}-2### ####",
        address: "{n}, {s}, {c}",
        cities: &[
            city("Kuala Lumpur", "Kuala Lumpur", "3"),
            city("Shah Alam", "Shah Alam", "3"),
            city("Johor Bahru", "Johor Bahru", "7"),
            city("George Town", "George Town", "4"),
            city("Ipoh", "Ipoh", "5"),
            city("Seremban", "Seremban", "6"),
            city("Kota Kinabalu", "Kota Kinabalu", "88"),
            city("Kuching", "Kuching", "82"),
        ],
        streets: &[
            "Jalan Merdeka",
            "Jalan Sultan",
            "Jalan Bunga Raya",
            "Jalan Besar",
            "Jalan Perdana",
            "Jalan Maju",
        ],
        languages: &["ms", "zh", "ta"],
        authority: "Department of Labour Peninsular Malaysia",
        styles: &[(&MALAYSIAN, 1)],
        weight: 8,
        destinations: &[],
        sectors: &[
            "manufacturing",
            "electronics",
            "agriculture",
            "construction",
            "apparel",
            "security",
            "food_beverage",
        ],
        currency: "MYR",
    },
    Country {
        code: "SG",
        name: "Singapore",
        demonym: "Singaporean",
        tld: "com.sg",
        phone: "+65 6### ####",
        address: "{n} {s}, {c}",
        cities: &[city("Singapore", "Singapore", "")],
        streets: &[
            "Geylang Road",
            "Serangoon Road",
            "Ubi Avenue 1",
            "Kallang Avenue",
            "Tampines Street 92",
            "Woodlands Drive 14",
        ],
        languages: &["en", "zh", "ms", "ta"],
        authority: "Ministry of Manpower",
        styles: &[(&SINGAPOREAN, 1)],
        weight: 5,
        destinations: &[],
        sectors: &[
            "construction",
            "domestic_work",
            "manufacturing",
            "health_care",
            "cleaning_facilities",
            "hospitality",
        ],
        currency: "SGD",
    },
    Country {
        code: "JP",
        name: "Japan",
        demonym: "Japanese",
        tld: "co.jp",
        phone: "+81 {a}-####-####",
        address: "{m}-{m}-{n} {s}, {c}",
        cities: &[
            city_coded("Tokyo", "東京", "3", "13"),
            city_coded("Osaka", "大阪", "6", "27"),
            city_coded("Nagoya", "名古屋", "52", "23"),
            city_coded("Fukuoka", "福岡", "92", "40"),
            city_coded("Yokohama", "横浜", "45", "14"),
            city_coded("Hiroshima", "広島", "82", "34"),
            city_coded("Sendai", "仙台", "22", "04"),
        ],
        streets: &["Sakae", "Honcho", "Ekimae", "Chuo", "Minami-machi", "Kita-machi"],
        languages: &["ja"],
        authority: "Ministry of Health, Labour and Welfare",
        styles: &[(&JAPANESE, 1)],
        weight: 7,
        destinations: &[],
        sectors: &[
            "manufacturing",
            "agriculture",
            "health_care",
            "food_beverage",
            "construction",
            "automotive",
            "hospitality",
        ],
        currency: "JPY",
    },
    Country {
        code: "KR",
        name: "the Republic of Korea",
        demonym: "Korean",
        tld: "co.kr",
        phone: "+82 {a}-7##-####",
        address: "{n} {s}, {c}",
        cities: &[
            city("Seoul", "서울", "2"),
            city("Busan", "부산", "51"),
            city("Incheon", "인천", "32"),
            city("Ansan", "안산", "31"),
            city("Changwon", "창원", "55"),
            city("Daegu", "대구", "53"),
            city("Gimhae", "김해", "55"),
        ],
        streets: &[
            "Sejong-daero",
            "Teheran-ro",
            "Jungang-daero",
            "Gongdan-ro",
            "Haean-ro",
            "Chungmu-ro",
        ],
        languages: &["ko"],
        authority: "Ministry of Employment and Labor",
        styles: &[(&KOREAN, 1)],
        weight: 5,
        destinations: &[],
        sectors: &["manufacturing", "agriculture", "fishing", "construction", "seafood"],
        currency: "KRW",
    },
    Country {
        code: "HK",
        name: "Hong Kong SAR",
        demonym: "Hong Kong",
        tld: "com.hk",
        phone: "+852 2### ####",
        address: "Room {n}, {m}/F, {s}, {c}",
        cities: &[
            city("Central", "中環", ""),
            city("Wan Chai", "灣仔", ""),
            city("Mong Kok", "旺角", ""),
            city("Tsim Sha Tsui", "尖沙咀", ""),
            city("Causeway Bay", "銅鑼灣", ""),
            city("Kwun Tong", "觀塘", ""),
        ],
        streets: &[
            "Nathan Road",
            "Hennessy Road",
            "Des Voeux Road Central",
            "Argyle Street",
            "King's Road",
        ],
        languages: &["zh"],
        authority: "Employment Agencies Administration, Labour Department",
        styles: &[(&CHINESE_HK, 1)],
        weight: 5,
        destinations: &[],
        sectors: &["domestic_work", "health_care", "hospitality"],
        currency: "HKD",
    },
    Country {
        code: "TH",
        name: "Thailand",
        demonym: "Thai",
        tld: "co.th",
        phone: "+66 {a} 2## ####",
        address: "{n}/{m} {s}, {c}",
        cities: &[
            city("Bangkok", "กรุงเทพมหานคร", "2"),
            city("Chiang Mai", "เชียงใหม่", "53"),
            city("Samut Sakhon", "สมุทรสาคร", "34"),
            city("Chon Buri", "ชลบุรี", "38"),
            city("Nonthaburi", "นนทบุรี", "2"),
            city("Udon Thani", "อุดรธานี", "42"),
            city("Songkhla", "สงขลา", "74"),
            city("Mae Sot", "แม่สอด", "55"),
        ],
        streets: &[
            "Sukhumvit Road",
            "Phahonyothin Road",
            "Mittraphap Road",
            "Phetkasem Road",
            "Sethakit Road",
            "Rama II Road",
        ],
        languages: &["th"],
        authority: "Department of Employment",
        styles: &[(&THAI, 1)],
        weight: 5,
        destinations: &[],
        sectors: &[
            "seafood",
            "fishing",
            "agriculture",
            "construction",
            "apparel",
            "food_beverage",
            "manufacturing",
        ],
        currency: "THB",
    },
    Country {
        code: "JO",
        name: "Jordan",
        demonym: "Jordanian",
        tld: "jo",
        phone: "+962 {a} 5## ####",
        address: "Office {n}, {s}, {c}",
        cities: &[
            city("Amman", "عمّان", "6"),
            city("Irbid", "إربد", "2"),
            city("Zarqa", "الزرقاء", "5"),
            city("Aqaba", "العقبة", "3"),
        ],
        streets: &[
            "Mecca Street",
            "Zahran Street",
            "King Hussein Street",
            "Al Madina Al Munawwara Street",
        ],
        languages: &["ar"],
        authority: "Ministry of Labour",
        styles: &[(&ARABIC, 1)],
        weight: 2,
        destinations: &[],
        sectors: &["apparel", "domestic_work", "agriculture", "manufacturing"],
        currency: "USD",
    },
    Country {
        code: "GB",
        name: "the United Kingdom",
        demonym: "British",
        tld: "co.uk",
        phone: "+44 {a} ### ####",
        address: "{n} {s}, {c}",
        cities: &[
            city("London", "London", "20 7"),
            city("Manchester", "Manchester", "161"),
            city("Birmingham", "Birmingham", "121"),
            city("Leeds", "Leeds", "113"),
            city("Glasgow", "Glasgow", "141"),
            city("Bristol", "Bristol", "117"),
            city("Leicester", "Leicester", "116"),
            city("Peterborough", "Peterborough", "1733"),
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Street",
            "Victoria Road",
            "King Street",
            "Mill Lane",
            "Park Road",
        ],
        languages: &["en"],
        authority: "Gangmasters and Labour Abuse Authority",
        styles: &[(&BRITISH, 1)],
        weight: 4,
        destinations: &[],
        sectors: &[
            "agriculture",
            "health_care",
            "food_beverage",
            "logistics",
            "hospitality",
        ],
        currency: "GBP",
    },
    Country {
        code: "DE",
        name: "Germany",
        demonym: "German",
        tld: "de",
        phone: "+49 {a} #######",
        address: "{s} {n}, {c}",
        cities: &[
            city("Berlin", "Berlin", "30"),
            city("Hamburg", "Hamburg", "40"),
            city("München", "München", "89"),
            city("Frankfurt am Main", "Frankfurt am Main", "69"),
            city("Köln", "Köln", "221"),
            city("Stuttgart", "Stuttgart", "711"),
            city("Düsseldorf", "Düsseldorf", "211"),
            city("Leipzig", "Leipzig", "341"),
        ],
        streets: &[
            "Hauptstraße",
            "Bahnhofstraße",
            "Schillerstraße",
            "Goethestraße",
            "Industriestraße",
            "Lindenallee",
            "Friedrichstraße",
        ],
        languages: &["de"],
        authority: "Bundesagentur für Arbeit",
        styles: &[(&GERMAN, 1)],
        weight: 3,
        destinations: &[],
        sectors: &["health_care", "hospitality", "logistics", "construction", "automotive"],
        currency: "EUR",
    },
    Country {
        code: "TW",
        name: "Taiwan",
        demonym: "Taiwanese",
        tld: "com.tw",
        phone: "+886 {a} 2###-####",
        address: "No. {n}, {s}, {c}",
        cities: &[
            city("Taipei", "台北", "2"),
            city("New Taipei", "新北", "2"),
            city("Taoyuan", "桃園", "3"),
            city("Taichung", "台中", "4"),
            city("Kaohsiung", "高雄", "7"),
            city("Tainan", "台南", "6"),
            city("Hsinchu", "新竹", "3"),
        ],
        streets: &[
            "Zhongshan Road",
            "Minsheng East Road",
            "Zhongzheng Road",
            "Fuxing North Road",
            "Nanjing East Road",
            "Jianguo Road",
        ],
        languages: &["zh"],
        authority: "Workforce Development Agency, Ministry of Labor",
        styles: &[(&CHINESE_TW, 1)],
        weight: 5,
        destinations: &[],
        sectors: &[
            "manufacturing",
            "electronics",
            "fishing",
            "domestic_work",
            "health_care",
        ],
        currency: "TWD",
    },
];

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
        (!style.adjectives.is_empty() && rng.random_bool(style.adjective_share)).then(|| pick(rng, style.adjectives));
    let place = pick(rng, style.places);
    let modifier =
        (!style.modifiers.is_empty() && rng.random_bool(style.modifier_share)).then(|| pick(rng, style.modifiers));
    let core = pick(rng, style.cores);
    let mut entity = pick_ref(rng, style.entities);
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
        let style = pick_weighted(rng, country.styles);
        let city = (attempt >= PLAIN_NAME_TRIES).then(|| pick_ref(rng, country.cities));
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
        let style = pick_weighted(rng, country.styles);
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
    let style = pick_weighted(rng, country.styles);
    let city = Some(pick_ref(rng, country.cities));
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
    let city = name.city.unwrap_or_else(|| pick_ref(rng, home.cities));
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

    let street = pick(rng, home.streets);
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
    (country == "NP" && index % 3 != 0).then(|| format!("NP-CRO-{}", 10_000 + (index * 7_919) % 150_000))
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
        pick_distinct(rng, home.destinations, k)
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
        push_unique(&mut sectors, pick(rng, country(destination).sectors));
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
    let body = pick(rng, CERTIFICATION_BODIES);
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

/// (name, kind, country, sector, host of the website)
#[rustfmt::skip]
const ORGANISATIONS: &[(&str, &str, &str, &str, &str)] = &[
    ("Northwind Outfitters plc", "brand", "GB", "apparel", "northwindoutfitters.co.uk"),
    ("Larkspur Home AB", "brand", "SE", "retail", "larkspurhome.se"),
    ("Bluefjord Seafood ASA", "brand", "NO", "seafood", "bluefjordseafood.no"),
    ("Aurelia Devices Inc.", "brand", "US", "electronics", "aureliadevices.com"),
    ("Tessera Electronics GmbH", "brand", "DE", "electronics", "tessera-electronics.de"),
    ("Maple & Moss Apparel Ltd.", "brand", "CA", "apparel", "mapleandmoss.ca"),
    ("Halden Sportswear GmbH", "brand", "DE", "apparel", "halden-sportswear.de"),
    ("Vireo Grocers plc", "brand", "GB", "retail", "vireogrocers.co.uk"),
    ("Casa Lumina S.p.A.", "brand", "IT", "apparel", "casalumina.it"),
    ("Oakridge Foods Corporation", "brand", "US", "food_beverage", "oakridgefoods.com"),
    ("Solenne Cosmétiques SAS", "brand", "FR", "manufacturing", "solenne-cosmetiques.fr"),
    ("Hoshizora Retail K.K.", "brand", "JP", "retail", "hoshizora-retail.co.jp"),
    ("Falkenried Motors AG", "brand", "DE", "automotive", "falkenried-motors.de"),
    ("Brightwater Hotels Group plc", "brand", "GB", "hospitality", "brightwaterhotels.co.uk"),
    ("Perak Precision Components Sdn. Bhd.", "supplier", "MY", "electronics", "perakprecision.com.my"),
    ("Selangor Glove Industries Berhad", "supplier", "MY", "manufacturing", "selangorglove.com.my"),
    ("Penang Circuit Assembly Sdn. Bhd.", "supplier", "MY", "electronics", "penangcircuit.com.my"),
    ("Samut Sakhon Ocean Foods Co., Ltd.", "supplier", "TH", "seafood", "ssoceanfoods.co.th"),
    ("Chonburi Auto Parts Co., Ltd.", "supplier", "TH", "automotive", "chonburiautoparts.co.th"),
    ("Taoyuan Micro Devices Co., Ltd.", "supplier", "TW", "electronics", "taoyuanmicro.com.tw"),
    ("Hsinchu Optronics Corporation", "supplier", "TW", "electronics", "hsinchuoptronics.com.tw"),
    ("Gyeonggi Metalworks Co., Ltd.", "supplier", "KR", "manufacturing", "gyeonggimetal.co.kr"),
    ("Aichi Precision Castings Co., Ltd.", "supplier", "JP", "automotive", "aichi-castings.co.jp"),
    ("Amman Garment Industries Co.", "supplier", "JO", "apparel", "ammangarment.jo"),
    ("Johor Furniture Works Sdn. Bhd.", "supplier", "MY", "manufacturing", "johorfurniture.com.my"),
    ("Songkhla Tuna Canning Co., Ltd.", "supplier", "TH", "seafood", "songkhlatuna.co.th"),
    ("Kaohsiung Deep Sea Fishing Co., Ltd.", "supplier", "TW", "fishing", "kdsfishing.com.tw"),
    ("Irbid Knitwear Manufacturing Co.", "supplier", "JO", "apparel", "irbidknitwear.jo"),
    ("Lusail Build & Infrastructure W.L.L.", "employer", "QA", "construction", "lusailbuild.qa"),
    ("Pearl Coast Hospitality Group LLC", "employer", "AE", "hospitality", "pearlcoasthospitality.ae"),
    ("Najd Facilities Management Co.", "employer", "SA", "facilities_management", "najdfm.com.sa"),
    ("Desert Rose Hotels & Resorts LLC", "employer", "AE", "hospitality", "desertrosehotels.ae"),
    ("Gulf Shield Security Services W.L.L.", "employer", "QA", "security", "gulfshield.qa"),
    ("Muscat Bay Contracting LLC", "employer", "OM", "construction", "muscatbaycontracting.om"),
    ("Bahrain Harbour Logistics W.L.L.", "employer", "BH", "logistics", "bahrainharbourlogistics.bh"),
    ("Kuwait Bay Cleaning Services Co.", "employer", "KW", "cleaning_facilities", "kuwaitbaycleaning.com.kw"),
    ("Riyadh Metro Works Contracting Co.", "employer", "SA", "construction", "riyadhmetroworks.com.sa"),
    ("Kent Valley Growers Ltd.", "employer", "GB", "agriculture", "kentvalleygrowers.co.uk"),
    ("Rheinland Pflege GmbH", "employer", "DE", "health_care", "rheinland-pflege.de"),
    ("Tokachi Dairy Farms Co., Ltd.", "employer", "JP", "agriculture", "tokachidairy.co.jp"),
    ("Busan Coastal Shipbuilding Co., Ltd.", "employer", "KR", "manufacturing", "busancoastal.co.kr"),
    ("Harbourview Care Homes Ltd.", "employer", "GB", "health_care", "harbourviewcare.co.uk"),
    ("Sabah Palm Plantations Berhad", "employer", "MY", "agriculture", "sabahpalm.com.my"),
    ("Marina Towers Facility Services Pte. Ltd.", "employer", "SG", "facilities_management", "marinatowersfs.com.sg"),
    ("Gulf Contractors' Fair Recruitment Forum", "industry_association", "AE", "construction", "gcfrf.org"),
    ("Asia Seafood Responsible Sourcing Council", "industry_association", "TH", "seafood", "asrsc.org"),
    ("Electronics Supply Chain Labour Alliance", "industry_association", "US", "electronics", "esclabouralliance.org"),
    ("European Hospitality Fair Hiring Association", "industry_association", "BE", "hospitality", "ehfha.eu"),
    ("Malaysian Manufacturers' Ethical Recruitment Network", "industry_association", "MY", "manufacturing", "mmern.org.my"),
    ("British Growers' Responsible Labour Group", "industry_association", "GB", "agriculture", "bgrlg.org.uk"),
];

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

struct Provider {
    name: &'static str,
    kind: &'static str,
    countries: &'static [&'static str],
    languages: &'static [&'static str],
    website: &'static str,
}

#[rustfmt::skip]
const PROVIDERS: &[Provider] = &[
    Provider { name: "Iloilo City Skills and Migration Institute", kind: "training_institute", countries: &["PH"], languages: &["tl", "en"], website: "https://iloilo-csmi.com.ph" },
    Provider { name: "Migrant Workers' Welfare Forum Nepal", kind: "ngo", countries: &["NP"], languages: &["ne", "en"], website: "https://www.mwwf.org.np" },
    Provider { name: "Dhaka Safe Migration Resource Centre", kind: "ngo", countries: &["BD"], languages: &["bn", "en"], website: "https://www.safemigration-dhaka.org.bd" },
    Provider { name: "Kerala Overseas Careers Academy", kind: "training_institute", countries: &["IN"], languages: &["ml", "hi", "en"], website: "https://www.kocacademy.co.in" },
    Provider { name: "Lahore Overseas Employment Training Centre", kind: "training_institute", countries: &["PK"], languages: &["ur", "pa", "en"], website: "https://www.loetc.com.pk" },
    Provider { name: "Lanka Institute of Labour Migration Studies", kind: "university", countries: &["LK"], languages: &["si", "ta", "en"], website: "https://www.lilms.ac.lk" },
    Provider { name: "Lembaga Pelatihan Kerja Bina Migran Mandiri", kind: "training_institute", countries: &["ID"], languages: &["id", "en"], website: "https://www.binamigran.co.id" },
    Provider { name: "Red River Vocational and Language College", kind: "training_institute", countries: &["VN"], languages: &["vi", "ja", "ko"], website: "https://www.redriver-college.edu.vn" },
    Provider { name: "Myanmar Overseas Workers' Federation", kind: "trade_union", countries: &["MM", "TH", "MY"], languages: &["my", "th", "en"], website: "https://www.mowf.org.mm" },
    Provider { name: "Mekong Migrant Support Network", kind: "ngo", countries: &["TH", "KH", "LA", "MM"], languages: &["th", "km", "lo", "my", "en"], website: "https://www.mekongmigrants.org" },
    Provider { name: "East Africa Labour Mobility Centre", kind: "ngo", countries: &["KE", "UG", "ET"], languages: &["en", "sw", "am"], website: "https://www.ealmc.or.ke" },
    Provider { name: "Gulf Migrant Workers' Solidarity Federation", kind: "trade_union", countries: &["QA", "AE", "KW", "BH", "OM", "SA"], languages: &["ar", "en", "hi", "ne", "bn", "ur"], website: "https://www.gmwsf.org" },
    Provider { name: "International Centre for Fair Labour Migration", kind: "international_organisation", countries: &["TH", "MY", "SG", "JP", "KR", "HK", "TW", "JO", "QA", "AE", "SA", "GB", "DE"], languages: &["en", "ar", "th", "ms", "ja", "ko", "zh"], website: "https://www.icflm.org" },
    Provider { name: "Asia Pacific Responsible Recruitment Programme", kind: "international_organisation", countries: &["NP", "BD", "IN", "PH", "ID", "VN", "KH", "MM", "LA", "LK", "PK"], languages: &["en", "ne", "bn", "hi", "ur", "si", "tl", "id", "vi", "km", "my", "lo"], website: "https://www.aprrp.org" },
    Provider { name: "Fair Hire Advisory Partners", kind: "consultancy", countries: &["GB", "AE", "SG"], languages: &["en", "ar"], website: "https://www.fairhireadvisory.co.uk" },
    Provider { name: "Supply Chain Labour Standards Consultancy", kind: "consultancy", countries: &["MY", "TW", "TH"], languages: &["en", "ms", "zh", "th"], website: "https://www.scls-consult.com.my" },
    Provider { name: "Sentinel Certification Academy", kind: "certification_body", countries: &["GB", "NP", "BD", "PH"], languages: &["en"], website: "https://academy.sentinel-cert.co.uk" },
    Provider { name: "Kestrel Social Assurance Academy", kind: "certification_body", countries: &["DE", "JO", "AE"], languages: &["en", "de", "ar"], website: "https://www.kestrel-assurance.de" },
    Provider { name: "Doha Institute for Labour Relations", kind: "university", countries: &["QA"], languages: &["ar", "en"], website: "https://www.dilr.edu.qa" },
    Provider { name: "National Foreign Employment Training Centre", kind: "government", countries: &["NP"], languages: &["ne", "en"], website: "https://www.nfetc.gov.np" },
    Provider { name: "Philippine Labour Attaché Training Office", kind: "government", countries: &["PH"], languages: &["tl", "en"], website: "https://www.plato.gov.ph" },
    Provider { name: "Malaysian Labour Inspection Training Institute", kind: "government", countries: &["MY"], languages: &["ms", "en"], website: "https://www.mlti.gov.my" },
];

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

struct Programme {
    code: &'static str,
    audience: &'static str,
    title: &'static str,
    /// Length in days (inclusive of both ends).
    days: (i64, i64),
    listings: usize,
    /// Provider kinds that run it.
    kinds: &'static [&'static str],
    /// Typical fee in US dollars; `None` when always free.
    usd: Option<u32>,
}

#[rustfmt::skip]
const PROGRAMMES: &[Programme] = &[
    Programme { code: "cbp_entry", audience: "recruiters", title: "Ethical recruitment awareness session (CBP entry)", days: (1, 1), listings: 8, kinds: &["training_institute", "consultancy", "international_organisation", "ngo"], usd: Some(60) },
    Programme { code: "cbp_level_1", audience: "recruiters", title: "Gap analysis workshop (CBP level 1)", days: (2, 2), listings: 7, kinds: &["consultancy", "international_organisation", "training_institute", "certification_body"], usd: Some(180) },
    Programme { code: "cbp_level_2", audience: "recruiters", title: "Designing and implementing an ethical recruitment system (CBP level 2)", days: (3, 3), listings: 6, kinds: &["consultancy", "international_organisation"], usd: Some(350) },
    Programme { code: "cbp_level_3", audience: "recruiters", title: "System validation clinic (CBP level 3)", days: (2, 2), listings: 5, kinds: &["consultancy", "certification_body", "international_organisation"], usd: Some(480) },
    Programme { code: "employer_training", audience: "employers", title: "Ethical recruitment for employers of migrant workers", days: (1, 2), listings: 6, kinds: &["consultancy", "international_organisation", "ngo"], usd: Some(250) },
    Programme { code: "supplier_training", audience: "suppliers", title: "Responsible recruitment in supplier operations", days: (1, 2), listings: 5, kinds: &["consultancy", "international_organisation", "certification_body"], usd: Some(200) },
    Programme { code: "brand_training", audience: "brands", title: "Recruitment fee due diligence for brands", days: (1, 1), listings: 5, kinds: &["consultancy", "international_organisation"], usd: Some(400) },
    Programme { code: "government_licensing", audience: "government_officials", title: "Licensing and monitoring of recruitment agencies", days: (2, 3), listings: 4, kinds: &["government", "international_organisation", "university"], usd: None },
    Programme { code: "government_inspection", audience: "government_officials", title: "Labour inspection of recruitment practices", days: (2, 3), listings: 4, kinds: &["government", "international_organisation"], usd: None },
    Programme { code: "consular_training", audience: "government_officials", title: "Protecting migrant workers abroad: consular staff and labour attachés", days: (2, 3), listings: 4, kinds: &["government", "international_organisation"], usd: None },
    Programme { code: "civil_society_training", audience: "civil_society", title: "Monitoring recruitment and supporting complaints", days: (1, 3), listings: 5, kinds: &["ngo", "trade_union", "university", "international_organisation"], usd: None },
    Programme { code: "social_auditor_course", audience: "social_auditors", title: "Social auditor course: ethical recruitment", days: (5, 5), listings: 6, kinds: &["certification_body", "consultancy", "university"], usd: Some(950) },
    Programme { code: "pre_departure_orientation", audience: "migrant_workers", title: "Pre-departure orientation", days: (1, 3), listings: 14, kinds: &["ngo", "training_institute", "government", "trade_union"], usd: None },
    Programme { code: "post_arrival_orientation", audience: "migrant_workers", title: "Post-arrival orientation", days: (1, 1), listings: 10, kinds: &["ngo", "trade_union", "international_organisation"], usd: None },
];

/// Rough local value of one US dollar, for fees in the listing's currency.
const EXCHANGE_RATES: &[(&str, f64)] = &[
    ("NPR", 133.0),
    ("BDT", 120.0),
    ("INR", 83.0),
    ("PKR", 280.0),
    ("LKR", 300.0),
    ("PHP", 56.0),
    ("THB", 35.0),
    ("MYR", 4.7),
    ("AED", 3.67),
    ("QAR", 3.64),
    ("SAR", 3.75),
    ("SGD", 1.35),
    ("GBP", 0.79),
    ("EUR", 0.92),
    ("HKD", 7.8),
    ("TWD", 32.0),
];

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
        provider: provider_for(rng, programme.kinds, Some(place.code)),
        delivery,
        country: Some(place.code),
        city: (delivery != "online").then(|| pick_ref(rng, place.cities).name),
        languages,
        title,
    }
}

fn general_venue(rng: &mut Random, programme: &Programme) -> Venue {
    let provider = provider_for(rng, programme.kinds, None);
    let p = &PROVIDERS[provider];
    let delivery = delivery(rng);
    let place = (delivery != "online" || rng.random_bool(0.5)).then(|| country(pick(rng, p.countries)));
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
            .map(|c| pick_ref(rng, c.cities).name),
        languages,
        title: programme.title.to_string(),
    }
}

/// About 90 listings covering every programme, in 2026 and 2027.
fn training_listings(rng: &mut Random, served: &[Corridor]) -> Vec<TrainingListingRecord> {
    let mut out = Vec::new();
    for programme in PROGRAMMES {
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
        let mut counters = [0usize; 7];
        for record in records {
            let r = rank(record);
            counters[r] += 1;
            let (prefix, digits) = [
                ("rec-", 7),
                ("cert-", 7),
                ("tm-", 7),
                ("org-", 6),
                ("com-", 6),
                ("tp-", 5),
                ("tl-", 6),
            ][r];
            let id = record.external_id();
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
