//! The allocator, and its one setting. mimalloc rather than the system allocator: a
//! dashboard answer builds and drops hundreds of thousands of small values, and glibc's
//! malloc spent a third of the server's time on them (BENCHMARKS.md, "Where the time
//! went"). Declared here, it serves every binary that links this crate: `alliance` and
//! the benchmark's floor alike, so the floor is measured on the same footing.
//!
//! mimalloc keeps memory freed by the program for a while (a second, in the mimalloc v3
//! the `mimalloc` crate builds) before it returns it to the system, in case it is asked
//! for again. A dashboard answer builds and drops a few megabytes of values; with several
//! running at once, a second's worth of kept memory took SQLite's peak under the dashboard
//! load past the memory target (BENCHMARKS.md, "Where the time went, third session").
//! Returned at once, every answer's memory was faulted in again by the next: some 280
//! page faults a dashboard, a fifth of Alliance's CPU once the rest had shrunk (tenth
//! session). Kept for a tenth of a second, most of it is taken again before it goes back
//! (a third of the faults), and the peak stays under the target.

use std::future::Future;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc that `libmimalloc-sys` builds (its
/// `mimalloc.h`): the option before `mi_option_use_numa_nodes` (16), which the bindings
/// name; they leave this one out.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long, in milliseconds, freed memory is kept before it goes back to the system.
const KEEP_FREED_MS: std::ffi::c_long = 100;

/// Runs `main` to its end on a new multi-threaded async runtime, having first set how long
/// the allocator keeps freed memory: before the runtime's threads start, as mimalloc's
/// options are plain globals. A runtime that cannot start is said on stderr
/// and a failed exit.
pub fn block_on(main: impl Future<Output = ExitCode>) -> ExitCode {
    keep_freed_memory_briefly();
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(main),
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Has mimalloc return freed memory to the system after [`KEEP_FREED_MS`] rather than its
/// default second, unless `MIMALLOC_PURGE_DELAY` in the environment says otherwise. Only
/// before any other thread starts (see [`block_on`]).
#[allow(unsafe_code)]
fn keep_freed_memory_briefly() {
    // SAFETY: mi_option_set_default writes one process-wide option value (any option
    // number and value may be passed); called before any other thread exists, nothing
    // reads it at the same time.
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, KEEP_FREED_MS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_option_set_is_the_purge_delay_and_the_environment_still_wins() {
        // Just before the option the bindings name after it.
        assert_eq!(libmimalloc_sys::mi_option_use_numa_nodes - 1, PURGE_DELAY);
        keep_freed_memory_briefly();
        // SAFETY: reads one process-wide option value.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        let wanted = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(KEEP_FREED_MS);
        assert_eq!(delay, wanted);
    }

    #[test]
    #[allow(unsafe_code)]
    fn what_links_this_crate_allocates_from_mimalloc() {
        let value = Box::new([7u8; 64]);
        // SAFETY: asks whether an address lies in mimalloc's memory; reads nothing there.
        let ours = unsafe { libmimalloc_sys::mi_is_in_heap_region(value.as_ptr().cast()) };
        assert!(ours, "a Box was not allocated by mimalloc");
    }
}
