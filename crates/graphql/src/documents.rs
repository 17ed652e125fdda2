//! Parsed documents, kept by their text. Clients send the same few operations over and
//! over (a front end's dashboard, a phone's `recordProgress`), and parsing one is the
//! dearest step before execution: for a small mutation it cost as much as its database
//! round trip. A parsed document is copied out for each request (the executor takes it
//! by value), which is a fraction of parsing it again.
//!
//! Only short documents that passed the cost walk are kept, so the cache stays small
//! whatever clients send: a parsed field takes some 200 bytes, so a document of 2 KiB
//! parses to at most about 200 KiB, and 64 of them to some 13 MB.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents kept, least recently used dropped first.
const KEPT: NonZeroUsize = NonZeroUsize::new(64).expect("not zero");

/// Longer documents are parsed every time.
const LONGEST_KEPT: usize = 2 * 1024;

/// The parsed documents of recent requests.
pub(crate) struct Documents {
    kept: Mutex<LruCache<String, Arc<ExecutableDocument>>>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            kept: Mutex::new(LruCache::new(KEPT)),
        }
    }
}

/// A document, and whether it came from the cache.
pub(crate) struct Parsed {
    pub document: ExecutableDocument,
    pub kept: bool,
}

impl Documents {
    /// `text` parsed, from the cache when it was kept before.
    pub(crate) fn parse(&self, text: &str) -> async_graphql::parser::Result<Parsed> {
        let found = (text.len() <= LONGEST_KEPT)
            .then(|| self.kept.lock().ok()?.get(text).cloned())
            .flatten();
        Ok(match found {
            Some(document) => Parsed {
                document: ExecutableDocument::clone(&document),
                kept: true,
            },
            None => Parsed {
                document: async_graphql::parser::parse_query(text)?,
                kept: false,
            },
        })
    }

    /// Keeps `document`, parsed from `text`, if `text` is short enough. Call it only for
    /// documents that passed the request's checks.
    pub(crate) fn keep(&self, text: &str, document: &ExecutableDocument) {
        if text.len() > LONGEST_KEPT {
            return;
        }
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(text.to_owned(), Arc::new(document.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_and_keep(documents: &Documents, text: &str) -> Parsed {
        let parsed = documents.parse(text).expect("parses");
        documents.keep(text, &parsed.document);
        parsed
    }

    #[test]
    fn a_document_kept_is_the_same_document_when_asked_again() {
        let documents = Documents::default();
        let text = "query Q($n: Int) { students(first: $n) { totalCount } }";
        let first = parse_and_keep(&documents, text);
        let again = documents.parse(text).expect("parses");
        assert!(!first.kept);
        assert!(again.kept);
        assert_eq!(
            format!("{:?}", first.document),
            format!("{:?}", again.document)
        );
    }

    #[test]
    fn a_document_not_kept_is_parsed_again() {
        let documents = Documents::default();
        let text = "{ viewer { subject } }";
        documents.parse(text).expect("parses");
        assert!(!documents.parse(text).expect("parses").kept);
    }

    #[test]
    fn what_does_not_parse_is_an_error_every_time() {
        let documents = Documents::default();
        assert!(documents.parse("query {").is_err());
        assert!(documents.parse("query {").is_err());
        assert_eq!(documents.kept.lock().unwrap().len(), 0);
    }

    #[test]
    fn long_documents_are_parsed_but_not_kept() {
        let documents = Documents::default();
        let fields = "totalCount ".repeat(LONGEST_KEPT / 10);
        let text = format!("{{ students {{ {fields} }} }}");
        assert!(text.len() > LONGEST_KEPT);
        parse_and_keep(&documents, &text);
        assert_eq!(documents.kept.lock().unwrap().len(), 0);
        assert!(!documents.parse(&text).expect("parses").kept);
    }

    #[test]
    fn the_least_recently_used_goes_first_when_full() {
        let documents = Documents::default();
        for n in 0..=KEPT.get() {
            parse_and_keep(&documents, &format!("{{ a{n}: viewer {{ subject }} }}"));
        }
        let kept = documents.kept.lock().unwrap();
        assert_eq!(kept.len(), KEPT.get());
        assert!(!kept.contains("{ a0: viewer { subject } }"));
        assert!(kept.contains(&format!("{{ a{}: viewer {{ subject }} }}", KEPT.get())));
    }
}
