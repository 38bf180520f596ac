//! Records of the resources that need no compact form (klasses, KObjects, sub-statuses,
//! drafts, audit-log entries, webhooks): each kept as a JSON map and, once first served,
//! pre-serialized as the bytes Kustomer would send, so listings only copy strings (and
//! seeding renders nothing).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::record::{Id, ts};

/// One record: its parts, and its rendering `{attributes, id, links, relationships, type}`.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// The record's `type`.
    pub(crate) kind: Box<str>,
    /// Its id.
    pub(crate) id: Id,
    /// `links.self`.
    pub(crate) link: Box<str>,
    /// `createdAt`.
    pub(crate) created: DateTime<Utc>,
    /// `updatedAt`.
    pub(crate) updated: DateTime<Utc>,
    /// The attributes other than the clock.
    pub(crate) attrs: Map<String, Value>,
    /// The relationships: name, type pointed at, id (rendered `{"data":{"id","type"}}`).
    rels: Vec<(&'static str, &'static str, Id)>,
    /// The rendering, made on first use and dropped by [`Doc::refresh`].
    json: std::sync::OnceLock<Box<str>>,
}

impl Doc {
    /// A record created (and last updated) at `created`.
    pub(crate) fn new(kind: &str, id: Id, link: String, created: DateTime<Utc>, attrs: Map<String, Value>) -> Doc {
        Doc {
            kind: kind.into(),
            id,
            link: link.into_boxed_str(),
            created,
            updated: created,
            attrs,
            rels: Vec::new(),
            json: std::sync::OnceLock::new(),
        }
    }

    /// Sets relationship `name` to the record `id` of type `kind` (or removes it for `None`); call
    /// [`Doc::refresh`] after changes.
    pub(crate) fn set_rel(&mut self, name: &'static str, kind: &'static str, id: Option<&str>) {
        self.rels.retain(|r| r.0 != name);
        if let Some(id) = id {
            self.rels.push((name, kind, id.into()));
        }
    }

    /// The id relationship `name` points at.
    pub(crate) fn rel_id(&self, name: &str) -> Option<&str> {
        self.rels.iter().find(|r| r.0 == name).map(|r| &*r.2)
    }

    /// Attribute `name` as a string.
    pub(crate) fn str_attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(Value::as_str)
    }

    /// Drops the rendering after the record's parts changed (the next use renders again).
    pub(crate) fn refresh(&mut self) {
        self.json = std::sync::OnceLock::new();
    }

    fn render(&self) -> Box<str> {
        let mut attrs = self.attrs.clone();
        attrs.insert("createdAt".into(), Value::String(ts(self.created)));
        attrs.insert("updatedAt".into(), Value::String(ts(self.updated)));
        let doc = json!({
            "type": &*self.kind,
            "id": &*self.id,
            "attributes": attrs,
            "relationships": self.rels.iter().map(|(name, kind, id)| {
                ((*name).to_owned(), json!({ "data": { "type": kind, "id": &**id } }))
            }).collect::<Map<String, Value>>(),
            "links": { "self": &*self.link },
        });
        doc.to_string().into_boxed_str()
    }

    /// The rendered record.
    pub(crate) fn json(&self) -> &str {
        self.json.get_or_init(|| self.render())
    }

    /// The record as a JSON value (attributes with the clock).
    pub(crate) fn value(&self) -> Value {
        serde_json::from_str(self.json()).unwrap_or(Value::Null)
    }

    /// `{"data": record}`.
    pub(crate) fn single(&self) -> Vec<u8> {
        let json = self.json();
        let mut out = Vec::with_capacity(json.len() + 10);
        out.extend_from_slice(b"{\"data\":");
        out.extend_from_slice(json.as_bytes());
        out.push(b'}');
        out
    }
}

/// Every record kept as a [`Doc`], by kind, each map keyed (and listed) by id.
#[derive(Debug, Default)]
pub(crate) struct Docs {
    /// Klasses (`/v1/klasses`).
    pub(crate) klasses: BTreeMap<Id, Doc>,
    /// KObjects, by klass name.
    pub(crate) kobjects: BTreeMap<Box<str>, BTreeMap<Id, Doc>>,
    /// Sub-statuses (`/v1/sub-statuses`).
    pub(crate) sub_statuses: BTreeMap<Id, Doc>,
    /// Reply drafts (`/v1/drafts`).
    pub(crate) drafts: BTreeMap<Id, Doc>,
    /// Audit-log entries (`/v1/audit-logs`), oldest first.
    pub(crate) audit: BTreeMap<Id, crate::events::Entry>,
}

impl Docs {
    /// The klass named `name`, with its id.
    pub(crate) fn klass_named(&self, name: &str) -> Option<&Doc> {
        self.klasses.values().find(|k| k.str_attr("name") == Some(name))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_doc_renders_its_parts_with_the_clock_and_follows_changes() {
        let t = Utc.timestamp_opt(1_700_000_000, 0).single().unwrap_or_default();
        let mut attrs = Map::new();
        attrs.insert("title".into(), json!("Order 1"));
        let mut d = Doc::new("kobject.order", "k1".into(), "/v1/klasses/order/k1".into(), t, attrs);
        let v = d.value();
        assert_eq!(v["type"], "kobject.order");
        assert_eq!(v["attributes"]["createdAt"], ts(t));
        assert_eq!(v["links"]["self"], "/v1/klasses/order/k1");
        d.set_rel("customer", "customer", Some("c1"));
        d.attrs.insert("title".into(), json!("Order 2"));
        d.refresh();
        let v: Value = serde_json::from_slice(&d.single()).unwrap_or_default();
        assert_eq!(v["data"]["attributes"]["title"], "Order 2");
        assert_eq!(v["data"]["relationships"]["customer"]["data"]["id"], "c1");
        assert_eq!(d.rel_id("customer"), Some("c1"));
        d.set_rel("customer", "customer", None);
        assert_eq!(d.rel_id("customer"), None);
    }
}
