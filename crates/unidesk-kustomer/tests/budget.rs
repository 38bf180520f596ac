//! An external rate budget ([`unidesk_core::budget`]): every attempt the client sends is taken
//! from it first, retries included, under the configured key; the server's 429s are reported
//! to it; a budget that refuses stops the request before it is sent.

use std::sync::Arc;
use std::time::Duration;

use unidesk_core::budget::{RecordingBudget, ServerSignal};
use unidesk_core::{Error, Helpdesk, ListQuery};
use unidesk_kustomer::{KustomerClient, RetryConfig};
use unidesk_kustomer_sim::{SimConfig, Simulator};

#[tokio::test]
async fn every_attempt_is_taken_from_the_budget_and_429s_are_reported() {
    let sim = Simulator::start(SimConfig { conversations: 30, ..SimConfig::default() }).await.expect("sim");
    let budget = Arc::new(RecordingBudget::new());
    let client = KustomerClient::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .retry(RetryConfig { base_delay: Duration::from_millis(1), ..RetryConfig::default() })
        .rate_budget(budget.clone(), "acme")
        .build()
        .expect("client");
    let before = sim.stats().0;
    let page = client.tickets().list(&ListQuery::new().page_size(10)).await.expect("list");
    assert_eq!(page.items.len(), 10);
    let sent = sim.stats().0 - before;
    assert_eq!(budget.acquired().len() as u64, sent, "one acquisition per request sent");

    // A 429 (with a short reset) is retried: both attempts are acquired, the 429 reported.
    let acquired = budget.acquired().len();
    sim.fail_next(429, 1);
    client.tickets().list(&ListQuery::new().page_size(10)).await.expect("retried past the 429");
    let now = budget.acquired();
    assert!(now.len() >= acquired + 2, "the retry took a second token: {}", now.len() - acquired);
    assert!(now.iter().all(|(k, n)| k == "acme" && *n == 1));
    let signals = budget.signals();
    assert!(
        signals.iter().any(|(k, s)| k == "acme" && matches!(s, ServerSignal::Exhausted { .. })),
        "the 429 was reported: {signals:?}"
    );

    // A budget that refuses: the call fails with its error and nothing is sent.
    budget.refuse(true);
    let before = sim.stats().0;
    let e = client.tickets().list(&ListQuery::new().page_size(10)).await.expect_err("refused");
    assert!(matches!(e, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(120)), "{e:?}");
    assert_eq!(sim.stats().0, before, "nothing was sent");
}
