//! The search query parser and the whole search on an in-memory index: any text, filter and
//! page either answers or refuses the page; never a panic.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use search_index::{Document, Filter, RecordType, SearchIndex, SearchRequest};

/// A small index with records in several scripts, built once per process.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::open_in_ram().expect("in-memory index");
        let names = [
            ("Himalayan Overseas Manpower", "NP", "QA"),
            ("हिमालयन ओभरसिज म्यानपावर", "NP", "AE"),
            ("ঢাকা রিক্রুটিং এজেন্সি", "BD", "MY"),
            ("บริษัท จัดหางาน สยาม", "TH", "KR"),
            ("မြန်မာ အလုပ်အကိုင်", "MM", "TH"),
            ("شركة الخليج للتوظيف", "QA", "QA"),
        ];
        let documents = names
            .iter()
            .enumerate()
            .map(|(position, (name, origin, destination))| {
                let id = position as i64 + 1;
                let mut document = Document::new(RecordType::Recruiter, id, format!("recruiter:{id}"), *name);
                document.country = Some((*origin).to_owned());
                document.corridors = vec![((*origin).to_owned(), (*destination).to_owned())];
                document.identifiers = vec![format!("ERS-{origin}-2024-{position:07}")];
                document.certified_until = if position % 2 == 0 { 20_000 } else { 0 };
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
        today: u64::from(byte(3)) * 100,
    };
    let request = SearchRequest {
        query: &text,
        filter: &filter,
        limit: usize::from(byte(2)),
        offset: usize::from(byte(3)) * 64,
    };
    match index().search(&request) {
        Ok(results) => assert!(results.hits.len() <= request.limit),
        Err(error) => assert!(error.is_bad_user_input(), "only a too deep page is refused: {error}"),
    }
});
