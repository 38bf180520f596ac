//! Kustomer error responses → [`unidesk_core::Error`], and keeping server text safe to print.
//!
//! Every message built from what a server sent (error bodies, validation details,
//! transport and decode messages) goes through [`safe`]: the client's own API key is
//! replaced by `***`, then [`unidesk_core::one_line`] escapes control characters and
//! cuts the text to [`MAX_SERVER_TEXT`] characters.

use std::borrow::Cow;
use std::time::Duration;

use unidesk_core::error::{MAX_SERVER_TEXT, one_line};
use unidesk_core::{Error, FieldError, Resource};

use crate::wire::{ErrorBody, ErrorItem};

/// What replaces the API key wherever a server echoes it.
pub(crate) const REDACTED: &str = "***";

/// The shortest key [`redact_bytes`] rewrites in response bodies: a shorter "key" would
/// mangle ordinary data, and no real Kustomer key is that short.
const MIN_KEY_IN_BODIES: usize = 8;

/// How much of an error body is looked at: the key is replaced in all of it, and at most
/// [`MAX_SERVER_TEXT`] characters of it survive.
const BODY_SCAN: usize = 64 * 1024;

/// `text` with every occurrence of `key` replaced by `***`.
pub(crate) fn redact<'a>(text: &'a str, key: &str) -> Cow<'a, str> {
    if key.is_empty() || !text.contains(key) { Cow::Borrowed(text) } else { Cow::Owned(text.replace(key, REDACTED)) }
}

/// Server text made one safe, bounded line with the key redacted.
pub(crate) fn safe(text: &str, key: &str) -> String {
    one_line(&redact(text, key), MAX_SERVER_TEXT)
}

/// A `Decode` error whose message (a parser's, which may quote the body) is one safe line;
/// the parser's error stays reachable through `source()`.
pub(crate) fn decode<E: std::error::Error + Send + Sync + 'static>(context: &str, error: E) -> Error {
    Error::decode_from(context, error)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    haystack.get(from..)?.windows(needle.len()).position(|w| w[0] == first && w == needle).map(|p| p + from)
}

/// `body` with every occurrence of `key` replaced by `***`, so that nothing decoded from a
/// response (records, error messages, parser messages) can carry the key a server echoed.
pub(crate) fn redact_bytes(body: Vec<u8>, key: &str) -> Vec<u8> {
    let key = key.as_bytes();
    if key.len() < MIN_KEY_IN_BODIES {
        return body;
    }
    let Some(mut at) = find(&body, key, 0) else { return body };
    let mut out = Vec::with_capacity(body.len());
    let mut start = 0;
    loop {
        out.extend_from_slice(&body[start..at]);
        out.extend_from_slice(REDACTED.as_bytes());
        start = at + key.len();
        match find(&body, key, start) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(&body[start..]);
    out
}

fn body_text(body: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(&body[..body.len().min(BODY_SCAN)])
}

fn item_message(e: &ErrorItem) -> Option<String> {
    e.message.clone().or_else(|| e.detail.clone()).or_else(|| e.title.clone())
}

/// Maps a non-success status and body. `not_found` names the record asked for, when one was;
/// `key` is the client's API key, redacted from every message.
pub(crate) fn from_response(
    status: u16,
    body: &[u8],
    not_found: Option<(Resource, &str)>,
    wait: Option<Duration>,
    key: &str,
) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let items = parsed.map(|b| b.errors).unwrap_or_default();
    let excerpt = || safe(&body_text(body), key);
    let message = {
        let joined: Vec<String> = items.iter().filter_map(item_message).collect();
        if joined.is_empty() { excerpt() } else { safe(&joined.join("; "), key) }
    };
    match status {
        400 | 422 => Error::Validation {
            field_errors: items
                .iter()
                .map(|e| FieldError {
                    field: e
                        .source
                        .as_ref()
                        .and_then(|s| {
                            s.pointer.clone().or_else(|| {
                                s.parameter.as_ref().map(|p| match p {
                                    serde_json::Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                            })
                        })
                        .map(|f| safe(&f, key)),
                    message: safe(&item_message(e).unwrap_or_default(), key),
                })
                .collect(),
            message,
        },
        401 => Error::Unauthenticated { message },
        403 => Error::PermissionDenied { message },
        404 => match not_found {
            Some((resource, id)) => Error::not_found(resource, id),
            None => Error::Upstream { status, body: message },
        },
        409 => Error::Conflict { message },
        429 => Error::RateLimited { retry_after: wait },
        _ => Error::Upstream { status, body: excerpt() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-live-0123456789";

    fn check(e: Error) {
        let text = format!("{e} {e:?}");
        assert!(!text.contains(KEY), "{text}");
        assert!(!e.to_string().chars().any(char::is_control), "{e}");
    }

    #[test]
    fn both_documented_shapes_are_read() {
        let a = br#"{"errors":[{"code":"bad_request","message":"bad suffix on fooStrx","meta":{}}]}"#;
        match from_response(400, a, None, None, KEY) {
            Error::Validation { message, .. } => assert_eq!(message, "bad suffix on fooStrx"),
            e => panic!("{e:?}"),
        }
        let b = br#"{"errors":[{"status":422,"code":"invalid","title":"Invalid","detail":"name too long","source":{"pointer":"/data/attributes/name"}}]}"#;
        match from_response(422, b, None, None, KEY) {
            Error::Validation { field_errors, .. } => {
                assert_eq!(field_errors[0].field.as_deref(), Some("/data/attributes/name"));
                assert_eq!(field_errors[0].message, "name too long");
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn statuses_map_to_variants() {
        assert!(matches!(from_response(401, b"{}", None, None, KEY), Error::Unauthenticated { .. }));
        assert!(matches!(from_response(403, b"", None, None, KEY), Error::PermissionDenied { .. }));
        assert!(matches!(
            from_response(404, b"", Some((Resource::Ticket, "x")), None, KEY),
            Error::NotFound { resource: Resource::Ticket, .. }
        ));
        assert!(matches!(from_response(409, b"", None, None, KEY), Error::Conflict { .. }));
        assert!(matches!(from_response(429, b"", None, None, KEY), Error::RateLimited { .. }));
        let big = vec![b'x'; 5000];
        match from_response(502, &big, None, None, KEY) {
            Error::Upstream { status: 502, body } => assert_eq!(body.chars().count(), MAX_SERVER_TEXT + 1),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn server_text_is_one_line_without_the_key() {
        let echo = format!("Authorization: Bearer {KEY}\r\n\u{1b}[2J\u{7}\u{9b}31m");
        let json = serde_json::json!({"errors":[{"message": echo, "source": {"parameter": echo}}]}).to_string();
        for status in [400, 401, 403, 404, 409, 422, 500, 502] {
            check(from_response(status, json.as_bytes(), None, None, KEY));
            check(from_response(status, echo.as_bytes(), None, None, KEY));
        }
        match from_response(400, json.as_bytes(), None, None, KEY) {
            Error::Validation { message, field_errors } => {
                assert_eq!(message, "Authorization: Bearer ***\\r\\n\\u{1b}[2J\\u{7}\\u{9b}31m");
                assert_eq!(field_errors[0].field.as_deref(), Some(message.as_str()));
                assert_eq!(field_errors[0].message, message);
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn keys_are_cut_out_of_bodies() {
        let body = format!("{{\"a\":\"{KEY}\",\"b\":\"x{KEY}{KEY}y\"}}").into_bytes();
        assert_eq!(redact_bytes(body, KEY), br#"{"a":"***","b":"x******y"}"#.to_vec());
        assert_eq!(redact_bytes(b"short".to_vec(), "abc"), b"short".to_vec(), "short keys are left alone");
        assert_eq!(redact_bytes(b"sk-live-01".to_vec(), KEY), b"sk-live-01".to_vec());
        assert_eq!(redact("no key here", ""), "no key here");
    }
}
