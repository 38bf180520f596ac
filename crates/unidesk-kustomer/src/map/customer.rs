//! customer → [`Contact`].

use serde_json::Value;
use unidesk_core::Contact;

use crate::map::custom_fields;
use crate::wire::{CustomerAttrs, ResourceObject};

/// Maps a customer: the first email/phone is primary; `company` → `account_id`.
pub fn contact(obj: ResourceObject<CustomerAttrs>, raw: Option<Value>) -> Contact {
    let account_id = obj.related_id("company");
    let a = obj.attributes;
    let emails: Vec<String> = a.emails.into_iter().filter_map(|e| e.email).collect();
    let phones: Vec<String> = a.phones.into_iter().filter_map(|p| p.phone).collect();
    Contact {
        id: obj.id,
        name: a.display_name.or(a.name),
        email: emails.first().cloned(),
        emails,
        phone: phones.first().cloned(),
        phones,
        account_id,
        external_id: a.external_id,
        tag_ids: a.tags,
        custom_fields: custom_fields(a.custom),
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_data: raw,
    }
}
