//! The retry decision, as a pure function of what happened.
//!
//! - 429 (RT sends none itself, a proxy in front of it may): retried for every method, after
//!   the `Retry-After` seconds when given (a longer wait than
//!   [`RetryConfig::max_rate_limit_wait`] is not waited for: the call fails with
//!   `RateLimited`), else after the backoff.
//! - 5xx, 408, timeouts and connections broken mid-request: retried only for idempotent calls
//!   (GET, PUT, DELETE). A `POST` that may have reached RT is never sent twice: it would create
//!   a second ticket or comment.
//! - A refused connection (nothing was sent): retried for every method.
//! - Anything else fails at once.
//! - Exponential backoff with full jitter, until [`RetryConfig::max_retries`] or
//!   [`RetryConfig::max_elapsed`], whichever comes first.

use std::time::Duration;

/// Retry settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Give up once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
    /// The first backoff step.
    pub base_delay: Duration,
    /// The largest backoff step.
    pub max_delay: Duration,
    /// The longest `Retry-After` waited for.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 4,
            max_elapsed: Duration::from_secs(120),
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

/// How an attempt ended without a usable answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP status worth considering for a retry (408, 429, 5xx).
    Status(u16),
    /// The request timed out (it may have reached RT).
    Timeout,
    /// The connection could not be opened: nothing was sent.
    Connect,
    /// The connection broke after the request may have been sent.
    Broken,
}

/// One failed attempt, as the decision sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// Whether sending the request twice is harmless.
    pub idempotent: bool,
    /// How it ended.
    pub outcome: Outcome,
    /// Attempts made so far, this one included (1-based).
    pub attempts: u32,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// The server's `Retry-After`, when it gave one.
    pub retry_after: Option<Duration>,
    /// A uniform random number in `[0, 1)`, for jitter.
    pub jitter: f64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait this long, then send again.
    Retry(Duration),
    /// Report the failure.
    Fail,
}

/// Whether `outcome` may be retried at all for a call that is (or is not) idempotent.
pub fn retryable(outcome: Outcome, idempotent: bool) -> bool {
    match outcome {
        Outcome::Status(429) | Outcome::Connect => true,
        Outcome::Status(s) => (s == 408 || (500..=599).contains(&s)) && idempotent,
        Outcome::Timeout | Outcome::Broken => idempotent,
    }
}

/// The backoff before retry number `attempts` (1-based): full jitter over an exponential step.
pub fn backoff(attempts: u32, jitter: f64, config: &RetryConfig) -> Duration {
    let exp = attempts.saturating_sub(1).min(20);
    let step = config.base_delay.saturating_mul(1u32 << exp).min(config.max_delay);
    step.mul_f64(jitter.clamp(0.0, 1.0))
}

/// Decides whether and when to retry.
pub fn decide(a: &Attempt, config: &RetryConfig) -> Decision {
    if !retryable(a.outcome, a.idempotent) || a.attempts > config.max_retries {
        return Decision::Fail;
    }
    let delay = match (a.outcome, a.retry_after) {
        (Outcome::Status(429), Some(wait)) if wait > config.max_rate_limit_wait => return Decision::Fail,
        (Outcome::Status(429), Some(wait)) => wait + backoff(1, a.jitter, config) / 4,
        _ => backoff(a.attempts, a.jitter, config),
    };
    if a.elapsed + delay > config.max_elapsed {
        return Decision::Fail;
    }
    Decision::Retry(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: Outcome, idempotent: bool, attempts: u32) -> Attempt {
        Attempt { idempotent, outcome, attempts, elapsed: Duration::ZERO, retry_after: None, jitter: 0.5 }
    }

    #[test]
    fn reads_retry_server_errors_and_posts_do_not() {
        let c = RetryConfig::default();
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
        let c = RetryConfig::default();
        assert!(matches!(decide(&attempt(Outcome::Connect, false, 1), &c), Decision::Retry(_)));
        assert!(matches!(decide(&attempt(Outcome::Status(429), false, 1), &c), Decision::Retry(_)));
    }

    #[test]
    fn retry_after_is_honoured_and_bounded() {
        let c = RetryConfig::default();
        let mut a = attempt(Outcome::Status(429), true, 1);
        a.retry_after = Some(Duration::from_secs(3));
        match decide(&a, &c) {
            Decision::Retry(d) => assert!(d >= Duration::from_secs(3) && d < Duration::from_secs(4), "{d:?}"),
            Decision::Fail => panic!("a 3 s Retry-After is waited for"),
        }
        a.retry_after = Some(Duration::from_secs(3600));
        assert_eq!(decide(&a, &c), Decision::Fail, "an hour is longer than max_rate_limit_wait");
    }

    #[test]
    fn stops_after_max_retries_or_max_elapsed() {
        let c = RetryConfig { max_retries: 2, ..RetryConfig::default() };
        assert!(matches!(decide(&attempt(Outcome::Status(503), true, 2), &c), Decision::Retry(_)));
        assert_eq!(decide(&attempt(Outcome::Status(503), true, 3), &c), Decision::Fail);
        let mut late = attempt(Outcome::Status(503), true, 1);
        late.elapsed = c.max_elapsed;
        late.jitter = 0.9;
        assert_eq!(decide(&late, &c), Decision::Fail);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let c = RetryConfig::default();
        assert_eq!(backoff(1, 1.0, &c), c.base_delay);
        assert_eq!(backoff(2, 1.0, &c), c.base_delay * 2);
        assert_eq!(backoff(30, 1.0, &c), c.max_delay);
        assert_eq!(backoff(3, 0.0, &c), Duration::ZERO);
        assert!(backoff(u32::MAX, 7.0, &c) <= c.max_delay, "jitter is clamped");
    }
}
