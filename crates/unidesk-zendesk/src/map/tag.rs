//! Zendesk tag → [`Tag`]. A Zendesk tag is only a name: the name is the tag's id.

use serde_json::Value;
use unidesk_core::Tag;

use crate::wire;

/// Maps a tag: `id` and `name` are both the tag's name.
pub fn tag(t: &wire::TagCount, raw: Option<Value>) -> Tag {
    Tag {
        id: t.name.clone(),
        name: Some(t.name.clone()),
        color: None,
        created_at: None,
        updated_at: None,
        remote_was_deleted: false,
        remote_data: raw,
    }
}
