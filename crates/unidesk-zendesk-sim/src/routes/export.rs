//! The incremental exports: cursor-based (`/incremental/{tickets,users}/cursor`) and
//! time-based (`/incremental/{tickets,users,organizations}`).
//!
//! Items are ordered by (`generated_timestamp`, id); for the simulator a record's
//! `generated_timestamp` is its `updated_at` in epoch seconds. Items changed within
//! [`SimConfig::export_lag`](crate::SimConfig::export_lag) of the request are left out, and
//! a ticket export whose `start_time` falls inside that lag gets 400 `StartTimeTooRecent`.
//! Pages hold up to 1000 items (`per_page` lowers it). A time-based page never splits one
//! second: it is extended past `per_page` to the last item of its last second, and its
//! `end_time` (the next page's `start_time`) is that second + 1, as recorded against live
//! Zendesk. Deleted tickets stay in the ticket exports with status `deleted` unless
//! `exclude_deleted=true`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use base64::Engine;
use serde_json::Value;

use crate::query::{Params, link};
use crate::record::{Rec, parse_ts};
use crate::reply::Reply;
use crate::routes::path_of;
use crate::routes::sideload::sideloads;
use crate::state::{Shared, lock};
use crate::store::{Kind, Store};

/// Most items per export page.
const MAX_EXPORT_PAGE: usize = 1000;

/// An export cursor: base64 of `<generated_timestamp>.0||<id>|`, as Zendesk's decode.
fn encode(stamp: i64, id: i64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{stamp}.0||{id}|"))
}

fn decode(cursor: &str) -> Option<(i64, i64)> {
    let raw = base64::engine::general_purpose::STANDARD.decode(cursor.trim()).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (stamp, rest) = s.split_once("||")?;
    let stamp = stamp.split('.').next()?.parse().ok()?;
    let id = rest.trim_end_matches('|').parse().ok()?;
    Some((stamp, id))
}

/// A `start_time`: epoch seconds (integer or float, as tap-zendesk sends) or an ISO time.
fn start_time(p: &Params) -> Result<i64, Reply> {
    let Some(raw) = p.get("start_time") else {
        return Err(Reply::error(400, "InvalidValue", "start_time is required"));
    };
    raw.parse::<i64>()
        .ok()
        .or_else(|| raw.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
        .or_else(|| parse_ts(raw))
        .ok_or_else(|| Reply::error(400, "InvalidValue", "start_time must be a Unix epoch time"))
}

/// What every export request shares: the limits of time and size.
pub(crate) struct Window {
    /// The first (stamp, id) position to export.
    pub(crate) from: (i64, i64),
    /// The last stamp the lag lets through.
    pub(crate) cutoff: i64,
    /// Items per page.
    pub(crate) per_page: usize,
    /// `exclude_deleted=true`.
    exclude_deleted: bool,
}

/// The window a request asks for; 400 for a missing, future or (tickets) too recent
/// `start_time`, or a bad cursor.
pub(crate) fn window(sim: &Shared, kind: Kind, p: &Params, allow_cursor: bool) -> Result<Window, Reply> {
    let now = chrono::Utc::now().timestamp();
    let cutoff = now - sim.config.export_lag.as_secs() as i64;
    let per_page = p.positive("per_page")?.unwrap_or(MAX_EXPORT_PAGE).min(MAX_EXPORT_PAGE);
    let exclude_deleted = p.get("exclude_deleted") == Some("true");
    let from = match p.get("cursor").filter(|_| allow_cursor) {
        Some(c) => {
            let (stamp, id) = decode(c).ok_or_else(|| Reply::error(400, "InvalidCursor", "The cursor is not valid"))?;
            (stamp, id.saturating_add(1))
        }
        None => {
            let start = start_time(p)?;
            if start > now {
                return Err(Reply::error(400, "InvalidValue", "start_time cannot be in the future"));
            }
            if kind == Kind::Tickets && start > cutoff {
                return Err(Reply::error(
                    400,
                    "StartTimeTooRecent",
                    "Too recent start_time. Use a start_time older than 1 minute",
                ));
            }
            (start, i64::MIN)
        }
    };
    Ok(Window { from, cutoff, per_page, exclude_deleted })
}

/// The items from the window's start on, in export order, up to the lag's cutoff.
fn rows<'a>(store: &'a Store, kind: Kind, w: &'a Window) -> impl Iterator<Item = (i64, &'a Rec)> + 'a {
    store
        .table(kind)
        .by_stamp_from(w.from)
        .take_while(|(_, r)| r.stamp <= w.cutoff)
        .filter(|(_, r)| !(w.exclude_deleted && r.deleted_at.is_some()))
}

/// Appends the records (a ticket with its `generated_timestamp`) as a JSON array.
fn push_items(out: &mut String, kind: Kind, items: &[(i64, &Rec)]) {
    out.push('[');
    for (i, (_, r)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let json = r.json();
        if kind == Kind::Tickets && json.ends_with('}') {
            out.push_str(&json[..json.len() - 1]);
            out.push_str(&format!(",\"generated_timestamp\":{}}}", r.stamp));
        } else {
            out.push_str(json);
        }
    }
    out.push(']');
}

/// `{"<kind>":[…items…]` and the side-loads asked for (the closing fields follow).
fn open_page(store: &Store, kind: Kind, items: &[(i64, &Rec)], p: &Params) -> String {
    let mut out = format!("{{\"{}\":", kind.plural());
    push_items(&mut out, kind, items);
    let recs: Vec<&Rec> = items.iter().map(|(_, r)| *r).collect();
    for (k, v) in sideloads(store, &recs, &p.includes()) {
        if k != kind.plural() {
            out.push_str(&format!(",\"{k}\":{v}"));
        }
    }
    out
}

/// The pairs a next-page link keeps from the request.
pub(crate) fn kept(p: &Params) -> Vec<(String, String)> {
    p.pairs.iter().filter(|(k, _)| matches!(k.as_str(), "per_page" | "include" | "exclude_deleted")).cloned().collect()
}

fn cursor_export(sim: &Shared, kind: Kind, p: &Params, uri: &Uri) -> Reply {
    let w = match window(sim, kind, p, true) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let store = lock(&sim.store);
    let mut items: Vec<(i64, &Rec)> = rows(&store, kind, &w).take(w.per_page + 1).collect();
    let more = items.len() > w.per_page;
    items.truncate(w.per_page);
    let after = match (items.last(), p.get("cursor")) {
        (Some((id, r)), _) => encode(r.stamp, *id),
        (None, Some(c)) => c.to_owned(),
        (None, None) => encode(w.from.0, 0),
    };
    let mut pairs = vec![("cursor".to_owned(), after.clone())];
    pairs.extend(kept(p));
    let after_url = link(&store.base, &path_of(uri), &pairs);
    let mut out = open_page(&store, kind, &items, p);
    out.push_str(&format!(
        ",\"after_url\":{},\"after_cursor\":{},\"before_url\":null,\"before_cursor\":null,\"end_of_stream\":{}}}",
        Value::from(after_url),
        Value::from(after),
        !more
    ));
    Reply::raw(200, out)
}

fn time_export(sim: &Shared, kind: Kind, p: &Params, uri: &Uri) -> Reply {
    let w = match window(sim, kind, p, false) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let store = lock(&sim.store);
    // Up to `per_page` items, then the rest of the last item's second, then one more to tell
    // whether the stream goes on.
    let mut rows = rows(&store, kind, &w).peekable();
    let mut items: Vec<(i64, &Rec)> = rows.by_ref().take(w.per_page).collect();
    if let Some(second) = items.last().map(|(_, r)| r.stamp) {
        while let Some(next) = rows.next_if(|(_, r)| r.stamp == second) {
            items.push(next);
        }
    }
    let more = rows.peek().is_some();
    let items = &items[..];
    let end_time = items.last().map_or(w.from.0, |(_, r)| r.stamp + 1);
    let mut pairs = vec![("start_time".to_owned(), end_time.to_string())];
    pairs.extend(kept(p));
    let next = link(&store.base, &path_of(uri), &pairs);
    let mut out = open_page(&store, kind, items, p);
    out.push_str(&format!(
        ",\"count\":{},\"end_time\":{end_time},\"next_page\":{},\"end_of_stream\":{}}}",
        items.len(),
        Value::from(next),
        !more
    ));
    Reply::raw(200, out)
}

/// `GET /api/v2/incremental/tickets/cursor`.
pub(crate) async fn tickets_cursor(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    cursor_export(&sim, Kind::Tickets, &p, &uri)
}

/// `GET /api/v2/incremental/tickets`.
pub(crate) async fn tickets_time(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    time_export(&sim, Kind::Tickets, &p, &uri)
}

/// `GET /api/v2/incremental/users/cursor`.
pub(crate) async fn users_cursor(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    cursor_export(&sim, Kind::Users, &p, &uri)
}

/// `GET /api/v2/incremental/users`.
pub(crate) async fn users_time(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    time_export(&sim, Kind::Users, &p, &uri)
}

/// `GET /api/v2/incremental/organizations`.
pub(crate) async fn organizations_time(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    time_export(&sim, Kind::Organizations, &p, &uri)
}

/// `GET /api/v2/incremental/ticket_metric_events`: the simulator keeps no metric events.
pub(crate) async fn metric_events(State(sim): State<Arc<Shared>>, p: Params) -> Reply {
    let w = match window(&sim, Kind::Users, &p, false) {
        Ok(w) => w,
        Err(e) => return e,
    };
    Reply::raw(
        200,
        format!(
            "{{\"ticket_metric_events\":[],\"count\":0,\"end_time\":{},\"next_page\":null,\"end_of_stream\":true}}",
            w.from.0
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_cursors_decode_like_zendesks() {
        let c = encode(1_707_271_741, 4045);
        let raw = base64::engine::general_purpose::STANDARD.decode(&c).unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&raw), "1707271741.0||4045|");
        assert_eq!(decode(&c), Some((1_707_271_741, 4045)));
        assert_eq!(decode("garbage"), None);
    }
}
