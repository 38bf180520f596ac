//! Attachments: `POST /v1/attachments` hands out a presigned form upload, `GET
//! /v1/attachments/{id}` a presigned download link (`links.related`), and a stand-in for S3
//! on the same server serves both: `POST /sim-s3/upload` takes the form (only with exactly the
//! fields handed out), `GET /sim-s3/files/{id}/{name}?X-Amz-Signature=…` serves the bytes to
//! whoever holds an unexpired link, without the API key (as S3 does).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::extract::{JsonBody, PathId};
use crate::files::{File, Link};
use crate::record::Id;
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// The largest file the stand-in for S3 accepts.
pub(crate) const MAX_FILE: usize = 128 * 1024 * 1024;

/// How long a download link works (Kustomer's links say `X-Amz-Expires=600`).
pub(crate) const LINK_TTL: Duration = Duration::from_secs(600);

/// An unguessable token: 128 random bits in hex.
fn token() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// `http://host` as the client addressed the server, with the org's path prefix.
fn base(headers: &HeaderMap, prefix: &str) -> String {
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}{prefix}")
}

/// Mints a download link for `id` (which must be uploaded) and remembers it.
fn mint(sim: &Shared, id: &str, file: &File) -> String {
    let signature = token();
    let name = file.attributes.get("name").and_then(Value::as_str).unwrap_or("file");
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let url = format!(
        "{}/sim-s3/files/{id}/{name}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires={}&X-Amz-Signature={signature}",
        file.base,
        LINK_TTL.as_secs()
    );
    let mut links = lock(&sim.links);
    let now = Instant::now();
    links.retain(|_, l| l.expires > now);
    links.insert(signature, Link { id: id.into(), expires: now + LINK_TTL });
    url
}

/// The attachment object: `{type, id, attributes, links}` with `links.related` when uploaded.
fn object(id: &str, file: &File, related: Option<String>) -> Value {
    let mut links = json!({ "self": format!("/v1/attachments/{id}") });
    if let Some(r) = related {
        links["related"] = Value::String(r);
    }
    json!({ "type": "attachment", "id": id, "attributes": file.attributes, "links": links })
}

/// `POST /v1/attachments {name, contentType, contentLength}`: the attachment, and in
/// `meta.upload` the form to upload its bytes with.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, headers: HeaderMap, JsonBody(body): JsonBody) -> Reply {
    let Some(Value::Object(m)) = body else {
        return Reply::error(400, "bad_request", "body must be a JSON object");
    };
    let Some(name) = m.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) else {
        return Reply::invalid("name", "name is required");
    };
    let content_type = m.get("contentType").and_then(Value::as_str).unwrap_or("application/octet-stream");
    let length = m.get("contentLength").and_then(Value::as_u64);
    if length.is_some_and(|n| n > MAX_FILE as u64) {
        return Reply::invalid("contentLength", "file too large");
    }
    let mut store = lock(&sim.store);
    let id = store.new_id(0xa77a_0002);
    drop(store);
    let mut attributes = Map::new();
    attributes.insert("name".into(), json!(name));
    attributes.insert("contentType".into(), json!(content_type));
    if let Some(n) = length {
        attributes.insert("contentLength".into(), json!(n));
    }
    attributes.insert("redacted".into(), json!(false));
    let mut fields = Map::new();
    fields.insert("key".into(), json!(format!("attachments/{id}")));
    fields.insert("Content-Type".into(), json!(content_type));
    fields.insert("policy".into(), json!(token()));
    fields.insert("x-amz-signature".into(), json!(token()));
    let base = base(&headers, &sim.prefix);
    let upload = json!({ "url": format!("{base}/sim-s3/upload"), "fields": fields });
    let file = File { attributes, fields, base, bytes: None };
    let doc = json!({ "data": object(&id, &file, None), "meta": { "upload": upload } });
    lock(&sim.files).insert(id, file);
    Reply::json(201, &doc)
}

/// `GET /v1/attachments/{id}`: the attachment, with a fresh download link once uploaded.
pub(crate) async fn get(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    let Some(file) = lock(&sim.files).get(id.as_str()).cloned() else {
        return Reply::error(404, "not_found", &format!("attachment {id} not found"));
    };
    let related = file.bytes.is_some().then(|| mint(&sim, &id, &file));
    Reply::json(200, &json!({ "data": object(&id, &file, related) }))
}

/// What S3 answers a refused request with.
fn s3_error(status: StatusCode, code: &str) -> Response {
    let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code></Error>");
    (status, [("content-type", "application/xml")], body).into_response()
}

/// `POST /sim-s3/upload`: a presigned form upload. Every field handed out must be there with
/// its value, no other, and the `file` part last; answers 204 as S3 does.
pub(crate) async fn upload(State(sim): State<Arc<Shared>>, mut form: Multipart) -> Response {
    let mut given = Map::new();
    let mut content = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return s3_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest"),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            match field.bytes().await {
                Ok(b) if b.len() <= MAX_FILE => content = Some(b),
                Ok(_) => return s3_error(StatusCode::BAD_REQUEST, "EntityTooLarge"),
                Err(_) => return s3_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest"),
            }
            break;
        }
        match field.text().await {
            Ok(t) => {
                given.insert(name, Value::String(t));
            }
            Err(_) => return s3_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest"),
        }
    }
    let Some(content) = content else { return s3_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest") };
    let mut files = lock(&sim.files);
    let key = given.get("key").and_then(Value::as_str).unwrap_or_default();
    let Some((id, file)) = files.iter_mut().find(|(_, f)| f.fields.get("key").and_then(Value::as_str) == Some(key))
    else {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied");
    };
    if file.fields != given || file.bytes.is_some() {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied");
    }
    file.attributes.insert("contentLength".into(), json!(content.len()));
    file.bytes = Some(content);
    let (id, file) = (id.clone(), file.clone());
    drop(files);
    // Side-loaded copies (`include=attachments`) carry a link minted now.
    let related = mint(&sim, &id, &file);
    let rendered = object(&id, &file, Some(related)).to_string().into_boxed_str();
    lock(&sim.store).attachments.insert(id, rendered);
    StatusCode::NO_CONTENT.into_response()
}

/// The query of a download link.
#[derive(Debug, Deserialize)]
pub(crate) struct Signed {
    #[serde(rename = "X-Amz-Signature", default)]
    signature: String,
}

/// `GET /sim-s3/files/{id}/{name}?X-Amz-Signature=…`: the bytes, to whoever holds an
/// unexpired link for that attachment.
pub(crate) async fn download(
    State(sim): State<Arc<Shared>>,
    Path((id, _name)): Path<(String, String)>,
    Query(q): Query<Signed>,
) -> Response {
    let valid = lock(&sim.links).get(&q.signature).is_some_and(|l| *l.id == *id && l.expires > Instant::now());
    if !valid {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied");
    }
    let Some(file) = lock(&sim.files).get(id.as_str()).cloned() else {
        return s3_error(StatusCode::NOT_FOUND, "NoSuchKey");
    };
    let Some(bytes) = file.bytes else { return s3_error(StatusCode::NOT_FOUND, "NoSuchKey") };
    let content_type = file.attributes.get("contentType").and_then(Value::as_str).unwrap_or("application/octet-stream");
    let mut resp = Response::new(Body::from(bytes));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert("content-type", v);
    }
    resp
}

/// The ids of uploaded attachments a message create names in `attachments` (`[{"_id": …}]`
/// or `["…"]`); a 400 naming the first that is unknown or not uploaded yet.
pub(crate) fn uploaded_ids(sim: &Shared, given: &Value) -> Result<Vec<Id>, Reply> {
    let Some(items) = given.as_array() else {
        return Err(Reply::invalid("attachments", "attachments must be an array"));
    };
    let files = lock(&sim.files);
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let id = item.as_str().or_else(|| item.get("_id").and_then(Value::as_str)).unwrap_or_default();
        if files.get(id).is_none_or(|f| f.bytes.is_none()) {
            return Err(Reply::invalid("attachments", &format!("attachment {id:?} is not uploaded")));
        }
        ids.push(Id::from(id));
    }
    Ok(ids)
}
