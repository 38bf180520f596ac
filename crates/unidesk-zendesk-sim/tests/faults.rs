//! Fault hooks and seeded faults: a client that retries still gets every ticket exactly once.

mod common;

use std::time::Duration;

use common::{config, sim};
use serde_json::Value;
use unidesk_zendesk_sim::{FaultConfig, SimConfig, Simulator};

async fn fetch(url: &str, token: &str) -> Result<(u16, Option<String>, Value), String> {
    let resp = reqwest::Client::new().get(url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = resp.text().await.map_err(|e| format!("body: {e}"))?;
    let body = serde_json::from_str(&text).map_err(|e| format!("json: {e}"))?;
    Ok((status, retry, body))
}

#[tokio::test]
async fn hooks_fail_malform_truncate_and_force() {
    let sim = sim(5).await;
    let url = format!("{}/api/v2/tickets.json", sim.base_url());
    sim.fail_next(503, 1);
    sim.fail_next(429, 1);
    let (status, _, body) = fetch(&url, sim.token()).await.expect("a response");
    assert_eq!((status, body["error"].as_str()), (503, Some("ServiceUnavailable")));
    let (status, retry, _) = fetch(&url, sim.token()).await.expect("a response");
    assert_eq!((status, retry.as_deref()), (429, Some("1")));
    sim.malform_next();
    assert!(fetch(&url, sim.token()).await.expect_err("half a body").starts_with("json"));
    sim.truncate_next();
    assert!(fetch(&url, sim.token()).await.is_err(), "a cut connection");
    sim.force_status(Some(500));
    assert_eq!(fetch(&url, sim.token()).await.expect("a response").0, 500);
    sim.force_status(None);
    assert_eq!(fetch(&url, sim.token()).await.expect("a response").0, 200);
}

#[tokio::test]
async fn a_ten_percent_fault_drill_still_yields_every_ticket_once() {
    let faults = FaultConfig { rate: 0.10, seed: 11, retry_after: 0, latency: Duration::ZERO };
    let sim = Simulator::start(SimConfig { faults, ..config(400) }).await.expect("starts");
    let mut url = format!("{}/api/v2/tickets.json?page[size]=10", sim.base_url());
    let (mut seen, mut failures) = (Vec::new(), 0);
    loop {
        match fetch(&url, sim.token()).await {
            Ok((200, _, doc)) => {
                seen.extend(common::ids(&doc, "tickets"));
                match doc["links"]["next"].as_str() {
                    Some(next) if doc["meta"]["has_more"] == true => url = next.to_owned(),
                    _ => break,
                }
            }
            _ => failures += 1,
        }
        assert!(failures < 200, "too many failures");
    }
    assert_eq!(seen, sim.ticket_ids());
    assert!(failures > 0, "faults were injected");
    let (requests, _) = sim.stats();
    assert_eq!(requests as usize, 40 + failures);
}
