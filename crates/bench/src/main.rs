//! `alliance-bench`: `floor` serves the hand-written dashboard.

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
}

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Floor(args) => alliance_bench::floor::serve(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
