//! State shared by every request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::config::SimConfig;
use crate::data::Seeded;
use crate::injection::{Fault, FaultPlan};
use crate::limits::Window;
use crate::store::Store;

/// Request counters.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Requests received.
    pub(crate) requests: AtomicU64,
    /// Requests answered 429 (rate limits and injected 429s).
    pub(crate) throttled: AtomicU64,
}

/// A create kept for its `Idempotency-Key`: the request body and the response body.
pub(crate) type Replay = (Vec<u8>, Vec<u8>);

/// What every handler and middleware sees.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The settings the simulator started with.
    pub(crate) config: SimConfig,
    /// The account.
    pub(crate) store: Mutex<Store>,
    /// Ids the seed fixed (custom fields).
    pub(crate) seeded: Seeded,
    /// The account-wide rate limit.
    pub(crate) account: Mutex<Window>,
    /// The incremental exports' own limit.
    pub(crate) incremental: Mutex<Window>,
    /// Fault injection.
    pub(crate) faults: Mutex<FaultPlan>,
    /// Ticket creations by `Idempotency-Key`: the request body and the response body.
    pub(crate) idempotency: Mutex<HashMap<String, Replay>>,
    /// Counters.
    pub(crate) stats: Stats,
    /// Registered webhooks and their deliveries.
    pub(crate) hooks: crate::webhooks::Hooks,
    /// The HTTP client webhook deliveries use.
    pub(crate) client: reqwest::Client,
}

/// Locks `m`, carrying on past a poisoned lock (a panicking request must not stop the server).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// State for a seeded store.
    pub(crate) fn new(config: SimConfig, store: Store, seeded: Seeded) -> Self {
        Shared {
            account: Mutex::new(Window::new(config.limits.account, config.limits.window)),
            incremental: Mutex::new(Window::new(config.limits.incremental, config.limits.window)),
            faults: Mutex::new(FaultPlan::new(config.faults.seed, config.faults.rate)),
            store: Mutex::new(store),
            seeded,
            idempotency: Mutex::default(),
            stats: Stats::default(),
            hooks: crate::webhooks::Hooks::default(),
            client: reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap_or_default(),
            config,
        }
    }

    /// Requests served, and how many were answered 429.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (self.stats.requests.load(Ordering::Relaxed), self.stats.throttled.load(Ordering::Relaxed))
    }

    /// Counts one more 429.
    pub(crate) fn count_throttled(&self) {
        self.stats.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// Queues `count` faults.
    pub(crate) fn queue(&self, fault: Fault, count: u32) {
        let mut f = lock(&self.faults);
        for _ in 0..count {
            f.queue(fault);
        }
    }
}
