//! team → [`Team`].

use serde_json::Value;
use unidesk_core::Team;

use crate::map::unique;
use crate::wire::{ResourceObject, TeamAttrs};

/// Maps a team: `displayName` wins over `name`; Kustomer teams have no description.
pub fn team(obj: ResourceObject<TeamAttrs>, raw: Option<Value>) -> Team {
    let a = obj.attributes;
    Team {
        id: obj.id,
        name: a.display_name.or(a.name),
        description: None,
        member_ids: unique(a.members),
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_was_deleted: a.deleted == Some(true),
        remote_data: raw,
    }
}
