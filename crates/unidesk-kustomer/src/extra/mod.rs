//! Typed calls for the Kustomer objects the normalized model does not hold: notes beyond
//! create, klasses and KObjects, sub-statuses, bulk jobs, the audit log, outbound webhook
//! subscriptions, lookups and full replacements, users, messages, the search API and reply
//! drafts. One module per area; each is a set of [`KustomerClient`] methods or a small handle
//! (`client.kobjects("order")`) borrowing the client.
//!
//! Every call is a `Call` sent through the client's one request path (`KustomerClient::send`): the same auth, pacing,
//! retries, error mapping and token redaction as the normalized calls, ids checked by
//! [`unidesk_core::Id::parse`] and placed by the crate's path templates. Listings go through the listing
//! engine: the same opaque cursors, loop guards and streaming. Where a path or
//! a response shape is not settled by a public source (marked \[U\] in
//! `docs/mapping-kustomer.md`), the request is typed and the answer kept as JSON.

pub mod audit;
pub mod bulk;
pub mod drafts;
pub mod klasses;
pub mod lookups;
pub mod notes;
pub mod outbound;
pub mod search;
pub mod substatuses;
pub mod users;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use unidesk_core::{ListQuery, Page, Record, Resource, Result, one_line};

use crate::client::{Call, KustomerClient};
use crate::decode::{DecodeOptions, Decoded};
use crate::list::{Endpoint, Source};
use crate::paths::PathTemplate;
use crate::wire::{Document, RelationshipData, ResourceObject};

/// Any Kustomer record, as Kustomer sends it: its type, id, attributes and the ids its
/// relationships name. Used where a shape is not settled (\[U\]) and by the search API, whose
/// results are of whatever type the query context lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KustomerObject {
    /// Kustomer's id.
    pub id: String,
    /// The record type (`conversation`, `kobject.order`, `bulk`…), when sent.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The attributes, verbatim.
    pub attributes: Map<String, Value>,
    /// Each relationship's id (to-one) or ids (to-many), by relationship name.
    pub relationships: BTreeMap<String, Value>,
    /// `attributes.createdAt`, when it is a time.
    pub created_at: Option<DateTime<Utc>>,
    /// `attributes.updatedAt`, when it is a time.
    pub updated_at: Option<DateTime<Utc>>,
}

impl KustomerObject {
    /// Attribute `name` as text, when it is a string.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(Value::as_str)
    }

    /// The id of relationship `name` (the first, for a to-many one).
    pub fn related(&self, name: &str) -> Option<&str> {
        match self.relationships.get(name)? {
            Value::String(s) => Some(s),
            Value::Array(ids) => ids.first().and_then(Value::as_str),
            _ => None,
        }
    }
}

/// [`Record`] for a typed Kustomer record with `id`, `created_at`, `updated_at` and
/// `attributes` fields (the way `unidesk_core` implements it for its models): deleted when
/// Kustomer says `deleted: true`; nothing to strip (the attributes are the record).
/// `@keys` for a record without `attributes` (never reported deleted).
macro_rules! impl_record {
    (@keys $t:ty { $($deleted:tt)* }) => {
        impl unidesk_core::Record for $t {
            fn id(&self) -> &str { &self.id }
            fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>> { self.created_at }
            fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> { self.updated_at }
            fn strip_remote_data(&mut self) {}
            $($deleted)*
        }
    };
    ($($t:ty),+) => {$(
        impl_record!(@keys $t {
            fn remote_was_deleted(&self) -> bool {
                self.attributes.get("deleted").and_then(serde_json::Value::as_bool) == Some(true)
            }
        });
    )+};
}

impl_record!(KustomerObject, klasses::Klass, klasses::KObject, substatuses::SubStatus, drafts::Draft);
impl_record!(@keys outbound::OutboundWebhook {});

/// A typed record built from one Kustomer object.
pub(crate) trait FromObject: Sized {
    /// The typed record of `obj`.
    fn from_object(obj: KustomerObject) -> Self;
}

impl FromObject for KustomerObject {
    fn from_object(obj: KustomerObject) -> Self {
        obj
    }
}

/// A time attribute (`createdAt`), when present and well-formed.
pub(crate) fn time(attrs: &Map<String, Value>, name: &str) -> Option<DateTime<Utc>> {
    attrs.get(name).and_then(Value::as_str).and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.to_utc())
}

/// A string-list attribute (`events`, `to`), strings only.
pub(crate) fn strings(attrs: &Map<String, Value>, name: &str) -> Vec<String> {
    match attrs.get(name) {
        Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A string attribute.
pub(crate) fn string(attrs: &Map<String, Value>, name: &str) -> Option<String> {
    attrs.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// A wire object → [`KustomerObject`].
pub(crate) fn object_of(obj: ResourceObject<Map<String, Value>>) -> KustomerObject {
    let relationships = obj
        .relationships
        .iter()
        .filter_map(|(name, rel)| {
            let ids = match rel.data.as_ref()? {
                RelationshipData::One(i) => Value::String(i.id.clone()),
                RelationshipData::Many(v) => Value::Array(v.iter().map(|i| Value::String(i.id.clone())).collect()),
            };
            Some((name.clone(), ids))
        })
        .collect();
    let (created_at, updated_at) = (time(&obj.attributes, "createdAt"), time(&obj.attributes, "updatedAt"));
    KustomerObject { id: obj.id, kind: obj.kind, attributes: obj.attributes, relationships, created_at, updated_at }
}

/// One `T` from a single-record body.
pub(crate) fn decode_one<T: FromObject>(bytes: &[u8], context: &str) -> Result<T> {
    let doc: Document<ResourceObject<Map<String, Value>>> = crate::wire::parse(context, bytes)?;
    Ok(T::from_object(object_of(doc.data)))
}

/// Every `T` of a list body, in order.
pub(crate) fn decode_list<T: FromObject>(bytes: &[u8], context: &str) -> Result<Vec<T>> {
    decode_page::<T>(bytes, context, DecodeOptions::default()).map(|d| d.items)
}

/// A list body of `T` as the listing engine reads it.
pub(crate) fn decode_page<T: FromObject>(bytes: &[u8], context: &str, _: DecodeOptions<'_>) -> Result<Decoded<T>> {
    let doc: Document<Vec<ResourceObject<Map<String, Value>>>> = crate::wire::parse(context, bytes)?;
    let items = doc.data.into_iter().map(|o| T::from_object(object_of(o))).collect();
    Ok(Decoded::new(items, doc.links.next.as_deref()))
}

/// A listing source: the GET list at `path` (traced as `template`), serving up to `max` a page.
pub(crate) fn get_source<T: FromObject + Record>(path: String, template: &'static str, max: u32) -> Source<T> {
    Source { endpoint: Endpoint::Get { path, template, max_page_size: max, include: None }, decode: decode_page::<T> }
}

/// Rejects a listing option these endpoints cannot honour (deleted records, time filters are
/// applied client-side by the engine; deleted records are not listed by a GET list).
pub(crate) fn plain_listing(query: &ListQuery) -> Result<()> {
    if query.include_deleted {
        return Err(unidesk_core::Error::invalid_input(
            "include_deleted: Kustomer lists deleted records only through its search API",
        ));
    }
    Ok(())
}

impl KustomerClient {
    /// One page of the GET listing at `at` (filled with `values`), behind the engine's cursor;
    /// cursors of one path are refused by another.
    pub(crate) async fn list_at<T: FromObject + Record>(
        &self,
        resource: Resource,
        at: &PathTemplate,
        values: &[&str],
        max: u32,
        query: &ListQuery,
    ) -> Result<Page<T>> {
        plain_listing(query)?;
        let path = at.fill_text(values);
        let source = get_source::<T>(path.clone(), at.template(), max);
        self.list_sources_keyed(resource, &path, query, &[source]).await
    }

    /// Sends `call` and decodes the one `T` it answers with.
    pub(crate) async fn send_one<T: FromObject>(&self, call: &Call<'_>) -> Result<T> {
        let resp = self.send(call).await?;
        decode_one::<T>(&resp.body, call.template)
    }
}

/// Checks a free-text path value (a klass name, a lookup value): not empty, bounded, no
/// control characters. It is percent-encoded as one segment when placed.
pub(crate) fn check_value(what: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > 512 || value.chars().any(char::is_control) {
        return Err(unidesk_core::Error::invalid_input(format!("{what} rejected: {:?}", one_line(value, 60))));
    }
    Ok(())
}

/// Removes `None`s from a JSON object built from optional fields.
pub(crate) fn compact(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.retain(|_, x| !x.is_null());
    }
    v
}
