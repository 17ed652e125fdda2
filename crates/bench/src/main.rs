//! `alliance-bench`: `floor` serves the hand-written dashboard; `run` measures.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Alliance's benchmark suite.
#[derive(Parser, Debug)]
#[command(name = "alliance-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the dashboard's exact JSON from hand-written SQL (the floor).
    Floor(alliance_bench::floor::FloorArgs),
    /// Seed a fresh database, start Alliance and the floor, and measure them with wrk.
    Run(alliance_bench::runner::RunArgs),
}

/// On `alliance`'s allocator and runtime ([`alliance_server::allocator`]), so the floor
/// is measured on the same footing.
fn main() -> ExitCode {
    alliance_server::allocator::block_on(async {
        let outcome = match Cli::parse().command {
            Command::Floor(args) => alliance_bench::floor::serve(args).await,
            Command::Run(args) => alliance_bench::runner::run(args).await,
        };
        match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        }
    })
}
