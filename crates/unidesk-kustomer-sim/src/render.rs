//! Kustomer's JSON envelopes: list pages, single records and error bodies.

use serde_json::{Value, json};

use crate::coll::Coll;
use crate::record::{Rec, push_json};

/// A list page under construction: records (and included ones) are appended as
/// they are rendered, then [`Page::finish`] wraps them with `links` and `meta`.
#[derive(Debug, Default)]
pub(crate) struct Page {
    data: Vec<u8>,
    count: usize,
    included: Vec<u8>,
}

/// Where a page sits: its path, the other query parameters kept in its links, and its number and size.
#[derive(Debug)]
pub(crate) struct PageLinks<'a> {
    /// The listing's path.
    pub(crate) path: &'a str,
    /// Query parameters other than paging, each followed by `&`.
    pub(crate) extra: &'a str,
    /// This page's number.
    pub(crate) page: u32,
    /// The page size.
    pub(crate) size: u32,
    /// Whether a next page exists.
    pub(crate) has_next: bool,
}

impl Page {
    /// Appends a record to `data`.
    pub(crate) fn push(&mut self, rec: &Rec, coll: Coll, id: &str) {
        if self.count > 0 {
            self.data.push(b',');
        }
        self.count += 1;
        rec.write_json(&mut self.data, coll, id);
    }

    /// Appends an already rendered record to `data`.
    pub(crate) fn push_raw(&mut self, json: &str) {
        if self.count > 0 {
            self.data.push(b',');
        }
        self.count += 1;
        self.data.extend_from_slice(json.as_bytes());
    }

    /// How many records `data` holds.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Appends an already rendered record to `included`.
    pub(crate) fn include(&mut self, json: &str) {
        if !self.included.is_empty() {
            self.included.push(b',');
        }
        self.included.extend_from_slice(json.as_bytes());
    }

    /// The whole document: `data`, `included` (when not empty), `links` and `meta`, keys in order.
    pub(crate) fn finish(self, at: &PageLinks<'_>, meta: &Value) -> Vec<u8> {
        let link = |p: u32| format!("{}?{}page={p}&pageSize={}", at.path, at.extra, at.size);
        let links = json!({
            "self": link(at.page),
            "first": link(1),
            "prev": if at.page > 1 { Value::String(link(at.page - 1)) } else { Value::Null },
            "next": if at.has_next { Value::String(link(at.page + 1)) } else { Value::Null },
        });
        let mut out = Vec::with_capacity(self.data.len() + self.included.len() + 256);
        out.extend_from_slice(b"{\"data\":[");
        out.extend_from_slice(&self.data);
        out.push(b']');
        if !self.included.is_empty() {
            out.extend_from_slice(b",\"included\":[");
            out.extend_from_slice(&self.included);
            out.push(b']');
        }
        out.extend_from_slice(b",\"links\":");
        push_json(&mut out, &links);
        out.extend_from_slice(b",\"meta\":");
        push_json(&mut out, meta);
        out.push(b'}');
        out
    }
}

/// `{"data": record}`, with `included` records when there are any.
pub(crate) fn single(rec: &Rec, coll: Coll, id: &str, included: &[&str]) -> Vec<u8> {
    let mut out = b"{\"data\":".to_vec();
    rec.write_json(&mut out, coll, id);
    if !included.is_empty() {
        out.extend_from_slice(b",\"included\":[");
        out.extend_from_slice(included.join(",").as_bytes());
        out.push(b']');
    }
    out.push(b'}');
    out
}

/// An error body in Kustomer's JSON:API shape.
pub(crate) fn error(status: u16, code: &str, detail: &str) -> Value {
    json!({ "errors": [{ "status": status, "code": code, "title": code.replace('_', " "), "detail": detail }] })
}

/// A validation error naming the attribute.
pub(crate) fn invalid(field: &str, detail: &str) -> Value {
    json!({ "errors": [{ "status": 400, "code": "bad_request", "title": "Bad Request", "detail": detail,
        "source": { "pointer": format!("/data/attributes/{field}") } }] })
}
