//! Injected latency and faults: error statuses, 429s, cut bodies.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::injection::Fault;
use crate::limits::Verdict;
use crate::middleware::rate_limit::too_many;
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

/// Draws a fault: an error status answers at once; the others damage the route's response.
pub(crate) async fn inject(State(sim): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let fault = lock(&sim.faults).draw();
    match fault {
        Fault::None => next.run(req).await,
        Fault::Status(429) => {
            sim.count_throttled();
            let secs = sim.config.faults.retry_after;
            let verdict = Verdict {
                allowed: false,
                limit: sim.config.limits.account,
                remaining: 0,
                reset_in: Duration::from_secs(secs),
            };
            let mut r = too_many(&verdict, "Number of allowed API requests per minute exceeded");
            for h in &mut r.headers {
                if h.0 == "retry-after" {
                    h.1 = secs.to_string();
                }
            }
            r.into_response()
        }
        Fault::Status(s) => {
            let (code, text) = match s {
                500 => ("InternalError", "Something went wrong"),
                502 => ("BadGateway", "Bad gateway"),
                503 => ("ServiceUnavailable", "Service temporarily unavailable"),
                _ => ("InjectedFault", "Injected fault"),
            };
            Reply::error(s, code, text).into_response()
        }
        Fault::Truncate | Fault::Malformed => damage(next.run(req).await, fault).await,
    }
}

/// Cuts the body in half: `Malformed` sends a complete (short) response, `Truncate` declares
/// the full length, sends half and resets the connection.
async fn damage(resp: Response, fault: Fault) -> Response {
    let (mut parts, body) = resp.into_parts();
    let mut bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default().to_vec();
    parts.headers.remove("content-length");
    let full = bytes.len();
    bytes.truncate(full / 2);
    let body = if fault == Fault::Malformed {
        Body::from(bytes)
    } else {
        if let Ok(v) = HeaderValue::from_str(&full.to_string()) {
            parts.headers.insert("content-length", v);
        }
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from(bytes)),
            Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected truncation")),
        ];
        Body::from_stream(futures::stream::iter(chunks))
    };
    Response::from_parts(parts, body)
}
