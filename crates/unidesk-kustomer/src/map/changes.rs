//! A webhook's `changes` → [`unidesk_core::FieldChange`]s under normalized field names.
//!
//! Kustomer sends `changes: { attributes: { <attr>: { op, before, after } }, relationships:
//! { <rel>: { before, after } } }` on update events. Attributes and relationships with a
//! normalized counterpart are renamed (`assignedUsers` → `assignee_ids`, `customer` →
//! `contact_id`); a status is normalized the way [`super::status_from_kustomer`] does; any
//! other change is kept under its Kustomer name, so nothing the provider said is dropped.

use std::collections::BTreeMap;

use serde_json::Value;
use unidesk_core::FieldChange;

/// The normalized name of attribute or relationship `name` on Kustomer object `object`
/// (`conversation`, `customer`…), or `None` when the model has no counterpart.
pub(crate) fn normalized_name(object: &str, name: &str) -> Option<&'static str> {
    Some(match (object, name) {
        ("conversation", "name") => "subject",
        ("conversation", "preview") => "description",
        ("conversation", "status") => "status",
        ("conversation", "priority") => "priority",
        ("conversation", "assignedUsers") => "assignee_ids",
        ("conversation", "assignedTeams") => "team_ids",
        ("conversation", "tags") => "tag_ids",
        ("conversation", "channels") => "channels",
        ("conversation", "endedAt") => "closed_at",
        ("conversation", "customer") => "contact_id",
        ("conversation", "company") => "account_id",
        ("customer" | "company" | "conversation", "externalId") => "external_id",
        ("customer" | "company" | "user" | "team" | "tag", "name") => "name",
        ("customer", "emails") => "emails",
        ("customer", "phones") => "phones",
        ("customer", "tags") => "tag_ids",
        ("customer", "company") => "account_id",
        ("company", "domains") => "domains",
        ("user", "email") => "email",
        ("user", "roles") => "roles",
        ("team", "members") => "member_ids",
        ("tag", "color") => "color",
        ("message", "subject") => "subject",
        ("message" | "note", "body") => "body",
        (_, "custom") => "custom_fields",
        (_, "updatedAt") => "updated_at",
        (_, "createdAt") => "created_at",
        _ => return None,
    })
}

/// A relationship's value as ids: `{data: {id}}` → `"id"`, `{data: [{id}…]}` → `["id"…]`.
fn relationship_value(v: &Value) -> Value {
    let data = v.get("data").unwrap_or(v);
    match data {
        Value::Object(o) => o.get("id").cloned().unwrap_or(Value::Null),
        Value::Array(items) => Value::Array(items.iter().filter_map(|i| i.get("id").cloned()).collect()),
        other => other.clone(),
    }
}

fn normalize_value(object: &str, field: &str, v: &Value) -> Value {
    match (object, field, v) {
        ("conversation", "status", Value::String(s)) => {
            Value::String(super::status_from_kustomer(s).as_str().to_owned())
        }
        _ => v.clone(),
    }
}

/// Every change in `changes` (the envelope's `changes` object) for Kustomer object `object`.
pub(crate) fn changes(object: &str, changes: Option<&Value>) -> BTreeMap<String, FieldChange> {
    let mut out = BTreeMap::new();
    let Some(changes) = changes else { return out };
    for (section, is_relationship) in [("attributes", false), ("relationships", true)] {
        let Some(Value::Object(fields)) = changes.get(section) else { continue };
        for (name, change) in fields {
            let pick = |k: &str| {
                let v = change.get(k).unwrap_or(&Value::Null);
                if is_relationship { relationship_value(v) } else { v.clone() }
            };
            let (before, after) = (pick("before"), pick("after"));
            let key = normalized_name(object, name);
            let field = key.map(str::to_owned).unwrap_or_else(|| name.clone());
            let (before, after) = match key {
                Some(k) => (normalize_value(object, k, &before), normalize_value(object, k, &after)),
                None => (before, after),
            };
            out.insert(field, FieldChange { before, after });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn known_fields_are_renamed_and_unknown_ones_kept_under_their_kustomer_name() {
        let c = json!({
            "attributes": {
                "status": { "op": "replace", "before": "open", "after": "done" },
                "assignedUsers": { "op": "replace", "before": [], "after": ["u1"] },
                "satisfaction": { "op": "replace", "before": null, "after": 5 }
            },
            "relationships": {
                "customer": { "before": { "data": { "type": "customer", "id": "c1" } },
                              "after": { "data": { "type": "customer", "id": "c2" } } }
            }
        });
        let m = changes("conversation", Some(&c));
        assert_eq!(m["status"], FieldChange { before: json!("open"), after: json!("closed") });
        assert_eq!(m["assignee_ids"].after, json!(["u1"]));
        assert_eq!(m["satisfaction"].after, json!(5), "unknown attributes keep their Kustomer name");
        assert_eq!(m["contact_id"], FieldChange { before: json!("c1"), after: json!("c2") });
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn absent_or_malformed_changes_are_empty_not_errors() {
        assert!(changes("conversation", None).is_empty());
        assert!(changes("conversation", Some(&json!("garbage"))).is_empty());
        assert!(changes("conversation", Some(&json!({ "attributes": [1, 2] }))).is_empty());
    }
}
