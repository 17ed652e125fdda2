//! Alliance's GraphQL API: the schema, its resolvers, data loaders and the access
//! control every resolver goes through.

// Proving a resolver's future `Send` walks every object type it may reach; with
// connections resolved in line (`plain`) that walk is deeper than the default 128.
#![recursion_limit = "256"]

mod context;
mod documents;
mod error;
mod ids;
pub mod limits;
mod loaders;
mod memo;
mod mutations;
mod operation;
mod pagination;
mod plain;
mod query;
mod types;

use alliance_store::Store;
use async_graphql::{EmptySubscription, Schema, ServerError};

pub use context::{Authentication, Credentials};
pub use ids::{encode as global_id, parse as parse_global_id};
pub use mutations::MutationRoot;
pub use query::QueryRoot;

/// The schema, with what is checked before a request runs: a document's cost, aliases
/// and root fields are walked here rather than in a schema extension, because any
/// extension makes the executor route every field of every answer through it (a
/// dashboard resolves some ten thousand fields).
pub struct AppSchema {
    schema: Schema<QueryRoot, MutationRoot, EmptySubscription>,
    /// The schema's types, for the walk.
    registry: async_graphql::registry::Registry,
    limits: limits::QueryLimits,
    /// Recent requests' parsed documents.
    documents: documents::Documents,
}

impl AppSchema {
    /// The schema in SDL.
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }
}

/// Limits that keep one request from exhausting the service.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of fields.
    pub depth: usize,
    /// Highest cost, lists weighted by the items they may hold (see [`limits`]).
    pub complexity: u64,
    /// Most aliased fields in one operation.
    pub aliases: u64,
    /// Most fields at the root of one operation.
    pub root_fields: u64,
    /// Production: no introspection and no "did you mean" suggestions, so the schema is
    /// not handed to whoever asks.
    pub hide_schema: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            depth: 15,
            complexity: 500_000,
            aliases: 30,
            root_fields: 20,
            hide_schema: false,
        }
    }
}

/// Builds the schema.
pub fn build_schema(limits: Limits) -> AppSchema {
    let builder = Schema::build(QueryRoot, MutationRoot::default(), EmptySubscription)
        .limit_depth(limits.depth)
        .limit_recursive_depth(limits.depth * 4);
    let builder = if limits.hide_schema {
        builder.disable_introspection().disable_suggestions()
    } else {
        builder
    };
    AppSchema {
        schema: builder.finish(),
        registry: limits::registry(),
        limits: limits::QueryLimits {
            complexity: limits.complexity,
            aliases: limits.aliases,
            root_fields: limits.root_fields,
            nesting: limits.depth * 4,
        },
        documents: documents::Documents::default(),
    }
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(Limits::default()).sdl()
}

/// Executes one request as the given caller, then writes the audit events of the
/// student records it read. If those cannot be written, the response is withheld: no
/// read of a child's records goes unrecorded.
pub async fn execute(
    schema: &AppSchema,
    store: &Store,
    mut request: async_graphql::Request,
    auth: Authentication,
    request_id: String,
) -> async_graphql::Response {
    // Parsed once (or taken from those kept before): the executor takes the parsed
    // document from the request. A document is kept only once it passed the walk.
    let checked = schema
        .documents
        .parse(&request.query)
        .map_err(ServerError::from)
        .and_then(|parsed| {
            limits::check(
                &schema.registry,
                &parsed.document,
                &request.variables,
                schema.limits,
            )?;
            if !parsed.kept {
                schema.documents.keep(&request.query, &parsed.document);
            }
            Ok(parsed.document)
        });
    let named_in_document = match checked {
        Ok(document) => {
            let name = operation::only_name(&document);
            request.set_parsed_query(document);
            name
        }
        Err(error) => {
            let mut errors = vec![error];
            label_request_errors(&mut errors);
            return async_graphql::Response::from_errors(errors);
        }
    };
    let operation_name = request.operation_name.clone().or(named_in_document);
    let state = std::sync::Arc::new(
        context::RequestState::new(store.clone(), auth, request_id, operation_name).await,
    );
    let run = schema
        .schema
        .execute(request.data(StateHandle(std::sync::Arc::clone(&state))));
    let mut response = match &state.loads {
        Some(loads) => memo::drive(run, loads).await,
        None => run.await,
    };
    label_request_errors(&mut response.errors);
    let reads = state.take_reads();
    if let Err(error) = store.audit().record(reads).await {
        tracing::error!(%error, "could not write the audit log; withholding the response");
        let mut error = ServerError::new("internal error", None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", "INTERNAL");
        error.extensions = Some(extensions);
        return async_graphql::Response::from_errors(vec![error]);
    }
    response
}

/// Errors the executor raises itself (a query that does not parse or validate, an
/// unknown enum value, a query over the depth or complexity limit) come without a code;
/// they are all problems with the request, so they get `BAD_USER_INPUT`.
fn label_request_errors(errors: &mut [ServerError]) {
    for error in errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_USER_INPUT");
        }
    }
}

/// Shares the request state between the executor and the audit flush.
pub(crate) struct StateHandle(pub std::sync::Arc<context::RequestState>);
