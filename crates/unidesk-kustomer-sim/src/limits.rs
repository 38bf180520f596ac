//! Rolling-window rate limits.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A rolling window: at most `limit` events in any `window`.
#[derive(Debug)]
pub(crate) struct Rolling {
    limit: u32,
    window: Duration,
    hits: VecDeque<Instant>,
}

/// The outcome of a hit: allowed, remaining, and time until a slot frees.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    /// Whether the hit was allowed (and counted).
    pub(crate) allowed: bool,
    /// The window's limit.
    pub(crate) limit: u32,
    /// Hits left in the window.
    pub(crate) remaining: u32,
    /// Time until the oldest hit leaves the window.
    pub(crate) reset_in: Duration,
}

/// Which `x-ratelimit-*` headers a verdict is reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The org-wide limit: `x-ratelimit-limit`, `-remaining`, `-reset`.
    Org,
    /// A per-object limit: `x-ratelimit-object-limit`, `-remaining`, `-reset`.
    Object,
}

impl Verdict {
    /// The verdict as rate-limit headers; the reset is an epoch time in seconds.
    pub(crate) fn headers(&self, scope: Scope) -> Vec<(&'static str, String)> {
        let (l, r, s) = match scope {
            Scope::Object => ("x-ratelimit-object-limit", "x-ratelimit-object-remaining", "x-ratelimit-object-reset"),
            Scope::Org => ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"),
        };
        vec![(l, self.limit.to_string()), (r, self.remaining.to_string()), (s, epoch_after(self.reset_in))]
    }
}

fn epoch_after(d: Duration) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    // Round up to the millisecond so a client waiting until then is never early.
    format!("{:.3}", ((now + d.as_secs_f64()) * 1000.0).ceil() / 1000.0)
}

impl Rolling {
    /// A window allowing `limit` hits (at least one) per `window`.
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Rolling { limit: limit.max(1), window, hits: VecDeque::new() }
    }

    /// Counts a hit at `now` if the window has room.
    pub(crate) fn hit(&mut self, now: Instant) -> Verdict {
        while self.hits.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            self.hits.pop_front();
        }
        let allowed = (self.hits.len() as u32) < self.limit;
        if allowed {
            self.hits.push_back(now);
        }
        let remaining = self.limit.saturating_sub(self.hits.len() as u32);
        let reset_in = self.hits.front().map(|t| (*t + self.window).saturating_duration_since(now)).unwrap_or_default();
        Verdict { allowed, limit: self.limit, remaining, reset_in }
    }
}

/// Rolling windows keyed by object.
#[derive(Debug)]
pub(crate) struct PerObject {
    limit: u32,
    window: Duration,
    map: HashMap<String, Rolling>,
}

impl PerObject {
    /// Windows of `limit` hits per `window`, one per object.
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        PerObject { limit, window, map: HashMap::new() }
    }

    /// Counts a hit on `key` at `now` if its window has room.
    pub(crate) fn hit(&mut self, key: &str, now: Instant) -> Verdict {
        let (limit, window) = (self.limit, self.window);
        self.map.entry(key.to_owned()).or_insert_with(|| Rolling::new(limit, window)).hit(now)
    }
}
