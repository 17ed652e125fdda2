//! `alliance-bench`: `floor` serves the hand-written dashboard; `run` measures.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The allocator `alliance` uses, so the floor is measured on the same footing.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn main() -> ExitCode {
    // As `alliance` does, so that the floor is measured on the same footing; before the
    // runtime's threads start.
    alliance_server::allocator::return_freed_memory_at_once();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match Cli::parse().command {
            Command::Floor(args) => alliance_bench::floor::serve(args).await,
            Command::Run(args) => alliance_bench::runner::run(args).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
