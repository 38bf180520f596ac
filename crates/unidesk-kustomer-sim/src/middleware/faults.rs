//! Injected latency and faults: error statuses, cut bodies, dropped connections.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::extract::BODY_LIMIT;
use crate::injection::Fault;
use crate::limits::{Scope, Verdict};
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// Adds the configured latency to every request.
pub(crate) async fn delay(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let latency = sim.config.faults.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    next.run(req).await
}

/// Draws a fault for the request: an error status answers it at once; the
/// others damage the response the routes produce.
pub(crate) async fn inject(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let fault = lock(&sim.faults).draw(sim.config.faults.rate);
    match fault {
        Fault::None => next.run(req).await,
        Fault::Status(s) => injected_status(&sim, s).into_response(),
        Fault::Truncate | Fault::Drop | Fault::Malformed => damage(next.run(req).await, fault).await,
    }
}

fn injected_status(sim: &Shared, status: u16) -> Reply {
    let r = Reply::error(status, "injected_fault", "Injected fault");
    if status != 429 {
        return r;
    }
    sim.count_throttled();
    let verdict = Verdict {
        allowed: false,
        limit: sim.config.rate_limit.max(1),
        remaining: 0,
        reset_in: Duration::from_millis(50),
    };
    r.with_headers(verdict.headers(Scope::Org))
}

async fn damage(resp: Response, fault: Fault) -> Response {
    let (mut parts, body) = resp.into_parts();
    let mut bytes = axum::body::to_bytes(body, BODY_LIMIT.saturating_mul(64)).await.unwrap_or_default().to_vec();
    parts.headers.remove("content-length");
    let body = match fault {
        Fault::Malformed => {
            bytes.truncate(bytes.len() / 2);
            Body::from(bytes)
        }
        _ => {
            let len = bytes.len();
            let keep = if fault == Fault::Truncate { len / 2 } else { 0 };
            bytes.truncate(keep);
            if let Ok(v) = HeaderValue::from_str(&len.to_string()) {
                parts.headers.insert("content-length", v);
            }
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from(bytes)),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected drop")),
            ];
            Body::from_stream(futures::stream::iter(chunks))
        }
    };
    Response::from_parts(parts, body)
}
