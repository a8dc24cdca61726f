//! Whatever a person (or a script) sends as query text, search answers and never panics.

use std::sync::LazyLock;

use proptest::prelude::*;
use search_index::{Document, Filter, RecordType, SearchIndex, SearchRequest};

static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| {
    let index = SearchIndex::open_in_ram().expect("in-memory index");
    let titles = [
        "Himalayan Manpower Overseas",
        "Société Générale de Recrutement",
        "บริษัท สยามแรงงานสากล จำกัด",
        "हिमालयन ओभरसिज म्यानपावर",
        "ঢাকা রিক্রুটিং এজেন্সি",
        "شركة الخليج للتوظيف",
        "ရွှေမြန်မာ အလုပ်အကိုင်",
        "ក្រុមហ៊ុនជ្រើសរើសបុគ្គលិក",
        "東京人材派遣株式会社",
    ];
    let documents = titles
        .iter()
        .enumerate()
        .map(|(position, title)| {
            let id = i64::try_from(position).expect("small");
            let mut document = Document::new(RecordType::Recruiter, id, format!("recruiter:{id}"), *title);
            document.identifiers = vec![format!("ERS-NP-2024-{id:07}")];
            document.body = vec![format!("{title} description, city {id}")];
            document.corridors = vec![("NP".to_owned(), "QA".to_owned())];
            document
        })
        .collect();
    index.replace_all(documents, 1).expect("index documents");
    index
});

fn search_all_ways(query: &str) {
    let corridor = Filter {
        corridor_origin: Some("NP".to_owned()),
        corridor_destination: Some("QA".to_owned()),
        ..Filter::default()
    };
    for filter in [Filter::default(), corridor] {
        let results = INDEX
            .search(&SearchRequest {
                query,
                filter: &filter,
                limit: 10,
                offset: 0,
                highlights: true,
            })
            .unwrap_or_else(|error| panic!("{query:?} failed: {error}"));
        assert!(results.hits.len() <= 10);
        assert!(results.total >= results.hits.len() as u64);
        for hit in &results.hits {
            assert!(hit.score.is_finite());
        }
    }
}

#[test]
fn known_hostile_queries_are_answered() {
    let long_latin = "manpower ".repeat(1_200);
    let long_word = "a".repeat(10_000);
    let long_thai = "สยาม".repeat(2_500);
    let many_words: String = (0..5_000).map(|word| format!("w{word} ")).collect();
    let hostile = [
        "",
        " ",
        "*",
        "?",
        "\"",
        "\"unterminated phrase",
        "title:(a OR",
        "title:(a OR b) AND -c +d",
        "a AND OR NOT b",
        "field:[1 TO",
        "~2 ^3 manpower~ overs*",
        "\\",
        "/regex.*/",
        "\u{0}\u{1}\u{7}\u{1b}[31m",
        "\u{feff}\u{200b}\u{200d}",
        "🙂🙃 👩‍👩‍👧",
        "a\u{0301}\u{0301}\u{0301}\u{0301}",
        "ओभरसिज manpower สยาม الخليج 東京",
        "ERS-NP-2024-0000001",
        "\u{10FFFF}\u{E000}",
        "\r\n\t",
        &long_latin,
        &long_word,
        &long_thai,
        &many_words,
    ];
    for query in hostile {
        search_all_ways(query);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_printable_text_is_answered(query in "\\PC*") {
        search_all_ways(&query);
    }

    #[test]
    fn any_unicode_is_answered(query in any::<String>()) {
        search_all_ways(&query);
    }

    #[test]
    fn any_mix_of_words_and_syntax_is_answered(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("manpower".to_owned()),
                Just("overs".to_owned()),
                Just("สยาม".to_owned()),
                Just("हिमाल".to_owned()),
                Just("title:".to_owned()),
                Just("(".to_owned()),
                Just(")".to_owned()),
                Just("OR".to_owned()),
                Just("*".to_owned()),
                Just("~".to_owned()),
                Just("\"".to_owned()),
                "[\\PC]{0,12}",
            ],
            0..40,
        )
    ) {
        search_all_ways(&parts.join(" "));
        search_all_ways(&parts.concat());
    }
}
