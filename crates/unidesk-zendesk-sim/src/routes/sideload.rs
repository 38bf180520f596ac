//! Side-loading: `include=users,groups,organizations` adds the records a page refers to as
//! top-level arrays.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::record::Rec;
use crate::store::{Kind, Store};

/// The fields of a record that name users.
const USER_FIELDS: [&str; 4] = ["requester_id", "submitter_id", "assignee_id", "author_id"];

/// The side-loads `includes` asks for, for `items`: `(key, JSON array)` pairs.
pub(crate) fn sideloads(store: &Store, items: &[&Rec], includes: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for inc in includes {
        let (kind, fields): (Kind, &[&str]) = match inc.as_str() {
            "users" => (Kind::Users, &USER_FIELDS),
            "groups" => (Kind::Groups, &["group_id", "default_group_id"]),
            "organizations" => (Kind::Organizations, &["organization_id"]),
            _ => continue,
        };
        let mut ids = BTreeSet::new();
        for r in items {
            for f in fields {
                if let Some(id) = r.int(f) {
                    ids.insert(id);
                }
            }
            if kind == Kind::Users
                && let Some(Value::Array(c)) = r.get("collaborator_ids")
            {
                ids.extend(c.iter().filter_map(Value::as_i64));
            }
        }
        let table = store.table(kind);
        let parts: Vec<&str> = ids.iter().filter_map(|id| table.get(*id)).map(Rec::json).collect();
        out.push((kind.plural().to_owned(), format!("[{}]", parts.join(","))));
    }
    out
}
