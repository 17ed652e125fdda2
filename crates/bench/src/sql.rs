//! Hand-written SQL with its values, for either database: `?` placeholders on SQLite,
//! `$1, $2, …` on PostgreSQL, so one text serves both.

use sea_orm::{DbBackend, Statement, Value};

/// A statement being written, with the values bound so far.
pub(crate) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::with_capacity(512),
            values: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(v1, v2, …)` for an `IN`; an empty list matches nothing.
    pub(crate) fn list<V: Into<Value>>(
        &mut self,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        self.text.push('(');
        let mut empty = true;
        for value in values {
            if !empty {
                self.text.push_str(", ");
            }
            self.bind(value);
            empty = false;
        }
        if empty {
            self.text.push_str("NULL");
        }
        self.text.push(')');
        self
    }

    pub(crate) fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let mut pg = Sql::new(DbBackend::Postgres);
        pg.push("SELECT 1 WHERE a = ")
            .bind(1)
            .push(" AND b IN ")
            .list([2, 3]);
        assert_eq!(
            pg.statement().sql,
            "SELECT 1 WHERE a = $1 AND b IN ($2, $3)"
        );
        let mut lite = Sql::new(DbBackend::Sqlite);
        lite.push("SELECT 1 WHERE b IN ").list(Vec::<i32>::new());
        assert_eq!(lite.statement().sql, "SELECT 1 WHERE b IN (NULL)");
    }
}
