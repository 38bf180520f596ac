//! The HTTP core: one connection pool, auth, pacing, retries, error mapping, tracing.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;
use unidesk_core::budget::{RateBudget, ServerSignal};
use unidesk_core::{Error, Resource, Result};
use unidesk_http::AttemptError;

use crate::errors::{self, Secrets};
use crate::ratelimit::{self, ExportLimiter, Pacer, RateLimitSnapshot};
use crate::retry::{self, Attempt, Decision, Outcome, RetryConfig};

/// The largest response body accepted by default.
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A Zendesk Support API client implementing [`unidesk_core::Helpdesk`]. Cheap to clone (one
/// shared connection pool). Build it with [`ZendeskClient::builder`].
#[derive(Clone)]
pub struct ZendeskClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    /// The account root (`https://acme.zendesk.com`), no trailing slash.
    pub root: String,
    /// `{root}/api/v2`.
    pub api: String,
    /// The `Authorization` header value.
    pub auth: SecretString,
    pub secrets: Secrets,
    pub page_size: u32,
    pub pacer: Pacer,
    pub export: ExportLimiter,
    pub retry: RetryConfig,
    pub max_body_bytes: usize,
    /// For attachment content: follows a few redirects (to Zendesk's file host), no overall
    /// timeout (a large file takes a while) but a read timeout.
    pub files: reqwest::Client,
    /// The largest attachment a download streams.
    pub max_download_bytes: u64,
    /// Listing pages just read, for the next call that starts on one of them.
    pub pages: PageCache,
    /// An external budget every attempt is taken from, and its key (see
    /// [`crate::ZendeskConfig::rate_budget`]); `None`: in-process pacing only.
    pub budget: Option<(Arc<dyn RateBudget>, String)>,
}

/// How many listing pages [`PageCache`] keeps.
const PAGE_CACHE_ENTRIES: usize = 4;

/// How long [`PageCache`] keeps a page.
const PAGE_CACHE_TTL: Duration = Duration::from_secs(20);

/// The last few continuation pages read (request → body). A listing reads one record past the
/// page it returns (to know that more follow), so its next call starts inside a Zendesk page
/// it has just read: that page comes from here instead of a second request. Only requests that
/// carry a Zendesk cursor are served from it (a first page is always read afresh), for
/// [`PAGE_CACHE_TTL`] at most.
#[derive(Default)]
pub(crate) struct PageCache {
    entries: Mutex<VecDeque<CachedPage>>,
}

/// A cached page: its request, when it was read, its body.
type CachedPage = (String, Instant, Arc<Vec<u8>>);

impl PageCache {
    /// The cache key of `call`, when it is a continuation page (it carries a Zendesk cursor).
    fn key(call: &Call<'_>) -> Option<String> {
        call.query
            .iter()
            .any(|(k, _)| matches!(*k, "page[after]" | "cursor"))
            .then(|| format!("{} {:?}", call.path, call.query))
    }

    fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(_, at, _)| at.elapsed() < PAGE_CACHE_TTL);
        e.iter().find(|(k, _, _)| k == key).map(|(_, _, b)| b.clone())
    }

    fn put(&self, key: String, body: Arc<Vec<u8>>) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(k, _, _)| *k != key);
        e.push_back((key, Instant::now(), body));
        while e.len() > PAGE_CACHE_ENTRIES {
            e.pop_front();
        }
    }
}

impl fmt::Debug for ZendeskClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZendeskClient")
            .field("base_url", &self.inner.root)
            .field("auth", &"[REDACTED]")
            .field("page_size", &self.inner.page_size)
            .finish()
    }
}

/// One API call, described before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub method: Method,
    /// The path under `/api/v2`, ids already validated (`/tickets/12.json`).
    pub path: String,
    /// The path with placeholders, for tracing and messages (`/tickets/{id}.json`).
    pub template: &'static str,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub idempotent: bool,
    /// For a 404: which record was asked for.
    pub not_found: Option<(Resource, &'a str)>,
    /// Whether the call is an incremental export (its own per-minute limit).
    pub export: bool,
    /// An `Idempotency-Key` header: Zendesk answers a repeat with the first answer, so the
    /// call is safe to send again.
    pub idempotency_key: Option<String>,
    /// A raw body (an upload's bytes) and its content type, instead of JSON.
    pub raw_body: Option<(bytes::Bytes, String)>,
}

impl<'a> Call<'a> {
    pub(crate) fn get(path: impl Into<String>, template: &'static str) -> Self {
        Call {
            method: Method::GET,
            path: path.into(),
            template,
            query: Vec::new(),
            body: None,
            idempotent: true,
            not_found: None,
            export: false,
            idempotency_key: None,
            raw_body: None,
        }
    }

    /// A write; PUT and DELETE are idempotent (retried on transient failures), POST is not.
    pub(crate) fn write(method: Method, path: impl Into<String>, template: &'static str, body: Option<Value>) -> Self {
        let idempotent = matches!(method, Method::PUT | Method::DELETE);
        Call { method, body, idempotent, ..Call::get(path, template) }
    }

    pub(crate) fn query(mut self, k: &'static str, v: impl ToString) -> Self {
        self.query.push((k, v.to_string()));
        self
    }

    pub(crate) fn not_found(mut self, r: Resource, id: &'a str) -> Self {
        self.not_found = Some((r, id));
        self
    }

    pub(crate) fn export(mut self) -> Self {
        self.export = true;
        self
    }

    /// Sends a fresh random `Idempotency-Key`, which makes the call safe to retry.
    pub(crate) fn idempotent_create(mut self) -> Self {
        self.idempotency_key = Some(format!("unidesk-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)));
        self.idempotent = true;
        self
    }
}

/// A response: status, headers and the whole body (secrets already redacted).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl ZendeskClient {
    /// Starts a [`crate::ZendeskConfig`].
    pub fn builder() -> crate::ZendeskConfig {
        crate::ZendeskConfig::new()
    }

    /// The account root requests go to (`https://acme.zendesk.com`).
    pub fn base_url(&self) -> &str {
        &self.inner.root
    }

    /// The API root (`{base_url}/api/v2`).
    pub fn api_url(&self) -> &str {
        &self.inner.api
    }

    /// The rate-limit figures of the last response that carried them.
    pub fn rate_limit(&self) -> RateLimitSnapshot {
        self.inner.pacer.last()
    }

    pub(crate) fn default_page_size(&self) -> u32 {
        self.inner.page_size
    }

    /// The `Authorization` header value (a secret), for attachment content on the account's host.
    pub(crate) fn auth_value(&self) -> Result<HeaderValue> {
        self.auth_header().map_err(|e| match e {
            AttemptError::Permanent(e) | AttemptError::Retryable(_, e) => e,
        })
    }

    pub(crate) fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// A listing page's body and its decoding: a continuation page read moments ago comes from
    /// the page cache; a page read now is kept there once it decodes.
    pub(crate) async fn listing_page<T>(&self, call: &Call<'_>, decode: impl Fn(&[u8]) -> Result<T>) -> Result<T> {
        let key = PageCache::key(call);
        if let Some(body) = key.as_deref().and_then(|k| self.inner.pages.get(k)) {
            return decode(&body);
        }
        let body = self.send(call).await?.body;
        let out = decode(&body)?;
        if let Some(k) = key {
            self.inner.pages.put(k, Arc::new(body));
        }
        Ok(out)
    }

    /// Decodes `body` as `T`; a failure is `Decode` naming `context`.
    pub(crate) fn decode<T: DeserializeOwned>(&self, context: &str, body: &[u8]) -> Result<T> {
        serde_json::from_slice(body).map_err(|e| errors::decode(context, e, &self.inner.secrets))
    }

    /// Sends `call` with pacing and retries; a non-success final status becomes a typed error.
    pub(crate) async fn send(&self, call: &Call<'_>) -> Result<Reply> {
        let span = tracing::info_span!(
            "zendesk.request",
            method = %call.method,
            path = call.template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
        );
        let reply = self.retry_loop(call).instrument(span).await?;
        if reply.status < 300 {
            return Ok(reply);
        }
        if reply.status < 400 {
            return Err(Error::Upstream {
                status: reply.status,
                body: "redirect not followed: set the base URL to the account's own address".into(),
            });
        }
        let wait = if reply.status == 429 { ratelimit::wait_after_429(&reply.headers) } else { None };
        Err(errors::from_response(reply.status, &reply.body, call.not_found, wait, &self.inner.secrets))
    }

    /// Waits `d`, failing with `RateLimited` when it is longer than the client may wait.
    async fn pace(&self, d: Duration) -> Result<()> {
        if d.is_zero() {
            return Ok(());
        }
        if d > self.inner.retry.max_rate_limit_wait {
            return Err(Error::RateLimited { retry_after: Some(d) });
        }
        if d > Duration::from_secs(2) {
            tracing::info!(wait_ms = d.as_millis() as u64, "waiting for the rate-limit budget");
        }
        tokio::time::sleep(d).await;
        Ok(())
    }

    async fn retry_loop(&self, call: &Call<'_>) -> Result<Reply> {
        let start = Instant::now();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let span = tracing::Span::current();
            span.record("attempt", attempts);
            self.pace(self.inner.pacer.wait()).await?;
            if call.export {
                self.pace(self.inner.export.reserve()).await?;
            }
            if let Some((budget, key)) = &self.inner.budget {
                budget.acquire(key, 1).await?;
            }
            let sent = self.once(call).await;
            if let (Some((budget, key)), Ok(reply)) = (&self.inner.budget, &sent) {
                report_exhaustion(budget.as_ref(), key, reply).await;
            }
            let (outcome, failure) = match sent {
                Ok(r) if !matches!(r.status, 408 | 429 | 500..=599) => {
                    span.record("status", r.status);
                    return Ok(r);
                }
                Ok(r) => {
                    span.record("status", r.status);
                    (Outcome::Status(r.status), Ok(r))
                }
                Err(AttemptError::Retryable(o, e)) => (o, Err(e)),
                Err(AttemptError::Permanent(e)) => return Err(e),
            };
            let server_wait =
                failure.as_ref().ok().filter(|r| r.status == 429).and_then(|r| ratelimit::wait_after_429(&r.headers));
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
                Decision::Fail => return failure,
            }
        }
    }

    fn auth_header(&self) -> std::result::Result<HeaderValue, AttemptError> {
        let mut v = HeaderValue::from_str(self.inner.auth.expose_secret()).map_err(|_| {
            AttemptError::Permanent(Error::invalid_input("the credentials hold characters an HTTP header cannot carry"))
        })?;
        v.set_sensitive(true);
        Ok(v)
    }

    async fn once(&self, call: &Call<'_>) -> std::result::Result<Reply, AttemptError> {
        let url = format!("{}{}", self.inner.api, call.path);
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), url)
            .header(reqwest::header::AUTHORIZATION, self.auth_header()?)
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(key) = &call.idempotency_key {
            req = req.header("idempotency-key", key);
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        }
        if let Some((bytes, content_type)) = &call.raw_body {
            req = req.header(reqwest::header::CONTENT_TYPE, content_type.as_str()).body(bytes.clone());
        }
        let secrets = &self.inner.secrets;
        let describe = |chain: &str| secrets.safe(&format!("{} {}: {chain}", call.method, call.template));
        let transport = |e: reqwest::Error| unidesk_http::transport_failure(e, describe);
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        self.inner.pacer.observe(&headers);
        let body = unidesk_http::read_capped(&mut resp, self.inner.max_body_bytes, call.template, describe).await?;
        Ok(Reply { status, headers, body: secrets.redact_bytes(body) })
    }
}

/// Tells an external budget when Zendesk says the account's budget is spent: a 429 (its
/// `Retry-After`), or a response with `x-rate-limit-remaining: 0` (its reset, when given).
async fn report_exhaustion(budget: &dyn RateBudget, key: &str, reply: &Reply) {
    let retry_after = if reply.status == 429 {
        ratelimit::wait_after_429(&reply.headers)
    } else {
        let snapshot = ratelimit::snapshot(&reply.headers);
        if snapshot.remaining != Some(0) {
            return;
        }
        snapshot.reset_in
    };
    budget.observe(key, ServerSignal::Exhausted { retry_after }).await;
}
