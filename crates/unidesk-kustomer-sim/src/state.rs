//! State shared by every request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::coll::Coll;
use crate::config::SimConfig;
use crate::injection::{Fault, FaultPlan};
use crate::limits::{PerObject, Rolling};
use crate::store::Store;

/// Request counters.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Requests received.
    pub(crate) requests: AtomicU64,
    /// Requests answered 429 (rate limits and injected 429s).
    pub(crate) throttled: AtomicU64,
}

/// What every request handler and middleware sees.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The settings the simulator started with.
    pub(crate) config: SimConfig,
    /// The records.
    pub(crate) store: Mutex<Store>,
    /// The org-wide rate limit.
    pub(crate) limiter: Mutex<Rolling>,
    /// Per-object write limits.
    pub(crate) objects: Mutex<PerObject>,
    /// Fault injection.
    pub(crate) faults: Mutex<FaultPlan>,
    /// Outbound webhook subscriptions, by id.
    pub(crate) webhooks: Mutex<std::collections::BTreeMap<crate::record::Id, crate::hook::Hook>>,
    /// The HTTP client webhook deliveries go out with.
    pub(crate) http: reqwest::Client,
    /// Bulk operations, by id.
    pub(crate) bulks: Mutex<std::collections::BTreeMap<crate::record::Id, crate::bulk::Bulk>>,
    /// Counters.
    pub(crate) stats: Stats,
    /// Attachments created through `POST /v1/attachments`, by id.
    pub(crate) files: Mutex<std::collections::BTreeMap<crate::record::Id, crate::files::File>>,
    /// Download links handed out, by signature.
    pub(crate) links: Mutex<std::collections::HashMap<String, crate::files::Link>>,
    /// The path the org is served under (`/org-001`), empty when the process hosts one org.
    pub(crate) prefix: String,
}

/// Locks `m`, carrying on past a poisoned lock (a panicking request must not stop the server).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// One org's state: its settings, its seeded store, the path it is served under and
    /// the client its webhook deliveries go out with (shared by every org).
    pub(crate) fn new(config: SimConfig, store: Store, prefix: String, http: reqwest::Client) -> Self {
        Shared {
            limiter: Mutex::new(Rolling::new(config.rate_limit, config.window)),
            objects: Mutex::new(PerObject::new(config.object_limit, config.object_window)),
            faults: Mutex::new(FaultPlan::new(config.faults.seed)),
            store: Mutex::new(store),
            webhooks: Mutex::default(),
            http,
            bulks: Mutex::default(),
            stats: Stats::default(),
            files: Mutex::default(),
            links: Mutex::default(),
            prefix,
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

    /// How many records the collection named `coll` holds, deleted ones left out.
    pub(crate) fn count(&self, coll: &str) -> usize {
        Coll::from_path(coll).map_or(0, |c| lock(&self.store).live_count(c))
    }

    /// See [`crate::Simulator::set_fault_rate`].
    pub(crate) fn set_fault_rate(&self, rate: f64) {
        lock(&self.faults).set_rate(rate);
    }

    /// See [`crate::Simulator::set_item_fault_rate`].
    pub(crate) fn set_item_fault_rate(&self, rate: f64) {
        lock(&self.faults).set_item_rate(rate);
    }

    /// See [`crate::Simulator::force_status`].
    pub(crate) fn force_status(&self, status: Option<u16>) {
        lock(&self.faults).force(status);
    }

    /// See [`crate::Simulator::fail_next`].
    pub(crate) fn fail_next(&self, status: u16, count: u32) {
        let mut f = lock(&self.faults);
        for _ in 0..count {
            f.queue(Fault::Status(status));
        }
    }

    /// See [`crate::Simulator::malform_next`].
    pub(crate) fn malform_next(&self) {
        lock(&self.faults).queue(Fault::Malformed);
    }
}
