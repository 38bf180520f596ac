//! Reads: collection listings, a customer's conversations, a conversation's
//! messages and notes, single records and customer lookups.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde_json::json;

use crate::coll::Coll;
use crate::extract::{Paging, Params, PathId};
use crate::record::{Id, Rec, RelName};
use crate::render::{self, Page, PageLinks};
use crate::reply::Reply;
use crate::state::{Shared, lock};
use crate::store::Store;

/// `GET /v1/<coll>`: every record, by id. Here and in every read below, deleted records are
/// left out (only a search with `includeDeleted` lists them).
pub(crate) async fn collection(coll: Coll, sim: State<Arc<Shared>>, q: Params<Paging>, uri: Uri) -> Reply {
    list(&sim, coll, &q.0, None, false, uri.path()).unwrap_or_else(|r| r)
}

/// `GET /v1/customers/{id}/conversations`: the customer's conversations, by id.
pub(crate) async fn of_customer(sim: State<Arc<Shared>>, PathId(id): PathId, q: Params<Paging>, uri: Uri) -> Reply {
    let of = |r: &Rec| r.rel_id(RelName::Customer) == Some(id.as_str());
    list(&sim, Coll::Conversations, &q.0, Some(&of), false, uri.path()).unwrap_or_else(|r| r)
}

/// `GET /v1/customers/{id}/notes`: the customer's notes (in conversations or not), oldest
/// first; 404 for an unknown customer.
pub(crate) async fn notes_of_customer(
    sim: State<Arc<Shared>>,
    PathId(id): PathId,
    q: Params<Paging>,
    uri: Uri,
) -> Reply {
    if !lock(&sim.store).contains(Coll::Customers, &id) {
        return Reply::error(404, "not_found", "Customer not found");
    }
    let of = |r: &Rec| r.rel_id(RelName::Customer) == Some(id.as_str());
    list(&sim, Coll::Notes, &q.0, Some(&of), true, uri.path()).unwrap_or_else(|r| r)
}

/// `GET /v1/conversations/{id}/<messages|notes>`: oldest first; 404 for an unknown conversation.
pub(crate) async fn of_conversation(
    coll: Coll,
    sim: State<Arc<Shared>>,
    PathId(id): PathId,
    q: Params<Paging>,
    uri: Uri,
) -> Reply {
    if !lock(&sim.store).contains(Coll::Conversations, &id) {
        return Reply::error(404, "not_found", "Conversation not found");
    }
    let of = |r: &Rec| r.rel_id(RelName::Conversation) == Some(id.as_str());
    list(&sim, coll, &q.0, Some(&of), true, uri.path()).unwrap_or_else(|r| r)
}

fn list(
    sim: &Shared,
    coll: Coll,
    query: &Paging,
    filter: Option<&dyn Fn(&Rec) -> bool>,
    by_time: bool,
    path: &str,
) -> Result<Reply, Reply> {
    let max = if matches!(coll, Coll::Users | Coll::Teams) { 500 } else { 100 };
    let (page, size) = query.get(max)?;
    let store = lock(&sim.store);
    let start = ((page - 1) as usize).saturating_mul(size as usize);
    let (total, shown) = match filter {
        // A whole collection in id order: the page is found without looking at the others.
        None => {
            let table = store.coll(coll);
            (table.live_len(), table.live_page(start, size as usize))
        }
        Some(filter) => {
            let mut matching: Vec<(&Id, &Rec)> =
                store.coll(coll).iter().filter(|(_, r)| !r.is_deleted() && filter(r)).collect();
            if by_time {
                matching.sort_by(|a, b| (a.1.created, a.0).cmp(&(b.1.created, b.0)));
            }
            let total = matching.len();
            (total, matching.into_iter().skip(start).take(size as usize).collect())
        }
    };
    let include = query.attachments();
    let mut doc = Page::default();
    for (id, rec) in shown {
        doc.push(rec, coll, id);
        if include {
            include_attachments(&store, rec, &mut doc);
        }
    }
    let has_next = start + doc.len() < total;
    let mut meta = json!({ "pageSize": size, "page": page });
    if coll == Coll::Customers {
        meta["total"] = json!(total);
        meta["totalPages"] = json!(total.div_ceil(size as usize));
    }
    let extra = if include { "include=attachments&" } else { "" };
    let at = PageLinks { path, extra, page, size, has_next };
    Ok(Reply::raw(200, doc.finish(&at, &meta)))
}

fn include_attachments(store: &Store, rec: &Rec, doc: &mut Page) {
    for a in rec.attachment_ids() {
        if let Some(json) = store.attachments.get(a) {
            doc.include(json);
        }
    }
}

/// `GET /v1/<coll>/{id}`; customers are also found by `email=…`, `externalId=…` or `phone=…`.
pub(crate) async fn one(coll: Coll, State(sim): State<Arc<Shared>>, PathId(id): PathId) -> Reply {
    if coll == Coll::Customers
        && let Some((key, value)) = id.split_once('=')
        && matches!(key, "email" | "externalId" | "phone")
    {
        return lookup_customer(&sim, key, value);
    }
    let store = lock(&sim.store);
    let Some(rec) = store.live(coll, id.as_str()) else {
        return Reply::error(404, "not_found", &format!("{} {id} not found", coll.kind()));
    };
    let included: Vec<&str> = if coll == Coll::Messages {
        rec.attachment_ids().iter().filter_map(|a| store.attachments.get(a).map(|j| &**j)).collect()
    } else {
        Vec::new()
    };
    Reply::raw(200, render::single(rec, coll, &id, &included))
}

fn lookup_customer(sim: &Shared, key: &str, value: &str) -> Reply {
    let store = lock(&sim.store);
    let found = store.coll(Coll::Customers).iter().find(|(_, r)| {
        let Some(keys) = r.customer_keys().filter(|_| !r.is_deleted()) else { return false };
        match key {
            "email" => keys.emails.iter().any(|e| e.eq_ignore_ascii_case(value)),
            "phone" => !value.is_empty() && keys.phones.iter().any(|p| **p == *crate::record::phone_key(value)),
            _ => keys.external_id.as_deref() == Some(value),
        }
    });
    match found {
        Some((id, rec)) => Reply::raw(200, render::single(rec, Coll::Customers, id, &[])),
        None => Reply::error(404, "not_found", "Customer not found"),
    }
}
