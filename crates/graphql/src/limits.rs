//! The cost of a query, known before anything runs.
//!
//! async-graphql counts every field once; a list of a hundred alliances each with a
//! hundred goals is not one field but ten thousand. Here a list field costs as many
//! times its selection as it may hold items: a connection's lists hold its `first` or
//! `last` (100 when neither is given), `nodes(ids:)` holds as many items as it was
//! given ids, and any other list counts as [`PLAIN_LIST_ITEMS`]. The same walk counts
//! aliases and root fields, so a document cannot multiply an expensive selection by
//! aliasing it.
//!
//! The walk runs after parsing and before validation, so it guards itself against
//! fragment cycles, against nesting deeper than the executor will accept, and against
//! documents that expand into more fields than it is willing to visit.
//!
//! It walks the types of [`QueryRoot`](crate::QueryRoot) and
//! [`MutationRoot`](crate::MutationRoot); the executor's introspection fields
//! (`__schema`, `__type`) are not among them and count as one field each, their depth
//! still held by the depth limit (production serves no introspection at all).

use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, FragmentSpread, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{Name, OutputType, ServerError, ServerResult, Value, Variables};

use crate::pagination::MAX_PAGE;

/// Items a list that is not a connection is assumed to hold (a goal's acceptances, a
/// communication's replies: short lists).
pub const PLAIN_LIST_ITEMS: u64 = 10;

/// Fields the walk visits, fragments expanded, before it gives up on a document.
const MAX_VISITS: u64 = 100_000;

/// The limits a document is held to, each configurable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    /// Highest cost of one operation.
    pub complexity: u64,
    /// Most aliased fields in one operation.
    pub aliases: u64,
    /// Most fields at the root of one operation.
    pub root_fields: u64,
    /// Deepest nesting of selection sets (fragments expanded) the walk follows.
    pub nesting: usize,
}

/// What the walk found in one operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryCost {
    pub complexity: u64,
    pub aliases: u64,
    pub root_fields: u64,
}

/// The types of Alliance's query and mutation roots, as the walk reads them.
pub fn registry() -> Registry {
    let mut registry = Registry {
        query_type: crate::QueryRoot::type_name().into_owned(),
        mutation_type: Some(crate::MutationRoot::type_name().into_owned()),
        ..Registry::default()
    };
    crate::QueryRoot::create_type_info(&mut registry);
    crate::MutationRoot::create_type_info(&mut registry);
    registry
}

/// Rejects a document any of whose operations is over a limit.
pub fn check(
    registry: &Registry,
    document: &ExecutableDocument,
    variables: &Variables,
    limits: QueryLimits,
) -> ServerResult<()> {
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => registry.subscription_type.as_deref(),
        };
        let mut walk = Walk {
            registry,
            document,
            variables,
            visits: 0,
            aliases: 0,
            fragments: Vec::new(),
            depth: 0,
            nesting: limits.nesting,
        };
        let cost = walk.selection_set(root, &operation.node.selection_set.node)?;
        let root_fields = walk.root_fields(&operation.node.selection_set.node)?;
        let found = QueryCost {
            complexity: cost,
            aliases: walk.aliases,
            root_fields,
        };
        over_limit(found, limits)?;
    }
    Ok(())
}

fn over_limit(found: QueryCost, limits: QueryLimits) -> ServerResult<()> {
    if found.root_fields > limits.root_fields {
        return Err(refused(format!(
            "the operation asks for {} root fields; at most {} are allowed",
            found.root_fields, limits.root_fields
        )));
    }
    if found.aliases > limits.aliases {
        return Err(refused(format!(
            "the operation uses {} aliases; at most {} are allowed",
            found.aliases, limits.aliases
        )));
    }
    if found.complexity > limits.complexity {
        return Err(refused(format!(
            "the operation is too complex: it could load about {} fields, and at most {} are \
             allowed; ask for smaller pages (`first`) or fewer fields",
            found.complexity, limits.complexity
        )));
    }
    Ok(())
}

fn refused(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "BAD_USER_INPUT");
    error.extensions = Some(extensions);
    error
}

struct Walk<'a> {
    registry: &'a Registry,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    visits: u64,
    aliases: u64,
    /// Fragments being expanded, to stop at a cycle (validation rejects it later).
    fragments: Vec<&'a Name>,
    /// Selection sets entered and not yet left.
    depth: usize,
    /// How deep `depth` may go.
    nesting: usize,
}

impl<'a> Walk<'a> {
    /// The cost of a selection set on `parent` (a type name; `None` when unknown, as
    /// after a field the schema does not have: validation will reject it).
    fn selection_set(&mut self, parent: Option<&str>, set: &'a SelectionSet) -> ServerResult<u64> {
        if self.depth >= self.nesting {
            return Err(refused(format!(
                "the operation nests more than {} selections deep",
                self.nesting
            )));
        }
        self.depth += 1;
        let cost = self.selections(parent, set);
        self.depth -= 1;
        cost
    }

    fn selections(&mut self, parent: Option<&str>, set: &'a SelectionSet) -> ServerResult<u64> {
        let mut total: u64 = 0;
        for selection in &set.items {
            let cost = match &selection.node {
                Selection::Field(field) => self.field(parent, &field.node)?,
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .or(parent);
                    self.selection_set(on, &fragment.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => self.spread(&spread.node, |walk, f| {
                    let on = f.type_condition.node.on.node.as_str();
                    walk.selection_set(Some(on), &f.selection_set.node)
                })?,
            };
            total = total.saturating_add(cost);
        }
        Ok(total)
    }

    /// Walks the fragment a spread names with `walk`, unless that fragment is already
    /// being expanded (a cycle, which validation refuses later) or does not exist: then
    /// it adds nothing.
    fn spread(
        &mut self,
        spread: &'a FragmentSpread,
        walk: impl FnOnce(&mut Self, &'a FragmentDefinition) -> ServerResult<u64>,
    ) -> ServerResult<u64> {
        let name = &spread.fragment_name.node;
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(0);
        };
        if self.fragments.contains(&name) {
            return Ok(0);
        }
        self.fragments.push(name);
        let cost = walk(self, &fragment.node);
        self.fragments.pop();
        cost
    }

    fn field(
        &mut self,
        parent: Option<&str>,
        field: &'a async_graphql::parser::types::Field,
    ) -> ServerResult<u64> {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            return Err(refused(format!(
                "the operation expands to more than {MAX_VISITS} fields"
            )));
        }
        if field.alias.is_some() {
            self.aliases += 1;
        }
        let meta = parent
            .and_then(|p| self.registry.types.get(p))
            .and_then(|t| t.field_by_name(field.name.node.as_str()));
        let Some(meta) = meta else {
            // `__typename`, or a field validation will reject.
            return Ok(1);
        };
        let child = MetaTypeName::of(&meta.ty);
        let inner = if is_connection(self.registry, child.name) {
            // A connection's lists hold its page: the page size multiplies what is
            // below its `nodes` and `edges`, not its `totalCount`.
            let page = self.page_size(field);
            self.page_selection(page, child.name, &field.selection_set.node)?
        } else {
            self.selection_set(Some(child.name), &field.selection_set.node)?
        };
        let items = if child.is_list {
            self.list_items(field, meta)
        } else {
            1
        };
        Ok(1u64.saturating_add(items.saturating_mul(inner)))
    }

    fn page_selection(
        &mut self,
        page: u64,
        connection: &str,
        set: &'a SelectionSet,
    ) -> ServerResult<u64> {
        let mut total: u64 = 0;
        for selection in &set.items {
            let cost = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let meta = self
                        .registry
                        .types
                        .get(connection)
                        .and_then(|t| t.field_by_name(field.name.node.as_str()));
                    match meta {
                        Some(meta) if MetaTypeName::of(&meta.ty).is_list => {
                            self.visits += 1;
                            if field.alias.is_some() {
                                self.aliases += 1;
                            }
                            let item = MetaTypeName::of(&meta.ty).name;
                            let inner =
                                self.selection_set(Some(item), &field.selection_set.node)?;
                            1u64.saturating_add(page.saturating_mul(inner))
                        }
                        _ => self.field(Some(connection), field)?,
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.page_selection(page, connection, &fragment.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => self.spread(&spread.node, |walk, f| {
                    walk.page_selection(page, connection, &f.selection_set.node)
                })?,
            };
            total = total.saturating_add(cost);
        }
        Ok(total)
    }

    /// How many items a plain list field may hold: `nodes(ids:)` as many as its ids.
    fn list_items(
        &self,
        field: &async_graphql::parser::types::Field,
        meta: &async_graphql::registry::MetaField,
    ) -> u64 {
        if meta.args.contains_key("ids")
            && let Some(Value::List(ids)) = self.argument(field, "ids")
        {
            return ids.len() as u64;
        }
        PLAIN_LIST_ITEMS
    }

    /// The page a connection field asks for: `first` or `last`, else the default; past
    /// the largest page the resolver refuses it with a clearer message than ours.
    fn page_size(&self, field: &async_graphql::parser::types::Field) -> u64 {
        ["first", "last"]
            .iter()
            .filter_map(|name| match self.argument(field, name) {
                Some(Value::Number(n)) => n.as_u64(),
                _ => None,
            })
            .max()
            .map_or(MAX_PAGE as u64, |n| n.min(MAX_PAGE as u64))
    }

    /// An argument's value, variables substituted.
    fn argument(&self, field: &async_graphql::parser::types::Field, name: &str) -> Option<Value> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        value
            .node
            .clone()
            .into_const_with(|variable| self.variables.get(&variable).cloned().ok_or(()))
            .ok()
    }

    /// Root fields, fragments expanded.
    fn root_fields(&mut self, set: &'a SelectionSet) -> ServerResult<u64> {
        let mut total = 0;
        for selection in &set.items {
            total += match &selection.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(fragment) => {
                    self.root_fields(&fragment.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => self.spread(&spread.node, |walk, f| {
                    walk.root_fields(&f.selection_set.node)
                })?,
            };
        }
        Ok(total)
    }
}

/// Whether a type is a Relay connection (its name says so and it has `pageInfo`).
fn is_connection(registry: &Registry, name: &str) -> bool {
    name.ends_with("Connection")
        && matches!(
            registry.types.get(name),
            Some(MetaType::Object { fields, .. }) if fields.contains_key("pageInfo")
        )
}

/// A field's type, read from its SDL form (`[Goal!]!`, `GoalConnection!`).
struct MetaTypeName<'a> {
    name: &'a str,
    is_list: bool,
}

impl<'a> MetaTypeName<'a> {
    fn of(ty: &'a str) -> Self {
        let trimmed = ty.trim_end_matches('!');
        let is_list = trimmed.starts_with('[');
        let name = trimmed.trim_matches(|c| c == '[' || c == ']' || c == '!');
        Self { name, is_list }
    }
}
