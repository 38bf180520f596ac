//! Rate budgets ([`unidesk_core::budget::RateBudget`]) for the mirror's helpdesk clients: one
//! token bucket per account, either in this process ([`LocalRateBudget`]) or in Postgres,
//! shared by every worker on every machine ([`PostgresRateBudget`]).
//!
//! Both are *reserving* token buckets: a take always succeeds unless it would owe more than the
//! longest allowed wait, and a take that leaves the bucket below zero tells its caller how long
//! to wait before sending (the time the refill needs to pay the debt back). The takes are thus
//! ordered once, where the bucket lives, and the sends follow that order at the bucket's rate.

mod local;
pub mod postgres;

use std::sync::Arc;
use std::time::Duration;

use unidesk_core::budget::RateBudget;

pub use local::LocalRateBudget;
pub use postgres::PostgresRateBudget;

use crate::accounts::AccountsFile;
use crate::error::Result;

/// A budget and the key a client's requests count against: what a
/// [`crate::accounts::Connect`] hands to the adapter's client (Kustomer:
/// `KustomerBuilder::rate_budget(budget, key)`; Zendesk: `ZendeskConfig::rate_budget`).
#[derive(Debug, Clone)]
pub struct SharedBudget {
    /// The budget.
    pub budget: Arc<dyn RateBudget>,
    /// The key (the account's name).
    pub key: String,
}

/// The Postgres budget of every account of `file` that names a `rate_limit_per_minute`, keyed
/// by account name, in the database at `url`; `None` when no account names one.
pub async fn for_accounts(url: &str, file: &AccountsFile) -> Result<Option<PostgresRateBudget>> {
    let limited: Vec<(&str, u32)> =
        file.accounts.iter().filter_map(|a| a.rate_limit_per_minute.map(|n| (a.name.as_str(), n))).collect();
    if limited.is_empty() {
        return Ok(None);
    }
    let mut budget = PostgresRateBudget::open(url).await?;
    for (name, n) in limited {
        budget = budget.with_limit(name, Limit::per_minute(n));
    }
    Ok(Some(budget))
}

/// The longest a take waits by default (the Kustomer client's longest rate-limit wait).
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(90);

/// A token bucket's size and refill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Tokens the bucket holds at most (the largest burst), and holds when first used.
    pub capacity: f64,
    /// Tokens added per second.
    pub refill_per_sec: f64,
}

/// The share of a provider's limit a bucket built by [`Limit::per_window`] leaves unused: room for
/// the delay between a take and the moment the server counts the request (2 % of 600/min is 12
/// requests, about 1.2 s of delay).
pub const HEADROOM: f64 = 0.02;

impl Limit {
    /// A bucket for a provider limit of `n` requests per minute (see [`Limit::per_window`]).
    /// For 600/min: a burst of 6 and a refill of 582/min; no 60 s holds more than 588 takes.
    pub fn per_minute(n: u32) -> Limit {
        Limit::per_window(n, Duration::from_secs(60))
    }

    /// A bucket for a provider limit of `n` requests in any `window` (a rolling window, as
    /// Kustomer's simulator counts; a fixed window is then respected too): a burst of 1 % of
    /// `n` (at least one request) and a refill such that no `window` ever holds more than
    /// `n` less the [`HEADROOM`] (burst + one window of refill).
    pub fn per_window(n: u32, window: Duration) -> Limit {
        let n = f64::from(n.max(2));
        let capacity = (n / 100.0).floor().max(1.0);
        let usable = (n * (1.0 - HEADROOM)).max(capacity + 0.5);
        Limit { capacity, refill_per_sec: (usable - capacity) / window.as_secs_f64().max(0.001) }
    }

    /// The most takes any `window` can hold: the burst plus the window's refill.
    pub fn allowance(&self, window: Duration) -> f64 {
        self.capacity + self.refill_per_sec * window.as_secs_f64()
    }
}

/// The outcome of a take: when the caller may send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reservation {
    /// How long to wait before sending (zero: now).
    pub wait: Duration,
}

/// How long a bucket left at `after` tokens (after a take) makes its taker wait.
fn wait_for(after: f64, refill_per_sec: f64) -> Duration {
    if after >= 0.0 || refill_per_sec <= 0.0 {
        Duration::ZERO
    } else {
        Duration::from_secs_f64((-after / refill_per_sec).min(86_400.0))
    }
}

/// The error of a take refused because it would wait longer than allowed.
fn too_long(after: f64, refill_per_sec: f64, max_wait: Duration) -> unidesk_core::Error {
    let owed = wait_for(after, refill_per_sec);
    tracing::info!(wait_ms = owed.as_millis() as u64, max_ms = max_wait.as_millis() as u64, "rate budget: not waiting");
    unidesk_core::Error::RateLimited { retry_after: Some(owed.saturating_sub(max_wait)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_minute_limit_never_allows_more_than_it_in_a_minute() {
        for n in [2, 59, 60, 61, 600, 1200, 100_000] {
            let l = Limit::per_minute(n);
            assert!(l.allowance(Duration::from_secs(60)) <= f64::from(n) + 1e-9, "{n}: {l:?}");
            assert!(l.capacity >= 1.0 && l.refill_per_sec > 0.0, "{n}: {l:?}");
        }
        let l = Limit::per_minute(600);
        assert_eq!(l.capacity, 6.0);
        assert!((l.refill_per_sec * 60.0 - 582.0).abs() < 1e-9, "{l:?}");
        let scaled = Limit::per_window(150, Duration::from_secs(15));
        assert!((scaled.allowance(Duration::from_secs(15)) - 147.0).abs() < 1e-9, "{scaled:?}");
    }

    #[test]
    fn debt_is_paid_back_at_the_refill_rate() {
        assert_eq!(wait_for(3.0, 10.0), Duration::ZERO);
        assert_eq!(wait_for(-5.0, 10.0), Duration::from_millis(500));
    }
}
