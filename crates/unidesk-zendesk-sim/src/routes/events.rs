//! `GET /api/v2/incremental/ticket_events?start_time=…[&include=comment_events]`: the
//! time-based export of ticket events, here one `Audit` event per comment (the simulator keeps
//! comments, not field-change history), ordered by (timestamp, audit id).
//!
//! With `include=comment_events` each event's `child_events` holds the whole comment
//! (`event_type: "Comment"`), as Airbyte reads comments across tickets; without it the child
//! carries only `comment_present` and `comment_public`. Paging follows the other time-based
//! exports: a page never splits a second, `end_time` is its last second + 1.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde_json::{Map, Value, json};

use crate::query::{Params, link};
use crate::record::{Rec, parse_ts};
use crate::reply::Reply;
use crate::routes::export::{kept, window};
use crate::routes::path_of;
use crate::state::{Shared, lock};
use crate::store::Kind;

/// The event of one comment of ticket `ticket`.
fn event(ticket: i64, c: &Rec, stamp: i64, full: bool) -> Value {
    let mut child: Map<String, Value> = if full {
        let mut m = c.value().clone();
        m.remove("metadata");
        m.insert("via_reference_id".into(), Value::Null);
        m
    } else {
        let mut m = Map::new();
        m.insert("id".into(), c.get("id").cloned().unwrap_or(Value::Null));
        m.insert("comment_present".into(), json!(true));
        m.insert("comment_public".into(), c.get("public").cloned().unwrap_or(Value::Null));
        m
    };
    child.insert("event_type".into(), json!("Comment"));
    json!({
        "id": c.get("audit_id"),
        "ticket_id": ticket,
        "timestamp": stamp,
        "created_at": c.get("created_at"),
        "updater_id": c.get("author_id"),
        "via": c.get("via").and_then(|v| v.get("channel")),
        "system": c.get("metadata").and_then(|m| m.get("system")),
        "event_type": "Audit",
        "merged_ticket_ids": [],
        "child_events": [child],
    })
}

/// The export.
pub(crate) async fn ticket_events(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let w = match window(&sim, Kind::Tickets, &p, false) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let full = p.includes().iter().any(|i| i == "comment_events");
    let store = lock(&sim.store);
    let tickets = store.table(Kind::Tickets);
    let mut all: Vec<(i64, i64, i64, &Rec)> = store
        .comments
        .iter()
        .filter(|(id, _)| tickets.get(**id).is_some())
        .flat_map(|(id, cs)| cs.iter().map(move |c| (*id, c)))
        .filter_map(|(id, c)| {
            let stamp = c.str("created_at").and_then(parse_ts)?;
            Some((stamp, c.int("audit_id").unwrap_or_default(), id, c))
        })
        .filter(|(stamp, ..)| *stamp >= w.from.0 && *stamp <= w.cutoff)
        .collect();
    all.sort_by_key(|(stamp, audit, ..)| (*stamp, *audit));
    let mut end = all.len().min(w.per_page);
    if let Some(second) = end.checked_sub(1).map(|i| all[i].0) {
        while all.get(end).is_some_and(|e| e.0 == second) {
            end += 1;
        }
    }
    let page = &all[..end];
    let end_time = page.last().map_or(w.from.0, |e| e.0 + 1);
    let mut pairs = vec![("start_time".to_owned(), end_time.to_string())];
    pairs.extend(kept(&p));
    let events: Vec<Value> = page.iter().map(|(stamp, _, ticket, c)| event(*ticket, c, *stamp, full)).collect();
    Reply::json(
        200,
        &json!({
            "ticket_events": events,
            "count": page.len(),
            "end_time": end_time,
            "next_page": link(&store.base, &path_of(&uri), &pairs),
            "end_of_stream": end == all.len(),
        }),
    )
}
