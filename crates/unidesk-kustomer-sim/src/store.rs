//! The simulated org's records.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

/// One Kustomer record: type, id, attributes and relationships, plus its clock.
#[derive(Debug, Clone)]
pub struct Rec {
    pub kind: &'static str,
    pub id: String,
    pub attrs: Map<String, Value>,
    pub rels: Map<String, Value>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

impl Rec {
    pub fn new(kind: &'static str, id: String, created: DateTime<Utc>, updated: DateTime<Utc>) -> Self {
        Rec { kind, id, attrs: Map::new(), rels: Map::new(), created, updated }
    }

    pub fn attr(mut self, k: &str, v: Value) -> Self {
        if !v.is_null() {
            self.attrs.insert(k.to_owned(), v);
        }
        self
    }

    pub fn rel(mut self, name: &str, kind: &str, id: &str) -> Self {
        self.rels.insert(
            name.to_owned(),
            json!({ "data": { "type": kind, "id": id }, "links": { "self": format!("/v1/{kind}s/{id}") } }),
        );
        self
    }

    pub fn rel_id(&self, name: &str) -> Option<&str> {
        self.rels.get(name)?.get("data")?.get("id")?.as_str()
    }
}

/// The collections, by Kustomer path name.
#[derive(Debug, Default)]
pub struct Store {
    pub collections: BTreeMap<&'static str, BTreeMap<String, Rec>>,
    pub attachments: BTreeMap<String, Value>,
    counter: u64,
    last_tick: Option<DateTime<Utc>>,
}

/// Collection names as they appear in paths.
pub const COLLECTIONS: [&str; 8] =
    ["conversations", "customers", "companies", "messages", "notes", "tags", "teams", "users"];

impl Store {
    pub fn coll(&self, name: &str) -> Option<&BTreeMap<String, Rec>> {
        self.collections.get(name)
    }

    pub fn coll_mut(&mut self, name: &str) -> Option<&mut BTreeMap<String, Rec>> {
        self.collections.get_mut(name)
    }

    pub fn insert(&mut self, coll: &'static str, rec: Rec) {
        self.collections.entry(coll).or_default().insert(rec.id.clone(), rec);
    }

    /// A new id: 24 hex digits, increasing.
    pub fn new_id(&mut self, prefix: u32) -> String {
        self.counter += 1;
        format!("{prefix:08x}{:016x}", self.counter)
    }

    /// Now, strictly after every earlier tick.
    pub fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now();
        let t = match self.last_tick {
            Some(last) if now <= last => last + Duration::milliseconds(1),
            _ => now,
        };
        self.last_tick = Some(t);
        t
    }
}

/// Kustomer-style timestamp with milliseconds.
pub fn ts(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}
