//! Fault drills against the simulator, shared by `tests/fault_drill.rs` (small
//! scale, in CI) and `benches/perf.rs` (full scale). Every drill checks its own
//! result and returns an error describing the first violation.

#![allow(dead_code)] // each user calls part of this module

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use unidesk_core::{CommentCreate, Helpdesk, HelpdeskExt, ListQuery};
use unidesk_kustomer::{KustomerClient, RetryConfig};
use unidesk_kustomer_sim::{SimConfig, Simulator};

/// Retries sized for a drill: patient enough to outlast 10 % faults and 429 bursts.
pub(crate) fn drill_retry() -> RetryConfig {
    RetryConfig {
        max_retries: 10,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(50),
        // Above the benches' 2 s window, so a reset a hair over 2 s away is still waited for.
        max_rate_limit_wait: Duration::from_secs(3),
        ..RetryConfig::default()
    }
}

/// A client for `sim`.
pub(crate) fn client(sim: &Simulator) -> KustomerClient {
    KustomerClient::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .retry(drill_retry())
        .build()
        .expect("client builds")
}

/// A simulator of `conversations` with `fault_rate` of requests failing (5xx, 429 bursts, dropped and truncated bodies).
pub(crate) async fn faulty_sim(conversations: usize, fault_rate: f64) -> Simulator {
    let mut config = SimConfig { conversations, rate_limit: 1_000_000, ..SimConfig::default() };
    config.faults.rate = fault_rate;
    config.faults.seed = 20261123;
    Simulator::start(config).await.expect("simulator starts")
}

/// What a drill did.
#[derive(Debug, Default)]
pub(crate) struct DrillReport {
    /// Records received, per resource.
    pub(crate) records: Vec<(&'static str, usize)>,
    /// Requests the simulator served (faults included).
    pub(crate) requests: u64,
    /// Wall time.
    pub(crate) elapsed: Duration,
}

fn once(what: &str, ids: Vec<String>, expected: usize) -> Result<usize, String> {
    let n = ids.len();
    let unique: HashSet<_> = ids.into_iter().collect();
    if unique.len() != n {
        return Err(format!("{what}: {} records repeated", n - unique.len()));
    }
    if n != expected {
        return Err(format!("{what}: received {n}, the simulator holds {expected}"));
    }
    Ok(n)
}

/// A full sync (tickets, comments, contacts, accounts) under faults: every record exactly once.
pub(crate) async fn sync_exactly_once(sim: &Simulator) -> Result<DrillReport, String> {
    let c = client(sim);
    let start = Instant::now();
    let (before, _) = sim.stats();
    let q = || ListQuery::new().page_size(100);
    let err = |what: &'static str| move |e: unidesk_core::Error| format!("{what}: {e}");
    let tickets: Vec<String> = c.stream_tickets(q()).map_ok(|x| x.id).try_collect().await.map_err(err("tickets"))?;
    let comments: Vec<String> = c.stream_comments(q()).map_ok(|x| x.id).try_collect().await.map_err(err("comments"))?;
    let contacts: Vec<String> = c.stream_contacts(q()).map_ok(|x| x.id).try_collect().await.map_err(err("contacts"))?;
    let accounts: Vec<String> = c.stream_accounts(q()).map_ok(|x| x.id).try_collect().await.map_err(err("accounts"))?;
    let records = vec![
        ("tickets", once("tickets", tickets, sim.count("conversations"))?),
        ("comments", once("comments", comments, sim.count("messages") + sim.count("notes"))?),
        ("contacts", once("contacts", contacts, sim.count("customers"))?),
        ("accounts", once("accounts", accounts, sim.count("companies"))?),
    ];
    Ok(DrillReport { records, requests: sim.stats().0 - before, elapsed: start.elapsed() })
}

/// Lists tickets page by page, stops after `stop_after` pages, throws the client away, and
/// resumes from the saved cursor with a new one (as a restarted process would): every
/// ticket exactly once across both runs.
pub(crate) async fn interrupted_and_resumed(sim: &Simulator, stop_after: usize) -> Result<DrillReport, String> {
    let start = Instant::now();
    let (before, _) = sim.stats();
    let mut ids = Vec::new();
    // The first run, in its own client; what survives it is the saved cursor text, as a
    // restarted process would read it back from a checkpoint.
    let saved: Option<String> = {
        let first = client(sim);
        let mut cursor = None;
        for _ in 0..stop_after {
            let q = ListQuery { cursor: cursor.take(), ..ListQuery::new().page_size(50) };
            let page = first.tickets().list(&q).await.map_err(|e| format!("first run: {e}"))?;
            ids.extend(page.items.into_iter().map(|t| t.id));
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        cursor.map(|c| c.as_str().to_owned())
    };
    let Some(saved) = saved else { return Err("the listing ended before the interruption".into()) };
    let second = client(sim);
    let resumed: Vec<String> = second
        .stream_tickets(ListQuery::new().page_size(50).cursor(unidesk_core::Cursor::from_raw(saved)))
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .map_err(|e| format!("resumed run: {e}"))?;
    ids.extend(resumed);
    let n = once("tickets (interrupted + resumed)", ids, sim.count("conversations"))?;
    Ok(DrillReport { records: vec![("tickets", n)], requests: sim.stats().0 - before, elapsed: start.elapsed() })
}

/// What a write drill saw.
#[derive(Debug, Default)]
pub(crate) struct WriteReport {
    /// Creates that answered success.
    pub(crate) ok: usize,
    /// Creates that failed (the write may or may not have landed; never twice).
    pub(crate) failed: usize,
    /// Bodies found more than once afterwards (must be 0).
    pub(crate) duplicated: usize,
}

/// Posts `n` comments (replies and notes, unique bodies) under faults, then reads every
/// comment back with faults off: no body exists twice, and every acknowledged one exists once.
pub(crate) async fn writes_never_duplicate(sim: &Simulator, n: usize) -> Result<WriteReport, String> {
    let c = client(sim);
    sim.set_fault_rate(0.0);
    let tickets = c.tickets().list(&ListQuery::new().page_size(100)).await.map_err(|e| format!("tickets: {e}"))?;
    if tickets.items.is_empty() {
        return Err("no tickets to comment on".into());
    }
    sim.set_fault_rate(0.10);
    let mut report = WriteReport::default();
    let mut acknowledged = Vec::new();
    for i in 0..n {
        let ticket = &tickets.items[i % tickets.items.len()];
        let body = format!("drill comment {i} {}", ticket.id);
        let input = CommentCreate {
            ticket_id: ticket.id.clone(),
            body: body.clone(),
            is_private: i % 3 == 0,
            channel: Some("email".into()),
            ..Default::default()
        };
        match c.comments().create(&input).await {
            Ok(_) => {
                report.ok += 1;
                acknowledged.push(body);
            }
            Err(_) => report.failed += 1,
        }
    }
    sim.set_fault_rate(0.0);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for t in &tickets.items {
        let all: Vec<_> = c
            .stream_comments(ListQuery::new().ticket_id(t.id.clone()).page_size(100))
            .try_collect()
            .await
            .map_err(|e| format!("reading back: {e}"))?;
        for cm in all {
            if let Some(b) = cm.body.filter(|b| b.starts_with("drill comment ")) {
                *counts.entry(b).or_default() += 1;
            }
        }
    }
    report.duplicated = counts.values().filter(|n| **n > 1).count();
    if report.duplicated > 0 {
        return Err(format!("{} comments exist twice", report.duplicated));
    }
    if let Some(lost) = acknowledged.iter().find(|b| counts.get(*b).copied() != Some(1)) {
        return Err(format!("acknowledged comment {lost:?} is not stored exactly once"));
    }
    Ok(report)
}
