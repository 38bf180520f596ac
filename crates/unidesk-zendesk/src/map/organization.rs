//! Zendesk organization → [`Account`].

use serde_json::Value;
use unidesk_core::Account;

use super::{dedup, id_text};
use crate::wire;

/// Maps an organization (taking the wire record); its `domain_names` are the account's domains.
pub fn account(o: wire::Organization, raw: Option<Value>) -> Account {
    Account {
        id: id_text(o.id),
        name: o.name,
        domains: dedup(o.domain_names),
        external_id: o.external_id.filter(|s| !s.trim().is_empty()),
        custom_fields: o.organization_fields,
        created_at: o.created_at,
        updated_at: o.updated_at,
        remote_was_deleted: false,
        remote_data: raw,
    }
}
