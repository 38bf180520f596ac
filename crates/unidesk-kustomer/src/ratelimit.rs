//! Kustomer's rate-limit headers, and pacing so we wait instead of collecting 429s.
//!
//! A wait is bounded by [`crate::RetryConfig::max_rate_limit_wait`]: when the server's
//! budget resets later than that (pacing, a 429, or a per-record budget), the call is not
//! slept on but fails at once with [`unidesk_core::Error::RateLimited`], whose
//! `retry_after` says when the budget resets (at most a day ahead, see [`parse_reset`]).
//! Waits over two seconds are logged at `info` with their [`WaitReason`], and the wait in
//! progress is visible through [`crate::KustomerClient::waiting`].

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

/// Why the client is waiting before sending a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitReason {
    /// The org-wide budget (`x-ratelimit-remaining: 0`) is spent until its reset.
    Pacing,
    /// The server answered 429 and asked us to wait (`Retry-After` or the reset).
    RateLimited,
    /// The per-record write budget (`x-ratelimit-object-*`) is spent until its reset.
    PerObject,
    /// Backing off before retrying a failed request (5xx, timeout, broken connection).
    Backoff,
}

impl WaitReason {
    /// A short name: `pacing`, `429`, `per-object` or `backoff`.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitReason::Pacing => "pacing",
            WaitReason::RateLimited => "429",
            WaitReason::PerObject => "per-object",
            WaitReason::Backoff => "backoff",
        }
    }
}

impl std::fmt::Display for WaitReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A wait in progress, as [`crate::KustomerClient::waiting`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// When the wait ends.
    pub until: Instant,
    /// How long is left, as of the call that reported it.
    pub remaining: Duration,
    /// Why the client waits.
    pub reason: WaitReason,
}

/// The waits in progress across every request of one client.
#[derive(Debug, Default)]
pub(crate) struct Waits {
    next: u64,
    active: Vec<(u64, Instant, WaitReason)>,
}

impl Waits {
    fn lock(board: &Mutex<Waits>) -> std::sync::MutexGuard<'_, Waits> {
        board.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a wait until `until`; it is forgotten when the guard drops (wait over or cancelled).
    pub(crate) fn enter(board: &Mutex<Waits>, until: Instant, reason: WaitReason) -> WaitGuard<'_> {
        let mut w = Self::lock(board);
        w.next += 1;
        let id = w.next;
        w.active.push((id, until, reason));
        WaitGuard { board, id }
    }

    /// The wait in progress that ends last, if any.
    pub(crate) fn current(board: &Mutex<Waits>) -> Option<Wait> {
        let now = Instant::now();
        let w = Self::lock(board);
        w.active
            .iter()
            .filter(|(_, until, _)| *until > now)
            .max_by_key(|(_, until, _)| *until)
            .map(|&(_, until, reason)| Wait { until, remaining: until - now, reason })
    }
}

/// Removes its wait from the board when dropped.
pub(crate) struct WaitGuard<'a> {
    board: &'a Mutex<Waits>,
    id: u64,
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        Waits::lock(self.board).active.retain(|(id, _, _)| *id != self.id);
    }
}

/// What the pacer says before a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Send now.
    Go,
    /// Wait this long (the budget resets then), then send.
    Wait(Duration),
    /// The budget resets only after this long, more than the longest allowed wait: do not send.
    TooLong(Duration),
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

    /// Whether to wait before sending; also counts the request against the known budget.
    /// A reset further away than the longest allowed wait is [`Pace::TooLong`], and stays so
    /// (every request fails fast) until the reset passes or a response reports a new budget.
    pub fn before_send(&self) -> Pace {
        if !self.enabled {
            return Pace::Go;
        }
        let mut s = self.lock();
        let now = Instant::now();
        match (s.remaining, s.reset_at) {
            (Some(0), Some(reset)) if reset > now => {
                let wait = reset - now;
                if wait > self.max_wait {
                    return Pace::TooLong(wait);
                }
                // After the reset the budget is unknown until the next response tells us.
                s.remaining = None;
                Pace::Wait(wait)
            }
            (Some(n), _) => {
                s.remaining = Some(n.saturating_sub(1));
                Pace::Go
            }
            _ => Pace::Go,
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
        assert_eq!(p.before_send(), Pace::Go, "one request left");
        let Pace::Wait(wait) = p.before_send() else { panic!("budget spent: wait") };
        assert!(wait > Duration::from_secs(4) && wait <= Duration::from_secs(5));
        assert_eq!(p.before_send(), Pace::Go, "after the reset the budget is unknown");
        let off = Pacer::new(false, Duration::from_secs(90));
        h.insert("x-ratelimit-remaining", "0".parse().expect("hv"));
        off.observe(&h);
        assert_eq!(off.before_send(), Pace::Go);
    }

    #[test]
    fn a_reset_beyond_the_longest_wait_is_not_slept_on() {
        let p = Pacer::new(true, Duration::from_secs(90));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", "0".parse().expect("hv"));
        h.insert("x-ratelimit-reset", "4102444800".parse().expect("hv")); // 2100-01-01
        p.observe(&h);
        for _ in 0..3 {
            match p.before_send() {
                Pace::TooLong(d) => assert!(d > Duration::from_secs(86_000), "{d:?}"),
                other => panic!("{other:?}"),
            }
        }
        h.insert("x-ratelimit-remaining", "10".parse().expect("hv"));
        p.observe(&h);
        assert_eq!(p.before_send(), Pace::Go, "a new budget lifts it");
    }

    #[test]
    fn the_wait_board_reports_the_longest_wait_until_it_ends() {
        let board = Mutex::new(Waits::default());
        assert_eq!(Waits::current(&board), None);
        let now = Instant::now();
        let short = Waits::enter(&board, now + Duration::from_secs(5), WaitReason::Backoff);
        {
            let _long = Waits::enter(&board, now + Duration::from_secs(60), WaitReason::Pacing);
            let w = Waits::current(&board).expect("waiting");
            assert_eq!(w.reason, WaitReason::Pacing);
            assert!(w.remaining > Duration::from_secs(55) && w.remaining <= Duration::from_secs(60));
        }
        assert_eq!(Waits::current(&board).map(|w| w.reason), Some(WaitReason::Backoff), "dropped waits leave");
        drop(short);
        assert_eq!(Waits::current(&board), None);
        assert_eq!(WaitReason::RateLimited.to_string(), "429");
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
