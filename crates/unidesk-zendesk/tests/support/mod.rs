//! Shared by the test binaries: the simulator, a client for it, and record counts read with
//! plain HTTP (not through the adapter under test).

#![allow(dead_code, reason = "each test binary uses part of this module")]

pub(crate) mod drill;

use std::time::Duration;

use serde_json::Value;
use unidesk_core::Resource;
use unidesk_zendesk::{RetryConfig, ZendeskClient};
use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

/// Retries sized for tests: quick, and patient enough for fault drills.
pub(crate) fn fast_retry() -> RetryConfig {
    RetryConfig {
        max_retries: 10,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(50),
        max_rate_limit_wait: Duration::from_secs(3),
        ..RetryConfig::default()
    }
}

/// A small simulator: `tickets` live tickets, no export lag, no rate limits.
pub(crate) fn small(tickets: usize) -> SimConfig {
    SimConfig {
        tickets,
        deleted_tickets: 3,
        end_users: 30,
        export_lag: Duration::ZERO,
        limits: RateLimits::unlimited(),
        ..SimConfig::default()
    }
}

/// A client for `sim` (API-token auth), exports unpaced.
pub(crate) fn client(sim: &Simulator) -> ZendeskClient {
    ZendeskClient::builder()
        .base_url(sim.base_url())
        .api_token(sim.email(), sim.token())
        .retry(fast_retry())
        .export_requests_per_minute(None)
        .build()
        .expect("client builds")
}

/// Every record of a cursor-paginated list, read with plain HTTP.
pub(crate) async fn walk(sim: &Simulator, path: &str, key: &str) -> Vec<Value> {
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut req = http
            .get(format!("{}/api/v2/{path}", sim.base_url()))
            .bearer_auth(sim.token())
            .query(&[("page[size]", "100")]);
        if let Some(a) = &after {
            req = req.query(&[("page[after]", a.as_str())]);
        }
        let v: Value = req.send().await.expect("sim answers").json().await.expect("json");
        out.extend(v[key].as_array().cloned().unwrap_or_default());
        if v["meta"]["has_more"].as_bool() != Some(true) {
            return out;
        }
        after = v["meta"]["after_cursor"].as_str().map(str::to_owned);
    }
}

/// How many records each normalized resource should list by default, counted from the
/// simulator's own lists: live tickets, their comments, active end-users (contacts), active
/// agents and admins (users), organizations, groups not deleted, tags.
pub(crate) async fn counts(sim: &Simulator) -> Vec<(Resource, usize)> {
    let users = walk(sim, "users", "users").await;
    let active = |u: &&Value| u["active"].as_bool() != Some(false);
    let agent = |u: &&Value| matches!(u["role"].as_str(), Some("agent" | "admin"));
    let groups = walk(sim, "groups", "groups").await;
    vec![
        (Resource::Ticket, sim.count("tickets")),
        (Resource::Comment, sim.count("comments")),
        (Resource::Contact, users.iter().filter(active).filter(|u| !agent(u)).count()),
        (Resource::User, users.iter().filter(active).filter(agent).count()),
        (Resource::Account, sim.count("organizations")),
        (Resource::Team, groups.iter().filter(|g| g["deleted"].as_bool() != Some(true)).count()),
        (Resource::Tag, walk(sim, "tags", "tags").await.len()),
    ]
}
