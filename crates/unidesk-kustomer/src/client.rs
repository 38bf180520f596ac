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
use unidesk_core::budget::{RateBudget, ServerSignal};
use unidesk_core::{Error, Id, Resource, Result};
use unidesk_http::AttemptError;

use crate::errors;
use crate::paths::PathTemplate;
use crate::ratelimit::{self, Pace, Pacer, RateLimitSnapshot, Wait, WaitReason, Waits};
use crate::retry::{self, Attempt, Decision, Outcome, RetryConfig};

/// The largest response body accepted by default (see [`crate::KustomerBuilder::max_body_bytes`]).
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// How many redirects a GET or HEAD follows before the 3xx is reported as an error.
/// Other methods never follow a redirect.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// Waits longer than this are logged at `info`.
const LOGGED_WAIT: Duration = Duration::from_secs(2);

/// A Kustomer API client implementing [`unidesk_core::Helpdesk`]. Cheap to clone (shared pool).
#[derive(Clone)]
pub struct KustomerClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// For GET and HEAD: follows up to [`MAX_REDIRECTS`] redirects.
    pub http: reqwest::Client,
    /// For every other method: never follows a redirect.
    pub http_no_redirect: reqwest::Client,
    pub max_body_bytes: usize,
    /// For attachment content (presigned S3 URLs): no API key, no redirect, no overall timeout.
    pub files: reqwest::Client,
    /// The largest attachment a download streams.
    pub max_download_bytes: u64,
    pub waits: Mutex<Waits>,
    pub base_url: String,
    pub api_key: SecretString,
    pub page_size: u32,
    pub pacer: Pacer,
    pub retry: RetryConfig,
    pub object_resets: Mutex<HashMap<String, Instant>>,
    /// Whether users get their `team_ids` (from the teams listing).
    pub user_teams: bool,
    /// How long a team inversion is reused.
    pub user_teams_ttl: Duration,
    /// The last team inversion built.
    pub team_index: Mutex<Option<Arc<crate::team_index::TeamIndex>>>,
    /// An external budget every attempt is taken from, and its key (see
    /// [`crate::KustomerBuilder::rate_budget`]); `None`: in-process pacing only.
    pub budget: Option<(Arc<dyn RateBudget>, String)>,
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
    /// A GET of `path`, traced as `template`.
    pub(crate) fn get(path: String, template: &'static str) -> Self {
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

    /// A GET of `at`, its placeholders filled with `ids`.
    pub(crate) fn get_at(at: &PathTemplate, ids: &[&Id]) -> Self {
        Call::get(at.fill(ids), at.template())
    }

    /// A `method` request of `path` with `body`, traced as `template`; PUT and DELETE are
    /// idempotent (retried on transient failures), others until said otherwise.
    pub(crate) fn write(method: Method, path: String, template: &'static str, body: Option<Value>) -> Self {
        let idempotent = matches!(method, Method::PUT | Method::DELETE);
        Call { method, body, idempotent, ..Call::get(path, template) }
    }

    /// A `method` request of `at`, its placeholders filled with `ids`, with `body`.
    pub(crate) fn write_at(method: Method, at: &PathTemplate, ids: &[&Id], body: Option<Value>) -> Self {
        Call::write(method, at.fill(ids), at.template(), body)
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_owned(), v.to_string()));
        self
    }

    /// Names the record a 404 means is missing.
    pub(crate) fn not_found(mut self, r: Resource, id: &'a str) -> Self {
        self.not_found = Some((r, id));
        self
    }

    /// Puts the call under the per-record rate limit of `key`.
    pub(crate) fn object(mut self, key: String) -> Self {
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

    /// The wait this client is in right now, if any: the one that ends last when several
    /// requests wait at once. Poll it (e.g. from a progress-bar tick) to show why nothing moves:
    /// `waiting 42s (pacing)`. Every wait is at most [`RetryConfig::max_rate_limit_wait`] for
    /// rate limits and [`RetryConfig::max_delay`] for backoff; a longer one is never entered
    /// (the call fails with `RateLimited` instead).
    pub fn waiting(&self) -> Option<Wait> {
        Waits::current(&self.inner.waits)
    }

    pub(crate) fn key(&self) -> &str {
        self.inner.api_key.expose_secret()
    }

    /// Sleeps `d`, visible through [`Self::waiting`] meanwhile, logging waits over two seconds.
    async fn wait(&self, d: Duration, reason: WaitReason) {
        if d.is_zero() {
            return;
        }
        if d > LOGGED_WAIT {
            tracing::info!(wait_ms = d.as_millis() as u64, reason = reason.as_str(), "waiting before sending");
        }
        let _guard = Waits::enter(&self.inner.waits, Instant::now() + d, reason);
        tokio::time::sleep(d).await;
    }

    /// The error for a wait longer than allowed: not slept on, reported with the reset.
    fn too_long(&self, d: Duration, reason: WaitReason) -> Error {
        self.log_too_long(d, reason);
        Error::RateLimited { retry_after: Some(d) }
    }

    fn log_too_long(&self, d: Duration, reason: WaitReason) {
        tracing::info!(
            wait_ms = d.as_millis() as u64,
            max_ms = self.inner.retry.max_rate_limit_wait.as_millis() as u64,
            reason = reason.as_str(),
            "rate-limit budget resets later than max_rate_limit_wait: failing instead of waiting"
        );
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
        if resp.status < 400 {
            // The body of a 3xx may name its target (a presigned URL): it is not kept.
            let why = if follows_redirects(&call.method) {
                format!("redirect not followed (more than {MAX_REDIRECTS} redirects, or no usable target)")
            } else {
                format!("redirect not followed: a {} is never redirected", call.method)
            };
            return Err(Error::Upstream { status: resp.status, body: why });
        }
        let wait = if resp.status == 429 { ratelimit::wait_after_429(&resp.headers) } else { None };
        Err(errors::from_response(resp.status, &resp.body, call.not_found, wait, self.key()))
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
            match self.inner.pacer.before_send() {
                Pace::Go => {}
                Pace::Wait(w) => {
                    waited += w;
                    self.wait(w, WaitReason::Pacing).await;
                }
                Pace::TooLong(w) => return Err(self.too_long(w, WaitReason::Pacing)),
            }
            if let Some(w) = self.object_wait(call)? {
                waited += w;
                self.wait(w, WaitReason::PerObject).await;
            }
            if !waited.is_zero() {
                span.record("wait_ms", waited.as_millis() as u64);
            }
            if let Some((budget, key)) = &self.inner.budget {
                budget.acquire(key, 1).await?;
            }
            let sent = self.once(call).await;
            if let (Some((budget, key)), Ok(resp)) = (&self.inner.budget, &sent) {
                report_exhaustion(budget.as_ref(), key, resp).await;
            }
            let failure = match sent {
                Ok(resp) if resp.status < 300 || !matches!(resp.status, 408 | 429 | 500..=599) => {
                    span.record("status", resp.status);
                    self.observe_object(call, &resp.headers);
                    return Ok(resp);
                }
                Ok(resp) => Failure::Status(resp),
                Err(AttemptError::Retryable(outcome, e)) => Failure::Transport(outcome, e),
                Err(AttemptError::Permanent(e)) => return Err(e),
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
                    let reason =
                        if outcome == Outcome::Status(429) { WaitReason::RateLimited } else { WaitReason::Backoff };
                    self.wait(d, reason).await;
                }
                Decision::Fail => {
                    if let Some(w) = server_wait.filter(|w| *w > self.inner.retry.max_rate_limit_wait) {
                        // `send` reports the 429 as RateLimited naming the reset.
                        self.log_too_long(w, WaitReason::RateLimited);
                    }
                    return match failure {
                        Failure::Status(r) => Ok(r),
                        Failure::Transport(_, e) => Err(e),
                    };
                }
            }
        }
    }

    async fn once(&self, call: &Call<'_>) -> std::result::Result<RawResponse, AttemptError> {
        let url = format!("{}{}", self.inner.base_url, call.path);
        let http = if follows_redirects(&call.method) { &self.inner.http } else { &self.inner.http_no_redirect };
        let mut req = http
            .request(call.method.clone(), url)
            .bearer_auth(self.key())
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        }
        let describe = |chain: &str| errors::safe(&format!("{} {}: {chain}", call.method, call.template), self.key());
        let transport = |e: reqwest::Error| unidesk_http::transport_failure(e, describe);
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        self.inner.pacer.observe(&headers);
        let body = unidesk_http::read_capped(&mut resp, self.inner.max_body_bytes, call.template, describe).await?;
        let body = errors::redact_bytes(body, self.key());
        Ok(RawResponse { status, headers, body })
    }

    /// The wait the per-record budget of `call` asks for; too long a wait is `RateLimited` now
    /// (and stays so for that record until its reset).
    fn object_wait(&self, call: &Call<'_>) -> Result<Option<Duration>> {
        let Some(key) = call.object_key.as_ref() else { return Ok(None) };
        let mut map = self.inner.object_resets.lock().unwrap_or_else(|p| p.into_inner());
        let Some(&reset) = map.get(key) else { return Ok(None) };
        let now = Instant::now();
        if reset <= now {
            map.remove(key);
            return Ok(None);
        }
        let wait = reset - now;
        if wait > self.inner.retry.max_rate_limit_wait {
            drop(map);
            return Err(self.too_long(wait, WaitReason::PerObject));
        }
        map.remove(key);
        Ok(Some(wait))
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

/// Tells an external budget when the server says its budget is spent: a 429, or a response
/// reporting no request remaining (so the other clients sharing it hold off too).
async fn report_exhaustion(budget: &dyn RateBudget, key: &str, resp: &RawResponse) {
    let retry_after = if resp.status == 429 {
        ratelimit::wait_after_429(&resp.headers)
    } else {
        let snap = ratelimit::snapshot(&resp.headers);
        if snap.remaining != Some(0) {
            return;
        }
        snap.reset_in
    };
    budget.observe(key, ServerSignal::Exhausted { retry_after }).await;
}

/// Whether requests with `method` follow redirects: only GET and HEAD, which are safe to
/// repeat at another address. A write that gets a 3xx is reported, never re-sent.
fn follows_redirects(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}
