//! Responses: a status, a JSON body and extra headers.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::render;

/// A response under construction. Handlers return it for successes and errors alike.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The status code.
    pub(crate) status: u16,
    /// The JSON body (ignored for 204).
    pub(crate) body: Vec<u8>,
    /// Headers to add (rate-limit headers, mostly).
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A reply with an already rendered JSON body.
    pub(crate) fn raw(status: u16, body: Vec<u8>) -> Reply {
        Reply { status, body, headers: Vec::new() }
    }

    /// A reply with a JSON body.
    pub(crate) fn json(status: u16, body: &Value) -> Reply {
        Reply::raw(status, serde_json::to_vec(body).unwrap_or_default())
    }

    /// An error in Kustomer's JSON:API shape; its title is the code in words.
    pub(crate) fn error(status: u16, code: &str, detail: &str) -> Reply {
        Reply::json(status, &render::error(status, code, detail))
    }

    /// A 400 naming the attribute at fault.
    pub(crate) fn invalid(field: &str, detail: &str) -> Reply {
        Reply::json(400, &render::invalid(field, detail))
    }

    /// The 404 for a path the API does not have.
    pub(crate) fn no_route() -> Reply {
        Reply::error(404, "not_found", "No such route")
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
        h.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(k, v);
            }
        }
        resp
    }
}
