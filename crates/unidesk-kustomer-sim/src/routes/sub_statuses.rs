//! Sub-statuses (`/v1/sub-statuses`): the org's own vocabulary inside `open`, `snoozed` and
//! `done`, each for conversations or KObjects. Records carry the chosen id in `subStatus`;
//! [`check`] keeps it consistent with their status.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::doc::Doc;
use crate::extract::{JsonBody, Paging, Params, PathId, obj};
use crate::reply::Reply;
use crate::routes::paged;
use crate::state::{Shared, lock};
use crate::store::Store;

/// The record type of a sub-status.
pub(crate) const KIND: &str = "sub_status";
const STATUSES: [&str; 3] = ["open", "snoozed", "done"];
const RESOURCES: [&str; 2] = ["conversation", "kobject"];

/// Checks `attrs["subStatus"]` of a `resource` (`conversation` or `kobject`) write against the
/// record's status (the written one, else `current`'s, else `open`): it must name a sub-status
/// of that resource whose parent is the status (400 otherwise). When only the status changes
/// and the current sub-status no longer fits, `subStatus` is set to `null` (the caller drops it).
pub(crate) fn check(
    store: &Store,
    resource: &str,
    attrs: &mut Map<String, Value>,
    current: Option<&Map<String, Value>>,
) -> Result<(), Reply> {
    let status = attrs
        .get("status")
        .or_else(|| current.and_then(|c| c.get("status")))
        .and_then(Value::as_str)
        .unwrap_or("open")
        .to_owned();
    let parent_of = |id: &str| {
        store
            .docs
            .sub_statuses
            .get(id)
            .filter(|s| s.str_attr("resourceType") == Some(resource))
            .and_then(|s| s.str_attr("parentStatus"))
            .map(str::to_owned)
    };
    match attrs.get("subStatus") {
        Some(Value::Null) => Ok(()),
        Some(Value::String(id)) => match parent_of(id) {
            Some(p) if p == status => Ok(()),
            Some(p) => Err(Reply::invalid("subStatus", &format!("sub-status {id} belongs to {p}, not {status}"))),
            None => Err(Reply::invalid("subStatus", &format!("no {resource} sub-status {id}"))),
        },
        Some(_) => Err(Reply::invalid("subStatus", "subStatus must be a sub-status id")),
        None => {
            let kept = current.and_then(|c| c.get("subStatus")).and_then(Value::as_str);
            if attrs.contains_key("status")
                && let Some(id) = kept
                && parent_of(id).as_deref() != Some(status.as_str())
            {
                attrs.insert("subStatus".into(), Value::Null);
            }
            Ok(())
        }
    }
}

/// The filters of `GET /v1/sub-statuses`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filter {
    page: Option<String>,
    #[serde(rename = "pageSize")]
    page_size: Option<String>,
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    #[serde(rename = "parentStatus")]
    parent_status: Option<String>,
}

/// `GET /v1/sub-statuses`: paged, by id; `resourceType` and `parentStatus` filter.
pub(crate) async fn list(State(sim): State<Arc<Shared>>, Params(q): Params<Filter>, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let docs: Vec<&Doc> = store
        .docs
        .sub_statuses
        .values()
        .filter(|d| q.resource_type.as_deref().is_none_or(|r| d.str_attr("resourceType") == Some(r)))
        .filter(|d| q.parent_status.as_deref().is_none_or(|p| d.str_attr("parentStatus") == Some(p)))
        .collect();
    let mut extra = String::new();
    for (k, v) in [("resourceType", &q.resource_type), ("parentStatus", &q.parent_status)] {
        if let Some(v) = v {
            extra.push_str(&format!("{k}={v}&"));
        }
    }
    let paging = Paging { page: q.page.clone(), page_size: q.page_size.clone(), include: None };
    paged::docs(&docs, &paging, 100, uri.path(), &extra).unwrap_or_else(|r| r)
}

/// `GET /v1/sub-statuses/{id}`; comma-separated ids answer a list of those found.
pub(crate) async fn get(State(sim): State<Arc<Shared>>, PathId(ids): PathId) -> Reply {
    let store = lock(&sim.store);
    if !ids.contains(',') {
        return match store.docs.sub_statuses.get(ids.as_str()) {
            Some(d) => Reply::raw(200, d.single()),
            None => Reply::error(404, "not_found", "Sub-status not found"),
        };
    }
    let found: Vec<Value> =
        ids.split(',').filter_map(|id| store.docs.sub_statuses.get(id.trim())).map(Doc::value).collect();
    if found.is_empty() {
        return Reply::error(404, "not_found", "Sub-statuses not found");
    }
    Reply::json(200, &json!({ "data": found }))
}

fn check_fields(m: &Map<String, Value>, create: bool) -> Result<Map<String, Value>, Reply> {
    let mut out = Map::new();
    for (k, v) in m {
        let ok = match k.as_str() {
            "label" => v.as_str().is_some_and(|s| !s.is_empty() && s.chars().count() <= 100),
            "description" => v.as_str().is_some_and(|s| !s.is_empty()),
            "enabled" => v.is_boolean(),
            "parentStatus" if create => v.as_str().is_some_and(|s| STATUSES.contains(&s)),
            "resourceType" if create => v.as_str().is_some_and(|s| RESOURCES.contains(&s)),
            "parentStatus" | "resourceType" => return Err(Reply::invalid(k, &format!("{k} cannot change"))),
            _ => return Err(Reply::invalid(k, &format!("{k} is not allowed"))),
        };
        if !ok {
            return Err(Reply::invalid(k, &format!("{k} is not valid")));
        }
        out.insert(k.clone(), v.clone());
    }
    if create {
        for required in ["label", "description", "parentStatus"] {
            if !out.contains_key(required) {
                return Err(Reply::invalid(required, &format!("{required} is required")));
            }
        }
        out.entry("resourceType").or_insert_with(|| json!("conversation"));
        out.entry("enabled").or_insert(Value::Bool(true));
    }
    Ok(out)
}

/// `POST /v1/sub-statuses`: 201.
pub(crate) async fn create(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    let attrs = match obj(body).and_then(|m| check_fields(&m, true)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let doc = {
        let mut store = lock(&sim.store);
        let now = store.tick();
        let id = store.new_id(0x5ab5_0001);
        let doc = Doc::new(KIND, id.clone(), format!("/v1/sub-statuses/{id}"), now, attrs);
        store.docs.sub_statuses.insert(id, doc.clone());
        doc
    };
    crate::events::publish(&sim, KIND, "create", &doc.id, doc.json().as_bytes(), None);
    Reply::raw(201, doc.single())
}

/// `PUT`/`PATCH /v1/sub-statuses/{id}`: `label`, `description`, `enabled`.
pub(crate) async fn update(State(sim): State<Arc<Shared>>, PathId(id): PathId, JsonBody(body): JsonBody) -> Reply {
    let attrs = match obj(body).and_then(|m| check_fields(&m, false)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (doc, changes) = {
        let mut store = lock(&sim.store);
        let now = store.tick();
        let Some(d) = store.docs.sub_statuses.get_mut(id.as_str()) else {
            return Reply::error(404, "not_found", "Sub-status not found");
        };
        let before = d.attrs.clone();
        d.attrs.extend(attrs);
        d.updated = now;
        d.refresh();
        (d.clone(), crate::events::changes(&before, &d.attrs))
    };
    crate::events::publish(&sim, KIND, "update", &id, doc.json().as_bytes(), changes);
    Reply::raw(200, doc.single())
}

/// `DELETE /v1/sub-statuses/{id}`: 204; 409 while a live conversation or KObject uses it.
pub(crate) async fn delete(State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    let doc = {
        let mut store = lock(&sim.store);
        if !store.docs.sub_statuses.contains_key(id.as_str()) {
            return Reply::error(404, "not_found", "Sub-status not found");
        }
        let in_use = store.coll(Coll::Conversations).values().any(|r| !r.is_deleted() && r.attr_is("subStatus", &id))
            || store.docs.kobjects.values().flat_map(|m| m.values()).any(|d| d.str_attr("subStatus") == Some(&id));
        if in_use {
            return Reply::error(409, "conflict", "The sub-status is in use");
        }
        store.docs.sub_statuses.remove(id.as_str())
    };
    if let Some(doc) = doc {
        crate::events::publish(&sim, KIND, "delete", &id, doc.json().as_bytes(), None);
    }
    Reply::raw(204, Vec::new())
}
