//! A rate budget shared outside one client: the provider-neutral hook an adapter's HTTP client
//! consults before every request it sends, so that several clients — in several processes, on
//! several machines — stay together under one provider limit (one Kustomer org's requests per
//! minute, one Zendesk subdomain's).
//!
//! The adapter owns nothing of the budget: it is handed an `Arc<dyn RateBudget>` and a key
//! (which budget its requests count against, usually the account or org), calls
//! [`RateBudget::acquire`] before each attempt it sends (retries included), and reports what
//! the server says about the limit through [`RateBudget::observe`]. Implementations decide
//! where the count lives: in memory for one process, a database row for many (the mirror's
//! `PostgresRateBudget`).
//!
//! ```
//! # use std::sync::Arc;
//! # use unidesk_core::budget::{RateBudget, ServerSignal};
//! # async fn send(budget: &Arc<dyn RateBudget>) -> unidesk_core::Result<()> {
//! budget.acquire("acme", 1).await?;          // returns once one request may be sent
//! // … send it; on a 429 that said "retry after 2 s":
//! budget.observe("acme", ServerSignal::Exhausted { retry_after: Some(std::time::Duration::from_secs(2)) }).await;
//! # Ok(()) }
//! ```

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use crate::Result;

/// What a server said about its rate limit, as an adapter reports it to a [`RateBudget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerSignal {
    /// The server's budget is spent: it answered 429, or reported no request remaining.
    /// Nobody sharing the budget should send before `retry_after` (when the server said).
    Exhausted {
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
    },
}

/// A budget of requests that clients consult before sending (see the module docs). Object safe:
/// clients hold an `Arc<dyn RateBudget>`.
#[async_trait]
pub trait RateBudget: Send + Sync + std::fmt::Debug {
    /// Waits until `n` requests may be sent under `key`'s budget and takes them from it.
    /// A key the budget does not limit returns at once. Fails with
    /// [`crate::Error::RateLimited`] (naming the wait) when the wait would exceed the budget's
    /// longest allowed wait, and with [`crate::Error::Transport`] when the budget's own store
    /// cannot be reached; no request should then be sent.
    async fn acquire(&self, key: &str, n: u32) -> Result<()>;

    /// Tells the budget what the server said about `key`'s limit. Best effort: a budget that
    /// cannot record it keeps going (the adapter's own retries still apply).
    async fn observe(&self, key: &str, signal: ServerSignal);
}

/// A budget that limits nothing: every acquisition returns at once. For tests and as a
/// placeholder where a budget is required but none is configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

#[async_trait]
impl RateBudget for Unlimited {
    async fn acquire(&self, _key: &str, _n: u32) -> Result<()> {
        Ok(())
    }

    async fn observe(&self, _key: &str, _signal: ServerSignal) {}
}

/// The wait a refusing [`RecordingBudget`] names.
pub const RECORDING_REFUSAL_WAIT: Duration = Duration::from_secs(120);

/// A budget that limits nothing but records every acquisition and every signal, and can be
/// told to refuse: the test double for an adapter's budget integration (each attempt
/// acquired once, retries included; 429s reported; nothing sent once it refuses).
#[derive(Debug, Default)]
pub struct RecordingBudget {
    acquired: Mutex<Vec<(String, u32)>>,
    signals: Mutex<Vec<(String, ServerSignal)>>,
    refusing: AtomicBool,
}

impl RecordingBudget {
    /// A budget that grants everything and has recorded nothing.
    pub fn new() -> RecordingBudget {
        RecordingBudget::default()
    }

    /// Every acquisition granted so far: (key, n), in order.
    pub fn acquired(&self) -> Vec<(String, u32)> {
        self.acquired.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Every signal observed so far: (key, signal), in order.
    pub fn signals(&self) -> Vec<(String, ServerSignal)> {
        self.signals.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// From now on, refuses every acquisition with `RateLimited` naming
    /// [`RECORDING_REFUSAL_WAIT`] (`true`), or grants them again (`false`).
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }
}

#[async_trait]
impl RateBudget for RecordingBudget {
    async fn acquire(&self, key: &str, n: u32) -> Result<()> {
        if self.refusing.load(Ordering::SeqCst) {
            return Err(crate::Error::RateLimited { retry_after: Some(RECORDING_REFUSAL_WAIT) });
        }
        self.acquired.lock().unwrap_or_else(|p| p.into_inner()).push((key.to_owned(), n));
        Ok(())
    }

    async fn observe(&self, key: &str, signal: ServerSignal) {
        self.signals.lock().unwrap_or_else(|p| p.into_inner()).push((key.to_owned(), signal));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn the_trait_is_object_safe_and_unlimited_never_waits() {
        let b: Arc<dyn RateBudget> = Arc::new(Unlimited);
        for _ in 0..1000 {
            b.acquire("acme", 1).await.expect("unlimited");
        }
        b.observe("acme", ServerSignal::Exhausted { retry_after: None }).await;
        assert!(format!("{b:?}").contains("Unlimited"));
    }

    #[tokio::test]
    async fn the_recording_budget_records_in_order_and_refuses_when_told() {
        let b = RecordingBudget::new();
        b.acquire("acme", 1).await.expect("granted");
        b.acquire("globex", 2).await.expect("granted");
        b.observe("acme", ServerSignal::Exhausted { retry_after: None }).await;
        assert_eq!(b.acquired(), [("acme".to_owned(), 1), ("globex".to_owned(), 2)]);
        assert_eq!(b.signals(), [("acme".to_owned(), ServerSignal::Exhausted { retry_after: None })]);
        b.refuse(true);
        let e = b.acquire("acme", 1).await.expect_err("refused");
        assert!(matches!(e, crate::Error::RateLimited { retry_after: Some(RECORDING_REFUSAL_WAIT) }), "{e:?}");
        assert_eq!(b.acquired().len(), 2, "a refusal takes nothing");
        b.refuse(false);
        b.acquire("acme", 1).await.expect("granted again");
    }
}
