//! Provider-defined (custom) fields: their definitions, and the [`Fields`] trait listing them.
//!
//! Records carry provider-defined values in `custom_fields`, keyed as the provider keys them.
//! A [`FieldDefinition`] says what one such key means: its label, the kind of value, and for
//! select fields the allowed values. [`crate::Helpdesk::fields`] lists them; an adapter that
//! cannot answers [`Error::Unsupported`] and leaves [`Operation::ListFields`] out of its
//! capability report.

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capability::{Operation, Resource};
use crate::enums::FieldType;
use crate::error::{Error, Result};

/// One allowed value of a select or multiselect field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FieldOption {
    /// The value as records carry it in `custom_fields`.
    pub value: String,
    /// Its display label, when the provider gives one apart from the value; `null` otherwise.
    pub label: Option<String>,
}

/// The definition of one provider-defined field of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldDefinition {
    /// The key records use for the field in `custom_fields` (Kustomer: the attribute name with
    /// its type suffix, e.g. `tierStr`).
    pub key: String,
    /// The label the provider shows for the field, when it has one.
    pub label: Option<String>,
    /// The kind of value the field holds.
    pub field_type: FieldType,
    /// The allowed values of a select or multiselect field, in the provider's order; empty for
    /// other fields.
    #[serde(default)]
    pub options: Vec<FieldOption>,
    /// The resource whose records carry the field.
    pub resource: Resource,
    /// The provider's raw definition. Always present when the provider has one: definitions
    /// are small and listed without a query to ask for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// The definitions of provider-defined fields.
#[async_trait]
pub trait Fields: Send + Sync {
    /// The field definitions of `resource`, or with `None` of every resource the adapter reports
    /// [`Operation::ListFields`] for. Ordered by resource (as in [`Resource::ALL`]), then by
    /// key; a `(resource, key)` pair appears once. A resource without
    /// [`Operation::ListFields`] in the capability report answers [`Error::Unsupported`].
    async fn list(&self, resource: Option<Resource>) -> Result<Vec<FieldDefinition>>;
}

/// The [`Fields`] of an adapter that does not describe its fields: every call answers
/// [`Error::Unsupported`] for [`Operation::ListFields`], naming the adapter. It is what
/// [`crate::Helpdesk::fields`] returns unless the adapter overrides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoFields {
    adapter: Cow<'static, str>,
}

impl NoFields {
    /// Answers for the adapter named `adapter` (as [`crate::Helpdesk::name`] gives it).
    pub fn new(adapter: impl Into<String>) -> Self {
        NoFields { adapter: Cow::Owned(adapter.into()) }
    }

    /// The adapter named in the errors.
    pub fn adapter(&self) -> &str {
        &self.adapter
    }
}

#[async_trait]
impl Fields for NoFields {
    /// Always [`Error::Unsupported`]: for `resource`, or without one for [`Resource::Ticket`],
    /// the first resource [`Operation::ListFields`] applies to.
    async fn list(&self, resource: Option<Resource>) -> Result<Vec<FieldDefinition>> {
        Err(Error::unsupported(resource.unwrap_or(Resource::Ticket), Operation::ListFields, self.adapter.as_ref()))
    }
}

/// How many adapter names [`unsupported`] keeps a [`NoFields`] for.
const MAX_NAMES: usize = 1024;

/// The [`NoFields`] naming `adapter`, shared for the life of the process: one small allocation
/// per distinct adapter name, up to [`MAX_NAMES`] names (past that, one unnamed instance).
/// [`crate::Helpdesk::fields`]'s default returns it, so that an adapter that does not describe
/// its fields still answers an honest `Unsupported` naming itself.
pub(crate) fn unsupported(adapter: &str) -> &'static dyn Fields {
    static UNNAMED: NoFields = NoFields { adapter: Cow::Borrowed("") };
    static NAMED: OnceLock<Mutex<Vec<&'static NoFields>>> = OnceLock::new();
    let mut named = NAMED.get_or_init(|| Mutex::new(Vec::new())).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = named.iter().find(|n| n.adapter == adapter) {
        return *found;
    }
    if named.len() >= MAX_NAMES {
        return &UNNAMED;
    }
    let leaked: &'static NoFields = Box::leak(Box::new(NoFields::new(adapter)));
    named.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_fields_answers_unsupported_naming_the_adapter_and_the_resource() {
        let err = unsupported("acme").list(Some(Resource::Contact)).await.expect_err("unsupported");
        assert!(
            matches!(&err, Error::Unsupported { resource: Resource::Contact, operation: Operation::ListFields, adapter } if adapter == "acme"),
            "{err:?}"
        );
        let all = NoFields::new("other").list(None).await.expect_err("unsupported");
        assert!(matches!(all, Error::Unsupported { resource: Resource::Ticket, .. }), "{all:?}");
    }

    #[test]
    fn one_instance_per_adapter_name() {
        let a = unsupported("same-name") as *const dyn Fields as *const ();
        let b = unsupported("same-name") as *const dyn Fields as *const ();
        let c = unsupported("another-name") as *const dyn Fields as *const ();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn definitions_serialize_with_their_contracted_names() {
        let d = FieldDefinition {
            key: "tierStr".into(),
            label: Some("Tier".into()),
            field_type: FieldType::Select,
            options: vec![FieldOption { value: "gold".into(), label: None }],
            resource: Resource::Account,
            remote_data: None,
        };
        let json = serde_json::to_value(&d).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({ "key": "tierStr", "label": "Tier", "field_type": "select",
                "options": [{ "value": "gold", "label": null }], "resource": "account" })
        );
        let back: FieldDefinition = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, d);
    }
}
