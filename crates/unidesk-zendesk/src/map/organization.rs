//! Zendesk organization → [`Account`].

use serde_json::Value;
use unidesk_core::Account;

use super::{dedup, id_text, non_blank};
use crate::wire;

/// Maps an organization; its `domain_names` are the account's domains.
pub fn account(o: &wire::Organization, raw: Option<Value>) -> Account {
    Account {
        id: id_text(o.id),
        name: o.name.clone(),
        domains: dedup(o.domain_names.iter().cloned()),
        external_id: non_blank(&o.external_id),
        custom_fields: o.organization_fields.clone().into_iter().collect(),
        created_at: o.created_at,
        updated_at: o.updated_at,
        remote_was_deleted: false,
        remote_data: raw,
    }
}
