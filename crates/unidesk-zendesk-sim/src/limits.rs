//! Rolling-window rate limits.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// At most `limit` hits in any `window`.
#[derive(Debug)]
pub(crate) struct Window {
    limit: u32,
    window: Duration,
    hits: VecDeque<Instant>,
}

/// The outcome of one hit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    /// Whether the hit was allowed (and counted).
    pub(crate) allowed: bool,
    /// The limit.
    pub(crate) limit: u32,
    /// Hits left in the window.
    pub(crate) remaining: u32,
    /// Time until the oldest hit leaves the window.
    pub(crate) reset_in: Duration,
}

impl Verdict {
    /// Whole seconds until a slot frees, at least 1 (Zendesk's `Retry-After` is an integer).
    pub(crate) fn retry_after(&self) -> u64 {
        self.reset_in.as_secs_f64().ceil().max(1.0) as u64
    }

    /// The headers Zendesk sends on every response: `x-rate-limit`, `x-rate-limit-remaining`
    /// and the `ratelimit-*` trio (reset in seconds).
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("x-rate-limit", self.limit.to_string()),
            ("x-rate-limit-remaining", self.remaining.to_string()),
            ("ratelimit-limit", self.limit.to_string()),
            ("ratelimit-remaining", self.remaining.to_string()),
            ("ratelimit-reset", self.reset_in.as_secs_f64().ceil().to_string()),
        ]
    }
}

impl Window {
    /// A window of `limit` hits (at least one) per `window`.
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Window { limit: limit.max(1), window, hits: VecDeque::new() }
    }

    /// Counts a hit at `now` if the window has room.
    pub(crate) fn hit(&mut self, now: Instant) -> Verdict {
        while self.hits.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            self.hits.pop_front();
        }
        let allowed = (self.hits.len() as u64) < u64::from(self.limit);
        if allowed && self.limit != u32::MAX {
            self.hits.push_back(now);
        }
        let remaining = self.limit.saturating_sub(self.hits.len() as u32);
        let reset_in =
            self.hits.front().map(|t| (*t + self.window).saturating_duration_since(now)).unwrap_or(self.window);
        Verdict { allowed, limit: self.limit, remaining, reset_in }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_refuses_until_its_oldest_hit_leaves() {
        let mut w = Window::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(w.hit(t0).allowed);
        assert_eq!(w.hit(t0).remaining, 0);
        let refused = w.hit(t0 + Duration::from_secs(1));
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after(), 59);
        assert!(w.hit(t0 + Duration::from_secs(60)).allowed);
    }
}
