//! Building a [`ZendeskClient`]: where the account is, how to authenticate, and the limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use unidesk_core::budget::RateBudget;
use unidesk_core::{Error, Result};

use crate::client::{Inner, MAX_BODY_BYTES, ZendeskClient};
use crate::errors::Secrets;
use crate::ratelimit::{ExportLimiter, Pacer};
use crate::retry::RetryConfig;

/// The largest page Zendesk's cursor-paginated lists serve.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The largest attachment a download streams by default.
pub(crate) const MAX_DOWNLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// An API token: HTTP Basic with the user name `{email}/token` and the token as password.
    ApiToken {
        /// The agent's email address.
        email: String,
        /// The API token.
        token: SecretString,
    },
    /// An OAuth access token, sent as `Authorization: Bearer …`.
    Bearer(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiToken { email, .. } => {
                f.debug_struct("ApiToken").field("email", email).field("token", &"[REDACTED]").finish()
            }
            Credentials::Bearer(_) => f.write_str("Bearer([REDACTED])"),
        }
    }
}

impl Credentials {
    /// The `Authorization` header value (a secret).
    pub(crate) fn header(&self) -> SecretString {
        match self {
            Credentials::ApiToken { email, token } => {
                let raw = format!("{email}/token:{}", token.expose_secret());
                SecretString::from(format!("Basic {}", STANDARD.encode(raw)))
            }
            Credentials::Bearer(t) => SecretString::from(format!("Bearer {}", t.expose_secret())),
        }
    }

    /// Every secret text these credentials put on the wire (redacted wherever a server echoes it).
    fn secrets(&self) -> Vec<String> {
        let header = self.header().expose_secret().to_owned();
        let encoded = header.split_once(' ').map(|(_, v)| v.to_owned()).unwrap_or_default();
        match self {
            Credentials::ApiToken { token, .. } => vec![token.expose_secret().to_owned(), encoded],
            Credentials::Bearer(t) => vec![t.expose_secret().to_owned()],
        }
    }
}

/// The configuration of a [`ZendeskClient`] (a builder). `Debug` never shows a secret.
///
/// The account is either a subdomain (`acme` → `https://acme.zendesk.com`) or a base URL: the
/// account's root (`https://acme.zendesk.com`, or a simulator's `base_url`). The API lives
/// under `/api/v2` of that root.
#[derive(Clone, Debug)]
pub struct ZendeskConfig {
    subdomain: Option<String>,
    base_url: Option<String>,
    credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    page_size: u32,
    retry: RetryConfig,
    user_agent: String,
    pacing: bool,
    export_per_minute: Option<u32>,
    max_body_bytes: usize,
    max_download_bytes: u64,
    budget: Option<(Arc<dyn RateBudget>, String)>,
}

impl Default for ZendeskConfig {
    fn default() -> Self {
        ZendeskConfig {
            subdomain: None,
            base_url: None,
            credentials: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            page_size: MAX_PAGE_SIZE,
            retry: RetryConfig::default(),
            user_agent: concat!("unidesk-zendesk/", env!("CARGO_PKG_VERSION")).to_owned(),
            pacing: true,
            export_per_minute: Some(crate::ratelimit::EXPORT_PER_MINUTE),
            max_body_bytes: MAX_BODY_BYTES,
            max_download_bytes: MAX_DOWNLOAD_BYTES,
            budget: None,
        }
    }
}

impl ZendeskConfig {
    /// Defaults: 30 s timeout, page size 100, pacing on, incremental exports at most 10 a minute.
    pub fn new() -> Self {
        Self::default()
    }

    /// Targets `https://{subdomain}.zendesk.com`.
    pub fn subdomain(mut self, subdomain: impl Into<String>) -> Self {
        self.subdomain = Some(subdomain.into());
        self
    }

    /// Targets an account root (`https://acme.zendesk.com`, a simulator, a mock server); the
    /// API is under `{base_url}/api/v2`. Wins over [`Self::subdomain`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// API-token authentication: Basic `{email}/token:{token}`.
    pub fn api_token(mut self, email: impl Into<String>, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiToken { email: email.into(), token: SecretString::from(token.into()) });
        self
    }

    /// OAuth authentication: `Authorization: Bearer {token}`.
    pub fn oauth_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Bearer(SecretString::from(token.into())));
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

    /// Default page size when a query gives none (at most 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Retry settings (the shared rules of [`unidesk_core::retry`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Wait for the reset when a response says no requests remain in the budget (default on).
    pub fn pacing(mut self, on: bool) -> Self {
        self.pacing = on;
        self
    }

    /// The most incremental-export requests sent in any 60 seconds (Zendesk allows 10; 30 with
    /// the High Volume add-on). `None` sends them unpaced (a simulator without that limit); a
    /// 429 is still honoured.
    pub fn export_requests_per_minute(mut self, n: Option<u32>) -> Self {
        self.export_per_minute = n.map(|n| n.max(1));
        self
    }

    /// The largest response body accepted (default 32 MiB); a larger one fails with `Decode`.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// The largest attachment [`unidesk_core::Attachments::download`] streams (default
    /// 64 MiB); a larger one fails with [`unidesk_core::Error::TooLarge`].
    pub fn max_download_bytes(mut self, n: u64) -> Self {
        self.max_download_bytes = n;
        self
    }

    /// Takes every request (each attempt, retries included) from an external rate budget
    /// under `key` (usually the account), and reports to it when Zendesk says the budget is
    /// spent (a 429, or `x-rate-limit-remaining: 0`) ([`unidesk_core::budget`]): several
    /// clients — processes, machines — sharing one budget stay under the account's limit
    /// together. Without it (the default) the client paces itself alone (the remaining-budget
    /// headers and `Retry-After`), which is enough for one client per account.
    pub fn rate_budget(mut self, budget: Arc<dyn RateBudget>, key: impl Into<String>) -> Self {
        self.budget = Some((budget, key.into()));
        self
    }

    /// Builds the client. `InvalidInput` without credentials or a target, or with a bad URL,
    /// subdomain or email.
    pub fn build(self) -> Result<ZendeskClient> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::invalid_input("an API token (with an email) or OAuth token is required"))?;
        if let Credentials::ApiToken { email, token } = &credentials {
            if email.trim().is_empty() || email.contains(':') {
                return Err(Error::invalid_input("an API token needs the agent's email (without ':')"));
            }
            if token.expose_secret().is_empty() {
                return Err(Error::invalid_input("the API token is empty"));
            }
        }
        let root = match (self.base_url, self.subdomain) {
            (Some(url), _) => url,
            (None, Some(sub)) => {
                if sub.is_empty() || !sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return Err(Error::invalid_input("subdomain must be letters, digits and dashes"));
                }
                format!("https://{sub}.zendesk.com")
            }
            (None, None) => return Err(Error::invalid_input("either a subdomain or a base URL is required")),
        };
        let parsed = url::Url::parse(&root).map_err(|e| Error::invalid_input(format!("base URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::invalid_input("base URL must be http(s)://host"));
        }
        let root = parsed.as_str().trim_end_matches('/').to_owned();
        // Given the API root itself (`…/api/v2`), keep the account root.
        let root = root.strip_suffix("/api/v2").map(str::to_owned).unwrap_or(root);
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .pool_idle_timeout(Duration::from_secs(60))
            // Never follow a redirect: it would carry the credentials elsewhere or re-send a write.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(building)?;
        // Attachment content: Zendesk redirects to its file host; reqwest drops the
        // Authorization header when a redirect leaves the host.
        let files = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.timeout)
            .user_agent(self.user_agent)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(building)?;
        let secrets = Secrets::new(credentials.secrets());
        Ok(ZendeskClient {
            inner: Arc::new(Inner {
                http,
                api: format!("{root}/api/v2"),
                root,
                auth: credentials.header(),
                secrets,
                page_size: self.page_size,
                pacer: Pacer::new(self.pacing),
                export: ExportLimiter::new(self.export_per_minute),
                retry: self.retry,
                max_body_bytes: self.max_body_bytes,
                files,
                max_download_bytes: self.max_download_bytes,
                pages: Default::default(),
                budget: self.budget,
            }),
        })
    }
}

/// A failure to build an HTTP client, as a transport error.
fn building(e: reqwest::Error) -> Error {
    let e = e.without_url();
    Error::transport(format!("building HTTP client: {e}"), false).with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_email_slash_token() {
        let c = Credentials::ApiToken { email: "a@b.c".into(), token: SecretString::from("tok".to_owned()) };
        let h = c.header();
        assert_eq!(h.expose_secret(), format!("Basic {}", STANDARD.encode("a@b.c/token:tok")));
        assert!(!format!("{c:?}").contains("tok\""), "{c:?}");
        let b = Credentials::Bearer(SecretString::from("xyz".to_owned()));
        assert_eq!(b.header().expose_secret(), "Bearer xyz");
        assert_eq!(format!("{b:?}"), "Bearer([REDACTED])");
    }

    #[test]
    fn targets_are_checked() {
        let cfg = || ZendeskConfig::new().api_token("a@b.c", "secret-token");
        assert_eq!(
            cfg().subdomain("acme").build().map(|c| c.api_url().to_owned()).ok().as_deref(),
            Some("https://acme.zendesk.com/api/v2")
        );
        assert_eq!(
            cfg().base_url("http://127.0.0.1:9/api/v2/").build().map(|c| c.api_url().to_owned()).ok().as_deref(),
            Some("http://127.0.0.1:9/api/v2")
        );
        assert!(matches!(cfg().subdomain("a/b").build(), Err(Error::InvalidInput { .. })));
        assert!(matches!(cfg().build(), Err(Error::InvalidInput { .. })));
        assert!(matches!(cfg().base_url("ftp://x").build(), Err(Error::InvalidInput { .. })));
        assert!(matches!(ZendeskConfig::new().subdomain("a").build(), Err(Error::InvalidInput { .. })));
        assert!(matches!(
            ZendeskConfig::new().api_token("", "t").subdomain("a").build(),
            Err(Error::InvalidInput { .. })
        ));
        let shown = format!("{:?}", cfg().subdomain("acme"));
        assert!(!shown.contains("secret-token"), "{shown}");
    }
}
