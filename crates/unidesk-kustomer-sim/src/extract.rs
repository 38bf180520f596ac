//! Extractors that answer malformed requests in Kustomer's error shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::reply::Reply;

/// The body as a JSON object, or a 400.
pub(crate) fn obj(body: Option<Value>) -> Result<serde_json::Map<String, Value>, Reply> {
    match body {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(Reply::error(400, "bad_request", "body must be a JSON object")),
    }
}

/// The largest request body accepted (axum's default); larger ones get a JSON 413.
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The one `{id}` of a route, percent-decoded.
#[derive(Debug)]
pub(crate) struct PathId(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        // An id that does not decode (invalid UTF-8) names no record.
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(PathId(id)),
            Err(_) => Err(Reply::error(404, "not_found", "No record has that id")),
        }
    }
}

/// The two `{…}` of a route (`/v1/klasses/{name}/{id}`), percent-decoded.
#[derive(Debug)]
pub(crate) struct PathPair(pub(crate) String, pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PathPair {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        match Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(Path((a, b))) => Ok(PathPair(a, b)),
            Err(_) => Err(Reply::error(404, "not_found", "No record has that id")),
        }
    }
}

/// A query string deserialized into `T`; a malformed one is a JSON 400.
#[derive(Debug)]
pub(crate) struct Params<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(Params(q)),
            Err(e) => Err(Reply::error(400, "bad_request", &e.body_text())),
        }
    }
}

/// The query parameters listings and search read.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Paging {
    /// The page number (from 1).
    pub(crate) page: Option<String>,
    /// The page size.
    #[serde(rename = "pageSize")]
    pub(crate) page_size: Option<String>,
    /// `attachments` to include messages' attachments.
    pub(crate) include: Option<String>,
}

impl Paging {
    /// The page number and size (capped at `max`); 400 unless both are positive integers.
    pub(crate) fn get(&self, max: u32) -> Result<(u32, u32), Reply> {
        let positive = |v: &Option<String>, name: &str| match v {
            None => Ok(None),
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| *p >= 1)
                .map(Some)
                .ok_or_else(|| Reply::error(400, "bad_request", &format!("{name} must be a positive integer"))),
        };
        let page = positive(&self.page, "page")?.unwrap_or(1);
        let size = positive(&self.page_size, "pageSize")?.unwrap_or(100);
        Ok((page, size.min(max)))
    }

    /// Whether `include=attachments` was asked for.
    pub(crate) fn attachments(&self) -> bool {
        self.include.as_deref() == Some("attachments")
    }
}

/// A JSON request body; `None` when the body is empty. Bodies that are not JSON
/// get a 400, bodies over [`BODY_LIMIT`] a 413, both in Kustomer's error shape.
#[derive(Debug)]
pub(crate) struct JsonBody(pub(crate) Option<Value>);

fn too_large() -> Reply {
    Reply::error(413, "payload_too_large", &format!("Request bodies are limited to {BODY_LIMIT} bytes"))
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Reply;

    async fn from_request(req: Request, state: &S) -> Result<Self, Reply> {
        let declared =
            req.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
            return Err(too_large());
        }
        let body = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status().as_u16() == 413 => return Err(too_large()),
            Err(e) => return Err(Reply::error(400, "bad_request", &e.body_text())),
        };
        if body.is_empty() {
            return Ok(JsonBody(None));
        }
        match serde_json::from_slice(&body) {
            Ok(v) => Ok(JsonBody(Some(v))),
            Err(e) => Err(Reply::error(400, "bad_request", &format!("Invalid JSON body: {e}"))),
        }
    }
}
