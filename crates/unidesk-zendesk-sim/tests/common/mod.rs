//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use reqwest::{Method, Response};
use serde_json::Value;
use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

/// A simulator with `tickets` tickets, no rate limits and no export lag.
pub async fn sim(tickets: usize) -> Simulator {
    Simulator::start(config(tickets)).await.expect("simulator starts")
}

/// The test settings: no rate limits, no export lag.
pub fn config(tickets: usize) -> SimConfig {
    SimConfig {
        tickets,
        limits: RateLimits::unlimited(),
        export_lag: std::time::Duration::ZERO,
        ..SimConfig::default()
    }
}

/// A request with the bearer token.
pub async fn call(sim: &Simulator, method: Method, url: &str, body: Option<Value>) -> Response {
    let url = if url.starts_with("http") { url.to_owned() } else { format!("{}{url}", sim.base_url()) };
    let mut req = reqwest::Client::new().request(method, url).bearer_auth(sim.token());
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request sent")
}

/// A GET with the bearer token, its status and JSON body.
pub async fn get(sim: &Simulator, url: &str) -> (u16, Value) {
    let resp = call(sim, Method::GET, url, None).await;
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

/// The ids in `doc[key]`.
pub fn ids(doc: &Value, key: &str) -> Vec<i64> {
    doc[key].as_array().expect("a list").iter().map(|t| t["id"].as_i64().expect("an id")).collect()
}
