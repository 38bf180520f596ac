//! tag → [`Tag`], team → [`Team`], user → [`User`].

use serde_json::Value;
use unidesk_core::{Tag, Team, User};

use crate::wire::{ResourceObject, TagAttrs, TeamAttrs, UserAttrs};

/// Maps a tag.
pub fn tag(obj: ResourceObject<TagAttrs>, raw: Option<Value>) -> Tag {
    let a = obj.attributes;
    Tag {
        id: obj.id,
        name: a.name,
        color: a.color,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_data: raw,
    }
}

/// Maps a team: `displayName` wins over `name`; Kustomer teams have no description.
pub fn team(obj: ResourceObject<TeamAttrs>, raw: Option<Value>) -> Team {
    let a = obj.attributes;
    Team {
        id: obj.id,
        name: a.display_name.or(a.name),
        description: None,
        member_ids: a.members,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_data: raw,
    }
}

/// Maps a user: deleted or deactivated users (`deletedAt` set or `deleted: true`) are inactive.
/// Kustomer's user record does not list teams, so `team_ids` is empty.
pub fn user(obj: ResourceObject<UserAttrs>, raw: Option<Value>) -> User {
    let a = obj.attributes;
    let is_active = a.deleted_at.is_none() && a.deleted != Some(true);
    User {
        id: obj.id,
        name: a.display_name.or(a.name),
        email: a.email,
        is_active,
        team_ids: Vec::new(),
        roles: a.roles,
        avatar_url: a.avatar_url,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_data: raw,
    }
}
