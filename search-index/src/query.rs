//! Turning what a person typed, and a filter, into a Tantivy query.
//!
//! User text is never given to Tantivy's query parser: it is cut into words by the index's own
//! tokenizer and the query is built from those words, so `title:(a OR`, `*` or ten thousand
//! characters are just words (or nothing) and can never fail to parse.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::document::RecordType;
use crate::schema::{Fields, corridor_value, normalize_country, normalize_keyword};
use crate::score_offset::ScoreOffsetQuery;
use crate::tokenizer::{for_each_word, normalize_identifier};

/// What narrows a search; every part is applied inside the index. Lists mean "any of".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub record_types: Vec<RecordType>,
    /// Matches the record's country or any of its extra countries.
    pub country: Option<String>,
    /// With `corridor_destination` too, both must belong to the same corridor.
    pub corridor_origin: Option<String>,
    pub corridor_destination: Option<String>,
    pub sectors: Vec<String>,
    pub languages: Vec<String>,
    /// Certified on `today` (or not).
    pub certified: Option<bool>,
    /// Statuses as they stand on `today`: `certified` and `expired` follow from the dates.
    pub certification_statuses: Vec<String>,
    /// Records certified by any of these bodies (external ids).
    pub certification_bodies: Vec<String>,
    /// The day the search is for, as a day number (days since 1970-01-01).
    pub today: u64,
}

/// One search: the text as typed, the filter, and the page wanted.
#[derive(Debug, Clone, Copy)]
pub struct SearchRequest<'a> {
    pub query: &'a str,
    pub filter: &'a Filter,
    pub limit: usize,
    pub offset: usize,
    /// Compute each hit's snippets ([`crate::Hit::highlights`]). They cost reading the stored
    /// document and re-tokenising it, so callers that do not show them leave this off.
    pub highlights: bool,
}

/// Only this much of the query text is read; nobody types more, and it bounds the work.
const MAX_QUERY_BYTES: usize = 1024;
/// Only the first words count, so a giant query stays as fast as a long one.
pub const MAX_QUERY_WORDS: usize = 32;
/// Longer text cannot be an identifier anyone typed.
const MAX_IDENTIFIER_CHARS: usize = 128;
/// Typo tolerance is for words people type; very long "words" are noise and make costly automata.
const MAX_FUZZY_CHARS: usize = 40;
/// A one-letter prefix would expand to most of the dictionary and means little.
const MIN_PREFIX_CHARS: usize = 2;
/// How many dictionary terms a prefix may expand to.
const PREFIX_MAX_EXPANSIONS: u32 = 64;

// Ranking tiers. Each matched query word adds WORD_MATCH_SCORE, far more than BM25 ever gives a
// word, so documents matching more words always come first and BM25 orders documents within a
// tier. Exact identifier and exact name matches sit above any number of words; the query words
// as a phrase in the name lift a document within its tier.
const IDENTIFIER_EXACT_SCORE: f32 = 1_000_000.0;
const TITLE_EXACT_SCORE: f32 = 300_000.0;
const NAME_EXACT_SCORE: f32 = 200_000.0;
const WORD_MATCH_SCORE: f32 = 1_000.0;
const TITLE_PHRASE_SCORE: f32 = 500.0;

// Per-word weights: names count most, then identifiers, then prose. Fuzzy and prefix matches have
// constant scores kept below a typical exact BM25 score, so the exact word wins.
const TITLE_BOOST: f32 = 3.0;
const NAMES_BOOST: f32 = 2.5;
const IDENTIFIERS_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;
const FUZZY_BOOST: f32 = 0.5;
const PREFIX_BOOST: f32 = 0.7;
const DISMAX_TIE_BREAKER: f32 = 0.1;

/// One distinct word of the query and how loosely it may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    pub text: String,
    /// 0, 1 or 2 edits, transpositions counting as one.
    pub fuzzy_distance: u8,
    /// The word the user is still typing: matches any word it starts.
    pub prefix: bool,
}

impl QueryWord {
    /// Whether an indexed (folded) word matches, by the same rules as the Tantivy query; the
    /// highlighter uses it to mark what matched.
    pub fn matches(&self, indexed_word: &str, looseness: Looseness) -> bool {
        if indexed_word == self.text {
            return true;
        }
        if self.prefix && looseness != Looseness::Prose && indexed_word.starts_with(&self.text) {
            return true;
        }
        self.fuzzy_distance > 0
            && looseness == Looseness::Names
            && bounded_edit_distance(&self.text, indexed_word, self.fuzzy_distance)
    }
}

/// The words of a query and the whole-query forms used for exact matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryPlan {
    /// Distinct words, in order of first appearance.
    pub words: Vec<QueryWord>,
    /// All words in order (repeats kept), for phrase and exact-name matches.
    pub phrase: Vec<String>,
    /// The query reduced to letters and digits, if it could be an identifier.
    pub identifier: Option<String>,
}

impl QueryPlan {
    pub fn new(query: &str) -> QueryPlan {
        let query = truncate_to_char_boundary(query, MAX_QUERY_BYTES);
        let mut phrase: Vec<String> = Vec::new();
        let mut last_word_ends_query = false;
        for_each_word(query, |word, _, offset_to| {
            if phrase.len() < MAX_QUERY_WORDS {
                phrase.push(word.to_owned());
                last_word_ends_query = offset_to == query.len();
            }
        });

        let mut words: Vec<QueryWord> = Vec::new();
        let last_index = phrase.len().saturating_sub(1);
        for (index, text) in phrase.iter().enumerate() {
            let prefix = index == last_index && last_word_ends_query && text.chars().count() >= MIN_PREFIX_CHARS;
            if let Some(existing) = words.iter_mut().find(|word| word.text == *text) {
                existing.prefix |= prefix;
                continue;
            }
            words.push(QueryWord {
                text: text.clone(),
                fuzzy_distance: fuzzy_distance(text),
                prefix,
            });
        }

        let identifier = Some(normalize_identifier(query))
            .filter(|identifier| !identifier.is_empty() && identifier.chars().count() <= MAX_IDENTIFIER_CHARS);
        QueryPlan {
            words,
            phrase,
            identifier,
        }
    }

    /// Nothing searchable was typed: the caller browses instead.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether an indexed word matches any query word.
    pub fn matches(&self, indexed_word: &str, looseness: Looseness) -> bool {
        self.words.iter().any(|word| word.matches(indexed_word, looseness))
    }

    /// The text part of the query, or `None` for an empty query.
    fn text_query(&self, fields: &Fields) -> Option<Box<dyn Query>> {
        if self.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(identifier) = &self.identifier {
            clauses.push(should(constant(
                keyword_term(fields.identifier_exact, identifier),
                IDENTIFIER_EXACT_SCORE,
            )));
        }
        let whole_phrase = self.phrase.join(" ");
        clauses.push(should(constant(
            keyword_term(fields.title_exact, &whole_phrase),
            TITLE_EXACT_SCORE,
        )));
        clauses.push(should(constant(
            keyword_term(fields.names_exact, &whole_phrase),
            NAME_EXACT_SCORE,
        )));
        if self.phrase.len() > 1 {
            clauses.push(should(constant(self.title_phrase(fields.title), TITLE_PHRASE_SCORE)));
        }

        clauses.extend(self.words.iter().map(|word| {
            let counted_word: Box<dyn Query> =
                Box::new(ScoreOffsetQuery::new(word_query(fields, word), WORD_MATCH_SCORE));
            should(counted_word)
        }));
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The words in order within the title; the last word as a prefix while it is being typed.
    fn title_phrase(&self, title: Field) -> Box<dyn Query> {
        let terms: Vec<Term> = self
            .phrase
            .iter()
            .map(|word| Term::from_field_text(title, word))
            .collect();
        let last_is_prefix = self
            .phrase
            .last()
            .and_then(|last| self.words.iter().find(|word| word.text == *last))
            .is_some_and(|word| word.prefix);
        if last_is_prefix {
            let mut query = PhrasePrefixQuery::new(terms);
            query.set_max_expansions(PREFIX_MAX_EXPANSIONS);
            Box::new(query)
        } else {
            Box::new(PhraseQuery::new(terms))
        }
    }
}

/// How loosely a query word may match in a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Looseness {
    /// Exact words, typos and prefixes: names, which people type from memory and as they go.
    Names,
    /// Exact words and prefixes, no typos: a near-miss number is another certificate.
    Identifiers,
    /// Exact words only. Prose holds the most common words of the index, and typo or prefix
    /// expansions there would match most documents for little gain.
    Prose,
}

/// One query word against every text field, exactly, with typos, or as a prefix; the best of
/// these counts (plus a little of the others), so a word found in the name is not counted thrice.
fn word_query(fields: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let weighted_fields = [
        (fields.title, TITLE_BOOST, Looseness::Names),
        (fields.names, NAMES_BOOST, Looseness::Names),
        (fields.identifiers, IDENTIFIERS_BOOST, Looseness::Identifiers),
        (fields.body, BODY_BOOST, Looseness::Prose),
    ];
    let mut disjuncts: Vec<Box<dyn Query>> = Vec::new();
    for (field, boost, looseness) in weighted_fields {
        let term = Term::from_field_text(field, &word.text);
        disjuncts.push(boosted(
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
            boost,
        ));
        if word.fuzzy_distance > 0 && looseness == Looseness::Names {
            disjuncts.push(boosted(
                Box::new(FuzzyTermQuery::new(term.clone(), word.fuzzy_distance, true)),
                boost * FUZZY_BOOST,
            ));
        }
        if word.prefix && looseness != Looseness::Prose {
            disjuncts.push(boosted(prefix_query(term), boost * PREFIX_BOOST));
        }
    }
    Box::new(DisjunctionMaxQuery::with_tie_breaker(disjuncts, DISMAX_TIE_BREAKER))
}

/// Terms starting with `term`'s text, expanding to at most [`PREFIX_MAX_EXPANSIONS`] terms.
fn prefix_query(term: Term) -> Box<dyn Query> {
    let mut query = PhrasePrefixQuery::new(vec![term]);
    query.set_max_expansions(PREFIX_MAX_EXPANSIONS);
    Box::new(query)
}

/// The filter as clauses that every hit must match; they add nothing to the score.
pub(crate) fn filter_clauses(fields: &Fields, filter: &Filter) -> Vec<Box<dyn Query>> {
    let mut clauses: Vec<Box<dyn Query>> = Vec::new();
    if !filter.record_types.is_empty() {
        clauses.push(any_of(
            fields.record_type,
            filter
                .record_types
                .iter()
                .map(|record_type| record_type.as_str().to_owned()),
        ));
    }
    if let Some(country) = &filter.country {
        clauses.push(keyword_term(fields.country, &normalize_country(country)));
    }
    match (&filter.corridor_origin, &filter.corridor_destination) {
        (Some(origin), Some(destination)) => {
            clauses.push(keyword_term(fields.corridor, &corridor_value(origin, destination)));
        }
        (Some(origin), None) => {
            clauses.push(keyword_term(fields.corridor_origin, &normalize_country(origin)));
        }
        (None, Some(destination)) => {
            clauses.push(keyword_term(
                fields.corridor_destination,
                &normalize_country(destination),
            ));
        }
        (None, None) => {}
    }
    if !filter.sectors.is_empty() {
        clauses.push(any_of(
            fields.sector,
            filter.sectors.iter().map(|value| normalize_keyword(value)),
        ));
    }
    if !filter.languages.is_empty() {
        clauses.push(any_of(
            fields.language,
            filter.languages.iter().map(|value| normalize_keyword(value)),
        ));
    }
    if !filter.certification_statuses.is_empty() {
        clauses.push(Box::new(BooleanQuery::new(
            filter
                .certification_statuses
                .iter()
                .map(|value| should(status_on(fields, &normalize_keyword(value), filter.today)))
                .collect(),
        )));
    }
    if !filter.certification_bodies.is_empty() {
        clauses.push(any_of(
            fields.certification_body,
            filter.certification_bodies.iter().map(|value| normalize_keyword(value)),
        ));
    }
    if let Some(certified) = filter.certified {
        let certified_now = certified_on(fields, filter.today);
        clauses.push(if certified { certified_now } else { not(certified_now) });
    }
    clauses
}

/// Records certified on `today`: their `certified_until` is today or later.
pub(crate) fn certified_on(fields: &Fields, today: u64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_u64(fields.certified_until, today.max(1))),
        Bound::Unbounded,
    ))
}

/// Records holding a certification recorded as `certified` whose expiry is before `today`.
pub(crate) fn lapsed_on(fields: &Fields, today: u64) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, keyword_term(fields.certification_status, "certified")),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.earliest_certified_expiry, 1)),
                Bound::Excluded(Term::from_field_u64(fields.earliest_certified_expiry, today.max(1))),
            )),
        ),
    ]))
}

/// Records with a certification whose status on `today` is `status`.
fn status_on(fields: &Fields, status: &str, today: u64) -> Box<dyn Query> {
    match status {
        "certified" => certified_on(fields, today),
        "expired" => Box::new(BooleanQuery::new(vec![
            should(keyword_term(fields.certification_status, "expired")),
            should(lapsed_on(fields, today)),
        ])),
        other => keyword_term(fields.certification_status, other),
    }
}

pub(crate) fn not(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (Occur::MustNot, query),
    ]))
}

pub(crate) fn and(left: Box<dyn Query>, right: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![(Occur::Must, left), (Occur::Must, right)]))
}

/// The whole query: the text part (or everything, for an empty query) narrowed by the filter.
pub(crate) fn build_query(fields: &Fields, plan: &QueryPlan, filter: &Filter) -> Box<dyn Query> {
    let filters = filter_clauses(fields, filter);
    let text = plan.text_query(fields);
    if filters.is_empty() {
        return text.unwrap_or_else(|| Box::new(AllQuery));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
        .into_iter()
        .map(|clause| (Occur::Must, constant(clause, 0.0)))
        .collect();
    if let Some(text) = text {
        clauses.push((Occur::Must, text));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn keyword_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn any_of(field: Field, values: impl Iterator<Item = String>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        values
            .map(|value| (Occur::Should, keyword_term(field, &value)))
            .collect(),
    ))
}

fn should(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Should, query)
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

/// One edit for words of 5+ characters, two for 9+; none for numbers, where a near miss is a
/// different certificate, not a typo.
fn fuzzy_distance(word: &str) -> u8 {
    if word.chars().any(|character| character.is_numeric()) {
        return 0;
    }
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        9..=MAX_FUZZY_CHARS => 2,
        _ => 0,
    }
}

/// Whether `left` and `right` are within `max_distance` edits (insertions, deletions,
/// substitutions and adjacent transpositions: optimal string alignment distance).
pub(crate) fn bounded_edit_distance(left: &str, right: &str, max_distance: u8) -> bool {
    let max_distance = usize::from(max_distance);
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    if left.len().abs_diff(right.len()) > max_distance {
        return false;
    }
    let width = right.len() + 1;
    let mut before_previous: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for left_index in 1..=left.len() {
        current[0] = left_index;
        let mut row_minimum = current[0];
        for right_index in 1..=right.len() {
            let substitution_cost = usize::from(left[left_index - 1] != right[right_index - 1]);
            let mut distance = (previous[right_index] + 1)
                .min(current[right_index - 1] + 1)
                .min(previous[right_index - 1] + substitution_cost);
            if left_index > 1
                && right_index > 1
                && left[left_index - 1] == right[right_index - 2]
                && left[left_index - 2] == right[right_index - 1]
            {
                distance = distance.min(before_previous[right_index - 2] + 1);
            }
            current[right_index] = distance;
            row_minimum = row_minimum.min(distance);
        }
        if row_minimum > max_distance {
            return false;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[right.len()] <= max_distance
}

fn truncate_to_char_boundary(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert!(bounded_edit_distance("recruitmnet", "recruitment", 1));
        assert!(bounded_edit_distance("manpowr", "manpower", 1));
        assert!(!bounded_edit_distance("manpowr", "manager", 1));
        assert!(bounded_edit_distance("", "ab", 2));
        assert!(!bounded_edit_distance("", "abc", 2));
    }

    #[test]
    fn fuzziness_grows_with_word_length() {
        assert_eq!(fuzzy_distance("gulf"), 0);
        assert_eq!(fuzzy_distance("manpowr"), 1);
        assert_eq!(fuzzy_distance("recruitmnet"), 2);
        assert_eq!(fuzzy_distance("0000001"), 0);
    }

    #[test]
    fn last_word_is_a_prefix_only_while_typed() {
        let typing = QueryPlan::new("nepal overs");
        assert_eq!(typing.words.len(), 2);
        assert!(!typing.words[0].prefix);
        assert!(typing.words[1].prefix);
        let finished = QueryPlan::new("nepal overs ");
        assert!(!finished.words[1].prefix);
    }

    #[test]
    fn plans_cap_words_and_ignore_syntax() {
        let giant = "word ".repeat(5_000);
        let plan = QueryPlan::new(&giant);
        assert_eq!(plan.words.len(), 1);
        assert!(plan.phrase.len() <= MAX_QUERY_WORDS);
        assert!(QueryPlan::new("*").is_empty());
        assert!(QueryPlan::new("  ?!  ").is_empty());
        let syntax = QueryPlan::new("title:(a OR");
        let texts: Vec<&str> = syntax.words.iter().map(|word| word.text.as_str()).collect();
        assert_eq!(texts, ["title", "a", "or"]);
    }
}
