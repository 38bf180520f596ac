//! Raw requests for the Kustomer endpoints no unified model covers.

use reqwest::Method;
use serde_json::Value;
use unidesk_core::{Error, Result};

use crate::client::{Call, KustomerClient, RawResponse};

/// A raw API request: same auth, base URL, pacing and retries as every other call.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// HTTP method.
    pub method: Method,
    /// An API path such as `/v1/klasses/orders`; validated so it cannot leave the API host.
    pub path: String,
    /// Query parameters.
    pub query: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<Value>,
}

impl RawRequest {
    /// A request with `method` (`GET`, `HEAD`, `POST`, `PUT`, `PATCH` or `DELETE`, any case) to
    /// `path`, without query or body; the path is checked when sent.
    pub fn new(method: &str, path: impl Into<String>) -> Result<Self> {
        let method = match method.to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "HEAD" => Method::HEAD,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            _ => return Err(Error::invalid_input(format!("method {method:?}: GET, HEAD, POST, PUT, PATCH or DELETE"))),
        };
        Ok(RawRequest { method, path: path.into(), query: Vec::new(), body: None })
    }
}

/// Checks that `path` is a plain API path: `/v1/…` or `/v2/…`, no `..`, `//`, `?`, `#`, `\`,
/// whitespace or control characters. `%` is allowed only as a well-formed escape.
pub fn validate_path(path: &str) -> Result<()> {
    let reject = |why: &str| Err(Error::invalid_input(format!("passthrough path rejected: {why}")));
    if !(path.starts_with("/v1/") || path.starts_with("/v2/")) {
        return reject("must start with /v1/ or /v2/");
    }
    if path.len() > 2048 {
        return reject("too long");
    }
    if path.contains("//") || path.split('/').any(|s| s == "." || s == "..") {
        return reject("relative or empty segments");
    }
    if path.chars().any(|c| matches!(c, '?' | '#' | '\\') || c.is_whitespace() || c.is_control()) {
        return reject("query, fragment, backslash, whitespace or control characters (pass query separately)");
    }
    let bytes = path.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            let hex = bytes.get(i + 1..i + 3).unwrap_or_default();
            if hex.len() != 2 || !hex.iter().all(u8::is_ascii_hexdigit) {
                return reject("malformed percent escape");
            }
            if hex.eq_ignore_ascii_case(b"2f") || hex.eq_ignore_ascii_case(b"2e") || hex.eq_ignore_ascii_case(b"5c") {
                return reject("encoded separators");
            }
        }
    }
    Ok(())
}

/// The answer to a [`RawRequest`].
#[derive(Debug, Clone)]
pub struct RawReply {
    /// HTTP status (any: the caller decides).
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON (`null` when empty).
    pub json: Value,
}

impl KustomerClient {
    /// Sends a raw request. GET, HEAD, PUT and DELETE are retried on transient failures; other
    /// methods only after a 429 or a refused connection. Returns every final status as a reply.
    pub async fn raw(&self, req: RawRequest) -> Result<RawReply> {
        validate_path(&req.path)?;
        let idempotent = matches!(req.method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE);
        let mut call = Call::write(req.method.clone(), req.path.clone(), "passthrough", req.body.clone());
        call.idempotent = idempotent;
        call.query = req.query;
        let RawResponse { status, headers, body } = self.send_raw(&call).await?;
        let json = if body.is_empty() { Value::Null } else { crate::wire::parse::<Value>(&req.path, &body)? };
        Ok(RawReply { status, headers, json })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_api() {
        for ok in ["/v1/klasses/orders", "/v1/customers/email=a%40b.c", "/v2/conversations/x/times"] {
            assert!(validate_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "v1/x",
            "/v3/x",
            "/v1/../admin",
            "/v1//x",
            "/v1/x?y=1",
            "/v1/x#f",
            "/v1/%2e%2e/x",
            "/v1/a%2fb",
            "/v1/a b",
            "/v1/%zz",
            "/v1/%",
            "https://evil/v1/x",
            "/v1/a\\b",
            "/v1/a\u{0}",
        ] {
            assert!(matches!(validate_path(bad), Err(Error::InvalidInput { .. })), "{bad}");
        }
    }
}
