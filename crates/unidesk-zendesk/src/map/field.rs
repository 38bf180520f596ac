//! Zendesk field definitions (`ticket_fields`, `user_fields`, `organization_fields`) →
//! [`FieldDefinition`].
//!
//! Tickets key custom values by the field's numeric id, users and organizations by its `key`;
//! the definition's `key` is what the records use.

use serde_json::Value;
use unidesk_core::{FieldDefinition, FieldOption, FieldType, Resource};

use super::id_text;
use crate::wire;

/// The types of Zendesk's own ticket fields, which tickets carry as top-level attributes,
/// never in `custom_fields`.
const SYSTEM_TICKET_FIELDS: [&str; 8] =
    ["subject", "description", "status", "tickettype", "priority", "group", "assignee", "custom_status"];

/// The normalized type of a Zendesk field type.
fn field_type(kind: &str) -> FieldType {
    match kind {
        "text" | "textarea" | "regexp" | "partialcreditcard" => FieldType::Text,
        "integer" | "decimal" => FieldType::Number,
        "checkbox" => FieldType::Boolean,
        "date" => FieldType::Datetime,
        "dropdown" | "tagger" => FieldType::Select,
        "multiselect" => FieldType::Multiselect,
        other => FieldType::Unknown(other.to_owned()),
    }
}

fn option_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Maps one definition of `resource`'s fields; `None` for a ticket field that is one of
/// Zendesk's own (subject, status…: `removable: false`, or one of their types), which records
/// never carry in `custom_fields`.
pub fn field_definition(f: &wire::FieldDefinition, raw: Value, resource: Resource) -> Option<FieldDefinition> {
    let key = match resource {
        Resource::Ticket => {
            if f.removable == Some(false) || f.kind.as_deref().is_some_and(|k| SYSTEM_TICKET_FIELDS.contains(&k)) {
                return None;
            }
            id_text(f.id)
        }
        _ => f.key.clone().filter(|k| !k.is_empty()).unwrap_or_else(|| id_text(f.id)),
    };
    Some(FieldDefinition {
        key,
        label: f.title.clone(),
        field_type: field_type(f.kind.as_deref().unwrap_or("text")),
        options: f
            .custom_field_options
            .iter()
            .map(|o| {
                let value = option_text(&o.value);
                FieldOption { label: o.name.clone().filter(|n| *n != value), value }
            })
            .collect(),
        resource,
        remote_data: Some(raw),
    })
}
