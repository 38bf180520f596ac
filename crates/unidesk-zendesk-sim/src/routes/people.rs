//! Users (end users, agents and admins in one resource) and organizations.

use std::sync::Arc;

use axum::extract::{Extension, State};
use axum::http::Uri;
use serde_json::{Map, Value, json};

use crate::middleware::auth::Credential;
use crate::query::Params;
use crate::record::{Rec, ts};
use crate::reply::Reply;
use crate::routes::tickets::{acting_user, normalize_tags, ordered, page_of, single};
use crate::routes::{Id, Json};
use crate::shapes;
use crate::state::{Shared, lock};
use crate::store::{Kind, Store};

const ROLES: [&str; 3] = ["end-user", "agent", "admin"];

/// `GET /api/v2/users`, filtered by `role=` or `role[]=` (several).
pub(crate) async fn list_users(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let roles: Vec<&str> = p.all("role").chain(p.all("role[]")).collect();
    if let Some(bad) = roles.iter().find(|r| !ROLES.contains(r)) {
        return Reply::bad_request(&format!("role {bad} is not one of end-user, agent, admin"));
    }
    let rows = store
        .table(Kind::Users)
        .all()
        .filter(|(_, u)| roles.is_empty() || u.str("role").is_some_and(|r| roles.contains(&r)));
    let rows = ordered(rows.collect::<Vec<_>>().into_iter(), &p);
    page_of(&store, "users", rows, &p, &uri)
}

/// `GET /api/v2/users/show_many?ids=…`.
pub(crate) async fn show_many_users(State(sim): State<Arc<Shared>>, p: Params) -> Reply {
    let store = lock(&sim.store);
    let items: Vec<&Rec> = p
        .get("ids")
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter_map(|id| store.table(Kind::Users).get(id))
        .collect();
    Reply::raw(200, crate::paging::render("users", &items, &[], ""))
}

/// `GET /api/v2/users/me`: the credential's user.
pub(crate) async fn me(State(sim): State<Arc<Shared>>, Extension(_): Extension<Credential>, p: Params) -> Reply {
    let store = lock(&sim.store);
    let id = acting_user(&store);
    match store.table(Kind::Users).get(id) {
        Some(u) => single(&store, "user", u, &p),
        None => Reply::not_found(),
    }
}

/// `GET /api/v2/users/{id}`.
pub(crate) async fn show_user(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params) -> Reply {
    let store = lock(&sim.store);
    match store.table(Kind::Users).get(id) {
        Some(u) => single(&store, "user", u, &p),
        None => Reply::not_found(),
    }
}

/// Sets the values of `v` (an object) in the object under `key`, for the keys it defines
/// already (custom-field values for keys no definition has are ignored, as Zendesk does).
fn merge_known(record: &mut Map<String, Value>, key: &str, v: &Value) {
    let fields = record.entry(key).or_insert_with(|| json!({}));
    if let (Some(into), Some(from)) = (fields.as_object_mut(), v.as_object()) {
        for (fk, fv) in from {
            if into.contains_key(fk) {
                into.insert(fk.clone(), fv.clone());
            }
        }
    }
}

/// Validates the writable fields of an input object and applies them to a record.
type Apply = fn(&Store, i64, &Map<String, Value>, &mut Map<String, Value>) -> Result<(), Reply>;

/// Validates and applies an update of record `id` of `kind` (`{"<singular>": {...}}`); moves
/// `updated_at` when anything changed; 200 with the record.
fn update_record(sim: &Shared, kind: Kind, id: i64, body: &Value, apply: Apply) -> Reply {
    let key = kind.singular();
    let Some(input) = body.get(key).and_then(Value::as_object) else {
        return Reply::bad_request(&format!("Parameter {key} is required"));
    };
    let mut store = lock(&sim.store);
    let Some(current) = store.table(kind).live(id).filter(|r| r.get("active") != Some(&json!(false))) else {
        return Reply::not_found();
    };
    let mut next = current.value().clone();
    if let Err(e) = apply(&store, id, input, &mut next) {
        return e;
    }
    if &next != current.value() {
        let now = store.now();
        next.insert("updated_at".into(), json!(ts(now)));
    }
    let rec = Rec::new(next);
    let out = format!("{{\"{key}\":{}}}", rec.json());
    store.table_mut(kind).put(id, rec);
    Reply::raw(200, out)
}

/// Applies the writable user fields of `input` to `u`, validating them.
fn apply_user(store: &Store, id: i64, input: &Map<String, Value>, u: &mut Map<String, Value>) -> Result<(), Reply> {
    for (k, v) in input {
        match k.as_str() {
            "name" => {
                if v.as_str().is_none_or(|s| s.trim().is_empty()) {
                    return Err(Reply::invalid("name", "BlankValue", "Name: cannot be blank"));
                }
            }
            "email" => {
                if !v.is_null() {
                    let Some(e) = v.as_str().filter(|e| e.contains('@')) else {
                        return Err(Reply::invalid("email", "InvalidValue", "Email: is not properly formatted"));
                    };
                    let taken = store
                        .table(Kind::Users)
                        .all()
                        .any(|(other, o)| other != id && o.str("email").is_some_and(|x| x.eq_ignore_ascii_case(e)));
                    if taken {
                        return Err(Reply::invalid(
                            "email",
                            "DuplicateValue",
                            &format!("Email: {e} is already being used by another user"),
                        ));
                    }
                }
            }
            "role" => {
                if !v.as_str().is_some_and(|r| ROLES.contains(&r)) {
                    return Err(Reply::invalid("role", "InvalidValue", "Role: is not valid"));
                }
            }
            "organization_id" => {
                if !v.is_null() && v.as_i64().and_then(|o| store.table(Kind::Organizations).live(o)).is_none() {
                    return Err(Reply::invalid("organization_id", "InvalidValue", "Organization: is invalid"));
                }
            }
            "tags" => {
                u.insert("tags".into(), json!(normalize_tags(v)?));
                continue;
            }
            "user_fields" => {
                merge_known(u, "user_fields", v);
                continue;
            }
            "phone" | "external_id" | "details" | "notes" | "alias" | "time_zone" | "locale" | "signature"
            | "suspended" | "verified" => {}
            _ => continue,
        }
        u.insert(k.clone(), v.clone());
    }
    Ok(())
}

/// `POST /api/v2/users`: 201; a duplicate email is a 422 `DuplicateValue`.
pub(crate) async fn create_user(State(sim): State<Arc<Shared>>, Json(body): Json) -> Reply {
    let Some(input) = body.get("user").and_then(Value::as_object) else {
        return Reply::bad_request("Parameter user is required");
    };
    let mut store = lock(&sim.store);
    let now = store.now();
    let name = input.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    if name.trim().is_empty() {
        return Reply::invalid("name", "BlankValue", "Name: cannot be blank");
    }
    let id = store.new_id(Kind::Users);
    let mut u = shapes::user(&store, id, &shapes::new_user(name, Value::Null, "end-user", now));
    if let Err(e) = apply_user(&store, id, input, &mut u) {
        return e;
    }
    let rec = Rec::new(u);
    let out = format!("{{\"user\":{}}}", rec.json());
    store.table_mut(Kind::Users).put(id, rec);
    Reply::raw(201, out).with_headers(vec![("location", store.url(Kind::Users, id))])
}

/// `PUT /api/v2/users/{id}`.
pub(crate) async fn update_user(State(sim): State<Arc<Shared>>, Id(id): Id, Json(body): Json) -> Reply {
    update_record(&sim, Kind::Users, id, &body, apply_user)
}

/// `DELETE /api/v2/users/{id}`: 200 with the user, now inactive (Zendesk keeps deleted users
/// with `active: false`).
pub(crate) async fn delete_user(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let mut store = lock(&sim.store);
    if store.table(Kind::Users).live(id).filter(|u| u.get("active") != Some(&json!(false))).is_none() {
        return Reply::not_found();
    }
    let now = store.now();
    store.table_mut(Kind::Users).update(id, |r| {
        r.edit(|m| {
            m.insert("active".into(), json!(false));
            m.insert("updated_at".into(), json!(ts(now)));
        });
    });
    match store.table(Kind::Users).get(id) {
        Some(u) => Reply::raw(200, format!("{{\"user\":{}}}", u.json())),
        None => Reply::not_found(),
    }
}

/// `GET /api/v2/organizations`.
pub(crate) async fn list_organizations(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let rows = ordered(store.table(Kind::Organizations).live_rows(), &p);
    page_of(&store, "organizations", rows, &p, &uri)
}

/// `GET /api/v2/organizations/{id}`.
pub(crate) async fn show_organization(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params) -> Reply {
    let store = lock(&sim.store);
    match store.table(Kind::Organizations).live(id) {
        Some(o) => single(&store, "organization", o, &p),
        None => Reply::not_found(),
    }
}

fn apply_organization(
    store: &Store,
    id: i64,
    input: &Map<String, Value>,
    o: &mut Map<String, Value>,
) -> Result<(), Reply> {
    for (k, v) in input {
        match k.as_str() {
            "name" => {
                let Some(name) = v.as_str().filter(|s| !s.trim().is_empty()) else {
                    return Err(Reply::invalid("name", "BlankValue", "Name: cannot be blank"));
                };
                let taken = store
                    .table(Kind::Organizations)
                    .live_rows()
                    .any(|(other, r)| other != id && r.str("name") == Some(name));
                if taken {
                    return Err(Reply::invalid("name", "DuplicateValue", "Name: has already been taken"));
                }
            }
            "domain_names" | "tags" => {
                let list = normalize_tags(v)?;
                o.insert(k.clone(), json!(list));
                continue;
            }
            "organization_fields" => {
                merge_known(o, "organization_fields", v);
                continue;
            }
            "external_id" | "details" | "notes" | "group_id" | "shared_tickets" | "shared_comments" => {}
            _ => continue,
        }
        o.insert(k.clone(), v.clone());
    }
    Ok(())
}

/// `POST /api/v2/organizations`: 201; a taken name is a 422 `DuplicateValue`.
pub(crate) async fn create_organization(State(sim): State<Arc<Shared>>, Json(body): Json) -> Reply {
    let Some(input) = body.get("organization").and_then(Value::as_object) else {
        return Reply::bad_request("Parameter organization is required");
    };
    let mut store = lock(&sim.store);
    if input.get("name").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
        return Reply::invalid("name", "BlankValue", "Name: cannot be blank");
    }
    let now = store.now();
    let id = store.new_id(Kind::Organizations);
    let fields = json!({ "tier": null, "region": null, "seats": null });
    let mut o = shapes::organization(&store, id, "", Vec::new(), Vec::new(), fields, Value::Null, now, now);
    if let Err(e) = apply_organization(&store, id, input, &mut o) {
        return e;
    }
    let rec = Rec::new(o);
    let out = format!("{{\"organization\":{}}}", rec.json());
    store.table_mut(Kind::Organizations).put(id, rec);
    Reply::raw(201, out).with_headers(vec![("location", store.url(Kind::Organizations, id))])
}

/// `PUT /api/v2/organizations/{id}`.
pub(crate) async fn update_organization(State(sim): State<Arc<Shared>>, Id(id): Id, Json(body): Json) -> Reply {
    update_record(&sim, Kind::Organizations, id, &body, apply_organization)
}

/// `DELETE /api/v2/organizations/{id}`: 204.
pub(crate) async fn delete_organization(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let mut store = lock(&sim.store);
    match store.table_mut(Kind::Organizations).remove(id) {
        Some(_) => Reply::no_content(),
        None => Reply::not_found(),
    }
}
