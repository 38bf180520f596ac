//! Read-mostly lists: groups, memberships, field definitions, tags, deleted tickets,
//! attachments and uploads, plus the lists tap-zendesk's discovery probes (served empty).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::query::Params;
use crate::record::{Rec, ts};
use crate::reply::Reply;
use crate::routes::Id;
use crate::routes::tickets::{ordered, page_of, single, soft_delete};
use crate::shapes;
use crate::state::{Shared, lock};
use crate::store::{File, Kind};

/// Lists the simulator serves empty (paths, list key): discovery in tap-zendesk probes them.
pub(crate) const EMPTY: [(&str, &str); 5] = [
    ("/api/v2/macros", "macros"),
    ("/api/v2/satisfaction_ratings", "satisfaction_ratings"),
    ("/api/v2/ticket_forms", "ticket_forms"),
    ("/api/v2/slas/policies", "sla_policies"),
    ("/api/v2/channels/voice/phone_numbers", "phone_numbers"),
];

/// `GET /api/v2/{kind}`: every record of a read-only kind, by id.
pub(crate) async fn list(kind: Kind, State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let rows = ordered(store.table(kind).live_rows(), &p);
    page_of(&store, kind.plural(), rows, &p, &uri)
}

/// `GET /api/v2/{kind}/{id}`.
pub(crate) async fn show(kind: Kind, State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let store = lock(&sim.store);
    match store.table(kind).live(id) {
        Some(r) => single(&store, kind.singular(), r, &Params::default()),
        None => Reply::not_found(),
    }
}

/// An empty list in both pagination styles' shapes.
pub(crate) async fn empty(key: &'static str, p: Params, uri: Uri) -> Reply {
    let _ = uri;
    let tail = if p.get("page[size]").is_some() {
        "\"meta\":{\"has_more\":false,\"after_cursor\":null,\"before_cursor\":null},\"links\":{\"prev\":null,\"next\":null}"
    } else {
        "\"next_page\":null,\"previous_page\":null,\"count\":0"
    };
    Reply::raw(200, format!("{{\"{key}\":[],{tail}}}"))
}

fn memberships_where(sim: &Shared, field: &str, id: i64, p: &Params, uri: &Uri) -> Reply {
    let store = lock(&sim.store);
    let owner = if field == "group_id" { Kind::Groups } else { Kind::Users };
    if store.table(owner).live(id).is_none() {
        return Reply::not_found();
    }
    let rows = store.table(Kind::Memberships).live_rows().filter(|(_, m)| m.int(field) == Some(id));
    let rows = ordered(rows.collect::<Vec<_>>().into_iter(), p);
    page_of(&store, "group_memberships", rows, p, uri)
}

/// `GET /api/v2/groups/{id}/memberships`.
pub(crate) async fn memberships_of_group(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, uri: Uri) -> Reply {
    memberships_where(&sim, "group_id", id, &p, &uri)
}

/// `GET /api/v2/users/{id}/group_memberships`.
pub(crate) async fn memberships_of_user(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, uri: Uri) -> Reply {
    memberships_where(&sim, "user_id", id, &p, &uri)
}

/// `GET /api/v2/tags`: `{name, count}` over live tickets, most used first.
pub(crate) async fn tags(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, t) in store.table(Kind::Tickets).live_rows() {
        for tag in t.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut list: Vec<(&str, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let recs: Vec<Rec> = list
        .iter()
        .map(|(name, count)| Rec::new(json!({ "name": name, "count": count }).as_object().cloned().unwrap_or_default()))
        .collect();
    let rows = recs.iter().enumerate().map(|(i, r)| (i as i64, r)).collect::<Vec<_>>();
    page_of(&store, "tags", rows, &p, &uri)
}

/// `GET /api/v2/deleted_tickets`: soft-deleted tickets, by id.
pub(crate) async fn deleted_tickets(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    let acting = crate::routes::tickets::acting_user(&store);
    let actor_name = store.table(Kind::Users).get(acting).and_then(|u| u.str("name")).unwrap_or_default().to_owned();
    let recs: Vec<(i64, Rec)> = store
        .table(Kind::Tickets)
        .all()
        .filter_map(|(id, t)| {
            let at = t.deleted_at?;
            let v = json!({
                "id": id,
                "subject": t.get("subject"),
                "description": t.get("description"),
                "actor": { "id": acting, "name": actor_name },
                "deleted_at": ts(at),
                "previous_state": store.deleted_from.get(&id),
            });
            Some((id, Rec::new(v.as_object().cloned().unwrap_or_default())))
        })
        .collect();
    let rows = ordered(recs.iter().map(|(id, r)| (*id, r)), &p);
    page_of(&store, "deleted_tickets", rows, &p, &uri)
}

/// `PUT /api/v2/deleted_tickets/{id}/restore`: the ticket is live again with its old status.
pub(crate) async fn restore(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let mut store = lock(&sim.store);
    if store.table(Kind::Tickets).get(id).is_none_or(|t| t.deleted_at.is_none()) {
        return Reply::not_found();
    }
    let status = store.deleted_from.remove(&id).unwrap_or_else(|| "open".into());
    let now = store.now();
    store.table_mut(Kind::Tickets).update(id, |r| {
        r.deleted_at = None;
        r.edit(|m| {
            m.insert("status".into(), json!(status));
            m.insert("updated_at".into(), json!(ts(now)));
        });
    });
    Reply::raw(200, "{}")
}

/// `DELETE /api/v2/deleted_tickets/{id}`: deletes a soft-deleted ticket for good (204 here;
/// Zendesk answers with a job status).
pub(crate) async fn purge(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let mut store = lock(&sim.store);
    if store.table(Kind::Tickets).get(id).is_none_or(|t| t.deleted_at.is_none()) {
        return Reply::not_found();
    }
    store.table_mut(Kind::Tickets).remove(id);
    store.comments.remove(&id);
    store.deleted_from.remove(&id);
    Reply::no_content()
}

/// Soft-deletes a live ticket (used by [`crate::Simulator::delete_ticket`]).
pub(crate) fn delete_live(sim: &Shared, id: i64) -> bool {
    let mut store = lock(&sim.store);
    if store.table(Kind::Tickets).live(id).is_none() {
        return false;
    }
    let now = store.now();
    soft_delete(&mut store, id, now);
    true
}

/// `GET /api/v2/attachments/{id}`.
pub(crate) async fn attachment(State(sim): State<Arc<Shared>>, Id(id): Id) -> Reply {
    let store = lock(&sim.store);
    match store.table(Kind::Attachments).get(id) {
        Some(a) => Reply::raw(200, format!("{{\"attachment\":{}}}", a.json())),
        None => Reply::not_found(),
    }
}

/// `POST /api/v2/uploads?filename=X[&token=T]`: the raw file body becomes an attachment;
/// 201 with the upload token to pass as a comment's `uploads`.
pub(crate) async fn upload(State(sim): State<Arc<Shared>>, p: Params, headers: HeaderMap, body: Bytes) -> Reply {
    let Some(name) = p.get("filename").map(str::to_owned) else {
        return Reply::bad_request("Parameter filename is required");
    };
    let ctype =
        headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("application/octet-stream").to_owned();
    let mut store = lock(&sim.store);
    let id = store.new_id(Kind::Attachments);
    let token = match p.get("token") {
        Some(t) if store.uploads.contains_key(t) => t.to_owned(),
        Some(_) => return Reply::not_found(),
        None => format!("up{id:x}{:x}", body.len()),
    };
    let file_token = format!("f{id:x}");
    let json = shapes::attachment(&store, id, &file_token, &name, &ctype, body.len());
    store.tokens.insert(file_token, id);
    store.files.insert(id, File { name, content_type: ctype, bytes: body.to_vec() });
    store.table_mut(Kind::Attachments).put(id, Rec::new(json.as_object().cloned().unwrap_or_default()));
    store.uploads.entry(token.clone()).or_default().push(id);
    let all: Vec<Value> = store.uploads[&token]
        .iter()
        .filter_map(|a| store.table(Kind::Attachments).get(*a).map(|r| Value::Object(r.value().clone())))
        .collect();
    let expires = ts(store.now() + 3600);
    Reply::json(
        201,
        &json!({ "upload": { "token": token, "expires_at": expires, "attachments": all, "attachment": json } }),
    )
}

/// `GET /attachments/token/{token}/?name=…`: the file's bytes (no credentials needed).
pub(crate) async fn download(State(sim): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    let store = lock(&sim.store);
    let file = store.tokens.get(&token).and_then(|id| store.files.get(id));
    match file {
        Some(f) => {
            let disposition = format!("attachment; filename=\"{}\"", f.name.replace('"', ""));
            let mut resp = Response::new(Body::from(f.bytes.clone()));
            if let (Ok(ct), Ok(cd)) = (f.content_type.parse(), disposition.parse()) {
                resp.headers_mut().insert("content-type", ct);
                resp.headers_mut().insert("content-disposition", cd);
            }
            resp
        }
        None => Reply::not_found().into_response(),
    }
}

/// `GET /sim/counts`: what the account holds now (the simulator's own route, no credentials).
pub(crate) async fn counts(State(sim): State<Arc<Shared>>) -> Reply {
    let store = lock(&sim.store);
    let tickets = store.table(Kind::Tickets);
    let comments: usize =
        store.comments.iter().filter(|(id, _)| tickets.live(**id).is_some()).map(|(_, c)| c.len()).sum();
    Reply::json(
        200,
        &json!({
            "tickets": tickets.live_count(),
            "deleted_tickets": tickets.all().filter(|(_, t)| t.deleted_at.is_some()).count(),
            "users": store.table(Kind::Users).live_count(),
            "organizations": store.table(Kind::Organizations).live_count(),
            "groups": store.table(Kind::Groups).live_count(),
            "group_memberships": store.table(Kind::Memberships).live_count(),
            "comments": comments,
        }),
    )
}
