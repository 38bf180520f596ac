//! Field definitions: those loaded with the seed, plus one inferred for every custom field key a
//! record carries that the seed did not describe (as a helpdesk defines a field on first use).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::DateTime;
use serde_json::Value;
use unidesk_core::{CustomFields, Error, FieldDefinition, FieldType, Fields, Operation, Resource, Result};

use crate::store::{DESCRIBED, MemoryHelpdesk, NAME, State};

/// The kind of value `v` suggests: booleans, numbers, RFC 3339 text as a datetime, other text;
/// lists and objects are kept as `Unknown("array")` / `Unknown("object")`.
fn infer(v: &Value) -> Option<FieldType> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => FieldType::Boolean,
        Value::Number(_) => FieldType::Number,
        Value::String(s) if DateTime::parse_from_rfc3339(s).is_ok() => FieldType::Datetime,
        Value::String(_) => FieldType::Text,
        Value::Array(_) => FieldType::Unknown("array".into()),
        Value::Object(_) => FieldType::Unknown("object".into()),
    })
}

impl State {
    /// Every record's custom fields of `resource`, deleted records included.
    fn custom_fields_of(&self, resource: Resource) -> Vec<&CustomFields> {
        match resource {
            Resource::Ticket => {
                self.tickets.values().chain(self.deleted_tickets.values()).map(|t| &t.custom_fields).collect()
            }
            Resource::Contact => {
                self.contacts.values().chain(self.deleted_contacts.values()).map(|c| &c.custom_fields).collect()
            }
            Resource::Account => {
                self.accounts.values().chain(self.deleted_accounts.values()).map(|a| &a.custom_fields).collect()
            }
            _ => Vec::new(),
        }
    }

    /// `resource`'s definitions, by key: the seeded ones, then inferred ones for other keys.
    pub(crate) fn field_definitions(&self, resource: Resource) -> Vec<FieldDefinition> {
        let mut defs: BTreeMap<&str, FieldDefinition> =
            self.fields.iter().filter(|d| d.resource == resource).map(|d| (d.key.as_str(), d.clone())).collect();
        let mut seen: BTreeMap<&str, Option<FieldType>> = BTreeMap::new();
        for custom in self.custom_fields_of(resource) {
            for (key, value) in custom {
                if defs.contains_key(key.as_str()) {
                    continue;
                }
                let kind = seen.entry(key.as_str()).or_default();
                if kind.is_none() {
                    *kind = infer(value);
                }
            }
        }
        for (key, kind) in seen {
            let field_type = kind.unwrap_or_else(|| FieldType::Unknown(String::new()));
            defs.insert(
                key,
                FieldDefinition {
                    key: key.to_owned(),
                    label: None,
                    field_type,
                    options: Vec::new(),
                    resource,
                    remote_data: None,
                },
            );
        }
        defs.into_values().collect()
    }
}

#[async_trait]
impl Fields for MemoryHelpdesk {
    async fn list(&self, resource: Option<Resource>) -> Result<Vec<FieldDefinition>> {
        let resources: Vec<Resource> = match resource {
            Some(r) if DESCRIBED.contains(&r) => vec![r],
            Some(r) => return Err(Error::unsupported(r, Operation::ListFields, NAME)),
            None => DESCRIBED.to_vec(),
        };
        let state = self.read();
        Ok(resources.iter().flat_map(|r| state.field_definitions(*r)).collect())
    }
}
