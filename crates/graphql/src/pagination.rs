//! Cursor connections over offsets: `first/after`, `last/before`, at most 100 a page.
//! Cursors are opaque to clients.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Context, Name, OutputType, SimpleObject, Value};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use alliance_store::Page;

use alliance_domain::DomainError;

use crate::error::{ApiResult, to_graphql};
use crate::plain::{self, Plain};

/// The most a page may hold, and the size of a page when none is asked for.
pub const MAX_PAGE: usize = 100;

/// What every connection adds to Relay's: how many items there are in all.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct Totals {
    /// How many items the list holds across all pages.
    pub total_count: u64,
}

/// What a cursor we did not make is told.
const NOT_A_CURSOR: &str = "is not a cursor from this list";

/// A connection of `T` with opaque string cursors and a total count. A dashboard holds
/// hundreds (a page of goals, of each goal's progress, of each alliance's members), so
/// its count and page info are resolved in line ([`Plain`]).
pub type Conn<T> = Plain<Connection<Offset, T, Totals>>;

impl<T: OutputType> plain::Fields for Connection<Offset, T, Totals> {
    const PLAIN: &'static [&'static str] = &["totalCount", "pageInfo"];
}

/// An item's place in its list, which its cursor encodes. Written out only where an
/// answer asks for a cursor (`edges { cursor }`, `pageInfo`): a page read through
/// `nodes` makes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset(usize);

impl CursorType for Offset {
    type Error = &'static str;

    fn decode_cursor(cursor: &str) -> Result<Self, Self::Error> {
        decode_cursor(cursor).map(Offset).ok_or(NOT_A_CURSOR)
    }

    fn encode_cursor(&self) -> String {
        encode_cursor(self.0)
    }
}

/// The paging arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// Paging arguments as given.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }

    /// The paging arguments among a field's `arguments` (as a look-ahead gives them, with
    /// variables filled in), if the field would take them: none when one is of the wrong
    /// type or `validate` refuses them.
    pub fn from_arguments(arguments: Vec<(Name, Value)>) -> Option<Self> {
        let number = |value: &Value| match value {
            Value::Null => Some(None),
            Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()).map(Some),
            _ => None,
        };
        let text = |value: &Value| match value {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            _ => None,
        };
        let mut args = Self::default();
        for (name, value) in arguments {
            match name.as_str() {
                "first" => args.first = number(&value)?,
                "last" => args.last = number(&value)?,
                "after" => args.after = text(&value)?,
                "before" => args.before = text(&value)?,
                _ => {}
            }
        }
        args.validate().is_ok().then_some(args)
    }

    /// Checks the arguments before anything is loaded.
    pub fn validate(&self) -> ApiResult<()> {
        for (name, value) in [("first", self.first), ("last", self.last)] {
            if value.is_some_and(|n| n < 0 || n as usize > MAX_PAGE) {
                return Err(to_graphql(&DomainError::invalid(
                    name,
                    format!("must be between 0 and {MAX_PAGE}"),
                )));
            }
        }
        for (name, cursor) in [("after", &self.after), ("before", &self.before)] {
            if let Some(cursor) = cursor {
                decode_cursor(cursor)
                    .ok_or_else(|| to_graphql(&DomainError::invalid(name, NOT_A_CURSOR)))?;
            }
        }
        Ok(())
    }

    /// The slice asked for, when it does not depend on the list's length (paging forward
    /// from the start or from `after`); none when `last` or `before` is given.
    pub fn forward(&self) -> Option<Page> {
        if self.last.is_some() || self.before.is_some() {
            return None;
        }
        let offset = self
            .after
            .as_deref()
            .and_then(decode_cursor)
            .map_or(0, |i| i + 1);
        let limit = self.first.map_or(MAX_PAGE, |first| first.max(0) as usize);
        Some(Page {
            offset: offset as u64,
            limit: limit as u64,
        })
    }

    /// The slice of a list of `total` items these arguments ask for.
    pub fn window(&self, total: u64) -> Page {
        let total = total as usize;
        let mut start = self
            .after
            .as_deref()
            .and_then(decode_cursor)
            .map_or(0, |i| i + 1)
            .min(total);
        let mut end = self
            .before
            .as_deref()
            .and_then(decode_cursor)
            .map_or(total, |i| i.min(total))
            .max(start);
        match (self.first, self.last) {
            (Some(first), _) => {
                end = end.min(start + first.max(0) as usize);
                if let Some(last) = self.last {
                    start = start.max(end.saturating_sub(last.max(0) as usize));
                }
            }
            (None, Some(last)) => start = start.max(end.saturating_sub(last.max(0) as usize)),
            (None, None) => end = end.min(start + MAX_PAGE),
        }
        Page {
            offset: start as u64,
            limit: (end - start) as u64,
        }
    }
}

/// Builds a connection from one page of items at `page`, out of `total`.
pub fn connection<T: OutputType>(items: Vec<T>, page: Page, total: u64) -> Conn<T> {
    let offset = page.offset as usize;
    let has_next = page.offset + (items.len() as u64) < total;
    let mut conn =
        Connection::with_additional_fields(offset > 0, has_next, Totals { total_count: total });
    conn.edges.extend(
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Edge::new(Offset(offset + i), item)),
    );
    Plain(conn)
}

/// Pages a list already in memory (the members of one alliance, say).
pub fn slice<T: OutputType>(mut all: Vec<T>, args: &PageArgs) -> ApiResult<Conn<T>> {
    args.validate()?;
    let total = all.len() as u64;
    let page = args.window(total);
    let start = page.offset as usize;
    let items: Vec<T> = all.drain(start..start + page.limit as usize).collect();
    Ok(connection(items, page, total))
}

/// Whether the connection `ctx` resolves asks its nodes for `field`, through `nodes` or
/// `edges { node }` (for loads that can bring it along with the nodes themselves).
pub fn nodes_ask_for(ctx: &Context<'_>, field: &str) -> bool {
    let connection = ctx.look_ahead();
    connection.field("nodes").field(field).exists()
        || connection
            .field("edges")
            .field("node")
            .field(field)
            .exists()
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

/// No list is longer than this; a cursor past it was not made by us.
const MAX_OFFSET: usize = u32::MAX as usize;

/// Longer than any cursor we make (`base64url("o:4294967295")` is 16 characters), so a
/// longer one is refused before it is decoded.
const MAX_CURSOR: usize = 32;

fn decode_cursor(cursor: &str) -> Option<usize> {
    if cursor.len() > MAX_CURSOR {
        return None;
    }
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    text.strip_prefix("o:")?
        .parse()
        .ok()
        .filter(|offset| *offset <= MAX_OFFSET)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        first: Option<i32>,
        after: Option<usize>,
        last: Option<i32>,
        before: Option<usize>,
    ) -> PageArgs {
        PageArgs::new(
            first,
            after.map(encode_cursor),
            last,
            before.map(encode_cursor),
        )
    }

    #[test]
    fn first_after_pages_forward() {
        assert_eq!(
            args(Some(10), None, None, None).window(25),
            Page {
                offset: 0,
                limit: 10
            }
        );
        assert_eq!(
            args(Some(10), Some(19), None, None).window(25),
            Page {
                offset: 20,
                limit: 5
            }
        );
    }

    #[test]
    fn last_before_pages_backward() {
        assert_eq!(
            args(None, None, Some(5), None).window(25),
            Page {
                offset: 20,
                limit: 5
            }
        );
        assert_eq!(
            args(None, None, Some(5), Some(3)).window(25),
            Page {
                offset: 0,
                limit: 3
            }
        );
    }

    #[test]
    fn an_edge_cursor_is_its_place_and_the_next_page_starts_after_it() {
        let page = args(None, None, Some(2), None).window(25);
        let conn = connection(vec![23_i32, 24], page, 25);
        let cursors: Vec<Offset> = conn.0.edges.iter().map(|edge| edge.cursor).collect();
        assert_eq!(cursors, [Offset(23), Offset(24)]);
        let written = conn.0.edges[0].cursor.encode_cursor();
        assert_eq!(
            written, "bzoyMw",
            "base64url of o:23, as cursors always were"
        );
        assert_eq!(Offset::decode_cursor(&written), Ok(Offset(23)));
        assert_eq!(
            PageArgs::new(Some(10), Some(written), None, None).window(25),
            Page {
                offset: 24,
                limit: 1
            }
        );
        assert_eq!(Offset::decode_cursor("not a cursor"), Err(NOT_A_CURSOR));
    }

    #[test]
    fn no_arguments_give_the_largest_page() {
        assert_eq!(
            args(None, None, None, None).window(250),
            Page {
                offset: 0,
                limit: 100
            }
        );
    }

    #[test]
    fn a_forged_cursor_past_any_list_is_refused_not_overflowed() {
        let forged = URL_SAFE_NO_PAD.encode(format!("o:{}", u64::MAX));
        assert!(
            PageArgs::new(Some(5), Some(forged.clone()), None, None)
                .validate()
                .is_err()
        );
        assert_eq!(
            PageArgs::new(Some(5), Some(forged), None, None).window(10),
            Page {
                offset: 0,
                limit: 5
            }
        );
        let far = encode_cursor(MAX_OFFSET);
        assert_eq!(
            PageArgs::new(Some(5), Some(far), None, None).window(10),
            Page {
                offset: 10,
                limit: 0
            }
        );
    }

    #[test]
    fn a_cursor_longer_than_any_we_make_is_refused() {
        let padded = format!("{}{}", encode_cursor(1), "A".repeat(MAX_CURSOR));
        assert!(
            PageArgs::new(Some(5), Some(padded), None, None)
                .validate()
                .is_err()
        );
        assert!(decode_cursor(&encode_cursor(MAX_OFFSET)).is_some());
    }

    #[test]
    fn more_than_a_hundred_is_refused() {
        assert!(args(Some(101), None, None, None).validate().is_err());
        assert!(args(Some(-1), None, None, None).validate().is_err());
        assert!(
            PageArgs::new(None, Some("nonsense".into()), None, None)
                .validate()
                .is_err()
        );
    }
}
