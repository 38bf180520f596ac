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
