//! Mapping functions, Kustomer wire → normalized. One file per Kustomer resource.
//!
//! Rule: a normalized field with no source in the Kustomer record is `null`
//! or empty, never invented. The sources of each rule are in
//! `docs/mapping-kustomer.md`.

pub(crate) mod changes;
pub(crate) mod company;
pub(crate) mod conversation;
pub(crate) mod customer;
pub(crate) mod message;
pub(crate) mod metadata;
pub(crate) mod note;
pub mod reverse;
pub(crate) mod tag;
pub(crate) mod team;
pub(crate) mod user;

pub use company::account;
pub use conversation::{priority_from_kustomer, status_from_kustomer, ticket};
pub use customer::contact;
pub use message::comment_from_message;
pub use metadata::{field_definition, field_definitions};
pub use note::comment_from_note;
pub use tag::tag;
pub use team::team;
pub use user::user;

use std::collections::BTreeMap;

use serde_json::Value;

/// `values` without repeats, first-seen order kept: normalized id and address lists are sets.
pub(crate) fn unique(values: Vec<String>) -> Vec<String> {
    // Most lists are a handful of ids: a scan of what is kept beats hashing (and cloning) each one.
    if values.len() <= 32 {
        let mut out: Vec<String> = Vec::with_capacity(values.len());
        for v in values {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        return out;
    }
    let mut seen = std::collections::HashSet::with_capacity(values.len());
    values.into_iter().filter(|v| seen.insert(v.clone())).collect()
}

/// The first of `candidates` that is present and not blank.
pub(crate) fn first_non_empty(candidates: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    candidates.into_iter().flatten().find(|s| !s.trim().is_empty())
}

/// Custom attributes (`custom`) → `custom_fields`, keys kept verbatim (with their type suffix).
pub(crate) fn custom_fields(custom: Option<BTreeMap<String, Value>>) -> BTreeMap<String, Value> {
    custom.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_keeps_first_seen_order_for_short_and_long_lists() {
        let short = vec!["b".to_owned(), "a".to_owned(), "b".to_owned(), "c".to_owned(), "a".to_owned()];
        assert_eq!(unique(short), ["b", "a", "c"]);
        let long: Vec<String> = (0..100).map(|i| format!("id{}", i % 40)).collect();
        let expected: Vec<String> = (0..40).map(|i| format!("id{i}")).collect();
        assert_eq!(unique(long), expected);
    }
}
