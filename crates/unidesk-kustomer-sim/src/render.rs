//! Kustomer's JSON envelope.

use serde_json::{Map, Value, json};

use crate::store::{Rec, ts};

/// A record as Kustomer renders it.
pub fn record(r: &Rec, coll: &str) -> Value {
    let mut attrs = r.attrs.clone();
    attrs.insert("createdAt".into(), ts(r.created));
    attrs.insert("updatedAt".into(), ts(r.updated));
    json!({
        "type": r.kind,
        "id": r.id,
        "attributes": Value::Object(attrs),
        "relationships": Value::Object(r.rels.clone()),
        "links": { "self": format!("/v1/{coll}/{}", r.id) },
    })
}

/// A list page with links; `base` is the path, `extra` the other query params kept in links.
#[allow(clippy::too_many_arguments)]
pub fn page(
    data: Vec<Value>,
    base: &str,
    extra: &str,
    page: u32,
    size: u32,
    has_next: bool,
    meta: Value,
    included: Vec<Value>,
) -> Value {
    let link = |p: u32| format!("{base}?{extra}page={p}&pageSize={size}");
    let mut doc = Map::new();
    doc.insert("meta".into(), meta);
    doc.insert("data".into(), Value::Array(data));
    doc.insert(
        "links".into(),
        json!({
            "self": link(page),
            "first": link(1),
            "prev": if page > 1 { Value::String(link(page - 1)) } else { Value::Null },
            "next": if has_next { Value::String(link(page + 1)) } else { Value::Null },
        }),
    );
    if !included.is_empty() {
        doc.insert("included".into(), Value::Array(included));
    }
    Value::Object(doc)
}

/// An error body in Kustomer's JSON:API shape.
pub fn error(status: u16, code: &str, detail: &str) -> Value {
    json!({ "errors": [{ "status": status, "code": code, "title": code.replace('_', " "), "detail": detail }] })
}

/// A validation error naming the attribute.
pub fn invalid(field: &str, detail: &str) -> Value {
    json!({ "errors": [{ "status": 400, "code": "bad_request", "title": "Bad Request", "detail": detail,
        "source": { "pointer": format!("/data/attributes/{field}") } }] })
}
