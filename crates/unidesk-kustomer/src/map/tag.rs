//! tag → [`Tag`].

use serde_json::Value;
use unidesk_core::Tag;

use crate::wire::{ResourceObject, TagAttrs};

/// Maps a tag.
pub fn tag(obj: ResourceObject<TagAttrs>, raw: Option<Value>) -> Tag {
    let a = obj.attributes;
    Tag {
        id: obj.id,
        name: a.name,
        color: a.color,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_was_deleted: a.deleted == Some(true),
        remote_data: raw,
    }
}
