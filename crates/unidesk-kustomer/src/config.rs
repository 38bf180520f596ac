//! Building a [`KustomerClient`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use unidesk_core::budget::RateBudget;
use unidesk_core::{Error, Result};

use crate::client::{Inner, KustomerClient, MAX_BODY_BYTES, MAX_REDIRECTS};
use crate::ratelimit::Pacer;
use crate::retry::RetryConfig;

/// Builder for [`KustomerClient`]. `Debug` never shows the API key.
#[derive(Clone)]
pub struct KustomerBuilder {
    org: Option<String>,
    base_url: Option<String>,
    api_key: Option<SecretString>,
    timeout: Duration,
    connect_timeout: Duration,
    page_size: u32,
    retry: RetryConfig,
    user_agent: String,
    pacing: bool,
    max_body_bytes: usize,
    max_download_bytes: u64,
    user_teams: bool,
    user_teams_ttl: Duration,
    budget: Option<(Arc<dyn RateBudget>, String)>,
}

impl fmt::Debug for KustomerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KustomerBuilder")
            .field("org", &self.org)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("timeout", &self.timeout)
            .field("page_size", &self.page_size)
            .field("retry", &self.retry)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_download_bytes", &self.max_download_bytes)
            .field("user_teams", &self.user_teams)
            .field("user_teams_ttl", &self.user_teams_ttl)
            .field("budget", &self.budget.as_ref().map(|(b, key)| (b, key)))
            .finish()
    }
}

impl Default for KustomerBuilder {
    fn default() -> Self {
        KustomerBuilder {
            org: None,
            base_url: None,
            api_key: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            page_size: 100,
            retry: RetryConfig::default(),
            user_agent: concat!("unidesk-kustomer/", env!("CARGO_PKG_VERSION")).to_owned(),
            pacing: true,
            max_body_bytes: MAX_BODY_BYTES,
            max_download_bytes: crate::resources::attachments::MAX_DOWNLOAD_BYTES,
            user_teams: true,
            user_teams_ttl: crate::team_index::DEFAULT_TTL,
            budget: None,
        }
    }
}

impl KustomerBuilder {
    /// A builder with defaults: 30 s timeout, 10 s connect timeout, page size 100, pacing on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Targets `https://{org}.api.kustomerapp.com`.
    pub fn org(mut self, org: impl Into<String>) -> Self {
        self.org = Some(org.into());
        self
    }

    /// Targets an explicit base URL (a regional host, the simulator, a mock server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The bearer API key. Held as a secret: never printed, logged or put in errors.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// Timeout for one request, headers and body.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Timeout for opening a connection.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Default page size when a query gives none (clamped to each endpoint's maximum).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.max(1);
        self
    }

    /// Retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Wait for the rate-limit reset when the server says no requests remain (default on).
    pub fn pacing(mut self, on: bool) -> Self {
        self.pacing = on;
        self
    }

    /// The largest response body accepted (default 32 MiB). A larger body is not read past
    /// the limit and fails the call at once with `Decode` (no retry: it would be as large again).
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// The largest attachment [`unidesk_core::Attachments::download`] streams (default 64 MiB).
    /// A larger one fails with [`unidesk_core::Error::TooLarge`]: at once when its size is
    /// known, else as the stream's last item once the limit is passed.
    pub fn max_download_bytes(mut self, n: u64) -> Self {
        self.max_download_bytes = n;
        self
    }

    /// Fill users' `team_ids` from the teams' `members` (default on). Kustomer's user record
    /// lists no teams, so user listings and gets also read `GET /v1/teams` (one request per 500
    /// teams; see [`Self::user_teams_ttl`]); a key that may not read teams then cannot list
    /// users. Off: `team_ids` stays empty and no team is read.
    pub fn user_teams(mut self, on: bool) -> Self {
        self.user_teams = on;
        self
    }

    /// How long the teams read for users' `team_ids` are reused (default 60 s). A user
    /// listing's first page always reads them afresh; its later pages and `users().get` reuse
    /// them while they are younger than this.
    pub fn user_teams_ttl(mut self, ttl: Duration) -> Self {
        self.user_teams_ttl = ttl;
        self
    }

    /// Takes every request (each attempt, retries included) from an external rate budget
    /// first, under `key` (the org, or the account's name), and reports the server's 429s and
    /// spent budgets to it ([`unidesk_core::budget`]): several clients — processes, machines —
    /// sharing one budget stay under the org's limit together. Without it (the default) the
    /// client paces itself alone on the `x-ratelimit-*` headers; with it, that pacing still
    /// applies on top.
    pub fn rate_budget(mut self, budget: Arc<dyn RateBudget>, key: impl Into<String>) -> Self {
        self.budget = Some((budget, key.into()));
        self
    }

    /// Builds the client. Fails with `InvalidInput` without a key or a target, or with a bad URL or org.
    pub fn build(self) -> Result<KustomerClient> {
        let api_key = self.api_key.ok_or_else(|| Error::invalid_input("an API key is required"))?;
        let base = match (self.base_url, self.org) {
            (Some(url), _) => url,
            (None, Some(org)) => {
                if org.is_empty() || !org.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return Err(Error::invalid_input("org must be letters, digits and dashes"));
                }
                format!("https://{org}.api.kustomerapp.com")
            }
            (None, None) => return Err(Error::invalid_input("either an org or a base URL is required")),
        };
        let base_url = url::Url::parse(&base).map_err(|e| Error::invalid_input(format!("base URL: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            return Err(Error::invalid_input("base URL must be http(s)://host"));
        }
        let http = |policy: reqwest::redirect::Policy| {
            reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(self.user_agent.clone())
                .pool_idle_timeout(Duration::from_secs(60))
                .redirect(policy)
                .build()
                .map_err(|e| {
                    let e = e.without_url();
                    Error::transport(format!("building HTTP client: {e}"), false).with_source(e)
                })
        };
        // Reads follow a few redirects (reqwest drops the Authorization header when one leaves
        // the host); past the limit, or to a non-HTTP target, the 3xx itself is the answer.
        let follow = reqwest::redirect::Policy::custom(|attempt| {
            let usable = matches!(attempt.url().scheme(), "http" | "https");
            if usable && attempt.previous().len() <= MAX_REDIRECTS { attempt.follow() } else { attempt.stop() }
        });
        let http_follow = http(follow)?;
        let http_no_redirect = http(reqwest::redirect::Policy::none())?;
        // Attachment content: no overall timeout (a large file takes a while), but a read that
        // stalls longer than the timeout fails; never a redirect, never the API key.
        let files = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.timeout)
            .user_agent(self.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                let e = e.without_url();
                Error::transport(format!("building HTTP client: {e}"), false).with_source(e)
            })?;
        let base_str = base_url.as_str().trim_end_matches('/').to_owned();
        Ok(KustomerClient {
            inner: Arc::new(Inner {
                http: http_follow,
                http_no_redirect,
                max_body_bytes: self.max_body_bytes,
                files,
                max_download_bytes: self.max_download_bytes,
                waits: std::sync::Mutex::new(Default::default()),
                base_url: base_str,
                api_key,
                page_size: self.page_size,
                pacer: Pacer::new(self.pacing, self.retry.max_rate_limit_wait),
                object_resets: std::sync::Mutex::new(std::collections::HashMap::new()),
                retry: self.retry,
                user_teams: self.user_teams,
                user_teams_ttl: self.user_teams_ttl,
                team_index: std::sync::Mutex::new(None),
                budget: self.budget,
            }),
        })
    }
}
