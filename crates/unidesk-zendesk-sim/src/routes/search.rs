//! `GET /api/v2/search?query=…`: enough of Zendesk's search for clients that probe it.
//!
//! Understood terms: `type:ticket|user|organization|group`, `status:<s>`, `role:<r>`,
//! `email:<e>`, `external_id:<x>`, `updated>`/`updated<`/`created>`/`created<` with an
//! ISO date or time, `tags:<t>`; other words must all occur in the subject, description or
//! name (case-insensitive). Results are offset paged (`page`, `per_page`), by id.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use serde_json::Value;

use crate::paging::{At, paginate};
use crate::query::Params;
use crate::record::{Rec, parse_ts};
use crate::reply::Reply;
use crate::routes::path_of;
use crate::state::{Shared, lock};
use crate::store::Kind;

fn time_of(v: &str) -> Option<i64> {
    parse_ts(v).or_else(|| parse_ts(&format!("{v}T00:00:00Z")))
}

fn matches(rec: &Rec, terms: &[String]) -> bool {
    terms.iter().all(|t| {
        if let Some(s) = t.strip_prefix("status:") {
            return rec.str("status") == Some(s);
        }
        if let Some(e) = t.strip_prefix("email:") {
            return rec.str("email").is_some_and(|x| x.eq_ignore_ascii_case(e));
        }
        if let Some(e) = t.strip_prefix("external_id:") {
            return rec.str("external_id") == Some(e);
        }
        if let Some(r) = t.strip_prefix("role:") {
            return rec.str("role") == Some(r);
        }
        if let Some(tag) = t.strip_prefix("tags:") {
            return rec
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(tag)));
        }
        for (prefix, field, after) in [
            ("updated>", "updated_at", true),
            ("updated<", "updated_at", false),
            ("created>", "created_at", true),
            ("created<", "created_at", false),
        ] {
            if let Some(v) = t.strip_prefix(prefix) {
                let (Some(bound), Some(at)) = (time_of(v), rec.str(field).and_then(parse_ts)) else { return false };
                return if after { at > bound } else { at < bound };
            }
        }
        let needle = t.to_lowercase();
        ["subject", "description", "name", "email"]
            .iter()
            .any(|f| rec.str(f).is_some_and(|s| s.to_lowercase().contains(&needle)))
    })
}

/// `GET /api/v2/users/search?query=…` (the same terms, `email:` exact) or `?external_id=…`:
/// users, offset paged.
pub(crate) async fn users(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let mut terms: Vec<String> = p.get("query").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    if let Some(ext) = p.get("external_id") {
        terms.push(format!("external_id:{ext}"));
    }
    if terms.is_empty() {
        return Reply::bad_request("Parameter query or external_id is required");
    }
    let store = lock(&sim.store);
    let rows: Vec<(i64, &Rec)> = store.table(Kind::Users).all().filter(|(_, u)| matches(u, &terms)).collect();
    crate::routes::tickets::page_of(&store, "users", rows, &p, &uri)
}

/// The search endpoint.
pub(crate) async fn search(State(sim): State<Arc<Shared>>, p: Params, uri: Uri) -> Reply {
    let query = p.get("query").unwrap_or_default().to_owned();
    let mut kinds = vec![Kind::Tickets, Kind::Users, Kind::Organizations, Kind::Groups];
    let mut terms = Vec::new();
    for word in query.split_whitespace() {
        if let Some(t) = word.strip_prefix("type:") {
            kinds = match t {
                "ticket" => vec![Kind::Tickets],
                "user" => vec![Kind::Users],
                "organization" => vec![Kind::Organizations],
                "group" => vec![Kind::Groups],
                _ => Vec::new(),
            };
        } else {
            terms.push(word.to_owned());
        }
    }
    let store = lock(&sim.store);
    let mut found: Vec<Rec> = Vec::new();
    for kind in kinds {
        for (_, r) in store.table(kind).live_rows().filter(|(_, r)| matches(r, &terms)) {
            let mut v = r.value().clone();
            v.insert("result_type".into(), Value::from(kind.singular()));
            found.push(Rec::new(v));
        }
    }
    let rows: Vec<(i64, &Rec)> = found.iter().enumerate().map(|(i, r)| (i as i64, r)).collect();
    let path = path_of(&uri);
    let at = At { base: &store.base, path: &path, params: &p };
    match paginate(rows, &at) {
        Ok(page) => Reply::raw(
            200,
            crate::paging::render("results", &page.items, &[("facets".into(), "null".into())], &page.tail),
        ),
        Err(e) => e,
    }
}
