//! Zendesk error responses → [`unidesk_core::Error`], and keeping server text safe to print.
//!
//! Every message built from what a server sent goes through [`Secrets::safe`]: the client's
//! secrets (the token, the encoded Basic credentials) are replaced by `***`, then
//! [`unidesk_core::one_line`] escapes control characters and cuts the text.

use std::borrow::Cow;
use std::time::Duration;

use serde_json::Value;
use unidesk_core::error::{MAX_SERVER_TEXT, one_line};
use unidesk_core::{Error, FieldError, Resource};

/// What replaces a secret wherever a server echoes it.
pub(crate) const REDACTED: &str = "***";

/// The shortest secret rewritten inside response bodies (a shorter one would mangle data).
const MIN_SECRET_IN_BODIES: usize = 6;

/// How much of an error body is looked at.
const BODY_SCAN: usize = 64 * 1024;

/// The secret texts a client sends, to cut out of anything a server sends back.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    pub(crate) fn new(mut list: Vec<String>) -> Self {
        list.retain(|s| !s.is_empty());
        // Longest first, so a secret containing another is replaced whole.
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Secrets(list)
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for s in &self.0 {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), REDACTED));
            }
        }
        out
    }

    /// Server text as one safe, bounded line without secrets.
    pub(crate) fn safe(&self, text: &str) -> String {
        one_line(&self.redact(text), MAX_SERVER_TEXT)
    }

    /// A response body with every secret (of 6 bytes or more) replaced by `***`.
    pub(crate) fn redact_bytes(&self, body: Vec<u8>) -> Vec<u8> {
        let mut body = body;
        for s in self.0.iter().filter(|s| s.len() >= MIN_SECRET_IN_BODIES) {
            body = replace_bytes(body, s.as_bytes());
        }
        body
    }
}

fn replace_bytes(body: Vec<u8>, needle: &[u8]) -> Vec<u8> {
    let Some(first) = find(&body, needle, 0) else { return body };
    let mut out = Vec::with_capacity(body.len());
    let (mut start, mut at) = (0, first);
    loop {
        out.extend_from_slice(&body[start..at]);
        out.extend_from_slice(REDACTED.as_bytes());
        start = at + needle.len();
        match find(&body, needle, start) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(&body[start..]);
    out
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// A `Decode` error from a parser's error, without secrets.
pub(crate) fn decode(context: &str, error: serde_json::Error, secrets: &Secrets) -> Error {
    Error::decode(context, secrets.safe(&error.to_string())).with_source(error)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => {
            let parts: Vec<String> = ["title", "message"]
                .iter()
                .filter_map(|k| o.get(*k).and_then(Value::as_str))
                .map(str::to_owned)
                .collect();
            (!parts.is_empty()).then(|| parts.join(": "))
        }
        _ => None,
    }
}

/// The message of a Zendesk error body: `error` (text, or `{title, message}`), then
/// `description` or `error_description`.
fn message(body: &Value) -> Option<String> {
    let head = body.get("error").and_then(text);
    let tail = ["description", "error_description"].iter().find_map(|k| body.get(*k).and_then(text));
    match (head, tail) {
        (Some(h), Some(t)) => Some(format!("{h}: {t}")),
        (h, t) => h.or(t),
    }
}

/// `details: {field: [{description, error}]}` as field errors.
fn field_errors(body: &Value, secrets: &Secrets) -> Vec<FieldError> {
    let Some(details) = body.get("details").and_then(Value::as_object) else { return Vec::new() };
    let mut out = Vec::new();
    for (field, items) in details {
        let items = match items {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        for item in items {
            let msg = item
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| item.get("error").and_then(Value::as_str).map(str::to_owned))
                .or_else(|| item.as_str().map(str::to_owned))
                .unwrap_or_default();
            let field = (field != "base").then(|| secrets.safe(field));
            out.push(FieldError { field, message: secrets.safe(&msg) });
        }
    }
    out
}

/// Maps a non-success status and body. `not_found` names the record asked for, when one was.
pub(crate) fn from_response(
    status: u16,
    body: &[u8],
    not_found: Option<(Resource, &str)>,
    wait: Option<Duration>,
    secrets: &Secrets,
) -> Error {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let excerpt = || secrets.safe(&String::from_utf8_lossy(&body[..body.len().min(BODY_SCAN)]));
    let msg = || parsed.as_ref().and_then(message).map(|m| secrets.safe(&m)).unwrap_or_else(excerpt);
    match status {
        400 | 422 => {
            let fields = parsed.as_ref().map(|b| field_errors(b, secrets)).unwrap_or_default();
            let mut message = msg();
            if let Some(first) = fields.first() {
                let name = first.field.as_deref().unwrap_or("base");
                message = one_line(&format!("{message} ({name}: {})", first.message), MAX_SERVER_TEXT);
            }
            Error::Validation { message, field_errors: fields }
        }
        401 => Error::Unauthenticated { message: msg() },
        403 => Error::PermissionDenied { message: msg() },
        404 => match not_found {
            Some((resource, id)) => Error::not_found(resource, id),
            None => Error::Upstream { status, body: msg() },
        },
        409 => Error::Conflict { message: msg() },
        429 => Error::RateLimited { retry_after: wait },
        _ => Error::Upstream { status, body: excerpt() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "zd-token-0123456789";

    fn secrets() -> Secrets {
        Secrets::new(vec![KEY.into(), "c2hvcnQ=".into()])
    }

    #[test]
    fn documented_bodies_are_read() {
        let s = secrets();
        let nf = br#"{"error":"RecordNotFound","description":"Not found"}"#;
        assert!(matches!(from_response(404, nf, Some((Resource::Ticket, "7")), None, &s), Error::NotFound { .. }));
        match from_response(404, nf, None, None, &s) {
            Error::Upstream { status: 404, body } => assert_eq!(body, "RecordNotFound: Not found"),
            e => panic!("{e:?}"),
        }
        let invalid = br#"{"error":"RecordInvalid","description":"Record validation errors","details":{"email":[{"description":"Email: x is already being used","error":"DuplicateValue"}],"base":[{"description":"whole"}]}}"#;
        match from_response(422, invalid, None, None, &s) {
            Error::Validation { message, field_errors } => {
                assert!(message.starts_with("RecordInvalid: Record validation errors"), "{message}");
                assert_eq!(field_errors.len(), 2);
                assert!(field_errors.iter().any(|f| f.field.as_deref() == Some("email")));
                assert!(field_errors.iter().any(|f| f.field.is_none() && f.message == "whole"));
            }
            e => panic!("{e:?}"),
        }
        let forbidden = br#"{"error":{"title":"Forbidden","message":"Access to this resource is restricted."}}"#;
        match from_response(403, forbidden, None, None, &s) {
            Error::PermissionDenied { message } => {
                assert_eq!(message, "Forbidden: Access to this resource is restricted.")
            }
            e => panic!("{e:?}"),
        }
        let oauth = br#"{"error":"invalid_token","error_description":"The access token provided is expired"}"#;
        assert!(
            matches!(from_response(401, oauth, None, None, &s), Error::Unauthenticated { message } if message.contains("expired"))
        );
        assert!(matches!(
            from_response(429, b"", None, Some(Duration::from_secs(3)), &s),
            Error::RateLimited { retry_after: Some(_) }
        ));
        assert!(matches!(from_response(409, b"{}", None, None, &s), Error::Conflict { .. }));
        assert!(matches!(from_response(503, b"down", None, None, &s), Error::Upstream { status: 503, .. }));
    }

    #[test]
    fn secrets_never_survive() {
        let s = secrets();
        let echo = format!("{{\"error\":\"Couldn't authenticate {KEY}\",\"description\":\"\\u001b[2J {KEY}\"}}");
        for status in [400, 401, 403, 404, 409, 422, 500] {
            let e = from_response(status, echo.as_bytes(), None, None, &s);
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(KEY), "{shown}");
            assert!(!e.to_string().chars().any(char::is_control), "{e}");
        }
        assert_eq!(s.redact_bytes(format!("a{KEY}b{KEY}").into_bytes()), b"a***b***".to_vec());
        assert_eq!(s.redact("x c2hvcnQ= y"), "x *** y");
    }
}
