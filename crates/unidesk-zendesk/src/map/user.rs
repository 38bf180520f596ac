//! Zendesk user → [`Contact`] (role `end-user`) or [`User`] (roles `agent` and `admin`).
//!
//! Zendesk keeps end-users and agents in one resource; the role splits them both ways. An
//! inactive user (`active: false`) is one Zendesk deleted: `remote_was_deleted`.

use serde_json::Value;
use unidesk_core::{Contact, User};

use super::{dedup, id_text, opt_id};
use crate::wire;

/// Whether a role is staff (`agent`, `admin`); every other role is an end-user's.
pub fn is_agent(role: Option<&str>) -> bool {
    matches!(role, Some("agent" | "admin"))
}

/// Maps an end-user to a contact (taking the wire record).
pub fn contact(u: wire::User, raw: Option<Value>) -> Contact {
    let email = u.email.filter(|s| !s.trim().is_empty());
    let phone = u.phone.filter(|s| !s.trim().is_empty());
    Contact {
        id: id_text(u.id),
        name: u.name,
        emails: email.clone().into_iter().collect(),
        email,
        phones: phone.clone().into_iter().collect(),
        phone,
        account_id: opt_id(u.organization_id),
        external_id: u.external_id.filter(|s| !s.trim().is_empty()),
        tag_ids: dedup(u.tags),
        custom_fields: u.user_fields,
        created_at: u.created_at,
        updated_at: u.updated_at,
        remote_was_deleted: !u.active,
        remote_data: raw,
    }
}

/// Maps an agent or admin to a user (taking the wire record). `team_ids` come from the group
/// memberships.
pub fn user(u: wire::User, raw: Option<Value>, team_ids: Vec<String>) -> User {
    User {
        id: id_text(u.id),
        name: u.name,
        email: u.email.filter(|s| !s.trim().is_empty()),
        is_active: u.active && !u.suspended,
        team_ids: dedup(team_ids),
        roles: u.role.into_iter().collect(),
        avatar_url: u.photo.and_then(|p| p.content_url),
        created_at: u.created_at,
        updated_at: u.updated_at,
        remote_was_deleted: !u.active,
        remote_data: raw,
    }
}
