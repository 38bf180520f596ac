//! Kustomer's rate-limit headers, and pacing so we wait instead of collecting 429s.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// The last rate-limit figures the server reported.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateLimitSnapshot {
    /// `x-ratelimit-limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// Time until `x-ratelimit-reset`, as of when the headers arrived.
    pub reset_in: Option<Duration>,
}

/// Parses a reset header: UTC epoch seconds (fractions allowed), or a delta in
/// seconds when the value is below 10^9. `now_epoch` is the current epoch time.
pub fn parse_reset(value: &str, now_epoch: f64) -> Option<Duration> {
    let v: f64 = value.trim().parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let secs = if v < 1e9 { v } else { (v - now_epoch).max(0.0) };
    Some(Duration::from_secs_f64(secs.min(86_400.0)))
}

fn header_u64(h: &HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).map(|v| v as u64)
}

fn now_epoch() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// Reads the org-wide figures (`x-ratelimit-*`) from response headers.
pub fn snapshot(h: &HeaderMap) -> RateLimitSnapshot {
    read(h, "x-ratelimit")
}

/// Reads the per-object figures (`x-ratelimit-object-*`) from response headers.
pub fn object_snapshot(h: &HeaderMap) -> RateLimitSnapshot {
    read(h, "x-ratelimit-object")
}

fn read(h: &HeaderMap, prefix: &str) -> RateLimitSnapshot {
    let reset_in =
        h.get(format!("{prefix}-reset")).and_then(|v| v.to_str().ok()).and_then(|v| parse_reset(v, now_epoch()));
    RateLimitSnapshot {
        limit: header_u64(h, &format!("{prefix}-limit")),
        remaining: header_u64(h, &format!("{prefix}-remaining")),
        reset_in,
    }
}

/// How long to wait before retrying a 429: `Retry-After` or the reset, whichever is longer.
pub fn wait_after_429(h: &HeaderMap) -> Option<Duration> {
    let retry_after = h
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| Duration::from_secs_f64(v.min(86_400.0)));
    let object = object_snapshot(h);
    let org = snapshot(h);
    let reset = match (object.remaining, org.remaining) {
        (Some(0), _) => object.reset_in.or(org.reset_in),
        _ => org.reset_in.or(object.reset_in),
    };
    match (retry_after, reset) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[derive(Debug, Default)]
struct State {
    remaining: Option<u64>,
    reset_at: Option<Instant>,
    last: RateLimitSnapshot,
}

/// Shared pacing state for one org: when the server says no requests remain,
/// later requests wait for the reset instead of being sent to collect a 429.
#[derive(Debug)]
pub struct Pacer {
    enabled: bool,
    max_wait: Duration,
    state: Mutex<State>,
}

impl Pacer {
    /// A pacer; `enabled = false` never waits (429s are still retried).
    pub fn new(enabled: bool, max_wait: Duration) -> Self {
        Pacer { enabled, max_wait, state: Mutex::new(State::default()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long to wait before sending; also counts the request against the known budget.
    pub fn before_send(&self) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let mut s = self.lock();
        let now = Instant::now();
        match (s.remaining, s.reset_at) {
            (Some(0), Some(reset)) if reset > now => {
                // After the reset the budget is unknown until the next response tells us.
                s.remaining = None;
                Some((reset - now).min(self.max_wait))
            }
            (Some(n), _) => {
                s.remaining = Some(n.saturating_sub(1));
                None
            }
            _ => None,
        }
    }

    /// Records the figures of a response.
    pub fn observe(&self, headers: &HeaderMap) {
        let snap = snapshot(headers);
        let mut s = self.lock();
        if snap.remaining.is_some() {
            s.remaining = snap.remaining;
            s.reset_at = snap.reset_in.map(|d| Instant::now() + d);
        }
        s.last = snap;
    }

    /// The figures of the last response that carried them.
    pub fn last(&self) -> RateLimitSnapshot {
        self.lock().last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_is_epoch_or_delta() {
        let now = 1_700_000_000.0;
        assert_eq!(parse_reset("1700000030", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_reset("1700000000.5", now + 0.25), Some(Duration::from_millis(250)));
        assert_eq!(parse_reset("45", now), Some(Duration::from_secs(45)));
        assert_eq!(parse_reset("1699999990", now), Some(Duration::ZERO), "a past reset means now");
        for bad in ["", "soon", "-5", "NaN", "inf"] {
            assert_eq!(parse_reset(bad, now), None, "{bad:?}");
        }
        assert_eq!(parse_reset("999999999999", now), Some(Duration::from_secs(86_400)), "capped at a day");
    }

    #[test]
    fn pacer_waits_when_budget_is_spent() {
        let p = Pacer::new(true, Duration::from_secs(90));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", "10".parse().expect("hv"));
        h.insert("x-ratelimit-remaining", "1".parse().expect("hv"));
        h.insert("x-ratelimit-reset", "5".parse().expect("hv"));
        p.observe(&h);
        assert_eq!(p.before_send(), None, "one request left");
        let wait = p.before_send().expect("budget spent: wait");
        assert!(wait > Duration::from_secs(4) && wait <= Duration::from_secs(5));
        assert_eq!(p.before_send(), None, "after the reset the budget is unknown");
        let off = Pacer::new(false, Duration::from_secs(90));
        h.insert("x-ratelimit-remaining", "0".parse().expect("hv"));
        off.observe(&h);
        assert_eq!(off.before_send(), None);
    }

    #[test]
    fn wait_after_429_prefers_the_longest_signal() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().expect("hv"));
        h.insert("x-ratelimit-remaining", "0".parse().expect("hv"));
        h.insert("x-ratelimit-reset", "7".parse().expect("hv"));
        assert_eq!(wait_after_429(&h), Some(Duration::from_secs(7)));
        h.insert("x-ratelimit-object-remaining", "0".parse().expect("hv"));
        h.insert("x-ratelimit-object-reset", "30".parse().expect("hv"));
        assert_eq!(wait_after_429(&h), Some(Duration::from_secs(30)));
        assert_eq!(wait_after_429(&HeaderMap::new()), None);
    }
}
