//! Parsed documents, kept by their text. Clients send the same few operations over and
//! over (a front end's dashboard, a phone's `recordProgress`), and parsing one is the
//! dearest step before execution: for a small mutation it cost as much as its database
//! round trip. A parsed document is copied out for each request (the executor takes it
//! by value), which is a fraction of parsing it again.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents kept, least recently used dropped first.
const KEPT: NonZeroUsize = NonZeroUsize::new(128).expect("not zero");

/// Longer documents are parsed every time, so that the cache's memory stays small
/// (128 documents of at most 8 KiB of text) whatever clients send.
const LONGEST_KEPT: usize = 8 * 1024;

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

impl Documents {
    /// `text` parsed, from the cache when it was parsed before. Documents that do not
    /// parse are not kept.
    pub(crate) fn parse(&self, text: &str) -> async_graphql::parser::Result<ExecutableDocument> {
        if text.len() > LONGEST_KEPT {
            return async_graphql::parser::parse_query(text);
        }
        let found = self
            .kept
            .lock()
            .ok()
            .and_then(|mut kept| kept.get(text).cloned());
        if let Some(document) = found {
            return Ok(ExecutableDocument::clone(&document));
        }
        let document = async_graphql::parser::parse_query(text)?;
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(text.to_owned(), Arc::new(document.clone()));
        }
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_parsed_again_is_the_same_document() {
        let documents = Documents::default();
        let text = "query Q($n: Int) { students(first: $n) { totalCount } }";
        let first = documents.parse(text).expect("parses");
        let again = documents.parse(text).expect("parses");
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(documents.kept.lock().unwrap().len(), 1);
    }

    #[test]
    fn what_does_not_parse_is_an_error_every_time_and_not_kept() {
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
        documents.parse(&text).expect("parses");
        assert_eq!(documents.kept.lock().unwrap().len(), 0);
    }

    #[test]
    fn the_least_recently_used_goes_first_when_full() {
        let documents = Documents::default();
        for n in 0..=KEPT.get() {
            documents
                .parse(&format!("{{ a{n}: viewer {{ subject }} }}"))
                .expect("parses");
        }
        let kept = documents.kept.lock().unwrap();
        assert_eq!(kept.len(), KEPT.get());
        assert!(!kept.contains("{ a0: viewer { subject } }"));
        assert!(kept.contains(&format!("{{ a{}: viewer {{ subject }} }}", KEPT.get())));
    }
}
