//! Writes: create, update, delete, tags, messages and notes. Each moves
//! `updatedAt` forward, spends the per-object budget where Kustomer has one,
//! and notifies webhooks. A custom attribute a write introduces gets Kustomer's default
//! metadata (see `store::default_definition`).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::extract::{JsonBody, Params, PathId, obj};
use crate::limits::Scope;
use crate::record::{Draft, Id, Rec, RelName, Target, ts};
use crate::reply::Reply;
use crate::routes::sub_statuses;
use crate::routes::webhooks::notify;
use crate::state::{Shared, lock};

type Attrs = Map<String, Value>;

/// Relationships a create or update may set by id, with the type they point at.
const RECORD_RELS: [(&str, RelName, &str); 2] =
    [("customer", RelName::Customer, "customer"), ("company", RelName::Company, "company")];
pub(crate) const COMMENT_RELS: [(&str, RelName, &str); 1] = [("createdBy", RelName::CreatedBy, "user")];

/// Spends one unit of the per-object budget for `key`, returning its headers or a 429.
pub(crate) fn object_budget(sim: &Shared, key: &str) -> Result<Vec<(&'static str, String)>, Reply> {
    let v = lock(&sim.objects).hit(key, Instant::now());
    let headers = v.headers(Scope::Object);
    if v.allowed {
        Ok(headers)
    } else {
        sim.count_throttled();
        Err(Reply::error(429, "too_many_requests", "Per-object rate limit exceeded").with_headers(headers))
    }
}

fn check_conversation_fields(m: &Attrs) -> Result<(), Reply> {
    if let Some(s) = m.get("status")
        && !matches!(s.as_str(), Some("open" | "snoozed" | "done"))
    {
        return Err(Reply::invalid("status", "status must be open, snoozed or done"));
    }
    if let Some(p) = m.get("priority")
        && !p.as_u64().is_some_and(|p| (1..=5).contains(&p))
    {
        return Err(Reply::invalid("priority", "priority must be an integer from 1 to 5"));
    }
    check_custom(m)
}

/// 400 unless every key of `custom` ends in a type suffix.
pub(crate) fn check_custom(m: &Attrs) -> Result<(), Reply> {
    if let Some(c) = m.get("custom").and_then(Value::as_object) {
        for key in c.keys() {
            if !["Str", "Num", "At", "Txt", "Bool", "Url", "Tree"].iter().any(|s| key.ends_with(s)) {
                return Err(Reply::invalid(
                    &format!("custom.{key}"),
                    "custom attribute names need a type suffix (Str, Num, At, Txt, Bool, Url, Tree)",
                ));
            }
        }
    }
    Ok(())
}

/// Sets the attributes of `m` on `rec`; keys in `rel_fields` set relationships instead.
pub(crate) fn apply(rec: &mut Draft, m: &Attrs, rel_fields: &[(&str, RelName, &'static str)]) {
    for (k, v) in m {
        if let Some((_, name, kind)) = rel_fields.iter().find(|(f, _, _)| f == k) {
            if let Some(id) = v.as_str() {
                rec.set_rel(*name, Target::Bare(kind, id.into()));
            }
            continue;
        }
        if k == "custom" {
            let mut merged = rec.attrs.get("custom").and_then(Value::as_object).cloned().unwrap_or_default();
            if let Some(c) = v.as_object() {
                merged.extend(c.clone());
            }
            rec.attrs.insert("custom".into(), Value::Object(merged));
        } else {
            rec.attrs.insert(k.clone(), v.clone());
        }
    }
}

fn is_done(d: &Draft) -> bool {
    d.attrs.get("status").and_then(Value::as_str) == Some("done")
}

fn email_taken(sim: &Shared, m: &Attrs, except: Option<&str>) -> Option<String> {
    let wanted: Vec<String> = m
        .get("emails")?
        .as_array()?
        .iter()
        .filter_map(|e| e.get("email").and_then(Value::as_str).map(str::to_lowercase))
        .collect();
    let store = lock(&sim.store);
    store
        .coll(Coll::Customers)
        .iter()
        .filter(|(id, r)| Some(&***id) != except && !r.is_deleted())
        .find_map(|(_, r)| r.customer_keys()?.emails.iter().map(|e| e.to_lowercase()).find(|x| wanted.contains(x)))
}

/// `{"data": record}` with the given status and headers, after announcing the write (audit
/// log and webhooks).
pub(crate) fn written(
    sim: &Shared,
    coll: Coll,
    verb: &str,
    id: &str,
    rec: &Rec,
    status: u16,
    headers: Vec<(&'static str, String)>,
) -> Reply {
    written_with(sim, coll, verb, id, rec, status, None).with_headers(headers)
}

/// As [`written`] without headers, the audit entry carrying the attributes' `changes`.
fn written_with(
    sim: &Shared,
    coll: Coll,
    verb: &str,
    id: &str,
    rec: &Rec,
    status: u16,
    changes: Option<Value>,
) -> Reply {
    let mut data = Vec::new();
    rec.write_json(&mut data, coll, id);
    crate::events::publish(sim, coll.kind(), verb, id, &data, changes);
    let mut out = Vec::with_capacity(data.len() + 10);
    out.extend_from_slice(b"{\"data\":");
    out.extend_from_slice(&data);
    out.push(b'}');
    Reply::raw(status, out)
}

/// `POST /v1/<conversations|customers|companies>`.
pub(crate) async fn create(coll: Coll, State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    create_in(&sim, coll, body).unwrap_or_else(|r| r)
}

/// Creates a record of `coll` from `body` (see [`create`]).
pub(crate) fn create_in(sim: &Shared, coll: Coll, body: Option<Value>) -> Result<Reply, Reply> {
    let m = obj(body)?;
    let mut headers = Vec::new();
    match coll {
        Coll::Conversations => {
            check_conversation_fields(&m)?;
            let Some(customer) = m.get("customer").and_then(Value::as_str) else {
                return Err(Reply::invalid("customer", "customer is required"));
            };
            if !lock(&sim.store).contains(Coll::Customers, customer) {
                return Err(Reply::invalid("customer", "customer does not exist"));
            }
            headers = object_budget(sim, &format!("customer:{customer}"))?;
        }
        Coll::Customers => {
            if let Some(e) = email_taken(sim, &m, None) {
                return Err(Reply::error(409, "conflict", &format!("email {e} belongs to another customer")));
            }
        }
        _ => {
            if m.get("name").and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(Reply::invalid("name", "name is required"));
            }
        }
    }
    let mut m = m;
    let mut store = lock(&sim.store);
    if coll == Coll::Conversations {
        sub_statuses::check(&store, "conversation", &mut m, None)?;
    }
    let now = store.tick();
    let id = store.new_id(0xf00d_0001);
    let mut draft = Draft::new(now, now);
    if coll == Coll::Conversations && !m.contains_key("status") {
        draft.attrs.insert("status".into(), json!("open"));
    }
    apply(&mut draft, &m, &RECORD_RELS);
    drop_nulls(&mut draft);
    store.define_new(coll, draft.attrs.get("custom"));
    if is_done(&draft) {
        draft.attrs.insert("ended".into(), json!(true));
        draft.attrs.insert("endedAt".into(), json!(ts(now)));
    }
    let rec = draft.into_rec(coll);
    store.insert(coll, id.clone(), rec.clone());
    drop(store);
    Ok(written(sim, coll, "create", &id, &rec, 201, headers))
}

/// `PATCH /v1/<conversations|customers|companies|notes>/{id}`, `PUT /v1/companies/{id}` and
/// `PUT /v1/notes/{id}`: the given attributes merged in (`custom` key by key).
pub(crate) async fn update(
    coll: Coll,
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    update_in(&sim, coll, &id, body, false).unwrap_or_else(|r| r)
}

/// The query of a `PUT`: `replace=false` asks for a merge instead of a replacement.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ReplaceQuery {
    replace: Option<String>,
}

/// `PUT /v1/<conversations|customers>/{id}`: full replacement. The writable attributes become
/// the body's (those not in it are removed; `custom` is replaced, not merged); `createdAt`,
/// the relationships the body does not name and the `ended` bookkeeping are kept, and a
/// conversation without `status` in the body is `open`. `?replace=false` merges as `PATCH`.
pub(crate) async fn replace(
    coll: Coll,
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    Params(q): Params<ReplaceQuery>,
    JsonBody(body): JsonBody,
) -> Reply {
    let replace = q.replace.as_deref() != Some("false");
    update_in(&sim, coll, &id, body, replace).unwrap_or_else(|r| r)
}

/// Attributes a full replacement keeps: the system's bookkeeping, not the caller's.
const KEPT_ON_REPLACE: [&str; 3] = ["ended", "endedAt", "deleted"];

/// Removes a `subStatus` set to `null` (cleared by [`sub_statuses::check`]).
fn drop_nulls(d: &mut Draft) {
    if d.attrs.get("subStatus").is_some_and(Value::is_null) {
        d.attrs.remove("subStatus");
    }
}

/// Updates record `id` of `coll` (see [`update`] and [`replace`]).
pub(crate) fn update_in(
    sim: &Shared,
    coll: Coll,
    id: &str,
    body: Option<Value>,
    replace: bool,
) -> Result<Reply, Reply> {
    let mut m = obj(body)?;
    if coll == Coll::Conversations {
        check_conversation_fields(&m)?;
        if replace && !m.contains_key("status") {
            m.insert("status".into(), json!("open"));
        }
    }
    if coll == Coll::Notes
        && let Some(b) = m.get("body")
        && b.as_str().is_none_or(str::is_empty)
    {
        return Err(Reply::invalid("body", "body must be a non-empty string"));
    }
    if coll == Coll::Customers
        && let Some(e) = email_taken(sim, &m, Some(id))
    {
        return Err(Reply::error(409, "conflict", &format!("email {e} belongs to another customer")));
    }
    let not_found = || Reply::error(404, "not_found", "Record not found");
    if !lock(&sim.store).contains(coll, id) {
        return Err(not_found());
    }
    let headers = object_budget(sim, &format!("{}:{id}", coll.path()))?;
    let mut store = lock(&sim.store);
    if coll == Coll::Conversations {
        let current = store.live(coll, id).ok_or_else(not_found)?.draft().attrs;
        sub_statuses::check(&store, "conversation", &mut m, (!replace).then_some(&current))?;
    }
    let now = store.tick();
    let rec = store.live_mut(coll, id).ok_or_else(not_found)?;
    let mut draft = rec.draft();
    let before = draft.attrs.clone();
    if replace {
        draft.attrs.retain(|k, _| KEPT_ON_REPLACE.contains(&k.as_str()));
    }
    let was_done = before.get("status").and_then(Value::as_str) == Some("done");
    apply(&mut draft, &m, &RECORD_RELS);
    drop_nulls(&mut draft);
    let done = is_done(&draft);
    if done && !was_done {
        draft.attrs.insert("ended".into(), json!(true));
        draft.attrs.insert("endedAt".into(), json!(ts(now)));
    } else if !done && was_done {
        draft.attrs.insert("ended".into(), json!(false));
    }
    draft.updated = now;
    let custom = draft.attrs.get("custom").cloned();
    let changes = crate::events::changes(&before, &draft.attrs);
    *rec = draft.into_rec(coll);
    let rec = rec.clone();
    store.define_new(coll, custom.as_ref());
    drop(store);
    Ok(written_with(sim, coll, "update", id, &rec, 200, changes).with_headers(headers))
}

/// `DELETE /v1/<conversations|customers>/{id}`: see [`delete_record`]; 404 for a record that
/// does not exist or is deleted already.
pub(crate) async fn delete(coll: Coll, State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    if delete_record(&sim, coll, &id) {
        Reply::raw(204, Vec::new())
    } else {
        Reply::error(404, "not_found", "Record not found")
    }
}

/// Deletes record `id` of `coll` the way Kustomer does: it is kept, marked `deleted: true`
/// with `updatedAt` moved to now, and leaves every listing, get and search but a search with
/// `includeDeleted`. A conversation takes its messages and notes along (they are marked the
/// same way; no event is sent for them). Webhooks get `kustomer.<type>.delete` with the
/// deleted record. Returns whether there was such a record, not deleted yet.
pub(crate) fn delete_record(sim: &Shared, coll: Coll, id: &str) -> bool {
    let mut store = lock(&sim.store);
    let now = store.tick();
    let Some(rec) = store.delete(coll, id, now) else { return false };
    drop(store);
    notify(sim, coll, "delete", id, &rec);
    true
}

/// `POST`/`DELETE /v1/conversations/{id}/tags` with an array of tag ids.
pub(crate) async fn tags(
    add: bool,
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    tags_in(&sim, add, &id, body).unwrap_or_else(|r| r)
}

fn tags_in(sim: &Shared, add: bool, id: &str, body: Option<Value>) -> Result<Reply, Reply> {
    let Some(list) = body.as_ref().and_then(Value::as_array) else {
        return Err(Reply::error(400, "bad_request", "body must be an array of tag ids"));
    };
    let wanted: Vec<String> = list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    let not_found = || Reply::error(404, "not_found", "Conversation not found");
    if !lock(&sim.store).contains(Coll::Conversations, id) {
        return Err(not_found());
    }
    let headers = object_budget(sim, &format!("conversations:{id}"))?;
    let mut store = lock(&sim.store);
    let now = store.tick();
    let rec = store.live_mut(Coll::Conversations, id).ok_or_else(not_found)?;
    let mut draft = rec.draft();
    let mut current: Vec<String> = draft
        .attrs
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if add {
        for t in wanted {
            if !current.contains(&t) {
                current.push(t);
            }
        }
    } else {
        current.retain(|t| !wanted.contains(t));
    }
    draft.attrs.insert("tags".into(), json!(current));
    draft.updated = now;
    *rec = draft.into_rec(Coll::Conversations);
    let rec = rec.clone();
    drop(store);
    Ok(written(sim, Coll::Conversations, "update", id, &rec, 200, headers))
}

/// `POST /v1/conversations/{id}/<messages|notes>`; moves the conversation's `updatedAt` too.
pub(crate) async fn comment(
    coll: Coll,
    State(sim): State<Arc<Shared>>,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> Reply {
    comment_in(&sim, coll, &id, body).unwrap_or_else(|r| r)
}

/// Adds a message or note to `conversation` (see [`comment`]).
pub(crate) fn comment_in(sim: &Shared, coll: Coll, conversation: &str, body: Option<Value>) -> Result<Reply, Reply> {
    let mut m = obj(body)?;
    let attachments = match m.remove("attachments") {
        Some(_) if coll != Coll::Messages => return Err(Reply::invalid("attachments", "notes take no attachments")),
        Some(given) => crate::routes::files::uploaded_ids(sim, &given)?,
        None => Vec::new(),
    };
    let customer: Option<Id> = {
        let store = lock(&sim.store);
        match store.live(Coll::Conversations, conversation) {
            Some(c) => c.rel_id(RelName::Customer).map(Id::from),
            None => return Err(Reply::error(404, "not_found", "Conversation not found")),
        }
    };
    let mut headers = Vec::new();
    if coll == Coll::Messages {
        for f in ["channel", "app", "direction"] {
            if m.get(f).and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(Reply::invalid(f, &format!("{f} is required")));
            }
        }
        if let Some(c) = &customer {
            headers = object_budget(sim, &format!("customer:{c}"))?;
        }
    } else if m.get("body").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(Reply::invalid("body", "body is required"));
    }
    let mut store = lock(&sim.store);
    let now = store.tick();
    let id = store.new_id(0xf00d_0002);
    let mut draft = Draft::new(now, now).rel(RelName::Conversation, "conversation", conversation);
    if let Some(c) = &customer {
        draft = draft.rel(RelName::Customer, "customer", c);
    }
    apply(&mut draft, &m, &COMMENT_RELS);
    if !attachments.is_empty() {
        draft.set_rel(RelName::Attachments, Target::Attachments(attachments.into_boxed_slice()));
    }
    store.define_new(coll, draft.attrs.get("custom"));
    let rec = draft.into_rec(coll);
    store.insert(coll, id.clone(), rec.clone());
    let bumped = store.coll_mut(Coll::Conversations).get_mut(conversation).map(|conv| {
        conv.updated = now;
        conv.clone()
    });
    drop(store);
    let reply = written(sim, coll, "create", &id, &rec, 201, headers);
    // The conversation changed too (its updatedAt): announced like any conversation update.
    if let Some(conv) = bumped {
        notify(sim, Coll::Conversations, "update", conversation, &conv);
    }
    Ok(reply)
}
