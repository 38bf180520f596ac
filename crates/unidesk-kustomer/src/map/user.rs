//! user → [`User`].

use serde_json::Value;
use unidesk_core::User;

use crate::wire::{ResourceObject, UserAttrs};

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
