//! Wire types for Kustomer's JSON:API-like envelope and its resources.
//!
//! Every struct tolerates unknown fields and absent optional ones: Kustomer
//! adds attributes over time and omits empty ones.

mod attributes;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use attributes::*;

/// A response body: `{"data": …, "links": …, "meta": …, "included": […]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Document<D> {
    /// One resource object or a list of them.
    pub data: D,
    /// Pagination links.
    #[serde(default)]
    pub links: Links,
    /// Side-loaded objects (`include=attachments`).
    #[serde(default)]
    pub included: Vec<ResourceObject<serde_json::Value>>,
}

/// Pagination links; relative paths such as `/v1/customers?page=3&pageSize=100`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Links {
    /// This page.
    #[serde(default, rename = "self")]
    pub self_: Option<String>,
    /// The next page; `null` on the last page.
    #[serde(default)]
    pub next: Option<String>,
    /// A related resource; for an attachment, its content's presigned S3 URL.
    #[serde(default)]
    pub related: Option<PresignedUrl>,
}

/// A URL that may be presigned (a secret while it lasts): its `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct PresignedUrl(String);

impl PresignedUrl {
    /// The URL itself; keep it out of logs and error messages.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PresignedUrl(<redacted>)")
    }
}

/// One resource: `{"type", "id", "attributes", "relationships", "links"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ResourceObject<A> {
    /// Kustomer's id.
    pub id: String,
    /// The resource type (`conversation`, `customer`…).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The attributes.
    pub attributes: A,
    /// Links to related records.
    #[serde(default)]
    pub relationships: BTreeMap<String, Relationship>,
    /// The record's own links.
    #[serde(default)]
    pub links: Links,
}

/// A relationship; some carry only `links`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Relationship {
    /// One identifier, several, or none.
    #[serde(default)]
    pub data: Option<RelationshipData>,
}

/// The `data` of a relationship.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RelationshipData {
    /// To-one.
    One(Identifier),
    /// To-many.
    Many(Vec<Identifier>),
}

/// `{"type": "user", "id": "…"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Identifier {
    /// The related record's id.
    pub id: String,
    /// Its type (sometimes plural, e.g. `customers`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

impl<A> ResourceObject<A> {
    /// The id of a to-one relationship, if present.
    pub fn related_id(&self, name: &str) -> Option<String> {
        match self.relationships.get(name)?.data.as_ref()? {
            RelationshipData::One(i) => Some(i.id.clone()),
            RelationshipData::Many(v) => v.first().map(|i| i.id.clone()),
        }
    }

    /// The ids of a to-many relationship (empty if absent).
    pub fn related_ids(&self, name: &str) -> Vec<String> {
        match self.relationships.get(name).and_then(|r| r.data.as_ref()) {
            Some(RelationshipData::One(i)) => vec![i.id.clone()],
            Some(RelationshipData::Many(v)) => v.iter().map(|i| i.id.clone()).collect(),
            None => Vec::new(),
        }
    }
}

/// Kustomer's error body: `{"errors": [...]}` in either documented shape.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    /// The errors.
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

/// One error: `{code, message, meta}` or JSON:API `{status, code, title, detail, source}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorItem {
    /// Machine code (`bad_request`).
    #[serde(default)]
    pub code: Option<serde_json::Value>,
    /// Human message (first shape).
    #[serde(default)]
    pub message: Option<String>,
    /// Title (JSON:API shape).
    #[serde(default)]
    pub title: Option<String>,
    /// Detail (JSON:API shape).
    #[serde(default)]
    pub detail: Option<String>,
    /// Where the problem is.
    #[serde(default)]
    pub source: Option<ErrorSource>,
}

/// `source` of an error item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorSource {
    /// JSON pointer into the request body.
    #[serde(default)]
    pub pointer: Option<String>,
    /// A query parameter name.
    #[serde(default, alias = "parameters")]
    pub parameter: Option<serde_json::Value>,
}

/// Parses a body as `T`, naming `context` in the error.
pub fn parse<T: DeserializeOwned>(context: &str, bytes: &[u8]) -> unidesk_core::Result<T> {
    serde_json::from_slice(bytes).map_err(|e| unidesk_core::Error::decode_from(context, e))
}
