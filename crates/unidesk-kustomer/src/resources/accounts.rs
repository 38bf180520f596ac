//! companies as [`Accounts`].

use async_trait::async_trait;
use reqwest::Method;
use unidesk_core::{
    Account, AccountCreate, AccountUpdate, Accounts, Error, Id, ListQuery, Operation, Page, Resource, Result,
};

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::descriptor::Companies;
use crate::map::reverse;
use crate::paths;

#[async_trait]
impl Accounts for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Account>> {
        self.list_resource::<Companies>(query).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Account> {
        self.get_resource::<Companies>(id, include_remote_data).await
    }

    async fn create(&self, input: &AccountCreate) -> Result<Account> {
        let call = Call::write_at(Method::POST, &paths::COMPANIES, &[], Some(reverse::company_create(input)));
        self.fetch::<Companies>(&call, false).await
    }

    async fn update(&self, id: &str, patch: &AccountUpdate) -> Result<Account> {
        let id = Id::parse(id)?;
        let call = Call::write_at(Method::PUT, &paths::COMPANY, &[&id], Some(reverse::company_update(patch)))
            .not_found(Resource::Account, id.as_str())
            .object(format!("company:{id}"));
        self.fetch::<Companies>(&call, false).await
    }

    /// Kustomer's API has no company DELETE: always `Unsupported`.
    async fn delete(&self, id: &str) -> Result<()> {
        Id::parse(id)?;
        Err(Error::unsupported(Resource::Account, Operation::Delete, ADAPTER))
    }
}
