//! Alliance's benchmark suite (issue 5): the floor, a hand-written server for the
//! caseload dashboard that Alliance is measured against.

pub mod floor;
mod sql;
