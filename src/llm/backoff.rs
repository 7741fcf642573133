//! How long to wait before trying again: exponential backoff with full jitter (a uniformly random
//! wait up to the exponential step, so many clients that failed together do not retry together),
//! unless the server said how long with `Retry-After`.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

/// The exponential step never grows past this.
pub(crate) const BACKOFF_CAP: Duration = Duration::from_secs(20);
/// A server asking for longer than this is asking for more than an interactive user will wait.
pub(crate) const RETRY_AFTER_CAP: Duration = Duration::from_secs(30);

/// The wait before retry number `retry` (0 for the first retry). `unit` is a random number in
/// `[0, 1)`, passed in so the computation can be tested.
pub(crate) fn delay(
    retry: u32,
    base: Duration,
    retry_after: Option<Duration>,
    unit: f64,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(RETRY_AFTER_CAP);
    }
    let step = base
        .saturating_mul(2u32.saturating_pow(retry))
        .min(BACKOFF_CAP);
    step.mul_f64(unit.clamp(0.0, 1.0))
}

/// A random number in `[0, 1)`. Jitter needs no quality beyond "differs between clients", and the
/// standard library's randomly seeded hasher gives that without a dependency.
pub(crate) fn unit() -> f64 {
    let bits = RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` in seconds. The HTTP-date form is rare from model servers; it falls back to the
/// exponential backoff.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(500);

    #[test]
    fn jitter_stays_within_the_exponential_step() {
        for retry in 0..4 {
            let step = BASE * 2u32.pow(retry);
            assert_eq!(delay(retry, BASE, None, 0.0), Duration::ZERO);
            assert_eq!(delay(retry, BASE, None, 0.5), step / 2);
            assert!(delay(retry, BASE, None, 0.999_999) <= step);
        }
        for _ in 0..1000 {
            let u = unit();
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }

    #[test]
    fn the_step_is_capped() {
        assert_eq!(delay(10, BASE, None, 0.999_999_9).as_secs(), 19);
        assert!(delay(u32::MAX, BASE, None, 1.0) <= BACKOFF_CAP);
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_cap() {
        let one = Some(Duration::from_secs(1));
        assert_eq!(delay(0, BASE, one, 0.0), Duration::from_secs(1));
        assert_eq!(delay(3, BASE, one, 0.9), Duration::from_secs(1));
        let long = Some(Duration::from_secs(3600));
        assert_eq!(delay(0, BASE, long, 0.5), RETRY_AFTER_CAP);
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
