//! Request counting and the org-wide rolling-window rate limit.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::limits::Scope;
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// Counts every request received (see [`crate::Simulator::stats`]).
pub(crate) async fn count(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    sim.stats.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

/// Answers 429 once the window is full; every response that passed the limiter
/// carries `x-ratelimit-*` headers (unless it set its own, as injected 429s do).
pub(crate) async fn limit(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let verdict = lock(&sim.limiter).hit(Instant::now());
    let headers = verdict.headers(Scope::Org);
    if !verdict.allowed {
        sim.count_throttled();
        return Reply::error(429, "too_many_requests", "Rate limit exceeded").with_headers(headers).into_response();
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (k, v) in headers {
        if !h.contains_key(k)
            && let Ok(v) = HeaderValue::from_str(&v)
        {
            h.insert(k, v);
        }
    }
    resp
}
