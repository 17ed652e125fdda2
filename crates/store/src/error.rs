//! Database errors become domain errors here, once: collisions are conflicts the user
//! can act on; everything else is unexpected and its text never leaves the server.

use alliance_domain::DomainError;
use sea_orm::{DbErr, SqlErr};

/// Result of a repository call.
pub type StoreResult<T> = Result<T, DomainError>;

/// Lets `?` carry database errors as domain errors.
pub(crate) trait IntoDomain<T> {
    fn domain(self) -> StoreResult<T>;
}

impl<T> IntoDomain<T> for Result<T, DbErr> {
    fn domain(self) -> StoreResult<T> {
        self.map_err(to_domain)
    }
}

pub(crate) fn to_domain(error: DbErr) -> DomainError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::Conflict("this would duplicate an existing record".into())
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => DomainError::Conflict(
            "a record this refers to does not exist or is still referred to".into(),
        ),
        _ => DomainError::Unexpected(error.to_string()),
    }
}

/// Maps a unique-constraint violation to a conflict the user can act on, with `message`;
/// any other error as usual.
pub(crate) fn unique_is(message: &'static str) -> impl Fn(DbErr) -> DomainError {
    move |error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::Conflict(message.to_owned()),
        _ => to_domain(error),
    }
}
