//! KObjects, the records of a klass: `/v1/klasses/{name}` (list, create),
//! `/v1/klasses/{name}/{id}` (get, update, delete; `externalId=…` looks one up), and a
//! customer's or company's KObjects (`/v1/customers/{id}/klasses/{name}`,
//! `/v1/companies/{id}/klasses/{name}`). Writes send `kustomer.kobject.<klass>.<verb>`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::coll::Coll;
use crate::doc::Doc;
use crate::extract::{JsonBody, Paging, Params, PathId, PathPair, obj};
use crate::fields::{Spec, accept};
use crate::reply::Reply;
use crate::routes::paged;
use crate::routes::writes::{check_custom, object_budget};
use crate::state::{Shared, lock};
use crate::store::Store;

/// The query KObject listings read: paging and `fromDate`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct KParams {
    page: Option<String>,
    #[serde(rename = "pageSize")]
    page_size: Option<String>,
    /// Only KObjects updated at or after this time.
    #[serde(rename = "fromDate")]
    from_date: Option<String>,
}

impl KParams {
    fn paging(&self) -> Paging {
        Paging { page: self.page.clone(), page_size: self.page_size.clone(), include: None }
    }
}

/// The attributes a KObject body may set, with a check of each value's type.
const FIELDS: [Spec; 9] = [
    ("title", Value::is_string),
    ("externalId", Value::is_string),
    ("description", Value::is_string),
    ("icon", Value::is_string),
    ("images", Value::is_array),
    ("tags", Value::is_array),
    ("data", Value::is_object),
    ("custom", Value::is_object),
    ("status", |v| matches!(v.as_str(), Some("open" | "snoozed" | "done"))),
];

/// The type of the KObjects of klass `name`.
pub(crate) fn kind_of(name: &str) -> String {
    format!("kobject.{name}")
}

/// 404 unless klass `name` exists.
fn klass_exists(store: &Store, name: &str) -> Result<(), Reply> {
    match store.docs.klass_named(name) {
        Some(_) => Ok(()),
        None => Err(Reply::error(404, "not_found", &format!("Klass {name} not found"))),
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

/// The KObjects of klass `name` that `keep` keeps, paged; `fromDate` keeps those updated since.
fn list(sim: &Shared, name: &str, q: &KParams, path: &str, keep: impl Fn(&Doc) -> bool) -> Result<Reply, Reply> {
    let from = match &q.from_date {
        Some(s) => Some(parse_time(s).ok_or_else(|| Reply::error(400, "bad_request", "fromDate must be a date"))?),
        None => None,
    };
    let store = lock(&sim.store);
    klass_exists(&store, name)?;
    let docs: Vec<&Doc> = store
        .docs
        .kobjects
        .get(name)
        .map(|m| m.values().filter(|d| from.is_none_or(|f| d.updated >= f) && keep(d)).collect())
        .unwrap_or_default();
    let extra = q.from_date.as_ref().map(|f| format!("fromDate={f}&")).unwrap_or_default();
    paged::docs(&docs, &q.paging(), 100, path, &extra)
}

/// `GET /v1/klasses/{name}`: the klass's KObjects by id.
pub(crate) fn list_of_klass(sim: &Shared, name: &str, q: &KParams, path: &str) -> Result<Reply, Reply> {
    list(sim, name, q, path, |_| true)
}

/// `GET /v1/customers/{id}/klasses/{name}`.
pub(crate) async fn of_customer(
    State(sim): State<Arc<Shared>>,
    PathPair(owner, name): PathPair,
    Params(q): Params<KParams>,
    uri: Uri,
) -> Reply {
    of_owner(&sim, Coll::Customers, &owner, &name, &q, uri.path())
}

/// `GET /v1/companies/{id}/klasses/{name}`.
pub(crate) async fn of_company(
    State(sim): State<Arc<Shared>>,
    PathPair(owner, name): PathPair,
    Params(q): Params<KParams>,
    uri: Uri,
) -> Reply {
    of_owner(&sim, Coll::Companies, &owner, &name, &q, uri.path())
}

fn of_owner(sim: &Shared, coll: Coll, owner: &str, name: &str, q: &KParams, path: &str) -> Reply {
    if !lock(&sim.store).contains(coll, owner) {
        return Reply::error(404, "not_found", &format!("{} {owner} not found", coll.kind()));
    }
    list(sim, name, q, path, |d| d.rel_id(coll.kind()) == Some(owner)).unwrap_or_else(|r| r)
}

/// A checked body: the attributes, and the (relationship, id) pairs to set.
type Checked = (Map<String, Value>, Vec<(Coll, String)>);

/// Checks a body's attributes and relationships.
fn fields(store: &Store, m: &Map<String, Value>) -> Result<Checked, Reply> {
    let mut attrs = Map::new();
    let mut rels = Vec::new();
    for (k, v) in m {
        if let Some(coll) = [Coll::Customers, Coll::Companies].into_iter().find(|c| c.kind() == k) {
            let Some(id) = v.as_str().filter(|id| store.contains(coll, id)) else {
                return Err(Reply::invalid(k, &format!("{k} does not exist")));
            };
            rels.push((coll, id.to_owned()));
            continue;
        }
        if k == "subStatus" {
            attrs.insert(k.clone(), v.clone());
            continue;
        }
        accept(&FIELDS, k, v)?;
        attrs.insert(k.clone(), v.clone());
    }
    check_custom(&attrs)?;
    Ok((attrs, rels))
}

/// `POST /v1/klasses/{name}`.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, PathId(name): PathId, JsonBody(body): JsonBody) -> Reply {
    create_in(&sim, &name, body, None).unwrap_or_else(|r| r)
}

/// `POST /v1/customers/{id}/klasses/{name}`: a KObject linked to the customer.
pub(crate) async fn create_for_customer(
    State(sim): State<Arc<Shared>>,
    PathPair(customer, name): PathPair,
    JsonBody(body): JsonBody,
) -> Reply {
    create_in(&sim, &name, body, Some(customer)).unwrap_or_else(|r| r)
}

fn create_in(sim: &Shared, name: &str, body: Option<Value>, customer: Option<String>) -> Result<Reply, Reply> {
    let mut m = obj(body)?;
    if let Some(c) = customer {
        if !lock(&sim.store).contains(Coll::Customers, &c) {
            return Err(Reply::error(404, "not_found", &format!("customer {c} not found")));
        }
        m.insert("customer".into(), Value::String(c));
    }
    let mut headers = Vec::new();
    if let Some(c) = m.get("customer").and_then(Value::as_str) {
        headers = object_budget(sim, &format!("customer:{c}"))?;
    }
    let doc = {
        let mut store = lock(&sim.store);
        klass_exists(&store, name)?;
        let (mut attrs, rels) = fields(&store, &m)?;
        crate::routes::sub_statuses::check(&store, "kobject", &mut attrs, None)?;
        if let Some(x) = attrs.get("externalId").and_then(Value::as_str)
            && store.docs.kobjects.get(name).is_some_and(|m| m.values().any(|d| d.str_attr("externalId") == Some(x)))
        {
            return Err(Reply::error(409, "conflict", &format!("a {name} with externalId {x} exists")));
        }
        let now = store.tick();
        let id = store.new_id(0x0b1e_0001);
        let mut doc = Doc::new(&kind_of(name), id.clone(), format!("/v1/klasses/{name}/{id}"), now, attrs);
        let klass = store.docs.klass_named(name).map(|k| k.id.clone());
        doc.set_rel("klass", "klass", klass.as_deref());
        for (coll, id) in rels {
            doc.set_rel(coll.kind(), coll.kind(), Some(&id));
        }
        doc.refresh();
        store.docs.kobjects.entry(name.into()).or_default().insert(id, doc.clone());
        doc
    };
    crate::events::publish(sim, &doc.kind, "create", &doc.id, doc.json().as_bytes(), None);
    Ok(Reply::raw(201, doc.single()).with_headers(headers))
}

/// `GET /v1/klasses/{name}/{id}`; `{id}` may be `externalId=…`.
pub(crate) async fn get(State(sim): State<Arc<Shared>>, PathPair(name, id): PathPair) -> Reply {
    let store = lock(&sim.store);
    if let Err(r) = klass_exists(&store, &name) {
        return r;
    }
    let objects = store.docs.kobjects.get(name.as_str());
    let found = match id.strip_prefix("externalId=") {
        Some(x) => objects.and_then(|m| m.values().find(|d| d.str_attr("externalId") == Some(x))),
        None => objects.and_then(|m| m.get(id.as_str())),
    };
    match found {
        Some(d) => Reply::raw(200, d.single()),
        None => Reply::error(404, "not_found", &format!("{} {id} not found", kind_of(&name))),
    }
}

/// `PUT`/`PATCH /v1/klasses/{name}/{id}`: merges the given attributes (`data` and `custom`
/// merged key by key).
pub(crate) async fn update(
    State(sim): State<Arc<Shared>>,
    PathPair(name, id): PathPair,
    JsonBody(body): JsonBody,
) -> Reply {
    update_in(&sim, &name, &id, body).unwrap_or_else(|r| r)
}

fn update_in(sim: &Shared, name: &str, id: &str, body: Option<Value>) -> Result<Reply, Reply> {
    let m = obj(body)?;
    let (doc, changes) = {
        let mut store = lock(&sim.store);
        klass_exists(&store, name)?;
        let (mut attrs, rels) = fields(&store, &m)?;
        let not_found = || Reply::error(404, "not_found", &format!("{} {id} not found", kind_of(name)));
        let current = store.docs.kobjects.get(name).and_then(|m| m.get(id)).ok_or_else(not_found)?;
        crate::routes::sub_statuses::check(&store, "kobject", &mut attrs, Some(&current.attrs))?;
        let now = store.tick();
        let d = store.docs.kobjects.get_mut(name).and_then(|m| m.get_mut(id)).ok_or_else(not_found)?;
        let before = d.attrs.clone();
        for (k, v) in attrs {
            match (d.attrs.get_mut(&k), v) {
                (Some(Value::Object(old)), Value::Object(new)) if k == "data" || k == "custom" => old.extend(new),
                (_, v) => {
                    d.attrs.insert(k, v);
                }
            }
        }
        for (coll, rid) in rels {
            d.set_rel(coll.kind(), coll.kind(), Some(&rid));
        }
        d.updated = now;
        d.refresh();
        (d.clone(), crate::events::changes(&before, &d.attrs))
    };
    crate::events::publish(sim, &doc.kind, "update", id, doc.json().as_bytes(), changes);
    Ok(Reply::raw(200, doc.single()))
}

/// `DELETE /v1/klasses/{name}/{id}`: 204.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, PathPair(name, id): PathPair) -> Reply {
    let removed = lock(&sim.store).docs.kobjects.get_mut(name.as_str()).and_then(|m| m.remove(id.as_str()));
    let Some(doc) = removed else {
        return Reply::error(404, "not_found", &format!("{} {id} not found", kind_of(&name)));
    };
    crate::events::publish(&sim, &doc.kind, "delete", &id, doc.json().as_bytes(), None);
    Reply::raw(204, Vec::new())
}
