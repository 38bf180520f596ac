//! Outbound webhook subscriptions (`/v1/outbound-webhooks`): list, create (the signing token
//! is in the create answer only), get, update, delete; and [`notify`], which announces a
//! record's write (audit log and webhook event).

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::doc::Doc;
use crate::extract::{JsonBody, Paging, Params, PathId};
use crate::hook::Hook;
use crate::record::Rec;
use crate::reply::Reply;
use crate::routes::paged;
use crate::state::{Shared, lock};

/// Announces `verb` on `rec` (record `id` of `coll`): audit log and `kustomer.<type>.<verb>`.
pub(crate) fn notify(sim: &Shared, coll: Coll, verb: &str, id: &str, rec: &Rec) {
    let mut data = Vec::new();
    rec.write_json(&mut data, coll, id);
    crate::events::publish(sim, coll.kind(), verb, id, &data, None);
}

/// `GET /v1/outbound-webhooks`: paged, without tokens.
pub(crate) async fn list(State(sim): State<Arc<Shared>>, Params(q): Params<Paging>, uri: Uri) -> Reply {
    let hooks = lock(&sim.webhooks);
    let docs: Vec<&Doc> = hooks.values().map(|h| &h.doc).collect();
    paged::docs(&docs, &q, 100, uri.path(), "").unwrap_or_else(|r| r)
}

/// `GET /v1/outbound-webhooks/{id}`.
pub(crate) async fn get(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    match lock(&sim.webhooks).get(id.as_str()) {
        Some(h) => Reply::raw(200, h.doc.single()),
        None => Reply::error(404, "not_found", "Outbound webhook not found"),
    }
}

/// Checks the writable attributes of a subscription; `create` requires `url`.
fn fields(body: Option<Value>, create: bool) -> Result<Map<String, Value>, Reply> {
    let Some(Value::Object(m)) = body else {
        return Err(Reply::error(400, "bad_request", "body must be a JSON object"));
    };
    let mut out = Map::new();
    for (k, v) in m {
        let ok = match k.as_str() {
            "url" => v.as_str().is_some_and(|u| u.starts_with("http://") || u.starts_with("https://")),
            "name" => v.as_str().is_some_and(|n| n.chars().count() <= 255),
            "events" => v.as_array().is_some_and(|e| e.len() <= 12 && e.iter().all(Value::is_string)),
            "headers" => v.as_array().is_some_and(|hs| {
                hs.iter().all(|h| {
                    h.get("name").is_some_and(Value::is_string) && h.get("value").is_some_and(Value::is_string)
                })
            }),
            "enabled" => v.is_boolean(),
            "description" => v.is_string(),
            _ => continue,
        };
        if !ok {
            return Err(Reply::invalid(&k, &format!("{k} is not valid")));
        }
        out.insert(k, v);
    }
    if create && !out.contains_key("url") {
        return Err(Reply::invalid("url", "url is required"));
    }
    Ok(out)
}

/// `POST /v1/outbound-webhooks`: 201 with `attributes.token`, the signing key, shown this once.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    let mut attrs = match fields(body, true) {
        Ok(a) => a,
        Err(r) => return r,
    };
    attrs.entry("events").or_insert_with(|| json!([]));
    attrs.entry("headers").or_insert_with(|| json!([]));
    attrs.entry("enabled").or_insert(Value::Bool(true));
    let name = attrs.get("url").cloned().unwrap_or_default();
    attrs.entry("name").or_insert(name);
    let doc = {
        let mut store = lock(&sim.store);
        let now = store.tick();
        let id = store.new_id(0x0e3b_0001);
        Doc::new("outbound_webhook", id.clone(), format!("/v1/outbound-webhooks/{id}"), now, attrs)
    };
    let token = format!("{:032x}", fastrand::u128(..));
    {
        let mut hooks = lock(&sim.webhooks);
        let max = sim.config.max_webhooks;
        if hooks.len() >= max {
            return Reply::error(400, "bad_request", &format!("An org may have at most {max} outbound webhooks"));
        }
        hooks.insert(doc.id.clone(), Hook { doc: doc.clone(), token: token.clone() });
    }
    let mut shown = doc.value();
    shown["attributes"]["token"] = Value::String(token);
    crate::events::publish(&sim, "outbound_webhook", "create", &doc.id, doc.json().as_bytes(), None);
    Reply::json(201, &json!({ "data": shown }))
}

/// `PUT`/`PATCH /v1/outbound-webhooks/{id}`: merges the given attributes.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, PathId(id): PathId, JsonBody(body): JsonBody) -> Reply {
    let attrs = match fields(body, false) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let now = lock(&sim.store).tick();
    let doc = {
        let mut hooks = lock(&sim.webhooks);
        let Some(h) = hooks.get_mut(id.as_str()) else {
            return Reply::error(404, "not_found", "Outbound webhook not found");
        };
        h.doc.attrs.extend(attrs);
        h.doc.updated = now;
        h.doc.refresh();
        h.doc.clone()
    };
    crate::events::publish(&sim, "outbound_webhook", "update", &id, doc.json().as_bytes(), None);
    Reply::raw(200, doc.single())
}

/// `DELETE /v1/outbound-webhooks/{id}`: 204; deliveries stop.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    let Some(h) = lock(&sim.webhooks).remove(id.as_str()) else {
        return Reply::error(404, "not_found", "Outbound webhook not found");
    };
    crate::events::publish(&sim, "outbound_webhook", "delete", &id, h.doc.json().as_bytes(), None);
    Reply::raw(204, Vec::new())
}
