//! `POST /v1/customers/search`: `and` / `or` / `not` criteria (see [`crate::criteria`]) over
//! conversations, customers, companies, messages, notes and KObjects (those of one klass,
//! `queryContext: kobject_<klass>`, or of every klass, `kobject`), sorted by a field (`updatedAt` by default), the
//! 100-page cap, and `includeDeleted` (deleted records are searched only when it is `true`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::criteria::{self, Crit, Field, Subject};
use crate::doc::Doc;
use crate::extract::{JsonBody, Paging, Params};
use crate::record::{Id, Rec, RelName};
use crate::render::{Page, PageLinks};
use crate::reply::Reply;
use crate::state::{Shared, lock};

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

/// A record a search found, with its attributes when the search needed them.
type Hit<'a> = (&'a Id, &'a Rec, Option<Map<String, Value>>);

/// The records a search found.
enum Source<'a> {
    Recs(Coll, Vec<Hit<'a>>),
    Docs(Vec<&'a Doc>),
}

/// How the results are ordered: by a field, descending or not.
struct Sort {
    field: Field,
    desc: bool,
}

fn sort_of(body: &Value, prefix: &str, klass: Option<&str>) -> Result<Sort, Reply> {
    let first = body.get("sort").and_then(Value::as_array).and_then(|s| s.first()).and_then(Value::as_object);
    let Some((name, dir)) = first.and_then(|o| o.iter().next()) else {
        return Ok(Sort { field: Field::Updated, desc: false });
    };
    let field = criteria::sort_field(name, prefix, klass).map_err(|e| bad(&e))?;
    Ok(Sort { field, desc: dir.as_str() == Some("desc") })
}

fn run(sim: &Shared, query: &Paging, body: Option<Value>) -> Result<Reply, Reply> {
    let body = body.ok_or_else(|| bad("search body required"))?;
    let ctx = body.get("queryContext").and_then(Value::as_str).unwrap_or("customer");
    let klass = ctx.strip_prefix("kobject_");
    let coll = match ctx {
        "conversation" => Some(Coll::Conversations),
        "customer" => Some(Coll::Customers),
        "company" => Some(Coll::Companies),
        "message" => Some(Coll::Messages),
        "note" => Some(Coll::Notes),
        // `kobject`: the KObjects of every klass; `kobject_<klass>`: those of one klass.
        "kobject" => None,
        _ if klass.is_some_and(|k| !k.is_empty()) => None,
        other => return Err(bad(&format!("unsupported queryContext {other}"))),
    };
    let (page, size) = query.get(500)?;
    if page > 100 || (page as usize - 1) * size as usize >= 10_000 {
        return Err(bad("Search results are limited to 100 pages (10,000 records); narrow the query"));
    }
    let prefix = if coll.is_some() { ctx } else { "kobject" };
    let crit = Crit::from_body(&body, prefix, klass).map_err(|e| bad(&e))?;
    let sort = sort_of(&body, prefix, klass)?;
    let include_deleted = body.get("includeDeleted").and_then(Value::as_bool) == Some(true);
    let parse = crit.needs_attrs() || matches!(sort.field, Field::Attr(_) | Field::Custom(..));
    let store = lock(&sim.store);
    let empty = Map::new();
    let source = match coll {
        Some(coll) => {
            let mut recs = Vec::new();
            for (id, r) in store.coll(coll).iter() {
                if !include_deleted && r.is_deleted() {
                    continue;
                }
                let attrs = parse.then(|| r.draft().attrs);
                let subject = Subject {
                    id,
                    created: r.created,
                    updated: r.updated,
                    customer: r.rel_id(RelName::Customer),
                    attrs: attrs.as_ref().unwrap_or(&empty),
                };
                if crit.holds(&subject) {
                    recs.push((id, r, attrs));
                }
            }
            let key = |x: &Hit<'_>| (x.1.created, x.1.updated);
            match &sort.field {
                Field::Created => recs.sort_by(|a, b| (key(a).0, a.0).cmp(&(key(b).0, b.0))),
                Field::Id => recs.sort_by(|a, b| a.0.cmp(b.0)),
                Field::Attr(_) | Field::Custom(..) => recs.sort_by(|a, b| {
                    let (va, vb) = (a.2.as_ref().unwrap_or(&empty), b.2.as_ref().unwrap_or(&empty));
                    criteria::cmp_values(criteria::sort_value(&sort.field, va), criteria::sort_value(&sort.field, vb))
                        .then((key(a).1, a.0).cmp(&(key(b).1, b.0)))
                }),
                _ => recs.sort_by(|a, b| (key(a).1, a.0).cmp(&(key(b).1, b.0))),
            }
            if sort.desc {
                recs.reverse();
            }
            Source::Recs(coll, recs)
        }
        None => {
            let klasses: Vec<&BTreeMap<Id, Doc>> = match klass {
                Some(name) => {
                    if store.docs.klass_named(name).is_none() {
                        return Err(bad(&format!("unsupported queryContext {ctx}: no klass {name}")));
                    }
                    store.docs.kobjects.get(name).into_iter().collect()
                }
                None => store.docs.kobjects.values().collect(),
            };
            let mut docs: Vec<&Doc> = klasses
                .into_iter()
                .flat_map(BTreeMap::values)
                .filter(|d| {
                    crit.holds(&Subject {
                        id: &d.id,
                        created: d.created,
                        updated: d.updated,
                        customer: d.rel_id("customer"),
                        attrs: &d.attrs,
                    })
                })
                .collect();
            match &sort.field {
                Field::Created => docs.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id))),
                Field::Id => docs.sort_by(|a, b| a.id.cmp(&b.id)),
                Field::Attr(_) | Field::Custom(..) => docs.sort_by(|a, b| {
                    criteria::cmp_values(
                        criteria::sort_value(&sort.field, &a.attrs),
                        criteria::sort_value(&sort.field, &b.attrs),
                    )
                    .then((a.updated, &a.id).cmp(&(b.updated, &b.id)))
                }),
                _ => docs.sort_by(|a, b| (a.updated, &a.id).cmp(&(b.updated, &b.id))),
            }
            if sort.desc {
                docs.reverse();
            }
            Source::Docs(docs)
        }
    };
    let start = (page as usize - 1) * size as usize;
    let mut doc = Page::default();
    let total = match &source {
        Source::Recs(coll, recs) => {
            for (id, rec, _) in recs.iter().skip(start).take(size as usize) {
                doc.push(rec, *coll, id);
            }
            recs.len()
        }
        Source::Docs(docs) => {
            for d in docs.iter().skip(start).take(size as usize) {
                doc.push_raw(d.json());
            }
            docs.len()
        }
    };
    let has_next = start + doc.len() < total;
    let meta = json!({ "pageSize": size, "page": page, "total": total, "totalPages": total.div_ceil(size as usize), "aggregations": {} });
    let at = PageLinks { path: "/v1/customers/search", extra: "", page, size, has_next };
    Ok(Reply::raw(200, doc.finish(&at, &meta)))
}
