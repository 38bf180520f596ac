//! `GET /v1/audit-logs`: the org's audit log, newest first, cursor-paged as Kustomer's OAS
//! shows it (`count`, `before`, `after`; `meta:{count,total,cursorCount}`), filtered by a time
//! window (`filter[start]`, `filter[end]`) and by type (`filter[objectType]`,
//! `filter[eventName]` **[U]**), object and user.

use std::sync::Arc;

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::events::{API_USER, Entry};
use crate::extract::Params;
use crate::record::push_json;
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// The largest (and default) `count`.
const MAX_COUNT: usize = 100;

/// The query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Query {
    count: Option<String>,
    before: Option<String>,
    after: Option<String>,
    #[serde(rename = "filter[start]")]
    start: Option<String>,
    #[serde(rename = "filter[end]")]
    end: Option<String>,
    #[serde(rename = "filter[objectType]")]
    object_type: Option<String>,
    #[serde(rename = "filter[objectId]")]
    object_id: Option<String>,
    #[serde(rename = "filter[userId]")]
    user_id: Option<String>,
    #[serde(rename = "filter[eventName]")]
    event_name: Option<String>,
}

fn bad(detail: &str) -> Reply {
    Reply::error(400, "bad_request", detail)
}

fn time(v: &Option<String>, name: &str) -> Result<Option<DateTime<Utc>>, Reply> {
    match v {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| bad(&format!("filter[{name}] must be an ISO 8601 timestamp"))),
    }
}

impl Query {
    /// The filters as they go back into links, each followed by `&`.
    fn filters(&self) -> String {
        let mut out = String::new();
        for (k, v) in [
            ("start", &self.start),
            ("end", &self.end),
            ("objectType", &self.object_type),
            ("objectId", &self.object_id),
            ("userId", &self.user_id),
            ("eventName", &self.event_name),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("filter[{k}]={v}&"));
            }
        }
        out
    }
}

/// The handler.
pub(crate) async fn list(State(sim): State<Arc<Shared>>, Params(q): Params<Query>) -> Reply {
    run(&sim, &q).unwrap_or_else(|r| r)
}

fn run(sim: &Shared, q: &Query) -> Result<Reply, Reply> {
    let count = match &q.count {
        None => MAX_COUNT,
        Some(c) => {
            c.parse::<usize>().ok().filter(|c| *c >= 1).ok_or_else(|| bad("count must be a positive integer"))?
        }
    }
    .min(MAX_COUNT);
    if q.before.is_some() && q.after.is_some() {
        return Err(bad("give before or after, not both"));
    }
    let (start, end) = (time(&q.start, "start")?, time(&q.end, "end")?);
    let keep = |d: &Entry| {
        start.is_none_or(|s| d.at >= s)
            && end.is_none_or(|e| d.at < e)
            && q.object_type.as_deref().is_none_or(|t| *d.kind == *t)
            && q.object_id.as_deref().is_none_or(|t| *d.object == *t)
            && q.event_name.as_deref().is_none_or(|t| d.event_name() == t)
            && q.user_id.as_deref().is_none_or(|u| u == API_USER)
    };
    let store = lock(&sim.store);
    let log = &store.docs.audit;
    // Newest first: ids grow with every entry.
    let matching: Vec<&Entry> = log.values().rev().filter(|d| keep(d)).collect();
    let total = matching.len();
    let page: Vec<&Entry> = match (&q.before, &q.after) {
        (Some(b), _) => matching.iter().copied().filter(|d| *d.id < **b).take(count).collect(),
        (_, Some(a)) => {
            let newer: Vec<&Entry> = matching.iter().copied().filter(|d| *d.id > **a).collect();
            newer[newer.len().saturating_sub(count)..].to_vec()
        }
        _ => matching.iter().copied().take(count).collect(),
    };
    let filters = q.filters();
    let link = |cursor: &str| format!("/v1/audit-logs?count={count}&{filters}{cursor}");
    let older = page.last().is_some_and(|last| matching.iter().any(|d| d.id < last.id));
    let newer = page.first().is_some_and(|first| matching.iter().any(|d| d.id > first.id));
    let links = json!({
        "self": link(&match (&q.before, &q.after) {
            (Some(b), _) => format!("before={b}"),
            (_, Some(a)) => format!("after={a}"),
            _ => String::new(),
        }).trim_end_matches('&').to_owned(),
        "next": if older { Value::String(link(&format!("before={}", page.last().map_or("", |d| &*d.id)))) } else { Value::Null },
        "prev": if newer { Value::String(link(&format!("after={}", page.first().map_or("", |d| &*d.id)))) } else { Value::Null },
    });
    let mut out = b"{\"data\":[".to_vec();
    for (i, d) in page.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json(&mut out, &d.render());
    }
    out.extend_from_slice(b"],\"links\":");
    push_json(&mut out, &links);
    out.extend_from_slice(b",\"meta\":");
    push_json(&mut out, &json!({ "count": count, "total": total, "cursorCount": page.len() }));
    out.push(b'}');
    Ok(Reply::raw(200, out))
}
