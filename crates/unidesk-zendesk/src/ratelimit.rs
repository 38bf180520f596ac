//! Zendesk's rate-limit signals: `Retry-After` on a 429, the remaining-budget headers, and the
//! incremental exports' own per-minute limit.
//!
//! Headers read (any that are present): `x-rate-limit` / `x-rate-limit-remaining` (always
//! sent), `ratelimit-limit` / `ratelimit-remaining` / `ratelimit-reset` (seconds), and the
//! older `rate-limit*` spelling of the same three. When the remaining budget reaches 0 with a
//! known reset, the next request waits for the reset (the pacer). The incremental exports
//! allow 10 requests a minute: the export limiter spaces them so the 11th waits instead of
//! drawing a 429.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

/// Zendesk's incremental-export limit, requests per minute.
pub const EXPORT_PER_MINUTE: u32 = 10;

/// The longest `Retry-After` or reset read from a header (a day); anything longer is clamped.
const MAX_HEADER_WAIT: Duration = Duration::from_secs(24 * 3600);

/// The budget figures of one response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitSnapshot {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets, from the response's arrival.
    pub reset_in: Option<Duration>,
}

fn header_u64(h: &HeaderMap, names: &[&str]) -> Option<u64> {
    names.iter().find_map(|n| h.get(*n)?.to_str().ok()?.trim().parse::<u64>().ok())
}

/// The budget headers of a response.
pub fn snapshot(h: &HeaderMap) -> RateLimitSnapshot {
    RateLimitSnapshot {
        limit: header_u64(h, &["ratelimit-limit", "rate-limit", "x-rate-limit"]),
        remaining: header_u64(h, &["ratelimit-remaining", "rate-limit-remaining", "x-rate-limit-remaining"]),
        reset_in: header_u64(h, &["ratelimit-reset", "rate-limit-reset"])
            .map(|s| Duration::from_secs(s).min(MAX_HEADER_WAIT)),
    }
}

/// How long a 429 asks to wait: `Retry-After` in seconds, else the budget's reset.
pub fn wait_after_429(h: &HeaderMap) -> Option<Duration> {
    header_u64(h, &["retry-after"]).map(|s| Duration::from_secs(s).min(MAX_HEADER_WAIT)).or(snapshot(h).reset_in)
}

/// Waits for the budget's reset once a response said none is left.
#[derive(Debug)]
pub(crate) struct Pacer {
    enabled: bool,
    state: Mutex<(RateLimitSnapshot, Option<Instant>)>,
}

impl Pacer {
    pub(crate) fn new(enabled: bool) -> Self {
        Pacer { enabled, state: Mutex::new((RateLimitSnapshot::default(), None)) }
    }

    /// Records a response's budget.
    pub(crate) fn observe(&self, h: &HeaderMap) {
        let snap = snapshot(h);
        if snap == RateLimitSnapshot::default() {
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let until = match (snap.remaining, snap.reset_in) {
            (Some(0), Some(reset)) => Some(Instant::now() + reset),
            _ => None,
        };
        *s = (snap, until);
    }

    /// How long to wait before the next request (zero when budget is left or pacing is off).
    pub(crate) fn wait(&self) -> Duration {
        if !self.enabled {
            return Duration::ZERO;
        }
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.1.map(|until| until.saturating_duration_since(Instant::now())).unwrap_or_default()
    }

    /// The last figures seen.
    pub(crate) fn last(&self) -> RateLimitSnapshot {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }
}

/// At most `n` incremental-export requests in any 60 seconds.
#[derive(Debug)]
pub(crate) struct ExportLimiter {
    per_minute: Option<u32>,
    sent: Mutex<VecDeque<Instant>>,
}

impl ExportLimiter {
    pub(crate) fn new(per_minute: Option<u32>) -> Self {
        ExportLimiter { per_minute, sent: Mutex::new(VecDeque::new()) }
    }

    /// Reserves a slot: the wait before the request may go (zero when a slot is free now).
    pub(crate) fn reserve(&self) -> Duration {
        let Some(n) = self.per_minute else { return Duration::ZERO };
        reserve_at(&mut self.sent.lock().unwrap_or_else(|p| p.into_inner()), n as usize, Instant::now())
    }
}

const WINDOW: Duration = Duration::from_secs(60);

/// The sliding-window rule: with `n` sends in the last minute, the next goes when the oldest
/// of them is a minute old; the slot is recorded at the time it will be used.
fn reserve_at(sent: &mut VecDeque<Instant>, n: usize, now: Instant) -> Duration {
    let at = if sent.len() < n { now } else { sent[sent.len() - n] + WINDOW };
    let at = at.max(now);
    sent.push_back(at);
    while sent.len() > n {
        sent.pop_front();
    }
    at - now
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn headers_are_read_in_every_spelling() {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit", HeaderValue::from_static("700"));
        h.insert("x-rate-limit-remaining", HeaderValue::from_static("699"));
        assert_eq!(snapshot(&h), RateLimitSnapshot { limit: Some(700), remaining: Some(699), reset_in: None });
        h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("ratelimit-reset", HeaderValue::from_static("12"));
        assert_eq!(snapshot(&h).remaining, Some(0));
        assert_eq!(snapshot(&h).reset_in, Some(Duration::from_secs(12)));
        assert_eq!(wait_after_429(&h), Some(Duration::from_secs(12)));
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(wait_after_429(&h), Some(Duration::from_secs(3)));
        h.insert("retry-after", HeaderValue::from_static("99999999"));
        assert_eq!(wait_after_429(&h), Some(MAX_HEADER_WAIT));
    }

    #[test]
    fn pacer_waits_only_when_the_budget_is_spent() {
        let p = Pacer::new(true);
        let mut h = HeaderMap::new();
        h.insert("ratelimit-remaining", HeaderValue::from_static("5"));
        h.insert("ratelimit-reset", HeaderValue::from_static("30"));
        p.observe(&h);
        assert_eq!(p.wait(), Duration::ZERO);
        h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        p.observe(&h);
        assert!(p.wait() > Duration::from_secs(29));
        assert_eq!(Pacer::new(false).wait(), Duration::ZERO);
    }

    #[test]
    fn export_window_lets_ten_through_then_spaces_them() {
        let mut q = VecDeque::new();
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(reserve_at(&mut q, 10, t0), Duration::ZERO);
        }
        assert_eq!(reserve_at(&mut q, 10, t0), WINDOW, "the 11th waits for the first to age out");
        assert_eq!(reserve_at(&mut q, 10, t0 + Duration::from_secs(61)), Duration::ZERO);
        assert_eq!(ExportLimiter::new(None).reserve(), Duration::ZERO);
    }
}
