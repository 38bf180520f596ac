//! A ticket's conversation: its comments, and its audits (one per comment, as tap-zendesk
//! reads them).

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde_json::{Value, json};

use crate::query::Params;
use crate::record::Rec;
use crate::reply::Reply;
use crate::routes::Id;
use crate::routes::tickets::{ordered, page_of};
use crate::state::{Shared, lock};
use crate::store::Kind;

/// `GET /api/v2/tickets/{id}/comments`: oldest first (newest first with `sort_order=desc` or
/// `sort=-created_at`), cursor or offset paged, `include=users`.
pub(crate) async fn comments(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    if store.table(Kind::Tickets).live(id).is_none() {
        return Reply::not_found();
    }
    let list = store.comments.get(&id).map(Vec::as_slice).unwrap_or_default();
    // Comment ids grow with time, so they order the listing.
    let rows = ordered(list.iter().filter_map(|c| c.int("id").map(|cid| (cid, c))).collect::<Vec<_>>().into_iter(), &p);
    page_of(&store, "comments", rows, &p, &uri)
}

/// The audit of one comment: its `Comment` event, with the comment's time, via and metadata.
fn audit_of(ticket: i64, c: &Rec) -> Rec {
    let mut event = c.value().clone();
    let created = event.remove("created_at").unwrap_or(Value::Null);
    let via = event.remove("via").unwrap_or(Value::Null);
    let metadata = event.remove("metadata").unwrap_or(Value::Null);
    let audit = json!({
        "id": c.get("audit_id"),
        "ticket_id": ticket,
        "created_at": created,
        "author_id": c.get("author_id"),
        "metadata": metadata,
        "via": via,
        "events": [event],
    });
    match audit {
        Value::Object(m) => Rec::new(m),
        _ => Rec::new(serde_json::Map::new()),
    }
}

/// `GET /api/v2/tickets/{id}/audits`: one audit per comment, oldest first, cursor or offset
/// paged.
pub(crate) async fn audits(State(sim): State<Arc<Shared>>, Id(id): Id, p: Params, uri: Uri) -> Reply {
    let store = lock(&sim.store);
    if store.table(Kind::Tickets).live(id).is_none() {
        return Reply::not_found();
    }
    let list: Vec<Rec> =
        store.comments.get(&id).map(|cs| cs.iter().map(|c| audit_of(id, c)).collect()).unwrap_or_default();
    let rows = ordered(list.iter().filter_map(|a| a.int("id").map(|aid| (aid, a))).collect::<Vec<_>>().into_iter(), &p);
    page_of(&store, "audits", rows, &p, &uri)
}
