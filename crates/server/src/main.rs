//! The `alliance` binary: parses the command line and hands over to the library.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    alliance_server::cli::run().await
}
