//! message → [`Comment`] (public): subject from `subject` or `meta.subject`, recipients from
//! `meta.to`/`meta.cc`, HTML from `meta.html` when the record carries it.

use serde::Deserialize;
use serde_json::Value;
use unidesk_core::{Attachment, Comment, Direction};

use crate::map::{first_non_empty, unique};
use crate::wire::{AttachmentAttrs, MessageAttrs, ResourceObject};

/// Maps a message; `included` holds side-loaded attachment objects, sorted by id (as the
/// decoders in [`crate::decode`] pass them; an unsorted slice may leave attachment details empty).
pub fn comment_from_message(
    obj: ResourceObject<MessageAttrs>,
    included: &[ResourceObject<Value>],
    raw: Option<Value>,
) -> Comment {
    let attachment_ids = obj.related_ids("attachments");
    let attachments = attachment_ids
        .into_iter()
        .map(|id| {
            let found = included
                .binary_search_by(|i| i.id.as_str().cmp(id.as_str()))
                .ok()
                .map(|at| &included[at])
                .filter(|i| i.kind.as_deref().is_none_or(|k| k.starts_with("attachment")));
            let attrs: AttachmentAttrs =
                found.and_then(|f| AttachmentAttrs::deserialize(&f.attributes).ok()).unwrap_or_default();
            // `links.related` is the content's presigned S3 URL, when the object carries one.
            let url = found
                .and_then(|f| f.links.related.as_ref())
                .map(|u| u.expose().to_owned())
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
            Attachment {
                id,
                file_name: attrs.name,
                content_type: attrs.content_type,
                size_bytes: attrs.content_length,
                url,
            }
        })
        .collect();
    let direction = obj.attributes.direction.as_deref().map(|d| match d {
        "in" => Direction::Inbound,
        "out" => Direction::Outbound,
        other => Direction::Unknown(other.to_owned()),
    });
    let (author_user_id, author_contact_id) = match direction {
        Some(Direction::Inbound) => (None, obj.related_id("customer")),
        _ => (obj.related_id("createdBy"), None),
    };
    let ticket_id = obj.related_id("conversation");
    let a = obj.attributes;
    let meta = a.meta.as_ref();
    let subject = first_non_empty([a.subject, meta_text(meta, "subject")]);
    let html_body = meta_text(meta, "html").filter(|h| !h.trim().is_empty());
    Comment {
        id: obj.id,
        ticket_id,
        subject,
        body: a.preview,
        html_body,
        is_private: false,
        direction,
        channel: a.channel,
        author_user_id,
        author_contact_id,
        to: addresses(meta, "to"),
        cc: addresses(meta, "cc"),
        attachments,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_was_deleted: a.deleted == Some(true),
        remote_data: raw,
    }
}

/// A text field of the message's channel metadata (`meta.subject`, `meta.html`).
fn meta_text(meta: Option<&Value>, key: &str) -> Option<String> {
    meta?.get(key)?.as_str().map(str::to_owned)
}

/// Recipient addresses in `meta.<key>`, which Kustomer sends as a string, a list of strings,
/// or a list of `{email}` objects; repeats dropped, order kept.
fn addresses(meta: Option<&Value>, key: &str) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("email").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let all = match meta.and_then(|m| m.get(key)) {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    };
    unique(all.into_iter().filter(|a: &String| !a.trim().is_empty()).collect())
}
