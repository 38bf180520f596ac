//! The HTTP core: one connection pool, auth, pacing, retries, error mapping, tracing.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tracing::Instrument;
use unidesk_core::{Error, Resource, Result};

use crate::errors;
use crate::ratelimit::{self, Pacer, RateLimitSnapshot};
use crate::retry::{self, Attempt, Decision, Outcome, RetryConfig};

/// The largest response body accepted.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A Kustomer API client implementing [`unidesk_core::Helpdesk`]. Cheap to clone (shared pool).
#[derive(Clone)]
pub struct KustomerClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub base_url: String,
    pub api_key: SecretString,
    pub page_size: u32,
    pub pacer: Pacer,
    pub retry: RetryConfig,
    pub object_resets: Mutex<HashMap<String, Instant>>,
}

impl fmt::Debug for KustomerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KustomerClient")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"[REDACTED]")
            .field("page_size", &self.inner.page_size)
            .finish()
    }
}

/// One API call, described before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub method: Method,
    /// The path, ids already validated (e.g. `/v1/conversations/5c9…`).
    pub path: String,
    /// The path with placeholders, for tracing (`/v1/conversations/{id}`).
    pub template: &'static str,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub idempotent: bool,
    /// For a 404: which record was asked for.
    pub not_found: Option<(Resource, &'a str)>,
    /// For writes limited per record: the key the per-object budget applies to.
    pub object_key: Option<String>,
}

impl<'a> Call<'a> {
    pub fn get(path: String, template: &'static str) -> Self {
        Call {
            method: Method::GET,
            path,
            template,
            query: Vec::new(),
            body: None,
            idempotent: true,
            not_found: None,
            object_key: None,
        }
    }

    pub fn write(method: Method, path: String, template: &'static str, body: Option<Value>) -> Self {
        let idempotent = matches!(method, Method::PUT | Method::DELETE);
        Call { method, body, idempotent, ..Call::get(path, template) }
    }

    pub fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_owned(), v.to_string()));
        self
    }

    pub fn not_found(mut self, r: Resource, id: &'a str) -> Self {
        self.not_found = Some((r, id));
        self
    }

    pub fn object(mut self, key: String) -> Self {
        self.object_key = Some(key);
        self
    }
}

/// A response: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

enum Failure {
    Status(RawResponse),
    Transport(Outcome, Error),
}

impl KustomerClient {
    /// Starts a [`crate::KustomerBuilder`].
    pub fn builder() -> crate::KustomerBuilder {
        crate::KustomerBuilder::new()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The rate-limit figures of the last response that carried them.
    pub fn rate_limit(&self) -> RateLimitSnapshot {
        self.inner.pacer.last()
    }

    pub(crate) fn default_page_size(&self) -> u32 {
        self.inner.page_size
    }

    /// Sends `call` with pacing and retries; a non-success final status becomes a typed error.
    pub(crate) async fn send(&self, call: &Call<'_>) -> Result<RawResponse> {
        let resp = self.send_raw(call).await?;
        if resp.status < 300 {
            return Ok(resp);
        }
        let wait = if resp.status == 429 { ratelimit::wait_after_429(&resp.headers) } else { None };
        Err(errors::from_response(resp.status, &resp.body, call.not_found, wait))
    }

    /// Sends `call` with pacing and retries, returning the final response whatever its status.
    pub(crate) async fn send_raw(&self, call: &Call<'_>) -> Result<RawResponse> {
        let span = tracing::info_span!(
            "kustomer.request",
            method = %call.method,
            path = call.template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            wait_ms = tracing::field::Empty,
        );
        self.retry_loop(call).instrument(span).await
    }

    async fn retry_loop(&self, call: &Call<'_>) -> Result<RawResponse> {
        let start = Instant::now();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let span = tracing::Span::current();
            span.record("attempt", attempts);
            let mut waited = Duration::ZERO;
            if let Some(w) = self.inner.pacer.before_send() {
                waited += w;
                tokio::time::sleep(w).await;
            }
            if let Some(w) = self.object_wait(call) {
                waited += w;
                tokio::time::sleep(w).await;
            }
            if !waited.is_zero() {
                span.record("wait_ms", waited.as_millis() as u64);
            }
            let failure = match self.once(call).await {
                Ok(resp) if resp.status < 300 || !matches!(resp.status, 408 | 429 | 500..=599) => {
                    span.record("status", resp.status);
                    self.observe_object(call, &resp.headers);
                    return Ok(resp);
                }
                Ok(resp) => Failure::Status(resp),
                Err((outcome, e)) => Failure::Transport(outcome, e),
            };
            let (outcome, server_wait) = match &failure {
                Failure::Status(r) => {
                    span.record("status", r.status);
                    let wait = if r.status == 429 { ratelimit::wait_after_429(&r.headers) } else { None };
                    (Outcome::Status(r.status), wait)
                }
                Failure::Transport(o, _) => (*o, None),
            };
            let attempt = Attempt {
                idempotent: call.idempotent,
                outcome,
                attempts,
                elapsed: start.elapsed(),
                server_wait,
                jitter: fastrand::f64(),
            };
            match retry::decide(&attempt, &self.inner.retry) {
                Decision::Retry(d) => {
                    tracing::info!(attempt = attempts, delay_ms = d.as_millis() as u64, outcome = ?outcome, "retrying");
                    tokio::time::sleep(d).await;
                }
                Decision::Fail => {
                    return match failure {
                        Failure::Status(r) => Ok(r),
                        Failure::Transport(_, e) => Err(e),
                    };
                }
            }
        }
    }

    async fn once(&self, call: &Call<'_>) -> std::result::Result<RawResponse, (Outcome, Error)> {
        let url = format!("{}{}", self.inner.base_url, call.path);
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), url)
            .bearer_auth(self.inner.api_key.expose_secret())
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        }
        let transport = |e: reqwest::Error| {
            let outcome = if e.is_connect() {
                Outcome::Connect
            } else if e.is_timeout() {
                Outcome::Timeout
            } else {
                Outcome::Broken
            };
            let timeout = e.is_timeout();
            (
                outcome,
                Error::Transport {
                    message: format!("{} {}: {}", call.method, call.template, e.without_url()),
                    timeout,
                },
            )
        };
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        self.inner.pacer.observe(&headers);
        if resp.content_length().is_some_and(|n| n as usize > MAX_BODY_BYTES) {
            return Err((Outcome::Broken, Error::decode(call.template, "response body over 32 MiB")));
        }
        let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err((Outcome::Broken, Error::decode(call.template, "response body over 32 MiB")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse { status, headers, body })
    }

    fn object_wait(&self, call: &Call<'_>) -> Option<Duration> {
        let key = call.object_key.as_ref()?;
        let mut map = self.inner.object_resets.lock().unwrap_or_else(|p| p.into_inner());
        let reset = map.remove(key)?;
        let now = Instant::now();
        (reset > now).then(|| (reset - now).min(self.inner.retry.max_rate_limit_wait))
    }

    fn observe_object(&self, call: &Call<'_>, headers: &HeaderMap) {
        let Some(key) = &call.object_key else { return };
        let snap = ratelimit::object_snapshot(headers);
        if let (Some(0), Some(reset)) = (snap.remaining, snap.reset_in) {
            let mut map = self.inner.object_resets.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(key.clone(), Instant::now() + reset);
        }
    }
}

/// Percent-encodes a value for use inside one path segment (RFC 3986 unreserved kept).
pub(crate) fn encode_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
