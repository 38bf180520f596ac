//! message → [`Comment`] (public).

use serde::Deserialize;
use serde_json::Value;
use unidesk_core::{Attachment, Comment, Direction};

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
            Attachment {
                id,
                file_name: attrs.name,
                content_type: attrs.content_type,
                size_bytes: attrs.content_length,
                url: None,
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
    Comment {
        id: obj.id,
        ticket_id,
        body: a.preview,
        html_body: None,
        is_private: false,
        direction,
        channel: a.channel,
        author_user_id,
        author_contact_id,
        attachments,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_data: raw,
    }
}
