//! Creates addressed through a related record: a conversation for a customer
//! (`POST /v1/customers/{id}/conversations`), a message without a conversation path
//! (`POST /v1/messages`), and notes outside a conversation path (`POST /v1/notes`,
//! `POST /v1/customers/{id}/notes`).

use std::sync::Arc;

use axum::extract::State;
use serde_json::Value;

use crate::coll::Coll;
use crate::extract::{JsonBody, PathId, obj};
use crate::record::{Draft, RelName};
use crate::reply::Reply;
use crate::routes::writes::{COMMENT_RELS, apply, comment_in, create_in, written};
use crate::state::{Shared, lock};

/// `POST /v1/customers/{id}/conversations`: a conversation of that customer (404 if unknown).
pub(crate) async fn conversation_for_customer(
    State(sim): State<Arc<Shared>>,
    PathId(customer): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    let mut m = match obj(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if !lock(&sim.store).contains(Coll::Customers, &customer) {
        return Reply::error(404, "not_found", "Customer not found");
    }
    m.insert("customer".into(), Value::String(customer));
    create_in(&sim, Coll::Conversations, Some(Value::Object(m))).unwrap_or_else(|r| r)
}

/// `POST /v1/messages`: with `conversation`, the message joins it; otherwise `customer` is
/// required and a new conversation is opened for the message (on the message's channel).
pub(crate) async fn message(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    message_in(&sim, body).unwrap_or_else(|r| r)
}

fn message_in(sim: &Shared, body: Option<Value>) -> Result<Reply, Reply> {
    let mut m = obj(body)?;
    let conversation = match m.remove("conversation") {
        Some(Value::String(c)) => c,
        Some(_) => return Err(Reply::invalid("conversation", "conversation must be an id")),
        None => {
            let Some(customer) = m.get("customer").and_then(Value::as_str).map(str::to_owned) else {
                return Err(Reply::invalid("customer", "customer or conversation is required"));
            };
            for f in ["channel", "app", "direction"] {
                if m.get(f).and_then(Value::as_str).is_none_or(str::is_empty) {
                    return Err(Reply::invalid(f, &format!("{f} is required")));
                }
            }
            let mut conv = serde_json::Map::new();
            conv.insert("customer".into(), Value::String(customer));
            if let Some(c) = m.get("channel") {
                conv.insert("channels".into(), Value::Array(vec![c.clone()]));
            }
            if let Some(s) = m.get("subject") {
                conv.insert("name".into(), s.clone());
            }
            let created = create_in(sim, Coll::Conversations, Some(Value::Object(conv)))?;
            let doc: Value = serde_json::from_slice(&created.body).unwrap_or_default();
            doc["data"]["id"].as_str().unwrap_or_default().to_owned()
        }
    };
    // The conversation's customer wins over a `customer` in the body.
    m.remove("customer");
    comment_in(sim, Coll::Messages, &conversation, Some(Value::Object(m)))
}

/// `POST /v1/notes`: a note of `conversation` (which sets the customer) or of `customer` alone.
pub(crate) async fn note(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    note_in(&sim, body, None).unwrap_or_else(|r| r)
}

/// `POST /v1/customers/{id}/notes`: a note of the customer, outside any conversation.
pub(crate) async fn customer_note(
    State(sim): State<Arc<Shared>>,
    PathId(customer): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    note_in(&sim, body, Some(customer)).unwrap_or_else(|r| r)
}

fn note_in(sim: &Shared, body: Option<Value>, path_customer: Option<String>) -> Result<Reply, Reply> {
    let mut m = obj(body)?;
    if let Some(c) = m.remove("conversation") {
        let Some(c) = c.as_str().map(str::to_owned) else {
            return Err(Reply::invalid("conversation", "conversation must be an id"));
        };
        m.remove("customer");
        return comment_in(sim, Coll::Notes, &c, Some(Value::Object(m)));
    }
    let customer = match (path_customer, m.remove("customer")) {
        (Some(c), _) => c,
        (None, Some(Value::String(c))) => c,
        _ => return Err(Reply::invalid("customer", "customer or conversation is required")),
    };
    if m.get("body").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(Reply::invalid("body", "body is required"));
    }
    let mut store = lock(&sim.store);
    if !store.contains(Coll::Customers, &customer) {
        return Err(Reply::error(404, "not_found", "Customer not found"));
    }
    let now = store.tick();
    let id = store.new_id(0xf00d_0002);
    let mut draft = Draft::new(now, now).rel(RelName::Customer, "customer", &customer);
    apply(&mut draft, &m, &COMMENT_RELS);
    let rec = draft.into_rec(Coll::Notes);
    store.insert(Coll::Notes, id.clone(), rec.clone());
    drop(store);
    Ok(written(sim, Coll::Notes, "create", &id, &rec, 201, Vec::new()))
}
