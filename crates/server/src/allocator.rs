//! The allocator's one setting. mimalloc keeps memory freed by the program for a while
//! (a second, in the mimalloc v3 the `mimalloc` crate builds) before it returns it to
//! the system, in case it is asked for again. A dashboard answer builds and drops a few
//! megabytes of values; with several running at once, that kept memory was some 25 MB
//! of the server's peak under the dashboard load (BENCHMARKS.md, "Where the time went,
//! third session"). Returned at once, the peak fell by that much, for a throughput
//! within the run-to-run noise.

/// `mi_option_purge_delay` in the mimalloc that `libmimalloc-sys` builds (its
/// `mimalloc.h`): the option before `mi_option_use_numa_nodes` (16), which the bindings
/// name; they leave this one out.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc return freed memory to the system at once rather than after a delay,
/// unless `MIMALLOC_PURGE_DELAY` in the environment says otherwise. Call it first in
/// `main`, before any other thread starts (before the async runtime): mimalloc's options
/// are plain globals.
#[allow(unsafe_code)]
pub fn return_freed_memory_at_once() {
    // SAFETY: mi_option_set_default writes one process-wide option value (any option
    // number and value may be passed); called before any other thread exists, nothing
    // reads it at the same time.
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_option_set_is_the_purge_delay_and_the_environment_still_wins() {
        // Just before the option the bindings name after it.
        assert_eq!(libmimalloc_sys::mi_option_use_numa_nodes - 1, PURGE_DELAY);
        return_freed_memory_at_once();
        // SAFETY: reads one process-wide option value.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        let wanted = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert_eq!(delay, wanted);
    }
}
