//! Zendesk group → [`Team`].

use serde_json::Value;
use unidesk_core::Team;

use super::{dedup, id_text, non_blank};
use crate::wire;

/// Maps a group; `member_ids` come from its group memberships.
pub fn team(g: &wire::Group, raw: Option<Value>, member_ids: Vec<String>) -> Team {
    Team {
        id: id_text(g.id),
        name: g.name.clone(),
        description: non_blank(&g.description),
        member_ids: dedup(member_ids),
        created_at: g.created_at,
        updated_at: g.updated_at,
        remote_was_deleted: g.deleted,
        remote_data: raw,
    }
}
