//! Snippets with the matched words marked.
//!
//! Tantivy's snippet generator only knows exact query terms, so typo and prefix matches would go
//! unmarked. Instead the stored text is re-tokenized with the index's tokenizer and each word is
//! tested with the same rules as the query, field by field ([`QueryPlan::matches`]); offsets point into the
//! original text, so the snippet shows what was written, accents and all.

use crate::query::{Looseness, QueryPlan};
use crate::tokenizer::{normalize_identifier, words};

/// Longer values are cut to a window of about this many bytes around the first match.
const SNIPPET_BYTES: usize = 200;
/// How much text to show before the first match in a cut window.
const SNIPPET_CONTEXT_BYTES: usize = 60;
/// A hit shows at most this many snippets.
const MAX_SNIPPETS: usize = 5;

/// The stored text of a hit, in the order snippets are shown.
pub(crate) struct StoredText<'a> {
    pub title: &'a str,
    pub names: Vec<&'a str>,
    pub identifiers: Vec<&'a str>,
    pub body: Vec<&'a str>,
}

/// Snippets for every stored value with a matching word; HTML-escaped, matches in `<mark>`.
pub(crate) fn highlights(plan: &QueryPlan, stored: &StoredText<'_>) -> Vec<String> {
    let mut snippets = Vec::new();
    let whole_identifier_matches = |identifier: &str| {
        plan.identifier
            .as_deref()
            .is_some_and(|wanted| normalize_identifier(identifier) == wanted)
    };
    let values = std::iter::once(stored.title)
        .chain(stored.names.iter().copied())
        .map(|value| (value, Looseness::Names, false))
        .chain(stored.identifiers.iter().map(|identifier| {
            (
                *identifier,
                Looseness::Identifiers,
                whole_identifier_matches(identifier),
            )
        }))
        .chain(stored.body.iter().map(|value| (*value, Looseness::Prose, false)));
    for (value, looseness, whole_value_matches) in values {
        if snippets.len() == MAX_SNIPPETS {
            break;
        }
        let snippet = if whole_value_matches {
            Some(format!("<mark>{}</mark>", escape_html(value)))
        } else {
            snippet(plan, value, looseness)
        };
        snippets.extend(snippet);
    }
    snippets
}

/// The value (or a window of it) with matching words marked, or `None` if nothing matched.
fn snippet(plan: &QueryPlan, text: &str, looseness: Looseness) -> Option<String> {
    let marks: Vec<(usize, usize)> = words(text)
        .into_iter()
        .filter(|word| plan.matches(&word.text, looseness))
        .map(|word| (word.offset_from, word.offset_to))
        .collect();
    let (first_start, _) = *marks.first()?;
    let (window_start, window_end) = if text.len() <= SNIPPET_BYTES {
        (0, text.len())
    } else {
        let start = floor_char_boundary(text, first_start.saturating_sub(SNIPPET_CONTEXT_BYTES));
        let end = ceil_char_boundary(text, start.saturating_add(SNIPPET_BYTES));
        (start, end)
    };

    let mut snippet = String::with_capacity(window_end - window_start + 32);
    if window_start > 0 {
        snippet.push('…');
    }
    let mut cursor = window_start;
    for (mark_start, mark_end) in marks {
        if mark_start < cursor {
            continue;
        }
        if mark_end > window_end {
            break;
        }
        snippet.push_str(&escape_html(&text[cursor..mark_start]));
        snippet.push_str("<mark>");
        snippet.push_str(&escape_html(&text[mark_start..mark_end]));
        snippet.push_str("</mark>");
        cursor = mark_end;
    }
    snippet.push_str(&escape_html(&text[cursor..window_end]));
    if window_end < text.len() {
        snippet.push('…');
    }
    Some(snippet)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

/// Escapes the five characters that matter in HTML text and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored<'a>(title: &'a str, body: Vec<&'a str>) -> StoredText<'a> {
        StoredText {
            title,
            names: Vec::new(),
            identifiers: Vec::new(),
            body,
        }
    }

    #[test]
    fn marks_exact_typo_and_prefix_matches_and_escapes_the_rest() {
        let plan = QueryPlan::new("manpowr nepal overs");
        let snippets = highlights(&plan, &stored("Nepal <Manpower> & Overseas", Vec::new()));
        assert_eq!(
            snippets,
            ["<mark>Nepal</mark> &lt;<mark>Manpower</mark>&gt; &amp; <mark>Overseas</mark>"]
        );
    }

    #[test]
    fn marks_folded_words_in_their_original_spelling() {
        let plan = QueryPlan::new("societe");
        assert_eq!(
            highlights(&plan, &stored("Société Générale", Vec::new())),
            ["<mark>Société</mark> Générale"]
        );
    }

    #[test]
    fn prose_marks_exact_words_only_as_it_is_searched() {
        let plan = QueryPlan::new("manpowr overs");
        assert!(highlights(&plan, &stored("Agency", vec!["Manpower for overseas jobs"])).is_empty());
        let exact = QueryPlan::new("overseas jobs");
        assert_eq!(
            highlights(&exact, &stored("Agency", vec!["Manpower for overseas jobs"])),
            ["Manpower for <mark>overseas</mark> <mark>jobs</mark>"]
        );
    }

    #[test]
    fn cuts_long_prose_around_the_first_match() {
        let long_text = format!("{} Kathmandu {}", "lorem ipsum ".repeat(40), "dolor sit ".repeat(40));
        let plan = QueryPlan::new("kathmandu ");
        let snippets = highlights(&plan, &stored("Agency", vec![&long_text]));
        assert_eq!(snippets.len(), 1);
        assert!(snippets[0].starts_with('…'));
        assert!(snippets[0].ends_with('…'));
        assert!(snippets[0].contains("<mark>Kathmandu</mark>"));
        assert!(snippets[0].len() < SNIPPET_BYTES + 40);
    }

    #[test]
    fn marks_a_whole_identifier_matched_exactly() {
        let plan = QueryPlan::new("ers-np 2024-0000001");
        let text = StoredText {
            title: "Agency",
            names: Vec::new(),
            identifiers: vec!["ERS-NP-2024-0000001"],
            body: Vec::new(),
        };
        assert_eq!(highlights(&plan, &text), ["<mark>ERS-NP-2024-0000001</mark>"]);
    }
}
