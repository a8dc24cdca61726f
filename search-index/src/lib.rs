//! Full-text search over the directory's records: recruiters, organisations, training providers
//! and training listings.
//!
//! The crate owns a Tantivy index and knows nothing of databases or GraphQL: the API feeds it
//! [`Document`]s with the change-log position they reflect ([`SearchIndex::apply`],
//! [`SearchIndex::replace_all`]) and asks it [`SearchRequest`]s. Every call blocks; run it on a
//! blocking thread.
//!
//! What a search does: words are cut by Unicode segmentation (dictionary-based for Thai, Lao,
//! Khmer and Burmese), folded for case and Latin/Greek/Cyrillic accents, matched with typo
//! tolerance and, for the word being typed, as a prefix. Exact identifiers rank first, then exact
//! names, then all words, then some; certified records win ties. Filters run inside the index and
//! facets count the whole filtered result.

mod document;
mod facets;
mod highlight;
mod index;
mod query;
mod schema;
mod score_offset;
pub mod tokenizer;

use std::path::PathBuf;

pub use document::{Document, RecordType, UnknownRecordType};
pub use facets::Facets;
pub use index::{Hit, MAX_RESULT_WINDOW, SearchIndex, SearchResults};
pub use query::{Filter, MAX_QUERY_WORDS, SearchRequest};
pub use schema::SCHEMA_VERSION;

/// What can go wrong. Only [`Error::ResultWindowTooLarge`] is the caller's fault
/// ([`Error::is_bad_user_input`]); query text itself is never refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index failed: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("cannot use search index directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "search index in {} is in use by another process; stop it or use another directory",
        path.display()
    )]
    Locked { path: PathBuf },
    #[error("offset plus limit must be at most {max}; narrow the search instead of paging further")]
    ResultWindowTooLarge { max: usize },
    #[error("search index holds an unreadable document ({0}); rebuild the index")]
    CorruptDocument(String),
}

impl Error {
    /// True when the request, not the index, is at fault (maps to `BAD_USER_INPUT`).
    pub fn is_bad_user_input(&self) -> bool {
        matches!(self, Error::ResultWindowTooLarge { .. })
    }
}
