//! The `alliance` service: configuration, token verification, HTTP routes and the
//! command line. The GraphQL schema lives in `alliance-graphql`; this crate serves it.

pub mod allocator;
pub mod app;
pub mod chart_svg;
pub mod charts;
pub mod cli;
pub mod config;
pub mod limits;
pub mod telemetry;
pub mod tokens;

pub use app::{Application, Settings};
pub use limits::{HttpLimits, RateLimit};
