//! RT's error answers → [`unidesk_core::Error`], and keeping server text safe to print.
//!
//! RT REST 2.0 answers every error with `{"message": "…"}`. Every message built from what the
//! server sent goes through [`Secrets::safe`]: the client's token, password and Basic
//! credentials are replaced by `***`, then [`unidesk_core::one_line`] escapes control
//! characters and cuts the text to [`MAX_SERVER_TEXT`] characters.

use std::time::Duration;

use unidesk_core::error::{MAX_SERVER_TEXT, one_line};
use unidesk_core::{Error, FieldError, Resource};

/// What replaces a secret wherever a server echoes it.
pub(crate) const REDACTED: &str = "***";

/// Secrets shorter than this are not rewritten in response bodies (they would mangle ordinary
/// data); messages built from server text redact every secret of [`MIN_SECRET_IN_TEXT`] or more.
const MIN_SECRET: usize = 6;

/// The shortest secret redacted from error messages (RT's shortest password is 5 characters).
const MIN_SECRET_IN_TEXT: usize = 4;

/// How much of an error body is looked at.
const BODY_SCAN: usize = 64 * 1024;

/// The texts that must never leave the client: the token, or the password and the Basic
/// credentials (`base64(user:password)`).
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<String>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets([{} redacted])", self.0.len())
    }
}

impl Secrets {
    pub(crate) fn new(secrets: Vec<String>) -> Self {
        Secrets(secrets.into_iter().filter(|s| s.len() >= MIN_SECRET_IN_TEXT).collect())
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        self.0
            .iter()
            .fold(text.to_owned(), |t, s| if t.contains(s.as_str()) { t.replace(s.as_str(), REDACTED) } else { t })
    }

    /// Server text made one safe, bounded line, secrets redacted.
    pub(crate) fn safe(&self, text: &str) -> String {
        one_line(&self.redact(text), MAX_SERVER_TEXT)
    }

    /// `body` with every secret replaced by `***`, so that nothing decoded from a response
    /// (records, messages, parser errors) can carry a secret a server echoed.
    pub(crate) fn redact_bytes(&self, body: Vec<u8>) -> Vec<u8> {
        let mut body = body;
        for s in self.0.iter().filter(|s| s.len() >= MIN_SECRET) {
            body = replace_bytes(body, s.as_bytes(), REDACTED.as_bytes());
        }
        body
    }
}

fn replace_bytes(body: Vec<u8>, needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() || body.len() < needle.len() || !body.windows(needle.len()).any(|w| w == needle) {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// RT's `{"message": "…"}`, or the start of the body when it is not that.
fn message(body: &[u8], secrets: &Secrets) -> String {
    let scan = &body[..body.len().min(BODY_SCAN)];
    let parsed = serde_json::from_slice::<serde_json::Value>(scan).ok();
    match parsed.as_ref().and_then(|v| v.get("message")).and_then(|m| m.as_str()) {
        Some(m) => secrets.safe(m.trim_end()),
        None => secrets.safe(String::from_utf8_lossy(scan).trim()),
    }
}

/// A `Decode` error whose message (a parser's, which may quote the body) is one safe line;
/// the parser's error stays reachable through `source()`.
pub(crate) fn decode<E: std::error::Error + Send + Sync + 'static>(
    context: &str,
    error: E,
    secrets: &Secrets,
) -> Error {
    Error::decode(context, secrets.safe(&error.to_string())).with_source(error)
}

/// Maps a non-success status and body. `not_found` names the record asked for, when one was.
pub(crate) fn from_response(
    status: u16,
    body: &[u8],
    not_found: Option<(Resource, &str)>,
    retry_after: Option<Duration>,
    secrets: &Secrets,
) -> Error {
    let message = message(body, secrets);
    match status {
        400 | 422 => Error::Validation { field_errors: field_of(&message).into_iter().collect(), message },
        401 => Error::Unauthenticated { message },
        403 => Error::PermissionDenied { message },
        404 => match not_found {
            Some((resource, id)) => Error::not_found(resource, id),
            None => Error::Upstream { status, body: message },
        },
        409 => Error::Conflict { message },
        429 => Error::RateLimited { retry_after },
        // 415 and the rest: an answer this client should never provoke; reported as it came.
        _ => Error::Upstream { status, body: message },
    }
}

/// The unidesk field an RT message is about, when it names one RT writes it for.
pub(crate) fn field_of(message: &str) -> Option<FieldError> {
    let lower = message.to_ascii_lowercase();
    let field = [
        ("status", "status"),
        ("priority", "priority"),
        ("owner", "assignee_ids"),
        ("queue", "team_ids"),
        ("requestor", "contact_id"),
        ("subject", "subject"),
        ("custom field", "custom_fields"),
        ("email", "email"),
    ]
    .into_iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, field)| field)?;
    Some(FieldError { field: Some(field.to_owned()), message: message.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets::new(vec!["1-14-secrettoken".into(), "pw5ch".into(), "abc".into()])
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        let s = Secrets::default();
        let body = br#"{"message":"Unauthorized"}"#;
        assert!(
            matches!(from_response(401, body, None, None, &s), Error::Unauthenticated { message } if message == "Unauthorized")
        );
        let body = br#"{"message":"No permission to create tickets in the queue 'Nope'"}"#;
        assert!(matches!(from_response(403, body, None, None, &s), Error::PermissionDenied { .. }));
        let e = from_response(404, br#"{"message":"Not Found"}"#, Some((Resource::Ticket, "7")), None, &s);
        assert!(matches!(e, Error::NotFound { resource: Resource::Ticket, ref id } if id == "7"));
        let e = from_response(400, br#"{"message":"Could not create ticket. Queue not set"}"#, None, None, &s);
        match e {
            Error::Validation { message, field_errors } => {
                assert_eq!(message, "Could not create ticket. Queue not set");
                assert_eq!(field_errors[0].field.as_deref(), Some("team_ids"));
            }
            other => panic!("{other:?}"),
        }
        let e = from_response(415, br#"{"message":"Unsupported Media Type"}"#, None, None, &s);
        assert!(matches!(e, Error::Upstream { status: 415, ref body } if body == "Unsupported Media Type"));
        let e = from_response(503, b"<html>down</html>", None, None, &s);
        assert!(matches!(e, Error::Upstream { status: 503, ref body } if body == "<html>down</html>"));
        assert!(e.is_temporary());
    }

    #[test]
    fn server_text_is_one_redacted_line() {
        let s = secrets();
        let body = br#"{"message":"bad token 1-14-secrettoken\n\u001b[31mred"}"#;
        let e = from_response(400, body, None, None, &s);
        let text = e.to_string();
        assert!(!text.contains("secrettoken"), "{text}");
        assert!(text.contains("***") && text.contains("\\n") && !text.contains('\u{1b}'), "{text}");
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(5000));
        let e = from_response(400, long.as_bytes(), None, None, &s);
        assert!(e.to_string().chars().count() < MAX_SERVER_TEXT + 40);
        assert_eq!(s.redact("pw5ch and abc"), "*** and abc", "a 5-character password is redacted from messages");
    }

    #[test]
    fn bodies_lose_echoed_secrets() {
        let s = secrets();
        let out = s.redact_bytes(br#"{"a":"1-14-secrettoken","b":"x1-14-secrettokeny"}"#.to_vec());
        assert_eq!(out, br#"{"a":"***","b":"x***y"}"#.to_vec());
        assert_eq!(s.redact_bytes(b"nothing".to_vec()), b"nothing".to_vec());
        assert_eq!(s.redact_bytes(b"pw5ch".to_vec()), b"pw5ch".to_vec(), "bodies keep strings under 6 bytes");
    }

    #[test]
    fn debug_never_shows_secrets() {
        assert_eq!(format!("{:?}", secrets()), "Secrets([2 redacted])");
    }
}
