//! customers as [`Contacts`].

use async_trait::async_trait;
use reqwest::Method;
use unidesk_core::{Contact, ContactCreate, ContactUpdate, Contacts, Error, Id, ListQuery, Page, Resource, Result};

use crate::client::{Call, KustomerClient};
use crate::descriptor::Customers;
use crate::map::reverse;
use crate::paths::{self, PathTemplate};

impl KustomerClient {
    /// The customer whose `kind` (email, external id) is `value`, looked up at `at`.
    pub(crate) async fn lookup(&self, kind: &str, at: &PathTemplate, value: &str) -> Result<Contact> {
        if value.is_empty() || value.len() > 512 || value.chars().any(char::is_control) {
            return Err(Error::invalid_input(format!("{kind} lookup value rejected")));
        }
        let call = Call::get(at.fill_text(&[value]), at.template()).not_found(Resource::Contact, value);
        self.fetch::<Customers>(&call, false).await
    }
}

#[async_trait]
impl Contacts for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Contact>> {
        self.list_resource::<Customers>(query).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Contact> {
        self.get_resource::<Customers>(id, include_remote_data).await
    }

    async fn create(&self, input: &ContactCreate) -> Result<Contact> {
        let call = Call::write_at(Method::POST, &paths::CUSTOMERS, &[], Some(reverse::customer_create(input)));
        self.fetch::<Customers>(&call, false).await
    }

    async fn update(&self, id: &str, patch: &ContactUpdate) -> Result<Contact> {
        let id = Id::parse(id)?;
        let mut call = Call::write_at(Method::PATCH, &paths::CUSTOMER, &[&id], Some(reverse::customer_update(patch)))
            .not_found(Resource::Contact, id.as_str())
            .object(format!("customer:{id}"));
        call.idempotent = true; // absolute values
        self.fetch::<Customers>(&call, false).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        let call =
            Call::write_at(Method::DELETE, &paths::CUSTOMER, &[&id], None).not_found(Resource::Contact, id.as_str());
        self.send(&call).await.map(|_| ())
    }

    async fn find_by_email(&self, email: &str) -> Result<Contact> {
        self.lookup("email", &paths::CUSTOMER_BY_EMAIL, email).await
    }

    async fn find_by_external_id(&self, external_id: &str) -> Result<Contact> {
        self.lookup("externalId", &paths::CUSTOMER_BY_EXTERNAL_ID, external_id).await
    }
}
