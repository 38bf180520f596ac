//! Reply drafts: outbound messages not sent yet, which an agent (or an AI copilot) prepares
//! for review. `GET|POST /v1/customers/{id}/drafts` (Kustomer's OAS), `GET|POST
//! /v1/conversations/{id}/drafts` **[U]**, `GET` **[U]**, `PUT` and `DELETE /v1/drafts/{id}`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use chrono::DateTime;
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::doc::Doc;
use crate::extract::{JsonBody, Paging, Params, PathId, obj};
use crate::fields::{Spec, accept};
use crate::record::{Id, RelName};
use crate::reply::Reply;
use crate::routes::paged;
use crate::routes::writes::object_budget;
use crate::state::{Shared, lock};
use crate::store::Store;

/// The record type of a draft.
const KIND: &str = "draft";
/// The channels a draft may go out on (`note` makes a note draft, one per conversation).
const CHANNELS: [&str; 8] = ["email", "sms", "chat", "whatsapp", "facebook", "instagram", "twitter-dm", "note"];

fn recipients(v: &Value) -> bool {
    v.is_string() || v.as_array().is_some_and(|a| a.iter().all(|r| r.is_string() || r.is_object()))
}

/// The attributes a body may set, with a check of each value.
const FIELDS: [Spec; 8] = [
    ("channel", |v| v.as_str().is_some_and(|c| CHANNELS.contains(&c))),
    ("body", Value::is_string),
    ("subject", Value::is_string),
    ("to", recipients),
    ("cc", recipients),
    ("bcc", recipients),
    ("from", Value::is_string),
    ("scheduled", Value::is_boolean),
];

/// A checked body: attributes, attachments, the `sendAt` asked for (`Some(None)` clears it),
/// and the conversation named.
struct Body {
    attrs: Map<String, Value>,
    send_at: Option<Option<String>>,
    conversation: Option<String>,
}

fn check(sim: &Shared, m: Map<String, Value>) -> Result<Body, Reply> {
    let mut attrs = Map::new();
    let mut send_at = None;
    let mut conversation = None;
    for (k, v) in m {
        match k.as_str() {
            "sendAt" => {
                send_at = Some(match &v {
                    Value::Null => None,
                    Value::String(s) if s.is_empty() => None,
                    Value::String(s) if DateTime::parse_from_rfc3339(s).is_ok() => Some(s.clone()),
                    _ => return Err(Reply::invalid("sendAt", "sendAt must be a timestamp")),
                })
            }
            "conversation" => match v.as_str() {
                Some(c) => conversation = Some(c.to_owned()),
                None => return Err(Reply::invalid("conversation", "conversation must be an id")),
            },
            "attachments" => {
                let ids: Vec<Id> = crate::routes::files::uploaded_ids(sim, &v)?;
                attrs.insert(k, json!(ids));
            }
            _ => {
                accept(&FIELDS, &k, &v)?;
                attrs.insert(k, v);
            }
        }
    }
    Ok(Body { attrs, send_at, conversation })
}

/// Applies `sendAt`: a timestamp with `scheduled: true` schedules the draft; an empty one
/// unschedules it; on create, a `sendAt` without `scheduled: true` is dropped (Kustomer
/// creates such drafts unscheduled).
fn schedule(d: &mut Map<String, Value>, send_at: Option<Option<String>>, create: bool) {
    match send_at {
        Some(Some(t)) if !create || d.get("scheduled") == Some(&Value::Bool(true)) => {
            d.insert("sendAt".into(), Value::String(t));
            d.insert("scheduled".into(), Value::Bool(true));
        }
        Some(_) => {
            d.remove("sendAt");
            d.insert("scheduled".into(), Value::Bool(false));
        }
        None => {}
    }
    d.entry("scheduled").or_insert(Value::Bool(false));
    let scheduled = d.get("scheduled") == Some(&Value::Bool(true)) && d.contains_key("sendAt");
    d.insert("status".into(), json!(if scheduled { "scheduled" } else { "draft" }));
}

/// `GET /v1/customers/{id}/drafts`.
pub(crate) async fn of_customer(
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    Params(q): Params<Paging>,
    uri: Uri,
) -> Reply {
    list(&sim, Coll::Customers, &id, &q, uri.path())
}

/// `GET /v1/conversations/{id}/drafts`.
pub(crate) async fn of_conversation(
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    Params(q): Params<Paging>,
    uri: Uri,
) -> Reply {
    list(&sim, Coll::Conversations, &id, &q, uri.path())
}

fn list(sim: &Shared, coll: Coll, id: &str, q: &Paging, path: &str) -> Reply {
    let store = lock(&sim.store);
    if !store.contains(coll, id) {
        return Reply::error(404, "not_found", &format!("{} {id} not found", coll.kind()));
    }
    let docs: Vec<&Doc> = store.docs.drafts.values().filter(|d| d.rel_id(coll.kind()) == Some(id)).collect();
    paged::docs(&docs, q, 100, path, "").unwrap_or_else(|r| r)
}

/// `POST /v1/customers/{id}/drafts`: `conversation` in the body is optional.
pub(crate) async fn create_for_customer(
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    create(&sim, Some(id), None, body).unwrap_or_else(|r| r)
}

/// `POST /v1/conversations/{id}/drafts`: the customer is the conversation's.
pub(crate) async fn create_for_conversation(
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    create(&sim, None, Some(id), body).unwrap_or_else(|r| r)
}

fn customer_of(store: &Store, conversation: &str) -> Result<String, Reply> {
    let conv = store
        .live(Coll::Conversations, conversation)
        .ok_or_else(|| Reply::error(404, "not_found", "Conversation not found"))?;
    Ok(conv.rel_id(RelName::Customer).unwrap_or_default().to_owned())
}

fn create(
    sim: &Shared,
    customer: Option<String>,
    conversation: Option<String>,
    body: Option<Value>,
) -> Result<Reply, Reply> {
    let b = check(sim, obj(body)?)?;
    let conversation = conversation.or(b.conversation);
    let customer = {
        let store = lock(&sim.store);
        match (&customer, &conversation) {
            (Some(c), _) if !store.contains(Coll::Customers, c) => {
                return Err(Reply::error(404, "not_found", "Customer not found"));
            }
            (Some(c), Some(conv)) => {
                if customer_of(&store, conv)? != *c {
                    return Err(Reply::invalid("conversation", "the conversation belongs to another customer"));
                }
                c.clone()
            }
            (Some(c), None) => c.clone(),
            (None, Some(conv)) => customer_of(&store, conv)?,
            (None, None) => return Err(Reply::invalid("customer", "customer is required")),
        }
    };
    for f in ["channel", "body"] {
        if !b.attrs.contains_key(f) {
            return Err(Reply::invalid(f, &format!("{f} is required")));
        }
    }
    let headers = object_budget(sim, &format!("drafts:customer:{customer}"))?;
    let doc = {
        let mut store = lock(&sim.store);
        let note = b.attrs.get("channel").and_then(Value::as_str) == Some("note");
        if note
            && let Some(conv) = &conversation
            && store
                .docs
                .drafts
                .values()
                .any(|d| d.rel_id("conversation") == Some(conv) && d.str_attr("channel") == Some("note"))
        {
            return Err(Reply::error(409, "conflict", "The conversation has a note draft already"));
        }
        let mut attrs = b.attrs;
        schedule(&mut attrs, b.send_at, true);
        let now = store.tick();
        let id = store.new_id(0xd7af_0001);
        let mut doc = Doc::new(KIND, id.clone(), format!("/v1/drafts/{id}"), now, attrs);
        doc.set_rel("customer", "customer", Some(&customer));
        doc.set_rel("conversation", "conversation", conversation.as_deref());
        doc.set_rel("createdBy", "user", Some(crate::events::API_USER));
        doc.refresh();
        store.docs.drafts.insert(id, doc.clone());
        doc
    };
    crate::events::publish(sim, KIND, "create", &doc.id, doc.json().as_bytes(), None);
    Ok(Reply::raw(201, doc.single()).with_headers(headers))
}

/// `GET /v1/drafts/{id}`.
pub(crate) async fn get(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    match lock(&sim.store).docs.drafts.get(id.as_str()) {
        Some(d) => Reply::raw(200, d.single()),
        None => Reply::error(404, "not_found", "Draft not found"),
    }
}

/// `PUT /v1/drafts/{id}`: merges the given attributes; `sendAt` schedules or (empty) unschedules.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, PathId(id): PathId, JsonBody(body): JsonBody) -> Reply {
    update_in(&sim, &id, body).unwrap_or_else(|r| r)
}

fn update_in(sim: &Shared, id: &str, body: Option<Value>) -> Result<Reply, Reply> {
    let b = check(sim, obj(body)?)?;
    if b.conversation.is_some() {
        return Err(Reply::invalid("conversation", "a draft's conversation cannot change"));
    }
    let (doc, changes) = {
        let mut store = lock(&sim.store);
        let now = store.tick();
        let Some(d) = store.docs.drafts.get_mut(id) else {
            return Err(Reply::error(404, "not_found", "Draft not found"));
        };
        let before = d.attrs.clone();
        d.attrs.extend(b.attrs);
        schedule(&mut d.attrs, b.send_at, false);
        d.updated = now;
        d.refresh();
        (d.clone(), crate::events::changes(&before, &d.attrs))
    };
    crate::events::publish(sim, KIND, "update", id, doc.json().as_bytes(), changes);
    Ok(Reply::raw(200, doc.single()))
}

/// `DELETE /v1/drafts/{id}`: 204.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    let Some(doc) = lock(&sim.store).docs.drafts.remove(id.as_str()) else {
        return Reply::error(404, "not_found", "Draft not found");
    };
    crate::events::publish(&sim, KIND, "delete", &id, doc.json().as_bytes(), None);
    Reply::raw(204, Vec::new())
}
