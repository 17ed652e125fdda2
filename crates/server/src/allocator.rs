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

/// Has mimalloc return freed memory to the system at once rather than after a delay.
/// Call it first thing in `main`; it changes the process-wide setting.
#[allow(unsafe_code)]
pub fn return_freed_memory_at_once() {
    // SAFETY: mi_option_set writes one process-wide option value; any option number
    // and value may be passed (unknown ones are ignored), from any thread.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(unsafe_code)]
    fn purge_delay() -> std::ffi::c_long {
        // SAFETY: reads one process-wide option value.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Just before the option the bindings name after it, and at its documented
        // default (1,000 ms in its `options.c`; its header says ten) unless the environment set it.
        assert_eq!(libmimalloc_sys::mi_option_use_numa_nodes - 1, PURGE_DELAY);
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay(), 1_000);
        }
        return_freed_memory_at_once();
        assert_eq!(purge_delay(), 0);
    }
}
