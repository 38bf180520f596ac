//! Users beyond the listing: the key's own user (`GET /v1/users/current`), several by id
//! (`GET /v1/users/{id,id,…}`), invitations (`POST /v1/users`) and updates (`PUT /v1/users/{id}`).

use std::sync::Arc;

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::extract::{JsonBody, PathId, obj};
use crate::fields::{Spec, accept};
use crate::record::{Draft, Rec};
use crate::render;
use crate::reply::Reply;
use crate::routes::listing;
use crate::routes::writes::written;
use crate::state::{Shared, lock};
use crate::store::Store;

/// `GET /v1/users/current`: the user the request's key belongs to, as `{"data":user}`
/// (Singer's tap-kustomer checks its token with it). The simulator's keys belong to no user of
/// their own, so it answers the org's first live user by id.
pub(crate) async fn current(State(sim): State<Arc<Shared>>) -> Reply {
    let store = lock(&sim.store);
    match store.coll(Coll::Users).live_page(0, 1).first() {
        Some((id, rec)) => Reply::raw(200, render::single(rec, Coll::Users, id, &[])),
        None => Reply::error(404, "not_found", "The key's user was not found"),
    }
}

/// `GET /v1/users/{ids}`: one id answers the user; comma-separated ids answer
/// `{"data":[…]}` with those found, in the order asked (404 when none is).
pub(crate) async fn get(sim: State<Arc<Shared>>, PathId(ids): PathId) -> Reply {
    if !ids.contains(',') {
        return listing::one(Coll::Users, sim, PathId(ids)).await;
    }
    let store = lock(&sim.store);
    let mut out = b"{\"data\":[".to_vec();
    let mut n = 0;
    for id in ids.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if let Some(rec) = store.live(Coll::Users, id) {
            if n > 0 {
                out.push(b',');
            }
            rec.write_json(&mut out, Coll::Users, id);
            n += 1;
        }
    }
    out.extend_from_slice(b"]}");
    if n == 0 {
        return Reply::error(404, "not_found", "No user has those ids");
    }
    Reply::raw(200, out)
}

/// The attributes an invitation or update may set, with a check of each value.
const FIELDS: [Spec; 7] = [
    ("name", |v| v.as_str().is_some_and(|s| !s.is_empty())),
    ("displayName", Value::is_string),
    ("email", |v| v.as_str().is_some_and(|s| s.contains('@'))),
    ("mobile", Value::is_string),
    ("avatarUrl", Value::is_string),
    ("userType", |v| matches!(v.as_str(), Some("user" | "machine"))),
    ("roles", |v| v.as_array().is_some_and(|r| r.iter().all(Value::is_string))),
];

fn fields(m: &Map<String, Value>) -> Result<Map<String, Value>, Reply> {
    let mut out = Map::new();
    for (k, v) in m {
        accept(&FIELDS, k, v)?;
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

fn email_taken(store: &Store, email: &str, except: Option<&str>) -> bool {
    store.coll(Coll::Users).iter().any(|(id, r): (&crate::record::Id, &Rec)| {
        Some(&**id) != except
            && !r.is_deleted()
            && r.draft().attrs.get("email").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case(email))
    })
}

/// `POST /v1/users`: invites a user (`name` and `email` required) → 201 with `status: invited`.
pub(crate) async fn invite(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    invite_in(&sim, body).unwrap_or_else(|r| r)
}

fn invite_in(sim: &Shared, body: Option<Value>) -> Result<Reply, Reply> {
    let attrs = fields(&obj(body)?)?;
    for f in ["name", "email"] {
        if !attrs.contains_key(f) {
            return Err(Reply::invalid(f, &format!("{f} is required")));
        }
    }
    let email = attrs.get("email").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut store = lock(&sim.store);
    if email_taken(&store, &email, None) {
        return Err(Reply::error(409, "conflict", "A user has that email"));
    }
    let now = store.tick();
    let id = store.new_id(0x5e5e_0002);
    let mut draft = Draft::new(now, now).attr("userType", json!("user")).attr("status", json!("invited"));
    draft.attrs.extend(attrs);
    let rec = draft.into_rec(Coll::Users);
    store.insert(Coll::Users, id.clone(), rec.clone());
    drop(store);
    Ok(written(sim, Coll::Users, "create", &id, &rec, 201, Vec::new()))
}

/// `PUT /v1/users/{id}`: merges the given attributes; a taken `email` is a 409.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, PathId(id): PathId, JsonBody(body): JsonBody) -> Reply {
    update_in(&sim, &id, body).unwrap_or_else(|r| r)
}

fn update_in(sim: &Shared, id: &str, body: Option<Value>) -> Result<Reply, Reply> {
    let attrs = fields(&obj(body)?)?;
    let mut store = lock(&sim.store);
    if let Some(e) = attrs.get("email").and_then(Value::as_str)
        && email_taken(&store, e, Some(id))
    {
        return Err(Reply::error(409, "conflict", "A user has that email"));
    }
    let now = store.tick();
    let Some(rec) = store.live_mut(Coll::Users, id) else {
        return Err(Reply::error(404, "not_found", "User not found"));
    };
    let mut draft = rec.draft();
    draft.attrs.extend(attrs);
    draft.updated = now;
    *rec = draft.into_rec(Coll::Users);
    let rec = rec.clone();
    drop(store);
    Ok(written(sim, Coll::Users, "update", id, &rec, 200, Vec::new()))
}
