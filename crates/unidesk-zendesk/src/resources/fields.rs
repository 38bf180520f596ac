//! Custom-field definitions: `/ticket_fields`, `/user_fields` (contacts) and
//! `/organization_fields` (accounts).

use async_trait::async_trait;
use serde_json::Value;
use unidesk_core::{Error, FieldDefinition, Fields, Operation, Resource, Result};

use crate::client::{Call, ZendeskClient};
use crate::{ADAPTER, map, wire};

/// The resources with field definitions, and where Zendesk lists them.
const SOURCES: [(Resource, &str); 3] = [
    (Resource::Ticket, "/ticket_fields.json"),
    (Resource::Contact, "/user_fields.json"),
    (Resource::Account, "/organization_fields.json"),
];

#[async_trait]
impl Fields for ZendeskClient {
    async fn list(&self, resource: Option<Resource>) -> Result<Vec<FieldDefinition>> {
        if let Some(r) = resource
            && !SOURCES.iter().any(|(s, _)| *s == r)
        {
            return Err(Error::unsupported(r, Operation::ListFields, ADAPTER));
        }
        let mut out: Vec<FieldDefinition> = Vec::new();
        for (r, path) in SOURCES.iter().filter(|(s, _)| resource.is_none_or(|r| r == *s)) {
            let defs: Vec<(wire::FieldDefinition, Value)> = self.all(&Call::get(*path, path)).await?;
            let mut these: Vec<FieldDefinition> =
                defs.into_iter().filter_map(|(d, v)| map::field_definition(&d, v, *r)).collect();
            these.sort_by(|a, b| a.key.cmp(&b.key));
            these.dedup_by(|a, b| a.key == b.key);
            out.extend(these);
        }
        Ok(out)
    }
}
