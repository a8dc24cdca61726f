//! Builds an on-disk index of 100 000 generated recruiter-like documents in several scripts and
//! reports build time, size on disk, and search latency (p50/p99) for one-word, two-word, typo
//! and prefix queries, each without and with a corridor filter.
//!
//! Run with `cargo bench -p search-index` (release profile). Set `SEARCH_BENCH_DOCS` to change the
//! number of documents.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use search_index::{Document, Filter, RecordType, SearchIndex, SearchRequest};

const DEFAULT_DOCUMENTS: usize = 100_000;
const ROUNDS_PER_QUERY: usize = 200;
const WARMUP_ROUNDS: usize = 20;
const PAGE_SIZE: usize = 20;

const LATIN_FIRST: &[&str] = &[
    "Himalayan",
    "Everest",
    "Gulf",
    "Global",
    "Sagarmatha",
    "Annapurna",
    "Dhaka",
    "Pacific",
    "Kathmandu",
    "Lumbini",
    "Pokhara",
    "Chittagong",
    "Sylhet",
    "Manila",
    "Cebu",
    "Jakarta",
    "Colombo",
    "Kandy",
    "Karachi",
    "Lahore",
    "Mekong",
    "Horizon",
    "Sunrise",
    "Silver",
    "Golden",
    "Crescent",
    "Summit",
    "Trusted",
    "United",
    "Royal",
    "Société",
    "Équipe",
    "Nordic",
    "Atlas",
];
const LATIN_SECOND: &[&str] = &[
    "Manpower",
    "Overseas",
    "Recruitment",
    "Employment",
    "Human Resources",
    "Placement",
    "Workforce",
    "Staffing",
    "Labour",
    "Career",
    "Talent",
    "Consultancy",
    "Travels",
];
const LATIN_SUFFIX: &[&str] = &[
    "Pvt Ltd",
    "Agency",
    "Company",
    "International",
    "Services",
    "Limited",
    "Group",
    "Co",
];
const DEVANAGARI: &[&str] = &[
    "हिमालयन",
    "ओभरसिज",
    "म्यानपावर",
    "सगरमाथा",
    "रोजगार",
    "सेवा",
    "अन्तर्राष्ट्रिय",
    "कम्पनी",
    "काठमाडौं",
    "नेपाल",
    "ट्राभल्स",
    "एजेन्सी",
];
const BENGALI: &[&str] = &[
    "ঢাকা",
    "রিক্রুটিং",
    "এজেন্সি",
    "চট্টগ্রাম",
    "ওভারসিজ",
    "লিমিটেড",
    "ইন্টারন্যাশনাল",
    "সার্ভিস",
];
const THAI: &[&str] = &["บริษัท", "สยาม", "แรงงาน", "สากล", "จำกัด", "จัดหางาน", "ไทย", "กรุงเทพ"];
const ARABIC: &[&str] = &[
    "شركة",
    "الخليج",
    "للتوظيف",
    "الدوحة",
    "مكتب",
    "العمالة",
    "الدولية",
    "خدمات",
];
const BURMESE: &[&str] = &["ရွှေမြန်မာ", "အလုပ်အကိုင်", "ရှာဖွေရေး", "ကုမ္ပဏီ", "ရန်ကုန်"];
const KHMER: &[&str] = &["ក្រុមហ៊ុន", "ជ្រើសរើស", "បុគ្គលិក", "ភ្នំពេញ", "ការងារ"];
const CITIES: &[&str] = &[
    "Kathmandu",
    "Pokhara",
    "Dhaka",
    "Chittagong",
    "Manila",
    "Colombo",
    "Bangkok",
    "Yangon",
    "Phnom Penh",
    "Doha",
    "Dubai",
    "Riyadh",
    "Kuala Lumpur",
    "Jakarta",
    "Karachi",
];
const PROSE: &[&str] = &[
    "we",
    "recruit",
    "workers",
    "for",
    "construction",
    "hospitality",
    "manufacturing",
    "domestic",
    "work",
    "agriculture",
    "health",
    "care",
    "projects",
    "in",
    "the",
    "gulf",
    "malaysia",
    "fair",
    "ethical",
    "recruitment",
    "no",
    "fees",
    "charged",
    "to",
    "migrants",
    "licensed",
    "since",
    "experienced",
    "team",
    "orientation",
    "pre-departure",
    "training",
    "skilled",
    "semi-skilled",
    "drivers",
    "nurses",
    "cooks",
    "welders",
    "electricians",
];
const ORIGINS: &[&str] = &["NP", "BD", "PH", "LK", "PK", "MM", "KH", "TH", "ID", "IN"];
const DESTINATIONS: &[&str] = &["QA", "AE", "SA", "MY", "KW", "OM", "BH", "JP", "KR", "SG"];
const SECTORS: &[&str] = &[
    "construction",
    "domestic work",
    "hospitality",
    "manufacturing",
    "agriculture",
    "health care",
    "security",
    "transport",
];
const LANGUAGES: &[&str] = &["en", "ne", "bn", "hi", "ar", "th", "my", "km", "tl", "si", "ur"];
const STATUSES: &[&str] = &["applicant", "deferred", "suspended", "expired", "withdrawn"];

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[self.below(values.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn generated_name(generator: &mut Generator) -> (String, &'static str) {
    let script_roll = generator.below(100);
    let words = |generator: &mut Generator, list: &[&str], count: usize| -> String {
        (0..count)
            .map(|_| generator.pick(list))
            .collect::<Vec<&str>>()
            .join(" ")
    };
    match script_roll {
        0..=69 => (
            format!(
                "{} {} {}",
                generator.pick(LATIN_FIRST),
                generator.pick(LATIN_SECOND),
                generator.pick(LATIN_SUFFIX)
            ),
            "latin",
        ),
        70..=79 => (words(generator, DEVANAGARI, 3), "devanagari"),
        80..=86 => (words(generator, BENGALI, 3), "bengali"),
        // Thai names are written without spaces between words.
        87..=91 => (
            format!("บริษัท {}{} จำกัด", generator.pick(THAI), generator.pick(THAI)),
            "thai",
        ),
        92..=96 => (words(generator, ARABIC, 3), "arabic"),
        97 | 98 => (words(generator, BURMESE, 2), "burmese"),
        _ => (format!("{}{}", generator.pick(KHMER), generator.pick(KHMER)), "khmer"),
    }
}

fn generated_document(generator: &mut Generator, id: i64) -> Document {
    let (title, _script) = generated_name(generator);
    let mut document = Document::new(RecordType::Recruiter, id, format!("recruiter:{id}"), title);
    let origin = generator.pick(ORIGINS);
    document.country = Some(origin.to_owned());
    if generator.chance(30) {
        document.names.push(generated_name(generator).0);
    }
    // Slugs are derived from the name, as the directory makes them.
    let slug: String = document
        .title
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<&str>>()
        .join("-");
    document.identifiers.push(format!("{slug}-{id}"));
    document
        .identifiers
        .push(format!("LIC-{origin}-{:06}", generator.below(1_000_000)));
    let certified = generator.chance(30);
    if certified || generator.chance(20) {
        document
            .identifiers
            .push(format!("ERS-{origin}-{}-{id:07}", 2020 + generator.below(6)));
    }
    let prose_words = 12 + generator.below(20);
    let description: Vec<&str> = (0..prose_words).map(|_| generator.pick(PROSE)).collect();
    document.body = vec![generator.pick(CITIES).to_owned(), description.join(" ")];
    for _ in 0..1 + generator.below(3) {
        let corridor = (origin.to_owned(), generator.pick(DESTINATIONS).to_owned());
        if !document.corridors.contains(&corridor) {
            document.corridors.push(corridor);
        }
    }
    for _ in 0..1 + generator.below(3) {
        document.sectors.push(generator.pick(SECTORS).to_owned());
    }
    for _ in 0..1 + generator.below(3) {
        document.languages.push(generator.pick(LANGUAGES).to_owned());
    }
    document.certified_until = if certified { 40_000 } else { 0 };
    document.earliest_certified_expiry = document.certified_until;
    document.certification_statuses = if certified {
        vec!["certified".to_owned()]
    } else {
        vec![generator.pick(STATUSES).to_owned()]
    };
    document
}

fn directory_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.metadata().ok())
                .filter(|metadata| metadata.is_file())
                .map(|metadata| metadata.len())
                .sum()
        })
        .unwrap_or(0)
}

/// CPU time the process has used (user + system, all threads, so the search threads too), from
/// `/proc`, in 10 ms ticks: too coarse for one query, but averaged over a thousand it shows the
/// cost without the time spent waiting for a core, which on a shared machine inflates wall-clock
/// percentiles.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of stat(5), counted from the state (field 3) at index 0.
    let user_ticks: u64 = fields.get(11)?.parse().ok()?;
    let system_ticks: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((user_ticks + system_ticks) * 10))
}

/// Segments on disk (one `.term` file each), since their number drives per-query overhead.
fn segment_count(path: &Path) -> usize {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_name().to_string_lossy().ends_with(".term"))
                .count()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is ignored too.
    let document_count = std::env::var("SEARCH_BENCH_DOCS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_DOCUMENTS);
    let dir = tempfile::tempdir().expect("temporary directory");
    let index = SearchIndex::open(dir.path()).expect("open index");

    let mut generator = Generator(0x5EED_CAFE_F00D_BEEF);
    let generation_started = Instant::now();
    let documents: Vec<Document> = (1..=document_count as i64)
        .map(|id| generated_document(&mut generator, id))
        .collect();
    let generation_time = generation_started.elapsed();

    let build_started = Instant::now();
    index.replace_all(documents, 1).expect("build");
    let build_time = build_started.elapsed();
    // Let background merges settle so latency is measured on a steady index.
    std::thread::sleep(Duration::from_secs(2));

    println!("documents:        {document_count}");
    println!(
        "generation:       {:.2} s (not part of the build)",
        generation_time.as_secs_f64()
    );
    println!(
        "build:            {:.2} s (replace_all, one commit)",
        build_time.as_secs_f64()
    );
    println!(
        "size on disk:     {:.1} MiB",
        directory_size(dir.path()) as f64 / (1024.0 * 1024.0)
    );
    println!("docs indexed:     {}", index.num_docs());
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average:     {} (other processes share the cores)",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
    println!("segment files:    {}", segment_count(dir.path()));

    let kinds: [(&str, &[&str]); 4] = [
        ("one word", &["manpower", "overseas", "everest", "kathmandu", "สยาม"]),
        (
            "two words",
            &[
                "gulf manpower",
                "himalayan overseas",
                "global recruitment",
                "dhaka staffing",
                "हिमालयन ओभरसिज",
            ],
        ),
        (
            "typo",
            &["manpowr", "recruitmnet", "oversaes", "himalyan", "employmnet"],
        ),
        ("prefix", &["overs", "recru", "himal", "manp", "emplo"]),
    ];
    let no_filter = Filter::default();
    let corridor = Filter {
        corridor_origin: Some("NP".to_owned()),
        corridor_destination: Some("QA".to_owned()),
        ..Filter::default()
    };
    println!();
    println!(
        "{:<10} {:<9} {:<9} {:>9} {:>9} {:>9} {:>11} {:>10}",
        "query", "filter", "snippets", "p50 ms", "p99 ms", "max ms", "cpu avg ms", "avg hits"
    );
    for (kind, queries) in kinds {
        // With snippets each hit reads its stored document; without, it is named from fast
        // columns: the two rows side by side show what snippets cost.
        let setups = [("none", &no_filter), ("NP-QA", &corridor)]
            .into_iter()
            .flat_map(|(name, filter)| [(name, filter, true), (name, filter, false)]);
        for (filter_name, filter, highlights) in setups {
            let run = |query: &str| {
                index
                    .search(&SearchRequest {
                        query,
                        filter,
                        limit: PAGE_SIZE,
                        offset: 0,
                        highlights,
                    })
                    .expect("search")
            };
            for round in 0..WARMUP_ROUNDS {
                black_box(run(queries[round % queries.len()]));
            }
            let mut latencies = Vec::with_capacity(ROUNDS_PER_QUERY * queries.len());
            let mut total_matches = 0u64;
            let cpu_before = process_cpu_time();
            for round in 0..ROUNDS_PER_QUERY * queries.len() {
                let query = queries[round % queries.len()];
                let started = Instant::now();
                let results = black_box(run(query));
                latencies.push(started.elapsed());
                total_matches += results.total;
            }
            let cpu_average = match (cpu_before, process_cpu_time()) {
                (Some(before), Some(after)) => {
                    format!("{:.2}", millis(after.saturating_sub(before)) / latencies.len() as f64)
                }
                _ => "n/a".to_owned(),
            };
            if std::env::var_os("SEARCH_BENCH_DETAIL").is_some() {
                for (position, query) in queries.iter().enumerate() {
                    let mut own: Vec<Duration> = latencies
                        .iter()
                        .skip(position)
                        .step_by(queries.len())
                        .copied()
                        .collect();
                    own.sort_unstable();
                    println!(
                        "    {query:<22} p50 {:>7.2} ms  p99 {:>7.2} ms",
                        millis(percentile(&own, 0.50)),
                        millis(percentile(&own, 0.99))
                    );
                }
            }
            latencies.sort_unstable();
            println!(
                "{:<10} {:<9} {:<9} {:>9.2} {:>9.2} {:>9.2} {:>11} {:>10}",
                kind,
                filter_name,
                if highlights { "yes" } else { "no" },
                millis(percentile(&latencies, 0.50)),
                millis(percentile(&latencies, 0.99)),
                millis(*latencies.last().expect("measured")),
                cpu_average,
                total_matches / latencies.len() as u64,
            );
        }
    }
}
