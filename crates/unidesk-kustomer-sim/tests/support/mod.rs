//! Helpers shared by the tests of the issue-15 routes: a plain reqwest caller, a walker of
//! `links.next`, and a loopback webhook receiver.

#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::Value;
use unidesk_kustomer_sim::{SimConfig, Simulator};

/// A simulator with a small org.
pub async fn small() -> Simulator {
    Simulator::start(SimConfig { conversations: 60, ..SimConfig::default() }).await.expect("simulator starts")
}

/// One answer: status, JSON body (`Null` when empty) and headers.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

/// Sends a request with `key` (the full key unless given) and reads the answer.
pub async fn send_as(sim: &Simulator, key: &str, method: Method, path: &str, body: Option<&Value>) -> Answer {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", sim.base_url())).bearer_auth(key);
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body read");
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
    Answer { status, body, headers }
}

/// [`send_as`] with the full key.
pub async fn send(sim: &Simulator, method: Method, path: &str, body: Option<&Value>) -> Answer {
    send_as(sim, sim.api_key(), method, path, body).await
}

/// GET `path`, asserting 200.
pub async fn get(sim: &Simulator, path: &str) -> Value {
    let a = send(sim, Method::GET, path, None).await;
    assert_eq!(a.status, 200, "GET {path}: {}", a.body);
    a.body
}

/// Asserts a Kustomer error answer with `status` and `code`.
pub fn assert_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.body);
    assert_eq!(a.body["errors"][0]["status"], status, "{}", a.body);
    assert_eq!(a.body["errors"][0]["code"], code, "{}", a.body);
}

/// Every record of a listing, following `links.next` from `first`; also the pages' sizes.
pub async fn walk(sim: &Simulator, first: &str) -> (Vec<Value>, Vec<usize>) {
    let mut out = Vec::new();
    let mut sizes = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let page = get(sim, &path).await;
        let data = page["data"].as_array().cloned().unwrap_or_default();
        sizes.push(data.len());
        out.extend(data);
        next = page["links"]["next"].as_str().map(str::to_owned);
        assert!(sizes.len() < 10_000, "links.next never ends");
    }
    (out, sizes)
}

/// The ids of records.
pub fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["id"].as_str().expect("an id").to_owned()).collect()
}

/// A delivery received: event header, signature header, a custom header, body.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event: String,
    pub signature: String,
    pub custom: String,
    pub body: Vec<u8>,
}

/// A loopback webhook receiver that answers 503 to its first `fail_first` deliveries.
pub struct Sink {
    pub url: String,
    pub got: Arc<Mutex<Vec<Delivery>>>,
    pub attempts: Arc<AtomicUsize>,
}

impl Sink {
    /// Serves on `listener`.
    pub fn serve(listener: tokio::net::TcpListener, fail_first: usize) -> Sink {
        use axum::http::{HeaderMap, StatusCode};
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let got: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let attempts = Arc::new(AtomicUsize::new(0));
        let (sink, tries) = (Arc::clone(&got), Arc::clone(&attempts));
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (sink, tries) = (Arc::clone(&sink), Arc::clone(&tries));
                async move {
                    if tries.fetch_add(1, Ordering::SeqCst) < fail_first {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                    sink.lock().expect("lock").push(Delivery {
                        event: h("x-kustomer-webhook-event"),
                        signature: h("x-kustomer-webhook-signature"),
                        custom: h("x-sim-test"),
                        body: body.to_vec(),
                    });
                    StatusCode::OK
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        Sink { url, got, attempts }
    }

    /// A receiver on a fresh port.
    pub async fn start(fail_first: usize) -> Sink {
        Sink::serve(tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind"), fail_first)
    }

    /// Waits (up to ~10 s) until `n` deliveries arrived; returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        for _ in 0..1000 {
            if self.got.lock().expect("lock").len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.got.lock().expect("lock").clone()
    }
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with `token`.
pub fn sign(token: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes()).expect("key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}
