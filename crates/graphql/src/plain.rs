//! Objects whose plain fields are resolved in line instead of each in a boxed future of
//! its own.
//!
//! async-graphql resolves every field of every object concurrently: a boxed future a
//! field, polled through a `FuturesUnordered`, its value merged into the object's map
//! with two hash lookups. For a field that only reads what the object holds, that
//! machinery is most of the field's cost, and a dashboard has thousands of them (a
//! goal's progress entries alone are three thousand fields). [`Plain`] wraps such an
//! object: the fields it names as [`Fields::PLAIN`] are resolved in turn by the
//! object's own resolver as the selection is walked, and the others (those that load)
//! concurrently with each other, each in a box (so that one object's future does not
//! hold the next one's), as the executor boxes every field. A selection with a
//! fragment, a directive or a key asked for twice goes the executor's own way. The
//! schema is the object's own: [`Plain`] takes its name and registration.
//!
//! The schema has no extensions (see `build_schema`), so nothing is skipped that an
//! extension would have seen; one added later would not see the plain fields. `@skip`
//! and `@include` are taken out of a request before it runs; any other directive sends
//! the selection the executor's way. Keys come in the selection's order (the executor
//! writes them in the order they resolve).

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{
    Context, ContextSelectionSet, Name, ObjectType, OutputType, Positioned, ServerResult, Value,
};
use futures::FutureExt;

/// An object some of whose fields need nothing but the object.
pub trait Fields: ObjectType {
    /// The fields resolved from the object alone: nothing loaded, nothing awaited.
    const PLAIN: &'static [&'static str];
}

/// `T`, resolving its plain fields in line.
pub struct Plain<T>(pub T);

/// The selection's fields, when it holds nothing but fields without directives, each
/// under a key of its own (checked without collecting them: a dashboard walks two
/// thousand selections).
fn simple_selection<'a>(
    ctx: &ContextSelectionSet<'a>,
) -> Option<impl Iterator<Item = &'a Positioned<Field>> + use<'a>> {
    let items = &ctx.item.node.items;
    let as_field = |selection: &'a Positioned<Selection>| match &selection.node {
        Selection::Field(field) => Some(field),
        _ => None,
    };
    for (i, selection) in items.iter().enumerate() {
        let field = as_field(selection)?;
        let key = &field.node.response_key().node;
        let repeated = items[..i]
            .iter()
            .filter_map(as_field)
            .any(|other| &other.node.response_key().node == key);
        if repeated || !field.node.directives.is_empty() {
            return None;
        }
    }
    Some(items.iter().filter_map(as_field))
}

impl<T: Fields> OutputType for Plain<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let Some(fields) = simple_selection(ctx) else {
            return resolve_container(ctx, &self.0).await;
        };
        // Each key's value in the selection's order; a field that fails has none and
        // leaves its key out, as the executor does.
        let mut slots: Vec<(Name, Option<Value>)> = Vec::with_capacity(ctx.item.node.items.len());
        let mut loading = Vec::new();
        for field in fields {
            let key = field.node.response_key().node.clone();
            let name = field.node.name.node.as_str();
            let value = if name == "__typename" {
                Some(Value::String(self.0.introspection_type_name().into_owned()))
            } else if T::PLAIN.contains(&name) {
                answered(ctx, self.0.resolve_field(&ctx.with_field(field)).await)
            } else {
                // Boxed: a loading field may hold another `Plain` (a connection's
                // nodes, an alliance's goals), and futures nested without a box would
                // make each type's future contain the next one's.
                let slot = slots.len();
                loading.push(
                    async move { (slot, self.0.resolve_field(&ctx.with_field(field)).await) }
                        .boxed(),
                );
                None
            };
            slots.push((key, value));
        }
        for (slot, value) in futures::future::join_all(loading).await {
            slots[slot].1 = answered(ctx, value);
        }
        let mut values: IndexMap<Name, Value> = IndexMap::with_capacity(slots.len());
        values.extend(
            slots
                .into_iter()
                .filter_map(|(key, value)| Some((key, value?))),
        );
        Ok(if values.is_empty() {
            Value::Null
        } else {
            Value::Object(values)
        })
    }
}

/// A field's value, or none with its error kept for the answer.
fn answered(ctx: &ContextSelectionSet<'_>, value: ServerResult<Option<Value>>) -> Option<Value> {
    match value {
        Ok(value) => Some(value.unwrap_or_default()),
        Err(error) => {
            ctx.add_error(error);
            None
        }
    }
}

impl<T: Fields> ContainerType for Plain<T> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.0.resolve_field(ctx).await
    }

    fn collect_all_fields<'a>(
        &'a self,
        ctx: &ContextSelectionSet<'a>,
        fields: &mut async_graphql::resolver_utils::Fields<'a>,
    ) -> ServerResult<()> {
        self.0.collect_all_fields(ctx, fields)
    }
}

impl<T: Fields> ObjectType for Plain<T> {}

#[cfg(test)]
mod tests {
    use async_graphql::connection::Connection;

    use super::{Fields, Plain};
    use crate::pagination::{Offset, Totals};
    use crate::types::{alliance, directory, feedback, goal, health, student};

    /// The fields `T` names as plain, each an argument-less field of its type in the
    /// schema: a misspelt name would silently go the slow way, and a field with
    /// arguments has no place among them.
    fn plain_fields_are_fields_of<T: Fields>(sdl: &str) {
        let name = T::type_name();
        let start = sdl
            .find(&format!("type {name} "))
            .unwrap_or_else(|| panic!("no type {name} in the schema"));
        let body = &sdl[start..];
        let body = &body[..body.find("\n}").expect("the type's end")];
        for field in T::PLAIN {
            assert!(
                body.lines()
                    .any(|line| line.trim_start().starts_with(&format!("{field}:"))),
                "{name}.{field} is not an argument-less field of {name}"
            );
        }
    }

    #[test]
    fn every_plain_field_is_an_argument_less_field_of_its_type() {
        let sdl = crate::build_schema(crate::Limits::default()).sdl();
        plain_fields_are_fields_of::<student::Student>(&sdl);
        plain_fields_are_fields_of::<directory::School>(&sdl);
        plain_fields_are_fields_of::<directory::Person>(&sdl);
        plain_fields_are_fields_of::<alliance::Alliance>(&sdl);
        plain_fields_are_fields_of::<alliance::AllianceMember>(&sdl);
        plain_fields_are_fields_of::<goal::Goal>(&sdl);
        plain_fields_are_fields_of::<goal::ProgressSummary>(&sdl);
        plain_fields_are_fields_of::<goal::ProgressEntry>(&sdl);
        plain_fields_are_fields_of::<health::AllianceHealth>(&sdl);
        plain_fields_are_fields_of::<feedback::FeedbackResponse>(&sdl);
        plain_fields_are_fields_of::<Connection<Offset, Plain<goal::Goal>, Totals>>(&sdl);
    }
}
