//! Alliance's benchmark suite (issue 5): the floor, a hand-written server for the
//! caseload dashboard that Alliance is measured against, and the runner that seeds a
//! synthetic district, starts both servers and drives them with `wrk`. BENCHMARKS.md at
//! the repository's root gives the method and the commands.

pub mod floor;
pub mod runner;
mod sql;
