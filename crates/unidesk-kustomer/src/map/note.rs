//! note → [`Comment`] (private).

use serde_json::Value;
use unidesk_core::Comment;

use crate::wire::{NoteAttrs, ResourceObject};

/// Maps a note: private, no direction or channel, authored by the user who wrote it.
pub fn comment_from_note(obj: ResourceObject<NoteAttrs>, raw: Option<Value>) -> Comment {
    let ticket_id = obj.related_id("conversation");
    let author_user_id = obj.related_id("createdBy");
    Comment {
        id: obj.id,
        ticket_id,
        subject: None,
        body: obj.attributes.body,
        html_body: None,
        is_private: true,
        direction: None,
        channel: None,
        author_user_id,
        author_contact_id: None,
        to: Vec::new(),
        cc: Vec::new(),
        attachments: Vec::new(),
        created_at: obj.attributes.created_at,
        updated_at: obj.attributes.updated_at,
        remote_was_deleted: obj.attributes.deleted == Some(true),
        remote_data: raw,
    }
}
