//! Limits on what one caller may ask of the service over HTTP: a rate per subject, a
//! time per request, and how many operations one request may batch.

use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The HTTP limits, each configurable; the defaults are safe for a district.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// Longest a request may run before it is stopped (and its transaction rolled back).
    pub request_timeout: Duration,
    /// Requests per subject: a burst, then a steady rate.
    pub rate: RateLimit,
    /// Most operations in one batched request; 0 turns batching off.
    pub max_batch: usize,
    /// Most GraphQL requests run at once; the rest wait their turn, in order of arrival,
    /// within their time limit. What a request holds while it runs (its rows, its answer)
    /// is then bounded by this, not by how many clients are connected.
    pub max_running: NonZeroUsize,
}

impl HttpLimits {
    /// Four requests per core: enough to keep the cores busy while others wait on the
    /// database.
    pub fn default_max_running() -> NonZeroUsize {
        const PER_CORE: NonZeroUsize = NonZeroUsize::new(4).expect("four");
        std::thread::available_parallelism()
            .map_or(PER_CORE, |cores| cores.saturating_mul(PER_CORE))
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(15),
            rate: RateLimit::default(),
            max_batch: 0,
            max_running: Self::default_max_running(),
        }
    }
}

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: NonZeroU32,
    pub per_second: NonZeroU32,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            burst: NonZeroU32::new(200).expect("non-zero"),
            per_second: NonZeroU32::new(20).expect("non-zero"),
        }
    }
}

/// Subjects whose buckets are kept before the full ones are forgotten.
const FORGET_AFTER: usize = 10_000;

/// Token buckets by subject, in this replica's memory.
pub struct SubjectLimiter {
    buckets: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    burst: NonZeroU32,
}

impl std::fmt::Debug for SubjectLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectLimiter")
            .field("subjects", &self.buckets.len())
            .finish()
    }
}

impl SubjectLimiter {
    pub fn new(rate: RateLimit) -> Self {
        let quota = Quota::per_second(rate.per_second).allow_burst(rate.burst);
        let clock = DefaultClock::default();
        Self {
            buckets: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
            burst: rate.burst,
        }
    }

    /// Takes `n` requests from `subject`'s bucket, or says how long until it can.
    pub fn take(&self, subject: &str, n: u32) -> Result<(), Duration> {
        if self.buckets.len() > FORGET_AFTER {
            // Buckets that have refilled hold nothing worth keeping.
            self.buckets.retain_recent();
            self.buckets.shrink_to_fit();
        }
        // A batch larger than the whole burst takes the whole burst.
        let n = NonZeroU32::new(n.clamp(1, self.burst.get())).expect("non-zero");
        let key = subject.to_owned();
        match self.buckets.check_key_n(&key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(self.clock.now())),
            Err(_) => Err(Duration::from_secs(1)),
        }
    }
}
