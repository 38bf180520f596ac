//! Zendesk records → the normalized model, one file per Zendesk resource.
//!
//! Every function is pure: a wire record (and its raw JSON, kept as `remote_data` when asked
//! for) in, a normalized record out. `docs/mapping-zendesk.md` has the field-by-field table.

mod comment;
mod field;
mod group;
mod organization;
mod tag;
mod ticket;
mod user;

pub use comment::{CommentContext, comment};
pub use field::field_definition;
pub use group::team;
pub use organization::account;
pub use tag::tag;
pub use ticket::{
    ZENDESK_STATUSES, priority_from_zendesk, priority_to_zendesk, status_from_zendesk, status_to_zendesk, ticket,
    ticket_url,
};
pub use user::{contact, is_agent, user};

/// A Zendesk id as the normalized model writes ids.
pub(crate) fn id_text(id: i64) -> String {
    id.to_string()
}

/// An optional Zendesk id as text (`null` and 0 — "none" in webhooks — become `None`).
pub(crate) fn opt_id(id: Option<i64>) -> Option<String> {
    id.filter(|n| *n != 0).map(id_text)
}

/// `items` without repeats, first occurrence kept (sets in the model hold each value once).
pub(crate) fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let items = items.into_iter();
    let mut out: Vec<String> = Vec::with_capacity(items.size_hint().0);
    for s in items {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Text that is not blank.
pub(crate) fn non_blank(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}
