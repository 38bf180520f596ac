//! customer → [`Contact`].

use serde_json::Value;
use unidesk_core::Contact;

use crate::map::{custom_fields, first_non_empty, unique};
use crate::wire::{CustomerAttrs, ResourceObject};

/// Maps a customer: `name` is the person's full name (`name`), falling back to `displayName`
/// and then the primary email when it is blank; the first email/phone is primary and each
/// list holds no repeats; `company` → `account_id`.
pub fn contact(obj: ResourceObject<CustomerAttrs>, raw: Option<Value>) -> Contact {
    let account_id = obj.related_id("company");
    let a = obj.attributes;
    let emails: Vec<String> = unique(a.emails.into_iter().filter_map(|e| e.email).collect());
    let phones: Vec<String> = unique(a.phones.into_iter().filter_map(|p| p.phone).collect());
    let name = first_non_empty([a.name, a.display_name, emails.first().cloned()]);
    Contact {
        id: obj.id,
        name,
        email: emails.first().cloned(),
        emails,
        phone: phones.first().cloned(),
        phones,
        account_id,
        external_id: a.external_id,
        tag_ids: unique(a.tags),
        custom_fields: custom_fields(a.custom),
        created_at: a.created_at,
        updated_at: a.updated_at,
        remote_was_deleted: a.deleted == Some(true),
        remote_data: raw,
    }
}
