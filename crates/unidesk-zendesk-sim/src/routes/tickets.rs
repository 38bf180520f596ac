//! Tickets: list, show, create, update (with comments), delete, and the tags endpoints.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use serde_json::{Map, Value, json};

use crate::paging::{At, paginate, render};
use crate::query::Params;
use crate::record::{Rec, ts};
use crate::reply::Reply;
use crate::routes::sideload::sideloads;
use crate::routes::{Id, Json, path_of};
use crate::shapes::{self, PRIORITIES, STATUSES, TYPES, TicketInit, custom_status_id};
use crate::state::{Shared, lock};
use crate::store::{Kind, Store};
use crate::webhooks::{self, TicketEvent};

/// The user writes are attributed to: the staff member whose email is the credential's (the
/// first admin).
pub(crate) fn acting_user(store: &Store) -> i64 {
    store.table(Kind::Users).all().next().map_or(0, |(id, _)| id)
}

/// Orders `(id, rec)` pairs as asked: ascending ids, or descending with `sort_order=desc`
/// (offset) or `sort=-id`/`sort=-created_at` (cursor). Keys increase in listing order.
pub(crate) fn ordered<'a>(rows: impl DoubleEndedIterator<Item = (i64, &'a Rec)>, p: &Params) -> Vec<(i64, &'a Rec)> {
    let desc = p.get("sort_order") == Some("desc") || p.get("sort").is_some_and(|s| s.starts_with('-'));
    if desc { rows.rev().map(|(id, r)| (-id, r)).collect() } else { rows.collect() }
}

/// Renders one page of `rows` under `key`, with side-loads.
pub(crate) fn page_of(store: &Store, key: &str, rows: Vec<(i64, &Rec)>, p: &Params, uri: &Uri) -> Reply {
    let path = path_of(uri);
    let at = At { base: &store.base, path: &path, params: p };
    match paginate(rows, &at) {
        Ok(page) => {
            let side = sideloads(store, &page.items, &p.includes());
            Reply::raw(200, render(key, &page.items, &side, &page.tail))
        }
        Err(e) => e,
    }
}

/// `GET /api/v2/tickets`: live tickets by id.
pub(crate) async fn list(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let rows = ordered(store.table(Kind::Tickets).live_rows(), &p);
    page_of(&store, "tickets", rows, &p, &uri)
}

/// `GET /api/v2/tickets/show_many?ids=1,2`.
pub(crate) async fn show_many(State(sim): State<Arc<Shared>>, p: Params) -> Reply {
    let store = lock(&sim.store);
    let ids: Vec<i64> = p.get("ids").unwrap_or_default().split(',').filter_map(|s| s.trim().parse().ok()).collect();
    if ids.len() > 100 {
        return Reply::json(
            400,
            &json!({ "error": "TooManyValues", "description": "Parameter ids cannot specify more than 100 values", "max_count": 100 }),
        );
    }
    let items: Vec<&Rec> = ids.iter().filter_map(|id| store.table(Kind::Tickets).live(*id)).collect();
    let side = sideloads(&store, &items, &p.includes());
    Reply::raw(200, render("tickets", &items, &side, ""))
}

/// Renders `{"<key>":record,<side-loads>}`.
pub(crate) fn single(store: &Store, key: &str, rec: &Rec, p: &Params) -> Reply {
    let side = sideloads(store, &[rec], &p.includes());
    let mut out = format!("{{\"{key}\":{}", rec.json());
    for (k, v) in side {
        out.push_str(&format!(",\"{k}\":{v}"));
    }
    out.push('}');
    Reply::raw(200, out)
}

/// `GET /api/v2/tickets/{id}`.
pub(crate) async fn show(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params) -> Reply {
    let store = lock(&sim.store);
    match store.table(Kind::Tickets).live(id) {
        Some(rec) => single(&store, "ticket", rec, &p),
        None => Reply::not_found(),
    }
}

/// Tags as Zendesk stores them: lower case, split at whitespace, without duplicates.
pub(crate) fn normalize_tags(v: &Value) -> Result<Vec<String>, Reply> {
    let bad = || Reply::invalid("tags", "InvalidValue", "Tags: must be a list of names");
    let list: Vec<&str> = match v {
        Value::Array(a) => a.iter().map(|t| t.as_str().ok_or_else(bad)).collect::<Result<_, _>>()?,
        Value::String(s) => vec![s.as_str()],
        Value::Null => Vec::new(),
        _ => return Err(bad()),
    };
    let mut out: Vec<String> = Vec::new();
    for t in list.iter().flat_map(|t| t.split_whitespace()) {
        let t = t.to_lowercase();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// One audit event.
fn change(field: &str, value: &Value, previous: Option<&Value>) -> Value {
    match previous {
        Some(prev) => json!({ "type": "Change", "field_name": field, "value": value, "previous_value": prev }),
        None => json!({ "type": "Create", "field_name": field, "value": value }),
    }
}

/// Checks an enumerated field (or null where `nullable`).
fn one_of(field: &str, v: &Value, allowed: &[&str], nullable: bool) -> Result<(), Reply> {
    match v {
        Value::Null if nullable => Ok(()),
        Value::String(s) if allowed.contains(&s.as_str()) => Ok(()),
        _ => Err(Reply::invalid(field, "InvalidValue", &format!("{field}: {v} is not valid"))),
    }
}

/// Applies the writable fields of `input` to ticket `t`, validating them; returns the audit
/// events (Create events when `creating`, else Change events for what changed).
fn apply(
    store: &Store,
    seeded: &[i64; 5],
    input: &Map<String, Value>,
    t: &mut Map<String, Value>,
    creating: bool,
) -> Result<Vec<Value>, Reply> {
    let mut events = Vec::new();
    let users = store.table(Kind::Users);
    for (field, v) in input {
        let v = v.clone();
        match field.as_str() {
            "status" => {
                one_of("status", &v, &STATUSES, false)?;
                t.insert("custom_status_id".into(), custom_status_id(v.as_str().unwrap_or_default()));
            }
            "priority" => one_of("priority", &v, &PRIORITIES, true)?,
            "type" => one_of("type", &v, &TYPES, true)?,
            "subject" => {
                if !v.is_string() {
                    return Err(Reply::invalid("subject", "InvalidValue", "Subject: must be text"));
                }
                t.insert("raw_subject".into(), v.clone());
            }
            "assignee_id" => {
                let ok = v.is_null()
                    || v.as_i64().and_then(|id| users.live(id)).is_some_and(|u| u.str("role") != Some("end-user"));
                if !ok {
                    return Err(Reply::invalid("assignee", "InvalidValue", "Assignee: is not an agent"));
                }
            }
            "requester_id" => {
                if v.as_i64().and_then(|id| users.live(id)).is_none() {
                    return Err(Reply::invalid("requester", "InvalidValue", "Requester: is invalid"));
                }
            }
            "group_id" => {
                if !v.is_null() && v.as_i64().and_then(|id| store.table(Kind::Groups).live(id)).is_none() {
                    return Err(Reply::invalid("group", "InvalidValue", "Group: is invalid"));
                }
            }
            "organization_id" => {
                if !v.is_null() && v.as_i64().and_then(|id| store.table(Kind::Organizations).live(id)).is_none() {
                    return Err(Reply::invalid("organization", "InvalidValue", "Organization: is invalid"));
                }
            }
            "external_id" | "due_at" => {}
            "tags" => {
                let tags = normalize_tags(&v)?;
                let v = json!(tags);
                if t.get("tags") != Some(&v) {
                    events.push(change("tags", &v, if creating { None } else { t.get("tags") }));
                }
                t.insert("tags".into(), v);
                continue;
            }
            "custom_fields" | "fields" => {
                let Some(list) = v.as_array() else {
                    return Err(Reply::invalid("custom_fields", "InvalidValue", "Custom fields: must be a list"));
                };
                let mut current: Vec<Value> =
                    t.get("custom_fields").and_then(Value::as_array).cloned().unwrap_or_default();
                for f in list {
                    let (Some(id), Some(value)) = (f.get("id").and_then(Value::as_i64), f.get("value")) else {
                        continue;
                    };
                    // Zendesk ignores values for fields it does not know.
                    if !seeded.contains(&id) {
                        continue;
                    }
                    if let Some(slot) = current.iter_mut().find(|c| c.get("id").and_then(Value::as_i64) == Some(id))
                        && slot.get("value") != Some(value)
                    {
                        events.push(change(&id.to_string(), value, slot.get("value")));
                        slot["value"] = value.clone();
                    }
                }
                t.insert("custom_fields".into(), json!(current));
                t.insert("fields".into(), json!(current));
                continue;
            }
            _ => continue,
        }
        if t.get(field) != Some(&v) {
            events.push(change(field, &v, if creating { None } else { t.get(field) }));
            t.insert(field.clone(), v);
        }
    }
    Ok(events)
}

/// Resolves a `comment` of a create or update into a stored comment and its audit event.
fn add_comment(
    store: &mut Store,
    ticket: i64,
    c: &Value,
    default_author: i64,
    at: i64,
) -> Result<Option<(Rec, Value)>, Reply> {
    let Some(c) = c.as_object() else { return Ok(None) };
    let html = c.get("html_body").and_then(Value::as_str);
    let body = match (c.get("body").and_then(Value::as_str), html) {
        (Some(b), _) => b.to_owned(),
        (None, Some(h)) => shapes::strip_tags(h),
        (None, None) => String::new(),
    };
    let uploads: Vec<String> = match c.get("uploads") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    if body.trim().is_empty() && uploads.is_empty() {
        return Err(Reply::invalid("base", "BlankValue", "Comment: cannot be blank"));
    }
    let author = c.get("author_id").and_then(Value::as_i64).unwrap_or(default_author);
    if store.table(Kind::Users).live(author).is_none() {
        return Err(Reply::invalid("author", "InvalidValue", "Author: is invalid"));
    }
    let mut attachments = Vec::new();
    for token in &uploads {
        let Some(ids) = store.uploads.get(token).cloned() else {
            return Err(Reply::invalid("base", "InvalidValue", &format!("Uploads: token {token} is invalid")));
        };
        for id in ids {
            if let Some(a) = store.table(Kind::Attachments).get(id) {
                attachments.push(Value::Object(a.value().clone()));
            }
        }
    }
    let public = c.get("public").and_then(Value::as_bool).unwrap_or(true);
    let (cid, aid) = (store.new_comment_id(), store.new_audit_id());
    let mut value = shapes::comment(cid, aid, author, &body, public, attachments, at);
    if let Some(h) = html.filter(|_| c.get("body").is_none()) {
        value.insert("html_body".into(), json!(h));
    }
    let rec = Rec::new(value);
    let mut event = rec.value().clone();
    event.remove("created_at");
    event.remove("via");
    event.remove("metadata");
    let _ = ticket;
    Ok(Some((rec, Value::Object(event))))
}

fn audit(store: &Store, id: i64, ticket: i64, author: i64, at: i64, events: Vec<Value>) -> Value {
    let _ = store;
    json!({
        "id": id,
        "ticket_id": ticket,
        "created_at": ts(at),
        "author_id": author,
        "metadata": { "system": { "client": "unidesk-zendesk-sim", "ip_address": "127.0.0.1" }, "custom": {} },
        "via": { "channel": "api", "source": { "from": {}, "to": {}, "rel": null } },
        "events": events,
    })
}

/// `POST /api/v2/tickets`: 201 with the ticket and its audit. Honours `Idempotency-Key`.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, headers: HeaderMap, Json(body): Json) -> Reply {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let raw = serde_json::to_vec(&body).unwrap_or_default();
    if let Some(k) = &key
        && let Some((req, resp)) = lock(&sim.idempotency).get(k).cloned()
    {
        if req != raw {
            return Reply::error(
                400,
                "IdempotentRequestError",
                "The idempotency key was already used with a different request",
            );
        }
        return Reply::raw(201, resp).with_headers(vec![("x-idempotency-lookup", "hit".into())]);
    }
    let reply = create_ticket(&sim, &body);
    if let Some(k) = key
        && reply.status == 201
    {
        lock(&sim.idempotency).insert(k, (raw, reply.body.clone()));
        return reply.with_headers(vec![("x-idempotency-lookup", "miss".into())]);
    }
    reply
}

fn create_ticket(sim: &Shared, body: &Value) -> Reply {
    let Some(input) = body.get("ticket").and_then(Value::as_object) else {
        return Reply::bad_request("Parameter ticket is required");
    };
    let mut store = lock(&sim.store);
    let now = store.now();
    let actor = acting_user(&store);
    let comment = input.get("comment").cloned().or_else(|| input.get("description").map(|d| json!({ "body": d })));
    let Some(comment) = comment.filter(|c| {
        c.get("body").or_else(|| c.get("html_body")).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty())
            || c.get("uploads").is_some()
    }) else {
        return Reply::invalid("description", "BlankValue", "Description: cannot be blank");
    };
    let mut input = input.clone();
    if let Some(req) = input.get("requester").and_then(Value::as_object).cloned() {
        match requester_from(&mut store, &req, now) {
            Ok(id) => {
                input.insert("requester_id".into(), json!(id));
            }
            Err(e) => return e,
        }
    }
    let requester = input.get("requester_id").and_then(Value::as_i64).unwrap_or(actor);
    input.insert("requester_id".into(), json!(requester));
    if !input.contains_key("status") {
        let assigned = input.get("assignee_id").is_some_and(|v| !v.is_null());
        input.insert("status".into(), json!(if assigned { "open" } else { "new" }));
    }
    let id = store.new_id(Kind::Tickets);
    let body_text = match comment.get("body").and_then(Value::as_str) {
        Some(b) => b.to_owned(),
        None => shapes::strip_tags(comment.get("html_body").and_then(Value::as_str).unwrap_or_default()),
    };
    let subject = input
        .get("subject")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body_text.lines().next().unwrap_or_default().chars().take(50).collect());
    let org =
        store.table(Kind::Users).get(requester).and_then(|u| u.get("organization_id").cloned()).unwrap_or(Value::Null);
    let fields = sim.seeded.ticket_fields;
    let init = TicketInit {
        subject: subject.clone(),
        description: body_text.clone(),
        status: "new".into(),
        priority: Value::Null,
        kind: Value::Null,
        requester_id: requester,
        assignee_id: Value::Null,
        group_id: Value::Null,
        organization_id: org,
        tags: Vec::new(),
        custom_fields: fields.iter().map(|f| json!({ "id": f, "value": null })).collect(),
        external_id: Value::Null,
        channel: "api",
        collaborators: Vec::new(),
        created: now,
        updated: now,
    };
    let mut t = shapes::ticket(&store, id, &init);
    input.insert("subject".into(), json!(subject));
    input.remove("requester");
    let mut events = match apply(&store, &fields, &input, &mut t, true) {
        Ok(e) => e,
        Err(e) => return e,
    };
    if t.get("submitter_id") != Some(&json!(actor)) {
        t.insert("submitter_id".into(), json!(requester));
    }
    let (comment_rec, comment_event) = match add_comment(&mut store, id, &comment, requester, now) {
        Ok(Some(c)) => c,
        Ok(None) => return Reply::invalid("description", "BlankValue", "Description: cannot be blank"),
        Err(e) => return e,
    };
    events.insert(0, comment_event);
    let aid = comment_rec.int("audit_id").unwrap_or_default();
    let rec = Rec::new(t);
    let audit = audit(&store, aid, id, actor, now, events);
    let out = format!("{{\"ticket\":{},\"audit\":{audit}}}", rec.json());
    store.comments.insert(id, vec![comment_rec]);
    let created = TicketEvent { kind: "ticket.created", ticket: rec.value().clone(), event: json!({}) };
    sim.hooks.emit(&sim.client, actor, vec![created]);
    store.table_mut(Kind::Tickets).put(id, rec);
    let location = store.url(Kind::Tickets, id);
    Reply::raw(201, out).with_headers(vec![("location", location)])
}

/// Finds the end user with the requester's email, or creates one.
fn requester_from(store: &mut Store, req: &Map<String, Value>, now: i64) -> Result<i64, Reply> {
    let email = req.get("email").and_then(Value::as_str).map(str::to_lowercase);
    if let Some(email) = &email
        && let Some((id, _)) =
            store.table(Kind::Users).all().find(|(_, u)| u.str("email").is_some_and(|e| e.eq_ignore_ascii_case(email)))
    {
        return Ok(id);
    }
    let name = req.get("name").and_then(Value::as_str).map(str::to_owned).or_else(|| email.clone());
    let Some(name) = name else {
        return Err(Reply::invalid("requester", "InvalidValue", "Requester: needs a name or an email"));
    };
    let id = store.new_id(Kind::Users);
    let init = shapes::new_user(name, email.map(Value::from).unwrap_or(Value::Null), "end-user", now);
    let rec = Rec::new(shapes::user(store, id, &init));
    store.table_mut(Kind::Users).put(id, rec);
    Ok(id)
}

/// Checks a `safe_update` request's `updated_stamp` against the ticket (409 on a mismatch).
fn safe_update(input: &Map<String, Value>, current: &Rec) -> Result<(), Reply> {
    if input.get("safe_update").and_then(Value::as_bool) != Some(true) {
        return Ok(());
    }
    let stamp = input.get("updated_stamp").and_then(Value::as_str).and_then(crate::record::parse_ts);
    if stamp == Some(current.stamp) {
        Ok(())
    } else {
        Err(Reply::error(
            409,
            "UpdateConflict",
            "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.",
        ))
    }
}

/// A closed ticket refuses updates with 422.
fn closed(rec: &Rec) -> Result<(), Reply> {
    if rec.str("status") == Some("closed") {
        Err(Reply::invalid("status", "InvalidValue", "Status: closed prevents ticket update"))
    } else {
        Ok(())
    }
}

/// `PUT /api/v2/tickets/{id}`: changes fields and adds `ticket.comment` (a public reply, or a
/// private note with `public: false`); 200 with the ticket and its audit.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, Id(id): Id, Json(body): Json) -> Reply {
    let Some(input) = body.get("ticket").and_then(Value::as_object) else {
        return Reply::bad_request("Parameter ticket is required");
    };
    let mut store = lock(&sim.store);
    let Some(current) = store.table(Kind::Tickets).live(id) else { return Reply::not_found() };
    if let Err(e) = closed(current).and_then(|()| safe_update(input, current)) {
        return e;
    }
    let mut t = current.value().clone();
    let fields = sim.seeded.ticket_fields;
    let mut events = match apply(&store, &fields, input, &mut t, false) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let now = store.now();
    let actor = acting_user(&store);
    let mut audit_id = None;
    if let Some(c) = input.get("comment") {
        match add_comment(&mut store, id, c, actor, now) {
            Ok(Some((rec, event))) => {
                audit_id = rec.int("audit_id");
                events.insert(0, event);
                store.comments.entry(id).or_default().push(rec);
            }
            Ok(None) => {}
            Err(e) => return e,
        }
    }
    if !events.is_empty() {
        t.insert("updated_at".into(), json!(ts(now)));
    }
    let aid = audit_id.unwrap_or_else(|| store.new_audit_id());
    sim.hooks.emit(&sim.client, actor, webhooks::from_audit(&store, &t, &events));
    let audit = audit(&store, aid, id, actor, now, events);
    let rec = Rec::new(t);
    let out = format!("{{\"ticket\":{},\"audit\":{audit}}}", rec.json());
    store.table_mut(Kind::Tickets).put(id, rec);
    Reply::raw(200, out)
}

/// `DELETE /api/v2/tickets/{id}`: a soft delete (204); the ticket moves to `deleted_tickets`
/// and shows in exports with status `deleted`.
pub(crate) async fn destroy(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let mut store = lock(&sim.store);
    if store.table(Kind::Tickets).live(id).is_none() {
        return Reply::not_found();
    }
    let now = store.now();
    soft_delete(&mut store, id, now);
    if let Some(t) = store.table(Kind::Tickets).get(id) {
        let deleted = TicketEvent { kind: "ticket.soft_deleted", ticket: t.value().clone(), event: json!({}) };
        sim.hooks.emit(&sim.client, acting_user(&store), vec![deleted]);
    }
    Reply::no_content()
}

/// Marks ticket `id` deleted at `now`, remembering its status for a restore.
pub(crate) fn soft_delete(store: &mut Store, id: i64, now: i64) {
    let mut previous = None;
    store.table_mut(Kind::Tickets).update(id, |r| {
        previous = r.str("status").map(str::to_owned);
        r.deleted_at = Some(now);
        r.edit(|m| {
            m.insert("status".into(), json!("deleted"));
            m.insert("updated_at".into(), json!(ts(now)));
        });
    });
    if let Some(p) = previous {
        store.deleted_from.insert(id, p);
    }
}

/// `GET /api/v2/tickets/{id}/tags`.
pub(crate) async fn tags(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let store = lock(&sim.store);
    match store.table(Kind::Tickets).live(id) {
        Some(t) => Reply::json(200, &json!({ "tags": t.get("tags").cloned().unwrap_or(json!([])) })),
        None => Reply::not_found(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TagOp {
    Set,
    Add,
    Remove,
}

/// The tags a tags request names: `{"tags":[…]}` in the body, or `?tags=a,b`.
fn requested_tags(body: &Value, p: &Params) -> Result<Vec<String>, Reply> {
    match body.get("tags") {
        Some(v) => normalize_tags(v),
        None => Ok(p
            .get("tags")
            .map(|s| normalize_tags(&json!(s.split(',').collect::<Vec<_>>())))
            .transpose()?
            .unwrap_or_default()),
    }
}

fn tag_op(sim: &Shared, id: i64, op: TagOp, body: &Value, p: &Params) -> Reply {
    let names = match requested_tags(body, p) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut store = lock(&sim.store);
    let Some(current) = store.table(Kind::Tickets).live(id) else { return Reply::not_found() };
    let safe = body.as_object().cloned().unwrap_or_default();
    if let Err(e) = closed(current).and_then(|()| safe_update(&safe, current)) {
        return e;
    }
    let mut tags: Vec<String> = current
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let before = tags.clone();
    match op {
        TagOp::Set => tags = names,
        TagOp::Add => {
            for n in names {
                if !tags.contains(&n) {
                    tags.push(n);
                }
            }
        }
        TagOp::Remove => tags.retain(|t| !names.contains(t)),
    }
    if tags != before {
        let change = change("tags", &json!(tags), Some(&json!(before)));
        if let Some(t) = store.table(Kind::Tickets).get(id) {
            let mut after = t.value().clone();
            after.insert("tags".into(), json!(tags));
            sim.hooks.emit(&sim.client, acting_user(&store), webhooks::from_audit(&store, &after, &[change]));
        }
        let now = store.now();
        store.table_mut(Kind::Tickets).update(id, |r| {
            r.edit(|m| {
                m.insert("tags".into(), json!(tags));
                m.insert("updated_at".into(), json!(ts(now)));
            });
        });
    }
    Reply::json(if op == TagOp::Set { 201 } else { 200 }, &json!({ "tags": tags }))
}

/// `POST /api/v2/tickets/{id}/tags`: replaces the tags (201).
pub(crate) async fn set_tags(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, Json(body): Json) -> Reply {
    tag_op(&sim, id, TagOp::Set, &body, &p)
}

/// `PUT /api/v2/tickets/{id}/tags`: adds tags, keeping the others.
pub(crate) async fn add_tags(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, Json(body): Json) -> Reply {
    tag_op(&sim, id, TagOp::Add, &body, &p)
}

/// `DELETE /api/v2/tickets/{id}/tags`: removes tags, keeping the others.
pub(crate) async fn remove_tags(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, Json(body): Json) -> Reply {
    tag_op(&sim, id, TagOp::Remove, &body, &p)
}
