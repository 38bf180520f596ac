//! End to end against the Zendesk simulator: full listings, incremental listings across
//! timestamp ties, and a fault drill. Every ticket must come exactly once.

mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use unidesk_core::ListQuery;
use unidesk_zendesk_sim::{SimConfig, Simulator};

use support::drill::{exactly_once, walk_tickets};

/// `(id, updated_at)` of every live ticket, read with plain HTTP.
async fn stamps(sim: &Simulator) -> Vec<(i64, DateTime<Utc>)> {
    support::walk(sim, "tickets", "tickets")
        .await
        .iter()
        .map(|t| {
            let id = t["id"].as_i64().expect("id");
            let at = t["updated_at"].as_str().and_then(|s| s.parse().ok()).expect("updated_at");
            (id, at)
        })
        .collect()
}

#[tokio::test]
async fn all_1500_live_tickets_are_listed_once() {
    let sim = Simulator::start(SimConfig { tickets: 1500, ..support::small(1500) }).await.expect("sim");
    let desk = support::client(&sim);
    let w = walk_tickets(&desk, ListQuery::new()).await.expect("lists");
    exactly_once("--all", &w.ids, &sim.ticket_ids()).expect("exactly the live tickets");
    assert_eq!(w.ids.len(), 1500);
    assert_eq!(w.pages, 15, "100 a page");
}

#[tokio::test]
async fn updated_after_across_7_way_ties_is_exact_at_page_sizes_100_and_7() {
    let config = SimConfig { tickets: 10_000, tie_width: 7, deleted_tickets: 0, ..support::small(10_000) };
    let sim = Simulator::start(config).await.expect("sim");
    let desk = support::client(&sim);
    let all = stamps(&sim).await;
    let mut by_second: BTreeMap<DateTime<Utc>, usize> = BTreeMap::new();
    for (_, at) in &all {
        *by_second.entry(*at).or_default() += 1;
    }
    assert!(by_second.values().filter(|n| **n == 7).count() > 1000, "the seed has 7-way ties");
    // A bound on a tied second, a little past the middle.
    let bound = *by_second.keys().nth(by_second.len() * 3 / 5).expect("a second");
    assert_eq!(by_second[&bound], 7);
    let expected: Vec<i64> = all.iter().filter(|(_, at)| *at >= bound).map(|(id, _)| *id).collect();
    for size in [100, 7] {
        let w = walk_tickets(&desk, ListQuery::new().updated_after(bound).page_size(size)).await.expect("lists");
        exactly_once(&format!("updated_after at page size {size}"), &w.ids, &expected).expect("exact");
        assert_eq!(w.pages, expected.len().div_ceil(size as usize), "full pages at size {size}");
    }
}

#[tokio::test]
async fn ten_percent_faults_still_list_every_ticket_once() {
    let mut config = support::small(1500);
    config.tickets = 1500;
    config.faults.rate = 0.10;
    config.faults.seed = 20261124;
    let sim = Simulator::start(config).await.expect("sim");
    let desk = support::client(&sim);
    // The same walk without faults first: how many requests it takes.
    sim.set_fault_rate(0.0);
    let clean = walk_tickets(&desk, ListQuery::new().page_size(10)).await.expect("lists");
    let (baseline, _) = sim.stats();
    sim.set_fault_rate(0.10);
    let full = walk_tickets(&desk, ListQuery::new().page_size(10)).await.expect("lists through faults");
    let (total, limited) = sim.stats();
    sim.set_fault_rate(0.0);
    exactly_once("without faults", &clean.ids, &sim.ticket_ids()).expect("exactly once");
    exactly_once("with 10 % faults", &full.ids, &sim.ticket_ids()).expect("exactly once");
    let faulty = total - baseline;
    assert!(faulty > baseline + 5, "faults were injected and retried: {faulty} requests, {baseline} without faults");
    assert!(limited > 0, "some 429s with Retry-After were served");
    sim.set_fault_rate(0.10);
    let since = "2024-06-01T00:00:00Z".parse::<DateTime<Utc>>().expect("time");
    let inc =
        walk_tickets(&desk, ListQuery::new().updated_after(since).page_size(20)).await.expect("export through faults");
    sim.set_fault_rate(0.0);
    let expected: Vec<i64> = stamps(&sim).await.into_iter().filter(|(_, at)| *at >= since).map(|(id, _)| id).collect();
    exactly_once("export with 10 % faults", &inc.ids, &expected).expect("exactly once");
}

#[tokio::test]
async fn a_stream_reads_at_most_two_pages_ahead_of_its_caller() {
    use futures::TryStreamExt;
    use unidesk_core::HelpdeskExt;
    let sim = Simulator::start(support::small(3000)).await.expect("sim");
    let desk = support::client(&sim);
    let mut stream = desk.stream_tickets(ListQuery::new().page_size(100));
    let (mut ids, mut most_ahead) = (Vec::new(), 0u64);
    while let Some(t) = stream.try_next().await.expect("lists") {
        ids.push(t.id.parse::<i64>().expect("numeric id"));
        // Pages the simulator has served, against the pages' worth handed to this caller.
        let (served, _) = sim.stats();
        most_ahead = most_ahead.max((served * 100).saturating_sub(ids.len() as u64));
    }
    exactly_once("streamed", &ids, &sim.ticket_ids()).expect("every live ticket once");
    // The page being handed out and the next one (its request may still be in flight).
    assert!(most_ahead <= 200, "the stream read {most_ahead} records ahead of its caller");
}
