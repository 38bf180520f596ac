//! What every write announces: an entry in the audit log (`GET /v1/audit-logs`) and a
//! `kustomer.<type>.<verb>` event to the outbound webhooks.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::doc::Doc;
use crate::record::{push_str, ts};
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

/// Appends an audit-log entry for `verb` on `id` of type `kind` at `at`.
pub(crate) fn audit(store: &mut Store, at: DateTime<Utc>, kind: &str, verb: &str, id: &str, changes: Option<Value>) {
    let entry = store.new_id(0xa0d1_0001);
    let mut attrs = Map::new();
    attrs.insert("eventName".into(), json!(format!("kustomer.{kind}.{verb}")));
    attrs.insert("eventVerb".into(), json!(verb));
    attrs.insert("objectType".into(), json!(kind));
    attrs.insert("objectId".into(), json!(id));
    attrs.insert("userType".into(), json!("user"));
    attrs.insert("client".into(), json!("api"));
    attrs.insert("publishedAt".into(), json!(ts(at)));
    if let Some(c) = changes {
        attrs.insert("changes".into(), c);
    }
    let link = format!("/v1/audit-logs/{entry}");
    let mut doc = Doc::new("audit_log", entry.clone(), link, at, attrs);
    doc.set_rel("user", "user", Some(API_USER));
    doc.refresh();
    store.docs.audit.insert(entry, doc);
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
