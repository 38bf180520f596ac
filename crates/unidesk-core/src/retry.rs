//! The retry decision, as a pure function of what happened, shared by every HTTP adapter
//! (Kustomer, Request Tracker): each builds an [`Attempt`] from its own transport and asks
//! [`decide`].
//!
//! Rules (see `docs/architecture.md`; the defaults are Kustomer's, an adapter may set its own):
//! - 429: retried for every method (the request was rejected before any work),
//!   after the server's reset time when it gave one, plus a little jitter. A reset
//!   further away than [`RetryConfig::max_rate_limit_wait`] is not waited for: the
//!   call fails at once (the caller gets `RateLimited` naming the reset).
//! - 5xx, 408, timeouts, and connections broken mid-request: retried only when
//!   the request is idempotent (reads, PUT, DELETE, PATCH of absolute values).
//! - Connection refused / failed before the request was sent: always retried.
//! - Anything else fails at once.
//! - Exponential backoff with full jitter, stopping at whichever comes first of
//!   [`RetryConfig::max_retries`] and [`RetryConfig::max_elapsed`].

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
    /// The longest wait for a rate-limit reset. When the server's reset is further away
    /// (pacing, a 429, a per-record budget), the call fails at once with
    /// `Error::RateLimited { retry_after }` instead of sleeping.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 6,
            max_elapsed: Duration::from_secs(180),
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(15),
            max_rate_limit_wait: Duration::from_secs(90),
        }
    }
}

/// What an attempt ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP status that was not a success.
    Status(u16),
    /// The request timed out.
    Timeout,
    /// The connection could not be made; nothing was sent.
    Connect,
    /// The connection broke after the request may have been sent (reset, truncated body).
    Broken,
}

/// One failed attempt, as the decision sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// Whether sending the request twice is harmless.
    pub idempotent: bool,
    /// How it ended.
    pub outcome: Outcome,
    /// How many attempts have been made, this one included (1-based).
    pub attempts: u32,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// How long the server asked us to wait (rate-limit reset or Retry-After).
    pub server_wait: Option<Duration>,
    /// A uniform random number in `[0, 1)`, for jitter.
    pub jitter: f64,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait this long, then send again.
    Retry(Duration),
    /// Give up and report the failure.
    Fail,
}

/// Decides whether and when to retry.
pub fn decide(a: &Attempt, cfg: &RetryConfig) -> Decision {
    if a.attempts > cfg.max_retries {
        return Decision::Fail;
    }
    let jitter = a.jitter.clamp(0.0, 1.0);
    let delay = match a.outcome {
        Outcome::Status(429) => {
            let wait = match a.server_wait {
                // Not worth sleeping on: the caller learns when the budget resets instead.
                Some(w) if w > cfg.max_rate_limit_wait => return Decision::Fail,
                Some(w) => w,
                None => backoff(a.attempts, cfg, 1.0).min(cfg.max_rate_limit_wait),
            };
            // Spread waiting clients over up to a quarter second so they do not wake together.
            wait + Duration::from_millis((jitter * 250.0) as u64)
        }
        Outcome::Status(s) if (s >= 500 || s == 408) && a.idempotent => backoff(a.attempts, cfg, jitter),
        Outcome::Timeout | Outcome::Broken if a.idempotent => backoff(a.attempts, cfg, jitter),
        Outcome::Connect => backoff(a.attempts, cfg, jitter),
        _ => return Decision::Fail,
    };
    if a.elapsed + delay > cfg.max_elapsed {
        return Decision::Fail;
    }
    Decision::Retry(delay)
}

/// Exponential backoff with full jitter: `uniform(0, min(max_delay, base * 2^(n-1)))`,
/// never below a tenth of the base so a retry is not instant.
fn backoff(attempts: u32, cfg: &RetryConfig, jitter: f64) -> Duration {
    let exp = cfg.base_delay.saturating_mul(1u32 << attempts.saturating_sub(1).min(20));
    let cap = exp.min(cfg.max_delay);
    cap.mul_f64(jitter).max(cfg.base_delay / 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: Outcome, idempotent: bool) -> Attempt {
        Attempt { idempotent, outcome, attempts: 1, elapsed: Duration::ZERO, server_wait: None, jitter: 0.5 }
    }

    fn cfg() -> RetryConfig {
        RetryConfig::default()
    }

    #[test]
    fn reads_retry_on_5xx_408_timeouts_and_broken_connections() {
        for o in [Outcome::Status(500), Outcome::Status(503), Outcome::Status(408), Outcome::Timeout, Outcome::Broken] {
            assert!(matches!(decide(&attempt(o, true), &cfg()), Decision::Retry(_)), "{o:?}");
        }
    }

    #[test]
    fn writes_are_not_retried_when_they_may_have_landed() {
        for o in [Outcome::Status(500), Outcome::Status(502), Outcome::Timeout, Outcome::Broken] {
            assert_eq!(decide(&attempt(o, false), &cfg()), Decision::Fail, "{o:?}");
        }
    }

    #[test]
    fn writes_retry_after_429_and_connect_failures() {
        assert!(matches!(decide(&attempt(Outcome::Status(429), false), &cfg()), Decision::Retry(_)));
        assert!(matches!(decide(&attempt(Outcome::Connect, false), &cfg()), Decision::Retry(_)));
    }

    #[test]
    fn client_errors_never_retry() {
        for s in [400, 401, 403, 404, 409, 422] {
            assert_eq!(decide(&attempt(Outcome::Status(s), true), &cfg()), Decision::Fail, "{s}");
        }
    }

    #[test]
    fn rate_limit_waits_for_the_reset_but_not_beyond_the_longest_wait() {
        let mut a = attempt(Outcome::Status(429), true);
        a.server_wait = Some(Duration::from_secs(7));
        a.jitter = 0.0;
        assert_eq!(decide(&a, &cfg()), Decision::Retry(Duration::from_secs(7)));
        a.server_wait = Some(Duration::from_secs(90));
        assert_eq!(decide(&a, &cfg()), Decision::Retry(Duration::from_secs(90)));
        a.server_wait = Some(Duration::from_secs(3600));
        assert_eq!(decide(&a, &cfg()), Decision::Fail, "an hour away: fail now, naming the reset");
    }

    #[test]
    fn gives_up_after_max_retries_or_elapsed() {
        let mut a = attempt(Outcome::Status(503), true);
        a.attempts = 7;
        assert_eq!(decide(&a, &cfg()), Decision::Fail);
        a.attempts = 2;
        a.elapsed = Duration::from_millis(179_900);
        a.jitter = 1.0;
        assert_eq!(decide(&a, &cfg()), Decision::Fail);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let c = cfg();
        let d = |n| backoff(n, &c, 1.0);
        assert_eq!(d(1), Duration::from_millis(200));
        assert_eq!(d(2), Duration::from_millis(400));
        assert_eq!(d(10), Duration::from_secs(15));
        assert_eq!(d(64), Duration::from_secs(15));
        assert_eq!(backoff(3, &c, 0.0), Duration::from_millis(20));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_respects_bounds(status in 100u16..600, idem: bool, n in 0u32..100, ms in 0u64..1_000_000, wait in proptest::option::of(0u64..10_000_000), j in 0.0f64..1.0) {
            let a = Attempt { idempotent: idem, outcome: Outcome::Status(status), attempts: n, elapsed: Duration::from_millis(ms), server_wait: wait.map(Duration::from_millis), jitter: j };
            let decision = decide(&a, &cfg());
            if let Decision::Retry(d) = decision {
                proptest::prop_assert!(a.elapsed + d <= cfg().max_elapsed);
                proptest::prop_assert!(d <= cfg().max_rate_limit_wait + Duration::from_millis(250));
                if let (429, Some(w)) = (status, a.server_wait) {
                    proptest::prop_assert!(d >= w, "a 429 is never retried before the server's reset");
                }
            }
            if status == 429 && a.server_wait.is_some_and(|w| w > cfg().max_rate_limit_wait) {
                proptest::prop_assert_eq!(decision, Decision::Fail);
            }
        }
    }
}
