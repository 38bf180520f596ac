//! Writes: create, update, delete, tags, messages and notes. Each moves `updatedAt` forward.

use serde_json::{Value, json};

use crate::handler::{Attrs, Reply, Shared, err, lock, notify, object_budget, reply};
use crate::render;
use crate::store::{Rec, ts};

fn obj(body: Option<Value>) -> Result<Attrs, Reply> {
    match body {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(err(400, "bad_request", "body must be a JSON object")),
    }
}

fn check_conversation_fields(m: &Attrs) -> Result<(), Reply> {
    if let Some(s) = m.get("status")
        && !matches!(s.as_str(), Some("open" | "snoozed" | "done"))
    {
        return Err(reply(400, render::invalid("status", "status must be open, snoozed or done")));
    }
    if let Some(p) = m.get("priority")
        && !p.as_u64().is_some_and(|p| (1..=5).contains(&p))
    {
        return Err(reply(400, render::invalid("priority", "priority must be an integer from 1 to 5")));
    }
    for k in m.keys() {
        if k == "custom"
            && let Some(c) = m.get("custom").and_then(Value::as_object)
        {
            for key in c.keys() {
                let ok = ["Str", "Num", "At", "Txt", "Bool", "Url", "Tree"].iter().any(|s| key.ends_with(s));
                if !ok {
                    return Err(reply(
                        400,
                        render::invalid(
                            &format!("custom.{key}"),
                            "custom attribute names need a type suffix (Str, Num, At, Txt, Bool, Url, Tree)",
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn apply(rec: &mut Rec, m: &Attrs, rel_fields: &[(&str, &str)]) {
    for (k, v) in m {
        if let Some((_, kind)) = rel_fields.iter().find(|(f, _)| f == k) {
            if let Some(id) = v.as_str() {
                rec.rels.insert(k.clone(), json!({ "data": { "type": kind, "id": id } }));
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

fn email_taken(sim: &Shared, m: &Attrs, except: Option<&str>) -> Option<String> {
    let wanted: Vec<String> = m
        .get("emails")?
        .as_array()?
        .iter()
        .filter_map(|e| e.get("email").and_then(Value::as_str).map(str::to_lowercase))
        .collect();
    let store = lock(&sim.store);
    store.coll("customers")?.values().filter(|r| Some(r.id.as_str()) != except).find_map(|r| {
        r.attrs.get("emails")?.as_array()?.iter().find_map(|e| {
            let x = e.get("email")?.as_str()?.to_lowercase();
            wanted.contains(&x).then_some(x)
        })
    })
}

pub fn create(sim: &Shared, coll: &'static str, body: Option<Value>) -> Reply {
    let m = match obj(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut headers = Vec::new();
    match coll {
        "conversations" => {
            if let Err(r) = check_conversation_fields(&m) {
                return r;
            }
            let Some(customer) = m.get("customer").and_then(Value::as_str) else {
                return reply(400, render::invalid("customer", "customer is required"));
            };
            if lock(&sim.store).coll("customers").is_none_or(|c| !c.contains_key(customer)) {
                return reply(400, render::invalid("customer", "customer does not exist"));
            }
            match object_budget(sim, &format!("customer:{customer}")) {
                Ok(h) => headers = h,
                Err(r) => return r,
            }
        }
        "customers" => {
            if let Some(e) = email_taken(sim, &m, None) {
                return err(409, "conflict", &format!("email {e} belongs to another customer"));
            }
        }
        _ => {
            if m.get("name").and_then(Value::as_str).is_none_or(str::is_empty) {
                return reply(400, render::invalid("name", "name is required"));
            }
        }
    }
    let mut store = lock(&sim.store);
    let now = store.tick();
    let id = store.new_id(0xf00d_0001);
    let kind = match coll {
        "conversations" => "conversation",
        "customers" => "customer",
        _ => "company",
    };
    let mut rec = Rec::new(kind, id.clone(), now, now);
    if coll == "conversations" && !m.contains_key("status") {
        rec.attrs.insert("status".into(), json!("open"));
    }
    apply(&mut rec, &m, &[("customer", "customer"), ("company", "company")]);
    if rec.attrs.get("status").and_then(Value::as_str) == Some("done") {
        rec.attrs.insert("ended".into(), json!(true));
        rec.attrs.insert("endedAt".into(), ts(now));
    }
    store.insert(coll, rec.clone());
    drop(store);
    notify(sim, coll, "create", &rec);
    let mut r = reply(201, json!({ "data": render::record(&rec, coll) }));
    r.headers = headers;
    r
}

pub fn update(sim: &Shared, coll: &'static str, id: &str, body: Option<Value>) -> Reply {
    let m = match obj(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if coll == "conversations"
        && let Err(r) = check_conversation_fields(&m)
    {
        return r;
    }
    if coll == "customers"
        && let Some(e) = email_taken(sim, &m, Some(id))
    {
        return err(409, "conflict", &format!("email {e} belongs to another customer"));
    }
    if lock(&sim.store).coll(coll).is_none_or(|c| !c.contains_key(id)) {
        return err(404, "not_found", "Record not found");
    }
    let headers = match object_budget(sim, &format!("{coll}:{id}")) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let mut store = lock(&sim.store);
    let now = store.tick();
    let Some(rec) = store.coll_mut(coll).and_then(|c| c.get_mut(id)) else {
        return err(404, "not_found", "Record not found");
    };
    let was_done = rec.attrs.get("status").and_then(Value::as_str) == Some("done");
    apply(rec, &m, &[("customer", "customer"), ("company", "company")]);
    let is_done = rec.attrs.get("status").and_then(Value::as_str) == Some("done");
    if is_done && !was_done {
        rec.attrs.insert("ended".into(), json!(true));
        rec.attrs.insert("endedAt".into(), ts(now));
    } else if !is_done && was_done {
        rec.attrs.insert("ended".into(), json!(false));
    }
    rec.updated = now;
    let rec = rec.clone();
    drop(store);
    notify(sim, coll, "update", &rec);
    let mut r = reply(200, json!({ "data": render::record(&rec, coll) }));
    r.headers = headers;
    r
}

pub fn delete(sim: &Shared, coll: &'static str, id: &str) -> Reply {
    let mut store = lock(&sim.store);
    if store.coll_mut(coll).and_then(|c| c.remove(id)).is_none() {
        return err(404, "not_found", "Record not found");
    }
    if coll == "conversations" {
        for sub in ["messages", "notes"] {
            if let Some(c) = store.coll_mut(sub) {
                c.retain(|_, r| r.rel_id("conversation") != Some(id));
            }
        }
    }
    reply(204, Value::Null)
}

pub fn tags(sim: &Shared, add: bool, id: &str, body: Option<Value>) -> Reply {
    let Some(list) = body.as_ref().and_then(Value::as_array) else {
        return err(400, "bad_request", "body must be an array of tag ids");
    };
    let wanted: Vec<String> = list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    if lock(&sim.store).coll("conversations").is_none_or(|c| !c.contains_key(id)) {
        return err(404, "not_found", "Conversation not found");
    }
    let headers = match object_budget(sim, &format!("conversations:{id}")) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let mut store = lock(&sim.store);
    let now = store.tick();
    let Some(rec) = store.coll_mut("conversations").and_then(|c| c.get_mut(id)) else {
        return err(404, "not_found", "Conversation not found");
    };
    let mut current: Vec<String> = rec
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
    rec.attrs.insert("tags".into(), json!(current));
    rec.updated = now;
    let rec = rec.clone();
    drop(store);
    notify(sim, "conversations", "update", &rec);
    let mut r = reply(200, json!({ "data": render::record(&rec, "conversations") }));
    r.headers = headers;
    r
}

pub fn comment(sim: &Shared, conversation: &str, sub: &str, body: Option<Value>) -> Reply {
    let m = match obj(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let customer = {
        let store = lock(&sim.store);
        match store.coll("conversations").and_then(|c| c.get(conversation)) {
            Some(c) => c.rel_id("customer").map(str::to_owned),
            None => return err(404, "not_found", "Conversation not found"),
        }
    };
    let mut headers = Vec::new();
    if sub == "messages" {
        for f in ["channel", "app", "direction"] {
            if m.get(f).and_then(Value::as_str).is_none_or(str::is_empty) {
                return reply(400, render::invalid(f, &format!("{f} is required")));
            }
        }
        if let Some(c) = &customer {
            match object_budget(sim, &format!("customer:{c}")) {
                Ok(h) => headers = h,
                Err(r) => return r,
            }
        }
    } else if m.get("body").and_then(Value::as_str).is_none_or(str::is_empty) {
        return reply(400, render::invalid("body", "body is required"));
    }
    let mut store = lock(&sim.store);
    let now = store.tick();
    let (coll, kind) = if sub == "messages" { ("messages", "message") } else { ("notes", "note") };
    let id = store.new_id(0xf00d_0002);
    let mut rec = Rec::new(kind, id, now, now).rel("conversation", "conversation", conversation);
    if let Some(c) = &customer {
        rec = rec.rel("customer", "customer", c);
    }
    apply(&mut rec, &m, &[("createdBy", "user")]);
    store.insert(coll, rec.clone());
    if let Some(conv) = store.coll_mut("conversations").and_then(|c| c.get_mut(conversation)) {
        conv.updated = now;
    }
    drop(store);
    notify(sim, coll, "create", &rec);
    let mut r = reply(201, json!({ "data": render::record(&rec, coll) }));
    r.headers = headers;
    r
}
