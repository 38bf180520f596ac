//! Kustomer error responses → [`unidesk_core::Error`].

use std::time::Duration;

use unidesk_core::{Error, FieldError, Resource};

use crate::wire::{ErrorBody, ErrorItem};

/// The longest body excerpt kept in an error.
const EXCERPT: usize = 1024;

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(EXCERPT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

fn item_message(e: &ErrorItem) -> Option<String> {
    e.message.clone().or_else(|| e.detail.clone()).or_else(|| e.title.clone())
}

/// Maps a non-success status and body. `not_found` names the record asked for, when one was.
pub fn from_response(status: u16, body: &[u8], not_found: Option<(Resource, &str)>, wait: Option<Duration>) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let items = parsed.map(|b| b.errors).unwrap_or_default();
    let message = {
        let joined: Vec<String> = items.iter().filter_map(item_message).collect();
        if joined.is_empty() { excerpt(body) } else { joined.join("; ") }
    };
    match status {
        400 | 422 => Error::Validation {
            field_errors: items
                .iter()
                .map(|e| FieldError {
                    field: e.source.as_ref().and_then(|s| {
                        s.pointer.clone().or_else(|| {
                            s.parameter.as_ref().map(|p| match p {
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                        })
                    }),
                    message: item_message(e).unwrap_or_default(),
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
        _ => Error::Upstream { status, body: excerpt(body) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_documented_shapes_are_read() {
        let a = br#"{"errors":[{"code":"bad_request","message":"bad suffix on fooStrx","meta":{}}]}"#;
        match from_response(400, a, None, None) {
            Error::Validation { message, .. } => assert_eq!(message, "bad suffix on fooStrx"),
            e => panic!("{e:?}"),
        }
        let b = br#"{"errors":[{"status":422,"code":"invalid","title":"Invalid","detail":"name too long","source":{"pointer":"/data/attributes/name"}}]}"#;
        match from_response(422, b, None, None) {
            Error::Validation { field_errors, .. } => {
                assert_eq!(field_errors[0].field.as_deref(), Some("/data/attributes/name"));
                assert_eq!(field_errors[0].message, "name too long");
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn statuses_map_to_variants() {
        assert!(matches!(from_response(401, b"{}", None, None), Error::Unauthenticated { .. }));
        assert!(matches!(from_response(403, b"", None, None), Error::PermissionDenied { .. }));
        assert!(matches!(
            from_response(404, b"", Some((Resource::Ticket, "x")), None),
            Error::NotFound { resource: Resource::Ticket, .. }
        ));
        assert!(matches!(from_response(409, b"", None, None), Error::Conflict { .. }));
        assert!(matches!(from_response(429, b"", None, None), Error::RateLimited { .. }));
        let big = vec![b'x'; 5000];
        match from_response(502, &big, None, None) {
            Error::Upstream { status: 502, body } => assert_eq!(body.len(), 1024),
            e => panic!("{e:?}"),
        }
    }
}
