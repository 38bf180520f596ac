//! The whole suite against the Kustomer adapter, talking HTTP to the simulator on loopback.

use std::time::Duration;

use unidesk_conformance::{FaultHooks, Target};
use unidesk_core::Resource;
use unidesk_kustomer::{KustomerClient, RetryConfig};
use unidesk_kustomer_sim::{SimConfig, Simulator};

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

async fn kustomer_target() -> Target {
    let sim =
        Simulator::start(SimConfig { conversations: 24, ..SimConfig::default() }).await.expect("simulator starts");
    let client = KustomerClient::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .retry(RetryConfig {
            max_retries: 4,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(20),
            max_rate_limit_wait: Duration::from_millis(200),
            ..RetryConfig::default()
        })
        .build()
        .expect("client builds");
    let counts = [
        (Resource::Ticket, sim.count("conversations")),
        (Resource::Comment, sim.count("messages") + sim.count("notes")),
        (Resource::Contact, sim.count("customers")),
        (Resource::Account, sim.count("companies")),
        (Resource::Tag, sim.count("tags")),
        (Resource::Team, sim.count("teams")),
        (Resource::User, sim.count("users")),
    ];
    let target = counts.into_iter().fold(Target::new(client), |t, (r, n)| t.expect_count(r, n));
    target.with_faults(SimHooks(sim))
}

unidesk_conformance::conformance_tests!(kustomer_target());
