//! Request counting, the account-wide limit and the incremental exports' own limit.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::limits::Verdict;
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// Counts every request received (see [`crate::Simulator::stats`]).
pub(crate) async fn count(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    sim.stats.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

/// The 429 Zendesk sends, with `Retry-After` in whole seconds.
pub(crate) fn too_many(verdict: &Verdict, description: &str) -> Reply {
    let mut headers = verdict.headers();
    headers.push(("retry-after", verdict.retry_after().to_string()));
    Reply::json(429, &json!({ "error": "APIRateLimitExceeded", "description": description })).with_headers(headers)
}

/// Answers 429 once a window is full; every response that passed carries the rate-limit
/// headers of the account-wide window.
pub(crate) async fn limit(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let now = Instant::now();
    let verdict = lock(&sim.account).hit(now);
    if !verdict.allowed {
        sim.count_throttled();
        return too_many(&verdict, "Number of allowed API requests per minute exceeded").into_response();
    }
    if req.uri().path().starts_with("/api/v2/incremental/") {
        let export = lock(&sim.incremental).hit(now);
        if !export.allowed {
            sim.count_throttled();
            return too_many(&export, "Number of allowed incremental export API requests per minute exceeded")
                .into_response();
        }
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (k, v) in verdict.headers() {
        if !h.contains_key(k)
            && let Ok(v) = HeaderValue::from_str(&v)
        {
            h.insert(k, v);
        }
    }
    resp
}
