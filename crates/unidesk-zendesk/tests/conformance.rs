//! The whole conformance suite against the Zendesk adapter, talking HTTP to the Zendesk
//! simulator on loopback, with the simulator's fault hooks.
//!
//! The simulator runs without its export lag (Zendesk leaves changes of the last minute out of
//! incremental exports; the suite reads records it has just written) and without rate limits.

mod support;

use unidesk_conformance::{FaultHooks, Target};
use unidesk_zendesk_sim::Simulator;

/// The simulator as the suite's fault hooks; owning it keeps the server alive for the test.
struct SimHooks(Simulator);

impl FaultHooks for SimHooks {
    fn fail_next(&self, status: u16, count: u32) {
        self.0.fail_next(status, count);
    }
    fn malform_next(&self) {
        self.0.malform_next();
    }
    fn requests_received(&self) -> u64 {
        self.0.stats().0
    }
}

async fn zendesk_target() -> Target {
    let sim = Simulator::start(support::small(24)).await.expect("simulator starts");
    let client = support::client(&sim);
    let counts = support::counts(&sim).await;
    let target = counts.into_iter().fold(Target::new(client), |t, (r, n)| t.expect_count(r, n));
    target.with_faults(SimHooks(sim))
}

unidesk_conformance::conformance_tests!(zendesk_target());
