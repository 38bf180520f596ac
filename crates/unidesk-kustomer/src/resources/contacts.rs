//! customers as [`Contacts`].

use async_trait::async_trait;
use reqwest::Method;
use unidesk_core::{Contact, ContactCreate, ContactUpdate, Contacts, Error, Id, ListQuery, Page, Resource, Result};

use crate::client::{Call, KustomerClient, encode_segment};
use crate::decode::{self, DecodeOptions};
use crate::list::{Endpoint, Source};
use crate::map::reverse;

fn decode_contact(body: &[u8], ctx: &str, raw: bool) -> Result<Contact> {
    decode::customer(body, ctx, DecodeOptions { include_remote_data: raw, base_url: "" })
}

impl KustomerClient {
    async fn lookup(&self, kind: &str, template: &'static str, value: &str) -> Result<Contact> {
        if value.is_empty() || value.len() > 512 || value.chars().any(char::is_control) {
            return Err(Error::invalid_input(format!("{kind} lookup value rejected")));
        }
        let call = Call::get(format!("/v1/customers/{kind}={}", encode_segment(value)), template)
            .not_found(Resource::Contact, value);
        let resp = self.send(&call).await?;
        decode_contact(&resp.body, template, false)
    }
}

#[async_trait]
impl Contacts for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Contact>> {
        let endpoint = Endpoint::search_or_get(query, "customer", "/v1/customers");
        self.list_sources(Resource::Contact, query, &[Source { endpoint, decode: decode::customers_page }], false).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Contact> {
        let id = Id::parse(id)?;
        let call =
            Call::get(format!("/v1/customers/{id}"), "/v1/customers/{id}").not_found(Resource::Contact, id.as_str());
        let resp = self.send(&call).await?;
        decode_contact(&resp.body, "/v1/customers/{id}", include_remote_data)
    }

    async fn create(&self, input: &ContactCreate) -> Result<Contact> {
        let call =
            Call::write(Method::POST, "/v1/customers".into(), "/v1/customers", Some(reverse::customer_create(input)));
        let resp = self.send(&call).await?;
        decode_contact(&resp.body, "/v1/customers", false)
    }

    async fn update(&self, id: &str, patch: &ContactUpdate) -> Result<Contact> {
        let id = Id::parse(id)?;
        let mut call = Call::write(
            Method::PATCH,
            format!("/v1/customers/{id}"),
            "/v1/customers/{id}",
            Some(reverse::customer_update(patch)),
        )
        .not_found(Resource::Contact, id.as_str())
        .object(format!("customer:{id}"));
        call.idempotent = true; // absolute values
        let resp = self.send(&call).await?;
        decode_contact(&resp.body, "/v1/customers/{id}", false)
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        let call = Call::write(Method::DELETE, format!("/v1/customers/{id}"), "/v1/customers/{id}", None)
            .not_found(Resource::Contact, id.as_str());
        self.send(&call).await.map(|_| ())
    }

    async fn find_by_email(&self, email: &str) -> Result<Contact> {
        self.lookup("email", "/v1/customers/email={email}", email).await
    }

    async fn find_by_external_id(&self, external_id: &str) -> Result<Contact> {
        self.lookup("externalId", "/v1/customers/externalId={externalId}", external_id).await
    }
}
