//! `POST /v1/customers/search`: `and` filters on `<ctx>_updated_at` /
//! `<ctx>_created_at`, sorting by `updatedAt`, and the 100-page cap.

use std::sync::Arc;

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::coll::Coll;
use crate::extract::{JsonBody, Paging, Params};
use crate::record::{Id, Rec};
use crate::render::{Page, PageLinks};
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// A comparison a filter makes.
#[derive(Debug, Clone, Copy)]
enum Op {
    Gte,
    Gt,
    Lte,
    Lt,
}

/// One condition: on `updatedAt` (else `createdAt`), an operator and a time.
#[derive(Debug)]
struct Filter {
    updated: bool,
    op: Op,
    at: DateTime<Utc>,
}

impl Filter {
    fn keeps(&self, r: &Rec) -> bool {
        let v = if self.updated { r.updated } else { r.created };
        match self.op {
            Op::Gte => v >= self.at,
            Op::Gt => v > self.at,
            Op::Lte => v <= self.at,
            Op::Lt => v < self.at,
        }
    }
}

/// The search handler.
pub(crate) async fn search(
    State(sim): State<Arc<Shared>>,
    Params(q): Params<Paging>,
    JsonBody(body): JsonBody,
) -> Reply {
    run(&sim, &q, body).unwrap_or_else(|r| r)
}

fn bad(detail: &str) -> Reply {
    Reply::error(400, "bad_request", detail)
}

fn run(sim: &Shared, query: &Paging, body: Option<Value>) -> Result<Reply, Reply> {
    let body = body.ok_or_else(|| bad("search body required"))?;
    let ctx = body.get("queryContext").and_then(Value::as_str).unwrap_or("customer");
    let coll = match ctx {
        "conversation" => Coll::Conversations,
        "customer" => Coll::Customers,
        "company" => Coll::Companies,
        "message" => Coll::Messages,
        "note" => Coll::Notes,
        other => return Err(bad(&format!("unsupported queryContext {other}"))),
    };
    let (page, size) = query.get(500)?;
    if page > 100 || (page as usize - 1) * size as usize >= 10_000 {
        return Err(bad("Search results are limited to 100 pages (10,000 records); narrow the query"));
    }
    let filters = filters(&body, ctx)?;
    let desc = body
        .get("sort")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .and_then(Value::as_object)
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        == Some("desc");
    let store = lock(&sim.store);
    let mut matching: Vec<(&Id, &Rec)> =
        store.coll(coll).iter().filter(|(_, r)| filters.iter().all(|f| f.keeps(r))).collect();
    matching.sort_by(|a, b| (a.1.updated, a.0).cmp(&(b.1.updated, b.0)));
    if desc {
        matching.reverse();
    }
    let total = matching.len();
    let start = (page as usize - 1) * size as usize;
    let mut doc = Page::default();
    for (id, rec) in matching.into_iter().skip(start).take(size as usize) {
        doc.push(rec, coll, id);
    }
    let has_next = start + doc.len() < total;
    let meta = json!({ "pageSize": size, "page": page, "total": total, "totalPages": total.div_ceil(size as usize), "aggregations": {} });
    let at = PageLinks { path: "/v1/customers/search", extra: "", page, size, has_next };
    Ok(Reply::raw(200, doc.finish(&at, &meta)))
}

fn filters(body: &Value, ctx: &str) -> Result<Vec<Filter>, Reply> {
    let mut out = Vec::new();
    let Some(conditions) = body.get("and").and_then(Value::as_array) else { return Ok(out) };
    for f in conditions {
        let Some(obj) = f.as_object() else { return Err(bad("filters must be objects")) };
        for (field, cond) in obj {
            let updated = if *field == format!("{ctx}_updated_at") {
                true
            } else if *field == format!("{ctx}_created_at") {
                false
            } else {
                return Err(bad(&format!("unsupported search attribute {field}")));
            };
            let Some(cond) = cond.as_object() else { continue };
            for (op, v) in cond {
                let at = parse_time(v).ok_or_else(|| bad(&format!("bad date for {field}")))?;
                let op = match op.as_str() {
                    "gte" => Op::Gte,
                    "gt" => Op::Gt,
                    "lte" => Op::Lte,
                    "lt" => Op::Lt,
                    other => return Err(bad(&format!("unsupported operator {other}"))),
                };
                out.push(Filter { updated, op, at });
            }
        }
    }
    Ok(out)
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}
