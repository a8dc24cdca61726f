//! The search query parser and the whole search on an in-memory index: any text, filter and
//! page either answers or refuses the page, never a panic; and every answer keeps the promises
//! a caller relies on: every hit passes the filter (country, corridor, certified on the day),
//! no record twice, the best first, and a total that counts at least the hits up to this page.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use search_index::{Document, Filter, RecordType, SearchIndex, SearchRequest};

/// The seed records: name, country (also the corridor's origin), destination. Record `id` is
/// position + 1; even positions are certified until day 20 000, odd ones never were.
const SEEDS: [(&str, &str, &str); 6] = [
    ("Himalayan Overseas Manpower", "NP", "QA"),
    ("हिमालयन ओभरसिज म्यानपावर", "NP", "AE"),
    ("ঢাকা রিক্রুটিং এজেন্সি", "BD", "MY"),
    ("บริษัท จัดหางาน สยาม", "TH", "KR"),
    ("မြန်မာ အလုပ်အကိုင်", "MM", "TH"),
    ("شركة الخليج للتوظيف", "QA", "QA"),
];

fn certified_until(position: usize) -> u64 {
    if position % 2 == 0 { 20_000 } else { 0 }
}

/// A small index with records in several scripts, built once per process.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::open_in_ram().expect("in-memory index");
        let documents = SEEDS
            .iter()
            .enumerate()
            .map(|(position, (name, origin, destination))| {
                let id = position as i64 + 1;
                let mut document = Document::new(RecordType::Recruiter, id, format!("recruiter:{id}"), *name);
                document.country = Some((*origin).to_owned());
                document.corridors = vec![((*origin).to_owned(), (*destination).to_owned())];
                document.identifiers = vec![format!("ERS-{origin}-2024-{position:07}")];
                document.certified_until = certified_until(position);
                document
            })
            .collect();
        index.replace_all(documents, 1).expect("index the seed records");
        index
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first bytes steer the filter and the page; the rest is the query.
    let byte = |at: usize| data.get(at).copied().unwrap_or(0);
    let words: Vec<&str> = text.split_whitespace().collect();
    let word = |at: usize| words.get(at).map(|word| (*word).to_owned());
    let filter = Filter {
        record_types: if byte(0) & 1 == 1 { vec![RecordType::Recruiter] } else { Vec::new() },
        country: (byte(0) & 2 == 2).then(|| word(0)).flatten(),
        corridor_origin: (byte(0) & 4 == 4).then(|| word(1)).flatten(),
        corridor_destination: (byte(0) & 8 == 8).then(|| word(2)).flatten(),
        sectors: (byte(0) & 16 == 16).then(|| word(3)).flatten().into_iter().collect(),
        languages: (byte(0) & 32 == 32).then(|| word(4)).flatten().into_iter().collect(),
        certified: match byte(1) % 3 {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        },
        certification_statuses: (byte(0) & 64 == 64).then(|| word(5)).flatten().into_iter().collect(),
        certification_bodies: (byte(1) & 128 == 128).then(|| word(6)).flatten().into_iter().collect(),
        today: u64::from(byte(3)) * 100,
    };
    let request = SearchRequest {
        query: &text,
        filter: &filter,
        limit: usize::from(byte(2)),
        offset: usize::from(byte(3)) * 64,
        highlights: data.len() % 2 == 0,
    };
    let results = match index().search(&request) {
        Ok(results) => results,
        Err(error) => {
            assert!(error.is_bad_user_input(), "only a too deep page is refused: {error}");
            return;
        }
    };
    assert!(results.hits.len() <= request.limit);
    if !results.hits.is_empty() {
        assert!(results.total >= (request.offset + results.hits.len()) as u64, "total below the hits shown");
    }
    assert!(results.total <= SEEDS.len() as u64);
    let mut seen = std::collections::BTreeSet::new();
    for pair in results.hits.windows(2) {
        assert!(pair[0].score >= pair[1].score, "the best first: {:?}", results.hits);
    }
    let same = |wanted: &Option<String>, value: &str| {
        wanted.as_ref().is_none_or(|wanted| wanted.trim().to_uppercase() == value)
    };
    let certified_today = |position: usize| certified_until(position) >= filter.today.max(1);
    for hit in &results.hits {
        assert!(seen.insert(hit.id), "record {} twice", hit.id);
        assert_eq!(hit.record_type, RecordType::Recruiter);
        let position = usize::try_from(hit.id - 1).expect("a seed id");
        let (_, country, destination) = SEEDS[position];
        assert!(same(&filter.country, country), "country filter broken: {filter:?} {hit:?}");
        assert!(same(&filter.corridor_origin, country), "origin filter broken: {filter:?} {hit:?}");
        assert!(same(&filter.corridor_destination, destination), "destination filter broken: {filter:?} {hit:?}");
        // The seeds have no sectors or languages: any such filter leaves nothing.
        assert!(filter.sectors.is_empty() && filter.languages.is_empty(), "{filter:?} {hit:?}");
        if let Some(certified) = filter.certified {
            assert_eq!(certified_today(position), certified, "certified filter broken: {filter:?} {hit:?}");
        }
        if !filter.certification_statuses.is_empty() {
            // The seeds hold no recorded status: only "certified", decided by the dates, matches.
            let asks_certified =
                filter.certification_statuses.iter().any(|status| status.trim().to_lowercase() == "certified");
            assert!(asks_certified && certified_today(position), "status filter broken: {filter:?} {hit:?}");
        }
    }
});
