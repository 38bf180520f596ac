//! Helpers for the wiremock tests: fixtures and a client with fast retries.

#![allow(dead_code)] // each test file uses part of this module

use std::time::Duration;

use unidesk_kustomer::{KustomerClient, RetryConfig};
use wiremock::MockServer;

/// The text of `fixtures/kustomer/<name>`.
pub(crate) fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/kustomer").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A client for `server` authenticating with `key`, retrying within milliseconds.
pub(crate) fn client(server: &MockServer, key: &str) -> KustomerClient {
    client_with(server, key, |b| b)
}

/// [`client`], its builder changed by `f` first.
pub(crate) fn client_with(
    server: &MockServer,
    key: &str,
    f: impl FnOnce(unidesk_kustomer::KustomerBuilder) -> unidesk_kustomer::KustomerBuilder,
) -> KustomerClient {
    f(KustomerClient::builder())
        .base_url(server.uri())
        .api_key(key)
        .retry(RetryConfig {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_rate_limit_wait: Duration::from_millis(500),
            ..RetryConfig::default()
        })
        .build()
        .expect("client")
}

/// Every request `server` received since `from`, as `{method, path, query, body}` (no
/// headers: the key is checked, never recorded), each checked to carry `Bearer <key>`.
pub(crate) async fn requests_since(server: &MockServer, from: &mut usize, key: &str) -> Vec<serde_json::Value> {
    let all = server.received_requests().await.unwrap_or_default();
    let expected = format!("Bearer {key}");
    let new = all[*from..]
        .iter()
        .map(|r| {
            let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok());
            assert_eq!(auth, Some(expected.as_str()), "every request is authenticated");
            let query: std::collections::BTreeMap<String, String> = r.url.query_pairs().into_owned().collect();
            let body = if r.body.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::from_slice(&r.body).expect("unidesk sends JSON bodies")
            };
            serde_json::json!({ "method": r.method.as_str(), "path": r.url.path(), "query": query, "body": body })
        })
        .collect();
    *from = all.len();
    new
}

/// Answers `verb path` with `status` and `body` (JSON text).
pub(crate) async fn mount(server: &MockServer, verb: &str, p: &str, status: u16, body: serde_json::Value) {
    let template = if body.is_null() {
        wiremock::ResponseTemplate::new(status)
    } else {
        wiremock::ResponseTemplate::new(status).set_body_string(body.to_string())
    };
    wiremock::Mock::given(wiremock::matchers::method(verb))
        .and(wiremock::matchers::path(p))
        .respond_with(template)
        .mount(server)
        .await;
}

/// A single-record body.
pub(crate) fn one(kind: &str, id: &str, attributes: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "data": { "type": kind, "id": id, "attributes": attributes } })
}

/// A list body whose `links.next` is `next`.
pub(crate) fn list(items: Vec<serde_json::Value>, next: Option<&str>) -> serde_json::Value {
    let data: Vec<_> = items.into_iter().map(|i| i["data"].clone()).collect();
    serde_json::json!({ "data": data, "links": { "next": next }, "meta": {} })
}
