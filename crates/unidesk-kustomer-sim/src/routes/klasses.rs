//! Klasses (`/v1/klasses`, `/v1/klasses/{id}`): the custom-object types of the org. Kustomer's
//! OAS uses `/v1/klasses/{x}` both for a klass by id and for the KObjects of a klass by name:
//! `x` is matched against klass ids first, then names.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde_json::{Map, Value};

use crate::doc::Doc;
use crate::extract::{JsonBody, Paging, Params, PathId, obj};
use crate::reply::Reply;
use crate::routes::kobjects::{self, KParams};
use crate::routes::paged;
use crate::state::{Shared, lock};

/// The attributes a klass body may set (besides `name`, which only a create sets).
const WRITABLE: [&str; 5] = ["displayName", "icon", "color", "description", "metadata"];

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && name != "bulk"
}

/// `GET /v1/klasses`: paged, by id.
pub(crate) async fn list(State(sim): State<Arc<Shared>>, Params(q): Params<Paging>, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let docs: Vec<&Doc> = store.docs.klasses.values().collect();
    paged::docs(&docs, &q, 100, uri.path(), "").unwrap_or_else(|r| r)
}

fn pick(m: &Map<String, Value>) -> Result<Map<String, Value>, Reply> {
    let mut out = Map::new();
    for k in WRITABLE {
        if let Some(v) = m.get(k) {
            let ok = if k == "metadata" { v.is_object() } else { v.is_string() };
            if !ok {
                return Err(Reply::invalid(k, &format!("{k} has the wrong type")));
            }
            out.insert(k.to_owned(), v.clone());
        }
    }
    Ok(out)
}

/// `POST /v1/klasses`: 201; 400 for a bad name, 409 for a taken one.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    create_in(&sim, body).unwrap_or_else(|r| r)
}

fn create_in(sim: &Shared, body: Option<Value>) -> Result<Reply, Reply> {
    let m = obj(body)?;
    let name = m.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    if !valid_name(&name) {
        return Err(Reply::invalid("name", "name must be 1-64 lower-case letters, digits, '_' or '-'"));
    }
    let mut attrs = pick(&m)?;
    attrs.insert("name".into(), Value::String(name.clone()));
    attrs.entry("displayName").or_insert_with(|| Value::String(name.clone()));
    attrs.insert("status".into(), Value::String("active".into()));
    let doc = {
        let mut store = lock(&sim.store);
        if store.docs.klass_named(&name).is_some() {
            return Err(Reply::error(409, "conflict", &format!("klass {name} exists")));
        }
        let now = store.tick();
        let id = store.new_id(0xc1a5_0001);
        let doc = Doc::new("klass", id.clone(), format!("/v1/klasses/{id}"), now, attrs);
        store.docs.klasses.insert(id, doc.clone());
        store.docs.kobjects.entry(name.into_boxed_str()).or_default();
        doc
    };
    crate::events::publish(sim, "klass", "create", &doc.id, doc.json().as_bytes(), None);
    Ok(Reply::raw(201, doc.single()))
}

/// `GET /v1/klasses/{x}`: the klass with id `x`, else the KObjects of the klass named `x`.
pub(crate) async fn get(
    State(sim): State<Arc<Shared>>,
    PathId(x): PathId,
    Params(q): Params<KParams>,
    uri: Uri,
) -> Reply {
    if let Some(k) = lock(&sim.store).docs.klasses.get(x.as_str()) {
        return Reply::raw(200, k.single());
    }
    kobjects::list_of_klass(&sim, &x, &q, uri.path()).unwrap_or_else(|r| r)
}

/// `PUT /v1/klasses/{id}`: merges the writable attributes; a different `name` is a 400.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, PathId(id): PathId, JsonBody(body): JsonBody) -> Reply {
    update_in(&sim, &id, body).unwrap_or_else(|r| r)
}

fn update_in(sim: &Shared, id: &str, body: Option<Value>) -> Result<Reply, Reply> {
    let m = obj(body)?;
    let attrs = pick(&m)?;
    let (doc, changes) = {
        let mut store = lock(&sim.store);
        let now = store.tick();
        let Some(k) = store.docs.klasses.get_mut(id) else {
            return Err(Reply::error(404, "not_found", "Klass not found"));
        };
        if let Some(n) = m.get("name")
            && n.as_str() != k.str_attr("name")
        {
            return Err(Reply::invalid("name", "a klass's name cannot change"));
        }
        let before = k.attrs.clone();
        k.attrs.extend(attrs);
        k.updated = now;
        k.refresh();
        (k.clone(), crate::events::changes(&before, &k.attrs))
    };
    crate::events::publish(sim, "klass", "update", id, doc.json().as_bytes(), changes);
    Ok(Reply::raw(200, doc.single()))
}

/// `DELETE /v1/klasses/{id}`: 204; its KObjects go with it.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    let doc = {
        let mut store = lock(&sim.store);
        let Some(k) = store.docs.klasses.remove(id.as_str()) else {
            return Reply::error(404, "not_found", "Klass not found");
        };
        if let Some(name) = k.str_attr("name") {
            store.docs.kobjects.remove(name);
        }
        k
    };
    crate::events::publish(&sim, "klass", "delete", &id, doc.json().as_bytes(), None);
    Reply::raw(204, Vec::new())
}
