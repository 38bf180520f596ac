//! Building an [`RtClient`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use unidesk_core::{Error, Result};

use crate::client::{Auth, Inner, MAX_BODY_BYTES, RtClient};
use crate::errors::Secrets;
use crate::retry::RetryConfig;

/// The largest page RT serves is 100; one more record than asked is requested to learn whether
/// more follow, so a page holds at most 99.
pub const MAX_PAGE_SIZE: u32 = 99;

/// Builder for [`RtClient`]. `Debug` never shows the token or the password.
#[derive(Clone)]
pub struct RtBuilder {
    base_url: Option<String>,
    token: Option<SecretString>,
    user: Option<String>,
    password: Option<SecretString>,
    timeout: Duration,
    connect_timeout: Duration,
    page_size: u32,
    retry: RetryConfig,
    user_agent: String,
    max_body_bytes: usize,
    default_queue: String,
    tags_field: Option<String>,
    external_id_field: Option<String>,
}

impl fmt::Debug for RtBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RtBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("timeout", &self.timeout)
            .field("page_size", &self.page_size)
            .field("retry", &self.retry)
            .field("default_queue", &self.default_queue)
            .field("tags_field", &self.tags_field)
            .field("external_id_field", &self.external_id_field)
            .finish()
    }
}

impl Default for RtBuilder {
    fn default() -> Self {
        RtBuilder {
            base_url: None,
            token: None,
            user: None,
            password: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            page_size: MAX_PAGE_SIZE,
            retry: crate::retry::rt_defaults(),
            user_agent: concat!("unidesk-rt/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_body_bytes: MAX_BODY_BYTES,
            default_queue: "General".to_owned(),
            tags_field: None,
            external_id_field: None,
        }
    }
}

impl RtBuilder {
    /// A builder with defaults: 60 s timeout, 10 s connect timeout, page size 99, new tickets in
    /// the `General` queue, no tags field, no external-id field.
    pub fn new() -> Self {
        Self::default()
    }

    /// RT's web root, as users open it in a browser (`https://rt.example.com` or
    /// `https://example.com/rt`). REST 2.0 is reached under `/REST/2.0`; a URL already ending
    /// in `/REST/2.0` is accepted too.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticates with an RT auth token (`Authorization: token …`), replacing a user and
    /// password given before. Held as a secret: never printed, logged or put in errors.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self.user = None;
        self.password = None;
        self
    }

    /// Authenticates with a user name and password (HTTP Basic), replacing a token given
    /// before. The password is held as a secret.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self.password = Some(SecretString::from(password.into()));
        self.token = None;
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

    /// Page size when a query gives none (at most [`MAX_PAGE_SIZE`]).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, MAX_PAGE_SIZE);
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

    /// The largest response body accepted (default 32 MiB); a larger one fails the call with `Decode`.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// The queue (name or id) new tickets go to when they name no team (default `General`).
    pub fn default_queue(mut self, queue: impl Into<String>) -> Self {
        self.default_queue = queue.into();
        self
    }

    /// The ticket custom field that holds tags (RT has no tags of its own), for example a
    /// "Tags" field of type Select with multiple values. Its values are the tags; a ticket's
    /// values of it are its `tag_ids`. Without one, tags list empty and tickets cannot be tagged.
    pub fn tags_field(mut self, name: impl Into<String>) -> Self {
        self.tags_field = Some(name.into());
        self
    }

    /// The user custom field that holds a contact's `external_id` (RT users have none of their
    /// own). Without one, `external_id` is always `null` and cannot be written or looked up.
    pub fn external_id_field(mut self, name: impl Into<String>) -> Self {
        self.external_id_field = Some(name.into());
        self
    }

    /// Builds the client. `InvalidInput` without a base URL or credentials, or with a bad URL.
    pub fn build(self) -> Result<RtClient> {
        let raw = self.base_url.ok_or_else(|| Error::invalid_input("RT's base URL is required"))?;
        let url = url::Url::parse(raw.trim()).map_err(|e| Error::invalid_input(format!("base URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::invalid_input("base URL must be http(s)://host[/path]"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid_input("base URL must not have a query or fragment"));
        }
        let mut web = url.as_str().trim_end_matches('/').to_owned();
        if let Some(stripped) = web.strip_suffix("/REST/2.0") {
            web = stripped.to_owned();
        }
        let (auth, secrets) = match (self.token, self.user, self.password) {
            (Some(token), _, _) => {
                let t = token.expose_secret().trim().to_owned();
                if t.is_empty() {
                    return Err(Error::invalid_input("the RT token is empty"));
                }
                (Auth::Token(SecretString::from(format!("token {t}"))), Secrets::new(vec![t]))
            }
            (None, Some(user), Some(password)) => {
                if user.is_empty() || user.contains(':') {
                    return Err(Error::invalid_input("the RT user name must be non-empty and hold no ':'"));
                }
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{user}:{}", password.expose_secret()).as_bytes());
                let secrets = Secrets::new(vec![password.expose_secret().to_owned(), encoded.clone()]);
                (Auth::Basic(SecretString::from(format!("Basic {encoded}"))), secrets)
            }
            _ => return Err(Error::invalid_input("give an RT token, or a user and a password")),
        };
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .pool_idle_timeout(Duration::from_secs(30))
            // A redirect would move the credentials elsewhere or turn a write into a GET: the
            // 3xx itself is reported, with a hint to fix the base URL.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                let e = e.without_url();
                Error::transport(format!("building HTTP client: {e}"), false).with_source(e)
            })?;
        Ok(RtClient {
            inner: Arc::new(Inner {
                http,
                rest: format!("{web}/REST/2.0"),
                web,
                auth,
                secrets,
                page_size: self.page_size,
                retry: self.retry,
                max_body_bytes: self.max_body_bytes,
                default_queue: self.default_queue,
                tags_field: self.tags_field.filter(|f| !f.trim().is_empty()),
                external_id_field: self.external_id_field.filter(|f| !f.trim().is_empty()),
                cache: Default::default(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_credentials() {
        let b = RtBuilder::new().base_url("http://rt.test").token("1-14-abcdef123456").basic_auth("root", "hunter22");
        let text = format!("{b:?}");
        assert!(!text.contains("abcdef123456") && !text.contains("hunter22"), "{text}");
        let c = b.build().expect("builds");
        let text = format!("{c:?}");
        assert!(!text.contains("abcdef123456") && !text.contains("hunter22"), "{text}");
    }

    #[test]
    fn the_last_credentials_given_win() {
        let basic = RtBuilder::new().base_url("http://rt.test").token("tok-123456").basic_auth("root", "pw-123456");
        assert!(format!("{:?}", basic.build().expect("builds")).contains("basic"));
        let token = RtBuilder::new().base_url("http://rt.test").basic_auth("root", "pw-123456").token("tok-123456");
        assert!(format!("{:?}", token.build().expect("builds")).contains("token [REDACTED]"));
    }

    #[test]
    fn base_urls_are_checked_and_normalized() {
        let ok = |u: &str| RtBuilder::new().base_url(u).token("tok-123456").build().map(|c| c.web_url().to_owned());
        assert_eq!(ok("http://rt.test/").ok().as_deref(), Some("http://rt.test"));
        assert_eq!(ok("https://ex.test/rt/REST/2.0").ok().as_deref(), Some("https://ex.test/rt"));
        for bad in ["ftp://rt.test", "not a url", "http://rt.test/?q=1", ""] {
            assert!(matches!(ok(bad), Err(Error::InvalidInput { .. })), "{bad}");
        }
        let none = RtBuilder::new().base_url("http://rt.test").build();
        assert!(matches!(none, Err(Error::InvalidInput { .. })), "credentials are required");
        let colon = RtBuilder::new().base_url("http://rt.test").basic_auth("a:b", "pw").build();
        assert!(matches!(colon, Err(Error::InvalidInput { .. })));
    }

    #[test]
    fn page_size_is_clamped_to_what_rt_serves() {
        let c = RtBuilder::new().base_url("http://rt.test").token("tok-123456").page_size(500).build().expect("builds");
        assert_eq!(c.default_page_size(), MAX_PAGE_SIZE);
    }
}
