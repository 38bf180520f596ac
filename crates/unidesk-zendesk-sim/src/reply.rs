//! Responses, and Zendesk's error bodies.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A response under construction; handlers return it for successes and errors alike.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The status code.
    pub(crate) status: u16,
    /// The JSON body (dropped for 204).
    pub(crate) body: Vec<u8>,
    /// Extra headers.
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A reply whose JSON body is already rendered.
    pub(crate) fn raw(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, body: body.into(), headers: Vec::new() }
    }

    /// A reply with a JSON body.
    pub(crate) fn json(status: u16, body: &Value) -> Reply {
        Reply::raw(status, serde_json::to_vec(body).unwrap_or_default())
    }

    /// `204 No Content`.
    pub(crate) fn no_content() -> Reply {
        Reply::raw(204, Vec::new())
    }

    /// Zendesk's usual error shape: `{"error": code, "description": text}`.
    pub(crate) fn error(status: u16, code: &str, description: &str) -> Reply {
        Reply::json(status, &json!({ "error": code, "description": description }))
    }

    /// 404 `RecordNotFound`, as Zendesk answers an unknown id or path.
    pub(crate) fn not_found() -> Reply {
        Reply::error(404, "RecordNotFound", "Not found")
    }

    /// 422 `RecordInvalid` naming the field at fault.
    pub(crate) fn invalid(field: &str, error: &str, description: &str) -> Reply {
        Reply::json(
            422,
            &json!({
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": { field: [{ "description": description, "error": error }] },
            }),
        )
    }

    /// 400 for a malformed request (a bad query parameter or body).
    pub(crate) fn bad_request(description: &str) -> Reply {
        Reply::error(400, "InvalidParameter", description)
    }

    /// Adds headers.
    pub(crate) fn with_headers(mut self, headers: Vec<(&'static str, String)>) -> Reply {
        self.headers.extend(headers);
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let body = if self.status == 204 { Body::empty() } else { Body::from(self.body) };
        let mut resp = Response::new(body);
        *resp.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let h = resp.headers_mut();
        if self.status != 204 {
            h.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
        }
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(k, v);
            }
        }
        resp
    }
}
