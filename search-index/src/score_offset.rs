//! A query wrapper that adds a constant to the wrapped query's score wherever it matches.
//!
//! Each query word is wrapped in one, so a document's score starts at "number of words matched
//! times the offset" and BM25 only orders documents within that tier. That ranks "all words" above
//! "some words" in a single pass; a separate all-words conjunction would evaluate every word twice.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// Matches what `query` matches, scoring `query`'s score plus `offset`.
pub(crate) struct ScoreOffsetQuery {
    query: Box<dyn Query>,
    offset: Score,
}

impl ScoreOffsetQuery {
    pub fn new(query: Box<dyn Query>, offset: Score) -> Self {
        ScoreOffsetQuery { query, offset }
    }
}

impl Clone for ScoreOffsetQuery {
    fn clone(&self) -> Self {
        ScoreOffsetQuery {
            query: self.query.box_clone(),
            offset: self.offset,
        }
    }
}

impl fmt::Debug for ScoreOffsetQuery {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "ScoreOffset(query={:?}, offset={})", self.query, self.offset)
    }
}

impl Query for ScoreOffsetQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(ScoreOffsetWeight {
            inner,
            offset: self.offset,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct ScoreOffsetWeight {
    inner: Box<dyn Weight>,
    offset: Score,
}

impl Weight for ScoreOffsetWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ScoreOffsetScorer {
            inner: self.inner.scorer(reader, boost)?,
            offset: self.offset * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut explanation = Explanation::new_with_string(
            format!("{} + offset {}", inner.value(), self.offset),
            inner.value() + self.offset,
        );
        explanation.add_detail(inner);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct ScoreOffsetScorer {
    inner: Box<dyn Scorer>,
    offset: Score,
}

impl DocSet for ScoreOffsetScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for ScoreOffsetScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.offset
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;

    #[test]
    fn adds_the_offset_to_matches_only() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let word = builder.add_text_field("word", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000)?;
        for value in ["a", "b"] {
            let mut document = TantivyDocument::new();
            document.add_text(word, value);
            writer.add_document(document)?;
        }
        writer.commit()?;
        let term_query = |value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(word, value),
                IndexRecordOption::Basic,
            ))
        };
        let query = BooleanQuery::new(vec![
            (Occur::Should, Box::new(ScoreOffsetQuery::new(term_query("a"), 100.0))),
            (Occur::Should, term_query("b")),
        ]);
        let searcher = index.reader()?.searcher();
        let hits = searcher.search(&query, &TopDocs::with_limit(2).order_by_score())?;
        assert_eq!(hits.len(), 2);
        assert!(hits[0].0 > 100.0, "{hits:?}");
        assert!(hits[1].0 < 100.0, "{hits:?}");
        Ok(())
    }
}
