//! [`LocalRateBudget`]: the mirror's token buckets in this process only (one worker, many
//! accounts; or a baseline in the perf bench). For several processes use the Postgres one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use unidesk_core::budget::{RateBudget, ServerSignal};

use super::{DEFAULT_MAX_WAIT, Limit, Reservation, too_long, wait_for};

#[derive(Debug)]
struct Bucket {
    limit: Limit,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn refill(&mut self, now: Instant) -> f64 {
        let now = now.max(self.at);
        let avail = (self.tokens + self.limit.refill_per_sec * (now - self.at).as_secs_f64()).min(self.limit.capacity);
        self.at = now;
        self.tokens = avail;
        avail
    }
}

/// Token buckets kept in memory, one per key (see [`super`]).
#[derive(Debug)]
pub struct LocalRateBudget {
    buckets: Mutex<HashMap<String, Bucket>>,
    max_wait: Duration,
}

impl Default for LocalRateBudget {
    fn default() -> Self {
        LocalRateBudget { buckets: Mutex::new(HashMap::new()), max_wait: DEFAULT_MAX_WAIT }
    }
}

impl LocalRateBudget {
    /// No limit yet: add them with [`LocalRateBudget::with_limit`].
    pub fn new() -> LocalRateBudget {
        LocalRateBudget::default()
    }

    /// Limits `key` to `limit` (its bucket starts full).
    pub fn with_limit(self, key: impl Into<String>, limit: Limit) -> LocalRateBudget {
        let bucket = Bucket { limit, tokens: limit.capacity, at: Instant::now() };
        self.lock().insert(key.into(), bucket);
        self
    }

    /// Takes longer than `max_wait` are refused (default [`DEFAULT_MAX_WAIT`]).
    pub fn with_max_wait(mut self, max_wait: Duration) -> LocalRateBudget {
        self.max_wait = max_wait;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bucket>> {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes `n` tokens from `key`'s bucket: when to send. `None`: the key has no limit.
    pub fn reserve(&self, key: &str, n: u32) -> unidesk_core::Result<Option<Reservation>> {
        let mut buckets = self.lock();
        let Some(b) = buckets.get_mut(key) else { return Ok(None) };
        let avail = b.refill(Instant::now());
        let after = avail - f64::from(n);
        if after < -self.max_wait.as_secs_f64() * b.limit.refill_per_sec {
            return Err(too_long(after, b.limit.refill_per_sec, self.max_wait));
        }
        b.tokens = after;
        Ok(Some(Reservation { wait: wait_for(after, b.limit.refill_per_sec) }))
    }
}

#[async_trait]
impl RateBudget for LocalRateBudget {
    async fn acquire(&self, key: &str, n: u32) -> unidesk_core::Result<()> {
        if let Some(r) = self.reserve(key, n)?
            && !r.wait.is_zero()
        {
            tokio::time::sleep(r.wait).await;
        }
        Ok(())
    }

    async fn observe(&self, key: &str, signal: ServerSignal) {
        let ServerSignal::Exhausted { retry_after } = signal else { return };
        let mut buckets = self.lock();
        if let Some(b) = buckets.get_mut(key) {
            let avail = b.refill(Instant::now());
            let owed = b.limit.refill_per_sec * retry_after.unwrap_or_default().as_secs_f64();
            b.tokens = avail.min(-owed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_beyond_the_burst_wait_in_turn_and_too_long_a_wait_is_refused() {
        let b = LocalRateBudget::new()
            .with_limit("acme", Limit { capacity: 2.0, refill_per_sec: 10.0 })
            .with_max_wait(Duration::from_secs(1));
        assert_eq!(b.reserve("other", 1).expect("unlimited"), None);
        let started = std::time::Instant::now();
        let waits: Vec<Duration> = (0..6).map(|_| b.reserve("acme", 1).expect("ok").expect("limited").wait).collect();
        // Tokens refill while the loop runs (a thread descheduled on a busy machine refills
        // more): each wait is its turn's 0.1 s less at most the time the loop took.
        let slack = started.elapsed().as_secs_f64();
        assert_eq!(waits[..2], [Duration::ZERO, Duration::ZERO], "the burst");
        for (i, w) in waits[2..].iter().enumerate() {
            let expected = 0.1 * (i + 1) as f64;
            let w = w.as_secs_f64();
            assert!(w <= expected + 0.001 && w >= expected - slack - 0.001, "take {}: {w} s vs {expected} s", i + 2);
        }
        let e = b.reserve("acme", 20).expect_err("20 more would wait 2.4 s");
        assert!(matches!(e, unidesk_core::Error::RateLimited { retry_after: Some(_) }), "{e:?}");
    }

    #[tokio::test]
    async fn a_429_holds_off_new_takes_for_its_retry_after() {
        let b = LocalRateBudget::new().with_limit("acme", Limit { capacity: 5.0, refill_per_sec: 10.0 });
        let started = std::time::Instant::now();
        b.observe("acme", ServerSignal::Exhausted { retry_after: Some(Duration::from_secs(2)) }).await;
        let w = b.reserve("acme", 1).expect("ok").expect("limited").wait.as_secs_f64();
        // 2 s owed plus this take's 0.1 s, less what refilled between the two calls.
        let slack = started.elapsed().as_secs_f64();
        assert!(w <= 2.101 && w >= 2.099 - slack, "{w} s");
    }
}
