//! The directory's own words in the languages of the people it serves: jobseekers on the
//! corridors out of South and South-East Asia and East Africa, and the Gulf they go to.
//!
//! One home for every translation: `api/assets/i18n/{code}.json`, a flat object of message keys,
//! compiled into the binary. The widget loads the same files (`/embed/messages/{code}.json`),
//! and the verification page and the SMS line ([`crate::http`]) read them here, so a wording is
//! fixed in one place for every surface. Placeholders are `{name}`; messages are phrased so they
//! need no plural forms ("Recruiters found: 3"), which several of these languages would
//! otherwise need more of than English has.

use std::{collections::HashMap, sync::LazyLock};

use actix_web::http::header::{AcceptLanguage, Header, Preference, Quality};

/// Every language served, English first (the fallback for a missing language or message).
/// Codes are BCP 47 primary subtags; `tl` also answers `fil` (Filipino).
pub const LANGUAGES: [(&str, &str); 14] = [
    ("en", include_str!("../assets/i18n/en.json")),
    ("ne", include_str!("../assets/i18n/ne.json")),
    ("hi", include_str!("../assets/i18n/hi.json")),
    ("bn", include_str!("../assets/i18n/bn.json")),
    ("ur", include_str!("../assets/i18n/ur.json")),
    ("si", include_str!("../assets/i18n/si.json")),
    ("tl", include_str!("../assets/i18n/tl.json")),
    ("id", include_str!("../assets/i18n/id.json")),
    ("my", include_str!("../assets/i18n/my.json")),
    ("km", include_str!("../assets/i18n/km.json")),
    ("th", include_str!("../assets/i18n/th.json")),
    ("vi", include_str!("../assets/i18n/vi.json")),
    ("am", include_str!("../assets/i18n/am.json")),
    ("ar", include_str!("../assets/i18n/ar.json")),
];

/// The messages of one language.
#[derive(Debug)]
pub struct Messages {
    code: &'static str,
    /// The file as written, for the widget.
    source: &'static str,
    texts: HashMap<String, String>,
}

static ALL: LazyLock<Vec<Messages>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .map(|&(code, source)| Messages {
            code,
            source,
            // The files are checked by a unit test; a broken one would serve English.
            texts: serde_json::from_str(source).unwrap_or_else(|error| {
                tracing::error!(code, %error, "a message file does not parse; English is used instead");
                HashMap::new()
            }),
        })
        .collect()
});

impl Messages {
    /// The language's code (`ne`), for `lang` attributes and `Content-Language`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// `rtl` for Arabic and Urdu, `ltr` otherwise.
    pub fn dir(&self) -> &str {
        self.text("language.dir")
    }

    /// The language's own name (`नेपाली`), for a language switcher.
    pub fn name(&self) -> &str {
        self.text("language.name")
    }

    /// The message file as JSON, as the widget loads it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The message `key`; the English one where this language lacks it, the key itself where
    /// English does too (a programming error a unit test catches, never a panic).
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        self.texts
            .get(key)
            .or_else(|| english().texts.get(key))
            .map_or(key, String::as_str)
    }

    /// The message `key` with its `{placeholders}` filled in.
    pub fn format(&self, key: &str, values: &[(&str, &str)]) -> String {
        values.iter().fold(self.text(key).to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }
}

/// Every language served, in [`LANGUAGES`] order.
pub fn all() -> &'static [Messages] {
    &ALL
}

pub fn english() -> &'static Messages {
    &ALL[0]
}

/// The language for a tag such as `ne`, `ne-NP`, `AR` or `fil`; `None` if not served.
pub fn find(tag: &str) -> Option<&'static Messages> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let primary = if primary == "fil" { "tl".to_owned() } else { primary };
    ALL.iter().find(|messages| messages.code == primary)
}

/// The language to answer in: `explicit` (a `lang` query parameter) if served, else the best
/// served language of the request's `Accept-Language`, else English.
pub fn negotiate(explicit: Option<&str>, request: &actix_web::HttpRequest) -> &'static Messages {
    if let Some(messages) = explicit.and_then(find) {
        return messages;
    }
    // Most wanted first (a stable sort keeps the header's order on ties); `q=0` means "not
    // this one" (RFC 9110), so those are dropped.
    let mut accepted: Vec<_> = AcceptLanguage::parse(request)
        .map(|header| header.0)
        .unwrap_or_default()
        .into_iter()
        .filter(|item| item.quality > Quality::ZERO)
        .collect();
    accepted.sort_by_key(|item| std::cmp::Reverse(item.quality));
    accepted
        .iter()
        .find_map(|item| match &item.item {
            Preference::Specific(tag) => find(tag.as_str()),
            Preference::Any => None,
        })
        .unwrap_or_else(english)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .match_indices('{')
            .filter_map(|(start, _)| {
                let end = text[start..].find('}')? + start;
                let name = &text[start + 1..end];
                name.bytes().all(|byte| byte.is_ascii_lowercase()).then_some(name)
            })
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_language_has_every_message_with_the_same_placeholders() {
        let english: BTreeSet<&String> = english().texts.keys().collect();
        assert!(english.len() > 50, "English has {} messages", english.len());
        for messages in all() {
            let keys: BTreeSet<&String> = messages.texts.keys().collect();
            assert_eq!(keys, english, "{}: keys differ from English", messages.code);
            for key in &english {
                assert_eq!(
                    placeholders(messages.text(key)),
                    placeholders(super::english().text(key)),
                    "{}: `{key}` has other placeholders than English",
                    messages.code
                );
                assert!(
                    !messages.text(key).trim().is_empty(),
                    "{}: `{key}` is empty",
                    messages.code
                );
            }
            let expected_dir = if matches!(messages.code, "ar" | "ur") {
                "rtl"
            } else {
                "ltr"
            };
            assert_eq!(messages.dir(), expected_dir, "{}", messages.code);
        }
    }

    #[test]
    fn tags_find_their_language_and_fall_back_to_english() {
        assert_eq!(find("ne-NP").map(Messages::code), Some("ne"));
        assert_eq!(find("AR").map(Messages::code), Some("ar"));
        assert_eq!(find("fil-PH").map(Messages::code), Some("tl"));
        assert_eq!(find("zh-Hans").map(Messages::code), None);
        let request = actix_web::test::TestRequest::default()
            .insert_header(("accept-language", "zh;q=0.9, bn-BD;q=0.8, en;q=0.5"))
            .to_http_request();
        assert_eq!(negotiate(None, &request).code(), "bn");
        assert_eq!(negotiate(Some("km"), &request).code(), "km");
        assert_eq!(negotiate(Some("xx"), &request).code(), "bn");
        // `q=0` refuses a language.
        let refusing = actix_web::test::TestRequest::default()
            .insert_header(("accept-language", "ne;q=0, hi;q=0.5"))
            .to_http_request();
        assert_eq!(negotiate(None, &refusing).code(), "hi");
        let only_refusing = actix_web::test::TestRequest::default()
            .insert_header(("accept-language", "ne;q=0"))
            .to_http_request();
        assert_eq!(negotiate(None, &only_refusing).code(), "en");
        let bare = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(negotiate(None, &bare).code(), "en");
    }

    #[test]
    fn placeholders_are_filled_and_missing_keys_never_panic() {
        let nepali = find("ne").expect("Nepali is served");
        let text = nepali.format("verify.certificate", &[("number", "ERS-NP-1")]);
        assert!(text.contains("ERS-NP-1") && !text.contains("{number}"), "{text}");
        assert_eq!(nepali.text("no.such.key"), "no.such.key");
    }
}
