//! The webhooks API: `POST/GET /api/v2/webhooks`, `GET/DELETE /api/v2/webhooks/{id}`,
//! `GET /api/v2/webhooks/{id}/signing_secret`.

use std::sync::Arc;

use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::record::ts;
use crate::reply::Reply;
use crate::routes::Json;
use crate::state::{Shared, lock};
use crate::webhooks::Hook;

/// `POST /api/v2/webhooks`: registers `endpoint` for the `subscriptions` (event types such as
/// `zen:event-type:ticket.created`); 201 with the webhook.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, Json(body): Json) -> Reply {
    let Some(input) = body.get("webhook").and_then(Value::as_object) else {
        return Reply::bad_request("Parameter webhook is required");
    };
    let Some(endpoint) = input.get("endpoint").and_then(Value::as_str).filter(|e| e.starts_with("http")) else {
        return Reply::invalid("endpoint", "InvalidValue", "Endpoint: must be an http(s) URL");
    };
    let name = input.get("name").and_then(Value::as_str).unwrap_or("webhook");
    let subscriptions: Vec<String> = input
        .get("subscriptions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let now = lock(&sim.store).now();
    let mut list = lock(&sim.hooks.list);
    let n = list.len() + 1;
    let id = format!("01SIMHOOK{n:017}");
    let secret = format!("sim-secret-{:016x}-{n}", sim.config.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let json = json!({
        "id": id,
        "name": name,
        "status": input.get("status").and_then(Value::as_str).unwrap_or("active"),
        "endpoint": endpoint,
        "http_method": input.get("http_method").and_then(Value::as_str).unwrap_or("POST"),
        "request_format": input.get("request_format").and_then(Value::as_str).unwrap_or("json"),
        "subscriptions": subscriptions,
        "created_at": ts(now),
        "updated_at": ts(now),
    });
    list.push(Hook { id, json: json.clone(), endpoint: endpoint.to_owned(), subscriptions, secret });
    Reply::json(201, &json!({ "webhook": json }))
}

/// `GET /api/v2/webhooks`.
pub(crate) async fn list(State(sim): State<Arc<Shared>>) -> Reply {
    let hooks: Vec<Value> = lock(&sim.hooks.list).iter().map(|h| h.json.clone()).collect();
    Reply::json(
        200,
        &json!({ "webhooks": hooks, "meta": { "has_more": false, "after_cursor": null, "before_cursor": null }, "links": { "prev": null, "next": null } }),
    )
}

/// `GET /api/v2/webhooks/{id}`.
pub(crate) async fn show(State(sim): State<Arc<Shared>>, Path(id): Path<String>) -> Reply {
    match lock(&sim.hooks.list).iter().find(|h| h.id == id) {
        Some(h) => Reply::json(200, &json!({ "webhook": h.json })),
        None => Reply::not_found(),
    }
}

/// `DELETE /api/v2/webhooks/{id}`: 204.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, Path(id): Path<String>) -> Reply {
    let mut list = lock(&sim.hooks.list);
    let before = list.len();
    list.retain(|h| h.id != id);
    if list.len() < before { Reply::no_content() } else { Reply::not_found() }
}

/// `GET /api/v2/webhooks/{id}/signing_secret`.
pub(crate) async fn secret(State(sim): State<Arc<Shared>>, Path(id): Path<String>) -> Reply {
    match lock(&sim.hooks.list).iter().find(|h| h.id == id) {
        Some(h) => Reply::json(200, &json!({ "signing_secret": { "algorithm": "SHA256", "secret": h.secret } })),
        None => Reply::not_found(),
    }
}
