//! The one error type of the domain, shared by the layers above it.

/// What can go wrong when reading or changing an alliance's records.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The record does not exist, or the viewer may not know that it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The viewer may see the record but not make this change.
    #[error("{0}")]
    Forbidden(String),
    /// No valid credentials came with the request.
    #[error("{0}")]
    Unauthenticated(String),
    /// The change was based on a stale version, or collides with another record.
    #[error("{0}")]
    Conflict(String),
    /// Input the user can fix.
    #[error("{field}: {message}")]
    Invalid {
        /// The input field at fault, in the API's spelling (`ownWords`).
        field: String,
        /// What is wrong, in words a person can act on.
        message: String,
    },
    /// Anything else: logged, never shown.
    #[error("unexpected: {0}")]
    Unexpected(String),
}

impl DomainError {
    /// An `Invalid` error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A `Forbidden` error with a reason.
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden(reason.into())
    }
}

/// Result with [`DomainError`].
pub type DomainResult<T> = Result<T, DomainError>;
