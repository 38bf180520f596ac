//! company → [`Account`].

use serde_json::Value;
use unidesk_core::Account;

use crate::map::{custom_fields, unique};
use crate::wire::{CompanyAttrs, ResourceObject};

/// Maps a company.
pub fn account(obj: ResourceObject<CompanyAttrs>, raw: Option<Value>) -> Account {
    let a = obj.attributes;
    Account {
        id: obj.id,
        name: a.name,
        domains: unique(a.domains),
        external_id: a.external_id,
        custom_fields: custom_fields(a.custom),
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_was_deleted: a.deleted == Some(true),
        remote_data: raw,
    }
}
