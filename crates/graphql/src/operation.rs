//! Names the operation a request runs, for the audit log, when the client named it only
//! in the document (`query ReadMaya { ... }`) and not in `operationName`.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{ServerResult, Variables};

use crate::StateHandle;

/// The extension's factory, installed on the schema.
pub struct OperationNames;

impl ExtensionFactory for OperationNames {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationNameExtension)
    }
}

struct OperationNameExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for OperationNameExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let (Some(state), DocumentOperations::Multiple(operations)) =
            (ctx.data_opt::<StateHandle>(), &document.operations)
            && let [name] = operations.keys().collect::<Vec<_>>().as_slice()
        {
            let _ = state.0.operation_name.set(name.to_string());
        }
        Ok(document)
    }
}
