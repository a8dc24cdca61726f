//! Property tests of everything that parses text a user sends: global IDs and cursors, filter
//! codes, import lines and query text. Any input gets an answer (a value or a clear
//! `BAD_USER_INPUT`), never a panic; what the API writes, it reads back unchanged.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use directory_api::{
    graphql::limits,
    ids::{self, Kind},
    interchange::{OrganisationRecord, Record},
    service::{
        import,
        recruiter::{CorridorInput, check_filter_codes},
    },
    vocab,
};
use proptest::prelude::*;

const KINDS: [Kind; 7] = [
    Kind::Recruiter,
    Kind::Certification,
    Kind::TrademarkRight,
    Kind::Organisation,
    Kind::Commitment,
    Kind::TrainingProvider,
    Kind::TrainingListing,
];

/// Text that looks like what the API hands out, mangled: base64 of plausible payloads, bits of
/// JSON, and anything at all.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_=+/-]{0,80}",
        "(v1|v2|)(:(Recruiter|Certification|MarkRight|Nope|)){0,2}(:-?[0-9]{0,25})?"
            .prop_map(|text| URL_SAFE_NO_PAD.encode(text)),
        "\\{\"v\":[0-9-]{1,4},\"o\":\"[a-z_]{0,12}\",\"k\":(\\[.{0,20}\\]|[0-9-]{0,22}|null)\\}"
            .prop_map(|text| URL_SAFE_NO_PAD.encode(text)),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|bytes| URL_SAFE_NO_PAD.encode(bytes)),
    ]
}

/// The sample directory as interchange lines, built once.
fn sample_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        directory_api::sample::sample_directory()
            .iter()
            .map(|record| serde_json::to_string(record).expect("JSON"))
            .collect()
    })
}

/// A bounded, single-line message that quotes at most a short piece of the input.
fn assert_clear(error: &directory_api::error::AppError, input: &str) {
    assert_eq!(error.code(), "BAD_USER_INPUT", "{input:?}");
    let message = error.message();
    assert!(!message.is_empty() && message.chars().count() <= 400, "{message}");
    if input.chars().count() > 100 {
        assert!(!message.contains(input), "the whole input is echoed: {message}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ids_round_trip(kind_index in 0..KINDS.len(), id in any::<i64>()) {
        let kind = KINDS[kind_index];
        let encoded = ids::encode_id(kind, id);
        prop_assert_eq!(ids::decode_id(&encoded).unwrap(), (kind, id));
        prop_assert_eq!(ids::decode_id_of(kind, &encoded).unwrap(), id);
        let other = KINDS[(kind_index + 1) % KINDS.len()];
        assert_clear(&ids::decode_id_of(other, &encoded).unwrap_err(), &encoded);
    }

    #[test]
    fn any_text_as_an_id_is_decoded_or_refused_clearly(text in hostile_text()) {
        match ids::decode_id(&text) {
            // What decodes names a record as its canonical id does.
            Ok((kind, id)) => prop_assert_eq!(ids::decode_id(&ids::encode_id(kind, id)).unwrap(), (kind, id)),
            Err(error) => assert_clear(&error, &text),
        }
    }

    #[test]
    fn cursors_round_trip(ordering in "[a-z_]{1,20}", name in any::<String>(), id in any::<i64>()) {
        let cursor = ids::encode_cursor(&ordering, &(name.clone(), id));
        prop_assert_eq!(ids::decode_cursor::<(String, i64)>(&ordering, &cursor).unwrap(), (name, id));
        let other = format!("{ordering}_other");
        assert_clear(&ids::decode_cursor::<(String, i64)>(&other, &cursor).unwrap_err(), &cursor);
        assert_clear(&ids::decode_cursor::<(i64, i64)>(&ordering, &cursor).unwrap_err(), &cursor);
    }

    #[test]
    fn any_text_as_a_cursor_is_decoded_or_refused_clearly(text in hostile_text()) {
        for result in [
            ids::decode_cursor::<(String, i64)>("name_asc", &text).map(|_| ()),
            ids::decode_cursor::<usize>("search", &text).map(|_| ()),
            ids::decode_cursor::<Vec<serde_json::Value>>("name_asc", &text).map(|_| ()),
        ] {
            if let Err(error) = result {
                assert_clear(&error, &text);
            }
        }
    }

    #[test]
    fn a_forged_ordering_name_is_not_echoed_whole(ordering in "[a-z]{101,400}") {
        let cursor = ids::encode_cursor(&ordering, &1);
        assert_clear(&ids::decode_cursor::<i64>("name_asc", &cursor).unwrap_err(), &ordering);
    }

    #[test]
    fn filter_codes_accept_exactly_the_iso_codes(
        country in prop_oneof![Just(None), "[A-Za-z]{0,3}".prop_map(Some), any::<String>().prop_map(Some)],
        origin in prop_oneof![Just(None), "[A-Z]{2}".prop_map(Some), any::<String>().prop_map(Some)],
        sectors in proptest::collection::vec(prop_oneof!["[a-z_]{0,20}", any::<String>()], 0..3),
        languages in proptest::collection::vec(prop_oneof!["[a-z]{2}", any::<String>()], 0..3),
    ) {
        let valid_country = |code: &str| rust_iso3166::ALL_ALPHA2.contains(&code);
        let valid_language =
            |code: &str| code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) && isolang::Language::from_639_1(code).is_some();
        let corridor = origin.clone().map(|origin| CorridorInput { origin: Some(origin), destination: None });
        let expected = country.as_deref().is_none_or(valid_country)
            && origin.as_deref().is_none_or(valid_country)
            && sectors.iter().all(|sector| vocab::SECTORS.contains(&sector.as_str()))
            && languages.iter().all(|language| valid_language(language));
        match check_filter_codes(country.as_deref(), corridor.as_ref(), &sectors, &languages) {
            Ok(()) => prop_assert!(expected),
            Err(error) => {
                prop_assert!(!expected, "{}", error.message());
                assert_clear(&error, country.as_deref().unwrap_or_default());
            }
        }
        for code in country.iter().chain(origin.iter()) {
            prop_assert_eq!(vocab::check_country(code).is_ok(), valid_country(code));
        }
    }

    #[test]
    fn vocabulary_checks_accept_exactly_their_forms(text in prop_oneof![
        any::<String>(),
        "[a-z0-9-]{0,24}",
        "[A-Za-z]{2,3}",
        "(https?|ftp|)(://)?[a-z.]{0,12}(/[a-z]{0,5})?",
    ]) {
        // A slug is lower-case words of letters and digits joined by single hyphens.
        if vocab::check_slug(&text).is_ok() {
            prop_assert!(text.len() <= 120);
            prop_assert!(text.split('-').all(|word| !word.is_empty()
                && word.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())), "{}", text);
        }
        if vocab::check_country(&text).is_ok() {
            prop_assert!(text.len() == 2 && text.bytes().all(|byte| byte.is_ascii_uppercase()), "{}", text);
        }
        if vocab::check_language(&text).is_ok() {
            prop_assert!(text.len() == 2 && text.bytes().all(|byte| byte.is_ascii_lowercase()), "{}", text);
        }
        if vocab::check_currency(&text).is_ok() {
            prop_assert!(text.len() == 3 && text.bytes().all(|byte| byte.is_ascii_uppercase()), "{}", text);
        }
        if vocab::check_url(&text, "website").is_ok() {
            prop_assert!(text.starts_with("https://") || text.starts_with("http://"), "{}", text);
        }
        prop_assert_eq!(vocab::check_not_blank(&text, "name").is_ok(),
            !text.trim().is_empty() && text.chars().count() <= 500);
        let domain = vocab::normalise_domain(&text);
        prop_assert!(!domain.contains('/') && !domain.contains(':') && !domain.contains('@'));
        if vocab::check_domain(&domain).is_ok() {
            prop_assert!(domain.is_ascii() && domain.contains('.'));
        }
        prop_assert!(!vocab::normalise_key(&text).contains(char::is_whitespace));
        for check in [vocab::check_country(&text), vocab::check_language(&text), vocab::check_slug(&text)] {
            if let Err(message) = check {
                prop_assert!(message.chars().count() < 200 + 60, "{}", message);
            }
        }
    }

    #[test]
    fn any_line_is_parsed_or_refused_with_a_message(line in prop_oneof![
        any::<String>(),
        "\\{\"type\":\"(recruiter|organisation|certification|commitment|trademark_right|training_provider|training_listing|x)\"(,\"[a-z_]{1,14}\":(\"[^\"\\\\]{0,12}\"|[0-9.e-]{1,8}|\\[\\]|null|true|\\{\\}))*\\}",
    ]) {
        match import::parse_line(&line) {
            // What is read is what is written back: the record survives its own line.
            Ok(record) => {
                let again = serde_json::to_string(&record).unwrap();
                prop_assert_eq!(import::parse_line(&again).unwrap(), record.clone());
                for violation in import::validate(&record) {
                    prop_assert!(!violation.is_empty() && !violation.contains('\n'), "{}", violation);
                }
            }
            Err(message) => prop_assert!(!message.is_empty() && message.chars().count() <= 400, "{}", message),
        }
    }

    #[test]
    fn sample_lines_mangled_are_read_back_or_refused_clearly(
        index in 0..200_usize,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>(), 0..3_u8), 1..6),
    ) {
        let lines = sample_lines();
        let mut line: Vec<char> = lines[index % lines.len()].chars().collect();
        for (at, character, edit) in edits {
            let position = at.index(line.len().max(1)).min(line.len());
            match edit {
                0 => line.insert(position, character),
                1 if position < line.len() => { line.remove(position); }
                _ if position < line.len() => line[position] = character,
                _ => {}
            }
        }
        let line: String = line.into_iter().collect();
        match import::parse_line(&line) {
            Ok(record) => {
                let again = serde_json::to_string(&record).unwrap();
                prop_assert_eq!(import::parse_line(&again).unwrap(), record.clone());
                let violations = import::validate(&record);
                if line == lines[index % lines.len()] {
                    // An edit that changed nothing leaves a valid sample record valid.
                    prop_assert!(violations.is_empty(), "{:?}", violations);
                }
                for violation in violations {
                    prop_assert!(!violation.is_empty() && violation.chars().count() <= 600, "{}", violation);
                }
            }
            Err(message) => prop_assert!(!message.is_empty() && message.chars().count() <= 400, "{}", message),
        }
    }

    #[test]
    fn records_round_trip_through_a_line(
        external_id in "[a-z0-9-]{1,20}",
        name in "[^\\x00]{0,60}",
        kind in "[a-z_]{0,20}",
        country in "[A-Z]{2}",
        sector in proptest::option::of("[a-z_]{1,12}"),
        website in proptest::option::of("[^\\x00]{0,30}"),
        identifiers in proptest::collection::vec("[^\\x00]{0,30}", 0..3),
    ) {
        let record = Record::Organisation(OrganisationRecord { external_id, name, kind, country, sector, website, identifiers });
        let line = serde_json::to_string(&record).unwrap();
        prop_assert_eq!(import::parse_line(&line).unwrap(), record);
    }

    #[test]
    fn query_text_nesting_is_measured_without_panicking(text in any::<String>(), depth in 0..200_usize) {
        // Depth never exceeds the brackets opened.
        let opened = text.matches(['{', '[', '(']).count();
        prop_assert!(limits::nesting_depth(&text) <= opened, "depth beyond {} brackets", opened);
        let nested = format!("{}{}", "{a ".repeat(depth), "}".repeat(depth));
        prop_assert_eq!(limits::nesting_depth(&nested), depth.min(limits::MAX_NESTING + 1));
        if let Ok(document) = async_graphql::parser::parse_query(&text) {
            let _ = limits::check_document(&document);
        }
    }
}

/// Every record of the sample directory reads back as itself and is valid.
#[test]
fn sample_records_round_trip_and_validate() {
    for record in directory_api::sample::sample_directory() {
        let line = serde_json::to_string(&record).unwrap();
        assert_eq!(import::parse_line(&line).unwrap(), record);
        assert_eq!(import::validate(&record), Vec::<String>::new(), "{line}");
    }
    let with_nul = r#"{"type":"organisation","external_id":"o","name":"a\u0000b","kind":"brand","country":"GB"}"#;
    assert!(import::parse_line(with_nul).unwrap_err().contains("NUL"));
    let escaped_backslash =
        r#"{"type":"organisation","external_id":"o","name":"a\\u0000b","kind":"brand","country":"GB"}"#;
    assert!(
        import::parse_line(escaped_backslash).is_ok(),
        "a backslash before `u0000` is text"
    );
}
