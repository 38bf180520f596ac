//! The HTTP core: one connection pool, auth, retries, error mapping, tracing.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::OnceCell;
use tracing::Instrument;
use unidesk_core::{Error, Resource, Result};
use unidesk_http::AttemptError;

use crate::errors::{self, Secrets};
use crate::retry::{self, Attempt, Decision, Outcome, RetryConfig};
use crate::sql::TimeMode;

/// The largest response body accepted by default (see [`crate::RtBuilder::max_body_bytes`]).
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A Request Tracker 5 REST 2.0 client implementing [`unidesk_core::Helpdesk`]. Cheap to clone
/// (one shared connection pool). Build it with [`RtClient::builder`].
#[derive(Clone)]
pub struct RtClient {
    pub(crate) inner: Arc<Inner>,
}

/// The `Authorization` header value, kept secret.
pub(crate) enum Auth {
    /// `token …`
    Token(SecretString),
    /// `Basic …`
    Basic(SecretString),
}

impl Auth {
    fn header(&self) -> Result<HeaderValue> {
        let raw = match self {
            Auth::Token(s) | Auth::Basic(s) => s.expose_secret(),
        };
        let mut v = HeaderValue::from_str(raw)
            .map_err(|_| Error::invalid_input("the RT credentials hold characters an HTTP header cannot carry"))?;
        v.set_sensitive(true);
        Ok(v)
    }

    fn kind(&self) -> &'static str {
        match self {
            Auth::Token(_) => "token",
            Auth::Basic(_) => "basic",
        }
    }
}

/// Lookups that do not change while a client lives: asked once, kept.
#[derive(Default)]
pub(crate) struct Cache {
    /// The id of RT's `Privileged` system group.
    pub privileged_group: OnceCell<u64>,
    /// The id of the ticket custom field holding tags.
    pub tags_cf: OnceCell<u64>,
    /// How RT reads the dates this client writes in TicketSQL.
    pub time_mode: OnceCell<TimeMode>,
    /// The privileged users' ids, and when they were read (kept for [`PRIVILEGED_TTL`]).
    pub privileged: std::sync::Mutex<Option<(Instant, Arc<HashSet<u64>>)>>,
}

/// How long the set of privileged users is reused before it is read again.
pub(crate) const PRIVILEGED_TTL: Duration = Duration::from_secs(30);

pub(crate) struct Inner {
    pub http: reqwest::Client,
    /// RT's web root (no trailing slash).
    pub web: String,
    /// `{web}/REST/2.0`.
    pub rest: String,
    pub auth: Auth,
    pub secrets: Secrets,
    pub page_size: u32,
    pub retry: RetryConfig,
    pub max_body_bytes: usize,
    pub default_queue: String,
    pub tags_field: Option<String>,
    pub external_id_field: Option<String>,
    pub cache: Cache,
}

impl fmt::Debug for RtClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RtClient")
            .field("base_url", &self.inner.web)
            .field("auth", &format_args!("{} [REDACTED]", self.inner.auth.kind()))
            .field("page_size", &self.inner.page_size)
            .field("tags_field", &self.inner.tags_field)
            .field("external_id_field", &self.inner.external_id_field)
            .finish()
    }
}

/// One API call, described before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub method: Method,
    /// The path under `/REST/2.0`, ids already validated (`/ticket/12`).
    pub path: String,
    /// The path with placeholders, for tracing and messages (`/ticket/{id}`).
    pub template: &'static str,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub idempotent: bool,
    /// For a 404: which record was asked for.
    pub not_found: Option<(Resource, &'a str)>,
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
        }
    }

    pub(crate) fn write(method: Method, path: impl Into<String>, template: &'static str, body: Option<Value>) -> Self {
        let idempotent = matches!(method, Method::PUT | Method::DELETE);
        Call { method, body, idempotent, ..Call::get(path, template) }
    }

    pub(crate) fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_owned(), v.to_string()));
        self
    }

    pub(crate) fn not_found(mut self, r: Resource, id: &'a str) -> Self {
        self.not_found = Some((r, id));
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

impl RtClient {
    /// Starts a [`crate::RtBuilder`].
    pub fn builder() -> crate::RtBuilder {
        crate::RtBuilder::new()
    }

    /// RT's web root, as given (without a trailing slash).
    pub fn web_url(&self) -> &str {
        &self.inner.web
    }

    /// The REST 2.0 root requests go to (`{web root}/REST/2.0`).
    pub fn rest_url(&self) -> &str {
        &self.inner.rest
    }

    pub(crate) fn default_page_size(&self) -> u32 {
        self.inner.page_size
    }

    pub(crate) fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// Sends `call` with retries and decodes a success body as `T`.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T> {
        let reply = self.send(call).await?;
        self.decode(call.template, &reply.body)
    }

    /// Decodes `body` as `T`; a failure is `Decode` naming `context`.
    pub(crate) fn decode<T: DeserializeOwned>(&self, context: &str, body: &[u8]) -> Result<T> {
        serde_json::from_slice(body).map_err(|e| errors::decode(context, e, &self.inner.secrets))
    }

    /// Sends `call` with retries; a non-success final status becomes a typed error.
    pub(crate) async fn send(&self, call: &Call<'_>) -> Result<Reply> {
        let span = tracing::info_span!(
            "rt.request",
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
                body: "RT answered with a redirect, which is not followed: set the base URL to the address RT \
                       itself uses (its $WebBaseURL)"
                    .into(),
            });
        }
        let wait = retry_after(&reply.headers);
        Err(errors::from_response(reply.status, &reply.body, call.not_found, wait, &self.inner.secrets))
    }

    async fn retry_loop(&self, call: &Call<'_>) -> Result<Reply> {
        let start = Instant::now();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let span = tracing::Span::current();
            span.record("attempt", attempts);
            let (outcome, failure) = match self.once(call).await {
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
            let retry_after = failure.as_ref().ok().and_then(|r| retry_after(&r.headers));
            let attempt = Attempt {
                idempotent: call.idempotent,
                outcome,
                attempts,
                elapsed: start.elapsed(),
                server_wait: retry_after,
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

    async fn once(&self, call: &Call<'_>) -> std::result::Result<Reply, AttemptError> {
        let url = format!("{}{}", self.inner.rest, call.path);
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), url)
            .header(reqwest::header::AUTHORIZATION, self.inner.auth.header().map_err(AttemptError::Permanent)?)
            .header(reqwest::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(body) = &call.body {
            // RT answers 415 to a POST or PUT without this exact content type.
            req = req.json(body);
        }
        let secrets = &self.inner.secrets;
        let describe = |chain: &str| secrets.safe(&format!("{} {}: {chain}", call.method, call.template));
        let transport = |e: reqwest::Error| unidesk_http::transport_failure(e, describe);
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = unidesk_http::read_capped(&mut resp, self.inner.max_body_bytes, call.template, describe).await?;
        Ok(Reply { status, headers, body: secrets.redact_bytes(body) })
    }
}

/// `Retry-After` in seconds (an HTTP date is ignored: the backoff applies).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<u64>().ok().map(|s| Duration::from_secs(s.min(24 * 3600)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("zoë+x@example.com"), "zo%C3%AB%2Bx%40example.com");
        assert_eq!(encode_segment("../a/b"), "..%2Fa%2Fb");
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h), None);
    }
}
