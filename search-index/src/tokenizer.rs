//! Word segmentation and folding for every script the directory's users write in.
//!
//! Tantivy's default tokenizer splits on ASCII-ish boundaries and drops tokens over 40 bytes, which
//! loses Thai, Khmer and Burmese (no spaces between words) and long Devanagari or Bengali words.
//! This tokenizer cuts words by Unicode segmentation (UAX #29) with ICU4X, which falls back to
//! dictionary segmentation for Thai, Lao, Khmer, Burmese, Chinese and Japanese, then lowercases and
//! folds Latin/Greek/Cyrillic accents so that "Societe" finds "Société".

use std::sync::LazyLock;

use icu_segmenter::WordSegmenter;
use icu_segmenter::WordSegmenterBorrowed;
use icu_segmenter::options::WordBreakInvariantOptions;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

/// The name the tokenizer is registered under; it is part of the schema, so renaming it is a
/// schema change.
pub const TOKENIZER_NAME: &str = "directory_multilingual";

/// Longest token kept, in bytes. Tantivy's default is 40, which drops ordinary words in scripts
/// that take three bytes per character; quickwit uses 255 too.
pub const MAX_TOKEN_BYTES: usize = 255;

/// Built once: the compiled segmentation data is static, so the segmenter is a cheap `Copy` handle.
static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// A word of the analysed text: its folded form and where it came from in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercased, accent-folded text, as indexed.
    pub text: String,
    /// Byte offsets of the word in the original text (for highlighting).
    pub offset_from: usize,
    pub offset_to: usize,
}

/// Calls `sink` for every word of `text` in order, with the folded word and its byte range.
///
/// Segments that hold no letter or digit (spaces, punctuation, emoji) are skipped, as are words
/// longer than [`MAX_TOKEN_BYTES`] once folded.
pub fn for_each_word(text: &str, mut sink: impl FnMut(&str, usize, usize)) {
    let mut folded = String::new();
    let mut start = 0;
    for (end, word_type) in SEGMENTER.segment_str(text).iter_with_word_type() {
        if end == 0 {
            continue;
        }
        let Some(segment) = text.get(start..end) else {
            start = end;
            continue;
        };
        let segment_start = start;
        start = end;
        if !word_type.is_word_like() && !segment.chars().any(char::is_alphanumeric) {
            continue;
        }
        fold_into(segment, &mut folded);
        if folded.is_empty() || folded.len() > MAX_TOKEN_BYTES {
            continue;
        }
        sink(&folded, segment_start, end);
    }
}

/// The words of `text`, folded, as the index sees them.
pub fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    for_each_word(text, |word, offset_from, offset_to| {
        words.push(Word {
            text: word.to_owned(),
            offset_from,
            offset_to,
        });
    });
    words
}

/// The folded words of `text` joined by single spaces: the form of a whole name used for exact
/// name matches, so "SOCIÉTÉ  Générale, S.A." and "societe generale s a" compare equal.
pub fn normalize_phrase(text: &str) -> String {
    let mut phrase = String::with_capacity(text.len());
    for_each_word(text, |word, _, _| {
        if !phrase.is_empty() {
            phrase.push(' ');
        }
        phrase.push_str(word);
    });
    phrase
}

/// Certificate, licence and trademark numbers and slugs compared case-, space- and
/// punctuation-insensitively: only folded letters and digits are kept, so "ers-np 2024-0000001"
/// equals "ERS-NP-2024-0000001".
pub fn normalize_identifier(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    folded.retain(char::is_alphanumeric);
    folded
}

/// Lowercases and folds one word into `out` (cleared first).
///
/// Folding is NFKD (which also maps compatibility forms: full-width Latin, ligatures, Arabic
/// presentation forms), then dropping only the combining diacritics of U+0300–U+036F, which
/// Latin, Greek and Cyrillic use; Indic and Thai vowel signs and viramas live elsewhere and are
/// kept, since dropping them changes the word. Arabic short-vowel marks and tatweel are dropped
/// too, as Arabic search engines do: they are optional in writing. NFC then recomposes what is
/// left so Hangul and Indic text stay in their usual form.
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.chars().map(|character| character.to_ascii_lowercase()));
        return;
    }
    let folded = word
        .nfkd()
        .flat_map(char::to_lowercase)
        .filter(|character| !is_droppable_mark(*character))
        .flat_map(fold_special_letter)
        .nfc();
    out.extend(folded);
}

fn is_droppable_mark(character: char) -> bool {
    matches!(character,
        '\u{0300}'..='\u{036F}' // combining diacritical marks (Latin, Greek, Cyrillic)
        | '\u{064B}'..='\u{065F}' // Arabic harakat
        | '\u{0670}' // Arabic superscript alef
        | '\u{0640}' // Arabic tatweel
    )
}

/// Letters that carry their "accent" in the base character, so NFKD does not split them.
fn fold_special_letter(character: char) -> FoldedLetter {
    match character {
        'ø' => FoldedLetter::One('o'),
        'ł' => FoldedLetter::One('l'),
        'đ' | 'ð' => FoldedLetter::One('d'),
        'ı' => FoldedLetter::One('i'),
        'ħ' => FoldedLetter::One('h'),
        'ŧ' => FoldedLetter::One('t'),
        'ς' => FoldedLetter::One('σ'),
        'ß' => FoldedLetter::Two('s', 's'),
        'æ' => FoldedLetter::Two('a', 'e'),
        'œ' => FoldedLetter::Two('o', 'e'),
        'þ' => FoldedLetter::Two('t', 'h'),
        other => FoldedLetter::One(other),
    }
}

/// One or two letters, without allocating.
enum FoldedLetter {
    One(char),
    Two(char, char),
    Done,
}

impl Iterator for FoldedLetter {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        match *self {
            FoldedLetter::One(first) => {
                *self = FoldedLetter::Done;
                Some(first)
            }
            FoldedLetter::Two(first, second) => {
                *self = FoldedLetter::One(second);
                Some(first)
            }
            FoldedLetter::Done => None,
        }
    }
}

/// The Tantivy tokenizer; it must be registered under [`TOKENIZER_NAME`] every time an index is
/// opened, since Tantivy does not store tokenizers with the index.
#[derive(Clone, Default)]
pub struct MultilingualTokenizer {
    tokens: Vec<Token>,
}

/// Tokens are computed up front into the tokenizer's reusable buffer, then handed out one by one.
pub struct MultilingualTokenStream<'a> {
    tokens: &'a mut [Token],
    next_index: usize,
    /// Lent out if a caller asks for the current token before `advance` or after the end, which
    /// Tantivy never does; it keeps that contract violation from panicking.
    placeholder: Token,
}

impl Tokenizer for MultilingualTokenizer {
    type TokenStream<'a> = MultilingualTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        for_each_word(text, |word, offset_from, offset_to| {
            let position = tokens.len();
            tokens.push(Token {
                offset_from,
                offset_to,
                position,
                text: word.to_owned(),
                position_length: 1,
            });
        });
        MultilingualTokenStream {
            tokens: &mut self.tokens,
            next_index: 0,
            placeholder: Token::default(),
        }
    }
}

impl TokenStream for MultilingualTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next_index >= self.tokens.len() {
            return false;
        }
        self.next_index += 1;
        true
    }

    fn token(&self) -> &Token {
        self.next_index
            .checked_sub(1)
            .and_then(|index| self.tokens.get(index))
            .unwrap_or(&self.placeholder)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next_index.checked_sub(1) {
            Some(index) if index < self.tokens.len() => &mut self.tokens[index],
            _ => &mut self.placeholder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|word| word.text).collect()
    }

    #[test]
    fn folds_case_and_latin_accents() {
        assert_eq!(texts("Société Générale"), ["societe", "generale"]);
        assert_eq!(
            texts("ÇAĞRI Øresund Łódź Straße"),
            ["cagri", "oresund", "lodz", "strasse"]
        );
        assert_eq!(texts("ＡＢＣ ﬁnance"), ["abc", "finance"]);
    }

    #[test]
    fn keeps_indic_vowel_signs() {
        assert_eq!(texts("हिमालयन ओभरसिज म्यानपावर"), ["हिमालयन", "ओभरसिज", "म्यानपावर"]);
        assert_eq!(texts("ঢাকা রিক্রুটিং এজেন্সি"), ["ঢাকা", "রিক্রুটিং", "এজেন্সি"]);
    }

    #[test]
    fn segments_thai_by_dictionary() {
        let thai = texts("บริษัท สยามแรงงานสากล จำกัด");
        assert!(thai.contains(&"สยาม".to_owned()), "{thai:?}");
        assert!(thai.contains(&"แรงงาน".to_owned()), "{thai:?}");
    }

    #[test]
    fn drops_arabic_harakat() {
        assert_eq!(texts("مُحَمَّد"), texts("محمد"));
    }

    #[test]
    fn identifiers_ignore_case_space_and_punctuation() {
        assert_eq!(
            normalize_identifier("ers-np 2024-0000001"),
            normalize_identifier("ERS-NP-2024-0000001")
        );
    }

    #[test]
    fn skips_punctuation_and_long_tokens() {
        assert!(texts("  -- !! ?? ").is_empty());
        let long_word = "ก".repeat(200);
        assert!(texts(&long_word).iter().all(|word| word.len() <= MAX_TOKEN_BYTES));
    }

    #[test]
    fn token_stream_gives_positions_and_offsets() {
        let mut tokenizer = MultilingualTokenizer::default();
        let mut stream = tokenizer.token_stream("Nepal Overseas");
        let mut seen = Vec::new();
        while let Some(token) = stream.next() {
            seen.push((token.text.clone(), token.position, token.offset_from, token.offset_to));
        }
        assert_eq!(seen, [("nepal".to_owned(), 0, 0, 5), ("overseas".to_owned(), 1, 6, 14)]);
    }
}
