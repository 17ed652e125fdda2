//! Names the operation a request runs, for the audit log, when the client named it only
//! in the document (`query ReadMaya { ... }`) and not in `operationName`.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};

/// The name of the document's operation, when it has exactly one and it is named.
pub(crate) fn only_name(document: &ExecutableDocument) -> Option<String> {
    match &document.operations {
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        _ => None,
    }
}
