//! Bulk conversations: `POST` (create), `PUT` (update) and `DELETE` (`?ids=a,b`)
//! `/v1/conversations/bulk` take up to 100 items and answer at once with a bulk operation;
//! a worker applies the items batch by batch ([`crate::SimConfig::bulk_step`] per batch), and
//! `GET /v1/bulk/{id}` / `GET /v1/bulk/{id}/batches` report progress and each item's outcome.
//! Every item draws from the fault injection like a request: a drawn fault fails the item
//! (not applied, `retryable: true`); invalid items fail with their 4xx (`retryable: false`).

use std::sync::Arc;

use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::bulk::{BATCH, Batch, Bulk, Outcome};
use crate::coll::Coll;
use crate::extract::{JsonBody, Params, PathId};
use crate::reply::Reply;
use crate::routes::writes::{create_in, delete_record, update_in};
use crate::state::{Shared, lock};

/// The most items one bulk request takes.
pub(crate) const MAX_ITEMS: usize = 100;

/// What to do to one record.
#[derive(Debug)]
enum Op {
    Create(Map<String, Value>),
    Update(String, Map<String, Value>),
    Delete(String),
}

/// One item: its position, `_clientRef` and operation.
#[derive(Debug)]
struct Item {
    index: usize,
    client_ref: Option<Value>,
    op: Op,
}

/// The `ids` of a bulk delete.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Ids {
    ids: Option<String>,
}

fn bad(detail: &str) -> Reply {
    Reply::error(400, "bad_request", detail)
}

fn items_of(body: Option<Value>, update: bool) -> Result<Vec<Item>, Reply> {
    let Some(Value::Array(list)) = body else { return Err(bad("body must be a JSON array of conversations")) };
    if list.is_empty() || list.len() > MAX_ITEMS {
        return Err(bad(&format!("a bulk request takes 1 to {MAX_ITEMS} items")));
    }
    list.into_iter()
        .enumerate()
        .map(|(index, v)| {
            let Value::Object(mut m) = v else { return Err(bad(&format!("item {index} is not an object"))) };
            let client_ref = m.remove("_clientRef");
            let op = if update {
                match m.remove("id") {
                    Some(Value::String(id)) => Op::Update(id, m),
                    _ => return Err(bad(&format!("item {index} has no id"))),
                }
            } else {
                Op::Create(m)
            };
            Ok(Item { index, client_ref, op })
        })
        .collect()
}

/// `POST /v1/conversations/bulk`.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    match items_of(body, false) {
        Ok(items) => submit(&sim, "post", items),
        Err(r) => r,
    }
}

/// `PUT /v1/conversations/bulk`.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    match items_of(body, true) {
        Ok(items) => submit(&sim, "put", items),
        Err(r) => r,
    }
}

/// `DELETE /v1/conversations/bulk?ids=a,b,c`.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, Params(q): Params<Ids>) -> Reply {
    let ids: Vec<&str> =
        q.ids.as_deref().unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if ids.is_empty() || ids.len() > MAX_ITEMS {
        return bad(&format!("ids must list 1 to {MAX_ITEMS} conversation ids"));
    }
    let items = ids
        .into_iter()
        .enumerate()
        .map(|(index, id)| Item { index, client_ref: None, op: Op::Delete(id.to_owned()) })
        .collect();
    submit(&sim, "delete", items)
}

fn submit(sim: &Arc<Shared>, method: &'static str, items: Vec<Item>) -> Reply {
    let (id, now) = {
        let mut store = lock(&sim.store);
        (store.new_id(0xb01c_0001), store.tick())
    };
    let bulk = Bulk {
        id: id.clone(),
        method,
        created: now,
        updated: now,
        items: items.len(),
        started: false,
        done: Vec::new(),
    };
    let shown = bulk.render();
    lock(&sim.bulks).insert(id.clone(), bulk);
    tokio::spawn(work(Arc::clone(sim), id, items));
    Reply::json(201, &shown)
}

/// Applies the items batch by batch, recording each batch as it finishes.
async fn work(sim: Arc<Shared>, id: crate::record::Id, items: Vec<Item>) {
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        tokio::time::sleep(sim.config.bulk_step).await;
        if let Some(b) = lock(&sim.bulks).get_mut(&id) {
            b.started = true;
        }
        let outcomes: Vec<Outcome> = items.by_ref().take(BATCH).map(|item| apply(&sim, item)).collect();
        let now = lock(&sim.store).tick();
        if let Some(b) = lock(&sim.bulks).get_mut(&id) {
            b.done.push(Batch { completed: now, outcomes });
            b.updated = now;
        }
    }
}

/// An error object from a reply's body, with whether retrying may help.
fn failure(r: &Reply) -> Value {
    let doc: Value = serde_json::from_slice(&r.body).unwrap_or_default();
    let e = &doc["errors"][0];
    json!({
        "status": r.status,
        "code": e["code"].as_str().unwrap_or("error"),
        "detail": e["detail"].as_str().unwrap_or_default(),
        "retryable": r.status == 429 || r.status >= 500,
    })
}

fn apply(sim: &Shared, item: Item) -> Outcome {
    let id = match &item.op {
        Op::Create(_) => None,
        Op::Update(id, _) | Op::Delete(id) => Some(id.clone()),
    };
    let mut out = Outcome { index: item.index, client_ref: item.client_ref, id, result: Ok("") };
    if let Some(status) = lock(&sim.faults).draw_item(sim.config.faults.item_rate.unwrap_or(sim.config.faults.rate)) {
        out.result =
            Err(json!({ "status": status, "code": "injected_fault", "detail": "Injected fault", "retryable": true }));
        return out;
    }
    out.result = match item.op {
        Op::Create(m) => match create_in(sim, Coll::Conversations, Some(Value::Object(m))) {
            Ok(r) => {
                let doc: Value = serde_json::from_slice(&r.body).unwrap_or_default();
                out.id = doc["data"]["id"].as_str().map(str::to_owned);
                Ok("created")
            }
            Err(r) => Err(failure(&r)),
        },
        Op::Update(id, m) => match update_in(sim, Coll::Conversations, &id, Some(Value::Object(m)), false) {
            Ok(_) => Ok("updated"),
            Err(r) => Err(failure(&r)),
        },
        Op::Delete(id) => {
            if delete_record(sim, Coll::Conversations, &id) {
                Ok("deleted")
            } else {
                Err(failure(&Reply::error(404, "not_found", "Conversation not found")))
            }
        }
    };
    out
}

/// `GET /v1/bulk/{id}`.
pub(crate) async fn get(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    match lock(&sim.bulks).get(id.as_str()) {
        Some(b) => Reply::json(200, &b.render()),
        None => Reply::error(404, "not_found", "Bulk operation not found"),
    }
}

/// `GET /v1/bulk/{id}/batches`.
pub(crate) async fn batches(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    match lock(&sim.bulks).get(id.as_str()) {
        Some(b) => Reply::json(200, &b.render_batches()),
        None => Reply::error(404, "not_found", "Bulk operation not found"),
    }
}
