//! The query text as the cache sees it: GraphQL's ignored tokens (white space, line breaks,
//! commas, comments, a byte-order mark) dropped, one space kept only where two names or
//! numbers would otherwise run together. Strings, block strings included, are kept exactly.
//! Two requests that differ only in layout share one cached answer.

/// The normalised text of a GraphQL document. Text that is not valid GraphQL still gives a
/// deterministic result (such a request is refused before the cache is asked anyway).
pub fn normalise_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut chars = query.chars().peekable();
    // Whether ignored tokens were skipped since the last token written.
    let mut gap = false;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' | ',' | '\u{feff}' => gap = true,
            '#' => {
                while chars.next_if(|&next| next != '\n' && next != '\r').is_some() {}
                gap = true;
            }
            '"' => {
                out.push('"');
                if chars.peek() == Some(&'"') {
                    chars.next();
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        out.push_str("\"\"");
                        copy_block_string(&mut chars, &mut out);
                    } else {
                        // The empty string.
                        out.push('"');
                    }
                } else {
                    copy_string(&mut chars, &mut out);
                }
                gap = false;
            }
            _ => {
                let word = is_word(c);
                if gap && word && out.chars().last().is_some_and(is_word) {
                    out.push(' ');
                }
                out.push(c);
                gap = false;
            }
        }
    }
    // `query { ... }` and `{ ... }` are the same anonymous query.
    match out.strip_prefix("query{") {
        Some(rest) => format!("{{{rest}"),
        None => out,
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '$'
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Copies a `"..."` string after its opening quote, escapes included.
fn copy_string(chars: &mut Chars<'_>, out: &mut String) {
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\\' => {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            '"' | '\n' => return,
            _ => {}
        }
    }
}

/// Copies a `"""..."""` block string after its opening quotes (`\"""` is an escaped quote).
fn copy_block_string(chars: &mut Chars<'_>, out: &mut String) {
    let mut quotes = 0;
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' && chars.peek() == Some(&'"') {
            // `\"""`: copy the three quotes as text.
            for _ in 0..3 {
                if let Some(quote) = chars.next_if_eq(&'"') {
                    out.push(quote);
                }
            }
            quotes = 0;
            continue;
        }
        quotes = if c == '"' { quotes + 1 } else { 0 };
        if quotes == 3 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_query;

    #[test]
    fn layout_is_ignored_but_strings_are_kept() {
        assert_eq!(
            normalise_query("query Q($a: Int = 1) {\n  x(a: $a, b: \"a  b, # c\") # note\n  y { z } }"),
            "query Q($a:Int=1){x(a:$a b:\"a  b, # c\")y{z}}"
        );
        assert_eq!(
            normalise_query("{ a(s: \"\"\"  x \"\" \\\"\"\" y \"\"\") }"),
            "{a(s:\"\"\"  x \"\" \\\"\"\" y \"\"\")}"
        );
        assert_eq!(normalise_query("{ a(s: \"\") b }"), "{a(s:\"\")b}");
        assert_eq!(normalise_query("{ a(n: 1.5e3 , m: -2) ...F }"), "{a(n:1.5e3 m:-2)...F}");
        assert_eq!(normalise_query("{\u{feff} a\r\n b }"), "{a b}");
        assert_eq!(normalise_query("query { a }"), normalise_query("{ a }"));
    }

    #[test]
    fn different_queries_stay_different() {
        assert_ne!(normalise_query("{ a b }"), normalise_query("{ ab }"));
        assert_ne!(
            normalise_query("{ a(s: \"x y\") }"),
            normalise_query("{ a(s: \"x  y\") }")
        );
    }
}
