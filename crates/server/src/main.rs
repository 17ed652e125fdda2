//! The `alliance` binary: parses the command line and hands over to the library.

/// mimalloc rather than the system allocator: a dashboard answer builds and drops
/// hundreds of thousands of small values, and glibc's malloc spent a third of the
/// server's time on them (BENCHMARKS.md, "Where the time went").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before the runtime's threads start: the allocator's options are plain globals.
    alliance_server::allocator::return_freed_memory_at_once();
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(alliance_server::cli::run()),
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
