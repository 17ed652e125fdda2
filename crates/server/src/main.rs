//! The `alliance` binary: parses the command line and hands over to the library (on
//! the allocator and runtime of [`alliance_server::allocator`]).

fn main() -> std::process::ExitCode {
    alliance_server::allocator::block_on(alliance_server::cli::run())
}
