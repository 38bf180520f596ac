//! A forwarding proxy in front of a real RT that can fail requests on demand: the conformance
//! suite's fault hooks (401, 403, 429, 5xx, malformed bodies, request counting) against RT itself.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use unidesk_conformance::FaultHooks;

struct Inner {
    upstream: String,
    http: reqwest::Client,
    fail: Mutex<(u16, u32)>,
    malform: AtomicBool,
    seen: AtomicU64,
}

/// The proxy; it serves until the test's runtime ends (or it is dropped).
pub(crate) struct FaultProxy {
    /// Where to point the client (`http://127.0.0.1:PORT`).
    pub url: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (RT's web root) on a free loopback port.
    pub(crate) async fn start(upstream: &str) -> FaultProxy {
        let inner = Arc::new(Inner {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
            fail: Mutex::new((0, 0)),
            malform: AtomicBool::new(false),
            seen: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let app = axum::Router::new().fallback(forward).with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FaultProxy { url, inner, task }
    }
}

impl FaultHooks for FaultProxy {
    fn fail_next(&self, status: u16, count: u32) {
        *self.inner.fail.lock().unwrap_or_else(|p| p.into_inner()) = (status, count);
    }

    fn malform_next(&self) {
        self.inner.malform.store(true, Ordering::SeqCst);
    }

    fn requests_received(&self) -> u64 {
        self.inner.seen.load(Ordering::SeqCst)
    }
}

fn json_response(status: u16, body: &'static str) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    r
}

async fn forward(State(s): State<Arc<Inner>>, req: Request) -> Response {
    s.seen.fetch_add(1, Ordering::SeqCst);
    let injected = {
        let mut f = s.fail.lock().unwrap_or_else(|p| p.into_inner());
        if f.1 > 0 {
            f.1 -= 1;
            Some(f.0)
        } else {
            None
        }
    };
    if let Some(status) = injected {
        // RT's own error bodies.
        let body = match status {
            401 => r#"{"message":"Unauthorized"}"#,
            403 => r#"{"message":"Forbidden"}"#,
            429 => r#"{"message":"Too Many Requests"}"#,
            _ => r#"{"message":"Internal Server Error"}"#,
        };
        return json_response(status, body);
    }
    if s.malform.swap(false, Ordering::SeqCst) {
        return json_response(200, r#"{"count":1,"items":[{"id":"1","Subject":"#);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return json_response(400, r#"{"message":"proxy: unreadable request body"}"#);
    };
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut up = s.http.request(parts.method.clone(), format!("{}{path}", s.upstream)).body(bytes);
    for name in ["authorization", "content-type", "accept"] {
        if let Some(v) = parts.headers.get(name) {
            up = up.header(name, v);
        }
    }
    let resp = match up.send().await {
        Ok(r) => r,
        Err(_) => return json_response(502, r#"{"message":"proxy: RT did not answer"}"#),
    };
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap_or_default();
    let mut out = Response::new(Body::from(body));
    *out.status_mut() = status;
    for name in ["content-type", "location", "retry-after"] {
        if let Some(v) = headers.get(name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out.into_response()
}
