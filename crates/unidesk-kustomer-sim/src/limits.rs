//! Rolling-window rate limits.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// A rolling window: at most `limit` events in any `window`.
#[derive(Debug)]
pub struct Rolling {
    limit: u32,
    window: Duration,
    hits: VecDeque<Instant>,
}

/// The outcome of a hit: allowed, remaining, and time until a slot frees.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_in: Duration,
}

impl Rolling {
    pub fn new(limit: u32, window: Duration) -> Self {
        Rolling { limit: limit.max(1), window, hits: VecDeque::new() }
    }

    pub fn hit(&mut self, now: Instant) -> Verdict {
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
pub struct PerObject {
    limit: u32,
    window: Duration,
    map: HashMap<String, Rolling>,
}

impl PerObject {
    pub fn new(limit: u32, window: Duration) -> Self {
        PerObject { limit, window, map: HashMap::new() }
    }

    pub fn hit(&mut self, key: &str, now: Instant) -> Verdict {
        let (limit, window) = (self.limit, self.window);
        self.map.entry(key.to_owned()).or_insert_with(|| Rolling::new(limit, window)).hit(now)
    }
}
