//! Domain errors to GraphQL errors, in one place. Every error carries a stable
//! `extensions.code`; unexpected ones are logged with the request id and reach the
//! client only as "internal error".

use alliance_domain::DomainError;
use async_graphql::{Error, ErrorExtensions};

/// Result of a resolver.
pub type ApiResult<T> = Result<T, Error>;

/// The stable code of an error, as clients match on it.
pub fn code(error: &DomainError) -> &'static str {
    match error {
        DomainError::NotFound(_) => "NOT_FOUND",
        DomainError::Forbidden(_) => "FORBIDDEN",
        DomainError::Unauthenticated(_) => "UNAUTHENTICATED",
        DomainError::Conflict(_) => "CONFLICT",
        DomainError::Invalid { .. } => "BAD_USER_INPUT",
        DomainError::Unexpected(_) => "INTERNAL",
    }
}

/// Turns a domain error into a GraphQL error.
pub fn to_graphql(error: &DomainError) -> Error {
    let message = match error {
        DomainError::Unexpected(detail) => {
            tracing::error!(%detail, "unexpected error");
            "internal error".to_owned()
        }
        other => other.to_string(),
    };
    let code = code(error);
    let field = match error {
        DomainError::Invalid { field, .. } => Some(field.clone()),
        _ => None,
    };
    Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code);
        if let Some(field) = &field {
            extensions.set("field", field.as_str());
        }
    })
}

/// `?` for domain results inside resolvers.
pub trait OrGraphql<T> {
    /// Maps the error with [`to_graphql`].
    fn gql(self) -> ApiResult<T>;
}

impl<T> OrGraphql<T> for Result<T, DomainError> {
    fn gql(self) -> ApiResult<T> {
        self.map_err(|e| to_graphql(&e))
    }
}

impl<T> OrGraphql<T> for Result<T, std::sync::Arc<DomainError>> {
    fn gql(self) -> ApiResult<T> {
        self.map_err(|e| to_graphql(&e))
    }
}

/// An error with a code and message only.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", code))
}

/// The error for records that do not exist or are out of the viewer's reach.
pub fn not_found(what: &'static str) -> Error {
    to_graphql(&DomainError::NotFound(what))
}
