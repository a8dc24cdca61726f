//! Behaviour of the search index as the API sees it: ranking, typos, prefixes, folding, scripts,
//! filters and facets, paging, freshness and persistence.

use search_index::{Document, Error, Filter, RecordType, SearchIndex, SearchRequest, SearchResults};

fn recruiter(id: i64, title: &str) -> Document {
    Document::new(RecordType::Recruiter, id, format!("recruiter:{id}"), title)
}

fn search(index: &SearchIndex, query: &str) -> SearchResults {
    search_filtered(index, query, &Filter::default())
}

fn search_filtered(index: &SearchIndex, query: &str, filter: &Filter) -> SearchResults {
    index
        .search(&SearchRequest {
            query,
            filter,
            limit: 20,
            offset: 0,
            highlights: true,
        })
        .unwrap_or_else(|error| panic!("search {query:?} failed: {error}"))
}

fn ids(results: &SearchResults) -> Vec<i64> {
    results.hits.iter().map(|hit| hit.id).collect()
}

fn index_with(documents: Vec<Document>) -> SearchIndex {
    let index = SearchIndex::open_in_ram().expect("in-memory index");
    index.replace_all(documents, 1).expect("index documents");
    index
}

/// Finds `expected_id` among the hits of `query`, with a readable failure.
fn assert_finds(index: &SearchIndex, query: &str, expected_id: i64) {
    let results = search(index, query);
    assert!(
        ids(&results).contains(&expected_id),
        "{query:?} should find {expected_id}, found {:?}",
        ids(&results)
    );
}

fn assert_first(index: &SearchIndex, query: &str, expected_id: i64) {
    let results = search(index, query);
    assert_eq!(
        ids(&results).first(),
        Some(&expected_id),
        "{query:?} should rank {expected_id} first, got {:?}",
        results.hits.iter().map(|hit| (hit.id, hit.score)).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------- ranking

#[test]
fn exact_certificate_number_ranks_first() {
    let mut certified = recruiter(1, "Everest Placement Services");
    certified.identifiers = vec!["ERS-NP-2024-0000001".to_owned(), "everest-placement".to_owned()];
    // Shares most number words, and mentions them in its name and prose.
    let mut lookalike = recruiter(2, "ERS NP 2024 Recruitment 0000001");
    lookalike.identifiers = vec!["ERS-NP-2024-0000002".to_owned()];
    lookalike.body = vec!["ers np 2024 0000001 0000001".to_owned()];
    let index = index_with(vec![lookalike, certified]);

    assert_first(&index, "ers-np 2024-0000001", 1);
    assert_first(&index, "ERS-NP-2024-0000001", 1);
    assert_first(&index, "ersnp20240000001", 1);
    assert_first(&index, "Everest-Placement", 1);
    let results = search(&index, "ers-np 2024-0000001");
    assert!(
        results.hits[0]
            .highlights
            .contains(&"<mark>ERS-NP-2024-0000001</mark>".to_owned())
    );
}

#[test]
fn exact_name_ranks_above_partial_matches() {
    let index = index_with(vec![
        recruiter(1, "Gulf Manpower Services and Gulf Manpower Consultancy"),
        recruiter(2, "Gulf Manpower"),
        recruiter(3, "Manpower Gulf Overseas"),
    ]);
    assert_first(&index, "Gulf Manpower", 2);
    assert_first(&index, "gulf manpower", 2);
}

#[test]
fn trading_and_former_names_are_found_and_an_exact_one_ranks_high() {
    let mut renamed = recruiter(1, "Annapurna Human Resources");
    renamed.names = vec!["Old Trusted Manpower".to_owned()];
    let index = index_with(vec![recruiter(2, "Trusted Manpower Old Town Office"), renamed]);
    assert_first(&index, "old trusted manpower", 1);
}

#[test]
fn all_words_rank_above_some_words() {
    // "kathmandu" is common and "hospitality" rare, so by word scores alone the short title
    // saying "hospitality" twice would beat the long one holding both words.
    let mut documents: Vec<Document> = (10..30)
        .map(|id| recruiter(id, &format!("Kathmandu Agency {id}")))
        .collect();
    let mut rare_word_only = recruiter(1, "Hospitality Hospitality");
    rare_word_only.body = vec!["hospitality hospitality hospitality".to_owned()];
    documents.push(rare_word_only);
    documents.push(recruiter(
        2,
        "Kathmandu Recruiters of Nepal International Hospitality Services Limited",
    ));
    let index = index_with(documents);
    assert_first(&index, "hospitality kathmandu", 2);
}

#[test]
fn phrase_in_name_ranks_above_scattered_words() {
    let index = index_with(vec![
        recruiter(1, "Employment Sagarmatha Overseas"),
        recruiter(2, "Sagarmatha Overseas Employment Services Limited"),
    ]);
    assert_first(&index, "overseas employment", 2);
}

#[test]
fn certified_ranks_above_uncertified_at_equal_text_relevance() {
    let uncertified_first = recruiter(1, "Pacific Labour Link");
    let mut certified = recruiter(2, "Pacific Labour Link");
    certified.certified_until = CERTIFIED_UNTIL;
    certified.earliest_certified_expiry = CERTIFIED_UNTIL;
    certified.certification_statuses = vec!["certified".to_owned()];
    let uncertified_last = recruiter(3, "Pacific Labour Link");
    let index = index_with(vec![uncertified_first, certified, uncertified_last]);
    assert_first(&index, "pacific labour", 2);
    assert_first(&index, "Pacific Labour Link", 2);
    assert_first(&index, "pacif", 2);
}

#[test]
fn certification_never_lifts_a_weaker_kind_of_match() {
    let mut certified_partial = recruiter(1, "Pacific Labour Services International");
    certified_partial.certified_until = CERTIFIED_UNTIL;
    certified_partial.earliest_certified_expiry = CERTIFIED_UNTIL;
    let exact_uncertified = recruiter(2, "Pacific Labour");
    let index = index_with(vec![certified_partial, exact_uncertified]);
    assert_first(&index, "pacific labour", 2);
}

// ---------------------------------------------------------------- typos, prefixes, folding

#[test]
fn typos_are_tolerated() {
    let index = index_with(vec![
        recruiter(1, "Himalayan Manpower"),
        recruiter(2, "Global Recruitment Agency"),
        recruiter(3, "Unrelated Travels"),
    ]);
    assert_first(&index, "manpowr", 1);
    assert_first(&index, "recruitmnet", 2);
    // Two edits in a nine-letter word.
    assert_first(&index, "recrutmnet", 2);
    // Two edits in a short word are not a typo.
    assert!(search(&index, "mnpowr").hits.is_empty());
}

#[test]
fn typo_matches_are_highlighted() {
    let index = index_with(vec![recruiter(1, "Himalayan Manpower")]);
    let results = search(&index, "manpowr ");
    assert_eq!(results.hits[0].highlights, ["Himalayan <mark>Manpower</mark>"]);
}

#[test]
fn the_word_being_typed_matches_as_a_prefix() {
    let index = index_with(vec![
        recruiter(1, "Nepal Overseas Employment"),
        recruiter(2, "Nepal Travels"),
    ]);
    assert_first(&index, "overs", 1);
    assert_first(&index, "nepal overs", 1);
    assert_eq!(search(&index, "overs").total, 1);
    let results = search(&index, "overs");
    assert_eq!(results.hits[0].highlights, ["Nepal <mark>Overseas</mark> Employment"]);
}

#[test]
fn accents_and_case_are_folded_both_ways() {
    let mut french = Document::new(
        RecordType::Organisation,
        7,
        "organisation:7",
        "Société Générale de Recrutement",
    );
    french.body = vec!["Établie à Montréal".to_owned()];
    let index = index_with(vec![french, recruiter(8, "SOCIETE ANONYME DU TRAVAIL")]);
    assert_first(&index, "Societe Generale", 7);
    assert_first(&index, "SOCIÉTÉ générale", 7);
    assert_finds(&index, "montreal", 7);
    assert_finds(&index, "société anonyme", 8);
    let results = search(&index, "societe generale");
    assert_eq!(
        results.hits[0].highlights[0],
        "<mark>Société</mark> <mark>Générale</mark> de Recrutement"
    );
}

// ---------------------------------------------------------------- scripts

#[test]
fn thai_names_are_found_by_each_dictionary_word() {
    let index = index_with(vec![
        recruiter(1, "บริษัท สยามแรงงานสากล จำกัด"),
        recruiter(2, "บริษัท กรุงเทพ ท่องเที่ยว จำกัด"),
    ]);
    assert_first(&index, "สยาม", 1);
    assert_first(&index, "แรงงาน", 1);
    assert_first(&index, "สยามแรงงาน", 1);
    assert_eq!(search(&index, "แรงงาน").total, 1);
}

#[test]
fn devanagari_names_are_found_by_words_and_prefixes() {
    let index = index_with(vec![
        recruiter(1, "हिमालयन ओभरसिज म्यानपावर"),
        recruiter(2, "काठमाडौं ट्राभल्स"),
        // 45 bytes in UTF-8: over Tantivy's default 40-byte token limit.
        recruiter(3, "अन्तर्राष्ट्रिय रोजगार सेवा"),
    ]);
    assert_first(&index, "अन्तर्राष्ट्रिय", 3);
    assert_first(&index, "ओभरसिज", 1);
    assert_first(&index, "हिमाल", 1);
    assert_first(&index, "म्यानपावर", 1);
    assert_eq!(search(&index, "ओभरसिज").total, 1);
    let results = search(&index, "हिमाल");
    assert_eq!(results.hits[0].highlights, ["<mark>हिमालयन</mark> ओभरसिज म्यानपावर"]);
}

#[test]
fn bengali_names_are_found_by_words_and_prefixes() {
    let index = index_with(vec![recruiter(1, "ঢাকা রিক্রুটিং এজেন্সি"), recruiter(2, "চট্টগ্রাম ট্রাভেলস")]);
    assert_first(&index, "রিক্রুটিং", 1);
    assert_first(&index, "এজেন", 1);
    assert_eq!(search(&index, "ঢাকা").total, 1);
}

#[test]
fn arabic_names_are_found_with_or_without_short_vowels() {
    let index = index_with(vec![
        recruiter(1, "شركة الخليج للتوظيف"),
        recruiter(2, "مكتب الدوحة للسفر"),
    ]);
    assert_first(&index, "الخليج", 1);
    assert_first(&index, "الخَلِيج", 1);
    assert_first(&index, "للتوظ", 1);
    assert_eq!(search(&index, "الخليج").total, 1);
}

#[test]
fn burmese_names_are_found_by_each_word() {
    let index = index_with(vec![
        recruiter(1, "ရွှေမြန်မာ အလုပ်အကိုင် ရှာဖွေရေး ကုမ္ပဏီ"),
        recruiter(2, "ရန်ကုန် ခရီးသွား"),
    ]);
    assert_first(&index, "အလုပ်အကိုင်", 1);
    assert_first(&index, "ကုမ္ပဏီ", 1);
    assert_eq!(search(&index, "ရှာဖွေရေး").total, 1);
}

#[test]
fn khmer_names_are_found_by_dictionary_words() {
    let index = index_with(vec![
        recruiter(1, "ក្រុមហ៊ុនជ្រើសរើសបុគ្គលិក ភ្នំពេញ"),
        recruiter(2, "ទេសចរណ៍ សៀមរាប"),
    ]);
    assert_first(&index, "ជ្រើសរើស", 1);
    assert_first(&index, "ភ្នំពេញ", 1);
    assert_eq!(search(&index, "ជ្រើសរើស").total, 1);
}

#[test]
fn mixed_scripts_in_one_query_find_either_part() {
    let index = index_with(vec![recruiter(1, "हिमालयन ओभरसिज"), recruiter(2, "Gulf Manpower")]);
    let results = search(&index, "ओभरसिज manpower");
    let mut found = ids(&results);
    found.sort_unstable();
    assert_eq!(found, [1, 2]);
}

// ---------------------------------------------------------------- filters and facets

fn directory_sample() -> Vec<Document> {
    let mut nepal_qatar = recruiter(1, "Everest Construction Recruiters");
    nepal_qatar.country = Some("NP".to_owned());
    nepal_qatar.corridors = vec![("NP".to_owned(), "QA".to_owned()), ("NP".to_owned(), "AE".to_owned())];
    nepal_qatar.sectors = vec!["construction".to_owned()];
    nepal_qatar.languages = vec!["ne".to_owned(), "en".to_owned()];
    nepal_qatar.certification_statuses = vec!["certified".to_owned()];
    nepal_qatar.certified_until = CERTIFIED_UNTIL;
    nepal_qatar.earliest_certified_expiry = CERTIFIED_UNTIL;

    let mut bangladesh_qatar = recruiter(2, "Dhaka Construction Recruiters");
    bangladesh_qatar.country = Some("BD".to_owned());
    bangladesh_qatar.corridors = vec![("BD".to_owned(), "QA".to_owned())];
    bangladesh_qatar.sectors = vec!["construction".to_owned(), "hospitality".to_owned()];
    bangladesh_qatar.languages = vec!["bn".to_owned()];
    bangladesh_qatar.certification_statuses = vec!["suspended".to_owned()];

    let mut nepal_malaysia = recruiter(3, "Kathmandu Construction Recruiters");
    nepal_malaysia.country = Some("np".to_owned());
    nepal_malaysia.corridors = vec![("np".to_owned(), "my".to_owned())];
    nepal_malaysia.sectors = vec!["Manufacturing".to_owned()];
    nepal_malaysia.languages = vec!["ne".to_owned()];

    let mut bangladesh_uae = recruiter(4, "Chittagong Recruiters");
    bangladesh_uae.country = Some("BD".to_owned());
    bangladesh_uae.corridors = vec![("BD".to_owned(), "AE".to_owned())];
    bangladesh_uae.sectors = vec!["domestic work".to_owned()];

    let mut training = Document::new(
        RecordType::TrainingListing,
        5,
        "training_listing:5",
        "Construction safety pre-departure orientation",
    );
    training.countries = vec!["NP".to_owned()];
    training.corridors = vec![("NP".to_owned(), "QA".to_owned())];
    training.sectors = vec!["construction".to_owned()];

    vec![nepal_qatar, bangladesh_qatar, nepal_malaysia, bangladesh_uae, training]
}

fn sorted_ids(results: &SearchResults) -> Vec<i64> {
    let mut found = ids(results);
    found.sort_unstable();
    found
}

#[test]
fn filters_apply_inside_the_index() {
    let index = index_with(directory_sample());
    let by = |filter: Filter| sorted_ids(&search_filtered(&index, "construction", &filter));

    assert_eq!(by(Filter::default()), [1, 2, 3, 5]);
    assert_eq!(
        by(Filter {
            country: Some("np".to_owned()),
            ..Filter::default()
        }),
        [1, 3, 5]
    );
    assert_eq!(
        by(Filter {
            corridor_origin: Some("NP".to_owned()),
            ..Filter::default()
        }),
        [1, 3, 5]
    );
    assert_eq!(
        by(Filter {
            corridor_destination: Some("QA".to_owned()),
            ..Filter::default()
        }),
        [1, 2, 5]
    );
    // Origin and destination must be one corridor: recruiter 2 serves BD-QA and 4 BD-AE, so
    // nobody matching "construction" serves BD-AE.
    assert_eq!(
        by(Filter {
            corridor_origin: Some("BD".to_owned()),
            corridor_destination: Some("AE".to_owned()),
            ..Filter::default()
        }),
        Vec::<i64>::new()
    );
    assert_eq!(
        by(Filter {
            corridor_origin: Some("np".to_owned()),
            corridor_destination: Some("ae".to_owned()),
            ..Filter::default()
        }),
        [1]
    );
    assert_eq!(
        by(Filter {
            sectors: vec!["hospitality".to_owned(), "manufacturing".to_owned()],
            ..Filter::default()
        }),
        [2, 3]
    );
    assert_eq!(
        by(Filter {
            languages: vec!["NE".to_owned()],
            ..Filter::default()
        }),
        [1, 3]
    );
    assert_eq!(
        by(Filter {
            certified: Some(true),
            ..Filter::default()
        }),
        [1]
    );
    assert_eq!(
        by(Filter {
            certified: Some(false),
            ..Filter::default()
        }),
        [2, 3, 5]
    );
    assert_eq!(
        by(Filter {
            certification_statuses: vec!["suspended".to_owned()],
            ..Filter::default()
        }),
        [2]
    );
    assert_eq!(
        by(Filter {
            record_types: vec![RecordType::TrainingListing, RecordType::Organisation],
            ..Filter::default()
        }),
        [5]
    );
}

#[test]
fn facets_count_the_whole_filtered_result() {
    let index = index_with(directory_sample());
    let filter = Filter {
        corridor_destination: Some("QA".to_owned()),
        ..Filter::default()
    };
    let results = index
        .search(&SearchRequest {
            query: "",
            filter: &filter,
            limit: 1,
            offset: 0,
            highlights: true,
        })
        .expect("browse");
    assert_eq!(results.total, 3);
    assert_eq!(results.hits.len(), 1);
    let facets = &results.facets;
    let pairs = |values: &[(&str, u64)]| -> Vec<(String, u64)> {
        values
            .iter()
            .map(|(value, count)| ((*value).to_owned(), *count))
            .collect()
    };
    assert_eq!(facets.record_type, pairs(&[("recruiter", 2), ("training_listing", 1)]));
    assert_eq!(facets.country, pairs(&[("NP", 2), ("BD", 1)]));
    assert_eq!(facets.corridor, pairs(&[("NP-QA", 2), ("BD-QA", 1), ("NP-AE", 1)]));
    assert_eq!(facets.sector, pairs(&[("construction", 3), ("hospitality", 1)]));
    assert_eq!(facets.language, pairs(&[("bn", 1), ("en", 1), ("ne", 1)]));
    assert_eq!(
        facets.certification_status,
        pairs(&[("certified", 1), ("suspended", 1)])
    );

    // With text as well, counts follow the text match too.
    let with_text = search_filtered(&index, "dhaka", &filter);
    assert_eq!(with_text.total, 1);
    assert_eq!(with_text.facets.country, pairs(&[("BD", 1)]));
}

#[test]
fn empty_query_browses_certified_first_then_by_name() {
    let index = index_with(directory_sample());
    for query in ["", "   ", "?!*", "\u{0}\u{7}"] {
        let results = search(&index, query);
        assert_eq!(results.total, 5, "{query:?}");
        // Certified Everest first, then alphabetical by title.
        assert_eq!(ids(&results), [1, 4, 5, 2, 3], "{query:?}");
        assert!(results.hits.iter().all(|hit| hit.highlights.is_empty()));
        assert_eq!(results.facets.record_type.len(), 2);
    }
}

#[test]
fn pages_with_offset_do_not_overlap_and_cover_everything() {
    let documents: Vec<Document> = (1..=25)
        .map(|id| recruiter(id, &format!("Horizon Recruiters branch {id}")))
        .collect();
    let index = index_with(documents);
    let mut seen = Vec::new();
    for offset in [0, 10, 20] {
        let page = index
            .search(&SearchRequest {
                query: "horizon",
                filter: &Filter::default(),
                limit: 10,
                offset,
                highlights: true,
            })
            .expect("page");
        assert_eq!(page.total, 25);
        seen.extend(ids(&page));
    }
    assert_eq!(seen.len(), 25);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 25);

    let beyond = index
        .search(&SearchRequest {
            query: "horizon",
            filter: &Filter::default(),
            limit: 10,
            offset: 100,
            highlights: true,
        })
        .expect("past the end");
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, 25);

    let only_counts = index
        .search(&SearchRequest {
            query: "horizon",
            filter: &Filter::default(),
            limit: 0,
            offset: 0,
            highlights: true,
        })
        .expect("counts only");
    assert!(only_counts.hits.is_empty());
    assert_eq!(only_counts.total, 25);
}

#[test]
fn a_result_window_too_deep_is_refused_as_bad_input() {
    let index = index_with(vec![recruiter(1, "Anything")]);
    let error = index
        .search(&SearchRequest {
            query: "anything",
            filter: &Filter::default(),
            limit: 10,
            offset: usize::MAX,
            highlights: true,
        })
        .expect_err("window too large");
    assert!(matches!(error, Error::ResultWindowTooLarge { .. }));
    assert!(error.is_bad_user_input());
}

// ---------------------------------------------------------------- freshness and persistence

#[test]
fn apply_is_visible_to_the_next_search() {
    let index = index_with(vec![recruiter(1, "Old Name Recruiters"), recruiter(2, "Other Agency")]);
    assert_eq!(index.position(), 1);

    index
        .apply(vec![recruiter(1, "Brand New Recruiters")], Vec::new(), 2)
        .expect("upsert");
    assert!(search(&index, "old name").hits.is_empty());
    assert_first(&index, "brand new", 1);
    assert_eq!(index.num_docs(), 2);
    assert_eq!(index.position(), 2);

    index
        .apply(vec![recruiter(3, "Third Agency")], vec!["recruiter:2".to_owned()], 3)
        .expect("insert and delete");
    assert_eq!(sorted_ids(&search(&index, "agency")), [3]);
    assert_eq!(index.position(), 3);

    // The same key twice in one batch: the last one wins.
    index
        .apply(
            vec![recruiter(3, "First Draft"), recruiter(3, "Final Version")],
            Vec::new(),
            4,
        )
        .expect("duplicate keys");
    assert!(search(&index, "draft").hits.is_empty());
    assert_first(&index, "final version", 3);
    assert_eq!(index.num_docs(), 2);
}

#[test]
fn replace_all_swaps_the_whole_index() {
    let index = index_with(vec![recruiter(1, "Before Rebuild"), recruiter(2, "Also Before")]);
    index
        .replace_all(vec![recruiter(3, "After Rebuild")], 10)
        .expect("rebuild");
    assert_eq!(index.num_docs(), 1);
    assert_eq!(sorted_ids(&search(&index, "rebuild")), [3]);
    assert_eq!(index.position(), 10);
    assert!(!index.needs_rebuild());
}

#[test]
fn position_and_documents_survive_reopening_from_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let index = SearchIndex::open(dir.path()).expect("create");
        assert!(index.needs_rebuild(), "a new index must ask for a rebuild");
        assert_eq!(index.position(), 0);
        index
            .replace_all(vec![recruiter(1, "Persistent Recruiters")], 41)
            .expect("rebuild");
        index
            .apply(vec![recruiter(2, "Later Recruiters")], Vec::new(), 42)
            .expect("catch up");
    }
    let reopened = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(reopened.position(), 42);
    assert!(!reopened.needs_rebuild());
    assert_eq!(sorted_ids(&search(&reopened, "recruiters")), [1, 2]);
}

#[test]
fn an_interrupted_first_build_still_needs_a_rebuild_after_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let index = SearchIndex::open(dir.path()).expect("create");
        index
            .apply(vec![recruiter(1, "Caught Up Only")], Vec::new(), 5)
            .expect("apply");
    }
    let reopened = SearchIndex::open(dir.path()).expect("reopen");
    assert!(reopened.needs_rebuild());
    assert_eq!(reopened.position(), 5);
}

#[test]
fn a_corrupt_index_is_recreated_empty_and_flagged() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let index = SearchIndex::open(dir.path()).expect("create");
        index
            .replace_all(vec![recruiter(1, "Soon Corrupt")], 7)
            .expect("rebuild");
    }
    std::fs::write(dir.path().join("meta.json"), b"{ not json").expect("corrupt meta");
    std::fs::write(dir.path().join("keep-me.txt"), b"not ours").expect("foreign file");
    let reopened = SearchIndex::open(dir.path()).expect("recreate");
    assert!(reopened.needs_rebuild());
    assert_eq!(reopened.position(), 0);
    assert_eq!(reopened.num_docs(), 0);
    assert!(dir.path().join("keep-me.txt").exists());
}

#[test]
fn an_index_of_another_schema_is_recreated_and_flagged() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_text_field("something_else", tantivy::schema::TEXT);
        let foreign = tantivy::Index::create_in_dir(dir.path(), builder.build()).expect("foreign");
        let mut writer: tantivy::IndexWriter = foreign.writer(15_000_000).expect("foreign writer");
        writer.commit().expect("foreign commit");
    }
    let reopened = SearchIndex::open(dir.path()).expect("recreate");
    assert!(reopened.needs_rebuild());
    reopened
        .replace_all(vec![recruiter(1, "Fresh Schema")], 3)
        .expect("rebuild");
    assert_first(&reopened, "fresh", 1);
}

#[test]
fn a_second_writer_on_the_same_directory_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = SearchIndex::open(dir.path()).expect("first");
    let second = SearchIndex::open(dir.path());
    assert!(matches!(second, Err(Error::Locked { .. })), "{second:?}");
    // The first one is untouched.
    first.replace_all(vec![recruiter(1, "Still Here")], 1).expect("write");
    assert_first(&first, "still here", 1);
}

#[test]
fn the_index_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
    let index = std::sync::Arc::new(index_with(vec![recruiter(1, "Shared Recruiters")]));
    let handles: Vec<_> = (0..4)
        .map(|thread| {
            let index = std::sync::Arc::clone(&index);
            std::thread::spawn(move || {
                index
                    .apply(vec![recruiter(10 + thread, "Threaded Recruiters")], Vec::new(), 2)
                    .expect("apply from thread");
                search(&index, "recruiters").total
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().expect("thread") >= 2);
    }
    assert_eq!(search(&index, "threaded").total, 4);
}

/// A day number far in the future: certified on any day a test searches for.
const CERTIFIED_UNTIL: u64 = 40_000;

#[test]
fn certified_holds_through_its_last_day_and_lapses_the_day_after() {
    // 20_000 is a day number like any other; the index compares it with each search's `today`.
    let last_day = 20_000;
    let mut ending = recruiter(1, "Zenith Overseas Placement");
    ending.certified_until = last_day;
    ending.earliest_certified_expiry = last_day;
    ending.certification_statuses = vec!["certified".to_owned()];
    let other = recruiter(2, "Alpine Overseas Placement");
    let index = index_with(vec![ending, other]);
    let on = |today: u64, certified: Option<bool>, statuses: &[&str]| {
        index
            .search(&SearchRequest {
                query: "",
                filter: &Filter {
                    today,
                    certified,
                    certification_statuses: statuses.iter().map(|status| (*status).to_owned()).collect(),
                    ..Filter::default()
                },
                limit: 10,
                offset: 0,
                highlights: false,
            })
            .expect("search")
    };
    // The last day: certified, listed first, counted as certified.
    assert_eq!(ids(&on(last_day, Some(true), &[])), [1]);
    assert_eq!(ids(&on(last_day, None, &[])), [1, 2]);
    assert_eq!(ids(&on(last_day, None, &["certified"])), [1]);
    assert!(ids(&on(last_day, None, &["expired"])).is_empty());
    assert_eq!(
        on(last_day, None, &[]).facets.certification_status,
        vec![("certified".to_owned(), 1)]
    );
    // The day after: not certified, by name among the others, counted as expired.
    assert!(ids(&on(last_day + 1, Some(true), &[])).is_empty());
    assert_eq!(ids(&on(last_day + 1, Some(false), &[])), [2, 1]);
    assert_eq!(ids(&on(last_day + 1, None, &[])), [2, 1]);
    assert!(ids(&on(last_day + 1, None, &["certified"])).is_empty());
    assert_eq!(ids(&on(last_day + 1, None, &["expired"])), [1]);
    assert_eq!(
        on(last_day + 1, None, &[]).facets.certification_status,
        vec![("expired".to_owned(), 1)]
    );
}

/// Leaving snippets out (the hit is then named from fast columns, without reading its stored
/// document) changes nothing else: the same records, in the same order, with the same scores.
#[test]
fn hits_without_highlights_are_the_same_hits() {
    let mut documents: Vec<Document> = (1..=30)
        .map(|id| recruiter(id, &format!("Horizon Manpower Branch {id}")))
        .collect();
    documents.push(recruiter(31, "हिमालयन ओभरसिज म्यानपावर"));
    let index = index_with(documents);
    for query in ["horizon", "horizn manpower", "branch 7", "हिमालयन", ""] {
        let page = |highlights| {
            index
                .search(&SearchRequest {
                    query,
                    filter: &Filter::default(),
                    limit: 12,
                    offset: 0,
                    highlights,
                })
                .expect("search")
        };
        let (with, without) = (page(true), page(false));
        assert!(!with.hits.is_empty(), "{query:?} finds something");
        assert_eq!(with.total, without.total, "{query:?}");
        let named = |results: &SearchResults| -> Vec<(RecordType, i64, f32)> {
            results
                .hits
                .iter()
                .map(|hit| (hit.record_type, hit.id, hit.score))
                .collect()
        };
        assert_eq!(named(&with), named(&without), "{query:?}");
        assert!(without.hits.iter().all(|hit| hit.highlights.is_empty()));
        if !query.is_empty() {
            assert!(with.hits.iter().any(|hit| !hit.highlights.is_empty()), "{query:?}");
        }
    }
}
