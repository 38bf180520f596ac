//! user → [`User`].

use serde_json::Value;
use unidesk_core::User;

use crate::map::{first_non_empty, unique};
use crate::wire::{ResourceObject, UserAttrs};

/// Maps a user: `name` is Kustomer's `name`, falling back to `displayName` when blank;
/// deleted or deactivated users (`deletedAt` set or `deleted: true`) are inactive. Kustomer
/// keeps such users in its default user listing (they are deactivated agent accounts, still
/// named by old tickets), so they are not `remote_was_deleted`: that flag marks records a
/// default listing leaves out.
/// Kustomer's user record does not list teams, so `team_ids` is empty.
pub fn user(obj: ResourceObject<UserAttrs>, raw: Option<Value>) -> User {
    let a = obj.attributes;
    let is_active = a.deleted_at.is_none() && a.deleted != Some(true);
    User {
        id: obj.id,
        name: first_non_empty([a.name, a.display_name]),
        email: a.email,
        is_active,
        team_ids: Vec::new(),
        roles: unique(a.roles),
        avatar_url: a.avatar_url,
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_was_deleted: false,
        remote_data: raw,
    }
}
