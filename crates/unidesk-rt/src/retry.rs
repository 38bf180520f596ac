//! When to retry an RT call: core's shared, pure decision ([`unidesk_core::retry`]), with
//! RT's own defaults ([`rt_defaults`]).
//!
//! - 429 (RT sends none itself, a proxy in front of it may): retried for every method, after
//!   the `Retry-After` seconds when given (a longer wait than
//!   [`RetryConfig::max_rate_limit_wait`] is not waited for: the call fails with
//!   `RateLimited`), else after the backoff.
//! - 5xx, 408, timeouts and connections broken mid-request: retried only for idempotent calls
//!   (GET, PUT, DELETE). A `POST` that may have reached RT is never sent twice: it would create
//!   a second ticket or comment.
//! - A refused connection (nothing was sent): retried for every method.

use std::time::Duration;

pub use unidesk_core::retry::{Attempt, Decision, Outcome, RetryConfig, decide};

/// The RT client's retry settings: fewer, shorter retries than core's defaults (RT is
/// usually on the same network, and bcrypt makes every request cost ~250 ms already).
pub fn rt_defaults() -> RetryConfig {
    RetryConfig {
        max_retries: 4,
        max_elapsed: Duration::from_secs(120),
        base_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(8),
        max_rate_limit_wait: Duration::from_secs(60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: Outcome, idempotent: bool, attempts: u32) -> Attempt {
        Attempt { idempotent, outcome, attempts, elapsed: Duration::ZERO, server_wait: None, jitter: 0.5 }
    }

    #[test]
    fn reads_retry_server_errors_and_posts_do_not() {
        let c = rt_defaults();
        for s in [500, 502, 503, 504, 408] {
            assert!(matches!(decide(&attempt(Outcome::Status(s), true, 1), &c), Decision::Retry(_)), "{s}");
            assert_eq!(decide(&attempt(Outcome::Status(s), false, 1), &c), Decision::Fail, "POST {s}");
        }
        assert_eq!(decide(&attempt(Outcome::Timeout, false, 1), &c), Decision::Fail);
        assert_eq!(decide(&attempt(Outcome::Broken, false, 1), &c), Decision::Fail);
        assert!(matches!(decide(&attempt(Outcome::Broken, true, 1), &c), Decision::Retry(_)));
        for s in [400, 401, 403, 404, 415] {
            assert_eq!(decide(&attempt(Outcome::Status(s), true, 1), &c), Decision::Fail, "{s}");
        }
    }

    #[test]
    fn refused_connections_and_429_retry_for_every_method() {
        let c = rt_defaults();
        assert!(matches!(decide(&attempt(Outcome::Connect, false, 1), &c), Decision::Retry(_)));
        assert!(matches!(decide(&attempt(Outcome::Status(429), false, 1), &c), Decision::Retry(_)));
    }

    #[test]
    fn retry_after_is_honoured_and_bounded() {
        let c = rt_defaults();
        let mut a = attempt(Outcome::Status(429), true, 1);
        a.server_wait = Some(Duration::from_secs(3));
        match decide(&a, &c) {
            Decision::Retry(d) => assert!(d >= Duration::from_secs(3) && d < Duration::from_secs(4), "{d:?}"),
            Decision::Fail => panic!("a 3 s Retry-After is waited for"),
        }
        a.server_wait = Some(Duration::from_secs(3600));
        assert_eq!(decide(&a, &c), Decision::Fail, "an hour is longer than max_rate_limit_wait");
    }

    #[test]
    fn stops_after_max_retries_or_max_elapsed() {
        let c = RetryConfig { max_retries: 2, ..rt_defaults() };
        assert!(matches!(decide(&attempt(Outcome::Status(503), true, 2), &c), Decision::Retry(_)));
        assert_eq!(decide(&attempt(Outcome::Status(503), true, 3), &c), Decision::Fail);
        let mut late = attempt(Outcome::Status(503), true, 1);
        late.elapsed = c.max_elapsed;
        late.jitter = 0.9;
        assert_eq!(decide(&late, &c), Decision::Fail);
    }
}
