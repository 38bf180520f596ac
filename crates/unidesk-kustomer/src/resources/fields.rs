//! The custom-attribute definitions of conversations, messages, customers and companies as
//! [`Fields`], from `GET /v1/metadata/{resource}`.

use async_trait::async_trait;
use unidesk_core::{Error, FieldDefinition, Fields, Operation, Resource, Result};

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::descriptor::{Companies, Conversations, Customers, KustomerResource, Messages};
use crate::paths;

/// The `{resource}` of `GET /v1/metadata/{resource}` describing `resource`'s records, if any
/// (as the descriptors say).
fn metadata_of(resource: Resource) -> Option<&'static str> {
    fn row<R: KustomerResource>() -> (Resource, Option<&'static str>) {
        (R::RESOURCE, R::METADATA)
    }
    [row::<Conversations>(), row::<Messages>(), row::<Customers>(), row::<Companies>()]
        .into_iter()
        .find(|(r, _)| *r == resource)
        .and_then(|(_, m)| m)
}

impl KustomerClient {
    /// The definitions of `resource`'s custom attributes, read from its metadata.
    async fn field_definitions(&self, resource: Resource) -> Result<Vec<FieldDefinition>> {
        let Some(kind) = metadata_of(resource) else {
            return Err(Error::unsupported(resource, Operation::ListFields, ADAPTER));
        };
        let call = Call::get(paths::METADATA.fill_text(&[kind]), paths::METADATA.template());
        let resp = self.send(&call).await?;
        crate::decode::field_definitions(&resp.body, call.template, resource)
    }
}

#[async_trait]
impl Fields for KustomerClient {
    /// One `GET /v1/metadata/{resource}` per resource asked for: `conversation` (tickets),
    /// `message` (comments; notes have no metadata), `customer` (contacts), `company`
    /// (accounts). Tags, teams and users are `Unsupported`.
    async fn list(&self, resource: Option<Resource>) -> Result<Vec<FieldDefinition>> {
        match resource {
            Some(r) => self.field_definitions(r).await,
            None => {
                let mut all = Vec::new();
                for r in Resource::ALL.into_iter().filter(|r| metadata_of(*r).is_some()) {
                    all.extend(self.field_definitions(r).await?);
                }
                Ok(all)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_described_resources_are_the_ones_reported() {
        let described: Vec<Resource> = Resource::ALL.into_iter().filter(|r| metadata_of(*r).is_some()).collect();
        assert_eq!(described, super::super::SEARCHED);
    }
}
