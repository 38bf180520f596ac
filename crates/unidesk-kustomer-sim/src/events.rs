//! What every write announces: an entry in the audit log (`GET /v1/audit-logs`) and a
//! `kustomer.<type>.<verb>` event to the outbound webhooks.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::record::{Id, push_str, ts};
use crate::state::{Shared, lock};
use crate::store::Store;

/// The user the simulator's API keys act as (audit entries name it).
pub(crate) const API_USER: &str = "5e5e0001ffffffffffffffff";

/// Records `verb` (`create`, `update`, `delete`) on record `id` of type `kind` in the audit log
/// and sends `kustomer.<kind>.<verb>` with `data` (the rendered record) to the webhooks
/// (changes to the webhooks themselves are audited only, no event).
pub(crate) fn publish(sim: &Shared, kind: &str, verb: &str, id: &str, data: &[u8], changes: Option<Value>) {
    {
        let mut store = lock(&sim.store);
        let now = store.tick();
        audit(&mut store, now, kind, verb, id, changes);
    }
    if kind == "outbound_webhook" {
        return;
    }
    let name = format!("kustomer.{kind}.{verb}");
    // The event's keys in order: createdAt, data, id, name, org.
    let mut body = b"{\"createdAt\":".to_vec();
    push_str(&mut body, &ts(Utc::now()));
    body.extend_from_slice(b",\"data\":");
    body.extend_from_slice(data);
    body.extend_from_slice(b",\"id\":");
    push_str(&mut body, &format!("{:024x}", fastrand::u128(..) >> 32));
    body.extend_from_slice(b",\"name\":");
    push_str(&mut body, &name);
    body.extend_from_slice(b",\"org\":\"sim-org\"}");
    crate::hooks::deliver(sim, &name, &body);
}

/// One audit-log entry, kept compactly and rendered when served.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Its id (ids grow with every entry).
    pub(crate) id: Id,
    /// When the write happened.
    pub(crate) at: DateTime<Utc>,
    /// The type of the record written (`conversation`, `kobject.order`…).
    pub(crate) kind: Box<str>,
    /// `create`, `update` or `delete`.
    pub(crate) verb: Box<str>,
    /// The record's id.
    pub(crate) object: Id,
    /// The attributes' changes, for updates.
    pub(crate) changes: Option<Box<Value>>,
}

impl Entry {
    /// `kustomer.<kind>.<verb>`.
    pub(crate) fn event_name(&self) -> String {
        format!("kustomer.{}.{}", self.kind, self.verb)
    }

    /// The entry as Kustomer's audit-log record.
    pub(crate) fn render(&self) -> Value {
        let mut attrs = json!({
            "eventName": self.event_name(),
            "eventVerb": &*self.verb,
            "objectType": &*self.kind,
            "objectId": &*self.object,
            "userType": "user",
            "client": "api",
            "createdAt": ts(self.at),
            "publishedAt": ts(self.at),
        });
        if let Some(c) = &self.changes {
            attrs["changes"] = (**c).clone();
        }
        json!({
            "type": "audit_log",
            "id": &*self.id,
            "attributes": attrs,
            "relationships": { "user": { "data": { "type": "user", "id": API_USER } } },
            "links": { "self": format!("/v1/audit-logs/{}", self.id) },
        })
    }
}

/// Appends an audit-log entry for `verb` on `id` of type `kind` at `at`.
pub(crate) fn audit(store: &mut Store, at: DateTime<Utc>, kind: &str, verb: &str, id: &str, changes: Option<Value>) {
    let entry = store.new_id(0xa0d1_0001);
    let e = Entry {
        id: entry.clone(),
        at,
        kind: kind.into(),
        verb: verb.into(),
        object: id.into(),
        changes: changes.map(Box::new),
    };
    store.docs.audit.insert(entry, e);
}

/// `{"attributes":{name:{"op":"replace","before","after"}}}` for each attribute of `after` that
/// differs from `before` (the shape of Kustomer's webhook `changes`).
pub(crate) fn changes(before: &Map<String, Value>, after: &Map<String, Value>) -> Option<Value> {
    let mut out = Map::new();
    for (k, v) in after {
        if before.get(k) != Some(v) {
            out.insert(k.clone(), json!({ "op": "replace", "before": before.get(k), "after": v }));
        }
    }
    for (k, v) in before {
        if !after.contains_key(k) {
            out.insert(k.clone(), json!({ "op": "remove", "before": v, "after": null }));
        }
    }
    (!out.is_empty()).then(|| json!({ "attributes": out }))
}
