//! The `alliance` binary: parses the command line and hands over to the library.

/// mimalloc rather than the system allocator: a dashboard answer builds and drops
/// hundreds of thousands of small values, and glibc's malloc spent a third of the
/// server's time on them (BENCHMARKS.md, "Where the time went").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    alliance_server::allocator::return_freed_memory_at_once();
    alliance_server::cli::run().await
}
