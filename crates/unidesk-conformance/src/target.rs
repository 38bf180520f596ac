//! What the suite runs against: an adapter, plus optional hooks and expectations.

use std::collections::BTreeMap;
use std::sync::Arc;

use unidesk_core::{Helpdesk, Resource};

/// Hooks that make an HTTP adapter's server misbehave, for the fault checks.
///
/// The Kustomer simulator implements these directly; for a wiremock-backed
/// adapter, mount the matching responses. Adapters without a server (the
/// memory adapter) pass no hooks and the fault checks report "skipped".
pub trait FaultHooks: Send + Sync {
    /// The next `count` requests are answered with HTTP `status` and the provider's error body
    /// (a 429 carries the provider's rate-limit headers).
    fn fail_next(&self, status: u16, count: u32);
    /// The next request is answered `200` with a complete response whose JSON body is malformed.
    fn malform_next(&self);
    /// How many requests the server has received so far.
    fn requests_received(&self) -> u64;
}

/// An adapter under test. Build a fresh one per check: write checks change data.
pub struct Target {
    desk: Arc<dyn Helpdesk>,
    faults: Option<Box<dyn FaultHooks>>,
    expected_counts: BTreeMap<Resource, usize>,
    max_gets: usize,
    read_only: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("adapter", &self.desk.name())
            .field("faults", &self.faults.is_some())
            .field("expected_counts", &self.expected_counts)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl Target {
    /// Tests `desk`.
    pub fn new(desk: impl Helpdesk + 'static) -> Self {
        Self::from_arc(Arc::new(desk))
    }

    /// Tests an adapter already behind an `Arc<dyn Helpdesk>` (as products hold them).
    pub fn from_arc(desk: Arc<dyn Helpdesk>) -> Self {
        Target { desk, faults: None, expected_counts: BTreeMap::new(), max_gets: 25, read_only: false }
    }

    /// Enables the fault checks with hooks into the adapter's server.
    pub fn with_faults(mut self, hooks: impl FaultHooks + 'static) -> Self {
        self.faults = Some(Box::new(hooks));
        self
    }

    /// Declares how many records of `resource` the seed data holds: listings must visit exactly that many.
    pub fn expect_count(mut self, resource: Resource, count: usize) -> Self {
        self.expected_counts.insert(resource, count);
        self
    }

    /// How many listed records per resource `get` re-fetches in the get checks (default 25).
    pub fn max_gets(mut self, n: usize) -> Self {
        self.max_gets = n.max(1);
        self
    }

    /// Never writes: every check in the `writes` area reports "skipped" ([`crate::Check::run_on`]),
    /// and the honesty checks call only reads. The id checks still run: their calls are
    /// rejected before any request. For running the suite against
    /// a production account.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Whether the target must not be written to.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The adapter.
    pub fn desk(&self) -> &dyn Helpdesk {
        self.desk.as_ref()
    }

    /// The fault hooks, if any.
    pub fn faults(&self) -> Option<&dyn FaultHooks> {
        self.faults.as_deref()
    }

    /// The declared record count of `resource`, if any.
    pub fn expected_count(&self, resource: Resource) -> Option<usize> {
        self.expected_counts.get(&resource).copied()
    }

    /// The get checks' per-resource limit.
    pub fn gets_per_resource(&self) -> usize {
        self.max_gets
    }
}
