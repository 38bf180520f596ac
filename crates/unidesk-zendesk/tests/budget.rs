//! An external rate budget ([`unidesk_core::budget`]): every attempt the client sends is taken
//! from it first, retries included, under the configured key; the server's 429s and its
//! "none remaining" answers are reported to it; a budget that refuses stops the request before
//! it is sent. Against the Zendesk simulator.

mod support;

use std::sync::Arc;
use std::time::Duration;

use unidesk_core::budget::{RecordingBudget, ServerSignal};
use unidesk_core::{Error, Helpdesk, ListQuery};
use unidesk_zendesk::ZendeskClient;
use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

fn client(sim: &Simulator, budget: Arc<RecordingBudget>) -> ZendeskClient {
    ZendeskClient::builder()
        .base_url(sim.base_url())
        .api_token(sim.email(), sim.token())
        .retry(support::fast_retry())
        .export_requests_per_minute(None)
        .rate_budget(budget, "acme")
        .build()
        .expect("client")
}

#[tokio::test]
async fn every_attempt_is_taken_from_the_budget_and_429s_are_reported() {
    let mut config = support::small(30);
    config.faults.retry_after = 1;
    let sim = Simulator::start(config).await.expect("sim");
    let budget = Arc::new(RecordingBudget::new());
    let client = client(&sim, budget.clone());
    let before = sim.stats().0;
    let page = client.tickets().list(&ListQuery::new().page_size(10)).await.expect("list");
    assert_eq!(page.items.len(), 10);
    let sent = sim.stats().0 - before;
    assert!(sent >= 1);
    assert_eq!(budget.acquired().len() as u64, sent, "one acquisition per request sent");
    assert!(budget.signals().is_empty(), "nothing spent yet");

    // A 429 is retried after its Retry-After: both attempts acquired, the 429 reported.
    let acquired = budget.acquired().len();
    sim.fail_next(429, 1);
    client.users().list(&ListQuery::new().page_size(10)).await.expect("retried past the 429");
    let now = budget.acquired();
    assert!(now.len() >= acquired + 2, "the retry took a second token: {}", now.len() - acquired);
    assert!(now.iter().all(|(k, n)| k == "acme" && *n == 1), "{now:?}");
    let signals = budget.signals();
    assert_eq!(
        signals,
        [("acme".to_owned(), ServerSignal::Exhausted { retry_after: Some(Duration::from_secs(1)) })],
        "the 429 and its Retry-After"
    );

    // A budget that refuses: nothing is sent, the caller gets RateLimited.
    budget.refuse(true);
    let before = sim.stats().0;
    let e = client.tickets().list(&ListQuery::new().page_size(10)).await.expect_err("refused by the budget");
    assert!(matches!(e, Error::RateLimited { retry_after: Some(_) }), "{e:?}");
    assert_eq!(sim.stats().0, before, "nothing sent past a refusing budget");
}

#[tokio::test]
async fn an_answer_with_no_request_remaining_is_reported_before_any_429() {
    // Three requests a window: the third answer says none remain, and the budget hears it.
    let config = SimConfig {
        limits: RateLimits { account: 3, incremental: 3, window: Duration::from_secs(60) },
        ..support::small(5)
    };
    let sim = Simulator::start(config).await.expect("sim");
    let budget = Arc::new(RecordingBudget::new());
    let client = ZendeskClient::builder()
        .base_url(sim.base_url())
        .api_token(sim.email(), sim.token())
        .retry(support::fast_retry())
        .export_requests_per_minute(None)
        // The client's own pacer would wait out the reset: off, to see the budget's signal alone.
        .pacing(false)
        .rate_budget(budget.clone(), "acme")
        .build()
        .expect("client");
    for _ in 0..3 {
        client.tags().list(&ListQuery::new()).await.expect("within the limit");
    }
    let signals = budget.signals();
    assert_eq!(signals.len(), 1, "the third answer said none remain: {signals:?}");
    assert!(matches!(signals[0].1, ServerSignal::Exhausted { .. }), "{signals:?}");
}
