//! Alliance's domain: the records a collaborative alliance keeps, the rules that guard
//! them, and the calculations the practices rely on. No database, no GraphQL, no I/O.

pub mod access;
pub mod chart;
pub mod error;
pub mod feedback;
pub mod health;
pub mod ids;
pub mod model;
pub mod progress;
pub mod validate;
pub mod values;

pub use error::DomainError;
